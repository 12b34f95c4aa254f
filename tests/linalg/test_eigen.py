"""power_iteration, eigh (Jacobi and QR), eig and hessenberg against numpy.linalg / scipy.linalg."""

import numpy as np
import pytest
import scipy.linalg
from linalg_cases import SEEDS, SQUARE, random_matrix, same_up_to_sign, spd, symmetric
from scipy.optimize import linear_sum_assignment

from _tolerances import EPS
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.linalg import eig, eigh, eigvals, eigvalsh, hessenberg, power_iteration


def match(w, w0):
    """Reorder ``w`` to pair each value with its nearest counterpart in ``w0``."""
    rows, cols = linear_sum_assignment(np.abs(np.subtract.outer(w0, w)))
    return w[cols[np.argsort(rows)]], cols[np.argsort(rows)]


# ----------------------------------------------------------------------------- eigh
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SQUARE)
@pytest.mark.parametrize("method", ["dc", "qr", "jacobi"])
def test_eigh_matches_numpy(seed, n, method):
    A = symmetric(n, seed)
    w, V = eigh(A, method=method)
    w0, V0 = np.linalg.eigh(A)
    np.testing.assert_allclose(w, w0, atol=1e-12 * max(1, np.abs(w0).max()) * n)
    same_up_to_sign(V, V0, atol=1e-8)  # random spectra are well separated
    np.testing.assert_allclose(V.T @ V, np.eye(n), atol=1e-12 * n)


@pytest.mark.parametrize("method", ["dc", "qr", "jacobi"])
@pytest.mark.parametrize("seed", SEEDS)
def test_eigh_repeated_eigenvalues(method, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    lam = np.array([1.0] * 4 + [2.0] * 5 + [-3.0] * 2 + [0.0])
    A = (Q * lam) @ Q.T
    A = (A + A.T) / 2
    w, V = eigh(A, method=method)
    np.testing.assert_allclose(w, np.sort(lam), atol=1e-12)
    np.testing.assert_allclose(A @ V, V * w, atol=1e-12)  # eigenvectors of a repeated value are a basis of its space
    np.testing.assert_allclose(V.T @ V, np.eye(12), atol=1e-12)


@pytest.mark.parametrize("method", ["dc", "qr", "jacobi"])
def test_eigh_ill_conditioned_diagonal_and_tiny(method):
    A = spd(30, 1, cond=1e12)
    w, V = eigh(A, method=method)
    # backward stable: ‖AV − VΛ‖ ≤ c·n·ε·‖A‖, and by Weyl each eigenvalue of either
    # solver is within that of the truth (‖A‖ = 1 here; κ plays no part in either bound)
    tol = 16 * A.shape[0] * EPS * np.linalg.norm(A, 2)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(A), atol=tol)
    np.testing.assert_allclose(A @ V, V * w, atol=tol)
    D = np.diag([3.0, -1.0, 2.0])
    np.testing.assert_allclose(eigh(D, method=method)[0], [-1.0, 2.0, 3.0])
    w, V = eigh([[5.0]], method=method)
    assert w.tolist() == [5.0] and V.tolist() == [[1.0]]
    w, V = eigh(np.zeros((3, 3)), method=method)
    np.testing.assert_allclose(w, 0.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_eigh_qr_large_uses_several_panels(seed):
    A = symmetric(150, seed)
    w, V = eigh(A)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(A), atol=1e-11)
    np.testing.assert_allclose(A @ V, V * w, atol=1e-11)


@pytest.mark.parametrize("seed", SEEDS)
def test_eigvalsh_matches_numpy(seed):
    A = symmetric(20, seed)
    np.testing.assert_allclose(eigvalsh(A), np.linalg.eigvalsh(A), atol=1e-12)


# ----------------------------------------------------------------------------- eig
def _check_eig(A, w, V):
    w0, V0 = np.linalg.eig(A)
    assert w.dtype.kind == w0.dtype.kind and V.dtype.kind == V0.dtype.kind
    scale = max(1.0, np.abs(A).max())
    wm, order = match(w, w0)
    np.testing.assert_allclose(wm, w0, atol=1e-9 * scale)
    np.testing.assert_allclose(A @ V, V * w, atol=1e-10 * scale * A.shape[0])
    np.testing.assert_allclose(np.linalg.norm(V, axis=0), 1.0, atol=1e-12)
    return w0, V0, order


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [1, 2, 3, 10, 33, 50])
def test_eig_matches_numpy(seed, n):
    A = random_matrix((n, n), seed)  # random real matrices have complex pairs
    w, V = eig(A)
    w0, V0, order = _check_eig(A, w, V)
    # simple eigenvalues: vectors agree with NumPy's up to a complex unit factor
    Vm = V[:, order]
    overlap = np.abs(np.sum(Vm.conj() * V0, axis=0))
    np.testing.assert_allclose(overlap, 1.0, atol=1e-7)


