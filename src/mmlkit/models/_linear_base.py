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
from mmlkit._threads import map_blocks, row_blocks

__all__ = [
    "LinearPredictMixin",
    "cd_epochs",
    "cd_sweeps",
    "center_data",
    "centred_gram",
    "centred_stack",
    "centred_gram_blocks",
    "centred_moments",
    "gram_pass",
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


_GRAM_CHUNK = 512  # rows per BLAS call in a Gram pass: a chunk (≤ 512·d numbers) stays in cache for both products
_GRAM_MIN_WORK = 8192 * 64  # entries of X per row range (below: NumPy's two products on the calling thread)


def _gram_lane(X, Y1, rows, syrk, gemm):
    """XᵀX (upper triangle) and XᵀY1 over ``rows``, chunk by chunk: each chunk of rows is read from
    memory once and used twice while in cache (a symmetric rank-k update, then a product with Y1)."""
    d = X.shape[1]
    G = np.zeros((d, d), dtype=X.dtype, order="F")
    S = None if Y1 is None else np.zeros((d, Y1.shape[1]), dtype=X.dtype, order="F")
    for start in range(rows.start, rows.stop, _GRAM_CHUNK):
        chunk = X[start:min(start + _GRAM_CHUNK, rows.stop)]
        G = syrk(1.0, chunk.T, beta=1.0, c=G, overwrite_c=1)  # G += chunkᵀchunk: half a product's flops
        if S is not None:
            S = gemm(1.0, chunk.T, Y1[start:start + chunk.shape[0]], beta=1.0, c=S, overwrite_c=1)
    return G, S


def _gram_rows(X, Y, sums):
    """Row-major X: one range of rows per CPU (see :func:`gram_pass`), partial sums added in order."""
    from scipy.linalg.blas import get_blas_funcs

    n, d = X.shape
    Y1 = Y
    if sums:  # the column sums ride along as XᵀY's first column, Xᵀ1
        Y1 = np.ones((n, 1 + (0 if Y is None else Y.shape[1])), dtype=X.dtype)
        if Y is not None:
            Y1[:, 1:] = Y
    syrk, gemm = get_blas_funcs(("syrk", "gemm"), (X,))
    parts = map_blocks(lambda rows: _gram_lane(X, Y1, rows, syrk, gemm),
                       row_blocks(n, work=n * d, min_work=_GRAM_MIN_WORK))
    G, S = parts[0]
    for G_i, S_i in parts[1:]:
        G += G_i
        if S is not None:
            S += S_i
    if not sums:
        return np.triu(G), None, S
    return np.triu(G), S[:, 0], (None if Y is None else S[:, 1:])


def _gram_tiles(X, Y, sums):
    """Column-major X: the tiles of XᵀX over one group of (contiguous) columns per CPU are the tasks,
    ``A.T @ A`` on the diagonal (NumPy's syrk), ``A.T @ B`` off it. Group j's sums and XᵀY (memory-bound
    passes) ride with tile (j − 1, j), group 0's with tile (0, 0), so the tasks' loads stay balanced."""
    n, d = X.shape
    groups = row_blocks(d, work=n * d, min_work=_GRAM_MIN_WORK)
    G = np.empty((d, d), dtype=X.dtype)

    def tile(task):
        i, j = task
        B = X[:, groups[j]]
        G[groups[i], groups[j]] = X[:, groups[i]].T @ B
        if i != max(j - 1, 0):  # group j's vectors are computed by tile (j − 1, j), group 0's by (0, 0)
            return None
        return j, (B.sum(axis=0) if sums else None), (
            None if Y is None else np.stack([B.T @ Y[:, c] for c in range(Y.shape[1])], axis=1))

    k = len(groups)
    tasks = [(i, j) for i in range(k) for j in range(i + 1, k)] + [(i, i) for i in range(k)]  # big ones first
    per_group = sorted((r for r in map_blocks(tile, tasks) if r is not None), key=lambda r: r[0])
    s = np.concatenate([r[1] for r in per_group]) if sums else None
    XtY = None if Y is None else np.concatenate([r[2] for r in per_group], axis=0)
    return np.triu(G), s, XtY


def gram_pass(X, Y=None, *, sums=False):
    """XᵀX, the column sums Xᵀ1 and XᵀY in one pass over ``X``, on the thread pool.

    Row-major ``X``: each thread takes a contiguous range of rows
    (``_threads.row_blocks``: one per CPU, thousands of rows each) and
    accumulates its partial XᵀX with BLAS ``syrk`` (a symmetric rank-k update:
    half the flops of a general product) and its partial Xᵀ[1, Y] from the
    same chunk of rows while it is in cache; the partial sums are added in
    range order. Column-major ``X``: the columns are cut into one group per CPU
    and the upper tiles of XᵀX (syrk on the diagonal, gemm off it) are the
    tasks. BLAS is pinned to one thread per task, so no BLAS call waits on
    another thread, and the result depends only on the number of CPUs. A small
    or non-float ``X`` takes NumPy's products on the calling thread.

    Returns
    -------
    G : ndarray (d, d), symmetric
    s : ndarray (d,) or None
        Xᵀ1, when ``sums``.
    XtY : ndarray (d, t) or None
        XᵀY, when ``Y`` (n, t) is given.
    """
    from mmlkit.models._init import single_blas_thread

    n, d = X.shape
    if (n * d < _GRAM_MIN_WORK or X.dtype not in (np.float32, np.float64)
            or not (X.flags.c_contiguous or X.flags.f_contiguous)
            or (Y is not None and Y.dtype != X.dtype)):
        return X.T @ X, (X.sum(axis=0) if sums else None), (None if Y is None else X.T @ Y)
    with single_blas_thread():
        G, s, XtY = (_gram_rows if X.flags.c_contiguous else _gram_tiles)(X, Y, sums)
    G += np.triu(G, 1).T
    return G, s, XtY


def _centre_gram(G, XtY, mean, n, X, Y, block):
    """From XᵀX (and XᵀY) to the centred products, or to the centred blocks when that would cancel."""
    if not np.all(n * np.square(mean) <= 0.5 * np.diag(G)):
        return centred_gram_blocks(X, mean, Y, block=block)
    G -= n * np.outer(mean, mean)
    if Y is None:
        return G
    return G, XtY - np.outer(mean, Y.sum(axis=0))


def centred_gram(X, mean, Y=None, *, block: int | None = None):
    """X̃ᵀX̃ (and X̃ᵀY) with X̃ = X − 1μᵀ: one pass of BLAS-3 products when that is exact enough.

    The one-product form X̃ᵀX̃ = XᵀX − n·μμᵀ cancels: entry (j, k) loses about
    log₁₀(1 + |μⱼμₖ|/(σⱼσₖ)) digits. The diagonal of XᵀX, n(σⱼ² + μⱼ²), tells
    at no extra cost whether every column has μⱼ² ≤ σⱼ² (at most ~0.3 digits
    lost); then XᵀX − n·μμᵀ and XᵀY − μ(1ᵀY) are used, from :func:`gram_pass`.
    Otherwise (data far from the origin) the centred row blocks of
    :func:`centred_gram_blocks`, the textbook form, which loses nothing. Returns
    ``G`` (d, d), or ``(G, X̃ᵀY)`` when ``Y`` (n, t) is given.
    """
    G, _, XtY = gram_pass(X, Y)
    return _centre_gram(G, XtY, mean, X.shape[0], X, Y, block)


def centred_moments(X, Y, *, block: int | None = None):
    """The column means μ of ``X`` with X̃ᵀX̃ and X̃ᵀY (as :func:`centred_gram`), from one pass over X.

    The column sums come from the same pass as XᵀX and XᵀY (:func:`gram_pass`),
    so the means cost no pass of their own. Returns ``(μ, G, X̃ᵀY)``.
    """
    n, d = X.shape
    if n * d < _GRAM_MIN_WORK:
        # Small X (one thread, per-call costs dominate): the cancellation test first, from the column
        # sums and sums of squares, so that no product is formed twice.
        mean = X.sum(axis=0) / n
        if not np.all(n * np.square(mean) <= 0.5 * np.einsum("ij,ij->j", X, X)):
            G, XtY = centred_gram_blocks(X, mean, Y, block=block)
            return mean, G, XtY
    G, s, XtY = gram_pass(X, Y, sums=True)
    mean = s / n
    G, XtY = _centre_gram(G, XtY, mean, n, X, Y, block)
    return mean, G, XtY


#: Numbers in one centred row block of :func:`centred_gram_blocks` (256 KiB of float64): big enough for
#: BLAS-3 products at full speed, small against X.
_CENTRED_BLOCK_ELEMENTS = 2**15


def centred_gram_blocks(X, mean, Y=None, *, block: int | None = None):
    """X̃ᵀX̃ (and X̃ᵀY) with X̃ = X − 1μᵀ, accumulated over row blocks.

    The textbook way (centre, then multiply) without a centred copy of X: each
    block of rows is centred into a small buffer and its products added, so the
    cost is that of XᵀX plus one pass, and no digits are lost to the
    cancellation of the shortcut XᵀX − n·μμᵀ when |μ| is large against the
    spread. ``block`` rows at a time: by default as many as fill
    :data:`_CENTRED_BLOCK_ELEMENTS` numbers, and at most half of X (at least
    16 rows), so the buffer stays a fraction of X. Returns ``G`` (d, d), or
    ``(G, X̃ᵀY)`` when ``Y`` (n, t) is given.
    """
    n, d = X.shape
    if block is None:
        block = max(16, min(_CENTRED_BLOCK_ELEMENTS // max(d, 1), -(-n // 2)))
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
