"""The singular value decomposition: Golub–Kahan bidiagonalisation, then divide and conquer or implicit-shift QR."""

from __future__ import annotations

import math

import numpy as np

from mmlkit._dask import is_dask_collection
from mmlkit._validation import Options, validate_args
from mmlkit.linalg._bidiagonal import bidiagonal_reflectors, bidiagonal_svd_dc
from mmlkit.linalg._checks import as_matrix
from mmlkit.linalg._deflation import negligible_floor, unreduced_block
from mmlkit.linalg._divide_conquer import DC_MIN
from mmlkit.linalg._householder import apply_q, blocks_from_reflectors, form_q, house, householder_qr_inplace
from mmlkit.linalg._rotations import RotationLog

__all__ = ["svd", "svdvals"]


def _bidiagonalize(A: np.ndarray, full_u: bool, compute_uv: bool = True):
    """Householder reduction ``Uᵀ A V = B`` (upper bidiagonal) of ``A`` (m × n, m ≥ n), in place."""
    m, n = A.shape
    VL, tl = np.zeros((m, n)), np.zeros(n)
    VR, tr = np.zeros((n, max(n - 1, 1))), np.zeros(max(n - 1, 1))
    d, e = np.zeros(n), np.zeros(max(n - 1, 0))
    for k in range(n):
        v, tau, beta = house(A[k:, k])       # left: zero column k below the diagonal
        d[k] = beta
        if tau != 0.0 and k + 1 < n:
            C = A[k:, k + 1:]
            C -= np.outer(tau * v, v @ C)
        VL[k:, k], tl[k] = v, tau
        if k + 1 < n:
            u, tau, beta = house(A[k, k + 1:])  # right: zero row k right of the superdiagonal
            e[k] = beta
            if tau != 0.0 and k + 1 < m:
                C = A[k + 1:, k + 1:]
                C -= np.outer(C @ u, tau * u)
            VR[k + 1:, k], tr[k] = u, tau
    if not compute_uv:
        return d, e, None, None
    U = form_q(blocks_from_reflectors(VL, tl, offset=0), m, m if full_u else n)
    V = form_q(blocks_from_reflectors(VR[:, :n - 1], tr[:n - 1], offset=1), n, n) if n > 1 else np.eye(1)
    return d, e, U, V


