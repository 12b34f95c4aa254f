"""Comparing and summarising persistence diagrams: bottleneck distance, landscapes, features."""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from mmlkit._validation import POSITIVE, POSITIVE_INT, as_float_array, validate_args

__all__ = ["betti_curve", "bottleneck_distance", "persistence_entropy", "persistence_landscape",
           "total_persistence"]


def _check_diagram(dgm, name: str, *, allow_inf: bool = True) -> np.ndarray:
    """A (k, 2) float array of (birth, death) pairs with death >= birth; NaN rejected."""
    dgm = as_float_array(dgm, name, finite=False, nonempty=False, dtype=np.float64)
    if dgm.size == 0:
        return np.empty((0, 2))
    if dgm.ndim != 2 or dgm.shape[1] != 2:
        raise ValueError(f"{name} must have shape (k, 2) of (birth, death) pairs, got {dgm.shape}")
    if np.isnan(dgm).any() or np.isinf(dgm[:, 0]).any():
        raise ValueError(f"{name} must have finite births and no NaN")
    if not allow_inf and np.isinf(dgm[:, 1]).any():
        raise ValueError(f"{name} must have finite deaths here; drop the infinite bars first")
    if (dgm[:, 1] < dgm[:, 0]).any():
        raise ValueError(f"{name} must have death >= birth in every row")
    return dgm


def _perfect_matching_exists(adj: np.ndarray) -> bool:
    """Whether the square bipartite graph ``adj`` has a perfect matching (Hopcroft–Karp, in SciPy)."""
    match = maximum_bipartite_matching(csr_matrix(adj), perm_type="column")
    return bool((match >= 0).all())


def bottleneck_distance(dgm1, dgm2) -> float:
    """Bottleneck distance between two persistence diagrams.

    Parameters
    ----------
    dgm1 : array_like of shape (m, 2)
        (birth, death) pairs; deaths may be ``np.inf``.
    dgm2 : array_like of shape (n, 2)
        Same for the second diagram.

    Returns
    -------
    float
        d_B; ``np.inf`` when the diagrams have different numbers of infinite bars.

    Notes
    -----
    d_B(X, Y) = inf over bijections γ of sup_x ‖x − γ(x)‖_∞, where either diagram
    may also use points of the diagonal; matching x = (b, d) to the diagonal costs
    (d − b)/2. The exact value is one of the O((m + n)²) candidate costs: the
    sorted candidates are binary-searched, each test asking whether the
    (m + n) × (n + m) bipartite graph of edges with cost ≤ ε — points of X plus
    diagonal copies of Y against points of Y plus diagonal copies of X, diagonal
    copies joined to each other at cost 0 — has a perfect matching
    (Hopcroft–Karp). Cost O((m + n)^2.5 log(m + n)). Infinite bars are matched
    among themselves by their births (sorted order is optimal on a line).

    Examples
    --------
    >>> bottleneck_distance([[0.0, 2.0]], [[0.0, 2.5]])
    0.5
    >>> bottleneck_distance([[0.0, 2.0]], np.empty((0, 2)))      # to the diagonal
    1.0
    """
    A, B = _check_diagram(dgm1, "dgm1"), _check_diagram(dgm2, "dgm2")
    infA, infB = np.isinf(A[:, 1]), np.isinf(B[:, 1])
    if infA.sum() != infB.sum():
        return float("inf")
    essential = float(np.max(np.abs(np.sort(A[infA, 0]) - np.sort(B[infB, 0])), initial=0.0))
    A, B = A[~infA], B[~infB]
    m, n = len(A), len(B)
    if m + n == 0:
        return essential
    big = np.inf
    C = np.full((m + n, n + m), big)
    C[:m, :n] = np.max(np.abs(A[:, None, :] - B[None, :, :]), axis=2)
    C[np.arange(m), n + np.arange(m)] = (A[:, 1] - A[:, 0]) / 2          # x to its diagonal point
    C[m + np.arange(n), np.arange(n)] = (B[:, 1] - B[:, 0]) / 2          # diagonal point to y
    C[m:, n:] = 0.0                                                     # diagonal to diagonal
    candidates = np.unique(C[np.isfinite(C)])
    lo, hi = 0, candidates.size - 1                     # hi always feasible (all finite edges)
    while lo < hi:
        mid = (lo + hi) // 2
        if _perfect_matching_exists(C <= candidates[mid]):
            hi = mid
        else:
            lo = mid + 1
    return max(float(candidates[lo]), essential)


