"""mmlkit.linalg against LAPACK (through NumPy/SciPy): the same matrices, one process.

Quality figure: the relative reconstruction residual ‖A − factors‖_F / ‖A‖_F of each
result (lower is better). Targets: qr, lu, cholesky within 5× of LAPACK at n = 512
(issue 2); eigh and svd (divide and conquer) within 3× at n = 256, 512 and 1024
(issue 19). Both sides run with single-threaded BLAS (threadpoolctl), so the ratio
compares algorithms rather than how many cores a shared machine happens to lend
each side at that moment; on a loaded machine prefer ``--cpu-time``. Run as a script with
``--turns N`` it prints every run of N interleaved eigh/svd turns (ours, LAPACK, ours, …)
instead of the table.
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
    spectral_sizes = [16] if smoke else [256, 512, 1024]
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
        for n in spectral_sizes:
            A = rng.standard_normal((n, n))
            X = rng.standard_normal((n, n))
            S = X @ X.T / n + np.eye(n)
            size, rep = f"n={n}", min(repeat, 3) if n >= 1024 else repeat
            rows.append(compare(
                "eigh (divide and conquer)", lambda: linalg.eigh(S), lambda: np.linalg.eigh(S),
                reference_name="numpy.linalg.eigh", size=size, repeat=rep, target=3.0,
                quality=lambda wV: _rel(S, (wV[1] * wV[0]) @ wV[1].T), quality_name="‖A−VΛVᵀ‖/‖A‖",
                higher_is_better=False))
            rows.append(compare(
                "svd (divide and conquer)", lambda: linalg.svd(A), lambda: np.linalg.svd(A, full_matrices=False),
                reference_name="numpy.linalg.svd", size=size, repeat=rep, target=3.0,
                quality=lambda USV: _rel(A, (USV[0] * USV[1]) @ USV[2]), quality_name="‖A−UΣVᵀ‖/‖A‖",
                higher_is_better=False))
    return rows


def spectral_turns(sizes=(256, 512, 1024), turns: int = 5, seed: int = 0) -> list[tuple[str, int, list[float]]]:
    """eigh and svd against LAPACK in interleaved turns (ours, LAPACK, ours, …), one BLAS thread.

    Returns ``(name, n, ratios)`` with every turn's ours ÷ LAPACK (by ``mmlkit._bench.TIMER``),
    so a report can list every run rather than the best; interleaving keeps both sides under
    the same load at each moment.
    """
    import mmlkit._bench as bench

    rng = np.random.default_rng(seed)
    out = []
    with threadpool_limits(limits=1):
        for n in sizes:
            A = rng.standard_normal((n, n))
            X = rng.standard_normal((n, n))
            S = X @ X.T / n + np.eye(n)
            pairs = {"eigh": (lambda: linalg.eigh(S), lambda: np.linalg.eigh(S)),
                     "svd": (lambda: linalg.svd(A), lambda: np.linalg.svd(A, full_matrices=False))}
            for name, (ours, ref) in pairs.items():
                ours(), ref()  # warm up
                ratios = []
                for _ in range(turns):
                    t0 = bench.TIMER()
                    ours()
                    t1 = bench.TIMER()
                    ref()
                    t2 = bench.TIMER()
                    ratios.append((t1 - t0) / (t2 - t1))
                out.append((name, n, ratios))
    return out


if __name__ == "__main__":
    import sys
    import time

    import mmlkit._bench

    if "--cpu-time" in sys.argv:  # process CPU time: steadier than wall time on a shared machine
        mmlkit._bench.TIMER = time.process_time
    if "--turns" in sys.argv:  # every run of the interleaved eigh/svd comparison, not the best
        k = int(sys.argv[sys.argv.index("--turns") + 1])
        for name, n, ratios in spectral_turns(turns=k):
            print(f"{name:5s} n={n:5d} median {np.median(ratios):5.2f}  runs " + " ".join(f"{r:.2f}" for r in ratios))
        sys.exit(0)
    for row in run(smoke="--smoke" in sys.argv):
        print(f"{row.name:32s} {row.size:7s} ours {row.ours_s * 1e3:9.2f} ms  ref {row.ref_s * 1e3:8.2f} ms  "
              f"ratio {row.ratio:6.2f}  target {row.target}  q {row.ours_quality:.1e} / {row.ref_quality:.1e}")
