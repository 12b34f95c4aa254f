"""Hyper-parameter search by cross-validation: exhaustive grid and random sampling."""

from __future__ import annotations

import itertools
import numbers
import time
from collections.abc import Mapping, Sequence
from copy import deepcopy

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.utils import get_tags

from mmlkit._validation import Interval, Options, check_random_state, validate_params
from mmlkit.evaluation._cross_validation import _fit_and_score, _warn_fit_failures
from mmlkit.evaluation._scorer import check_multimetric
from mmlkit.evaluation._split import _num_samples, check_cv
from mmlkit.exceptions import NotFittedError

__all__ = ["GridSearchCV", "ParameterGrid", "ParameterSampler", "RandomizedSearchCV"]


def _check_grid(param_grid, name):
    grids = [param_grid] if isinstance(param_grid, Mapping) else param_grid
    if not isinstance(grids, Sequence) or not grids:
        raise ValueError(f"{name} must be a dict or a non-empty list of dicts, got {param_grid!r}")
    for grid in grids:
        if not isinstance(grid, Mapping):
            raise ValueError(f"{name} must be a dict or a list of dicts, got an entry {grid!r}")
        for key, values in grid.items():
            if isinstance(values, str) or not isinstance(values, (Sequence, np.ndarray)) and not hasattr(values, "rvs"):
                raise ValueError(f"{name}[{key!r}] must be a list of values, got {values!r}")
            if not hasattr(values, "rvs") and len(values) == 0:
                raise ValueError(f"{name}[{key!r}] must not be empty")
    return list(grids)


class ParameterGrid:
    """Every combination of the listed values, in scikit-learn's order.

    Parameters
    ----------
    param_grid : dict of str to list, or list of such dicts
        Parameter names mapped to the values to try; a list of dicts spans
        the union of their grids.

    Notes
    -----
    Within a dict the keys are sorted and the last key varies fastest, so a
    search visits candidates in the same order as scikit-learn's (ties in the
    mean score then resolve to the same best candidate).

    Examples
    --------
    >>> list(ParameterGrid({"b": [1, 2], "a": [0]}))
    [{'a': 0, 'b': 1}, {'a': 0, 'b': 2}]
    """

    def __init__(self, param_grid):
        self.param_grid = _check_grid(param_grid, "param_grid")

    def __iter__(self):
        for grid in self.param_grid:
            keys = sorted(grid)
            for values in itertools.product(*(grid[k] for k in keys)):
                yield dict(zip(keys, values))

    def __len__(self):
        return sum(int(np.prod([len(v) for v in g.values()])) for g in self.param_grid)


class ParameterSampler:
    """``n_iter`` random parameter settings from lists or distributions.

    Parameters
    ----------
    param_distributions : dict or list of dicts
        Lists are sampled uniformly; objects with ``rvs(random_state=...)``
        (e.g. frozen SciPy distributions supplied by the user) are sampled
        through that method.
    n_iter : int
        Number of settings.
    random_state : int, Generator or None, default=None
        Seed.

    Notes
    -----
    When every entry is a list, settings are drawn without replacement from
    the full grid (and all of it is returned if it has ≤ n_iter points).

    Examples
    --------
    >>> len(list(ParameterSampler({"a": [1, 2, 3]}, n_iter=2, random_state=0)))
    2
    """

    _parameter_constraints = {"n_iter": [Interval(numbers.Integral, 1, None)], "random_state": ["random_state"]}

    def __init__(self, param_distributions, n_iter, *, random_state=None):
        self.param_distributions = _check_grid(param_distributions, "param_distributions")
        self.n_iter, self.random_state = n_iter, random_state
        validate_params({name: getattr(self, name) for name in self._parameter_constraints},
                        self._parameter_constraints, owner=type(self).__name__)
        self.n_iter = int(n_iter)

    def __iter__(self):
        rng = check_random_state(self.random_state)
        all_lists = all(not hasattr(v, "rvs") for g in self.param_distributions for v in g.values())
        if all_lists:
            grid = list(ParameterGrid(self.param_distributions))
            take = rng.choice(len(grid), size=min(self.n_iter, len(grid)), replace=False)
            for i in take:
                yield grid[i]
            return
        seed_source = np.random.RandomState(rng.integers(2**31 - 1))
        for _ in range(self.n_iter):
            grid = self.param_distributions[rng.integers(len(self.param_distributions))]
            params = {}
            for key in sorted(grid):
                values = grid[key]
                if hasattr(values, "rvs"):
                    params[key] = values.rvs(random_state=seed_source)
                else:
                    params[key] = values[rng.integers(len(values))]
            yield params

    def __len__(self):
        if all(not hasattr(v, "rvs") for g in self.param_distributions for v in g.values()):
            return min(self.n_iter, len(ParameterGrid(self.param_distributions)))
        return self.n_iter


