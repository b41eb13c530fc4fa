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
