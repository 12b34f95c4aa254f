"""Bad parameters of minimize and the line searches are rejected by name (issue 20)."""

import numpy as np
import pytest

from mmlkit.optim import armijo_backtracking, minimize, strong_wolfe


def _quadratic(x):
    return float(x @ x), 2 * x


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"method": "adam", "betas": (1.1, 0.999)}, "betas"),
    ({"method": "adam", "betas": (0.9, 1.0)}, "betas"),
    ({"method": "adam", "betas": (-0.1, 0.999)}, "betas"),
    ({"method": "adam", "betas": (0.9,)}, "betas"),
    ({"method": "adam", "eps": 0.0}, "eps"),
    ({"method": "momentum", "momentum": -0.5}, "momentum"),
    ({"method": "momentum", "momentum": 1.0}, "momentum"),
    ({"method": "lbfgs", "memory": 0}, "memory"),
    ({"method": "lbfgs", "ftol": -1.0}, "ftol"),
])
def test_minimize_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        minimize(_quadratic, np.ones(2), jac=True, **kwargs)


X = np.array([1.0, -2.0])
F0, G0 = _quadratic(X)


@pytest.mark.parametrize("search", [armijo_backtracking, strong_wolfe])
def test_line_searches_reject_an_ascent_direction(search):
    with pytest.raises(ValueError, match="p must be a descent direction"):
        search(_quadratic, X, G0, F0, G0)  # p = +∇f: uphill
    with pytest.raises(ValueError, match="p must be a descent direction"):
        search(_quadratic, X, np.zeros(2), F0, G0)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"c1": 0.9, "c2": 0.1}, "c2"), ({"c1": 0.5, "c2": 0.5}, "c2"), ({"c1": 0.0}, "c1"), ({"c2": 1.0}, "c2"),
    ({"alpha0": -1.0}, "alpha0"), ({"max_steps": 0}, "max_steps"),
])
def test_strong_wolfe_rejects_bad_constants(kwargs, match):
    with pytest.raises(ValueError, match=match):
        strong_wolfe(_quadratic, X, -G0, F0, G0, **kwargs)


@pytest.mark.parametrize(("kwargs", "match"), [({"shrink": 1.0}, "shrink"), ({"c1": 1.5}, "c1")])
def test_armijo_rejects_bad_constants(kwargs, match):
    with pytest.raises(ValueError, match=match):
        armijo_backtracking(_quadratic, X, -G0, F0, G0, **kwargs)


def test_valid_searches_still_work():
    alpha, f_new, _, _ = strong_wolfe(_quadratic, X, -G0, F0, G0)
    assert alpha > 0 and f_new < F0
    alpha, f_new, _, _ = armijo_backtracking(_quadratic, X, -G0, F0, G0)
    assert alpha > 0 and f_new < F0
