"""Least squares and what the singular values tell: lstsq, pinv, matrix_rank, cond."""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit._dask import is_dask_collection
from mmlkit._scaling import column_norms
from mmlkit._validation import NON_NEGATIVE, Options, as_float_array, validate_args
from mmlkit.exceptions import RankWarning
from mmlkit.linalg._checks import as_matrix
from mmlkit.linalg._householder import apply_qt as apply_qt_blocks
from mmlkit.linalg._householder import blocks_from_reflectors, house
from mmlkit.linalg._triangular import trsm
from mmlkit.linalg.svd import svd

__all__ = ["cond", "lstsq", "matrix_rank", "null_space", "orth", "pinv"]

_EPS = np.finfo(float).eps


_TOLERANCE = [NON_NEGATIVE, None]


@validate_args({"rcond": _TOLERANCE, "method": [Options(("svd", "qr"))]})
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
    mmlkit.exceptions.RankWarning
        With ``method="svd"`` whenever the rank is below ``min(m, n)``: a
        direction of the solution space was dropped. A subclass of
        ``numpy.exceptions.RankWarning`` (and of ``UserWarning``).

    Notes
    -----
    Both methods first scale each column of ``a`` by a power of two near its
    2-norm (``a = A_s D``, exact): the rank decision and the solve then see
    the conditioning of the problem, not the units of its columns (a
    polynomial design with columns of size 1, 3e6 and 9e12 is well posed, and
    an SVD cutoff relative to σ_max of the raw matrix would discard its
    smallest direction). ``x = D⁻¹ y`` with ``y`` the solution for ``A_s``.

    SVD: ``y = Σ_{σᵢ > tol} vᵢ (uᵢᵀ b) / σᵢ``, cost ≈ 4mn² + 8n³ + 2mnk. QR: pivoted
    Householder ``A_s P = QR`` (Businger & Golub's column pivoting, blocked as
    LAPACK's ``geqp3``: norms downdated, the trailing matrix updated once per
    panel by a matrix product), rank = #{|Rᵢᵢ| > rcond·|R₁₁|}, ``y = P R⁻¹ (Qᵀb)[:n]``
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
    x, rank, s = solve_equilibrated(A, B2, rcond, method, stacklevel=4)  # lstsq, its validate_args wrapper
    if rank == n and m > n:
        residuals = squared_norms(B2 - A @ x)
    else:
        residuals = np.empty(0)
    return (x[:, 0] if vec else x), residuals, rank, s


def squared_norms(r):
    """‖rⱼ‖² of each column, computed scaled: inf or 0 only where the square itself leaves float64."""
    norms = column_norms(r)
    with np.errstate(over="ignore", under="ignore"):
        return norms * norms


def solve_equilibrated(A, B, rcond, method, stacklevel):
    """x, rank and σ(A) for ``A x ≈ B`` (B 2-D), columns equilibrated by powers of two (see :func:`lstsq`).

    ``stacklevel`` is that of a warning raised here, pointing at the caller of the public function.
    """
    d = _column_scales(A)
    if method == "qr":
        return _solve_qr(A, A / d, d, B, rcond)  # A / d is exact: powers of two
    return _solve_svd(A, A / d, d, B, rcond, stacklevel)


