"""Lasso and ElasticNet against scikit-learn (coefficients and objective)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import linear_model as sk

from mmlkit.datasets import load_wine, make_regression
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import ElasticNet, Lasso
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
