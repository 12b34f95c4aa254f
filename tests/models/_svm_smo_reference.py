"""The SMO solver of mmlkit.models.svm as it was before it was rewritten as its pseudocode (frozen).

test_svm.py checks that the rewritten solver takes exactly the same steps: same iterations,
same support vectors, same dual coefficients. Kept verbatim (libsvm's structure), not maintained.
"""

import numpy as np
from scipy.linalg.blas import daxpy

from mmlkit.models.svm import _TAU, _RowCache, _SMOResult


def smo_reference(cache: _RowCache, Kd: np.ndarray, y: np.ndarray, C: np.ndarray, tol: float, max_iter: int,
         shrinking: bool) -> _SMOResult:
    """Solve the C-SVC dual by SMO with second-order working-set selection (libsvm's Solver).

    minimise ½ αᵀQα − 1ᵀα  subject to 0 ≤ αᵢ ≤ Cᵢ, yᵀα = 0, with Qᵢⱼ = yᵢyⱼKᵢⱼ.

    The state is F = −y ⊙ ∇f(α), ∇f = Qα − 1. With I_up = {t: yₜ=+1, αₜ<Cₜ or
    yₜ=−1, αₜ>0} and I_low its mirror, α is optimal iff m(α) = max_{I_up} F ≤
    M(α) = min_{I_low} F. Each iteration picks i = argmax_{I_up} F and
    j = argmax_{t ∈ I_low, bₜ>0} bₜ²/aₜ with bₜ = m − Fₜ and aₜ = Kᵢᵢ + Kₜₜ − 2Kᵢₜ
    (the largest decrease of f along the pair; Fan, Chen & Lin 2005), solves the
    two-variable problem in closed form, clips it to the box, and updates
    F −= yᵢΔαᵢ Kᵢ + yⱼΔαⱼ Kⱼ. It stops when m − M < tol. Each iteration is
    O(|active|) vectorised work plus two kernel rows from the cache.

    Shrinking (Joachims 1999; libsvm): every min(n, 1000) iterations, bounded
    variables whose F lies beyond [M, m] on the wrong side are set aside; the
    gradient of the set-aside ones is rebuilt (one product with Kα) when the
    active problem is nearly solved, and the check is repeated on all variables.
    """
    n = y.shape[0]
    alpha = np.zeros(n)
    F = y.astype(np.float64)  # α = 0: ∇f = −1, so F = y
    counter_reset = min(n, 1000)
    counter = counter_reset + 1
    unshrunk = False
    limit = max_iter if max_iter > 0 else max(10_000_000, 100 * n)

    def compact(idx):
        a = alpha[idx]
        yy, cc = y[idx], C[idx]
        up = np.where(yy > 0, a < cc, a > 0)
        low = np.where(yy > 0, a > 0, a < cc)
        return (idx, F[idx].copy(), a, yy, cc, Kd[idx].copy(),
                np.where(up, 0.0, -np.inf), low.astype(np.float64))

    def reconstruct(active):
        """F on the inactive variables from scratch: F = y − K (y ⊙ α)."""
        inactive = np.setdiff1d(np.arange(n), active, assume_unique=True)
        sv = np.flatnonzero(alpha)
        if inactive.size:
            F[inactive] = y[inactive] - (cache.matvec(inactive, sv, (y * alpha)[sv]) if sv.size else 0.0)

    everything = np.arange(n)
    A, FA, aA, yA, CA, KdA, up_pen, low_w = compact(everything)
    shrunk = False
    scratch, scratch_v = np.empty(n), np.empty(n)
    n_iter = 0
    converged = False
    while n_iter < limit:
        counter -= 1
        if counter == 0:
            counter = counter_reset
            if shrinking:
                m_up = float((FA + up_pen).max())
                M_low = float(np.where(low_w > 0, FA, np.inf).min())
                if not unshrunk and m_up - M_low <= 10 * tol:
                    unshrunk = True
                    if shrunk:
                        alpha[A], F[A] = aA, FA
                        reconstruct(A)
                        A, FA, aA, yA, CA, KdA, up_pen, low_w = compact(everything)
                        shrunk = False
                up, low = up_pen == 0.0, low_w > 0
                at_bound = (aA <= 0) | (aA >= CA)
                drop = at_bound & (((low & ~up) & (FA > m_up)) | ((up & ~low) & (FA < M_low)))
                if drop.any():
                    alpha[A], F[A] = aA, FA
                    A, FA, aA, yA, CA, KdA, up_pen, low_w = compact(A[~drop])
                    shrunk = True

        # --- working set: i maximal violator, j by second-order gain
        v = np.add(FA, up_pen, out=scratch_v[:A.size])
        last = A.size - 1  # ties go to the last index, as in libsvm's ">=" scans
        i = last - int(v[::-1].argmax())
        m_up = v[i]
        b = np.subtract(m_up, FA, out=scratch[:A.size]) if np.isfinite(m_up) else np.zeros(A.size)
        np.maximum(b, 0.0, out=b)
        b *= low_w
        gap = b.max() if b.size else 0.0
        if gap < tol:
            if not shrunk:
                converged = True
                break
            # optimal on the active set: bring every variable back and check again
            alpha[A], F[A] = aA, FA
            reconstruct(A)
            A, FA, aA, yA, CA, KdA, up_pen, low_w = compact(everything)
            shrunk = False
            counter = 2  # take one step on the full problem, then shrink again (libsvm's counter = 1)
            continue
        Ki = cache.row(A[i])
        if shrunk:
            Ki = Ki[A]
        quad = KdA - 2.0 * Ki
        quad += KdA[i]
        np.maximum(quad, _TAU, out=quad)
        b *= b
        b /= quad
        j = last - int(b[::-1].argmax())
        Kj = cache.row(A[j])
        if shrunk:
            Kj = Kj[A]

        # --- two-variable subproblem in closed form, clipped to the box (libsvm's update)
        yi, yj, Ci, Cj = yA[i], yA[j], CA[i], CA[j]
        ai_old, aj_old = aA[i], aA[j]
        Gi, Gj = -yi * FA[i], -yj * FA[j]
        a = KdA[i] + KdA[j] - 2.0 * Ki[j]
        a = a if a > 0 else _TAU
        if yi != yj:
            delta = (-Gi - Gj) / a
            diff = ai_old - aj_old
            ai, aj = ai_old + delta, aj_old + delta
            if diff > 0:
                if aj < 0:
                    aj, ai = 0.0, diff
            elif ai < 0:
                ai, aj = 0.0, -diff
            if diff > Ci - Cj:
                if ai > Ci:
                    ai, aj = Ci, Ci - diff
            elif aj > Cj:
                aj, ai = Cj, Cj + diff
        else:
            delta = (Gi - Gj) / a
            total = ai_old + aj_old
            ai, aj = ai_old - delta, aj_old + delta
            if total > Ci:
                if ai > Ci:
                    ai, aj = Ci, total - Ci
            elif aj < 0:
                aj, ai = 0.0, total
            if total > Cj:
                if aj > Cj:
                    aj, ai = Cj, total - Cj
            elif ai < 0:
                ai, aj = 0.0, total
        aA[i], aA[j] = ai, aj
        # F −= yᵢΔαᵢ Kᵢ + yⱼΔαⱼ Kⱼ, in place (BLAS axpy: FA is contiguous)
        FA = daxpy(Ki, FA, a=-yi * (ai - ai_old))
        FA = daxpy(Kj, FA, a=-yj * (aj - aj_old))
        for t, at, yt, ct in ((i, ai, yi, Ci), (j, aj, yj, Cj)):
            up_pen[t] = 0.0 if (at < ct if yt > 0 else at > 0) else -np.inf
            low_w[t] = 1.0 if (at > 0 if yt > 0 else at < ct) else 0.0
        n_iter += 1

    alpha[A], F[A] = aA, FA
    if shrunk:
        reconstruct(A)
    # ρ: the mean of y∇f over free variables, else the middle of the feasible interval.
    yg = -F
    upper, lower = alpha >= C, alpha <= 0
    free = ~upper & ~lower
    if free.any():
        rho = float(yg[free].mean())
    else:
        ub_set = (upper & (y < 0)) | (lower & (y > 0))
        lb_set = (upper & (y > 0)) | (lower & (y < 0))
        ub = yg[ub_set].min() if ub_set.any() else np.inf
        lb = yg[lb_set].max() if lb_set.any() else -np.inf
        rho = float((ub + lb) / 2)
    objective = float(np.dot(alpha, -y * F - 1.0) / 2)
    return _SMOResult(alpha, rho, n_iter, converged, objective)
