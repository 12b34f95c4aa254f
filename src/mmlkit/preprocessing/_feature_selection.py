"""Univariate feature selection: ANOVA F, χ² and mutual-information scores, and SelectKBest."""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from scipy.special import digamma
from sklearn.base import BaseEstimator
from sklearn.feature_selection import SelectorMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import dask_unsupported
from mmlkit._validation import (
    Interval,
    Options,
    as_float_array,
    check_consistent_length,
    check_random_state,
    validate_data,
    validate_params,
)
from mmlkit.probability._functions import chi2_sf, f_sf

__all__ = ["SelectKBest", "chi2", "f_classif", "mutual_info_classif"]


def _xy(X, y, test=None):
    X = as_float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    check_consistent_length((X, "X"), (y, "y"))
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("y must hold class labels, but it contains NaN or infinity")
    classes, index = np.unique(y, return_inverse=True)
    if test is not None and classes.size < 2:  # no between-class variation: the statistic is undefined
        raise ValueError(f"y must hold at least 2 classes for {test}, got {classes.size} class(es)")
    Y = np.zeros((y.size, classes.size))
    Y[np.arange(y.size), index] = 1.0
    return X, Y, index


def f_classif(X, y):
    """One-way ANOVA F statistic of each feature against the class labels.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)

    Returns
    -------
    F : ndarray of shape (n_features,)
    pvalues : ndarray of shape (n_features,)
        Upper tail of the F(K − 1, n − K) distribution (NaN for constant features).

    Notes
    -----
    F = [Σ_k n_k(x̄_k − x̄)²/(K − 1)] / [Σ_k Σ_{i∈k}(xᵢ − x̄_k)²/(n − K)], the
    between-class over the within-class mean square; O(nd) via class sums.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import f_classif
    >>> F, p = f_classif(np.array([[1.0], [1.2], [3.0], [3.1]]), [0, 0, 1, 1])
    >>> bool(p[0] < 0.01)
    True
    """
    X, Y, index = _xy(X, y, "f_classif")
    # F is scale-invariant per feature: work in exact power-of-two units per column
    X = np.ldexp(X, -_column_exponents(X))
    n, K = Y.shape
    if n <= K:
        raise ValueError(f"f_classif needs more samples than classes (within-class degrees of freedom), "
                         f"got {n} samples and {K} classes")
    counts = Y.sum(axis=0)
    means = (X.T @ Y).T / counts[:, None]
    grand = X.mean(axis=0)
    ss_between = counts @ (means - grand) ** 2
    resid = X - means[index]
    ss_within = np.sum(resid * resid, axis=0)
    df_between, df_within = K - 1, n - K
    with np.errstate(divide="ignore", invalid="ignore"):
        F = (ss_between / df_between) / (ss_within / df_within)
    pvalues = np.where(np.isnan(F), np.nan, f_sf(np.where(np.isnan(F), 1.0, F), df_between, df_within))
    return F, pvalues


