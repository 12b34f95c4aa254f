"""Every public function and method of the statistics, information and Markov-model modules
documents each parameter (the defaults: tests/test_docstring_defaults.py)."""

import importlib
import inspect

import pytest

MODULES = ["mmlkit.stats", "mmlkit.information", "mmlkit.probability.markov", "mmlkit.probability.hmm",
           "mmlkit.probability.bayesnet", "mmlkit.viz.statistics", "mmlkit.viz.information", "mmlkit.viz.markov"]


def public_callables():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{module_name}.{name}", obj
            elif inspect.isclass(obj) and obj.__module__.startswith("mmlkit"):
                if "Parameters" in (inspect.getdoc(obj) or ""):
                    yield f"{module_name}.{name}", obj
                for attr, member in vars(obj).items():
                    if attr.startswith("_"):
                        continue
                    func = member.__func__ if isinstance(member, classmethod) else member
                    if inspect.isfunction(func):
                        yield f"{module_name}.{name}.{attr}", func


def documented_line(doc, name):
    """(names on the line, text after ' : ') for the parameter line naming ``name`` (possibly 'a, b : ...')."""
    for line in doc.splitlines():
        head, sep, rest = line.partition(" : ")
        names = [n.strip() for n in head.split(",")]
        if sep and not line.startswith(" ") and name in names:
            return names, rest
    return None


CASES = list(public_callables())


@pytest.mark.parametrize("qualname, func", CASES, ids=[c[0] for c in CASES])
def test_parameters_documented(qualname, func):
    doc = inspect.getdoc(func) or ""
    assert doc, f"{qualname} has no docstring"
    for p in inspect.signature(func).parameters.values():
        if p.name in ("self", "cls") or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        found = documented_line(doc, p.name)
        assert found is not None, f"{qualname}: parameter {p.name!r} is not documented"
        # the defaults themselves are checked for every subpackage in tests/test_docstring_defaults.py
