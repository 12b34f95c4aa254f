"""Inference about models: bias–variance, model comparison tests, bootstrap intervals."""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone, is_classifier

from mmlkit._validation import (
    POSITIVE_INT,
    Interval,
    Options,
    as_float_array,
    check_consistent_length,
    check_random_state,
    check_sample_weight,
    validate_args,
)
from mmlkit.evaluation._checks import as_label_array
from mmlkit.evaluation._cross_validation import cross_validate
from mmlkit.evaluation._split import KFold, StratifiedKFold, _num_samples
from mmlkit.probability._functions import binom_cdf, chi2_sf, normal_cdf, normal_ppf, t_sf

__all__ = [
    "BiasVariance", "ComparisonResult", "ConfidenceInterval", "bias_variance_decomposition",
    "compare_models", "corrected_resampled_ttest", "mcnemar_test", "metric_confidence_interval",
]


@dataclass(frozen=True)
class BiasVariance:
    """Expected test loss split into bias and variance (averaged over test points)."""

    expected_loss: float
    bias: float
    variance: float
    loss: str


@validate_args({"loss": [Options(("squared", "0-1"))], "n_rounds": [POSITIVE_INT]})
def bias_variance_decomposition(estimator, X_train, y_train, X_test, y_test, *, loss="squared",
                                n_rounds=200, random_state=None):
    """Bias and variance of an estimator, estimated over bootstrap training sets.

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-compatible estimator (cloned each round).
    X_train : array_like of shape (n_train, n_features)
        Training data, resampled with replacement each round.
    y_train : array_like of shape (n_train,)
        Training targets.
    X_test : array_like of shape (n_test, n_features)
        Test points at which predictions are collected.
    y_test : array_like of shape (n_test,)
        Test targets.
    loss : {"squared", "0-1"}, default="squared"
        Squared error (regression) or 0-1 loss (classification, Domingos 2000).
    n_rounds : int, default=200
        Number of bootstrap training sets.
    random_state : int, Generator or None, default=None
        Seed for the resampling.

    Returns
    -------
    BiasVariance
        ``expected_loss``, ``bias`` and ``variance``, each averaged over the test set.

    Notes
    -----
    With predictions ŷ_r(x) from R bootstrap fits and main prediction ȳ(x)
    (their mean for squared loss, their mode for 0-1 loss):

    squared: E(ŷ − y)² = (ȳ − y)² + E(ŷ − ȳ)²  — bias² + variance, exactly;
    0-1: bias = [ȳ ≠ y], variance = P(ŷ ≠ ȳ); the loss is bias + variance on
    unbiased points and bias − variance on biased ones (for two classes).

    ``bias`` reports the squared bias for squared loss (mlxtend's convention).
    Cost: R fits and R predictions.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from mmlkit.datasets import make_regression
    >>> X, y = make_regression(80, 3, noise=5.0, random_state=0)
    >>> bv = bias_variance_decomposition(LinearRegression(), X[:60], y[:60], X[60:], y[60:],
    ...                                  n_rounds=20, random_state=0)
    >>> abs(bv.expected_loss - bv.bias - bv.variance) < 1e-9
    True
    """
    X_train = as_float_array(X_train, "X_train", ndim=2)
    X_test = as_float_array(X_test, "X_test", ndim=2)
    if loss == "squared":
        y_train = as_float_array(y_train, "y_train", ndim=1)
        y_test = as_float_array(y_test, "y_test", ndim=1)
    else:
        y_train = as_label_array(y_train, "y_train")
        y_test = as_label_array(y_test, "y_test")
    check_consistent_length((X_train, "X_train"), (y_train, "y_train"))
    check_consistent_length((X_test, "X_test"), (y_test, "y_test"))
    if X_train.shape[1] != X_test.shape[1]:
        raise ValueError(f"X_test must have {X_train.shape[1]} features like X_train, got {X_test.shape[1]}")
    rng = check_random_state(random_state)
    n = X_train.shape[0]
    boot = rng.integers(0, n, size=(n_rounds, n))
    preds = np.stack([clone(estimator).fit(X_train[b], y_train[b]).predict(X_test) for b in boot])
    if loss == "squared":
        main = preds.mean(axis=0)
        expected = float(np.mean((preds - y_test) ** 2))
        bias = float(np.mean((main - y_test) ** 2))
        variance = float(np.mean((preds - main) ** 2))
    else:
        classes, codes = np.unique(preds, return_inverse=True)
        codes = codes.reshape(preds.shape)
        counts = np.zeros((classes.size, preds.shape[1]), dtype=np.int64)
        np.add.at(counts, (codes, np.broadcast_to(np.arange(preds.shape[1]), codes.shape)), 1)
        main = classes[np.argmax(counts, axis=0)]
        expected = float(np.mean(preds != y_test))
        bias = float(np.mean(main != y_test))
        variance = float(np.mean(preds != main))
    return BiasVariance(expected, bias, variance, loss)


