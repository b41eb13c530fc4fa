"""A small offline stand-in for IPython: just enough for `from IPython.display import ...` to work.

This is not IPython: `get_ipython()` returns None, which is how libraries learn they are not in a full shell.
"""

__version__ = "0.0.0+anode"


def get_ipython():
    return None


from . import display  # noqa: E402,F401
