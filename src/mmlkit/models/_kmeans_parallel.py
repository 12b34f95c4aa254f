"""k-means|| (scalable k-means++, Bahmani et al. 2012): the rounds, the weights and the weighted recluster.

One driver, :func:`seed_by_rounds`, serves both kinds of data: a NumPy X (one
block, :func:`kmeans_parallel`, the distances on threads) and a Dask X (row
blocks on the workers, ``mmlkit.models._dask_fit``). It only sees two
callbacks: ``sample(batches)``, one round over the data against the candidates
so far, and ``weigh(batches)``, the sum and number of the points nearest to each
candidate. Both are built from the per-block statistics of :mod:`mmlkit.models._blockwise`.

Algorithm (the paper's Algorithm 2 with its Step 8, the weighted recluster):

1. C ← one point drawn uniformly; φ = Σₓ D(x)², D(x) the distance to the nearest of C.
2. For ``ROUNDS`` rounds: keep each x independently with probability
   min(1, ℓ D(x)²/φ), ℓ = ``OVERSAMPLING`` · k, and add the kept points to C
   (about ℓ a round; more rounds while fewer than k candidates were found).
3. Weight each c ∈ C by the number w_c of points nearest to it (its cell), and
   take the cell's mean m_c (the same pass sums the cell's points).
4. Recluster the weighted cell means into k centres: weighted greedy k-means++,
   then weighted Lloyd; the best (lowest weighted inertia) of ``RECLUSTER_TRIALS``.

Step 4 reclusters the cells' means where the paper reclusters the candidates
themselves, at no extra pass. For a grouping g of the cells into k clusters,
the inertia of the data partitioned by cells is

    Σ_c Σ_{x ∈ cell c} ‖x − μ_{g(c)}‖² = Σ_c Σ_{x ∈ cell c} ‖x − m_c‖² + Σ_c w_c ‖m_c − μ_{g(c)}‖²,

the first term fixed by the cells: the weighted k-means of the (m_c, w_c) minimises
the data's own inertia over the partitions made of whole cells, and its centres
are the exact means of their clusters' points, as one Lloyd step would place them.

The per-row draw uses keys D(x)²/u with u ~ U(0, 1): x is kept when its key
exceeds φ/ℓ. A block knows only its own share φ_b ≤ φ of the cost, so it sends
the rows whose key exceeds φ_b/ℓ (a superset, about ℓ rows) and the merge,
which knows φ, keeps the right ones: still one pass per round.
"""

from __future__ import annotations

import numpy as np

from mmlkit._pairwise import squared_distances
from mmlkit.models import _blockwise as bw

__all__ = ["OVERSAMPLING", "RECLUSTER_TRIALS", "ROUNDS", "kmeans_parallel", "seed_by_rounds", "weighted_kmeans"]

ROUNDS = 5               # Bahmani et al. (2012): five rounds of ℓ = 2k suffice in practice
OVERSAMPLING = 2         # ℓ = OVERSAMPLING · k
RECLUSTER_TRIALS = 10
_RECLUSTER_ITER = 300


def seed_by_rounds(first, k, rng, sample, weigh):
    """k initial centres by k-means|| from the first centre ``first`` (d,).

    ``sample(batches, ell)`` runs one round against the candidates ``first``
    and ``batches`` (the rows each earlier round added) and returns (φ, the
    sampled rows); ``weigh(batches)`` returns each candidate's cell
    ``[Σ x, count]`` (the points nearest to it), ``first`` first, one
    (m, d + 1) array. Each round only measures the rows against the
    batch the round before added: the callbacks keep every row's nearest
    candidate so far where the rows are.
    """
    ell = float(OVERSAMPLING * k)
    first = np.asarray(first, dtype=np.float64)
    batches = []
    for r in range(4 * ROUNDS):
        if r >= ROUNDS and 1 + sum(b.shape[0] for b in batches) >= k:
            break
        psi, rows = sample(batches, ell)
        if psi <= 0:  # every point sits on a candidate
            break
        if rows.shape[0]:
            batches.append(rows)
    cells = weigh(batches)
    C = np.vstack([first[None, :], *batches])
    weights = cells[:, -1]
    filled = weights > 0          # an empty cell (no nearest point) keeps its candidate, at weight 0
    C[filled] = cells[filled, :-1] / weights[filled, None]
    if C.shape[0] <= k:
        return np.vstack([C, np.repeat(C[:1], k - C.shape[0], axis=0)])
    return weighted_kmeans(C, weights, k, rng)


