"""IPython.display for Anode: display, update_display, clear_output and the rich display classes."""

import base64
import json as _json
import os

from anode_kernel.display import DisplayHandle, clear_output, display, update_display

__all__ = [
    "display", "update_display", "clear_output", "DisplayHandle", "DisplayObject", "HTML", "Markdown", "JSON",
    "SVG", "Image", "Latex", "Math", "Pretty", "Javascript", "Code", "IFrame", "publish_display_data",
    "display_html", "display_markdown", "display_svg", "display_png", "display_jpeg", "display_json",
    "display_latex", "display_pretty",
]


def publish_display_data(data, metadata=None, source=None, *, transient=None, **kwargs):
    display(data, raw=True, metadata=metadata, transient=transient)


class DisplayObject:
    """Holds data from a value, a file name or a URL, like IPython's."""

    _read_flags = "r"

    def __init__(self, data=None, url=None, filename=None, metadata=None):
        if data is not None and isinstance(data, str) and not filename and not url:
            if data.startswith(("http://", "https://")) and "\n" not in data:
                url, data = data, None
            elif os.path.exists(data) and len(data) < 1024 and "\n" not in data:
                filename, data = data, None
        self.data = data
        self.url = url
        self.filename = filename
        self.metadata = metadata or {}
        if filename is not None:
            with open(filename, self._read_flags) as f:
                self.data = f.read()

    def __repr__(self):
        return f"<IPython.core.display.{type(self).__name__} object>"

    def _data_and_metadata(self):
        return (self.data, self.metadata) if self.metadata else self.data


class TextDisplayObject(DisplayObject):
    pass


class Pretty(TextDisplayObject):
    def _repr_pretty_(self):
        return self.data

    def __repr__(self):
        return str(self.data)


class HTML(TextDisplayObject):
    def _repr_html_(self):
        return self._data_and_metadata()

    def __html__(self):
        return self.data


class Markdown(TextDisplayObject):
    def _repr_markdown_(self):
        return self._data_and_metadata()


class Latex(TextDisplayObject):
    def _repr_latex_(self):
        return self._data_and_metadata()


class Math(TextDisplayObject):
    def _repr_latex_(self):
        s = r"$\displaystyle %s$" % self.data.strip("$")
        return (s, self.metadata) if self.metadata else s


class SVG(DisplayObject):
    def _repr_svg_(self):
        data = self.data
        if isinstance(data, bytes):
            data = data.decode("utf-8", "replace")
        return self._data_and_metadata() if self.metadata else data


class Javascript(TextDisplayObject):
    def _repr_javascript_(self):
        return self._data_and_metadata()


class Code(TextDisplayObject):
    def __init__(self, data=None, url=None, filename=None, language=None):
        super().__init__(data=data, url=url, filename=filename)
        self.language = language

    def __repr__(self):
        return str(self.data)


class JSON(DisplayObject):
    def __init__(self, data=None, url=None, filename=None, expanded=False, metadata=None, root="root", **kwargs):
        super().__init__(data=data, url=url, filename=filename, metadata=metadata)
        if isinstance(self.data, str):
            self.data = _json.loads(self.data)
        self.metadata = {"expanded": expanded, "root": root, **(metadata or {})}

    def _repr_json_(self):
        return self.data, self.metadata


class Image(DisplayObject):
    """A PNG or JPEG from bytes, a file, or a URL (shown by URL, not embedded)."""

    _read_flags = "rb"

    def __init__(self, data=None, url=None, filename=None, format=None, embed=None, width=None, height=None,
                 metadata=None, **kwargs):
        if isinstance(data, bytes) and format is None:
            format = "jpeg" if data[:2] == b"\xff\xd8" else "png"
        super().__init__(data=data, url=url, filename=filename, metadata=metadata)
        ext = (filename or url or "").rsplit(".", 1)[-1].lower()
        if format is None:
            format = "jpeg" if ext in ("jpg", "jpeg") else "png"
        self.format = "jpeg" if format in ("jpg", "jpeg") else format
        self.embed = embed if embed is not None else self.data is not None
        self.width = width
        self.height = height

    def _md(self):
        md = dict(self.metadata)
        if self.width:
            md["width"] = self.width
        if self.height:
            md["height"] = self.height
        return md

    def _bytes(self):
        if isinstance(self.data, str):
            return base64.b64decode(self.data)
        return self.data

    def _repr_png_(self):
        if self.embed and self.format == "png":
            return (self._bytes(), self._md()) if self._md() else self._bytes()
        return None

    def _repr_jpeg_(self):
        if self.embed and self.format == "jpeg":
            return (self._bytes(), self._md()) if self._md() else self._bytes()
        return None

    def _repr_html_(self):
        if self.embed or not self.url:
            return None
        from html import escape

        size = "".join(f' {k}="{v}"' for k, v in (("width", self.width), ("height", self.height)) if v)
        return f'<img src="{escape(self.url)}"{size}/>'


class IFrame:
    def __init__(self, src, width, height, extras=None, **kwargs):
        self.src, self.width, self.height = src, width, height

    def _repr_html_(self):
        from html import escape

        return f'<iframe width="{self.width}" height="{self.height}" src="{escape(self.src)}"></iframe>'


def _display_as(mime):
    def show(*objs, raw=False, metadata=None):
        for obj in objs:
            if raw:
                display({mime: obj}, raw=True, metadata=metadata)
            else:
                display(obj, include=[mime, "text/plain"], metadata=metadata)

    return show


display_html = _display_as("text/html")
display_markdown = _display_as("text/markdown")
display_svg = _display_as("image/svg+xml")
display_png = _display_as("image/png")
display_jpeg = _display_as("image/jpeg")
display_json = _display_as("application/json")
display_latex = _display_as("text/latex")
display_pretty = _display_as("text/plain")