def _rank_min(scores):
    """Competition ranking (1 = best, ties share the smallest rank); NaN ranks last."""
    s = np.where(np.isnan(scores), -np.inf, scores)
    order = np.argsort(-s, kind="stable")
    sorted_s = -s[order]
    # rank of each sorted position = 1 + index of the first element equal to it
    first = np.searchsorted(sorted_s, sorted_s, side="left")
    ranks = np.empty(s.size, dtype=np.int32)
    ranks[order] = first + 1
    return ranks


class _BaseSearchCV(MetaEstimatorMixin, BaseEstimator):
    _parameter_constraints = {
        "n_jobs": [None, Interval(numbers.Integral, None, None)],
        "refit": ["boolean", str, "callable"],
        "verbose": ["boolean", Interval(numbers.Integral, 0, None)],
        "error_score": [Options(("raise",)), Interval(numbers.Real, None, None), "nan"],
        "return_train_score": ["boolean"],
        "n_iter": [Interval(numbers.Integral, 1, None)],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, *, scoring=None, n_jobs=None, refit=True, cv=None, verbose=0,
                 error_score=np.nan, return_train_score=False):
        self.estimator = estimator
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.verbose = verbose
        self.error_score = error_score
        self.return_train_score = return_train_score

    def fit(self, X, y=None, **fit_params):
        """Score every candidate by cross-validation, then refit the best on all data.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Data.
        y : array_like of shape (n_samples,) or None, default=None
            Targets.
        **fit_params
            Passed to the estimator's ``fit``.

        Returns
        -------
        self
        """
        validate_params(self)
        if y is not None and _num_samples(y) != _num_samples(X):
            raise ValueError(f"X and y must have the same number of samples: X has "
                             f"{_num_samples(X)}, y has {_num_samples(y)}")
        scorers, multi = check_multimetric(self.estimator, self.scoring)
        if multi and self.refit is not False and (not isinstance(self.refit, str) or self.refit not in scorers):
            if not callable(self.refit):
                raise ValueError(f"refit must be False, a callable, or one of the scorer names "
                                 f"{list(scorers)} when scoring holds several metrics; got {self.refit!r}")
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(splitter.split(X, y))
        candidates = list(self._candidates())
        results = Parallel(n_jobs=self.n_jobs, verbose=self.verbose)(
            delayed(_fit_and_score)(self.estimator, X, y, scorers, train, test, parameters=params,
                                    fit_params=fit_params, return_train_score=self.return_train_score,
                                    error_score=self.error_score)
            for params in candidates for train, test in splits)
        _warn_fit_failures(results, self.error_score)
        self.cv_results_ = self._format(candidates, results, len(splits), scorers, multi)
        self.n_splits_ = len(splits)
        self.multimetric_ = multi
        self.scorer_ = scorers if multi else scorers["score"]
        refit_metric = (self.refit if isinstance(self.refit, str) else None) if multi else "score"
        if callable(self.refit):
            self.best_index_ = int(self.refit(self.cv_results_))
        elif self.refit is not False:
            self.best_index_ = int(np.argmin(self.cv_results_[f"rank_test_{refit_metric}"]))
        if self.refit is not False:
            self.best_params_ = candidates[self.best_index_]
            if refit_metric is not None:
                self.best_score_ = float(self.cv_results_[f"mean_test_{refit_metric}"][self.best_index_])
            self.best_estimator_ = clone(self.estimator).set_params(**self.best_params_)
            start = time.perf_counter()
            if y is None:
                self.best_estimator_.fit(X, **fit_params)
            else:
                self.best_estimator_.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - start
            if hasattr(self.best_estimator_, "classes_"):
                self.classes_ = self.best_estimator_.classes_
            if hasattr(self.best_estimator_, "n_features_in_"):
                self.n_features_in_ = self.best_estimator_.n_features_in_
        return self

    def _format(self, candidates, results, n_splits, scorers, multi):
        n = len(candidates)
        out = {}
        for what in ("fit_time", "score_time"):
            t = np.array([r[what] for r in results]).reshape(n, n_splits)
            out[f"mean_{what}"] = t.mean(axis=1)
            out[f"std_{what}"] = t.std(axis=1)
        names = sorted({k for p in candidates for k in p})
        for key in names:
            col = np.ma.MaskedArray(np.empty(n, dtype=object), mask=True)
            for i, p in enumerate(candidates):
                if key in p:
                    col[i] = p[key]
            out[f"param_{key}"] = col
        out["params"] = candidates
        sets = ("test", "train") if self.return_train_score else ("test",)
        for name in scorers:
            key = name if multi else "score"
            for which in sets:
                s = np.array([r[f"{which}_scores"][name] for r in results]).reshape(n, n_splits)
                for k in range(n_splits):
                    out[f"split{k}_{which}_{key}"] = s[:, k]
                out[f"mean_{which}_{key}"] = s.mean(axis=1)
                out[f"std_{which}_{key}"] = s.std(axis=1)
                if which == "test":
                    out[f"rank_test_{key}"] = _rank_min(out[f"mean_test_{key}"])
        return out

    def __sklearn_tags__(self):
        # A search is a classifier (regressor, ...) exactly when its estimator is one, so that
        # nested cross-validation stratifies and scorers pick the right response.
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = deepcopy(inner.classifier_tags)
        tags.regressor_tags = deepcopy(inner.regressor_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        return tags

    def _check_refit(self, method):
        if not hasattr(self, "cv_results_"):
            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet: call fit before {method}")
        if self.refit is False or not hasattr(self, "best_estimator_"):
            raise AttributeError(f"{method} is available only after fit with refit=True")
        return getattr(self.best_estimator_, method)

    def predict(self, X):
        """Predict with the refitted best estimator."""
        return self._check_refit("predict")(X)

    def predict_proba(self, X):
        """Class probabilities from the refitted best estimator."""
        return self._check_refit("predict_proba")(X)

    def decision_function(self, X):
        """Decision function of the refitted best estimator."""
        return self._check_refit("decision_function")(X)

    def transform(self, X):
        """Transform with the refitted best estimator."""
        return self._check_refit("transform")(X)

    def score(self, X, y=None):
        """The refit scorer of the best estimator on (X, y)."""
        est = self._check_refit("predict").__self__
        scorer = self.scorer_[self.refit] if self.multimetric_ else self.scorer_
        return scorer(est, X, y)


class GridSearchCV(_BaseSearchCV):
    """Exhaustive search over a parameter grid, scored by cross-validation.

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-compatible estimator (cloned for every fit).
    param_grid : dict or list of dicts
        Parameter names mapped to lists of values (see :class:`ParameterGrid`).
    scoring : str, callable, list, dict or None, default=None
        As in :func:`cross_validate`; several metrics need ``refit`` to name one.
    n_jobs : int or None, default=None
        Parallel fits through ``joblib.Parallel``.
    refit : bool, str or callable, default=True
        Refit the best candidate on all data (by the named metric for
        multi-metric scoring; a callable maps ``cv_results_`` to the best index).
    cv : int, splitter or iterable, default=None
        The folds (5 when None; stratified for classifiers).
    verbose : int, default=0
        joblib's verbosity.
    error_score : "raise" or float, default=np.nan
        Score recorded for a failed fit.
    return_train_score : bool, default=False
        Also record training scores.

    Attributes
    ----------
    cv_results_ : dict of arrays
        scikit-learn's keys: ``mean_fit_time``, ``std_fit_time``,
        ``mean_score_time``, ``std_score_time``, ``param_<name>``, ``params``,
        ``split<k>_test_score``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score`` (and ``*_train_score``).
    best_index_, best_params_, best_score_, best_estimator_, refit_time_, n_splits_, scorer_

    Notes
    -----
    best = argmaxₚ (1/K) Σₖ score(f_{p,−k}, Dₖ); ties go to the earliest
    candidate. Cost: |grid| × K fits plus one refit.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from mmlkit.datasets import load_iris
    >>> X, y = load_iris()
    >>> search = GridSearchCV(LogisticRegression(max_iter=500), {"C": [0.01, 1.0]}, cv=3).fit(X, y)
    >>> search.best_params_
    {'C': 1.0}
    """

    def __init__(self, estimator, param_grid, *, scoring=None, n_jobs=None, refit=True, cv=None,
                 verbose=0, error_score=np.nan, return_train_score=False):
        super().__init__(estimator, scoring=scoring, n_jobs=n_jobs, refit=refit, cv=cv,
                         verbose=verbose, error_score=error_score,
                         return_train_score=return_train_score)
        self.param_grid = param_grid

    def _candidates(self):
        return ParameterGrid(self.param_grid)


class RandomizedSearchCV(_BaseSearchCV):
    """Search over ``n_iter`` random parameter settings, scored by cross-validation.

    Parameters
    ----------
    estimator : estimator
        Any scikit-learn-compatible estimator.
    param_distributions : dict or list of dicts
        Lists (sampled uniformly) or distributions with ``rvs``.
    n_iter : int, default=10
        Number of settings tried.
    scoring : str, callable, list, dict or None, default=None
        As in :class:`GridSearchCV`.
    n_jobs : int or None, default=None
        Parallel fits through joblib.
    refit : bool, str or callable, default=True
        As in :class:`GridSearchCV`.
    cv : int, splitter or iterable, default=None
        The folds.
    verbose : int, default=0
        joblib's verbosity.
    random_state : int, Generator or None, default=None
        Seed for sampling the settings.
    error_score : "raise" or float, default=np.nan
        Score recorded for a failed fit.
    return_train_score : bool, default=False
        Also record training scores.

    Notes
    -----
    Random search reaches a near-best setting with far fewer fits than a grid
    when only a few parameters matter (Bergstra & Bengio 2012). Cost: n_iter × K fits.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from mmlkit.datasets import make_regression
    >>> X, y = make_regression(80, 3, random_state=0)
    >>> s = RandomizedSearchCV(Ridge(), {"alpha": [0.1, 1.0, 10.0]}, n_iter=2, cv=3, random_state=0)
    >>> len(s.fit(X, y).cv_results_["params"])
    2
    """

    def __init__(self, estimator, param_distributions, *, n_iter=10, scoring=None, n_jobs=None,
                 refit=True, cv=None, verbose=0, random_state=None, error_score=np.nan,
                 return_train_score=False):
        super().__init__(estimator, scoring=scoring, n_jobs=n_jobs, refit=refit, cv=cv,
                         verbose=verbose, error_score=error_score,
                         return_train_score=return_train_score)
        self.param_distributions = param_distributions
        self.n_iter = n_iter
        self.random_state = random_state

    def _candidates(self):
        return ParameterSampler(self.param_distributions, self.n_iter, random_state=self.random_state)
