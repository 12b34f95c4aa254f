"""Permutation tests and bootstrap intervals vs scipy.stats within Monte-Carlo error;
RunningStats vs batch formulas; mle vs scipy.stats fits."""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mmlkit.stats import RunningStats, bootstrap_ci, mle, permutation_test


def diff_means(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def mean_stat(a, axis=-1):
    return np.mean(a, axis=axis)


def cov_stat(a, b, axis=-1):
    return np.mean((a - a.mean(axis=axis, keepdims=True)) * (b - b.mean(axis=axis, keepdims=True)), axis=axis)


def n_distinct(a, axis=-1):
    """Number of distinct values: every bootstrap resample (almost surely) has fewer than the data."""
    return (np.diff(np.sort(a, axis=axis), axis=axis) != 0).sum(axis=axis) + 1.0


def mc_tol(p, n):
    """Four binomial standard errors of a Monte-Carlo p-value (two independent estimates)."""
    return 4 * math.sqrt(2 * max(p, 0.01) * (1 - min(p, 0.99)) / n) + 1e-3


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_independent_permutation_test_agrees_with_scipy(seed, alternative):
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=14), rng.normal(0.5, 1.0, size=11)
    ours = permutation_test((x, y), diff_means, n_resamples=4000, alternative=alternative, random_state=seed)
    ref = scipy.stats.permutation_test((x, y), diff_means, n_resamples=4000, alternative=alternative,
                                       random_state=seed + 100)
    assert not ours.exact and ours.null_distribution.shape == (4000,)
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-14)
    assert abs(ours.pvalue - ref.pvalue) < mc_tol(ref.pvalue, 4000)


@pytest.mark.parametrize("permutation_type, data, stat", [
    ("independent", lambda r: (r.normal(size=4), r.normal(1, 1, size=4)), diff_means),
    ("independent", lambda r: (r.normal(size=3), r.normal(size=2), r.normal(size=3)),
     lambda a, b, c, axis=-1: np.mean(a, axis) + 2 * np.mean(b, axis) - np.mean(c, axis)),
    ("samples", lambda r: (r.normal(0.4, 1, size=9),), mean_stat),
    ("samples", lambda r: (r.normal(size=7), r.normal(0.5, 1, size=7)), diff_means),
    ("pairings", lambda r: (r.normal(size=6), r.normal(size=6)), cov_stat),
])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_exact_permutation_tests_equal_scipy(permutation_type, data, stat, alternative):
    x = data(np.random.default_rng(7))
    ours = permutation_test(x, stat, permutation_type=permutation_type, alternative=alternative)
    assert ours.exact
    if permutation_type == "pairings":  # SciPy permutes every sample (n!² > 9999 arrangements): Monte Carlo
        ref = scipy.stats.permutation_test(x, stat, permutation_type=permutation_type, alternative=alternative,
                                           n_resamples=20000, random_state=1)
        assert abs(ours.pvalue - ref.pvalue) < mc_tol(ref.pvalue, 20000)
    else:
        ref = scipy.stats.permutation_test(x, stat, permutation_type=permutation_type, alternative=alternative)
        assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-12)
        np.testing.assert_allclose(np.sort(ours.null_distribution), np.sort(ref.null_distribution), rtol=1e-12,
                                   atol=1e-14)


def test_permutation_test_with_a_plain_python_statistic():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=8), rng.normal(size=9)

    def median_diff(a, b):
        return float(np.median(a) - np.median(b))

    ours = permutation_test((x, y), median_diff, n_resamples=300, random_state=0)
    vec = permutation_test((x, y), lambda a, b, axis=-1: np.median(a, axis) - np.median(b, axis),
                           n_resamples=300, random_state=0)
    assert ours.pvalue == vec.pvalue
    np.testing.assert_array_equal(
        permutation_test((x, y), diff_means, n_resamples=99, random_state=5).null_distribution,
        permutation_test((x, y), diff_means, n_resamples=99, random_state=5).null_distribution)


