"""Cuppen's divide and conquer for the symmetric tridiagonal eigenproblem, one tree level at a time.

Tearing. ``T = diag(T₁, T₂) + ρ v vᵀ`` with ``ρ = |β|`` (β the off-diagonal entry
joining the halves) and ``v = (e_last; sign(β) e_first)``: the halves lose ``ρ``
from their touching diagonal entries. Tearing every off-diagonal entry at once
leaves n decoupled 1 × 1 blocks; the tree is then climbed bottom-up, and every
merge of one level is done in the same array operations (the level is a batch of
``B`` independent blocks of equal size). An order that is not a power of two is
split into its largest power-of-two head and the rest (recursively), and the
pieces are merged once each at the end.

Merging. With ``Tᵢ = Qᵢ Λᵢ Qᵢᵀ``,
``T = diag(Q₁, Q₂) (D + ρ z zᵀ) diag(Q₁, Q₂)ᵀ`` where ``D = diag(Λ₁, Λ₂)`` and
``z = (Q₁ᵀ e_last; sign(β) Q₂ᵀ e_first)``. The eigenvalues of ``D + ρ z zᵀ``
(``D`` sorted, ``‖z‖ = 1``) are the roots of the secular equation

    f(λ) = 1/ρ + Σⱼ zⱼ² / (dⱼ − λ) = 0,

one in each gap ``(dᵢ, dᵢ₊₁)`` and one in ``(d_K, d_K + ρ)``, after *deflation*:
an entry with ``ρ|zᵢ| ≤ tol`` keeps ``dᵢ`` and its vector as they are, and two
close ``dᵢ, dⱼ`` are rotated so one of the two ``z`` entries vanishes (LAPACK's
``dlaed2``). The roots are found to full accuracy as in LAPACK's ``dlaed4``:
each is written ``λ = d_o + τ`` from its nearer pole ``d_o`` so
``dⱼ − λ = (dⱼ − d_o) − τ`` keeps its digits, and starts from the root of the
two nearest poles' terms with the others frozen at the gap's midpoint. Inside a
gap each step solves Gragg's model ``c + s₁/(d_a − λ) + s₂/(d_b − λ)`` (the gap's
two poles, ``c, s₁, s₂`` fitted to f, f′ and f″: cubic convergence, ``dlaed6``);
beyond the last pole Li's *middle way* (ψ and φ, the poles left and right of the
root, each fitted by its own rational function). Every step is one array
operation over all roots of the level: 4–6 steps in all.

Vectors. The computed roots are the exact eigenvalues of ``D + ρ ẑ ẑᵀ`` for

    ẑᵢ² = ∏ⱼ (λⱼ − dᵢ) / (ρ ∏_{j≠i} (dⱼ − dᵢ))     (Gu and Eisenstat),

and ``uⱼ = (D − λⱼ)⁻¹ ẑ / ‖·‖`` are then orthogonal to working precision. The
new eigenvector block is ``diag(Q₁, Q₂) U``: two matrix products per merge,
which exploit the block-diagonal ``diag(Q₁, Q₂)``; the permutation and the
deflating rotations are folded into ``U`` first.
"""

from __future__ import annotations

import math
import threading

import numpy as np

_EPS = np.finfo(float).eps

#: Below this order eigh/svd "dc" hand over to the QR iteration, faster there (as LAPACK's ``dstedc``).
DC_MIN = 48


