"""Association between variables: covariance, ranks, Pearson's and Spearman's correlations."""

from __future__ import annotations

import math

import numpy as np

from mmlkit._validation import as_float_array, check_finite, validate_args
from mmlkit.probability._functions import normal_ppf, t_cdf, t_sf
from mmlkit.stats._results import ALTERNATIVE, DDOF, LEVEL, ConfidenceInterval, TestResult
from mmlkit.stats._scaled import centred
from mmlkit.stats.descriptive import _sum_of_squares

__all__ = ["PearsonRResult", "covariance", "pearsonr", "rankdata", "spearmanr"]


@validate_args(DDOF)
def covariance(X, y=None, ddof: int = 1):
    """Covariance matrix of the columns of X (rows are observations).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features) or (n_samples,)
        Observations in rows, variables in columns.
    y : array_like of shape (n_samples,) or (n_samples, n_y), optional
        Extra variables, appended as columns (``covariance(x, y)`` gives the
        2 × 2 matrix of two variables, as ``numpy.cov(x, y)``).
    ddof : int, default=1
        Delta degrees of freedom: the divisor is ``n − ddof`` (1 gives the
        unbiased estimate, as ``numpy.cov``).

    Returns
    -------
    ndarray of shape (n_features, n_features)

    Notes
    -----
    ``S = X_cᵀ X_c / (n − ddof)`` with ``X_c`` the column-centred data: one
    BLAS matrix product, O(n d²); the result is symmetrised exactly.

    Examples
    --------
    >>> covariance([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
    array([[1., 2.],
           [2., 4.]])
    """
    X = as_float_array(X, "X", ndim=(1, 2))
    if X.ndim == 1:
        X = X[:, None]
    if y is not None:
        y = as_float_array(y, "y", ndim=(1, 2))
        if y.shape[0] != X.shape[0]:
            raise ValueError(f"X and y must have the same number of rows, got {X.shape[0]} and {y.shape[0]}")
        X = np.column_stack([X, y])
    n = X.shape[0]
    if n - ddof <= 0:
        raise ValueError(f"ddof={ddof} leaves no degrees of freedom for {n} observation(s)")
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / (n - ddof)
    return 0.5 * (S + S.T)


def rankdata(x):
    """Ranks 1..n of a 1-D sample, ties given their average rank (``scipy.stats.rankdata``).

    Parameters
    ----------
    x : array_like of shape (n,)

    Returns
    -------
    ndarray of shape (n,)

    Notes
    -----
    A stable argsort, then each run of equal values gets the mean of the
    positions it spans: ``(first + last)/2 + 1``. O(n log n).

    Examples
    --------
    >>> rankdata([10, 20, 20, 5])
    array([2. , 3.5, 3.5, 1. ])
    """
    x = as_float_array(x, "x", ndim=1)
    order = np.argsort(x, kind="stable")
    s = x[order]
    n = s.size
    is_start = np.ones(n, dtype=bool)
    is_start[1:] = s[1:] != s[:-1]
    run = np.cumsum(is_start) - 1
    starts = np.flatnonzero(is_start)
    ends = np.append(starts[1:], n) - 1
    ranks = np.empty(n)
    ranks[order] = 0.5 * (starts + ends)[run] + 1.0
    return ranks


class PearsonRResult(TestResult):
    """Correlation test result: ``statistic`` (r), ``pvalue``, ``df`` and ``confidence_interval(level)``."""

    __slots__ = ("n", "alternative")

    def __init__(self, statistic, pvalue, df, n, alternative):
        super().__init__(statistic, pvalue, df)
        self.n = n
        self.alternative = alternative

    @validate_args(LEVEL)
    def confidence_interval(self, level: float = 0.95) -> ConfidenceInterval:
        """Confidence interval for the population correlation by Fisher's z-transform.

        Parameters
        ----------
        level : float, default=0.95

        Notes
        -----
        ``z = artanh r`` is approximately normal with standard error
        ``1/√(n − 3)``; the interval ``z ± z_{(1+level)/2} / √(n − 3)`` is mapped
        back with ``tanh`` (one-sided for one-sided tests, as SciPy).
        """
        if self.n <= 3:
            raise ValueError("the Fisher confidence interval needs at least 4 observations")
        z = math.atanh(self.statistic) if abs(self.statistic) < 1 else math.copysign(math.inf, self.statistic)
        se = 1.0 / math.sqrt(self.n - 3)
        if self.alternative == "two-sided":
            c = float(normal_ppf(0.5 + 0.5 * level))
            return ConfidenceInterval(math.tanh(z - c * se), math.tanh(z + c * se))
        c = float(normal_ppf(level))
        if self.alternative == "less":
            return ConfidenceInterval(-1.0, math.tanh(z + c * se))
        return ConfidenceInterval(math.tanh(z - c * se), 1.0)


