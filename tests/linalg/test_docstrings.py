"""Every public linalg function documents its defaults as its signature has them, and its cost."""

import ast
import inspect
import re

import pytest

import mmlkit.linalg as la


@pytest.mark.parametrize("name", la.__all__)
def test_docstring_defaults_match_signature(name):
    func = getattr(la, name)
    doc = inspect.getdoc(func)
    for pname, param in inspect.signature(func).parameters.items():
        if param.default is inspect.Parameter.empty:
            continue
        documented = re.search(rf"^{pname} : .*default=(.+)$", doc, re.MULTILINE)
        if param.default is None and documented is None:
            assert re.search(rf"^{pname} : .*optional", doc, re.MULTILINE), f"{name}: {pname} undocumented"
            continue
        assert documented, f"{name}: parameter {pname} has no 'default=' in its docstring"
        assert ast.literal_eval(documented.group(1).strip()) == param.default, (name, pname)


@pytest.mark.parametrize("name", la.__all__)
def test_docstring_has_notes_examples_and_cost(name):
    doc = inspect.getdoc(getattr(la, name))
    for section in ("Parameters", "Returns", "Notes", "Examples"):
        assert f"\n{section}\n" in doc, f"{name} lacks a {section} section"
    assert re.search(r"[Cc]ost|flops", doc), f"{name} does not state its cost"
