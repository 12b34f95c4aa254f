"""Exact Shapley values and Kernel SHAP (oracle: shap's Exact and Kernel explainers)."""

import warnings

import numpy as np
import pytest
import shap
from hypothesis import given
from hypothesis import strategies as st
from sklearn.naive_bayes import GaussianNB

from mmlkit.explain import KernelShap, shapley_values


def _nonlinear(d, seed):
    w = np.random.default_rng(seed).normal(size=d)

    def f(Z):
        return np.tanh(Z @ w) + 0.5 * Z[:, 0] * Z[:, 1] + np.sin(Z[:, -1])

    return f


def _shap_exact(f, X, bg):
    explainer = shap.explainers.Exact(f, shap.maskers.Independent(bg, max_samples=bg.shape[0]))
    return explainer(X, silent=True)


@pytest.mark.parametrize("seed,d,n_bg", [(0, 2, 1), (1, 4, 7), (2, 6, 20), (3, 8, 5)])
def test_exact_matches_shap_exact(seed, d, n_bg):
    rng = np.random.default_rng(seed)
    X, bg = rng.normal(size=(5, d)), rng.normal(size=(n_bg, d))
    f = _nonlinear(d, seed)
    ours = shapley_values(f, X, bg)
    ref = _shap_exact(f, X, bg)
    np.testing.assert_allclose(ours.values, ref.values, atol=1e-10)
    np.testing.assert_allclose(ours.base_values, ref.base_values, atol=1e-12)


def test_exact_multioutput_estimator_matches_shap():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 5))
    y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)
    clf = GaussianNB().fit(X, y)
    ours = shapley_values(clf.predict_proba, X[:4], X[10:30])
    ref = _shap_exact(clf.predict_proba, X[:4], X[10:30])
    assert ours.values.shape == (4, 5, 2)
    np.testing.assert_allclose(ours.values, ref.values, atol=1e-10)
    # an estimator passed directly contributes its predict
    assert shapley_values(clf, X[:2], X[10:12]).values.shape == (2, 5)


def test_exact_small_chunks_agree(monkeypatch):
    import mmlkit.explain._shapley as S

    rng = np.random.default_rng(0)
    X, bg = rng.normal(size=(3, 7)), rng.normal(size=(9, 7))
    f = _nonlinear(7, 0)
    full = shapley_values(f, X, bg).values
    monkeypatch.setattr(S, "_CHUNK_BYTES", 4096)  # forces splitting rows and coalitions
    np.testing.assert_allclose(shapley_values(f, X, bg).values, full, atol=1e-12)


row = st.lists(st.floats(-2, 2), min_size=4, max_size=4)


@given(st.lists(row, min_size=1, max_size=3), st.lists(row, min_size=1, max_size=4),
       st.floats(-2, 2), st.floats(-2, 2))
def test_shapley_axioms(xs, bgs, a, b):
    X, bg = np.array(xs), np.array(bgs)

    def f(Z):  # symmetric in features 0 and 1; feature 3 is a dummy
        return a * Z[:, 0] * Z[:, 1] + np.sin(Z[:, 0] + Z[:, 1]) + b * Z[:, 2] ** 2

    def g(Z):
        return np.exp(Z[:, 2] / 3) - Z[:, 0]

    phi_f = shapley_values(f, X, bg)
    phi_g = shapley_values(g, X, bg).values
    # efficiency: Σφ = f(x) − E f(background)
    np.testing.assert_allclose(phi_f.values.sum(axis=1), f(X) - f(bg).mean(), atol=1e-9)
    # dummy: a feature the model ignores gets nothing
    np.testing.assert_allclose(phi_f.values[:, 3], 0.0, atol=1e-12)
    # additivity: φ(f + g) = φ(f) + φ(g)
    np.testing.assert_allclose(shapley_values(lambda Z: f(Z) + g(Z), X, bg).values,
                               phi_f.values + phi_g, atol=1e-9)
    # symmetry: interchangeable features with equal values (here and in the background) share equally
    Xs, bgs_ = X.copy(), bg.copy()
    Xs[:, 1], bgs_[:, 1] = Xs[:, 0], bgs_[:, 0]
    sym = shapley_values(f, Xs, bgs_).values
    np.testing.assert_allclose(sym[:, 0], sym[:, 1], atol=1e-9)


