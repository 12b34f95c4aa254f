"""Euclidean projections onto common convex sets, for :func:`projected_gradient`.

Each ``project_*`` returns a function x ↦ argmin_{z ∈ C} ‖z − x‖.
"""

from __future__ import annotations

import numpy as np

from mmlkit._validation import check_scalar

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


def project_ball(radius=1.0, center=0.0):
    """C = {x : ‖x − c‖₂ ≤ r}; P_C(x) = c + (x − c)·min(1, r / ‖x − c‖)."""
    check_scalar(radius, "radius", low=0.0, low_inclusive=False)

    def project(x):
        d = x - center
        n = np.linalg.norm(d)
        return x if n <= radius else center + d * (radius / n)

    return project


def project_simplex(total=1.0):
    """C = {x : x ≥ 0, Σx = s}, by sorting (Duchi et al., 2008), O(n log n).

    The projection is max(x − θ, 0) with θ chosen so the result sums to s:
    θ = (Σ_{i≤ρ} u₍ᵢ₎ − s)/ρ for u sorted descending and ρ the largest index
    with u₍ρ₎ > (Σ_{i≤ρ} u₍ᵢ₎ − s)/ρ.
    """
    check_scalar(total, "total", low=0.0, low_inclusive=False)

    def project(x):
        u = np.sort(x)[::-1]
        css = np.cumsum(u) - total
        k = np.arange(1, x.size + 1)
        rho = np.nonzero(u > css / k)[0][-1]
        theta = css[rho] / (rho + 1)
        return np.maximum(x - theta, 0.0)

    return project
