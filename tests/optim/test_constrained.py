"""Constrained solvers vs scipy.optimize (SLSQP, trust-constr): solutions and multipliers."""

import numpy as np
import pytest
import scipy.optimize as so
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mmlkit.autodiff import exp, log
from mmlkit.autodiff import sum as ad_sum
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.optim import (
    is_convex,
    lagrange_solve,
    minimize,
    minimize_constrained,
    project_ball,
    project_box,
    project_nonnegative,
    project_simplex,
    projected_gradient,
)

# (f, x0, eq, ineq) as mmlkit callables; SciPy gets the same functions on plain arrays.
PROBLEMS = {
    # equality active: distance to a line
    "line": (lambda x: (x[0] - 1) ** 2 + (x[1] - 2) ** 2, [0.0, 0.0], [lambda x: x[0] + x[1] - 1], []),
    # inequality active
    "halfplane-active": (lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2, [0.0, 0.0], [], [lambda x: 1 - x[0] - x[1]]),
    # inequality inactive: the unconstrained minimum is feasible, μ = 0
    "halfplane-inactive": (lambda x: (x[0] - 0.2) ** 2 + (x[1] - 0.3) ** 2, [0.0, 0.0], [],
                           [lambda x: 1 - x[0] - x[1]]),
    # one equality and two inequalities (one active, one inactive), nonlinear
    "mixed": (lambda x: x[0] ** 2 + 2 * x[1] ** 2 + x[2] ** 2 - x[0] * x[2], [1.0, 1.0, 1.0],
              [lambda x: x[0] + x[1] + x[2] - 3], [lambda x: x[0] - 1.5, lambda x: 4 - x[1] ** 2]),
    # Hock–Schittkowski 71-like: nonlinear objective, a product inequality and a sphere equality
    "hs071": (lambda x: x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2], [1.0, 5.0, 5.0, 1.0],
              [lambda x: (x * x).sum() - 40], [lambda x: x[0] * x[1] * x[2] * x[3] - 25,
                                                lambda x: x - 1, lambda x: 5 - x]),
}


def scipy_solution(f, x0, eq, ineq):
    cons = [{"type": "eq", "fun": c} for c in eq] + [{"type": "ineq", "fun": c} for c in ineq]
    return so.minimize(f, np.array(x0), method="SLSQP", constraints=cons, options={"ftol": 1e-14, "maxiter": 500})


@pytest.mark.parametrize("name", PROBLEMS)
def test_augmented_lagrangian_matches_slsqp(name):
    f, x0, eq, ineq = PROBLEMS[name]
    res = minimize_constrained(f, np.array(x0), eq=eq, ineq=ineq, tol=1e-9)
    ref = scipy_solution(f, x0, eq, ineq)
    assert res.success, res.message
    np.testing.assert_allclose(res.x, ref.x, atol=1e-6)
    np.testing.assert_allclose(res.fun, ref.fun, rtol=1e-8, atol=1e-10)
    ours = np.concatenate([res.multipliers["eq"], res.multipliers["ineq"]])
    theirs = np.concatenate([np.atleast_1d(m) for m in ref.multipliers])
    np.testing.assert_allclose(ours, theirs, atol=1e-5)
    assert np.all(res.multipliers["ineq"] >= 0)


