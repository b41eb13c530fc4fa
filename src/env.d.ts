/** Build-time constants injected by vite.config.ts. */
declare const __PYODIDE_VERSION__: string;
declare const __DEFAULT_PACKAGE_BASE__: string;
declare const __DEFAULT_SIGNALING__: string;
declare const __DEFAULT_RELAY__: string;
declare const __DEFAULT_ICE_SERVERS__: string;