def _bidiagonal_qr(d, e, Ut: np.ndarray | None, Vt: np.ndarray | None, max_sweeps_per_value: int = 40):
    """Singular values of the upper bidiagonal (d, e) by implicit-shift QR (Golub–Kahan step).

    Left rotations are applied to the rows of ``Ut`` (Uᵀ), right rotations to
    the rows of ``Vt`` (Vᵀ); both are batched in :class:`RotationLog` wavefronts.
    Returns the (signed) diagonal.
    """
    n = len(d)
    d, e = d.tolist(), e.tolist()
    hypot = math.hypot
    logU = RotationLog(n) if Ut is not None else None
    logV = RotationLog(n) if Vt is not None else None
    thresh = negligible_floor(d, e)
    sweeps, limit = 0, max_sweeps_per_value * n
    p = n - 1
    while p > 0:
        l = unreduced_block(d, e, p, thresh)
        if l == p:  # a negligible e[p-1] splits off d[p]
            p -= 1
            continue
        sweeps += 1
        if sweeps > limit:
            raise np.linalg.LinAlgError("SVD did not converge (bidiagonal QR)")
        zero = next((i for i in range(l, p + 1) if abs(d[i]) <= thresh), None)
        if zero is not None:
            _chase_zero(d, e, zero, l, p, Ut, Vt, logU, logV, thresh)
            continue
        # Wilkinson shift from the trailing 2×2 of BᵀB, in units of the block's size (squares
        # of a tiny block would underflow; the rotations only depend on directions)
        sc = max(max(map(abs, d[l:p + 1])), max(map(abs, e[l:p])))
        dp1, dp, ep1 = d[p - 1] / sc, d[p] / sc, e[p - 1] / sc
        t11 = dp1 * dp1 + ((e[p - 2] / sc) ** 2 if p - 1 > l else 0.0)
        t12 = dp1 * ep1
        t22 = dp * dp + ep1 * ep1
        delta = 0.5 * (t11 - t22)
        mu = t22 - t12 * (t12 / (delta + math.copysign(hypot(delta, t12), delta))) if t12 != 0 else t22
        y, z = (d[l] / sc) ** 2 - mu, (d[l] / sc) * (e[l] / sc)
        rc, rs, lc, ls = [], [], [], []
        add_rc, add_rs, add_lc, add_ls = rc.append, rs.append, lc.append, ls.append
        dk, ek = d[l], e[l]  # the current d[k], e[k]; list entries are written once final
        for k in range(l, p):
            # right rotation on columns (k, k+1): zero z against y
            r = hypot(y, z)
            c, s = (y / r, z / r) if r != 0.0 else (1.0, 0.0)
            if k > l:
                e[k - 1] = r
            dk1 = d[k + 1]
            a = c * dk + s * ek
            ek = c * ek - s * dk
            low = s * dk1  # bulge below the diagonal at (k+1, k)
            dk1 = c * dk1
            add_rc(c)
            add_rs(s)
            # left rotation on rows (k, k+1): zero the bulge against a
            r = hypot(a, low)
            c, s = (a / r, low / r) if r != 0.0 else (1.0, 0.0)
            d[k] = r
            y = c * ek + s * dk1   # the new e[k]
            dk = c * dk1 - s * ek  # the new d[k+1]
            if k + 1 < p:
                en = e[k + 1]
                z = s * en  # bulge right of the superdiagonal at (k, k+2)
                ek = c * en
            else:
                e[k] = y
            add_lc(c)
            add_ls(s)
        d[p] = dk
        if logV is not None:
            logV.add_sweep(l, rc, rs)
        if logU is not None:
            logU.add_sweep(l, lc, ls)
    if logU is not None:
        logU.flush(Ut)
    if logV is not None:
        logV.flush(Vt)
    return np.array(d)


def _chase_zero(d, e, i, l, p, Ut, Vt, logU, logV, thresh):
    """A (numerically) zero d[i] splits the bidiagonal: rotate its row (or last column) out."""
    d[i] = 0.0
    hypot = math.hypot
    if i < p:
        # left rotations in planes (i, j), j = i+1..p, push e[i] along row i and off the end
        if logU is not None:
            logU.flush(Ut)
        f, e[i] = e[i], 0.0
        for j in range(i + 1, p + 1):
            if abs(f) <= thresh:  # what is left is below the backward error: drop it
                break
            r = hypot(d[j], f)
            c, s = d[j] / r, f / r
            d[j] = r
            if Ut is not None:
                Ut[j], Ut[i] = c * Ut[j] + s * Ut[i], c * Ut[i] - s * Ut[j]
            if j < p:
                f, e[j] = -s * e[j], c * e[j]
    else:
        # d[p] = 0: right rotations in planes (j, p), j = p-1..l, push e[p-1] up column p
        if logV is not None:
            logV.flush(Vt)
        f, e[p - 1] = e[p - 1], 0.0
        for j in range(p - 1, l - 1, -1):
            if abs(f) <= thresh:
                break
            r = hypot(d[j], f)
            c, s = d[j] / r, f / r
            d[j] = r
            if Vt is not None:
                Vt[j], Vt[p] = c * Vt[j] + s * Vt[p], c * Vt[p] - s * Vt[j]
            if j > l:
                f, e[j - 1] = -s * e[j - 1], c * e[j - 1]


def _svd_tall(A: np.ndarray, full_matrices: bool, compute_uv: bool, method: str = "dc"):
    """SVD of m × n with m ≥ n; ``A`` is a private copy."""
    m, n = A.shape
    Q = None
    if m >= 1.6 * n and n > 1:
        # tall: QR first, then the SVD of the small triangular R (LAPACK's dgesdd does the same)
        blocks = householder_qr_inplace(A)
        R = np.triu(A[:n])
        if compute_uv:
            Q = blocks
        A, inner_full = R, False
    else:
        inner_full = full_matrices
    if method == "dc" and compute_uv and n >= DC_MIN:
        U, s, Vt = _svd_dc(A, inner_full)
    else:
        U, s, Vt = _svd_qr(A, inner_full, compute_uv)
    if not compute_uv:
        return s
    if Q is not None:  # U ← Q [U 0; 0 I], the reflectors applied in compact WY blocks
        Uq = np.eye(m, m if full_matrices else n)
        Uq[:n, :n] = U
        U = apply_q(Q, Uq)
    return U, s, Vt


