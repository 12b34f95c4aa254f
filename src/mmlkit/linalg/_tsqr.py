"""TSQR: QR, least squares and SVD of a tall-and-skinny Dask array, one row block at a time.

For A (m × n, m ≫ n) cut into row blocks A₁, …, A_p, each block is factored
on its own, Aᵢ = QᵢRᵢ, and the small R factors are stacked and factored again,

    [R₁; …; R_p] = Q̂ R,    so    A = diag(Q₁, …, Q_p) Q̂ R,

and R is A's R factor (Demmel, Grigori, Hoemmen & Langou 2012). For R alone
the stacking is a tree of pairwise merges, qr([Rₐ; R_b]), reduced on the
workers: n² numbers per block travel, never A. Q is returned as a lazy Dask
array, Qᵢ Q̂ᵢ block by block (computing it reads A a second time). Everything
else follows from R: least squares from the R factor of [A, b], whose last
column holds Qᵀb and the residual; the SVD from R = U_R Σ Vᵀ, A = (Q U_R) Σ Vᵀ.

Blocks are factored with :func:`mmlkit.linalg.qr` (Householder). Cost: 2mn²
flops over the workers, one pass for R (two for Q), and log₈(p) levels of
n × n merges.
"""

from __future__ import annotations

import numpy as np

from mmlkit._dask import as_dask_array, reduce_blocks
from mmlkit._scaling import power_of_two_scale, shift

__all__ = ["tsqr_lstsq", "tsqr_qr", "tsqr_svd"]

_EPS = np.finfo(np.float64).eps


def _r(block):
    from mmlkit.linalg.qr import qr

    return qr(block, mode="r")


def _merge(a, b):
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):   # an R that overflowed: passed up
        return a if not np.all(np.isfinite(a)) else b
    return _r(np.vstack([a, b]))


def _square(R, n):
    return R[:n] if R.shape[0] >= n else np.vstack([R, np.zeros((n - R.shape[0], n))])


def tsqr_r(A, name="A"):
    """A's R factor (min(m, n) × n) in one pass, by a tree of R merges.

    Householder's norms are computed scaled, so R is right at any scale where
    the products of the block updates stay finite: everywhere but data within
    a factor of about the block's row count of float64's largest number. There
    (an R that came out non-finite) the pass is redone on A/2**e, e from the
    max|a| the first pass also returned, and R scaled back exactly.
    """
    A = as_dask_array(A, name)
    R, (top,) = reduce_blocks(_r, [A], _merge, names=[name], check_finite=True, with_max=True)
    if not np.all(np.isfinite(R)):
        e = power_of_two_scale(top)
        R = shift(reduce_blocks(_r, [A], _merge, units=(e,)), e)
    return A, R


def _block_q(block):
    from mmlkit.linalg.qr import qr

    return qr(block)


def _stacked_q(Rs):
    from mmlkit.linalg.qr import qr

    return qr(np.vstack(Rs))


def _apply(qr_block, stacked, start):
    Q, R = qr_block
    return Q @ stacked[0][start:start + R.shape[0]]


def tsqr_qr(A, mode="reduced"):
    """Reduced QR of a tall Dask array: (Q as a lazy Dask array with A's row chunks, R as NumPy)."""
    import dask
    import dask.array as da

    A = as_dask_array(A, "A")
    m, n = A.shape
    if m < n:
        raise ValueError(f"A must be tall and skinny (rows >= columns) for a Dask QR, got shape {A.shape}")
    if mode == "r":
        return tsqr_r(A)[1]
    blocks = np.asarray(A.to_delayed(), dtype=object).reshape(-1)
    factors = [dask.delayed(_block_q)(b) for b in blocks]
    stacked = dask.delayed(_stacked_q)([f[1] for f in factors])
    (R,) = dask.compute(stacked[1])
    starts = np.concatenate([[0], np.cumsum([min(c, n) for c in A.chunks[0]])[:-1]])
    Q = da.concatenate([da.from_delayed(dask.delayed(_apply)(f, stacked, int(s)), shape=(c, R.shape[0]),
                                        dtype=np.float64)
                        for f, s, c in zip(factors, starts, A.chunks[0])], axis=0)
    return Q, R


def tsqr_lstsq(a, b, rcond=None, method="svd"):
    """numpy.linalg.lstsq's (x, residuals, rank, s) for a tall Dask ``a``, from the R factor of [a, b].

    ``min ‖a x − b‖`` and ``min ‖R₁₁ x − R₁₂‖`` have the same solutions (Q is
    orthogonal), R₁₁ has a's column norms and singular values, and ‖R₂₂‖² is the
    residual: the in-memory solver (column equilibration, rank decision,
    RankWarning) runs on R₁₁ with a's tolerance.
    """
    import dask.array as da

    from mmlkit.linalg.lstsq import solve_equilibrated, squared_norms

    A = as_dask_array(a, "a")
    m, n = A.shape
    if m < n:
        raise ValueError(f"a must be tall and skinny (rows >= columns) for a Dask lstsq, got shape {A.shape}")
    if np.shape(b)[0] != m:
        raise ValueError(f"b must have {m} rows to match a, got shape {np.shape(b)}")
    B = as_dask_array(b, "b", ndim=(1, 2), rows=A.chunks[0])
    vec = B.ndim == 1
    B2 = B[:, None] if vec else B
    k = B2.shape[1]
    _, R = tsqr_r(da.concatenate([A, B2], axis=1).rechunk({1: -1}), "a")
    R = _square(R, n + k)
    R11, R12, R22 = R[:n, :n], R[:n, n:], R[n:, n:]
    rcond = _EPS * max(m, n) if rcond is None else float(rcond)
    x, rank, s = solve_equilibrated(R11, R12, rcond, method, stacklevel=4)
    residuals = squared_norms(R22) if rank == n and m > n else np.empty(0)
    return (x[:, 0] if vec else x), residuals, rank, s


def tsqr_svd(A, compute_uv=True):
    """Thin SVD of a tall Dask array: U lazy (A's row chunks), s and Vt NumPy."""
    from mmlkit.linalg.svd import svd

    if not compute_uv:
        A, R = tsqr_r(A)
        if A.shape[0] < A.shape[1]:
            raise ValueError(f"A must be tall and skinny (rows >= columns) for a Dask SVD, got shape {A.shape}")
        return svd(R, compute_uv=False)
    Q, R = tsqr_qr(A)
    U, s, Vt = svd(R)
    return Q @ U, s, Vt
