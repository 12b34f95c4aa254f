"""Fits on Dask arrays: per-block statistics from :mod:`mmlkit.models._blockwise`, reduced on the workers.

Each function here is the Dask branch of one estimator's ``fit``: it validates
the lazy input, runs its passes through :func:`mmlkit._dask.reduce_blocks`
(only the merged statistic reaches the client) and then finishes exactly as
the in-memory fit does from the same statistic. Passes and bytes per pass are
stated in each estimator's docstring; d is the number of features, t of
targets, K of classes or clusters.

Scale: as in memory, data whose largest magnitude lies beyond 2^±256 are fitted
in exact power-of-two units (:mod:`mmlkit._scaling`). The first pass of each
fit returns max|x| (and max|y|) beside its statistic. When those call for
units (rare), statistics that lost nothing to over- or underflow (TSQR's R,
a data mean, Gram matrices and moments of data within about 2^±450) are
rescaled exactly; only the others (squares beyond float64) are recomputed from
blocks divided by 2**e on the workers, one more pass. Every later pass reads
its blocks in those units. Ordinary data pay no extra pass.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from mmlkit._dask import (
    as_dask_array,
    block_placement,
    check_dask_xy,
    forget_kept,
    reduce_blocks,
    reduce_blocks_keeping,
)
from mmlkit._scaling import UNSCALED_EXPONENT, abs_max, power_of_two_scale, shift, unit_exponent
from mmlkit.models import _blockwise as bw

_EPS = np.finfo(np.float64).eps


def _check_features(est, d, reset):
    if reset:
        est.n_features_in_ = d
        est.__dict__.pop("feature_names_in_", None)
    elif d != est.n_features_in_:
        raise ValueError(f"X has {d} features, but {type(est).__name__} is expecting {est.n_features_in_} "
                         "features as input.")


def _lazy_units(a, e):
    """The Dask array ``a / 2**e``, block by block on the workers (``a`` itself for e = 0)."""
    return a if not e else a.map_blocks(np.ldexp, -int(e), dtype=np.float64)


# ---------------------------------------------------------------- least squares
def _xy_exponents(tops):
    """The in-memory fits' units for X and y (``linear._in_units``): both 0 unless either lies beyond 2^±256."""
    ex, ey = power_of_two_scale(tops[0]), power_of_two_scale(tops[1])
    return (0, 0) if max(abs(ex), abs(ey)) <= UNSCALED_EXPONENT else (ex, ey)


# TSQR's R of data above 2^-1000 lost nothing to underflow (an entry below 2^-1022 errs by at most
# 2^-1074, against a column norm of at least 2^-1000); an overflow shows as a non-finite R.
_R_LOW = 2.0**-1000


def _r_rescaled(mean, R, tops, e):
    """The centred R factor and mean of X's columns rescaled by 2**-e (exact), or None where R
    or the mean may have over- or underflowed (then the pass is redone in units)."""
    if not (np.all(np.isfinite(R)) and np.all(np.isfinite(mean)) and all(t == 0.0 or t >= _R_LOW for t in tops)):
        return None
    return np.ldexp(mean, -e), np.ldexp(R, -np.asarray(e)[None, :] if np.ndim(e) else -e)


# Sums of squares in [2^-900, 2^1000] lost nothing to over- or underflow (as in _scaling.column_moments):
# such statistics are rescaled exactly, the others recomputed in units.
_M2_LOW, _M2_HIGH = 2.0**-900, 2.0**1000


def _gram_rescaled(mean, M, e):
    """The mean and centred cross-products (a d × d Gram matrix or per-column sums of squares)
    rescaled to units 2**e (e per column, or one for all), or None where a square may have over-
    or underflowed (a sum of squares outside [2^-900, 2^1000], or anything non-finite)."""
    diag = np.diagonal(M) if np.ndim(M) == 2 else M
    if not (np.all(np.isfinite(M)) and np.all(np.isfinite(mean)) and np.all(diag >= _M2_LOW)
            and np.all(diag <= _M2_HIGH)):
        return None
    e = np.broadcast_to(np.asarray(e), np.shape(mean))
    return np.ldexp(mean, -e), np.ldexp(M, -(e[:, None] + e[None, :]) if np.ndim(M) == 2 else -2 * e)


def _centred_statistics(X, y, center, kind):
    """(n, mean of [X, y], Gram or R of the centred [X, y], ex, ey) in one pass, in the units
    X/2**ex, y/2**ey of the in-memory fit.

    The pass also returns max|x| and max|y|. Beyond 2^±256 the Gram matrix
    is rescaled exactly where no square over- or underflowed (data within
    about 2^±450), else recomputed in units, a second pass; the R factor of TSQR is
    scale-safe (Householder norms are computed scaled), so its columns and the
    means are rescaled exactly instead, with no second pass, unless R did not
    come out finite or the data lie so low that it may have lost digits to underflow.
    """
    stats, merge = (bw.gram_stats, bw.merge_gram) if kind == "gram" else (bw.r_stats, bw.merge_r)
    (n, mean, M), tops = reduce_blocks(stats, [X, y], merge, args=(center,), check_finite=True, with_max=True)
    ex, ey = _xy_exponents(tops)
    if ex or ey:
        e = np.repeat([ex, ey], [X.shape[1], mean.shape[0] - X.shape[1]])
        rescaled = _r_rescaled(mean, M, tops, e) if kind == "r" else _gram_rescaled(mean, M, e)
        if rescaled is not None:
            mean, M = rescaled
        else:
            n, mean, M = reduce_blocks(stats, [X, y], merge, args=(center,), units=(ex, ey))
    if kind == "r":
        M = bw.square_r(M, mean.shape[0])
    return n, mean, M, ex, ey


