"""%pip install: micropip, loaded from the package base URL on first use."""

import sys


async def pip_install(names):
    if not names:
        print("Usage: %pip install <package> ...", file=sys.stderr)
        return
    if "micropip" not in sys.modules:
        import pyodide_js

        await pyodide_js.loadPackage("micropip")
    try:
        import micropip
    except ImportError:
        raise ImportError(
            "micropip could not be loaded from the package base URL, so %pip install is unavailable offline"
        ) from None
    await micropip.install(names)
    print(f"Successfully installed {', '.join(names)}")


def unresolved_imports(code):
    """Top-level modules `code` imports that are not importable yet: candidates for loading from the lock."""
    import importlib.util

    from pyodide.code import find_imports

    missing = []
    for name in find_imports(code):
        if "." in name or name in sys.modules:
            continue
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except (ImportError, ValueError):
            missing.append(name)
    return missing
