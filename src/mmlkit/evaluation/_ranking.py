"""Threshold curves and ranking metrics: ROC, precision–recall, their areas.

All curves come from one sort of the scores: after sorting in decreasing
order, the true- and false-positive counts at every distinct threshold are
cumulative sums read at the last index of each run of tied scores. O(n log n).
"""

from __future__ import annotations

import numbers
import warnings
from itertools import combinations

import numpy as np

from mmlkit._validation import Interval, Options, as_float_array, check_consistent_length, validate_args
from mmlkit.evaluation._checks import UndefinedMetricWarning, as_label_array, check_sample_weight

__all__ = ["auc", "average_precision_score", "precision_recall_curve", "roc_auc_score", "roc_curve"]


def _positive_mask(y_true, pos_label):
    classes = np.unique(y_true)
    if pos_label is None:
        if classes.dtype.kind in "US" or classes.size > 2 or not (
            np.isin(classes, [0, 1]).all() or np.isin(classes, [-1, 1]).all()):
            raise ValueError(f"y_true takes values {classes.tolist()}; pass pos_label to say which "
                             "is the positive class (it can be inferred only for {0, 1} or {-1, 1})")
        pos_label = 1
    return y_true == pos_label


def _binary_clf_curve(y_true, y_score, pos_label=None, sample_weight=None):
    """False and true positive counts at each distinct threshold (decreasing)."""
    y_true = as_label_array(y_true, "y_true")
    y_score = as_float_array(y_score, "y_score", ndim=1)
    check_consistent_length((y_true, "y_true"), (y_score, "y_score"))
    w = check_sample_weight(sample_weight, y_true.shape[0])
    pos = _positive_mask(y_true, pos_label).astype(np.float64)
    order = np.argsort(-y_score, kind="stable")
    y_score, pos = y_score[order], pos[order]
    # Last index of each run of equal scores: thresholds with distinct values.
    thr = np.r_[np.flatnonzero(np.diff(y_score)), y_score.size - 1]
    if w is None:
        tps = np.cumsum(pos)[thr]
        fps = 1.0 + thr - tps
    else:
        w = w[order]
        tps = np.cumsum(pos * w)[thr]
        fps = np.cumsum((1.0 - pos) * w)[thr]
    return fps, tps, y_score[thr]


def _rate(counts, kind, which):
    """Cumulative ``counts`` over their total, with a warning and NaN when there are no
    ``kind`` samples (the ``which`` positive rate is then undefined)."""
    if counts[-1] <= 0:
        warnings.warn(f"No {kind} samples in y_true: the {which} positive rate is undefined",
                      UndefinedMetricWarning, stacklevel=3)
        return np.full(counts.shape, np.nan)
    return counts / counts[-1]


@validate_args({"drop_intermediate": ["boolean"]})
def roc_curve(y_true, y_score, *, pos_label=None, sample_weight=None, drop_intermediate=True):
    """Receiver operating characteristic: FPR and TPR at every threshold.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        Binary labels ({0, 1}, {−1, 1}, or any two values with ``pos_label``).
    y_score : array_like of shape (n_samples,)
        Scores, higher meaning more positive (probabilities or margins).
    pos_label : int, float, bool or str, optional
        The positive class; inferred as 1 for {0, 1} and {−1, 1} labels.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    drop_intermediate : bool, default=True
        Drop thresholds at collinear points of the curve (they change nothing
        in its shape or area).

    Returns
    -------
    fpr, tpr : ndarray of shape (m,)
        False and true positive rates, non-decreasing, starting at 0.
    thresholds : ndarray of shape (m,)
        Decreasing thresholds; the first is ``inf`` (predict nothing positive).

    Notes
    -----
    TPR(t) = Σ wᵢ[sᵢ ≥ t][yᵢ = 1] / Σ wᵢ[yᵢ = 1], FPR(t) likewise for the
    negatives. Tied scores form one threshold, so ties give a diagonal step.
    One sort and two cumulative sums: O(n log n).

    Examples
    --------
    >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> tpr
    array([0. , 0.5, 0.5, 1. , 1. ])
    """
    fps, tps, thresholds = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    fps, tps = np.r_[0.0, fps], np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    return _rate(fps, "negative", "false"), _rate(tps, "positive", "true"), thresholds


