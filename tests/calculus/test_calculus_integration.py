"""Quadrature against scipy.integrate and closed forms."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.integrate as si
from hypothesis import given
from hypothesis import strategies as st

from mmlkit.calculus import (
    gauss_legendre,
    gauss_legendre_nodes,
    monte_carlo,
    nquad,
    quad,
    simpson,
    trapezoid,
)
from mmlkit.exceptions import ConvergenceWarning

SMOOTH = [
    (np.exp, 0.0, 1.0),
    (np.sin, 0.0, np.pi),
    (lambda x: 1 / (1 + x ** 2), -3.0, 5.0),
    (lambda x: np.cos(10 * x) * np.exp(-x), 0.0, 4.0),
    (lambda x: x ** 7 - 3 * x ** 2, -1.0, 2.0),
]


@pytest.mark.parametrize("i", range(len(SMOOTH)))
def test_quad_against_scipy_on_smooth_integrands(i):
    f, a, b = SMOOTH[i]
    value, error = quad(f, a, b, epsabs=1e-13, epsrel=1e-13)
    ref, _ = si.quad(f, a, b, epsabs=1e-13, epsrel=1e-13, limit=200)
    assert abs(value - ref) < 1e-10 * max(1, abs(ref))
    assert error < 1e-10 and abs(value - ref) <= error + 1e-13


@pytest.mark.parametrize("f,a,b,exact", [
    (lambda x: np.exp(-x ** 2), -np.inf, np.inf, math.sqrt(math.pi)),
    (lambda x: 1 / (1 + x ** 2), 0.0, np.inf, math.pi / 2),
    (lambda x: np.exp(x), -np.inf, 0.0, 1.0),
    (lambda x: x ** 2 * np.exp(-x), 0.0, np.inf, 2.0),
    (lambda x: 1 / np.cosh(np.clip(x, -700, 700)), -np.inf, np.inf, math.pi),
])
def test_quad_infinite_limits_against_closed_forms_and_scipy(f, a, b, exact):
    value, error = quad(f, a, b, epsabs=1e-12, epsrel=1e-12, limit=100)
    assert abs(value - exact) < 1e-10
    assert abs(value - si.quad(f, a, b)[0]) < 1e-9


def test_quad_endpoint_singularities_and_reversed_limits():
    value, error = quad(np.sqrt, 0.0, 1.0, epsabs=1e-12, epsrel=1e-12, limit=200)
    assert abs(value - 2 / 3) < 1e-10 and error < 1e-9
    value, _ = quad(lambda x: np.log(x), 0.0, 1.0, epsabs=1e-11, epsrel=1e-11, limit=200)
    assert abs(value + 1.0) < 1e-10
    v1, _ = quad(np.cos, 0.0, 2.0)
    v2, _ = quad(np.cos, 2.0, 0.0)
    assert v1 == -v2 and quad(np.cos, 1.0, 1.0) == (0.0, 0.0)


def test_quad_error_estimate_matches_quadpack_on_a_single_interval():
    # same Gauss–Kronrod pair and error formula as QUADPACK's QK15 used by scipy
    value, error = quad(np.exp, 0.0, 1.0)
    ref, ref_err = si.quad(np.exp, 0.0, 1.0)
    assert abs(value - ref) < 1e-15 and math.isclose(error, ref_err, rel_tol=1e-6)


def test_quad_accepts_non_vectorised_integrands_and_warns_at_limit():
    value, _ = quad(lambda x: math.exp(x), 0.0, 1.0)
    assert abs(value - (math.e - 1)) < 1e-12
    with pytest.warns(ConvergenceWarning, match="limit"):
        quad(lambda x: np.sin(1 / x), 1e-6, 1.0, limit=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quad(np.exp, 0.0, 1.0)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30, 80])
def test_gauss_legendre_nodes_against_numpy_leggauss_oracle(n):
    x, w = gauss_legendre_nodes(n)
    xr, wr = np.polynomial.legendre.leggauss(n)
    np.testing.assert_allclose(x, xr, atol=1e-14)
    np.testing.assert_allclose(w, wr, rtol=1e-12, atol=1e-15)


@given(st.integers(1, 12), st.integers(0, 2**16))
def test_property_gauss_legendre_exact_for_degree_2n_minus_1(n, seed):
    coeffs = np.random.default_rng(seed).standard_normal(2 * n)
    poly = np.polynomial.Polynomial(coeffs)
    exact = poly.integ()(2.0) - poly.integ()(-1.0)
    assert abs(gauss_legendre(poly, -1.0, 2.0, n=n) - exact) < 1e-10 * max(1, np.abs(coeffs).sum() * 2 ** (2 * n))


def test_newton_cotes_rules_converge_at_their_orders():
    exact = 2.0
    e_trap = [abs(trapezoid(np.sin, 0.0, np.pi, n) - exact) for n in (16, 32)]
    e_simp = [abs(simpson(np.sin, 0.0, np.pi, n) - exact) for n in (16, 32)]
    assert 3.9 < e_trap[0] / e_trap[1] < 4.1  # O(h²)
    assert 15.5 < e_simp[0] / e_simp[1] < 16.5  # O(h⁴)
    assert simpson(lambda x: x ** 3 - x, -1.0, 3.0, n=2) == pytest.approx(16.0, abs=1e-12)  # exact on cubics
    assert abs(trapezoid(np.exp, 0, 1, 2000) - si.trapezoid(np.exp(np.linspace(0, 1, 2001)), dx=1 / 2000)) < 1e-14
    assert abs(simpson(np.exp, 0, 1, 200) - si.simpson(np.exp(np.linspace(0, 1, 201)), dx=1 / 200)) < 1e-14
    assert abs(gauss_legendre(np.exp, 0, 1, 12) - (math.e - 1)) < 1e-14


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_monte_carlo_estimate_within_its_standard_error_and_reproducible(seed):
    f = lambda X: np.exp(-(X ** 2).sum(axis=1))  # noqa: E731
    est, se = monte_carlo(f, [(-1, 1), (-1, 1), (-1, 1)], n=20_000, random_state=seed)
    exact = (math.sqrt(math.pi) * math.erf(1.0)) ** 3
    assert abs(est - exact) < 4 * se and 0 < se < 0.05
    assert monte_carlo(f, [(-1, 1)] * 3, n=20_000, random_state=seed) == (est, se)
    est1, se1 = monte_carlo(np.sin, [(0, np.pi)], n=50_000, random_state=seed)
    assert abs(est1 - 2.0) < 4 * se1
    # the standard error falls like n^(-1/2)
    _, se_big = monte_carlo(f, [(-1, 1)] * 3, n=80_000, random_state=seed)
    assert 1.7 < se / se_big < 2.3


def test_nquad_against_scipy_in_two_and_three_dimensions():
    f2 = lambda x, y: np.exp(-x * y) * np.cos(x + y)  # noqa: E731
    v, err = nquad(f2, [(0, 1), (0, 2)])
    assert abs(v - si.nquad(f2, [(0, 1), (0, 2)])[0]) < 1e-10 and err < 1e-8
    f3 = lambda x, y, z: x * y ** 2 + np.sin(z) * x  # noqa: E731
    v3, _ = nquad(f3, [(0, 1), (-1, 1), (0, np.pi)])
    assert abs(v3 - si.nquad(f3, [(0, 1), (-1, 1), (0, np.pi)])[0]) < 1e-10
    # a non-rectangular region (quarter disc) and an infinite range
    quarter, _ = nquad(lambda x, y: np.ones_like(x), [lambda y: (0.0, np.sqrt(1 - y * y)), (0.0, 1.0)],
                       epsabs=1e-11, epsrel=1e-11)
    assert abs(quarter - math.pi / 4) < 1e-9
    gauss, _ = nquad(lambda x, y: np.exp(-x * x - y * y), [(-np.inf, np.inf), (-np.inf, np.inf)])
    assert abs(gauss - math.pi) < 1e-8


def test_integration_input_errors():
    with pytest.raises(ValueError, match="callable"):
        quad(1.0, 0, 1)
    with pytest.raises(ValueError, match="real numbers"):
        quad(np.sin, "a", 1)
    with pytest.raises(ValueError, match="NaN"):
        quad(np.sin, np.nan, 1.0)
    with pytest.raises(ValueError, match="both be 0"):
        quad(np.sin, 0, 1, epsabs=0, epsrel=0)
    with pytest.raises(ValueError, match="limit"):
        quad(np.sin, 0, 1, limit=0)
    with pytest.raises(ValueError, match="not finite"), np.errstate(divide="ignore"):
        quad(lambda x: 1 / x, -1.0, 1.0)
    with pytest.raises(ValueError, match="even"):
        simpson(np.sin, 0, 1, n=3)
    with pytest.raises(ValueError, match="n must be"):
        trapezoid(np.sin, 0, 1, n=0)
    with pytest.raises(ValueError, match="a must be a float"):
        trapezoid(np.sin, -np.inf, 1)
    with pytest.raises(ValueError, match="n must be"):
        gauss_legendre(np.sin, 0, 1, n=0)
    with pytest.raises(ValueError, match="low < high"):
        monte_carlo(np.sin, [(1, 0)])
    with pytest.raises(ValueError, match="pairs"):
        monte_carlo(np.sin, [(0, 1, 2)])
    with pytest.raises(ValueError, match="one value per sample"):
        monte_carlo(lambda X: np.ones(3), [(0, 1), (0, 1)], n=10)
    with pytest.raises(ValueError, match="n must be"):
        monte_carlo(np.sin, [(0, 1)], n=1)
    with pytest.raises(ValueError, match="2 or 3"):
        nquad(lambda x: x, [(0, 1)])
    with pytest.raises(ValueError, match="pair"):
        nquad(lambda x, y: x, [(0, 1, 2), (0, 1)])


@given(st.floats(-3, 3), st.floats(0.1, 3), st.floats(0.1, 3), st.floats(-2, 2))
def test_property_quad_is_additive_over_intervals_and_linear(a, w1, w2, c):
    f = lambda x: np.exp(np.sin(x)) + c * x ** 2  # noqa: E731
    b, d = a + w1, a + w1 + w2
    whole = quad(f, a, d, epsabs=1e-13, epsrel=1e-13).value
    parts = quad(f, a, b, epsabs=1e-13, epsrel=1e-13).value + quad(f, b, d, epsabs=1e-13, epsrel=1e-13).value
    assert abs(whole - parts) < 1e-10 * max(1, abs(whole))
    double = quad(lambda x: 2 * f(x), a, d, epsabs=1e-13, epsrel=1e-13).value
    assert abs(double - 2 * whole) < 1e-10 * max(1, abs(whole))


@given(st.integers(2, 60).map(lambda k: 2 * k), st.floats(-2, 2), st.floats(0.5, 4))
def test_property_newton_cotes_exact_on_low_degree_polynomials(n, a, width):
    b = a + width
    cubic = lambda x: 3 * x ** 3 - x ** 2 + 2 * x - 5  # noqa: E731
    exact = (0.75 * (b ** 4 - a ** 4) - (b ** 3 - a ** 3) / 3 + (b ** 2 - a ** 2) - 5 * width)
    assert abs(simpson(cubic, a, b, n) - exact) < 1e-9 * max(1, abs(exact))
    line = lambda x: 2 * x + 1  # noqa: E731
    assert abs(trapezoid(line, a, b, n) - ((b ** 2 - a ** 2) + width)) < 1e-10 * max(1, width)


@pytest.mark.parametrize("f,exact", [
    (lambda x: 1 / np.sqrt(x), 2.0),
    (lambda x: x ** -0.8, 5.0),
    (lambda x: np.log(x) / np.sqrt(x), -4.0),
    (lambda x: np.log(x) ** 2, 2.0),
])
def test_quad_integrable_endpoint_singularities_by_extrapolation(f, exact):
    value, error = quad(f, 0.0, 1.0, epsabs=1e-12, epsrel=1e-12)
    assert abs(value - exact) < 1e-10 and abs(value - exact) <= error + 1e-12
    assert abs(value - si.quad(f, 0.0, 1.0)[0]) < 1e-10


def test_nquad_falls_back_when_the_integrand_does_not_broadcast_and_handles_3d_regions():
    def scalar_in_y(x, y):  # math.exp needs a scalar y: no batched first try
        return np.exp(-x) * math.exp(-y)

    v, _ = nquad(scalar_in_y, [(0, 1), (0, 1)])
    assert abs(v - (1 - math.exp(-1)) ** 2) < 1e-12
    # the unit ball's first octant: x² + y² + z² ≤ 1, volume π/6
    ranges = [lambda y, z: (0.0, math.sqrt(max(0.0, 1 - y * y - z * z))),
              lambda z: (0.0, math.sqrt(1 - z * z)), (0.0, 1.0)]
    v3, _ = nquad(lambda x, y, z: np.ones_like(x), ranges, epsabs=1e-10, epsrel=1e-10)
    ref = si.nquad(lambda x, y, z: 1.0, ranges, opts={"epsabs": 1e-10, "epsrel": 1e-10})[0]
    assert abs(v3 - math.pi / 6) < 1e-8 and abs(v3 - ref) < 1e-8

# ----------------------------------------------------------------------------- divergence (issue 20)
@pytest.mark.parametrize(("f", "a", "b", "sign"), [
    (lambda x: 1 / x**2, 0.0, 1.0, 1.0),      # Wynn's ε extrapolated this to the "antilimit" −1
    (lambda x: -1 / x**2, 0.0, 1.0, -1.0),
    (lambda x: 1 / x, 0.0, 1.0, 1.0),         # logarithmic divergence: constant increments
    (lambda x: 1 / (1 - x) ** 1.5, 0.0, 1.0, 1.0),
    (lambda x: 1 / x, 1.0, np.inf, 1.0),
])
def test_divergent_integrals_warn_and_return_inf(f, a, b, sign):
    from mmlkit.exceptions import ConvergenceWarning

    with pytest.warns(ConvergenceWarning, match="divergent"):
        value, error = quad(f, a, b)
    assert value == sign * np.inf and error == np.inf


@pytest.mark.parametrize(("f", "expected"), [
    (lambda x: 1 / np.sqrt(x), 2.0),
    (lambda x: x ** -0.9, 10.0),
    (lambda x: np.log(x), -1.0),
    (lambda x: np.log(x) ** 2 / np.sqrt(x), 16.0),
])
def test_integrable_singularities_still_converge(f, expected):
    value, error = quad(f, 0.0, 1.0)
    assert abs(value - expected) <= max(error, 1e-9 * abs(expected)) * 10
