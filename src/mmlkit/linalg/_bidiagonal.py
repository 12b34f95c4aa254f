"""Blocked Golub–Kahan bidiagonalisation and the bidiagonal SVD by divide and conquer (on the TGK matrix).

Bidiagonalisation. ``Uᵀ A V = B`` (upper bidiagonal) by alternating left and
right Householder reflections, blocked as LAPACK's ``dgebrd``/``dlabrd``: a
panel of ``nb`` columns and rows is reduced while the updates of the rest are
kept aside as ``A ← A − V Yᵀ − X Uᵀ`` (``V``, ``U`` the left and right
reflectors, ``Y``, ``X`` what they do to the matrix), applied lazily to the
one column and row each step needs; the trailing matrix then takes them all in
two matrix products. Half the 4mn² − 4n³/3 flops stay matrix–vector products.

Bidiagonal SVD. The Golub–Kahan (TGK) matrix, the perfect shuffle of
``[[0, Bᵀ], [B, 0]]``, is the 2n × 2n symmetric tridiagonal matrix with zero
diagonal and off-diagonal ``(d₁, e₁, d₂, e₂, …, dₙ)``; its eigenvalues are
``±σᵢ`` with eigenvectors ``(v₁, ±u₁, v₂, ±u₂, …)/√2``. Its eigenproblem is
solved by the tridiagonal divide and conquer; for each ``σᵢ > 0`` the halves
are split off and normalised. Where ``σᵢ + σⱼ`` is small the eigenvectors of
``σᵢ`` and ``−σⱼ`` mix, which leaves ``x`` exact but the halves no longer
orthogonal: the singular values below ``1e-4·σ₁`` are therefore refined by
Rayleigh–Ritz — orthonormal bases of the spans of all the halves of their
TGK eigenvectors (both signs), and the SVD of the small projected matrix by
implicit-shift QR — which restores orthogonality and the residual.
"""

from __future__ import annotations

import numpy as np

from mmlkit.linalg._divide_conquer import tridiagonal_eigh_dc
from mmlkit.linalg._householder import blocks_from_reflectors, house

_EPS = np.finfo(float).eps


def bidiagonal_reflectors(A: np.ndarray, nb: int = 32, nb_apply: int = 128):
    """``Uᵀ A V = B`` for ``A`` (m × n, m ≥ n; overwritten); returns d, e and the WY blocks of U and V."""
    m, n = A.shape
    VL, tl = np.zeros((m, n)), np.zeros(n)
    VR, tr = np.zeros((n, max(n - 1, 1))), np.zeros(max(n - 1, 1))
    d, e = np.zeros(n), np.zeros(max(n - 1, 0))
    for j0 in range(0, n, nb):
        b = min(nb, n - j0)
        S = A[j0:, j0:]
        Vl, Ur, X, Y = _panel(S, b, d[j0:j0 + b], e[j0:j0 + b], tl[j0:j0 + b], tr[j0:j0 + b])
        VL[j0:, j0:j0 + b] = Vl
        for i in range(b):
            if j0 + i < n - 1:
                VR[j0 + i + 1:, j0 + i] = Ur[i, i + 1:]
        if b < S.shape[1]:
            T = S[b:, b:]
            T -= Vl[b:] @ Y[b:].T
            T -= X[b:] @ Ur[:, b:]
    left = blocks_from_reflectors(VL, tl, offset=0, nb=nb_apply)
    right = blocks_from_reflectors(VR[:, :n - 1], tr[:n - 1], offset=1, nb=nb_apply) if n > 1 else []
    return d, e, left, right


