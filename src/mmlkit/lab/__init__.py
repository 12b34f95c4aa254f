"""``mmlkit lab``: the interactive marimo notebooks, one per module."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

NOTEBOOK_DIR = Path(__file__).parent / "notebooks"


def notebooks() -> dict[str, Path]:
    """The lab's notebooks by name (file stem)."""
    return {p.stem: p for p in sorted(NOTEBOOK_DIR.glob("*.py")) if not p.name.startswith("_")}


def open_lab(name: str | None = None) -> int:
    """Open the lab's index (or one notebook) in marimo; return marimo's exit code."""
    if shutil.which("marimo") is None and importlib_missing("marimo"):
        print("mmlkit lab needs marimo: pip install 'mmlkit[lab]'", file=sys.stderr)
        return 1
    books = notebooks()
    if name is None:
        target = books.get("index", NOTEBOOK_DIR)
    elif name in books:
        target = books[name]
    else:
        print(f"mmlkit lab: no notebook {name!r}; choose from {', '.join(books) or 'none yet'}", file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, "-m", "marimo", "edit", str(target)])


def importlib_missing(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is None
