"""Euclidean projections onto common convex sets, for :func:`projected_gradient`.

Each ``project_*`` returns a function x ↦ argmin_{z ∈ C} ‖z − x‖.
"""

from __future__ import annotations

import numpy as np

from mmlkit._validation import POSITIVE, as_float_array, validate_args

__all__ = ["project_ball", "project_box", "project_nonnegative", "project_simplex"]


def project_box(low, high):
    """C = {x : low ≤ x ≤ high} (elementwise); P_C(x) = clip(x, low, high)."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    if np.any(low > high):
        raise ValueError("project_box needs low <= high elementwise")
    return lambda x: np.clip(x, low, high)


def project_nonnegative():
    """C = {x : x ≥ 0}; P_C(x) = max(x, 0)."""
    return lambda x: np.maximum(x, 0.0)


@validate_args({"radius": [POSITIVE]})
def project_ball(radius=1.0, center=0.0):
    """C = {x : ‖x − c‖₂ ≤ r}; P_C(x) = c + (x − c)·min(1, r / ‖x − c‖).

    The norm is taken on ``(x − c)/2**e`` with ``2**e ≈ max |x − c|`` (exact),
    so entries as large as 1e300 or as small as 1e-300 give the right answer.
    """
    def project(x):
        d = np.asarray(x, dtype=float) - center
        # ‖d‖ computed on d/2**e (exact) so that squares of huge or tiny entries neither over- nor underflow
        e = int(np.frexp(np.max(np.abs(d), initial=0.0))[1])
        u = np.ldexp(d, -e)
        n = np.linalg.norm(u)
        with np.errstate(over="ignore", under="ignore"):
            inside = n <= np.ldexp(radius, -e)
        return x if inside else center + (u / n) * radius

    return project


@validate_args({"total": [POSITIVE]})
def project_simplex(total=1.0):
    """C = {x : x ≥ 0, Σx = s}, by sorting (Duchi et al., 2008), O(n log n).

    The projection is max(x − θ, 0) with θ chosen so the result sums to s:
    θ = (Σ_{i≤ρ} u₍ᵢ₎ − s)/ρ for u sorted descending and ρ the largest index
    with u₍ρ₎ > (Σ_{i≤ρ} u₍ᵢ₎ − s)/ρ.
    """
    def project(x):
        x = as_float_array(x, "x", ndim=1)
        # P(x + c·1) = P(x): when the largest entry exceeds s, shift it down to s, so that θ does not
        # cancel against a huge entry and u₍₁₎ > u₍₁₎ − s holds in floating point (ρ ≥ 1 always)
        y = x - max(float(x.max()) - total, 0.0)
        u = np.sort(y)[::-1]
        css = np.cumsum(u) - total
        k = np.arange(1, x.size + 1)
        rho = np.nonzero(u > css / k)[0][-1]
        theta = css[rho] / (rho + 1)
        return np.maximum(y - theta, 0.0)

    return project
