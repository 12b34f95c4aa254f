"""Practice with feedback: exercises for the ten modules of the course, graded by properties.

Each exercise asks for one function (``mmlkit exercises start`` writes the stubs); ``check`` grades a
function on generated inputs, awkward ones included, and says which property fails on which input.

>>> from mmlkit.exercises import check, exercises
>>> len(exercises()) >= 50
True
"""

import importlib

from mmlkit.exercises._core import CheckResult, Exercise, check

__all__ = ["MODULES", "CheckResult", "Exercise", "check", "exercises", "get"]

#: The ten modules of the course, in order (the lab's notebooks carry the same names).
MODULES = ("vectors", "decompositions", "calculus", "optimization", "probability", "statistics", "information",
           "models", "neural", "evaluation")


def exercises(module: str | None = None) -> list[Exercise]:
    """All exercises (of one module, if given), in course order.

    Examples
    --------
    >>> len(exercises()), len(exercises("vectors"))
    (51, 5)
    """
    if module is not None and module not in MODULES:
        raise ValueError(f"unknown exercise module {module!r}; valid modules: {', '.join(MODULES)}")
    mods = MODULES if module is None else (module,)
    return [ex for m in mods for ex in importlib.import_module(f"mmlkit.exercises.{m}").EXERCISES]


def get(key: str) -> Exercise:
    """The exercise ``"module.name"``; a ValueError lists the valid names.

    Examples
    --------
    >>> ex = get("vectors.project")
    >>> ex.module, ex.name
    ('vectors', 'project')
    """
    module, _, name = str(key).partition(".")
    if module not in MODULES:
        raise ValueError(f"unknown exercise {key!r}: module {module!r} is not one of {', '.join(MODULES)}")
    found = {ex.name: ex for ex in exercises(module)}
    if name not in found:
        raise ValueError(f"unknown exercise {key!r}; valid names in {module}: "
                         + ", ".join(f"{module}.{n}" for n in found))
    return found[name]
