"""W12: mmlkit.stats against scipy.stats and NumPy.

Rows (time ratio ours / reference):

- one ``ttest_ind`` on two samples of n = 30 (the scalar path; each timing
  runs the call ``calls`` times) vs ``scipy.stats.ttest_ind``. Target ≤ 0.1.
- array-sized descriptive statistics on 10⁶ numbers (or a 10⁵ × 10 table):
  mean, var, std, median, quantile, skew, kurtosis, describe, mode,
  covariance, pearsonr vs NumPy / scipy.stats. Target ≤ 1.0.
- permutation test and BCa bootstrap vs ``scipy.stats.permutation_test`` /
  ``bootstrap`` (same number of resamples; for context, no target).

Quality: the statistic each side returns (p-value for the tests), which
should agree.
"""

from __future__ import annotations

import numpy as np

from mmlkit._bench import compare


def run(smoke: bool = False):
    import scipy.stats

    import mmlkit.stats as ms

    repeat = 1 if smoke else 5
    rng = np.random.default_rng(0)
    rows = []

    # --- the scalar path: one small t-test ----------------------------------------------------
    a, b = rng.normal(size=30), rng.normal(0.3, 1.0, size=30)
    calls = 5 if smoke else 300

    def ours_t():
        for _ in range(calls):
            res = ms.ttest_ind(a, b)
        return res

    def ref_t():
        for _ in range(calls):
            res = scipy.stats.ttest_ind(a, b)
        return res

    rows.append(compare("ttest_ind (one call)", ours_t, ref_t, reference_name="scipy.stats.ttest_ind",
                        size=f"n=30, x{calls} calls", quality=lambda r: float(r.pvalue), quality_name="p-value",
                        repeat=repeat, target=0.1))

    # --- array-sized descriptive statistics --------------------------------------------------
    n = 10_000 if smoke else 1_000_000
    x = rng.standard_exponential(n)
    y = 0.5 * x + rng.normal(size=n)
    X = rng.normal(size=(n // 10, 10))
    ties = rng.integers(0, 1000, size=n).astype(float)
    cases = [
        ("mean", lambda: ms.mean(x), lambda: np.mean(x), "numpy.mean", f"n={n}"),
        ("var", lambda: ms.var(x), lambda: np.var(x), "numpy.var", f"n={n}"),
        ("std", lambda: ms.std(x, ddof=1), lambda: np.std(x, ddof=1), "numpy.std", f"n={n}"),
        ("median", lambda: ms.median(x), lambda: np.median(x), "numpy.median", f"n={n}"),
        ("quantile", lambda: ms.quantile(x, [0.05, 0.5, 0.95]), lambda: np.quantile(x, [0.05, 0.5, 0.95]),
         "numpy.quantile", f"n={n}, 3 q"),
        ("skew", lambda: ms.skew(x), lambda: scipy.stats.skew(x), "scipy.stats.skew", f"n={n}"),
        ("kurtosis", lambda: ms.kurtosis(x), lambda: scipy.stats.kurtosis(x), "scipy.stats.kurtosis", f"n={n}"),
        ("describe", lambda: ms.describe(X).variance[0], lambda: scipy.stats.describe(X).variance[0],
         "scipy.stats.describe", f"{n // 10}x10"),
        ("mode", lambda: ms.mode(ties).mode, lambda: scipy.stats.mode(ties).mode, "scipy.stats.mode",
         f"n={n}, ties"),
        ("covariance", lambda: ms.covariance(X)[0, 1], lambda: np.cov(X, rowvar=False)[0, 1], "numpy.cov",
         f"{n // 10}x10"),
        ("pearsonr", lambda: ms.pearsonr(x, y).statistic, lambda: scipy.stats.pearsonr(x, y).statistic,
         "scipy.stats.pearsonr", f"n={n}"),
        ("spearmanr", lambda: ms.spearmanr(x[: n // 10], y[: n // 10]).statistic,
         lambda: scipy.stats.spearmanr(x[: n // 10], y[: n // 10]).statistic, "scipy.stats.spearmanr",
         f"n={n // 10}"),
    ]
    for name, ours, ref, ref_name, size in cases:
        rows.append(compare(name, ours, ref, reference_name=ref_name, size=size,
                            quality=lambda r: float(np.ravel(r)[0]), quality_name="value",
                            repeat=repeat, target=1.0))

    # --- resampling (context) ------------------------------------------------------------------
    B = 200 if smoke else 9999
    u, v = rng.normal(size=60), rng.normal(0.4, 1.0, size=50)

    def diff(p, q, axis=-1):
        return np.mean(p, axis=axis) - np.mean(q, axis=axis)

    rows.append(compare(
        "permutation_test", lambda: ms.permutation_test((u, v), diff, n_resamples=B, random_state=0),
        lambda: scipy.stats.permutation_test((u, v), diff, n_resamples=B, random_state=0),
        reference_name="scipy.stats.permutation_test", size=f"60+50, B={B}",
        quality=lambda r: r.pvalue, quality_name="p-value", repeat=repeat))
    rows.append(compare(
        "bootstrap_ci (BCa)", lambda: ms.bootstrap_ci(u, np.mean, method="bca", n_resamples=B, random_state=0),
        lambda: scipy.stats.bootstrap((u,), np.mean, method="BCa", n_resamples=B, random_state=0),
        reference_name="scipy.stats.bootstrap", size=f"n=60, B={B}",
        quality=lambda r: r.confidence_interval.low, quality_name="CI low", repeat=repeat))
    return rows
