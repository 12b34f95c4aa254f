"""Warnings and errors raised by mmlkit.

Every error a user can trigger is a built-in exception (``ValueError``,
``numpy.linalg.LinAlgError``) with a message naming the argument; the classes
here cover the cases that need their own type.

``NotFittedError`` and ``ConvergenceWarning`` are scikit-learn's (the first
is the same class, the second a subclass), so ``except`` clauses and warning
filters written for scikit-learn also catch mmlkit's. They are resolved on
first use, not when this module is imported: importing scikit-learn costs about
a second, and ``import mmlkit.linalg`` (which needs no estimator) stays fast.
Modules outside ``models``/``evaluation``/``preprocessing``/``explain`` therefore
look these names up where they warn or raise, not at import time.
"""

import threading

import numpy as np

__all__ = [  # noqa: F822 (ConvergenceWarning and NotFittedError come from __getattr__)
    "ConvergenceWarning", "GradientCheckError", "InvalidParameterError", "NotFittedError", "RankWarning",
]


class InvalidParameterError(ValueError, TypeError):
    """A parameter is of the wrong type or outside its allowed values.

    A ``ValueError`` and a ``TypeError`` (as scikit-learn's), raised by
    ``mmlkit._validation.validate_params``; the message names the parameter and
    what was expected.
    """


# numpy.exceptions exists from NumPy 1.25; the runtime floor is 1.24
_NumpyRankWarning = np.exceptions.RankWarning if hasattr(np, "exceptions") else np.RankWarning  # noqa: NPY201


class RankWarning(_NumpyRankWarning, UserWarning):
    """A least-squares solve treated a direction of the data as zero (the matrix is
    rank deficient to working precision), so the solution is one of many.

    One warning for one event, wherever it is raised (``mmlkit.linalg.lstsq``,
    ``LinearRegression``): a subclass of ``numpy.exceptions.RankWarning`` (NumPy's
    for ``lstsq``/``polyfit``) and of ``UserWarning``, so a filter on any of the
    three catches it.
    """


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with finite differences beyond tolerance."""


def _sklearn_compatible():
    """Build the two classes that derive from scikit-learn's (imported here, on first use)."""
    from sklearn.exceptions import ConvergenceWarning as _SkConvergenceWarning
    from sklearn.exceptions import NotFittedError

    class ConvergenceWarning(_SkConvergenceWarning):
        """An iterative method stopped at ``max_iter`` before meeting its tolerance.

        Subclasses scikit-learn's ``ConvergenceWarning`` so that filters written
        for scikit-learn (and its estimator checks) also catch mmlkit's.
        """

    ConvergenceWarning.__module__, ConvergenceWarning.__qualname__ = __name__, "ConvergenceWarning"
    return {"ConvergenceWarning": ConvergenceWarning, "NotFittedError": NotFittedError}


_RESOLVE = threading.Lock()  # two threads' first use must build one class, not two


def __getattr__(name: str):
    if name in ("ConvergenceWarning", "NotFittedError"):
        with _RESOLVE:
            if name not in globals():
                globals().update(_sklearn_compatible())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
