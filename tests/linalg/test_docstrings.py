"""Every public linalg function has Notes, Examples and its cost (defaults: tests/test_docstring_defaults.py)."""

import inspect
import re

import pytest

import mmlkit.linalg as la


@pytest.mark.parametrize("name", la.__all__)
def test_docstring_has_notes_examples_and_cost(name):
    doc = inspect.getdoc(getattr(la, name))
    for section in ("Parameters", "Returns", "Notes", "Examples"):
        assert f"\n{section}\n" in doc, f"{name} lacks a {section} section"
    assert re.search(r"[Cc]ost|flops", doc), f"{name} does not state its cost"
