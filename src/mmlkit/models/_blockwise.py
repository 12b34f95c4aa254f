"""Sufficient statistics per row block, and the merges that make them exact for the union.

Each ``*_stats`` function maps one row block to a small statistic; each
``merge_*`` function combines two statistics into that of the concatenated
blocks, associatively, so blocks can be reduced in any tree. The same pair
serves NumPy row blocks on threads (:func:`reduce_rows`) and Dask blocks on a
cluster (:func:`mmlkit._dask.reduce_blocks`).

Centred statistics are merged with Chan, Golub & LeVeque's update: for blocks
a, b with counts nₐ, n_b, means μₐ, μ_b and δ = μ_b − μₐ,

    n = nₐ + n_b,   μ = μₐ + δ·n_b/n,   M = Mₐ + M_b + δδᵀ·nₐn_b/n,

where M is the centred cross-product Σ(z − μ)(z − μ)ᵀ (or its diagonal). The
R factor of the centred data merges the same way: the centred union is the
stack of the centred blocks plus one row √(nₐn_b/n)·δᵀ, so

    R = qr_r([Rₐ; R_b; √(nₐn_b/n)·δᵀ])

— a one-pass, centred TSQR (Demmel et al. 2012) whose RᵀR is M.
"""

from __future__ import annotations

import numpy as np

from mmlkit._threads import map_blocks, row_blocks

__all__ = [
    "class_moment_stats",
    "gmm_em_stats",
    "gmm_init_stats",
    "gmm_label_stats",
    "gram_stats",
    "merge_class_moments",
    "merge_gram",
    "merge_minmax",
    "merge_nan_moments",
    "merge_r",
    "merge_sketch",
    "minmax_stats",
    "nan_moment_stats",
    "r_stats",
    "reduce_rows",
    "sketch_stats",
]


def reduce_rows(fn, arrays, merge, *, args=()):
    """``merge``-reduce ``fn(*row_blocks, *args)`` over row blocks of in-memory arrays, on threads."""
    blocks = row_blocks(arrays[0].shape[0])
    parts = map_blocks(lambda s: fn(*(a[s] for a in arrays), *args), blocks)
    out = parts[0]
    for part in parts[1:]:
        out = merge(out, part)
    return out


def _stack_xy(X, Y):
    return X if Y is None else np.hstack([X, Y.reshape(Y.shape[0], -1)])


# ------------------------------------------------------------ centred Gram / R
def gram_stats(X, Y=None, center=True):
    """(n, μ, M): count, column means and centred cross-product of Z = [X, Y]; n·p + p² numbers."""
    Z = _stack_xy(X, Y)
    mean = Z.mean(axis=0) if center and Z.shape[0] else np.zeros(Z.shape[1])
    Zc = Z - mean
    return Z.shape[0], mean, Zc.T @ Zc


def merge_gram(a, b):
    """Chan's merge of two ``gram_stats`` (the centred one: means differ; else μ = 0 and δ = 0)."""
    na, ma, Ma = a
    nb, mb, Mb = b
    n = na + nb
    if n == 0:
        return a
    delta = mb - ma
    return n, ma + delta * (nb / n), Ma + Mb + np.outer(delta, delta) * (na * nb / n)


def r_stats(X, Y=None, center=True):
    """(n, μ, R): R factor of the centred Z = [X, Y] block (QR without Q), p² numbers."""
    Z = _stack_xy(X, Y)
    mean = Z.mean(axis=0) if center and Z.shape[0] else np.zeros(Z.shape[1])
    return Z.shape[0], mean, np.linalg.qr(Z - mean, mode="r")


def merge_r(a, b):
    """The R factor of the centred union: QR of [Rₐ; R_b; √(nₐn_b/n)·δᵀ]."""
    na, ma, Ra = a
    nb, mb, Rb = b
    n = na + nb
    if na == 0 or nb == 0:
        return b if na == 0 else a
    delta = mb - ma
    rows = [Ra, Rb]
    if np.any(delta):
        rows.append(np.sqrt(na * nb / n) * delta[None, :])
    R = np.linalg.qr(np.vstack(rows), mode="r")
    return n, ma + delta * (nb / n), R


