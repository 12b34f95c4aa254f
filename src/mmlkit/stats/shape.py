"""Shape of a distribution from a sample: skewness, kurtosis, and the ``describe`` summary.

Moments are taken on deviations rescaled by a power of two
(:func:`mmlkit.stats._scaled.centred`), so any finite scale of the data gives
the same skewness and kurtosis.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from mmlkit._scaling import times_pow2
from mmlkit._validation import validate_args
from mmlkit.stats._results import DDOF
from mmlkit.stats._scaled import centred
from mmlkit.stats.descriptive import _check_axis, _check_ddof, _data, _scalar

__all__ = ["DescribeResult", "describe", "kurtosis", "skew"]


def _central_moments(d, axis):
    """The deviations ``d`` (in the rescaled units of :func:`centred`), their squares and m₂."""
    d2 = d * d
    return d, d2, np.mean(d2, axis=axis)


def _standardised_moment(x, axis, order):
    """(n, m_order / m₂^(order/2)) along ``axis`` for order 3 or 4: NaN where the data are constant."""
    x = _data(x)
    axis = _check_axis(x, axis)
    if x.ndim == 0:
        x, axis = x.reshape(1), 0
    return x.shape[axis], _ratio(*_central_moments(centred(x, axis)[1], axis), axis, order)


def _ratio(d, d2, m2, axis, order):
    """m_order / m₂^(order/2) from the deviations, their squares and m₂; NaN where m₂ = 0."""
    if order == 3:
        mk, power = np.mean(d2 * d, axis=axis), 1.5
    else:
        mk, power = np.mean(d2 * d2, axis=axis), 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m2 > 0, mk / np.where(m2 > 0, m2, 1.0) ** power, np.nan)


def _unbiased_skew(n, g1):
    if n < 3:
        raise ValueError("skew with bias=False needs at least 3 observations along axis")
    return g1 * math.sqrt(n * (n - 1)) / (n - 2)


def _unbiased_kurtosis(n, g2):
    """Pearson's G₂ (not excess) from Pearson's g₂."""
    if n < 4:
        raise ValueError("kurtosis with bias=False needs at least 4 observations along axis")
    return ((n + 1) * (g2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)) + 3


@validate_args({"bias": ["boolean"]})
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
    n, g1 = _standardised_moment(x, axis, 3)
    return _scalar(g1 if bias else _unbiased_skew(n, g1))


@validate_args({"fisher": ["boolean"], "bias": ["boolean"]})
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
    n, g2 = _standardised_moment(x, axis, 4)
    if not bias:
        g2 = _unbiased_kurtosis(n, g2)
    return _scalar(g2 - 3 if fisher else g2)


class DescribeResult(NamedTuple):
    """Summary of a sample, as ``scipy.stats.describe``."""

    nobs: int
    minmax: tuple
    mean: float | np.ndarray
    variance: float | np.ndarray
    skewness: float | np.ndarray
    kurtosis: float | np.ndarray


@validate_args({**DDOF, "bias": ["boolean"]})
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
    Two passes for the extremes and one set of deviations for every moment: O(n).

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
    _check_ddof(x, axis, ddof)
    m, d, E = centred(x, axis)   # one set of deviations for every moment
    d, d2, m2 = _central_moments(d, axis)
    with np.errstate(over="ignore"):  # inf only where the variance itself exceeds the float64 range
        variance = times_pow2(np.add.reduce(d2, axis=axis) / (n - ddof), 2 * E)
    g1, g2 = _ratio(d, d2, m2, axis, 3), _ratio(d, d2, m2, axis, 4)
    return DescribeResult(
        nobs=n,
        minmax=(_scalar(np.min(x, axis=axis)), _scalar(np.max(x, axis=axis))),
        mean=_scalar(m),
        variance=_scalar(variance),
        skewness=_scalar(g1 if bias else _unbiased_skew(n, g1)),
        kurtosis=_scalar((g2 if bias else _unbiased_kurtosis(n, g2)) - 3),
    )
