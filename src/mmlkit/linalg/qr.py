"""Orthogonalisation: Gram–Schmidt and the QR decomposition (Householder, Gram–Schmidt, Givens)."""

from __future__ import annotations

import numpy as np

from mmlkit._dask import is_dask_collection
from mmlkit._validation import Options, as_float_array, validate_args
from mmlkit.linalg._checks import as_matrix
from mmlkit.linalg._householder import form_q, house, householder_qr_inplace
from mmlkit.linalg.vectors import _vector_norm

__all__ = ["gram_schmidt", "qr"]


def _gram_schmidt_qr(A: np.ndarray, modified: bool) -> tuple[np.ndarray, np.ndarray]:
    """Thin QR by Gram–Schmidt on a private copy ``A`` (m × n, m ≥ n, full column rank)."""
    m, n = A.shape
    Q = A  # orthogonalised in place, column by column
    R = np.zeros((n, n))
    col_norms = [_vector_norm(A[:, j], 2) for j in range(n)]
    tol = max(m, n) * np.finfo(float).eps
    for j in range(n):
        if not modified:
            # classical: all projections computed from the original column at once
            R[:j, j] = Q[:, :j].T @ Q[:, j]
            Q[:, j] -= Q[:, :j] @ R[:j, j]
        r = _vector_norm(Q[:, j], 2)
        if r <= tol * col_norms[j]:
            raise np.linalg.LinAlgError(
                f"A has linearly dependent columns (column {j} lies in the span of the previous ones); "
                "Gram–Schmidt needs full column rank: use qr(A, method='householder')")
        R[j, j] = r
        Q[:, j] /= r
        if modified and j + 1 < n:
            # modified: remove q_j from every later column right away (a BLAS-2 rank-one update)
            R[j, j + 1:] = Q[:, j] @ Q[:, j + 1:]
            Q[:, j + 1:] -= np.outer(Q[:, j], R[j, j + 1:])
    return Q, R


def _complete_basis(Q: np.ndarray) -> np.ndarray:
    """Extend orthonormal columns ``Q`` (m × n) to an orthonormal basis of Rᵐ (m × m).

    The last m − n columns of a complete Householder QR of ``Q`` are orthogonal
    to ``col(Q)``: they complete the basis.
    """
    m, n = Q.shape
    W = np.array(Q)
    complement = form_q(householder_qr_inplace(W), m, m)[:, n:]
    return np.hstack([Q, complement])


def householder_qr_textbook(A: np.ndarray, pivoting: bool = False):
    """Householder QR one column at a time, in place: the textbook algorithm (Golub & Van Loan, Alg. 5.2.1).

    For j = 0, 1, …: (with ``pivoting``, first swap in the remaining column of
    largest norm — Businger & Golub); choose the reflector ``H = I − τ v vᵀ``
    that maps ``A[j:, j]`` to ``β e₁``; apply it to the columns on its right,
    ``A[j:, j+1:] −= τ v (vᵀ A[j:, j+1:])``. Each step is a matrix–vector
    product and a rank-one update (BLAS-2), 2mn² − 2n³/3 flops in all.

    This is the reference the fast paths are tested against: :func:`qr` runs the
    blocked form of the same reflectors (:func:`~mmlkit.linalg._householder.householder_qr_inplace`),
    ``lstsq(method="qr")`` the blocked pivoted form; in exact arithmetic all three
    produce the same R. On return ``A``'s upper trapezoid is R and the rest zero.
    Returns ``(reflectors, perm)``: the list of ``(v, τ)`` (``v`` acting on rows
    ``j:``) and the column order, ``A_in[:, perm] = Q R``.
    """
    m, n = A.shape
    perm = np.arange(n)
    reflectors = []
    for j in range(min(m, n)):
        if pivoting:
            p = j + int(np.argmax([_vector_norm(A[j:, i], 2) for i in range(j, n)]))
            A[:, [j, p]] = A[:, [p, j]]
            perm[[j, p]] = perm[[p, j]]
        v, tau, beta = house(A[j:, j])
        A[j, j] = beta
        A[j + 1:, j] = 0.0
        A[j:, j + 1:] -= np.outer(tau * v, v @ A[j:, j + 1:])
        reflectors.append((v, tau))
    return reflectors, perm


