// Before the browser tests: IPython vendored into the build under test, so that every spec's kernel
// gets its shell from the app's own origin whatever package base it uses (the tests have no CDN). The packages are
// Debian's, packed by scripts/debian-mirror.mjs; `npm run vendor` puts them in as a CDN-free deployment would.
import { buildDebianMirror } from '../../scripts/debian-mirror.mjs';
import { vendor } from '../../scripts/vendor-packages.mjs';

export default async function globalSetup() {
  const mirror = buildDebianMirror();
  await vendor({ names: ['ipython'], base: mirror.dir, lock: mirror.lock, out: null, dist: 'dist' }, () => undefined);
}
