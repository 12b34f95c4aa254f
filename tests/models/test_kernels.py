"""The shared kernel functions against scikit-learn's pairwise kernels."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import pairwise as skp

from mmlkit.models._kernels import (
    kernel_block_into,
    kernel_diagonal,
    kernel_matrix,
    linear_kernel,
    polynomial_kernel,
    rbf_kernel,
    resolve_gamma,
    sigmoid_kernel,
)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("n", "m", "d"), [(1, 1, 1), (7, 5, 3), (40, 30, 12)])
def test_kernels_match_sklearn(seed, n, m, d):
    rng = np.random.default_rng(seed)
    X, Z = rng.normal(size=(n, d)), rng.normal(size=(m, d))
    np.testing.assert_allclose(linear_kernel(X, Z), skp.linear_kernel(X, Z), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(rbf_kernel(X, Z, gamma=0.3), skp.rbf_kernel(X, Z, gamma=0.3), rtol=1e-10, atol=1e-14)
    for degree in (1, 2, 3, 2.5):
        np.testing.assert_allclose(polynomial_kernel(np.abs(X), np.abs(Z), gamma=0.2, degree=degree, coef0=1.5),
                                   skp.polynomial_kernel(np.abs(X), np.abs(Z), gamma=0.2, degree=degree, coef0=1.5),
                                   rtol=1e-12)
    np.testing.assert_allclose(sigmoid_kernel(X, Z, gamma=0.1, coef0=-0.5),
                               skp.sigmoid_kernel(X, Z, gamma=0.1, coef0=-0.5), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly", "sigmoid"])
def test_block_and_diagonal_agree_with_kernel_matrix(kernel):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(9, 4))
    K = kernel_matrix(X, kernel=kernel, gamma=0.4, degree=3, coef0=0.5)
    out = np.empty((4, 9))
    kernel_block_into(out, X[2:6], X, kernel=kernel, gamma=0.4, degree=3, coef0=0.5)
    np.testing.assert_allclose(out, K[2:6], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(kernel_diagonal(X, kernel=kernel, gamma=0.4, degree=3, coef0=0.5), np.diag(K),
                               rtol=1e-12)


def test_gamma_resolution_and_dispatch():
    X = np.random.default_rng(0).normal(size=(30, 4)) * 3
    assert resolve_gamma("scale", X) == pytest.approx(1 / (4 * X.var()))
    assert resolve_gamma("auto", X) == resolve_gamma(None, X) == 0.25
    assert resolve_gamma(2, X) == 2.0
    assert resolve_gamma("scale", np.ones((3, 2))) == 1.0
    K = X @ X.T
    assert kernel_matrix(K, kernel="precomputed") is K
    np.testing.assert_allclose(kernel_matrix(X, kernel=lambda a, b: a @ b.T), K)
    # gamma is checked once, by the estimators' constraint table (resolve_gamma trusts it)
    from mmlkit.models import SVC, KernelRidge
    with pytest.raises(ValueError, match="gamma must be None or one of {'scale', 'auto'} or a float"):
        KernelRidge(gamma=0.0).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="gamma must be one of {'scale', 'auto'} or a float"):
        SVC(gamma="wide").fit(X, X[:, 0] > 0)
    with pytest.raises(ValueError, match="kernel"):
        kernel_matrix(X, kernel="cosine")
    with pytest.raises(ValueError, match="shape"):
        kernel_matrix(X, kernel=lambda a, b: np.ones(3))


@given(st.integers(0, 10_000), st.integers(1, 25), st.floats(1e-3, 5.0))
def test_rbf_gram_is_psd_with_unit_diagonal(seed, n, gamma):
    X = np.random.default_rng(seed).normal(size=(n, 3))
    K = rbf_kernel(X, gamma=gamma)
    np.testing.assert_allclose(np.diag(K), 1.0)
    np.testing.assert_allclose(K, K.T)
    assert np.linalg.eigvalsh(K).min() > -1e-10
    assert np.all((K >= 0) & (K <= 1))