def gram_schmidt(A, modified: bool = True) -> np.ndarray:
    """Orthonormalise the columns of ``A`` by Gram–Schmidt.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Linearly independent columns (so n ≤ m).
    modified : bool, default=True
        Modified Gram–Schmidt (subtract each new ``q_j`` from the remaining
        columns at once) instead of classical (project each column on all
        previous ``q``'s computed so far). Both span the same spaces in exact
        arithmetic; in floating point classical GS loses orthogonality like
        ``κ(A)²·ε``, modified like ``κ(A)·ε``.

    Returns
    -------
    Q : ndarray, shape (m, n)
        Orthonormal columns with ``span(q₁..q_j) = span(a₁..a_j)`` for every j.

    Raises
    ------
    numpy.linalg.LinAlgError
        If a column lies (numerically) in the span of the previous ones.

    Notes
    -----
    ``v_j = a_j − Σ_{i<j} (q_iᵀ a_j) q_i``, ``q_j = v_j / ‖v_j‖``. Cost 2 m n²
    flops, in n matrix–vector steps. ``A = Q R`` with ``Rᵢⱼ = q_iᵀ a_j`` is
    available from ``qr(A, method="gram_schmidt")``.

    Examples
    --------
    >>> Q = gram_schmidt([[3.0, 1.0], [4.0, 2.0]])
    >>> bool(np.allclose(Q.T @ Q, np.eye(2)))
    True
    """
    A = as_matrix(A, "A")
    if A.shape[1] > A.shape[0]:
        raise np.linalg.LinAlgError(
            f"A has more columns ({A.shape[1]}) than rows ({A.shape[0]}), so its columns are dependent")
    return _gram_schmidt_qr(A, bool(modified))[0]


