"""Clustering: k-means (Lloyd's algorithm with k-means++ seeding) and spectral clustering."""

from __future__ import annotations

import functools
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.csgraph
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._buffers import with_small_buffers
from mmlkit._dask import dask_unsupported, is_dask_collection, map_rows
from mmlkit._pairwise import squared_distances
from mmlkit._scaling import rescale, unit_exponent
from mmlkit._threads import map_blocks, row_blocks
from mmlkit._validation import Interval, Options, as_float_array, check_random_state, validate_data, validate_params
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models._init import kmeans_plusplus, single_blas_thread
from mmlkit.models._kmeans_parallel import kmeans_parallel
from mmlkit.models._subspace import chebyshev_top, lanczos_bottom, lanczos_ritz

__all__ = ["KMeans", "SpectralClustering"]


# ----------------------------------------------------------------------------- k-means


def _augmented(centers):
    """``[-2 C, ‖c‖²]``: with ``X1 = [X, 1]``, ``X1 @ _augmented(C).T`` is ‖c‖² − 2 x·c."""
    return np.hstack([-2.0 * centers, np.einsum("ij,ij->i", centers, centers)[:, None]])


def _argmin_columns(G):
    """``G.argmin(axis=0)`` for a short, wide (k, m) array: k vectorised passes
    instead of m tiny reductions. Ties go to the lowest index."""
    best = G.min(axis=0)
    labels = np.full(G.shape[1], G.shape[0] - 1)
    for j in range(G.shape[0] - 2, -1, -1):
        np.copyto(labels, j, where=G[j] == best)
    return labels, best


_BLOCK_ELEMENTS = 2**17  # (k, rows) distance blocks of the assignment step: 1 MiB, in cache


