"""IPython's InteractiveShell as the kernel, as ipykernel and JupyterLite's kernel use it: a cell means what it means
in Jupyter (magics, `obj?`, In/Out, the display formatter, get_ipython()). Outputs go to the notebook through the
bridge instead of ZMQ.

Made by `create()` before the interpreter's memory snapshot (so a warm start restores a ready shell) and wired to
the page by `connect()` after it: nothing here may hold a JavaScript object until then.
"""

import asyncio
import sys
import types

from . import bridge, magics

# The kernel's own Python files: never part of what the user is shown in a traceback.
_KERNEL_DIR = __file__.rsplit("/", 1)[0] + "/"
# The kernel's JavaScript (Pyodide's glue, the worker) runs from blob URLs in the sandbox.
_KERNEL_JS = "blob:"
# Any text/plain result or display longer than this is cut (the notebook caps an output there anyway).
MAX_PLAIN = 500_000
# A whole bundle larger than this (characters, base64 included) would be cut by the notebook: it is cut here.
MAX_BUNDLE = 5_000_000
NO_SHELL = "this kernel runs in your browser, which has no shell to run commands in"


def _pexpect_guard():
    """IPython's POSIX process module imports pexpect, which cannot exist without processes: a stand-in lets it
    import (the commands themselves are refused by the shell below). Pyodide's own IPython build needs none."""
    try:
        import pexpect  # noqa: F401
    except ImportError:
        sys.modules["pexpect"] = types.ModuleType("pexpect", "Stand-in: the browser kernel has no processes.")


_pexpect_guard()

from IPython.core.displaypub import DisplayPublisher  # noqa: E402
from IPython.core.error import UsageError  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class  # noqa: E402
from IPython.core.displayhook import DisplayHook  # noqa: E402
from traitlets import Type  # noqa: E402
from traitlets.config import Config  # noqa: E402


def _size(value):
    if isinstance(value, str):
        return len(value)
    import json

    try:
        return len(json.dumps(value))
    except (TypeError, ValueError):
        return 0


def _cut(data):
    """A bundle as the notebook stores it: binary data base64 (as ipykernel sends it), overlong text cut, and no
    representation larger than the notebook keeps (src/model/outputs.ts, MAX_OUTPUT_BYTES): those are dropped here,
    before they cross to the page, with a note in the text that says so."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for mime, value in data.items():
        if isinstance(value, (bytes, bytearray, memoryview)):
            import base64

            data[mime] = base64.b64encode(bytes(value)).decode("ascii")
    text = data.get("text/plain")
    if isinstance(text, str) and len(text) > MAX_PLAIN:
        data["text/plain"] = f"{text[:MAX_PLAIN]}\n[... {len(text) - MAX_PLAIN:,} more characters not shown]"
    sizes = {mime: _size(value) for mime, value in data.items()}
    dropped = []
    for mime in sorted(sizes, key=sizes.get, reverse=True):
        if sum(sizes.values()) <= MAX_BUNDLE:
            break
        if mime == "text/plain":
            continue
        dropped.append(f"{mime} of {sizes.pop(mime) / 1e6:.1f} MB")
        del data[mime]
    if dropped:
        note = f"[output truncated: {', '.join(dropped)} is too large to keep in the notebook]"
        plain = data.get("text/plain")
        data["text/plain"] = f"{plain}\n{note}" if isinstance(plain, str) and plain else note
    return data


class AnodeDisplayPublisher(DisplayPublisher):
    """display(), update_display() and clear_output() as notebook outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        event = {"type": "update_display" if update else "display", "data": _cut(data), "metadata": metadata or {}}
        display_id = (transient or {}).get("display_id")
        if display_id is not None:
            event["displayId"] = str(display_id)
        bridge.emit(event)

    def clear_output(self, wait=False):
        bridge.emit({"type": "clear_output", "wait": bool(wait)})


class AnodeDisplayHook(DisplayHook):
    """A cell's last expression as its execute_result (Out[N]), as ipykernel's displayhook sends it."""

    def start_displayhook(self):
        self._bundle = None

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self._bundle = (_cut(format_dict), md_dict or {})

    def finish_displayhook(self):
        if self._bundle is not None:
            data, metadata = self._bundle
            self._bundle = None
            bridge.emit({"type": "execute_result", "data": data, "metadata": metadata, "executionCount": self.prompt_count})


# A traceback longer than this (deep recursion leaves tens of thousands of frames) keeps only its first and last
# EDGE frames: IPython formats each frame it is given, which for a deep recursion took minutes.
EDGE = 100


