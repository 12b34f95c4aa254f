"""The eigensolvers of spectral clustering: Chebyshev-filtered subspace iteration and Lanczos,
against LAPACK's dense eigh (the textbook route), plus their edge cases."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models._subspace import chebyshev_top, lanczos_ritz, orthonormal_complement


def _normalised_graph(seed, n, k):
    """D^{-1/2} W D^{-1/2} of a random symmetrised k-NN-like graph with self-loops (spectrum in [−1, 1])."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), k)
    cols = np.concatenate([np.arange(n)[:, None], rng.integers(0, n, (n, k - 1))], axis=1).ravel()
    A = sp.csr_matrix((np.ones(n * k), (rows, cols)), shape=(n, n))
    W = A + A.T
    d = np.asarray(W.sum(axis=1)).ravel()
    s = sp.diags(1.0 / np.sqrt(d))
    return (s @ W @ s).tocsr()


def _top_dense(M, r, Y=None):
    """The r leading eigenpairs of M restricted to the complement of span(Y), by dense eigh."""
    M = M.toarray() if sp.issparse(M) else M
    if Y is not None:
        P = np.eye(M.shape[0]) - Y @ Y.T
        M = P @ M @ P - 10.0 * Y @ Y.T          # Y's directions pushed below the spectrum
    w, V = np.linalg.eigh(M)
    return w[::-1][:r], V[:, ::-1][:, :r]


def _subspace_distance(U, V):
    """‖(I − UUᵀ) V‖₂: the sine of the largest principal angle between two orthonormal bases."""
    return float(np.linalg.norm(V - U @ (U.T @ V), 2))


@pytest.mark.parametrize(("seed", "n", "k", "r"), [(0, 300, 6, 2), (1, 800, 10, 3), (2, 150, 4, 1), (3, 500, 8, 5)])
def test_chebyshev_top_matches_dense_eigh(seed, n, k, r):
    M = _normalised_graph(seed, n, k)
    X0 = np.random.default_rng(seed).uniform(-1, 1, (n, r + 4))
    theta, V = chebyshev_top(M.__matmul__, X0, r, tol=1e-10)
    w, U = _top_dense(M, r)
    np.testing.assert_allclose(theta, w, atol=1e-12)
    np.testing.assert_allclose(V.T @ V, np.eye(r), atol=1e-12)
    gap = w[-1] - _top_dense(M, r + 1)[0][-1]
    assert _subspace_distance(U, V) <= 1e-10 / gap * 10      # residual / gap, with room
    np.testing.assert_allclose(np.linalg.norm(M @ V - V * theta, axis=0), 0.0, atol=1e-10)


@given(seed=st.integers(0, 2**16), n=st.integers(30, 200), r=st.integers(1, 3))
def test_chebyshev_top_outside_known_eigenvectors(seed, n, r):
    # a known eigenvector as a constraint: the solver returns the next r, orthogonal to it
    M = _normalised_graph(seed, n, 5)
    w_all, V_all = np.linalg.eigh(M.toarray())
    Y = V_all[:, -1:]                        # the top eigenvector, from LAPACK
    theta, V = chebyshev_top(M.__matmul__, np.random.default_rng(seed).uniform(-1, 1, (n, r + 4)), r,
                             constraints=Y, tol=1e-9)
    np.testing.assert_allclose(Y.T @ V, 0.0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(M @ V - V * theta, axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(theta, w_all[::-1][1:r + 1], atol=1e-9)


@pytest.mark.parametrize(("seed", "n", "m"), [(0, 400, 5), (1, 700, 3)])
def test_lanczos_ritz_then_chebyshev_on_a_dense_operator(seed, n, m):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * [1.0, 0.3]
    W = np.exp(-((X[:, None] - X[None]) ** 2).sum(-1))
    d = W.sum(1)
    M = W / np.sqrt(np.outer(d, d))
    start = lanczos_ritz(M.__matmul__, rng.uniform(-1, 1, n), m)
    np.testing.assert_allclose(start.T @ start, np.eye(m), atol=1e-12)
    theta, V = chebyshev_top(M.__matmul__, start, 2)
    w, U = _top_dense(M, 2)
    np.testing.assert_allclose(theta, w, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(M @ V - V * theta, axis=0), 0.0, atol=1e-8)


def test_lanczos_ritz_on_an_exhausted_krylov_space():
    # A with three distinct eigenvalues: the Krylov space of any vector has dimension 3
    Q = np.linalg.qr(np.random.default_rng(0).normal(size=(50, 50)))[0]
    A = Q @ np.diag(np.repeat([1.0, 0.5, -0.2], [10, 20, 20])) @ Q.T
    V = lanczos_ritz(A.__matmul__, np.ones(50), 3)
    np.testing.assert_allclose(V.T @ V, np.eye(V.shape[1]), atol=1e-12)
    assert V.shape[1] == 3
    np.testing.assert_allclose(np.sort(np.diag(V.T @ A @ V))[::-1], [1.0, 0.5, -0.2], atol=1e-12)


def test_chebyshev_top_warns_at_max_iter():
    M = _normalised_graph(4, 400, 6)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        theta, V = chebyshev_top(M.__matmul__, np.random.default_rng(0).uniform(-1, 1, (400, 4)), 2,
                                 max_iter=1, degree=2)
    assert V.shape == (400, 2)


def test_chebyshev_top_does_not_modify_the_start_block():
    M = _normalised_graph(5, 200, 5)
    X0 = np.random.default_rng(1).uniform(-1, 1, (200, 5))
    before = X0.copy()
    chebyshev_top(M.__matmul__, X0, 2)
    np.testing.assert_array_equal(X0, before)


@given(seed=st.integers(0, 2**16), n=st.integers(10, 60), b=st.integers(1, 6), c=st.integers(0, 3),
       bend=st.sampled_from([1.0, 1e-6, 1e-12]))
def test_orthonormal_complement_is_orthonormal_orthogonal_and_spans_z(seed, n, b, c, bend):
    # Z's columns bent towards its first one (cond up to 1e12): the basis still spans Z outside B
    rng = np.random.default_rng(seed)
    B = np.linalg.qr(rng.normal(size=(n, c)))[0] if c else np.empty((n, 0))
    Z = rng.normal(size=(n, b))
    Z[:, 1:] = Z[:, :1] + bend * Z[:, 1:]
    Q = orthonormal_complement(Z, B)
    assert Q.shape == (n, b)
    np.testing.assert_allclose(Q.T @ Q, np.eye(b), atol=1e-12)
    if c:
        np.testing.assert_allclose(B.T @ Q, 0.0, atol=1e-12)
    Zp = Z - B @ (B.T @ Z) if c else Z
    np.testing.assert_allclose(Q @ (Q.T @ Zp), Zp, atol=1e-12 * np.abs(Zp).max())
