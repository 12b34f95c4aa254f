"""Shape of a distribution from a sample: skewness, kurtosis, and the ``describe`` summary.

Moments are taken on deviations rescaled by a power of two
(:func:`mmlkit.stats._scaled.centred`), so any finite scale of the data gives
the same skewness and kurtosis.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from mmlkit._validation import validate_args
from mmlkit.stats._results import DDOF
from mmlkit.stats._scaled import centred
from mmlkit.stats.descriptive import _check_axis, _data, _scalar, var

__all__ = ["DescribeResult", "describe", "kurtosis", "skew"]


def _central_moments(x, axis):
    """Deviations, their squares and m₂, all in the rescaled units of :func:`centred`."""
    _, d, _ = centred(x, axis)
    d2 = d * d
    return d, d2, np.mean(d2, axis=axis)


def _standardised_moment(x, axis, order):
    """(n, m_order / m₂^(order/2)) along ``axis`` for order 3 or 4: NaN where the data are constant."""
    x = _data(x)
    axis = _check_axis(x, axis)
    if x.ndim == 0:
        x, axis = x.reshape(1), 0
    d, d2, m2 = _central_moments(x, axis)
    if order == 3:
        mk, power = np.mean(d2 * d, axis=axis), 1.5
    else:
        mk, power = np.mean(d2 * d2, axis=axis), 2
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(m2 > 0, mk / np.where(m2 > 0, m2, 1.0) ** power, np.nan)
    return x.shape[axis], g


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
    if not bias:
        if n < 3:
            raise ValueError("skew with bias=False needs at least 3 observations along axis")
        g1 = g1 * math.sqrt(n * (n - 1)) / (n - 2)
    return _scalar(g1)


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
        if n < 4:
            raise ValueError("kurtosis with bias=False needs at least 4 observations along axis")
        g2 = ((n + 1) * (g2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)) + 3
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
        mean=_scalar(centred(x, axis)[0]),
        variance=var(x, axis=axis, ddof=ddof),
        skewness=skew(x, axis=axis, bias=bias),
        kurtosis=kurtosis(x, axis=axis, bias=bias),
    )
