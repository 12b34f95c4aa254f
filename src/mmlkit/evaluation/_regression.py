"""Regression metrics: squared and absolute error, coefficient of determination."""

from __future__ import annotations

import numpy as np

from mmlkit._validation import Options, as_float_array, check_consistent_length, validate_args
from mmlkit.evaluation._checks import check_sample_weight

__all__ = ["mean_absolute_error", "mean_squared_error", "r2_score", "root_mean_squared_error"]


_MULTIOUTPUT = {"multioutput": [Options(("raw_values", "uniform_average", "variance_weighted")), "array-like"]}


def _check_reg(y_true, y_pred, sample_weight, multioutput):
    y_true = as_float_array(y_true, "y_true", ndim=(1, 2))
    y_pred = as_float_array(y_pred, "y_pred", ndim=(1, 2))
    check_consistent_length((y_true, "y_true"), (y_pred, "y_pred"))
    Yt = y_true.reshape(y_true.shape[0], -1)
    Yp = y_pred.reshape(y_pred.shape[0], -1)
    if Yt.shape[1] != Yp.shape[1]:
        raise ValueError(f"y_true and y_pred must have the same number of outputs, got "
                         f"{Yt.shape[1]} and {Yp.shape[1]}")
    w = check_sample_weight(sample_weight, Yt.shape[0])
    if not isinstance(multioutput, str):  # the strings are checked by the _MULTIOUTPUT table
        multioutput = as_float_array(multioutput, "multioutput", ndim=1)
        if multioutput.shape[0] != Yt.shape[1]:
            raise ValueError(f"multioutput must have one weight per output ({Yt.shape[1]}), "
                             f"got {multioutput.shape[0]}")
    return Yt, Yp, w, multioutput


def _exponents(Yt, Yp, axis):
    """Exponents e with max(|Yt|, |Yp|)/2^e in [1/2, 1) along ``axis`` (0 for all-zero data)."""
    amax = np.maximum(np.max(np.abs(Yt), axis=axis), np.max(np.abs(Yp), axis=axis)) if Yt.size else 0.0
    return np.frexp(amax)[1]


def _combine(per_output, multioutput, variance=None):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return per_output
        if multioutput == "variance_weighted" and variance is not None:
            if variance.sum() == 0:
                return float(per_output.mean())
            return float(np.average(per_output, weights=variance))
        return float(per_output.mean())
    return float(np.average(per_output, weights=multioutput))


@validate_args(_MULTIOUTPUT)
def mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean of squared residuals.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    multioutput : {"raw_values", "uniform_average"} or array_like of shape (n_outputs,), default="uniform_average"
        Per-output errors, their mean, or their weighted mean.

    Returns
    -------
    float or ndarray of shape (n_outputs,)

    Notes
    -----
    MSE = Σᵢ wᵢ (yᵢ − ŷᵢ)² / Σᵢ wᵢ. O(n·outputs).

    Examples
    --------
    >>> mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.375
    """
    Yt, Yp, w, multioutput = _check_reg(y_true, y_pred, sample_weight, multioutput)
    return _combine(np.average((Yt - Yp) ** 2, axis=0, weights=w), multioutput)


@validate_args(_MULTIOUTPUT)
def root_mean_squared_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Square root of the mean squared error, per output.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    multioutput : {"raw_values", "uniform_average"} or array_like of shape (n_outputs,), default="uniform_average"
        How per-output RMSEs combine.

    Returns
    -------
    float or ndarray of shape (n_outputs,)

    Notes
    -----
    RMSE = √(Σᵢ wᵢ (yᵢ − ŷᵢ)² / Σᵢ wᵢ), in the target's units.

    Examples
    --------
    >>> root_mean_squared_error([0.0, 0.0], [3.0, 4.0])
    3.5355339059327378
    """
    Yt, Yp, w, multioutput = _check_reg(y_true, y_pred, sample_weight, multioutput)
    # per output, in exact power-of-two units so squaring neither overflows nor underflows
    e = _exponents(Yt, Yp, axis=0)
    rmse = np.sqrt(np.average((np.ldexp(Yt, -e) - np.ldexp(Yp, -e)) ** 2, axis=0, weights=w))
    with np.errstate(over="ignore"):
        return _combine(np.ldexp(rmse, e), multioutput)


@validate_args(_MULTIOUTPUT)
def mean_absolute_error(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Mean of absolute residuals.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    multioutput : {"raw_values", "uniform_average"} or array_like of shape (n_outputs,), default="uniform_average"
        Per-output errors, their mean, or their weighted mean.

    Returns
    -------
    float or ndarray of shape (n_outputs,)

    Notes
    -----
    MAE = Σᵢ wᵢ |yᵢ − ŷᵢ| / Σᵢ wᵢ. O(n·outputs).

    Examples
    --------
    >>> mean_absolute_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.5
    """
    Yt, Yp, w, multioutput = _check_reg(y_true, y_pred, sample_weight, multioutput)
    return _combine(np.average(np.abs(Yt - Yp), axis=0, weights=w), multioutput)


@validate_args({**_MULTIOUTPUT, "force_finite": ["boolean"]})
def r2_score(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average", force_finite=True):
    """Coefficient of determination R² = 1 − SS_res / SS_tot.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,) or (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    multioutput : {"raw_values", "uniform_average", "variance_weighted"} or array_like, default="uniform_average"
        An array_like has shape (n_outputs,).
        Per-output scores, their mean, their mean weighted by each output's
        variance, or a weighted mean.
    force_finite : bool, default=True
        For a constant target, return 1.0 (perfect fit) or 0.0 instead of
        NaN / −inf.

    Returns
    -------
    float or ndarray of shape (n_outputs,)

    Notes
    -----
    R² = 1 − Σ wᵢ(yᵢ − ŷᵢ)² / Σ wᵢ(yᵢ − ȳ_w)², with ȳ_w the weighted mean.
    Can be negative (worse than predicting the mean). O(n·outputs).

    Examples
    --------
    >>> r2_score([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])
    0.9486081370449679
    """
    Yt, Yp, w, multioutput = _check_reg(y_true, y_pred, sample_weight, multioutput)
    if Yt.shape[0] < 2:
        raise ValueError("y_true must have at least two samples for R² to be defined")
    ww = np.ones(Yt.shape[0]) if w is None else w
    # R² is scale-invariant: compute it in exact power-of-two units (one exponent for all
    # outputs, so "variance_weighted" keeps the outputs' relative variances)
    e = _exponents(Yt, Yp, axis=None)
    Yt, Yp = np.ldexp(Yt, -e), np.ldexp(Yp, -e)
    num = ww @ (Yt - Yp) ** 2
    mean = (ww @ Yt) / ww.sum()
    den = ww @ (Yt - mean) ** 2
    nonzero_den, nonzero_num = den != 0, num != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        per_output = 1.0 - num / den
    if force_finite:
        per_output = np.where(nonzero_den, per_output, np.where(nonzero_num, 0.0, 1.0))
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        return _combine(per_output, multioutput, den)  # all-constant outputs: the plain mean
    return _combine(per_output, multioutput)
