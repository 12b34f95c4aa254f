"""Cross-validation: fit on K−1 folds, score on the held-out one, K times.

Folds run through ``joblib.Parallel``, so ``n_jobs`` uses local cores and a
joblib backend (``with joblib.parallel_backend("dask"): ...``) scales the same
code out to a cluster.
"""

from __future__ import annotations

import numbers
import time
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier

from mmlkit._validation import NON_NEGATIVE_INT, REAL, Interval, Options, check_random_state, validate_args
from mmlkit.evaluation._scorer import check_multimetric
from mmlkit.evaluation._split import _num_samples, check_cv

__all__ = ["cross_val_score", "cross_validate", "learning_curve"]


def _safe_index(X, idx):
    if X is None:
        return None
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if hasattr(X, "shape"):
        return X[idx]
    return [X[i] for i in idx]


def _score_all(scorers, estimator, X, y, error_score):
    out = {}
    for name, scorer in scorers.items():
        try:
            out[name] = float(scorer(estimator, X, y))
        except Exception as exc:
            if error_score == "raise":
                raise
            warnings.warn(f"Scoring failed and was set to error_score={error_score}: "
                          f"{type(exc).__name__}: {exc}", UserWarning, stacklevel=2)
            out[name] = float(error_score)
    return out


def _fit_and_score(estimator, X, y, scorers, train, test, *, parameters=None, fit_params=None,
                   return_train_score=False, return_estimator=False, error_score=np.nan):
    """Clone, set ``parameters``, fit on ``train``, score on ``test`` (and ``train``)."""
    est = clone(estimator)
    if parameters:
        est.set_params(**parameters)
    X_tr, y_tr = _safe_index(X, train), _safe_index(y, train)
    X_te, y_te = _safe_index(X, test), _safe_index(y, test)
    start = time.perf_counter()
    result = {"fit_error": None}
    try:
        if y_tr is None:
            est.fit(X_tr, **(fit_params or {}))
        else:
            est.fit(X_tr, y_tr, **(fit_params or {}))
    except Exception as exc:
        if error_score == "raise":
            raise
        result["fit_error"] = f"{type(exc).__name__}: {exc}"
        result["fit_time"] = time.perf_counter() - start
        result["score_time"] = 0.0
        result["test_scores"] = {k: float(error_score) for k in scorers}
        if return_train_score:
            result["train_scores"] = {k: float(error_score) for k in scorers}
        if return_estimator:
            result["estimator"] = est
        return result
    result["fit_time"] = time.perf_counter() - start
    start = time.perf_counter()
    result["test_scores"] = _score_all(scorers, est, X_te, y_te, error_score)
    result["score_time"] = time.perf_counter() - start
    if return_train_score:
        result["train_scores"] = _score_all(scorers, est, X_tr, y_tr, error_score)
    if return_estimator:
        result["estimator"] = est
    return result


def _warn_fit_failures(results, error_score):
    failed = [r["fit_error"] for r in results if r["fit_error"] is not None]
    if failed:
        if len(failed) == len(results):
            raise ValueError(f"All {len(results)} fits failed; the first error was: {failed[0]}")
        warnings.warn(f"{len(failed)} of {len(results)} fits failed and were scored "
                      f"error_score={error_score}; the first error was: {failed[0]}",
                      UserWarning, stacklevel=3)


#: The constraints shared by the cross-validation functions (the estimator, data, cv and scoring are
#: checked where they are used).
_CV = {"cv": ["cv_object"], "n_jobs": [None, Interval(numbers.Integral, None, None)],
       "verbose": ["boolean", NON_NEGATIVE_INT], "error_score": [Options(("raise",)), REAL, "nan"]}


@validate_args({**_CV, "return_train_score": ["boolean"], "return_estimator": ["boolean"],
                "return_indices": ["boolean"]})
