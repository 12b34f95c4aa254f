"""Householder reflectors and their blocked (compact WY) application.

A Householder reflector ``H = I − τ v vᵀ`` (with ``v[0] = 1``) maps a vector
``x`` onto ``β e₁`` with ``|β| = ‖x‖``. We follow LAPACK's ``dlarfg``
convention ``β = −sign(x₀)‖x‖``, which avoids cancellation in ``x₀ − β`` and
makes our ``R`` factors carry the same signs as LAPACK's.

A product of ``b`` reflectors ``H₀ H₁ ⋯ H_{b−1}`` equals ``I − V T Vᵀ`` with
``V`` (m × b, unit lower trapezoidal) holding the vectors and ``T`` (b × b)
upper triangular (Schreiber & Van Loan's *compact WY* form). Applying it to a
matrix costs three matrix products, so a blocked algorithm does almost all its
flops in BLAS-3.
"""

from __future__ import annotations

import math

import numpy as np

#: Panel width of the blocked algorithms (columns per WY block).
BLOCK = 32


#: Squared norms strictly between these need no rescaling (no under- or overflow in ``xᵀx``).
_SAFE_LOW, _SAFE_HIGH = np.finfo(float).tiny / np.finfo(float).eps, 1e290


def house(x: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Reflector for ``x``: returns ``(v, tau, beta)`` with ``(I − τ v vᵀ) x = β e₁``, ``v[0] = 1``."""
    alpha = float(x[0])
    tail = x[1:]
    v = np.empty_like(x)
    v[0] = 1.0
    sigma = float(tail @ tail)
    if _SAFE_LOW < sigma < _SAFE_HIGH and abs(alpha) < 1e145:  # the common case: one dot product
        beta = -math.copysign(math.sqrt(alpha * alpha + sigma), alpha)
        np.divide(tail, alpha - beta, out=v[1:])
        return v, (beta - alpha) / beta, beta
    amax = float(np.max(np.abs(tail))) if tail.size else 0.0
    if amax == 0.0:
        v[1:] = 0.0
        return v, 0.0, alpha
    # v and τ do not depend on the scale of x: compute them for x / max|xᵢ|, so no square
    # under- or overflows and even a subnormal x gives an orthogonal reflector
    xmax = max(amax, abs(alpha))
    a, t = alpha / xmax, tail / xmax
    beta = -math.copysign(math.sqrt(a * a + float(t @ t)), a)
    v[1:] = t / (a - beta)
    return v, (beta - a) / beta, beta * xmax


def t_factor(V: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Upper triangular ``T`` with ``H₀ ⋯ H_{b−1} = I − V T Vᵀ`` (LAPACK ``dlarft``, forward, columnwise).

    Two halves join as ``T = [[T₁, −T₁ (V₁ᵀ V₂) T₂], [0, T₂]]`` (the recursive ``dlarft``);
    starting from ``T = diag(τ)``, every join of one size is done at once, as a batch of
    small matrix products over the diagonal blocks: log₂ b steps instead of b.
    """
    b = len(tau)
    m = 1 << max(b - 1, 0).bit_length()  # b padded to a power of two (τ = 0: no reflector)
    S = np.zeros((m, m))
    S[:b, :b] = V.T @ V
    T = np.zeros((m, m))
    T.flat[:b * (m + 1):m + 1] = tau
    s = 1
    while s < m:
        # the (m/2s) diagonal blocks of size 2s, as views: [[T₁, X], [0, T₂]] (the ndarray constructor
        # on T's and S's memory: as_strided's Python-level checks cost more than these small products)
        shape, strides = (m // (2 * s), 2 * s, 2 * s), (2 * s * (m + 1) * 8, m * 8, 8)
        Tb = np.ndarray(shape, buffer=T, strides=strides)
        Sb = np.ndarray(shape, buffer=S, strides=strides)
        Tb[:, :s, s:] = -(Tb[:, :s, :s] @ Sb[:, :s, s:]) @ Tb[:, s:, s:]
        s *= 2
    return T[:b, :b].copy()


def blocks_from_reflectors(V: np.ndarray, tau: np.ndarray, offset: int, nb: int = BLOCK):
    """Group reflectors stored column-wise in ``V`` into compact WY blocks.

    Reflector ``j`` acts on rows ``j + offset ...`` and is stored in
    ``V[j + offset:, j]`` (with ``V[j + offset, j] = 1`` and zeros above).
    Returns a list of ``(row0, Vb, Tb)``: block ``I − Vb Tb Vbᵀ`` acts on rows ``row0:``.
    """
    blocks = []
    for j0 in range(0, len(tau), nb):
        j1 = min(j0 + nb, len(tau))
        Vb = V[j0 + offset:, j0:j1]
        blocks.append((j0 + offset, Vb, t_factor(Vb, tau[j0:j1])))
    return blocks


def form_q(blocks, m: int, ncols: int) -> np.ndarray:
    """``Q[:, :ncols]`` for ``Q = ∏ blocks`` (applied last to first, LAPACK ``dorgqr`` style).

    Block ``k`` only touches rows and columns from its ``row0`` on, because the
    columns left of it are still columns of the identity when it is applied.
    Cost about 4 m n k − 2 (m + n) k² + 4k³/3 flops for k reflectors, in matrix products.
    """
    Q = np.eye(m, ncols)
    for row0, Vb, Tb in reversed(blocks):
        C = Q[row0:, row0:]
        C -= Vb @ (Tb @ (Vb.T @ C))
    return Q


def apply_q(blocks, C: np.ndarray) -> np.ndarray:
    """Overwrite ``C`` (m × k) with ``Q C`` for ``Q = ∏ blocks`` (last block first); returns ``C``.

    Each block costs three matrix products, ``C ← C − V (T (Vᵀ C))``: 4 m k b flops for b reflectors.
    """
    for row0, Vb, Tb in reversed(blocks):
        D = C[row0:]
        D -= Vb @ (Tb @ (Vb.T @ D))
    return C


def apply_qt(blocks, C: np.ndarray) -> np.ndarray:
    """Overwrite ``C`` (m × k) with ``Qᵀ C`` for ``Q = ∏ blocks``; returns ``C``."""
    for row0, Vb, Tb in blocks:
        D = C[row0:]
        D -= Vb @ (Tb.T @ (Vb.T @ D))
    return C


def reflect_t(C: np.ndarray, V: np.ndarray, T: np.ndarray, work: np.ndarray | None = None) -> None:
    """Overwrite ``C`` with ``(I − V T Vᵀ)ᵀ C = C − V (Tᵀ (Vᵀ C))``: LAPACK ``dlarfb`` in three products.

    The last product is formed a block of rows at a time in ``work`` (a flat
    float64 buffer, reused; blocks of ``work.size // C.shape[1]`` rows), laid out
    as ``C`` is, so the subtraction streams through memory in order and no
    temporary as large as ``C`` is allocated.
    """
    m, n = C.shape
    W = (C.T @ V) @ T  # (Tᵀ Vᵀ C)ᵀ, n × b
    if work is None:
        work = workspace(m, n)
    rows = work.size // n
    column_major = C.strides[0] <= C.strides[1]
    for r0 in range(0, m, rows):
        Vr = V[r0:r0 + rows]
        k = Vr.shape[0]
        if column_major:
            np.matmul(W, Vr.T, out=work[:n * k].reshape(n, k))
            C[r0:r0 + k] -= work[:n * k].reshape(n, k).T
        else:
            np.matmul(Vr, W.T, out=work[:k * n].reshape(k, n))
            C[r0:r0 + k] -= work[:k * n].reshape(k, n)


def workspace(m: int, n: int) -> np.ndarray:
    """A flat buffer for :func:`reflect_t` on m × n blocks: whole rows of n, at most 2¹⁸ numbers (2 MB)
    or an eighth of the block, and at least 64 rows (or all m)."""
    rows = max(64, min(1 << 18, m * n // 8) // max(n, 1))
    return np.empty(min(m, rows) * n)


def _panel_qr(P: np.ndarray, V: np.ndarray, work: np.ndarray) -> np.ndarray:
    """Recursive Householder QR of a panel ``P`` (m × b, m ≥ b), in place (Elmroth & Gustavson; LAPACK ``dgeqrt3``).

    On return ``P``'s upper triangle is R and the rest zero; the reflectors are in
    ``V`` (m × b, zero on entry, unit lower trapezoidal on return; ``work`` as in
    :func:`reflect_t`); returns ``T`` with ``H₀ ⋯ H_{b−1} = I − V T Vᵀ``.
    Factor the left half, apply its block
    reflector to the right half (BLAS-3), factor what is left of the right half,
    and join the two T factors:

        T = [[T₁, −T₁ (V₁ᵀ V₂) T₂], [0, T₂]].

    So even the panel runs on matrix products, where a column-by-column panel
    (LAPACK ``dgeqr2``) would stream all of it through memory once per column.
    A panel small enough to stay in cache (``m·b ≤ _LEAF``) is factored column
    by column all the same: there the recursion's extra steps cost more than
    the memory traffic they save.
    """
    m, b = P.shape
    if m * b <= _LEAF:  # a small panel: column by column (it sits in cache, and there are fewer steps)
        tau = np.empty(b)
        for j in range(b):
            v, tau[j], P[j, j] = house(P[j:, j])
            P[j + 1:, j] = 0.0
            V[j:, j] = v
            if j + 1 < b:
                W = P[j:, j + 1:]
                W -= np.outer(tau[j] * v, v @ W)
        return t_factor(V, tau)
    if b == 1:
        v, tau, beta = house(P[:, 0])
        P[0, 0] = beta
        P[1:, 0] = 0.0
        V[:, 0] = v
        return np.array([[tau]])
    h = b // 2
    V1, V2 = V[:, :h], V[h:, h:]
    T1 = _panel_qr(P[:, :h], V1, work)
    reflect_t(P[:, h:], V1, T1, work)
    T2 = _panel_qr(P[h:, h:], V2, work)
    T = np.zeros((b, b))
    T[:h, :h] = T1
    T[h:, h:] = T2
    T[:h, h:] = -T1 @ ((V1[h:].T @ V2) @ T2)
    return T


#: Panels of at most this many numbers are factored column by column.
_LEAF = 2048

#: Panel width of the blocked QR (the panel itself is factored recursively).
QR_BLOCK = 64


def householder_qr_inplace(A: np.ndarray, nb: int = QR_BLOCK, keep: bool = True):
    """Blocked Householder QR of ``A`` (m × n), in place (LAPACK ``dgeqrf``).

    On return ``A``'s upper triangle (trapezoid) is ``R`` and the rest zero. For
    each panel of ``nb`` columns: factor it (:func:`_panel_qr`, recursively, in
    matrix products), gather its reflectors into ``I − V T Vᵀ`` (compact WY) and
    update the rest of the matrix, ``C ← C − V Tᵀ Vᵀ C`` (BLAS-3). Total
    2 m n² − 2 n³/3 flops for m ≥ n, plus m n·nb/2 to form the T factors.
    Fastest on a column-major (Fortran-ordered) ``A``.

    Returns the reflectors as compact WY blocks ``(row0, V, T)`` for :func:`form_q`,
    :func:`apply_q` and :func:`apply_qt`; with ``keep=False`` (R alone) none are kept,
    and each panel's ``V`` is freed once the rest of the matrix is updated.
    """
    m, n = A.shape
    k = min(m, n)
    work = workspace(m, n)  # one buffer for every update
    blocks = []
    for j0 in range(0, k, nb):
        j1 = min(j0 + nb, k)
        V = np.zeros((m - j0, j1 - j0), order="F")
        with np.errstate(over="ignore"):  # house's xᵀx may overflow: it then rescales (nothing else can)
            T = _panel_qr(A[j0:, j0:j1], V, work)
        if j1 < n:
            reflect_t(A[j0:, j1:], V, T, work)
        if keep:
            blocks.append((j0, V, T))
    return blocks
