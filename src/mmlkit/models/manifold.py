"""t-distributed stochastic neighbour embedding (t-SNE): Barnes–Hut and exact gradients."""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import validate_data

from mmlkit._dask import dask_unsupported
from mmlkit._pairwise import squared_distances
from mmlkit._scaling import power_of_two_scale, rescale
from mmlkit._threads import map_blocks, row_blocks
from mmlkit._validation import Interval, Options, check_random_state, validate_params
from mmlkit.models import _interpolation as interpolation
from mmlkit.models import _quadtree as quadtree
from mmlkit.models._init import single_blas_thread
from mmlkit.models._neighbors import kneighbors

__all__ = ["TSNE", "joint_probabilities", "joint_probabilities_nn"]

_EPS = np.finfo(np.float64).eps
_EXPLORATION_ITER = 250   # iterations with early exaggeration and momentum 0.5
_CHECK_EVERY = 50         # how often the KL divergence and the gradient norm are checked
_WORK_DTYPE = np.float32  # dtype of the n × n arrays in the optimisation loop (see _kl_gradient)
_BH_DTYPE = np.float32    # dtype of the per-pair arithmetic of the Barnes–Hut gradient
_BH_LEAF_SIZE = 16        # tree cells of at most this many points interact point by point when not accepted
_BH_THREADS_MIN = 1000    # from this many points the attractive and repulsive halves run on two threads
_BH_DIRECT_MAX = 1000     # up to this many points the sparse-P gradient runs over all pairs: cheaper than the tree
_GRID_NODES_PER_POINT = 4  # the repulsion is interpolated on a grid of at most this many nodes per point,
_GRID_MIN_POINTS = 600     # and of at least this many points (fewer: all pairs cost less than the grid's FFTs)
_NN_BLOCK = 2**20         # entries of one (rows × k × d) block of neighbour differences


def conditional_probabilities(D, perplexity, *, tol=1e-5, max_steps=100, neighbors=False):
    """Row-wise Gaussian neighbour probabilities p_{j|i} with a given perplexity.

    Parameters
    ----------
    D : ndarray of shape (n_samples, n_samples) or (n_samples, k)
        Squared distances: between all points, or (``neighbors=True``) from
        each point to its k nearest neighbours, itself excluded.
    perplexity : float
        Target perplexity 2^{H(Pᵢ)} (in nats: H(Pᵢ) = log perplexity).
    tol : float, default=1e-5
        Tolerance on the entropy, in nats.
    max_steps : int, default=100
        Bisection steps.
    neighbors : bool, default=False
        Whether D holds neighbour distances (no diagonal to leave out).

    Returns
    -------
    P : ndarray of the shape of D
        p_{j|i} = exp(−βᵢ Dᵢⱼ) / Σ_{k≠i} exp(−βᵢ Dᵢₖ), zero diagonal (all
        points) or over the k neighbours; rows sum to 1.

    Notes
    -----
    Each row's precision βᵢ = 1 / (2σᵢ²) is found by bisection on the entropy
    H(Pᵢ) = log Σⱼ exp(−βᵢ Dᵢⱼ) + βᵢ Σⱼ Dᵢⱼ p_{j|i}, which decreases in βᵢ;
    β doubles (or halves) until the target is bracketed, then halves the bracket.
    All rows are updated at once; rows leave the active set as they converge.
    Distances are shifted by each row's smallest one, which leaves Pᵢ and H
    unchanged and keeps the exponentials from underflowing.

    Cost: O(n m · steps) for D of shape (n, m).
    """
    n, m = D.shape
    if neighbors:
        Dm = D - np.min(D, axis=1, keepdims=True)
    else:
        Dm = D - np.min(D + np.diag(np.full(n, np.inf)), axis=1, keepdims=True)
        np.fill_diagonal(Dm, 0.0)
    # Start at the inverse mean (shifted) distance of each row: the right scale, so the
    # doubling/halving phase is short whatever the units of X.
    beta = 1.0 / np.maximum(Dm.sum(axis=1) / max(m - (not neighbors), 1), 1e-12)
    target = np.log(perplexity)
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    P = np.empty_like(Dm)
    active = np.arange(n)
    for _ in range(max_steps):
        Da = Dm if active.size == n else Dm[active]
        E = np.multiply(Da, -beta[active, None])
        np.exp(E, out=E)
        if not neighbors:
            E[np.arange(active.size), active] = 0.0     # no self-neighbour
        s = E.sum(axis=1)
        H = np.log(s) + beta[active] * np.einsum("ij,ij->i", Da, E) / s
        P[active] = E / s[:, None]
        diff = H - target
        done = np.abs(diff) <= tol
        b = beta[active]
        up = diff > 0                                   # entropy too high: sharpen
        lo[active[up]] = b[up]
        hi[active[~up]] = b[~up]
        b_hi, b_lo = hi[active], lo[active]
        beta[active] = np.where(up, np.where(np.isinf(b_hi), 2 * b, (b + b_hi) / 2),
                                np.where(np.isinf(b_lo), b / 2, (b + b_lo) / 2))
        active = active[~done]
        if active.size == 0:
            break
    return P


