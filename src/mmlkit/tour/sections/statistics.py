"""Tour: what a confidence level promises, and a permutation test on real data."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Statistics"
ORDER = 60
LAB = ("statistics",)
API = ("mmlkit.stats",)
FORMULA = (r"\bar x \pm t_{n-1,\,(1+\gamma)/2} \cdot \frac{s}{\sqrt{n}} \ \text{ covers } \mu \text{ with probability } \gamma" "\n"
           r"p = \frac{\#\{T(\pi(x)) \ge T(x)\} + 1}{B + 1} \ \text{ over random relabellings } \pi")
SUMMARY = ("A 95 % confidence interval is a promise about the procedure, not about one interval: "
           "simulate a hundred samples and about five intervals miss the true mean. A permutation test "
           "needs no distributional assumption at all: shuffle the group labels of the iris flowers "
           "thousands of times and see how rarely chance alone produces a difference as large as the "
           "observed one; the t-test agrees.")


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_iris
    from mmlkit.stats import bootstrap_ci, permutation_test, ttest_ind
    from mmlkit.viz.statistics import bootstrap_distribution, ci_coverage, permutation_null

    coverage_fig = ci_coverage(n_intervals=100, sample_size=20, level=0.95, random_state=7)

    iris = load_iris()
    sepal_width = iris.data[:, 1]
    a, b = sepal_width[iris.target == 1], sepal_width[iris.target == 2]  # versicolor vs virginica

    def diff(x, y, axis=-1):
        return np.mean(x, axis=axis) - np.mean(y, axis=axis)

    n_resamples = 2000 if quick else 20000
    perm = permutation_test((a, b), diff, n_resamples=n_resamples, random_state=0)
    t = ttest_ind(a, b, equal_var=False)
    perm_fig = permutation_null(perm.null_distribution, perm.statistic, perm.pvalue,
                                xlabel="mean sepal width: versicolor − virginica (cm)")
    boot = bootstrap_ci((a, b), diff, method="bca", n_resamples=n_resamples, random_state=0)
    boot_fig = bootstrap_distribution(boot.bootstrap_distribution, perm.statistic, boot.confidence_interval,
                                      xlabel="mean sepal width: versicolor − virginica (cm)")
    ci = t.confidence_interval(0.95)
    return Showcase(
        figures=[
            ("100 simulated 95 % t-intervals for the mean of N(0, 1), n = 20: the misses in red", coverage_fig),
            ("Permutation null distribution of the difference in mean sepal width (iris), "
             "the observed difference and the tails at least as extreme", perm_fig),
            ("Bootstrap (BCa) distribution of the same difference and its 95 % interval", boot_fig),
        ],
        key_number=("CI coverage (95 % nominal)", f"{coverage_fig.coverage:.0%}"),
        notes=[
            f"Permutation test: difference {perm.statistic:.3f} cm, p = {perm.pvalue:.4f} "
            f"({n_resamples} relabellings); Welch t-test: t = {t.statistic:.2f}, df = {t.df:.1f}, "
            f"p = {t.pvalue:.4f}, 95 % CI [{ci.low:.3f}, {ci.high:.3f}].",
            f"Bootstrap BCa 95 % interval: [{boot.confidence_interval.low:.3f}, "
            f"{boot.confidence_interval.high:.3f}], standard error {boot.standard_error:.3f}.",
        ],
    )
