"""Bad input: documented errors, messages naming the argument, and caller's arrays untouched."""

import numpy as np
import pytest

import mmlkit.linalg as la

SQUARE_FUNCS = {
    "det": la.det, "inv": la.inv, "cholesky": la.cholesky, "eigh": la.eigh, "eig": la.eig,
    "eigvals": la.eigvals, "eigvalsh": la.eigvalsh, "hessenberg": la.hessenberg,
    "power_iteration": la.power_iteration, "is_positive_definite": la.is_positive_definite,
    "solve": lambda A: la.solve(A, np.ones(A.shape[0])),
    "solve_triangular": lambda A: la.solve_triangular(A, np.ones(A.shape[0])),
}
ANY_FUNCS = {
    "qr": la.qr, "lu": la.lu, "svd": la.svd, "svdvals": la.svdvals, "pinv": la.pinv,
    "matrix_rank": la.matrix_rank, "cond": la.cond, "orth": la.orth, "null_space": la.null_space,
    "norm": la.norm, "gram_schmidt": la.gram_schmidt,
    "lstsq": lambda A: la.lstsq(A, np.ones(A.shape[0])),
}
ALL_FUNCS = {**SQUARE_FUNCS, **ANY_FUNCS}
ARG = {"det": "a", "inv": "a", "cholesky": "a", "solve": "a", "solve_triangular": "a", "is_positive_definite": "a",
       "pinv": "a", "lstsq": "a", "cond": "x", "norm": "x"}


@pytest.mark.parametrize("name", sorted(SQUARE_FUNCS))
def test_non_square_raises_value_error_naming_argument(name):
    with pytest.raises(ValueError, match=rf"^{ARG.get(name, 'A')} must be a square matrix"):
        SQUARE_FUNCS[name](np.ones((3, 2)))


@pytest.mark.parametrize("name", sorted(ALL_FUNCS))
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_raises_value_error(name, bad):
    A = np.eye(3) + 1.0
    A[1, 2] = bad
    with pytest.raises(ValueError, match=rf"^{ARG.get(name, 'A')} must be finite"):
        ALL_FUNCS[name](A)


@pytest.mark.parametrize("name", sorted(ALL_FUNCS))
def test_empty_raises_value_error(name):
    with pytest.raises(ValueError, match="must not be empty|must be"):
        ALL_FUNCS[name](np.zeros((0, 0)))


@pytest.mark.parametrize("name", sorted(set(ALL_FUNCS) - {"norm", "matrix_rank"}))
def test_wrong_ndim_raises_value_error(name):
    with pytest.raises(ValueError, match="must be 2-D"):
        ALL_FUNCS[name](np.ones(3))


@pytest.mark.parametrize("name", sorted(ALL_FUNCS))
def test_complex_input_raises_value_error(name):
    with pytest.raises(ValueError, match="must be real"):
        ALL_FUNCS[name](np.eye(2) * 1j)


@pytest.mark.parametrize("func", [la.solve, la.solve_triangular])
def test_singular_system_raises_lin_alg_error(func):
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        func(np.array([[1.0, 2.0], [0.0, 0.0]]), np.ones(2))


@pytest.mark.parametrize("A", [np.zeros((3, 3)), np.array([[1.0, 2.0], [2.0, 4.0]]), np.ones((1, 1)) * 0])
def test_inv_of_singular_raises_lin_alg_error(A):
    with pytest.raises(np.linalg.LinAlgError, match="a is singular"):
        la.inv(A)


def test_rank_deficient_gram_schmidt_and_lstsq_qr_raise_lin_alg_error():
    A = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    with pytest.raises(np.linalg.LinAlgError, match="dependent"):
        la.gram_schmidt(A)
    with pytest.raises(np.linalg.LinAlgError, match="dependent"):
        la.qr(A, method="gram_schmidt")
    with pytest.raises(np.linalg.LinAlgError, match="more columns"):
        la.gram_schmidt(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match="rank deficient"):
        la.lstsq(A, np.ones(3), method="qr")
    with pytest.raises(np.linalg.LinAlgError, match="m >= n"):
        la.lstsq(A.T, np.ones(2), method="qr")


