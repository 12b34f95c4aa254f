"""Every docstring's Examples block runs, so the API reference cannot drift from the code.

Each module of :mod:`mmlkit` is one test: its docstrings' examples run with :mod:`doctest` in the
module's own namespace (plus ``np``), under ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` so that an
example may elide digits (``0.816...``) or wrap an array. Examples round floating-point output
(``round(x, 6)``, ``np.round(a, 4)``) rather than print every digit one BLAS may change.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import numpy as np
import pytest

import mmlkit

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
#: Modules that are not library code: the CLI's entry point runs on import, notebooks are marimo apps.
SKIP = re.compile(r"^mmlkit\.(__main__|lab\.notebooks\..*)$")


def _modules() -> list[str]:
    names = ["mmlkit"]
    for info in pkgutil.walk_packages(mmlkit.__path__, "mmlkit."):
        if not SKIP.match(info.name):
            names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_the_walk_finds_the_package():
    assert len(MODULES) > 50
    assert "mmlkit.linalg.qr" in MODULES and "mmlkit.models.linear" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    printoptions = np.get_printoptions()
    try:
        np.set_printoptions(legacy=False)
        for test in finder.find(module, name, extraglobs={"np": np}):
            # Only the module's own objects: a re-exported name is tested where it is defined.
            if test.examples and (test.filename is None or Path(test.filename) == Path(module.__file__)):
                runner.run(test, out=report.append)
    finally:
        np.set_printoptions(**printoptions)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)


def test_docstrings_do_not_cite_the_specification():
    """The documentation is the reference: no docstring sends the reader to a file outside the package."""
    root = Path(mmlkit.__file__).parent
    offenders = [f"{path.relative_to(root)}:{i}" for path in sorted(root.rglob("*.py"))
                 for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\bSPEC\b", line)]
    assert not offenders, f"'SPEC' cited in {offenders}"
