"""Running cells. With IPython (the normal case) a cell goes through IPython's shell (./shell.py); a kernel
whose package base had no IPython runs plain Python here instead: the user namespace, the execution counter,
the display hook and the error path, with a notice at boot.
"""

import ast
import asyncio
import builtins
import getpass
import json
import os
import sys
import time

from pyodide.code import CodeRunner

from . import bridge, comms, completion, display, magics, tb, web

user_ns = {"__name__": "__main__", "__builtins__": builtins}
execution_count = 0

_current_task = None
# IPython's shell (./shell.py) once prepare() made it; None runs plain Python.
_shell = None
# What the worker's snapshot of this interpreter was made from (see snapshotKey in workers/kernel.worker.ts).
_snapshot_key = None


def snapshot_key():
    return _snapshot_key


def prepare(ipython, key):
    """Called before the interpreter's memory snapshot, with whether IPython's packages loaded: makes the shell."""
    global _shell, _snapshot_key
    _snapshot_key = key
    if not ipython:
        return json.dumps({"ipython": None})
    try:
        from . import shell

        shell.create()
        _shell = shell
        import IPython

        return json.dumps({"ipython": IPython.__version__})
    except Exception as e:  # the kernel still runs plain Python; the worker says why
        return json.dumps({"ipython": None, "error": f"{type(e).__name__}: {e}"})


def setup(send, read_input, js_sleep=None):
    """Called once by the worker after Pyodide boots. `js_sleep(seconds)` returns True when interrupted."""
    bridge.install(send, read_input)
    if _shell is not None:
        _shell.connect()
    else:
        display.install()
    # Runs at every start, a snapshot's too: the patches live in memory, which the snapshot predates.
    web.install()
    comms.install()
    builtins.input = _input
    getpass.getpass = _getpass
    # Figures render inline without the user choosing a backend.
    os.environ.setdefault("MPLBACKEND", "module://anode_kernel.mpl_backend")
    _orig_sleep = time.sleep

    def sleep(seconds):
        # A printing loop with sleeps should show each line as it is printed.
        bridge.flush_streams()
        if js_sleep is None:
            return _orig_sleep(seconds)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if js_sleep(float(seconds)):
            raise KeyboardInterrupt()

    time.sleep = sleep
    if _shell is None:
        user_ns["display"] = display.display
    return json.dumps({"python": sys.version.split()[0]})


def _input(prompt=""):
    reply = bridge.read_input(prompt, False)
    # Like a terminal (and Jupyter), the answer stays visible after the prompt.
    sys.stdout.write(f"{prompt}{reply}\n")
    return reply


def _getpass(prompt="Password: ", stream=None):
    reply = bridge.read_input(prompt, True)
    sys.stdout.write(f"{prompt}\n")
    return reply


def transform_cell(code):
    """The cell as the Python that will run (magics rewritten): what the worker reads its imports from."""
    if _shell is not None:
        code = _shell.transform_cell(code)
        # %matplotlib names no import, but needs matplotlib loaded like `import matplotlib` would.
        return code + "\nimport matplotlib" if "run_line_magic('matplotlib'" in code else code
    return magics.transform_cell(code)


def flush_figures():
    """Shows the figures a cell left open with Anode's backend (the inline backend flushes its own)."""
    if "matplotlib.pyplot" not in sys.modules:
        return
    try:
        from . import mpl_backend
    except Exception:
        return
    import matplotlib

    if matplotlib.get_backend() == "module://anode_kernel.mpl_backend":
        mpl_backend.flush_figures()


def deliver_comm(message_json, parent_id):
    """A comm message from the page (comms.py); its handlers' outputs go out as events of `parent_id`."""
    comms.set_parent(parent_id)
    try:
        return comms.deliver(message_json)
    finally:
        comms.set_parent("")


async def run_cell(code, parent_id=""):
    """Runs one cell; returns JSON {status, executionCount}. Outputs have gone out as events by then."""
    comms.set_parent(parent_id)
    if _shell is not None:
        try:
            status, n = await _shell.run_cell(code)
        finally:
            bridge.flush_streams()
        return json.dumps({"status": status, "executionCount": n})
    return await _run_plain(code)


async def _run_plain(code):
    global execution_count, _current_task
    execution_count += 1
    n = execution_count
    display.execution_count = n
    status = "ok"
    try:
        runner = CodeRunner(
            magics.transform_cell(code),
            filename=tb.cell_filename(n),
            return_mode="last_expr",
            quiet_trailing_semicolon=True,
            flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        ).compile()
        # The task the worker's await drives: cancelling it reaches code parked in an await (see cancel_running).
        _current_task = asyncio.current_task()
        try:
            result = await runner.run_async(user_ns)
        except asyncio.CancelledError:
            if _current_task is not None:
                _current_task.uncancel()
            raise KeyboardInterrupt() from None
        finally:
            _current_task = None
        flush_figures()
        if result is not None:
            user_ns["_"] = result
            user_ns[f"_{n}"] = result
            display.publish_execute_result(result)
    except KeyboardInterrupt as e:
        status = "interrupted"
        _report(e)
    except BaseException as e:  # SystemExit too: the kernel lives on, the user sees what happened
        status = "error"
        _report(e)
    finally:
        try:
            flush_figures()
        except BaseException:
            pass
        bridge.flush_streams()
    return json.dumps({"status": status, "executionCount": n})


def cancel_running():
    if _shell is not None:
        return _shell.cancel_running()
    task = _current_task
    if task is not None and not task.done():
        task.cancel()


def skip_cell():
    global execution_count
    if _shell is not None:
        _shell.shell.execution_count += 1
        return _shell.shell.execution_count - 1
    execution_count += 1
    return execution_count


def _report(exc):
    try:
        ename, evalue, lines = tb.format_error(exc)
    except Exception as e:
        ename, evalue, lines = type(exc).__name__, str(exc), [f"(traceback unavailable: {e!r})"]
    bridge.emit({"type": "error", "ename": ename, "evalue": evalue, "traceback": lines})


def complete(code, cursor):
    if _shell is not None:
        return json.dumps(_shell.complete(code, cursor))
    return json.dumps(completion.complete(user_ns, code, cursor))


def inspect_at(code, cursor):
    try:
        if _shell is not None:
            return _shell.inspect_at(code, cursor)
        return completion.inspect_at(user_ns, code, cursor)
    except Exception:
        return None
