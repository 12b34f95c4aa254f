"""Convexity checked by sampling the Hessian's spectrum."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mmlkit._validation import NON_NEGATIVE, POSITIVE_INT, as_float_array, check_random_state, validate_args

__all__ = ["ConvexityReport", "is_convex"]


@dataclass(frozen=True)
class ConvexityReport:
    """What :func:`is_convex` saw: the verdict, the smallest Hessian eigenvalue and where.

    Sampling stops at the first counterexample, so for a non-convex f the
    eigenvalue is the first negative one found, not the global minimum.
    """

    convex: bool
    min_eigenvalue: float
    argmin: np.ndarray
    n_samples: int

    def __bool__(self) -> bool:
        return self.convex


@validate_args({"n_samples": [POSITIVE_INT], "tol": [NON_NEGATIVE]})
def is_convex(f, domain, *, n_samples=200, tol=1e-8, random_state=None, hess=None):
    r"""Test convexity of a twice-differentiable f on a box by sampling its Hessian.

    Parameters
    ----------
    f : callable
        f: ℝⁿ → ℝ written with autodiff-compatible operations (or give ``hess``).
    domain : (low, high)
        The box: two arrays (n,) or scalars with ``low < high``; points are drawn uniformly in it.
    n_samples : int, default=200
        Hessians to evaluate.
    tol : float, default=1e-8
        Eigenvalues ≥ −tol·max(1, |λ|max) count as non-negative (round-off).
    random_state : int, Generator or None
        Seed for the sample points.
    hess : callable, optional
        x ↦ ∇²f(x); by default from :func:`mmlkit.autodiff.hessian`.

    Returns
    -------
    ConvexityReport
        Truthy when every sampled Hessian is positive semidefinite.

    Notes
    -----
    A twice-differentiable f is convex on a convex set iff ∇²f(x) ⪰ 0 there.
    A sample can only refute convexity: a negative eigenvalue is a certificate
    of non-convexity (with the point it was found at), while "convex" means no
    counterexample among ``n_samples`` points. Cost: n_samples Hessians and
    symmetric eigenvalue problems, O(n_samples·n³).

    Examples
    --------
    >>> bool(is_convex(lambda x: (x ** 2).sum(), ([-1, -1], [1, 1])))
    True
    >>> bool(is_convex(lambda x: (x[0] ** 2 - x[1] ** 2), ([-1, -1], [1, 1])))
    False
    """
    if not isinstance(domain, (tuple, list)) or len(domain) != 2:
        raise ValueError("domain must be a pair (low, high) of bounds")
    low = as_float_array(np.atleast_1d(domain[0]), "domain low", ndim=1)
    high = as_float_array(np.atleast_1d(domain[1]), "domain high", ndim=1)
    low, high = np.broadcast_arrays(low, high)
    if np.any(low >= high):
        raise ValueError("domain must have low < high in every coordinate")
    if hess is None:
        from mmlkit.autodiff import hessian

        hess = hessian(f)
    rng = check_random_state(random_state)
    points = rng.uniform(low, high, size=(n_samples, low.size))
    worst, where = np.inf, points[0]
    for x in points:  # one Hessian per sample point
        H = np.asarray(hess(x), dtype=float)
        eig = np.linalg.eigvalsh(0.5 * (H + H.T))
        threshold = -tol * max(1.0, float(np.max(np.abs(eig))))
        if eig[0] < worst:
            worst, where = float(eig[0]), x
        if eig[0] < threshold:
            return ConvexityReport(False, worst, where, n_samples)
    return ConvexityReport(True, worst, where, n_samples)
