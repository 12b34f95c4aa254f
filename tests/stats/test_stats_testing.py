"""t, z, χ² and McNemar tests vs scipy.stats at 1e-10."""

import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mmlkit.stats import (
    TTestResult,
    chi2_contingency,
    chisquare,
    confidence_interval,
    mcnemar,
    ttest_1samp,
    ttest_ind,
    ttest_rel,
    ztest,
)

ALTERNATIVES = ["two-sided", "less", "greater"]
TOL = dict(rel=1e-10, abs=1e-300)


def close(a, b, rel=1e-10):
    np.testing.assert_allclose(a, b, rtol=rel, atol=0)


def samples(seed, n1, n2, shift=0.4, scale2=2.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n1), shift + scale2 * rng.normal(size=n2)


def check_t(ours, ref, levels=(0.95, 0.8)):
    assert isinstance(ours, TTestResult)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    close(ours.df, ref.df)
    for level in levels:
        close(ours.confidence_interval(level), ref.confidence_interval(level))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n1, n2", [(2, 2), (5, 30), (30, 30), (400, 7)])
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("equal_var", [True, False])
def test_ttest_ind_matches_scipy(seed, n1, n2, alternative, equal_var):
    a, b = samples(seed, n1, n2)
    check_t(ttest_ind(a, b, equal_var=equal_var, alternative=alternative),
            scipy.stats.ttest_ind(a, b, equal_var=equal_var, alternative=alternative))
    # lists and int data take the general path and agree with the lean one
    ours_list = ttest_ind(list(a), list(b), equal_var=equal_var, alternative=alternative)
    close(ours_list.pvalue, ttest_ind(a, b, equal_var=equal_var, alternative=alternative).pvalue, rel=1e-13)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n", [2, 9, 100])
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_one_sample_and_paired_match_scipy(seed, n, alternative):
    a, b = samples(seed, n, n, scale2=0.3)
    b = a + b
    for popmean in (0.0, 0.7):
        check_t(ttest_1samp(a, popmean, alternative=alternative),
                scipy.stats.ttest_1samp(a, popmean, alternative=alternative))
    check_t(ttest_rel(a, b, alternative=alternative), scipy.stats.ttest_rel(a, b, alternative=alternative))


def test_extreme_t_statistics_keep_tiny_pvalues():
    a = np.linspace(0, 1, 50)
    b = a + 100.0
    ours, ref = ttest_ind(a, b), scipy.stats.ttest_ind(a, b)
    close(ours.pvalue, ref.pvalue, rel=1e-9)
    assert 0 < ours.pvalue < 1e-100
    assert ttest_ind(a, b, alternative="greater").pvalue == pytest.approx(1.0)


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("equal_var", [True, False])
def test_batched_tests_along_an_axis(axis, equal_var):
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=(12, 4)), rng.normal(0.3, 1.5, size=(9, 4))
    if axis != 0:
        a, b = a.T, b.T
    ours = ttest_ind(a, b, equal_var=equal_var, axis=axis)
    ref = scipy.stats.ttest_ind(a, b, equal_var=equal_var, axis=axis)
    close(ours.statistic, ref.statistic)
    close(ours.pvalue, ref.pvalue)
    close(ours.df, ref.df)
    close(np.array(ours.confidence_interval()), np.array(ref.confidence_interval()))
    c = a[:9] if axis == 0 else a[:, :9]
    for ours, ref in [(ttest_1samp(a, 0.1, axis=axis), scipy.stats.ttest_1samp(a, 0.1, axis=axis)),
                      (ttest_rel(c, b, axis=axis), scipy.stats.ttest_rel(c, b, axis=axis))]:
        close(ours.statistic, ref.statistic)
        close(ours.pvalue, ref.pvalue)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_ztest_matches_normal_reference(seed, alternative):
    a, b = samples(seed, 40, 25)
    norm = scipy.stats.norm

    def pval(z):
        return {"two-sided": 2 * norm.sf(abs(z)), "greater": norm.sf(z), "less": norm.cdf(z)}[alternative]

    # one sample, known sigma
    z = (a.mean() - 0.1) / (1.3 / math.sqrt(40))
    res = ztest(a, value=0.1, sigma=1.3, alternative=alternative)
    close(res.statistic, z)
    close(res.pvalue, pval(z))
    if alternative == "two-sided":
        close(res.confidence_interval(0.9), norm.interval(0.9, loc=a.mean(), scale=1.3 / math.sqrt(40)))
    # one sample, estimated sigma
    z = a.mean() / (a.std(ddof=1) / math.sqrt(40))
    close(ztest(a, alternative=alternative).pvalue, pval(z))
    # two samples: pooled, unequal, known sigmas
    sp2 = (39 * a.var(ddof=1) + 24 * b.var(ddof=1)) / 63
    z = (a.mean() - b.mean()) / math.sqrt(sp2 * (1 / 40 + 1 / 25))
    close(ztest(a, b, alternative=alternative).statistic, z)
    z = (a.mean() - b.mean()) / math.sqrt(a.var(ddof=1) / 40 + b.var(ddof=1) / 25)
    close(ztest(a, b, usevar="unequal", alternative=alternative).pvalue, pval(z))
    z = (a.mean() - b.mean() - 0.2) / math.sqrt(1 / 40 + 4 / 25)
    close(ztest(a, b, value=0.2, sigma=[1.0, 2.0], alternative=alternative).pvalue, pval(z))


