"""svd, svdvals, pinv, lstsq, matrix_rank and cond against numpy.linalg."""

import numpy as np
import pytest
import scipy.linalg
from linalg_cases import SEEDS, SHAPES, ill_conditioned, random_matrix, rank_deficient, with_singular_values

from mmlkit.linalg import cond, lstsq, matrix_rank, null_space, orth, pinv, svd, svdvals


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES + [(130, 40)])
@pytest.mark.parametrize("full_matrices", [False, True])
def test_svd_matches_numpy(seed, shape, full_matrices):
    A = random_matrix(shape, seed)
    U, s, Vt = svd(A, full_matrices=full_matrices)
    U0, s0, Vt0 = np.linalg.svd(A, full_matrices=full_matrices)
    assert U.shape == U0.shape and s.shape == s0.shape and Vt.shape == Vt0.shape
    np.testing.assert_allclose(s, s0, atol=1e-12 * s0[0] * max(shape))
    k = len(s)
    np.testing.assert_allclose((U[:, :k] * s) @ Vt[:k], A, atol=1e-12 * max(shape))
    np.testing.assert_allclose(U.T @ U, np.eye(U.shape[1]), atol=1e-12 * max(shape))
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(Vt.shape[0]), atol=1e-12 * max(shape))
    # distinct singular values: singular vectors agree with NumPy's up to sign (in pairs)
    signs = np.sign(np.sum(U[:, :k] * U0[:, :k], axis=0))
    np.testing.assert_allclose(U[:, :k] * signs, U0[:, :k], atol=1e-8)
    np.testing.assert_allclose(Vt[:k] * signs[:, None], Vt0[:k], atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("A_of", [
    lambda s: rank_deficient(20, 12, 4, s),
    lambda s: rank_deficient(9, 15, 2, s),
    lambda s: ill_conditioned(25, s, 1e14),
    lambda s: with_singular_values(10, 10, np.array([3.0, 3.0, 3.0, 1.0, 1.0, 0.5]), s),  # repeated and zero
    lambda s: np.zeros((4, 3)),
    lambda s: np.outer(np.arange(1.0, 6.0), np.ones(4)),
], ids=["rank-4-tall", "rank-2-wide", "ill-conditioned", "repeated", "zeros", "rank-one"])
def test_svd_awkward_matrices(seed, A_of):
    A = A_of(seed)
    U, s, Vt = svd(A)
    s0 = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(s, s0, atol=1e-13 * max(1.0, s0[0]) * max(A.shape))
    np.testing.assert_allclose((U * s) @ Vt, A, atol=1e-13 * max(1.0, s0[0]) * max(A.shape))
    np.testing.assert_allclose(U.T @ U, np.eye(U.shape[1]), atol=1e-12)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(Vt.shape[0]), atol=1e-12)
    assert np.all(np.diff(s) <= 0) and np.all(s >= 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_svdvals_and_compute_uv_false(seed):
    A = random_matrix((12, 7), seed)
    np.testing.assert_allclose(svdvals(A), np.linalg.svd(A, compute_uv=False), atol=1e-13)
    np.testing.assert_allclose(svd(A.T, compute_uv=False), np.linalg.svd(A, compute_uv=False), atol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_pinv_matches_numpy(seed, shape):
    A = random_matrix(shape, seed)
    np.testing.assert_allclose(pinv(A), np.linalg.pinv(A), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_pinv_rank_deficient_and_rcond(seed):
    A = rank_deficient(8, 6, 3, seed)
    np.testing.assert_allclose(pinv(A), np.linalg.pinv(A), atol=1e-10)
    B = with_singular_values(5, 5, np.array([1.0, 1e-1, 1e-3, 1e-6, 1e-9]), seed)
    np.testing.assert_allclose(pinv(B, rcond=1e-4), np.linalg.pinv(B, rcond=1e-4), atol=1e-8)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape, rank", [((20, 5), None), ((5, 20), None), ((30, 10), 4), ((8, 8), None),
                                         ((1, 1), None)])
@pytest.mark.parametrize("nrhs", [None, 3])
def test_lstsq_svd_matches_numpy(seed, shape, rank, nrhs):
    rng = np.random.default_rng(seed)
    A = random_matrix(shape, seed) if rank is None else rank_deficient(*shape, rank, seed)
    b = rng.standard_normal(shape[0] if nrhs is None else (shape[0], nrhs))
    if rank is None:
        x, res, r, s = lstsq(A, b)
    else:
        with pytest.warns(np.exceptions.RankWarning, match="direction"):
            x, res, r, s = lstsq(A, b)
    x0, res0, r0, s0 = np.linalg.lstsq(A, b, rcond=None)
    np.testing.assert_allclose(x, x0, rtol=1e-8, atol=1e-10)
    assert res.shape == res0.shape and r == r0
    np.testing.assert_allclose(res, res0, rtol=1e-8)
    np.testing.assert_allclose(s, s0, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("nrhs", [None, 2])
def test_lstsq_qr_matches_numpy(seed, nrhs):
    rng = np.random.default_rng(seed)
    A = random_matrix((40, 6), seed)
    b = rng.standard_normal(40 if nrhs is None else (40, nrhs))
    x, res, r, s = lstsq(A, b, method="qr")
    x0, res0, r0, s0 = np.linalg.lstsq(A, b, rcond=None)
    np.testing.assert_allclose(x, x0, rtol=1e-10)
    np.testing.assert_allclose(res, res0, rtol=1e-8)
    assert r == r0
    np.testing.assert_allclose(s, s0, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_lstsq_ill_conditioned(seed):
    A = with_singular_values(30, 8, np.geomspace(1, 1e-10, 8), seed)
    b = np.random.default_rng(seed).standard_normal(30)
    x0 = np.linalg.lstsq(A, b, rcond=None)[0]
    for method in ("svd", "qr"):
        x = lstsq(A, b, method=method)[0]
        # fitted values are well determined even though x is not (A x loses ~ κ ε ‖x‖ to cancellation)
        np.testing.assert_allclose(A @ x, A @ x0, atol=1e-5)
        assert np.linalg.norm(A @ x - b) == pytest.approx(np.linalg.norm(A @ x0 - b), rel=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("A_of", [
    lambda s: random_matrix((6, 4), s), lambda s: rank_deficient(10, 10, 3, s),
    lambda s: rank_deficient(4, 9, 1, s), lambda s: np.zeros((3, 3)), lambda s: ill_conditioned(12, s, 1e17),
])
def test_matrix_rank_matches_numpy(seed, A_of):
    A = A_of(seed)
    assert matrix_rank(A) == np.linalg.matrix_rank(A)
    assert matrix_rank(A, tol=1e-3) == np.linalg.matrix_rank(A, tol=1e-3)


def test_matrix_rank_of_vectors():
    assert matrix_rank([1.0, 0.0]) == np.linalg.matrix_rank(np.array([1.0, 0.0])) == 1
    assert matrix_rank([0.0, 0.0]) == 0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("p", [None, 1, -1, 2, -2, np.inf, -np.inf, "fro", "nuc"])
def test_cond_matches_numpy(seed, p):
    A = ill_conditioned(6, seed, 1e6)
    np.testing.assert_allclose(cond(A, p), np.linalg.cond(A, p), rtol=1e-6)


def test_cond_rectangular_and_singular():
    A = random_matrix((7, 3), 0)
    np.testing.assert_allclose(cond(A), np.linalg.cond(A), rtol=1e-10)
    assert cond(np.zeros((2, 2))) == np.inf
    assert cond(np.array([[1.0, 1.0], [1.0, 1.0]]), 1) == np.inf


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("A_of", [
    lambda s: random_matrix((6, 4), s), lambda s: random_matrix((3, 7), s), lambda s: rank_deficient(8, 6, 2, s),
    lambda s: np.zeros((3, 2)), lambda s: random_matrix((1, 1), s),
])
def test_orth_and_null_space_match_scipy(seed, A_of):
    A = A_of(seed)
    Q, N = orth(A), null_space(A)
    Q0, N0 = scipy.linalg.orth(A), scipy.linalg.null_space(A)
    assert Q.shape == Q0.shape and N.shape == N0.shape
    # bases are not unique; their projectors are
    np.testing.assert_allclose(Q @ Q.T, Q0 @ Q0.T, atol=1e-10)
    np.testing.assert_allclose(N @ N.T, N0 @ N0.T, atol=1e-10)
    np.testing.assert_allclose(A @ N, 0.0, atol=1e-12)
