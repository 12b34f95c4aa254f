"""Naive Bayes classifiers: Gaussian, multinomial and Bernoulli, all in log space.

Each models p(y = k | x) ∝ π_k ∏ⱼ p(xⱼ | y = k) with features independent
given the class, and computes the joint log-likelihood

    jll_k(x) = log π_k + Σⱼ log p(xⱼ | y = k),

normalised with logsumexp, so no probability ever underflows.
"""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import any_dask, dask_unsupported, is_dask_collection, map_rows
from mmlkit._scaling import shift, unit_exponent
from mmlkit._validation import (
    Interval,
    check_classification_labels,
    check_probability_vector,
    validate_data,
    validate_params,
)

__all__ = ["BernoulliNB", "GaussianNB", "MultinomialNB"]


class _BaseNB(ClassifierMixin, BaseEstimator):
    """Shared fitting and prediction: a subclass accumulates its statistics in
    ``_partial_fit`` and scores classes in ``_joint_log_likelihood``."""

    #: The statistic whose presence marks a fitted model (a later partial_fit adds to it).
    _statistic: str

    def fit(self, X, y):
        """Estimate the class statistics from scratch.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)

        Returns
        -------
        self
        """
        for name in (self._statistic, "classes_"):
            self.__dict__.pop(name, None)
        if any_dask(X, y):
            from mmlkit.models import _dask_fit

            return _dask_fit.gaussian_nb(self, X, y)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_labels(y)
        return self._partial_fit(X, y, np.unique(y), first_call=True, validated=True)

    def partial_fit(self, X, y, classes=None):
        """Update the class statistics with one batch.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
        classes : array_like of shape (n_classes,), optional
            All classes; required on the first call.

        Returns
        -------
        self
        """
        return self._partial_fit(X, y, classes, first_call=not hasattr(self, self._statistic))

    def _partial_fit(self, X, y, classes, *, first_call, validated=False):  # pragma: no cover - abstract
        raise NotImplementedError

    def _joint_log_likelihood(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def _check_X(self, X):
        return validate_data(self, X, reset=False, dtype=np.float64)

    def predict_joint_log_proba(self, X):
        """Joint log-likelihood log p(x, y = k) = log π_k + log p(x | y = k).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        if is_dask_collection(X):
            return map_rows(self.predict_joint_log_proba, X)
        check_is_fitted(self)
        return self._joint_log_likelihood(self._check_X(X))

    def predict_log_proba(self, X):
        """Log posterior log p(y = k | x) = jll_k − logsumexp_k(jll).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        if is_dask_collection(X):
            return map_rows(self.predict_log_proba, X)
        jll = self.predict_joint_log_proba(X)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X):
        """Posterior class probabilities (rows sum to one).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        if is_dask_collection(X):
            return map_rows(self.predict_proba, X)
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """The maximum a-posteriori class.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        if is_dask_collection(X):
            return map_rows(self.predict, X)
        jll = self.predict_joint_log_proba(X)
        return self.classes_[np.argmax(jll, axis=1)]

    def _prepare(self, X, y, classes, *, first_call, validated=False):
        """Validate a batch; on the first call set ``classes_``.

        Returns X, the one-hot class indicators Y (n_samples, n_classes) and the
        class index. Class sums are formed as (XᵀY)ᵀ: that operand order keeps
        OpenBLAS on its fast path for a short Y (YᵀX can be 100× slower).
        """
        if not validated:
            X, y = validate_data(self, X, y, dtype=np.float64, reset=first_call)
            check_classification_labels(y)
        if first_call:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit")
            self.classes_ = np.unique(np.asarray(classes))
        elif classes is not None and not np.array_equal(np.unique(np.asarray(classes)), self.classes_):
            raise ValueError(f"classes={classes!r} differs from the classes of the first call, {self.classes_}")
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, self.classes_.size - 1)
        unknown = self.classes_[index] != y
        if np.any(unknown):
            raise ValueError(f"y contains labels {np.unique(y[unknown])} not in classes {self.classes_}")
        Y = np.zeros((y.shape[0], self.classes_.size))
        Y[np.arange(y.shape[0]), index] = 1.0
        return X, Y, index


