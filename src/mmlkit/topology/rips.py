"""Vietoris–Rips persistent homology in dimensions 0 and 1, computed as Ripser does.

The filtration: a simplex enters at its diameter (its longest edge). Ties are
broken as in Ripser (Bauer 2021): simplices of equal diameter are ordered by
*decreasing* combinatorial (colexicographic) index, so the simplex-wise
refinement — and hence every pairing — is Ripser's.

- H0: the minimum spanning tree (vectorised Prim, O(n²)) under that order;
  each tree edge kills a component.
- H1: persistent *cohomology*: the coboundary matrix (rows triangles, columns
  edges, both in reverse filtration order) reduced over Z/2, with

  * clearing — tree edges are H0 deaths and are never columns;
  * apparent pairs — an edge e whose earliest coface t has e as its latest
    facet is paired with t without any reduction; they are found for all edges
    at once with array operations (vertices scanned top-down, each edge
    stopping at its first coface of its own diameter);
  * of the remaining columns, those whose earliest coface is no other
    column's pivot are paired at once (an unsorted minimum); the few that need
    additions are reduced in one Z/2 column of a byte per triangle (additions
    toggle bytes; the pivot is read from per-diameter counts), and each reduced
    column is kept as its summands, as Ripser keeps V, and its entries unless
    long; beyond 2²⁶ triangles, lazily merged sorted key arrays instead;
  * a threshold equal to the enclosing radius when no ``max_edge`` is given
    (the complex is a cone from there on, so nothing later changes H1).
"""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit._pairwise import euclidean_distances
from mmlkit._validation import NON_NEGATIVE, Interval, Options, as_float_array, check_symmetric, validate_args

__all__ = ["vietoris_rips"]

_METRICS = ("euclidean", "manhattan", "chebyshev")
_CHUNK = 1 << 21  # entries of an (edges × vertices) block in the apparent-pair search


