"""Docstrings: every example runs (defaults: tests/test_docstring_defaults.py)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "mmlkit.autodiff._tensor", "mmlkit.autodiff._shape", "mmlkit.autodiff._math",
    "mmlkit.autodiff._products", "mmlkit.autodiff._statistics", "mmlkit.autodiff._engine",
    "mmlkit.autodiff._indexing",
    "mmlkit.autodiff._primitive", "mmlkit.autodiff.transforms", "mmlkit.autodiff",
    "mmlkit.calculus.differentiation", "mmlkit.calculus.integration", "mmlkit.calculus",
    "mmlkit.viz.calculus",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
