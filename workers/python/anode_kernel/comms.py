"""Jupyter comms for the browser kernel, through Python's `comm` package, as ipykernel and JupyterLite's kernel
register theirs: `comm.create_comm` makes comms whose comm_open / comm_msg / comm_close go to the page as kernel
events, and `deliver` hands the page's messages to the comms' on_msg / on_close handlers (ipywidgets 8 talks
only through these two, see ipywidgets' packages/schema/messages.md).

`comm` is not part of the kernel's boot (Pyodide does not ship it; `%pip install ipywidgets` brings it): the hook
is installed when it is first imported, so whichever library imports it gets the kernel's comms.
"""

import base64
import importlib.abc
import importlib.util
import json
import sys

from . import bridge

# The kernel run (or comm delivery) whose outputs are being produced: ipywidgets' Output widget records it as
# its `msg_id` (through `get_ipython().kernel.get_parent()`), and the page routes that run's outputs into it.
_parent_id = ""


def set_parent(msg_id):
    global _parent_id
    _parent_id = msg_id or ""


def _buffers_out(buffers):
    out = []
    for b in buffers or []:
        out.append(base64.b64encode(bytes(b)).decode("ascii"))
    return out


def _patch(comm):
    from comm.base_comm import BaseComm, CommManager

    class AnodeComm(BaseComm):
        """A comm whose messages become `comm` kernel events (binary buffers base64)."""

        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            event = {
                "type": "comm",
                "msgType": msg_type,
                "commId": self.comm_id,
                "data": data if data is not None else {},
                "metadata": metadata or {},
                "buffers": _buffers_out(buffers),
            }
            if msg_type == "comm_open":
                event["targetName"] = keys.get("target_name") or self.target_name
            bridge.emit(event)

    manager = CommManager()
    comm.create_comm = AnodeComm
    comm.get_comm_manager = lambda: manager
    comm._anode_manager = manager


class _CommHook(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Patches `comm` right after it is first imported, before the importer can use it."""

    def find_spec(self, name, path=None, target=None):
        if name != "comm":
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec("comm")
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        self._inner = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        _patch(module)


def install():
    if "comm" in sys.modules:
        _patch(sys.modules["comm"])
    elif not any(isinstance(f, _CommHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _CommHook())


def deliver(message_json):
    """One message from the page: {msgType: comm_msg|comm_close, commId, data, buffers (base64)}. Returns
    whether a comm took it (False: the comm is gone, e.g. the kernel restarted since it was opened)."""
    msg = json.loads(message_json)
    comm = sys.modules.get("comm")
    manager = getattr(comm, "_anode_manager", None)
    if manager is None or msg.get("commId") not in manager.comms:
        return False
    content = {"comm_id": msg["commId"], "data": msg.get("data") or {}}
    buffers = [memoryview(base64.b64decode(b)) for b in msg.get("buffers") or []]
    wire = {"header": {"msg_type": msg["msgType"], "msg_id": _parent_id}, "content": content, "buffers": buffers, "metadata": {}}
    try:
        if msg["msgType"] == "comm_close":
            manager.comm_close(None, None, wire)
        else:
            manager.comms[msg["commId"]].handle_msg(wire)
    except Exception:
        # As ipykernel does, an exception in a handler is shown (here in the widget's cell), not raised at the page.
        import traceback

        sys.stderr.write(traceback.format_exc())
    finally:
        bridge.flush_streams()
    return True


class Kernel:
    """What libraries look for at `get_ipython().kernel`: the parent of the current outputs (ipywidgets' Output
    widget reads `get_parent()["header"]["msg_id"]`) and the comm manager."""

    @property
    def comm_manager(self):
        import comm

        return comm.get_comm_manager()

    def get_parent(self, channel="shell"):
        return {"header": {"msg_id": _parent_id}}

    @property
    def _parent_header(self):
        return self.get_parent()
