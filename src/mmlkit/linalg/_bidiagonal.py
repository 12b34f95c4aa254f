"""Blocked Golub–Kahan bidiagonalisation and the bidiagonal SVD by divide and conquer.

Bidiagonalisation. ``Uᵀ A V = B`` (upper bidiagonal) by alternating left and
right Householder reflections, blocked as LAPACK's ``dgebrd``/``dlabrd``: a
panel of ``nb`` columns and rows is reduced while the updates of the rest are
kept aside as ``A ← A − V Yᵀ − X Uᵀ`` (``V``, ``U`` the left and right
reflectors, ``Y``, ``X`` what they do to the matrix), applied lazily to the
one column and row each step needs; the trailing matrix then takes them all in
two matrix products. Half the 4mn² − 4n³/3 flops stay matrix–vector products.

Bidiagonal SVD by divide and conquer (LAPACK's ``dbdsdc``/``dlasd*``). Every block
is an ``h × (h+1)`` upper bidiagonal matrix (h = 2ᵏ − 1), whose SVD has a null
column; the leaves are the 1 × 2 rows ``[dᵣ eᵣ]``. Removing the joining row k
of ``[B₁ 0; α eₖᵀ β e₁ᵀ; 0 B₂]`` and writing the halves in their singular bases
leaves ``D + e₁ zᵀ`` with ``D = diag(0, σ⁽¹⁾, σ⁽²⁾)`` and
``z = (r, α V₁[last, :], β V₂[0, :])`` (``r`` combines the two null columns by a
rotation; the other combination is the merged block's null vector). Its
singular values are the roots of ``1 + Σⱼ zⱼ²/(dⱼ² − σ²) = 0``, the symmetric
secular equation of ``D² + z zᵀ``, solved by the tridiagonal divide and
conquer's solver with each pole offset formed as ``(dⱼ − dᵢ)(dⱼ + dᵢ)``; right
vectors ``(D² − σ²)⁻¹ẑ`` and left ``(−1, dⱼẑⱼ/(dⱼ² − σ²))`` with Gu–Eisenstat's
``ẑ``. As there, small ``zⱼ`` and close ``dⱼ`` deflate (``z₁`` never: it is
raised to the tolerance, and poles near 0 are raised to half of it). The tree
is climbed a level of merges at a time; a square order m is split into a tree,
a row and a square rest (m = 2ʲ: two trees of m/2 − 1 rows, climbed together).
"""

from __future__ import annotations

import numpy as np

from mmlkit.linalg._divide_conquer import _deflate_close, _secular_vectors
from mmlkit.linalg._householder import blocks_from_reflectors, house

_EPS = np.finfo(float).eps


def bidiagonal_reflectors(A: np.ndarray, nb: int = 32, nb_apply: int = 64):
    """``Uᵀ A V = B`` for ``A`` (m × n, m ≥ n; overwritten); returns d, e and the WY blocks of U and V."""
    m, n = A.shape
    VL, tl = np.zeros((m, n)), np.zeros(n)
    VR, tr = np.zeros((n, max(n - 1, 1))), np.zeros(max(n - 1, 1))
    d, e = np.zeros(n), np.zeros(max(n - 1, 0))
    for j0 in range(0, n, nb):
        b = min(nb, n - j0)
        S = A[j0:, j0:]
        W, Z = _panel(S, b, d[j0:j0 + b], e[j0:j0 + b], tl[j0:j0 + b], tr[j0:j0 + b])
        VL[j0:, j0:j0 + b] = W[:, :b]
        for i in range(b):
            if j0 + i < n - 1:
                VR[j0 + i + 1:, j0 + i] = Z[i + 1:, b + i]
        if b < S.shape[1]:
            S[b:, b:] -= W[b:] @ Z[b:].T  # ← S − Vl Yᵀ − X Ur: one matrix product
    left = blocks_from_reflectors(VL, tl, offset=0, nb=nb_apply)
    right = blocks_from_reflectors(VR[:, :n - 1], tr[:n - 1], offset=1, nb=nb_apply) if n > 1 else []
    return d, e, left, right


