"""The display protocol: turning objects into MIME bundles and publishing them as the notebook shows them."""

import base64
import builtins
import json
import os

from . import bridge

# Each (method, mime) is tried in this order; `_repr_mimebundle_` comes first and wins over them.
_REPR_METHODS = [
    ("_repr_html_", "text/html"),
    ("_repr_markdown_", "text/markdown"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_png_", "image/png"),
    ("_repr_jpeg_", "image/jpeg"),
    ("_repr_json_", "application/json"),
    ("_repr_latex_", "text/latex"),
    ("_repr_javascript_", "application/javascript"),
]
_BINARY = {"image/png", "image/jpeg"}

execution_count = 0


def _new_id():
    return os.urandom(16).hex()


def _normalise(mime, value):
    if mime in _BINARY:
        if isinstance(value, (bytes, bytearray, memoryview)):
            return base64.b64encode(bytes(value)).decode("ascii")
        return str(value)
    if mime == "application/json":
        if isinstance(value, (str, bytes)):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if mime.startswith("text/") or mime == "image/svg+xml":
        return str(value)
    return value


# As IPython's pretty printer: a list, tuple, set or dict shows its first MAX_SEQ items, then "...". Building
# the whole text of list(range(10**7)) took 19 s (most of it in pprint) only to be cut by the notebook's cap.
MAX_SEQ = 1000
# Any other text/plain repr is cut here, at the notebook's stream cap, instead of crossing to the page whole.
MAX_PLAIN = 500_000

_OPENERS = {list: ("[", "]"), tuple: ("(", ")"), set: ("{", "}"), frozenset: ("frozenset({", "})"), dict: ("{", "}")}


def _long_container(obj):
    import itertools

    opener, closer = _OPENERS[type(obj)]
    if isinstance(obj, dict):
        items = [f"{_plain(k)}: {_plain(v)}" for k, v in itertools.islice(obj.items(), MAX_SEQ)]
    else:
        items = [_plain(v) for v in itertools.islice(obj, MAX_SEQ)]
    items.append("...")
    return opener + (",\n" + " " * len(opener)).join(items) + closer


def _plain(obj):
    try:
        if type(obj) in _OPENERS and len(obj) > MAX_SEQ:
            return _long_container(obj)
        text = repr(obj)
        if len(text) > MAX_PLAIN:
            return f"{text[:MAX_PLAIN]}\n[... {len(text) - MAX_PLAIN:,} more characters not shown]"
        if len(text) > 100 and isinstance(obj, (dict, list, tuple, set, frozenset)):
            import pprint  # imported on first use: it costs a noticeable part of the kernel's boot

            return pprint.pformat(obj, width=100, sort_dicts=False)
        return text
    except Exception as e:  # a broken __repr__ must not take the output down with it
        return f"<{type(obj).__name__} object (repr failed: {e!r})>"


def _wanted(mime, include, exclude):
    if include is not None and mime not in include:
        return False
    return not (exclude is not None and mime in exclude)


def format_object(obj, include=None, exclude=None):
    """(data, metadata) for `obj`, like IPython's DisplayFormatter."""
    data, metadata = {}, {}
    if isinstance(obj, type):
        return {"text/plain": _plain(obj)}, {}
    bundle = _call_repr(obj, "_repr_mimebundle_", include=include, exclude=exclude)
    if bundle is not None:
        if isinstance(bundle, tuple) and len(bundle) == 2:
            bundle, md = bundle
            metadata.update(md or {})
        for mime, value in (bundle or {}).items():
            if _wanted(mime, include, exclude):
                data[mime] = _normalise(mime, value)
    for method, mime in _REPR_METHODS:
        if mime in data or not _wanted(mime, include, exclude):
            continue
        value = _call_repr(obj, method)
        if value is None:
            continue
        if isinstance(value, tuple) and len(value) == 2:
            value, md = value
            if md:
                metadata[mime] = md
        data[mime] = _normalise(mime, value)
    if "text/plain" not in data:
        data["text/plain"] = _plain(obj)
    return data, metadata


def _call_repr(obj, name, **kwargs):
    try:
        method = getattr(obj, name, None)
    except Exception:
        return None
    if method is None or not callable(method):
        return None
    try:
        return method(**kwargs) if kwargs else method()
    except NotImplementedError:
        return None
    except TypeError:
        if kwargs:
            try:
                return method()
            except Exception:
                return None
        return None
    except Exception as e:
        bridge.emit({"type": "stream", "name": "stderr", "text": f"{type(obj).__name__}.{name} failed: {e!r}\n"})
        return None



def publish_display_data(data, metadata=None, display_id=None, update=False):
    event = {"type": "update_display" if update else "display", "data": data, "metadata": metadata or {}}
    if display_id is not None:
        event["displayId"] = str(display_id)
    bridge.emit(event)


def publish_execute_result(obj):
    data, metadata = format_object(obj)
    bridge.emit({"type": "execute_result", "data": data, "metadata": metadata, "executionCount": execution_count})


class DisplayHandle:
    """What `display(..., display_id=True)` returns: `.update(obj)` replaces that output live."""

    def __init__(self, display_id=None):
        self.display_id = display_id if display_id is not None else _new_id()

    def __repr__(self):
        return f"<DisplayHandle display_id={self.display_id}>"

    def display(self, obj, **kwargs):
        display(obj, display_id=self.display_id, **kwargs)

    def update(self, obj, **kwargs):
        update_display(obj, display_id=self.display_id, **kwargs)


def display(*objs, include=None, exclude=None, metadata=None, transient=None, display_id=None, raw=False,
            clear=False, **kwargs):
    """Shows each object as an output of the running cell (IPython.display.display)."""
    if transient and display_id is None:
        display_id = transient.get("display_id")
    if display_id is True:
        display_id = _new_id()
    if clear:
        clear_output(wait=True)
    for obj in objs:
        if raw:
            data, md = dict(obj), dict(metadata or {})
        else:
            data, md = format_object(obj, include, exclude)
            if metadata:
                md.update(metadata)
        publish_display_data(data, md, display_id)
    if display_id is not None:
        return DisplayHandle(display_id)
    return None


def update_display(obj, *, display_id, raw=False, metadata=None, **kwargs):
    """Replaces every output shown with `display_id` (IPython.display.update_display)."""
    if raw:
        data, md = dict(obj), dict(metadata or {})
    else:
        data, md = format_object(obj, kwargs.get("include"), kwargs.get("exclude"))
        if metadata:
            md.update(metadata)
    publish_display_data(data, md, display_id, update=True)


def clear_output(wait=False):
    """Clears the cell's outputs; with wait=True, only once the next output arrives (smooth animations)."""
    bridge.emit({"type": "clear_output", "wait": bool(wait)})


def install():
    builtins.display = display
