"""minimize reaches scipy.optimize.minimize's minimum with a comparable number of evaluations."""


import numpy as np
import pytest
import scipy.optimize as so
from hypothesis import given
from hypothesis import strategies as st

from mmlkit.exceptions import ConvergenceWarning
from mmlkit.optim import minimize
from mmlkit.optim.line_search import armijo_backtracking, strong_wolfe


def rosen_fg(x):
    return so.rosen(x), so.rosen_der(x)


def rosen_start(n):
    x0 = np.empty(n)
    x0[::2], x0[1::2] = -1.2, 1.0
    return x0


@pytest.mark.parametrize("n", [2, 10, 100])
@pytest.mark.parametrize("ours, theirs", [("bfgs", "BFGS"), ("lbfgs", "L-BFGS-B"), ("cg", "CG")])
def test_rosenbrock_matches_scipy(n, ours, theirs):
    x0 = rosen_start(n)
    res = minimize(rosen_fg, x0, ours, jac=True, tol=1e-5)
    opts = {"gtol": 1e-5, "ftol": 1e-15} if theirs == "L-BFGS-B" else {"gtol": 1e-5}
    ref = so.minimize(so.rosen, x0, jac=so.rosen_der, method=theirs, options=opts)
    assert res.success
    assert res.fun <= ref.fun + 1e-8
    if ref.fun < 1e-6:  # the global minimum at 1 (10-D BFGS from here finds the local one, as SciPy)
        np.testing.assert_allclose(res.x, np.ones(n), atol=1e-4)
    if ours in ("bfgs", "lbfgs"):
        assert res.nfev <= 1.5 * ref.nfev, (res.nfev, ref.nfev)
    assert res.path.shape == (res.nit + 1, n)
    np.testing.assert_array_equal(res.path[0], x0)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "cg", "newton"])
def test_logistic_objective_matches_scipy(seed, method):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 8))
    y = (X @ rng.standard_normal(8) + rng.standard_normal(300) > 0).astype(float)
    lam = 0.1

    def fg(w):
        z = X @ w
        f = np.sum(np.logaddexp(0, z) - y * z) + 0.5 * lam * w @ w
        p = 0.5 * (1 + np.tanh(0.5 * z))
        return f, X.T @ (p - y) + lam * w

    def hess(w):
        p = 0.5 * (1 + np.tanh(0.5 * (X @ w)))
        return (X * (p * (1 - p))[:, None]).T @ X + lam * np.eye(8)

    res = minimize(fg, np.zeros(8), method, jac=True, hess=hess if method == "newton" else None, tol=1e-8)
    ref = so.minimize(lambda w: fg(w)[0], np.zeros(8), jac=lambda w: fg(w)[1], method="BFGS",
                      options={"gtol": 1e-10})
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(res.fun, ref.fun, rtol=1e-12)


@pytest.mark.parametrize("cond", [1e1, 1e3, 1e5])
@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "cg", "newton"])
def test_ill_conditioned_quadratic(cond, method):
    rng = np.random.default_rng(7)
    Q, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    A = Q @ np.diag(np.geomspace(1, cond, 20)) @ Q.T
    b = rng.standard_normal(20)
    x_star = np.linalg.solve(A, b)
    res = minimize(lambda x: (0.5 * x @ A @ x - b @ x, A @ x - b), np.zeros(20), method, jac=True,
                   hess=lambda x: A, tol=1e-9, max_iter=20000)
    # near precision loss the attainable accuracy in x is about ε·cond·‖x*‖ (SciPy stalls there too)
    ref = so.minimize(lambda x: 0.5 * x @ A @ x - b @ x, np.zeros(20), jac=lambda x: A @ x - b,
                      method="BFGS", options={"gtol": 1e-9})
    scale = np.abs(x_star).max()
    ours_err, ref_err = np.abs(res.x - x_star).max() / scale, np.abs(ref.x - x_star).max() / scale
    assert ours_err <= max(1e-9 * cond, 10 * ref_err), (ours_err, ref_err)


def test_first_order_methods_reach_the_minimum_of_a_bowl():
    A = np.diag([1.0, 4.0])
    fg = lambda x: (0.5 * x @ A @ x, A @ x)  # noqa: E731
    for method, kw in [("gd", {}), ("gd", {"lr": 0.2}), ("momentum", {"lr": 0.05}), ("adam", {"lr": 0.05})]:
        res = minimize(fg, np.array([3.0, -2.0]), method, jac=True, tol=1e-7, **kw)
        assert res.success, (method, res.message)
        np.testing.assert_allclose(res.x, 0.0, atol=1e-5)


