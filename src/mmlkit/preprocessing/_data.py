"""Feature scaling and missing-value imputation."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import dask_unsupported, is_dask_collection, map_rows
from mmlkit._scaling import column_moments, merge_moments
from mmlkit._validation import IncreasingPair, Interval, Options, validate_data, validate_params
from mmlkit.probability._functions import normal_ppf

__all__ = ["MinMaxScaler", "RobustScaler", "SimpleImputer", "StandardScaler"]

_EPS = np.finfo(np.float64).eps


def _safe_scale(scale):
    """Replace (near-)zero scales by 1, so constant features pass through unscaled."""
    scale = np.asarray(scale, dtype=np.float64).copy()
    scale[~np.isfinite(scale) | (scale < 10 * _EPS)] = 1.0
    return scale


class _Scaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """x ↦ (x − offset) / scale, column by column; NaNs are ignored when fitting and kept."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _validate(self, X, *, reset):
        return validate_data(self, X, reset=reset, dtype=[np.float64, np.float32],
                             ensure_all_finite="allow-nan", copy=False)

    def _offset_scale(self):
        raise NotImplementedError  # pragma: no cover

    def transform(self, X):
        """Scale X column by column.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        if is_dask_collection(X):
            return map_rows(self.transform, X)
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        offset, scale = self._offset_scale()
        Z = np.subtract(X, offset, dtype=np.result_type(X, offset, scale))
        Z /= scale                                    # in place: one n × d result, no second temporary
        return Z.astype(X.dtype, copy=False)

    def inverse_transform(self, X):
        """Undo the scaling: x = z·scale + offset.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        if is_dask_collection(X):
            return map_rows(self.inverse_transform, X)
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        offset, scale = self._offset_scale()
        return (X * scale + offset).astype(X.dtype, copy=False)


def _set_moments(est, total, mean, m2, E):
    """Store a StandardScaler's running moments per feature — count, mean and the sum of squared
    deviations M₂ = m2·4**E (:func:`mmlkit._scaling.column_moments`) — and its fitted attributes
    (NaN for a feature with no observation yet); returns ``est``.

    ``scale_`` = √(M₂/n) = √(m2/n)·2**E is exact at any finite scale; ``var_`` is inf (or 0)
    where the variance itself lies beyond float64's range. A feature is constant (scale 1)
    when σ ≤ n·eps·|μ| (its spread is rounding noise) or σ = 0.
    """
    est._moments = (total, mean, m2, E)
    seen = total.astype(np.int64)
    est.n_samples_seen_ = int(seen[0]) if total.size and np.all(seen == seen[0]) else seen
    observed = total > 0
    mean = np.where(observed, mean, np.nan)
    est.mean_ = mean if (est.with_mean or est.with_std) else None
    if not est.with_std:
        est.var_ = est.scale_ = None
        return est
    with np.errstate(invalid="ignore", divide="ignore"):
        var_u = np.where(observed, m2 / total, np.nan)
    if E.any():
        with np.errstate(over="ignore", under="ignore"):
            est.var_ = np.ldexp(var_u, 2 * E)
            std = np.ldexp(np.sqrt(var_u), E)
    else:
        est.var_, std = var_u, np.sqrt(var_u)
    constant = ~(std > total * _EPS * np.abs(mean))   # σ = 0, rounding noise, or NaN
    est.scale_ = np.where(constant, 1.0, std)
    return est


def _set_range(est, low, high):
    """``data_range_``, ``scale_`` and ``min_`` of a MinMaxScaler from its ``data_min_``/``data_max_``.

    A feature is constant (scale as for range 1) when its range is 0 or rounding noise,
    range ≤ 10·eps·max(|min|, |max|) — relative, so a feature at 1e-300 is not
    "constant". A range beyond float64 (inf) still gives the right finite ``scale_``
    from the halved bounds.
    """
    lo, hi = est.data_min_, est.data_max_
    with np.errstate(over="ignore"):
        est.data_range_ = hi - lo
    half = hi * 0.5 - lo * 0.5                             # finite even where the range is not
    constant = ~(half > 5 * _EPS * np.maximum(hi, -lo))    # max(|lo|, |hi|) as lo ≤ hi; NaN: constant
    est.scale_ = (high - low) * 0.5 / np.where(constant, 0.5, half)
    est.min_ = low - lo * est.scale_
    return est


