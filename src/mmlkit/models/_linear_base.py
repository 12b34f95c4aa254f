"""Private helpers shared by the linear models, logistic regression and naive Bayes.

Centring for an unpenalised intercept, the linear prediction, soft
thresholding, and label encoding for classifiers.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from mmlkit._validation import check_in, check_scalar

__all__ = [
    "LinearPredictMixin",
    "cd_epochs",
    "center_data",
    "check_classification_labels",
    "check_positive",
    "soft_threshold",
]


def center_data(X, y, fit_intercept: bool, order: str = "C"):
    """Centre ``X`` and ``y`` on their column means when an intercept is fitted.

    With centred data the intercept drops out of any penalised least-squares
    problem (the penalty never touches it) and is recovered afterwards as
    ``b = ȳ − x̄ᵀw``. Returns new arrays; the caller's are untouched. ``order="F"``
    lays ``Xc`` out column by column, as LAPACK wants it (no further copy there).

    Returns
    -------
    Xc : ndarray of shape (n_samples, n_features)
    yc : ndarray of shape (n_samples,) or (n_samples, n_targets)
    X_mean : ndarray of shape (n_features,)
    y_mean : float or ndarray of shape (n_targets,)
    """
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0
    X_mean = X.mean(axis=0)
    y_mean = y.mean(axis=0)
    return np.subtract(X, X_mean, order=order), y - y_mean, X_mean, y_mean


def soft_threshold(z, t):
    """The proximal map of ``t·|·|``: ``sign(z)·max(|z| − t, 0)``."""
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def cd_epochs(G, c, w, l1, l2, tol, max_epochs):
    """Cyclic coordinate descent on ½wᵀGw − qᵀw + Σⱼ l1ⱼ|wⱼ| + ½l2‖w‖², in place.

    ``c = q − Gw`` is the negative gradient of the smooth part (Xᵀr for least
    squares); each coordinate update

        wⱼ ← S(cⱼ + Gⱼⱼwⱼ, l1ⱼ) / (Gⱼⱼ + l2),  then  c ← c − G[j]·Δwⱼ,

    costs O(k) (one row of the symmetric G, the covariance update). ``l1`` is
    a scalar or one threshold per coordinate (0 leaves a coordinate, such as
    an intercept, unpenalised). Stops when max|Δw| ≤ tol·max|w| over an epoch;
    returns the number of epochs.
    """
    diag = np.diag(G).tolist()
    thresholds = [float(l1)] * len(diag) if np.ndim(l1) == 0 else np.asarray(l1, dtype=float).tolist()
    # Scalars live in Python lists and c is read through a memoryview: on the small problems where
    # coordinate descent spends its time, indexing NumPy arrays element by element would cost more
    # than the arithmetic. The arithmetic itself is unchanged, operation for operation.
    cw = c if (c.dtype == np.float64 and c.ndim == 1 and c.flags.c_contiguous and c.flags.writeable) \
        else np.array(c, dtype=np.float64)
    cv = memoryview(cw)
    wl = np.asarray(w, dtype=float).tolist()
    rows = list(G)
    denom = [gjj + l2 for gjj in diag]
    order = [j for j, gjj in enumerate(diag) if gjj != 0.0]
    buf = np.empty_like(cw)
    copysign, multiply, subtract = math.copysign, np.multiply, np.subtract
    epochs = max_epochs
    for epoch in range(1, max_epochs + 1):
        w_max = dw_max = 0.0
        for j in order:
            wj = wl[j]
            z = cv[j] + diag[j] * wj
            a = abs(z) - thresholds[j]
            new = copysign(0.0 if a < 0.0 else a, z) / denom[j]
            if new != wj:
                d = new - wj
                subtract(cw, multiply(rows[j], d, out=buf), out=cw)
                wl[j] = new
                d = abs(d)
                if d > dw_max:
                    dw_max = d
            a = abs(new)
            if a > w_max:
                w_max = a
        if w_max == 0.0 or dw_max <= tol * w_max:
            epochs = epoch
            break
    w[:] = wl
    if cw is not c:
        c[...] = cw
    return epochs


def check_positive(value, name: str, *, strict: bool = False, integer: bool = False):
    """A real (or integer) hyper-parameter that must be ``>= 0`` (``> 0`` when ``strict``)."""
    kind = numbers.Integral if integer else numbers.Real
    return check_scalar(value, name, kind=kind, low=0, low_inclusive=not strict)


def check_bool(value, name: str) -> None:
    """Raise ``ValueError`` unless ``value`` is a bool."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {value!r}")


def check_classification_labels(y) -> None:
    """Reject continuous targets, as scikit-learn's classifiers do.

    A float target whose values are not all integers is a regression target;
    feeding it to a classifier is almost always a mistake.
    """
    y = np.asarray(y)
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):
        raise ValueError(
            "Unknown label type: continuous. y must hold class labels "
            "(integers or strings), not continuous values"
        )
    if y.dtype.kind == "O":
        kinds = {type(v) for v in y.ravel()}
        if len(kinds) > 1 and not all(issubclass(k, numbers.Integral) for k in kinds):
            raise ValueError(f"Unknown label type: mixed types {sorted(k.__name__ for k in kinds)} in y")


class LinearPredictMixin:
    """``predict`` for a fitted linear model: ``X @ coef_.T + intercept_``."""

    def predict(self, X):
        """Predict with the fitted linear model.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_.T + self.intercept_


def check_solver(solver, options) -> None:
    """Raise ``ValueError`` unless ``solver`` is one of ``options``."""
    check_in(solver, "solver", options)
