"""Scale: every statistic gives the right answer at any finite float64 scale.

The reference is the statistic on the unscaled data: a scale-invariant
statistic must be the same number (to a few ulps: rescaling by a power of two
is exact, by 10**k rounds each datum once), a standard deviation the number
times the scale.
"""

import numpy as np
import pytest

from mmlkit import stats

SCALES = [1e-300, 1e-200, 1e-160, 1e-100, 1e100, 1e160, 1e200, 1e300]


def _samples(seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=9), rng.normal(0.5, 2.0, size=12), rng.normal(1.0, 1.0, size=9)


INVARIANT = {
    "ttest_ind": lambda a, b, c: stats.ttest_ind(a, b).statistic,
    "ttest_ind_welch": lambda a, b, c: stats.ttest_ind(a, b, equal_var=False).statistic,
    "ttest_ind_2d": lambda a, b, c: stats.ttest_ind(np.c_[a, -a], np.c_[b, b]).statistic,
    "ttest_1samp": lambda a, b, c: stats.ttest_1samp(a).statistic,
    "ttest_1samp_2d": lambda a, b, c: stats.ttest_1samp(np.c_[a, c]).statistic,
    "ttest_rel": lambda a, b, c: stats.ttest_rel(a, c).statistic,
    "ztest": lambda a, b, c: stats.ztest(a, b).statistic,
    "ztest_unequal": lambda a, b, c: stats.ztest(a, b, usevar="unequal").statistic,
    "ztest_1": lambda a, b, c: stats.ztest(a).statistic,
    "f_oneway": lambda a, b, c: stats.f_oneway(a, b, c).statistic,
    "skew": lambda a, b, c: stats.skew(a),
    "skew_unbiased": lambda a, b, c: stats.skew(b, bias=False),
    "kurtosis": lambda a, b, c: stats.kurtosis(a),
    "kurtosis_2d": lambda a, b, c: stats.kurtosis(np.c_[a, c], axis=0),
    "zscore": lambda a, b, c: stats.zscore(a),
    "pearsonr": lambda a, b, c: stats.pearsonr(a, c).statistic,
    "spearmanr": lambda a, b, c: stats.spearmanr(a, c).statistic,
    "describe_skew": lambda a, b, c: stats.describe(b).skewness,
}

EQUIVARIANT = {  # statistic(k·x) = k^power · statistic(x)
    "std": (lambda a: stats.std(a), 1),
    "std_ddof": (lambda a: stats.std(a, ddof=1), 1),
    "sem": (lambda a: stats.sem(a), 1),
    "mean": (lambda a: stats.mean(a), 1),
    "std_axis": (lambda a: stats.std(np.c_[a, 2 * a], axis=0), 1),
    "ttest_ind_se": (lambda a: stats.ttest_ind(a, 2 * a[::-1]).standard_error, 1),
}


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", sorted(INVARIANT))
@pytest.mark.parametrize("seed", [0, 1])
def test_scale_invariant_statistics(name, scale, seed):
    a, b, c = _samples(seed)
    f = INVARIANT[name]
    expected = f(a, b, c)
    got = f(a * scale, b * scale, c * scale)
    # multiplying by 10**k rounds each datum (relative 2**-53); the statistics
    # are well conditioned on these samples (condition ≲ 1e3), so 1e-12 leaves room
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", sorted(EQUIVARIANT))
def test_scale_equivariant_statistics(name, scale):
    a, _, _ = _samples(3)
    f, power = EQUIVARIANT[name]
    np.testing.assert_allclose(np.asarray(f(a * scale)) / scale**power, f(a), rtol=1e-12)


@pytest.mark.parametrize("k", [-1000, -600, 600, 1000, 1020])
def test_power_of_two_scaling_is_exact(k):
    """Rescaling by 2**k changes nothing: the scaled computation is the unscaled one."""
    a, b, c = _samples(5)
    s = 2.0**k
    assert stats.ttest_ind(a * s, b * s).statistic == pytest.approx(stats.ttest_ind(a, b).statistic, rel=1e-14)
    assert stats.skew(a * s) == pytest.approx(stats.skew(a), rel=1e-14)


def test_variance_saturates_only_when_the_answer_does():
    a, _, _ = _samples(0)
    assert np.isinf(stats.var(a * 1e300))  # the true variance is ~1e600
    assert stats.var(a * 1e-300) == 0.0  # ~1e-600
    assert np.isfinite(stats.std(a * 1e300)) and stats.std(a * 1e-300) > 0


def test_welch_with_a_constant_sample_and_tiny_spread():
    """Issue 20: this raised ZeroDivisionError (the squared variances underflowed)."""
    res = stats.ttest_ind([0.0, 0.0], [1e-160, 2e-160, 3e-160], equal_var=False)
    ref = stats.ttest_ind([0.0, 0.0], [1.0, 2.0, 3.0], equal_var=False)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-13)
    assert res.df == pytest.approx(ref.df, rel=1e-13)


def test_mean_of_huge_values_does_not_overflow():
    x = np.full(1000, 1e306)
    assert stats.mean(x) == pytest.approx(1e306, rel=1e-14)


@pytest.mark.parametrize("f", [stats.std, stats.skew, stats.zscore, stats.mean, stats.var])
def test_non_finite_data_still_rejected(f):
    with pytest.raises(ValueError, match="x"):
        f(np.array([1.0, np.nan, 2.0]))
    with pytest.raises(ValueError, match="x"):
        f(np.array([1.0, np.inf, 2.0]))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [-1000, -450, 0, 450, 520, 1015])
def test_plain_and_rescaled_routes_give_the_same_bits(seed, k):
    """The plain two-pass moments (taken where nothing over- or underflows) equal the power-of-two-rescaled ones.

    At 2**-450 the variance (≈ 2**-900) is below the plain route's floor and at 2**520 it overflows, so those
    take the rescaled route; at 2**±1000 the mean or the spread do too. Scaling by 2**k is exact, so each
    result must be the unscaled one times 2**(k·power), bit for bit.
    """
    a, b, _ = _samples(seed)
    s = 2.0**k
    x, X = a * s, np.c_[a, b[:9]] * s
    assert stats.std(x) == stats.std(a) * s and stats.sem(x) == stats.sem(a) * s
    assert stats.mean(x) == stats.mean(a) * s
    assert stats.skew(x) == stats.skew(a) and stats.kurtosis(x) == stats.kurtosis(a)
    np.testing.assert_array_equal(stats.zscore(X), stats.zscore(np.c_[a, b[:9]]))
    np.testing.assert_array_equal(stats.std(X, axis=0, ddof=1), stats.std(np.c_[a, b[:9]], axis=0, ddof=1) * s)
    ref, got = stats.describe(np.c_[a, b[:9]]), stats.describe(X)
    np.testing.assert_array_equal(got.skewness, ref.skewness)
    np.testing.assert_array_equal(got.kurtosis, ref.kurtosis)
    if abs(k) <= 450:   # the variance itself is a normal float64
        assert stats.var(x) == stats.var(a) * s * s
        np.testing.assert_array_equal(got.variance, ref.variance * s * s)