def test_permutation_test_pvalue_is_uniform_under_the_null():
    rng = np.random.default_rng(11)
    pvals = [permutation_test((rng.normal(size=10), rng.normal(size=10)), diff_means, n_resamples=199,
                              random_state=rng).pvalue for _ in range(150)]
    assert scipy.stats.kstest(pvals, "uniform").pvalue > 0.001


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
@pytest.mark.parametrize("stat_name", ["mean", "std"])
def test_bootstrap_agrees_with_scipy(seed, method, stat_name):
    x = np.random.default_rng(seed).gamma(2.0, size=40)
    stat = {"mean": mean_stat, "std": lambda a, axis=-1: np.std(a, axis=axis)}[stat_name]
    ours = bootstrap_ci(x, stat, method=method, n_resamples=5000, random_state=seed)
    ref = scipy.stats.bootstrap((x,), stat, method=method, n_resamples=5000, random_state=seed + 50)
    se = ref.standard_error
    assert ours.standard_error == pytest.approx(se, rel=0.08)
    # interval ends agree within Monte-Carlo error (a fraction of the standard error)
    assert abs(ours.low - ref.confidence_interval.low) < 0.25 * se
    assert abs(ours.high - ref.confidence_interval.high) < 0.25 * se


def test_bca_is_deterministic_given_the_resamples():
    # with the same bootstrap distribution, our BCa interval equals SciPy's exactly
    x = np.random.default_rng(4).exponential(size=25)
    ours = bootstrap_ci(x, mean_stat, method="bca", n_resamples=3000, random_state=0)
    ref = scipy.stats.bootstrap((x,), mean_stat, method="bca", n_resamples=0,
                                bootstrap_result=_FakeResult(ours.bootstrap_distribution))
    np.testing.assert_allclose(ours.confidence_interval, ref.confidence_interval, rtol=1e-12)


class _FakeResult:
    def __init__(self, dist):
        self.bootstrap_distribution = dist


def test_bootstrap_two_samples_and_one_sided():
    rng = np.random.default_rng(2)
    x, y = rng.normal(1.0, 1.0, 30), rng.normal(0.0, 2.0, 25)
    ours = bootstrap_ci((x, y), diff_means, n_resamples=4000, random_state=0)
    ref = scipy.stats.bootstrap((x, y), diff_means, method="percentile", n_resamples=4000, random_state=1)
    assert abs(ours.low - ref.confidence_interval.low) < 0.25 * ref.standard_error
    bca = bootstrap_ci((x, y), diff_means, method="bca", n_resamples=4000, random_state=0)
    ref_bca = scipy.stats.bootstrap((x, y), diff_means, n_resamples=4000, random_state=1)
    assert abs(bca.high - ref_bca.confidence_interval.high) < 0.25 * ref.standard_error
    less = bootstrap_ci(x, mean_stat, n_resamples=2000, alternative="less", random_state=0)
    assert less.low == -math.inf and less.high < bootstrap_ci(x, mean_stat, n_resamples=2000, random_state=0).high


def test_bootstrap_coverage_for_the_mean():
    rng = np.random.default_rng(9)
    hits = 0
    for _ in range(200):
        ci = bootstrap_ci(rng.normal(2.0, 1.0, 30), mean_stat, n_resamples=500, level=0.9, random_state=rng)
        hits += ci.low <= 2.0 <= ci.high
    assert abs(hits / 200 - 0.9) < 0.07  # ≈ 3 binomial s.e.; percentile intervals undercover slightly at n = 30