@pytest.mark.parametrize("table", [
    [[10, 20], [20, 10]],
    [[3, 0], [1, 7]],            # Yates correction capped at |O - E|
    [[12.5, 12.5], [12.5, 12.5]],  # O == E: no correction, statistic 0
    [[5, 9, 13], [7, 2, 30], [1, 1, 4]],
    [[100, 2000, 3], [200, 1000, 9]],
    [[[4, 5], [6, 2]], [[3, 9], [8, 1]]],  # three-way table
    [[1, 2, 3, 4]],  # one row: no degrees of freedom
])
@pytest.mark.parametrize("correction", [True, False])
def test_chi2_contingency_matches_scipy(table, correction):
    ours = chi2_contingency(table, correction=correction)
    ref = scipy.stats.chi2_contingency(table, correction=correction)
    close(ours.statistic, ref.statistic, rel=1e-12) if ref.statistic else None
    assert ours.statistic == pytest.approx(ref.statistic, rel=1e-12, abs=1e-14)
    assert ours.pvalue == pytest.approx(ref.pvalue, **TOL)
    assert ours.df == ref.dof
    close(ours.expected_freq, ref.expected_freq, rel=1e-13)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("ddof", [0, 1])
def test_chisquare_matches_scipy(seed, ddof):
    rng = np.random.default_rng(seed)
    obs = rng.integers(5, 50, size=6).astype(float)
    exp = rng.dirichlet(np.ones(6)) * obs.sum()
    for ours, ref in [(chisquare(obs, ddof=ddof), scipy.stats.chisquare(obs, ddof=ddof)),
                      (chisquare(obs, exp, ddof=ddof), scipy.stats.chisquare(obs, exp, ddof=ddof))]:
        close(ours.statistic, ref.statistic, rel=1e-12)
        close(ours.pvalue, ref.pvalue)
    table = rng.integers(1, 30, size=(5, 3)).astype(float)
    ours, ref = chisquare(table, axis=0), scipy.stats.chisquare(table, axis=0)
    close(ours.statistic, ref.statistic, rel=1e-12)
    close(ours.pvalue, ref.pvalue)
    assert ours.df == 4


@pytest.mark.parametrize("b, c", [(3, 12), (12, 3), (0, 5), (7, 7), (1, 0), (40, 60), (400, 330), (0, 0)])
def test_mcnemar_exact_matches_binomtest(b, c):
    table = [[20, b], [c, 15]]
    res = mcnemar(table)
    ref = scipy.stats.binomtest(b, b + c, 0.5).pvalue if b + c else 1.0
    assert res.pvalue == pytest.approx(ref, **TOL)
    assert res.statistic == min(b, c) and res.df is None


