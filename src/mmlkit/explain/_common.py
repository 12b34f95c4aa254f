"""Pieces shared by the explainers: the model as a NumPy function, the result type."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Explanation:
    """Additive feature attributions, as ``shap.Explanation`` holds them.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_features) or (n_samples, n_features, n_outputs)
        φ, one attribution per feature (and model output).
    base_values : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        E[f(background)]: the prediction with no feature known.
    data : ndarray of shape (n_samples, n_features)
        The explained rows.
    feature_names : list of str or None
        Optional names, for plots.

    Efficiency: ``values.sum(axis=1) + base_values`` equals the model's output
    at ``data`` (exactly for exact Shapley values and Kernel SHAP).
    """

    values: np.ndarray
    base_values: np.ndarray
    data: np.ndarray
    feature_names: list | None = field(default=None)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.values, dtype=dtype)

    @property
    def shape(self):
        return self.values.shape


def model_function(model, name: str = "model"):
    """A NumPy function ``f(X (m, d)) -> (m,) or (m, k)`` from a callable or an estimator.

    A plain callable is used as is (pass ``clf.predict_proba`` or
    ``clf.decision_function`` to choose the output); an estimator without
    ``__call__`` contributes its ``predict``.
    """
    if callable(model) and not hasattr(model, "fit"):
        return model
    if hasattr(model, "predict"):
        return model.predict
    if callable(model):
        return model
    raise ValueError(f"{name} must be a callable f(X) or an estimator with predict, got {model!r}")


def evaluate(f, X: np.ndarray, name: str = "model") -> np.ndarray:
    """Call ``f`` and check it returned one finite value (or row) per input row."""
    out = np.asarray(f(X), dtype=np.float64)
    if out.ndim == 0 or out.shape[0] != X.shape[0] or out.ndim > 2:
        raise ValueError(f"{name} must map (m, d) inputs to (m,) or (m, k) outputs; got shape "
                         f"{np.shape(out)} for {X.shape[0]} rows")
    if not np.isfinite(out).all():
        raise ValueError(f"{name} returned NaN or infinity")
    return out