def _paired(x, y):
    x = as_float_array(x, "x", ndim=1, finite=False)
    y = as_float_array(y, "y", ndim=1, finite=False)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}")
    if x.size < 2:
        raise ValueError("x and y must have at least 2 observations")
    return x, y


def _correlation_test(r, n, alternative):
    """p-value of H₀: ρ = 0 from t = r √((n − 2)/(1 − r²)) ~ t_{n−2}."""
    df = n - 2
    if df == 0:
        return 1.0  # two points are always perfectly correlated
    if abs(r) == 1.0:
        t = math.copysign(math.inf, r)
    else:
        t = r * math.sqrt(df / ((1.0 - r) * (1.0 + r)))
    if alternative == "two-sided":
        return min(1.0, 2.0 * float(t_sf(abs(t), df)))
    if alternative == "greater":
        return float(t_sf(t, df))
    return float(t_cdf(t, df))


@validate_args(ALTERNATIVE)
def pearsonr(x, y, alternative: str = "two-sided") -> PearsonRResult:
    """Pearson's correlation coefficient and the test of zero correlation.

    Parameters
    ----------
    x, y : array_like of shape (n,)
        Paired samples, n ≥ 2.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        The alternative to ρ = 0.

    Returns
    -------
    PearsonRResult
        ``statistic`` r, ``pvalue``, ``df = n − 2``, ``confidence_interval(level)``.

    Raises
    ------
    ValueError
        If either sample is constant (r is undefined).

    Notes
    -----
    ``r = Σ (xᵢ − x̄)(yᵢ − ȳ) / √(Σ (xᵢ − x̄)² Σ (yᵢ − ȳ)²)``. Under bivariate
    normality and ρ = 0, ``t = r √((n − 2)/(1 − r²))`` has Student's t
    distribution with n − 2 degrees of freedom (equivalently SciPy's Beta
    form). O(n).

    Examples
    --------
    >>> round(pearsonr([1, 2, 3, 4], [1, 3, 2, 4]).statistic, 6)
    0.8
    """
    x, y = _paired(x, y)
    # deviations rescaled by powers of two, so that squares of tiny or huge values neither under- nor overflow
    (_, xc, _), (_, yc, _) = centred(x, None, "x"), centred(y, None, "y")
    for d, name in ((xc, "x"), (yc, "y")):
        if not d.any():
            raise ValueError(f"{name} must not be constant: the correlation coefficient is undefined")
    sxy = float(np.add.reduce(xc * yc))
    sxx, syy = float(_sum_of_squares(xc, None)), float(_sum_of_squares(yc, None))
    # one division by √(sxx syy) (not a product of two normalised vectors): exact ±1 for identical ranks
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    n = x.size
    return PearsonRResult(r, _correlation_test(r, n, alternative), n - 2, n, alternative)


@validate_args(ALTERNATIVE)
def spearmanr(x, y, alternative: str = "two-sided") -> PearsonRResult:
    """Spearman's rank correlation and its test of zero correlation.

    Parameters
    ----------
    x, y : array_like of shape (n,)
        Paired samples, n ≥ 2.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"

    Returns
    -------
    PearsonRResult
        ``statistic`` ρ_s, ``pvalue`` (t approximation with n − 2 degrees of
        freedom, as SciPy), ``df``.

    Notes
    -----
    ρ_s is Pearson's r of the ranks (ties get average ranks); without ties
    it equals ``1 − 6 Σ dᵢ² / (n(n² − 1))``. O(n log n).

    Examples
    --------
    >>> spearmanr([1, 2, 3, 4], [1, 4, 9, 16]).statistic
    1.0
    """
    x, y = _paired(x, y)
    for arr, name in ((x, "x"), (y, "y")):
        check_finite(arr, name)  # ranks of NaN are meaningless: say which argument holds it
    return pearsonr(rankdata(x), rankdata(y), alternative=alternative)
