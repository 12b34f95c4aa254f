"""Exact k-nearest neighbours of every row of X among the rows of X: a KD-tree and brute force.

Both answer the same question with the same arithmetic, so they return the same
neighbours, bit for bit:

- the distance key of a pair is ‖xᵢ − xⱼ‖² summed feature by feature in feature
  order (elementwise operations, so the rounding does not depend on how the
  pairs are grouped into blocks);
- each point is its own first neighbour (scikit-learn's ``include_self=True``),
  even when duplicates of it exist;
- ties go to the lower row index.
"""

from __future__ import annotations

import numpy as np

from mmlkit._buffers import with_small_buffers
from mmlkit._scaling import rescale, unit_exponent
from mmlkit._threads import map_blocks, row_blocks
from mmlkit.models._init import single_blas_thread

__all__ = ["kneighbors", "kneighbors_brute", "kneighbors_kd_tree"]

_LEAF_SIZE = 48
_TREE_MAX_DIM = 16     # above this many features boxes barely prune: brute force by matrix products
_MIN_WORK = 2**20     # keys ranked per thread, at least, in the matrix-product search
_BRUTE_BLOCK = 2**18  # entries of one (rows × n) key block in the brute-force search
_TREE_BLOCK = 1024     # entries of a KD-tree query chunk's (rows × candidates) key block: this many, or 2n if more
_GEMM_BLOCK = 2**14   # entries of the matrix-product search's key blocks (all threads): this, or ½ of X's if more
_SLACK = 1.0 + 1e-9   # box bounds compared with computed keys: room for the keys' rounding (≪ 1e-9)


def _rescaled(X):
    """X times a power of two bringing its largest magnitude near 1.

    Multiplying by 2ᵉ is exact (outside the subnormal range), so every key is
    scaled by exactly 4ᵉ and the ranking is unchanged — while keys of data near
    1e±300 neither overflow nor underflow.
    """
    top = float(np.max(np.abs(X))) if X.size else 0.0
    if top == 0.0 or not np.isfinite(top):
        return np.array(X, dtype=np.float64)
    return np.ldexp(X, -np.frexp(top)[1])


def _keys(Q, C):
    """(len(Q), len(C)) squared distances, Σ_f (q_f − c_f)², accumulated in feature order."""
    K = np.subtract.outer(Q[:, 0], C[:, 0])
    K *= K
    for f in range(1, Q.shape[1]):
        t = np.subtract.outer(Q[:, f], C[:, f])
        t *= t
        K += t
    return K


def _select(K, k, ids):
    """For each row of keys K (rows, m), the ids (rows, k) of its k smallest keys, in
    increasing (key, id) order: ties go to the lower id. ``ids``: (m,), the same for
    every row, or (rows, m).

    A partition finds each row's k-th key and every key up to it is taken; only
    rows where the k-th key is tied (more than k keys up to it, rare) sort their
    candidates by (key, id). O(m) per row, plus O(k log k).
    """
    rows, m = K.shape
    if k < m:
        kth = np.partition(K, k - 1, axis=1)[:, k - 1:k]
        take = K <= kth
        tied = np.flatnonzero(np.count_nonzero(take, axis=1) != k)
        for i in tied:
            c = np.flatnonzero(take[i])
            c = c[np.lexsort(((ids if ids.ndim == 1 else ids[i])[c], K[i, c]))[:k]]
            take[i] = False
            take[i, c] = True
        cols = np.nonzero(take)[1].reshape(rows, k)
    else:
        cols = np.broadcast_to(np.arange(m), K.shape)
    out = ids[cols] if ids.ndim == 1 else np.take_along_axis(ids, cols, axis=1)
    order = np.lexsort((out, np.take_along_axis(K, cols, axis=1)), axis=1)
    return np.take_along_axis(out, order, axis=1)