def _split_mean(mean, d, y_ndim):
    return mean[:d], (mean[d:] if y_ndim > 1 else float(mean[d]))


def linear_regression(est, X, y):
    """LinearRegression.fit on Dask: Gram (normal, gd) or centred TSQR (qr, svd), one pass."""
    from mmlkit.models.linear import _back_from_units, _cholesky_solve, _solve_from_r, _store_solution

    X, y = check_dask_xy(X, y, multi_output=True)
    n, d = X.shape
    _check_features(est, d, reset=True)
    est.n_iter_, est.rank_ = 1, d
    est.__dict__.pop("singular_values_", None)
    if est.solver in ("normal", "gd"):
        n, mean, M, ex, ey = _centred_statistics(X, y, est.fit_intercept, "gram")
        G, rhs = M[:d, :d], M[:d, d:]
        W = _cholesky_solve(G, rhs, "XᵀX", (n, d)) if est.solver == "normal" else _gram_descent(est, G, rhs, n)
    else:
        n, mean, R, ex, ey = _centred_statistics(X, y, est.fit_intercept, "r")
        W = _solve_from_r(est, R[:d, :d], R[:d, d:], n, stacklevel=5)
    _store_solution(est, W, *_split_mean(mean, d, y.ndim), y.ndim)
    _back_from_units(est, ex, ey)
    return est


def _gram_descent(est, G, rhs, n):
    """LinearRegression's gradient descent, from XcᵀXc and Xcᵀyc (each step costs O(d²t), no pass)."""
    import warnings

    from mmlkit.exceptions import ConvergenceWarning

    d = G.shape[0]
    L = float(sla.eigh(G, eigvals_only=True, subset_by_index=[d - 1, d - 1])[0]) / n
    W = np.zeros_like(rhs)
    if L == 0.0:
        return W
    grad = -rhs / n
    stop = est.tol * max(1.0, np.linalg.norm(grad))
    for it in range(1, est.max_iter + 1):
        W -= grad / L
        grad = (G @ W - rhs) / n
        if np.linalg.norm(grad) <= stop:
            est.n_iter_ = it
            return W
    est.n_iter_ = est.max_iter
    warnings.warn(f"LinearRegression(solver='gd') stopped at max_iter={est.max_iter} with gradient norm "
                  f"{np.linalg.norm(grad):.3g} > {stop:.3g}; increase max_iter or use a direct solver",
                  ConvergenceWarning, stacklevel=4)
    return W


def _ridge_alpha(alpha, ex):
    """α in the units of the fit: α‖w‖² = 2^(2ey)·α·2^(−2ex)‖w'‖² (inf: beyond float64 against X's scale)."""
    with np.errstate(over="ignore", under="ignore"):
        return float(np.ldexp(float(alpha), -2 * ex))


