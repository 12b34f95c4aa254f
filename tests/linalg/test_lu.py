"""LU, solve, det, inv, solve_triangular against scipy.linalg / numpy.linalg."""

import numpy as np
import pytest
import scipy.linalg
from linalg_cases import SEEDS, SHAPES, SQUARE, ill_conditioned, random_matrix, rank_deficient

from mmlkit.linalg import det, inv, lu, solve, solve_triangular


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES + [(130, 130), (120, 70)])
def test_lu_matches_scipy(seed, shape):
    A = random_matrix(shape, seed)
    P, L, U = lu(A)
    P0, L0, U0 = scipy.linalg.lu(A)
    np.testing.assert_array_equal(P, P0)  # same pivots (ties have probability 0 here)
    np.testing.assert_allclose(L, L0, atol=1e-12)
    np.testing.assert_allclose(U, U0, atol=1e-11)
    np.testing.assert_allclose(P @ L @ U, A, atol=1e-12)
    assert np.abs(L).max() <= 1.0


@pytest.mark.parametrize("seed", SEEDS)
def test_lu_of_singular_matrix_still_reconstructs(seed):
    for A in (rank_deficient(7, 7, 3, seed), np.zeros((3, 3)), np.array([[0.0, 1.0], [0.0, 2.0]])):
        P, L, U = lu(A)
        np.testing.assert_allclose(P @ L @ U, A, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SQUARE)
@pytest.mark.parametrize("nrhs", [None, 1, 4])
def test_solve_matches_numpy(seed, n, nrhs):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n))
    b = rng.standard_normal(n if nrhs is None else (n, nrhs))
    x = solve(A, b)
    assert x.shape == b.shape
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_solve_ill_conditioned_has_small_backward_error(seed):
    A = ill_conditioned(30, seed, 1e12)
    b = np.random.default_rng(seed).standard_normal(30)
    x = solve(A, b)
    assert np.linalg.norm(A @ x - b) <= 1e-12 * np.linalg.norm(A, 2) * np.linalg.norm(x) + 1e-12
    x0 = np.linalg.solve(A, b)
    assert np.linalg.norm(x - x0) <= 1e-2 * np.linalg.norm(x0)  # forward error ~ κ ε


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SQUARE)
def test_det_matches_numpy(seed, n):
    A = random_matrix((n, n), seed)
    np.testing.assert_allclose(det(A), np.linalg.det(A), rtol=1e-10)


def test_det_of_singular_and_permutation():
    assert det(np.zeros((3, 3))) == 0.0
    assert det(rank_deficient(5, 5, 2, 0)) == pytest.approx(0.0, abs=1e-12)
    P = np.eye(4)[[1, 0, 3, 2]]
    assert det(P) == pytest.approx(1.0)
    assert det(np.eye(3)[[1, 2, 0]]) == pytest.approx(1.0)
    assert det(np.eye(3)[[1, 0, 2]]) == pytest.approx(-1.0)
    assert det(1e-300 * np.eye(2)) == 0.0 or det(1e-300 * np.eye(2)) == pytest.approx(1e-600, abs=1e-320)


def test_det_does_not_overflow_midway():
    A = np.diag([1e200, 1e200, 1e-200, 1e-200])
    assert det(A) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SQUARE)
def test_inv_matches_numpy(seed, n):
    A = random_matrix((n, n), seed)
    np.testing.assert_allclose(inv(A), np.linalg.inv(A), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(inv(A) @ A, np.eye(n), atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("unit", [True, False])
@pytest.mark.parametrize("n", [1, 5, 70])
def test_solve_triangular_matches_scipy(seed, lower, unit, n):
    rng = np.random.default_rng(seed)
    T = rng.standard_normal((n, n)) + 3 * np.eye(n)
    b = rng.standard_normal((n, 3))
    x = solve_triangular(T, b, lower=lower, unit_diagonal=unit)
    np.testing.assert_allclose(x, scipy.linalg.solve_triangular(T, b, lower=lower, unit_diagonal=unit),
                               rtol=1e-9, atol=1e-11)
