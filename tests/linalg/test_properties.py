"""Hypothesis property tests: the identities that define each decomposition."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mmlkit.linalg import cholesky, det, eig, eigh, lu, pinv, qr, svd

elements = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False, allow_subnormal=False, width=64)
dims = st.integers(1, 6)


@st.composite
def matrices(draw, square=False):
    m = draw(dims)
    n = m if square else draw(dims)
    return draw(arrays(np.float64, (m, n), elements=elements))


def scale(A):
    return max(1.0, float(np.abs(A).max()))


@given(matrices(), st.sampled_from(["householder", "givens"]), st.sampled_from(["reduced", "complete"]))
def test_qr_reconstructs_with_orthonormal_q(A, method, mode):
    Q, R = qr(A, method=method, mode=mode)
    np.testing.assert_allclose(Q @ R, A, atol=1e-12 * scale(A))
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=1e-12)
    np.testing.assert_array_equal(R, np.triu(R))


@given(matrices())
def test_gram_schmidt_qr_on_well_conditioned_input(A):
    assume(A.shape[0] >= A.shape[1])
    s = np.linalg.svd(A, compute_uv=False)
    assume(s[-1] > 1e-3 * s[0])
    Q, R = qr(A, method="gram_schmidt")
    np.testing.assert_allclose(Q @ R, A, atol=1e-11 * scale(A))
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=1e-9)


@given(matrices())
def test_plu_reconstructs(A):
    P, L, U = lu(A)
    np.testing.assert_allclose(P @ L @ U, A, atol=1e-12 * scale(A) * max(A.shape))
    np.testing.assert_array_equal(P @ P.T, np.eye(A.shape[0]))
    np.testing.assert_array_equal(np.diag(L), 1.0)
    assert np.abs(L).max() <= 1.0


@given(matrices())
def test_cholesky_reconstructs(B):
    A = B @ B.T + np.eye(B.shape[0])
    L = cholesky(A)
    np.testing.assert_allclose(L @ L.T, A, atol=1e-12 * scale(A) * A.shape[0])
    assert np.all(np.diag(L) > 0)


@given(matrices(square=True), st.sampled_from(["dc", "qr", "jacobi"]))
def test_eigh_diagonalises(B, method):
    A = (B + B.T) / 2
    w, V = eigh(A, method=method)
    tol = 1e-11 * scale(A) * A.shape[0]
    np.testing.assert_allclose(A @ V, V * w, atol=tol)
    np.testing.assert_allclose(V.T @ V, np.eye(A.shape[0]), atol=1e-12 * A.shape[0])
    assert np.all(np.diff(w) >= 0)


@given(matrices(square=True))
def test_eig_diagonalises(A):
    w, V = eig(A)
    np.testing.assert_allclose(A @ V, V * w, atol=1e-9 * scale(A) * A.shape[0])
    # the eigenvalues of a defective matrix move like ε^(1/k); their sum, the trace, does not
    assert abs(np.sum(w) - np.trace(A)) <= 1e-11 * scale(A) * A.shape[0]


@given(matrices(), st.booleans(), st.sampled_from(["dc", "qr"]))
def test_svd_reconstructs(A, full_matrices, method):
    U, s, Vt = svd(A, full_matrices=full_matrices, method=method)
    k = len(s)
    np.testing.assert_allclose((U[:, :k] * s) @ Vt[:k], A, atol=1e-12 * scale(A) * max(A.shape))
    np.testing.assert_allclose(U.T @ U, np.eye(U.shape[1]), atol=1e-12 * max(A.shape))
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(Vt.shape[0]), atol=1e-12 * max(A.shape))
    assert np.all(s >= 0) and np.all(np.diff(s) <= 0)


@given(matrices())
def test_pseudo_inverse_identities(A):
    P = pinv(A)
    s = np.linalg.svd(A, compute_uv=False)
    kept = s[s > np.finfo(float).eps * max(A.shape) * s[0]]
    kappa = kept[0] / kept[-1] if kept.size else 1.0  # the errors grow like κ ε over the kept part
    tol = 1e-13 * kappa * scale(A) * max(A.shape)
    np.testing.assert_allclose(A @ P @ A, A, atol=tol)
    np.testing.assert_allclose(A @ P, (A @ P).T, atol=tol)


@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n, n), elements=elements), arrays(np.float64, (n, n), elements=elements))))
def test_det_is_multiplicative(AB):
    A, B = AB
    n = A.shape[0]
    bound = (np.linalg.norm(A, 2) * np.linalg.norm(B, 2)) ** n  # Hadamard-type bound on the determinants
    assert abs(det(A @ B) - det(A) * det(B)) <= 1e-11 * max(bound, 1.0)