def _panel(S: np.ndarray, b: int, d, e, tl, tr):
    """Reduce the first ``b`` columns and rows of ``S`` (LAPACK ``dlabrd``); the rest is left for one update.

    Returns ``W = [Vl X]`` (ms × 2b) and ``Z = [Y Urᵀ]`` (ns × 2b): ``Vl`` the left reflectors
    (column i zero above row i), ``Ur`` the right ones (row i zero left of column i+1), and
    ``X``, ``Y`` what they do, so that ``S_trailing ← S − Vl Yᵀ − X Ur = S − W Zᵀ``. Side by
    side, each lazy update is one matrix–vector product (the columns not yet reached are zero).
    """
    ms, ns = S.shape
    W, Z = np.zeros((ms, 2 * b)), np.zeros((ns, 2 * b))
    for i in range(b):
        v, tq, beta = house(S[i:, i] - W[i:] @ Z[i])  # column i with the panel's updates
        d[i], tl[i] = beta, tq
        W[i:, i] = v
        if i + 1 >= ns:
            continue
        # y = τ (Sᵀ − Y Vlᵀ − Urᵀ Xᵀ) v on the columns right of i
        y = S[i:, i + 1:].T @ v
        y -= Z[i + 1:] @ (W[i:].T @ v)
        y *= tq
        Z[i + 1:, i] = y
        u, tp, beta = house(S[i, i + 1:] - Z[i + 1:] @ W[i])  # row i with the panel's updates
        e[i], tr[i] = beta, tp
        Z[i + 1:, b + i] = u
        # x = τ (S − Vl Yᵀ − X Ur) u on the rows below i
        x = S[i + 1:, i + 1:] @ u
        x -= W[i + 1:] @ (Z[i + 1:].T @ u)
        x *= tp
        W[i + 1:, b + i] = x
    return W, Z


def bidiagonal_svd_dc(d: np.ndarray, e: np.ndarray):
    """SVD of the upper bidiagonal ``B`` (diagonal d, superdiagonal e): ``B = U diag(s) Vᵀ``, s descending."""
    scale = max(float(np.abs(d).max()), float(np.abs(e).max()) if len(e) else 0.0)
    if scale == 0.0:
        n = len(d)
        return np.eye(n), np.zeros(n), np.eye(n)
    U, s, V = _square(np.asarray(d, dtype=float) / scale, np.asarray(e, dtype=float) / scale, 1.0)
    return U[0][:, ::-1], scale * s[0][::-1], V[0][:, ::-1]


# --------------------------------------------------------------------------- bidiagonal divide and conquer
def _leaves(d: np.ndarray, e: np.ndarray):
    """The 1 × 2 leaves ``[dᵣ eᵣ]``: σ = hypot(d, e), U = [1], V = [(d, e)/σ, (−e, d)/σ] (B leaves)."""
    sig = np.hypot(d, e)
    nz = sig > 0
    c = np.where(nz, d / np.where(nz, sig, 1.0), 1.0)
    s = np.where(nz, e / np.where(nz, sig, 1.0), 0.0)
    V = np.empty((len(d), 2, 2))
    V[:, 0, 0], V[:, 1, 0], V[:, 0, 1], V[:, 1, 1] = c, s, -s, c
    return np.ones((len(d), 1, 1)), sig[:, None], V


