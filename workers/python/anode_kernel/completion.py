"""Completion and inspection against the live namespace: jedi when it is installed, rlcompleter otherwise."""

import builtins
import inspect
import keyword
import re
import rlcompleter
import sys

_TOKEN = re.compile(r"[A-Za-z_][\w.]*$|$")
_NAME_AT = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*")


def complete(ns, code, cursor):
    """{matches, from, to} for the text before `cursor`."""
    before = code[:cursor]
    token = _TOKEN.search(before).group(0)
    start = cursor - len(token)
    if "jedi" in sys.modules:
        try:
            return _complete_jedi(ns, code, cursor)
        except Exception:
            pass
    matches = _complete_rl(ns, token)
    # rlcompleter answers with the whole dotted text; only the part after the last dot is replaced.
    dot = token.rfind(".")
    if dot >= 0:
        start += dot + 1
        matches = [m[dot + 1:] for m in matches]
    return {"matches": matches, "from": start, "to": cursor}


def _complete_rl(ns, token):
    completer = rlcompleter.Completer(ns)
    seen = []
    if not token:
        names = sorted(set(ns) | set(dir(builtins)))
        return [n for n in names if not n.startswith("_")][:200]
    state = 0
    while state < 500:
        try:
            m = completer.complete(token, state)
        except Exception:
            break
        if m is None:
            break
        # rlcompleter appends "(" to callables; the editor adds its own punctuation.
        m = m.rstrip("(")
        if m not in seen:
            seen.append(m)
        state += 1
    if "." not in token:
        seen += [k for k in keyword.kwlist if k.startswith(token) and k not in seen]
    return sorted(seen, key=lambda s: (s.rsplit(".", 1)[-1].startswith("_"), s.lower()))


def _complete_jedi(ns, code, cursor):
    import jedi

    before = code[:cursor]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1)
    items = jedi.Interpreter(code, [ns]).complete(line, column)
    token = _TOKEN.search(before).group(0)
    prefix = token.rsplit(".", 1)[-1]
    return {"matches": [c.name for c in items][:500], "from": cursor - len(prefix), "to": cursor}


def _name_at(code, cursor):
    for m in _NAME_AT.finditer(code):
        if m.start() <= cursor <= m.end():
            return m.group(0)
    # Shift+Tab inside a call: the callee before the nearest open parenthesis.
    before = code[:cursor]
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        c = before[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                m = re.search(r"[A-Za-z_][\w.]*$", before[:i])
                return m.group(0) if m else None
            depth -= 1
    return None


def _resolve(ns, dotted):
    """Looks a dotted name up without calling anything but attribute access."""
    parts = dotted.split(".")
    if parts[0] in ns:
        obj = ns[parts[0]]
    elif hasattr(builtins, parts[0]):
        obj = getattr(builtins, parts[0])
    else:
        return None, False
    for p in parts[1:]:
        try:
            obj = getattr(obj, p)
        except Exception:
            return None, False
    return obj, True


def inspect_at(ns, code, cursor):
    """A plain-text signature and docstring for the name at `cursor`, or None."""
    name = _name_at(code, cursor)
    if not name:
        return None
    obj, found = _resolve(ns, name)
    if not found:
        return None
    lines = []
    try:
        sig = str(inspect.signature(obj))
    except (TypeError, ValueError):
        sig = None
    kind = type(obj).__name__
    if callable(obj) and sig is not None:
        lines.append(f"{name}{sig}")
    else:
        r = repr(obj)
        lines.append(f"{name}: {kind} = {r[:200] + '…' if len(r) > 200 else r}")
    doc = inspect.getdoc(obj)
    if doc and not (not callable(obj) and type(obj).__doc__ == doc and not isinstance(obj, type)):
        lines.append("")
        lines.append(doc)
    return "\n".join(lines)
