"""Inference about models (oracles: scipy.stats for p-values and bootstrap intervals)."""

import numpy as np
import pytest
import scipy.stats as ss
from hypothesis import given
from hypothesis import strategies as st
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from mmlkit import evaluation as ev
from mmlkit.datasets import load_breast_cancer, make_classification, make_regression


def test_bias_variance_squared_identity_and_ordering():
    X, y = make_regression(120, 4, noise=5.0, random_state=0)
    parts = {}
    for name, est in [("linear", LinearRegression()), ("tree", DecisionTreeRegressor(random_state=0))]:
        bv = ev.bias_variance_decomposition(est, X[:80], y[:80], X[80:], y[80:], n_rounds=30,
                                            random_state=0)
        # E(ŷ − y)² = (ȳ − y)² + E(ŷ − ȳ)² holds exactly for the empirical averages
        assert bv.expected_loss == pytest.approx(bv.bias + bv.variance, rel=1e-12)
        parts[name] = bv
    # an unpruned tree has far more variance than least squares on linear data
    assert parts["tree"].variance > 5 * parts["linear"].variance
    again = ev.bias_variance_decomposition(LinearRegression(), X[:80], y[:80], X[80:], y[80:],
                                           n_rounds=30, random_state=0)
    assert again == parts["linear"]


def test_bias_variance_zero_one_loss():
    X, y = make_classification(200, 5, random_state=1)
    bv = ev.bias_variance_decomposition(DecisionTreeClassifier(random_state=0), X[:140], y[:140],
                                        X[140:], y[140:], loss="0-1", n_rounds=25, random_state=0)
    assert 0 <= bv.bias <= 1 and 0 <= bv.variance <= 1
    # Domingos: for two classes the loss is bias + variance on unbiased points, bias − variance on biased
    assert bv.expected_loss <= bv.bias + bv.variance + 1e-12
    const = ev.bias_variance_decomposition(DummyClassifier(strategy="constant", constant=1), X[:140],
                                           y[:140], X[140:], y[140:], loss="0-1", n_rounds=5)
    assert const.variance == 0.0 and const.bias == pytest.approx(np.mean(y[140:] != 1))


@pytest.mark.parametrize("seed", range(4))
def test_corrected_ttest_matches_formula_with_scipy_t(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0.8, 0.05, 10), rng.normal(0.78, 0.05, 10)
    res = ev.corrected_resampled_ttest(a, b, n_train=90, n_test=10)
    d = a - b
    t = d.mean() / np.sqrt((1 / 10 + 10 / 90) * d.var(ddof=1))
    assert res.statistic == pytest.approx(t, rel=1e-12)
    assert res.pvalue == pytest.approx(2 * ss.t.sf(abs(t), 9), rel=1e-10)
    assert res.df == 9
    # without the correction term the test is scipy's paired t-test
    plain = ev.corrected_resampled_ttest(a, b, n_train=10**12, n_test=1)
    assert plain.pvalue == pytest.approx(ss.ttest_rel(a, b).pvalue, rel=1e-6)


@given(st.integers(0, 30), st.integers(0, 30), st.integers(1, 30))
def test_mcnemar_matches_scipy(b, c, agree):
    y = np.array([1] * (b + c + agree))
    pa = np.r_[np.ones(b), np.zeros(c), np.ones(agree)]
    pb = np.r_[np.zeros(b), np.ones(c), np.ones(agree)]
    if b + c == 0:
        assert ev.mcnemar_test(y, pa, pb).pvalue == 1.0
        return
    exact = ev.mcnemar_test(y, pa, pb)
    assert exact.pvalue == pytest.approx(ss.binomtest(min(b, c), b + c, 0.5).pvalue, rel=1e-9)
    chi = ev.mcnemar_test(y, pa, pb, exact=False)
    stat = (abs(b - c) - 1) ** 2 / (b + c)
    assert chi.statistic == pytest.approx(stat)
    assert chi.pvalue == pytest.approx(ss.chi2.sf(stat, 1), rel=1e-9)