def _select_bounded(K, k, ids):
    """:func:`_select` on a wide block of keys K (rows, n), after discarding what cannot be among
    the k smallest: the k-th smallest key of every s-th column bounds each row's k-th key from
    above, so only the keys up to that bound (ties included) are gathered, into a (rows, c)
    block padded with +inf, and ranked there. Same result as ``_select(K, k, ids)``; the
    full-width work is one comparison and one scan instead of a partition.
    """
    rows, n = K.shape
    stride = max(4, n // max(8 * k, 256))           # a subset of 256 columns or so, every 4th at least
    if n < stride * max(8 * k, 128):                 # too few columns for a useful bound
        return _select(K, k, ids)
    bound = np.partition(K[:, ::stride], k - 1, axis=1)[:, k - 1:k]
    keep = K <= bound
    counts = np.count_nonzero(keep, axis=1)
    width = int(counts.max())
    if 4 * width > n:
        return _select(K, k, ids)
    flat = np.flatnonzero(keep)                     # row-major: grouped by row, ids increasing
    r = flat // n
    c = flat - r * n
    pos = np.arange(r.size) - np.repeat(np.cumsum(counts) - counts, counts)
    Kc = np.full((rows, width), np.inf)
    Kc[r, pos] = K[r, c]
    Ic = np.full((rows, width), n, dtype=np.intp)   # padding: +inf keys, never among the k
    Ic[r, pos] = ids[c]
    return _select(Kc, k, Ic)


def kneighbors_brute(X, k):
    """Indices (n, k) of the k nearest rows of X to each row (itself first), by comparing all pairs.

    The textbook method: for each row, the key to every row, a stable sort, the
    first k. Cost O(n² d) time, O(block · n) memory.
    """
    X = _rescaled(X)
    n = X.shape[0]
    out = np.empty((n, k), dtype=np.intp)
    rows = max(1, _BRUTE_BLOCK // max(n, 1))
    ids = np.arange(n)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        K = _keys(X[start:stop], X)
        K[np.arange(stop - start), np.arange(start, stop)] = -1.0   # itself first, whatever its duplicates
        out[start:stop] = _select(K, k, ids)
    return out


def _build(X, leaf_size):
    """KD-tree leaves: a permutation of the rows and the [start, stop) range of each leaf.

    Each node splits its points at the median of its widest coordinate; one Python
    step per node, O(n / leaf_size) nodes, O(n log n) work in all.
    """
    perm = np.arange(X.shape[0])
    stack, leaves = [(0, X.shape[0])], []
    while stack:
        start, stop = stack.pop()
        if stop - start <= leaf_size:
            leaves.append((start, stop))
            continue
        idx = perm[start:stop]
        P = X[idx]
        dim = int(np.argmax(P.max(axis=0) - P.min(axis=0)))
        half = (stop - start) // 2
        perm[start:stop] = idx[np.argpartition(P[:, dim], half)]
        stack += [(start + half, stop), (start, start + half)]
    leaves.sort()
    return perm, np.asarray(leaves, dtype=np.intp).reshape(-1, 2)


def kneighbors_kd_tree(X, k, leaf_size=_LEAF_SIZE):
    """Indices (n, k) of the k nearest rows of X to each row (itself first), with a KD-tree.

    The points of one leaf are queried together, in chunks of rows small enough
    that a chunk's keys hold about max(:data:`_TREE_BLOCK`, 2n) entries (memory
    in proportion to the output's). A first block of
    keys to the leaves nearest by bounding box (enough of them to hold k points)
    bounds every query's k-th key by r; only leaves whose box lies within √r of
    the query leaf's box are then looked at. Equal to :func:`kneighbors_brute`.
    """
    return with_small_buffers(0, _kd_tree, X, k, leaf_size)   # the key blocks are small


def _kd_tree(X, k, leaf_size):
    X = _rescaled(X)
    n = X.shape[0]
    perm, leaves = _build(X, leaf_size)
    Xp = X[perm]
    del X           # the rescaled copy: Xp holds the same rows
    sizes = leaves[:, 1] - leaves[:, 0]
    lo = np.array([Xp[a:b].min(axis=0) for a, b in leaves])
    hi = np.array([Xp[a:b].max(axis=0) for a, b in leaves])
    out = np.empty((n, k), dtype=np.intp)
    for (a, b), blo, bhi in zip(leaves, lo, hi):
        gap = np.maximum(0.0, np.maximum(lo - bhi, blo - hi))
        box = np.einsum("ij,ij->i", gap, gap)                  # min key between this leaf's box and each box
        near = np.argsort(box, kind="stable")
        first = near[:np.searchsorted(np.cumsum(sizes[near]), k) + 1]
        cand = np.concatenate([np.arange(*leaves[m]) for m in first])
        C = Xp[cand]
        rows = max(1, max(_TREE_BLOCK, 2 * n) // len(cand))
        for start in range(a, b, rows):
            stop = min(b, start + rows)
            out[perm[start:stop]] = _query_chunk(Xp, start, stop, a, k, C, cand, box, first, leaves, perm)
    return out


def _query_chunk(Xp, start, stop, a, k, C, cand, box, first, leaves, perm):
    """The k nearest (original row ids) of the rows start:stop of Xp, in the leaf starting at row a:
    keys to the candidates C (rows ``cand`` of Xp), then to every leaf the bound admits."""
    Q = Xp[start:stop]
    K = _keys(Q, C)
    r = float(np.partition(K, k - 1, axis=1)[:, k - 1].max())   # every query's k-th key is at most r
    more = box <= r * _SLACK
    more[first] = False
    ids = cand
    if more.any():
        extra = np.concatenate([np.arange(*leaves[m]) for m in np.flatnonzero(more)])
        ids = np.concatenate((cand, extra))
        K = np.hstack((K, _keys(Q, Xp[extra])))
    i = np.arange(stop - start)
    own = np.flatnonzero(ids == a)[0] + start - a           # the leaf's own rows lie together in ids
    K[i, own + i] = -1.0                                   # itself first, whatever its duplicates
    return _select(K, k, perm[ids])


def _kneighbors_gemm(X, k):
    """Brute force with keys ‖xⱼ‖² − 2 xᵢ·xⱼ (‖xᵢ‖² is common to the row): one matrix
    product per row block, blocks spread over threads (BLAS itself on one thread
    inside them). For many features, where it is the fast method; its keys round
    differently from :func:`_keys`, so near-ties may resolve differently from the
    two exact methods (not on data whose products are exact, such as small integers).

    Ordinary data are used as given (no copy); data beyond 2^±256 in exact
    power-of-two units, so no key over- or underflows. The threads' (rows × n)
    key blocks hold max(:data:`_GEMM_BLOCK`, ½ X.size) entries together: less
    memory than X itself, and rows enough for an efficient matrix product. Each
    block is ranked by :func:`_select_bounded`.
    """
    e = unit_exponent(X)
    X = rescale(X, e) if e else X
    n = X.shape[0]
    x2 = np.einsum("ij,ij->i", X, X)
    spans = row_blocks(n, work=n * n, min_work=_MIN_WORK)
    block = max(1, min(n, max(_GEMM_BLOCK, X.size // 2) // (n * len(spans))))
    out = np.empty((n, k), dtype=np.intp)
    ids = np.arange(n)

    def rank(rows):
        for start in range(rows.start, rows.stop, block):
            stop = min(rows.stop, start + block)
            G = (-2.0 * X[start:stop]) @ X.T   # exact: the same keys as X @ (−2 Xᵀ)
            G += x2
            G[np.arange(stop - start), np.arange(start, stop)] = -np.inf   # itself first
            out[start:stop] = _select_bounded(G, k, ids)

    with single_blas_thread():
        map_blocks(rank, spans)
    return out


def kneighbors(X, k, algorithm="auto"):
    """Indices (n, k) of the k nearest rows of X (n, d) to each row, the row itself first.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Finite points, one per row.
    k : int
        Neighbours per point, itself included; 1 <= k <= n.
    algorithm : {"auto", "kd_tree", "brute"}, default="auto"
        "kd_tree" and "brute" give identical results (squared Euclidean
        distances summed feature by feature, ties to the lower index); "auto"
        takes the tree when d <= 16 and, above, brute force by matrix products
        (BLAS), whose rounding may settle near-ties otherwise.

    Returns
    -------
    ndarray of shape (n, k)
        Row i lists its neighbours by increasing distance, i first.

    Notes
    -----
    Brute force costs O(n² d). The KD-tree splits at the median of the widest
    coordinate down to leaves of at most 48 points and queries the points of a
    leaf together, in chunks whose keys hold max(1024, 2n) entries; for low d
    its cost is about O(n log n + n · c · d) with c the few hundred candidates
    left by the box bounds, its memory O(n (d + k)) beside the input. The
    matrix-product search holds key blocks of max(2¹⁴, ½ n d) entries (all
    threads together) and uses X as given (ordinary scales: no copy).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [3.0], [4.0]])
    >>> kneighbors(X, 2).tolist()
    [[0, 1], [1, 0], [2, 3], [3, 2]]
    """
    if algorithm == "kd_tree":
        return kneighbors_kd_tree(X, k)
    if algorithm == "brute":
        return kneighbors_brute(X, k)
    if X.shape[1] > _TREE_MAX_DIM:
        return _kneighbors_gemm(X, k)
    return kneighbors_kd_tree(X, k) if X.shape[0] > 2 * _LEAF_SIZE else kneighbors_brute(X, k)
