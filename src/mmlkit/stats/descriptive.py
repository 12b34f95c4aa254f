"""Descriptive statistics: location, spread, shape, and association.

Functions named as in NumPy (``mean``, ``median``, ``var``, ``std``,
``quantile``) reduce over ``axis=None`` (the whole array) by default, as
NumPy does; those named as in ``scipy.stats`` (``mode``, ``skew``,
``kurtosis``, ``describe``) reduce over ``axis=0``, as SciPy does. Variances
are population variances (``ddof=0``) unless ``ddof`` says otherwise.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from mmlkit._validation import as_float_array, check_finite, check_in, check_scalar
from mmlkit.probability._functions import normal_ppf, t_cdf, t_sf
from mmlkit.stats._results import ConfidenceInterval, TestResult, _check_alternative, _check_level

__all__ = [
    "DescribeResult",
    "ModeResult",
    "PearsonRResult",
    "covariance",
    "describe",
    "iqr",
    "kurtosis",
    "mean",
    "median",
    "mode",
    "pearsonr",
    "quantile",
    "rankdata",
    "sem",
    "skew",
    "spearmanr",
    "std",
    "var",
    "zscore",
]


def _data(x, name="x") -> np.ndarray:
    """Validated data whose finiteness is checked afterwards by :func:`_verified` (see there)."""
    return as_float_array(x, name, finite=False)


def _verified(result, x, name="x"):
    """Return ``result`` after making sure the data were finite.

    Every moment-based statistic (sums, means, variances, products) turns a
    NaN or infinity in its input into a non-finite result, so the data need a
    full ``isfinite`` pass only when the result is not finite — and then the
    pass raises the usual error (or, for an overflow or 0/0 on finite data,
    lets the result through). This saves a full pass over large arrays.
    """
    if not (math.isfinite(result) if isinstance(result, float) else np.all(np.isfinite(result))):
        check_finite(x, name)
    return result


def _sum_of_squares(d: np.ndarray, axis):
    """Σ d² along ``axis``, squaring in place (d is a temporary owned by the caller)."""
    np.multiply(d, d, out=d)
    return np.add.reduce(d, axis=axis)


def _check_axis(x: np.ndarray, axis, name="x"):
    if axis is None:
        return None
    if not isinstance(axis, (numbers.Integral, np.integer)) or not -x.ndim <= axis < max(x.ndim, 1):
        raise ValueError(f"axis={axis!r} is out of range for {name} with {x.ndim} dimension(s)")
    return int(axis)


def _scalar(a):
    return float(a) if isinstance(a, (float, np.floating)) or np.ndim(a) == 0 else a


# ----------------------------------------------------------------------------- location and spread
def mean(x, axis=None):
    """Arithmetic mean.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, optional
        Axis to reduce; ``None`` (the default) reduces the whole array.

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``x̄ = (1/n) Σᵢ xᵢ`` (pairwise summation, as ``numpy.sum``). O(n).

    Examples
    --------
    >>> mean([1.0, 2.0, 6.0])
    3.0
    """
    x = _data(x)
    axis = _check_axis(x, axis)
    n = x.size if axis is None else x.shape[axis]
    if n == 0:
        raise ValueError("x must not be empty along axis")
    # the pairwise sum NumPy's mean uses, without its Python wrapper
    return _scalar(_verified(np.add.reduce(x, axis=axis) / n, x))


def var(x, axis=None, ddof: int = 0):
    """Variance, ``ddof=0`` (the population variance) by default.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, optional
        Axis to reduce; ``None`` (the default) reduces the whole array.
    ddof : int, default=0
        Delta degrees of freedom: the divisor is ``n − ddof`` (1 gives the
        unbiased sample variance).

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``s² = Σᵢ (xᵢ − x̄)² / (n − ddof)``, two passes (the mean first, then the
    squared deviations) so that large offsets do not cancel. O(n).

    Examples
    --------
    >>> var([1.0, 2.0, 3.0, 4.0])
    1.25
    """
    x = _data(x)
    axis = _check_axis(x, axis)
    n = x.size if axis is None else x.shape[axis]
    check_scalar(ddof, "ddof", kind=numbers.Integral, low=0)
    if n - ddof <= 0:
        raise ValueError(f"ddof={ddof} leaves no degrees of freedom for {n} observation(s)")
    d = x - np.add.reduce(x, axis=axis, keepdims=True) / n
    ss = _sum_of_squares(d, axis)
    return _scalar(_verified(ss / (n - ddof), x))


def std(x, axis=None, ddof: int = 0):
    """Standard deviation, the square root of :func:`var` (``ddof=0`` by default).

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, optional
        Axis to reduce; ``None`` (the default) reduces the whole array.
    ddof : int, default=0
        Delta degrees of freedom.

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``s = √(Σᵢ (xᵢ − x̄)² / (n − ddof))``. O(n).

    Examples
    --------
    >>> std([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0])
    2.0
    """
    return _scalar(np.sqrt(var(x, axis=axis, ddof=ddof)))


def sem(x, axis: int | None = 0, ddof: int = 1):
    """Standard error of the mean, as ``scipy.stats.sem``.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int or None, default=0
        Axis to reduce; ``None`` uses the flattened array.
    ddof : int, default=1
        Delta degrees of freedom of the standard deviation.

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``SE(x̄) = s / √n`` with ``s`` the standard deviation (``ddof`` = 1: the
    unbiased variance). O(n).

    Examples
    --------
    >>> sem([1.0, 2.0, 3.0, 4.0])
    0.6454972243679028
    """
    x = _data(x)
    n = x.size if axis is None else x.shape[_check_axis(x, axis)]
    return _scalar(np.sqrt(var(x, axis=axis, ddof=ddof) / n))


def zscore(x, axis: int | None = 0, ddof: int = 0):
    """Standardised values ``(x − x̄) / s``, as ``scipy.stats.zscore``.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int or None, default=0
        Axis along which the mean and standard deviation are taken.
    ddof : int, default=0
        Delta degrees of freedom of the standard deviation.

    Returns
    -------
    ndarray
        The input's shape; NaN where the data along ``axis`` are constant.

    Notes
    -----
    ``zᵢ = (xᵢ − x̄) / s``; the result has mean 0 and (with ddof=0)
    standard deviation 1. O(n).

    Examples
    --------
    >>> zscore([1.0, 2.0, 3.0])
    array([-1.22474487,  0.        ,  1.22474487])
    """
    x = _data(x)
    if x.ndim == 0:
        raise ValueError("x must be an array of observations, got a scalar")
    axis = _check_axis(x, axis)
    m = np.add.reduce(x, axis=axis, keepdims=True) / (x.size if axis is None else x.shape[axis])
    s = np.sqrt(var(x, axis=axis, ddof=ddof))
    s = np.reshape(s, m.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s > 0, (x - m) / np.where(s > 0, s, 1.0), np.nan)


def iqr(x, axis=None):
    """Interquartile range ``Q(0.75) − Q(0.25)`` (linear interpolation), as ``scipy.stats.iqr``.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, optional
        Axis to reduce; ``None`` (the default) uses the flattened array.

    Returns
    -------
    float or ndarray

    Notes
    -----
    A spread measure robust to outliers: half the data lie within it. Two
    quantiles from one selection, O(n).

    Examples
    --------
    >>> iqr([1.0, 2.0, 3.0, 4.0, 100.0])
    2.0
    """
    q = quantile(x, [0.25, 0.75], axis=axis)
    return _scalar(q[1] - q[0])


_QUANTILE_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")


def quantile(x, q, axis=None, method: str = "linear"):
    """Quantiles of the data, as ``numpy.quantile``.

    Parameters
    ----------
    x : array_like
        Data.
    q : float or array_like
        Probabilities in [0, 1].
    axis : int, optional
        Axis to reduce; ``None`` (the default) uses the flattened array.
    method : {"linear", "lower", "higher", "nearest", "midpoint"}, default="linear"
        How to pick between the order statistics around the position
        ``h = (n − 1) q``: interpolate linearly (Hyndman–Fan type 7, NumPy's
        and R's default), take the lower or higher neighbour, the nearest
        (ties to even, as NumPy), or their midpoint.

    Returns
    -------
    float or ndarray
        Shape ``q.shape + `` the data's shape without ``axis``.

    Notes
    -----
    With order statistics x₍₀₎ ≤ … ≤ x₍ₙ₋₁₎ and ``h = (n − 1) q``:
    ``Q(q) = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎)``. The needed order
    statistics come from one ``np.partition`` (introselect), O(n) per
    quantile instead of the O(n log n) of a full sort.

    Examples
    --------
    >>> quantile([1.0, 2.0, 3.0, 4.0], 0.5)
    2.5
    """
    x = _data(x)
    check_finite(x, "x")  # order statistics do not propagate NaN: check up front
    axis = _check_axis(x, axis)
    check_in(method, "method", _QUANTILE_METHODS)
    q_arr = as_float_array(q, "q")
    if (q_arr < 0).any() or (q_arr > 1).any():
        raise ValueError("q must contain probabilities in [0, 1]")
    if axis is None:
        x, axis = x.reshape(-1), 0
    x = np.moveaxis(x, axis, 0)
    n = x.shape[0]
    h = (n - 1) * q_arr
    lo = np.floor(h).astype(np.intp)
    hi = np.minimum(lo + 1, n - 1)
    kth = np.unique(np.concatenate([lo.ravel(), hi.ravel()]))
    part = np.partition(x, kth, axis=0)
    x_lo, x_hi = part[lo], part[hi]
    frac = (h - lo).reshape(h.shape + (1,) * (x.ndim - 1))
    if method == "linear":
        # NumPy's lerp: from the nearer end, so that q = 1 returns the maximum exactly
        out = np.where(frac >= 0.5, x_hi - (x_hi - x_lo) * (1 - frac), x_lo + (x_hi - x_lo) * frac)
    elif method == "lower":
        out = x_lo
    elif method == "higher":
        out = np.where(frac > 0, x_hi, x_lo)
    elif method == "midpoint":
        out = np.where(frac > 0, 0.5 * (x_lo + x_hi), x_lo)
    else:  # nearest, ties to the even index
        up = (frac > 0.5) | ((frac == 0.5) & (lo.reshape(frac.shape) % 2 == 1))
        out = np.where(up, x_hi, x_lo)
    return _scalar(out)


def median(x, axis=None):
    """Median: the 0.5 quantile (the mean of the two middle values for even n).

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, optional
        Axis to reduce; ``None`` (the default) uses the flattened array.

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``quantile(x, 0.5)``; O(n) by selection.

    Examples
    --------
    >>> median([3.0, 1.0, 4.0, 1.0])
    2.0
    """
    return quantile(x, 0.5, axis=axis)


class ModeResult(NamedTuple):
    """The most common value(s) and how often they occur."""

    mode: float | np.ndarray
    count: int | np.ndarray


def mode(x, axis: int | None = 0) -> ModeResult:
    """The most frequent value (the smallest one when several tie), as ``scipy.stats.mode``.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int or None, default=0
        Axis along which to look; ``None`` flattens.

    Returns
    -------
    ModeResult
        ``mode`` and ``count`` with the data's shape without ``axis``.

    Notes
    -----
    Sort along the axis, then a run of equal values ending at position j has
    length ``j − start(j) + 1`` where ``start`` is a running maximum of the
    run starts; the first maximal run is the smallest modal value.
    O(n log n), vectorised over all other axes.

    Examples
    --------
    >>> mode([3, 1, 3, 2, 1])
    ModeResult(mode=1.0, count=2)
    """
    x = _data(x)
    check_finite(x, "x")
    axis = _check_axis(x, axis)
    if axis is None or x.ndim == 1:
        # one sample: sort, then run lengths from the positions where the value changes
        s = np.sort(x, axis=None)
        starts = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
        lengths = np.diff(np.append(starts, s.size))
        best = int(np.argmax(lengths))  # the first longest run holds the smallest modal value
        return ModeResult(float(s[starts[best]]), int(lengths[best]))
    moved = np.moveaxis(x, axis, -1)
    n = moved.shape[-1]
    flat = np.sort(moved.reshape(-1, n), axis=1)
    idx = np.arange(n)
    is_start = np.ones(flat.shape, dtype=bool)
    is_start[:, 1:] = flat[:, 1:] != flat[:, :-1]
    start = np.maximum.accumulate(np.where(is_start, idx, 0), axis=1)
    run_len = idx - start + 1
    best = np.argmax(run_len, axis=1)
    rows = np.arange(flat.shape[0])
    shape = moved.shape[:-1]
    values, counts = flat[rows, best].reshape(shape), run_len[rows, best].reshape(shape)
    if not shape:
        return ModeResult(float(values), int(counts))
    return ModeResult(values, counts)


# ----------------------------------------------------------------------------- shape
def _central_moments(x, axis):
    m = np.mean(x, axis=axis, keepdims=True)
    d = x - m
    d2 = d * d
    m2 = np.mean(d2, axis=axis)
    return d, d2, m2, np.squeeze(m, axis=axis)


def skew(x, axis: int = 0, bias: bool = True):
    """Sample skewness, as ``scipy.stats.skew``.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, default=0
        Axis to reduce.
    bias : bool, default=True
        If False, apply the adjustment for statistical bias (the
        Fisher–Pearson standardised moment coefficient G₁).

    Returns
    -------
    float or ndarray
        NaN where the data are constant.

    Notes
    -----
    ``g₁ = m₃ / m₂^{3/2}`` with central moments ``m_k = (1/n) Σ (xᵢ − x̄)ᵏ``;
    unbiased: ``G₁ = g₁ √(n(n − 1)) / (n − 2)``. O(n).

    Examples
    --------
    >>> round(skew([1.0, 2.0, 3.0, 10.0]), 6)
    1.018234
    """
    x = _data(x)
    axis = _check_axis(x, axis)
    if x.ndim == 0:
        x, axis = x.reshape(1), 0
    n = x.shape[axis]
    d, d2, m2, _ = _central_moments(x, axis)
    m3 = np.mean(d2 * d, axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        g1 = np.where(m2 > 0, m3 / np.where(m2 > 0, m2, 1.0) ** 1.5, np.nan)
    if not bias:
        if n < 3:
            raise ValueError("skew with bias=False needs at least 3 observations along axis")
        g1 = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    if not np.all(np.isfinite(m2)):
        check_finite(x, "x")
    return _scalar(g1)


def kurtosis(x, axis: int = 0, fisher: bool = True, bias: bool = True):
    """Sample kurtosis, as ``scipy.stats.kurtosis`` (excess kurtosis by default).

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, default=0
        Axis to reduce.
    fisher : bool, default=True
        Subtract 3, so a normal distribution has kurtosis 0 (Fisher's
        definition); False gives Pearson's m₄/m₂².
    bias : bool, default=True
        If False, return the unbiased estimator G₂ (from k-statistics).

    Returns
    -------
    float or ndarray
        NaN where the data are constant.

    Notes
    -----
    ``g₂ = m₄ / m₂² − 3``; unbiased:
    ``G₂ = ((n + 1) g₂ + 6)(n − 1) / ((n − 2)(n − 3))``. O(n).

    Examples
    --------
    >>> round(kurtosis([1.0, 2.0, 3.0, 4.0]), 6)
    -1.36
    """
    x = _data(x)
    axis = _check_axis(x, axis)
    if x.ndim == 0:
        x, axis = x.reshape(1), 0
    n = x.shape[axis]
    _, d2, m2, _ = _central_moments(x, axis)
    m4 = np.mean(d2 * d2, axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = np.where(m2 > 0, m4 / np.where(m2 > 0, m2, 1.0) ** 2, np.nan)
    if not bias:
        if n < 4:
            raise ValueError("kurtosis with bias=False needs at least 4 observations along axis")
        g2 = ((n + 1) * (g2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)) + 3
    if not np.all(np.isfinite(m2)):
        check_finite(x, "x")
    return _scalar(g2 - 3 if fisher else g2)


class DescribeResult(NamedTuple):
    """Summary of a sample, as ``scipy.stats.describe``."""

    nobs: int
    minmax: tuple
    mean: float | np.ndarray
    variance: float | np.ndarray
    skewness: float | np.ndarray
    kurtosis: float | np.ndarray


def describe(x, axis: int = 0, ddof: int = 1, bias: bool = True) -> DescribeResult:
    """Number of observations, range, mean, variance, skewness and excess kurtosis.

    Parameters
    ----------
    x : array_like
        Data.
    axis : int, default=0
        Axis to summarise.
    ddof : int, default=1
        Delta degrees of freedom of the variance (1, the unbiased estimate,
        as ``scipy.stats.describe``).
    bias : bool, default=True
        Passed to :func:`skew` and :func:`kurtosis`.

    Returns
    -------
    DescribeResult

    Notes
    -----
    One pass for the extremes and three for the moments: O(n).

    Examples
    --------
    >>> describe([1.0, 2.0, 3.0, 4.0]).variance
    1.6666666666666667
    """
    x = _data(x)
    axis = _check_axis(x, axis)
    if x.ndim == 0:
        x, axis = x.reshape(1), 0
    n = x.shape[axis]
    return DescribeResult(
        nobs=n,
        minmax=(_scalar(np.min(x, axis=axis)), _scalar(np.max(x, axis=axis))),
        mean=_scalar(np.mean(x, axis=axis)),
        variance=var(x, axis=axis, ddof=ddof),
        skewness=skew(x, axis=axis, bias=bias),
        kurtosis=kurtosis(x, axis=axis, bias=bias),
    )


# ----------------------------------------------------------------------------- association
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
    check_scalar(ddof, "ddof", kind=numbers.Integral, low=0)
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
        level = _check_level(level)
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
    _check_alternative(alternative)
    x, y = _paired(x, y)
    xc, yc = x - x.mean(), y - y.mean()
    for d, name, raw in ((xc, "x", x), (yc, "y", y)):
        hi, lo = float(d.max()), float(d.min())
        if not math.isfinite(hi - lo):
            check_finite(raw, name)
        if hi == lo:
            raise ValueError(f"{name} must not be constant: the correlation coefficient is undefined")
        d /= max(hi, -lo)  # scale to [-1, 1] so that squares of tiny or huge values neither under- nor overflow
    sxy = float(np.add.reduce(xc * yc))
    sxx, syy = float(_sum_of_squares(xc, None)), float(_sum_of_squares(yc, None))
    # one division by √(sxx syy) (not a product of two normalised vectors): exact ±1 for identical ranks
    r = max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))
    n = x.size
    return PearsonRResult(r, _correlation_test(r, n, alternative), n - 2, n, alternative)


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
    _check_alternative(alternative)
    x, y = _paired(x, y)
    return pearsonr(rankdata(x), rankdata(y), alternative=alternative)