@pytest.mark.parametrize("b, c", [(3, 12), (12, 3), (0, 5), (7, 7), (40, 60), (400, 330)])
@pytest.mark.parametrize("correction", [True, False])
def test_mcnemar_asymptotic_matches_chi2(b, c, correction):
    stat = (abs(b - c) - (1 if correction else 0)) ** 2 / (b + c)
    res = mcnemar([[20, b], [c, 15]], exact=False, correction=correction)
    assert res.statistic == pytest.approx(stat, rel=1e-14)
    assert res.pvalue == pytest.approx(scipy.stats.chi2.sf(stat, 1), **TOL)
    assert res.df == 1


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("level", [0.5, 0.9, 0.99])
def test_confidence_interval_matches_scipy(seed, level):
    x = np.random.default_rng(seed).gamma(2.0, size=17)
    sem = x.std(ddof=1) / math.sqrt(x.size)
    close(confidence_interval(x, level), scipy.stats.t.interval(level, x.size - 1, loc=x.mean(), scale=sem))
    close(confidence_interval(x, level, method="z"), scipy.stats.norm.interval(level, loc=x.mean(), scale=sem))
    close(confidence_interval(x, level, method="z", sigma=2.0),
          scipy.stats.norm.interval(level, loc=x.mean(), scale=2.0 / math.sqrt(x.size)))
    close(confidence_interval(x, level), ttest_1samp(x).confidence_interval(level))


def test_t_interval_coverage_by_simulation():
    # a 90 % interval should cover the true mean of normal data about 90 % of the time
    rng = np.random.default_rng(0)
    hits = sum(lo <= 1.0 <= hi for lo, hi in (confidence_interval(rng.normal(1.0, 2.0, 8), 0.9) for _ in range(2000)))
    assert abs(hits / 2000 - 0.9) < 0.02  # 3.0 binomial standard errors


grid = st.integers(-8000, 8000).map(lambda i: i / 8)  # no subnormal spreads that underflow to zero variance


@given(arrays(np.float64, st.integers(2, 30), elements=grid), arrays(np.float64, st.integers(2, 30), elements=grid))
def test_property_pvalues_in_unit_interval_and_tails_complement(a, b):
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        return
    for equal_var in (True, False):
        if not equal_var and (np.ptp(a) == 0 or np.ptp(b) == 0):
            continue
        two = ttest_ind(a, b, equal_var=equal_var)
        less = ttest_ind(a, b, equal_var=equal_var, alternative="less")
        greater = ttest_ind(a, b, equal_var=equal_var, alternative="greater")
        assert 0.0 <= two.pvalue <= 1.0
        assert less.pvalue + greater.pvalue == pytest.approx(1.0, abs=1e-12)
        assert two.pvalue == pytest.approx(min(1.0, 2 * min(less.pvalue, greater.pvalue)), abs=1e-12)


def test_result_objects_unpack_and_print():
    a, b = samples(0, 10, 10)
    stat, p = ttest_ind(a, b)
    assert (stat, p) == (ttest_ind(a, b).statistic, ttest_ind(a, b).pvalue)
    assert "pvalue=" in repr(ttest_ind(a, b)) and "df=" in repr(chi2_contingency([[1, 2], [3, 4]]))
    lo, hi = ttest_ind(a, b, alternative="less").confidence_interval()
    assert lo == -math.inf and math.isfinite(hi)