def kmeans_parallel(X1, x2, k, rng):
    """k-means|| on in-memory data: ``X1 = [X, 1]`` (centred X) and ``x2 = ‖x‖²``, as KMeans.fit holds them.

    The whole of X is one block for the random draws (so they do not depend on
    the number of threads); the distances of each round run on threads, each
    thread keeping its rows' nearest candidate between rounds. Returns the
    (k, d) centres in X's coordinates.
    """
    from mmlkit._threads import map_blocks, row_blocks

    Xc = X1[:, :-1]
    n, d = Xc.shape
    origin = np.zeros(d)
    first = Xc[rng.integers(n)]
    parts = row_blocks(n)
    states = [None] * len(parts)

    def measure(batches):
        states[:] = map_blocks(lambda i: bw.nearest_candidate(Xc[parts[i]], origin, first, batches, states[i]),
                               list(range(len(parts))))
        return np.concatenate([s[1] for s in states]), np.concatenate([s[2] for s in states])

    def sample(batches, ell):
        D2 = measure(batches)[0]
        psi = float(D2.sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            keys = D2 / np.random.default_rng(int(rng.integers(2**63))).uniform(size=n)
        return psi, Xc[keys > psi / ell]

    def weigh(batches):
        from mmlkit.models.cluster import _cluster_sums

        index = measure(batches)[1]
        return _cluster_sums(X1, index, 1 + sum(b.shape[0] for b in batches))

    return seed_by_rounds(first, k, rng, sample, weigh)


def weighted_kmeans(C, w, k, rng, n_trials=RECLUSTER_TRIALS):
    """Recluster weighted candidates C (m, d) into k centres: weighted greedy k-means++, then weighted Lloyd.

    The candidates are few (about 10k), so the best of ``n_trials``
    reclusterings (lowest weighted inertia Σ wᵢ min_j ‖cᵢ − μⱼ‖²) is kept at
    no cost to the passes over the data.
    """
    D = squared_distances(C, C)
    n_local = 2 + int(np.log(k))
    p = w / w.sum()
    best = None
    for _ in range(n_trials):
        chosen = [int(rng.choice(C.shape[0], p=p))]
        closest = D[chosen[0]].copy()
        for _ in range(1, k):
            weight = np.cumsum(w * closest)
            if weight[-1] <= 0:
                chosen.append(int(rng.integers(C.shape[0])))
                continue
            trials = np.minimum(np.searchsorted(weight, rng.uniform(size=n_local) * weight[-1]), C.shape[0] - 1)
            cand = np.minimum(closest, D[trials])
            pick = int(np.argmin(cand @ w))
            chosen.append(int(trials[pick]))
            closest = cand[pick]
        centers = _weighted_lloyd(C, w, C[chosen].copy())
        cost = float(w @ squared_distances(C, centers).min(axis=1))
        if best is None or cost < best[0]:
            best = (cost, centers)
    return best[1]


def _weighted_lloyd(C, w, centers):
    """Lloyd's iterations on weighted points until the labels stop changing; a cluster
    of zero weight keeps its centre."""
    k = centers.shape[0]
    labels = None
    for _ in range(_RECLUSTER_ITER):
        new = squared_distances(C, centers).argmin(axis=1)
        if labels is not None and np.array_equal(new, labels):
            break
        labels = new
        mass = np.bincount(labels, weights=w, minlength=k)
        sums = np.column_stack([np.bincount(labels, weights=w * C[:, f], minlength=k) for f in range(C.shape[1])])
        moved = mass > 0
        centers[moved] = sums[moved] / mass[moved, None]
    return centers
