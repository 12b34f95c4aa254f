"""Descriptive statistics vs NumPy and scipy.stats; correlation tests vs scipy.stats."""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mmlkit.stats import (
    covariance,
    describe,
    kurtosis,
    mean,
    median,
    mode,
    pearsonr,
    quantile,
    rankdata,
    skew,
    spearmanr,
    std,
    var,
)

SEEDS = range(3)
SHAPES = [(1,), (2,), (17,), (40, 3), (5, 4, 6)]


def data(shape, seed, kind="normal"):
    rng = np.random.default_rng(seed)
    if kind == "ties":
        return rng.integers(0, 4, size=shape).astype(float)
    if kind == "offset":  # large offset, small spread: naive formulas cancel
        return 1e9 + rng.normal(size=shape)
    return rng.standard_exponential(size=shape) * 3 - 1


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", ["normal", "ties", "offset"])
def test_location_and_spread_match_numpy(seed, shape, kind):
    x = data(shape, seed, kind)
    rtol = 1e-9 if kind == "offset" else 1e-12
    for axis in [None, *range(x.ndim)]:
        n_ax = x.size if axis is None else x.shape[axis]
        # a sum of n terms in any order is off by at most ~n ε Σ|xᵢ|: relative to the mean only when
        # nothing cancels (a mean near 0 of ±1 data is the worst case), so the bound is absolute
        np.testing.assert_allclose(mean(x, axis), np.mean(x, axis), rtol=1e-14,
                                   atol=n_ax * np.finfo(float).eps * np.max(np.abs(x), initial=0.0))
        np.testing.assert_allclose(var(x, axis), np.var(x, axis), rtol=rtol, atol=1e-300)
        np.testing.assert_allclose(std(x, axis), np.std(x, axis), rtol=rtol, atol=1e-300)
        np.testing.assert_allclose(median(x, axis), np.median(x, axis), rtol=1e-14)
        n = x.size if axis is None else x.shape[axis]
        if n > 1:
            np.testing.assert_allclose(var(x, axis, ddof=1), np.var(x, axis, ddof=1), rtol=rtol)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("method", ["linear", "lower", "higher", "nearest", "midpoint"])
def test_quantile_matches_numpy(seed, method):
    x = data((37, 4), seed, "ties" if seed == 2 else "normal")
    for q in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0, [0.05, 0.5, 0.999]]:
        for axis in (None, 0, 1):
            np.testing.assert_allclose(quantile(x, q, axis, method=method),
                                       np.quantile(x, q, axis=axis, method=method), rtol=1e-14)
    assert quantile([2.0, 1.0, 4.0, 3.0], 1.0) == 4.0
    # q = 0.5 with n = 2 is the midpoint of a tie under "nearest": NumPy rounds to the even index
    assert quantile([1.0, 3.0], 0.5, method="nearest") == np.quantile([1.0, 3.0], 0.5, method="nearest")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(17,), (40, 3), (5, 4, 6)])
@pytest.mark.parametrize("bias", [True, False])
def test_shape_statistics_match_scipy(seed, shape, bias):
    x = data(shape, seed)
    for axis in range(x.ndim):
        if not bias and x.shape[axis] < 4:
            continue  # SciPy silently returns the biased value there; we raise (tested below)
        np.testing.assert_allclose(skew(x, axis, bias=bias), scipy.stats.skew(x, axis, bias=bias), rtol=1e-10)
        for fisher in (True, False):
            np.testing.assert_allclose(kurtosis(x, axis, fisher=fisher, bias=bias),
                                       scipy.stats.kurtosis(x, axis, fisher=fisher, bias=bias), rtol=1e-10)
        ours, ref = describe(x, axis, bias=bias), scipy.stats.describe(x, axis, bias=bias)
        assert ours.nobs == ref.nobs
        for a, b in zip(ours[1:], ref[1:]):
            np.testing.assert_allclose(a, b, rtol=1e-10)


