"""The result object shared by ``minimize`` and the constrained solvers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class OptimizeResult:
    """What an optimizer found.

    Attributes
    ----------
    x : ndarray (n,)
        The solution.
    fun : float
        f(x).
    grad : ndarray (n,)
        ∇f(x) (for constrained problems, the gradient of the objective alone).
    nit : int
        Iterations taken.
    nfev, njev : int
        Evaluations of f and of ∇f (one call that returns both counts once in each).
    success : bool
        Whether the stopping tolerance was met.
    message : str
        Why the method stopped.
    path : ndarray (nit + 1, n)
        Every iterate, x₀ first: draw it on a contour plot with ``mmlkit.viz.optimization_paths``
        (``minimize(..., keep_path=False)``: the last iterate alone, shape (1, n)).
    multipliers : dict or None
        Constrained problems only: ``{"eq": λ, "ineq": μ}`` with ∇f = Σ λᵢ∇hᵢ + Σ μⱼ∇gⱼ, μ ≥ 0.
    kkt_residual : float or None
        Constrained problems only: the largest violation of stationarity, feasibility
        and complementary slackness.
    """

    x: np.ndarray
    fun: float
    grad: np.ndarray
    nit: int
    nfev: int
    njev: int
    success: bool
    message: str
    path: np.ndarray = field(repr=False)
    multipliers: dict | None = None
    kkt_residual: float | None = None

    @property
    def jac(self) -> np.ndarray:
        """Alias of ``grad``, as ``scipy.optimize.OptimizeResult`` names it."""
        return self.grad
