/// <reference types="vite-plugin-pwa/vanillajs" />
/** Build identity injected by vite.config.ts (ANODE_BUILD_ID, else the build time): tells two deployments apart. */
declare const __ANODE_BUILD_ID__: string;
