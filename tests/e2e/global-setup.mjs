// Before the browser tests: IPython vendored into the build under test, so that every spec's kernel
// gets its shell from the app's own origin whatever package base it uses (the tests have no CDN). The packages are
// Debian's, packed by scripts/debian-mirror.mjs; `npm run vendor` puts them in as a CDN-free deployment would.
// Then one boot of the app, whose interpreter snapshot every test context starts with (helpers/python-snapshot.mjs).
import { buildDebianMirror } from '../../scripts/debian-mirror.mjs';
import { vendor } from '../../scripts/vendor-packages.mjs';
import { prepareSnapshot } from './helpers/python-snapshot.mjs';

export default async function globalSetup(config) {
  const mirror = buildDebianMirror();
  await vendor({ names: [], base: mirror.dir, lock: mirror.lock, out: null, dist: 'dist' }, () => undefined);
  const use = config.projects[0].use;
  const started = Date.now();
  const snapshot = await prepareSnapshot(use.baseURL, use.launchOptions.executablePath);
  console.log(`e2e: interpreter snapshot of ${(snapshot.bytes / 1e6).toFixed(1)} MB made in ${((Date.now() - started) / 1000).toFixed(1)} s, shared by every test context`);
  process.env.E2E_APP_URL = use.baseURL;
  return snapshot.close;
}
