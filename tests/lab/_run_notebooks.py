"""Run marimo notebooks as scripts, one after another in this process, and write a JSON report.

Usage: ``python _run_notebooks.py REPORT.json NOTEBOOK.py ...``

Each notebook is executed exactly as ``python NOTEBOOK.py`` would (``runpy`` with ``__name__ ==
"__main__"``, so marimo's ``app.run()`` executes every cell in dependency order with the controls at
their defaults and raises the first cell error). Sharing one process pays the imports of marimo,
Matplotlib and mmlkit once instead of once per notebook. The report maps each path to
``{"ok": bool, "seconds": float, "error": str}``.
"""

from __future__ import annotations

import json
import runpy
import sys
import time
import traceback
import warnings


def main(report: str, paths: list[str]) -> int:
    import matplotlib

    matplotlib.use("Agg")
    results = {}
    for path in paths:
        start = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                runpy.run_path(path, run_name="__main__")
            results[path] = {"ok": True, "seconds": time.perf_counter() - start, "error": ""}
        except BaseException:  # noqa: BLE001 - any failure of the notebook is the test's finding
            results[path] = {"ok": False, "seconds": time.perf_counter() - start, "error": traceback.format_exc()}
    with open(report, "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=1)
    return 0 if all(r["ok"] for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
