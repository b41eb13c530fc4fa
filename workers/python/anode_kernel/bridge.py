"""The Python end of the kernel protocol: events out (JSON strings to the worker), input() replies in.

The worker installs two JavaScript functions with `install`; everything else in the kernel talks to the
outside world only through `emit`, the stream objects, and `read_input`.
"""

import io
import json
import sys
import time

_send = None
_read_input = None

# Streams are buffered here and flushed at most this often while output keeps coming, so a tight print loop
# costs one message per interval rather than one per write; a write after a quiet spell goes out at once.
FLUSH_INTERVAL = 0.02
FLUSH_BYTES = 65536


def install(send, read_input):
    global _send, _read_input
    _send = send
    _read_input = read_input
    sys.stdout = OutStream("stdout")
    sys.stderr = OutStream("stderr")


def _default(obj):
    return repr(obj)


def emit(event):
    """Sends one event (a JSON-able dict) after any buffered stream text, preserving order."""
    flush_streams()
    _raw_emit(event)


def _raw_emit(event):
    if _send is None:
        return
    _send(json.dumps(event, default=_default))


_streams = []


def flush_streams():
    for s in _streams:
        s.send_now()


class OutStream(io.TextIOBase):
    """sys.stdout / sys.stderr: text goes to the notebook, coalesced in time."""

    def __init__(self, name):
        super().__init__()
        self.name = name
        self._buf = []
        self._size = 0
        self._last = 0.0
        _streams.append(self)

    @property
    def encoding(self):
        return "utf-8"

    def writable(self):
        return True

    def isatty(self):
        return False

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        if not s:
            return 0
        # The other stream's pending text was written first: send it first, so stdout/stderr interleave right.
        for other in _streams:
            if other is not self and other._buf:
                other.send_now()
        self._buf.append(s)
        self._size += len(s)
        now = time.monotonic()
        # Whole lines go out after a quiet spell; a partial line waits for its end (or a sleep, input, the cell's end).
        if self._size >= FLUSH_BYTES or (now - self._last >= FLUSH_INTERVAL and ("\n" in s or "\r" in s)):
            self.send_now()
        return len(s)

    def flush(self):
        # print(..., flush=True) in a tight loop calls this every time: at most one message per interval, the
        # rest goes with the next write after it, a sleep, input() or the cell's end (flush_streams).
        if time.monotonic() - self._last >= FLUSH_INTERVAL:
            self.send_now()

    def send_now(self):
        if not self._buf:
            return
        text = "".join(self._buf)
        self._buf = []
        self._size = 0
        self._last = time.monotonic()
        _raw_emit({"type": "stream", "name": self.name, "text": text})


def read_input(prompt="", password=False):
    """Blocks until the user answers in the notebook. KeyboardInterrupt when the run is interrupted."""
    flush_streams()
    if _read_input is None:
        raise RuntimeError("input() is not available")
    reply = _read_input(str(prompt), bool(password))
    if reply is None:
        raise KeyboardInterrupt()
    if isinstance(reply, str) and reply.startswith("\x00error:"):
        raise RuntimeError(reply[len("\x00error:"):])
    return reply