def chi2(X, y):
    """χ² statistic between each non-negative feature and the class labels.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        Non-negative values (counts, frequencies, indicators).
    y : array_like of shape (n_samples,)

    Returns
    -------
    chi2 : ndarray of shape (n_features,)
    pvalues : ndarray of shape (n_features,)
        Upper tail of χ²(K − 1).

    Notes
    -----
    Observed O_kj = Σ_{i∈k} xᵢⱼ, expected E_kj = (n_k/n)·Σᵢ xᵢⱼ, and
    χ²ⱼ = Σ_k (O_kj − E_kj)²/E_kj (scikit-learn's definition, which treats
    feature values as counts). O(nKd).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import chi2
    >>> stat, p = chi2(np.array([[5, 0], [4, 1], [0, 5], [1, 4]]), [0, 0, 1, 1])
    >>> stat.round(2)
    array([6.4, 6.4])
    """
    X, Y, _ = _xy(X, y, "chi2")
    if np.any(X < 0):
        raise ValueError("X must be non-negative for chi2 (it treats values as counts)")
    # χ² is linear in a feature's scale: compute it on X/2^eⱼ (exact) and scale back
    e = _column_exponents(X)
    X = np.ldexp(X, -e)
    observed = (X.T @ Y).T
    expected = np.outer(Y.mean(axis=0), X.sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        stat = np.ldexp(np.sum((observed - expected) ** 2 / expected, axis=0), e)
    K = Y.shape[1]
    pvalues = np.where(np.isnan(stat), np.nan, chi2_sf(np.where(np.isnan(stat), 0.0, stat), K - 1))
    return stat, pvalues


def _column_exponents(X):
    """eⱼ with max |X[:, j]|/2^eⱼ in [1/2, 1) (0 for an all-zero or empty column)."""
    return np.frexp(np.max(np.abs(X), axis=0))[1] if X.shape[0] else np.zeros(X.shape[1], dtype=int)


def _mi_discrete(x, y_index):
    """Plug-in mutual information (nats) of two discrete samples from their contingency table."""
    _, xi = np.unique(x, return_inverse=True)
    n = x.size
    table = np.zeros((xi.max() + 1, y_index.max() + 1))
    np.add.at(table, (xi, y_index), 1.0)
    joint = table / n
    px, py = joint.sum(axis=1, keepdims=True), joint.sum(axis=0, keepdims=True)
    nz = joint > 0
    return max(0.0, float(np.sum(joint[nz] * np.log(joint[nz] / (px @ py)[nz]))))


def _kth_neighbour_distance(xs, k):
    """For sorted 1-D ``xs``, the distance from each point to its k-th nearest other point."""
    m = xs.size
    padded = np.concatenate([np.full(k, -np.inf), xs, np.full(k, np.inf)])
    offsets = np.concatenate([np.arange(-k, 0), np.arange(1, k + 1)])
    candidates = np.abs(padded[k + np.arange(m)[:, None] + offsets] - xs[:, None])
    return np.partition(candidates, k - 1, axis=1)[:, k - 1]


def _count_within(xs, x, radius):
    """m_i = #{j : |xs_j − x_i| ≤ r_i} for sorted ``xs``, by binary search.

    x ± r is rounded, so the bracket from ``searchsorted`` is corrected with the
    exact distances |xs_j − x_i| (the ones a k-d tree would compare).
    """
    n = xs.size
    hi = np.searchsorted(xs, x + radius, side="right")
    lo = np.searchsorted(xs, x - radius, side="left")
    while True:  # each pass moves a bracket end by one; ties make at most a few passes
        shrink_hi = (hi > 0) & (xs[np.maximum(hi - 1, 0)] - x > radius)
        grow_hi = (hi < n) & (xs[np.minimum(hi, n - 1)] - x <= radius)
        shrink_lo = (lo < n) & (x - xs[np.minimum(lo, n - 1)] > radius)
        grow_lo = (lo > 0) & (x - xs[np.maximum(lo - 1, 0)] <= radius)
        if not (shrink_hi.any() or grow_hi.any() or shrink_lo.any() or grow_lo.any()):
            return hi - lo
        hi = hi - shrink_hi + grow_hi
        lo = lo + shrink_lo - grow_lo


def _mi_continuous(x, y_index, n_neighbors):
    """Ross's k-NN estimate of I(x; y) for continuous x and discrete y (nats, clipped at 0)."""
    counts = np.bincount(y_index)
    keep = counts[y_index] > 1  # points whose label is unique carry no neighbour information
    x, y_index = x[keep], y_index[keep]
    n = x.size
    if n == 0:
        return 0.0
    radius = np.empty(n)
    k_all = np.empty(n)
    for label in np.unique(y_index):  # one vectorised pass per class
        members = np.flatnonzero(y_index == label)
        k = min(n_neighbors, members.size - 1)
        order = members[np.argsort(x[members], kind="stable")]
        radius[order] = np.nextafter(_kth_neighbour_distance(x[order], k), 0)
        k_all[members] = k
    m_all = _count_within(np.sort(x), x, radius)
    label_counts = np.bincount(y_index)[y_index]
    mi = digamma(n) + np.mean(digamma(k_all)) - np.mean(digamma(label_counts)) - np.mean(digamma(m_all))
    return max(0.0, float(mi))


def mutual_info_classif(X, y, *, discrete_features="auto", n_neighbors=3, copy=True, random_state=None):
    """Estimated mutual information I(xⱼ; y) between each feature and the class, in nats.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
        Class labels.
    discrete_features : {"auto", bool} or array_like, default="auto"
        Which features are discrete: a bool for all, a boolean mask or
        indices; ``"auto"`` means none (dense input), as in scikit-learn.
    n_neighbors : int, default=3
        k of the k-nearest-neighbour estimator for continuous features.
    copy : bool, default=True
        Kept for scikit-learn compatibility; X is never modified.
    random_state : int, Generator or None, default=None
        Seeds the tiny jitter (1e-10 of the feature scale) added to continuous
        features to break ties.

    Returns
    -------
    ndarray of shape (n_features,)

    Notes
    -----
    Discrete features: the plug-in estimate Σ p(x, y) log[p(x, y)/(p(x)p(y))]
    from the contingency table — exactly scikit-learn's value.

    Continuous features (Kraskov et al. 2004, as adapted to a discrete target
    by Ross 2014, the estimator scikit-learn uses): each feature is scaled to
    unit standard deviation and jittered; for every point, r is the distance to
    its k-th nearest neighbour *of the same class* and m the number of points of
    *any* class within r; then

        Î = ψ(n) + ⟨ψ(k)⟩ − ⟨ψ(n_y)⟩ − ⟨ψ(m)⟩,

    clipped at 0 (ψ the digamma function, n_y the class size; points alone in
    their class are left out). In one dimension the neighbour search is a sort
    and a sliding window of 2k candidates, O(n log n + nk) per feature. Values
    agree with scikit-learn's up to the effect of the random jitter (which
    only matters for tied values).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import mutual_info_classif
    >>> X = np.array([[0, 1], [0, 0], [1, 1], [1, 0]] * 5)
    >>> mutual_info_classif(X, X[:, 0], discrete_features=True).round(3)
    array([0.693, 0.   ])
    """
    X, _, y_index = _xy(X, y)
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, numbers.Integral) or n_neighbors < 1:
        raise ValueError(f"n_neighbors must be a positive int, got {n_neighbors!r}")
    n, d = X.shape
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(f"discrete_features must be 'auto', a bool or a mask/indices, got {discrete_features!r}")
        discrete = np.zeros(d, dtype=bool)
    elif isinstance(discrete_features, (bool, np.bool_)):
        discrete = np.full(d, bool(discrete_features))
    else:
        given = np.asarray(discrete_features)
        if given.dtype == bool:
            if given.shape != (d,):
                raise ValueError(f"discrete_features mask must have length {d}, got {given.shape}")
            discrete = given.copy()
        else:
            discrete = np.zeros(d, dtype=bool)
            discrete[given] = True
    rng = check_random_state(random_state)
    continuous = ~discrete
    if continuous.any():
        Xc = X[:, continuous]
        std = Xc.std(axis=0)
        Xc = Xc / np.where(std > 0, std, 1.0)
        scale = np.maximum(1.0, np.mean(np.abs(Xc), axis=0))
        Xc = Xc + 1e-10 * scale * rng.standard_normal(Xc.shape)
        X = X.copy()
        X[:, continuous] = Xc
    return np.array([
        _mi_discrete(X[:, j], y_index) if discrete[j] else _mi_continuous(X[:, j], y_index, n_neighbors)
        for j in range(d)  # one feature at a time; each estimate is vectorised over samples
    ])


