"""Numerical calculus against SciPy: adaptive quadrature, Gauss–Legendre nodes, 2-D integrals, derivatives.

Quality is the largest absolute error against closed forms (lower is better).
No ratio targets are set by the issue for these rows; they are here so a
regression in speed or accuracy shows.
"""

from __future__ import annotations

import math

import numpy as np

from mmlkit._bench import compare
from mmlkit.calculus import derivative, gauss_legendre_nodes, nquad, quad

# integrands with closed-form integrals over [a, b]
_PROBLEMS = [
    (lambda x: np.exp(-x * x), -np.inf, np.inf, math.sqrt(math.pi)),
    (lambda x: 1.0 / (1.0 + x * x), 0.0, np.inf, math.pi / 2),
    (np.sin, 0.0, math.pi, 2.0),
    (lambda x: np.cos(20 * x) * np.exp(-x), 0.0, 5.0, (1 - math.exp(-5) * (math.cos(100) - 20 * math.sin(100))) / 401),
    (np.sqrt, 0.0, 1.0, 2.0 / 3.0),
    (lambda x: x ** 9, -1.0, 2.0, (2 ** 10 - 1) / 10),
]


def run(smoke: bool = False):
    import scipy.integrate as si

    repeat = 1 if smoke else 5
    problems = _PROBLEMS[:3] if smoke else _PROBLEMS
    exact = np.array([p[3] for p in problems])
    rows = []

    def ours_quad():
        return np.array([quad(f, a, b, epsabs=1e-10, epsrel=1e-10, limit=200).value for f, a, b, _ in problems])

    def scipy_quad():
        return np.array([si.quad(f, a, b, epsabs=1e-10, epsrel=1e-10, limit=200)[0] for f, a, b, _ in problems])

    rows.append(compare(
        "adaptive quadrature (incl. infinite limits)", ours_quad, scipy_quad,
        reference_name="scipy.integrate.quad", size=f"{len(problems)} integrals, tol 1e-10",
        quality=lambda v: float(np.abs(v - exact).max()), quality_name="max |error|",
        higher_is_better=False, repeat=repeat))

    n = 20 if smoke else 300
    xr, wr = np.polynomial.legendre.leggauss(n)
    poly_exact = 2.0 / 11.0  # ∫ x¹⁰ over [−1, 1]
    rows.append(compare(
        "Gauss–Legendre nodes and weights (Golub–Welsch + Newton)",
        lambda: gauss_legendre_nodes(n), lambda: np.polynomial.legendre.leggauss(n),
        reference_name="numpy.polynomial.legendre.leggauss", size=f"n={n}",
        quality=lambda xw: float(abs(xw[1] @ xw[0] ** 10 - poly_exact) + np.abs(xw[0] - xr).max()),
        quality_name="|∫x¹⁰ error| + max |node − ref|", higher_is_better=False, repeat=repeat))

    def f2(x, y):
        return np.exp(-x * y) * np.cos(x + y)

    ref2 = si.nquad(f2, [(0, 1), (0, 2)], opts={"epsabs": 1e-12, "epsrel": 1e-12})[0]
    rows.append(compare(
        "2-D integral (iterated adaptive)", lambda: nquad(f2, [(0, 1), (0, 2)]).value,
        lambda: si.nquad(f2, [(0, 1), (0, 2)])[0], reference_name="scipy.integrate.nquad",
        size="[0,1]×[0,2]", quality=lambda v: abs(v - ref2), quality_name="|error| vs tight scipy",
        higher_is_better=False, repeat=repeat))

    from scipy.differentiate import derivative as sp_derivative

    xs = np.linspace(0.1, 3.0, 50 if smoke else 10_000)
    d_exact = np.cos(xs) * np.exp(-xs) - np.sin(xs) * np.exp(-xs)

    def fun(x):
        return np.sin(x) * np.exp(-x)

    rows.append(compare(
        "first derivative, vectorised (central, 4th order)", lambda: derivative(fun, xs),
        lambda: sp_derivative(fun, xs).df, reference_name="scipy.differentiate.derivative",
        size=f"{xs.size} points", quality=lambda d: float(np.abs(d - d_exact).max()),
        quality_name="max |error|", higher_is_better=False, repeat=repeat))
    return rows


if __name__ == "__main__":  # pragma: no cover
    for row in run():
        print(f"{row.name:55s} {row.size:28s} ours {row.ours_s * 1e3:8.2f} ms  ref {row.ref_s * 1e3:8.2f} ms  "
              f"ratio {row.ratio:5.2f}  quality {row.ours_quality:.1e} / {row.ref_quality:.1e}")
