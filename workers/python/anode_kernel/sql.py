"""SQL cells' Python half. The SQL engine (DuckDB) runs on the page, outside this interpreter; this module hands
it the user's tables and parameter values as JSON, and binds a query's result to a variable.

Tables are what users keep in a notebook without pandas: a dict of equal-length columns, a list of dicts (rows),
a query's previous result (SqlTable); and a pandas DataFrame when the user has imported pandas. Values cross as
JSON made by the C encoder (fast, exact for strings and ints, no pyarrow needed: its wheel is large and not on
every package mirror); each column carries a kind so that the page can build a typed Arrow column for DuckDB.
"""

import datetime
import json
import math
import sys

from .variables import namespace

# Marks an answer that is an error message: Pyodide's exceptions lose their message on the way to the page.
ERROR_MARK = "\x00error:"


def _answers(fn):
    """The page's entry points answer an exception as ERROR_MARK + "NameError: name 'x' is not defined"."""

    def call(*args):
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - every failure is the user's to read
            return f"{ERROR_MARK}{type(e).__name__}: {e}"

    call.__name__ = fn.__name__
    call.__doc__ = fn.__doc__
    return call


# How many rows of a list of dicts are looked at for column names (later rows with new keys add nothing).
_KEY_SCAN_ROWS = 100
# Rows shown by a SqlTable's repr.
_REPR_ROWS = 10


class SqlTable:
    """A SQL cell's result when pandas is not available: columns by name, rows on demand.

    `t["col"]` is a column (a list), `t[0]` a row (a dict), `len(t)` the row count; iterating gives rows.
    `to_pandas()` makes a DataFrame once pandas is installed.
    """

    def __init__(self, columns, truncated=False):
        self.columns = columns
        self.truncated = truncated

    def __len__(self):
        return len(next(iter(self.columns.values()))) if self.columns else 0

    @property
    def shape(self):
        return (len(self), len(self.columns))

    def __getitem__(self, key):
        if isinstance(key, str):
            return self.columns[key]
        return {name: col[key] for name, col in self.columns.items()}

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def to_dicts(self):
        return list(self)

    def to_pandas(self):
        import pandas

        return pandas.DataFrame(self.columns)

    def _cells(self, rows):
        return [[_short(col[i]) for col in self.columns.values()] for i in range(rows)]

    def __repr__(self):
        rows = min(len(self), _REPR_ROWS)
        head = list(self.columns)
        body = self._cells(rows)
        widths = [max([len(h)] + [len(r[j]) for r in body]) for j, h in enumerate(head)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip()]
        lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in body]
        more = f"\n… {len(self) - rows} more rows" if len(self) > rows else ""
        return "\n".join(lines) + more + f"\n[{len(self)} rows × {len(head)} columns]" + (" (truncated)" if self.truncated else "")

    def _repr_html_(self):
        import html

        rows = min(len(self), _REPR_ROWS)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self._cells(rows))
        note = f"<p>{len(self)} rows × {len(self.columns)} columns</p>"
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"


def _short(value, limit=60):
    text = "NULL" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pandas():
    # Only a pandas the user already imported: importing it here would load a large package on every look.
    return sys.modules.get("pandas")


def _is_frame(value):
    pd = _pandas()
    return pd is not None and isinstance(value, pd.DataFrame)


def _row_keys(rows):
    keys = {}
    for row in rows[:_KEY_SCAN_ROWS]:
        if not isinstance(row, dict):
            return None
        for k in row:
            keys.setdefault(str(k), None)
    return list(keys)


def column_names(value):
    """The column names of a value SQL can query as a table, or None when it is not one."""
    if isinstance(value, SqlTable):
        return list(value.columns)
    if _is_frame(value):
        return [str(c) for c in value.columns]
    if isinstance(value, dict) and value:
        if all(isinstance(k, str) for k in value) and all(isinstance(c, (list, tuple)) for c in value.values()):
            if len({len(c) for c in value.values()}) == 1:
                return list(value)
        return None
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return _row_keys(value)
    return None


@_answers
def tables_json():
    """Every user variable SQL can query: [{"name", "columns"}]."""
    out = []
    for name, value in list(namespace().items()):
        if name.startswith("__") or callable(value) and not isinstance(value, SqlTable):
            continue
        try:
            cols = column_names(value)
        except Exception:
            cols = None
        if cols:
            out.append({"name": name, "columns": cols})
    return json.dumps(out)