def test_multipliers_match_trust_constr_convention():
    f, x0, eq, _ = PROBLEMS["line"]
    res = minimize_constrained(f, np.array(x0), eq=eq)
    ref = so.minimize(f, np.array(x0), method="trust-constr",
                      constraints=[so.NonlinearConstraint(eq[0], 0.0, 0.0)], options={"gtol": 1e-12})
    # trust-constr writes ∇f + Jᵀv = 0; we write ∇f = Jᵀλ
    np.testing.assert_allclose(res.multipliers["eq"], -ref.v[0], atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_lagrange_solve_quadratic_program_matches_closed_form(seed):
    rng = np.random.default_rng(seed)
    n, m = 6, 2
    M = rng.standard_normal((n, n))
    Q = M @ M.T + n * np.eye(n)
    c = rng.standard_normal(n)
    A = rng.standard_normal((m, n))
    b = rng.standard_normal(m)
    K = np.block([[Q, A.T], [A, np.zeros((m, m))]])
    sol = np.linalg.solve(K, np.concatenate([-c, b]))
    x_star, lam_star = sol[:n], -sol[n:]  # ∇f = Aᵀλ
    res = lagrange_solve(lambda x: 0.5 * x @ Q @ x + c @ x, np.zeros(n), eq=lambda x: A @ x - b)
    assert res.success and res.nit <= 2  # Newton is exact on a quadratic
    np.testing.assert_allclose(res.x, x_star, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.multipliers["eq"], lam_star, rtol=1e-9, atol=1e-12)


def test_lagrange_solve_nonlinear_entropy_maximisation():
    # max entropy on {1..4} with mean 2.5 → the uniform distribution, λ for the mean is 0
    vals = np.arange(1.0, 5.0)
    res = lagrange_solve(lambda p: ad_sum(p * log(p)), np.array([0.1, 0.2, 0.3, 0.4]),
                         eq=[lambda p: p.sum() - 1, lambda p: (p * vals).sum() - 2.5])
    np.testing.assert_allclose(res.x, 0.25, atol=1e-10)
    # and with mean 3: the Gibbs distribution p ∝ exp(β k); check the gradient condition ∇f = Jᵀλ
    res = lagrange_solve(lambda p: ad_sum(p * log(p)), np.full(4, 0.25),
                         eq=[lambda p: p.sum() - 1, lambda p: (p * vals).sum() - 3.0])
    grad_f = np.log(res.x) + 1
    J = np.vstack([np.ones(4), vals])
    np.testing.assert_allclose(grad_f, J.T @ res.multipliers["eq"], atol=1e-9)
    beta = np.log(res.x[1] / res.x[0])
    np.testing.assert_allclose(res.x, np.exp(beta * vals) / np.exp(beta * vals).sum(), rtol=1e-9)


def test_lagrange_solve_errors():
    with pytest.raises(ValueError, match="eq must hold at least one constraint"):
        lagrange_solve(lambda x: (x * x).sum(), np.zeros(2), eq=[])
    with pytest.raises(ValueError, match="multipliers0 must have 1 entries"):
        lagrange_solve(lambda x: (x * x).sum(), np.zeros(2), eq=lambda x: x[0] - 1, multipliers0=[0.0, 0.0])
    with pytest.raises(np.linalg.LinAlgError, match="KKT matrix is singular"):
        lagrange_solve(lambda x: (x * x).sum(), np.zeros(2), eq=[lambda x: x[0] - 1, lambda x: 2 * x[0] - 2])


def test_constraints_with_explicit_jacobians_and_jac_true():
    f = lambda x: (np.sum((x - 2) ** 2), 2 * (x - 2))  # noqa: E731
    res = minimize_constrained(f, np.zeros(3), jac=True,
                               ineq=[{"fun": lambda x: 3 - x.sum(), "jac": lambda x: -np.ones((1, 3))}])
    np.testing.assert_allclose(res.x, 1.0, atol=1e-6)
    np.testing.assert_allclose(res.multipliers["ineq"], 2.0, atol=1e-5)


def test_minimize_constrained_warns_at_max_iter_and_validates():
    f, x0, _, ineq = PROBLEMS["hs071"]
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        minimize_constrained(f, np.array(x0), eq=PROBLEMS["hs071"][2], ineq=ineq, max_iter=1)
    with pytest.raises(ValueError, match=r"rho must be a float in the range \(0, inf\), got 0.0 "
                                         r"\(a parameter of minimize_constrained\)"):
        minimize_constrained(f, np.array(x0), rho=0.0)
    with pytest.raises(ValueError, match="each dict in ineq needs a 'fun' entry"):
        minimize_constrained(f, np.array(x0), ineq=[{"jac": None}])


@given(arrays(np.float64, 5, elements=st.floats(-10, 10)))
def test_projections_are_projections(x):
    for project in (project_simplex(), project_box(-1, 2), project_ball(1.5), project_nonnegative()):
        p = project(x)
        np.testing.assert_allclose(project(p), p, atol=1e-12)  # idempotent
        # the projection is the closest point: compare with random feasible points
        for z in (project(x + d) for d in np.random.default_rng(0).standard_normal((5, 5))):
            assert np.linalg.norm(x - p) <= np.linalg.norm(x - z) + 1e-9
    s = project_simplex()(x)
    assert np.all(s >= 0) and np.isclose(s.sum(), 1.0)


def test_projected_gradient_on_simplex_matches_slsqp():
    rng = np.random.default_rng(3)
    M = rng.standard_normal((8, 5))
    b = rng.standard_normal(8)
    f = lambda w: np.sum((M @ w - b) ** 2)  # noqa: E731
    fg = lambda w: (f(w), 2 * M.T @ (M @ w - b))  # noqa: E731
    res = projected_gradient(fg, np.full(5, 0.2), project_simplex(), jac=True, tol=1e-8)
    ref = so.minimize(f, np.full(5, 0.2), method="SLSQP", bounds=[(0, None)] * 5,
                      constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}], options={"ftol": 1e-15})
    assert res.success
    np.testing.assert_allclose(res.x, ref.x, atol=1e-6)
    res_fixed = projected_gradient(fg, np.full(5, 0.2), project_simplex(), jac=True, tol=1e-10,
                                   lr=1 / (2 * np.linalg.norm(M, 2) ** 2))
    np.testing.assert_allclose(res_fixed.x, res.x, atol=1e-6)


def test_is_convex_detects_known_cases():
    box = ([-2.0, -2.0], [2.0, 2.0])
    assert is_convex(lambda x: log(exp(x[0]) + exp(x[1])), box, n_samples=30, random_state=0)  # log-sum-exp
    assert is_convex(lambda x: (x ** 4).sum() + x[0] * x[1], ([0.5, 0.5], [2, 2]), n_samples=30, random_state=0)
    report = is_convex(lambda x: x[0] ** 2 - x[1] ** 2, box, n_samples=30, random_state=0)
    assert not report and report.min_eigenvalue == pytest.approx(-2.0)
    # Rosenbrock is not convex: a counterexample exists away from the valley floor
    assert not is_convex(lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, box, random_state=0)
    with pytest.raises(ValueError, match="domain must have low < high"):
        is_convex(lambda x: (x * x).sum(), ([1.0], [1.0]))
    with pytest.raises(ValueError, match="domain must be a pair"):
        is_convex(lambda x: (x * x).sum(), [0.0, 1.0, 2.0])


def test_newton_with_autodiff_hessian():
    res = minimize(lambda x: (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2, np.array([-1.2, 1.0]), "newton",
                   tol=1e-10)
    assert res.success
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-8)