def _svd_dc(A: np.ndarray, full_u: bool):
    """Blocked bidiagonalisation, divide and conquer on B, the reflectors applied to B's singular vectors."""
    m, n = A.shape
    d, e, left, right = bidiagonal_reflectors(A)
    Ub, s, Vb = bidiagonal_svd_dc(d, e)
    U = np.eye(m, m if full_u else n)
    U[:n, :n] = Ub
    apply_q(left, U)
    apply_q(right, Vb)
    return U, s, np.ascontiguousarray(Vb.T)


def _svd_qr(A: np.ndarray, full_u: bool, compute_uv: bool):
    """Golub–Kahan bidiagonalisation and implicit-shift QR on B (the textbook method)."""
    m, n = A.shape
    d, e, U, V = _bidiagonalize(A, full_u=full_u and compute_uv, compute_uv=compute_uv)
    Ut = np.ascontiguousarray(U.T) if compute_uv else None
    Vt = np.ascontiguousarray(V.T) if compute_uv else None
    s = _bidiagonal_qr(d, e, Ut[:n] if compute_uv else None, Vt)
    order = np.argsort(-np.abs(s), kind="stable")
    if not compute_uv:
        return None, np.abs(s)[order], None
    neg = s < 0
    Vt[neg] *= -1.0  # σ = |d|: move the sign into V
    s = np.abs(s)[order]
    Vt = Vt[order]
    Ut[:n] = Ut[:n][order]
    return Ut.T, s, Vt