def auc(x, y):
    """Area under a curve given by points (x, y), by the trapezoidal rule.

    Parameters
    ----------
    x : array_like of shape (m,)
        Monotonic (increasing or decreasing) abscissae.
    y : array_like of shape (m,)
        Ordinates.

    Returns
    -------
    float

    Notes
    -----
    A = Σ (xᵢ₊₁ − xᵢ)(yᵢ + yᵢ₊₁)/2, negated when x decreases. O(m).

    Examples
    --------
    >>> auc([0, 0.5, 1], [0, 1, 1])
    0.75
    """
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_consistent_length((x, "x"), (y, "y"))
    if x.size < 2:
        raise ValueError(f"x must have at least 2 points to compute an area, got {x.size}")
    dx = np.diff(x)
    if (dx < 0).any():
        if (dx > 0).any():
            raise ValueError("x must be monotonic (increasing or decreasing)")
        return float(-np.sum(dx * (y[1:] + y[:-1])) / 2)
    return float(np.sum(dx * (y[1:] + y[:-1])) / 2)


def _binary_roc_auc(y_true, y_score, sample_weight=None, max_fpr=None):
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=1, sample_weight=sample_weight)
    if np.isnan(fpr).any() or np.isnan(tpr).any():
        raise ValueError("Only one class is present in y_true; ROC AUC is not defined in that case")
    if max_fpr is None or max_fpr == 1:
        return auc(fpr, tpr)
    # Partial AUC up to max_fpr, standardised (McClish 1989) so 0.5 is chance and 1 is perfect.
    stop = np.searchsorted(fpr, max_fpr, side="right")
    x_interp = [fpr[stop - 1], fpr[stop]]
    y_interp = [tpr[stop - 1], tpr[stop]]
    tpr = np.append(tpr[:stop], np.interp(max_fpr, x_interp, y_interp))
    fpr = np.append(fpr[:stop], max_fpr)
    partial = auc(fpr, tpr)
    min_area = 0.5 * max_fpr**2
    return float(0.5 * (1 + (partial - min_area) / (max_fpr - min_area)))


@validate_args({"average": [Options(("micro", "macro", "weighted")), None],
                "max_fpr": [Interval(numbers.Real, 0, 1, closed="right"), None],
                "multi_class": [Options(("raise", "ovr", "ovo"))]})