_SQ_DEV_ELEMENTS = 2**15  # size of a block of (x − θ)² (256 KiB): a bounded buffer, however large X is


def _class_sq_dev(X, Y, index, means):
    """Σ_{i: yᵢ = k} (xᵢ − θ_k)² per class k, shape (K, d), by row blocks through the one-hot Y.

    One block-sized buffer holds X − θ and then its square (in place), so the
    pass allocates a bounded multiple of d, not another copy of X.
    """
    n = X.shape[0]
    step = min(n, max(1, _SQ_DEV_ELEMENTS // max(1, X.shape[1])))
    buffer = np.empty((step, X.shape[1]))
    total = None
    for start in range(0, n, step):
        rows = slice(start, min(n, start + step))
        resid = np.take(means, index[rows], axis=0, out=buffer[:rows.stop - start], mode="clip")
        np.subtract(X[rows], resid, out=resid)
        resid *= resid
        part = (resid.T @ Y[rows]).T
        total = part if total is None else total + part
    return total


def _class_moments(X, Y, index, counts):
    """Per-class means and variances (K, d) of a batch through the one-hot Y (zeros for an absent class)."""
    K, d = Y.shape[1], X.shape[1]
    seen = (counts > 0)[:, None]
    means = np.divide((X.T @ Y).T, counts[:, None], out=np.zeros((K, d)), where=seen)
    variances = np.divide(_class_sq_dev(X, Y, index, means), counts[:, None], out=np.zeros((K, d)), where=seen)
    return means, variances


class GaussianNB(_BaseNB):
    """Gaussian naive Bayes: p(xⱼ | y = k) = N(xⱼ; θ_kj, σ²_kj).

    Parameters
    ----------
    priors : array_like of shape (n_classes,), optional
        Fixed class priors π (otherwise the class frequencies).
    var_smoothing : float, default=1e-9
        ε = var_smoothing · maxⱼ Var(xⱼ) is added to every variance, for
        stability (as scikit-learn).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_count_ : ndarray of shape (n_classes,)
    class_prior_ : ndarray of shape (n_classes,)
    theta_ : ndarray of shape (n_classes, n_features)
        Per-class means.
    var_ : ndarray of shape (n_classes, n_features)
        Per-class variances (maximum likelihood, ddof=0) plus ε.
    epsilon_ : float

    Notes
    -----
    jll_k(x) = log π_k − ½Σⱼ log(2πσ²_kj) − ½Σⱼ (xⱼ − θ_kj)²/σ²_kj, evaluated
    for all classes at once with matrix products (after shifting X by the
    overall mean to avoid cancellation): O(nKd). Fitting is one pass over the
    data through one-hot class indicators, O(nKd). ``partial_fit`` merges
    batch statistics with Chan et al.'s update

        μ = (n₁μ₁ + n₂μ₂)/n,  σ² = (n₁σ₁² + n₂σ₂² + n₁n₂/n·(μ₁ − μ₂)²)/n,

    and, unlike scikit-learn (which takes ε from the last batch), recomputes ε
    from the variance of all data seen, so batches give exactly what one
    ``fit`` on their concatenation gives.

    Any finite scale: data beyond 2^±256 are fitted in exact power-of-two
    units x/2**E (E from the largest |x|), and the running per-class variances
    are kept as v·4**E — a later batch at another scale is merged at the larger
    of the two exponents — so ``theta_``, the labels and the posteriors are
    right for data at 1e±300. ``var_`` and ``epsilon_`` (σ², ε) are then
    ``inf`` or 0 where the variance itself is beyond float64's range, and
    ``predict_joint_log_proba`` stays the density at the data's own scale (X·s
    lowers it by d·log s). A large batch's plain moments are checked
    afterwards, so ordinary data pay no extra pass. On Dask the first pass
    also returns max|x|; beyond 2^±256 its moments are rescaled to the same
    units, or, where squares over- or underflowed, recomputed in them (blocks
    divided on the workers, one more pass).

    On Dask X, y: one pass; each block sends its per-class counts, means and centred
    sums of squares, K(2d + 1) numbers, merged by the update above.

    Examples
    --------
    >>> from mmlkit.datasets import load_iris
    >>> from mmlkit.models import GaussianNB
    >>> X, y = load_iris()
    >>> round(GaussianNB().fit(X, y).score(X, y), 2)
    0.96
    """

    _statistic = "theta_"
    _parameter_constraints = {"priors": [None, "array-like"], "var_smoothing": [Interval(Real, 0, None)]}

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def _partial_fit(self, X, y, classes, *, first_call, validated=False):
        validate_params(self)
        X, Y, index = self._prepare(X, y, classes, first_call=first_call, validated=validated)
        K, d = Y.shape[1], X.shape[1]
        counts = Y.sum(axis=0)
        if X.size <= _SQ_DEV_ELEMENTS:    # small X: its scale first (two cheap reductions)
            e = unit_exponent(X)
            means, variances = _class_moments(shift(X, -e), Y, index, counts)
        else:                             # large X: the plain moments, checked afterwards (no extra pass)
            with np.errstate(over="ignore", under="ignore", invalid="ignore"):
                e, (means, variances) = 0, _class_moments(X, Y, index, counts)
            # Squares that over- or underflowed (data beyond about 2^±450): the batch again, in units of 2**e.
            if not (variances.min() > 2.0**-900 and variances.max() < 2.0**1000):
                e = unit_exponent(X)
                if e:
                    means, variances = _class_moments(shift(X, -e), Y, index, counts)
        if first_call:
            self.theta_ = np.zeros((K, d))
            self._var_u, self._var_e = np.zeros((K, d)), e
            self.class_count_ = np.zeros(K)
        # Merge with the running statistics (Chan, Golub & LeVeque) in the common units 2**E.
        E_old = self._var_e
        E = max(E_old, e)
        raw_var, variances = shift(self._var_u, 2 * (E_old - E)), shift(variances, 2 * (e - E))
        theta, means = shift(self.theta_, -E), shift(means, e - E)
        n_old = self.class_count_[:, None]
        n_new = counts[:, None]
        total = n_old + n_new
        safe = np.where(total > 0, total, 1.0)
        delta = means - theta
        merged_mean = (n_old * theta + n_new * means) / safe
        merged_var = (n_old * raw_var + n_new * variances + n_old * n_new / safe * delta**2) / safe
        self.theta_ = shift(np.where(total > 0, merged_mean, theta), E)
        raw_var = np.where(total > 0, merged_var, raw_var)
        self.class_count_ = self.class_count_ + counts
        return self._set_variance_and_priors(raw_var, E)

    def _set_variance_and_priors(self, raw_var, E=0):
        """Set ``epsilon_``, ``var_`` and ``class_prior_`` from the per-class variances
        ``raw_var · 4**E`` and ``class_count_``; returns self."""
        K = self.class_count_.size
        # ε from the variance of all data seen so far (the mixture of the class Gaussians).
        theta = shift(self.theta_, -E)
        weights = self.class_count_ / self.class_count_.sum()
        grand_mean = weights @ theta
        overall_var = weights @ (raw_var + (theta - grand_mean) ** 2)
        eps = float(self.var_smoothing * overall_var.max())
        self._var_u, self._var_e, self._eps_u = raw_var, E, eps
        self.epsilon_ = float(shift(eps, 2 * E))
        self.var_ = shift(raw_var + eps, 2 * E)
        if self.priors is not None:
            priors = check_probability_vector(self.priors, "priors")
            if priors.shape != (K,):
                raise ValueError(f"priors must have one entry per class ({K}), got shape {priors.shape}")
            self.class_prior_ = priors.copy()
        else:
            self.class_prior_ = self.class_count_ / self.class_count_.sum()
        return self

    def _joint_log_likelihood(self, X):
        # In the fit's units 2**E (E = 0 for ordinary data): x/2**E, θ/2**E, σ²/4**E, and
        # Σⱼ log σ²ⱼ = Σⱼ log(σ²ⱼ/4**E) + 2dE log 2.
        E = getattr(self, "_var_e", 0)
        var = self.var_ if not E else self._var_u + self._eps_u
        X, theta = shift(X, -E), shift(self.theta_, -E)
        precision = 1.0 / var
        centre = (self.class_count_ / self.class_count_.sum()) @ theta
        Xs = X - centre
        theta = theta - centre
        # (x − θ)ᵀP(x − θ) expanded; einsum's direct loop beats a GEMM for a handful of classes.
        # Xs is our own array, squared in place; the (n, K) terms are combined in place too.
        cross = np.einsum("ij,kj->ik", Xs, theta * precision)
        cross *= 2.0
        np.square(Xs, out=Xs)
        quad = np.einsum("ij,kj->ik", Xs, precision)
        quad -= cross
        del cross
        quad += np.sum(theta**2 * precision, axis=1)
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        log_det = np.sum(np.log(2.0 * np.pi * var), axis=1) + 2.0 * X.shape[1] * E * np.log(2.0)
        quad *= -0.5
        quad += log_prior - 0.5 * log_det    # log π_k − ½ log det(2πΣ_k) − ½ (x − θ_k)ᵀΣ_k⁻¹(x − θ_k)
        return quad


class _BaseDiscreteNB(_BaseNB):
    """Count-based naive Bayes: statistics are the per-class feature counts Yᵀ X."""

    _statistic = "feature_count_"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The contract's training-accuracy check uses continuous blobs, which count
        # models fit poorly by design (scikit-learn's own MultinomialNB/BernoulliNB set this).
        tags.classifier_tags.poor_score = True
        return tags

    def _count_input(self, X):
        return X

    def _count_blocks(self, X):
        """The model's input (X as counted) as ``(rows, block)`` pairs: X whole, unless a subclass
        transforms it (then in row blocks of bounded size, so no transformed copy of X is held)."""
        yield slice(None), self._count_input(X)

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None)],
        "fit_prior": ["boolean"],
        "force_alpha": ["boolean"],
        "binarize": [None, Interval(Real, None, None)],
        "class_prior": [None, "array-like"],
    }

    def _partial_fit(self, X, y, classes, *, first_call, validated=False):
        validate_params(self)
        X, Y, _ = self._prepare(X, y, classes, first_call=first_call, validated=validated)
        counts = np.zeros((Y.shape[1], X.shape[1]))
        for rows, Xc in self._count_blocks(X):
            counts += (Xc.T @ Y[rows]).T
        if first_call:
            self.feature_count_ = np.zeros((Y.shape[1], X.shape[1]))
            self.class_count_ = np.zeros(Y.shape[1])
        self.feature_count_ = self.feature_count_ + counts
        self.class_count_ = self.class_count_ + Y.sum(axis=0)
        self._update_log_probabilities()
        self._update_class_log_prior()
        return self

    def _alpha(self):
        alpha = float(self.alpha)
        if alpha < 1e-10 and not self.force_alpha:
            warnings.warn(f"alpha={alpha} is too small; using 1e-10 instead (set force_alpha=True to keep it)",
                          UserWarning, stacklevel=4)
            return 1e-10
        return alpha

    def _update_class_log_prior(self):
        K = self.classes_.size
        if self.class_prior is not None:
            prior = check_probability_vector(self.class_prior, "class_prior")
            if prior.shape != (K,):
                raise ValueError(f"class_prior must have one entry per class ({K}), got shape {prior.shape}")
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(prior)
        elif self.fit_prior:
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = np.log(self.class_count_) - np.log(self.class_count_.sum())
        else:
            self.class_log_prior_ = np.full(K, -np.log(K))