def _panel(S: np.ndarray, b: int, d, e, tl, tr):
    """Reduce the first ``b`` columns and rows of ``S`` (LAPACK ``dlabrd``); the rest is left for one update.

    Returns ``Vl`` (ms × b; column i the left reflector, zero above row i),
    ``Ur`` (b × ns; row i the right reflector, zero left of column i+1) and
    ``X`` (ms × b), ``Y`` (ns × b) with ``S_trailing ← S − Vl Yᵀ − X Ur``.
    """
    ms, ns = S.shape
    Vl, Ur = np.zeros((ms, b)), np.zeros((b, ns))
    X, Y = np.zeros((ms, b)), np.zeros((ns, b))
    for i in range(b):
        col = S[i:, i] - Vl[i:, :i] @ Y[i, :i] - X[i:, :i] @ Ur[:i, i]
        v, tq, beta = house(col)
        d[i], tl[i] = beta, tq
        Vl[i:, i] = v
        if i + 1 >= ns:
            continue
        # y = τ (Sᵀ − Y Vlᵀ − Urᵀ Xᵀ) v on the columns right of i
        y = S[i:, i + 1:].T @ v - Y[i + 1:, :i] @ (Vl[i:, :i].T @ v) - Ur[:i, i + 1:].T @ (X[i:, :i].T @ v)
        y *= tq
        Y[i + 1:, i] = y
        row = S[i, i + 1:] - Y[i + 1:, :i + 1] @ Vl[i, :i + 1] - Ur[:i, i + 1:].T @ X[i, :i]
        u, tp, beta = house(row)
        e[i], tr[i] = beta, tp
        Ur[i, i + 1:] = u
        # x = τ (S − Vl Yᵀ − X Ur) u on the rows below i
        x = S[i + 1:, i + 1:] @ u - Vl[i + 1:, :i + 1] @ (Y[i + 1:, :i + 1].T @ u)
        x -= X[i + 1:, :i] @ (Ur[:i, i + 1:] @ u)
        x *= tp
        X[i + 1:, i] = x
    return Vl, Ur, X, Y


def bidiagonal_svd_dc(d: np.ndarray, e: np.ndarray, refine=None):
    """SVD of the upper bidiagonal ``B`` (diagonal d, superdiagonal e): ``B = U diag(s) Vᵀ``, s descending.

    ``refine(M)`` must return the SVD ``(U, s, Vt)`` of a small dense matrix
    (used for the Rayleigh–Ritz step on the smallest singular values).
    """
    n = len(d)
    off = np.empty(2 * n - 1)
    off[0::2] = d
    off[1::2] = e
    scale = max(float(np.abs(off).max()) if off.size else 0.0, np.finfo(float).tiny)
    # only the eigenpairs above −(the refinement threshold) are needed: σ₁ ≤ ‖B‖ ≤ 2 max|entry|
    w, Z = tridiagonal_eigh_dc(np.zeros(2 * n), off, lower=-(2.1e-4 + 8 * n * _EPS) * scale)
    top = Z[:, ::-1][:, :n]  # eigenvalues descending: the n largest are +σ
    s = np.maximum(w[::-1][:n], 0.0)
    V = top[0::2].copy()
    U = top[1::2].copy()
    small = s <= 1e-4 * max(s[0], scale * _EPS) if n else s.astype(bool)
    big = ~small
    V[:, big] /= np.sqrt(np.einsum("ij,ij->j", V[:, big], V[:, big]))
    U[:, big] /= np.sqrt(np.einsum("ij,ij->j", U[:, big], U[:, big]))
    k = int(small.sum())
    if k:
        tol = s[small].max()
        clus = np.abs(w) <= tol * (1 + 8 * _EPS) + 4 * n * _EPS * scale
        Vs = _orthonormal_span(Z[0::2, clus], k, V[:, big])
        Us = _orthonormal_span(Z[1::2, clus], k, U[:, big])
        M = _bidiagonal_times(d, e, Vs)
        Um, sm, Vmt = refine(Us.T @ M)
        U[:, small] = Us @ Um
        V[:, small] = Vs @ Vmt.T
        s[small] = sm
    return U, s, V


def _bidiagonal_times(d, e, X):
    """``B X`` for the upper bidiagonal B."""
    Y = d[:, None] * X
    Y[:-1] += e[:, None] * X[1:]
    return Y


def _orthonormal_span(P: np.ndarray, k: int, against: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the dominant k-dimensional span of P's columns, orthogonal to ``against``."""
    from mmlkit.linalg.eigen import _eigh_dc

    for _ in range(2):
        P = P - against @ (against.T @ P)
    G = P.T @ P
    lam, W = _eigh_dc(G.copy())
    lam, W = lam[::-1][:k], W[:, ::-1][:, :k]
    Q = P @ (W / np.sqrt(np.maximum(lam, np.finfo(float).tiny)))
    # one more pass for orthogonality to working precision
    Q = Q - against @ (against.T @ Q)
    G = Q.T @ Q
    lam, W = _eigh_dc(G.copy())
    return Q @ (W / np.sqrt(np.maximum(lam, np.finfo(float).tiny)))
