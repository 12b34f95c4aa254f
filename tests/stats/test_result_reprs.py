"""Results print as plain numbers: a t-test shows its estimate and 95 % interval; intervals are floats."""

import numpy as np

from mmlkit.stats import ttest_1samp, ttest_ind
from mmlkit.stats._results import ConfidenceInterval


def test_ttest_repr_shows_estimate_and_confidence_interval():
    x = np.random.default_rng(0).normal(0.3, 1.0, 30)
    r = ttest_1samp(x, 0.0)
    low, high = r.confidence_interval(0.95)
    text = repr(r)
    assert "np.float64" not in text
    assert f"estimate={float(r.estimate)!r}" in text
    assert f"confidence_interval_95=({float(low)!r}, {float(high)!r})" in text
    assert text.startswith(f"TTestResult(statistic={float(r.statistic)!r}, pvalue={float(r.pvalue)!r}, df=29.0")


def test_one_sided_ttest_repr_shows_the_one_sided_interval():
    x = np.random.default_rng(1).normal(size=20)
    assert "confidence_interval_95=(-inf, " in repr(ttest_ind(x, x + 1, alternative="less"))


def test_confidence_interval_prints_plain_floats():
    ci = ConfidenceInterval(np.float64(0.25), np.float64(1.5))
    assert repr(ci) == "ConfidenceInterval(low=0.25, high=1.5)"
    assert ci == (0.25, 1.5) and ci.low == 0.25
    assert "np.float64" not in repr(ttest_1samp(np.arange(5.0), 1.0).confidence_interval())
