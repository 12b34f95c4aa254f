"""Private helpers shared by the linear models, logistic regression and naive Bayes.

Centring for an unpenalised intercept, the linear prediction, soft
thresholding and cyclic coordinate descent. (Parameters, labels and sample
weights are checked by ``mmlkit._validation``.)
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from mmlkit._dask import is_dask_collection, map_rows

__all__ = [
    "LinearPredictMixin",
    "cd_epochs",
    "center_data",
    "centred_gram",
    "soft_threshold",
]


def center_data(X, y, fit_intercept: bool):
    """Centre ``X`` and ``y`` on their column means when an intercept is fitted.

    With centred data the intercept drops out of any penalised least-squares
    problem (the penalty never touches it) and is recovered afterwards as
    ``b = ȳ − x̄ᵀw``. Returns new arrays; the caller's are untouched.

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
    return X - X_mean, y - y_mean, X_mean, y_mean


def centred_gram(X, mean, Y=None, *, block: int = 2048):
    """X̃ᵀX̃ (and X̃ᵀY) with X̃ = X − 1μᵀ, accumulated over row blocks.

    The textbook way (centre, then multiply) without a centred copy of X: each
    block of rows is centred into a small buffer and its products added, so the
    cost is that of XᵀX plus one pass, and no digits are lost to the
    cancellation of the shortcut XᵀX − n·μμᵀ when |μ| is large against the
    spread. Returns ``G`` (d, d), or ``(G, X̃ᵀY)`` when ``Y`` (n, t) is given.
    """
    n, d = X.shape
    G = np.zeros((d, d))
    XtY = None if Y is None else np.zeros((d, Y.shape[1]))
    buf = np.empty((min(block, n), d))
    for start in range(0, n, block):
        R = np.subtract(X[start:start + block], mean, out=buf[:min(block, n - start)])
        G += R.T @ R
        if Y is not None:
            XtY += R.T @ Y[start:start + block]
    return G if Y is None else (G, XtY)


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
    for epoch in range(1, max_epochs + 1):
        w_max = dw_max = 0.0
        for j, gjj in enumerate(diag):
            if gjj == 0.0:
                continue
            wj = float(w[j])
            z = float(c[j]) + gjj * wj
            new = math.copysign(max(abs(z) - thresholds[j], 0.0), z) / (gjj + l2)
            if new != wj:
                c -= G[j] * (new - wj)
                w[j] = new
                dw_max = max(dw_max, abs(new - wj))
            w_max = max(w_max, abs(new))
        if w_max == 0.0 or dw_max <= tol * w_max:
            return epoch
    return max_epochs


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
        if is_dask_collection(X):
            return map_rows(self.predict, X)
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_.T + self.intercept_
