import { expect, test } from './fixtures';
import { kernelStatus, openNotebook, outputs, run, runAndSee } from './kernel-helpers';

// A 1×1 PNG and the smallest JPEG header: enough for the browser to treat them as images.
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

test.describe('kernel outputs', () => {
  test.beforeEach(async ({ page }) => {
    await openNotebook(page);
  });

  test('prints appear while the cell is still running', async ({ page }) => {
    const out = await run(
      page,
      'import time\nfor i in range(3):\n    print(f"tick {i}")\n    time.sleep(1.5)\nprint("finished")',
    );
    await expect(out).toContainText('tick 0');
    await expect(kernelStatus(page)).toHaveText(/busy/i);
    await expect(out).not.toContainText('finished');
    await expect(out).toContainText('finished');
    await expect(out).toContainText(/tick 0\s+tick 1\s+tick 2\s+finished/);
  });

  test('the last expression shows as Out[n]; a trailing semicolon hides it', async ({ page }) => {
    const out = await runAndSee(page, 'x = 40\nx + 2', '42');
    await expect(out.locator('.anode-prompt')).toHaveText(/Out\[\d+\]:/);
    await runAndSee(page, 'print("only this")\nx + 2;', 'only this');
    await expect(outputs(page)).not.toContainText('Out[');
    await expect(outputs(page)).not.toContainText('42');
  });

  test('stderr is shown apart from stdout, ANSI colours render as colours, \\r overwrites the line', async ({ page }) => {
    const out = await runAndSee(
      page,
      'import sys\nprint("plain")\nprint("warned", file=sys.stderr)\nprint("\\x1b[31mred\\x1b[0m text")\nfor p in range(0, 101, 25):\n    print(f"\\rprogress {p}%", end="")\nprint()',
      'progress 100%',
    );
    await expect(out.locator('[data-stream="stderr"]')).toContainText('warned');
    await expect(out.locator('.ansi-red-fg')).toHaveText('red');
    await expect(out).not.toContainText('\x1b[');
    await expect(out).not.toContainText('progress 50%');
  });

  test('every _repr_*_ renders as its richest type', async ({ page }) => {
    const out = await run(
      page,
      [
        'import base64',
        `PNG = base64.b64decode("${PNG_B64}")`,
        'def rich(method, value):',
        '    return type("R", (), {method: lambda self: value, "__repr__": lambda self: "plain " + method})()',
        'display(rich("_repr_html_", "<p id=\'h\'>html repr</p>"))',
        'display(rich("_repr_markdown_", "# Markdown heading"))',
        'display(rich("_repr_svg_", \'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>\'))',
        'display(rich("_repr_png_", PNG))',
        'display(rich("_repr_jpeg_", b"\\xff\\xd8\\xff\\xe0"))',
        'display(rich("_repr_json_", {"answer": 42}))',
        'display(rich("_repr_latex_", r"$\\frac{a}{b}$"))',
        'class Bundle:',
        '    def _repr_mimebundle_(self, include=None, exclude=None):',
        '        return {"text/markdown": "**from bundle**", "text/plain": "bundle"}',
        'Bundle()',
      ].join('\n'),
    );
    await expect(out.locator('.anode-prompt')).toBeVisible();
    await expect(out.frameLocator('iframe').first().locator('#h')).toHaveText('html repr');
    await expect(out.locator('.anode-markdown h1')).toHaveText('Markdown heading');
    await expect(out.locator('img[src^="data:image/svg+xml"]')).toHaveCount(1);
    await expect(out.locator('img[src^="data:image/png;base64,iVBOR"]')).toHaveCount(1);
    await expect(out.locator('img[src^="data:image/jpeg;base64,"]')).toHaveCount(1);
    await expect(out.locator('.anode-json')).toContainText('"answer": 42');
    await expect(out.locator('.anode-latex .katex')).toHaveCount(1);
    await expect(out.locator('.anode-markdown strong')).toHaveText('from bundle');
    // The richer type won: the plain reprs are not what is shown.
    await expect(out).not.toContainText('plain _repr_');
  });

  test('IPython.display works without downloading IPython: update_display and display handles', async ({ page }) => {
    const out = await runAndSee(
      page,
      [
        'from IPython.display import display, update_display, HTML, Markdown, JSON',
        'h = display(Markdown("first version"), display_id=True)',
        'h.update(Markdown("second version"))',
        'display(JSON({"k": [1, 2]}))',
        'print("done")',
      ].join('\n'),
      'done',
    );
    await expect(out).toContainText('second version');
    await expect(out).not.toContainText('first version');
    await expect(out.locator('.anode-json')).toContainText('"k"');
  });

  test('clear_output(wait=True) animates: only the last frame stays', async ({ page }) => {
    const out = await runAndSee(
      page,
      'from IPython.display import clear_output\nimport time\nfor i in range(5):\n    clear_output(wait=True)\n    print(f"frame {i}")\n    time.sleep(0.05)',
      'frame 4',
    );
    await expect(out).not.toContainText('frame 3');
    await expect(out.locator('[data-output-type]')).toHaveCount(1);
  });

  test('an error shows a clean coloured traceback of the user code with ename: evalue', async ({ page }) => {
    const out = await run(page, 'def divide(a, b):\n    return a / b\n\ndivide(1, 0)');
    const err = out.locator('[data-output-type="error"]');
    await expect(err).toContainText('ZeroDivisionError: division by zero');
    await expect(err).toContainText(/Cell In ?\[\d+\], line 4/); // IPython 8.5 (the tests') spells it "In [1]", 9.x "In[1]"
    await expect(err).toContainText('return a / b');
    await expect(err.locator('.ansi-red-fg').first()).toBeVisible();
    for (const internal of ['anode_kernel', '_pyodide', 'CodeRunner', 'pyodide.asm', 'kernel.worker']) {
      await expect(err).not.toContainText(internal);
    }
    await expect(kernelStatus(page)).toHaveText(/idle/i);
  });

  test('a huge output is truncated with a visible marker and the page stays usable', async ({ page }) => {
    const out = await run(page, 'for i in range(300_000):\n    print(i)');
    // What is asserted is the truncation, not the speed: on a loaded machine the stream takes longer than 15 s.
    await expect(out).toContainText('299999', { timeout: 90_000 });
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    await expect(out).toContainText(/output truncated, \d+ lines hidden/);
    await runAndSee(page, '"still responsive"', 'still responsive');
  });

  test('HTML output cannot reach the app: scripts run sandboxed, without its origin or storage', async ({ page }) => {
    await page.evaluate(() => localStorage.setItem('anode.secret-probe', 'top secret'));
    const title = await page.title();
    const out = await run(
      page,
      [
        'from IPython.display import HTML, Markdown, SVG, display',
        'display(HTML("""<div id="probe">waiting</div><img src="x" onerror="try{parent.document.body.dataset.pwned=1}catch(e){}">',
        '<script>',
        'const r = [];',
        'try { r.push("title:" + parent.document.title); } catch (e) { r.push("parent-blocked"); }',
        'try { r.push("storage:" + localStorage.getItem("anode.secret-probe")); } catch (e) { r.push("storage-blocked"); }',
        'try { r.push("cookie:" + document.cookie); } catch (e) { r.push("cookie-blocked"); }',
        'document.getElementById("probe").textContent = r.join(" ");',
        '</script>"""))',
        'display(Markdown(\'<img src="x" onerror="document.body.dataset.pwned=1">**md**<script>document.body.dataset.pwned=1</script>\'))',
        'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg"><script>document.body.dataset.pwned=1</script></svg>\'))',
      ].join('\n'),
    );
    const probe = out.frameLocator('iframe').first().locator('#probe');
    await expect(probe).toHaveText(/parent-blocked storage-blocked cookie-blocked/);
    await expect(out.locator('.anode-markdown strong')).toHaveText('md');
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    expect(await page.evaluate(() => document.body.dataset.pwned)).toBeUndefined();
    expect(await page.title()).toBe(title);
    expect(await out.locator('iframe').first().getAttribute('sandbox')).not.toContain('allow-same-origin');
  });
});
