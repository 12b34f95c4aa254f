"""Docstrings: every example runs, and every documented default equals the signature's."""

from __future__ import annotations

import doctest
import importlib
import inspect
import re

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


def _public_callables():
    for name in ("mmlkit.autodiff", "mmlkit.calculus", "mmlkit.viz.calculus"):
        module = importlib.import_module(name)
        for attr in module.__all__:
            obj = getattr(module, attr)
            if callable(obj) and obj.__doc__:
                yield f"{name}.{attr}", obj


@pytest.mark.parametrize("qualname,obj", list(_public_callables()), ids=lambda v: v if isinstance(v, str) else "")
def test_documented_defaults_equal_the_signature(qualname, obj):
    params = inspect.signature(obj).parameters
    checked = 0
    for line in obj.__doc__.splitlines():
        m = re.match(r"\s*(\w+)\s*:.*default=(.+)$", line)
        if not m or m.group(1) not in params:
            continue
        documented = m.group(2).strip().replace('"', "'")
        checked += 1
        actual = params[m.group(1)].default
        assert actual is not inspect.Parameter.empty, f"{qualname}: {m.group(1)} documented with a default"
        spellings = (repr(actual), str(actual), f"{actual:_}" if isinstance(actual, int) else None,
                     f"numpy.{actual.__name__}" if isinstance(actual, type) else None)
        assert documented in spellings, (
            f"{qualname}: {m.group(1)} documented default {documented} != signature {actual!r}")
    # parameters with defaults that the docstring lists must say them
    documented_names = set(re.findall(r"^\s*(\w+)\s*:", obj.__doc__, re.M))
    for pname, p in params.items():
        if p.default is not inspect.Parameter.empty and pname in documented_names and p.default is not None:
            assert re.search(rf"^\s*{pname}\b[^\n]*default=", obj.__doc__, re.M) or re.search(
                rf"^\s*\w+, {pname}\b[^\n]*default=|^\s*{pname}, \w+[^\n]*default=", obj.__doc__, re.M), (
                f"{qualname}: parameter {pname} has default {p.default!r} but its doc line does not say it")