@dataclass(frozen=True)
class ComparisonResult:
    """A test statistic, its p-value and (where defined) degrees of freedom."""

    statistic: float
    pvalue: float
    df: float | None = None
    method: str = ""
    mean_difference: float | None = None
    scores_a: np.ndarray | None = field(default=None, repr=False)
    scores_b: np.ndarray | None = field(default=None, repr=False)


@validate_args({"n_train": [POSITIVE_INT], "n_test": [POSITIVE_INT]})
def corrected_resampled_ttest(scores_a, scores_b, n_train, n_test):
    """Nadeau–Bengio corrected resampled t-test on paired per-fold scores.

    Parameters
    ----------
    scores_a, scores_b : array_like of shape (n_folds,)
        Scores of two models on the same folds.
    n_train, n_test : int
        Training and test set sizes of a fold.

    Returns
    -------
    ComparisonResult
        Two-sided p-value, df = J − 1.

    Notes
    -----
    With dⱼ = aⱼ − bⱼ over J folds, d̄ their mean and s² their variance (ddof=1),

        t = d̄ / √((1/J + n_test/n_train) · s²),

    the n_test/n_train term correcting for the overlap of training sets that
    makes fold scores correlated (the plain paired t-test is far too liberal).

    Examples
    --------
    >>> r = corrected_resampled_ttest([0.9, 0.8, 0.85], [0.7, 0.75, 0.7], 80, 20)
    >>> round(r.df)
    2
    """
    a = as_float_array(scores_a, "scores_a", ndim=1)
    b = as_float_array(scores_b, "scores_b", ndim=1)
    check_consistent_length((a, "scores_a"), (b, "scores_b"))
    if a.size < 2:
        raise ValueError(f"scores_a must hold at least 2 folds, got {a.size}")
    # t is scale-invariant: compute it on the differences in exact power-of-two units
    # (d/2^e with max|d| in [1/2, 1)) so the variance neither overflows nor underflows
    e = int(np.frexp(max(float(np.max(np.abs(a))), float(np.max(np.abs(b)))))[1])
    d = np.ldexp(a, -e) - np.ldexp(b, -e)
    J = d.size
    var = d.var(ddof=1)
    mean_s = float(d.mean())
    with np.errstate(over="ignore"):
        mean = float(np.ldexp(mean_s, e))   # the mean difference, in the scores' units
    if var == 0:
        t = 0.0 if mean_s == 0 else np.copysign(np.inf, mean_s)
    else:
        t = mean_s / np.sqrt((1.0 / J + n_test / n_train) * var)
    p = float(min(1.0, 2 * t_sf(abs(t), J - 1)))
    return ComparisonResult(float(t), p, float(J - 1), "corrected resampled t-test", mean, a, b)


@validate_args({"exact": ["boolean"], "correction": ["boolean"]})
def mcnemar_test(y_true, y_pred_a, y_pred_b, *, exact=True, correction=True):
    """McNemar's test: do two classifiers err on the same test set at the same rate?

    Parameters
    ----------
    y_true, y_pred_a, y_pred_b : array_like of shape (n_samples,)
        True labels and the two classifiers' predictions.
    exact : bool, default=True
        Binomial test on the discordant pairs; otherwise the χ² approximation.
    correction : bool, default=True
        Edwards' continuity correction for the χ² version.

    Returns
    -------
    ComparisonResult
        Statistic (b for the exact test, χ² otherwise) and two-sided p-value.

    Notes
    -----
    Let b = #(A right, B wrong), c = #(A wrong, B right). Under H₀, b ~
    Binomial(b + c, ½): p = min(1, 2·F(min(b, c))). The χ² form is
    (|b − c| − 1)² / (b + c) with 1 degree of freedom.

    Examples
    --------
    >>> mcnemar_test([1, 1, 1, 0], [1, 1, 1, 0], [0, 0, 1, 0]).pvalue
    0.5
    """
    y = as_label_array(y_true, "y_true")
    a = as_label_array(y_pred_a, "y_pred_a")
    b_ = as_label_array(y_pred_b, "y_pred_b")
    check_consistent_length((y, "y_true"), (a, "y_pred_a"), (b_, "y_pred_b"))
    right_a, right_b = a == y, b_ == y
    b = int(np.sum(right_a & ~right_b))
    c = int(np.sum(~right_a & right_b))
    if exact:
        n = b + c
        p = 1.0 if n == 0 else float(min(1.0, 2 * binom_cdf(min(b, c), n, 0.5)))
        return ComparisonResult(float(min(b, c)), p, None, "McNemar exact", None)
    if b + c == 0:
        return ComparisonResult(0.0, 1.0, 1.0, "McNemar chi2", None)
    stat = (abs(b - c) - (1.0 if correction else 0.0)) ** 2 / (b + c)
    return ComparisonResult(float(stat), float(chi2_sf(stat, 1)), 1.0, "McNemar chi2", None)


