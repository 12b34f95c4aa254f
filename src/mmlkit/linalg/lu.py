"""LU decomposition with partial pivoting, and what it gives: solve, det, inv."""

from __future__ import annotations

import numpy as np

from mmlkit._validation import as_float_array
from mmlkit.linalg._checks import as_matrix
from mmlkit.linalg._triangular import trsm

__all__ = ["det", "inv", "lu", "solve", "solve_triangular"]

_NB = 48  # panel width of the blocked LU


def _lu_inplace(A: np.ndarray, nb: int = _NB) -> np.ndarray:
    """Blocked right-looking LU with partial pivoting of ``A`` (m × n), in place.

    On return the strict lower part of ``A`` holds L (unit diagonal implied),
    the upper part holds U, and the returned ``perm`` satisfies
    ``A_original[perm] = L @ U``.
    """
    m, n = A.shape
    k = min(m, n)
    perm = np.arange(m)
    for j0 in range(0, k, nb):
        j1 = min(j0 + nb, k)
        # panel: unblocked LU of columns j0:j1 (rows j0:) on a contiguous copy, pivots recorded
        P = np.array(A[j0:, j0:j1])
        local = np.arange(m - j0)
        for j in range(j1 - j0):
            p = j + int(np.argmax(np.abs(P[j:, j])))
            if p != j:
                P[[j, p]] = P[[p, j]]
                local[[j, p]] = local[[p, j]]
            pivot = P[j, j]
            if pivot != 0.0:
                col = P[j + 1:, j]
                col /= pivot
                P[j + 1:, j + 1:] -= col[:, None] * P[j, j + 1:]
        A[j0:, j0:j1] = P
        # the panel's row interchanges, applied once to the columns left and right of it
        if j0 > 0:
            A[j0:, :j0] = A[j0:, :j0][local]
        if j1 < n:
            A[j0:, j1:] = A[j0:, j1:][local]
        perm[j0:] = perm[j0:][local]
        if j1 < n:
            # U12 = L11⁻¹ A12, then the trailing update A22 −= L21 U12 (one matrix product)
            A[j0:j1, j1:] = trsm(A[j0:j1, j0:j1], A[j0:j1, j1:], lower=True, unit=True)
            if j1 < m:
                A[j1:, j1:] -= A[j1:, j0:j1] @ A[j0:j1, j1:]
    return perm


def lu(A):
    """LU decomposition with partial pivoting, ``A = P L U`` (SciPy's ``scipy.linalg.lu`` convention).

    Parameters
    ----------
    A : array_like, shape (m, n)

    Returns
    -------
    P : ndarray, shape (m, m)
        Permutation matrix.
    L : ndarray, shape (m, k), k = min(m, n)
        Unit lower triangular (trapezoidal), all entries |Lᵢⱼ| ≤ 1.
    U : ndarray, shape (k, n)
        Upper triangular (trapezoidal).

    Notes
    -----
    Gaussian elimination: at step j the largest |aᵢⱼ| (i ≥ j) is swapped onto
    the diagonal (partial pivoting), then ``lᵢⱼ = aᵢⱼ / aⱼⱼ`` and
    ``aᵢₖ ← aᵢₖ − lᵢⱼ aⱼₖ``. Blocked right-looking form: a panel of 48 columns
    is eliminated column by column (on a contiguous copy; its row interchanges
    then reach the rest of the matrix in one permutation), then ``U₁₂ = L₁₁⁻¹ A₁₂`` (a blocked
    triangular solve) and the trailing update ``A₂₂ ← A₂₂ − L₂₁ U₁₂`` is one
    matrix product, so most of the 2n³/3 flops (square case; m n² − n³/3 in
    general) run in BLAS-3. A singular matrix still has an LU factorisation
    (U then has a zero on its diagonal); no error is raised here.

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> P, L, U = lu(A)
    >>> bool(np.allclose(P @ L @ U, A))
    True
    >>> L
    array([[1.        , 0.        ],
           [0.33333333, 1.        ]])
    """
    A = as_matrix(A, "A")
    m, n = A.shape
    k = min(m, n)
    perm = _lu_inplace(A)
    L = np.tril(A[:, :k], -1)
    L[np.arange(k), np.arange(k)] = 1.0
    U = np.triu(A[:k])
    P = np.zeros((m, m))
    P[perm, np.arange(m)] = 1.0  # (P L U)[perm[i]] = (L U)[i]
    return P, L, U


def _factor_square(A, name: str = "a"):
    """LU of a validated square copy; raises LinAlgError when singular."""
    M = as_matrix(A, name, square=True)
    perm = _lu_inplace(M)
    diag = np.abs(np.diag(M))
    if diag.min() == 0.0:
        raise np.linalg.LinAlgError(f"{name} is singular (a zero pivot appeared in its LU factorisation)")
    return M, perm


def _lu_solve(LU: np.ndarray, perm: np.ndarray, B: np.ndarray) -> np.ndarray:
    Y = trsm(LU, B[perm], lower=True, unit=True)
    return trsm(LU, Y, lower=False)


