"""Statistics: describing data, testing hypotheses, estimating with uncertainty.

The autocorrelation function ``acf``. Descriptive statistics (``mean``, ``median``, ``mode``, ``var``, ``std``,
``quantile``, ``skew``, ``kurtosis``, ``describe``, ``covariance``,
``pearsonr``, ``spearmanr``), the streaming ``RunningStats``, hypothesis
tests returning small named results (``statistic``, ``pvalue``, ``df``,
``confidence_interval(level)``), resampling (``permutation_test``,
``bootstrap_ci``), and estimation (``confidence_interval``, ``mle``). All
p-values and quantiles come from ``mmlkit.probability``; ``scipy.stats`` is
only the tests' oracle.
"""

from mmlkit.stats._results import ConfidenceInterval, TestResult, TTestResult, ZTestResult
from mmlkit.stats.association import PearsonRResult, covariance, pearsonr, rankdata, spearmanr
from mmlkit.stats.autocorrelation import acf
from mmlkit.stats.descriptive import ModeResult, iqr, mean, median, mode, quantile, sem, std, var, zscore
from mmlkit.stats.estimation import confidence_interval, mle
from mmlkit.stats.resampling import BootstrapResult, PermutationTestResult, bootstrap_ci, permutation_test
from mmlkit.stats.running import RunningStats
from mmlkit.stats.shape import DescribeResult, describe, kurtosis, skew
from mmlkit.stats.testing import (
    chi2_contingency,
    chisquare,
    f_oneway,
    mcnemar,
    ttest_1samp,
    ttest_ind,
    ttest_rel,
    ztest,
)

__all__ = [
    "BootstrapResult",
    "ConfidenceInterval",
    "DescribeResult",
    "ModeResult",
    "PearsonRResult",
    "PermutationTestResult",
    "RunningStats",
    "TTestResult",
    "TestResult",
    "ZTestResult",
    "acf",
    "bootstrap_ci",
    "chi2_contingency",
    "chisquare",
    "confidence_interval",
    "covariance",
    "describe",
    "f_oneway",
    "iqr",
    "kurtosis",
    "mcnemar",
    "mean",
    "median",
    "mle",
    "mode",
    "pearsonr",
    "permutation_test",
    "quantile",
    "rankdata",
    "sem",
    "skew",
    "spearmanr",
    "std",
    "ttest_1samp",
    "ttest_ind",
    "ttest_rel",
    "var",
    "ztest",
    "zscore",
]