def square_r(R, p):
    """R padded with zero rows to p × p (fewer samples than columns leave it short)."""
    if R.shape[0] >= p:
        return R[:p]
    return np.vstack([R, np.zeros((p - R.shape[0], p))])


# ------------------------------------------------------------- feature moments
def nan_moment_stats(X):
    """(counts, μ, M₂) per feature over the non-NaN entries; 3d numbers."""
    observed = ~np.isnan(X)
    counts = observed.sum(axis=0).astype(np.float64)
    safe = np.maximum(counts, 1.0)
    mean = np.where(observed, X, 0.0).sum(axis=0) / safe
    resid = np.where(observed, X - mean, 0.0)
    return counts, mean, np.einsum("ij,ij->j", resid, resid)


def merge_nan_moments(a, b):
    """Chan's merge, feature by feature (each feature with its own count)."""
    na, ma, Ma = a
    nb, mb, Mb = b
    n = na + nb
    safe = np.maximum(n, 1.0)
    delta = mb - ma
    return n, ma + delta * nb / safe, Ma + Mb + delta**2 * na * nb / safe


def minmax_stats(X):
    """(n, min, max) per feature ignoring NaN (±inf where a feature is all NaN); 2d + 1 numbers."""
    with np.errstate(invalid="ignore"):
        low = np.fmin.reduce(X, axis=0, initial=np.inf)
        high = np.fmax.reduce(X, axis=0, initial=-np.inf)
    return X.shape[0], low, high


def merge_minmax(a, b):
    return a[0] + b[0], np.fmin(a[1], b[1]), np.fmax(a[2], b[2])


# ------------------------------------------------------------- class moments
def class_moment_stats(X, y):
    """{label: (n, μ, M₂)} per class present in the block; K(2d + 1) numbers."""
    labels, index = np.unique(y, return_inverse=True)
    out = {}
    for k, label in enumerate(labels):
        rows = X[index == k]
        mean = rows.mean(axis=0)
        resid = rows - mean
        out[label.item() if hasattr(label, "item") else label] = (rows.shape[0], mean,
                                                                   np.einsum("ij,ij->j", resid, resid))
    return out


def merge_class_moments(a, b):
    out = dict(a)
    for label, stat in b.items():
        if label in out:
            na, ma, Ma = out[label]
            nb, mb, Mb = stat
            n = na + nb
            delta = mb - ma
            out[label] = (n, ma + delta * (nb / n), Ma + Mb + delta**2 * (na * nb / n))
        else:
            out[label] = stat
    return out


# ------------------------------------------------------------- randomized range
def sketch_stats(X, mean, M):
    """For Y = (X − μ)M: (R factor of Y, (X − μ)ᵀY); size² + d·size numbers."""
    Xc = X - mean
    Y = Xc @ M
    return np.linalg.qr(Y, mode="r"), Xc.T @ Y


def merge_sketch(a, b):
    return np.linalg.qr(np.vstack([a[0], b[0]]), mode="r"), a[1] + b[1]


# ---------------------------------------------------------------------- k-means
# KMeans' own kernels (``mmlkit.models.cluster``: the assignment ``_assign`` and the
# cluster sums ``_cluster_sums``) on one block, which is walked in cache-sized row
# chunks: each chunk is centred into one reused buffer ``[x − shift, 1]`` (the rows
# of KMeans.fit's working array X1, the same numbers), so a pass reads the block once
# and never writes a centred copy of it. On a Dask block they run on the calling
# thread (the worker's); in memory the caller splits the rows over threads.
_CHUNK_ELEMENTS = 2**18   # a chunk's buffer [x − shift, 1]: 2 MiB


