"""The Cholesky factorisation of symmetric positive definite matrices."""

from __future__ import annotations

import numpy as np

from mmlkit._validation import check_symmetric
from mmlkit.linalg._checks import as_matrix
from mmlkit.linalg._triangular import trsm

__all__ = ["cholesky", "is_positive_definite"]

_LEAF = 48


class _NotPositiveDefinite(Exception):
    pass


def _chol_inplace(A: np.ndarray) -> None:
    """Lower Cholesky factor of the lower triangle of ``A``, overwriting it (recursive, BLAS-3)."""
    n = A.shape[0]
    if n <= _LEAF:
        # unblocked right-looking: one column, then a rank-one update of the rest
        for j in range(n):
            d = A[j, j]
            if not d > 0.0:  # also catches NaN
                raise _NotPositiveDefinite(j)
            d = np.sqrt(d)
            A[j, j] = d
            if j + 1 < n:
                col = A[j + 1:, j]
                col /= d
                A[j + 1:, j + 1:] -= np.outer(col, col)
        return
    h = n // 2
    _chol_inplace(A[:h, :h])                                       # L11
    A[h:, :h] = trsm(A[:h, :h], A[h:, :h].T, lower=True).T         # L21 = A21 L11⁻ᵀ
    A[h:, h:] -= A[h:, :h] @ A[h:, :h].T                           # A22 − L21 L21ᵀ
    _chol_inplace(A[h:, h:])                                       # L22


def cholesky(a, upper: bool = False) -> np.ndarray:
    """Lower Cholesky factor ``L`` with ``a = L Lᵀ``, as ``numpy.linalg.cholesky``.

    Parameters
    ----------
    a : array_like, shape (n, n)
        Symmetric positive definite.
    upper : bool, default=False
        Return the upper factor ``Lᵀ`` (``a = Lᵀᵀ Lᵀ``) instead, as NumPy's ``upper=True``.

    Returns
    -------
    L : ndarray, shape (n, n)
        Lower triangular with a positive diagonal (upper triangular when ``upper``).

    Raises
    ------
    numpy.linalg.LinAlgError
        If ``a`` is not positive definite.
    ValueError
        If ``a`` is not square and symmetric, or holds NaN/inf.

    Notes
    -----
    ``lⱼⱼ = √(aⱼⱼ − Σ_{k<j} lⱼₖ²)``, ``lᵢⱼ = (aᵢⱼ − Σ_{k<j} lᵢₖ lⱼₖ) / lⱼⱼ``.
    Computed recursively on 2 × 2 blocks::

        L₁₁ = chol(A₁₁),  L₂₁ = A₂₁ L₁₁⁻ᵀ,  L₂₂ = chol(A₂₂ − L₂₁ L₂₁ᵀ)

    so the n³/3 flops are almost all matrix products and triangular solves;
    blocks of at most 48 columns are factored column by column. A
    non-positive pivot under the square root means ``a`` is not positive
    definite. Only the lower triangle is used (after a symmetry check).

    Examples
    --------
    >>> cholesky([[4.0, 2.0], [2.0, 3.0]])
    array([[2.        , 0.        ],
           [1.        , 1.41421356]])
    """
    A = as_matrix(a, "a", square=True)
    check_symmetric(A, "a")
    try:
        _chol_inplace(A)
    except _NotPositiveDefinite:
        raise np.linalg.LinAlgError("a is not positive definite (Cholesky met a non-positive pivot)") from None
    L = np.tril(A)
    return np.ascontiguousarray(L.T) if upper else L


def is_positive_definite(a) -> bool:
    """Whether a symmetric matrix is positive definite.

    Parameters
    ----------
    a : array_like, shape (n, n)
        Symmetric.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If ``a`` is not square and symmetric, or holds NaN/inf.

    Notes
    -----
    ``a ≻ 0  ⇔  xᵀ a x > 0 for all x ≠ 0  ⇔  a = L Lᵀ`` with ``lᵢᵢ > 0``: we
    attempt our Cholesky factorisation (n³/3 flops, far cheaper than the
    eigenvalues) and report whether it succeeds. Positive semi-definite but
    singular matrices give False.

    Examples
    --------
    >>> is_positive_definite([[2.0, -1.0], [-1.0, 2.0]])
    True
    >>> is_positive_definite([[1.0, 2.0], [2.0, 1.0]])
    False
    """
    A = as_matrix(a, "a", square=True)
    check_symmetric(A, "a")
    try:
        _chol_inplace(A)
    except _NotPositiveDefinite:
        return False
    return True
