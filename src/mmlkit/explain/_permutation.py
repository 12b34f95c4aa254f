"""Permutation feature importance: how much does the score drop when a feature is shuffled?"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from joblib import Parallel, delayed

from mmlkit._validation import (
    POSITIVE_INT,
    Interval,
    as_float_array,
    check_random_state,
    check_sample_weight,
    validate_args,
    validate_params,
)
from mmlkit.evaluation._scorer import check_multimetric

__all__ = ["PermutationImportance", "permutation_importance"]


@dataclass(frozen=True)
class PermutationImportance:
    """Importances per feature: their mean and standard deviation over the repeats, and all of them.

    Shapes: ``importances_mean`` and ``importances_std`` (n_features,),
    ``importances`` (n_features, n_repeats).
    """

    importances_mean: np.ndarray
    importances_std: np.ndarray
    importances: np.ndarray


def _feature_scores(estimator, X, y, w, j, perms, scorers):
    """Scores (n_scorers, n_repeats) with column j permuted by each row of ``perms``."""
    out = np.empty((len(scorers), perms.shape[0]))
    Xp = X.copy()
    for r, perm in enumerate(perms):
        Xp[:, j] = X[perm, j]
        for s, scorer in enumerate(scorers.values()):
            out[s, r] = scorer(estimator, Xp, y) if w is None else scorer(estimator, Xp, y, sample_weight=w)
    return out


@validate_args({"n_repeats": [POSITIVE_INT],
                "max_samples": [POSITIVE_INT, Interval(numbers.Real, 0, 1, closed="right")]})
def permutation_importance(estimator, X, y, *, scoring=None, n_repeats=5, n_jobs=None,
                           random_state=None, sample_weight=None, max_samples=1.0):
    """Drop in score when each feature's column is randomly permuted.

    Parameters
    ----------
    estimator : estimator
        A fitted estimator.
    X : array_like of shape (n_samples, n_features)
        Data to score on (held-out data measures what the model relies on to generalise).
    y : array_like of shape (n_samples,) or None
        Targets.
    scoring : str, callable, list, dict or None, default=None
        Scorer(s) as in :func:`mmlkit.evaluation.cross_validate`; several give a dict of results.
    n_repeats : int, default=5
        Permutations per feature.
    n_jobs : int or None, default=None
        Features in parallel through joblib.
    random_state : int, Generator or None, default=None
        Seed for the permutations.
    sample_weight : array_like of shape (n_samples,), optional
        Passed to the scorer.
    max_samples : int or float, default=1.0
        Rows drawn (without replacement) to score on: a count or a fraction.

    Returns
    -------
    PermutationImportance, or dict of them for several scorers

    Notes
    -----
    Iⱼ = s(f; X, y) − (1/R) Σᵣ s(f; X^{(j,r)}, y), where X^{(j,r)} has column j
    permuted. It breaks the association of feature j with the target and with
    the other features, so correlated features share (and can hide) importance.
    Cost: d · R scorings (no refitting).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2)); y = 3 * X[:, 0]
    >>> r = permutation_importance(LinearRegression().fit(X, y), X, y, random_state=0)
    >>> bool(r.importances_mean[0] > 1 and abs(r.importances_mean[1]) < 1e-12)
    True
    """
    X = as_float_array(X, "X", ndim=2)
    n, d = X.shape
    if y is not None and np.shape(y)[0] != n:
        raise ValueError(f"X and y must have the same number of samples: X has {n}, y has {np.shape(y)[0]}")
    rng = check_random_state(random_state)
    if isinstance(max_samples, numbers.Integral):
        # a count of rows: at most n (the table checked its type and sign)
        validate_params({"max_samples": max_samples}, {"max_samples": [Interval(numbers.Integral, 1, n)]},
                        owner="permutation_importance")
        m = int(max_samples)
    else:
        m = max(1, int(max_samples * n))
    w = check_sample_weight(sample_weight, n)
    y_arr = None if y is None else np.asarray(y)
    if m < n:
        rows = rng.choice(n, m, replace=False)
        X, y_arr = X[rows], None if y_arr is None else y_arr[rows]
        w = None if w is None else w[rows]
    scorers, multi = check_multimetric(estimator, scoring)
    base = np.array([s(estimator, X, y_arr) if w is None else s(estimator, X, y_arr, sample_weight=w)
                     for s in scorers.values()])
    perms = np.argsort(rng.random((d, n_repeats, X.shape[0])), axis=2)
    scores = Parallel(n_jobs=n_jobs)(delayed(_feature_scores)(estimator, X, y_arr, w, j, perms[j], scorers)
                                     for j in range(d))
    drops = base[None, :, None] - np.stack(scores)  # (d, n_scorers, R)
    results = {name: PermutationImportance(drops[:, s].mean(axis=1), drops[:, s].std(axis=1), drops[:, s])
               for s, name in enumerate(scorers)}
    return results if multi else results["score"]