def test_constant_data_has_nan_shape_statistics():
    x = np.full(6, 2.5)
    assert math.isnan(skew(x)) and math.isnan(kurtosis(x))
    assert var(x) == 0.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(1,), (25,), (30, 4), (6, 5, 3)])
def test_mode_matches_scipy(seed, shape):
    x = data(shape, seed, "ties")
    for axis in [None, *range(x.ndim)]:
        ours, ref = mode(x, axis), scipy.stats.mode(x, axis=axis)
        np.testing.assert_array_equal(ours.mode, ref.mode)
        np.testing.assert_array_equal(ours.count, ref.count)


def test_mode_of_distinct_values_is_the_smallest():
    assert mode([3.0, 1.0, 2.0]) == (1.0, 1)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(2, 1), (10, 3), (200, 7)])
@pytest.mark.parametrize("ddof", [0, 1])
def test_covariance_matches_numpy(seed, shape, ddof):
    X = data(shape, seed, "offset" if seed == 1 else "normal")
    C = covariance(X, ddof=ddof)
    np.testing.assert_allclose(C, np.atleast_2d(np.cov(X, rowvar=False, ddof=ddof)), rtol=1e-8, atol=1e-12)
    np.testing.assert_array_equal(C, C.T)
    x, y = X[:, 0], X[:, -1] ** 2
    np.testing.assert_allclose(covariance(x, y), np.cov(x, y), rtol=1e-8, atol=1e-12)


def test_rankdata_matches_scipy():
    for seed in SEEDS:
        x = data((50,), seed, "ties")
        np.testing.assert_array_equal(rankdata(x), scipy.stats.rankdata(x))
    np.testing.assert_array_equal(rankdata([5.0]), [1.0])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n", [3, 4, 10, 200])
@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
def test_correlations_match_scipy(seed, n, alternative):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 0.3 * x + rng.normal(size=n)
    if seed == 3:
        x, y = np.round(x), np.round(y * 2)  # ties
        y[0] += 0.5
    ours, ref = pearsonr(x, y, alternative=alternative), scipy.stats.pearsonr(x, y, alternative=alternative)
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-12, abs=1e-15)
    # p depends on 1 − r²: near |r| = 1 a last-bit difference in r is amplified by 1/(1 − |r|)
    rel = max(1e-10, 1e-15 / max(1 - abs(ref.statistic), 1e-300))
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=rel, abs=1e-15)
    assert ours.df == n - 2
    if n > 3:
        for level in (0.9, 0.95):
            np.testing.assert_allclose(ours.confidence_interval(level),
                                       ref.confidence_interval(level), rtol=1e-10)
    s_ours, s_ref = spearmanr(x, y, alternative=alternative), scipy.stats.spearmanr(x, y, alternative=alternative)
    assert s_ours.statistic == pytest.approx(s_ref.statistic, rel=1e-12, abs=1e-15)
    rel = max(1e-10, 1e-15 / max(1 - abs(s_ref.statistic), 1e-300))
    assert s_ours.pvalue == pytest.approx(s_ref.pvalue, rel=rel, abs=1e-15)


def test_perfect_and_two_point_correlations():
    x = np.arange(6.0)
    r = pearsonr(x, 2 * x + 1)
    assert r.statistic == 1.0 and r.pvalue == 0.0
    assert pearsonr([1.0, 2.0], [3.0, 1.0]).pvalue == 1.0
    assert spearmanr(x, np.exp(x)).statistic == 1.0


@given(arrays(np.float64, st.integers(2, 40), elements=st.floats(-1e6, 1e6)))
def test_property_variance_shift_invariant_and_nonnegative(x):
    v = var(x)
    assert v >= 0
    np.testing.assert_allclose(var(x + 1234.5), v, rtol=1e-6, atol=1e-6 * (1 + np.abs(x).max()))
    assert quantile(x, 0.0) == x.min() and quantile(x, 1.0) == x.max()
    assert x.min() <= median(x) <= x.max()


