"""Python reads the web: `urllib.request`, `pyodide.http` and (once imported) urllib3 / requests, from the worker.

Python's sockets do not exist in a browser, so `urllib.request.urlopen` would fail with a bare OSError. `install`
puts a handler into urllib.request that asks the browser instead (a synchronous XMLHttpRequest: the worker waits,
the page does not), so everything built on urlopen works too (`pandas.read_csv(url)` is urlopen underneath).
urllib3 (and so requests) has its own browser backend; it is left as it is, only its network failures get the
same explanation as ours.

The kernel runs in an opaque origin, so every request is cross-origin: a server answers Python only if it sends
CORS headers. The browser reports a refused and an unreachable server alike (status 0, no detail), so the message
says both, CORS first, and what the user can do about it.
"""

import http.client
import importlib.abc
import importlib.machinery
import io
import sys
import urllib.error
import urllib.parse
import urllib.request
import urllib.response

# Imported with this module, so before the interpreter's snapshot: imported at install() instead, on every warm
# start, it compiled its sources from the standard library's zip (37 ms of a 0.7 s start on a quiet machine).
import pyodide.http
from pyodide.ffi import JsException

# Headers the browser sets itself (setRequestHeader refuses them) or that would force a CORS preflight a plain
# server does not answer: urllib adds User-Agent and Connection to every request.
_BROWSER_OWNED = frozenset(
    {"host", "connection", "content-length", "user-agent", "accept-encoding", "keep-alive", "transfer-encoding"}
)


class NetworkError(urllib.error.URLError):
    """The browser would not give Python the response: no CORS headers, or no server. Its text says what to do."""

    def __init__(self, url, detail=""):
        self.url = url
        self.detail = detail
        super().__init__(explain_failure(url, detail))

    def __str__(self):
        return str(self.reason)


def explain_failure(url, detail=""):
    """The message a user sees when the browser refused or could not reach `url`."""
    parts = urllib.parse.urlsplit(url)
    site = f"{parts.scheme}://{parts.netloc}" if parts.netloc else url
    lines = [
        f"Could not read {url} from the browser.",
        "",
        "Python runs inside your browser here, and a browser lets a page read another site only if that site",
        "allows it with CORS headers (Access-Control-Allow-Origin). The browser does not say which of these",
        "happened:",
        f"  - most likely, {site} does not send CORS headers, so the browser refused to hand over its answer;",
        "  - or the server could not be reached (it is down, the address is wrong, or you are offline).",
    ]
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "[::1]", "::1"):
        lines.append("  - or the page is served over https, which may not read plain http:// addresses: try https://.")
    lines += [
        "",
        "What you can do:",
        "  - download the file with your browser, upload it into the notebook and read it from there;",
        "  - use a copy of the data on a host that allows CORS (a CORS-enabled mirror, e.g. a raw GitHub or",
        "    jsDelivr URL), or a CORS proxy you trust;",
        "  - if you run the server, make it send the header  Access-Control-Allow-Origin: *",
    ]
    if detail:
        lines += ["", f"(The browser said: {detail})"]
    return "\n".join(lines)


def parse_headers(raw):
    """XMLHttpRequest.getAllResponseHeaders() text as the http.client.HTTPMessage urllib's users expect."""
    return http.client.parse_headers(io.BytesIO(raw.encode("latin-1", "replace") + b"\r\n"))


class Response(urllib.response.addinfourl):
    """What urlopen returns: the body in memory, read like http.client.HTTPResponse (status, reason, headers)."""

    def __init__(self, body, headers, url, status, reason):
        super().__init__(io.BytesIO(body), headers, url, status)
        self.reason = reason
        # urllib's error processing reads .msg as the reason phrase, as it does on http.client's responses.
        self.msg = reason

    def getheader(self, name, default=None):
        return self.headers.get(name, default)

    def getheaders(self):
        return list(self.headers.items())


def _body_bytes(data):
    """urllib accepts bytes, a file object or an iterable of bytes as a request body; the browser wants bytes."""
    if data is None:
        return None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    if hasattr(data, "read"):
        return data.read()
    return b"".join(data)


def _check_interrupt():
    # The worker was blocked in the request: a Stop pressed meanwhile is waiting in the interrupt buffer.
    try:
        import pyodide_js

        pyodide_js.checkInterrupt()
    except ImportError:
        pass


