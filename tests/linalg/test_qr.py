"""Gram–Schmidt and QR (Householder, Gram–Schmidt, Givens) against numpy.linalg.qr."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from linalg_cases import SEEDS, SHAPES, ill_conditioned, random_matrix, rank_deficient

from mmlkit.linalg import gram_schmidt, qr
from mmlkit.linalg._householder import form_q, householder_qr_inplace, reflect_t
from mmlkit.linalg.qr import householder_qr_textbook

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


def _textbook(A, pivoting=False):
    """R, the explicit Q and the permutation from the column-by-column textbook algorithm."""
    R = np.array(A, dtype=float)
    m, n = R.shape
    reflectors, perm = householder_qr_textbook(R, pivoting=pivoting)
    Q = np.eye(m)
    for j, (v, tau) in reversed(list(enumerate(reflectors))):
        Q[j:] -= np.outer(tau * v, v @ Q[j:])
    return Q, np.triu(R), perm


# shapes around the 64-column panels and the halving of the recursive panel, tall, wide and square
BLOCKED_SHAPES = [(1, 1), (7, 3), (3, 7), (65, 65), (200, 64), (200, 65), (300, 150), (150, 300), (129, 97)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", BLOCKED_SHAPES)
@pytest.mark.parametrize("order", ["C", "F"])
def test_blocked_householder_equals_the_textbook_algorithm(seed, shape, order):
    # the same reflectors in another order of operations: R and Q agree to rounding, κ(A)·ε·‖A‖
    # (Gaussian matrices of these shapes have κ below ~1e3)
    A = np.array(random_matrix(shape, seed), order=order)
    Q0, R0, _ = _textbook(A)
    Q, R = qr(A, mode="complete")
    np.testing.assert_allclose(R, R0, atol=1e-11 * np.abs(A).max())
    np.testing.assert_allclose(Q, Q0, atol=1e-11)


@pytest.mark.parametrize("seed", SEEDS)
def test_blocked_householder_equals_textbook_on_rank_deficient_and_zero_columns(seed):
    A = rank_deficient(150, 90, 40, seed)
    A[:, [3, 70]] = 0.0
    Q, R = qr(A)
    np.testing.assert_allclose(Q @ R, A, atol=1e-12 * np.abs(A).max())
    np.testing.assert_allclose(Q.T @ Q, np.eye(90), atol=1e-12)
    _, R0, _ = _textbook(A)
    # the leading 40 rows of R are determined by the data (rank 40, its first 40 columns independent)
    np.testing.assert_allclose(R[:40], R0[:40], atol=1e-10 * np.abs(A).max())


@pytest.mark.parametrize("nb", [1, 2, 5, 37])
def test_householder_any_panel_width(nb):
    A = random_matrix((90, 70), 4)
    F = np.asfortranarray(A)
    blocks = householder_qr_inplace(F, nb=nb)
    Q = form_q(blocks, 90, 70)
    np.testing.assert_allclose(Q @ np.triu(F[:70]), A, atol=1e-12)
    np.testing.assert_allclose(np.triu(F[:70]), _textbook(A)[1][:70], atol=1e-11)


@pytest.mark.parametrize("order", ["C", "F"])
def test_block_reflector_update_in_row_blocks(order):
    # reflect_t forms its last product a few rows at a time in the workspace: any block size gives C − V Tᵀ Vᵀ C
    rng = np.random.default_rng(5)
    C = np.array(rng.standard_normal((103, 9)), order=order)
    V, T = rng.standard_normal((103, 4)), np.triu(rng.standard_normal((4, 4)))
    expected = C - V @ T.T @ V.T @ C
    for rows in (1, 10, 103, 200):
        D = C.copy(order=order)
        reflect_t(D, V, T, work=np.empty(rows * 9))
        np.testing.assert_allclose(D, expected, atol=1e-12)


def test_overwrite_a_factors_a_fortran_float64_array_in_place_only():
    A = random_matrix((40, 30), 6)
    R0 = qr(A, mode="r")
    F = np.asfortranarray(A)
    np.testing.assert_allclose(qr(F, mode="r", overwrite_a=True), R0, atol=1e-13)
    np.testing.assert_allclose(F[:30], R0, atol=1e-13)  # A now holds R (and zeros below)
    for other in (A.copy(), np.asfortranarray(A, dtype=np.float32)):  # C order, float32: copied, untouched
        before = other.copy()
        qr(other, mode="r", overwrite_a=True)
        np.testing.assert_array_equal(other, before)
    kept = np.asfortranarray(A)
    qr(kept, mode="r")
    np.testing.assert_array_equal(kept, A)  # never without overwrite_a


@settings(deadline=None)
@given(m=st.integers(1, 140), n=st.integers(1, 140), seed=st.integers(0, 2**32 - 1),
       scale=st.sampled_from([1e-300, 1e-8, 1.0, 1e8, 1e300]))
def test_householder_qr_properties(m, n, seed, scale):
    A = random_matrix((m, n), seed) * scale
    Q, R = qr(A)
    k = min(m, n)
    assert Q.shape == (m, k) and R.shape == (k, n)
    np.testing.assert_allclose(Q.T @ Q, np.eye(k), atol=1e-12)
    np.testing.assert_array_equal(R, np.triu(R))
    np.testing.assert_allclose(Q @ R, A, atol=1e-12 * np.abs(A).max(), rtol=0)