@validate_args({"method": [Options(("t_test", "mcnemar"))], "cv": [Interval(numbers.Integral, 2, None)],
                "n_repeats": [POSITIVE_INT], "test_size": [Interval(numbers.Real, 0, 1, closed="neither")]})
def compare_models(estimator_a, estimator_b, X, y, *, method="t_test", cv=10, n_repeats=1,
                   scoring=None, X_test=None, y_test=None, test_size=0.25, random_state=None,
                   n_jobs=None):
    """Does model A beat model B by more than luck?

    Parameters
    ----------
    estimator_a, estimator_b : estimator
        The two models (cloned before fitting).
    X : array_like of shape (n_samples, n_features)
        Data (the training data for ``method="mcnemar"``).
    y : array_like of shape (n_samples,)
        Targets.
    method : {"t_test", "mcnemar"}, default="t_test"
        Nadeau–Bengio corrected resampled t-test over repeated K-fold scores,
        or McNemar's test on one test set.
    cv : int, default=10
        Folds per repetition for the t-test.
    n_repeats : int, default=1
        Repetitions of K-fold with fresh shuffles (J = cv × n_repeats scores).
    scoring : str, callable or None, default=None
        Scorer for the t-test (the estimator's ``score`` when None).
    X_test, y_test : array_like, optional
        McNemar's test set; when absent, ``test_size`` of (X, y) is held out.
    test_size : float, default=0.25
        Held-out fraction for McNemar when no test set is given.
    random_state : int, Generator or None, default=None
        Seed for fold shuffles and the held-out split.
    n_jobs : int or None, default=None
        Parallel folds through joblib.

    Returns
    -------
    ComparisonResult
        ``statistic``, two-sided ``pvalue``, ``df``, ``mean_difference`` (A − B),
        and the per-fold ``scores_a``/``scores_b`` for the t-test.

    Notes
    -----
    See :func:`corrected_resampled_ttest` and :func:`mcnemar_test`. Cost: 2J fits (t-test) or 2 fits.

    Examples
    --------
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn.dummy import DummyClassifier
    >>> from mmlkit.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer()
    >>> r = compare_models(GaussianNB(), DummyClassifier(), X, y, cv=5, random_state=0)
    >>> r.pvalue < 0.01
    True
    """
    rng = check_random_state(random_state)
    n = _num_samples(X)
    if _num_samples(y) != n:
        raise ValueError(f"X and y must have the same number of samples: X has {n}, y has {_num_samples(y)}")
    if method == "mcnemar":
        for name, est in (("estimator_a", estimator_a), ("estimator_b", estimator_b)):
            if not is_classifier(est):
                raise ValueError(f"method='mcnemar' compares the errors of two classifiers, but {name} "
                                 f"({type(est).__name__}) is not a classifier; use method='t_test'")
        if (X_test is None) != (y_test is None):
            raise ValueError("X_test and y_test must be given together")
        if X_test is None:
            perm = rng.permutation(n)
            n_test = max(1, int(round(test_size * n)))
            te, tr = perm[:n_test], perm[n_test:]
            X_arr, y_arr = np.asarray(X), np.asarray(y)
            X, y, X_test, y_test = X_arr[tr], y_arr[tr], X_arr[te], y_arr[te]
        pa = clone(estimator_a).fit(X, y).predict(X_test)
        pb = clone(estimator_b).fit(X, y).predict(X_test)
        res = mcnemar_test(y_test, pa, pb)
        y_test = np.asarray(y_test)
        diff = float(np.mean(pa == y_test) - np.mean(pb == y_test))
        return ComparisonResult(res.statistic, res.pvalue, res.df, res.method, diff)
    splitter_cls = StratifiedKFold if is_classifier(estimator_a) else KFold
    folds = []
    for _ in range(n_repeats):
        folds += list(splitter_cls(cv, shuffle=True, random_state=rng).split(X, y))
    sa = cross_validate(estimator_a, X, y, scoring=scoring, cv=folds, n_jobs=n_jobs)["test_score"]
    sb = cross_validate(estimator_b, X, y, scoring=scoring, cv=folds, n_jobs=n_jobs)["test_score"]
    n_test = int(np.mean([len(te) for _, te in folds]))
    return corrected_resampled_ttest(sa, sb, n - n_test, n_test)