def _distance_matrix(X: np.ndarray, metric: str) -> np.ndarray:
    if metric == "euclidean":
        return euclidean_distances(X)
    reduce = np.sum if metric == "manhattan" else np.max
    D = np.empty((X.shape[0], X.shape[0]))
    rows = max(1, _CHUNK // max(1, X.shape[0] * X.shape[1]))
    for start in range(0, X.shape[0], rows):
        D[start:start + rows] = reduce(np.abs(X[start:start + rows, None, :] - X[None, :, :]), axis=2)
    return D


def _edge_index(i, j):
    """Colexicographic index of the edge {i, j}, i > j: C(i, 2) + j."""
    return i * (i - 1) // 2 + j


def _triangle_index(a, b, c):
    """Colexicographic index of the triangle {a, b, c}, a > b > c: C(a, 3) + C(b, 2) + c."""
    return a * (a - 1) * (a - 2) // 6 + b * (b - 1) // 2 + c


def _h0(D: np.ndarray, rank: np.ndarray, allowed: np.ndarray):
    """Minimum spanning forest by Prim on the edge ranks; returns death values and tree edges."""
    n = D.shape[0]
    big = np.iinfo(np.int64).max
    R = np.where(allowed, rank, big)
    in_tree = np.zeros(n, dtype=bool)
    best = np.full(n, big, dtype=np.int64)
    parent = np.full(n, -1)
    deaths, tree, n_components = [], [], 0
    for _ in range(n):
        cand = np.where(in_tree, big, best)
        v = int(np.argmin(cand))
        if cand[v] == big:          # nothing reachable: a new component starts at the first free vertex
            v = int(np.argmin(in_tree))
            n_components += 1
        else:
            deaths.append(D[v, parent[v]])
            tree.append((max(v, parent[v]), min(v, parent[v])))
        in_tree[v] = True
        closer = R[v] < best
        best = np.where(closer, R[v], best)
        parent = np.where(closer, v, parent)
    return np.asarray(deaths, dtype=float), tree, n_components


def _apparent_cofaces(Rk, I, J, r):
    """For columns e = {I, J} (I > J) of diameter rank r: the largest k with max(Rk[I,k], Rk[J,k]) <= r, or -1.

    The triangle {i, j, k} has the diameter of e exactly for such k, and among
    cofaces of that diameter the one with the largest index comes first in the
    filtration; the colexicographic index of {i, j, k} grows with k.

    The vertices are scanned from the top down in blocks of growing width, and a
    column leaves the scan at its first hit: a long edge finds a vertex near both
    ends among the first few, so the O(n) scan is paid only by short edges.
    """
    n = Rk.shape[0]
    out = np.full(I.size, -1)
    todo = np.arange(I.size)
    top, width = n, 8
    while todo.size and top > 0:
        ks = np.arange(top - 1, max(top - width, 0) - 1, -1)          # k = top-1, top-2, … (descending)
        step = max(1, _CHUNK // ks.size)
        hit = np.empty(todo.size, dtype=bool)
        for s in range(0, todo.size, step):
            c = todo[s:s + step]
            i, j, rr = I[c, None], J[c, None], r[c, None]
            M = (Rk[i, ks] <= rr) & (Rk[j, ks] <= rr) & (ks != i) & (ks != j)
            first = np.argmax(M, axis=1)                                 # the largest such k in this block
            hit[s:s + step] = M[np.arange(c.size), first]
            out[c] = np.where(hit[s:s + step], ks[first], -1)
        todo = todo[~hit]
        top -= ks.size
        width *= 2
    return out


def _xor_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Symmetric difference of two sorted arrays of distinct keys, sorted.

    The stable sort of the two concatenated runs is a linear merge (Timsort);
    a key present in both appears twice in a row and is dropped.
    """
    c = np.concatenate((a, b))
    c.sort(kind="stable")
    single = c[1:] != c[:-1]
    keep = np.ones(c.size, dtype=bool)
    keep[1:] &= single
    keep[:-1] &= single
    return c[keep]


class _LazyColumn:
    """A Z/2 sum of sorted key arrays, kept as a few sorted levels (a log-structured merge).

    Adding a column appends a level; levels of similar size are merged (symmetric
    difference), so there are O(log N) of them. The pivot (smallest key of odd
    multiplicity) is found from short prefixes of the levels, so cancelling
    entries below the pivot costs array operations, never a full merge — the role
    Ripser's lazily evaluated heap plays.
    """

    _PREFIX = 64
    _SMALL = 2048

    def __init__(self, first: np.ndarray):
        self.levels = [first] if first.size else []

    def add(self, arr: np.ndarray) -> None:
        self.levels.append(arr)
        # merge equal-sized levels (a binary counter), and always fold into a small last level
        while len(self.levels) > 1 and (self.levels[-1].size >= self.levels[-2].size
                                        or self.levels[-2].size <= self._SMALL):
            top = self.levels.pop()
            merged = _xor_sorted(self.levels.pop(), top)
            if merged.size:
                self.levels.append(merged)

    def pivot(self):
        levels = self.levels
        while levels:
            if len(levels) == 1:            # keys within a level are distinct: no cancellation
                return int(levels[0][0])
            bound = min(int(lv[min(lv.size, self._PREFIX) - 1]) for lv in levels)
            cuts = [int(lv.searchsorted(bound, side="right")) for lv in levels]
            head = np.sort(np.concatenate([lv[:c] for lv, c in zip(levels, cuts)]))
            # a key's multiplicity is the length of its run in the sorted heads: find the first odd run
            starts = np.flatnonzero(np.concatenate(([True], head[1:] != head[:-1])))
            odd = np.flatnonzero(np.diff(np.append(starts, head.size)) % 2)
            if odd.size:
                p = int(head[starts[odd[0]]])     # entries below p cancel in pairs: drop them
                self.levels = [rest for rest in (lv[lv.searchsorted(p):] for lv in levels) if rest.size]
                return p
            levels = self.levels = [lv[c:] for lv, c in zip(levels, cuts) if c < lv.size]
        return None

    def materialize(self) -> np.ndarray:
        keys, counts = np.unique(np.concatenate(self.levels), return_counts=True)
        return keys[counts % 2 == 1]


class _DenseColumn:
    """A Z/2 column over all T triangles of the complex: one byte per triangle, and
    the number of live entries at each diameter rank.

    Adding a coboundary toggles its bytes (no sorting, no merging). The pivot —
    the earliest live coface — has the smallest diameter rank with a non-zero
    count (ranks only grow while one column is reduced, so the scan resumes where
    it stopped); within that rank it is the live coface of largest index, read off
    the O(n) cofaces of that rank's edge(s). Reused for every column: ``clear``
    resets only what the column touched. Memory T bytes (T = C(n, 3)).
    """

    def __init__(self, Rk, n_values, T, C2, C3, edges_by_rank):
        self.Rk, self.n_values, self.T, self.C2, self.C3 = Rk, n_values, T, C2, C3
        self.bits = np.zeros(T, dtype=np.uint8)
        self.count = np.zeros(n_values + 1, dtype=np.int64)
        # the edges of diameter rank r are EI, EJ[edge_start[r]:edge_start[r + 1]]
        self.EI, self.EJ, edge_rank = edges_by_rank
        self.edge_start = np.searchsorted(edge_rank, np.arange(n_values + 2))
        self.clear()

    def entries(self, limit):
        """The live (index, rank) pairs, or None when the column touched more than ``limit`` entries."""
        if sum(t.size for t in self.touched) > limit:
            return None
        index, rank = np.concatenate(self.touched), np.concatenate(self.touched_ranks)
        live = self.bits[index] == 1
        index, first = np.unique(index[live], return_index=True)
        return index, rank[live][first]

    def clear(self):
        if getattr(self, "touched", None):
            self.bits[np.concatenate(self.touched)] = 0
            self.count[np.concatenate(self.touched_ranks)] = 0
        self.touched, self.touched_ranks, self.rank = [], [], 0

    def add(self, index, rank):
        old = self.bits[index]
        self.bits[index] = old ^ 1
        np.add.at(self.count, rank, 1 - 2 * old.astype(np.int64))
        self.touched.append(index)
        self.touched_ranks.append(rank)

    def pivot(self):
        """Key (diameter rank · T + T − 1 − index) of the earliest live coface, or None."""
        r, width = self.rank, 64
        while r < self.n_values:
            nz = np.flatnonzero(self.count[r:r + width])
            if nz.size:
                r += int(nz[0])
                break
            r += width
            width *= 2
        else:
            return None
        self.rank = r
        Rk, C2, C3, best = self.Rk, self.C2, self.C3, -1
        for e in range(self.edge_start[r], self.edge_start[r + 1]):
            i, j = int(self.EI[e]), int(self.EJ[e])
            near = (Rk[i] <= r) & (Rk[j] <= r)
            near[i] = near[j] = False
            k = np.flatnonzero(near)
            hi, lo = np.maximum(i, k), np.minimum(j, k)
            tri = C3[hi] + C2[i + j + k - hi - lo] + lo
            live = tri[self.bits[tri] == 1]
            if live.size:
                best = max(best, int(live.max()))
        return r * self.T + (self.T - 1 - best)


_DENSE_MAX_TRIANGLES = 1 << 26   # above this the dense column's bytes cost too much memory: lazy sorted columns


class _Cofaces:
    """Cofaces {i, j, k} of the edge columns within the threshold, cached per column."""

    def __init__(self, Rk, cols_i, cols_j, r, n_values, T):
        n = Rk.shape[0]
        self.cols_i, self.cols_j, self.r, self.n_values, self.T = cols_i, cols_j, r, n_values, T
        self.v = v = np.arange(n)
        self.C2, self.C3 = v * (v - 1) // 2, v * (v - 1) * (v - 2) // 6
        self.Rk64 = Rk.astype(np.int64)
        self.cache: dict[int, tuple] = {}

    def __call__(self, c):
        """Colexicographic indices and diameter ranks of the cofaces {i, j, k} of column c
        within the threshold, in increasing k."""
        col = self.cache.get(c)
        if col is None:
            i, j = self.cols_i[c], self.cols_j[c]
            C2, C3, v = self.C2, self.C3, self.v
            # colexicographic index of {i, j, k} over the ranges k < j, j <= k < i, k >= i
            # (k = i, j are dropped below)
            index = np.concatenate((C3[i] + C2[j] + v[:j], C3[i] + C2[j:i] + j, C3[i:] + C2[i] + j))
            rank = np.maximum(np.maximum(self.Rk64[i], self.Rk64[j]), self.r[c])
            keep = rank < self.n_values
            keep[i] = keep[j] = False
            col = self.cache[c] = (index[keep], rank[keep])
        return col

    def coboundary(self, c):
        """Sorted keys of the cofaces of column c within the threshold."""
        index, rank = self(c)
        return np.sort(rank * self.T + (self.T - 1 - index))


def _apparent_pairs(Rk, cols_i, cols_j, r, eidx, T):
    """Apparent pairs, all columns at once: {filtration key of the triangle: column}."""
    k = _apparent_cofaces(Rk, cols_i, cols_j, r)
    ks = np.where(k >= 0, k, 0)
    # e is the latest facet of {i, j, k}: every other facet of equal diameter has a larger index
    other1 = np.where(Rk[cols_i, ks] == r, _edge_index(np.maximum(cols_i, ks), np.minimum(cols_i, ks)), -1)
    other2 = np.where(Rk[cols_j, ks] == r, _edge_index(np.maximum(cols_j, ks), np.minimum(cols_j, ks)), -1)
    apparent = (k >= 0) & ((other1 < 0) | (other1 > eidx)) & ((other2 < 0) | (other2 > eidx))
    # filtration key of triangles {i, j, k} (i > j): diameter rank, then decreasing index
    i, j, k = cols_i[apparent], cols_j[apparent], k[apparent]
    hi, lo = np.maximum(i, k), np.minimum(j, k)
    a_keys = r[apparent] * T + (T - 1 - _triangle_index(hi, i + j + k - hi - lo, lo))
    return apparent, dict(zip(a_keys.tolist(), np.flatnonzero(apparent).tolist()))


def _reduce_dense(rest, r, T, cofaces, apparent_of, n_values, edges_by_rank):
    """Reduce the columns ``rest`` with one dense Z/2 column; returns the pairs.

    Each reduced column is kept as its summands (the edges whose coboundaries add up to
    it, as Ripser keeps V) and, unless it is long, also as its entries (index, rank).
    """
    n = cofaces.v.size
    held_at: dict[int, tuple] = {}
    pairs = []

    def partner(pivot):
        """(summands, entries or None) of the column already holding this pivot, or None."""
        held = held_at.get(pivot)
        if held is None and (e := apparent_of.get(pivot)) is not None:
            held = (np.array([e]), cofaces(e))
        return held

    column = None
    for c in rest:
        index, rank = cofaces(c)
        if index.size == 0:
            pairs.append((r[c], -1))
            continue
        pivot = int((rank * T + (T - 1 - index)).min())
        held = partner(pivot)
        if held is None:                    # most columns: their first pivot is new, nothing to add
            held_at[pivot] = (np.array([c]), (index, rank))
        else:
            if column is None:
                column = _DenseColumn(cofaces.Rk64, n_values, T, cofaces.C2, cofaces.C3, edges_by_rank)
            column.clear()
            column.rank = pivot // T
            column.add(index, rank)
            used = [np.array([c])]
            while held is not None:
                terms, entries = held
                if entries is not None:
                    column.add(*entries)
                else:
                    for e in terms.tolist():
                        column.add(*cofaces(e))
                used.append(terms)
                pivot = column.pivot()
                held = None if pivot is None else partner(pivot)
            if pivot is None:
                pairs.append((r[c], -1))
                continue
            ids, times = np.unique(np.concatenate(used), return_counts=True)
            held_at[pivot] = (ids[times % 2 == 1], column.entries(limit=32 * n))
        if pivot // T > r[c]:
            pairs.append((r[c], pivot // T))
    if column is not None:
        column.clear()
    return pairs


def _reduce_lazy(rest, r, T, cofaces, apparent_of):
    """Reduce the columns ``rest`` as lazily merged sorted key arrays; returns the pairs."""
    pairs = []
    reduced: dict[int, np.ndarray] = {}
    for c in rest:
        column = _LazyColumn(cofaces.coboundary(c))
        while (pivot := column.pivot()) is not None:
            other = reduced.get(pivot)
            if other is None:
                e = apparent_of.get(pivot)
                if e is None:
                    break
                other = cofaces.coboundary(e)
            column.add(other)
        if pivot is None:
            pairs.append((r[c], -1))
            continue
        reduced[pivot] = column.materialize()
        if pivot // T > r[c]:
            pairs.append((r[c], pivot // T))
    return pairs


def _h1(Rk, cols_i, cols_j, n_values, edges_by_rank):
    """Reduce the coboundary matrix of the given edge columns.

    ``Rk`` holds the rank of every edge's diameter (``n_values`` for edges beyond
    the threshold); ``edges_by_rank`` is (I, J, rank) of all edges sorted by rank.
    Returns (birth rank, death rank) pairs, death rank -1 for essential classes.
    """
    n = Rk.shape[0]
    r = Rk[cols_i, cols_j].astype(np.int64)
    eidx = _edge_index(cols_i, cols_j)
    T = _triangle_index(n - 1, n - 2, n - 3) + 1
    if (n_values + 1) * T >= np.iinfo(np.int64).max:
        raise ValueError(f"X has too many points ({n}) for 64-bit simplex keys")
    apparent, apparent_of = _apparent_pairs(Rk, cols_i, cols_j, r, eidx, T)
    cofaces = _Cofaces(Rk, cols_i, cols_j, r, n_values, T)
    # the remaining columns, in reverse filtration order
    rest = np.flatnonzero(~apparent)
    rest = rest[np.lexsort((eidx[rest], -r[rest]))]
    if T <= _DENSE_MAX_TRIANGLES:
        pairs = _reduce_dense(rest, r, T, cofaces, apparent_of, n_values, edges_by_rank)
    else:
        pairs = _reduce_lazy(rest, r, T, cofaces, apparent_of)
    return np.asarray(pairs, dtype=np.int64).reshape(-1, 2)


@validate_args({"maxdim": [Interval(numbers.Integral, 0, 1)], "max_edge": [NON_NEGATIVE, "inf"],
                "metric": [Options(_METRICS)], "distance_matrix": ["boolean"]})
def vietoris_rips(X, maxdim: int = 1, max_edge: float = np.inf, metric: str = "euclidean",
                  distance_matrix: bool = False) -> list[np.ndarray]:
    """Persistence diagrams of the Vietoris–Rips filtration in dimensions 0 and 1.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features), or (n_samples, n_samples)
        Points, or a symmetric distance matrix with zero diagonal when
        ``distance_matrix=True``.
    maxdim : int, default=1
        Highest homology dimension, 0 or 1.
    max_edge : float, default=np.inf
        Only edges of length ``<= max_edge`` enter (Ripser's ``thresh``); classes
        still alive there get death ``np.inf``.
    metric : {"euclidean", "manhattan", "chebyshev"}, default="euclidean"
        Distance between points (ignored when ``distance_matrix=True``).
    distance_matrix : bool, default=False
        Whether ``X`` is already a distance matrix.

    Returns
    -------
    dgms : list of ndarray of shape (k_q, 2)
        ``dgms[q]`` holds the (birth, death) pairs of H_q, sorted by birth then
        death; pairs of zero persistence are left out, infinite deaths are ``np.inf``
        (as ripser's ``dgms``).

    Notes
    -----
    The Rips complex at scale r holds every simplex whose vertices are pairwise
    within r; a simplex enters at diam(σ) = max_{u,v∈σ} d(u, v). Ties are broken
    by decreasing colexicographic index, as Ripser does.

    H0 deaths are the edge lengths of the minimum spanning tree (Prim, O(n²)).
    For H1 the coboundary matrix δ₁ (triangles × edges, Z/2 entries) is reduced
    column by column in reverse filtration order: while the lowest entry (the
    earliest coface) of column e is the pivot of an earlier column, add that
    column; a surviving pivot t gives the pair (diam e, diam t), an empty column
    an essential class (diam e, ∞). Tree edges are *cleared* (they are paired in
    dimension 0), and *apparent pairs* — e whose earliest coface t has e as its
    latest facet, found for all edges with array operations in O(n³) —
    are paired with no arithmetic. In practice the few remaining columns cost
    O(n) each plus their additions, each addition O(n). Memory O(n²), plus one
    byte per triangle (C(n, 3), at most 64 MiB) for the column being reduced.

    References: U. Bauer, "Ripser: efficient computation of Vietoris–Rips
    persistence barcodes", J. Appl. Comput. Topol. 5 (2021).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    >>> dgms = vietoris_rips(np.c_[np.cos(t), np.sin(t)])
    >>> len(dgms[0]), len(dgms[1])      # one component, one loop
    (12, 1)
    >>> bool(dgms[1][0, 1] > dgms[1][0, 0])
    True
    """
    if distance_matrix:
        D = as_float_array(X, "X", ndim=2, dtype=np.float64)
        check_symmetric(D, "X")
        if np.any(np.diag(D) != 0) or np.any(D < 0):
            raise ValueError("X must be a distance matrix: non-negative with a zero diagonal")
        e = _exponent(D)
        D = np.ldexp(D, -e)
    else:
        X = as_float_array(X, "X", ndim=2, dtype=np.float64)
        e = _exponent(X)
        D = _distance_matrix(np.ldexp(X, -e), metric)
    # The work is done on data rescaled by 2**-e (exact) so that no scale (1e-300 or 1e300) under- or
    # overflows in the squared distances; the diagrams are scaled back at the end.
    with np.errstate(over="ignore", under="ignore"):
        max_edge = float(np.ldexp(float(max_edge), -e))
    return [np.ldexp(dgm, e) for dgm in _diagrams(D, maxdim, max_edge)]


def _exponent(X):
    """The power-of-two exponent of ``max |X|`` (0 for an empty or all-zero array)."""
    return int(np.frexp(np.max(np.abs(X), initial=0.0))[1])


def _diagrams(D, maxdim, max_edge):
    """The persistence diagrams of the distance matrix ``D`` (H0 and, for ``maxdim=1``, H1)."""
    D = np.tril(D) + np.tril(D, -1).T       # exactly symmetric: the lower triangle is the data
    n = D.shape[0]  # >= 1: vietoris_rips rejects empty input

    # Beyond the enclosing radius the complex is a cone: nothing changes (Ripser does the same).
    thr = min(float(max_edge), float(D.max(axis=1).min())) if np.isinf(max_edge) else float(max_edge)

    I, J = np.tril_indices(n, -1)
    d = D[I, J]                                        # edge {I, J} sits at its colexicographic index
    # the filtration order of edges: by length, ties by decreasing index (a stable sort of the reversed list)
    order = I.size - 1 - np.argsort(d[::-1], kind="stable")
    # diameter ranks (n_values beyond the threshold), read off the same sort
    ds = d[order]
    first = np.concatenate(([True], ds[1:] != ds[:-1]))[:ds.size]
    values = ds[first]
    values = values[:np.searchsorted(values, thr, side="right")]
    Rk = np.zeros((n, n), dtype=np.int32)
    Rk[I[order], J[order]] = np.minimum(np.cumsum(first) - 1, values.size)
    Rk += Rk.T
    rank = np.empty(I.size, dtype=np.int64)
    rank[order] = np.arange(I.size)
    R = np.zeros((n, n), dtype=np.int64)
    R[I, J] = rank
    R[J, I] = rank

    deaths, tree, n_comp = _h0(D, R, D <= thr)
    deaths = np.sort(deaths[deaths > 0])
    h0 = np.vstack([np.c_[np.zeros(deaths.size), deaths], np.tile([0.0, np.inf], (n_comp, 1))])
    dgms = [h0]
    if maxdim >= 1:
        h1 = np.empty((0, 2))
        if n >= 3:
            in_tree = np.zeros(I.size, dtype=bool)
            if tree:
                ti, tj = np.asarray(tree).T
                in_tree[_edge_index(ti, tj)] = True
            cols = ~in_tree & (d <= thr)
            edges_by_rank = (I[order], J[order], Rk[I[order], J[order]])
            ranks = _h1(Rk, I[cols], J[cols], values.size, edges_by_rank)
            h1 = np.c_[values[ranks[:, 0]], np.where(ranks[:, 1] < 0, np.inf, values[ranks[:, 1]])]
        dgms.append(h1[np.lexsort((h1[:, 1], h1[:, 0]))])
    return dgms
