/**
 * Python reads the web (workers/python/anode_kernel/web.py), in Chromium against a local data server
 * (tests/fixtures/data-server.mjs) that serves the same files with and without CORS headers. Each test prints
 * from Python what a notebook user would look at and checks it in the cell's output.
 */
import { execFileSync } from 'node:child_process';
import { expect, test, type Page, newContext } from './fixtures';
import { startDataServer, type DataServer } from '../fixtures/data-server.mjs';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, run, runAndSee } from './kernel-helpers';

const CSV = 'city,temp\nOslo,4\nLima,19\n';

/**
 * urllib3 (≥ 2.2, with its browser backend) and requests as a zip of their pure-Python sources, taken from this
 * machine's Python; null where it has none (no network here for Pyodide's own wheels).
 */
function requestsZip(): Buffer | null {
  const script = `
import io, os, sys, zipfile
import urllib3, requests, idna, certifi, charset_normalizer
site = os.path.dirname(os.path.dirname(urllib3.__file__))
if not os.path.isdir(os.path.join(site, "urllib3", "contrib", "emscripten")):
    sys.exit(3)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    for m in (urllib3, requests, idna, certifi, charset_normalizer):
        root = os.path.dirname(m.__file__)
        for d, _, files in os.walk(root):
            for f in files:
                if f.endswith((".py", ".pem", ".js", ".typed")) and "__pycache__" not in d:
                    p = os.path.join(d, f)
                    z.write(p, os.path.relpath(p, os.path.dirname(root)))
sys.stdout.buffer.write(buf.getvalue())
`;
  try {
    return execFileSync('python3', ['-c', script], { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

const packages = requestsZip();
let data: DataServer;

test.beforeAll(async () => {
  data = await startDataServer({ files: { 'data.csv': CSV, ...(packages ? { 'requests.zip': packages } : {}) } });
});

test.afterAll(async () => {
  await data?.close();
});

/** Runs a cell that must end with `print("END")`; returns its output text once the kernel is idle again. */
async function runToEnd(page: Page, code: string): Promise<string> {
  const out = await run(page, code);
  // Generous: a cell may first load a package (requests, from a zip) on a machine busy with other specs.
  await expect(out).toContainText(/END|Error|Traceback/, { timeout: BOOT_TIMEOUT });
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  return (await out.textContent()) ?? '';
}

/**
 * One notebook for the tests that read (each a fresh cell run in the same kernel): a boot costs ~30 s on these
 * machines. A test that fails takes its worker down, and the next one opens a fresh notebook.
 */
let shared: Page;

test.describe('Python reads the web', () => {
  test.beforeAll(async ({ browser }, info) => {
    test.setTimeout(BOOT_TIMEOUT + 30_000);
    const context = await newContext(browser, { baseURL: info.project.use.baseURL, serviceWorkers: 'block' });
    shared = await context.newPage();
    await openNotebook(shared);
  });

  test.afterAll(async () => {
    await shared?.context().close();
  });

  test('urlopen reads a CSV from a server that allows CORS, with status and headers', async () => {
    const page = shared;
    const text = await runToEnd(
      page,
      `import csv, io, urllib.request
with urllib.request.urlopen("${data.url}/cors/data.csv") as resp:
    print("status", resp.status, resp.reason)
    print("type", resp.headers["Content-Type"])
    print("custom", resp.getheader("x-anode-test"))
    rows = list(csv.DictReader(io.TextIOWrapper(resp, encoding="utf-8")))
for row in rows:
    print(row["city"], "is", row["temp"], "degrees")
print("END")`,
    );
    expect(text).toContain('status 200 OK');
    expect(text).toContain('type text/csv; charset=utf-8');
    expect(text).toContain('custom yes');
    expect(text).toContain('Oslo is 4 degrees');
    expect(text).toContain('Lima is 19 degrees');
  });

  test('a server without CORS headers gives a message that explains CORS and what to do', async () => {
    const page = shared;
    const out = await run(page, `import urllib.request\nurllib.request.urlopen("${data.url}/plain/data.csv").read()`);
    await expect(out).toContainText(`Could not read ${data.url}/plain/data.csv from the browser`);
    await expect(out).toContainText('CORS headers (Access-Control-Allow-Origin)');
    await expect(out).toContainText(`${data.url} does not send CORS headers`);
    await expect(out).toContainText('download the file with your browser, upload it into the notebook');
    await expect(out).toContainText('CORS-enabled mirror');
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    // It is still the OSError (URLError) that code written for urllib expects to catch.
    const caught = await runToEnd(
      page,
      `import urllib.error
try:
    urllib.request.urlopen("${data.url}/plain/data.csv")
except urllib.error.URLError as e:
    print("caught", isinstance(e, OSError))
print("END")`,
    );
    expect(caught).toContain('caught True');
  });

  test('an unreachable server gets the same explanation, which names that possibility too', async () => {
    const page = shared;
    // Port 9 (discard) is closed on this machine: connection refused.
    const out = await run(page, `import urllib.request\nurllib.request.urlopen("http://127.0.0.1:9/data.csv")`);
    await expect(out).toContainText('Could not read http://127.0.0.1:9/data.csv');
    await expect(out).toContainText('could not be reached');
    await expect(out).toContainText('CORS');
  });

  test('a 404 raises HTTPError with the status code and the body of the answer', async () => {
    const page = shared;
    const text = await runToEnd(
      page,
      `import urllib.request, urllib.error
try:
    urllib.request.urlopen("${data.url}/cors/missing.csv")
except urllib.error.HTTPError as e:
    print("HTTPError", e.code, e.reason, e.read().decode().strip())
print("END")`,
    );
    expect(text).toContain('HTTPError 404 Not Found no such file: missing.csv');
  });

  test('POST sends the body; a redirect is followed to the final URL', async () => {
    const page = shared;
    const text = await runToEnd(
      page,
      `import urllib.request, urllib.parse
body = urllib.parse.urlencode({"q": "anode", "n": 3}).encode()
with urllib.request.urlopen("${data.url}/cors/echo", data=body) as r:
    print("echo", r.headers["X-Echo-Method"], r.headers["X-Echo-Content-Type"], r.read().decode())
req = urllib.request.Request("${data.url}/cors/echo", data=b"\\x00\\x01\\xff", method="POST", headers={"Content-Type": "application/octet-stream"})
print("bytes", list(urllib.request.urlopen(req).read()))
with urllib.request.urlopen("${data.url}/cors/redirect?to=/cors/data.csv") as r:
    print("landed", r.url, r.read().decode().splitlines()[1])
print("END")`,
    );
    expect(text).toContain('echo POST application/x-www-form-urlencoded q=anode&n=3');
    expect(text).toContain('bytes [0, 1, 255]');
    expect(text).toContain(`landed ${data.url}/cors/data.csv Oslo,4`);
  });

  test("pyodide.http's open_url and pyfetch read the same server and explain a refusal the same way", async () => {
    const page = shared;
    const text = await runToEnd(
      page,
      `from pyodide.http import open_url, pyfetch
print("open_url", open_url("${data.url}/cors/data.csv").read().splitlines()[2])
resp = await pyfetch("${data.url}/cors/data.csv")
print("pyfetch", resp.status, (await resp.string()).splitlines()[1])
for attempt in (lambda: open_url("${data.url}/plain/data.csv"),):
    try:
        attempt()
    except OSError as e:
        print("open_url refused:", "CORS" in str(e) and "upload" in str(e))
try:
    await pyfetch("${data.url}/plain/data.csv")
except OSError as e:
    print("pyfetch refused:", "CORS" in str(e) and "upload" in str(e))
print("END")`,
    );
    expect(text).toContain('open_url Lima,19');
    expect(text).toContain('pyfetch 200 Oslo,4');
    expect(text).toContain('open_url refused: True');
    expect(text).toContain('pyfetch refused: True');
  });

  test('a 50 MB CSV downloads whole', async () => {
    const page = shared;
    test.setTimeout(120_000);
    const out = await run(
      page,
      `import urllib.request
raw = urllib.request.urlopen("${data.url}/cors/big.csv?mb=50").read()
print(f"{len(raw) / 2**20:.0f} MB, {raw.count(b'\\n')} rows, last {raw[raw.rindex(b'\\n', 0, -1) + 1:].decode().strip()}")`,
    );
    await expect(out).toContainText(/^50 MB, \d+ rows, last \d+,\d+,\d+\s*$/, { timeout: 90_000 });
  });

  test('the page takes typing while Python waits for a download', async () => {
    const page = shared;
    const out = await run(page, `import urllib.request\nprint(urllib.request.urlopen("${data.url}/cors/hold").read().decode())`);
    await expect.poll(() => data.held()).toBe(1);
    await page.keyboard.press('Escape');
    await page.keyboard.press('b');
    await page.keyboard.press('Enter');
    await page.keyboard.insertText('typed while downloading');
    await expect(page.locator('[data-cell-id]').nth(1)).toContainText('typed while downloading');
    await expect(kernelStatus(page)).toHaveText(/busy/i);
    data.release();
    await expect(out).toContainText('released');
  });

  test('Stop during a download raises KeyboardInterrupt once the request returns, variables kept', async () => {
    const page = shared;
    const out = await run(page, `import urllib.request\nkept = "still here"\nurllib.request.urlopen("${data.url}/cors/hold").read()`);
    await expect.poll(() => data.held()).toBe(1);
    await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
    data.release();
    await expect(out).toContainText('KeyboardInterrupt');
    await expect(out).not.toContainText('restarted');
    await runAndSee(page, 'kept', 'still here');
  });

  test('a kernel restored from the stored snapshot reads the web too', async () => {
    const page = shared;
    test.setTimeout(BOOT_TIMEOUT * 2);
    const stored = (): Promise<boolean> =>
      page.evaluate(async () => {
        for (const name of await caches.keys()) {
          if (name.startsWith('anode-python-snapshot-') && (await (await caches.open(name)).keys()).length) return true;
        }
        return false;
      });
    await expect.poll(stored, { timeout: 30_000 }).toBe(true);
    await page.reload();
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await expect(page.locator('.kernel-badge')).toHaveAttribute('data-started-from', 'snapshot');
    await runAndSee(page, `import urllib.request\nprint(urllib.request.urlopen("${data.url}/cors/data.csv").read().decode().split()[1])`, 'Oslo,4');
  });

  test('requests (urllib3 in the browser) reads a CORS server and explains a refusal', async () => {
    const page = shared;
    test.skip(!packages, 'needs urllib3 ≥ 2.2 and requests sources from this machine (python3)');
    const text = await runToEnd(
      page,
      `import io, sys, zipfile, urllib.request
zipfile.ZipFile(io.BytesIO(urllib.request.urlopen("${data.url}/cors/requests.zip").read())).extractall("/tmp/site")
sys.path.insert(0, "/tmp/site")
# Imported by name: an import statement would make the kernel fetch Pyodide's own wheels, unreachable here.
import importlib
requests = importlib.import_module("requests")
r = requests.get("${data.url}/cors/data.csv")
print("requests", r.status_code, r.text.splitlines()[2])
try:
    requests.get("${data.url}/plain/data.csv")
except requests.exceptions.RequestException as e:
    print("refused:", "CORS" in str(e), "upload" in str(e))
print("END")`,
    );
    expect(text).toContain('requests 200 Lima,19');
    expect(text).toContain('refused: True True');
  });
});
