"""KernelRidge against scikit-learn, its normal equations, and bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.kernel_ridge import KernelRidge as SkKernelRidge

from mmlkit.datasets import load_wine, make_regression
from mmlkit.exceptions import NotFittedError
from mmlkit.models import KernelRidge
from mmlkit.models._kernels import kernel_matrix


@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly"])
@pytest.mark.parametrize(("seed", "n", "d"), [(0, 60, 3), (1, 200, 10), (2, 15, 30)])
@pytest.mark.parametrize("alpha", [1e-3, 1.0])
def test_predictions_match_sklearn(kernel, seed, n, d, alpha):
    X, y = make_regression(n, d, noise=1.0, random_state=seed)
    X /= np.abs(X).max()
    Xn = np.random.default_rng(seed).normal(size=(7, d)) / 3
    ours = KernelRidge(alpha=alpha, kernel=kernel).fit(X, y)
    ref = SkKernelRidge(alpha=alpha, kernel=kernel).fit(X, y)
    np.testing.assert_allclose(ours.predict(Xn), ref.predict(Xn), rtol=1e-8, atol=1e-8 * np.abs(y).max())
    np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, rtol=1e-6, atol=1e-8 * np.abs(ref.dual_coef_).max())


def test_multi_target_per_target_alpha_and_weights():
    X, _ = make_regression(80, 4, random_state=3)
    Y = np.random.default_rng(0).normal(size=(80, 3))
    w = np.random.default_rng(1).uniform(0.1, 2.0, 80)
    for kw, fit_kw in [(dict(alpha=[0.1, 1.0, 10.0], kernel="rbf"), {}), (dict(kernel="rbf", gamma=0.3),
                                                                         {"sample_weight": w})]:
        ours, ref = KernelRidge(**kw).fit(X, Y, **fit_kw), SkKernelRidge(**kw).fit(X, Y, **fit_kw)
        np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8, atol=1e-10)


def test_embedded_data_and_precomputed():
    X, y = load_wine()
    X = (X - X.mean(0)) / X.std(0)
    ours, ref = KernelRidge(kernel="rbf", alpha=0.1).fit(X, y), SkKernelRidge(kernel="rbf", alpha=0.1).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-8)
    K = kernel_matrix(X, kernel="rbf", gamma=0.1)
    K0 = K.copy()
    pre = KernelRidge(kernel="precomputed", alpha=0.1).fit(K, y, sample_weight=np.ones(y.size))
    np.testing.assert_allclose(pre.predict(K), SkKernelRidge(kernel="precomputed", alpha=0.1).fit(K, y).predict(K),
                               rtol=1e-8)
    np.testing.assert_array_equal(K, K0)


def test_indefinite_kernel_falls_back_to_least_squares():
    X, y = make_regression(40, 3, random_state=0)
    with pytest.warns(RuntimeWarning, match="least-squares"):
        ours = KernelRidge(kernel="sigmoid", alpha=1e-3, gamma=1.0).fit(X, y)
    ref = SkKernelRidge(kernel="sigmoid", alpha=1e-3, gamma=1.0)
    with pytest.warns(UserWarning):
        ref.fit(X, y)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-6, atol=1e-6)


@given(st.integers(0, 10_000), st.integers(2, 30), st.floats(1e-3, 10.0))
def test_normal_equations(seed, n, alpha):
    """(K + αI) a = y, and predictions on the training points are K a."""
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, 2)), rng.normal(size=n)
    model = KernelRidge(alpha=alpha, kernel="rbf", gamma=0.5).fit(X, y)
    K = kernel_matrix(X, kernel="rbf", gamma=0.5)
    np.testing.assert_allclose((K + alpha * np.eye(n)) @ model.dual_coef_, y, atol=1e-8 * max(1.0, np.abs(y).max()))
    np.testing.assert_allclose(model.predict(X), K @ model.dual_coef_, atol=1e-10)


def test_bad_input():
    X, y = make_regression(20, 3, random_state=0)
    for params, match in [({"alpha": 0.0}, "alpha"), ({"alpha": -1.0}, "alpha"), ({"kernel": "cosine"}, "kernel"),
                          ({"gamma": -2.0}, "gamma"), ({"degree": -1}, "degree"), ({"alpha": [1.0, 2.0]}, "alpha")]:
        with pytest.raises(ValueError, match=match):
            KernelRidge(**params).fit(X, y)
    with pytest.raises(ValueError, match="sample_weight"):
        KernelRidge().fit(X, y, sample_weight=-np.ones(20))
    with pytest.raises(ValueError, match="square"):
        KernelRidge(kernel="precomputed").fit(X, y)
    with pytest.raises(ValueError, match="NaN|infinity|nan"):
        KernelRidge().fit(np.full((3, 2), np.nan), [1.0, 2.0, 3.0])
    with pytest.raises(NotFittedError):
        KernelRidge().predict(X)
    with pytest.raises(ValueError, match="features"):
        KernelRidge().fit(X, y).predict(X[:, :2])