def solve(a, b) -> np.ndarray:
    """Solve ``a x = b`` for square non-singular ``a``, as ``numpy.linalg.solve``.

    Parameters
    ----------
    a : array_like, shape (n, n)
    b : array_like, shape (n,) or (n, k)

    Returns
    -------
    x : ndarray, shape like ``b``

    Raises
    ------
    numpy.linalg.LinAlgError
        If ``a`` is singular.

    Notes
    -----
    ``P L U = a`` (our :func:`lu`), then ``L y = Pᵀ b`` by forward and ``U x = y``
    by back substitution (blocked triangular solves). Cost 2n³/3 + 2n²k flops.
    Nothing is inverted.

    Examples
    --------
    >>> solve([[3.0, 1.0], [1.0, 2.0]], [9.0, 8.0])
    array([2., 3.])
    """
    b = as_float_array(b, "b", ndim=(1, 2), dtype=np.float64)
    LU, perm = _factor_square(a, "a")
    if b.shape[0] != LU.shape[0]:
        raise ValueError(f"b must have {LU.shape[0]} rows to match a, got shape {b.shape}")
    return _lu_solve(LU, perm, b)


def det(a) -> float:
    """Determinant of a square matrix, as ``numpy.linalg.det``.

    Parameters
    ----------
    a : array_like, shape (n, n)

    Returns
    -------
    float
        0.0 for a singular matrix (no error).

    Notes
    -----
    ``det(a) = det(P) det(L) det(U) = (−1)^(#swaps) ∏ᵢ uᵢᵢ`` from our :func:`lu`.
    The product is accumulated as a sum of logarithms and exponentiated at the
    end, so it does not overflow midway. Cost 2n³/3 flops.

    Examples
    --------
    >>> round(det([[1.0, 2.0], [3.0, 4.0]]), 12)
    -2.0
    """
    M = as_matrix(a, "a", square=True)
    perm = _lu_inplace(M)
    d = np.diag(M)
    if np.any(d == 0):
        return 0.0
    # sign of the permutation: (−1)^(n − number of cycles)
    n = len(perm)
    seen = np.zeros(n, dtype=bool)
    cycles = 0
    for i in range(n):
        if not seen[i]:
            cycles += 1
            j = i
            while not seen[j]:
                seen[j] = True
                j = perm[j]
    sign = (-1.0) ** (n - cycles) * np.prod(np.sign(d))
    return float(sign * np.exp(np.sum(np.log(np.abs(d)))))


def inv(a) -> np.ndarray:
    """Inverse of a square non-singular matrix, as ``numpy.linalg.inv``.

    Parameters
    ----------
    a : array_like, shape (n, n)

    Returns
    -------
    ndarray, shape (n, n)

    Raises
    ------
    numpy.linalg.LinAlgError
        If ``a`` is singular.

    Notes
    -----
    Solves ``a X = I`` with our LU (``P L U = a``): 2n³/3 flops to factor and
    2n³ for the 2n triangular solves with n right-hand sides. Prefer
    :func:`solve` to ``inv(a) @ b``: it is cheaper and more accurate.

    Examples
    --------
    >>> inv([[2.0, 0.0], [0.0, 4.0]])
    array([[0.5 , 0.  ],
           [0.  , 0.25]])
    """
    LU, perm = _factor_square(a, "a")
    return _lu_solve(LU, perm, np.eye(LU.shape[0]))


def solve_triangular(a, b, lower: bool = False, unit_diagonal: bool = False) -> np.ndarray:
    """Solve ``a x = b`` for triangular ``a``, as ``scipy.linalg.solve_triangular``.

    Parameters
    ----------
    a : array_like, shape (n, n)
        Only the triangle named by ``lower`` is read.
    b : array_like, shape (n,) or (n, k)
    lower : bool, default=False
        Use the lower triangle (forward substitution) instead of the upper.
    unit_diagonal : bool, default=False
        Assume ``aᵢᵢ = 1`` without reading the diagonal.

    Returns
    -------
    x : ndarray, shape like ``b``

    Raises
    ------
    numpy.linalg.LinAlgError
        If a diagonal entry is zero.

    Notes
    -----
    Forward substitution ``xᵢ = (bᵢ − Σ_{j<i} aᵢⱼ xⱼ) / aᵢᵢ`` (back
    substitution for upper), blocked recursively so that the off-diagonal
    blocks are applied as matrix products. Cost n² k flops.

    Examples
    --------
    >>> solve_triangular([[2.0, 1.0], [0.0, 4.0]], [4.0, 8.0])
    array([1., 2.])
    """
    a = as_matrix(a, "a", square=True)
    b = as_float_array(b, "b", ndim=(1, 2), dtype=np.float64)
    if b.shape[0] != a.shape[0]:
        raise ValueError(f"b must have {a.shape[0]} rows to match a, got shape {b.shape}")
    if not unit_diagonal and np.any(np.diag(a) == 0):
        raise np.linalg.LinAlgError("a is singular: its diagonal has a zero")
    return trsm(a, b, lower=bool(lower), unit=bool(unit_diagonal))
