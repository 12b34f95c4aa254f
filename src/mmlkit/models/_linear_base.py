"""Private helpers shared by the linear models, logistic regression and naive Bayes.

Centring for an unpenalised intercept, the linear prediction, soft
thresholding and cyclic coordinate descent. (Parameters, labels and sample
weights are checked by ``mmlkit._validation``.)
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg.blas import daxpy as _daxpy
from sklearn.utils.validation import check_is_fitted, validate_data

from mmlkit._dask import is_dask_collection, map_rows

__all__ = [
    "LinearPredictMixin",
    "cd_epochs",
    "cd_sweeps",
    "center_data",
    "centred_gram",
    "centred_stack",
    "centred_gram_blocks",
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


def centred_stack(X, Y, fit_intercept: bool):
    """``[X − 1x̄ᵀ, Y − 1ȳᵀ]`` as one new Fortran-ordered array, and the means ``x̄``, ``ȳ``.

    The one copy of X a least-squares fit by QR needs: centred (when an
    intercept is fitted) straight into the column-major layout Householder QR
    works in, with the targets ``Y`` (n, t) beside X so that the R factor of the
    stack carries Qᵀy. Returns ``XY`` (n, d + t), ``X_mean`` (d,), ``Y_mean`` (t,).
    """
    n, d = X.shape
    XY = np.empty((n, d + Y.shape[1]), order="F")
    if fit_intercept:
        X_mean, Y_mean = X.mean(axis=0), Y.mean(axis=0)
    else:
        X_mean, Y_mean = np.zeros(d), np.zeros(Y.shape[1])
    np.subtract(X, X_mean, out=XY[:, :d])
    np.subtract(Y, Y_mean, out=XY[:, d:])
    return XY, X_mean, Y_mean


def centred_gram(X, mean, Y=None, *, block: int = 2048):
    """X̃ᵀX̃ (and X̃ᵀY) with X̃ = X − 1μᵀ: one BLAS-3 product when that is exact enough.

    The one-product form X̃ᵀX̃ = XᵀX − n·μμᵀ cancels: entry (j, k) loses about
    log₁₀(1 + |μⱼμₖ|/(σⱼσₖ)) digits. The diagonal of XᵀX, n(σⱼ² + μⱼ²), tells
    at no extra cost whether every column has μⱼ² ≤ σⱼ² (at most ~0.3 digits
    lost); then XᵀX − n·μμᵀ and XᵀY − μ(1ᵀY) are used. Otherwise (data far
    from the origin) the centred row blocks of :func:`centred_gram_blocks`, the
    textbook form, which loses nothing. Returns ``G`` (d, d), or ``(G, X̃ᵀY)``
    when ``Y`` (n, t) is given.
    """
    n = X.shape[0]
    G = X.T @ X
    if not np.all(n * np.square(mean) <= 0.5 * np.diag(G)):
        return centred_gram_blocks(X, mean, Y, block=block)
    G -= n * np.outer(mean, mean)
    if Y is None:
        return G
    return G, X.T @ Y - np.outer(mean, Y.sum(axis=0))


def centred_gram_blocks(X, mean, Y=None, *, block: int = 2048):
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
    returns the number of epochs. The epochs are those of :func:`cd_sweeps`.
    """
    sweeps = cd_sweeps(G, c, w, l1, l2)
    for epoch in range(1, max_epochs + 1):
        dw_max, w_max = next(sweeps)
        if w_max == 0.0 or dw_max <= tol * w_max:
            return epoch
    return max_epochs


def cd_sweeps(G, c, w, l1, l2):
    """The epochs of :func:`cd_epochs` one at a time: a generator.

    Each ``next`` sweeps every coordinate once, in place on ``w`` and ``c``,
    and yields ``(max|Δwⱼ|, max|wⱼ|)`` over the epoch. Between epochs the
    caller may change ``w`` and ``c`` (keeping c = q − Gw): the next epoch
    starts from them. The setup (G's rows and diagonal as Python objects) is
    paid once.
    """
    diag = np.diag(G).tolist()
    thresholds = [float(l1)] * len(diag) if np.ndim(l1) == 0 else np.asarray(l1, dtype=float).tolist()
    # Scalars live in Python lists and c is read through a memoryview: on the small problems where
    # coordinate descent spends its time, indexing NumPy arrays element by element would cost more
    # than the arithmetic. The covariance update is one BLAS axpy (a NumPy multiply-subtract pair
    # costs four times its call overhead on these short vectors).
    cw = c if (c.dtype == np.float64 and c.ndim == 1 and c.flags.c_contiguous and c.flags.writeable) \
        else np.array(c, dtype=np.float64)
    cv = memoryview(cw)
    rows = list(G)
    denom = [gjj + l2 for gjj in diag]
    order = [j for j, gjj in enumerate(diag) if gjj != 0.0]
    copysign, axpy = math.copysign, _daxpy   # axpy(x, y, a): y += a·x in place, one BLAS call
    while True:
        if cw is not c:
            cw[...] = c
        wl = np.asarray(w, dtype=float).tolist()
        w_max = dw_max = 0.0
        for j in order:
            wj = wl[j]
            z = cv[j] + diag[j] * wj
            a = abs(z) - thresholds[j]
            new = copysign(0.0 if a < 0.0 else a, z) / denom[j]
            if new != wj:
                d = new - wj
                axpy(rows[j], cw, a=-d)
                wl[j] = new
                d = abs(d)
                if d > dw_max:
                    dw_max = d
            a = abs(new)
            if a > w_max:
                w_max = a
        w[:] = wl
        if cw is not c:
            c[...] = cw
        yield dw_max, w_max


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
