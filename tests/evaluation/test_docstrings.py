"""Every public function of evaluation and explain documents its parameters with the signature's defaults."""

import inspect
import re

import numpy as np
import pytest

import mmlkit.evaluation as ev
import mmlkit.explain as ex

PUBLIC = [getattr(m, n) for m in (ev, ex) for n in m.__all__
          if inspect.isfunction(getattr(m, n)) or inspect.isclass(getattr(m, n))]


def _documented_defaults(doc):
    """name -> default text, from numpydoc lines 'name : type, default=value'."""
    out = {}
    for line in doc.splitlines():
        m = re.match(r"^\s{4}([\w, ]+) : .*default=(.+)$", line)
        if m:
            for name in m.group(1).split(","):
                out[name.strip()] = m.group(2).strip()
    return out


def _render(value):
    if isinstance(value, np.ndarray):
        return None  # array defaults are described in words
    if isinstance(value, float) and np.isnan(value):
        return "np.nan"
    return repr(value) if isinstance(value, str) else str(value)


@pytest.mark.parametrize("obj", PUBLIC, ids=lambda o: o.__name__)
def test_docstring_defaults_equal_signature(obj):
    doc = obj.__doc__ or ""
    assert "Parameters" in doc or obj.__name__[0].isupper() or not inspect.signature(obj).parameters, \
        obj.__name__
    func = obj.__init__ if inspect.isclass(obj) else obj
    sig = inspect.signature(func)
    documented = _documented_defaults(doc)
    for name, param in sig.parameters.items():
        if name in documented and param.default is not inspect.Parameter.empty:
            want = _render(param.default)
            if want is None:
                continue
            got = documented[name]
            assert got.replace('"', "'") == want.replace('"', "'") or got == str(param.default), \
                f"{obj.__name__}: {name} documented default={got}, signature has {want}"


@pytest.mark.parametrize("obj", [o for o in PUBLIC if inspect.isfunction(o)], ids=lambda o: o.__name__)
def test_functions_have_notes_and_examples(obj):
    doc = obj.__doc__ or ""
    assert "Notes" in doc and "Examples" in doc, obj.__name__