@pytest.mark.parametrize("call, match", [
    (lambda: ttest_ind([1.0], [1.0, 2.0]), "at least 2"),
    (lambda: ttest_ind([1.0, 2.0], [np.nan, 2.0]), "finite"),
    (lambda: ttest_ind(np.array([1.0, np.inf]), np.array([1.0, 2.0])), "finite"),
    (lambda: ttest_ind(np.ones(3), np.ones(4)), "zero variance"),
    (lambda: ttest_ind([1.0, 2.0], [1.0, 3.0], alternative="two_sided"), "alternative"),
    (lambda: ttest_ind(np.ones((3, 2)), np.ones((3, 3))), "agree"),
    (lambda: ttest_ind([1.0, 2.0], [1.0, 3.0], axis=1), "axis"),
    (lambda: ttest_1samp(3.0), "scalar"),
    (lambda: ttest_1samp([2.0, 2.0, 2.0]), "zero variance"),
    (lambda: ttest_rel([1.0, 2.0], [1.0, 2.0, 3.0]), "same shape"),
    (lambda: ttest_ind([1.0, 2.0], [1.0, 3.0]).confidence_interval(95), "level"),
    (lambda: ztest([1.0, 2.0], sigma=-1.0), "sigma"),
    (lambda: ztest([1.0, 2.0], usevar="welch"), "usevar"),
    (lambda: ztest([1.0, 1.0]), "zero variance"),
    (lambda: ztest([1.0]), "ddof"),
    (lambda: chi2_contingency([[1, -2], [3, 4]]), "non-negative"),
    (lambda: chi2_contingency([[0, 0], [3, 4]]), "empty margin"),
    (lambda: chisquare([1, 2, 3], [1, 2, 4]), "same total"),
    (lambda: chisquare([1, 2, 3], [0, 3, 3]), "positive"),
    (lambda: chisquare([1, 2], ddof=1), "degrees of freedom"),
    (lambda: chisquare([-1, 2, 3]), "non-negative"),
    (lambda: mcnemar([[1, 2, 3], [4, 5, 6]]), "2 x 2"),
    (lambda: mcnemar([[1, 2.5], [3, 4]]), "integer"),
    (lambda: mcnemar([[1, 0], [0, 4]], exact=False), "discordant"),
    (lambda: confidence_interval([1.0, 2.0], level=1.0), "level"),
    (lambda: confidence_interval([1.0, 2.0], sigma=1.0), "method='z'"),
    (lambda: confidence_interval([1.0]), "at least 2"),
    (lambda: confidence_interval([1.0, 2.0], method="wald"), "method"),
])
def test_invalid_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_inputs_not_modified():
    a, b = samples(1, 10, 12)
    a0, b0 = a.copy(), b.copy()
    ttest_ind(a, b), ttest_rel(a, b[:10]), ttest_1samp(a), ztest(a, b)
    table = np.array([[3.0, 0.0], [1.0, 7.0]])
    chi2_contingency(table)
    np.testing.assert_array_equal(a, a0)
    np.testing.assert_array_equal(b, b0)
    np.testing.assert_array_equal(table, [[3.0, 0.0], [1.0, 7.0]])


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("sizes", [(2, 3), (5, 8, 13), (40, 1, 7, 9)])
def test_f_oneway_matches_scipy(seed, sizes):
    from mmlkit.stats import f_oneway

    rng = np.random.default_rng(seed)
    groups = [rng.normal(0.3 * i, 1.0 + 0.2 * i, size=n) for i, n in enumerate(sizes)]
    ours, ref = f_oneway(*groups), scipy.stats.f_oneway(*groups)
    close(ours.statistic, ref.statistic, rel=1e-11)
    close(ours.pvalue, ref.pvalue)
    assert ours.df == (len(sizes) - 1, sum(sizes) - len(sizes))
    if len(sizes) == 2:  # F = t² for two groups
        close(ours.statistic, ttest_ind(*groups).statistic ** 2, rel=1e-11)


def test_f_oneway_errors():
    from mmlkit.stats import f_oneway

    with pytest.raises(ValueError, match="two samples"):
        f_oneway([1.0, 2.0])
    with pytest.raises(ValueError, match="degrees of freedom"):
        f_oneway([1.0], [2.0])
    with pytest.raises(ValueError, match="zero within-group"):
        f_oneway([1.0, 1.0], [2.0, 2.0])
    with pytest.raises(ValueError, match="empty"):
        f_oneway([1.0, 2.0], [])