def _solve_qr(A, As, d, B, rcond):
    """x, rank and σ(A) by pivoted Householder QR of the equilibrated ``As = A / d`` (full column rank only).

    Businger & Golub: ``A_s P = QR`` choosing at each step the remaining column of
    largest norm, so that ``|R₁₁| ≥ |R₂₂| ≥ …`` and the rank test is a test on R's
    diagonal (:func:`_pivoted_qr`); ``y = P R⁻¹ (Qᵀ b)[:n]``, then one step of
    iterative refinement with the same factors, ``y += P R⁻¹ Qᵀ (b − A_s y)``;
    σ(A) from an n × n SVD of R·D.
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


def _solve_svd(A, As, d, B, rcond, stacklevel):
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
                      RankWarning, stacklevel=stacklevel + 1)
    U, s, Vt = svd(A, full_matrices=False)  # the minimum-norm x is a property of a, not of A_s
    return Vt[:rank].T @ ((U[:, :rank].T @ B) / s[:rank][:, None]), rank, s


def _column_scales(A: np.ndarray) -> np.ndarray:
    """Powers of two 2^e ∈ (‖aⱼ‖, 2‖aⱼ‖] per column (1 for a zero column): dividing by them is exact."""
    norms = column_norms(A)
    return np.where(norms > 0, np.ldexp(1.0, np.frexp(norms)[1]), 1.0)


def _pivoted_qr(A: np.ndarray, B: np.ndarray, nb: int = 32):
    """Householder QR with column pivoting of ``A`` (m ≥ n), applying Qᵀ to ``B`` alongside (LAPACK ``dgeqp3``).

    Returns ``(R, QᵀB, perm, apply_qt)`` with ``A[:, perm] = Q R``, ``|R₁₁| ≥ |R₂₂| ≥ …``
    and ``apply_qt(C)`` computing ``QᵀC``.

    The textbook algorithm (Businger & Golub; ``householder_qr_textbook(A, pivoting=True)``)
    recomputes every remaining column norm and updates the whole trailing matrix
    after each column. Here (Quintana-Ortí, Sun & Bischof; LAPACK ``dlaqps``) the
    norms are downdated, ‖a_j‖² ← ‖a_j‖² − r_kj², and the trailing matrix is
    updated once per panel of ``nb`` columns by one matrix product, ``C −= V Fᵀ``,
    with ``F = Cᵀ V T`` built a column at a time; only the pivot row and the next
    column are brought up to date in between. A downdate that cancels (the norm
    has shrunk below √ε of the last one computed) ends the panel early and that
    norm is recomputed. ``B``'s columns ride along as columns that are never
    pivoted. Half the flops are still matrix–vector products (``Cᵀv`` for each
    column of F), as in LAPACK; 2mn² − 2n³/3 flops in all.
    """
    m, n = A.shape
    W = np.empty((m, n + B.shape[1]), order="F")  # [A, B], factored in place
    W[:, :n], W[:, n:] = A, B
    perm, tau = np.arange(n), np.zeros(n)
    vn1 = column_norms(W[:, :n])  # the remaining norms, downdated
    vn2 = vn1.copy()  # each one as last computed in full
    k0 = 0
    while k0 < n:
        k0 += _pivoted_panel(W, k0, min(nb, n - k0), n, perm, tau, vn1, vn2)
    V = np.tril(W[:, :n], -1)
    np.fill_diagonal(V, 1.0)
    blocks = blocks_from_reflectors(V, tau, offset=0)

    def apply_qt(X):
        return apply_qt_blocks(blocks, np.array(X, dtype=np.float64, copy=True))

    return np.triu(W[:n, :n]), W[:, n:], perm, apply_qt


def _pivoted_panel(W, k0, nb, n, perm, tau, vn1, vn2) -> int:
    """Factor up to ``nb`` pivoted columns of ``W`` from column ``k0`` (LAPACK ``dlaqps``); returns how many."""
    m, N = W.shape
    F = np.zeros((N - k0, nb))  # row i ↔ column k0 + i of W
    for j in range(nb):
        k = k0 + j
        p = k + int(np.argmax(vn1[k:n]))
        if p != k:
            W[:, [k, p]] = W[:, [p, k]]
            F[[j, p - k0]] = F[[p - k0, j]]
            for a in (perm, vn1, vn2):
                a[[k, p]] = a[[p, k]]
        if j:  # bring column k up to date with this panel's reflectors
            W[k:, k] -= W[k:, k0:k] @ F[j, :j]
        v, tau[k], beta = house(W[k:, k])
        W[k + 1:, k] = v[1:]
        # F's column j: t·Cᵀv for the columns on the right, corrected for the updates not yet applied to C
        F[j + 1:, j] = tau[k] * (v @ W[k:, k + 1:])
        if j:
            F[:, j] -= F[:, :j] @ (tau[k] * (v @ W[k:, k0:k]))
        # the pivot row of the columns on the right, now final (v's leading 1 stands in at W[k, k])
        W[k, k] = 1.0
        W[k, k + 1:] -= F[j + 1:, :j + 1] @ W[k, k0:k + 1]
        W[k, k] = beta
        if k + 1 < m and _downdate_norms(W[k, k + 1:n], vn1[k + 1:n], vn2[k + 1:n]):
            break  # a norm lost its digits: recompute it once the trailing matrix is up to date
    kb = j + 1
    W[k0 + kb:, k0 + kb:] -= W[k0 + kb:, k0:k0 + kb] @ F[kb:, :kb].T
    stale = np.flatnonzero(vn2[k0 + kb:n] < 0) + k0 + kb
    vn1[stale] = vn2[stale] = column_norms(W[k0 + kb:, stale]) if k0 + kb < m else 0.0
    return kb


_TOL3Z = np.sqrt(_EPS)


def _downdate_norms(r, vn1, vn2) -> bool:
    """‖a_j‖ ← ‖a_j‖·√(1 − (r_j/‖a_j‖)²) in place; marks (vn2 = −1) and reports the norms that cancel."""
    live = vn1 > 0
    ratio = np.abs(r, where=live, out=np.zeros_like(r)) / np.where(live, vn1, 1.0)
    shrink = np.maximum(0.0, (1.0 + ratio) * (1.0 - ratio))
    lost = live & (shrink * (vn1 / np.where(live, vn2, 1.0)) ** 2 <= _TOL3Z)
    keep = live & ~lost
    vn1[keep] *= np.sqrt(shrink[keep])
    vn2[lost] = -1.0
    return bool(lost.any())


@validate_args({"rcond": _TOLERANCE})
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
    A = as_matrix(a, "a")
    U, s, Vt = svd(A, full_matrices=False)
    rcond = _EPS * max(A.shape) if rcond is None else float(rcond)
    keep = s > rcond * s[0] if s.size else s > 0
    return (Vt[keep].T / s[keep]) @ U[:, keep].T


@validate_args({"tol": _TOLERANCE})
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


@validate_args({"rcond": _TOLERANCE})
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
    U, _, r = _rank_split(as_matrix(A, "A"), rcond)
    return U[:, :r]


@validate_args({"rcond": _TOLERANCE})
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
    _, Vt, r = _rank_split(as_matrix(A, "A"), rcond)
    return Vt[r:].T.copy()