def test_compare_models_detects_a_real_difference_and_not_a_null_one():
    X, y = load_breast_cancer()
    strong = ev.compare_models(GaussianNB(), DummyClassifier(), X, y, cv=5, random_state=0)
    assert strong.pvalue < 1e-3 and strong.mean_difference > 0.2 and strong.scores_a.shape == (5,)
    same = ev.compare_models(GaussianNB(), GaussianNB(), X, y, cv=5, n_repeats=2, random_state=0)
    assert same.pvalue == 1.0 and same.df == 9
    mc = ev.compare_models(GaussianNB(), DummyClassifier(), X, y, method="mcnemar", random_state=0)
    assert mc.pvalue < 1e-6 and mc.mean_difference > 0.2


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_metric_confidence_interval_agrees_with_scipy_bootstrap(method):
    rng = np.random.default_rng(0)
    y = rng.normal(size=300)
    p = y + rng.normal(scale=0.7, size=300)
    ours = ev.metric_confidence_interval(ev.mean_absolute_error, y, p, n_resamples=2000,
                                         method=method, random_state=1)
    ref = ss.bootstrap((y, p), lambda a, b: np.mean(np.abs(a - b)), paired=True, vectorized=False,
                       n_resamples=2000, method=method, random_state=2).confidence_interval
    width = ref.high - ref.low
    # two independent bootstrap runs: endpoints agree to a small fraction of the width
    assert ours.low == pytest.approx(ref.low, abs=0.12 * width)
    assert ours.high == pytest.approx(ref.high, abs=0.12 * width)
    assert ours.estimate == pytest.approx(np.mean(np.abs(y - p)))


def test_metric_confidence_interval_covers_and_uses_weights():
    y = np.r_[np.zeros(50), np.ones(50)].astype(int)
    pred = y.copy()
    pred[:10] = 1
    ci = ev.metric_confidence_interval(ev.accuracy_score, y, pred, n_resamples=500, random_state=0,
                                       sample_weight=np.ones(100))
    assert ci.low < 0.9 < ci.high and ci.bootstrap_distribution.shape == (500,)


def test_inference_errors():
    X, y = make_regression(30, 2, random_state=0)
    with pytest.raises(ValueError, match="loss"):
        ev.bias_variance_decomposition(LinearRegression(), X, y, X, y, loss="hinge")
    with pytest.raises(ValueError, match="n_rounds"):
        ev.bias_variance_decomposition(LinearRegression(), X, y, X, y, n_rounds=0)
    with pytest.raises(ValueError, match="X_test must have 2 features"):
        ev.bias_variance_decomposition(LinearRegression(), X, y, X[:, :1], y)
    with pytest.raises(ValueError, match="at least 2 folds"):
        ev.corrected_resampled_ttest([0.5], [0.4], 10, 2)
    with pytest.raises(ValueError, match="n_test"):
        ev.corrected_resampled_ttest([0.5, 0.6], [0.4, 0.5], 10, 0)
    with pytest.raises(ValueError, match="same number of samples"):
        ev.mcnemar_test([0, 1], [0, 1], [0])
    with pytest.raises(ValueError, match="method"):
        ev.compare_models(LinearRegression(), LinearRegression(), X, y, method="anova")
    with pytest.raises(ValueError, match="X_test and y_test"):
        ev.compare_models(GaussianNB(), DummyClassifier(), X, y > np.median(y), method="mcnemar", X_test=X)
    # McNemar counts misclassifications: two regressors have none to count (it used to compute silently)
    with pytest.raises(ValueError, match="estimator_a .LinearRegression. is not a classifier"):
        ev.compare_models(LinearRegression(), GaussianNB(), X, y, method="mcnemar")
    with pytest.raises(ValueError, match="estimator_b .DecisionTreeRegressor. is not a classifier"):
        ev.compare_models(GaussianNB(), DecisionTreeRegressor(), X, y, method="mcnemar")
    with pytest.raises(ValueError, match=r"metric must be a callable, got .accuracy. "
                                         r"\(a parameter of metric_confidence_interval\)"):
        ev.metric_confidence_interval("accuracy", [0, 1], [0, 1])
    with pytest.raises(ValueError, match="confidence_level"):
        ev.metric_confidence_interval(ev.accuracy_score, [0, 1], [0, 1], confidence_level=1.5)
