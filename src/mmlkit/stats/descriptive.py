"""Descriptive statistics: location and spread (mean, variance, quantiles, mode).

Shape (skewness, kurtosis, ``describe``) lives in :mod:`mmlkit.stats.shape`,
association (covariance, correlations, ranks) in :mod:`mmlkit.stats.association`.

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

from mmlkit._scaling import times_pow2
from mmlkit._validation import Options, as_float_array, check_finite, validate_args
from mmlkit.stats._results import DDOF
from mmlkit.stats._scaled import centred, scaled_var

__all__ = [
    "ModeResult",
    "iqr",
    "mean",
    "median",
    "mode",
    "quantile",
    "sem",
    "std",
    "var",
    "zscore",
]


def _data(x, name="x") -> np.ndarray:
    """Validated data whose finiteness is checked by the computation (:func:`centred` or the order statistics)."""
    return as_float_array(x, name, finite=False)


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


def _check_ddof(x, axis, ddof):
    """``ddof`` (an int >= 0, checked by the ``DDOF`` table) must leave degrees of freedom."""
    n = x.size if axis is None else x.shape[axis]
    if n - ddof <= 0:
        raise ValueError(f"ddof={ddof} leaves no degrees of freedom for {n} observation(s)")


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
    with np.errstate(over="ignore", invalid="ignore"):
        m = np.add.reduce(x, axis=axis) / n
    if not (math.isfinite(m) if isinstance(m, float) else np.all(np.isfinite(m))):
        m = centred(x, axis)[0]  # raises on non-finite data; else the sum overflowed: sum x/2**e instead
    return _scalar(m)


@validate_args(DDOF)
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
    squared deviations) so that large offsets do not cancel, on the deviations
    rescaled by a power of two so that no scale of the data over- or
    underflows. O(n).

    Examples
    --------
    >>> var([1.0, 2.0, 3.0, 4.0])
    1.25
    """
    x = _data(x)
    axis = _check_axis(x, axis)
    _check_ddof(x, axis, ddof)
    v, E = scaled_var(x, axis, ddof)
    with np.errstate(over="ignore"):  # inf only where the variance itself exceeds the float64 range
        return _scalar(times_pow2(v, 2 * E))


@validate_args(DDOF)
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
    x = _data(x)
    axis = _check_axis(x, axis)
    _check_ddof(x, axis, ddof)
    v, E = scaled_var(x, axis, ddof)
    return _scalar(times_pow2(np.sqrt(v), E))


@validate_args(DDOF)
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
    axis = _check_axis(x, axis)
    n = x.size if axis is None else x.shape[axis]
    _check_ddof(x, axis, ddof)
    v, E = scaled_var(x, axis, ddof)
    return _scalar(times_pow2(np.sqrt(v / n), E))


@validate_args(DDOF)
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
    _check_ddof(x, axis, ddof)
    n = x.size if axis is None else x.shape[axis]
    _, d, _ = centred(x, axis)  # z is scale-invariant: read it off the rescaled deviations
    s = np.sqrt(np.add.reduce(d * d, axis=axis, keepdims=True) / (n - ddof))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(s > 0, d / np.where(s > 0, s, 1.0), np.nan)


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


@validate_args({"method": [Options(_QUANTILE_METHODS)]})
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
