"""Finite differences and Taylor polynomials against closed forms and the autodiff engine."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mmlkit.autodiff as ad
from mmlkit.calculus import (
    derivative,
    finite_difference_weights,
    gradient_fd,
    hessian_fd,
    jacobian_fd,
    taylor,
)

# f, its first four derivatives (closed forms)
FUNCS = {
    "sin": (np.sin, [np.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), np.sin]),
    "exp": (np.exp, [np.exp] * 4),
    "log": (np.log, [lambda x: 1 / x, lambda x: -1 / x ** 2, lambda x: 2 / x ** 3, lambda x: -6 / x ** 4]),
    "cubic": (lambda x: x ** 3 - 2 * x, [lambda x: 3 * x ** 2 - 2, lambda x: 6 * x, lambda x: 6 + 0 * x,
                                         lambda x: 0 * x]),
}
# achievable absolute accuracy per order with the default step (rounding ε/hⁿ vs truncation hᵖ)
TOL = {1: 1e-10, 2: 1e-8, 3: 1e-6, 4: 1e-5}


@pytest.mark.parametrize("name", FUNCS)
@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("method", ["central", "forward", "backward"])
def test_derivatives_of_any_order_against_closed_forms(name, n, method):
    f, ders = FUNCS[name]
    x = np.array([0.7, 1.3, 2.5])
    approx = derivative(f, x, n=n, method=method)
    tol = TOL[n] * (1 if method == "central" else 10 if n < 3 else 100)  # one-sided: larger steps
    np.testing.assert_allclose(approx, ders[n - 1](x), rtol=tol, atol=tol)


def test_higher_orders_and_classic_accuracy():
    assert abs(derivative(np.exp, 0.0, n=6) - 1.0) < 1e-3
    # accuracy=2 is the classic 3-point formula: error ~ h²; accuracy 4 does better
    e2 = abs(derivative(np.sin, 1.0, accuracy=2) - np.cos(1.0))
    e4 = abs(derivative(np.sin, 1.0, accuracy=4) - np.cos(1.0))
    assert e4 < e2 < 1e-9


def test_complex_step_is_exact_to_rounding():
    for x in [0.1, 1.0, 10.0]:
        assert abs(derivative(np.exp, x, method="complex_step") - np.exp(x)) <= 2 * np.finfo(float).eps * np.exp(x)
    f = lambda x: np.exp(x) / np.sqrt(np.sin(x) ** 3 + np.cos(x) ** 3)  # noqa: E731  (Squire & Trapp)
    exact = ad.grad(lambda t: ad.exp(t) / ad.sqrt(ad.sin(t) ** 3 + ad.cos(t) ** 3))(np.array(1.5))
    assert abs(derivative(f, 1.5, method="complex_step") - exact) < 1e-14 * abs(exact)


def test_derivative_against_autodiff_on_random_points():
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, 20)
    fd = derivative(lambda x: np.tanh(x) * np.sin(3 * x), x)
    exact = ad.grad(lambda t: ad.sum(ad.tanh(t) * ad.sin(3 * t)))(x)
    np.testing.assert_allclose(fd, exact, rtol=1e-9, atol=1e-10)


def test_finite_difference_weights_are_the_textbook_ones():
    np.testing.assert_allclose(finite_difference_weights([-1, 0, 1], 1), [-0.5, 0, 0.5])
    np.testing.assert_allclose(finite_difference_weights([-2, -1, 0, 1, 2], 1), [1 / 12, -2 / 3, 0, 2 / 3, -1 / 12])
    np.testing.assert_allclose(finite_difference_weights([0, 1, 2], 1), [-1.5, 2, -0.5])
    np.testing.assert_allclose(finite_difference_weights([-2, -1, 0, 1, 2], 4), [1, -4, 6, -4, 1])


@given(st.integers(1, 4), st.integers(0, 3))
def test_property_weights_differentiate_polynomials_exactly(n, extra):
    offsets = np.arange(-(n + extra), n + extra + 1, dtype=float)
    w = finite_difference_weights(offsets, n)
    for degree in range(len(offsets)):
        exact = math.factorial(degree) / math.factorial(degree - n) if degree >= n else 0.0
        value = w @ offsets ** degree if degree < n else w @ offsets ** degree
        # derivative of x^degree at 0 is n! if degree == n else 0
        assert abs(value - (math.factorial(n) if degree == n else 0.0)) < 1e-8 * max(1, exact)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["central", "forward", "complex_step"])
def test_gradient_and_jacobian_fd_against_autodiff(seed, method):
    rng = np.random.default_rng(seed)
    A, x = rng.standard_normal((4, 3)), rng.standard_normal(3)
    f = lambda v: np.sum(np.exp(A @ v) / (1 + v @ v))  # noqa: E731
    tf = lambda v: ad.sum(ad.exp(A @ v)) / (1 + v @ v)  # noqa: E731
    tol = 1e-6 if method == "forward" else 1e-8
    np.testing.assert_allclose(gradient_fd(f, x, method=method), ad.grad(tf)(x), rtol=tol, atol=tol)
    g = lambda v: np.sin(A @ v) * v[0]  # noqa: E731
    tg = lambda v: ad.sin(A @ v) * v[0]  # noqa: E731
    np.testing.assert_allclose(jacobian_fd(g, x, method=method), ad.jacobian(tg)(x), rtol=tol, atol=tol)


@pytest.mark.parametrize("seed", [0, 1])
def test_hessian_fd_against_autodiff_hessian(seed):
    rng = np.random.default_rng(seed)
    A, x = rng.standard_normal((5, 3)), rng.standard_normal(3) * 0.5
    f = lambda v: np.sum(np.logaddexp(0, A @ v)) + np.sin(v[0] * v[1])  # noqa: E731
    tf = lambda v: ad.sum(ad.softplus(A @ v)) + ad.sin(v[0] * v[1])  # noqa: E731
    H = hessian_fd(f, x)
    np.testing.assert_allclose(H, H.T)
    np.testing.assert_allclose(H, ad.hessian(tf)(x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("x0", [0.0, 0.5, -1.0])
def test_taylor_coefficients_are_exact_derivatives(x0):
    p = taylor(lambda x: ad.exp(2 * x), x0, 6)
    expected = np.array([np.exp(2 * x0) * 2 ** k / math.factorial(k) for k in range(7)])
    np.testing.assert_allclose(p.coefficients, expected, rtol=1e-13)
    np.testing.assert_allclose(p.derivatives, expected * [math.factorial(k) for k in range(7)], rtol=1e-13)
    q = taylor(ad.sin, x0, 5)
    np.testing.assert_allclose(q.derivatives, [np.sin(x0), np.cos(x0), -np.sin(x0), -np.cos(x0), np.sin(x0),
                                               np.cos(x0)], atol=1e-14)
    assert p.order == 6 and "TaylorPolynomial" in repr(p)


def test_taylor_polynomials_close_in_and_polynomials_are_reproduced():
    f = lambda x: ad.log1p(x)  # noqa: E731
    errors = [abs(taylor(f, 0.0, k)(0.3) - np.log1p(0.3)) for k in range(1, 9)]
    assert all(b < a for a, b in zip(errors, errors[1:]))  # rising order closes in
    cubic = taylor(lambda x: 2 * x ** 3 - x + 4, 1.0, 5)
    xs = np.linspace(-2, 3, 7)
    np.testing.assert_allclose(cubic(xs), 2 * xs ** 3 - xs + 4, rtol=1e-12)
    np.testing.assert_allclose(cubic.coefficients[4:], 0.0, atol=1e-12)
    const = taylor(lambda x: ad.tensor(3.0), 0.0, 2)
    np.testing.assert_allclose(const.coefficients, [3.0, 0.0, 0.0])


def test_differentiation_input_errors():
    with pytest.raises(ValueError, match="method"):
        derivative(np.sin, 0.0, method="sideways")
    with pytest.raises(ValueError, match="n must be"):
        derivative(np.sin, 0.0, n=0)
    with pytest.raises(ValueError, match="first derivatives only"):
        derivative(np.sin, 0.0, n=2, method="complex_step")
    with pytest.raises(ValueError, match="accuracy must be even"):
        derivative(np.sin, 0.0, accuracy=3)
    with pytest.raises(ValueError, match="h must be positive"):
        derivative(np.sin, 0.0, h=-1.0)
    with pytest.raises(ValueError, match="callable"):
        derivative(3.0, 0.0)
    with pytest.raises(ValueError, match="x must be finite"):
        derivative(np.sin, np.nan)
    with pytest.raises(ValueError, match="distinct"):
        finite_difference_weights([0, 0, 1], 1)
    with pytest.raises(ValueError, match="scalar"):
        gradient_fd(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match="scalar"):
        hessian_fd(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match="x must be"):
        gradient_fd(lambda v: v.sum(), np.ones((2, 2)))
    with pytest.raises(ValueError, match="order"):
        taylor(ad.sin, 0.0, -1)
    with pytest.raises(ValueError, match="scalar"):
        taylor(lambda x: ad.stack([x, x]), 0.0, 2)
    with pytest.raises(ValueError, match="callable"):
        taylor("sin", 0.0, 2)
    with pytest.raises(TypeError, match="mmlkit.autodiff operations"):
        taylor(lambda x: math.sin(float(x)), 0.0, 2)  # not autodiff: its derivatives are not zero
    with pytest.raises(TypeError, match="mmlkit.autodiff operations"):
        taylor(lambda x: np.sin(x.data), 0.0, 1)