def _merge_rows(U1, s1, V1, alpha, beta, U2, s2, V2, scale: float):
    """Merge ``B`` blocks ``[B₁ 0; αeₖᵀ βe₁ᵀ; 0 B₂]`` across their joining row (LAPACK ``dlasd1``–``dlasd3``).

    ``B₁`` (Nl × (Nl+1)) has SVD ``U1 [diag(s1) 0] V1ᵀ`` (V1's last column its null vector);
    ``B₂`` has ``U2, s2, V2``: Nr × (Nr+1) with a null column when ``V2`` is one row longer than
    ``U2``, else square; ``U2`` may be empty (no block below: the joining row is the last row).
    Singular values ascending within each block. Returns ``U, s, V`` of the merged blocks (V with
    a null column last when B₂ had one).

    In the bases of the halves the block is ``D + e₁ zᵀ`` (after moving the joining row first and
    the combined null column first): ``D = diag(0, s1, s2)``, ``z = (r, α V1[Nl, :Nl], β V2[0, :Nr])``
    with ``r = hypot(α V1[Nl, Nl], β V2[0, null])``. Its singular values are the roots of
    ``1 + Σⱼ zⱼ² / (dⱼ² − σ²) = 0``: the symmetric secular solver on ``D² + z zᵀ``.
    """
    B, Nl = s1.shape
    Nr = s2.shape[1]
    null2 = V2.shape[1] > Nr
    N = Nl + 1 + Nr
    z0 = alpha * V1[:, Nl, Nl]
    z = np.empty((B, N))
    z[:, 1:Nl + 1] = alpha[:, None] * V1[:, Nl, :Nl]
    z[:, Nl + 1:] = beta[:, None] * V2[:, 0, :Nr]
    if null2:
        zn = beta * V2[:, 0, Nr]
        r = np.hypot(z0, zn)
        nz = r > 0
        c = np.where(nz, z0 / np.where(nz, r, 1.0), 1.0)
        sn = np.where(nz, zn / np.where(nz, r, 1.0), 0.0)
    else:
        r, c, sn = z0, np.ones(B), np.zeros(B)
    tol = 8.0 * _EPS * max(scale, float(np.abs(alpha).max()), float(np.abs(beta).max()) if beta.size else 0.0)
    # z₁ never deflates (its pole 0 carries the joining row): at least tol (a perturbation ≤ tol)
    z[:, 0] = np.where(np.abs(r) <= tol, tol, r)
    D = np.concatenate([np.zeros((B, 1)), s1, s2], axis=1)
    perm = np.concatenate([np.zeros((B, 1), dtype=np.intp), 1 + np.argsort(D[:, 1:], axis=1, kind="stable")], axis=1)
    pflat = perm + (np.arange(B) * N)[:, None]  # places in the flattened (B, N) arrays: one take each
    D = D.take(pflat)
    z = z.take(pflat)
    # poles within tol/2 of 0 are lifted to tol/2 (LAPACK dlasd2): they then deflate against each other
    np.maximum(D[:, 1:], 0.5 * tol, out=D[:, 1:])
    defl = np.abs(z) <= tol
    defl[:, 0] = False
    rotations = _deflate_close(D[:, 1:], z[:, 1:], defl[:, 1:], np.full(B, tol))
    znorm2 = np.einsum("bk,bk->b", z, z)
    zs = z / np.sqrt(znorm2)[:, None]
    Vm, sig, _, Um = _secular_vectors(D, zs, znorm2, defl, squared=True)
    for b, rots in rotations.items():  # the deflating rotations act on both sides: apply the last first
        for pj, j, cc, ss in reversed(rots):
            for X in (Um[b], Vm[b]):
                xp, xj = X[pj + 1].copy(), X[j + 1].copy()
                X[pj + 1] = cc * xp - ss * xj
                X[j + 1] = ss * xp + cc * xj
    # undo the sort on the rows (the poles), then the products with the halves' vectors
    ar = np.arange(B)[:, None]
    PU, PV = np.empty_like(Um), np.empty_like(Vm)
    PU[ar, perm] = Um
    PV[ar, perm] = Vm
    U = np.empty((B, N, N))
    np.matmul(U1, PU[:, 1:Nl + 1], out=U[:, :Nl])
    U[:, Nl] = PU[:, 0]
    np.matmul(U2, PU[:, Nl + 1:], out=U[:, Nl + 1:])
    V = np.empty((B, N + null2, N + null2))
    top, bot = V[:, :Nl + 1, :N], V[:, Nl + 1:, :N]
    np.matmul(V1[:, :, :Nl], PV[:, 1:Nl + 1], out=top)
    top += (c[:, None] * V1[:, :, Nl])[:, :, None] * PV[:, 0][:, None, :]
    np.matmul(V2[:, :, :Nr], PV[:, Nl + 1:], out=bot)
    if null2:
        bot += (sn[:, None] * V2[:, :, Nr])[:, :, None] * PV[:, 0][:, None, :]
        V[:, :Nl + 1, N] = -sn[:, None] * V1[:, :, Nl]
        V[:, Nl + 1:, N] = c[:, None] * V2[:, :, Nr]
    # ascending singular values
    order = np.argsort(sig, axis=1, kind="stable")
    sig = sig.take(order + (np.arange(B) * N)[:, None])
    U = U.take(order[:, None, :] + (np.arange(B * N) * N).reshape(B, N, 1))  # columns of each block reordered
    Nv = N + null2
    V[:, :, :N] = V.take(order[:, None, :] + (np.arange(B * Nv) * Nv).reshape(B, Nv, 1))
    return U, sig, V


