"""Every public function of evaluation and explain has Notes and Examples (defaults: test_docstring_defaults.py)."""

import inspect

import pytest

import mmlkit.evaluation as ev
import mmlkit.explain as ex

PUBLIC = [getattr(m, n) for m in (ev, ex) for n in m.__all__
          if inspect.isfunction(getattr(m, n)) or inspect.isclass(getattr(m, n))]


@pytest.mark.parametrize("obj", [o for o in PUBLIC if inspect.isfunction(o)], ids=lambda o: o.__name__)
def test_functions_have_notes_and_examples(obj):
    doc = obj.__doc__ or ""
    assert "Notes" in doc and "Examples" in doc, obj.__name__
