"""W5 and W10: PCA and KernelPCA against scikit-learn.

Rows (targets are time ratios ours / scikit-learn, ≤ 1.0):

- W5a PCA, full decomposition, 20,000 × 500, 50 components kept:
  ``PCA(svd_solver="lapack")`` (covariance route: one syrk + a 500 × 500 eigh,
  with an accuracy guard) vs ``sklearn PCA(svd_solver="full")`` (LAPACK gesdd
  on the centred data). A second row compares with scikit-learn's own
  ``"covariance_eigh"`` solver, for context.
- W5b PCA, randomized top-10, 100,000 × 500: ``PCA(svd_solver="randomized")``
  (Halko–Martinsson–Tropp on the implicitly centred data: no centred copy) vs
  ``sklearn PCA(svd_solver="randomized")``, same oversampling and iterations.
- W10 KernelPCA, rbf kernel, 3,000 × 10, 5 components (both "auto", which is
  ARPACK for this shape).

Quality: the fraction of the total variance captured by the kept components
(PCA; higher is better), or the variance captured in feature space, Σλ / n
(KernelPCA; higher is better). Both sides run on one thread (one BLAS thread,
and none of mmlkit's row-block threads).
"""

from __future__ import annotations

import numpy as np

from mmlkit._bench import compare

THREADS = 1


def run(smoke: bool = False):
    from threadpoolctl import threadpool_limits

    from mmlkit._threads import limit

    # Like for like: one BLAS thread on both sides, and no row-block threads of ours.
    with threadpool_limits(limits=THREADS, user_api="blas"), limit(THREADS):
        return _rows(smoke)


def _lowrank(rng, n, d, rank):
    """Data with a decaying spectrum: a rank-`rank` signal plus isotropic noise, non-zero mean."""
    scales = np.geomspace(10.0, 0.5, rank)
    return (rng.normal(size=(n, rank)) * scales) @ rng.normal(size=(rank, d)) / np.sqrt(d) \
        + 0.3 * rng.normal(size=(n, d)) + 2.0


def _rows(smoke):
    from sklearn.decomposition import PCA as SkPCA
    from sklearn.decomposition import KernelPCA as SkKernelPCA

    from mmlkit.models import PCA, KernelPCA

    rng = np.random.default_rng(0)
    repeat = 1 if smoke else 3
    rows = []
    captured = lambda model: float(np.sum(model.explained_variance_ratio_))  # noqa: E731

    n, d, k = (400, 30, 5) if smoke else (20_000, 500, 50)
    X = _lowrank(rng, n, d, 100 if not smoke else 10)
    rows.append(compare(
        "W5 PCA full (lapack)", lambda: PCA(k, svd_solver="lapack").fit(X),
        lambda: SkPCA(k, svd_solver="full").fit(X), reference_name="sklearn PCA(svd_solver='full')",
        size=f"{n}×{d}, k={k}", quality=captured, quality_name="variance captured", repeat=repeat, target=1.0))
    rows.append(compare(
        "W5 PCA full (lapack) vs covariance_eigh", lambda: PCA(k, svd_solver="lapack").fit(X),
        lambda: SkPCA(k, svd_solver="covariance_eigh").fit(X),
        reference_name="sklearn PCA(svd_solver='covariance_eigh')", size=f"{n}×{d}, k={k}", quality=captured,
        quality_name="variance captured", repeat=repeat))
    del X

    n, d, k = (1000, 50, 3) if smoke else (100_000, 500, 10)
    X = _lowrank(rng, n, d, 40 if not smoke else 8)
    rows.append(compare(
        "W5 PCA randomized top-10", lambda: PCA(k, svd_solver="randomized", random_state=0).fit(X),
        lambda: SkPCA(k, svd_solver="randomized", random_state=0).fit(X),
        reference_name="sklearn PCA(svd_solver='randomized')", size=f"{n}×{d}, k={k}", quality=captured,
        quality_name="variance captured", repeat=1 if smoke else 2, target=1.0))
    del X

    n, d, k = (200, 10, 3) if smoke else (3000, 10, 5)
    X = rng.normal(size=(n, d))
    rows.append(compare(
        "W10 KernelPCA rbf", lambda: KernelPCA(k, kernel="rbf", random_state=0).fit(X),
        lambda: SkKernelPCA(k, kernel="rbf", random_state=0).fit(X), reference_name="sklearn KernelPCA",
        size=f"{n}×{d}, k={k}", quality=lambda m: float(m.eigenvalues_.sum() / n),
        quality_name="captured variance Σλ/n", repeat=repeat, target=1.0))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:45s} {row.size:22s} ours {row.ours_s:8.3f}s  ref {row.ref_s:8.3f}s  "
              f"ratio {row.ratio:5.2f}  {row.quality_name}: {row.ours_quality:.6f} vs {row.ref_quality:.6f}")