@dask_unsupported
class MultinomialNB(_BaseDiscreteNB):
    """Multinomial naive Bayes for counts (word counts, histograms).

    Parameters
    ----------
    alpha : float, default=1.0
        Additive (Laplace/Lidstone) smoothing of the counts.
    force_alpha : bool, default=True
        Keep ``alpha`` even when below 1e-10 (otherwise it is raised to 1e-10).
    fit_prior : bool, default=True
        Learn class priors from frequencies; otherwise uniform.
    class_prior : array_like of shape (n_classes,), optional
        Fixed priors (overrides ``fit_prior``).

    Attributes
    ----------
    classes_, class_count_ : ndarray of shape (n_classes,)
    feature_count_ : ndarray of shape (n_classes, n_features)
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        log θ_kj = log(N_kj + α) − log Σⱼ(N_kj + α).
    class_log_prior_ : ndarray of shape (n_classes,)

    Notes
    -----
    p(x | y = k) ∝ ∏ⱼ θ_kjˣʲ, so jll_k(x) = log π_k + Σⱼ xⱼ log θ_kj — one
    matrix product, O(nKd). The counts N = YᵀX are additive, so
    ``partial_fit`` just accumulates them. X must be non-negative.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import MultinomialNB
    >>> X = np.array([[3, 0, 1], [2, 0, 0], [0, 4, 1], [0, 3, 2]])
    >>> MultinomialNB().fit(X, [0, 0, 1, 1]).predict([[1, 0, 0]])
    array([0])
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags

    def _count_input(self, X):
        if np.any(X < 0):
            raise ValueError("Negative values in data passed to MultinomialNB (input X): X must hold counts >= 0")
        return X

    def _update_log_probabilities(self):
        smoothed = self.feature_count_ + self._alpha()
        with np.errstate(divide="ignore"):
            self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))

    def _joint_log_likelihood(self, X):
        self._count_input(X)
        return X @ self.feature_log_prob_.T + self.class_log_prior_


@dask_unsupported
class BernoulliNB(_BaseDiscreteNB):
    """Bernoulli naive Bayes for binary (presence/absence) features.

    Parameters
    ----------
    alpha : float, default=1.0
        Additive smoothing.
    force_alpha : bool, default=True
    binarize : float or None, default=0.0
        Threshold: features become xⱼ > binarize. None: X is already binary.
    fit_prior : bool, default=True
    class_prior : array_like of shape (n_classes,), optional

    Attributes
    ----------
    classes_, class_count_ : ndarray of shape (n_classes,)
    feature_count_ : ndarray of shape (n_classes, n_features)
    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        log p_kj = log(N_kj + α) − log(N_k + 2α).
    class_log_prior_ : ndarray of shape (n_classes,)

    Notes
    -----
    ::

        jll_k(x) = log π_k + Σⱼ [xⱼ log p_kj + (1 − xⱼ) log(1 − p_kj)]
                 = log π_k + Σⱼ log(1 − p_kj) + xᵀ(log p_k − log(1 − p_k)),

    one matrix product, O(nKd); absent features count as evidence, unlike the
    multinomial model.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import BernoulliNB
    >>> X = np.array([[1, 0, 1], [1, 0, 0], [0, 1, 1], [0, 1, 0]])
    >>> BernoulliNB().fit(X, [0, 0, 1, 1]).predict([[1, 0, 1]])
    array([0])
    """

    def __init__(self, *, alpha=1.0, force_alpha=True, binarize=0.0, fit_prior=True, class_prior=None):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _count_blocks(self, X):
        if self.binarize is None:
            yield slice(None), X
            return
        step = max(1, _SQ_DEV_ELEMENTS // max(1, X.shape[1]))
        for start in range(0, X.shape[0], step):
            rows = slice(start, start + step)
            yield rows, (X[rows] > self.binarize).astype(np.float64)

    def _update_log_probabilities(self):
        alpha = self._alpha()
        with np.errstate(divide="ignore"):
            self.feature_log_prob_ = (np.log(self.feature_count_ + alpha)
                                      - np.log(self.class_count_ + 2 * alpha)[:, None])

    def _joint_log_likelihood(self, X):
        log_p = self.feature_log_prob_
        with np.errstate(divide="ignore"):
            log_q = np.log1p(-np.exp(log_p))
        W = (log_p - log_q).T
        jll = np.empty((X.shape[0], W.shape[1]))
        for rows, Xb in self._count_blocks(X):
            np.matmul(Xb, W, out=jll[rows])
        jll += log_q.sum(axis=1)
        jll += self.class_log_prior_
        return jll