def ridge(est, X, y):
    """Ridge.fit on Dask: centred Gram + αI by Cholesky (auto, cholesky) or TSQR + SVD (svd), one pass."""
    from mmlkit.models.linear import _back_from_units, _cholesky_solve, _store_solution

    X, y = check_dask_xy(X, y, multi_output=True)
    n, d = X.shape
    _check_features(est, d, reset=True)
    if est.solver != "svd":
        n, mean, M, ex, ey = _centred_statistics(X, y, est.fit_intercept, "gram")
        alpha = _ridge_alpha(est.alpha, ex)
        G = M[:d, :d].copy()
        G.flat[:: d + 1] += alpha
        try:
            W = (np.zeros_like(M[:d, d:]) if alpha == np.inf
                 else _cholesky_solve(G, M[:d, d:], "XᵀX + αI", (n, d)))
            _store_solution(est, W, *_split_mean(mean, d, y.ndim), y.ndim)
            _back_from_units(est, ex, ey)
            return est
        except np.linalg.LinAlgError:
            if est.solver == "cholesky":
                raise
    n, mean, R, ex, ey = _centred_statistics(X, y, est.fit_intercept, "r")
    alpha = _ridge_alpha(est.alpha, ex)
    U, s, Vt = sla.svd(R[:d, :d], full_matrices=False, check_finite=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        shrink = np.where(s > max(n, d) * _EPS * (s[0] if s.size else 0.0), s / (s**2 + alpha), 0.0)
    W = Vt.T @ (shrink[:, None] * (U.T @ R[:d, d:]))
    _store_solution(est, W, *_split_mean(mean, d, y.ndim), y.ndim)
    _back_from_units(est, ex, ey)
    return est


# --------------------------------------------------------------------- scalers
def standard_scaler(est, X, *, first):
    """StandardScaler.partial_fit on Dask: per-feature (count, mean, M₂ = m2·4**E), one pass, 4d numbers per block."""
    from mmlkit._scaling import column_moments, merge_moments
    from mmlkit.preprocessing._data import _set_moments

    X = as_dask_array(X, "X")
    _check_features(est, X.shape[1], reset=first)
    batch = reduce_blocks(column_moments, [X], merge_moments, check_finite="allow-nan")
    return _set_moments(est, *(batch if first else merge_moments(est._moments, batch)))


def min_max_scaler(est, X):
    """MinMaxScaler.fit on Dask: per-feature min and max, one pass, 2d + 1 numbers per block."""
    from mmlkit.preprocessing._data import _set_range

    low, high = est._range()
    X = as_dask_array(X, "X")
    _check_features(est, X.shape[1], reset=True)
    n, data_min, data_max = reduce_blocks(bw.minmax_stats, [X], bw.merge_minmax, check_finite="allow-nan")
    empty = np.isinf(data_min)  # all-NaN columns: NaN as nanmin gives
    est.data_min_ = np.where(empty, np.nan, data_min)
    est.data_max_ = np.where(empty, np.nan, data_max)
    _set_range(est, low, high)
    est.n_samples_seen_ = int(n)
    return est


# ------------------------------------------------------------------ naive Bayes
def gaussian_nb(est, X, y):
    """GaussianNB.fit on Dask: per-class (count, mean, M₂), one pass, K(2d + 1) numbers per block
    (a second in units x/2**e when X lies beyond 2^±256 and a square over- or underflowed)."""
    from mmlkit._validation import check_classification_labels, validate_params

    validate_params(est)
    X, y = check_dask_xy(X, y, y_numeric=False)
    _check_features(est, X.shape[1], reset=True)
    stats, tops = reduce_blocks(bw.class_moment_stats, [X, y], bw.merge_class_moments, check_finite=True,
                                with_max=True)
    e = unit_exponent(tops[0])
    if e:   # in units x/2**e: rescaled where no square over- or underflowed, else recomputed
        rescaled = {c: (m, *(_gram_rescaled(mean, M2, e) or (None,))) for c, (m, mean, M2) in stats.items()}
        if any(len(v) < 3 for v in rescaled.values()):
            stats = reduce_blocks(bw.class_moment_stats, [X, y], bw.merge_class_moments, units=(e, 0))
        else:
            stats = rescaled
    classes = np.unique(np.asarray(list(stats), dtype=y.dtype))
    check_classification_labels(classes)
    est.classes_ = classes
    counts = np.array([stats[c.item() if hasattr(c, "item") else c][0] for c in classes], dtype=np.float64)
    est.theta_ = shift(np.array([stats[c.item() if hasattr(c, "item") else c][1] for c in classes]), e)
    raw_var = np.array([stats[c.item() if hasattr(c, "item") else c][2] for c in classes]) / counts[:, None]
    est.class_count_ = counts
    return est._set_variance_and_priors(raw_var, e)


# ------------------------------------------------------------------------- PCA
def pca(est, X):
    """PCA's fit on Dask: centred TSQR then the SVD of R ("full"), or a distributed range finder."""
    from mmlkit._validation import check_random_state
    from mmlkit.models.decomposition import (
        _lu_normalise,
        _pca_solver,
        _power_iteration_settings,
        _qr_normalise,
        _set_full_spectrum,
        _set_truncated_spectrum,
    )

    X = as_dask_array(X, "X")
    n, d = X.shape
    if n < 2:
        raise ValueError(f"Found array with {n} sample(s) (shape={X.shape}) while a minimum of 2 is required.")
    k = est._check_params(n, d)
    solver = _pca_solver(est.svd_solver, n, d, k)  # the in-memory rule, so that "auto" means the same model
    if solver == "arpack":
        raise ValueError("svd_solver='arpack' is not offered for Dask input (each Lanczos step would be a pass "
                         "over the data); use 'lapack' (TSQR) or 'randomized'")
    if n < d:
        raise ValueError(f"a Dask X must be tall and skinny (n_samples >= n_features), got shape {X.shape}")
    _check_features(est, d, reset=True)
    est._fit_svd_solver = solver
    est.n_samples_ = n
    if solver in ("lapack", "mmlkit"):
        (n, est.mean_, R), (top,) = reduce_blocks(bw.r_stats, [X], bw.merge_r, args=(None, True),
                                                  check_finite=True, with_max=True)
        e = unit_exponent(top)   # R is scale-safe: beyond 2^±256 it is rescaled, as in _centred_statistics
        rescaled = _r_rescaled(est.mean_, R, [top], e) if e else None
        if rescaled is not None:
            est.mean_, R = rescaled
        elif e:
            n, est.mean_, R = reduce_blocks(bw.r_stats, [X], bw.merge_r, args=(None, True), units=(e,))
        R = bw.square_r(R, d)
        if solver == "mmlkit":
            from mmlkit.linalg import svd as mmlkit_svd

            _, sigma, Vt = mmlkit_svd(R)
        else:
            _, sigma, Vt = sla.svd(R, full_matrices=False, check_finite=False)
        _set_full_spectrum(est, sigma**2 / (n - 1), Vt, n, d, k)
        est._n_features_out = est.n_components_
        if e:
            est._from_units(e)
        return X
    if not isinstance(k, int) or not 1 <= k <= min(n, d):
        raise ValueError(f"svd_solver='randomized' needs an int n_components in [1, min(n_samples, "
                         f"n_features)={min(n, d)}], got {est.n_components!r}")
    (counts, mu, M2), (top,) = reduce_blocks(bw.nan_moment_stats, [X], bw.merge_nan_moments, check_finite=True,
                                             with_max=True)
    e = unit_exponent(top)   # beyond 2^±256 every later pass reads its blocks in units x/2**e
    rescaled = _gram_rescaled(mu, M2, e) if e else None
    if rescaled is not None:
        mu, M2 = rescaled
    elif e:   # the moments again, in units (squares that over- or underflowed)
        counts, mu, M2 = reduce_blocks(bw.nan_moment_stats, [X], bw.merge_nan_moments, units=(e,))
    est.mean_ = mu
    rng = check_random_state(est.random_state)
    n_iter, normaliser = _power_iteration_settings(est, n, d, k)
    normalise = {"LU": _lu_normalise, "QR": _qr_normalise, "none": lambda Y: Y}[normaliser]
    size = min(k + est.n_oversamples, n, d)
    M = rng.standard_normal((d, size))
    for it in range(n_iter + 1):
        # One pass: Y = A M stays on the workers; its R factor and S = AᵀY come back, and
        # AᵀQ = S R⁻¹ for the orthonormal Q = Y R⁻¹ spanning the same range as Y.
        R, S = reduce_blocks(bw.sketch_stats, [X], bw.merge_sketch, args=(mu, M), units=(e,))
        Z = sla.solve_triangular(bw.square_r(R, size), S.T, trans="T", check_finite=False).T
        if it < n_iter:
            M = normalise(Z)
    _, sigma, Vt = sla.svd(Z.T, full_matrices=False, check_finite=False)  # B = QᵀA = (AᵀQ)ᵀ
    _set_truncated_spectrum(est, sigma[:k], Vt[:k], float(M2.sum()) / (n - 1), n, d, k)
    est._n_features_out = est.n_components_
    if e:
        est._from_units(e)
    return X


# ---------------------------------------------------------------------- KMeans
def _passes_over(X):
    """``run(fn, combine, ...)``: one KMeans pass over X, ``fn`` per block and ``combine`` to merge.

    KMeans makes many passes over the same data: when X is persisted on a
    cluster, the blocks' placement is looked up once and each pass is one task
    per worker (:func:`mmlkit._dask.reduce_blocks`, ``by_worker``). With
    ``keep=True``, ``fn`` also takes and returns a per-block state, kept on the
    workers from one such pass to the next (:func:`mmlkit._dask.reduce_blocks_keeping`);
    ``run.forget()`` drops it. Every pass reads the blocks in units of
    ``2**run.units`` (0, X as given, until the first pass finds X beyond 2^±256).
    """
    import uuid

    placement = block_placement([X])
    token = f"mmlkit-kmeans-{uuid.uuid4().hex}"

    def run(fn, combine, *, args=(), block_args=None, check_finite=False, keep=False, with_max=False):
        scale = dict(units=(run.units,), with_max=with_max)
        if keep:
            return reduce_blocks_keeping(fn, [X], combine, token, args=args, block_args=block_args,
                                         check_finite=check_finite, by_worker=placement or False, **scale)
        return reduce_blocks(fn, [X], combine, args=args, block_args=block_args, check_finite=check_finite,
                             by_worker=placement or False, **scale)

    def forget():
        if placement:
            forget_kept(token)

    run.forget = forget
    run.units = 0
    run.placement = placement
    return run


def _first_pass(passes, fn, combine, fixed=(), again=None, **kwargs):
    """The fit's first pass, with max|x|; beyond 2^±256 (with the ``fixed`` arrays given in X's units,
    the init centres) again in units x/2**e, from which on every pass reads its blocks in those units.
    ``again(out)`` gives the arguments of that second pass from the first's result (default: the same)."""
    args = kwargs.pop("args", ())
    out, (top,) = passes(fn, combine, check_finite=True, with_max=True, args=args, **kwargs)
    e = unit_exponent(np.array([top, *(abs_max(np.asarray(a, dtype=np.float64)) for a in fixed)]))
    if e:
        passes.forget()
        passes.units = e
        args = tuple(shift(a, -e) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
                     for a in (again(out) if again else args))
        out = passes(fn, combine, args=args, **kwargs)
    return out


def _row(X, i, passes, offsets):
    """Row i of the Dask X, from its block alone: on a cluster holding X, a future of it (the first
    pass reads it where it lands, and gives its value back); otherwise its value."""
    if not passes.placement:
        return np.asarray(X[i].compute(), dtype=np.float64)
    client, _, futures = passes.placement
    b = int(np.searchsorted(offsets, i, side="right")) - 1
    return client.submit(bw.take_row, futures[0][b], i - offsets[b], pure=False)


def _kmeans_parallel(X, passes, k, rng, offsets, *, mean=None):
    """k-means|| on the workers; one pass per round and one for the weights.

    On a cluster each row's nearest candidate stays on its worker between the
    passes, so a round measures the rows against the candidates of the round
    before only. Without ``mean`` this is the fit's first seeding: its first
    round shares the pass that also computes the feature moments (and checks X
    is finite), and the moments are returned with the centres (in centred
    coordinates).
    """
    from mmlkit.models._kmeans_parallel import OVERSAMPLING, seed_by_rounds

    ell = float(OVERSAMPLING * k)
    first = _row(X, int(rng.integers(X.shape[0])), passes, offsets)
    if mean is not None:
        first = shift(np.asarray(first.result() if hasattr(first, "result") else first), -passes.units)

    def block_args():
        return list(zip(rng.integers(2**63, size=len(offsets)).tolist(), offsets))

    def picked(psi, keys, rows, index):
        """The sampled rows (key > ψ/ℓ), in row order whatever the order of the merge."""
        keep = keys > psi / ell
        return rows[keep][np.argsort(index[keep], kind="stable")]

    def sample(batches, ell):
        out = first_round.pop() if first_round else passes(
            bw.kmeans_parallel_stats, bw.merge_kmeans_parallel, args=(mean, first, batches, ell),
            block_args=block_args(), keep=True)
        return out[0], picked(*out) - mean

    def weigh(batches):  # the seeding's last pass: it drops the states it reads
        return passes(bw.candidate_weights, bw.merge_sum, args=(mean, first, batches), keep=True)

    moments, first_round = None, []
    try:
        if mean is None:  # pass 1: the moments + round 1 (the rows against `first`), in units if need be
            moments, out, first = _first_pass(passes, bw.kmeans_first_stats, bw.merge_kmeans_first,
                                              args=(first, ell), block_args=block_args(), keep=True,
                                              again=lambda out: (out[2], ell))
            mean = moments[1]
            first_round.append(out)
        centers = seed_by_rounds(first - mean, k, rng, sample, weigh)
    except BaseException:
        passes.forget()
        raise
    return centers, moments


def kmeans(est, X):
    """KMeans.fit on Dask: k-means|| seeding, then Lloyd's iterations from per-block sums."""
    import warnings

    from mmlkit._validation import check_random_state
    from mmlkit.exceptions import ConvergenceWarning

    X = as_dask_array(X, "X")
    n, d = X.shape
    init, n_init = est._check_params(X)       # the in-memory checks; they read X's shape only
    k = est.n_clusters
    _check_features(est, d, reset=True)
    rng = check_random_state(est.random_state)
    offsets = np.concatenate([[0], np.cumsum(X.chunks[0][:-1])]).astype(np.int64).tolist()
    by_rounds = isinstance(init, str) and init != "random"   # "k-means++" means k-means|| here
    passes = _passes_over(X)
    if by_rounds:
        seeded, (counts, mean, M2) = _kmeans_parallel(X, passes, k, rng, offsets)
    else:
        counts, mean, M2 = _first_pass(passes, bw.nan_moment_stats, bw.merge_nan_moments,
                                       fixed=() if isinstance(init, str) else (init,))
    e = passes.units   # X beyond 2^±256: the fit runs on X/2**e (exact), as in memory
    tol = float(M2.sum()) / (n * d) * est.tol     # the mean per-feature variance, as in memory
    best = None
    for run_number in range(n_init):
        if by_rounds:
            centers = seeded if run_number == 0 else _kmeans_parallel(X, passes, k, rng, offsets, mean=mean)[0]
        elif isinstance(init, str):
            rows = np.sort(rng.choice(n, k, replace=False))
            centers = shift(np.asarray(X[rows].compute()), -e) - mean
        else:
            centers = shift(init, -e) - mean
        run = _lloyd_dask(passes, mean, centers, est.max_iter, tol, offsets)
        if best is None or run[0] < best[0]:
            best = run
    inertia, centers, n_iter, converged = best
    if not converged:
        warnings.warn(f"KMeans stopped at max_iter={est.max_iter} before convergence; increase max_iter or tol.",
                      ConvergenceWarning, stacklevel=3)
    est.cluster_centers_ = shift(centers + mean, e)
    est.labels_ = _lazy_units(X, e).map_blocks(bw.kmeans_labels, mean, centers, dtype=np.intp, drop_axis=1,
                                               chunks=(X.chunks[0],), meta=np.empty((0,), np.intp))
    with np.errstate(over="ignore"):     # an inertia beyond float64 is inf, as in memory
        est.inertia_ = float(shift(inertia, 2 * e))
    est.n_iter_ = n_iter
    return est


def _lloyd_dask(passes, mean, centers, max_iter, tol, offsets):
    """Lloyd's iterations, one pass each; the same stopping and re-seeding rules as the in-memory fit.

    Labels that stop changing leave the centres bit-for-bit unchanged (the same
    sums of the same rows), so "no label changed" is "shift == 0" here, without
    keeping the labels between passes. An empty cluster is re-seeded as
    ``cluster._reseed_empty`` does: the farthest points of all blocks (each
    block sends its k farthest, the merge keeps the k farthest of the union,
    ties to the lower row index) seed the empty clusters in order and leave
    their own.

    Each pass also sends the rows nearest to a tie between two centres, which
    often lets the client end the run without one more pass (:func:`_settle`):
    the final inertia, or the next iteration when it can only confirm the labels.
    """
    for n_iter in range(1, max_iter + 1):  # noqa: B007 (n_iter is returned)
        S, inertia, (_, _, far_rows, far_labels), near = passes(bw.lloyd_stats, bw.merge_lloyd,
                                                                args=(mean, centers), block_args=offsets)
        empty = np.flatnonzero(S[:, -1] == 0)
        if empty.size:
            np.subtract.at(S, far_labels[: empty.size], far_rows[: empty.size])
            S[empty] = far_rows[: empty.size]
        new_centers = S[:, :-1] / S[:, -1:]
        shift = float(np.sum((new_centers - centers) ** 2))
        if shift == 0.0 and not empty.size:
            return inertia, new_centers, n_iter, True
        settled = None if empty.size else _settle(near, S, mean, centers, new_centers, shift, tol,
                                                  n_iter == max_iter)
        if settled is not None:
            inertia, centers, n_done, converged = settled
            if inertia is None:
                inertia = passes(bw.inertia_stats, bw.merge_sum, args=(mean, centers))
            return inertia, centers, n_iter + n_done, converged
        centers = new_centers
        if shift <= tol:
            break
    return passes(bw.inertia_stats, bw.merge_sum, args=(mean, centers)), centers, n_iter, shift <= tol


def _settle(near, S, mean, old, new, shift, tol, last):
    """The end of a Lloyd run from what its last pass sent, when it can be proved, else None.

    The pass assigned every row to its nearest centre in ``old`` and gives the
    centres ``new``, having sent its ``NEAR_TIE_ROWS`` rows of smallest gap
    g = ‖x − c₂‖ − ‖x − c₁‖ between their two nearest centres, and a bound g₀
    on the gap of every other row. When the centres move by at most δ, a row
    with ‖x − c₂‖ − ‖x − c₁‖ > 2δ keeps its centre (triangle inequality), so
    if g₀ > 2δ (with room for rounding) only the sent rows can change label,
    and they are relabelled here. Then the inertia at ``new`` follows without
    a pass: for each cluster of the pass, with sum s_j of its n_j rows,

        Σ ‖x − c'‖² = Σ ‖x − c‖² + 2 (c − c')·(s_j − n_j c) + n_j ‖c − c'‖²,

    corrected for the sent rows that change cluster. Returns (inertia or None
    (one more pass for it), centres, iterations beyond this one (0 or 1),
    converged):

    * ``shift`` ≤ ``tol`` or the last iteration: the run ends here, as in memory;
    * otherwise, if no row changes label the next iteration would find the same
      labels and stop, the centres unchanged (strict convergence);
    * if only sent rows change, the next iteration's sums are these sums with
      them moved; when its shift is within ``tol`` the run ends there.
    """
    labels = _near_labels(near, mean, old, new)
    if labels is None:
        return None
    if shift <= tol or last:
        return _inertia_from(near, S, old, new, labels), new, 0, shift <= tol
    moved = np.flatnonzero(labels != near[5])
    if not moved.size:
        return _inertia_from(near, S, old, new, labels), new, 1, True
    rows = np.hstack([near[4][moved], np.ones((moved.size, 1))])
    S_next = S.copy()
    np.subtract.at(S_next, near[5][moved], rows)
    np.add.at(S_next, labels[moved], rows)
    if np.any(S_next[:, -1] == 0):
        return None
    newer = S_next[:, :-1] / S_next[:, -1:]
    if not np.sum((newer - new) ** 2) <= tol:
        return None
    later = _near_labels(near, mean, old, newer)
    return (None if later is None else _inertia_from(near, S, old, newer, later)), newer, 1, True


def _near_labels(near, mean, old, new):
    """The sent rows' nearest centres in ``new`` if no other row can change label from ``old`` to
    ``new`` and none of theirs is within rounding of a tie; else None."""
    from mmlkit._pairwise import squared_distances

    x2max, rows, above = near[1], near[4], near[6]
    scale = np.sqrt(x2max) + np.sqrt(np.max(np.einsum("ij,ij->i", new, new))) + np.sqrt(np.dot(mean, mean))
    slack = 1e-9 * scale          # far above rounding (about 1e-16·d relative), far below a gap that matters
    room = above - 2.0 * np.sqrt(np.max(np.sum((new - old) ** 2, axis=1)))
    if not (room > slack and room * above > slack * scale):
        return None
    D = squared_distances(rows, new)
    labels = D.argmin(axis=1)
    if new.shape[0] > 1 and rows.shape[0]:
        nearest = D[np.arange(rows.shape[0]), labels]
        D[np.arange(rows.shape[0]), labels] = np.inf
        if np.any(D.min(axis=1) - nearest <= slack * scale):
            return None
    return labels


def _inertia_from(near, S, old, new, labels):
    """Σ ‖x − c'_{label}‖² over all rows at centres ``new`` from the pass's per-cluster Σ‖x − c‖² at
    ``old`` and sums, the sent rows relabelled to ``labels`` (see :func:`_settle`)."""
    sse, rows, was = near[0], near[4], near[5]
    counts = S[:, -1]
    diff = old - new
    within = sse + 2.0 * np.einsum("ij,ij->i", diff, S[:, :-1] - counts[:, None] * old) \
        + counts * np.einsum("ij,ij->i", diff, diff)
    m = labels != was
    moved = float(np.sum((rows[m] - new[labels[m]]) ** 2) - np.sum((rows[m] - new[was[m]]) ** 2))
    return max(float(within.sum()) + moved, 0.0)


# --------------------------------------------------------------- logistic regression
def _logistic_problem_class():
    from mmlkit.models.logistic import _Problem

    class _DaskProblem(_Problem):
        """The same averaged objective, its gradient and Hessian summed over X's row blocks on the workers.

        L-BFGS and gradient descent make one pass per loss + gradient (K(d + 1) + 1
        numbers per block); Newton one more per Hessian ((K(d + 1))² numbers).
        """

        def __init__(self, X, y_index, n_classes, penalty, C, counts):
            self.X, self.y_index, self.counts = X, y_index, counts
            self.n, self.d = X.shape
            self.binary = n_classes == 2
            self.K = 1 if self.binary else n_classes
            self.penalty = penalty
            self.lam = 0.0 if penalty is None else 1.0 / (C * self.n)
            self.shape = (self.K, self.d + 1)
            mask = np.ones(self.shape, dtype=bool)
            mask[:, -1] = False
            self.penalised = mask.ravel()

        def frequencies(self):
            freq = self.counts / self.counts.sum()
            return freq[1] if self.binary else freq

        def smooth(self, theta, *, l2=True):
            loss, grad = reduce_blocks(bw.logistic_stats, [self.X, self.y_index], bw.merge_tuple_sum,
                                       args=(np.asarray(theta, dtype=np.float64), self.K))
            loss, grad = loss / self.n, grad / self.n
            if l2 and self.penalty == "l2":
                W, _ = self.split(theta)
                loss += 0.5 * self.lam * float(np.sum(W * W))
                grad[:, :-1] += self.lam * W
            return loss, grad.ravel()

        def hessian(self, theta):
            H = reduce_blocks(bw.logistic_hessian_stats, [self.X, self.y_index], bw.merge_tuple_sum,
                              args=(np.asarray(theta, dtype=np.float64), self.K)) / self.n
            if not self.binary:  # the in-memory Hessian's fix of the softmax null space
                D = self.d + 1
                free = ~self.penalised if self.penalty is not None else np.ones(self.K * D, dtype=bool)
                idx = np.flatnonzero(free)
                col = idx % D
                H[np.ix_(idx, idx)] += (col[:, None] == col[None, :]) / self.n
            if self.penalty == "l2":
                H[np.diag_indices_from(H)] += self.lam * self.penalised
            return H

        def lipschitz(self):
            n, _, G = reduce_blocks(bw.gram_stats, [self.X], bw.merge_gram, args=(None, False))
            d = G.shape[0]
            s = reduce_blocks(bw.nan_moment_stats, [self.X], bw.merge_nan_moments)[1] * n  # column sums
            Ga = np.empty((d + 1, d + 1))
            Ga[:d, :d], Ga[:d, d], Ga[d, :d], Ga[d, d] = G, s, s, n
            top = float(sla.eigh(Ga, eigvals_only=True, subset_by_index=[d, d])[0])
            return (0.25 if self.binary else 0.5) * top / self.n + (self.lam if self.penalty == "l2" else 0.0)

    return _DaskProblem


def _class_index(block, classes):
    return np.searchsorted(classes, block)


def logistic_regression(est, X, y):
    """LogisticRegression.fit on Dask: the in-memory solvers on a problem whose passes run on the workers.

    The first pass (labels, their counts and max|x|) tells the scale: X beyond 2^±256 is read by every
    later pass as X/2**e (divided on the workers), and the fit mapped back as in memory; no extra pass."""
    from mmlkit._validation import check_classification_labels

    X, y = check_dask_xy(X, y, y_numeric=False)
    _check_features(est, X.shape[1], reset=True)
    (classes, counts), (top, _) = reduce_blocks(bw.label_count_stats, [X, y], bw.merge_label_counts,
                                                check_finite=True, with_max=True)
    check_classification_labels(classes)
    if classes.size < 2:
        raise ValueError(f"y must contain at least 2 classes, got only one class: {classes[0]!r}")
    est.classes_ = classes
    y_index = y.map_blocks(_class_index, classes, dtype=np.intp, meta=np.empty((0,), np.intp))
    e = unit_exponent(top)
    prob = _logistic_problem_class()(_lazy_units(X, e), y_index, classes.size, est.penalty, est.C, counts)
    return est._solve_scaled(prob, e) if e else est._solve(prob)


# ---------------------------------------------------------------- Lasso / ElasticNet
def elastic_net(est, X, y):
    """ElasticNet.fit (and Lasso's) on Dask: the centred Gram matrix of [X, y] in one pass, then the
    in-memory solver on it (``precompute=True``'s path) on the client, with no further pass."""
    from mmlkit.models.coordinate_descent import _TINY, _FullGram, enet_solve

    rho = est._l1_ratio()
    X, y = check_dask_xy(X, y, multi_output=True)
    n, d = X.shape
    _check_features(est, d, reset=True)
    n, mean, M, ex, ey = _centred_statistics(X, y, est.fit_intercept, "gram")
    X_mean, y_mean = _split_mean(mean, d, y.ndim)
    # the penalties in the units X/2**ex, y/2**ey, as in memory (see ElasticNet.fit)
    l1 = float(shift(n * est.alpha * rho, -ex - ey))
    l2 = float(shift(n * est.alpha * (1.0 - rho), -2 * ex))
    l1 = max(l1, _TINY) if rho > 0 else l1
    l2 = max(l2, _TINY) if rho < 1 else l2
    W0 = est._start(M.shape[0] - d, d, ex - ey)
    if not (np.isfinite(l1) and np.isfinite(l2)):
        fits = [(np.zeros(d), 0.0, 0)] * W0.shape[0]
    else:
        fits = [enet_solve(_FullGram(M[:d, :d], M[:d, d + k]), float(M[d + k, d + k]), l1, l2, W0[k],
                           max_iter=est.max_iter, tol=est.tol) for k in range(W0.shape[0])]
    coef = np.array([f[0] for f in fits])
    gaps = [float(shift(f[1], 2 * ey)) for f in fits]
    est._store(shift(coef, ey - ex), shift(np.atleast_1d(y_mean - coef @ X_mean), ey), gaps,
               [f[2] for f in fits], y.ndim)
    return est


# ------------------------------------------------------------ Gaussian mixture
def _gmm_parameters(stats, shift, centre, G, reg_covar, covariance_type):
    """The M-step from merged statistics, the same formulas as the in-memory M-step.

    With Sₖ = Σ rᵢₖ (xᵢ − cₖ) and Qₖ = Σ rᵢₖ (xᵢ − cₖ)(xᵢ − cₖ)ᵀ about a shift cₖ,
    μₖ = (Sₖ + Nₖ cₖ)/nₖ and, with mₖ = μₖ − cₖ,
    Σ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ = Qₖ − Sₖ mₖᵀ − mₖ Sₖᵀ + Nₖ mₖ mₖᵀ.
    """
    from mmlkit.models.mixture import _TINY

    _, N, Sy, Q = stats
    nk = N + _TINY
    means = (Sy + N[:, None] * shift) / nk[:, None]
    d = means.shape[1]
    diag = np.arange(d)
    if covariance_type == "full":
        m = means - shift
        cov = (Q - Sy[:, :, None] * m[:, None, :] - m[:, :, None] * Sy[:, None, :]
               + N[:, None, None] * m[:, :, None] * m[:, None, :]) / nk[:, None, None]
        cov[:, diag, diag] += reg_covar
        return nk, means, cov
    Mc = means - centre
    if covariance_type == "tied":
        cov = (G - (nk * Mc.T) @ Mc) / nk.sum()
        cov[diag, diag] += reg_covar
        return nk, means, cov
    cov = Q / nk[:, None] - Mc**2 + reg_covar
    return nk, means, (cov.mean(axis=1) if covariance_type == "spherical" else cov)


def gaussian_mixture(est, X, e_old=0):
    """GaussianMixture.fit on Dask: blockwise EM sufficient statistics; the EM loop of the in-memory fit.

    ``e_old``: the units of a previous fit (for a warm start). X beyond 2^±256: EM runs on X/2**e, the
    blocks divided on the workers, and the parameters are mapped back as in memory."""
    import warnings

    from mmlkit.exceptions import ConvergenceWarning
    from mmlkit.models.cluster import KMeans
    from mmlkit.models.mixture import _precision_cholesky

    X = as_dask_array(X, "X")
    n, d = X.shape
    if n < 2:
        raise ValueError(f"Found array with {n} sample(s) (shape={X.shape}) while a minimum of 2 is "
                         "required by GaussianMixture.")
    _check_features(est, d, reset=True)
    est._check_params(X)
    k, kind = est.n_components, est.covariance_type
    given_all = est._weights0 is not None and est._means0 is not None and est._precisions0 is not None
    if est.init_params == "k-means++" and not given_all:
        raise ValueError('init_params="k-means++" is not available for Dask input (its seeding visits the '
                         'rows one by one); use "kmeans" (k-means|| seeding on the workers) or "random"')
    # Pass 1: the finiteness check and the data mean (and, for "tied", the pooled scatter about it),
    # with max|x|; beyond 2^±256 (est._unit_exponent, as in memory) these are rescaled to units x/2**e,
    # or (a scatter whose squares over- or underflowed) recomputed in them.
    first = (bw.gram_stats, bw.merge_gram) if kind == "tied" else (bw.mean_stats, bw.merge_mean)
    stats, (top,) = reduce_blocks(first[0], [X], first[1], check_finite=True, with_max=True)
    e = est._unit_exponent(np.array([top]))
    X = est._into_units(X, e, e_old)     # lazily: X/2**e block by block on the workers
    if e:   # the mean (a shift: any finite one serves) and G rescaled, or recomputed in units
        rescaled = (_gram_rescaled(stats[1], stats[2], e) if kind == "tied"
                    else (np.ldexp(stats[1], -e), None) if np.all(np.isfinite(stats[1])) else None)
        stats = (stats[0], *rescaled) if rescaled is not None else reduce_blocks(first[0], [X], first[1])
    centre, G = stats[1], (stats[2] if kind == "tied" else None)

    def initialize(X, rng):
        if given_all:
            return est._set_initial(None, None, None)
        if est.init_params == "kmeans":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                km = KMeans(k, n_init=1, random_state=rng).fit(X)
            centers = km.cluster_centers_   # with its lazy labels_: one pass, as before
            stats = reduce_blocks(bw.gmm_label_stats, [X, km.labels_], bw.merge_tuple_sum,
                                  args=(centre, centers, k, kind))
            shift = centers if kind == "full" else centre
        else:
            seeds = rng.integers(2**63, size=len(X.chunks[0]))
            stats = reduce_blocks(bw.gmm_init_stats, [X], bw.merge_tuple_sum, args=(centre, k, kind),
                                  block_args=seeds)
            shift = centre
        est._set_initial(*_gmm_parameters(stats, shift, centre, G, est._reg_covar_u, kind))

    def em_step(X):
        stats = reduce_blocks(bw.gmm_em_stats, [X], bw.merge_tuple_sum,
                              args=(est.weights_, est.means_, est.precisions_cholesky_, centre, kind))
        shift = est.means_ if kind == "full" else centre
        nk, est.means_, est.covariances_ = _gmm_parameters(stats, shift, centre, G, est._reg_covar_u, kind)
        est.weights_ = nk / nk.sum()
        est.precisions_cholesky_ = _precision_cholesky(est.covariances_, kind)
        return stats[0] / n

    est._fit_loop(X, initialize, em_step)
    est._out_of_units(e)
    return est
