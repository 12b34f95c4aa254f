"""LIME (oracle: lime), partial dependence and permutation importance (oracle: sklearn.inspection)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lime.lime_tabular import LimeTabularExplainer
from sklearn.inspection import partial_dependence as sk_pd
from sklearn.inspection import permutation_importance as sk_pi
from sklearn.linear_model import LinearRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeRegressor

from mmlkit.explain import lime_tabular, partial_dependence, permutation_importance


def _lime_problem(seed=0, d=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, d)) * np.arange(1, d + 1)
    w = rng.normal(size=d) / np.arange(1, d + 1)

    def proba(Z):
        p = 1 / (1 + np.exp(-(Z @ w + 0.2 * Z[:, 0] * Z[:, 1])))
        return np.column_stack([1 - p, p])

    return X, proba


def _lime_ref(X, f, x, discretize, seed, num_samples):
    explainer = LimeTabularExplainer(X, discretize_continuous=discretize, random_state=seed)
    exp = explainer.explain_instance(x, f, num_features=X.shape[1], num_samples=num_samples)
    coef = np.zeros(X.shape[1])
    for j, c in exp.local_exp[1]:
        coef[j] = c
    return coef, exp.intercept[1], exp.score


@pytest.mark.parametrize("discretize", [True, False])
def test_lime_coefficients_agree_with_lime_within_sampling_error(discretize):
    X, f = _lime_problem(0)
    x = X[3]
    ours = np.array([lime_tabular(f, X, x, discretize_continuous=discretize, num_samples=3000,
                                  random_state=s).coef for s in range(6)])
    ref = np.array([_lime_ref(X, f, x, discretize, s, 3000)[0] for s in range(6)])
    # both are means of 6 independent fits: compare within 4 standard errors (+ a small floor)
    se = np.sqrt(ours.var(axis=0, ddof=1) / 6 + ref.var(axis=0, ddof=1) / 6)
    np.testing.assert_array_less(np.abs(ours.mean(axis=0) - ref.mean(axis=0)), 4 * se + 2e-3)
    ex = lime_tabular(f, X, x, discretize_continuous=discretize, num_samples=3000, random_state=0)
    _, ref_intercept, ref_score = _lime_ref(X, f, x, discretize, 0, 3000)
    assert ex.intercept == pytest.approx(ref_intercept, abs=0.05)
    assert 0 <= ex.score <= 1 and ex.score == pytest.approx(ref_score, abs=0.15)
    assert ex.prediction == pytest.approx(f(x[None])[0, 1])


def test_lime_recovers_a_linear_model_and_selects_features():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 4))
    beta = np.array([2.0, 0.0, -1.0, 0.5])
    ex = lime_tabular(lambda Z: Z @ beta, X, X[0], discretize_continuous=False, alpha=0.0,
                      random_state=0)
    # standardised features: the surrogate is exactly β scaled by each feature's spread
    np.testing.assert_allclose(ex.coef, beta * X.std(axis=0), atol=1e-8)
    assert ex.score == pytest.approx(1.0)
    x = np.array([2.0, 0.1, -2.0, 0.1])  # contributions β·z: large for features 0 and 2
    sel = lime_tabular(lambda Z: Z @ beta, X, x, num_features=2, discretize_continuous=False,
                       random_state=0)
    assert set(sel.features.tolist()) == {0, 2} and np.count_nonzero(sel.coef) == 2
    binned = lime_tabular(lambda Z: Z @ beta, X, x, random_state=0)
    assert len(binned.feature_descriptions) == 4 and binned.feature_descriptions[0].startswith("x0 >")


def test_lime_errors():
    X, f = _lime_problem()
    with pytest.raises(ValueError, match="x must have 5 features"):
        lime_tabular(f, X, X[0, :3])
    with pytest.raises(ValueError, match="discretizer"):
        lime_tabular(f, X, X[0], discretizer="entropy")
    with pytest.raises(ValueError, match="kernel_width"):
        lime_tabular(f, X, X[0], kernel_width=0.0)
    with pytest.raises(ValueError, match="label"):
        lime_tabular(f, X, X[0], label=5)
    with pytest.raises(ValueError, match="num_samples"):
        lime_tabular(f, X, X[0], num_samples=1)


def _pd_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 4))
    X[:, 3] = rng.integers(0, 3, 80)  # few distinct values: the grid is the unique values
    return X


@pytest.mark.parametrize("features", [0, 3, (0, 1), (1, 3)])
@pytest.mark.parametrize("kind", ["average", "individual", "both"])
def test_partial_dependence_matches_sklearn_regressor(features, kind):
    X = _pd_data()
    y = X[:, 0] ** 2 + X[:, 1] * X[:, 3]
    est = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X, y)
    feats = [features] if isinstance(features, int) else [features]
    ref = sk_pd(est, X, feats[0] if isinstance(features, int) else list(features), kind=kind,
                grid_resolution=20, method="brute")
    ours = partial_dependence(est, X, features, kind=kind, grid_resolution=20)
    for a, b in zip(ours.grid_values, ref["grid_values"]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    if kind in ("average", "both"):
        np.testing.assert_allclose(ours.average, ref["average"], rtol=1e-12)
    if kind in ("individual", "both"):
        np.testing.assert_allclose(ours.individual, ref["individual"], rtol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_partial_dependence_matches_sklearn_classifier(n_classes):
    X = _pd_data(1)
    y = np.digitize(X[:, 0] + X[:, 2], [-0.5, 0.5][: n_classes - 1])
    clf = GaussianNB().fit(X, y)
    w = np.random.default_rng(0).random(80)
    ref = sk_pd(clf, X, [2], grid_resolution=15, percentiles=(0.1, 0.9), sample_weight=w, method="brute")
    ours = partial_dependence(clf, X, 2, grid_resolution=15, percentiles=(0.1, 0.9), sample_weight=w)
    assert ours.average.shape == ref["average"].shape
    np.testing.assert_allclose(ours.average, ref["average"], rtol=1e-12)


@given(st.integers(0, 1000))
def test_pd_is_mean_of_ice(seed):
    X = np.random.default_rng(seed).normal(size=(12, 3))
    pd = partial_dependence(lambda Z: np.sin(Z[:, 0]) * Z[:, 1], X, 0, kind="both", grid_resolution=6)
    np.testing.assert_allclose(pd.average, pd.individual.mean(axis=1), atol=1e-12)


def test_partial_dependence_errors():
    X = _pd_data()
    f = lambda Z: Z[:, 0]  # noqa: E731
    with pytest.raises(ValueError, match="features"):
        partial_dependence(f, X, 7)
    with pytest.raises(ValueError, match="features"):
        partial_dependence(f, X, (0, 1, 2))
    with pytest.raises(ValueError, match="kind"):
        partial_dependence(f, X, 0, kind="mean")
    with pytest.raises(ValueError, match="percentiles"):
        partial_dependence(f, X, 0, percentiles=(0.9, 0.1))
    with pytest.raises(ValueError, match="grid_resolution"):
        partial_dependence(f, X, 0, grid_resolution=1)
    with pytest.raises(ValueError, match="too close"):
        partial_dependence(f, np.r_[np.zeros((90, 1)), np.arange(10.0)[:, None]], 0,
                           grid_resolution=3, percentiles=(0.1, 0.5))


def test_permutation_importance_agrees_with_sklearn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = 3 * X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=200)
    est = LinearRegression().fit(X, y)
    ours = permutation_importance(est, X, y, n_repeats=30, random_state=0)
    ref = sk_pi(est, X, y, n_repeats=30, random_state=0)
    # different permutations: agree within a few standard errors of the mean
    se = np.sqrt(ours.importances_std**2 + ref.importances_std**2) / np.sqrt(30)
    np.testing.assert_array_less(np.abs(ours.importances_mean - ref.importances_mean), 4 * se + 1e-12)
    assert ours.importances.shape == (4, 30)
    np.testing.assert_allclose(ours.importances_mean[[2, 3]], 0.0, atol=2e-3)  # unused features


def test_permutation_importance_multimetric_weights_and_subsample():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = GaussianNB().fit(X, y)
    res = permutation_importance(clf, X, y, scoring=["accuracy", "neg_log_loss"], n_repeats=3,
                                 random_state=0, sample_weight=np.ones(150), max_samples=0.5)
    assert set(res) == {"accuracy", "neg_log_loss"}
    assert res["accuracy"].importances_mean[0] > 0.2
    a = permutation_importance(clf, X, y, n_repeats=3, random_state=4).importances
    b = permutation_importance(clf, X, y, n_repeats=3, random_state=4).importances
    np.testing.assert_array_equal(a, b)


def test_permutation_importance_errors():
    X = np.zeros((10, 2))
    est = LinearRegression().fit(X + np.arange(10)[:, None], np.arange(10.0))
    with pytest.raises(ValueError, match="n_repeats"):
        permutation_importance(est, X, np.zeros(10), n_repeats=0)
    with pytest.raises(ValueError, match="same number of samples"):
        permutation_importance(est, X, np.zeros(9))
    with pytest.raises(ValueError, match="max_samples"):
        permutation_importance(est, X, np.zeros(10), max_samples=1.5)


def test_sample_weight_checked_once_by_the_shared_check():
    # permutation_importance used to accept negative weights (a negative weight flips a sample's score)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X[:, 0] + 0.1 * rng.normal(size=40)
    est = LinearRegression().fit(X, y)
    w = np.ones(40)
    w[3] = -1.0
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        permutation_importance(est, X, y, sample_weight=w, random_state=0)
    with pytest.raises(ValueError, match="sample_weight must have 40 entries"):
        permutation_importance(est, X, y, sample_weight=np.ones(39), random_state=0)
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        partial_dependence(est, X, 0, sample_weight=w)
    with pytest.raises(ValueError, match="sample_weight must be finite"):
        partial_dependence(est, X, 0, sample_weight=np.r_[np.ones(39), np.nan])
