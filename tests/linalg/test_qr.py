"""Gram–Schmidt and QR (Householder, Gram–Schmidt, Givens) against numpy.linalg.qr."""

import numpy as np
import pytest
from linalg_cases import SEEDS, SHAPES, ill_conditioned, random_matrix, rank_deficient

from mmlkit.linalg import gram_schmidt, qr

METHODS = ["householder", "gram_schmidt", "givens"]


def _check_qr(A, Q, R, Q0, R0, atol):
    assert Q.shape == Q0.shape and R.shape == R0.shape
    np.testing.assert_allclose(Q @ R, A, atol=atol)
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=atol)
    np.testing.assert_allclose(R, np.triu(R), atol=0)
    # unique up to the signs of R's rows (Q's columns) where A has full rank
    k = min(A.shape)
    if np.linalg.matrix_rank(A) == k:
        d = np.sign(np.diag(R0)[:k]) * np.sign(np.diag(R)[:k])
        np.testing.assert_allclose(R[:k] * d[:, None], R0[:k], atol=atol)
        np.testing.assert_allclose(Q[:, :k] * d, Q0[:, :k], atol=atol * max(1.0, np.linalg.cond(A)))


CASES = [(shape, method) for shape in SHAPES for method in METHODS
         if not (method == "gram_schmidt" and shape[1] > shape[0])]  # wide: GS raises (test_errors)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape, method", CASES)
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_matches_numpy(seed, shape, method, mode):
    A = random_matrix(shape, seed)
    Q, R = qr(A, method=method, mode=mode)
    Q0, R0 = np.linalg.qr(A, mode=mode)
    _check_qr(A, Q, R, Q0, R0, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4)])
def test_qr_mode_r(seed, shape):
    A = random_matrix(shape, seed)
    R = qr(A, mode="r")
    R0 = np.linalg.qr(A, mode="r")
    np.testing.assert_allclose(np.abs(R), np.abs(R0), atol=1e-12)


def test_householder_r_has_lapack_signs():
    A = random_matrix((6, 4), 3)
    np.testing.assert_allclose(qr(A)[1], np.linalg.qr(A)[1], atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("method", ["householder", "givens"])
def test_qr_rank_deficient_and_ill_conditioned(seed, method):
    for A in (rank_deficient(12, 6, 3, seed), ill_conditioned(10, seed, 1e12), np.zeros((4, 3))):
        Q, R = qr(A, method=method)
        np.testing.assert_allclose(Q @ R, A, atol=1e-12 * max(1.0, np.abs(A).max()))
        np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_householder_qr_is_blocked_correctly_past_one_panel(seed):
    A = random_matrix((150, 110), seed)  # several 32-column panels, with a ragged last one
    Q, R = qr(A, mode="complete")
    np.testing.assert_allclose(Q @ R, A, atol=1e-12)
    np.testing.assert_allclose(Q.T @ Q, np.eye(150), atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("modified", [True, False])
@pytest.mark.parametrize("shape", [(1, 1), (6, 6), (20, 7)])
def test_gram_schmidt_spans_like_numpy_q(seed, modified, shape):
    A = random_matrix(shape, seed)
    Q = gram_schmidt(A, modified=modified)
    Q0 = np.linalg.qr(A)[0]
    np.testing.assert_allclose(np.abs(Q), np.abs(Q0), atol=1e-10)
    np.testing.assert_allclose(Q.T @ Q, np.eye(shape[1]), atol=1e-10)


def test_modified_gram_schmidt_is_more_orthogonal_than_classical():
    A = ill_conditioned(30, 0, cond=1e9)
    loss = {m: np.abs(gram_schmidt(A, modified=m).T @ gram_schmidt(A, modified=m) - np.eye(30)).max()
            for m in (True, False)}
    assert loss[True] < 1e-5  # about κ ε
    assert loss[False] > 100 * loss[True]  # classical loses orthogonality like κ² ε
