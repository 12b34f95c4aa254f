"""Warnings and errors raised by mmlkit.

Every error a user can trigger is a built-in exception (``ValueError``,
``numpy.linalg.LinAlgError``) with a message naming the argument; the classes
here cover the cases that need their own type.
"""

__all__ = ["ConvergenceWarning", "GradientCheckError", "NotFittedError"]

from sklearn.exceptions import ConvergenceWarning as _SkConvergenceWarning
from sklearn.exceptions import NotFittedError


class ConvergenceWarning(_SkConvergenceWarning):
    """An iterative method stopped at ``max_iter`` before meeting its tolerance.

    Subclasses scikit-learn's ``ConvergenceWarning`` so that filters written for
    scikit-learn (and its estimator checks) also catch mmlkit's.
    """


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with finite differences beyond tolerance."""
