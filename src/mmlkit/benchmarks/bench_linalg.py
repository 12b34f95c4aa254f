"""mmlkit.linalg against LAPACK (through NumPy/SciPy): the same matrices, one process.

Quality figure: the relative reconstruction residual ‖A − factors‖_F / ‖A‖_F of each
result (lower is better). Targets (issue 2): qr, lu, cholesky within 5× of LAPACK at
n = 512; eigh and svd within 20× at n = 256. Both sides run with single-threaded
BLAS (threadpoolctl), so the ratio compares algorithms rather than how many cores a
shared machine happens to lend each side at that moment.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
from threadpoolctl import threadpool_limits

from mmlkit import linalg
from mmlkit._bench import Comparison, compare


def _rel(A, B):
    return float(np.linalg.norm(A - B) / np.linalg.norm(A))


def run(smoke: bool = False) -> list[Comparison]:
    sizes = [16] if smoke else [128, 256, 512]
    repeat = 1 if smoke else 5  # best of 5: the least disturbed run on a shared machine
    rng = np.random.default_rng(0)
    rows: list[Comparison] = []
    with threadpool_limits(limits=1):
        for n in sizes:
            A = rng.standard_normal((n, n))
            X = rng.standard_normal((n, n))
            S = X @ X.T / n + np.eye(n)  # symmetric positive definite
            size = f"n={n}"
            fast_target = 5.0 if n == 512 else None
            slow_target = 20.0 if n == 256 else None
            rows.append(compare(
                "qr (householder, WY)", lambda: linalg.qr(A), lambda: np.linalg.qr(A),
                reference_name="numpy.linalg.qr", size=size, repeat=repeat, target=fast_target,
                quality=lambda QR: _rel(A, QR[0] @ QR[1]), quality_name="‖A−QR‖/‖A‖",
                higher_is_better=False))
            rows.append(compare(
                "lu (blocked, partial pivoting)", lambda: linalg.lu(A), lambda: scipy.linalg.lu(A),
                reference_name="scipy.linalg.lu", size=size, repeat=repeat, target=fast_target,
                quality=lambda PLU: _rel(A, PLU[0] @ PLU[1] @ PLU[2]), quality_name="‖A−PLU‖/‖A‖",
                higher_is_better=False))
            rows.append(compare(
                "cholesky (recursive)", lambda: linalg.cholesky(S), lambda: np.linalg.cholesky(S),
                reference_name="numpy.linalg.cholesky", size=size, repeat=repeat, target=fast_target,
                quality=lambda L: _rel(S, L @ L.T), quality_name="‖A−LLᵀ‖/‖A‖", higher_is_better=False))
            rows.append(compare(
                "eigh (tridiagonal QR)", lambda: linalg.eigh(S), lambda: np.linalg.eigh(S),
                reference_name="numpy.linalg.eigh", size=size, repeat=repeat, target=slow_target,
                quality=lambda wV: _rel(S, (wV[1] * wV[0]) @ wV[1].T), quality_name="‖A−VΛVᵀ‖/‖A‖",
                higher_is_better=False))
            rows.append(compare(
                "svd (Golub–Kahan QR)", lambda: linalg.svd(A), lambda: np.linalg.svd(A, full_matrices=False),
                reference_name="numpy.linalg.svd", size=size, repeat=repeat, target=slow_target,
                quality=lambda USV: _rel(A, (USV[0] * USV[1]) @ USV[2]), quality_name="‖A−UΣVᵀ‖/‖A‖",
                higher_is_better=False))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:32s} {row.size:7s} ours {row.ours_s * 1e3:9.2f} ms  ref {row.ref_s * 1e3:8.2f} ms  "
              f"ratio {row.ratio:6.2f}  target {row.target}  q {row.ours_quality:.1e} / {row.ref_quality:.1e}")
