"""Least squares and what the singular values tell: lstsq, pinv, matrix_rank, cond."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from mmlkit._dask import is_dask_collection
from mmlkit._validation import as_float_array, check_in, check_scalar
from mmlkit.linalg._checks import as_matrix
from mmlkit.linalg._householder import house
from mmlkit.linalg._triangular import trsm
from mmlkit.linalg.svd import svd

__all__ = ["cond", "lstsq", "matrix_rank", "null_space", "orth", "pinv"]

_EPS = np.finfo(float).eps
# numpy.exceptions exists from NumPy 1.25; the runtime floor is 1.24
_RankWarning = np.exceptions.RankWarning if hasattr(np, "exceptions") else np.RankWarning  # noqa: NPY201


def _check_tol(value, name):
    if value is not None:
        check_scalar(value, name, kind=numbers.Real, low=0.0)


def lstsq(a, b, rcond=None, method: str = "svd"):
    """Least-squares solution of ``a x ≈ b``, as ``numpy.linalg.lstsq``.

    Parameters
    ----------
    a : array_like, shape (m, n)
    b : array_like, shape (m,) or (m, k)
    rcond : float, optional
        Relative rank tolerance, applied to the column-equilibrated matrix
        (see Notes): singular values (``"svd"``) or diagonal entries of the
        pivoted R (``"qr"``) below ``rcond`` times the largest count as zero.
        Default ``ε · max(m, n)`` (NumPy's default).
    method : {"svd", "qr"}, default="svd"
        ``"svd"``: minimum-norm solution through our :func:`svd`, for any shape
        and rank. ``"qr"``: through Householder QR with column pivoting,
        cheaper, for m ≥ n and full column rank.

    Returns
    -------
    x : ndarray, shape (n,) or (n, k)
        Minimises ``‖b − a x‖₂`` (and ``‖x‖₂`` among minimisers).
    residuals : ndarray, shape (k,), (1,) or (0,)
        Squared residual norm per column of ``b``; empty when rank < n or m ≤ n.
    rank : int
        Effective rank of ``a``.
    s : ndarray, shape (min(m, n),)
        Singular values of ``a``, descending.

    Raises
    ------
    numpy.linalg.LinAlgError
        With ``method="qr"`` when ``a`` is rank deficient or wide.

    Warns
    -----
    numpy.exceptions.RankWarning
        With ``method="svd"`` whenever the rank is below ``min(m, n)``: a
        direction of the solution space was dropped.

    Notes
    -----
    Both methods first scale each column of ``a`` by a power of two near its
    2-norm (``a = A_s D``, exact): the rank decision and the solve then see
    the conditioning of the problem, not the units of its columns (a
    polynomial design with columns of size 1, 3e6 and 9e12 is well posed, and
    an SVD cutoff relative to σ_max of the raw matrix would discard its
    smallest direction). ``x = D⁻¹ y`` with ``y`` the solution for ``A_s``.

    SVD: ``y = Σ_{σᵢ > tol} vᵢ (uᵢᵀ b) / σᵢ``, cost ≈ 4mn² + 8n³ + 2mnk. QR: pivoted
    Householder ``A_s P = QR``, rank = #{|Rᵢᵢ| > rcond·|R₁₁|}, ``y = P R⁻¹ (Qᵀb)[:n]``
    plus one refinement step, cost ≈ 2mn² − 2n³/3 + 8mnk; the normal equations
    (which square κ) are never formed. Details in ``_solve_svd``/``_solve_qr``.

    For a tall-and-skinny Dask ``a`` the R factor of [a, b] comes from one TSQR
    pass (:mod:`mmlkit.linalg._tsqr`); x, the residuals and s follow from it.

    Examples
    --------
    >>> x, res, rank, s = lstsq([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1.0, 2.0, 3.0])
    >>> x
    array([1., 1.])
    >>> rank
    2
    """
    check_in(method, "method", ("svd", "qr"))
    _check_tol(rcond, "rcond")
    if is_dask_collection(a):
        from mmlkit.linalg._tsqr import tsqr_lstsq

        return tsqr_lstsq(a, b, rcond, method)
    A = as_matrix(a, "a")
    B = as_float_array(b, "b", ndim=(1, 2), dtype=np.float64)
    m, n = A.shape
    if B.shape[0] != m:
        raise ValueError(f"b must have {m} rows to match a, got shape {B.shape}")
    vec = B.ndim == 1
    B2 = B[:, None] if vec else B
    rcond = _EPS * max(m, n) if rcond is None else float(rcond)
    d = _column_scales(A)
    solve = _solve_qr if method == "qr" else _solve_svd
    x, rank, s = solve(A, A / d, d, B2, rcond)  # A / d is exact: powers of two
    if rank == n and m > n:
        r = B2 - A @ x
        residuals = np.sum(r * r, axis=0)
    else:
        residuals = np.empty(0)
    return (x[:, 0] if vec else x), residuals, rank, s


def _solve_qr(A, As, d, B, rcond):
    """x, rank and σ(A) by pivoted Householder QR of the equilibrated ``As = A / d`` (full column rank only).

    Businger & Golub: ``A_s P = QR`` choosing at each step the remaining column of
    largest norm, so that ``|R₁₁| ≥ |R₂₂| ≥ …`` and the rank test is a test on R's
    diagonal; ``y = P R⁻¹ (Qᵀ b)[:n]``, then one step of iterative refinement with
    the same factors, ``y += P R⁻¹ Qᵀ (b − A_s y)``; σ(A) from an n × n SVD of R·D.
    """
    m, n = A.shape
    if m < n:
        raise np.linalg.LinAlgError(f"method='qr' needs m >= n, but a has shape {A.shape}: use method='svd'")
    R, QtB, perm, apply_qt = _pivoted_qr(As, B)
    diag = np.abs(np.diag(R))
    rank = int(np.sum(diag > rcond * diag[0])) if n and diag[0] > 0 else 0
    if rank < n:
        raise np.linalg.LinAlgError(f"a is rank deficient (rank {rank} < {n}): use method='svd'")
    y = np.empty((n, B.shape[1]))
    y[perm] = trsm(R, QtB[:n], lower=False)
    # one step of iterative refinement: y += argmin ‖A_s δ − (b − A_s y)‖ through the same factors
    delta = np.empty_like(y)
    delta[perm] = trsm(R, apply_qt(B - As @ y)[:n], lower=False)
    return (y + delta) / d[:, None], rank, svd(R * d[perm], compute_uv=False)


def _solve_svd(A, As, d, B, rcond):
    """x, rank and σ(A) by the SVD of the equilibrated ``As``; the minimum-norm x when directions drop.

    Full column rank: ``y = V Σ⁺ Uᵀ b`` for ``A_s``. Otherwise (rank deficient,
    or wide a, whose minimisers form an affine space) the minimum-norm x is a
    property of a, not of A_s: it comes from the SVD of a truncated at the rank
    found, with a ``RankWarning`` when directions were dropped.
    """
    m, n = A.shape
    U, s_eq, Vt = svd(As, full_matrices=False)
    rank = int(np.sum(s_eq > (rcond * s_eq[0] if s_eq.size else 0.0)))
    if rank == n:  # the unique solution, from the equilibrated factorisation
        return (Vt.T @ ((U.T @ B) / s_eq[:, None])) / d[:, None], rank, svd(A, compute_uv=False)
    if rank < min(m, n):
        warnings.warn(f"lstsq: a is rank deficient to the tolerance rcond={rcond:.3g} (rank {rank} < "
                      f"{min(m, n)}): {min(m, n) - rank} direction(s) dropped, minimum-norm solution returned",
                      _RankWarning, stacklevel=3)
    U, s, Vt = svd(A, full_matrices=False)  # the minimum-norm x is a property of a, not of A_s
    return Vt[:rank].T @ ((U[:, :rank].T @ B) / s[:rank][:, None]), rank, s


def _column_scales(A: np.ndarray) -> np.ndarray:
    """Powers of two 2^e ∈ (‖aⱼ‖, 2‖aⱼ‖] per column (1 for a zero column): dividing by them is exact."""
    amax = np.max(np.abs(A), axis=0, initial=0.0)
    safe = np.where(amax > 0, amax, 1.0)
    norms = np.sqrt(np.einsum("ij,ij->j", A / safe, A / safe)) * safe  # no square over- or underflows
    return np.where(norms > 0, np.ldexp(1.0, np.frexp(norms)[1]), 1.0)


def _pivoted_qr(A: np.ndarray, B: np.ndarray):
    """Householder QR with column pivoting of ``A`` (m ≥ n), applying Qᵀ to ``B`` alongside.

    Returns ``(R, QᵀB, perm, apply_qt)`` with ``A[:, perm] = Q R``, ``|R₁₁| ≥ |R₂₂| ≥ …``
    and ``apply_qt(C)`` computing ``QᵀC``.
    BLAS-2 (one reflector at a time); column norms recomputed from the
    trailing block at each step (no downdating, so no cancellation). 2mn² flops
    for the factorisation plus mn² for the norms.
    """
    F = np.array(A, dtype=np.float64, copy=True)
    C = np.array(B, dtype=np.float64, copy=True)
    m, n = F.shape
    perm = np.arange(n)
    reflectors = []
    for k in range(n):
        trailing = F[k:, k:]
        scale = np.max(np.abs(trailing), axis=0)
        safe = np.where(scale > 0, scale, 1.0)
        norms = np.sqrt(np.einsum("ij,ij->j", trailing / safe, trailing / safe)) * scale
        j = k + int(np.argmax(norms))
        if j != k:
            F[:, [k, j]] = F[:, [j, k]]
            perm[[k, j]] = perm[[j, k]]
        v, tau, beta = house(F[k:, k])
        F[k, k] = beta
        F[k + 1:, k] = 0.0
        reflectors.append((v, tau))
        if tau != 0.0:
            W = F[k:, k + 1:]
            W -= np.outer(tau * v, v @ W)
            D = C[k:]
            D -= np.outer(tau * v, v @ D)

    def apply_qt(X):
        X = np.array(X, dtype=np.float64, copy=True)
        for k, (v, tau) in enumerate(reflectors):
            X[k:] -= np.outer(tau * v, v @ X[k:])
        return X

    return np.triu(F[:n]), C, perm, apply_qt


def pinv(a, rcond=None) -> np.ndarray:
    """Moore–Penrose pseudo-inverse, as ``numpy.linalg.pinv``.

    Parameters
    ----------
    a : array_like, shape (m, n)
    rcond : float, optional
        Singular values below ``rcond · σ_max`` are treated as zero. Default
        ``ε · max(m, n)``, NumPy's default tolerance.

    Returns
    -------
    ndarray, shape (n, m)

    Notes
    -----
    ``a⁺ = V Σ⁺ Uᵀ`` with ``Σ⁺ = diag(1/σᵢ if σᵢ > tol else 0)`` from our
    :func:`svd`. It is the unique matrix with ``a a⁺ a = a``, ``a⁺ a a⁺ = a⁺``
    and ``a a⁺``, ``a⁺ a`` symmetric. Cost: one SVD plus 2mnr flops.

    Examples
    --------
    >>> pinv([[1.0, 0.0], [0.0, 0.0]])
    array([[1., 0.],
           [0., 0.]])
    """
    _check_tol(rcond, "rcond")
    A = as_matrix(a, "a")
    U, s, Vt = svd(A, full_matrices=False)
    rcond = _EPS * max(A.shape) if rcond is None else float(rcond)
    keep = s > rcond * s[0] if s.size else s > 0
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


def matrix_rank(A, tol=None) -> int:
    """Numerical rank, as ``numpy.linalg.matrix_rank``.

    Parameters
    ----------
    A : array_like, shape (m, n) or (n,)
        A vector has rank 1 unless it is all zeros.
    tol : float, optional
        Singular values ≤ ``tol`` count as zero. Default
        ``σ_max · max(m, n) · ε``, as NumPy.

    Returns
    -------
    int

    Notes
    -----
    ``rank A = #{σᵢ > tol}`` from our :func:`svd` (singular values only,
    4mn² − 4n³/3 + O(n²) flops). The SVD, unlike elimination, sees how close A
    is to a matrix of lower rank: ``σ_{r+1} = min_{rank B ≤ r} ‖A − B‖₂``.

    Examples
    --------
    >>> matrix_rank([[1.0, 2.0], [2.0, 4.0]])
    1
    """
    _check_tol(tol, "tol")
    A = as_float_array(A, "A", ndim=(1, 2), dtype=np.float64)
    if A.ndim == 1:
        return int(np.any(A != 0))
    s = svd(A, compute_uv=False)
    if tol is None:
        tol = s[0] * max(A.shape) * _EPS
    return int(np.sum(s > tol))


def cond(x, p=None) -> float:
    """Condition number, as ``numpy.linalg.cond``.

    Parameters
    ----------
    x : array_like, shape (m, n)
        Square unless ``p`` is None, 2 or -2.
    p : {None, 1, -1, 2, -2, inf, -inf, 'fro'}, default=None
        The norm; None means 2.

    Returns
    -------
    float
        ``inf`` for a singular matrix.

    Notes
    -----
    ``κ_p(x) = ‖x‖_p ‖x⁻¹‖_p``; for p = 2 (the default) ``κ₂ = σ_max / σ_min``
    from our :func:`svd` (−2 gives the reciprocal), otherwise through our
    :func:`inv`. It bounds how much relative error in ``b`` can grow in the
    solution of ``x y = b``. Cost one SVD, or an LU plus an inverse (8n³/3).

    Examples
    --------
    >>> cond([[1.0, 0.0], [0.0, 0.01]])
    100.0
    """
    from mmlkit.linalg.lu import inv
    from mmlkit.linalg.vectors import norm

    if p not in (None, 1, -1, 2, -2, np.inf, -np.inf, "fro", "nuc"):
        raise ValueError(f"p must be one of None, 1, -1, 2, -2, inf, -inf, 'fro', 'nuc', got {p!r}")
    X = as_matrix(x, "x", square=p not in (None, 2, -2))
    if p in (None, 2, -2):
        s = svd(X, compute_uv=False)
        if s[-1] == 0:
            return float("inf") if p != -2 else 0.0
        return float(s[0] / s[-1]) if p != -2 else float(s[-1] / s[0])
    try:
        Xinv = inv(X)
    except np.linalg.LinAlgError:
        return float("inf")
    return norm(X, p) * norm(Xinv, p)


def _rank_split(A, rcond):
    U, s, Vt = svd(A, full_matrices=True)
    rcond = _EPS * max(A.shape) if rcond is None else float(rcond)
    r = int(np.sum(s > rcond * s[0])) if s.size and s[0] > 0 else 0
    return U, Vt, r


def orth(A, rcond=None) -> np.ndarray:
    """Orthonormal basis of the column space of ``A``, as ``scipy.linalg.orth``.

    Parameters
    ----------
    A : array_like, shape (m, n)
    rcond : float, optional
        Singular values below ``rcond · σ_max`` count as zero. Default
        ``ε · max(m, n)``.

    Returns
    -------
    Q : ndarray, shape (m, r)
        r = the numerical rank; ``QᵀQ = I`` and ``col(Q) = col(A)``.

    Notes
    -----
    ``col(A) = span(u₁, …, u_r)``: the left singular vectors of the non-zero
    singular values, from our :func:`svd` (cost of the full SVD, O(m²n + mn²)).

    Examples
    --------
    >>> orth([[1.0, 2.0], [2.0, 4.0]]).shape
    (2, 1)
    """
    _check_tol(rcond, "rcond")
    U, _, r = _rank_split(as_matrix(A, "A"), rcond)
    return U[:, :r]


def null_space(A, rcond=None) -> np.ndarray:
    """Orthonormal basis of the null space ``{x : A x = 0}``, as ``scipy.linalg.null_space``.

    Parameters
    ----------
    A : array_like, shape (m, n)
    rcond : float, optional
        Singular values below ``rcond · σ_max`` count as zero. Default
        ``ε · max(m, n)``.

    Returns
    -------
    N : ndarray, shape (n, n − r)
        ``A N ≈ 0`` and ``NᵀN = I``.

    Notes
    -----
    ``null(A) = span(v_{r+1}, …, v_n)``: the right singular vectors beyond the
    numerical rank (rank–nullity: r + dim null(A) = n). Cost of the full SVD.

    Examples
    --------
    >>> N = null_space([[1.0, 1.0]])
    >>> N.shape
    (2, 1)
    """
    _check_tol(rcond, "rcond")
    _, Vt, r = _rank_split(as_matrix(A, "A"), rcond)
    return Vt[r:].T.copy()