class StandardScaler(_Scaler):
    """Standardise features: z = (x − μ)/σ.

    Parameters
    ----------
    copy : bool, default=True
        Kept for scikit-learn compatibility; the input is never modified.
    with_mean : bool, default=True
        Subtract the column means μ.
    with_std : bool, default=True
        Divide by the column standard deviations σ (ddof=0; constant columns get 1).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,) or None
    var_ : ndarray of shape (n_features,) or None
    scale_ : ndarray of shape (n_features,) or None
    n_samples_seen_ : int or ndarray of shape (n_features,)
        Non-missing samples per feature (an int when there are no NaNs).

    Notes
    -----
    μⱼ = (1/nⱼ)Σᵢ xᵢⱼ and σⱼ² = (1/nⱼ)Σᵢ(xᵢⱼ − μⱼ)² over the nⱼ non-NaN
    entries (two passes, so no cancellation). O(nd).

    Any finite scale: a feature whose sum, variance or squared deviations would
    over- or underflow (|x| beyond about 1e154, or a spread below about 1e-150)
    has its moments recomputed on data divided by exact powers of two, and the
    running sum of squares is kept as ``m2·4**E``. ``mean_`` and ``scale_`` (σ)
    are then right whenever they are representable; ``var_`` = σ² is ``inf``
    (or 0) where the variance itself is beyond float64's range. A feature is
    constant (``scale_ = 1``) when σ ≤ nⱼ·eps·|μⱼ|, i.e. its spread is rounding
    noise, as scikit-learn decides.

    On a Dask X: one pass, 4d numbers per block (counts, means, centred sums of
    squares and their exponents), merged by Chan's update; ``transform`` returns
    a lazy Dask array.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import StandardScaler
    >>> StandardScaler().fit_transform(np.array([[0.0], [2.0]])).ravel()
    array([-1.,  1.])
    """

    _parameter_constraints = {"copy": ["boolean"], "with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X, y=None):
        """Learn the column means and standard deviations.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        for name in ("mean_", "var_", "scale_", "n_samples_seen_", "_moments"):
            self.__dict__.pop(name, None)
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the means and variances with one batch (Chan et al.'s merge).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self

        Notes
        -----
        With n₁, μ₁, σ₁² so far and n₂, μ₂, σ₂² from the batch (per feature,
        NaNs skipped): n = n₁ + n₂, μ = μ₁ + (n₂/n)(μ₂ − μ₁),
        σ² = [n₁σ₁² + n₂σ₂² + (n₁n₂/n)(μ₂ − μ₁)²]/n — exactly the statistics
        of the concatenated data.
        """
        validate_params(self)
        first = not hasattr(self, "_moments")
        if is_dask_collection(X):
            from mmlkit.models import _dask_fit

            return _dask_fit.standard_scaler(self, X, first=first)
        X = self._validate(X, reset=first)
        batch = column_moments(X)
        return _set_moments(self, *(batch if first else merge_moments(self._moments, batch)))

    def _offset_scale(self):
        offset = self.mean_ if self.with_mean else 0.0
        scale = self.scale_ if self.with_std else 1.0
        return offset, scale


class MinMaxScaler(_Scaler):
    """Rescale each feature linearly onto ``feature_range``.

    Parameters
    ----------
    feature_range : tuple (min, max), default=(0, 1)
    copy : bool, default=True
        Kept for scikit-learn compatibility; the input is never modified.
    clip : bool, default=False
        Clip transformed values of new data to ``feature_range``.

    Attributes
    ----------
    data_min_, data_max_, data_range_ : ndarray of shape (n_features,)
    scale_, min_ : ndarray of shape (n_features,)
        z = x·scale_ + min_.

    Notes
    -----
    z = a + (x − minⱼ)(b − a)/(maxⱼ − minⱼ) for range (a, b); a constant
    column maps to a. NaNs are ignored when fitting. O(nd). A column is
    constant when its range is 0 or rounding noise (at most 10·eps·max(|minⱼ|, |maxⱼ|)),
    so data at any finite scale (1e-300 too) are mapped onto the range; a range
    beyond float64 (``data_range_ = inf``) still gives the right ``scale_``.

    On a Dask X: one pass, 2d + 1 numbers per block (minima, maxima, count).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import MinMaxScaler
    >>> MinMaxScaler().fit_transform(np.array([[1.0], [3.0], [5.0]])).ravel()
    array([0. , 0.5, 1. ])
    """

    _parameter_constraints = {"feature_range": [IncreasingPair()], "copy": ["boolean"], "clip": ["boolean"]}

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def fit(self, X, y=None):
        """Learn the column minima and maxima.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        validate_params(self)
        low, high = self._range()
        if is_dask_collection(X):
            from mmlkit.models import _dask_fit

            return _dask_fit.min_max_scaler(self, X)
        X = self._validate(X, reset=True)
        with np.errstate(invalid="ignore"):
            self.data_min_ = np.nanmin(X, axis=0).astype(np.float64)
            self.data_max_ = np.nanmax(X, axis=0).astype(np.float64)
        _set_range(self, low, high)
        self.n_samples_seen_ = X.shape[0]
        return self

    def _range(self):
        return float(self.feature_range[0]), float(self.feature_range[1])

    def _offset_scale(self):
        return -self.min_ / self.scale_, 1.0 / self.scale_

    def transform(self, X):
        """Map X onto ``feature_range`` (clipped when ``clip=True``).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        if is_dask_collection(X):
            return map_rows(self.transform, X)
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        Z = np.multiply(X, self.scale_, dtype=np.result_type(X, self.scale_))
        Z += self.min_                                # in place: one n × d result, no second temporary
        Z = Z.astype(X.dtype, copy=False)
        if self.clip:
            Z = np.clip(Z, *self._range())
        return Z

    def inverse_transform(self, X):
        """x = (z − min_)/scale_.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)
        """
        if is_dask_collection(X):
            return map_rows(self.inverse_transform, X)
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        return ((X - self.min_) / self.scale_).astype(X.dtype, copy=False)


@dask_unsupported
class RobustScaler(_Scaler):
    """Centre on the median and scale by an inter-quantile range (robust to outliers).

    Parameters
    ----------
    with_centering : bool, default=True
    with_scaling : bool, default=True
    quantile_range : tuple (q_min, q_max), default=(25.0, 75.0)
        Percentiles, 0 < q_min < q_max < 100.
    copy : bool, default=True
        Kept for scikit-learn compatibility; the input is never modified.
    unit_variance : bool, default=False
        Divide the scale by Φ⁻¹(q_max) − Φ⁻¹(q_min), so normal data get unit variance.

    Attributes
    ----------
    center_ : ndarray of shape (n_features,) or None
    scale_ : ndarray of shape (n_features,) or None

    Notes
    -----
    z = (x − medianⱼ)/(Q_{q_max}ⱼ − Q_{q_min}ⱼ) with linearly interpolated
    percentiles over the non-NaN entries; O(nd) with introselect.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import RobustScaler
    >>> RobustScaler().fit_transform(np.array([[1.0], [2.0], [3.0], [100.0]])).ravel().round(3)
    array([-0.059, -0.02 ,  0.02 ,  3.824])
    """

    _parameter_constraints = {
        "with_centering": ["boolean"],
        "with_scaling": ["boolean"],
        "quantile_range": [IncreasingPair(0, 100)],
        "copy": ["boolean"],
        "unit_variance": ["boolean"],
    }

    def __init__(self, *, with_centering=True, with_scaling=True, quantile_range=(25.0, 75.0), copy=True,
                 unit_variance=False):
        self.with_centering = with_centering
        self.with_scaling = with_scaling
        self.quantile_range = quantile_range
        self.copy = copy
        self.unit_variance = unit_variance

    def fit(self, X, y=None):
        """Learn medians and inter-quantile ranges.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        validate_params(self)
        q = self.quantile_range
        X = self._validate(X, reset=True)
        # NumPy's NaN-skipping order statistics cost several times the plain ones on small data: those only
        # where there is a NaN (the plain ones give the same numbers on NaN-free columns)
        median, percentile = (np.nanmedian, np.nanpercentile) if np.isnan(X).any() else (np.median, np.percentile)
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns give NaN
            self.center_ = median(X, axis=0).astype(np.float64) if self.with_centering else None
            if self.with_scaling:
                low, high = percentile(X, [q[0], q[1]], axis=0)
                scale = high - low
                if self.unit_variance:
                    scale = scale / (normal_ppf(q[1] / 100.0) - normal_ppf(q[0] / 100.0))
                self.scale_ = _safe_scale(scale)
            else:
                self.scale_ = None
        return self

    def _offset_scale(self):
        return (self.center_ if self.with_centering else 0.0), (self.scale_ if self.with_scaling else 1.0)


@dask_unsupported
class SimpleImputer(TransformerMixin, BaseEstimator):
    """Fill missing values column by column with a statistic or a constant.

    Parameters
    ----------
    missing_values : float, default=np.nan
        The marker of a missing entry (NaN or a number such as -1).
    strategy : {"mean", "median", "most_frequent", "constant"}, default="mean"
    fill_value : float, optional
        The constant for ``strategy="constant"`` (default 0).
    keep_empty_features : bool, default=False
        Keep columns that are entirely missing at fit time (filled with 0, or
        ``fill_value`` for ``"constant"``); otherwise they are dropped with a
        warning, as scikit-learn does.
    copy : bool, default=True
        Kept for scikit-learn compatibility; the input is never modified.

    Attributes
    ----------
    statistics_ : ndarray of shape (n_features,)
        The fill value per column (NaN for an empty column).

    Notes
    -----
    The statistics use the observed entries only. ``most_frequent`` breaks ties
    towards the smallest value. Numeric input only. O(nd) (median: O(nd) by
    introselect; most_frequent: O(nd log n) by sorting).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import SimpleImputer
    >>> SimpleImputer().fit_transform(np.array([[1.0], [np.nan], [3.0]])).ravel()
    array([1., 2., 3.])
    """

    _parameter_constraints = {
        "missing_values": [None, Interval(numbers.Real, None, None), "nan"],
        "strategy": [Options(("mean", "median", "most_frequent", "constant"))],
        "fill_value": [None, Interval(numbers.Real, None, None)],
        "keep_empty_features": ["boolean"],
        "copy": ["boolean"],
    }

    def __init__(self, *, missing_values=np.nan, strategy="mean", fill_value=None, keep_empty_features=False,
                 copy=True):
        self.missing_values = missing_values
        self.strategy = strategy
        self.fill_value = fill_value
        self.keep_empty_features = keep_empty_features
        self.copy = copy

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def _mask(self, X):
        mv = self.missing_values
        if isinstance(mv, float) and np.isnan(mv) or mv is None:
            return np.isnan(X)
        return X == mv

    def _validate(self, X, *, reset):
        return validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan")

    def fit(self, X, y=None):
        """Compute the fill value of every column.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        validate_params(self)
        X = self._validate(X, reset=True)
        mask = self._mask(X)
        empty = np.all(mask, axis=0)
        if self.strategy == "constant":
            stats = np.full(X.shape[1], 0.0 if self.fill_value is None else float(self.fill_value))
        else:
            observed = np.where(mask, np.nan, X)
            with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # empty columns give NaN
                if self.strategy == "mean":
                    stats = np.nanmean(observed, axis=0)
                elif self.strategy == "median":
                    stats = np.nanmedian(observed, axis=0)
                else:
                    stats = self._most_frequent(observed)
        if empty.any():
            if self.keep_empty_features:
                stats = np.where(empty, stats if self.strategy == "constant" else 0.0, stats)
            else:
                warnings.warn(f"Skipping features without any observed values: {np.flatnonzero(empty)}; "
                              "they are dropped from the output (keep_empty_features=True keeps them)",
                              UserWarning, stacklevel=2)
                stats = np.where(empty, np.nan, stats)
        self.statistics_ = stats
        return self

    @staticmethod
    def _most_frequent(observed):
        """Per column, the most frequent non-NaN value (smallest on ties)."""
        S = np.sort(observed, axis=0)  # NaNs sort last
        n, d = S.shape
        stats = np.full(d, np.nan)
        for j in range(d):  # one pass per column; each is vectorised
            col = S[:, j][~np.isnan(S[:, j])]
            if col.size:
                values, counts = np.unique(col, return_counts=True)
                stats[j] = values[np.argmax(counts)]
        return stats

    def transform(self, X):
        """Replace missing entries with the learned statistics.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features_out)
            Columns that were empty at fit time are dropped (unless
            ``keep_empty_features`` or ``strategy="constant"``).
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        mask = self._mask(X)
        out = np.where(mask, self.statistics_, X)
        keep = ~np.isnan(self.statistics_)
        return out[:, keep] if not np.all(keep) else out

    def get_feature_names_out(self, input_features=None):
        """Names of the kept columns.

        Parameters
        ----------
        input_features : array_like of str, optional

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self)
        names = _input_names(self, input_features)
        return names[~np.isnan(self.statistics_)]


def _input_names(est, input_features):
    """Input feature names: given, seen at fit time, or x0, x1, …"""
    if input_features is not None:
        names = np.asarray(input_features, dtype=object)
        if names.shape != (est.n_features_in_,):
            raise ValueError(f"input_features must have {est.n_features_in_} names, got {len(names)}")
        if hasattr(est, "feature_names_in_") and not np.array_equal(names, est.feature_names_in_):
            raise ValueError("input_features is not equal to feature_names_in_")
        return names
    if hasattr(est, "feature_names_in_"):
        return np.asarray(est.feature_names_in_, dtype=object)
    return np.asarray([f"x{i}" for i in range(est.n_features_in_)], dtype=object)
