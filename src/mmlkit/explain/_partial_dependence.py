"""Partial dependence and individual conditional expectation (ICE) curves."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from mmlkit._validation import IncreasingPair, Interval, Options, as_float_array, check_sample_weight, validate_args
from mmlkit.explain._common import evaluate

__all__ = ["PartialDependence", "partial_dependence"]


@dataclass(frozen=True)
class PartialDependence:
    """Grid and curves of :func:`partial_dependence`.

    ``grid_values``: one grid per requested feature; ``average``: shape
    ``(n_outputs, *grid_shape)``; ``individual`` (ICE): ``(n_outputs, n_samples, *grid_shape)``,
    present for ``kind`` "individual" or "both".
    """

    grid_values: list
    average: np.ndarray | None
    individual: np.ndarray | None
    features: tuple


def _mquantiles(x, probs, alphap=0.4, betap=0.4):
    """Hyndman–Fan quantiles with plotting positions (alphap, betap) — scikit-learn's grid ends."""
    x = np.sort(x)
    n = x.size
    if n == 1:
        return np.repeat(x, len(probs))
    probs = np.asarray(probs, dtype=np.float64)
    m = alphap + probs * (1.0 - alphap - betap)
    aleph = n * probs + m
    k = np.floor(np.clip(aleph, 1, n - 1)).astype(int)
    gamma = np.clip(aleph - k, 0, 1)
    return (1.0 - gamma) * x[k - 1] + gamma * x[k]


def _response(estimator, response_method):
    """The function whose dependence is shown, and whether to keep only the positive class."""
    if callable(estimator) and not hasattr(estimator, "fit"):
        return estimator, False
    is_clf = hasattr(estimator, "classes_")
    if response_method == "auto":
        if not is_clf:
            return estimator.predict, False
        response_method = "predict_proba" if hasattr(estimator, "predict_proba") else "decision_function"
    if not hasattr(estimator, response_method):
        raise ValueError(f"response_method={response_method!r} is not available on {type(estimator).__name__}")
    if response_method == "predict_proba":
        return estimator.predict_proba, True
    return getattr(estimator, response_method), False


@validate_args({"response_method": [Options(("auto", "predict_proba", "decision_function", "predict"))],
                "percentiles": [IncreasingPair(0, 1)], "grid_resolution": [Interval(numbers.Integral, 2, None)],
                "kind": [Options(("average", "individual", "both"))]})
def partial_dependence(estimator, X, features, *, response_method="auto", percentiles=(0.05, 0.95),
                       grid_resolution=100, kind="average", sample_weight=None):
    """Average (and per-sample) model response as one or two features sweep a grid.

    Parameters
    ----------
    estimator : estimator or callable
        A fitted estimator, or a function ``f(X) -> (m,)`` or ``(m, k)``.
    X : array_like of shape (n_samples, n_features)
        Data over which the other features are averaged.
    features : int or tuple of int
        One feature, or a pair for a two-way dependence.
    response_method : {"auto", "predict_proba", "decision_function", "predict"}, default="auto"
        For classifiers "auto" means ``predict_proba`` (else ``decision_function``);
        binary probabilities keep only the positive class.
    percentiles : tuple of float, default=(0.05, 0.95)
        Grid ends, as quantiles of each feature (scikit-learn's plotting positions).
    grid_resolution : int, default=100
        Grid points per feature; a feature with fewer distinct values uses them all.
    kind : {"average", "individual", "both"}, default="average"
        Partial dependence, ICE curves, or both.
    sample_weight : array_like of shape (n_samples,), optional
        Weights for the average.

    Returns
    -------
    PartialDependence

    Notes
    -----
    PD_S(v) = (1/n) Σᵢ f(v, x_{i,C}); ICEᵢ(v) = f(v, x_{i,C}) — the PD is the
    mean of the ICE curves; diverging ICE curves reveal interactions the
    average hides. All grid points are stacked into one (G · n, d) batch
    (chunked) for the model: G · n evaluations.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> pd = partial_dependence(lambda Z: Z[:, 0] ** 2, X, 0, grid_resolution=5)
    >>> pd.average.shape
    (1, 5)
    """
    X = as_float_array(X, "X", ndim=2)
    n, d = X.shape
    feats = (features,) if isinstance(features, numbers.Integral) else tuple(features)
    if not 1 <= len(feats) <= 2 or not all(isinstance(j, numbers.Integral) and -d <= j < d for j in feats):
        raise ValueError(f"features must be one feature index or a pair of indices in [0, {d}), got {features!r}")
    feats = tuple(int(j) % d for j in feats)
    lo, hi = percentiles
    w = check_sample_weight(sample_weight, n)
    f, positive_only = _response(estimator, response_method)

    grids = []
    for j in feats:
        uniques = np.unique(X[:, j])
        if uniques.size < grid_resolution:
            grids.append(uniques)
        else:
            q = _mquantiles(X[:, j], [lo, hi])
            if q[1] - q[0] <= 1e-5 * max(abs(q[0]), abs(q[1])):  # relative (np.isclose's rtol): any scale
                raise ValueError("percentiles are too close to each other to build a grid for "
                                 f"feature {j}; choose percentiles further apart")
            grids.append(np.linspace(q[0], q[1], grid_resolution))
    mesh = np.stack(np.meshgrid(*grids, indexing="ij"), axis=-1).reshape(-1, len(feats))  # (G, |S|)
    G = mesh.shape[0]
    chunk = max(1, 2**24 // max(n * d, 1))  # grid points per model call
    preds = []
    for g0 in range(0, G, chunk):
        block = np.broadcast_to(X, (min(chunk, G - g0), n, d)).copy()
        block[:, :, list(feats)] = mesh[g0:g0 + chunk, None, :]
        out = evaluate(f, block.reshape(-1, d), "estimator")
        preds.append(out.reshape(block.shape[0], n, -1))
    P = np.concatenate(preds)  # (G, n, k)
    if positive_only and P.shape[2] == 2:
        P = P[:, :, 1:]
    shape = tuple(g.size for g in grids)
    individual = np.moveaxis(P, [0, 1, 2], [2, 1, 0]).reshape(P.shape[2], n, *shape)
    average = np.average(individual, axis=1, weights=w)
    return PartialDependence(
        grids, average if kind in ("average", "both") else None,
        individual if kind in ("individual", "both") else None, feats)