def cross_validate(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                   verbose=0, params=None, return_train_score=False, return_estimator=False,
                   return_indices=False, error_score=np.nan):
    """Fit and score an estimator on each cross-validation split.

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-compatible estimator (cloned for each fold).
    X : array_like of shape (n_samples, n_features)
        Data.
    y : array_like of shape (n_samples,) or None, default=None
        Targets (None for unsupervised estimators).
    groups : array_like of shape (n_samples,), optional
        Passed to the splitter's ``split``.
    scoring : str, callable, list, dict or None, default=None
        A scorer name (``"f1_macro"``), a callable ``(est, X, y)``, several of
        those as a list/dict, or None for the estimator's ``score``.
    cv : int, splitter or iterable, default=None
        Folds: None means 5; an int is ``StratifiedKFold`` for classifiers,
        ``KFold`` otherwise.
    n_jobs : int or None, default=None
        Folds run in parallel through ``joblib.Parallel(n_jobs)``.
    verbose : int, default=0
        joblib's verbosity.
    params : dict, optional
        Extra keyword arguments for ``fit``.
    return_train_score : bool, default=False
        Also score each fold's training set (shows over-fitting).
    return_estimator : bool, default=False
        Return the fitted estimator of each fold.
    return_indices : bool, default=False
        Return each fold's train and test indices.
    error_score : "raise" or float, default=np.nan
        Score recorded when a fit fails (or re-raise with "raise").

    Returns
    -------
    dict
        ``fit_time``, ``score_time``, ``test_score`` (or ``test_<name>`` for
        several scorers), optionally ``train_*``, ``estimator``, ``indices``;
        each an array of length n_splits.

    Notes
    -----
    The CV estimate of performance is (1/K) Σₖ score(f₋ₖ, Dₖ), where f₋ₖ is
    fitted without fold Dₖ. Cost: K fits and K (or 2K) scorings.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from mmlkit.datasets import load_iris
    >>> X, y = load_iris()
    >>> res = cross_validate(LogisticRegression(max_iter=500), X, y, cv=3)
    >>> res["test_score"].shape
    (3,)
    """
    if X is None or _num_samples(X) == 0:
        raise ValueError("X must be a non-empty array of samples")
    if y is not None and _num_samples(y) != _num_samples(X):
        raise ValueError(f"X and y must have the same number of samples: X has {_num_samples(X)}, "
                         f"y has {_num_samples(y)}")
    if not (error_score == "raise" or isinstance(error_score, numbers.Real)):
        raise ValueError(f"error_score must be 'raise' or a number, got {error_score!r}")
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    scorers, multi = check_multimetric(estimator, scoring)
    splits = list(splitter.split(X, y, groups))
    results = Parallel(n_jobs=n_jobs, verbose=verbose)(
        delayed(_fit_and_score)(estimator, X, y, scorers, train, test, fit_params=params,
                                return_train_score=return_train_score,
                                return_estimator=return_estimator, error_score=error_score)
        for train, test in splits)
    _warn_fit_failures(results, error_score)
    out = {"fit_time": np.array([r["fit_time"] for r in results]),
           "score_time": np.array([r["score_time"] for r in results])}
    if return_estimator:
        out["estimator"] = [r["estimator"] for r in results]
    if return_indices:
        out["indices"] = {"train": [tr for tr, _ in splits], "test": [te for _, te in splits]}
    for name in scorers:
        key = name if multi else "score"
        out[f"test_{key}"] = np.array([r["test_scores"][name] for r in results])
        if return_train_score:
            out[f"train_{key}"] = np.array([r["train_scores"][name] for r in results])
    return out


@validate_args(_CV)
def cross_val_score(estimator, X, y=None, *, groups=None, scoring=None, cv=None, n_jobs=None,
                    verbose=0, params=None, error_score=np.nan):
    """The test score of each cross-validation fold.

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-compatible estimator.
    X : array_like of shape (n_samples, n_features)
        Data.
    y : array_like of shape (n_samples,) or None, default=None
        Targets.
    groups : array_like of shape (n_samples,), optional
        Passed to the splitter.
    scoring : str, callable or None, default=None
        One scorer (see :func:`cross_validate`).
    cv : int, splitter or iterable, default=None
        The folds (5 when None).
    n_jobs : int or None, default=None
        Parallel folds through joblib.
    verbose : int, default=0
        joblib's verbosity.
    params : dict, optional
        Extra keyword arguments for ``fit``.
    error_score : "raise" or float, default=np.nan
        Score recorded when a fit fails.

    Returns
    -------
    ndarray of shape (n_splits,)

    Notes
    -----
    ``cross_validate(...)["test_score"]``; K fits.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from mmlkit.datasets import make_regression
    >>> X, y = make_regression(60, 3, random_state=0)
    >>> cross_val_score(LinearRegression(), X, y, cv=3).shape
    (3,)
    """
    if isinstance(scoring, (list, tuple, set, dict)):
        raise ValueError("scoring must be a single scorer for cross_val_score; use cross_validate")
    return cross_validate(estimator, X, y, groups=groups, scoring=scoring, cv=cv, n_jobs=n_jobs,
                          verbose=verbose, params=params, error_score=error_score)["test_score"]