def test_newton_falls_back_when_the_hessian_is_indefinite():
    # f = x⁴/4 − x²/2 + y²: Hessian indefinite near the saddle at the origin
    fg = lambda v: (v[0] ** 4 / 4 - v[0] ** 2 / 2 + v[1] ** 2, np.array([v[0] ** 3 - v[0], 2 * v[1]]))  # noqa: E731
    hess = lambda v: np.diag([3 * v[0] ** 2 - 1, 2.0])  # noqa: E731
    res = minimize(fg, np.array([0.1, 1.0]), "newton", jac=True, hess=hess, tol=1e-10)
    assert res.success
    np.testing.assert_allclose(np.abs(res.x), [1.0, 0.0], atol=1e-8)
    # finite-difference Hessian from jac when hess is not given
    res_fd = minimize(fg, np.array([0.1, 1.0]), "newton", jac=True, tol=1e-8)
    np.testing.assert_allclose(res_fd.x, res.x, atol=1e-6)


def test_jac_callable_callback_and_x0_untouched():
    x0 = np.array([2.0, 2.0])
    seen = []
    res = minimize(lambda x: np.sum((x - 1) ** 2), x0, "lbfgs", jac=lambda x: 2 * (x - 1),
                   callback=lambda xk: seen.append(xk) or len(seen) >= 100)
    np.testing.assert_array_equal(x0, [2.0, 2.0])
    np.testing.assert_allclose(res.x, 1.0, atol=1e-6)
    assert len(seen) == res.nit


def test_max_iter_warns_and_reports_failure():
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        res = minimize(rosen_fg, rosen_start(2), "gd", jac=True, max_iter=3)
    assert not res.success and res.nit == 3


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="sgd"), "method must be one of"),
    (dict(tol=-1.0), r"tol must be a float in the range \[0, inf\), got -1.0"),
    (dict(lr=0.0, method="gd"), r"lr must be a float in the range \(0, inf\) or None, got 0.0"),
    (dict(jac="yes"), "jac must be None, True or a callable"),
    (dict(line_search="exact"), "line_search must be one of"),
])
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        minimize(rosen_fg, np.zeros(2), **{"jac": True, **kwargs})


def test_bad_x0_raises():
    with pytest.raises(ValueError, match="x0 must be finite"):
        minimize(rosen_fg, [np.nan, 0.0], jac=True)
    with pytest.raises(ValueError, match="x0 must be 1-D"):
        minimize(rosen_fg, np.zeros((2, 2)), jac=True)


@given(st.floats(0.1, 10), st.floats(-5, 5), st.floats(1e-3, 1.0))
def test_line_searches_satisfy_their_conditions(a, x0, alpha0):
    fg = lambda x: (a * (x[0] - 1) ** 4 + (x[0] - 1) ** 2, np.array([4 * a * (x[0] - 1) ** 3 + 2 * (x[0] - 1)]))  # noqa: E731
    x = np.array([x0])
    f0, g0 = fg(x)
    if abs(g0[0]) < 1e-8:
        return
    p = -g0
    alpha, f1, g1, _ = armijo_backtracking(fg, x, p, f0, g0, alpha0=alpha0)
    assert f1 <= f0 + 1e-4 * alpha * (g0 @ p) + 1e-12
    alpha, f1, g1, _ = strong_wolfe(fg, x, p, f0, g0, alpha0=alpha0)
    assert alpha is not None
    assert f1 <= f0 + 1e-4 * alpha * (g0 @ p) + 1e-12
    assert abs(g1 @ p) <= 0.9 * abs(g0 @ p) + 1e-12


@pytest.mark.parametrize("method", ["gd", "adam", "newton", "bfgs", "lbfgs", "cg"])
def test_keep_path_false_same_result_last_iterate_only(method):
    """keep_path=False changes nothing but ``path``: the last iterate alone, shape (1, n)."""
    x0 = rosen_start(4)
    kw = dict(jac=True, tol=1e-5, max_iter=300)
    with pytest.warns(ConvergenceWarning) if method in ("gd", "adam") else _no_warning():
        full = minimize(rosen_fg, x0, method, **kw)
    with pytest.warns(ConvergenceWarning) if method in ("gd", "adam") else _no_warning():
        last = minimize(rosen_fg, x0, method, keep_path=False, **kw)
    np.testing.assert_array_equal(last.x, full.x)
    assert (last.fun, last.nit, last.nfev) == (full.fun, full.nit, full.nfev)
    assert last.path.shape == (1, 4)
    np.testing.assert_array_equal(last.path[0], full.path[-1])
    assert not np.shares_memory(last.path, last.x)


def test_keep_path_must_be_boolean():
    with pytest.raises(ValueError, match="keep_path"):
        minimize(rosen_fg, rosen_start(2), jac=True, keep_path="no")


def _no_warning():
    import contextlib
    return contextlib.nullcontext()
