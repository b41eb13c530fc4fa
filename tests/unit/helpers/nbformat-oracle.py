"""nbformat itself, as the judge of Anode's .ipynb reader and writer (used by tests/unit/ipynb-corpus.test.ts).

stdin: a JSON list of {"original": path, "exported": text or null}.
stdout: a JSON list, one entry each: {"original": read, "exported": read or null, "errors": [message, ...],
"originalErrors": [message, ...]}, where a
read is {"ok": true, "notebook": <the notebook as nbformat.reads(as_version=4) gives it: v2 and v3 upgraded, line
lists joined, duplicate and missing 4.5 cell ids replaced>} or {"ok": false,
"error": message}, and "errors" are nbformat's validation errors for the exported text (none: it validates), "originalErrors" those of
the original file.
The notebooks are sent as JSON text, so the caller can keep number literals as written.
"""
import json
import logging
import sys

import nbformat
import nbformat.v4.nbjson
from nbformat.validator import iter_validate

# nbformat's v4 reader drops metadata it calls transient (orig_nbformat, orig_nbformat_minor, signature, a cell's
# trusted) from 4.x files, though it sets orig_nbformat itself when it upgrades a v3 file and the schema allows it.
# Anode keeps what a file holds, so both sides are read with that stripping off; v3 upgrades still drop `signature`.
nbformat.v4.nbjson.strip_transient = lambda nb: nb

logging.disable(logging.CRITICAL)  # reads() logs invalid notebooks; the errors are reported below instead


def read(text):
    try:
        return {"ok": True, "notebook": json.dumps(nbformat.reads(text, as_version=4), ensure_ascii=False)}
    except Exception as e:  # what nbformat says when it refuses a file is the point
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def errors(text):
    nb = nbformat.reader.reads(text)
    return [str(e.message) for e in iter_validate(nb)]


results = []
for item in json.load(sys.stdin):
    with open(item["original"], encoding="utf-8") as f:
        text = f.read()
    original = read(text)
    exported = item["exported"]
    results.append(
        {
            "original": original,
            "originalErrors": errors(text) if original["ok"] else [],
            "exported": None if exported is None else read(exported),
            "errors": [] if exported is None else errors(exported),
        }
    )
json.dump(results, sys.stdout)
