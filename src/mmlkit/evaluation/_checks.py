"""Checks on label vectors and sample weights shared by the metrics.

Labels may be any sortable values (ints, strings, bools), so they are not
converted to float; scores, probabilities and weights are.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning as _SkUndefinedMetricWarning

from mmlkit._validation import check_consistent_length, check_ndim, check_nonempty, check_sample_weight


class UndefinedMetricWarning(_SkUndefinedMetricWarning):
    """A metric is undefined on this input (e.g. precision with no predicted positives).

    Subclasses scikit-learn's warning so existing filters also catch mmlkit's.
    """


def as_label_array(y, name: str) -> np.ndarray:
    """A 1-D, non-empty array of class labels (column vectors are flattened)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    check_ndim(y, name, 1)
    check_nonempty(y, name)
    if y.dtype == object:
        try:
            y = y.astype(str) if all(isinstance(v, str) for v in y) else y.astype(float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must hold numbers or strings, got mixed objects") from None
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError(f"{name} must be finite, but it contains NaN or infinity")
    if y.dtype.kind == "c":
        raise ValueError(f"{name} must hold class labels, got complex values")
    return y


def check_label_pair(y_true, y_pred, sample_weight=None):
    """Validate ``y_true``/``y_pred`` label vectors; return them, the sorted labels and the weights."""
    y_true = as_label_array(y_true, "y_true")
    y_pred = as_label_array(y_pred, "y_pred")
    check_consistent_length((y_true, "y_true"), (y_pred, "y_pred"))
    if y_true.dtype.kind == "f" and np.any(y_true != np.round(y_true)):
        raise ValueError("y_true must hold class labels, got continuous values")
    if y_pred.dtype.kind == "f" and np.any(y_pred != np.round(y_pred)):
        raise ValueError("y_pred must hold class labels, got continuous values")
    if (y_true.dtype.kind in "US") != (y_pred.dtype.kind in "US"):
        raise ValueError("y_true and y_pred must both hold strings or both hold numbers")
    labels = np.union1d(y_true, y_pred)
    return y_true, y_pred, labels, check_sample_weight(sample_weight, y_true.shape[0])


def check_zero_division(zero_division):
    """Return the value that replaces 0/0 (``"warn"`` means 0 with a warning)."""
    if isinstance(zero_division, str):
        if zero_division == "warn":
            return 0.0
        raise ValueError(f"zero_division must be 'warn', 0, 1 or np.nan; got {zero_division!r}")
    if isinstance(zero_division, (bool, np.bool_)) or not isinstance(zero_division, (int, float, np.number)):
        raise ValueError(f"zero_division must be 'warn', 0, 1 or np.nan; got {zero_division!r}")
    if np.isnan(zero_division) or zero_division in (0, 1):
        return float(zero_division)
    raise ValueError(f"zero_division must be 'warn', 0, 1 or np.nan; got {zero_division!r}")


def safe_divide(num, den, zero_division, what: str) -> np.ndarray:
    """``num / den`` elementwise, with ``zero_division`` where ``den == 0``."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    mask = den == 0
    out = num / np.where(mask, 1.0, den)
    if mask.any():
        out[mask] = check_zero_division(zero_division)
        if zero_division == "warn":
            warnings.warn(f"{what} is ill-defined and being set to 0.0 for labels with no "
                          "samples; use zero_division to control this.", UndefinedMetricWarning,
                          stacklevel=3)
    return out


def weighted_mean(values, weights=None) -> float:
    """Average ignoring NaN; falls back to unweighted when the weights sum to zero."""
    values = np.asarray(values, dtype=np.float64)
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is None:
        return float(values[keep].mean())
    weights = np.asarray(weights, dtype=np.float64)[keep]
    if weights.sum() == 0:
        return float(values[keep].mean())
    return float(np.average(values[keep], weights=weights))
