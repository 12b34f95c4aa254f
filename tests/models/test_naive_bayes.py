"""Naive Bayes against scikit-learn: parameters, log-probabilities, partial_fit."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import naive_bayes as sk
from sklearn.exceptions import NotFittedError

from _tolerances import EPS, assert_within
from mmlkit.datasets import load_digits, load_iris, load_wine
from mmlkit.models import BernoulliNB, GaussianNB, MultinomialNB

TOL = 1e-9


def _finite_close(a, b, tol=1e-8):
    assert np.array_equal(np.isneginf(a), np.isneginf(b))
    mask = np.isfinite(b)
    np.testing.assert_allclose(a[mask], b[mask], rtol=tol, atol=tol)


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_digits])
@pytest.mark.parametrize("kw", [{}, {"var_smoothing": 1e-3}])
def test_gaussian_matches_sklearn(loader, kw):
    X, y = loader()
    ours, ref = GaussianNB(**kw).fit(X, y), sk.GaussianNB(**kw).fit(X, y)
    np.testing.assert_allclose(ours.theta_, ref.theta_, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(ours.var_, ref.var_, rtol=TOL, atol=1e-12)
    np.testing.assert_allclose(ours.class_prior_, ref.class_prior_)
    # ours expands Σ(x − θ)²/σ² into Σx²/σ² − 2Σxθ/σ² + Σθ²/σ² (about the data mean, by
    # matrix products): each joint log-likelihood carries d·ε times the cancelled terms, up
    # to 1e-4 on digits where σ² is var_smoothing's 4e-8; a posterior p moves by ≤ 2p·max|Δ|
    m = X.mean(axis=0)
    cancelled = ((X - m) ** 2) @ (1 / ref.var_).T + (((ref.theta_ - m) ** 2) / ref.var_).sum(axis=1)
    jll_tol = 16 * X.shape[1] * EPS * cancelled
    P = ref.predict_proba(X)
    assert_within(ours.predict_joint_log_proba(X), ref.predict_joint_log_proba(X), jll_tol)
    assert_within(ours.predict_proba(X), P, 1e-15 + 2 * P * jll_tol.max(axis=1, keepdims=True))
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_gaussian_large_offset_and_priors():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4)) * 0.01 + 1e4
    y = rng.integers(0, 3, 300)
    X = X + 0.01 * y[:, None]
    kw = {"priors": [0.2, 0.3, 0.5]}
    ours, ref = GaussianNB(**kw).fit(X, y), sk.GaussianNB(**kw).fit(X, y)
    np.testing.assert_allclose(ours.predict_log_proba(X), ref.predict_log_proba(X), atol=1e-6)


def test_gaussian_partial_fit_equals_fit_even_with_a_missing_class():
    X, y = load_iris()
    order = np.argsort(y, kind="stable")
    X, y = X[order], y[order]
    model = GaussianNB()
    model.partial_fit(X[:50], y[:50], classes=[0, 1, 2])  # only class 0 in the first batch
    assert model.class_count_.tolist() == [50, 0, 0]
    assert np.all(model.predict(X[:50]) == 0)
    for start in range(50, 150, 25):
        model.partial_fit(X[start:start + 25], y[start:start + 25])
    full = GaussianNB().fit(X, y)
    np.testing.assert_allclose(model.theta_, full.theta_, atol=1e-12)
    np.testing.assert_allclose(model.var_, full.var_, atol=1e-12)
    np.testing.assert_allclose(model.predict_log_proba(X), sk.GaussianNB().fit(X, y).predict_log_proba(X), atol=1e-7)


@pytest.mark.parametrize("cls,ref_cls", [(MultinomialNB, sk.MultinomialNB), (BernoulliNB, sk.BernoulliNB)])
@pytest.mark.parametrize("kw", [{}, {"alpha": 0.3, "fit_prior": False}, {"class_prior": [0.1] * 10},
                                {"alpha": 1e-8}])
def test_discrete_matches_sklearn(cls, ref_cls, kw):
    X, y = load_digits()
    ours, ref = cls(**kw).fit(X, y), ref_cls(**kw).fit(X, y)
    _finite_close(ours.feature_log_prob_, ref.feature_log_prob_)
    np.testing.assert_allclose(ours.class_log_prior_, ref.class_log_prior_)
    _finite_close(ours.predict_log_proba(X), ref.predict_log_proba(X), tol=1e-7)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_bernoulli_binarize():
    X, y = load_digits()
    for threshold in (None, 4.0):
        Xb = X if threshold is not None else (X > 8).astype(float)
        ours, ref = BernoulliNB(binarize=threshold).fit(Xb, y), sk.BernoulliNB(binarize=threshold).fit(Xb, y)
        np.testing.assert_allclose(ours.predict_log_proba(Xb), ref.predict_log_proba(Xb), atol=1e-8)


@pytest.mark.parametrize("cls,ref_cls", [(MultinomialNB, sk.MultinomialNB), (BernoulliNB, sk.BernoulliNB)])
def test_discrete_partial_fit_with_missing_class(cls, ref_cls):
    X, y = load_digits()
    first = y < 5
    ours = cls().partial_fit(X[first], y[first], classes=np.arange(10))
    ref = ref_cls().partial_fit(X[first], y[first], classes=np.arange(10))
    _finite_close(ours.predict_log_proba(X), ref.predict_log_proba(X), tol=1e-7)
    ours.partial_fit(X[~first], y[~first])
    _finite_close(ours.predict_log_proba(X), cls().fit(X, y).predict_log_proba(X), tol=1e-10)


def test_no_underflow_in_log_space():
    X, y = load_digits()
    model = MultinomialNB().fit(X, y)
    logp = model.predict_log_proba(X * 1000)  # joint likelihoods far below the float range
    assert np.all(np.isfinite(logp.max(axis=1)))
    np.testing.assert_allclose(np.exp(logp).sum(axis=1), 1.0)


def test_bad_inputs():
    X, y = load_iris()
    with pytest.raises(ValueError, match="Negative"):
        MultinomialNB().fit(X - 10, y)
    with pytest.raises(ValueError, match="classes"):
        GaussianNB().partial_fit(X, y)
    with pytest.raises(ValueError, match="not in classes"):
        GaussianNB().partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="priors"):
        GaussianNB(priors=[0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="sum to 1"):
        GaussianNB(priors=[0.5, 0.5, 0.5]).fit(X, y)
    with pytest.raises(ValueError, match="class_prior"):
        MultinomialNB(class_prior=[1.0]).fit(X, y)
    with pytest.raises(ValueError, match="continuous"):
        GaussianNB().fit(X, np.linspace(0, 1, 150))
    with pytest.raises(ValueError, match="alpha"):
        BernoulliNB(alpha=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="var_smoothing"):
        GaussianNB(var_smoothing=-1.0).fit(X, y)
    with pytest.raises(NotFittedError):
        GaussianNB().predict(X)


def test_small_alpha_warns_without_force():
    X, y = load_digits()
    with pytest.warns(UserWarning, match="alpha"):
        MultinomialNB(alpha=0.0, force_alpha=False).fit(X, y)


@given(st.integers(0, 10_000), st.integers(2, 4), st.integers(1, 5))
def test_posterior_is_normalised_and_consistent(seed, n_classes, n_batches):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 3))
    y = rng.integers(0, n_classes, 60)
    model = GaussianNB()
    for part in np.array_split(np.arange(60), n_batches):
        model.partial_fit(X[part], y[part], classes=np.arange(n_classes))
    full = GaussianNB().fit(X, y)
    if np.unique(y).size == n_classes:
        np.testing.assert_allclose(model.predict_log_proba(X), full.predict_log_proba(X), atol=1e-8)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
