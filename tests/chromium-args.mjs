/**
 * Flags for Debian's Chromium on these machines (see shared/NOTES-browser.md): as root it needs --no-sandbox; the
 * background-networking flags stop it dialling Google on a machine without internet; loopback plus fake media
 * permission let WebRTC gather 127.0.0.1 candidates, so two pages can connect over loopback only.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--allow-loopback-in-peer-connection',
  '--use-fake-ui-for-media-stream',
];
