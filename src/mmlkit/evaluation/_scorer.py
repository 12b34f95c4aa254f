"""Scorers: ``scorer(estimator, X, y) -> float``, greater is better.

Names follow scikit-learn's (``"accuracy"``, ``"f1_macro"``, ``"roc_auc"``,
``"neg_log_loss"``, ``"neg_mean_squared_error"``, ``"r2"``, ...) but every
scorer calls mmlkit's own metric.
"""

from __future__ import annotations

from mmlkit._validation import Options, validate_args
from mmlkit.evaluation._classification import (
    accuracy_score,
    balanced_accuracy_score,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
)
from mmlkit.evaluation._ranking import average_precision_score, roc_auc_score
from mmlkit.evaluation._regression import (
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

__all__ = ["Scorer", "check_scoring", "get_scorer", "get_scorer_names", "make_scorer"]


class Scorer:
    """A metric wrapped to score a fitted estimator: ``sign · metric(y, response(X))``.

    Parameters
    ----------
    score_func : callable
        ``score_func(y_true, y_response, **kwargs) -> float``.
    sign : {1, -1}
        −1 for losses, so that greater is always better.
    response_method : {"predict", "predict_proba", "decision_function", "score"}
        Which estimator output the metric reads; "score" means
        ``decision_function`` if the estimator has one, else the positive
        class column of ``predict_proba``.
    kwargs : dict
        Extra arguments for ``score_func``.
    """

    def __init__(self, score_func, sign=1, response_method="predict", kwargs=None):
        self.score_func = score_func
        self.sign = sign
        self.response_method = response_method
        self.kwargs = kwargs or {}

    def _response(self, estimator, X):
        if self.response_method == "predict":
            return estimator.predict(X)
        if self.response_method == "predict_proba":
            return estimator.predict_proba(X)
        # Ranking metrics: a margin if there is one, else probabilities.
        if hasattr(estimator, "decision_function"):
            return estimator.decision_function(X)
        P = estimator.predict_proba(X)
        return P[:, 1] if P.shape[1] == 2 else P

    def __call__(self, estimator, X, y, sample_weight=None):
        kwargs = dict(self.kwargs)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        if self.response_method == "predict_proba" and self.score_func is log_loss:
            kwargs.setdefault("labels", getattr(estimator, "classes_", None))
        return self.sign * float(self.score_func(y, self._response(estimator, X), **kwargs))

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"make_scorer({self.score_func.__name__}{', greater_is_better=False' if self.sign < 0 else ''}" \
               f", response_method={self.response_method!r}{extra})"


@validate_args({"score_func": ["callable"], "greater_is_better": ["boolean"],
                "response_method": [Options(("predict", "predict_proba", "decision_function", "score"))]})
def make_scorer(score_func, *, greater_is_better=True, response_method="predict", **kwargs):
    """Make a scorer ``(estimator, X, y) -> float`` from a metric.

    Parameters
    ----------
    score_func : callable
        ``score_func(y_true, y_response, **kwargs)``.
    greater_is_better : bool, default=True
        False for losses: the scorer then returns the negated loss.
    response_method : {"predict", "predict_proba", "decision_function", "score"}, default="predict"
        The estimator method whose output the metric reads.
    **kwargs
        Passed to ``score_func``.

    Returns
    -------
    Scorer

    Notes
    -----
    A scorer evaluates s(estimator, X, y) = ± score_func(y, response(X)), the sign
    chosen so that larger is always better: model selection then maximises every
    scorer, losses included (as scikit-learn's ``neg_*`` scorers).

    Examples
    --------
    >>> from mmlkit.evaluation import fbeta_score
    >>> f2 = make_scorer(fbeta_score, beta=2.0)
    """
    return Scorer(score_func, 1 if greater_is_better else -1, response_method, kwargs)


_SCORERS = {
    "accuracy": make_scorer(accuracy_score),
    "balanced_accuracy": make_scorer(balanced_accuracy_score),
    "roc_auc": make_scorer(roc_auc_score, response_method="score"),
    "roc_auc_ovr": make_scorer(roc_auc_score, response_method="predict_proba", multi_class="ovr"),
    "roc_auc_ovo": make_scorer(roc_auc_score, response_method="predict_proba", multi_class="ovo"),
    "average_precision": make_scorer(average_precision_score, response_method="score"),
    "neg_log_loss": make_scorer(log_loss, greater_is_better=False, response_method="predict_proba"),
    "neg_mean_squared_error": make_scorer(mean_squared_error, greater_is_better=False),
    "neg_root_mean_squared_error": make_scorer(root_mean_squared_error, greater_is_better=False),
    "neg_mean_absolute_error": make_scorer(mean_absolute_error, greater_is_better=False),
    "r2": make_scorer(r2_score),
}
for _name, _func in (("precision", precision_score), ("recall", recall_score), ("f1", f1_score)):
    _SCORERS[_name] = make_scorer(_func)
    for _avg in ("micro", "macro", "weighted"):
        _SCORERS[f"{_name}_{_avg}"] = make_scorer(_func, average=_avg)


def get_scorer_names():
    """The names accepted by :func:`get_scorer`, sorted.

    Returns
    -------
    list of str

    Notes
    -----
    Losses appear negated (``neg_log_loss``) so that every scorer is "greater is better".

    Examples
    --------
    >>> "f1_macro" in get_scorer_names()
    True
    """
    return sorted(_SCORERS)


def get_scorer(scoring):
    """The scorer for a name (``"f1_macro"``); a callable is returned unchanged.

    Parameters
    ----------
    scoring : str or callable
        A name from :func:`get_scorer_names`, or a scorer.

    Returns
    -------
    callable ``(estimator, X, y) -> float``

    Notes
    -----
    Every named scorer calls mmlkit's own metric on the estimator's
    ``predict``, ``predict_proba`` or ranking scores.

    Examples
    --------
    >>> get_scorer("accuracy")
    make_scorer(accuracy_score, response_method='predict')
    """
    if callable(scoring):
        return scoring
    if isinstance(scoring, str) and scoring in _SCORERS:
        return _SCORERS[scoring]
    raise ValueError(f"scoring must be a callable or one of {get_scorer_names()}; got {scoring!r}")


def _passthrough(estimator, X, y, sample_weight=None):
    if sample_weight is not None:
        return float(estimator.score(X, y, sample_weight=sample_weight))
    return float(estimator.score(X, y))


def check_scoring(estimator, scoring=None):
    """A single scorer: ``scoring`` resolved, or the estimator's own ``score`` when None.

    Parameters
    ----------
    estimator : estimator
        The estimator to be scored.
    scoring : str, callable or None, default=None
        A scorer name, a scorer, or None for ``estimator.score``.

    Returns
    -------
    callable ``(estimator, X, y) -> float``

    Notes
    -----
    Raises ``ValueError`` when ``scoring`` is None and the estimator has no ``score``.

    Examples
    --------
    >>> from sklearn.dummy import DummyClassifier
    >>> check_scoring(DummyClassifier(), "accuracy") is get_scorer("accuracy")
    True
    """
    if scoring is None:
        if not hasattr(estimator, "score"):
            raise ValueError(f"scoring is None and estimator {estimator!r} has no score method")
        return _passthrough
    return get_scorer(scoring)


def check_multimetric(estimator, scoring):
    """Resolve ``scoring`` into a dict name -> scorer (``"score"`` for a single one)."""
    if scoring is None or callable(scoring) or isinstance(scoring, str):
        return {"score": check_scoring(estimator, scoring)}, False
    if isinstance(scoring, dict):
        if not scoring:
            raise ValueError("scoring must not be an empty dict")
        return {str(k): get_scorer(v) for k, v in scoring.items()}, True
    if isinstance(scoring, (list, tuple, set)):
        names = list(scoring)
        if not names or not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
            raise ValueError("scoring given as a list must hold unique scorer names")
        return {n: get_scorer(n) for n in names}, True
    raise ValueError(f"scoring must be None, a name, a callable, a list or a dict; got {scoring!r}")