def _prune(tb):
    """The traceback without the kernel's own frames (its Python files, Pyodide's JavaScript glue), and without
    the middle of an overlong one; how many frames that middle held, or 0."""
    frames = []
    t = tb
    while t is not None:
        if not t.tb_frame.f_code.co_filename.startswith((_KERNEL_DIR, _KERNEL_JS)):
            frames.append(t)
        t = t.tb_next
    dropped = 0
    if len(frames) > 2 * EDGE:
        dropped = len(frames) - 2 * EDGE
        frames = frames[:EDGE] + frames[-EDGE:]
    for a, b in zip(frames, frames[1:] + [None]):
        a.tb_next = b
    return (frames[0] if frames else None), dropped


@magics_class
class AnodeMagics(Magics):
    """Anode's own magics: %pip (its awaited form is an input transformer, see magics.py) and %%ai."""

    @line_magic
    def pip(self, line):
        """%pip install <package>...: installs from the package base URL with micropip."""
        # A top-level `%pip install` never gets here: magics.pip_lines made it an awaited install.
        if line.split()[:1] == ["install"]:
            raise UsageError("%pip install works on its own line at the top level of a cell (it is awaited there)")
        raise UsageError("only %pip install is available in the browser kernel (it installs with micropip)")

    @cell_magic
    def ai(self, line, cell):
        """%%ai: a prompt for Anode's AI; the notebook answers it, the kernel never runs it."""
        raise UsageError("%%ai cells are answered by Anode's AI, not by the Python kernel: run the cell from the notebook")


def _no_shell_magic(name, prefix):
    def magic(line, cell=None):
        raise UsageError(f"{prefix}{name}: {NO_SHELL}")

    magic.__doc__ = f"{prefix}{name}: unavailable, the browser kernel has no shell."
    return magic


