"""Two-sample distances for judging generated data against held-out data."""

from __future__ import annotations

import numpy as np

from mmlkit._pairwise import euclidean_distances, squared_distances
from mmlkit._validation import POSITIVE, as_float_array, validate_args

__all__ = ["energy_distance", "mmd_rbf"]


def _pair(X, Y):
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of features, got {X.shape[1]} and {Y.shape[1]}")
    # a common power of two 2**e ≈ max |x|: the squared distances of the rescaled (exactly) points
    # neither over- nor underflow, whatever the data's scale
    e = int(np.frexp(max(np.max(np.abs(X), initial=0.0), np.max(np.abs(Y), initial=0.0)))[1])
    return np.ldexp(X, -e), np.ldexp(Y, -e), e


def energy_distance(X, Y):
    r"""Energy distance (Székely & Rizzo): D² = 2E‖X − Y‖ − E‖X − X'‖ − E‖Y − Y'‖ ≥ 0.

    Zero iff the two distributions are equal. V-statistic estimate from the
    samples X (n, d) and Y (m, d); cost O((n + m)² d) through matrix products.
    Returns D² (the squared energy distance, as scipy's ``energy_distance`` is D
    for 1-D samples).
    """
    X, Y, e = _pair(X, Y)
    d2 = 2 * euclidean_distances(X, Y).mean() - euclidean_distances(X).mean() - euclidean_distances(Y).mean()
    with np.errstate(over="ignore"):
        return float(np.ldexp(d2, e))


@validate_args({"gamma": [POSITIVE, None]})
def mmd_rbf(X, Y, gamma=None):
    r"""Squared maximum mean discrepancy with the RBF kernel k(x, y) = exp(−γ‖x − y‖²).

    MMD² = E k(X, X') + E k(Y, Y') − 2 E k(X, Y) (biased V-statistic). ``gamma``
    defaults to 1 / median squared distance of the pooled sample (the median heuristic);
    a given ``gamma`` must be > 0 (a negative one makes the "kernel" indefinite and
    MMD² negative).
    """
    X, Y, e = _pair(X, Y)
    if gamma is None:
        pooled = squared_distances(np.vstack([X, Y]))
        positive = pooled[pooled > 0]
        # all points equal: every kernel value is 1 whatever γ, and MMD² = 0
        gamma = 1.0 / max(float(np.median(positive)), 1e-12) if positive.size else 1.0
    else:
        with np.errstate(over="ignore", under="ignore"):
            gamma = float(np.ldexp(gamma, 2 * e))  # the same kernel on the rescaled points
    k = lambda A, B: np.exp(-gamma * squared_distances(A, B))  # noqa: E731
    # MMD² = ‖μ_X − μ_Y‖² in the kernel's feature space: ≥ 0 (clip the rounding below it)
    return max(0.0, float(k(X, X).mean() + k(Y, Y).mean() - 2 * k(X, Y).mean()))
