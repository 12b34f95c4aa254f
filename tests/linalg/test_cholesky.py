"""Cholesky and positive-definiteness against numpy.linalg."""

import numpy as np
import pytest
from linalg_cases import SEEDS, SQUARE, spd, symmetric

from mmlkit.linalg import cholesky, is_positive_definite


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SQUARE + [130])
def test_cholesky_matches_numpy(seed, n):
    A = spd(n, seed)
    L = cholesky(A)
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(L @ L.T, A, rtol=1e-12, atol=1e-12 * n)


@pytest.mark.parametrize("seed", SEEDS)
def test_cholesky_upper_matches_numpy(seed):
    A = spd(7, seed)
    np.testing.assert_allclose(cholesky(A, upper=True), np.linalg.cholesky(A, upper=True), rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_cholesky_ill_conditioned(seed):
    A = spd(40, seed, cond=1e12)
    L = cholesky(A)
    np.testing.assert_allclose(L @ L.T, A, atol=1e-14)
    np.testing.assert_allclose(L, np.linalg.cholesky(A), atol=1e-8)


def test_cholesky_uses_lower_triangle_of_symmetric_input_and_float32():
    A = spd(5, 0).astype(np.float32)
    L = cholesky(A)
    assert L.dtype == np.float64
    np.testing.assert_allclose(L, np.linalg.cholesky(A.astype(np.float64)), rtol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [1, 4, 60])
def test_is_positive_definite_agrees_with_eigenvalues(seed, n):
    for A in (spd(n, seed), symmetric(n, seed), -spd(n, seed)):
        assert is_positive_definite(A) == bool(np.linalg.eigvalsh(A).min() > 0)


def test_semidefinite_is_not_positive_definite():
    v = np.array([[1.0], [2.0], [3.0]])
    assert not is_positive_definite(v @ v.T)
    assert not is_positive_definite(np.zeros((2, 2)))


@pytest.mark.parametrize("A", [[[1.0, 2.0], [2.0, 1.0]], [[-1.0]], [[0.0, 0.0], [0.0, 1.0]]])
def test_cholesky_raises_lin_alg_error_when_not_positive_definite(A):
    with pytest.raises(np.linalg.LinAlgError, match="positive definite"):
        cholesky(A)
