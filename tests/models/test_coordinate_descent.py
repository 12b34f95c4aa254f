"""Lasso and ElasticNet against scikit-learn (coefficients and objective)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import linear_model as sk

from mmlkit.datasets import load_breast_cancer, load_digits, load_iris, load_wine, make_regression
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import ElasticNet, Lasso
from mmlkit.models import coordinate_descent as cd
from mmlkit.models.coordinate_descent import enet_objective

TOL = 1e-6


def _data(seed, n, d, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + offset
    w = np.zeros(d)
    w[: min(5, d)] = rng.normal(size=min(5, d)) * 3
    return X, X @ w + rng.normal(size=n) + 2.0


@pytest.mark.parametrize("seed,n,d,offset", [(0, 100, 5, 0.0), (1, 50, 120, 1.0), (2, 400, 30, 3.0)])
@pytest.mark.parametrize("alpha,l1_ratio", [(0.1, 1.0), (0.02, 0.5), (0.5, 0.0), (0.03, 0.9)])
@pytest.mark.parametrize("precompute", [True, False])
def test_enet_matches_sklearn(seed, n, d, offset, alpha, l1_ratio, precompute):
    X, y = _data(seed, n, d, offset)
    ref = sk.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=200_000).fit(X, y)
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=200_000, precompute=precompute).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=TOL, rtol=TOL)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=TOL, rtol=TOL)
    ours = enet_objective(X, y, model.coef_, model.intercept_, alpha, l1_ratio)
    theirs = enet_objective(X, y, ref.coef_, ref.intercept_, alpha, l1_ratio)
    assert ours <= theirs + 1e-10 * max(1.0, abs(theirs))


@pytest.mark.parametrize("alpha", [0.01, 0.3, 3.0])
def test_lasso_on_wine_matches_sklearn(alpha):
    X, y = load_wine()
    X = X[:, 1:]
    target = load_wine().data[:, 0]
    ref = sk.Lasso(alpha=alpha, tol=1e-14, max_iter=500_000).fit(X, target)
    model = Lasso(alpha=alpha, tol=1e-14, max_iter=500_000).fit(X, target)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=TOL, rtol=TOL)
    assert np.array_equal(model.coef_ == 0, ref.coef_ == 0)


def test_lasso_multioutput_and_no_intercept():
    X, y = _data(3, 80, 10)
    Y = np.column_stack([y, 0.5 * y + X[:, 3]])
    for fi in (True, False):
        ref = sk.Lasso(alpha=0.1, fit_intercept=fi, tol=1e-14, max_iter=100_000).fit(X, Y)
        model = Lasso(alpha=0.1, fit_intercept=fi, tol=1e-14, max_iter=100_000).fit(X, Y)
        np.testing.assert_allclose(model.coef_, ref.coef_, atol=TOL, rtol=TOL)
        np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=TOL, rtol=TOL)


def test_awkward_columns():
    """Collinear and constant columns: the objective still matches scikit-learn's optimum."""
    X, y = _data(4, 60, 4)
    X = np.column_stack([X, X[:, 0], np.full(60, 3.0)])
    ref = sk.Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y)
    model = Lasso(alpha=0.05, tol=1e-14, max_iter=100_000).fit(X, y)
    assert model.coef_[-1] == 0.0
    np.testing.assert_allclose(enet_objective(X, y, model.coef_, model.intercept_, 0.05, 1.0),
                               enet_objective(X, y, ref.coef_, ref.intercept_, 0.05, 1.0), rtol=1e-10)


def test_large_alpha_gives_zero_coefficients():
    X, y = _data(5, 50, 6)
    alpha_max = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / 50
    model = Lasso(alpha=alpha_max * 1.001).fit(X, y)
    assert np.all(model.coef_ == 0)
    assert model.intercept_ == pytest.approx(y.mean())


def test_warm_start_reuses_coefficients():
    X, y = make_regression(200, 40, n_informative=8, noise=1.0, random_state=0)
    model = Lasso(alpha=0.5, tol=1e-10, warm_start=True).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)
    assert model.n_iter_ <= 1 < first or model.n_iter_ < first


def test_convergence_warning():
    X, y = _data(6, 50, 120, 1.0)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        model = Lasso(alpha=1e-4, tol=1e-16, max_iter=3).fit(X, y)
    assert model.n_iter_ == 3


@pytest.mark.parametrize("bad", [dict(alpha=0.0), dict(alpha=-1.0), dict(l1_ratio=1.5), dict(max_iter=0),
                                 dict(tol=-1.0), dict(precompute="yes"), dict(warm_start=None)])
def test_bad_parameters(bad):
    X, y = _data(7, 20, 3)
    with pytest.raises(ValueError):
        ElasticNet(**bad).fit(X, y)


@given(st.integers(0, 10_000), st.floats(0.01, 1.0), st.floats(0.1, 1.0))
def test_kkt_conditions(seed, alpha, l1_ratio):
    """Optimality: |Xⱼᵀr/n − α(1−ρ)wⱼ| ≤ αρ, with equality (and sign) where wⱼ ≠ 0."""
    X, y = _data(seed, 40, 8, 0.5)
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000).fit(X, y)
    r = y - model.predict(X)
    corr = (X - X.mean(0)).T @ r / 40 - alpha * (1 - l1_ratio) * model.coef_
    w = model.coef_
    slack = 1e-6 * max(1.0, alpha)
    assert np.all(np.abs(corr) <= alpha * l1_ratio + slack)
    nz = w != 0
    np.testing.assert_allclose(corr[nz], alpha * l1_ratio * np.sign(w[nz]), atol=slack)


