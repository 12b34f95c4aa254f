"""Every public callable documents its defaults as its signature has them.

One walk over every subpackage's ``__all__`` (functions, classes — whose parameters are
documented on the class — and the public methods that classes define): each numpydoc line
``name : type, default=value`` must name the signature's default, and a parameter whose line
is documented without ``default=`` must be required or default to None ("optional").
"""

import ast
import importlib
import inspect
import re

import numpy as np
import pytest

SUBPACKAGES = ["autodiff", "calculus", "datasets", "evaluation", "exceptions", "exercises", "explain", "generative",
               "information", "linalg", "models", "nn", "optim", "preprocessing", "probability", "rl",
               "stats", "topology", "viz"]


def _callables():
    seen = set()
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"mmlkit.{sub}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj) and obj.__module__.startswith("mmlkit"):
                if id(obj) not in seen:
                    seen.add(id(obj))
                    yield f"mmlkit.{sub}.{name}", obj
                if inspect.isclass(obj):
                    for attr, member in vars(obj).items():
                        func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
                        if not attr.startswith("_") and inspect.isfunction(func) and id(func) not in seen:
                            seen.add(id(func))
                            yield f"mmlkit.{sub}.{name}.{attr}", func


CASES = list(_callables())


def _signature(obj):
    try:
        return inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
    except (TypeError, ValueError):  # a builtin without a signature
        return None


def _parameter_lines(doc):
    """The lines of the Parameters (and Other Parameters) sections."""
    lines, inside = doc.splitlines(), False
    for k, line in enumerate(lines):
        underline = k + 1 < len(lines) and set(lines[k + 1].strip()) == {"-"}
        if underline:
            inside = line.strip() in ("Parameters", "Other Parameters")
            continue
        if inside and not set(line.strip()) == {"-"}:
            yield line


def _split_values(text, count):
    """``count`` default texts from 'v1, v2' (each a literal when it parses as one)."""
    try:
        values = ast.literal_eval(f"[{text}]")
    except (ValueError, SyntaxError):
        values = None
    if values is not None and len(values) == count:
        return [repr(v) for v in values]
    parts = [v.strip() for v in text.split(",")]
    return parts if len(parts) == count else [text] * count


def _documented_defaults(doc):
    """{name: default text} from the numpydoc parameter lines 'a[, b] : type, default=value'."""
    out = {}
    for line in _parameter_lines(doc):
        m = re.match(r"^\s*(\*{0,2}\w+(?:, \*{0,2}\w+)*) : (.*)$", line)
        if not m:
            continue
        names = [n.strip().lstrip("*") for n in m.group(1).split(",")]
        d = re.search(r"default[= ](.+?)\.?$", m.group(2))
        values = None if d is None else _split_values(d.group(1).strip(), len(names))
        for i, name in enumerate(names):
            out.setdefault(name, None if values is None else values[i])
    return out


def _spellings(value):
    """The ways a docstring may write ``value``."""
    out = {repr(value), str(value)}
    if isinstance(value, float) and np.isnan(value):
        out |= {"np.nan", "numpy.nan", "nan"}
    if isinstance(value, float) and np.isinf(value):
        out |= {"np.inf", "numpy.inf", "inf", "-np.inf", "float('inf')"} if value > 0 else {"-np.inf", "-inf"}
    if isinstance(value, int) and not isinstance(value, bool):
        out.add(f"{value:_}")
    if isinstance(value, type):
        out |= {value.__name__, f"np.{value.__name__}", f"numpy.{value.__name__}"}
    if callable(value) and hasattr(value, "__name__"):
        out.add(value.__name__)
    return {s.replace('"', "'") for s in out}


def _matches(text, value):
    text = text.strip().strip("`").replace('"', "'")
    if text in _spellings(value):
        return True
    try:
        literal = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return False
    if isinstance(literal, bool) or isinstance(value, (bool, np.bool_)):
        return literal is bool(value)  # True is not documented as 1
    try:
        return bool(literal == value)
    except (TypeError, ValueError):
        return False


@pytest.mark.parametrize("qualname, obj", CASES, ids=[c[0] for c in CASES])
def test_documented_defaults_equal_the_signature(qualname, obj):
    sig = _signature(obj)
    doc = inspect.getdoc(obj) or ""
    if sig is None or not doc:
        return
    documented = _documented_defaults(doc)
    for name, param in sig.parameters.items():
        if name not in documented or param.default is inspect.Parameter.empty:
            continue
        if isinstance(param.default, np.ndarray) or type(param.default).__name__ == "_HAS_DEFAULT_FACTORY_CLASS":
            continue  # array and dataclass-factory defaults are described in words
        text = documented[name]
        if text is None:
            assert param.default is None, (
                f"{qualname}: {name} defaults to {param.default!r} but its doc line gives no default=")
            continue
        assert _matches(text, param.default), (
            f"{qualname}: {name} documented default={text}, signature has {param.default!r}")


def test_the_walk_covers_every_subpackage():
    covered = {q.split(".")[1] for q, _ in CASES}
    assert covered >= set(SUBPACKAGES) - {"exceptions"}, sorted(set(SUBPACKAGES) - covered)
    assert len(CASES) > 300