@given(arrays(np.float64, st.integers(3, 30), elements=st.floats(-100, 100)),
       arrays(np.float64, 30, elements=st.floats(-100, 100)))
def test_property_correlation_bounds(x, y):
    y = y[: x.size]
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return
    r = pearsonr(x, y)
    assert -1.0 <= r.statistic <= 1.0 and 0.0 <= r.pvalue <= 1.0
    assert pearsonr(x, -2 * x).statistic == pytest.approx(-1.0)  # exact scaling keeps x non-constant


@pytest.mark.parametrize("call, match", [
    (lambda: mean([]), "empty"),
    (lambda: mean([1.0, np.nan]), "finite"),
    (lambda: mean([[1.0]], axis=2), "axis"),
    (lambda: var([1.0], ddof=1), "degrees of freedom"),
    (lambda: var([1.0, 2.0], ddof=-1), "ddof"),
    (lambda: quantile([1.0, 2.0], 1.5), r"\[0, 1\]"),
    (lambda: quantile([1.0, 2.0], 0.5, method="weibull"), "method"),
    (lambda: skew([1.0, 2.0], bias=False), "3 observations"),
    (lambda: kurtosis([1.0, 2.0, 3.0], bias=False), "4 observations"),
    (lambda: covariance(np.ones((2, 2, 2))), "X must be"),
    (lambda: covariance([1.0, 2.0], [1.0]), "same number of rows"),
    (lambda: covariance([[1.0, 2.0]]), "degrees of freedom"),
    (lambda: pearsonr([1.0, 2.0, 3.0], [1.0, 1.0, 1.0]), "constant"),
    (lambda: pearsonr([1.0, 2.0, 3.0], [1.0, 2.0]), "same length"),
    (lambda: pearsonr([1.0], [1.0]), "at least 2"),
    (lambda: pearsonr([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], alternative="bigger"), "alternative"),
    (lambda: pearsonr([1.0, 2.0, 3.0], [1.0, 3.0, 2.0]).confidence_interval(0.95), "4 observations"),
    (lambda: pearsonr(np.arange(5.0), [1.0, 3.0, 2.0, 5, 4]).confidence_interval(1.5), "level"),
    (lambda: mode(["a", "b"]), "numeric"),
])
def test_invalid_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_inputs_not_modified():
    x = data((20, 3), 0)
    x0 = x.copy()
    quantile(x, [0.1, 0.9], axis=0), mode(x), covariance(x), describe(x), median(x)
    np.testing.assert_array_equal(x, x0)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(17,), (40, 3), (5, 4, 6)])
def test_sem_zscore_iqr_match_scipy(seed, shape):
    from mmlkit.stats import iqr, sem, zscore

    x = data(shape, seed, "offset" if seed == 2 else "normal")
    for axis in range(x.ndim):
        np.testing.assert_allclose(sem(x, axis), scipy.stats.sem(x, axis), rtol=1e-9)
        np.testing.assert_allclose(sem(x, axis, ddof=0), scipy.stats.sem(x, axis, ddof=0), rtol=1e-9)
        np.testing.assert_allclose(zscore(x, axis), scipy.stats.zscore(x, axis), rtol=1e-7, atol=1e-9)
        # a difference of two order statistics: rounding of each is eps·max|x| (large for offset data)
        scale = 4 * np.finfo(float).eps * np.abs(x).max()
        np.testing.assert_allclose(iqr(x, axis), scipy.stats.iqr(x, axis), rtol=1e-12, atol=scale)
    np.testing.assert_allclose(zscore(x, None, ddof=1), scipy.stats.zscore(x, None, ddof=1), rtol=1e-7, atol=1e-9)
    assert iqr(x) == pytest.approx(scipy.stats.iqr(x), rel=1e-12, abs=scale)


def test_zscore_of_constant_data_is_nan():
    from mmlkit.stats import zscore

    assert np.isnan(zscore([2.0, 2.0, 2.0])).all()
    with pytest.raises(ValueError, match="scalar"):
        zscore(3.0)