def test_eig_returns_conjugate_pairs_as_complex():
    R = np.array([[0.0, -1.0], [1.0, 0.0]])
    w, V = eig(R)
    assert w.dtype == np.complex128
    np.testing.assert_allclose(np.sort_complex(w), [-1j, 1j], atol=1e-15)
    A = random_matrix((9, 9), 4)
    w, V = eig(A)
    cplx = w[w.imag != 0]
    np.testing.assert_allclose(np.sort_complex(cplx), np.sort_complex(cplx.conj()), atol=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_eig_real_spectrum_is_real_dtype(seed):
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((6, 6))
    A = S @ np.diag([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) @ np.linalg.inv(S)
    w, V = eig(A)
    assert w.dtype == np.float64 and V.dtype == np.float64
    _check_eig(A, w, V)


@pytest.mark.parametrize(
    "A",
    [
        np.diag([2.0, 2.0, 1.0, 2.0]),                                 # repeated, diagonalisable
        np.triu(np.ones((5, 5))) + np.diag([1.0, 1.0, 3.0, 3.0, 3.0]),  # repeated on a triangle
        np.array([[5.0]]),
        np.zeros((3, 3)),
        np.array([[1.0, 1e6], [0.0, 1.0 + 1e-9]]),                      # nearly defective
        np.roll(np.eye(6), 1, axis=0),                                  # cyclic shift: 6th roots of unity
        np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-6.0, 11.0, -6.0]]).T,  # companion of (x-1)(x-2)(x-3)
    ],
    ids=["repeated", "triangular", "1x1", "zeros", "near-defective", "roots-of-unity", "companion"],
)
def test_eig_awkward_matrices(A):
    w, V = eig(A)
    w0 = np.linalg.eigvals(A)
    wm, _ = match(w.astype(complex), w0.astype(complex))
    np.testing.assert_allclose(wm, w0, atol=1e-6 * max(1.0, np.abs(A).max()))
    np.testing.assert_allclose(A @ V, V * w, atol=1e-9 * max(1.0, np.abs(A).max()))


@pytest.mark.parametrize("seed", SEEDS)
def test_eigvals_matches_numpy(seed):
    A = random_matrix((15, 15), seed)
    w = eigvals(A)
    wm, _ = match(w, np.linalg.eigvals(A))
    np.testing.assert_allclose(wm, np.linalg.eigvals(A), atol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", [1, 2, 5, 40])
def test_hessenberg_matches_scipy(seed, n):
    A = random_matrix((n, n), seed)
    H, Q = hessenberg(A, calc_q=True)
    H0, Q0 = scipy.linalg.hessenberg(A, calc_q=True)
    np.testing.assert_allclose(np.tril(H, -2), 0.0, atol=0)
    np.testing.assert_allclose(Q @ H @ Q.T, A, atol=1e-12)
    np.testing.assert_allclose(np.abs(H), np.abs(H0), atol=1e-10)  # unique up to signs
    np.testing.assert_allclose(hessenberg(A), H)


# ----------------------------------------------------------------------------- power iteration
@pytest.mark.parametrize("seed", SEEDS)
def test_power_iteration_finds_dominant_eigenpair(seed):
    A = spd(8, seed)
    lam, v = power_iteration(A, random_state=seed, tol=1e-12, max_iter=10_000)
    w0, V0 = np.linalg.eigh(A)
    assert lam == pytest.approx(w0[-1], rel=1e-10)
    same_up_to_sign(v[:, None], V0[:, -1:], atol=1e-6)


def test_power_iteration_negative_dominant_and_nonsymmetric():
    A = np.array([[-5.0, 1.0], [0.0, 2.0]])
    lam, v = power_iteration(A, random_state=0)
    assert lam == pytest.approx(-5.0, rel=1e-9)
    np.testing.assert_allclose(A @ v, lam * v, atol=1e-8)


def test_power_iteration_same_seed_same_result_and_x0():
    A = spd(5, 0)
    assert power_iteration(A, random_state=3)[0] == power_iteration(A, random_state=3)[0]
    lam, _ = power_iteration(A, x0=np.ones(5))
    assert lam == pytest.approx(np.linalg.eigvalsh(A)[-1], rel=1e-9)


def test_power_iteration_warns_when_it_cannot_converge():
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        power_iteration(np.diag([1.0, -1.0]), max_iter=20, random_state=0)


@pytest.mark.parametrize("pos", [(1, 140), (140, 1), (70, 71), (149, 0), (63, 64), (64, 63)])
def test_eigh_rejects_asymmetry_in_any_block(pos):
    # the symmetry check runs block row by block row: an asymmetric pair anywhere must be seen
    A = np.random.default_rng(0).standard_normal((150, 150))
    A = A + A.T
    A[pos] += 1e-6
    with pytest.raises(ValueError, match="symmetric"):
        eigh(A)
    A[pos] -= 1e-6
    A[pos] += 1e-14  # rounding-level asymmetry (below rtol = 1e-10 of max|A|) is accepted
    eigh(A)