def _centred_chunks(X, shift, norms=True):
    """``(rows, X1, x2)`` for consecutive row chunks of X: ``X1 = [X[rows] − shift, 1]`` (one buffer,
    overwritten by the next chunk) and ``x2 = ‖X[rows] − shift‖²`` (None if not ``norms``), as
    KMeans.fit computes them."""
    n, d = X.shape
    step = max(256, _CHUNK_ELEMENTS // (d + 1))
    buffer = np.empty((min(step, n), d + 1))
    buffer[:, -1] = 1.0
    for start in range(0, n, step):
        stop = min(n, start + step)
        X1 = buffer[: stop - start]
        Xc = np.subtract(X[start:stop], shift, out=X1[:, :-1])
        yield slice(start, stop), X1, (np.einsum("ij,ij->i", Xc, Xc) if norms else None)


def _with_ones(X, shift):
    """``X1 = [X − shift, 1]`` and ``x2 = ‖X − shift‖²`` row by row, as KMeans.fit builds them."""
    n, d = X.shape
    X1 = np.empty((n, d + 1))
    Xc = np.subtract(X, shift, out=X1[:, :-1])
    X1[:, -1] = 1.0
    return X1, np.einsum("ij,ij->i", Xc, Xc)


def _assign_here(X1, centers):
    """KMeans' assignment step on the calling thread: labels and ‖c‖² − 2 x·c of the nearest centre."""
    from mmlkit._threads import limit
    from mmlkit.models.cluster import _assign

    with limit(1):
        return _assign(X1, centers)


def kmeans_labels(X, mean, centers):
    """Labels of a block against centred ``centers`` (KMeans.labels_ on Dask, lazily)."""
    labels = np.empty(X.shape[0], dtype=np.intp)
    for rows, X1, _ in _centred_chunks(X, mean):
        labels[rows] = _assign_here(X1, centers)[0]
    return labels


def _assigned(X, mean, centers):
    """Per row of a block: label, squared distance to its centre (as KMeans.fit: ``max(partial + x2, 0)``),
    to the runner-up centre (``inf`` for k = 1) and ‖x − mean‖²; with the per-cluster
    ``[Σ (x − mean), count]`` of the block. The labels and distances are KMeans' ``_assign``'s, to the
    bit (the same products over the same rows)."""
    from mmlkit.models.cluster import _BLOCK_ELEMENTS, _argmin_columns, _augmented, _cluster_sums

    n, k = X.shape[0], centers.shape[0]
    C1 = _augmented(centers)
    step = max(256, _BLOCK_ELEMENTS // k)
    labels, dist, second, x2 = np.empty(n, dtype=np.intp), np.empty(n), np.full(n, np.inf), np.empty(n)
    S = np.zeros((k, X.shape[1] + 1))
    for rows, X1, x2_rows in _centred_chunks(X, mean):
        for start in range(0, X1.shape[0], step):
            part = slice(start, min(start + step, X1.shape[0]))
            at = slice(rows.start + part.start, rows.start + part.stop)
            GT = C1 @ X1[part].T
            labels[at], partial = _argmin_columns(GT)
            np.maximum(partial + x2_rows[part], 0.0, out=dist[at])
            if k > 1:
                GT[labels[at], np.arange(GT.shape[1])] = np.inf      # hide the nearest: the runner-up
                np.maximum(GT.min(axis=0) + x2_rows[part], 0.0, out=second[at])
        x2[rows] = x2_rows
        S += _cluster_sums(X1, labels[rows], k)
    return labels, dist, second, x2, S


# The rows of a block nearest to a tie between two centres, sent with each Lloyd pass, and how
# much a computed D² may be off: 2(d + 3)·eps·(‖x‖² + ‖c‖²) bounds the rounding of the expanded
# formula ‖c‖² − 2x·c + ‖x‖² (a dot product of d + 1 terms plus two norms); 4× that is used.
NEAR_TIE_ROWS = 256


def _near_ties(X, mean, centers, labels, dist, second, x2, offset):
    """Per-cluster Σ D², max ‖x − mean‖², and the block's ``NEAR_TIE_ROWS`` rows of smallest gap
    g = ‖x − c₂‖ − ‖x − c₁‖ between their nearest two centres (a lower bound, net of rounding),
    with g of the next row: every row not sent has a larger gap (``inf``: all rows sent)."""
    n, d = X.shape
    k = centers.shape[0]
    sse = np.bincount(labels, weights=dist, minlength=k)
    err = 8.0 * (d + 3) * np.finfo(np.float64).eps * (x2 + float(np.einsum("ij,ij->i", centers, centers).max()))
    gap = np.sqrt(np.maximum(second - err, 0.0))
    gap -= np.sqrt(dist + err)
    if NEAR_TIE_ROWS < n:
        rows, above = _smallest(gap, NEAR_TIE_ROWS)
    else:
        rows, above = np.arange(n), np.inf
    return sse, float(x2.max()), gap[rows], rows + offset, X[rows] - mean, labels[rows], above


def _smallest(v, m):
    """Indices of ``m`` smallest entries of ``v`` (m < v.size), in no order, and the next smallest value
    (every other entry is at least that). Partitions a cheap superset first: the entries below a
    quantile of every 16th entry, the whole of ``v`` only if that superset is too small."""
    sub = v[::16]
    step = min(sub.size - 1, 4 * (m // 16) + 8)
    cut = np.partition(sub, step)[step]
    pool = np.flatnonzero(v <= cut)
    if pool.size <= m:
        pool = np.arange(v.size)
    part = np.argpartition(v[pool], m)
    return pool[part[:m]], float(v[pool[part[m]]])


def lloyd_stats(X, mean, centers, offset=0):
    """One Lloyd step on a block: per-cluster [Σx, count] (k(d + 1) numbers), Σ D² (the inertia),
    the block's k points farthest from their centres, for re-seeding an empty cluster
    (D², row index, [x, 1], label: k(d + 4) numbers), and what lets the client end the fit without
    a further pass (:func:`_near_ties`: k + 2 + ``NEAR_TIE_ROWS``·(d + 3) numbers). ``offset`` is
    the block's first row."""
    from mmlkit.models.cluster import _farthest, _own_sq_dist

    k = centers.shape[0]
    labels, dist, second, x2, S = _assigned(X, mean, centers)
    # The in-memory fit ranks the points by _own_sq_dist; those distances agree with
    # `dist` to rounding, so its k farthest are among the 2k farthest by `dist`.
    m = min(2 * k, dist.size)
    pool = np.flatnonzero(dist >= dist[_smallest(-dist, m)[0]].min()) if m < dist.size else np.arange(m)
    near_top = pool[_farthest(dist[pool], m)]     # the m farthest (ties included in the pool, in row order)
    X1, _ = _with_ones(X[near_top], mean)
    own = _own_sq_dist(X1, x2[near_top], centers, labels[near_top])
    top = _farthest(own, k)
    far = near_top[top]
    return (S, float(dist.sum()), (own[top], far + offset, X1[top], labels[far]),
            _near_ties(X, mean, centers, labels, dist, second, x2, offset))


def inertia_stats(X, mean, centers):
    """Σ D² of a block against centred ``centers``, as :func:`lloyd_stats` sums it (the last pass of a fit)."""
    dist = np.empty(X.shape[0])
    for rows, X1, x2 in _centred_chunks(X, mean):
        np.maximum(_assign_here(X1, centers)[1] + x2, 0.0, out=dist[rows])
    return float(dist.sum())


def merge_lloyd(a, b):
    """Sums add; the k farthest of the union, farthest first, ties to the lower row index; the
    ``NEAR_TIE_ROWS`` rows of smallest gap of the union (ties to the lower row index)."""
    k = a[0].shape[0]
    dist, index, rows, labels = (np.concatenate([x, y]) for x, y in zip(a[2], b[2]))
    top = np.lexsort((index, -dist))[:k]
    return a[0] + b[0], a[1] + b[1], (dist[top], index[top], rows[top], labels[top]), _merge_near(a[3], b[3])


def _merge_near(a, b):
    gap, index, rows, labels = (np.concatenate([x, y]) for x, y in zip(a[2:6], b[2:6]))
    above = min(a[6], b[6])
    if gap.size > NEAR_TIE_ROWS:
        order = np.lexsort((index, gap))
        above = min(above, float(gap[order[NEAR_TIE_ROWS]]))
        keep = order[:NEAR_TIE_ROWS]
        gap, index, rows, labels = gap[keep], index[keep], rows[keep], labels[keep]
    return a[0] + b[0], max(a[1], b[1]), gap, index, rows, labels, above


def nearest_candidate(X, shift, first, batches, state=None, sums=None):
    """Each row's squared distance D² to the nearest k-means|| candidate so far, and that candidate.

    The candidates are the row ``first`` (number 0, in X's own coordinates) and
    the ``batches`` of later rounds (in coordinates X − ``shift``, numbered on
    from 1 in order). ``state = (m, D², index, ‖x − shift‖²)`` holds the answer
    for ``first`` and the first m batches (the previous round's, kept where the
    rows are): only the newer batches are measured, (batch, chunk) products of
    ‖c‖² − 2 x·c, and a row moves to a new candidate only when strictly nearer,
    so ties go to the lowest number. Without a state every batch is measured in
    the same order with the same products: the same numbers. Returns the new state.
    ``sums`` (an (m, d + 1) array, m candidates in all) has each candidate's
    ``[Σ (x − shift), count]`` over its nearest rows added to it, in the same walk.
    """
    from mmlkit.models.cluster import _argmin_columns, _augmented, _cluster_sums

    n = X.shape[0]
    if state is None:
        D2, index, x2 = np.empty(n), np.zeros(n, dtype=np.intp), None
        for rows, _, dist in _centred_chunks(X, first):
            D2[rows] = dist
        done = 0
    else:
        done, D2, index, x2 = state[0], state[1].copy(), state[2].copy(), state[3]
    todo = [(1 + sum(b.shape[0] for b in batches[:j]), _augmented(batches[j])) for j in range(done, len(batches))]
    if todo or sums is not None:
        fresh = x2 is None
        x2 = np.empty(n) if fresh else x2
        for rows, X1, x2_rows in _centred_chunks(X, shift, norms=fresh):
            if fresh:
                x2[rows] = x2_rows
            best, label = D2[rows], index[rows]
            for number, C1 in todo:
                GT = C1 @ X1.T
                dist = GT.min(axis=0)
                dist += x2[rows]
                np.maximum(dist, 0.0, out=dist)
                nearer = np.flatnonzero(dist < best)
                if 4 * nearer.size < dist.size:   # few rows move: their argmin alone (ties to the lowest)
                    nearest = GT[:, nearer].argmin(axis=0)
                else:
                    nearest = _argmin_columns(GT)[0][nearer]
                best[nearer] = dist[nearer]
                label[nearer] = nearest + number
            if sums is not None:
                sums += _cluster_sums(X1, label, sums.shape[0])
    return len(batches), D2, index, x2


def kmeans_parallel_stats(X, shift, first, batches, oversampling, where, state=None):
    """One k-means|| round over a block: (ψ_b = Σ D² of its rows, the rows that may be sampled:
    keys, rows of X, row numbers; about ℓ(d + 2) numbers), and the new :func:`nearest_candidate` state.

    A row is sampled with probability min(1, ℓD²/ψ) (ψ the cost over all blocks).
    With u ~ U(0, 1) that is D²/u > ψ/ℓ, and since ψ ≥ ψ_b only the rows with
    D²/u > ψ_b/ℓ can qualify: about ℓ of them per block. The merge knows ψ and
    keeps those above ψ/ℓ. ``where`` = (the block's random seed, its first row).
    """
    seed, offset = where
    state = nearest_candidate(X, shift, first, batches, state)
    D2 = state[1]
    psi = float(D2.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        keys = D2 / np.random.default_rng(seed).uniform(size=D2.shape[0])
    keep = np.flatnonzero(keys > psi / oversampling)
    return (psi, keys[keep], X[keep], keep + offset), state


def merge_kmeans_parallel(a, b):
    return a[0] + b[0], *(np.concatenate([x, y]) for x, y in zip(a[1:], b[1:]))


def kmeans_first_stats(X, first, oversampling, where, state=None):
    """The first pass of a Dask KMeans fit seeded by k-means||: the per-feature moments
    (:func:`nan_moment_stats`, 3d numbers; X is finite) and the first round, against the row
    ``first``, from one walk over X − ``first``: with s₁ = Σ (x − first) and s₂ = Σ (x − first)²
    per feature, μ = first + s₁/n and M₂ = s₂ − s₁²/n (about a data point, so without the
    cancellation of raw moments far from the origin)."""
    n, d = X.shape
    D2, s1, s2 = np.empty(n), np.zeros(d), np.zeros(d)
    for rows, X1, x2 in _centred_chunks(X, first):
        D2[rows] = x2
        s1 += X1[:, :-1].sum(axis=0)
        s2 += np.einsum("ij,ij->j", X1[:, :-1], X1[:, :-1])
    moments = np.full(d, float(n)), first + s1 / n, np.maximum(s2 - s1 * s1 / n, 0.0)
    state = (0, D2, np.zeros(n, dtype=np.intp), None)   # what nearest_candidate(X, ·, first, []) gives
    stats, state = kmeans_parallel_stats(X, None, first, [], oversampling, where, state)
    return (moments, stats, first), state


def merge_kmeans_first(a, b):
    """Moments and round merged; ``first`` (the same in both) passed on, so that a client that
    handed the pass a reference to it (a future) gets its value back with the statistics."""
    return merge_nan_moments(a[0], b[0]), merge_kmeans_parallel(a[1], b[1]), a[2]


def take_row(block, j):
    """Row ``j`` of a block, as float64 (k-means||'s first centre, taken where the block lives)."""
    return np.array(block[j], dtype=np.float64)


def candidate_weights(X, shift, first, batches, state=None):
    """Each candidate's cell in a block, the rows nearest to it (ties to the lowest number): its
    ``[Σ (x − shift), count]``, one (m, d + 1) array for the m candidates; no state after."""
    sums = np.zeros((1 + sum(b.shape[0] for b in batches), X.shape[1] + 1))
    nearest_candidate(X, shift, first, batches, state, sums=sums)
    return sums, None


def merge_sum(a, b):
    return a + b


# ------------------------------------------------------------ logistic regression
def label_count_stats(X, y):
    """The distinct labels of a block and how many rows carry each (the pass that also checks X and y)."""
    return np.unique(y, return_counts=True)


def merge_label_counts(a, b):
    labels = np.union1d(a[0], b[0])
    counts = np.zeros(labels.size, dtype=np.int64)
    for part_labels, part_counts in (a, b):
        counts[np.searchsorted(labels, part_labels)] += part_counts
    return labels, counts


def _logistic_scores(X, theta, K):
    T = theta.reshape(K, X.shape[1] + 1)
    return X @ T[:, :-1].T + T[:, -1]


def logistic_stats(X, y_index, theta, K):
    """Σ loss and Σ gradient of the logistic (K = 1) or softmax loss over a block: K(d + 1) + 1 numbers."""
    from scipy.special import expit, logsumexp

    Z = _logistic_scores(X, theta, K)
    if K == 1:
        z, y = Z[:, 0], y_index.astype(np.float64)
        loss = float(np.sum(np.logaddexp(0.0, z) - y * z))
        R = (expit(z) - y)[:, None]
    else:
        Y = np.eye(K)[y_index]
        lse = logsumexp(Z, axis=1)
        loss = float(np.sum(lse) - np.sum(Z * Y))
        R = np.exp(Z - lse[:, None]) - Y
    grad = np.empty((K, X.shape[1] + 1))
    grad[:, :-1] = (X.T @ R).T
    grad[:, -1] = R.sum(axis=0)
    return loss, grad


def logistic_hessian_stats(X, y_index, theta, K):
    """Σ of the loss's Hessian over a block, [X 1]ᵀ diag(weights) [X 1] per class pair: (K(d + 1))² numbers."""
    from scipy.special import expit, softmax

    Xa = np.hstack([X, np.ones((X.shape[0], 1))])
    Z = _logistic_scores(X, theta, K)
    if K == 1:
        p = expit(Z[:, 0])
        return (Xa.T * (p * (1 - p))) @ Xa
    P = softmax(Z, axis=1)
    D = Xa.shape[1]
    H = np.empty((K * D, K * D))
    for k in range(K):
        for m in range(k, K):
            block = (Xa.T * (P[:, k] * ((k == m) - P[:, m]))) @ Xa
            H[k * D:(k + 1) * D, m * D:(m + 1) * D] = block
            H[m * D:(m + 1) * D, k * D:(k + 1) * D] = block.T
    return H


def merge_tuple_sum(a, b):
    return tuple(x + y for x, y in zip(a, b)) if isinstance(a, tuple) else a + b


# ------------------------------------------------------------ Gaussian mixture
def mean_stats(X):
    """(n, μ): count and column means of a block; d + 1 numbers."""
    return X.shape[0], X.mean(axis=0)


def merge_mean(a, b):
    """Chan's merge of two (n, μ)."""
    n = a[0] + b[0]
    return n, a[1] + (b[1] - a[1]) * (b[0] / n)


def _gmm_resp_stats(X, resp, shift, covariance_type, centre):
    """(Nₖ, Σ r(x − cₖ), second moments about cₖ) of a block given its responsibilities.

    full: cₖ = ``shift[k]`` (the current means) and Qₖ = Σ rᵢₖ (xᵢ − cₖ)(xᵢ − cₖ)ᵀ;
    diag, spherical: c = ``centre`` (the data mean) and Q = Σ rᵢₖ (xᵢ − c)²;
    tied: c = ``centre`` and no Q (the pooled scatter does not depend on r).
    """
    N = resp.sum(axis=0)
    if covariance_type == "full":
        k, d = shift.shape
        Sy, Q = np.empty((k, d)), np.empty((k, d, d))
        for j in range(k):
            diff = X - shift[j]
            w = resp[:, j, None] * diff
            Sy[j] = w.sum(axis=0)
            Q[j] = w.T @ diff
        return N, Sy, Q
    Xc = X - centre
    Sy = resp.T @ Xc
    if covariance_type == "tied":
        return N, Sy, 0.0
    return N, Sy, resp.T @ (Xc * Xc)


def gmm_em_stats(X, weights, means, prec_chol, centre, covariance_type):
    """One EM pass over a block: (Σ log p(xᵢ), Nₖ, Σ r(x − c), Q); E-step as in memory."""
    from mmlkit.models.mixture import _estimate_log_gaussian_prob, _logsumexp_rows

    weighted = _estimate_log_gaussian_prob(X, means, prec_chol, covariance_type) + np.log(weights)
    log_norm = _logsumexp_rows(weighted)
    resp = np.exp(weighted - log_norm[:, None])
    return (float(log_norm.sum()), *_gmm_resp_stats(X, resp, means, covariance_type, centre))


def gmm_init_stats(X, centre, n_components, covariance_type, seed):
    """The initial M-step's statistics of a block from uniform random responsibilities, normalised
    (the block's own ``seed``)."""
    resp = np.random.default_rng(seed).uniform(size=(X.shape[0], n_components))
    resp /= resp.sum(axis=1, keepdims=True)
    shift = np.broadcast_to(centre, (n_components, X.shape[1]))
    return (0.0, *_gmm_resp_stats(X, resp, shift, covariance_type, centre))


def gmm_label_stats(X, labels, centre, centers, n_components, covariance_type):
    """The initial M-step's statistics of a block from responsibilities one-hot to its KMeans
    ``labels`` (KMeans' own, computed in its units: at an extreme scale the squared distances
    of the mixture's units may underflow), about the KMeans ``centers``."""
    resp = np.zeros((X.shape[0], n_components))
    resp[np.arange(X.shape[0]), labels] = 1.0
    return (0.0, *_gmm_resp_stats(X, resp, centers, covariance_type, centre))