def _givens_qr(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Full QR by Givens rotations, column by column, in a tree of disjoint row pairs."""
    m, n = A.shape
    Qt = np.eye(m)  # the product of the rotations applied so far
    for j in range(min(m - 1, n)):
        rows = np.arange(j, m)
        while rows.size > 1:
            # pair rows (0,1), (2,3), ... of the active set: disjoint planes, rotated all at once
            top, bot = rows[0:-1:2], rows[1::2]
            a, b = A[top, j], A[bot, j]
            r = np.hypot(a, b)
            safe = np.where(r == 0, 1.0, r)
            c = np.where(r == 0, 1.0, a / safe)[:, None]
            s = np.where(r == 0, 0.0, b / safe)[:, None]
            for M, cols in ((A, slice(j, None)), (Qt, slice(None))):
                T, B = M[top, cols], M[bot, cols]
                M[top, cols] = c * T + s * B
                M[bot, cols] = c * B - s * T
            A[bot, j] = 0.0  # exactly zero, not rounding noise
            rows = rows[0::2]  # the top rows (and a leftover odd row) carry on
    return Qt.T, np.triu(A)


@validate_args({"method": [Options(("householder", "gram_schmidt", "givens"))],
                "mode": [Options(("reduced", "complete", "r"))], "overwrite_a": ["boolean"]})
def qr(A, method: str = "householder", mode: str = "reduced", *, overwrite_a: bool = False):
    """QR decomposition ``A = Q R``, as ``numpy.linalg.qr``.

    Parameters
    ----------
    A : array_like, shape (m, n)
    method : {"householder", "gram_schmidt", "givens"}, default="householder"
        ``"householder"``: blocked Householder reflections in compact WY form
        (LAPACK's ``geqrf``/``orgqr`` algorithm; backward stable, any shape
        and rank). ``"gram_schmidt"``: modified Gram–Schmidt (needs full
        column rank; ``Q`` orthogonal only up to ``κ(A)·ε``). ``"givens"``:
        plane rotations zeroing each column in a tree of disjoint row pairs
        (backward stable; the method of choice for sparse or structured updates).
    mode : {"reduced", "complete", "r"}, default="reduced"
        ``"reduced"``: ``Q`` (m × k), ``R`` (k × n), k = min(m, n).
        ``"complete"``: ``Q`` (m × m), ``R`` (m × n). ``"r"``: only ``R`` (k × n).
    overwrite_a : bool, default=False
        Let ``method="householder"`` factor ``A`` in place (its contents are
        then lost) when it is a writeable, Fortran-ordered float64 ndarray, as
        ``scipy.linalg.qr``'s option: saves the copy of A. Otherwise ignored.

    Returns
    -------
    Q : ndarray
        Orthonormal columns, ``QᵀQ = I``.
    R : ndarray
        Upper triangular (trapezoidal).

    Raises
    ------
    numpy.linalg.LinAlgError
        For ``method="gram_schmidt"`` when A's columns are linearly dependent.

    Notes
    -----
    Householder: ``H = I − τ v vᵀ`` maps column j below the diagonal to
    ``β e₁``; ``Q = H₁ H₂ ⋯ H_k``. The textbook algorithm applies each ``H`` to
    the columns on its right as soon as it is found (a matrix–vector product and
    a rank-one update per column: :func:`householder_qr_textbook`). The same
    reflectors, blocked: panels of 64 columns gather theirs into
    ``I − V T Vᵀ`` (compact WY, Schreiber & Van Loan), so the update of the rest
    of the matrix, and the formation of ``Q``, are matrix products (BLAS-3); each
    panel is itself factored recursively (left half, update of the right half,
    right half), so that it too runs on matrix products. Cost 2mn² − 2n³/3 flops
    for R, as much again to form a reduced Q (m ≥ n); ``mode="r"`` forms no Q.
    Gram–Schmidt: 2mn². Givens: about 3mn² for R plus the rotations'
    application to Q (O(m²n)).
    The signs of R's diagonal follow LAPACK for ``"householder"`` (so they match
    NumPy's) and are non-negative for the other methods.

    A tall-and-skinny Dask array (chunked by rows) is factored by TSQR
    (:mod:`mmlkit.linalg._tsqr`): R comes back as a NumPy array after one pass,
    Q as a lazy Dask array with A's row chunks (``method="householder"`` only).

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> Q, R = qr(A)
    >>> Q.shape, R.shape
    ((3, 2), (2, 2))
    >>> bool(np.allclose(Q @ R, A))
    True
    """
    if is_dask_collection(A):
        return _dask_qr(A, method, mode)
    M = as_float_array(A, "A", ndim=2, dtype=np.float64)
    in_place = overwrite_a and method == "householder" and M is A and M.flags.f_contiguous and M.flags.writeable
    A = M if in_place else np.array(M, order="F" if method == "householder" else "K", copy=True)
    m, n = A.shape
    k = min(m, n)
    if method == "householder":
        blocks = householder_qr_inplace(A, keep=mode != "r")
        R = np.triu(A[:m if mode == "complete" else k])
        if mode == "r":
            return R
        return form_q(blocks, m, m if mode == "complete" else k), R
    if method == "givens":
        Q, R = _givens_qr(A)
        if mode == "complete":
            return Q, R
        return R[:k] if mode == "r" else (Q[:, :k], R[:k])
    if n > m:
        raise np.linalg.LinAlgError(
            f"method='gram_schmidt' needs independent columns, but A has more columns ({n}) than rows ({m})")
    Q, R = _gram_schmidt_qr(A, modified=True)
    if mode == "r":
        return R
    if mode == "complete":
        return _complete_basis(Q), np.vstack([R, np.zeros((m - n, n))])
    return Q, R


def _dask_qr(A, method, mode):
    """TSQR for a tall-and-skinny Dask array (see :mod:`mmlkit.linalg._tsqr`): Q lazy, R in memory."""
    from mmlkit.linalg._tsqr import tsqr_qr

    if method != "householder" or mode == "complete":
        raise ValueError(f"a Dask A is factored by TSQR: method='householder' with mode 'reduced' or 'r', "
                         f"got method={method!r}, mode={mode!r}")
    return tsqr_qr(A, mode)