# ---------------------------------------------------------------- the fast path against the textbook path
def _problem(seed, n, d, offset, alpha, l1_ratio):
    """Centred (G, q, yy) and the unscaled penalties of one elastic net."""
    X, y = _data(seed, n, d, offset)
    Xc, yc = X - X.mean(0), y - y.mean()
    return X, y, Xc, yc, n * alpha * l1_ratio, n * alpha * (1 - l1_ratio)


def _primal(Xc, yc, w, l1, l2):
    r = yc - Xc @ w
    return 0.5 * (r @ r) + l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w)


@given(st.integers(0, 10_000), st.sampled_from([(60, 8), (30, 40), (200, 15)]), st.floats(0.005, 0.5),
       st.sampled_from([1.0, 0.7, 0.2]), st.booleans())
def test_active_set_path_equals_textbook_cd(seed, shape, alpha, l1_ratio, full_gram):
    """CD with exact support solves reaches the same minimiser as plain cyclic CD (the reference)."""
    n, d = shape
    _, _, Xc, yc, l1, l2 = _problem(seed, n, d, 0.5, alpha, l1_ratio)
    source = (lambda: cd._FullGram(Xc.T @ Xc, Xc.T @ yc)) if full_gram else (lambda: cd._ColumnGram(Xc, yc))
    yy = float(yc @ yc)
    fast, gap_fast, it_fast = cd.enet_solve(source(), yy, l1, l2, np.zeros(d), max_iter=100_000, tol=1e-13)
    slow, gap_slow, it_slow = cd.enet_solve(source(), yy, l1, l2, np.zeros(d), max_iter=100_000, tol=1e-13,
                                            active_set=False)
    assert gap_fast <= 1e-13 * yy and gap_slow <= 1e-13 * yy
    f_fast, f_slow = _primal(Xc, yc, fast, l1, l2), _primal(Xc, yc, slow, l1, l2)
    assert f_fast <= f_slow + 1e-12 * f_slow
    np.testing.assert_allclose(fast, slow, atol=1e-6 * max(1.0, np.abs(slow).max()))
    assert it_fast <= it_slow


@pytest.mark.parametrize("load", [load_iris, load_wine, load_breast_cancer, load_digits])
@pytest.mark.parametrize("make", [lambda: Lasso(alpha=0.1), lambda: ElasticNet(alpha=0.1, l1_ratio=0.5)])
def test_shipped_datasets_objective_at_least_as_good_as_sklearn(load, make):
    """The default fit on each shipped dataset (the small-data benchmark's rows) is no worse than scikit-learn's."""
    data = load()
    X, y = data.data, data.target.astype(float)
    model = make().fit(X, y)
    rho = model._l1_ratio()
    ref = sk.ElasticNet(alpha=model.alpha, l1_ratio=rho).fit(X, y)
    ours = enet_objective(X, y, model.coef_, model.intercept_, model.alpha, rho)
    assert ours <= enet_objective(X, y, ref.coef_, ref.intercept_, model.alpha, rho)
    # and it is the minimiser to rounding: the textbook path run to tol 1e-13 does no better
    exact = make().set_params(tol=1e-13, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours, enet_objective(X, y, exact.coef_, exact.intercept_, model.alpha, rho),
                               rtol=1e-9)


@given(st.integers(0, 10_000), st.floats(0.01, 0.5), st.sampled_from([1.0, 0.5]))
def test_support_step_never_raises_the_objective(seed, alpha, l1_ratio):
    """From any point, the support step (face solve, drops, or the step to the first sign change) lowers P."""
    _, _, Xc, yc, l1, l2 = _problem(seed, 50, 12, 0.0, alpha, l1_ratio)
    G, q = Xc.T @ Xc, Xc.T @ yc
    w = np.random.default_rng(seed).normal(size=12) * (np.arange(12) % 3 != 0)
    c = q - G @ w
    before = _primal(Xc, yc, w, l1, l2)
    exact, solves = cd._support_step(G, G + l2 * np.eye(12), q, c, w, l1, l2)
    assert exact is not None and solves >= 1
    assert _primal(Xc, yc, w, l1, l2) <= before + 1e-12 * abs(before)
    np.testing.assert_allclose(c, q - G @ w, atol=1e-9 * np.abs(q).max())
    if exact:   # the minimiser on its face: |cⱼ − l2·wⱼ| = l1 with wⱼ's sign on the support
        nz = w != 0
        np.testing.assert_allclose(c[nz] - l2 * w[nz], l1 * np.sign(w[nz]), atol=1e-8 * np.abs(q).max())


def test_support_step_on_collinear_columns_leaves_w_alone():
    """A singular face (a duplicated column in the support) is left to coordinate descent."""
    X, y = _data(9, 40, 3)
    Xc = np.column_stack([X, X[:, 0]]) - np.column_stack([X, X[:, 0]]).mean(0)
    yc = y - y.mean()
    G, q = Xc.T @ Xc, Xc.T @ yc
    w = np.array([0.5, 0.1, 0.0, 0.5])
    c = q - G @ w
    w0, c0 = w.copy(), c.copy()
    assert cd._support_step(G, G, q, c, w, 1.0, 0.0) == (None, 1)
    assert np.array_equal(w, w0) and np.array_equal(c, c0)
    model = Lasso(alpha=0.01, tol=1e-12, max_iter=100_000).fit(np.column_stack([X, X[:, 0]]), y)
    ref = sk.Lasso(alpha=0.01, tol=1e-12, max_iter=100_000).fit(np.column_stack([X, X[:, 0]]), y)
    Xd = np.column_stack([X, X[:, 0]])
    assert enet_objective(Xd, y, model.coef_, model.intercept_, 0.01, 1.0) <= \
        enet_objective(Xd, y, ref.coef_, ref.intercept_, 0.01, 1.0) + 1e-12
