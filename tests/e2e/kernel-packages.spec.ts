import { expect, test } from './fixtures';
import { buildMirror } from '../fixtures/wheels/build.mjs';
import { serveMirror } from '../fixtures/wheels/serve.mjs';
import { kernelStatus, openNotebook, run, runAndSee } from './kernel-helpers';

test.describe('packages', () => {
  test('a package imported from a self-hosted mirror (its own lock file) loads before the cell runs', async ({ page }) => {
    const mirror = await serveMirror(buildMirror().dir);
    try {
      await openNotebook(page, { packageBaseURL: mirror.url });
      const out = await runAndSee(page, 'import anode_tiny\nanode_tiny.hello("Ada")', 'hello Ada from anode_tiny');
      await expect(out).toContainText('Loaded anode-tiny');
      expect(mirror.requests).toContain('/anode_tiny-0.1.0-py3-none-any.whl');
    } finally {
      await mirror.close();
    }
  });

  test('an unreachable package gives a clear error naming it and the URL tried; the kernel stays usable', async ({ page }) => {
    // Port 9 (discard) on loopback: nothing listens, the fetch fails at once, like being offline.
    const base = 'http://127.0.0.1:9/';
    await openNotebook(page, { packageBaseURL: base });
    const out = await run(page, 'import numpy as np\nnp.arange(3)');
    const err = out.locator('[data-output-type="error"]');
    await expect(err).toContainText('PackageLoadError');
    await expect(err).toContainText('numpy');
    await expect(err).toContainText(`${base}numpy-`);
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    await runAndSee(page, '6 * 7', '42');
  });
});