def _as_columns(value):
    if isinstance(value, SqlTable):
        return value.columns
    if _is_frame(value):
        return {str(c): value[c].tolist() for c in value.columns}
    if isinstance(value, dict):
        return {k: list(v) for k, v in value.items()}
    keys = _row_keys(value)
    return {k: [row.get(k) if isinstance(row, dict) else None for row in value] for k in keys}


def _kind(values):
    """The column's kind for the page's Arrow builder: int, float, bool, date, timestamp or str."""
    kinds = set()
    for v in values:
        if v is None:
            continue
        t = type(v)
        if t is bool:
            kinds.add("bool")
        elif t is int:
            kinds.add("int")
        elif t is float:
            kinds.add("float")
        elif t is str:
            kinds.add("str")
        elif isinstance(v, datetime.datetime):
            kinds.add("timestamp")
        elif isinstance(v, datetime.date):
            kinds.add("date")
        elif isinstance(v, bool) or hasattr(v, "is_integer") and hasattr(v, "item"):
            # numpy scalars (pandas columns of objects): their Python value decides
            return _kind([x.item() if hasattr(x, "item") else x for x in values])
        else:
            kinds.add("other")
        if len(kinds) > 1 and kinds != {"int", "float"}:
            return "str"
    if kinds == {"int", "float"}:
        return "float"
    return kinds.pop() if kinds else "str"


def _encode(values, kind):
    if kind == "float":
        return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]
    if kind in ("date", "timestamp"):
        return [None if v is None else v.isoformat(sep=" ") if kind == "timestamp" else v.isoformat() for v in values]
    if kind == "str":
        return [None if v is None or isinstance(v, float) and math.isnan(v) else v if isinstance(v, str) else str(v) for v in values]
    return values


@_answers
def export_json(name):
    """The table `name` as columns for the page: {"rows", "columns": [{"name", "kind", "values"}]}."""
    ns = namespace()
    if name not in ns:
        raise NameError(f"name '{name}' is not defined")
    value = ns[name]
    if column_names(value) is None:
        raise TypeError(f"{name} is a {type(value).__name__}, not a table (a dict of columns, a list of dicts or a DataFrame)")
    columns = _as_columns(value)
    out = []
    rows = 0
    for col, values in columns.items():
        values = list(values)
        rows = max(rows, len(values))
        kind = _kind(values)
        out.append({"name": str(col), "kind": kind, "values": _encode(values, kind)})
    return json.dumps({"rows": rows, "columns": out})


_SCALARS = (bool, int, float, str, type(None))


@_answers
def values_json(names_json):
    """Parameter values for `{name}` in a query: {"name": value}. Only scalars: a parameter is one value."""
    ns = namespace()
    out = {}
    for name in json.loads(names_json):
        if name not in ns:
            raise NameError(f"name '{name}' is not defined (used as {{{name}}} in the query)")
        v = ns[name]
        if hasattr(v, "item") and not isinstance(v, _SCALARS):
            v = v.item()  # a numpy scalar
        if isinstance(v, (datetime.date, datetime.datetime)):
            v = v.isoformat()
        if not isinstance(v, _SCALARS):
            raise TypeError(f"{{{name}}} is a {type(v).__name__}: a parameter must be a number, a string, a bool or None")
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        out[name] = v
    return json.dumps(out)


def _decode(values, kind):
    if kind == "date":
        return [None if v is None else datetime.date.fromisoformat(v) for v in values]
    if kind == "timestamp":
        return [None if v is None else datetime.datetime.fromisoformat(v) for v in values]
    if kind == "binary":
        return [None if v is None else bytes(v) for v in values]
    return values


def _use_pandas():
    if _pandas() is not None:
        return _pandas()
    import importlib.util

    if importlib.util.find_spec("pandas") is None:
        return None
    import pandas

    return pandas


@_answers
def import_result(name, meta_json, arrays):
    """Binds a query's result to `name`: a DataFrame when pandas is importable, else a SqlTable. Returns its type."""
    meta = json.loads(meta_json)
    columns = {}
    for col in meta["columns"]:
        typed = col.get("typed")
        values = arrays[typed].to_py().tolist() if typed is not None else col["values"]
        columns[col["name"]] = _decode(values, col["kind"])
    pd = _use_pandas()
    value = pd.DataFrame(columns) if pd is not None else SqlTable(columns, bool(meta.get("truncated")))
    namespace()[name] = value
    return type(value).__name__
