"""The Variables panel's one look at the user's namespace: for each user variable its name, type, shape or
length, size where it is cheap to know, and a short preview.

Bounded by design: nothing here walks a container or calls repr() on an object whose repr could be large. Builtin
containers go through reprlib with small limits (a 10-million-element list costs the same as a short one);
numpy and pandas objects are described from their shape, dtype and columns; instances of other classes show
their type only, since their __repr__ is user code of unknown cost.
"""

import builtins
import itertools
import json
import reprlib
import sys
import types

# IPython's and the kernel's own names in the user namespace: not the user's variables.
_HIDDEN = frozenset({"In", "Out", "exit", "quit", "get_ipython", "display", "open"})
_PREVIEW_CHARS = 120

class _BoundedRepr(reprlib.Repr):
    """reprlib with small limits that also never sorts: reprlib sorts a whole dict or set before cutting it."""

    def __init__(self):
        super().__init__()
        self.maxlevel = 2
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = self.maxarray = 8
        self.maxdict = 5
        self.maxstring = 80
        self.maxlong = 40

    def repr_dict(self, x, level):
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        items = [f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}" for k, v in itertools.islice(x.items(), self.maxdict)]
        return "{" + ", ".join(items) + (", ...}" if len(x) > self.maxdict else "}")

    def _unsorted(self, x, level, left, right, maxn):
        if level <= 0 and x:
            return f"{left}...{right}"
        items = [self.repr1(v, level - 1) for v in itertools.islice(x, maxn)]
        return left + ", ".join(items) + (", ..." if len(x) > maxn else "") + right

    def repr_set(self, x, level):
        return self._unsorted(x, level, "{", "}", self.maxset) if x else "set()"

    def repr_frozenset(self, x, level):
        return self._unsorted(x, level, "frozenset({", "})", self.maxfrozenset) if x else "frozenset()"

    def repr_instance(self, obj, level):
        # reprlib has no repr_float (nor bool, None, complex): these builtins' reprs are short and safe to call.
        if type(obj) in (float, complex, bool, type(None)):
            return repr(obj)
        # reprlib would call repr() and cut the result afterwards: too late for a large object.
        return f"<{type(obj).__name__}>"


_repr = _BoundedRepr()

_SIZED = (list, tuple, dict, set, frozenset, str, bytes, bytearray, range)
_SCALARS = (int, float, complex, bool, type(None))


def _shell():
    shell_mod = sys.modules.get("IPython.core.interactiveshell")
    if shell_mod is not None and shell_mod.InteractiveShell.initialized():
        return shell_mod.InteractiveShell.instance()
    return None


def namespace():
    """The user's namespace: IPython's when the kernel runs on IPython's shell, else the plain kernel's."""
    shell = _shell()
    if shell is not None:
        return shell.user_ns
    from .kernel import user_ns

    return user_ns


def _startup_names():
    """What IPython put in the namespace itself at start (its %who hides them too), name -> value."""
    shell = _shell()
    return getattr(shell, "user_ns_hidden", {}) if shell is not None else {}


def _kind(value):
    if isinstance(value, type):
        return "class"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)) or (
        callable(value) and type(value).__name__ in ("partial", "cython_function_or_method")
    ):
        return "function"
    return "data"


def _shape(value):
    shape = getattr(type(value), "shape", None) is not None and getattr(value, "shape", None)
    if isinstance(shape, tuple) and all(isinstance(n, int) for n in shape):
        return " × ".join(str(n) for n in shape) if shape else "scalar"
    if isinstance(value, _SIZED):
        return f"len {len(value)}"
    return None


def _size(value):
    """Bytes: nbytes for arrays, the shallow memory use for pandas, sys.getsizeof (the object itself) otherwise."""
    module = type(value).__module__ or ""
    try:
        if module.startswith("pandas"):
            usage = value.memory_usage(index=True, deep=False)
            return int(usage.sum()) if hasattr(usage, "sum") else int(usage)
        nbytes = getattr(value, "nbytes", None)
        if isinstance(nbytes, int):
            return nbytes
        return sys.getsizeof(value)
    except Exception:
        return None


def _preview(value, kind):
    t = type(value)
    module = t.__module__ or ""
    if kind == "function":
        name = getattr(value, "__qualname__", getattr(value, "__name__", t.__name__))
        return f"{name}(…)"
    if kind == "class":
        return f"class {value.__qualname__}"
    if module.startswith("pandas") and t.__name__ == "DataFrame":
        cols = [str(c) for c in list(value.columns[:8])]
        more = "…" if len(value.columns) > 8 else ""
        return f"columns: {', '.join(cols)}{more}"
    if module.startswith("pandas") and t.__name__ == "Series":
        return f"{value.dtype}: " + _repr.repr(value.head(8).tolist())
    if module.startswith("numpy") and hasattr(value, "dtype"):
        if getattr(value, "ndim", 0) == 0:
            return repr(value.item()) if value.size == 1 else str(value.dtype)
        flat = value.reshape(-1)[:8].tolist()
        return f"{value.dtype}: " + _repr.repr(flat)[:-1] + (", …]" if value.size > 8 else "]")
    if isinstance(value, _SCALARS + _SIZED) or t.__module__ == "builtins" and not hasattr(value, "__dict__"):
        return _repr.repr(value)
    return f"<{t.__name__} object>"


def describe(name, value):
    kind = _kind(value)
    try:
        preview = _preview(value, kind)
    except Exception:
        preview = f"<{type(value).__name__}>"
    return {
        "name": name,
        "type": type(value).__name__,
        "kind": kind,
        "shape": _shape(value) if kind == "data" else None,
        "size": _size(value) if kind == "data" else None,
        "preview": preview[:_PREVIEW_CHARS],
    }


def user_variables(ns):
    """(name, value) of the user's variables in `ns`, sorted by name: no modules, no _names, no IPython names."""
    out = []
    startup = _startup_names()
    for name, value in list(ns.items()):
        if name.startswith("_") or name in _HIDDEN or isinstance(value, types.ModuleType):
            continue
        if name in startup and startup[name] is value:
            continue
        if value is getattr(builtins, name, None):
            continue
        out.append((name, value))
    out.sort(key=lambda nv: nv[0].lower())
    return out


def list_json(limit=500, ns=None):
    """JSON {variables, total}: at most `limit` described, `total` counted."""
    found = user_variables(namespace() if ns is None else ns)
    return json.dumps({"variables": [describe(n, v) for n, v in found[:limit]], "total": len(found)})