@validate_args({"k": [POSITIVE_INT]})
def persistence_landscape(dgm, k: int, grid) -> np.ndarray:
    """The first ``k`` persistence landscape functions sampled on ``grid``.

    Parameters
    ----------
    dgm : array_like of shape (m, 2)
        (birth, death) pairs (an infinite death gives a tent that never comes down).
    k : int
        Number of landscape functions, k >= 1.
    grid : array_like of shape (g,)
        Points t at which to evaluate.

    Returns
    -------
    ndarray of shape (k, g)
        ``out[j - 1, :]`` is λ_j on the grid (zero where fewer than j tents are positive).

    Notes
    -----
    λ_j(t) = j-th largest value of max(0, min(t − b_i, d_i − t)) over the points
    (Bubenik 2015). The tents of all points on all grid values form an (m, g)
    array, partially sorted down each column: O(m g log m).

    Examples
    --------
    >>> persistence_landscape([[0.0, 2.0]], 1, [0.0, 1.0, 2.0])
    array([[0., 1., 0.]])
    """
    D = _check_diagram(dgm, "dgm")
    t = as_float_array(grid, "grid", ndim=1)
    tents = np.maximum(0.0, np.minimum(t[None, :] - D[:, :1], D[:, 1:] - t[None, :]))
    out = np.zeros((k, t.size))
    top = -np.sort(-tents, axis=0)[:k]
    out[:top.shape[0]] = top
    return out


@validate_args({"p": [POSITIVE]})
def total_persistence(dgm, p: float = 1.0) -> float:
    """Sum of bar lengths to the power ``p`` over the finite bars.

    Parameters
    ----------
    dgm : array_like of shape (m, 2)
        (birth, death) pairs; infinite bars are left out.
    p : float, default=1.0
        Exponent, p > 0.

    Notes
    -----
    Pers_p(D) = Σ_{(b, d) ∈ D, d < ∞} (d − b)^p. O(m).

    Examples
    --------
    >>> total_persistence([[0.0, 1.0], [0.5, 2.5], [0.0, np.inf]])
    3.0
    """
    D = _check_diagram(dgm, "dgm")
    D = D[np.isfinite(D[:, 1])]
    return float(np.sum((D[:, 1] - D[:, 0]) ** p))


@validate_args({"normalize": ["boolean"]})
def persistence_entropy(dgm, normalize: bool = False) -> float:
    """Shannon entropy (nats) of the bar lengths of the finite bars.

    Parameters
    ----------
    dgm : array_like of shape (m, 2)
        (birth, death) pairs; infinite and zero-length bars are left out.
    normalize : bool, default=False
        Divide by log(number of bars), so that equal bars give 1.

    Notes
    -----
    With ℓ_i = d_i − b_i and L = Σ ℓ_i: E = −Σ (ℓ_i / L) log(ℓ_i / L)
    (Chintakunta et al. 2015; persim's ``persistent_entropy``). Few long bars
    give low entropy, many similar bars high. O(m).

    Examples
    --------
    >>> round(persistence_entropy([[0.0, 1.0], [0.0, 1.0]]), 6)     # log 2
    0.693147
    """
    D = _check_diagram(dgm, "dgm")
    lengths = D[:, 1] - D[:, 0]
    lengths = lengths[np.isfinite(lengths) & (lengths > 0)]
    if lengths.size == 0:
        return 0.0
    p = lengths / lengths.sum()
    entropy = float(-np.sum(p * np.log(p)))
    if normalize:
        return entropy / np.log(lengths.size) if lengths.size > 1 else 0.0
    return entropy


def betti_curve(dgm, grid) -> np.ndarray:
    """Number of bars alive at each grid value: β(t) = #{i : b_i ≤ t < d_i}.

    Parameters
    ----------
    dgm : array_like of shape (m, 2)
        (birth, death) pairs; deaths may be ``np.inf``.
    grid : array_like of shape (g,)
        Filtration values t.

    Returns
    -------
    ndarray of int of shape (g,)

    Notes
    -----
    β_q(t) is the rank of H_q of the complex at scale t. With births and deaths
    sorted, β(t) = #{b_i ≤ t} − #{d_i ≤ t}: two binary searches, O((m + g) log m).

    Examples
    --------
    >>> betti_curve([[0.0, 1.0], [0.5, np.inf]], [0.25, 0.75, 2.0])
    array([1, 2, 1])
    """
    D = _check_diagram(dgm, "dgm")
    t = as_float_array(grid, "grid", ndim=1)
    born = np.searchsorted(np.sort(D[:, 0]), t, side="right")
    dead = np.searchsorted(np.sort(D[:, 1]), t, side="right")
    return (born - dead).astype(int)