@validate_args({"full_matrices": ["boolean"], "compute_uv": ["boolean"], "method": [Options(("dc", "qr"))]})
def svd(A, full_matrices: bool = False, compute_uv: bool = True, method: str = "dc"):
    """Singular value decomposition ``A = U Σ Vᵀ``, as ``numpy.linalg.svd``.

    Parameters
    ----------
    A : array_like, shape (m, n)
    full_matrices : bool, default=False
        ``U`` of shape (m, m) and ``Vt`` (n, n) instead of (m, k) and (k, n),
        k = min(m, n). (NumPy's default is True; mmlkit's is
        the reduced form.)
    compute_uv : bool, default=True
        Return only ``s`` when False.
    method : {"dc", "qr"}, default="dc"
        ``"dc"``: blocked Golub–Kahan bidiagonalisation and divide and
        conquer on the bidiagonal matrix, as LAPACK's ``dgesdd``; the fast default. ``"qr"``: the
        textbook Golub–Kahan implicit-shift QR on the bidiagonal matrix
        (LAPACK's ``dbdsqr``). Singular values alone (``compute_uv=False``)
        always use QR without vectors, O(n²) after the reduction, and so
        does "dc" below min(m, n) = 48, where QR is faster.

    Returns
    -------
    U : ndarray, shape (m, k) or (m, m)
        Orthonormal left singular vectors (columns).
    s : ndarray, shape (k,)
        Singular values, non-negative, in descending order.
    Vt : ndarray, shape (k, n) or (n, n)
        Orthonormal right singular vectors (rows).

    Raises
    ------
    numpy.linalg.LinAlgError
        If the QR iteration does not converge.

    Notes
    -----
    ``A vᵢ = σᵢ uᵢ``, ``Aᵀ uᵢ = σᵢ vᵢ``; the σᵢ² are the eigenvalues of ``AᵀA``
    (never formed: that would square the condition number). For m < n we
    decompose ``Aᵀ``. For m ≥ 1.6 n a Householder QR comes first and the SVD of
    ``R`` follows (2mn² − 2n³/3 flops).

    1. Golub–Kahan bidiagonalisation ``Uᵀ A V = B`` by alternating left and
       right Householder reflections (4mn² − 4n³/3 flops). For "dc" it is
       blocked as LAPACK's ``dgebrd``: a panel's updates are kept aside as
       ``A ← A − V Yᵀ − X Uᵀ`` and the trailing matrix takes them in two
       matrix products.
    2. "dc" (LAPACK's ``dbdsdc``): divide and conquer on ``B`` itself. Removing
       row k splits ``B`` into an upper block (k × (k+1)) and a lower one; with their
       SVDs, ``B`` is orthogonally equivalent to ``D + e₁ zᵀ``, ``D = diag(0, σ⁽¹⁾, σ⁽²⁾)``
       and ``z`` row k in the bases of the halves, whose singular values are the roots of
       ``1 + Σⱼ zⱼ² / (dⱼ² − σ²) = 0`` (the secular equation of ``D² + z zᵀ``, every
       ``dⱼ² − σ²`` formed as ``(dⱼ − σ)(dⱼ + σ)`` from the root's offset to its nearer
       pole, so small singular values keep their relative accuracy). Right vectors
       ``(D² − σ²)⁻¹ ẑ``, left vectors ``(−1, d₂ẑ₂/(d₂² − σ²), …)``, with Gu–Eisenstat's
       recomputed ``ẑ`` (orthogonal to working precision); small ``zⱼ`` and close ``dⱼ``
       deflate. The tree is climbed a whole level of merges at a time; each merge costs
       two matrix products per side (about 8n³/3 flops in all for U and V, less with
       deflation). The reflectors are then applied to ``B``'s singular vectors in compact
       WY blocks (BLAS-3).
       "qr": implicit-shift QR on ``B``: each Golub–Kahan step is one QR step on
       ``BᵀB`` with the Wilkinson shift, done on ``B`` itself by chasing a bulge
       with alternating right and left Givens rotations; a zero on ``B``'s
       diagonal is rotated out explicitly. About two steps per singular value,
       O(n²) scalar work; the rotations reach ``U`` and ``V`` in wavefronts
       (see :mod:`mmlkit.linalg._rotations`), about 6mn² + 6n³ flops.
       Signs moved into ``V``, values sorted in descending order.

    A tall-and-skinny Dask ``A`` is reduced by TSQR first (A = QR, R = U_R Σ Vᵀ):
    U = Q U_R comes back as a lazy Dask array, s and Vt as NumPy arrays.

    Examples
    --------
    >>> U, s, Vt = svd([[3.0, 0.0], [0.0, -2.0]])
    >>> s
    array([3., 2.])
    >>> bool(np.allclose((U * s) @ Vt, [[3.0, 0.0], [0.0, -2.0]]))
    True
    """
    if is_dask_collection(A):
        from mmlkit.linalg._tsqr import tsqr_svd

        if full_matrices:
            raise ValueError("a Dask A gets the thin SVD by TSQR: full_matrices must be False")
        return tsqr_svd(A, compute_uv)
    A = as_matrix(A, "A")
    full_matrices, compute_uv = bool(full_matrices), bool(compute_uv)
    m, n = A.shape
    amax = float(np.abs(A).max())
    if amax > 0:
        A /= amax  # the shifts square the entries: keep them near 1
    else:
        amax = 1.0
    out = _svd_tall(A if m >= n else np.array(A.T), full_matrices, compute_uv, method)
    if not compute_uv:
        return amax * out
    U, s, Vt = out
    return (U, amax * s, Vt) if m >= n else (Vt.T, amax * s, U.T)


def svdvals(A) -> np.ndarray:
    """Singular values in descending order, as ``scipy.linalg.svdvals``.

    Parameters
    ----------
    A : array_like, shape (m, n)

    Returns
    -------
    s : ndarray, shape (min(m, n),)

    Notes
    -----
    Bidiagonalisation and implicit QR without vectors (see :func:`svd`):
    4mn² − 4n³/3 + O(n²) flops.

    Examples
    --------
    >>> svdvals([[3.0, 0.0], [0.0, -2.0]])
    array([3., 2.])
    """
    return svd(A, compute_uv=False)
