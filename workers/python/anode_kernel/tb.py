"""Tracebacks as a notebook user wants them: their own frames only, coloured, `ename: evalue` last."""

import linecache
import traceback

CELL_PREFIX = "Cell In["
# The kernel's own Python files: never part of what the user is shown.
_KERNEL_DIR = __file__.rsplit("/", 1)[0] + "/"
# The kernel's JavaScript (Pyodide's glue, the worker) runs from blob URLs in the sandbox: its frames in a
# JsException's traceback are the kernel's, not the user's.
_KERNEL_JS = "blob:"

RED = "\x1b[0;31m"
GREEN = "\x1b[0;32m"
CYAN = "\x1b[0;36m"
BOLD_RED = "\x1b[1;31m"
RESET = "\x1b[0m"


def cell_filename(count):
    return f"{CELL_PREFIX}{count}]"


def _user_tb(tb):
    """Drops the kernel's own frames (the worker, CodeRunner) that sit above the first cell frame."""
    t = tb
    while t is not None:
        if t.tb_frame.f_code.co_filename.startswith(CELL_PREFIX):
            return t
        t = t.tb_next
    return None


def _frame_lines(frame):
    filename, lineno, name = frame.filename, frame.lineno, frame.name
    if filename.startswith(CELL_PREFIX):
        head = f"{GREEN}{filename}{RESET}, line {lineno}"
    else:
        head = f"File {GREEN}{filename}:{lineno}{RESET}"
    if name != "<module>":
        head += f", in {CYAN}{name}{RESET}"
    out = [head]
    lines = linecache.getlines(filename)
    if lines and lineno:
        start = max(1, lineno - 2)
        for n in range(start, min(len(lines), lineno + 2) + 1):
            text = lines[n - 1].rstrip("\n")
            if n == lineno:
                out.append(f"{GREEN}----> {n:<3}{RESET}{text}")
            else:
                out.append(f"      {n:<3}{text}")
    return "\n".join(out)


# Deep recursion leaves tens of thousands of frames: identical consecutive frames are shown this many times, then
# counted (as IPython does), and past _EDGE * 2 frames only the first and last _EDGE are shown.
_REPEATS_SHOWN = 3
_EDGE = 30


def _frame_key(frame):
    return (frame.filename, frame.lineno, frame.name)


def _collapsed(frames):
    """The frames to show, with runs of the same frame and overlong middles replaced by one note each."""
    out = []
    i = 0
    while i < len(frames):
        j = i
        while j + 1 < len(frames) and _frame_key(frames[j + 1]) == _frame_key(frames[i]):
            j += 1
        run = j - i + 1
        out.extend(frames[i : i + min(run, _REPEATS_SHOWN)])
        if run > _REPEATS_SHOWN:
            f = frames[i]
            out.append(f"{CYAN}[... skipping similar frames: {f.name} at line {f.lineno} ({run - _REPEATS_SHOWN} times)]{RESET}")
        i = j + 1
    if len(out) > 2 * _EDGE:
        out = out[:_EDGE] + [f"{CYAN}[... {len(out) - 2 * _EDGE} more frames ...]{RESET}"] + out[-_EDGE:]
    return out


def format_error(exc):
    """(ename, evalue, traceback lines) for an exception raised by a cell."""
    ename = type(exc).__name__
    evalue = str(exc)
    parts = []
    chain = []
    e = exc
    seen = set()
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        chain.append(e)
        if e.__cause__ is not None:
            e = e.__cause__
        elif e.__context__ is not None and not e.__suppress_context__:
            e = e.__context__
        else:
            e = None
    chain.reverse()
    for i, e in enumerate(chain):
        if i:
            cause = chain[i].__cause__ is chain[i - 1]
            parts.append(
                "\nThe above exception was the direct cause of the following exception:\n"
                if cause
                else "\nDuring handling of the above exception, another exception occurred:\n"
            )
        parts.extend(_format_one(e))
    return ename, evalue, parts


def _format_one(exc):
    out = [f"{RED}{'-' * 75}{RESET}"]
    tb = _user_tb(exc.__traceback__)
    name = type(exc).__name__
    if tb is not None:
        out.append(f"{BOLD_RED}{name}{RESET}{' ' * max(1, 42 - len(name))}Traceback (most recent call last)")
        frames = [f for f in traceback.extract_tb(tb) if not f.filename.startswith((_KERNEL_DIR, _KERNEL_JS))]
        for item in _collapsed(frames):
            out.append(item if isinstance(item, str) else _frame_lines(item))
    if isinstance(exc, SyntaxError):
        # The caret display of format_exception_only says where the parser stopped.
        only = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n").split("\n")
        body = [line for line in only[:-1]]
        out.extend(body)
    out.append(f"{BOLD_RED}{name}{RESET}: {exc}" if str(exc) else f"{BOLD_RED}{name}{RESET}")
    return out
