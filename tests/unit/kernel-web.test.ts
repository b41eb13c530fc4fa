/**
 * The kernel's web access (workers/python/anode_kernel/web.py) in real Pyodide under Node: what is patched at
 * start, the wording of a refused request, response headers as urllib's users read them, and a Stop pressed
 * during a request. Node has no XMLHttpRequest, so requests themselves are covered in Chromium by
 * tests/e2e/kernel-web.spec.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPyodide, type PyodideInterface } from 'pyodide';

const PY_DIR = join(__dirname, '../../workers/python/anode_kernel');
const ROOT = '/home/pyodide/anode';

let pyodide: PyodideInterface;

/** Runs Python and returns its last expression converted to JS. */
function py<T>(code: string): T {
  const r: unknown = pyodide.runPython(code);
  const proxy = r as { toJs?: () => T; destroy?: () => void } | null;
  if (proxy && typeof proxy.toJs === 'function') {
    const v = proxy.toJs();
    proxy.destroy?.();
    return v;
  }
  return r as T;
}

beforeAll(async () => {
  pyodide = await loadPyodide({ indexURL: join(__dirname, '../../node_modules/pyodide/') });
  pyodide.FS.mkdirTree(`${ROOT}/anode_kernel`);
  for (const name of readdirSync(PY_DIR)) {
    if (name.endsWith('.py')) pyodide.FS.writeFile(`${ROOT}/anode_kernel/${name}`, readFileSync(join(PY_DIR, name), 'utf8'));
  }
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(ROOT)})\nfrom anode_kernel import web\nweb.install()`);
}, 60_000);

describe('web access from Python', () => {
  it('urlopen and every opener use the browser for http and https', () => {
    const handlers = py<string[]>(`
import urllib.request
sorted({type(h).__name__ for h in urllib.request.build_opener().handlers if hasattr(h, "http_open") or hasattr(h, "https_open")})
`);
    expect(handlers).toEqual(['BrowserHTTPHandler', 'BrowserHTTPSHandler']);
  });

  it('installing twice (a restored snapshot, a re-run setup) patches once', () => {
    const finders = py<number>(`
web.install()
import sys
sum(isinstance(f, web._PatchOnImport) for f in sys.meta_path)`);
    expect(finders).toBe(1);
  });

  it('a refused request explains CORS, names the site, and says what to do', () => {
    const text = py<string>(`str(web.NetworkError("http://data.example.org/a.csv", "Failed to load"))`);
    expect(text).toContain('Could not read http://data.example.org/a.csv');
    expect(text).toContain('CORS');
    expect(text).toContain('Access-Control-Allow-Origin');
    expect(text).toContain('http://data.example.org does not send CORS headers');
    expect(text).toContain('could not be reached');
    expect(text).toMatch(/download the file .* upload it/);
    expect(text).toContain('CORS-enabled mirror');
    expect(text).toContain('The browser said: Failed to load');
    // Plain http from an https page is blocked as mixed content: worth a line, except for this machine.
    expect(text).toContain('try https://');
    expect(py<string>(`str(web.NetworkError("http://127.0.0.1:8000/a.csv"))`)).not.toContain('try https://');
  });

  it('a refused request is an OSError (URLError), so code that handles network errors still does', () => {
    expect(py<boolean>(`import urllib.error\nissubclass(web.NetworkError, urllib.error.URLError) and issubclass(web.NetworkError, OSError)`)).toBe(true);
  });

  it("response headers read like http.client's: any case, repeated headers kept", () => {
    const got = py<unknown[]>(`
h = web.parse_headers("content-type: text/csv; charset=utf-8\\r\\nx-a: 1\\r\\nx-a: 2\\r\\n")
r = web.Response(b"a,b\\n1,2\\n", h, "http://x/a.csv", 200, "OK")
[r.status, r.getcode(), r.reason, r.headers["Content-Type"], r.getheader("CONTENT-TYPE"), r.headers.get_all("X-A"),
 r.headers.get_content_charset(), r.read().decode(), r.url]`);
    expect(got).toEqual([200, 200, 'OK', 'text/csv; charset=utf-8', 'text/csv; charset=utf-8', ['1', '2'], 'utf-8', 'a,b\n1,2\n', 'http://x/a.csv']);
  });

  it('a Stop pressed while Python waited for the network raises KeyboardInterrupt once the request returns', () => {
    const flag = new Uint8Array(new SharedArrayBuffer(1));
    pyodide.setInterruptBuffer(flag);
    try {
      // Set from Python just before the call: set earlier, it would interrupt the compiling of this very code.
      pyodide.globals.set('stop_flag', flag);
      expect(py<string>(`
try:
    stop_flag[0] = 2
    web._check_interrupt()
    outcome = "went on"
except KeyboardInterrupt:
    outcome = "KeyboardInterrupt"
outcome`)).toBe('KeyboardInterrupt');
      expect(flag[0]).toBe(0);
      expect(py<string>(`web._check_interrupt()\n"went on"`)).toBe('went on');
    } finally {
      pyodide.setInterruptBuffer(undefined as unknown as Uint8Array);
    }
  });
});