def test_kernel_shap_enumerates_exactly_when_budget_allows():
    rng = np.random.default_rng(1)
    X, bg = rng.normal(size=(4, 6)), rng.normal(size=(8, 6))
    f = _nonlinear(6, 1)
    exact = shapley_values(f, X, bg).values
    ks = KernelShap(f, bg)
    np.testing.assert_allclose(ks.shap_values(X, nsamples=2**6 - 2), exact, atol=1e-10)
    np.testing.assert_allclose(ks.shap_values(X, nsamples=10**6), exact, atol=1e-10)
    assert ks.expected_value == pytest.approx(f(bg).mean())


def test_kernel_shap_is_at_least_as_close_to_exact_as_shap():
    # the W13 set-up at a test-sized scale: a 12-feature logistic model, 2,048 coalitions
    rng = np.random.default_rng(2)
    d = 12
    w = rng.normal(size=d)

    def f(Z):
        return 1.0 / (1.0 + np.exp(-(Z @ w)))

    X, bg = rng.normal(size=(6, d)), rng.normal(size=(12, d))
    exact = shapley_values(f, X, bg).values
    ours, ref = [], []
    for seed in range(4):
        phi = KernelShap(f, bg).shap_values(X, nsamples=2048, random_state=seed)
        ours.append(np.mean(np.abs(phi - exact)))
        np.random.seed(seed)  # noqa: NPY002 (shap's KernelExplainer samples from the global state)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref_phi = shap.KernelExplainer(f, bg).shap_values(X, nsamples=2048, l1_reg=False, silent=True)
        ref.append(np.mean(np.abs(ref_phi - exact)))
    assert np.mean(ours) <= np.mean(ref)
    assert np.mean(ours) < 2e-3


@given(st.integers(0, 2**16))
def test_kernel_shap_efficiency_and_determinism(seed):
    rng = np.random.default_rng(seed)
    X, bg = rng.normal(size=(3, 9)), rng.normal(size=(4, 9))
    f = _nonlinear(9, seed % 7)
    ex = KernelShap(f, bg).explain(X, nsamples=60, random_state=seed)
    np.testing.assert_allclose(ex.values.sum(axis=1) + ex.base_values, f(X), atol=1e-9)
    again = KernelShap(f, bg).explain(X, nsamples=60, random_state=seed)
    np.testing.assert_array_equal(ex.values, again.values)


def test_kernel_shap_multioutput_and_single_row():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(80, 4))
    clf = GaussianNB().fit(X, (X[:, 0] > 0).astype(int))
    ks = KernelShap(clf.predict_proba, X[:10])
    ex = ks.explain(X[20], nsamples="auto")
    assert ex.values.shape == (4, 2)
    np.testing.assert_allclose(ex.values, shapley_values(clf.predict_proba, X[20], X[:10]).values,
                               atol=1e-10)


def test_inputs_not_modified():
    rng = np.random.default_rng(0)
    X, bg = rng.normal(size=(2, 3)), rng.normal(size=(3, 3))
    Xc, bgc = X.copy(), bg.copy()
    shapley_values(_nonlinear(3, 0), X, bg)
    KernelShap(_nonlinear(3, 0), bg).explain(X, nsamples=4, random_state=0)
    np.testing.assert_array_equal(X, Xc)
    np.testing.assert_array_equal(bg, bgc)


def test_errors():
    f = _nonlinear(3, 0)
    with pytest.raises(ValueError, match="max_features"):
        shapley_values(lambda Z: Z.sum(axis=1), np.zeros((1, 16)), np.zeros((1, 16)))
    with pytest.raises(ValueError, match="background must have 3 features"):
        shapley_values(f, np.zeros((1, 3)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="X must be finite"):
        shapley_values(f, np.array([[np.nan, 0, 0]]), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="model must map"):
        shapley_values(lambda Z: np.zeros(3), np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="model must be a callable"):
        shapley_values(42, np.zeros((1, 3)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="nsamples"):
        KernelShap(f, np.zeros((2, 3))).explain(np.zeros((1, 3)), nsamples=1)
    with pytest.raises(ValueError, match="at least 2 features"):
        KernelShap(lambda Z: Z[:, 0], np.zeros((2, 1))).explain(np.zeros((1, 1)))