def _assign(X1, centers):
    """Nearest centre of each row, and its squared distance minus ‖x‖².

    ``X1`` is ``[X, 1]`` (the data with a column of ones appended), so one
    matrix product gives ‖c‖² − 2 x·c for every pair: the ‖x‖² term is the same
    for every centre and does not change the argmin. Rows go in cache-sized
    chunks, the row blocks on threads.
    """
    n = X1.shape[0]
    C1 = _augmented(centers)
    labels, partial = np.empty(n, dtype=np.intp), np.empty(n)

    step = max(256, _BLOCK_ELEMENTS // C1.shape[0])

    def assign_rows(rows):
        for start in range(rows.start, rows.stop, step):
            chunk = slice(start, min(rows.stop, start + step))
            labels[chunk], partial[chunk] = _argmin_columns(C1 @ X1[chunk].T)

    map_blocks(assign_rows, row_blocks(n))
    return labels, partial


def _nearest_two(X1, x2, centers, guess=None):
    """Nearest centre of each row of ``X1 = [X, 1]`` and the distances to the nearest two.

    Returns ``labels``, ``first`` = ‖x − c_label‖ and ``second`` = the distance to
    the nearest other centre (``inf`` when k = 1). ``guess`` holds labels that
    are probably still right (the previous ones): a row whose guessed centre is
    at the minimum distance keeps it, and only the others search all k; without
    a guess, ties go to the lowest index, as ``argmin``.
    """
    GT = _augmented(centers) @ X1.T                 # (k, m): ‖c‖² − 2 x·c
    m = GT.shape[1]
    flat, cols = GT.ravel(), np.arange(m)
    if guess is None:
        labels, first = _argmin_columns(GT)
    else:
        first = GT.min(axis=0)
        labels = guess.copy()
        wrong = np.flatnonzero(flat[guess * m + cols] != first)
        labels[wrong] = _argmin_columns(GT[:, wrong])[0]
    flat[labels * m + cols] = np.inf                # hide the nearest (flat indices: a fast scatter)
    second = GT.min(axis=0)
    for d in (first, second):
        d += x2
        np.sqrt(np.maximum(d, 0.0, out=d), out=d)
    return labels, first, second


def _half_gaps(centers):
    """sⱼ = ½ min_{i≠j} ‖cᵢ − cⱼ‖: a point closer than sⱼ to cⱼ has cⱼ as its nearest centre."""
    gaps = np.sqrt(squared_distances(centers))
    np.fill_diagonal(gaps, np.inf)
    return 0.5 * gaps.min(axis=1)


_SCATTER_ELEMENTS = 2**11   # up to this many entries np.add.at (~20 ns each) beats the sparse set-up (~45 µs)


def _scatter_rows(k, index, rows, signs=None):
    """``Σ signsᵢ rowsᵢ`` into row ``indexᵢ`` of a (k, width) array, as the sparse product
    ``P @ rows`` with P[indexᵢ, i] = signsᵢ (1 when None): O(len(rows) · width).

    Small inputs use ``np.add.at``, which accumulates in the same order (row by row,
    each entry multiplied by ±1, exact) as SciPy's sparse product, so both give the
    same bits; the sparse matrix is only worth building for large inputs.
    """
    m = rows.shape[0]
    if rows.size <= _SCATTER_ELEMENTS:
        out = np.zeros((k, rows.shape[1]))
        np.add.at(out, index, rows if signs is None else rows * signs[:, None])
        return out
    data = np.ones(m) if signs is None else signs
    return sp.csc_matrix((data, index, np.arange(m + 1)), shape=(k, m)) @ rows


def _cluster_sums(X1, labels, k):
    """Per-cluster ``[Σ x, count]`` as one (k, d + 1) array: the one-hot product with
    ``X1 = [X, 1]``, O(n d)."""
    return _scatter_rows(k, labels, X1)


def _means(S):
    """Centres from the ``[Σ x, count]`` rows of :func:`_cluster_sums`."""
    return S[:, :-1] / S[:, -1:]


def _farthest(dist_sq, m):
    """Indices of the ``m`` largest entries of ``dist_sq``, largest first, ties to the lower index.

    The re-seeding order: the farthest point seeds the lowest-numbered empty
    cluster. A fixed order (not ``argpartition``'s) lets a fit over row blocks
    (Dask) pick the same points from each block's own farthest ones.
    """
    n = dist_sq.size
    if m < n:
        rows = np.flatnonzero(dist_sq >= np.partition(dist_sq, n - m)[n - m])
    else:
        rows = np.arange(n)
    return rows[np.lexsort((rows, -dist_sq[rows]))][:m]


def _reseed_empty(X1, labels, dist_sq, S):
    """Re-seed each empty cluster at one of the points farthest from its centre.

    ``dist_sq`` holds each point's squared distance to its assigned centre. The
    farthest point seeds the lowest-numbered empty cluster, the next farthest the
    next one (:func:`_farthest`). The chosen points leave their old clusters (the
    ``[Σ x, count]`` rows ``S`` are updated in place); returns their indices and
    the clusters they now seed.
    """
    empty = np.flatnonzero(S[:, -1] == 0)
    far = _farthest(dist_sq, empty.size)
    np.subtract.at(S, labels[far], X1[far])
    S[empty] = X1[far]
    return far, empty


def _lloyd(X1, x2, centers, max_iter, tol):
    """Lloyd's algorithm as written in the textbook; returns labels, inertia, centers, n_iter, converged.

    The reference for the accelerated :func:`_hamerly` (which computes the same
    iterations). ``X1[:, :-1]`` is the centred data (the column of ones is the
    fast path's and is not used here); ``x2`` is not needed either. Each
    iteration::

        D[i, j] = ‖xᵢ − c_j‖²              (all n × k squared distances)
        zᵢ = argmin_j D[i, j]               (assign; ties to the lowest j)
        c_j = mean of {xᵢ : zᵢ = j}         (update; an empty cluster is re-seeded
                                              at the point farthest from its centre)

    Stops when the labels no longer change (strict convergence) or when the
    total squared centre shift is at most ``tol`` (already scaled to the data).
    """
    X = X1[:, :-1]
    n, k = X.shape[0], centers.shape[0]
    labels_old = np.full(n, -1)
    strict = False
    for n_iter in range(1, max_iter + 1):  # noqa: B007 (n_iter is returned)
        D = squared_distances(X, centers)
        labels = D.argmin(axis=1)
        counts = np.bincount(labels, minlength=k).astype(np.float64)
        sums = np.column_stack([np.bincount(labels, weights=X[:, f], minlength=k) for f in range(X.shape[1])])
        empty = np.flatnonzero(counts == 0)
        if empty.size:
            far = _farthest(D[np.arange(n), labels], empty.size)
            for i, j in zip(far, empty):  # the point leaves its cluster and seeds the empty one
                sums[labels[i]] -= X[i]
                counts[labels[i]] -= 1
                sums[j], counts[j] = X[i], 1.0
        new_centers = sums / counts[:, None]
        shift = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        if np.array_equal(labels, labels_old):
            strict = True
            break
        if shift <= tol:
            break
        labels_old = labels
    D = squared_distances(X, centers)
    labels = labels if strict else D.argmin(axis=1)
    inertia = float(D[np.arange(n), labels].sum())
    return labels, inertia, centers, n_iter, strict or shift <= tol


def _own_sq_dist(X1, x2, centers, labels):
    """‖xᵢ − c_{labelᵢ}‖² for every row, without the n × k matrix."""
    return np.maximum(x2 + np.einsum("ij,ij->i", X1, _augmented(centers)[labels]), 0.0)


def _hamerly_pass(X1, x2, labels, upper, lower, centers, drift, half_gaps):
    """One assignment pass of Hamerly's algorithm over a block of rows.

    Moves the bounds by the centre drifts, recomputes the rows they no longer
    certify and relabels them (``labels``, ``upper``, ``lower`` are updated in
    place). Returns the change of the ``[Σ x, count]`` rows, how many points
    changed cluster and how many rows were recomputed.
    """
    upper += drift[labels]
    lower -= drift.max()
    stale = np.flatnonzero(upper > lower)
    stale = stale[upper[stale] > half_gaps[labels[stale]]]
    if 2 * stale.size > labels.size:              # past half the rows, a gather costs more than it saves
        stale, rows = np.arange(labels.size), X1
    else:
        rows = X1[stale]
    new, upper[stale], lower[stale] = _nearest_two(rows, x2[stale], centers, guess=labels[stale])
    n_stale = stale.size
    moved = new != labels[stale]
    stale, new = stale[moved], new[moved]
    # Moving x from cluster `old` to `new` adds [x, 1] to row new of S and takes it
    # from row old: a (k, m) matrix of +1s and −1s times the moved rows (each row
    # entered twice, +x then −x, in the order of the sparse product).
    m, k = stale.size, centers.shape[0]
    index = np.column_stack([new, labels[stale]]).ravel()
    labels[stale] = new
    if 2 * m * X1.shape[1] <= _SCATTER_ELEMENTS:
        return _scatter_rows(k, index, np.repeat(X1[stale], 2, axis=0), np.tile([1.0, -1.0], m)), m, n_stale
    change = sp.csc_matrix((np.tile([1.0, -1.0], m), index, np.arange(0, 2 * m + 1, 2)), shape=(k, m))
    return change @ X1[stale], m, n_stale


def _block_pass(X1, x2, labels, upper, lower, centers, drift, half_gaps, b):
    """:func:`_hamerly_pass` on the rows ``b`` of the whole-data arrays."""
    return _hamerly_pass(X1[b], x2[b], labels[b], upper[b], lower[b], centers, drift, half_gaps)


def _hamerly(X1, x2, centers, max_iter, tol):
    """Lloyd's iterations with Hamerly's bounds: same labels, centres and n_iter as
    :func:`_lloyd`, but only the distances the triangle inequality cannot rule out.

    Each point keeps an upper bound u ≥ ‖x − c_a‖ to its own centre a and a lower
    bound l ≤ min_{j≠a} ‖x − c_j‖ to all others. When the centres move by δⱼ,
    u grows by δ_a and l shrinks by max δ. The point keeps its centre while
    u ≤ l or u ≤ s_a (half the gap from c_a to its nearest other centre); only
    the others get a fresh row of k distances. The cluster sums are updated
    with the points that changed cluster alone. Row blocks run on threads.
    (An exact tie between a point's centre and another keeps the point where
    it is; plain Lloyd would move it to the lower index.)
    """
    n, k = X1.shape[0], centers.shape[0]
    labels, partial = _assign(X1, centers)
    upper = np.sqrt(np.maximum(partial + x2, 0.0))   # exact
    lower = np.zeros(n)                               # nothing known yet: the first pass checks every point
    S = _cluster_sums(X1, labels, k)

    def relabel(centers, drift, n_stale):
        """One pass of the bounds against ``centers`` (moved by ``drift`` since the last one)."""
        step = functools.partial(_block_pass, X1, x2, labels, upper, lower, centers, drift, _half_gaps(centers))
        # Threads only pay while many rows need recomputing (the previous pass is the guide).
        passes = map_blocks(step, row_blocks(n, work=n_stale))
        return sum(p[0] for p in passes), sum(p[1] for p in passes), sum(p[2] for p in passes)

    n_changed, n_stale, strict = n, n, False          # iteration 1 never converges strictly
    for n_iter in range(1, max_iter + 1):
        n_reseeded = 0
        if (S[:, -1] == 0).any():
            far, seeded = _reseed_empty(X1, labels, _own_sq_dist(X1, x2, centers, labels), S)
            labels[far] = seeded                      # (Lloyd sees these moves in the next labels)
            upper[far] = lower[far] = 0.0             # a re-seeded point is its centre: u = 0 exactly, l = 0 safely
            n_reseeded = far.size
        new_centers = _means(S)
        drift = np.sqrt(np.sum((new_centers - centers) ** 2, axis=1))
        shift = float(drift @ drift)
        centers = new_centers
        if n_changed == 0:
            strict = True
            break
        if shift <= tol or n_iter == max_iter:
            break
        change, n_moved, n_stale = relabel(centers, drift, n_stale)
        S += change
        n_changed = n_moved + n_reseeded
    # The centres Lloyd ends with: the exact means of the last labels (the incremental
    # sums carry round-off).
    S = _cluster_sums(X1, labels, k)
    centers = _means(S)
    if strict:
        # Σᵢ ‖xᵢ − c_zᵢ‖² = Σᵢ ‖xᵢ‖² − 2 Σⱼ cⱼ·(Σ_{z=j} x) + Σⱼ nⱼ ‖cⱼ‖², from the cluster sums.
        inertia = float(x2.sum() - 2.0 * np.einsum("jd,jd->", centers, S[:, :-1])
                        + S[:, -1] @ np.einsum("jd,jd->j", centers, centers))
    else:
        # Lloyd assigns the points to those centres once more (ties to the lower index).
        labels, partial = _assign(X1, centers)
        inertia = float(np.maximum(partial + x2, 0.0).sum())
    converged = strict or shift <= tol
    return labels, max(inertia, 0.0), centers, n_iter, converged


#: Up to this many rows and multiply-adds per iteration (n · k · (d + 1)), the bounds of Hamerly's
#: algorithm cost more in NumPy calls than the distances they save: :func:`_lloyd_dense` runs.
#: (Measured: 0.3–0.9× the bounds' time inside these limits; 1.2–2.6× beyond them.)
_DENSE_MAX_ROWS, _DENSE_MAX_WORK = 5000, 2**20


def _lloyd_dense(X1, x2, centers, max_iter, tol):
    """Lloyd's iterations, every distance every time, in a few whole-array operations each.

    The same iterations as :func:`_lloyd` (and :func:`_hamerly`), for small data,
    where a NumPy call costs more than its arithmetic. ``X1 = [X, 1]`` is laid out
    by columns, so ``X1ᵀ`` is contiguous. Each iteration is two products:
    ``G = [−2C, ‖c‖²] X1ᵀ`` (k × n, ‖c‖² − 2 x·c), whose column minima mark each
    point's centre in the one-hot matrix ``Z = (G == min G)``, and ``Z X1``, the
    ``[Σ x, count]`` rows of the update. An exact tie (a column of Z with two ones,
    seen in the counts) goes to the lowest index, as ``argmin``; the labels
    themselves are needed only to re-seed an empty cluster and at the end.
    """
    k, n = centers.shape[0], X1.shape[0]
    # Z as booleans (an eighth of float64's memory), made float64 just for its product: exact 0.0 / 1.0,
    # the same GEMM as before; only that one float64 Z exists, and only for the product.
    onehot, previous = np.empty((k, n), dtype=bool), np.empty((k, n), dtype=bool)
    X1T = X1.T
    strict = False
    for n_iter in range(1, max_iter + 1):  # noqa: B007 (n_iter is returned)
        G = _augmented(centers) @ X1T
        best = G.min(axis=0)
        np.equal(G, best, out=onehot)
        S = onehot.astype(np.float64) @ X1
        if S[:, -1].sum() != n:                   # a tie: to the lowest index
            np.equal(_argmin_columns(G)[0], np.arange(k)[:, None], out=onehot)
            S = onehot.astype(np.float64) @ X1
        if (S[:, -1] == 0).any():
            _reseed_empty(X1, _argmin_columns(G)[0], np.maximum(best + x2, 0.0), S)
        new_centers = _means(S)
        shift = float(np.sum((new_centers - centers) ** 2))
        centers = new_centers
        if n_iter > 1 and np.array_equal(onehot, previous):
            strict = True     # unchanged labels give unchanged means: G is that of the last centres
            break
        if shift <= tol:
            break
        onehot, previous = previous, onehot
    labels, partial = _argmin_columns(G if strict else _augmented(centers) @ X1T)
    inertia = float(np.maximum(partial + x2, 0.0).sum())
    return labels, inertia, centers, n_iter, strict or shift <= tol


def _centred_with_ones(X, order="C"):
    """``mean``, ``X1 = [X − mean, 1]`` and the squared row norms ``x2`` of X − mean.

    X1 is a new array (the caller's X is never touched); its column of ones turns
    distances and cluster counts into matrix products. Filled by row blocks on threads.
    ``order="F"`` lays X1 out by columns: the products with k ≪ d + 1 centres
    (``C1 @ X1.T``, k-means++'s ``X[candidates] @ X.T``) then read X1ᵀ contiguously,
    several times faster for few centres than the row-major layout, which the
    gathers of rows in Hamerly's passes want.
    """
    n, d = X.shape
    blocks = row_blocks(n)
    mean = sum(map_blocks(lambda b: X[b].sum(axis=0), blocks)) / n
    X1, x2 = np.empty((n, d + 1), order=order), np.empty(n)

    def fill(b):
        Xc = np.subtract(X[b], mean, out=X1[b, :-1])
        X1[b, -1] = 1.0
        x2[b] = np.einsum("ij,ij->i", Xc, Xc)

    # X (by rows) into X1 (by columns) goes through the ufunc's buffers: on a small X, twice X itself.
    with_small_buffers(X.size if order == "F" else np.inf, map_blocks, fill, blocks)
    return mean, X1, x2


class KMeans(ClusterMixin, TransformerMixin, BaseEstimator):
    """K-means clustering by Lloyd's algorithm with greedy k-means++ seeding.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters k.
    init : {"k-means++", "k-means||", "random"} or array_like of shape (n_clusters, n_features), \
default="k-means++"
        Seeding: greedy k-means++, its scalable variant k-means|| (a few passes
        over the data, see Notes), k distinct rows drawn uniformly, or given
        centres (then a single run is made). On a Dask X, ``"k-means++"`` means
        k-means|| (k-means++ would need k passes).
    n_init : "auto" or int, default="auto"
        Number of seedings; the run with the lowest inertia is kept. ``"auto"``
        means 1 for k-means++, k-means|| and given centres, 10 for ``"random"``.
    max_iter : int, default=300
        Maximum Lloyd iterations per run.
    tol : float, default=1e-4
        Convergence tolerance on the total squared centre shift, relative to the
        mean per-feature variance of X.
    random_state : int, numpy.random.Generator or None, default=None
        Seed for the seeding.
    algorithm : {"hamerly", "lloyd"}, default="hamerly"
        How Lloyd's iterations are computed. ``"lloyd"`` computes all n × k
        distances every iteration; ``"hamerly"`` keeps triangle-inequality
        bounds and recomputes only the points whose nearest centre may have
        changed. Both give the same clustering; Hamerly's is much faster once
        the centres settle. On small data (at most 5,000 rows and 2^20
        multiply-adds per iteration) ``"hamerly"`` computes every distance
        anyway, in two matrix products per iteration (see Notes): there the
        bounds cost more NumPy calls than the distances they would save.

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Sum of squared distances of the samples to their closest centre. It
        scales as s² with the data: for data near float64's limits (×1e300, say)
        the true inertia lies beyond float64 and ``inertia_`` is ``inf`` (``0.0``
        below its smallest number), IEEE's rounding of that true value, while the
        labels, centres and distances (``transform``, which scale as s) stay
        exact. Runs are compared on the inertia in the fit's units, so the best
        run is still the one kept.
    n_iter_ : int
        Lloyd iterations of the kept run.
    n_features_in_ : int

    Notes
    -----
    K-means minimises the within-cluster sum of squares (inertia)

        J(C, z) = Σᵢ ‖xᵢ − c_{zᵢ}‖².

    Lloyd's algorithm alternates the two exact block minimisations: assign
    zᵢ = argmin_j ‖xᵢ − c_j‖² (all n × k distances from one matrix product,
    ‖x‖² − 2 x·c + ‖c‖²), then move each centre to its cluster mean. Neither
    step can increase J, so J decreases monotonically to a local minimum.
    An empty cluster is re-seeded at the point farthest from its centre (several
    empty clusters: the farthest point seeds the lowest-numbered one, ties to the
    lower row index).
    The data are centred first (k-means is translation equivariant) to keep
    the expanded distance formula accurate. Data beyond 2^±256 are fit in
    exact power-of-two units X' = X / 2^e (with the given ``init``): every step
    (k-means++'s draws, the iterations, ``tol``, which is relative to the data's
    variance as in scikit-learn) commutes with that scaling, so the same
    ``random_state`` gives the same labels at any scale, and the centres come
    back as 2^e · c' exactly.

    Hamerly's acceleration (2010) computes the same iterations with fewer
    distances. With u ≥ ‖x − c_z‖ and l ≤ min_{j≠z} ‖x − c_j‖, the triangle
    inequality gives, after the centres move by δⱼ,

        u ← u + δ_z,    l ← l − max_j δⱼ,

    and x cannot change cluster while u ≤ max(l, ½ min_{j≠z} ‖c_z − c_j‖).
    Only the other points get their k distances recomputed.

    Cost: O(n · k · d) per Lloyd iteration (Hamerly: O(n) for the bounds plus
    O(m · k · d) for the m points that need it); O(n · d · k log k) for k-means++.
    On small data each iteration is two products with the centred data
    X₁ = [X − x̄, 1] stored by columns: G = [−2C, ‖c‖²] X₁ᵀ (k × n, the distances
    up to ‖x‖²), then Z X₁ with Z the one-hot matrix of each column's minimum,
    which gives every cluster's [Σ x, count] at once.

    k-means|| (Bahmani et al. 2012), ``init="k-means||"``, replaces k-means++'s k
    sequential draws by a few rounds that each sample many points at once: from a
    uniformly drawn first centre, each of five rounds keeps every point x
    independently with probability min(1, ℓ D(x)²/φ), ℓ = 2k and φ = Σ D² the
    current cost, and adds the kept points to the candidates (about ℓ per round).
    Each candidate is weighted by the number of points nearest to it (its cell)
    and stands for the mean of those points, summed in the same pass: the weighted
    cell means (about 10k of them) are reclustered into k centres by weighted
    greedy k-means++ and weighted Lloyd (the best of 10), so that each seeded
    centre is the exact mean of the points of the cells it gathers (Bahmani et
    al. recluster the candidates themselves; the cell means cost no pass and
    minimise the data's own inertia over unions of cells). Each point
    keeps its nearest candidate so far, so round r measures it against the ℓ
    candidates round r − 1 added only: the cost is O(n · d · ℓ · rounds) in six
    passes over the data (five rounds, then the weights), where k-means++ needs
    k passes. Bahmani et al. prove an O(log k) approximation of the optimal
    inertia with O(log φ) rounds, as k-means++'s, and find five rounds enough in
    practice. The same algorithm runs on a NumPy X
    (one block) and a Dask X (row blocks; the random draws depend on the blocks,
    so the same ``random_state`` gives different centres on the two).

    On a Dask X, ``init="k-means++"`` (the default) also seeds by k-means||: the
    first round shares its pass with the data mean and spread, each later round is
    one pass with about ℓ(d + 2) numbers per block (on a cluster each row's
    nearest candidate stays on its worker between rounds), then one pass for the
    candidates' cells (a sum and a count per candidate); then one pass per Lloyd
    iteration (and one for the final inertia, one number per block, unless the
    labels stopped changing),
    each block sending its cluster sums and counts, inertia and its k farthest
    points with their row numbers (k(2d + 5) + 1 numbers), and its 256 rows
    nearest to a tie between two centres, with a bound g₀ on every other row's
    gap ‖x − c₂‖ − ‖x − c₁‖ and each cluster's Σ D² (k + 256(d + 3) + 2 numbers).
    A row moves to another centre only if the centres move by at least half its
    gap (triangle inequality), so when they move by less than g₀/2 the client
    relabels the rows sent and ends the run without another pass: the final
    inertia follows from the clusters' sums and Σ D², and an iteration that could
    only confirm the labels is not made. Hamerly's bounds are
    per-point state and are not kept: the iterations are Lloyd's, with the same
    results (the same labels and inertia from the same ``init`` array, an emptied
    cluster re-seeded by the same rule). ``labels_`` is then a lazy Dask array.

    Examples
    --------
    >>> from mmlkit.datasets import make_blobs
    >>> from mmlkit.models import KMeans
    >>> X, _ = make_blobs(300, centers=3, random_state=0)
    >>> km = KMeans(n_clusters=3, random_state=0).fit(X)
    >>> km.cluster_centers_.shape
    (3, 2)
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None)],
        "init": [Options(("k-means++", "k-means||", "random")), "array-like"],
        "n_init": [Options(("auto",)), Interval(Integral, 1, None)],
        "max_iter": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None)],
        "random_state": ["random_state"],
        "algorithm": [Options(("hamerly", "lloyd"))],
    }

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300, tol=1e-4,
                 random_state=None, algorithm="hamerly"):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.algorithm = algorithm

    def _check_params(self, X):
        """The parameters that depend on the data: ``init`` as an array, and ``n_init``."""
        if X.shape[0] < self.n_clusters:
            raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={self.n_clusters}.")
        if isinstance(self.init, str):
            init = self.init
        else:
            init = as_float_array(self.init, "init", ndim=2)
            if init.shape != (self.n_clusters, X.shape[1]):
                raise ValueError(f"init must have shape (n_clusters, n_features) = "
                                 f"{(self.n_clusters, X.shape[1])}, got {init.shape}")
        if isinstance(self.n_init, str):  # "auto"
            n_init = 10 if isinstance(init, str) and init == "random" else 1
        else:
            n_init = self.n_init
        if not isinstance(init, str):
            n_init = 1
        return init, n_init

    def fit(self, X, y=None):
        """Compute k-means clustering of X (n_samples, n_features); returns self."""
        validate_params(self)
        if is_dask_collection(X):
            from mmlkit.models import _dask_fit

            return _dask_fit.kmeans(self, X)
        X = validate_data(self, X, dtype=np.float64)
        init, n_init = self._check_params(X)
        # Data beyond 2^±256 are fit in exact power-of-two units: X = 2^e·X'. Every operation of the
        # fit commutes with that scaling, so the labels are those of X' and the centres come back exactly.
        e = unit_exponent(X) if isinstance(init, str) else unit_exponent(X, init)
        if e:
            X = rescale(X, e)
            init = init if isinstance(init, str) else rescale(init, e)
        labels, inertia, centers, n_iter, converged = self._best_run(X, init, n_init)
        if not converged:
            warnings.warn(f"KMeans stopped at max_iter={self.max_iter} before convergence; "
                          "increase max_iter or tol.", ConvergenceWarning, stacklevel=2)
        distinct = np.count_nonzero(np.bincount(labels, minlength=self.n_clusters))
        if distinct < self.n_clusters:
            warnings.warn(f"Number of distinct clusters ({distinct}) found smaller than "
                          f"n_clusters ({self.n_clusters}); X may hold duplicate points.",
                          ConvergenceWarning, stacklevel=2)
        self.cluster_centers_ = np.ldexp(centers, e) if e else centers
        with np.errstate(over="ignore"):     # an inertia beyond float64 is inf (see inertia_)
            self.inertia_ = float(np.ldexp(inertia, 2 * e)) if e else inertia
        self.labels_ = labels
        self.n_iter_ = n_iter
        return self

    def _best_run(self, X, init, n_init):
        """The ``n_init`` runs on X; the one of lowest inertia as (labels, inertia, centres, n_iter, converged)."""
        rng = check_random_state(self.random_state)
        # Hamerly's bounds pay once the distances of an iteration outweigh the NumPy calls.
        n, d = X.shape
        dense = (self.algorithm == "hamerly" and n <= _DENSE_MAX_ROWS
                 and n * (d + 1) * self.n_clusters <= _DENSE_MAX_WORK)
        iterate = _lloyd_dense if dense else (_hamerly if self.algorithm == "hamerly" else _lloyd)
        mean, X1, x2 = _centred_with_ones(X, order="F" if dense else "C")
        Xc = X1[:, :-1]
        tol = float(x2.sum()) / Xc.size * self.tol    # mean per-feature variance (Xc is centred)
        best = None
        # The products here are tall and skinny (n × d by d × k): BLAS threads cost more
        # in synchronisation than they gain, so run them on one thread (as scikit-learn does).
        with single_blas_thread():
            for _ in range(n_init):
                if isinstance(init, str) and init == "k-means++":
                    centers, _ = kmeans_plusplus(Xc, self.n_clusters, rng, x_squared_norms=x2)
                elif isinstance(init, str) and init == "k-means||":
                    centers = kmeans_parallel(X1, x2, self.n_clusters, rng)
                elif isinstance(init, str):
                    centers = Xc[rng.choice(Xc.shape[0], self.n_clusters, replace=False)]
                else:
                    centers = init - mean
                run = iterate(X1, x2, centers, self.max_iter, tol)
                if best is None or run[1] < best[1]:
                    best = run
        labels, inertia, centers, n_iter, converged = best
        return labels, inertia, centers + mean, n_iter, converged

    def _validated(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _squared_distances(self, X):
        """``(D, e)``: ‖x − c_j‖² = 4^e·D[i, j] for each row of X and each centre, on data centred as in ``fit``.

        The expanded formula ‖x‖² − 2 x·c + ‖c‖² cancels when the data sit far
        from the origin; distances are translation invariant, so X and the
        centres are first shifted by the centres' mean (which is the training
        data's mean up to the cluster weights). Data beyond 2^±256 are measured
        in exact power-of-two units 2^e, so no square over- or underflows.
        """
        X = self._validated(X)
        C = self.cluster_centers_
        e = unit_exponent(X, C)
        if e:
            X, C = rescale(X, e), rescale(C, e)
        shift = C.mean(axis=0)
        return squared_distances(X - shift, C - shift), e

    def predict(self, X):
        """Index of the closest centre for each row of X (n_samples, n_features)."""
        if is_dask_collection(X):
            return map_rows(self.predict, X)
        return self._squared_distances(X)[0].argmin(axis=1)

    def transform(self, X):
        """Euclidean distances (n_samples, n_clusters) from each row of X to each centre."""
        if is_dask_collection(X):
            return map_rows(self.transform, X)
        D, e = self._squared_distances(X)
        np.sqrt(D, out=D)
        if e:
            with np.errstate(over="ignore"):   # only a distance beyond float64 itself saturates
                np.ldexp(D, e, out=D)
        return D

    def fit_transform(self, X, y=None):
        """Fit, then return the distances of X to the centres."""
        return self.fit(X).transform(X)

    def score(self, X, y=None):
        """Opposite of the inertia of X against the fitted centres (higher is better);
        ``-inf`` when that inertia lies beyond float64 (as ``inertia_``)."""
        if is_dask_collection(X):
            return -float((map_rows(self.transform, X) ** 2).min(axis=1).sum().compute())
        D, e = self._squared_distances(X)
        with np.errstate(over="ignore"):
            return -float(np.ldexp(D.min(axis=1).sum(), 2 * e))


# ----------------------------------------------------------------------------- spectral


def _knn_connectivity(X, n_neighbors):
    """Sparse 0/1 matrix A with Aᵢⱼ = 1 when j is among the n_neighbors nearest rows
    to i (i itself included, as scikit-learn's ``include_self=True``; ties to the
    lower index). The neighbours come from a KD-tree for few features and from
    blocked matrix products otherwise (:func:`mmlkit.models._neighbors.kneighbors`).
    """
    from mmlkit.models._neighbors import kneighbors  # imported here: this function is its only user

    n = X.shape[0]
    cols = kneighbors(X, n_neighbors)
    indptr = np.arange(0, n * n_neighbors + 1, n_neighbors)
    return sp.csr_matrix((np.ones(n * n_neighbors), cols.ravel(), indptr), shape=(n, n))


_DENSE_EIGH_MAX = 500  # a dense affinity up to this size: LAPACK's eigh on the wanted indices


def _component_eigenvectors(graph, degree, k):
    """The eigenvalue-1 eigenvectors of D^{-1/2} W D^{-1/2} known in closed form, (n, c): one per
    connected component C of the graph (at most k, largest degree mass first), D^{1/2} 1_C normalised.
    ``graph`` None: a graph known to be connected."""
    if graph is None:
        n_comp, comp = 1, np.zeros(degree.shape[0], dtype=np.intp)
    else:
        n_comp, comp = scipy.sparse.csgraph.connected_components(graph, directed=False)
    mass = np.bincount(comp, weights=degree, minlength=n_comp)
    chosen = np.argsort(-mass, kind="stable")[:k]
    chosen = chosen[mass[chosen] > 0]
    Y = np.where(comp[:, None] == chosen[None, :], np.sqrt(degree)[:, None], 0.0)
    Y /= np.linalg.norm(Y, axis=0)
    return Y


def _top_eigenvectors(matmat, graph, degree, k, rng, krylov=False):
    """k leading eigenvectors of the normalised affinity M (seen through ``matmat``).

    A graph with c connected components has eigenvalue 1 with multiplicity c,
    whose eigenvectors are known in closed form (D^{1/2} 1_C for each component
    C): those are taken directly, largest components first, and
    Chebyshev-filtered subspace iteration looks for the rest in their
    orthogonal complement, with a few guard vectors.
    """
    n = degree.shape[0]
    Y = _component_eigenvectors(graph, degree, k)
    remaining = k - Y.shape[1]
    if remaining == 0:
        return Y
    m = min(n - Y.shape[1], remaining + _GUARDS)
    if krylov:   # a dense M: one product reads all of it, for one vector as for a block
        X = lanczos_ritz(matmat, rng.uniform(-1.0, 1.0, n), m, constraints=Y, tol=_EIGEN_TOL)
        X = np.hstack([X, rng.uniform(-1.0, 1.0, (n, m - X.shape[1]))]) if X.shape[1] < m else X
        lower = -1.0
    else:
        X = rng.uniform(-1.0, 1.0, (n, m))
        extra = min(n - Y.shape[1], m + _MORE_GUARDS) - m
        if extra > 0:   # from a generator seeded by the block: rng's stream, which seeds k-means, is unchanged
            more = np.random.default_rng(X[:4, 0].view(np.uint64)).uniform(-1.0, 1.0, (n, extra))
            X = np.hstack([X, more])
        # M's spectrum lies in [−1, 1], but a graph's rarely reaches far down: a filter on the
        # spectrum's true lower end grows faster at the wanted end.
        lower = max(-1.0, lanczos_bottom(lambda v: matmat(v[:, None])[:, 0], X[:, 0]))   # no new draw from rng
    _, V = chebyshev_top(matmat, X, remaining, lower=lower, constraints=Y, tol=_EIGEN_TOL,
                         degree=16 if krylov else _GRAPH_DEGREE)
    return np.hstack([Y, V])


_GUARDS = 4         # extra vectors: convergence then depends on the gap to the (k + 5)-th eigenvalue
_MORE_GUARDS = 2    # and 2 more for a sparse graph (k + 7-th), whose products are cheap beside the filter's steps
_GRAPH_DEGREE = 12  # filter degree for a sparse graph: fewer products than 16 on the shipped datasets
_EIGEN_TOL = 1e-6   # residual ‖Mv − θv‖ of each eigenvector (‖M‖ = 1; ARPACK's tol=1e-6 of the Ritz values before)


def spectral_embedding(affinity, n_components, rng):
    """Top eigenvectors of the normalised affinity D^{-1/2} W D^{-1/2}, rows normalised.

    These are the eigenvectors of the smallest eigenvalues of the normalised
    Laplacian L = I − D^{-1/2} W D^{-1/2} (Ng, Jordan and Weiss, 2001).
    A dense W of up to 500 rows uses LAPACK's ``eigh`` restricted to the wanted
    indices (O(n³), the textbook route); a sparse W, or a larger one,
    Chebyshev-filtered subspace iteration on M, whose spectrum lies in [−1, 1]
    (:func:`mmlkit.models._subspace.chebyshev_top`, O(nnz · k) per product,
    nnz = n² for a dense W), where a sparse W's columns are scaled once, into
    W D^{-1/2} sharing W's index arrays, and M V = D^{-1/2} ((W D^{-1/2}) V).
    """
    n = affinity.shape[0]
    degree = np.asarray(affinity.sum(axis=1)).ravel()
    d_isqrt = np.where(degree > 0, 1.0 / np.sqrt(np.where(degree > 0, degree, 1.0)), 0.0)
    sparse = sp.issparse(affinity)
    if n_components >= n - 1 or n <= (4 * (n_components + _GUARDS) if sparse else _DENSE_EIGH_MAX):
        W = affinity.toarray() if sparse else affinity
        M = d_isqrt[:, None] * W * d_isqrt[None, :]
        _, V = scipy.linalg.eigh(M, subset_by_index=[n - n_components, n - 1], check_finite=False)
    elif sparse:
        W = affinity.tocsr()          # no copy for a CSR graph
        data = d_isqrt[W.indices]
        data *= W.data
        WD = sp.csr_matrix((data, W.indices, W.indptr), shape=W.shape)   # W D^{-1/2}: W's structure, shared
        scale = d_isqrt[:, None]

        def matmat(B):
            out = WD @ B
            out *= scale
            return out

        V = _top_eigenvectors(matmat, W, degree, n_components, rng)
    else:
        M = d_isqrt[:, None] * affinity * d_isqrt[None, :]
        graph = sp.csr_matrix(M) if (M == 0).any() else None   # no zero: one component
        V = _top_eigenvectors(M.__matmul__, graph, degree, n_components, rng, krylov=True)
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    return V / np.where(norms > 0, norms, 1.0)


def _rbf_affinity(X, gamma):
    """Wᵢⱼ = exp(−γ ‖xᵢ − xⱼ‖²) at any scale of X, or a ValueError when W cannot see the data.

    Data beyond 2^±256 are measured in power-of-two units X = 2^e·X' (γ·‖·‖² is then
    γ·4^e·‖x' − y'‖², with the product formed once γ·4^e is known: an overflow gives
    exp(−∞) = 0, the rounding of the true value). When every affinity between
    distinct points rounds to 0 (γ too large for the data's scale: no edges) or
    every one to 1 (γ too small: a complete graph of equal weights), the spectral
    embedding is an arbitrary basis of a degenerate eigenspace, so the labels
    would say nothing about the data: that is an error naming ``gamma``.
    """
    e = unit_exponent(X)
    W = squared_distances(rescale(X, e) if e else X)
    top = float(W.max())
    with np.errstate(over="ignore", under="ignore"):
        g = float(np.ldexp(gamma, 2 * e))           # γ in the units of W (exact unless beyond float64)
        if np.isinf(g):
            W = (W == 0).astype(np.float64)           # only coincident points keep an affinity
        else:
            np.multiply(W, -g, out=W)
            np.exp(W, out=W)
    n = W.shape[0]
    if top > 0 and np.count_nonzero(W) == n:
        raise ValueError(f"gamma={gamma!r} is too large for the data's scale: the rbf affinity "
                         "exp(-gamma*|x-y|^2) is 0 between every pair of distinct points, so the graph "
                         "has no edges. gamma is in units of 1/|X|^2: use about 1/(typical squared "
                         "distance), or affinity='nearest_neighbors', which does not depend on scale.")
    if top > 0 and bool((W == 1.0).all()):
        raise ValueError(f"gamma={gamma!r} is too small for the data's scale: the rbf affinity "
                         "exp(-gamma*|x-y|^2) rounds to 1 between every pair of points, so the graph "
                         "cannot tell them apart. gamma is in units of 1/|X|^2: use about 1/(typical "
                         "squared distance), or affinity='nearest_neighbors', which does not depend on scale.")
    return W


@dask_unsupported
class SpectralClustering(ClusterMixin, BaseEstimator):
    """Spectral clustering: k-means on the leading eigenvectors of the normalised Laplacian.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters k.
    affinity : {"rbf", "nearest_neighbors", "precomputed"}, default="rbf"
        How the similarity graph W is built: Wᵢⱼ = exp(−γ ‖xᵢ − xⱼ‖²); the
        symmetrised k-nearest-neighbour graph ½(A + Aᵀ); or X itself is the
        (n_samples, n_samples) affinity matrix.
    gamma : float, default=1.0
        Kernel coefficient γ of the rbf affinity, in units of 1/X² (data scaled
        by s need γ/s² for the same graph). The affinity is computed right at
        any scale of X; a γ for which it is 0 between every pair of distinct
        points, or 1 between all of them (X×1e300 or ×1e-300 with γ = 1), is a
        ``ValueError``: the graph would carry no information about the data.
    n_neighbors : int, default=10
        Neighbours per point of the nearest-neighbour graph (the point itself included).
    n_components : int or None, default=None
        Number of eigenvectors used; ``n_clusters`` when None.
    assign_labels : {"kmeans"}, default="kmeans"
        How the embedded points are clustered (mmlkit's :class:`KMeans`).
    n_init : int, default=10
        Seedings of the final k-means.
    random_state : int, numpy.random.Generator or None, default=None
        Seed for the eigensolver start vector and k-means.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
    affinity_matrix_ : ndarray or sparse matrix of shape (n_samples, n_samples)
    embedding_ : ndarray of shape (n_samples, n_components)
        The row-normalised spectral embedding that k-means clustered.
    n_features_in_ : int

    Notes
    -----
    Spectral clustering relaxes the normalised cut
    Ncut(A₁..A_k) = Σ_j cut(A_j, Ā_j) / vol(A_j): with degrees D = diag(W 1),
    the relaxed problem is solved by the eigenvectors of the k smallest
    eigenvalues of the normalised Laplacian

        L = I − D^{-1/2} W D^{-1/2}.

    Following Ng, Jordan and Weiss, the n × k eigenvector matrix has its rows
    scaled to unit length and those rows are clustered with k-means.

    Cost: building the rbf W is O(n² d), the nearest-neighbour graph (kept
    sparse, as ``affinity_matrix_``) O(n log n · d) by a KD-tree for few
    features and O(n² d) by blocked matrix products otherwise; the
    eigenproblem is O(n³) for a dense W (LAPACK ``eigh`` on the wanted
    indices, n ≤ 500) or O(nnz · k · products) by Chebyshev-filtered subspace
    iteration (the graph, and a larger dense W; nnz = n² for rbf,
    ≈ n · n_neighbors for the graph), which only multiplies W with a block of
    k + 4 vectors (k + 6 for the graph, its filter set on the spectrum's lower
    end as a few Lanczos steps estimate it); a disconnected graph's eigenvalue-1 eigenvectors (one
    indicator per connected component) are written down exactly rather than
    searched for.
    k-means on the embedding costs O(n k² · iterations).

    Examples
    --------
    >>> from mmlkit.datasets import make_moons
    >>> from mmlkit.models import SpectralClustering
    >>> X, y = make_moons(200, noise=0.05, random_state=0)
    >>> sc = SpectralClustering(2, affinity="nearest_neighbors", random_state=0).fit(X)
    >>> sc.labels_.shape
    (200,)
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None)],
        "affinity": [Options(("rbf", "nearest_neighbors", "precomputed"))],
        "gamma": [Interval(Real, 0, None, closed="neither")],
        "n_neighbors": [Interval(Integral, 1, None)],
        "n_components": [None, Interval(Integral, 1, None)],
        "assign_labels": [Options(("kmeans",))],
        "n_init": [Interval(Integral, 1, None)],
        "random_state": ["random_state"],
    }

    def __init__(self, n_clusters=8, *, affinity="rbf", gamma=1.0, n_neighbors=10, n_components=None,
                 assign_labels="kmeans", n_init=10, random_state=None):
        self.n_clusters = n_clusters
        self.affinity = affinity
        self.gamma = gamma
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.assign_labels = assign_labels
        self.n_init = n_init
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.affinity == "precomputed"
        return tags

    def fit(self, X, y=None):
        """Cluster X (n_samples, n_features), or an affinity matrix when precomputed; returns self."""
        validate_params(self)
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        n = X.shape[0]
        if n < self.n_clusters:
            raise ValueError(f"n_samples={n} should be >= n_clusters={self.n_clusters}.")
        n_components = self.n_clusters if self.n_components is None else self.n_components
        if n_components > n:
            raise ValueError(f"n_components must be <= n_samples={n}, got {n_components}")
        rng = check_random_state(self.random_state)
        if self.affinity == "rbf":
            W = _rbf_affinity(X, self.gamma)
        elif self.affinity == "nearest_neighbors":
            A = _knn_connectivity(X, min(self.n_neighbors, n))
            W = A + A.T
            del A
            W.data *= 0.5      # ½(A + Aᵀ), without a third copy
        else:
            if X.shape[0] != X.shape[1]:
                raise ValueError(f"X must be a square affinity matrix when affinity='precomputed', "
                                 f"got shape {X.shape}")
            if (X < 0).any():
                raise ValueError("X must hold non-negative affinities when affinity='precomputed'")
            W = 0.5 * (X + X.T)
        self.affinity_matrix_ = W
        # The eigensolver's products with W are memory bound and its small dense eigenproblems
        # are quick: BLAS/LAPACK threads only add synchronisation.
        with single_blas_thread():
            self.embedding_ = spectral_embedding(W, n_components, rng)
        km = KMeans(self.n_clusters, n_init=self.n_init, random_state=rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # duplicate embedded rows are harmless
            self.labels_ = km.fit(self.embedding_).labels_
        return self
