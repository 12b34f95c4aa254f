"""Numerical calculus: finite differences of any order, Taylor polynomials, quadrature.

- :mod:`~mmlkit.calculus.differentiation` — ``derivative`` (central, forward,
  backward, complex step; any order), ``gradient_fd``, ``jacobian_fd``,
  ``hessian_fd``, ``taylor`` (coefficients from :mod:`mmlkit.autodiff`).
- :mod:`~mmlkit.calculus.integration` — ``trapezoid``, ``simpson``,
  ``gauss_legendre`` (Golub–Welsch nodes), adaptive Gauss–Kronrod ``quad`` with
  an error estimate and infinite limits, ``monte_carlo`` with its standard
  error, ``nquad`` in 2–3 dimensions.

Examples
--------
>>> import numpy as np
>>> from mmlkit.calculus import derivative, quad
>>> round(derivative(np.sin, 0.0, n=1), 8)
1.0
>>> value, error = quad(np.sin, 0.0, np.pi)
>>> round(value, 12)
2.0
"""

from mmlkit.calculus.differentiation import (
    TaylorPolynomial,
    derivative,
    finite_difference_weights,
    gradient_fd,
    hessian_fd,
    jacobian_fd,
    taylor,
)
from mmlkit.calculus.integration import (
    IntegrationResult,
    MonteCarloResult,
    gauss_legendre,
    gauss_legendre_nodes,
    monte_carlo,
    nquad,
    quad,
    simpson,
    trapezoid,
)

__all__ = [
    "IntegrationResult", "MonteCarloResult", "TaylorPolynomial", "derivative",
    "finite_difference_weights", "gauss_legendre", "gauss_legendre_nodes", "gradient_fd",
    "hessian_fd", "jacobian_fd", "monte_carlo", "nquad", "quad", "simpson", "taylor", "trapezoid",
]
