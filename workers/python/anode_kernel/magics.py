"""`%pip install` and `!pip install`: an awaited micropip install, as JupyterLite's kernel does it.

With IPython, `pip_lines` is one of the shell's input transformers (it runs before IPython reads magics, so the
install is awaited by the cell itself); without IPython, `transform_cell` also refuses every other magic.
"""

import re

_PIP = re.compile(r"^(\s*)[%!]pip\s+install\s+(.*)$")
_MAGIC = re.compile(r"^\s*%{1,2}(\w+)")


def pip_args(command):
    """The packages of a `pip install …` command (flags dropped), or None for any other command."""
    m = re.match(r"^\s*pip\s+install\s+(.*)$", command)
    if not m:
        return None
    import shlex  # only cells with %pip pay for it

    return [a for a in shlex.split(m.group(1)) if not a.startswith("-")]


def _pip_line(line):
    m = _PIP.match(line)
    if not m:
        return None
    indent, rest = m.groups()
    args = pip_args(f"pip install {rest}")
    return f"{indent}await __import__('anode_kernel.packages').packages.pip_install({args!r})"


def pip_lines(lines):
    """IPython input transformer: `%pip install x` / `!pip install x` lines (each with its newline) to awaits."""
    out = []
    for line in lines:
        body = line.rstrip("\n")
        rewritten = _pip_line(body) if "pip" in body else None
        out.append(line if rewritten is None else rewritten + line[len(body):])
    return out


def transform_cell(code):
    """Without IPython: `%pip install x` becomes an awaited install; other magics fail with a clear message."""
    if "%" not in code and "!" not in code:
        return code
    out = []
    for line in code.split("\n"):
        rewritten = _pip_line(line)
        if rewritten is not None:
            out.append(rewritten)
            continue
        m = _MAGIC.match(line)
        if m:
            message = f"%{m.group(1)} needs IPython, which this kernel could not load"
            out.append(f"raise NotImplementedError({message!r})")
            continue
        out.append(line)
    return "\n".join(out)