def roc_auc_score(y_true, y_score, *, average="macro", sample_weight=None, max_fpr=None,
                  multi_class="raise", labels=None):
    """Area under the ROC curve: the probability a random positive outranks a random negative.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        Class labels (binary, or multiclass with ``multi_class``).
    y_score : array_like of shape (n_samples,) or (n_samples, n_classes)
        Binary: scores of the greater label. Multiclass: class probabilities
        (rows summing to one), columns in sorted label order.
    average : {"macro", "weighted", "micro"} or None, default="macro"
        Multiclass averaging of the per-class (ovr) or per-pair (ovo) areas;
        "weighted" weighs by prevalence; "micro" (ovr only) pools all
        one-vs-rest decisions; None returns per-class areas (ovr only).
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample (not supported for ``multi_class="ovo"``).
    max_fpr : float in (0, 1], optional
        Binary only: the standardised partial area up to this FPR (McClish).
    multi_class : {"raise", "ovr", "ovo"}, default="raise"
        One-vs-rest, or one-vs-one (Hand & Till's M, insensitive to imbalance).
    labels : array_like of shape (n_classes,), optional
        Multiclass: the sorted labels indexing the columns of ``y_score``.

    Returns
    -------
    float, or ndarray of shape (n_classes,) when ``average=None``

    Notes
    -----
    AUC = ∫₀¹ TPR d(FPR) = P(s⁺ > s⁻) + ½ P(s⁺ = s⁻) (Mann–Whitney), by the
    trapezoidal rule over the ROC curve. OvO: (2/(K(K−1))) Σ_{a<b} ½(A(a|b) + A(b|a)).
    Cost O(n log n) per binary problem.

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y_true = as_label_array(y_true, "y_true")
    S = as_float_array(y_score, "y_score", ndim=(1, 2))
    check_consistent_length((y_true, "y_true"), (S, "y_score"))
    w = check_sample_weight(sample_weight, y_true.shape[0])
    classes = np.unique(y_true)
    if S.ndim == 1 or (S.shape[1] == 1):
        S = S.reshape(-1)
        if classes.size > 2:
            raise ValueError(f"y_true has {classes.size} classes but y_score is 1-D; pass "
                             "(n_samples, n_classes) probabilities with multi_class='ovr' or 'ovo'")
        if classes.size < 2:
            raise ValueError("Only one class is present in y_true; ROC AUC is not defined in that case")
        return _binary_roc_auc((y_true == classes[-1]).astype(int), S, w, max_fpr)
    if S.shape[1] == 2 and classes.size <= 2 and labels is None:
        if classes.size < 2:
            raise ValueError("Only one class is present in y_true; ROC AUC is not defined in that case")
        return _binary_roc_auc((y_true == classes[-1]).astype(int), S[:, 1], w, max_fpr)
    if multi_class == "raise":
        raise ValueError("multi_class must be 'ovr' or 'ovo' for multiclass y_true")
    if max_fpr is not None and max_fpr != 1:
        raise ValueError("max_fpr (partial AUC) is only defined for binary y_true")
    if not np.allclose(S.sum(axis=1), 1.0):
        raise ValueError("y_score rows must be probabilities summing to 1 for multiclass ROC AUC")
    if average == "micro" and multi_class != "ovr":
        raise ValueError("average='micro' is only defined for multi_class='ovr'; use 'macro', 'weighted' or None")
    if labels is not None:
        labels = np.asarray(labels)
        if np.unique(labels).size != labels.size:
            raise ValueError("labels must be unique")
        if not np.array_equal(np.sort(labels), labels):
            raise ValueError("labels must be sorted")
        if np.setdiff1d(y_true, labels).size:
            raise ValueError("y_true contains labels not in labels")
        classes = labels
    if classes.size != S.shape[1]:
        raise ValueError(f"y_score has {S.shape[1]} columns but there are {classes.size} classes")
    Y = (y_true[:, None] == classes[None, :]).astype(int)
    if multi_class == "ovo":
        if w is not None:
            raise ValueError("sample_weight is not supported for multi_class='ovo'")
        if average is None:
            raise ValueError("average=None is not supported for multi_class='ovo'")
        present = np.unique(y_true)
        idx = np.searchsorted(classes, present)
        scores, prevalence = [], []
        for a, b in combinations(range(present.size), 2):
            ia, ib = idx[a], idx[b]
            m = (Y[:, ia] == 1) | (Y[:, ib] == 1)
            a_true = Y[m, ia]
            scores.append(0.5 * (_binary_roc_auc(a_true, S[m, ia]) + _binary_roc_auc(1 - a_true, S[m, ib])))
            prevalence.append(m.mean())
        return float(np.average(scores, weights=prevalence if average == "weighted" else None))
    if average == "micro":
        ww = None if w is None else np.repeat(w, classes.size)
        return _binary_roc_auc(Y.ravel(), S.ravel(), ww)
    per_class = np.array([_binary_roc_auc(Y[:, k], S[:, k], w) for k in range(classes.size)])
    if average is None:
        return per_class
    if average == "weighted":
        support = Y.sum(axis=0) if w is None else w @ Y
        return float(np.average(per_class, weights=support))
    return float(per_class.mean())


@validate_args({"drop_intermediate": ["boolean"]})
def precision_recall_curve(y_true, y_score, *, pos_label=None, sample_weight=None,
                           drop_intermediate=False):
    """Precision and recall at every distinct threshold.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        Binary labels.
    y_score : array_like of shape (n_samples,)
        Scores, higher meaning more positive.
    pos_label : int, float, bool or str, optional
        The positive class; inferred as 1 for {0, 1} and {−1, 1} labels.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    drop_intermediate : bool, default=False
        Drop thresholds that do not change recall (vertical runs of the curve).

    Returns
    -------
    precision, recall : ndarray of shape (m + 1,)
        Ordered by increasing threshold; the last point is (P, R) = (1, 0).
    thresholds : ndarray of shape (m,)
        Increasing thresholds.

    Notes
    -----
    P(t) = TP(t) / (TP(t) + FP(t)) (0 where nothing is predicted positive),
    R(t) = TP(t) / P. O(n log n).

    Examples
    --------
    >>> p, r, t = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> r
    array([1. , 1. , 0.5, 0.5, 0. ])
    """
    fps, tps, thresholds = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    ps = tps + fps
    precision = np.divide(tps, ps, out=np.zeros_like(tps), where=ps != 0)
    if tps[-1] == 0:
        warnings.warn("No positive class found in y_true; recall is set to one for all thresholds",
                      UndefinedMetricWarning, stacklevel=2)
        recall = np.ones_like(tps)
    else:
        recall = tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thresholds[::-1]


@validate_args({"average": [Options(("micro", "macro", "weighted")), None]})
def average_precision_score(y_true, y_score, *, average="macro", pos_label=1, sample_weight=None):
    """Average precision: the precision–recall curve summarised as a step-wise area.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        Binary labels, or multiclass labels with ``y_score`` of shape (n, K).
    y_score : array_like of shape (n_samples,) or (n_samples, n_classes)
        Scores (per class for multiclass, columns in sorted label order).
    average : {"macro", "weighted", "micro"} or None, default="macro"
        Multiclass averaging of one-vs-rest APs.
    pos_label : int, float, bool or str, default=1
        The positive class for binary ``y_true``.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.

    Returns
    -------
    float, or ndarray of shape (n_classes,) when ``average=None``

    Notes
    -----
    AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over thresholds (no interpolation). O(n log n).

    Examples
    --------
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    y_true = as_label_array(y_true, "y_true")
    S = as_float_array(y_score, "y_score", ndim=(1, 2))
    check_consistent_length((y_true, "y_true"), (S, "y_score"))

    def binary_ap(yt, s, w, pl):
        p, r, _ = precision_recall_curve(yt, s, pos_label=pl, sample_weight=w)
        return float(-np.sum(np.diff(r) * p[:-1]))

    if S.ndim == 1:
        classes = np.unique(y_true)
        if classes.size > 2:
            raise ValueError(f"y_true has {classes.size} classes but y_score is 1-D; pass "
                             "(n_samples, n_classes) scores")
        if classes.size == 2 and pos_label not in classes:
            raise ValueError(f"pos_label={pos_label!r} is not a valid label; it must be one of "
                             f"{classes.tolist()}")
        return binary_ap(y_true, S, sample_weight, pos_label)
    classes = np.unique(y_true)
    if classes.size != S.shape[1]:
        raise ValueError(f"y_score has {S.shape[1]} columns but y_true has {classes.size} classes")
    Y = (y_true[:, None] == classes[None, :]).astype(int)
    w = check_sample_weight(sample_weight, y_true.shape[0])
    if average == "micro":
        return binary_ap(Y.ravel(), S.ravel(), None if w is None else np.repeat(w, classes.size), 1)
    per_class = np.array([binary_ap(Y[:, k], S[:, k], w, 1) for k in range(classes.size)])
    if average is None:
        return per_class
    if average == "weighted":
        return float(np.average(per_class, weights=Y.sum(axis=0) if w is None else w @ Y))
    return float(per_class.mean())