def joint_probabilities(D, perplexity):
    """Symmetrised t-SNE affinities pᵢⱼ = (p_{j|i} + p_{i|j}) / 2n from squared distances D (n, n).

    Off-diagonal entries are floored at machine epsilon (as in scikit-learn) so
    that log pᵢⱼ is finite; the diagonal is zero.
    """
    Pc = conditional_probabilities(D, perplexity)
    P = Pc + Pc.T
    P /= max(P.sum(), _EPS)
    np.maximum(P, _EPS, out=P)
    np.fill_diagonal(P, 0.0)
    return P


def _neighbor_distances(X, nbr):
    """Squared distances (n, k) from each row of X (n, d) to the rows nbr (n, k), summed feature by feature."""
    n, k = nbr.shape
    D = np.empty((n, k))
    rows = max(1, _NN_BLOCK // max(k * X.shape[1], 1))
    for start in range(0, n, rows):        # a loop over row blocks, bounding the (rows, k, d) differences
        stop = min(n, start + rows)
        diff = np.take(X, nbr[start:stop], axis=0)
        diff -= X[start:stop, None, :]
        np.einsum("ikd,ikd->ik", diff, diff, out=D[start:stop])
    return D


def joint_probabilities_nn(X, perplexity):
    """Sparse symmetrised t-SNE affinities from the k = min(n − 1, ⌊3·perplexity + 1⌋) nearest neighbours.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    perplexity : float

    Returns
    -------
    P : scipy.sparse.csr_array of shape (n_samples, n_samples)
        pᵢⱼ = (p_{j|i} + p_{i|j}) / Σ (p_{j|i} + p_{i|j}), where p_{j|i} is
        :func:`conditional_probabilities` over the k nearest neighbours of i
        (zero beyond them); symmetric, sums to 1, sorted indices.

    Notes
    -----
    Points further away than the k-th neighbour get p_{j|i} ≈ 0 anyway once
    σᵢ is calibrated to ``perplexity`` ≤ k / 3 neighbours (van der Maaten 2014).
    Cost: the exact k-NN search, then O(n k · steps); memory O(n k).
    """
    from scipy.sparse import csr_array

    n = X.shape[0]
    k = min(n - 1, int(3.0 * perplexity + 1))
    nbr = kneighbors(X, k + 1)[:, 1:]      # itself first: dropped
    Pc = conditional_probabilities(_neighbor_distances(X, nbr), perplexity, neighbors=True)
    P = csr_array((Pc.ravel(), nbr.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n))
    P = (P + P.T).tocsr()
    P.sum_duplicates()
    P.sort_indices()
    P.data /= max(P.data.sum(), _EPS)
    return P


class _Edges(NamedTuple):
    """A symmetric sparse P for the Barnes–Hut gradient: its edges i < j (sorted by i, then j) and their
    pᵢⱼ (scaled in place for the exaggeration); ``rows`` are the i that have edges, ``starts`` where each
    one's edges begin."""

    i: np.ndarray
    j: np.ndarray
    p: np.ndarray
    rows: np.ndarray
    starts: np.ndarray


def _upper_edges(P):
    """The :class:`_Edges` of a symmetric sparse P with zero diagonal."""
    coo = P.tocsr().tocoo()                 # row-major, sorted columns
    up = coo.row < coo.col
    i, j = coo.row[up].astype(np.intp), coo.col[up].astype(np.intp)
    counts = np.bincount(i, minlength=P.shape[0])
    rows = np.flatnonzero(counts)
    return _Edges(i, j, coo.data[up].astype(np.float64), rows, (np.cumsum(counts) - counts)[rows])


def _attraction(Y, edges, dof, compute_error, dtype):
    """Σⱼ pᵢⱼ uᵢⱼ (yᵢ − yⱼ) (n, c) over the edges of P and, if asked, Σ pᵢⱼ log(pᵢⱼ / wᵢⱼ) and Σ pᵢⱼ (i ≠ j).

    Each edge's term is added to i (its edges are contiguous: a segment sum) and subtracted from j.
    """
    i, j, p, rows, starts = edges
    n, c = Y.shape
    Yd = Y.astype(dtype)
    diff = np.take(Yd, i, axis=0)
    diff -= np.take(Yd, j, axis=0)
    u = np.einsum("ij,ij->i", diff, diff)
    if dof != 1:
        u /= dtype(dof)
    u += 1
    np.reciprocal(u, out=u)
    terms = None
    if compute_error:   # each edge stands for (i, j) and (j, i): factors 2
        logw = np.log(u) * ((dof + 1.0) / 2.0)
        terms = (2.0 * float(np.sum(p * (np.log(np.maximum(p, _EPS)) - logw))), 2.0 * float(p.sum()))
    pu = p * u
    F = np.zeros((n, c))
    for axis in range(c):                  # a loop over the c axes, not over points
        f = pu * diff[:, axis]
        if f.size:
            F[rows, axis] = np.add.reduceat(f, starts)
        F[:, axis] -= np.bincount(j, weights=f, minlength=n)
    return F, terms


def _both(blocks, first, second):
    """(first(), second()), the two run by :func:`mmlkit._threads.map_blocks` over ``blocks`` of range(2)."""
    tasks = (first, second)
    return [r for part in map_blocks(lambda b: [tasks[k]() for k in range(b.start, b.stop)], blocks) for r in part]


def _grid_width(Y, angle, dof):
    """The interpolation box width for the repulsion at Y, or None when the tree (or all pairs) is cheaper.

    The box width is angle·√ν / 2 (the kernel's length scale is √ν): an interpolation error
    about an order below the tree's at the same angle (digits, angle ½: 8·10⁻⁴ against 4·10⁻³
    in the forces). The grid's cost grows with the embedding's volume, so it serves while the
    embedding is compact (the exaggerated phase) and has at most ``_GRID_NODES_PER_POINT``
    nodes per point; for fewer than ``_GRID_MIN_POINTS`` points or at angle 0 (exact sums) never.
    """
    width = angle * np.sqrt(dof) / 2
    if width == 0 or len(Y) < _GRID_MIN_POINTS:
        return None
    boxes = interpolation.grid(Y, width)[0]
    nodes = np.prod(boxes * (interpolation.NODES - 1) + 1.0)
    return width if nodes <= _GRID_NODES_PER_POINT * len(Y) else None


def _kl_gradient_bh(Y, edges, dof, compute_error, angle, dtype=_BH_DTYPE):
    """KL(P ‖ Q) and its gradient for a sparse P (:class:`_Edges`), repulsion by interpolation or Barnes–Hut.

    ∂KL/∂yᵢ = (2(ν+1)/ν) [Σⱼ pᵢⱼ uᵢⱼ (yᵢ − yⱼ) − Σⱼ wᵢⱼ uᵢⱼ (yᵢ − yⱼ) / Z], uᵢⱼ = 1/(1 + ‖yᵢ − yⱼ‖²/ν),
    wᵢⱼ = uᵢⱼ^{(ν+1)/2}, Z = Σ_{k≠l} w_kl: uᵢⱼ is computed once per edge i < j of P and its
    attractive term applied to both ends (:func:`_attraction`); the repulsive sum and Z come from
    grid interpolation while the embedding is compact (:func:`mmlkit.models._interpolation.repulsion`,
    :func:`_grid_width`), else from the tree (:func:`mmlkit.models._quadtree.repulsion`, exact when
    ``angle`` is 0). KL = Σ_{i≠j} pᵢⱼ log(pᵢⱼ / wᵢⱼ) + log Z · Σ_{i≠j} pᵢⱼ needs only the edges and Z.
    The two halves are independent: with two cores they run side by side.
    """
    n = len(Y)
    blocks = row_blocks(2, min_work=1) if n >= _BH_THREADS_MIN else [slice(0, 2)]
    attract = lambda: _attraction(Y, edges, dof, compute_error, dtype)  # noqa: E731
    width = _grid_width(Y, angle, dof)
    # Independent tasks, two at a time: on two threads when there are two cores, the same
    # arithmetic (so the same bits) either way.
    if width is not None:           # a compact embedding: interpolation on a grid beside the attraction
        (Z, F), (grad, terms) = _both(blocks, lambda: interpolation.repulsion(Y, width, dof), attract)
    elif n <= _BH_DIRECT_MAX:       # few points: all pairs, in two shares, the first with the attraction
        ((Z, F), (grad, terms)), (Z1, F1) = _both(
            blocks, lambda: (quadtree.direct_repulsion(Y, dof, dtype, 0, 2), attract()),
            lambda: quadtree.direct_repulsion(Y, dof, dtype, 1, 2))
        F += F1
        Z += Z1
    else:                           # the tree and its walk beside the attraction, then the pair list's halves
        walk, (grad, terms) = _both(blocks, lambda: quadtree.plan(Y, angle, _BH_LEAF_SIZE), attract)
        (Z0, F), (Z1, F1) = _both(blocks, *(lambda k=k: quadtree.forces(Y, walk, k, 2, dof, dtype) for k in (0, 1)))
        F += F1
        Z = Z0 + Z1 - n             # less the n self-pairs
    Z = max(Z, _EPS)
    error = None if terms is None else terms[0] + np.log(Z) * terms[1]
    F /= Z
    grad -= F
    grad *= 2.0 * (dof + 1.0) / dof
    return error, grad


def _kl_gradient(Y, P, dof, compute_error, work=None):
    """KL(P ‖ Q) and its gradient with respect to the embedding Y (n, c).

    wᵢⱼ = (1 + ‖yᵢ − yⱼ‖²/ν)^{−(ν+1)/2}, qᵢⱼ = wᵢⱼ / Σ_{k≠l} w_kl, and
    ∂KL/∂yᵢ = (2(ν+1)/ν) Σⱼ (pᵢⱼ − qᵢⱼ) wᵢⱼ^{2/(ν+1)} (yᵢ − yⱼ),
    written as rowsum(A) ⊙ Y − A Y with Aᵢⱼ = (pᵢⱼ − qᵢⱼ) wᵢⱼ^{2/(ν+1)}.

    The n × n work runs in P's dtype (float32 in :class:`TSNE`) inside two
    reusable buffers ``work`` (fresh n × n arrays every iteration would cost
    more in page faults than the arithmetic): it is memory bound, and squared
    distances are summed from coordinate differences (no cancellation), so
    single precision costs nothing visible in the embedding.
    """
    n = Y.shape[0]
    D, T = work if work is not None else (np.empty_like(P), np.empty_like(P))
    Yd = Y.astype(P.dtype)
    np.subtract.outer(Yd[:, 0], Yd[:, 0], out=D)
    np.multiply(D, D, out=D)
    for j in range(1, Yd.shape[1]):        # a loop over the c embedding axes, not over samples
        np.subtract.outer(Yd[:, j], Yd[:, j], out=T)
        np.multiply(T, T, out=T)
        D += T
    if dof != 1:
        D /= dof
    D += 1.0
    if dof == 1:
        W = np.reciprocal(D, out=D)
    else:
        W = np.power(D, -(dof + 1.0) / 2.0, out=D)
    W.flat[:: n + 1] = 0.0
    Q = np.multiply(W, 1.0 / W.sum(dtype=np.float64), out=T)
    error = None
    if compute_error:
        P64, Q64 = P.astype(np.float64), np.maximum(Q, _EPS, dtype=np.float64)
        off = P64 > 0
        error = float(np.sum(P64[off] * np.log(P64[off] / Q64[off])))
    A = np.subtract(P, Q, out=T)
    if dof == 1:
        A *= W
    else:
        A *= np.power(W, 2.0 / (dof + 1.0))
    grad = A.sum(axis=1, dtype=np.float64)[:, None] * Y - (A @ Yd).astype(np.float64)
    grad *= 2.0 * (dof + 1.0) / dof
    return error, grad


@dask_unsupported
class TSNE(TransformerMixin, BaseEstimator):
    """t-distributed stochastic neighbour embedding (Barnes–Hut or exact gradient).

    Parameters
    ----------
    n_components : int, default=2
        Dimension c of the embedding.
    perplexity : float, default=30.0
        Effective number of neighbours; must be less than n_samples.
    early_exaggeration : float, default=12.0
        Factor α multiplying P during the first 250 iterations.
    learning_rate : float or "auto", default="auto"
        Step size η; ``"auto"`` is max(n / α / 4, 50).
    max_iter : int, default=1000
        Total gradient iterations (the first min(250, max_iter) are exaggerated).
    n_iter_without_progress : int, default=300
        Stop after this many iterations without a lower KL (checked every 50).
    min_grad_norm : float, default=1e-7
        Stop when the gradient norm falls below this.
    init : {"pca", "random"}, default="pca"
        Initial embedding: the top principal components scaled to a standard
        deviation of 1e-4 along the first, or N(0, 1e-8 I).
    random_state : int, numpy.random.Generator or None, default=None
        Seed for the random initialisation.
    method : {"barnes_hut", "exact"}, default="barnes_hut"
        ``"barnes_hut"``: affinities from the ⌊3·perplexity + 1⌋ nearest
        neighbours and repulsive forces from a space-partitioning tree,
        O(n log n) per iteration, for n_components < 4. ``"exact"``: dense
        affinities and the O(n²) gradient (the textbook method).
    angle : float, default=0.5
        Barnes–Hut opening angle θ in [0, 1]: a tree cell acts through its
        centre of mass on a point when cell width / distance < θ; while the
        repulsion is interpolated on a grid instead, the boxes are θ·√ν/2
        wide. 0 gives the exact repulsive forces; larger is faster and
        coarser. Unused by ``method="exact"``.
    verbose : int, default=0
        Print the KL divergence at each check when positive.

    Attributes
    ----------
    embedding_ : ndarray of shape (n_samples, n_components)
    kl_divergence_ : float
        KL(P ‖ Q) at the final embedding (with P the sparse affinities and
        the normaliser Z estimated by the tree for ``"barnes_hut"``).
    n_iter_ : int
        Index of the last iteration run.
    learning_rate_ : float
    n_features_in_ : int

    Notes
    -----
    High-dimensional affinities are Gaussian, pᵢⱼ = (p_{j|i} + p_{i|j}) / 2n,
    each row's bandwidth chosen by bisection so that its perplexity matches
    ``perplexity``. Low-dimensional affinities are Student-t with ν = max(c − 1, 1)
    degrees of freedom, qᵢⱼ ∝ (1 + ‖yᵢ − yⱼ‖²/ν)^{−(ν+1)/2}. t-SNE minimises

        KL(P ‖ Q) = Σ_{i≠j} pᵢⱼ log(pᵢⱼ / qᵢⱼ)

    by gradient descent with momentum (0.5 for the exaggerated phase, then 0.8)
    and per-coordinate adaptive gains (+0.2 when the gradient's sign flips
    against the update, ×0.8 otherwise, floored at 0.01), as in van der Maaten
    and Hinton (2008). The optimiser runs a fixed budget of ``max_iter``
    iterations; as in scikit-learn, reaching it is the normal end of a run
    and no ``ConvergenceWarning`` is issued.

    ``method="barnes_hut"`` (van der Maaten 2014) keeps pᵢⱼ on the graph of
    the k = ⌊3·perplexity + 1⌋ nearest neighbours (a sparse P, bisection over
    k distances per row) and splits the gradient (ν = 1 shown)

        ∂KL/∂yᵢ = 4 [Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) − (1/Z) Σⱼ wᵢⱼ² (yᵢ − yⱼ)],  Z = Σ_{k≠l} w_kl,

    into attractive forces over the O(n k) edges of P and repulsive forces
    and Z, which come, whichever is cheapest at the current embedding, from

    - a grid, while the embedding is compact (the exaggerated phase; from
      600 points, at most 4 grid nodes per point): the kernels are
      interpolated by quadratics in boxes θ·√ν/2 wide and the box-to-box
      sums are a convolution, done by FFT (FIt-SNE, Linderman et al. 2019),
      about an order more accurate than the tree at the same θ;
    - all pairs, up to 1,000 points (the tree's result with angle 0, and
      cheaper there than walking a tree; below 600 points as n × n arrays);
    - a quadtree (octree for c = 3) whose cells act through their centre of
      mass on the points that see them under an angle below ``angle``;
      cells of at most 16 points that are too close interact point by point.

    KL divergence then needs only the edges and Z. From 1,000 points, on a
    machine with two cores, the repulsion runs beside the attractive sum, in
    halves where it can be split (the same arithmetic as on one core, so the
    same embedding).

    Cost: ``"exact"``: O(n² d) for the distances, O(n² · steps) for the
    bisection and O(n² c) per iteration (memory O(n²)); it suits a few
    thousand points. ``"barnes_hut"``: the k-NN search, O(n k · steps), then
    O(n log n + n k) per iteration with the tree, O(n + M log M) on a grid of
    M nodes (memory O(n k + M)).

    The embedding is invariant to the scale of X (the affinities are
    perplexity-calibrated and the PCA start is normalised): X is embedded as
    X/2^e (exact), so any finite scale works; X·2^k gives the same embedding.

    Examples
    --------
    >>> from mmlkit.datasets import load_iris
    >>> from mmlkit.models import TSNE
    >>> X, _ = load_iris()
    >>> TSNE(perplexity=20, max_iter=300, random_state=0).fit_transform(X).shape
    (150, 2)
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None)],
        "perplexity": [Interval(Real, 0, None, closed="neither")],
        "early_exaggeration": [Interval(Real, 1, None)],
        "learning_rate": [Options(("auto",)), Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None)],
        "n_iter_without_progress": [Interval(Integral, 1, None)],
        "min_grad_norm": [Interval(Real, 0, None)],
        "init": [Options(("pca", "random"))],
        "random_state": ["random_state"],
        "method": [Options(("barnes_hut", "exact"))],
        "angle": [Interval(Real, 0, 1, closed="both")],
        "verbose": [Interval(Integral, 0, None), "boolean"],
    }

    def __init__(self, n_components=2, *, perplexity=30.0, early_exaggeration=12.0, learning_rate="auto",
                 max_iter=1000, n_iter_without_progress=300, min_grad_norm=1e-7, init="pca",
                 random_state=None, method="barnes_hut", angle=0.5, verbose=0):
        self.n_components = n_components
        self.perplexity = perplexity
        self.early_exaggeration = early_exaggeration
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.n_iter_without_progress = n_iter_without_progress
        self.min_grad_norm = min_grad_norm
        self.init = init
        self.random_state = random_state
        self.method = method
        self.angle = angle
        self.verbose = verbose

    def _check_params(self, n):
        validate_params(self)
        if self.perplexity >= n:
            raise ValueError(f"perplexity must be less than n_samples, got perplexity={self.perplexity} "
                             f"and n_samples={n}")
        if self.method == "barnes_hut" and self.n_components > 3:
            raise ValueError(f"n_components must be at most 3 for method='barnes_hut' (its tree splits each "
                             f"cell in 2^n_components), got n_components={self.n_components}; "
                             f"use method='exact'")

    def _initial_embedding(self, X, rng):
        n, c = X.shape[0], self.n_components
        if self.init == "random":
            return 1e-4 * rng.standard_normal((n, c))
        Xc = X - X.mean(axis=0)
        U, S, _ = np.linalg.svd(Xc, full_matrices=False)
        Y = np.zeros((n, c))
        m = min(c, S.size)
        Y[:, :m] = U[:, :m] * S[:m]
        Y *= np.where(np.abs(Y).max(axis=0) == Y.max(axis=0), 1.0, -1.0)   # deterministic signs
        sd = np.std(Y[:, 0])
        if sd == 0:                                      # all rows identical: fall back to noise
            return 1e-4 * rng.standard_normal((n, c))
        return Y / sd * 1e-4

    def _descend(self, Y, objective, state, *, start, stop, momentum, patience):
        """Gradient descent with momentum and gains over iterations [start, stop).

        ``objective(Y, compute_error)`` returns (KL or None, gradient); ``state``
        holds the update (velocity) and the gains. Y and the state are updated
        in place. Returns the index of the last iteration.
        """
        update, gains = state
        lr = self.learning_rate_
        best_error, best_iter = np.finfo(float).max, start
        i = start
        for i in range(start, stop):
            check = (i + 1) % _CHECK_EVERY == 0
            error, grad = objective(Y, check)
            inc = update * grad < 0.0             # the gradient turned against the last step
            gains[inc] += 0.2
            gains[~inc] *= 0.8
            np.maximum(gains, 0.01, out=gains)
            grad *= gains
            update *= momentum
            update -= lr * grad
            Y += update
            if check:
                if self.verbose:
                    print(f"[t-SNE] iteration {i + 1}: KL = {error:.6f}")
                if error < best_error:
                    best_error, best_iter = error, i
                elif i - best_iter > patience:
                    break
                if np.linalg.norm(grad) <= self.min_grad_norm:
                    break
        return i

    def _objective(self, X, dof):
        """The affinities' values P (scaled in place for the exaggeration) and objective(Y, compute_error)."""
        if self.method == "exact":
            return self._objective_dense(
                joint_probabilities(squared_distances(X), self.perplexity).astype(_WORK_DTYPE), dof)
        P = joint_probabilities_nn(X, self.perplexity)
        if X.shape[0] < _GRID_MIN_POINTS:       # all pairs as n × n arrays: the fewest calls for small n
            return self._objective_dense(P.toarray().astype(_WORK_DTYPE), dof)
        edges = _upper_edges(P)
        angle = float(self.angle)
        return edges[2], lambda Y, check: _kl_gradient_bh(Y, edges, dof, check, angle)

    @staticmethod
    def _objective_dense(P, dof):
        work = (np.empty_like(P), np.empty_like(P))
        return P, lambda Y, check: _kl_gradient(Y, P, dof, check, work)

    def fit_transform(self, X, y=None):
        """Embed X (n_samples, n_features); returns the embedding (n_samples, n_components)."""
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        # The embedding depends on X only through perplexity-calibrated affinities and a PCA
        # start normalised to a fixed spread, both invariant to X's scale: embed X/2^e (exact)
        # so that squared distances neither overflow nor underflow at any finite scale.
        X = rescale(X, power_of_two_scale(X))
        n = X.shape[0]
        self._check_params(n)
        rng = check_random_state(self.random_state)
        self.learning_rate_ = (max(n / self.early_exaggeration / 4.0, 50.0) if self.learning_rate == "auto"
                               else float(self.learning_rate))
        dof = max(self.n_components - 1, 1)
        # The SVD of the PCA start is small and the BLAS products per iteration are
        # memory bound: neither is worth BLAS threads.
        with single_blas_thread():
            P, objective = self._objective(X, dof)
            Y = self._initial_embedding(X, rng)
            state = (np.zeros_like(Y), np.ones_like(Y))
            P *= self.early_exaggeration          # phase 1: exaggerated P, momentum 0.5
            it = self._descend(Y, objective, state, start=0, stop=min(_EXPLORATION_ITER, self.max_iter),
                               momentum=0.5, patience=_EXPLORATION_ITER)
            P /= self.early_exaggeration          # phase 2: plain P, momentum 0.8
            if self.max_iter > it + 1:
                it = self._descend(Y, objective, state, start=it + 1, stop=self.max_iter, momentum=0.8,
                                   patience=self.n_iter_without_progress)
            self.kl_divergence_ = objective(Y, True)[0]   # final Y, plain P
        self.embedding_ = Y
        self.n_iter_ = it
        return Y

    def fit(self, X, y=None):
        """Embed X (n_samples, n_features) and store ``embedding_``; returns self."""
        self.fit_transform(X)
        return self