def tridiagonal_eigh_dc(d: np.ndarray, e: np.ndarray, lower: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and eigenvectors of the symmetric tridiagonal ``(d, e)``.

    With ``lower``, only the eigenpairs with eigenvalue ``≥ lower`` are returned
    (the last merge then forms only their vectors).
    """
    n = len(d)
    # work on T / max|tᵢⱼ| (as LAPACK's dstedc): the secular equation squares its entries
    amax = max(float(np.abs(d).max()), float(np.abs(e).max()) if len(e) else 0.0)
    amax = amax if amax > 0 else 1.0
    d, e = np.asarray(d, dtype=float) / amax, np.asarray(e, dtype=float) / amax
    lower = None if lower is None else lower / amax
    # tear every off-diagonal entry: the 1×1 leaves
    rho_all = np.abs(e)
    tnorm = float(np.abs(d).max()) + 2.0 * (float(rho_all.max()) if rho_all.size else 0.0)  # ≥ ‖T‖₂
    leaves = d.copy()
    leaves[:-1] -= rho_all
    leaves[1:] -= rho_all
    lam, Z = _solve_segment(leaves, e, tnorm, lower)
    lam *= amax
    lower = None if lower is None else lower * amax
    if lower is not None and n <= 2:  # no merge was made, which would have kept only these
        keep = lam >= lower
        lam, Z = lam[keep], Z[:, keep]
    if np.all(lam[1:] >= lam[:-1]):  # already ascending (no deflated value out of place): no copy of Z
        return lam, Z
    order = np.argsort(lam, kind="stable")
    return lam[order], Z[:, order]


def _solve_segment(leaves: np.ndarray, e: np.ndarray, tnorm: float, lower=None):
    """Eigenpairs of the torn segment: a power-of-two length climbs its tree one level at a time;
    any other length is split into its largest power-of-two head and the rest, merged once."""
    n = len(leaves)
    head = 1 << (n.bit_length() - 1)
    if head == n:
        if n == 1:
            return leaves.copy(), np.ones((1, 1))
        lam, Q = _pairs(leaves, e[0::2])
        s = 2
        while s < n:
            beta = e[s - 1::2 * s]
            lam, Q = _merge_level(lam.reshape(-1, 2 * s), Q[0::2], Q[1::2], beta, tnorm, lower if 2 * s == n else None)
            s *= 2
        return lam[0], Q[0]
    lam1, Q1 = _solve_segment(leaves[:head], e[:head - 1], tnorm)
    lam2, Q2 = _solve_segment(leaves[head:], e[head:], tnorm)
    lam, Q = _merge_level(np.concatenate([lam1, lam2])[None], Q1[None], Q2[None], e[head - 1:head], tnorm, lower)
    return lam[0], Q[0]


def _pairs(leaves: np.ndarray, beta: np.ndarray):
    """The first level in closed form: each pair of leaves joined across ``beta`` is the 2 × 2
    ``[[a, β], [β, c]]`` (a, c the leaves plus ``|β|``), diagonalised by one Jacobi rotation.

    With ``θ = (c − a) / 2β`` and ``t = sign(θ) / (|θ| + √(1 + θ²))`` (the smaller root of
    ``t² + 2θt − 1 = 0``), ``J = [[c, s], [−s, c]]``, ``c = 1/√(1 + t²)``, ``s = tc`` gives
    ``Jᵀ A J = diag(a − tβ, c + tβ)``; returns the values (B, 2) and the vectors (B, 2, 2).
    """
    rho = np.abs(beta)
    a, c = leaves[0::2] + rho, leaves[1::2] + rho
    nz = beta != 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # θ = ±∞ gives t = 0
        theta = np.where(nz, (c - a) / (2.0 * np.where(nz, beta, 1.0)), 0.0)
        t = np.where(theta >= 0, 1.0, -1.0) / (np.abs(theta) + np.hypot(1.0, theta))
    t = np.where(nz, t, 0.0)
    cs = 1.0 / np.sqrt(1.0 + t * t)
    sn = t * cs
    lam = np.stack([a - t * beta, c + t * beta], axis=1)
    Q = np.empty((len(a), 2, 2))
    Q[:, 0, 0], Q[:, 1, 0], Q[:, 0, 1], Q[:, 1, 1] = cs, -sn, sn, cs
    return lam, Q


def _merge_level(lam: np.ndarray, Q1: np.ndarray, Q2: np.ndarray, beta: np.ndarray, tnorm: float, lower=None):
    """Merge the halves (vectors ``Q1``: B × s₁ × s₁, ``Q2``: B × s₂ × s₂; eigenvalues ``lam``,
    B × (s₁ + s₂), first half first) of every block b across the torn entry ``beta[b]``.

    With ``lower`` (a single block), only the eigenpairs with eigenvalue ``≥ lower`` are formed.
    """
    B, K = lam.shape
    s = Q1.shape[1]
    rho = np.abs(beta)
    sgn = np.where(beta < 0, -1.0, 1.0)
    D = lam
    z = np.concatenate([Q1[:, s - 1, :], sgn[:, None] * Q2[:, 0, :]], axis=1)
    perm = np.argsort(D, axis=1, kind="stable")
    pflat = perm + (np.arange(B) * K)[:, None]  # places in the flattened (B, K) arrays: one take each
    D = D.take(pflat)
    z = z.take(pflat)
    znorm2 = np.einsum("bk,bk->b", z, z)
    z /= np.sqrt(znorm2)[:, None]
    rho = rho * znorm2
    # deflation tolerance: 8ε‖T‖ (normwise backward stable; LAPACK's dlaed2 uses the block's own norm
    # after scaling it, which the whole matrix's bound keeps clear of under- and overflow in f)
    dmax = np.maximum(np.abs(D[:, 0]), np.abs(D[:, -1]))  # max |D| of each (sorted) block
    tol = 8.0 * _EPS * np.maximum(np.maximum(dmax, rho), tnorm)
    defl = rho[:, None] * np.abs(z) <= tol[:, None]
    rotations = _deflate_close(D, z, defl, tol)
    U, lam_new, cols = _secular_vectors(D, z, rho, defl, lower)[:3]
    for b, rots in rotations.items():  # X G₁ ⋯ G_k U = X (G₁ ⋯ G_k U): apply the last first
        Ub = U[b]
        for pj, j, c, sn in reversed(rots):
            upj, uj = Ub[pj].copy(), Ub[j].copy()
            Ub[pj] = c * upj - sn * uj
            Ub[j] = sn * upj + c * uj
    # diag(Q₁, Q₂) P (G U): undo the sort on the rows, then one product per half
    PU = np.empty((B, K, U.shape[2]))  # rows of U are poles: undo the sort on them
    PU[np.arange(B)[:, None], perm] = U
    Qn = np.empty((B, K, len(cols)))
    np.matmul(Q1, PU[:, :s], out=Qn[:, :s])
    np.matmul(Q2, PU[:, s:], out=Qn[:, s:])
    return (lam_new if lower is None else lam_new[:, cols]), Qn


def _deflate_close(D: np.ndarray, z: np.ndarray, defl: np.ndarray, tol: np.ndarray) -> dict:
    """Deflate neighbours whose eigenvalues are too close to separate (in place); returns the rotations.

    For consecutive undeflated ``d_p < d_j``, the rotation that zeroes ``z_p`` against ``z_j``
    changes ``D + ρ z zᵀ`` by at most ``|(d_j − d_p) c s|``: below ``tol``, ``d_p`` deflates.
    """
    B, K = D.shape
    idx = np.where(defl, -1, np.arange(K))
    prev = np.maximum.accumulate(np.concatenate([np.full((B, 1), -1), idx[:, :-1]], axis=1), axis=1)
    pflat = np.maximum(prev, 0) + (np.arange(B) * K)[:, None]  # flat places of the previous live poles
    zp, Dp = z.take(pflat), D.take(pflat)
    r2 = zp * zp + z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        close = (~defl) & (prev >= 0) & (np.abs((D - Dp) * zp * z) <= tol[:, None] * r2)
    rotations = {}
    if not np.count_nonzero(close):  # the common case: nothing to rotate (no per-block pass)
        return rotations
    for b in np.flatnonzero(close.any(axis=1)).tolist():
        rotations[b] = _deflate_block(D[b], z[b], defl[b], float(tol[b]))
    return rotations


def _deflate_block(d: np.ndarray, z: np.ndarray, defl: np.ndarray, tol: float) -> list:
    """The sequential deflation sweep of one block (LAPACK ``dlaed2``), in place."""
    rots = []
    pj = None
    for j in np.flatnonzero(~defl).tolist():
        if pj is None:
            pj = j
            continue
        s, c = float(z[pj]), float(z[j])
        r = float(np.hypot(c, s))
        c, s = c / r, -s / r
        t = float(d[j] - d[pj])
        if abs(t * c * s) <= tol:
            z[j], z[pj] = r, 0.0
            dp, dj = float(d[pj]), float(d[j])
            d[pj] = dp * c * c + dj * s * s
            d[j] = dp * s * s + dj * c * c
            defl[pj] = True
            rots.append((pj, j, c, s))
        pj = j
    return rots


def _initial_guess(fmid, gap, zi, zn, left, interior, lo, hi, rho):
    """Start of each root: the two nearest poles exactly, the others frozen at the midpoint (``dlaed4``).

    Inside a gap (``zn`` the next pole's weight, ``gap`` the distance to it, f at the gap's
    midpoint): with ``c = f(mid)`` less the two poles' terms, ``c + zᵢ²/(dᵢ − λ) + zₙ²/(dₙ − λ) = 0``
    is a quadratic ``c τ² − a τ + b = 0`` in ``τ = λ − d_o``; its root of smaller modulus is taken.
    Beyond the last pole (``zn`` the previous pole's weight, ``gap = dᵢ − d_prev``, f at
    ``dᵢ + ρ/2``): the same with the last two poles, ``c τ² − a τ − b = 0``, its positive root,
    or ``τ = ρ`` when f(d + ρ/2) ≤ 0 and ``c`` is small (the root is then in ``(ρ/2, ρ]``).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        c = fmid + 2.0 * (zi - zn) / gap
        a = np.where(left, c * gap + zi + zn, -c * gap + zi + zn)
        b = np.where(left, zi * gap, -zn * gap)
        sq = np.sqrt(np.abs(a * a - 4.0 * b * c))
        tau = 2.0 * b / (a + np.where(a >= 0, sq, -sq))
        h = 0.5 * rho
        cl = fmid + zn / (gap + h) + zi / h
        al = zi + zn - cl * gap
        bl = zi * gap
        sq = np.sqrt(np.abs(al * al + 4.0 * bl * cl))
        tl = np.where(al < 0, 2.0 * bl / (sq - al), (al + sq) / (2.0 * cl))
        tl = np.where((fmid <= 0) & (cl <= zn / (gap + rho) + zi / rho), rho, tl)
        tau = np.where(interior, tau, tl)
    mid = 0.5 * (lo + hi)
    bad = ~np.isfinite(tau) | (tau <= lo) | (tau > hi) | (interior & (tau >= hi))
    return np.where(bad, mid, tau)


def _middle_way(E0, Z2, rinv, inter, pa, pb, t, lo, hi, dscale, max_iter: int = 60):
    """Solve the secular equations of the given roots to full accuracy; returns their ``τ``.

    Row r: ``E0[r]`` the poles' offsets ``dⱼ − d_o`` from the root's origin (∞ for deflated
    poles), ``Z2[r]`` the weights ``zⱼ²``, ``pa, pb`` the two poles modelled exactly (for the
    last root ``pb`` is its own pole, the last live one, so ψ′ = f′ − its term), ``[lo, hi]``
    a bracket. Every step is one array operation over the rows still held; converged roots
    keep their τ, and their rows are dropped once they are the majority. The step count is
    what costs at small orders (each array operation has a fixed price, about a microsecond,
    more than the arithmetic of a level of 4-pole blocks), so the per-row arithmetic is kept
    to as few operations as it allows: f, f′, f″ and Σ|terms| are row sums (matrix–vector
    products), no masked sums, and dropping rows is one ``take`` per array. Every step tests
    convergence first: a converged root that took a model step from rounding-level ``w``
    could leave its bracket's good half.
    """
    out = t.copy()
    t, lo, hi = t.copy(), lo.copy(), hi.copy()  # updated in place (masked copies: cheaper than np.where)
    R, K = E0.shape
    idx = np.arange(R)
    ones = np.ones(K)
    c0 = 2.0 * rinv  # the 1/ρ part of the bound on w's rounding error (as dlaed4's ERRETM)
    last = ~inter
    gapsign = np.where(inter, 1.0, -1.0)
    tiny = _EPS * dscale
    fa, fb = idx * K + pa, idx * K + pb  # the modelled poles' places in the flattened row-by-pole arrays
    moving = None  # the rows not yet converged (None: all held rows)
    # the four row-by-pole work arrays are set up once (views of per-thread scratch, shrunk when rows
    # are dropped): fresh temporaries of this size each step would cost more than the arithmetic
    W = _work_arrays(E0.shape)
    Dl, TT = W[0], W[1:]  # TT: the terms zⱼ²/Δⱼ, zⱼ²/Δⱼ² and zⱼ²/Δⱼ³, contiguous: summed in one product
    T, T2, T3 = TT
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for it in range(max_iter):
            np.subtract(E0, t[:, None], out=Dl)
            np.divide(Z2, Dl, out=T)
            np.divide(T, Dl, out=T2)
            np.divide(T2, Dl, out=T3)
            tot, dw, h = TT.reshape(-1, K).dot(ones).reshape(3, -1)  # f − 1/ρ, f′, f″/2
            da, db = Dl.take(fa), Dl.take(fb)
            w = rinv + tot
            neg = w < 0
            np.copyto(lo, t, where=neg)
            np.copyto(hi, t, where=~neg)
            # the bound on w's rounding error: 8Σ|terms| + 2/ρ + 3|τ|f′ (T3 is summed already: scratch)
            abs_t = np.abs(t)
            bound = 8.0 * np.abs(T, out=T3).dot(ones) + c0 + 3.0 * abs_t * dw
            done = np.abs(w) <= _EPS * bound
            if it >= 3:  # a bracket at rounding level: no better τ exists
                done |= (hi - lo) <= 2.0 * _EPS * np.maximum(abs_t, tiny)
            moving = ~done if moving is None else moving & ~done  # a converged root stays so
            m = np.count_nonzero(moving)  # (cheaper than .any())
            if m == 0:  # every root has converged: t holds their τ; no model step to take
                break
            t2b = T2.take(fb)  # the last root: ψ′ = f′ − t2b (its poles but its own are left of it), φ′ = t2b
            # the two-pole model: da, db fitted exactly, the other terms by ψ, φ's slopes
            # inside a gap Gragg's model (dlaed6): the two poles' weights and a constant fitted to f, f′
            # and f″ (cubic convergence); beyond the last pole the middle way (ψ, φ fitted separately)
            dadb = da * db
            dab = da + db
            C = np.where(last, w - da * (dw - t2b) - db * t2b, w - dab * dw + dadb * h)
            A = dab * w - dadb * dw
            B2 = 2.0 * dadb * w
            q = A + np.copysign(np.sqrt(np.abs(A * A - 2.0 * B2 * C)), A)  # no cancellation
            np.abs(C, out=C, where=last)  # beyond the last pole: |C| (dlaed4)
            # the root inside the bracket: inside a gap the smaller one, beyond the last pole the larger
            eta = np.where(gapsign * A <= 0, q / (2.0 * C), B2 / q)
            tn = t + eta
            ok = ((w * eta < 0) & (tn > lo) & (tn < hi)) | done  # NaN fails every comparison
            if np.count_nonzero(ok) < ok.size:  # the model failed: Newton, or bisection off the bracket
                tN = t - w / dw
                tN = np.where((tN > lo) & (tN < hi), tN, 0.5 * (lo + hi))
                tn = np.where(ok, tn, tN)
            np.copyto(t, tn, where=moving)  # a converged root keeps its τ
            if 2 * m < idx.size:  # drop the finished rows once they are the majority
                out[idx] = t
                keep = np.flatnonzero(moving)
                shared = Z2.strides[0] == 0  # one block: every row has the same weights (a broadcast view)
                E0 = E0.take(keep, axis=0)
                Z2 = Z2[:m] if shared else Z2.take(keep, axis=0)
                idx, rinv, c0, last, gapsign, pa, pb, lo, hi, tiny, t = (
                    x.take(keep) for x in (idx, rinv, c0, last, gapsign, pa, pb, lo, hi, tiny, t))
                r = np.arange(m)
                fa, fb = r * K + pa, r * K + pb
                W = _work_arrays((m, K))  # fresh contiguous views: every entry is recomputed next step
                Dl, TT = W[0], W[1:]
                T, T2, T3 = TT
                moving = None
    out[idx] = t
    return out


_WORK = threading.local()
_WORK_CAP = 1 << 18  # elements per work array kept between calls (2 MB): orders up to about 512


def _work_arrays(shape) -> np.ndarray:
    """Four scratch arrays of ``shape`` for the secular iteration, reused between calls in each thread,
    as one contiguous ``(4, *shape)`` array (so that the last three can be summed in one product).

    Fresh arrays this size come from newly mapped memory, whose first touch costs about as
    much as a step of the iteration; small enough ones are therefore kept (per thread, so
    threads never share them). The solver's own temporaries of the row-by-pole and the
    block-by-pole-by-pole shapes use them too; the only result that may be a view of them is
    ``_secular_vectors``'s vectors, which its callers consume before the next call.
    """
    size = math.prod(shape)
    if size > _WORK_CAP:
        return np.empty((4, *shape))
    buf = getattr(_WORK, "buf", None)
    if buf is None or buf.size < 4 * size:
        buf = _WORK.buf = np.empty(4 * max(size, 1 << 12))
    return buf[:4 * size].reshape((4, *shape))


def _offsets(a, b, squared: bool):
    """``a − b``, or ``a² − b² = (a − b)(a + b)`` (each factor to working accuracy) when ``squared``."""
    return (a - b) * (a + b) if squared else a - b


def _secular_vectors(D: np.ndarray, z: np.ndarray, rho: np.ndarray, defl: np.ndarray, lower=None,
                     squared: bool = False):
    """Roots of every block's secular equation and the eigenvectors ``U`` of ``D + ρ ẑ ẑᵀ``.

    Returns ``U`` (B, K, k) (column j: the vector of value ``cols[j]``; a
    deflated value keeps its ``e_j``), the values (B, K), in the order of
    ``D``, and ``cols``: all K, or (B = 1) those ``≥ lower`` when given.

    ``squared``: the problem is ``D² + ρ ẑ ẑᵀ`` with ``D ≥ 0`` and ``D[:, 0] = 0`` (the
    bidiagonal merge): the poles are ``dⱼ²``, every pole offset is formed as
    ``(dⱼ − dᵢ)(dⱼ + dᵢ)``, the values returned are the square roots ``σ``, and the
    left singular vectors of ``D + e₁ zᵀ`` come as a fourth result.
    """
    B, K = D.shape
    live = ~defl
    lam = D.copy()
    bi, ii = np.nonzero(live)
    if bi.size == 0:
        cols = np.arange(K) if lower is None else np.flatnonzero(lam[0] >= lower)
        eye = np.broadcast_to(np.eye(K)[:, cols], (B, K, len(cols))).copy()
        return (eye, lam, cols, eye.copy()) if squared else (eye, lam, cols)
    kpos = np.arange(K)
    R = bi.size
    # (block, pole) pairs are read by flat index (one take each: cheaper than a two-array fancy index)
    bK = bi * K
    fl = bK + ii
    if R == B * K:  # nothing deflated: the neighbours are the next and previous poles
        nxt_r, prv_r = ii + 1, ii - 1
        zz = z * z
    else:  # next / previous live pole of each pole, within its block
        idx_n = np.where(live, kpos, K)
        nxt = np.minimum.accumulate(np.concatenate([idx_n[:, 1:], np.full((B, 1), K)], axis=1)[:, ::-1], axis=1)
        idx_p = np.where(live, kpos, -1)
        prv = np.maximum.accumulate(np.concatenate([np.full((B, 1), -1), idx_p[:, :-1]], axis=1), axis=1)
        nxt_r, prv_r = nxt[:, ::-1].take(fl), prv.take(fl)
        zz = np.where(live, z * z, 0.0)
    zzr = np.broadcast_to(zz, (R, K)) if B == 1 else zz.take(bi, axis=0)  # (R, K): each root's weights
    rho_r = rho.take(bi)
    rinv = 1.0 / rho_r
    d_i = D.take(fl)
    deflr = defl if B == 1 else defl.take(bi, axis=0)  # each root's row of the deflated poles
    interior = nxt_r < K
    single = (~interior) & (prv_r < 0)
    # choose the origin: the pole nearer the root (sign of f at the midpoint of the gap)
    # the neighbour: the next pole inside a gap, the previous one for the last root; gap > 0 to it
    nb = np.where(interior, np.minimum(nxt_r, K - 1), np.maximum(prv_r, 0))
    d_nb = D.take(bK + nb)
    gap = np.where(interior, _offsets(d_nb, d_i, squared), _offsets(d_i, d_nb, squared))
    half = np.where(interior, 0.5 * gap, 0.5 * rho_r)  # f is evaluated half a gap (or ρ/2) beyond dᵢ
    DEL0 = _offsets(D if B == 1 else D.take(bi, axis=0), d_i[:, None], squared)  # dⱼ − dᵢ, (R, K)
    with np.errstate(divide="ignore", invalid="ignore"):
        fm = np.subtract(DEL0, half[:, None], out=_work_arrays(DEL0.shape)[0])
        # a deflated pole (zⱼ = 0) contributes nothing, even one exactly at the midpoint (0/0)
        np.copyto(fm, np.inf, where=deflr)
        fmid = rinv + np.divide(zzr, fm, out=fm).dot(np.ones(K))  # a row sum (a short-axis np.sum costs more)
        del fm
    left = (~interior) | (fmid >= 0)
    origin = np.where(left, ii, np.minimum(nxt_r, K - 1))
    upper = ~interior & (fmid <= 0)  # the last root lies in (ρ/2, ρ]
    lo = np.where(left, np.where(upper, half, 0.0), -half)
    hi = np.where(interior, np.where(left, half, 0.0), np.where(upper, rho_r, half))
    # the two poles modelled exactly: (i, next) inside, (previous, i) for the last root
    pa = np.where(interior, ii, np.maximum(prv_r, 0))
    pb = np.where(interior, np.minimum(nxt_r, K - 1), ii)
    shifted = np.flatnonzero(~left)  # origin at the next pole: dⱼ − d_o afresh, exact for close poles
    if shifted.size:
        d_sh = D.take(bK[shifted] + origin[shifted])[:, None]
        DEL0[shifted] = _offsets(D if B == 1 else D.take(bi[shifted], axis=0), d_sh, squared)
    np.copyto(DEL0, np.inf, where=deflr)  # deflated poles: z = 0, no contribution
    dscale = d_i * d_i if squared else np.abs(d_i)
    zz_i = zz.take(fl)
    tau = _initial_guess(fmid, gap, zz_i, zz.take(bK + nb), left, interior, lo, hi, rho_r)
    tau[single] = rho_r[single] * zz_i[single]
    scratch = np.empty((R, K))  # for the eigenvector step
    if single.any():
        act = np.flatnonzero(~single)
        tau[act] = _middle_way(DEL0[act], zzr[act], rinv[act], interior[act], pa[act], pb[act],
                               tau[act], lo[act], hi[act], dscale[act])
    else:  # every root iterates: no copies of the row-by-pole arrays
        tau = _middle_way(DEL0, zzr, rinv, interior, pa, pb, tau, lo, hi, dscale)
    d_o = D.take(bK + origin)
    # σ = d_o + τ / (d_o + √(d_o² + τ)) keeps σ − d_o to working accuracy when τ = σ² − d_o²
    lam.ravel()[fl] = d_o + (tau / (d_o + np.sqrt(d_o * d_o + tau)) if squared else tau)
    V, cols, U = _secular_eigenvectors(D, z, defl, DEL0, tau, bi, ii, scratch, lam, lower, squared)
    if squared:
        return V.transpose(0, 2, 1), lam, cols, U.transpose(0, 2, 1)
    return V.transpose(0, 2, 1), lam, cols


def _secular_eigenvectors(D, z, defl, DEL0, tau, bi, ii, scratch, lam, lower, squared=False):
    """Eigenvector rows ``V`` (B, len(cols), K) of ``D + ρ ẑ ẑᵀ`` from the roots, ``cols``, and
    (``squared``) the left singular vector rows ``U`` of ``D + e₁ zᵀ``, else None.

    ``DEL0`` (R, K) holds dⱼ − d_origin for each live root (∞ at deflated poles) and is
    overwritten; ``scratch`` (R, K) is a buffer reused when nothing is deflated.
    In the squared case the right vector of ``σⱼ`` is ``(D² − σⱼ²)⁻¹ ẑ`` and the left one
    ``(−1, d₂ẑ₂/(d₂² − σⱼ²), …)`` (``ẑ`` in the units of z, as the recomputed one is).
    """
    B, K = D.shape
    R = bi.size
    # Gu–Eisenstat: ẑᵢ² = |Δᵢᵢ ∏_{j≠i} Δᵢⱼ / (dᵢ − dⱼ)| with Δᵢⱼ = dᵢ − λⱼ. Rows are roots:
    # M[b, j, i] = Δ(pole i, root j) for a live root j (∞ at a deflated pole i), 1 for a deflated j,
    # so the ratio is 1 wherever j is deflated
    DEL0 -= tau[:, None]
    nodefl = R == B * K  # nothing deflated (the common case at the small levels): the deflated-pole fixes are skipped
    if nodefl:  # the rows of DEL0 are M's, in order
        M = DEL0.reshape(B, K, K)
    else:  # scratch, not a fresh array: first touches of new memory cost more than this pass
        M, dif = _work_arrays((B, K, K))[:2]
        M[bi, ii] = DEL0
        bd, jd = np.nonzero(defl)
        M[bd, jd] = 1.0
    # dᵢ − dⱼ; the scratch buffer has the right size when nothing deflated
    dif = np.subtract(D[:, None, :], D[:, :, None], out=scratch.reshape(B, K, K) if nodefl else dif)
    if squared:
        dif *= D[:, None, :] + D[:, :, None]
    if not nodefl:
        np.copyto(dif, 1.0, where=defl[:, :, None])
    ar = np.arange(K)
    dif.reshape(B, K * K)[:, ::K + 1] = 1.0  # the diagonal of every block
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.divide(M, dif, out=dif)
        zhat = np.sqrt(np.abs(np.prod(ratio, axis=1)))
    del ratio, dif
    zhat = np.copysign(zhat, z)  # a live z is never 0 (it would have deflated)
    if not nodefl:
        np.copyto(zhat, 0.0, where=defl)
    cols = ar if lower is None else np.flatnonzero(lam[0] >= lower)
    Mc = M if lower is None else M[:, cols]
    with np.errstate(divide="ignore", invalid="ignore"):
        V = np.divide(zhat[:, None, :], Mc, out=Mc)  # row j: (D − λⱼ)⁻¹ ẑ
    dc_, jc = np.nonzero(defl[:, cols]) if not nodefl else (None, None)
    U = None
    if squared:
        U = V * D[:, None, :]
        U[:, :, 0] = -1.0
        if not nodefl:
            U[dc_, jc] = 0.0
            U[dc_, jc, cols[jc]] = 1.0
        U /= np.sqrt(np.einsum("bji,bji->bj", U, U))[:, :, None]
    if not nodefl:  # a deflated value keeps its eⱼ
        V[dc_, jc] = 0.0
        V[dc_, jc, cols[jc]] = 1.0
    V /= np.sqrt(np.einsum("bji,bji->bj", V, V))[:, :, None]
    return V, cols, U