@dataclass(frozen=True)
class ConfidenceInterval:
    """A point estimate with a bootstrap interval and the bootstrap distribution."""

    estimate: float
    low: float
    high: float
    confidence_level: float
    bootstrap_distribution: np.ndarray = field(repr=False)


@validate_args({"metric": ["callable"], "n_resamples": [POSITIVE_INT],
                "confidence_level": [Interval(numbers.Real, 0, 1, closed="neither")],
                "method": [Options(("percentile", "basic", "bca"))]})
def metric_confidence_interval(metric, y_true, y_pred, *, n_resamples=1000, confidence_level=0.95,
                               method="percentile", sample_weight=None, random_state=None):
    """Bootstrap confidence interval for a metric on a test set.

    Parameters
    ----------
    metric : callable
        ``metric(y_true, y_pred[, sample_weight=...]) -> float``.
    y_true : array_like of shape (n_samples,)
        True labels or values.
    y_pred : array_like of shape (n_samples,) or (n_samples, n_classes)
        Predictions, labels, scores or probabilities (resampled row-wise).
    n_resamples : int, default=1000
        Bootstrap resamples.
    confidence_level : float, default=0.95
        Coverage of the interval, in (0, 1).
    method : {"percentile", "basic", "bca"}, default="percentile"
        Percentile interval, basic (reverse percentile) interval, or
        bias-corrected and accelerated (jackknife acceleration).
    sample_weight : array_like of shape (n_samples,), optional
        Resampled with the rows and passed to ``metric``.
    random_state : int, Generator or None, default=None
        Seed for the resamples.

    Returns
    -------
    ConfidenceInterval

    Notes
    -----
    Resample the n test pairs with replacement B times, θ*_b = metric on
    resample b. Percentile: [q_{α/2}, q_{1−α/2}] of θ*; basic: [2θ̂ − q_{1−α/2},
    2θ̂ − q_{α/2}]; BCa shifts the quantile levels by the bias z₀ = Φ⁻¹(P(θ* < θ̂))
    and acceleration a from the jackknife. Cost: B (+ n for BCa) metric calls.

    Examples
    --------
    >>> from mmlkit.evaluation import accuracy_score
    >>> ci = metric_confidence_interval(accuracy_score, [0, 1] * 50, [0, 1] * 45 + [1, 0] * 5,
    ...                                 n_resamples=200, random_state=0)
    >>> ci.low < ci.estimate < ci.high
    True
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim == 0 or y_true.shape[0] == 0:
        raise ValueError("y_true must be a non-empty array")
    check_consistent_length((y_true, "y_true"), (y_pred, "y_pred"))
    w = check_sample_weight(sample_weight, y_true.shape[0])

    def stat(idx):
        if w is None:
            return float(metric(y_true[idx], y_pred[idx]))
        return float(metric(y_true[idx], y_pred[idx], sample_weight=w[idx]))

    n = y_true.shape[0]
    rng = check_random_state(random_state)
    estimate = stat(np.arange(n))
    boot = rng.integers(0, n, size=(n_resamples, n))
    theta = np.array([stat(b) for b in boot])
    theta = theta[np.isfinite(theta)]
    if theta.size == 0:
        raise ValueError("metric was undefined (NaN or inf) on every bootstrap resample")
    alpha = 1.0 - confidence_level
    levels = np.array([alpha / 2, 1 - alpha / 2])
    if method == "bca":
        z0 = normal_ppf(np.clip(np.mean(theta < estimate) + 0.5 * np.mean(theta == estimate), 1e-12, 1 - 1e-12))
        keep = np.ones(n, dtype=bool)
        jack = np.empty(n)
        for i in range(n):  # the jackknife needs n leave-one-out metric calls
            keep[i] = False
            jack[i] = stat(np.flatnonzero(keep))
            keep[i] = True
        dev = jack.mean() - jack
        denom = 6.0 * np.sum(dev**2) ** 1.5
        a = 0.0 if denom == 0 else float(np.sum(dev**3) / denom)
        z = normal_ppf(levels)
        levels = normal_cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
    low, high = np.quantile(theta, levels)
    if method == "basic":
        low, high = 2 * estimate - high, 2 * estimate - low
    return ConfidenceInterval(estimate, float(low), float(high), float(confidence_level), theta)