def send(method, url, headers=(), body=None, timeout=None):
    """One request through the browser. Returns (status, reason, headers text, body bytes, final url)."""
    from js import XMLHttpRequest
    from pyodide.ffi import JsException, to_js

    xhr = XMLHttpRequest.new()
    xhr.open(method, url, False)
    # Bytes as they came: a worker's synchronous request may ask for an ArrayBuffer (a page's may not).
    xhr.responseType = "arraybuffer"
    # urllib's default is a sentinel object meaning "the socket default", which is no timeout here.
    if isinstance(timeout, (int, float)) and timeout > 0:
        xhr.timeout = int(timeout * 1000)
    for name, value in headers:
        if name.lower() not in _BROWSER_OWNED:
            xhr.setRequestHeader(name, str(value))
    try:
        xhr.send(to_js(body) if body is not None else None)
    except JsException as e:
        _check_interrupt()
        if e.name == "TimeoutError":
            raise TimeoutError(f"Reading {url} timed out after {timeout} s") from None
        raise NetworkError(url, str(e.message)) from None
    _check_interrupt()
    buffer = xhr.response
    # One copy into Python's memory; the browser's copy is garbage once `xhr` goes.
    data = buffer.to_bytes() if buffer is not None else b""
    return xhr.status, str(xhr.statusText), str(xhr.getAllResponseHeaders()), data, str(xhr.responseURL or url)


class BrowserHTTPHandler(urllib.request.AbstractHTTPHandler):
    """http: and https: for urllib.request, through the browser. Redirects are followed by the browser."""

    def __init__(self, debuglevel=None, context=None, check_hostname=None):
        # The browser verifies TLS: an ssl context has nothing to configure here.
        super().__init__(debuglevel)

    def _open(self, req):
        status, reason, raw_headers, body, final_url = send(
            req.get_method(), req.full_url, req.header_items(), _body_bytes(req.data), req.timeout
        )
        return Response(body, parse_headers(raw_headers), final_url, status, reason)

    def http_open(self, req):
        return self._open(req)

    def https_open(self, req):
        return self._open(req)

    http_request = urllib.request.AbstractHTTPHandler.do_request_
    https_request = urllib.request.AbstractHTTPHandler.do_request_


class BrowserHTTPSHandler(BrowserHTTPHandler):
    """Stands in for urllib.request.HTTPSHandler, which exists only when the ssl module is loaded."""


def _patch_urllib():
    # build_opener looks these names up at call time, so every opener (urlopen's too) gets the browser's.
    urllib.request.HTTPHandler = BrowserHTTPHandler
    urllib.request.HTTPSHandler = BrowserHTTPSHandler
    urllib.request._opener = None


def _patch_pyodide_http():
    """pyodide.http's helpers reach the same browser: their network failures get the same explanation."""
    open_url = pyodide.http.open_url
    pyfetch = pyodide.http.pyfetch
    if getattr(open_url, "_anode", False):
        return

    def anode_open_url(url):
        try:
            return open_url(url)
        except JsException as e:
            if e.name != "NetworkError":
                raise
            raise NetworkError(url, str(e.message)) from None

    async def anode_pyfetch(url, **kwargs):
        try:
            return await pyfetch(url, **kwargs)
        except pyodide.http.AbortError as e:
            # pyfetch reports every failure of fetch() as an AbortError: a refused or unreachable server's is
            # fetch's TypeError "Failed to fetch".
            if not _is_network_failure(str(e)):
                raise
            raise NetworkError(str(getattr(url, "url", url)), str(e)) from None

    anode_open_url.__doc__ = open_url.__doc__
    anode_pyfetch.__doc__ = pyfetch.__doc__
    anode_open_url._anode = anode_pyfetch._anode = True
    pyodide.http.open_url = anode_open_url
    pyodide.http.pyfetch = anode_pyfetch


def _is_network_failure(message):
    m = (message or "").lower()
    return "failed to fetch" in m or "failed to load" in m or "networkerror" in m or "network error" in m


def _patch_urllib3_connection(module):
    """urllib3's browser backend (urllib3.contrib.emscripten.connection): explain its network failures."""
    from urllib3.contrib.emscripten import fetch

    def explained(send_fn):
        if getattr(send_fn, "_anode", False):
            return send_fn

        def wrapper(request):
            try:
                return send_fn(request)
            except fetch._TimeoutError:
                raise
            except fetch._RequestError as e:
                if not _is_network_failure(e.message):
                    raise
                raise fetch._RequestError(explain_failure(request.url, e.message), request=request) from None
            finally:
                _check_interrupt()

        wrapper._anode = True
        return wrapper

    module.send_request = explained(module.send_request)
    module.send_streaming_request = explained(module.send_streaming_request)


# Modules patched when they are first imported (they are not in the interpreter until a cell imports them).
_ON_IMPORT = {"urllib3.contrib.emscripten.connection": _patch_urllib3_connection}


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: lets the other finders find a module of _ON_IMPORT and patches it once loaded."""

    def find_spec(self, name, path, target=None):
        patch = _ON_IMPORT.get(name)
        if patch is None:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _PatchingLoader(spec.loader, patch)
        return spec


def install():
    """Called at every kernel start (from scratch or from a snapshot): patches live in memory only."""
    _patch_urllib()
    _patch_pyodide_http()
    for name, patch in _ON_IMPORT.items():
        if name in sys.modules:
            patch(sys.modules[name])
    if not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchOnImport())
