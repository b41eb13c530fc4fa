/**
 * Fetching a notebook from a URL. Browsers only let a page read another site's file when that site allows it
 * (CORS); when it does not, the user is told so in those words, with what to do instead.
 */
import { checkIpynbSize } from '../../model';

/** A fetched notebook's text and the name it goes by, or why it could not be fetched. */
export type FetchOutcome = { ok: true; text: string; fileName: string } | { ok: false; error: string };

/**
 * The URL of the raw file for links people copy from their address bar: a GitHub or Gist page of a notebook
 * serves HTML, its raw counterpart serves the file (with CORS allowed).
 */
export function rawNotebookUrl(url: URL): URL {
  if (url.hostname === 'github.com') {
    const m = /^\/([^/]+)\/([^/]+)\/blob\/(.+)$/.exec(url.pathname);
    if (m) return new URL(`https://raw.githubusercontent.com/${m[1]}/${m[2]}/${m[3]}`);
  }
  return url;
}

/** The last path segment of `url`, decoded when it can be: the new notebook's file name. */
function fileNameOf(url: URL): string {
  const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
  return last || url.hostname;
}

/** Parses what the user typed; a bare host or path without a scheme is taken as https. */
export function parseNotebookUrl(input: string): URL | null {
  const s = input.trim();
  if (!s) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `https://${s}`);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/** Fetches the notebook at `input`, refusing files over the size limit before reading them when the server says. */
export async function fetchNotebook(input: string, signal?: AbortSignal): Promise<FetchOutcome> {
  const parsed = parseNotebookUrl(input);
  if (!parsed) return { ok: false, error: `“${input.trim()}” is not a web address (it should start with https://).` };
  const url = rawNotebookUrl(parsed);
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'omit', redirect: 'follow' });
  } catch (e) {
    if (signal?.aborted) return { ok: false, error: 'The download was cancelled.' };
    // fetch rejects with a bare TypeError for a blocked cross-origin read, an unreachable host and no network alike.
    return {
      ok: false,
      error:
        `The notebook at ${url.host} could not be fetched (${e instanceof Error ? e.message : String(e)}). ` +
        'Either the site is unreachable (are you offline?) or it does not allow other web pages to read its files ' +
        '(CORS), which browsers enforce. Download the file yourself and import it with “Import”, or use a link ' +
        'that allows it, such as a raw.githubusercontent.com or gist.githubusercontent.com link.',
    };
  }
  if (!res.ok) {
    const status = `${res.status} ${res.statusText}`.trim();
    return { ok: false, error: `The server at ${url.host} answered ${status}: there is no notebook to import at that address.` };
  }
  const length = Number(res.headers.get('content-length'));
  const tooBig = Number.isFinite(length) && length > 0 ? checkIpynbSize(length) : null;
  if (tooBig) {
    void res.body?.cancel();
    return { ok: false, error: tooBig };
  }
  // parseIpynb checks the size of what arrives when the server did not say it in advance.
  const text = await res.text();
  return { ok: true, text, fileName: fileNameOf(url) };
}