# ----------------------------------------------------------------------------- RunningStats
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("shape", [(50,), (40, 3)])
def test_running_stats_match_batch(seed, shape):
    x = 1e6 + np.random.default_rng(seed).normal(size=shape)  # offset: naive sums would cancel
    rs = RunningStats()
    rs.update(x[:7])
    for row in x[7:20]:
        rs.update(row if x.ndim > 1 else float(row))
    rs.update(x[20:])
    assert rs.count == shape[0]
    np.testing.assert_allclose(rs.mean, x.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(rs.var, x.var(axis=0), rtol=1e-9)
    np.testing.assert_allclose(rs.std, x.std(axis=0), rtol=1e-9)
    unbiased = RunningStats(ddof=1).update(x)
    np.testing.assert_allclose(unbiased.var, x.var(axis=0, ddof=1), rtol=1e-9)


@given(arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e4, 1e4)), st.integers(0, 40))
def test_property_welford_merge_equals_batch(x, cut):
    cut = min(cut, x.size)
    left, right = RunningStats(), RunningStats()
    for v in x[:cut]:
        left.update(float(v))
    if cut < x.size:
        right.update(x[cut:])
    merged = left.merge(right)
    assert merged.count == x.size
    np.testing.assert_allclose(merged.mean, x.mean(), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(merged.var, x.var(), rtol=1e-8, atol=1e-6)
    assert (left + right).count == x.size and left.count == cut  # merge leaves inputs alone


def test_running_stats_errors():
    with pytest.raises(ValueError, match="at least 1"):
        RunningStats().mean
    with pytest.raises(ValueError, match="ddof=1"):
        RunningStats(ddof=1).update(3.0).var
    with pytest.raises(ValueError, match="finite"):
        RunningStats().update(float("nan"))
    with pytest.raises(ValueError, match="finite"):
        RunningStats().update([1.0, np.inf])
    with pytest.raises(ValueError, match="shape"):
        RunningStats().update(np.ones((3, 2))).update(np.ones((3, 4)))
    with pytest.raises(ValueError, match="RunningStats"):
        RunningStats().merge([1.0])
    with pytest.raises(ValueError, match="ddof"):
        RunningStats(ddof=-1)
    assert repr(RunningStats()) == "RunningStats(count=0)"


# ----------------------------------------------------------------------------- mle
def test_mle_delegates_to_the_distribution_fit():
    from mmlkit.probability.continuous import Exponential, Gamma, Normal
    from mmlkit.probability.discrete import Binomial

    rng = np.random.default_rng(0)
    x = rng.gamma(3.0, 2.0, size=500)
    loc, scale = scipy.stats.norm.fit(x)
    fitted = mle(Normal, x)
    assert float(fitted.mean()) == pytest.approx(loc, rel=1e-12)
    assert float(fitted.var()) == pytest.approx(scale**2, rel=1e-12)
    assert float(mle(Exponential(1.0), x).mean()) == pytest.approx(x.mean(), rel=1e-12)
    a, _, sc = scipy.stats.gamma.fit(x, floc=0)
    assert float(mle(Gamma, x).mean()) == pytest.approx(a * sc, rel=1e-6)
    k = rng.binomial(10, 0.3, size=200)
    assert float(mle(Binomial, k, n=10).mean()) == pytest.approx(k.mean(), rel=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: permutation_test(([1.0, 2.0],), diff_means), "two samples"),
    (lambda: permutation_test(([1.0, 2.0], [1.0]), diff_means, permutation_type="samples"), "equal length"),
    (lambda: permutation_test(([1.0, 2.0], [3.0]), diff_means, permutation_type="shuffle"), "permutation_type"),
    (lambda: permutation_test(([1.0, 2.0], [3.0]), diff_means, alternative="both"), "alternative"),
    (lambda: permutation_test(([1.0, 2.0], [3.0]), diff_means, n_resamples=0), "n_resamples"),
    (lambda: permutation_test(([1.0, 2.0], [3.0]), "mean"), "callable"),
    (lambda: permutation_test(([1.0, np.nan], [3.0]), diff_means), "finite"),
    (lambda: permutation_test(([1.0, 2.0],), mean_stat, permutation_type="pairings"), "two samples"),
    (lambda: bootstrap_ci([1.0, 2.0, 3.0], mean_stat, method="studentized"), "method"),
    (lambda: bootstrap_ci([1.0, 2.0, 3.0], mean_stat, level=0.0), "level"),
    (lambda: bootstrap_ci([1.0], mean_stat), "at least 2"),
    (lambda: bootstrap_ci(np.arange(10.0), n_distinct, method="bca", n_resamples=50, random_state=0), "BCa"),
    (lambda: bootstrap_ci([1.0, 2.0, 3.0], lambda a, axis=-1: np.log(a - 2).mean(axis)), "non-finite"),
    (lambda: bootstrap_ci(5.0, mean_stat), "sample"),
    (lambda: mle(int, [1.0, 2.0]), "fit method"),
])
def test_invalid_inputs(call, match):
    with np.errstate(all="ignore"), pytest.raises(ValueError, match=match):
        call()
