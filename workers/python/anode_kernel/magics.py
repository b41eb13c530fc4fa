"""The few IPython magics a browser kernel can honour, rewritten into plain (top-level await) Python."""

import re

_PIP = re.compile(r"^(\s*)[%!]pip\s+install\s+(.*)$")
_MAGIC = re.compile(r"^\s*%{1,2}(\w+)")


def transform_cell(code):
    """Rewrites `%pip install x` lines to an awaited install; other magics fail with a clear message."""
    if "%" not in code and "!" not in code:
        return code
    out = []
    for line in code.split("\n"):
        m = _PIP.match(line)
        if m:
            import shlex  # only cells with %pip pay for it

            indent, rest = m.groups()
            args = [a for a in shlex.split(rest) if not a.startswith("-")]
            out.append(f"{indent}await __import__('anode_kernel.packages').packages.pip_install({args!r})")
            continue
        m = _MAGIC.match(line)
        if m:
            name = m.group(1)
            out.append(f"raise NotImplementedError({('%' + name + ' is not supported in this kernel')!r})")
            continue
        out.append(line)
    return "\n".join(out)