def _upper_tree(d: np.ndarray, e: np.ndarray, B: int, scale: float):
    """SVD of ``B`` consecutive (h × (h+1)) upper bidiagonal blocks, h = 2ᵏ − 1, rows ``d, e`` (B·(h+1) − 1
    long: the blocks and the rows between them), climbed bottom-up one tree level at a time."""
    h1 = (len(d) + 1) // B  # h + 1
    U, s, V = _leaves(d[0::2], e[0::2])
    w = 2
    while w < h1:  # merge pairs of blocks of w − 1 rows across the rows w − 1 (mod 2w)
        rows = np.arange(w - 1, len(d), 2 * w)
        U, s, V = _merge_rows(U[0::2], s[0::2], V[0::2], d[rows], e[rows], U[1::2], s[1::2], V[1::2], scale)
        w *= 2
    return U, s, V


def _square(d: np.ndarray, e: np.ndarray, scale: float):
    """SVD ``U, s (ascending), V`` of the square upper bidiagonal ``(d, e)`` (len(e) = len(d) − 1).

    Split as ``[upper tree (h rows); row h; square rest]``, h = 2ᵏ − 1; an order m = 2ʲ takes
    h = m/2 − 1, so that the rest is a tree of the same size plus one row and both trees are
    climbed together.
    """
    m = len(d)
    if m == 1:
        return np.ones((1, 1, 1)) * np.sign(d[0]) + (d[0] == 0), np.abs(d)[None], np.ones((1, 1, 1))
    pow2 = m & (m - 1) == 0
    h = m // 2 - 1 if pow2 and m >= 4 else (1 << (m.bit_length() - 1)) - 1
    ee = np.append(e, 0.0)
    no = (np.empty((1, 0, 0)), np.empty((1, 0)))
    if pow2 and m >= 4:  # two trees of h rows: rows [0, h) and [h + 1, m − 1), then the last row
        U, s, V = _upper_tree(d[:m - 1], ee[:m - 1], 2, scale)
        U2, s2, V2 = _merge_rows(U[1:], s[1:], V[1:], d[m - 1:], ee[m - 1:], *no, np.ones((1, 1, 1)), scale)
        U2, s2, V2 = U2, s2, V2[:, :-1, :-1]  # no lower block: drop its (trivial) null column
    else:
        U, s, V = _upper_tree(d[:h], ee[:h], 1, scale)
        if h == m - 1:
            U2, s2, V2 = _merge_rows(U, s, V, d[h:], ee[h:], *no, np.ones((1, 1, 1)), scale)
            return U2, s2, V2[:, :-1, :-1]
        U2, s2, V2 = _square(d[h + 1:], e[h + 1:], scale)
    return _merge_rows(U[:1], s[:1], V[:1], d[h:h + 1], e[h:h + 1], U2, s2, V2, scale)