def _train_sizes_abs(train_sizes, n_max):
    sizes = np.asarray(train_sizes)
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError("train_sizes must be a non-empty 1-D array")
    if sizes.dtype.kind == "f":
        if sizes.min() <= 0 or sizes.max() > 1:
            raise ValueError(f"train_sizes given as fractions must lie in (0, 1], got "
                             f"[{sizes.min()}, {sizes.max()}]")
        sizes_abs = np.clip((sizes * n_max).astype(int), 1, n_max)
    else:
        if sizes.min() <= 0 or sizes.max() > n_max:
            raise ValueError(f"train_sizes given as counts must lie in [1, {n_max}] (the size of "
                             f"the smallest training fold), got [{sizes.min()}, {sizes.max()}]")
        sizes_abs = sizes.astype(int)
    unique = np.unique(sizes_abs)
    if unique.size != sizes_abs.size:
        warnings.warn(f"Removed duplicate training set sizes; {unique.size} remain", RuntimeWarning,
                      stacklevel=3)
    return unique


@validate_args({**{k: v for k, v in _CV.items() if k != "verbose"}, "shuffle": ["boolean"],
                "return_times": ["boolean"]})
def learning_curve(estimator, X, y=None, *, groups=None, train_sizes=(0.1, 0.325, 0.55, 0.775, 1.0),
                   cv=None, scoring=None, n_jobs=None, shuffle=False, random_state=None,
                   error_score=np.nan, return_times=False, params=None):
    """Training and validation scores as the training set grows.

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-compatible estimator.
    X : array_like of shape (n_samples, n_features)
        Data.
    y : array_like of shape (n_samples,) or None, default=None
        Targets.
    groups : array_like of shape (n_samples,), optional
        Passed to the splitter.
    train_sizes : array_like of shape (n_ticks,), default=(0.1, 0.325, 0.55, 0.775, 1.0)
        Fractions (floats in (0, 1]) of the largest training fold, or counts.
    cv : int, splitter or iterable, default=None
        The folds (5 when None).
    scoring : str, callable or None, default=None
        One scorer (see :func:`cross_validate`).
    n_jobs : int or None, default=None
        Parallel fits through joblib.
    shuffle : bool, default=False
        Shuffle each training fold before taking its first m samples.
    random_state : int, Generator or None, default=None
        Seed for ``shuffle``.
    error_score : "raise" or float, default=np.nan
        Score recorded when a fit fails.
    return_times : bool, default=False
        Also return fit and score times.
    params : dict, optional
        Extra keyword arguments for ``fit``.

    Returns
    -------
    train_sizes_abs : ndarray of shape (n_unique_ticks,)
    train_scores, test_scores : ndarray of shape (n_ticks, n_splits)
    fit_times, score_times : ndarray of shape (n_ticks, n_splits), if ``return_times``

    Notes
    -----
    A wide gap between training and validation scores that closes as m grows
    is variance; two curves that meet early at a poor score are bias. Cost:
    n_ticks × K fits.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from mmlkit.datasets import make_regression
    >>> X, y = make_regression(100, 3, random_state=0)
    >>> sizes, tr, te = learning_curve(LinearRegression(), X, y, cv=3, train_sizes=[0.5, 1.0])
    >>> tr.shape
    (2, 3)
    """
    if y is not None and _num_samples(y) != _num_samples(X):
        raise ValueError(f"X and y must have the same number of samples: X has {_num_samples(X)}, "
                         f"y has {_num_samples(y)}")
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    scorers, multi = check_multimetric(estimator, scoring)
    if multi:
        raise ValueError("scoring must be a single scorer for learning_curve")
    splits = list(splitter.split(X, y, groups))
    n_max = min(len(tr) for tr, _ in splits)
    sizes = _train_sizes_abs(train_sizes, n_max)
    if shuffle:
        rng = check_random_state(random_state)
        splits = [(rng.permutation(tr), te) for tr, te in splits]
    jobs = [(tr[:m], te) for tr, te in splits for m in sizes]
    results = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_score)(estimator, X, y, scorers, tr, te, fit_params=params,
                                return_train_score=True, error_score=error_score)
        for tr, te in jobs)
    _warn_fit_failures(results, error_score)
    shape = (len(splits), sizes.size)
    train = np.array([r["train_scores"]["score"] for r in results]).reshape(shape).T
    test = np.array([r["test_scores"]["score"] for r in results]).reshape(shape).T
    if return_times:
        fit_t = np.array([r["fit_time"] for r in results]).reshape(shape).T
        score_t = np.array([r["score_time"] for r in results]).reshape(shape).T
        return sizes, train, test, fit_t, score_t
    return sizes, train, test