@pytest.mark.parametrize("func", [la.eigh, la.eigvalsh, la.cholesky, la.is_positive_definite])
def test_non_symmetric_raises_value_error(func):
    with pytest.raises(ValueError, match="must be symmetric"):
        func(np.array([[1.0, 2.0], [0.0, 1.0]]))


@pytest.mark.parametrize("call, match", [
    (lambda: la.qr(np.eye(2), method="cholesky"), "method must be one of"),
    (lambda: la.qr(np.eye(2), mode="raw"), "mode must be one of"),
    (lambda: la.eigh(np.eye(2), method="divide"), "method must be one of"),
    (lambda: la.svd(np.eye(2), method="jacobi"), "method must be one of"),
    (lambda: la.lstsq(np.eye(2), np.ones(2), method="normal"), "method must be one of"),
    (lambda: la.solve(np.eye(2), np.ones(3)), "b must have 2 rows"),
    (lambda: la.lstsq(np.eye(2), np.ones(3)), "b must have 2 rows"),
    (lambda: la.solve_triangular(np.eye(2), np.ones(3)), "b must have 2 rows"),
    (lambda: la.power_iteration(np.eye(2), max_iter=0), r"max_iter must be an int in the range \[1, inf\)"),
    (lambda: la.power_iteration(np.eye(2), tol=-1.0), r"tol must be a float in the range \[0, inf\)"),
    (lambda: la.power_iteration(np.eye(2), x0=np.zeros(2)), "x0 must not be the zero vector"),
    (lambda: la.power_iteration(np.eye(2), x0=np.ones(3)), r"x0 must have shape \(2,\)"),
    (lambda: la.pinv(np.eye(2), rcond=-1.0), r"rcond must be a float in the range \[0, inf\)"),
    (lambda: la.matrix_rank(np.eye(2), tol=-1.0), r"tol must be a float in the range \[0, inf\)"),
    (lambda: la.cond(np.eye(2), p=3), "p must be one of"),
    (lambda: la.cond(np.ones((2, 3)), p=1), "x must be a square matrix"),
    (lambda: la.norm(np.eye(2), ord=3), "ord must be one of"),
    (lambda: la.dot("ab", [1.0]), "a must be numeric"),
])
def test_invalid_parameters_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_callers_arrays_are_never_modified():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 6))
    S = X @ X.T + 6 * np.eye(6)
    b = rng.standard_normal(6)
    calls = [lambda f=f: f(S) for f in ALL_FUNCS.values()] + [
        lambda: la.qr(X, method="givens"), lambda: la.qr(X, method="gram_schmidt", mode="complete"),
        lambda: la.eigh(S, method="jacobi"), lambda: la.lstsq(X, b, method="qr"), lambda: la.solve(X, b),
        lambda: la.svd(X, method="qr"), lambda: la.eigh(S, method="qr"),
        lambda: la.project(b, X[:, :3]), lambda: la.project(b, X[:, 0]), lambda: la.angle(b, X[0]),
        lambda: la.cross(X[:, :3], X[:, 3:]), lambda: la.outer(b, b), lambda: la.dot(X, b),
        lambda: la.power_iteration(S, x0=b), lambda: la.svd(X.T, full_matrices=True), lambda: la.eig(X),
    ]
    copies = (X.copy(), S.copy(), b.copy())
    for call in calls:
        call()
        for arr, before in zip((X, S, b), copies):
            np.testing.assert_array_equal(arr, before)


def test_float32_input_is_computed_in_float64():
    A = np.array([[4.0, 1.0], [1.0, 3.0]], dtype=np.float32)
    for out in (la.qr(A)[0], la.lu(A)[2], la.svd(A)[1], la.eigh(A)[0], la.inv(A), la.cholesky(A)):
        assert out.dtype == np.float64
    np.testing.assert_allclose(la.inv(A), np.linalg.inv(A.astype(np.float64)), rtol=1e-14)
