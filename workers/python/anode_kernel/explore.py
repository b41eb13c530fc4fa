"""The variable explorer's one bounded look into a variable: a slice of it, never the whole.

`inspect_json(name, path, offset, limit, view)` answers with at most `limit` rows (a table: a DataFrame, a list of
records, a 2-D array, a flat list of scalars) or `limit` children (a tree: a dict, a nested list, a set), each cell
or preview cut short, and the whole answer kept under a byte budget: a page of a 10-million-element list costs what
a page of a short one does. `path` walks into the variable by position (a dict's n-th item, a list's n-th element),
so keys never have to travel. Like variables.py, nothing here calls repr() on a user object: builtin values go
through the bounded reprlib, other classes show their type name.
"""

import itertools
import json
import math

from .variables import _repr, _SCALARS, _preview, namespace, _kind

# Page size the kernel answers at most; the answer also stops once it reaches the byte budget.
MAX_LIMIT = 500
MAX_COLUMNS = 50
MAX_CELL_CHARS = 200
BUDGET_CHARS = 200_000
# How many leading elements decide whether a list is a table (records, rows, scalars).
SNIFF = 50


class ExploreError(Exception):
    """A question that cannot be answered (no such variable, a path that no longer leads anywhere)."""


def _cell(v):
    """A table cell as JSON: numbers, booleans and None as themselves, everything else as bounded text."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, int):
        # Beyond 2**53 JavaScript would round it: keep the digits.
        return v if abs(v) < 2**53 else str(v)
    if isinstance(v, float):
        return v if math.isfinite(v) else str(v)
    module = type(v).__module__ or ""
    if module.startswith("numpy") and hasattr(v, "item") and getattr(v, "ndim", 1) == 0:
        return _cell(v.item())
    if isinstance(v, str):
        return v[:MAX_CELL_CHARS]
    if module.split(".")[0] in ("pandas", "datetime", "decimal"):
        # Timestamps, dates, decimals, NaT: their str() is the library's own, short, and what a user expects to see.
        return str(v)[:MAX_CELL_CHARS]
    return _text(v)


def _text(v):
    """Bounded text for any value, without user __repr__ code."""
    try:
        s = _preview(v, _kind(v))
    except Exception:
        s = f"<{type(v).__name__}>"
    return s[:MAX_CELL_CHARS]


def _is_pandas(v, name):
    t = type(v)
    return (t.__module__ or "").startswith("pandas") and t.__name__ == name


def _is_numpy_array(v):
    t = type(v)
    return (t.__module__ or "").startswith("numpy") and t.__name__ == "ndarray"


def _token(v):
    """Changes when the variable is rebound to another object or changes length (an in-place edit may not show)."""
    shape = getattr(v, "shape", None)
    if not isinstance(shape, tuple):
        try:
            shape = len(v)
        except Exception:
            shape = None
    return f"{type(v).__name__}:{id(v):x}:{shape}"


def _col_type(kind):
    return {"i": "number", "u": "number", "f": "number", "b": "boolean", "M": "date", "m": "string"}.get(kind, "string")


def _sniff_type(values):
    kinds = {("boolean" if isinstance(x, bool) else "number" if isinstance(x, (int, float)) else "string") for x in values if x is not None}
    return kinds.pop() if len(kinds) == 1 else "string"


class _Budget:
    """Adds rows until the answer would pass BUDGET_CHARS (at least one row always fits)."""

    def __init__(self):
        self.used = 0

    def fits(self, row, first):
        self.used += len(json.dumps(row, default=str))
        return first or self.used <= BUDGET_CHARS


def _rows(source, offset, limit, to_row):
    out, budget = [], _Budget()
    # A list is sliced (constant time to any page); other iterables are walked to the offset.
    part = source[offset : offset + limit] if isinstance(source, (list, tuple)) else itertools.islice(source, offset, offset + limit)
    for i, item in enumerate(part):
        row = to_row(item)
        if not budget.fits(row, i == 0):
            break
        out.append(row)
    return out


def _frame_table(df, offset, limit):
    cols = list(df.columns[:MAX_COLUMNS])
    index_name = str(df.index.name) if df.index.name is not None else ""
    columns = [{"name": index_name or "index", "type": _col_type(df.index.dtype.kind)}]
    columns += [{"name": str(c), "type": _col_type(df[c].dtype.kind) if hasattr(df[c], "dtype") else "string"} for c in cols]
    part = df.iloc[offset : offset + limit, : len(cols)]
    index = part.index.tolist()
    values = part.values.tolist() if len(cols) else [[] for _ in index]
    rows = _rows(zip(index, values), 0, limit, lambda iv: [_cell(iv[0])] + [_cell(x) for x in iv[1]])
    return {"columns": columns, "rows": rows, "total": len(df), "moreColumns": max(0, len(df.columns) - len(cols)), "index": True}


def _series_table(s, offset, limit):
    part = s.iloc[offset : offset + limit].to_frame(name=str(s.name) if s.name is not None else "value")
    return {**_frame_table(part, 0, limit), "total": len(s)}


def _array_table(a, offset, limit):
    if a.ndim == 1:
        columns = [{"name": "value", "type": _col_type(a.dtype.kind)}]
        rows = _rows(a[offset : offset + limit].tolist(), 0, limit, lambda x: [_cell(x)])
        return {"columns": columns, "rows": rows, "total": int(a.shape[0]), "moreColumns": 0}
    width = min(a.shape[1], MAX_COLUMNS)
    columns = [{"name": str(j), "type": _col_type(a.dtype.kind)} for j in range(width)]
    rows = _rows(a[offset : offset + limit, :width].tolist(), 0, limit, lambda r: [_cell(x) for x in r])
    return {"columns": columns, "rows": rows, "total": int(a.shape[0]), "moreColumns": int(a.shape[1]) - width}


def _list_table(xs, offset, limit):
    """A list or tuple as a table when its first elements are all records, all equal-length rows, or all scalars."""
    head = list(itertools.islice(xs, SNIFF))
    if not head:
        return None
    if all(isinstance(x, dict) for x in head):
        keys = []
        for rec in head:
            for k in itertools.islice(rec.keys(), MAX_COLUMNS):
                if k not in keys and len(keys) < MAX_COLUMNS:
                    keys.append(k)
        columns = [{"name": str(k)[:MAX_CELL_CHARS], "type": _sniff_type([rec.get(k) for rec in head])} for k in keys]
        rows = _rows(xs, offset, limit, lambda rec: [_cell(rec.get(k)) if isinstance(rec, dict) else None for k in keys])
        return {"columns": columns, "rows": rows, "total": len(xs), "moreColumns": 0}
    if all(isinstance(x, (list, tuple)) for x in head) and len({len(x) for x in head}) == 1 and 0 < len(head[0]) <= MAX_COLUMNS:
        width = len(head[0])
        if all(isinstance(v, _SCALARS + (str,)) for r in head for v in r):
            columns = [{"name": str(j), "type": _sniff_type([r[j] for r in head])} for j in range(width)]
            rows = _rows(xs, offset, limit, lambda r: [_cell(r[j]) if isinstance(r, (list, tuple)) and j < len(r) else None for j in range(width)])
            return {"columns": columns, "rows": rows, "total": len(xs), "moreColumns": 0}
    if all(isinstance(x, _SCALARS + (str,)) for x in head):
        columns = [{"name": "value", "type": _sniff_type(head)}]
        return {"columns": columns, "rows": _rows(xs, offset, limit, lambda x: [_cell(x)]), "total": len(xs), "moreColumns": 0}
    return None


def _expandable(v):
    if isinstance(v, (dict, list, tuple, set, frozenset)):
        return len(v) > 0
    return _is_numpy_array(v) or _is_pandas(v, "DataFrame")


def _children(v):
    """(key text, child) pairs of a container, lazily, in its own order."""
    if isinstance(v, dict):
        return ((_repr.repr(k)[:MAX_CELL_CHARS], c) for k, c in v.items())
    if isinstance(v, (set, frozenset)):
        return (("", c) for c in v)
    if _is_numpy_array(v) and v.ndim >= 1:
        return ((str(i), c) for i, c in enumerate(v))
    return ((str(i), c) for i, c in enumerate(v))


def _tree(v, offset, limit):
    def child(kc):
        key, c = kc
        shape = getattr(c, "shape", None)
        size = None
        if isinstance(shape, tuple) and not isinstance(c, type):
            size = " × ".join(str(n) for n in shape)
        elif isinstance(c, (dict, list, tuple, set, frozenset, str)):
            size = f"len {len(c)}"
        return {"key": key, "type": type(c).__name__, "preview": _text(c), "size": size, "expandable": _expandable(c)}

    return {"children": _rows(_children(v), offset, limit, child), "total": len(v)}


def _step(v, i):
    """The i-th child of a container (its position, as the tree listed it)."""
    if not isinstance(i, int) or i < 0:
        raise ExploreError("bad path")
    try:
        if isinstance(v, (list, tuple)) or _is_numpy_array(v):
            return v[i]
        if _is_pandas(v, "DataFrame"):
            return v.iloc[i]
        if isinstance(v, (dict, set, frozenset)):
            for _, c in itertools.islice(_children(v), i, i + 1):
                return c
    except Exception:
        pass
    raise ExploreError("That part of the variable no longer exists.")


def explore(value, path=(), offset=0, limit=100, view="auto"):
    """The answer for one value as a dict (see the module's docstring)."""
    offset = max(0, int(offset))
    limit = max(1, min(int(limit), MAX_LIMIT))
    v = value
    for i in path:
        v = _step(v, i)
    out = {"type": type(v).__name__, "token": _token(v), "offset": offset, "path": list(path)}
    if view != "tree":
        table = None
        if _is_pandas(v, "DataFrame"):
            table = _frame_table(v, offset, limit)
        elif _is_pandas(v, "Series"):
            table = _series_table(v, offset, limit)
        elif _is_numpy_array(v) and v.ndim in (1, 2):
            table = _array_table(v, offset, limit)
        elif isinstance(v, (list, tuple)):
            table = _list_table(v, offset, limit)
        if table is not None:
            return {**out, "view": "table", **table}
    if isinstance(v, (dict, list, tuple, set, frozenset)) or (_is_numpy_array(v) and v.ndim >= 1):
        return {**out, "view": "tree", **_tree(v, offset, limit)}
    return {**out, "view": "value", "text": _text(v), "total": 0}


def inspect_json(name, path_json="[]", offset=0, limit=100, view="auto", ns=None):
    """JSON of explore() for the user variable `name`, or {"error": ...} when it cannot be answered."""
    space = namespace() if ns is None else ns
    if not isinstance(name, str) or name not in space:
        return json.dumps({"error": f"{name} is no longer defined in the kernel.", "missing": True})
    try:
        path = json.loads(path_json)
        if not isinstance(path, list):
            raise ExploreError("bad path")
        return json.dumps({"name": name, **explore(space[name], path, offset, limit, view)}, default=str, allow_nan=False)
    except ExploreError as e:
        return json.dumps({"error": str(e), "missing": False})
    except Exception as e:  # a user object that broke mid-slice: say so rather than fail the call
        return json.dumps({"error": f"Could not look into {name}: {type(e).__name__}", "missing": False})