class ZMQInteractiveShell(InteractiveShell):
    """The kernel's shell. Named as ipykernel's because libraries (tqdm, plotly, pandas…) tell a notebook front
    end from a terminal by this class name and by an `IPKernelApp` section in the shell's config."""

    displayhook_class = Type(AnodeDisplayHook)
    display_pub_class = Type(AnodeDisplayPublisher)

    def init_io(self):
        # IPython's terminal io setup; the notebook's streams are the bridge's (installed by connect()).
        pass

    def enable_gui(self, gui=None):
        if gui not in (None, "inline"):
            raise UsageError(f"GUI event loop {gui!r} is not available in the browser kernel; use %matplotlib inline")

    _dropped = 0

    def _get_exc_info(self, exc_tuple=None):
        etype, value, tb = super()._get_exc_info(exc_tuple)
        seen = set()
        e = value
        while isinstance(e, BaseException) and id(e) not in seen:
            seen.add(id(e))
            if e is not value and e.__traceback__ is not None:
                e.__traceback__ = _prune(e.__traceback__)[0]
            e = e.__cause__ or e.__context__
        if tb is None:
            return etype, value, tb
        # The first frame stays: it is the shell's own, which IPython's tb_offset skips.
        tb.tb_next, self._dropped = _prune(tb.tb_next)
        return etype, value, tb

    def showtraceback(self, exc_tuple=None, *args, **kwargs):
        etype = (exc_tuple or sys.exc_info())[0]
        if isinstance(etype, type) and issubclass(etype, KeyboardInterrupt):
            # Before IPython formats the traceback (seconds on a loaded machine): the page then knows the interrupt
            # took and waits for the run to end instead of restarting the kernel.
            bridge.emit({"type": "stopping"})
        return super().showtraceback(exc_tuple, *args, **kwargs)

    def _showtraceback(self, etype, evalue, stb):
        stb = list(stb)
        if self._dropped:
            # Between the first and the last frames kept (each frame is one entry, repeats already counted).
            stb.insert(len(stb) // 2, f"\x1b[0;36m[... {self._dropped:,} more frames not shown ...]\x1b[0m")
            self._dropped = 0
        bridge.emit({"type": "error", "ename": etype.__name__, "evalue": str(evalue), "traceback": stb})

    def set_next_input(self, text, replace=False):
        # As ipykernel's shell does: a payload the front end acts on (%load replaces the cell's text).
        self.payload_manager.write_payload({"source": "set_next_input", "text": text, "replace": replace}, single=True)

    def system_piped(self, cmd):
        if magics.pip_args(cmd) is not None:
            raise UsageError("!pip install works on its own line at the top level of a cell (it is awaited there)")
        raise UsageError(f"!{cmd}: {NO_SHELL}")

    system = system_piped
    system_raw = system_piped

    def getoutput(self, cmd, split=True, depth=0):
        raise UsageError(f"!{cmd}: {NO_SHELL}")


shell = None


def create():
    """The shell, made once before the memory snapshot."""
    global shell
    config = Config()
    # No history file, no thread writing it: the session's inputs are kept in memory (In, _i, %history).
    config.HistoryManager.enabled = False
    # Libraries look for this section to know they run under a notebook kernel (tqdm.autonotebook, …).
    config.IPKernelApp = Config()
    shell = ZMQInteractiveShell.instance(config=config)
    # `obj?` and other pagers become a 'page' payload, shown as the cell's output (as JupyterLab shows them).
    from IPython.core import page, payloadpage

    shell.set_hook("show_in_pager", page.as_hook(payloadpage.page), 99)
    shell.register_magics(AnodeMagics)
    for name in ("bash", "sh", "script", "perl", "ruby", "system", "sx"):
        kind = "line" if name in ("system", "sx") else "cell"
        shell.register_magic_function(_no_shell_magic(name, "%" if kind == "line" else "%%"), kind, name)
    shell.set_custom_exc((asyncio.CancelledError,), _cancelled)
    shell.input_transformers_cleanup.append(magics.pip_lines)
    # Figures left open with Anode's SVG backend show when a cell ends (after %matplotlib inline, IPython's inline
    # backend registers its own flush instead).
    shell.events.register("post_execute", _flush_figures)
    return shell


def connect():
    """After the snapshot, once the bridge's streams are installed: results go through the shell's display hook."""
    sys.displayhook = shell.displayhook
    # Libraries look for the kernel here (ipywidgets' Output widget asks it for the current message's id).
    from . import comms

    shell.kernel = comms.Kernel()


def _flush_figures():
    from . import kernel

    kernel.flush_figures()


def transform_cell(code):
    try:
        return shell.transform_cell(code)
    except Exception:
        return code


_current_task = None


async def run_cell(code):
    """Runs one cell through IPython; returns (status, execution count)."""
    global _current_task
    _current_task = asyncio.current_task()
    interrupted = False
    try:
        result = await shell.run_cell_async(code, store_history=True)
    except (KeyboardInterrupt, asyncio.CancelledError):
        # Interrupted inside IPython's own bookkeeping, before or after the cell's code: as Jupyter says it, without
        # the shell's frames (none of them is the user's).
        bridge.emit({"type": "stopping"})
        bridge.emit({"type": "error", "ename": "KeyboardInterrupt", "evalue": "", "traceback": ["\x1b[0;31mKeyboardInterrupt\x1b[0m: "]})
        return "interrupted", shell.execution_count - 1
    finally:
        _current_task = None
        shell.events.trigger("post_execute")
        shell.events.trigger("post_run_cell", None)
    _show_payloads()
    err = result.error_before_exec or result.error_in_exec
    if isinstance(err, (KeyboardInterrupt, asyncio.CancelledError)):
        interrupted = True
    status = "interrupted" if interrupted else ("ok" if err is None else "error")
    return status, result.execution_count if result.execution_count is not None else shell.execution_count - 1


def _show_payloads():
    for payload in shell.payload_manager.read_payload():
        source = payload.get("source")
        if source == "page":
            bridge.emit({"type": "display", "data": _cut(payload["data"]), "metadata": {}})
        elif source == "set_next_input":
            bridge.emit({"type": "set_next_input", "text": payload.get("text", ""), "replace": bool(payload.get("replace"))})
    shell.payload_manager.clear_payload()


def _cancelled(self, etype, value, tb, tb_offset=None):
    """A cell parked in an await was cancelled by an interrupt: reported as the KeyboardInterrupt it is."""
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()
    self.showtraceback((KeyboardInterrupt, KeyboardInterrupt(), tb))


def cancel_running():
    task = _current_task
    if task is not None and not task.done():
        task.cancel()


def complete(code, cursor):
    from IPython.core.completer import provisionalcompleter, rectify_completions

    with provisionalcompleter():
        items = list(rectify_completions(code, shell.Completer.completions(code, cursor)))
    if not items:
        return {"matches": [], "from": cursor, "to": cursor}
    return {"matches": [c.text for c in items][:500], "from": items[0].start, "to": items[0].end}


def inspect_at(code, cursor):
    from IPython.utils.tokenutil import token_at_cursor

    name = token_at_cursor(code, cursor)
    if not name:
        return None
    try:
        info = shell.object_inspect_mime(name, detail_level=0)
    except Exception:
        return None
    text = info.get("text/plain") if info else None
    return _strip_ansi(text) if text else None


def _strip_ansi(text):
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)