@dask_unsupported
class SelectKBest(SelectorMixin, BaseEstimator):
    """Keep the k features with the highest univariate scores.

    Parameters
    ----------
    score_func : callable, default=f_classif
        ``score_func(X, y)`` returning scores, or (scores, p-values).
    k : int or "all", default=10
        Number of features to keep.

    Attributes
    ----------
    scores_ : ndarray of shape (n_features,)
    pvalues_ : ndarray of shape (n_features,) or None

    Notes
    -----
    The k largest scores win (NaN scores count as the lowest; ties go to the
    later feature, as scikit-learn's stable sort does). ``transform``,
    ``inverse_transform``, ``get_support`` and ``get_feature_names_out`` come
    from scikit-learn's ``SelectorMixin``.

    Examples
    --------
    >>> from mmlkit.datasets import load_iris
    >>> from mmlkit.preprocessing import SelectKBest
    >>> X, y = load_iris()
    >>> SelectKBest(k=2).fit(X, y).get_support(indices=True)
    array([2, 3])
    """

    _parameter_constraints = {"score_func": ["callable"], "k": [Options(("all",)), Interval(numbers.Integral, 0, None)]}

    def __init__(self, score_func=f_classif, *, k=10):
        self.score_func = score_func
        self.k = k

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    def fit(self, X, y):
        """Score every feature.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)

        Returns
        -------
        self
        """
        validate_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64)
        if self.k != "all" and self.k > X.shape[1]:
            warnings.warn(f"k={self.k} is greater than n_features={X.shape[1]}; all features will be kept",
                          UserWarning, stacklevel=2)
        result = self.score_func(X, y)
        if isinstance(result, (tuple, list)):
            self.scores_, self.pvalues_ = np.asarray(result[0], dtype=float), np.asarray(result[1], dtype=float)
        else:
            self.scores_, self.pvalues_ = np.asarray(result, dtype=float), None
        return self

    def _get_support_mask(self):
        check_is_fitted(self)
        d = self.scores_.size
        if self.k == "all" or self.k >= d:
            return np.ones(d, dtype=bool)
        mask = np.zeros(d, dtype=bool)
        if self.k == 0:
            return mask
        scores = np.where(np.isnan(self.scores_), -np.inf, self.scores_)
        mask[np.argsort(scores, kind="mergesort")[-self.k:]] = True
        return mask
