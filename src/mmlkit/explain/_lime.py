"""LIME for tabular data: a weighted linear surrogate fitted around one prediction."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import ndtr, ndtri

from mmlkit._scaling import power_of_two_scale
from mmlkit._validation import Interval, Options, as_float_array, check_random_state, validate_args
from mmlkit.explain._common import evaluate, model_function

__all__ = ["LimeExplanation", "lime_tabular"]


@dataclass(frozen=True)
class LimeExplanation:
    """A local linear surrogate of the model around one instance.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        Surrogate coefficients (zero for features left out by ``num_features``),
        in the interpretable representation: for ``discretize_continuous`` the
        indicator "same bin as the instance"; otherwise standardised features.
    intercept : float
    score : float
        Weighted R² of the surrogate on the perturbed sample.
    local_prediction : float
        The surrogate at the instance.
    prediction : float
        The model at the instance.
    features : ndarray of int
        The features used, by decreasing |coef|.
    feature_descriptions : list of str
        For each feature, the bin or value the explanation refers to.
    """

    coef: np.ndarray
    intercept: float
    score: float
    local_prediction: float
    prediction: float
    features: np.ndarray
    feature_descriptions: list = field(default_factory=list)


def _weighted_ridge(Z, y, w, alpha):
    """Ridge with intercept on weighted data: centre by weighted means, then Cholesky."""
    sw = w / w.sum()
    z_mean, y_mean = sw @ Z, sw @ y
    Zc, yc = Z - z_mean, y - y_mean
    G = Zc.T @ (Zc * w[:, None]) + alpha * np.eye(Z.shape[1])
    coef = cho_solve(cho_factor(G), Zc.T @ (w * yc))
    intercept = y_mean - z_mean @ coef
    resid = y - Z @ coef - intercept
    ss_tot = w @ yc**2
    score = 1.0 - (w @ resid**2) / ss_tot if ss_tot > 0 else 1.0
    return coef, float(intercept), float(score)


def _truncated_normal(low, high, mean, std, rng):
    """Draws from N(mean, std²) restricted to [low, high], by inverting the CDF."""
    a, b = ndtr((low - mean) / std), ndtr((high - mean) / std)
    u = a + (b - a) * rng.random(mean.shape)
    z = ndtri(np.clip(u, 1e-300, 1 - 1e-16))
    return np.clip(mean + std * z, low, high)


@validate_args({"num_samples": [Interval(numbers.Integral, 2, None)],
                "num_features": [None, Interval(numbers.Integral, 1, None)],
                "discretize_continuous": ["boolean"], "discretizer": [Options(("quartile", "decile"))],
                "kernel_width": [None, Interval(numbers.Real, 0.0, None, closed="neither")],
                "sample_around_instance": ["boolean"], "alpha": [Interval(numbers.Real, 0.0, None)],
                "random_state": ["random_state"]})
def lime_tabular(model, X_train, x, *, label=1, num_samples=5000, num_features=None,
                 discretize_continuous=True, discretizer="quartile", kernel_width=None,
                 sample_around_instance=False, alpha=1.0, feature_names=None, random_state=None):
    """Explain one prediction by a locally weighted linear model (LIME, tabular).

    Parameters
    ----------
    model : callable or estimator
        ``f(X (m, d)) -> (m,)`` (regression) or ``(m, k)`` class probabilities.
    X_train : array_like of shape (n_train, n_features)
        Training data: its statistics (quantiles, means, spreads) shape the perturbations.
    x : array_like of shape (n_features,)
        The instance to explain.
    label : int, default=1
        Which output column to explain when the model returns (m, k).
    num_samples : int, default=5000
        Size of the perturbed neighbourhood.
    num_features : int or None, default=None
        Keep only this many features (those with the largest weighted-ridge
        contributions, lime's "highest_weights"); None keeps all.
    discretize_continuous : bool, default=True
        Explain with indicators "feature in the instance's bin" (lime's default).
    discretizer : {"quartile", "decile"}, default="quartile"
        Bins from the training quartiles or deciles.
    kernel_width : float or None, default=None
        Width σ of the exponential kernel; None means 0.75·√d.
    sample_around_instance : bool, default=False
        Without discretisation: centre Gaussian perturbations on ``x`` rather
        than on the training mean.
    alpha : float, default=1.0
        Ridge penalty of the surrogate (lime uses 1).
    feature_names : list of str, optional
        Names for ``feature_descriptions``.
    random_state : int, Generator or None, default=None
        Seed for the perturbations.

    Returns
    -------
    LimeExplanation

    Notes
    -----
    Perturbation follows lime's ``LimeTabularExplainer``. With discretisation,
    each feature's bin is drawn from its training frequencies and a value is
    drawn inside the bin from a normal with the bin's mean and spread,
    truncated to the bin; the interpretable row is zⱼ = [bin = bin(x)]. Without,
    values are N(μⱼ, sⱼ²) (or N(xⱼ, sⱼ²)) and z is the standardised value. The
    first sample is x itself. Weights πᵢ = √exp(−‖zᵢ − z₀‖²/σ²); the surrogate
    minimises Σ πᵢ (f(x′ᵢ) − β₀ − βᵀzᵢ)² + α‖β‖², solved by Cholesky on the
    weight-centred normal equations. Cost: one model call on num_samples rows
    plus O(num_samples · d²).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3))
    >>> f = lambda Z: Z @ np.array([2.0, 0.0, -1.0])
    >>> ex = lime_tabular(f, X, X[0], discretize_continuous=False, random_state=0)
    >>> bool(abs(ex.coef[1]) < 0.05)
    True
    """
    f = model_function(model)
    X_train = as_float_array(X_train, "X_train", ndim=2)
    x = as_float_array(x, "x", ndim=1)
    n_train, d = X_train.shape
    if x.shape[0] != d:
        raise ValueError(f"x must have {d} features like X_train, got {x.shape[0]}")
    if kernel_width is None:
        kernel_width = 0.75 * np.sqrt(d)
    # each feature in exact power-of-two units (max |value| in [½, 1)), so that no statistic below
    # overflows or underflows at any float scale; the samples go back to the data's units for the model
    units = np.frexp(np.max(np.abs(np.vstack([X_train, x])), axis=0))[1]
    X_train, x = np.ldexp(X_train, -units), np.ldexp(x, -units)
    rng = check_random_state(random_state)
    names = list(feature_names) if feature_names is not None else [f"x{j}" for j in range(d)]

    if discretize_continuous:
        q = [25, 50, 75] if discretizer == "quartile" else list(range(10, 100, 10))
        edges = [np.unique(np.percentile(X_train[:, j], q)) for j in range(d)]
        Z, inverse = np.ones((num_samples, d)), np.empty((num_samples, d))
        descriptions = []
        for j in range(d):  # per feature: its bins differ in number
            e = edges[j]
            train_bins = np.searchsorted(e, X_train[:, j])
            k = e.size + 1
            counts = np.bincount(train_bins, minlength=k)
            means = np.bincount(train_bins, X_train[:, j], minlength=k) / np.maximum(counts, 1)
            sq = np.bincount(train_bins, X_train[:, j] ** 2, minlength=k) / np.maximum(counts, 1)
            stds = np.sqrt(np.maximum(sq - means**2, 0.0)) + 1e-11
            lows = np.r_[X_train[:, j].min(), e]
            highs = np.r_[e, X_train[:, j].max()]
            present = np.flatnonzero(counts)
            bins = rng.choice(present, size=num_samples, p=counts[present] / n_train)
            own = int(np.searchsorted(e, x[j]))
            Z[:, j] = bins == own
            inverse[:, j] = _truncated_normal(lows[bins], highs[bins], means[bins], stds[bins], rng)
            descriptions.append(_describe(names[j], np.ldexp(e, units[j]), own))
        Z[0] = 1.0
        inverse[0] = x
        distances = np.sqrt(np.sum((Z - 1.0) ** 2, axis=1))
    else:
        mean, scale = X_train.mean(axis=0), X_train.std(axis=0)
        scale = np.where(scale == 0, 1.0, scale)
        centre = x if sample_around_instance else mean
        inverse = rng.normal(size=(num_samples, d)) * scale + centre
        inverse[0] = x
        Z = (inverse - mean) / scale
        distances = np.sqrt(np.sum((Z - Z[0]) ** 2, axis=1))
        descriptions = [f"{names[j]} (standardised)" for j in range(d)]

    out = evaluate(f, np.ldexp(inverse, units))
    if out.ndim == 2:
        if not 0 <= label < out.shape[1]:
            raise ValueError(f"label must index one of the model's {out.shape[1]} outputs, got {label}")
        y = out[:, label]
    else:
        y = out
    e_y = power_of_two_scale(y)  # the surrogate is linear in y: fit it in power-of-two units too
    y = np.ldexp(y, -e_y)
    weights = np.sqrt(np.exp(-(distances**2) / kernel_width**2))
    used = np.arange(d)
    if num_features is not None and num_features < d:
        coef_all, _, _ = _weighted_ridge(Z, y, weights, 0.01)
        used = np.argsort(-np.abs(coef_all * Z[0]), kind="stable")[:num_features]
    coef_used, intercept, score = _weighted_ridge(Z[:, used], y, weights, alpha)
    coef = np.zeros(d)
    coef[used] = np.ldexp(coef_used, e_y)
    order = used[np.argsort(-np.abs(coef_used), kind="stable")]
    local = math.ldexp(float(intercept + Z[0, used] @ coef_used), e_y)
    return LimeExplanation(coef, math.ldexp(intercept, e_y), score, local, math.ldexp(float(y[0]), e_y), order,
                           descriptions)


def _describe(name, edges, own):
    if own == 0:
        return f"{name} <= {edges[0]:.2f}"
    if own == edges.size:
        return f"{name} > {edges[-1]:.2f}"
    return f"{edges[own - 1]:.2f} < {name} <= {edges[own]:.2f}"
