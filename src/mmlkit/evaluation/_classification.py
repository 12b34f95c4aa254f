"""Classification metrics computed from label counts.

Every metric here reduces to counts of (true label, predicted label) pairs,
which one ``np.bincount`` over the encoded pairs produces in O(n + k²).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from mmlkit._validation import NON_NEGATIVE, Options, as_float_array, validate_args
from mmlkit.evaluation._checks import (
    as_label_array,
    check_label_pair,
    check_sample_weight,
    check_zero_division,
    safe_divide,
    weighted_mean,
)

__all__ = [
    "accuracy_score", "balanced_accuracy_score", "confusion_matrix", "f1_score", "fbeta_score",
    "log_loss", "precision_recall_fscore_support", "precision_score", "recall_score",
]

_AVERAGES = ("binary", "micro", "macro", "weighted", None)


#: The constraints shared by precision, recall and the F-scores.
_PRF = {"average": [Options(_AVERAGES[:-1]), None],
        "zero_division": [Options(("warn",)), Options((0.0, 1.0), kind=numbers.Real), "nan"]}


@validate_args({"normalize": ["boolean"]})
def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None):
    """Fraction (or count) of correctly predicted labels.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,)
        True and predicted class labels.
    normalize : bool, default=True
        Return the (weighted) fraction correct; if False, the (weighted) count.
    sample_weight : array_like of shape (n_samples,), optional
        Non-negative weight of each sample.

    Returns
    -------
    float

    Notes
    -----
    accuracy = Σᵢ wᵢ [ŷᵢ = yᵢ] / Σᵢ wᵢ. Cost O(n).

    Examples
    --------
    >>> accuracy_score([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    """
    y_true, y_pred, _, w = check_label_pair(y_true, y_pred, sample_weight)
    correct = (y_true == y_pred).astype(np.float64)
    if not normalize:
        return float(correct.sum() if w is None else correct @ w)
    return float(np.average(correct, weights=w))


def _encode(y, labels):
    """Index of each entry of ``y`` in the sorted array ``labels`` (−1 when absent)."""
    idx = np.searchsorted(labels, y)
    idx = np.clip(idx, 0, len(labels) - 1)
    return np.where(labels[idx] == y, idx, -1)


def _check_labels(labels, name="labels"):
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class labels, got shape {labels.shape}")
    if np.unique(labels).size != labels.size:
        raise ValueError(f"{name} must not contain duplicates")
    return labels


@validate_args({"normalize": [Options(("true", "pred", "all")), None]})
def confusion_matrix(y_true, y_pred, *, labels=None, sample_weight=None, normalize=None):
    """Counts ``C[i, j]`` of samples with true label i predicted as label j.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,)
        True and predicted class labels.
    labels : array_like of shape (n_classes,), optional
        The labels indexing the rows and columns, in this order; samples whose
        labels are not listed are ignored. Default: the sorted union of labels.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    normalize : {"true", "pred", "all"} or None, default=None
        Divide by row sums (recall per class), column sums (precision per
        class) or the total. Empty rows or columns give zeros.

    Returns
    -------
    C : ndarray of shape (n_classes, n_classes)
        Integer counts without weights and normalisation, float otherwise.

    Notes
    -----
    C[i, j] = Σₖ wₖ [yₖ = ℓᵢ][ŷₖ = ℓⱼ], computed as one ``bincount`` of the
    flattened pair index i·K + j: O(n + K²).

    Examples
    --------
    >>> confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1])
    array([[1, 0, 0],
           [0, 0, 1],
           [0, 1, 1]])
    """
    y_true, y_pred, present, w = check_label_pair(y_true, y_pred, sample_weight)
    if labels is None:
        labels = present
    else:
        labels = _check_labels(labels)
        if not np.isin(labels, y_true).any():
            raise ValueError("labels: at least one label specified must be in y_true")
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    it, ip = _encode(y_true, sorted_labels), _encode(y_pred, sorted_labels)
    keep = (it >= 0) & (ip >= 0)
    k = labels.size
    # order[s] is the caller's position of the s-th sorted label.
    pair = order[it[keep]] * k + order[ip[keep]]
    weights = None if w is None else w[keep]
    C = np.bincount(pair, weights=weights, minlength=k * k).reshape(k, k)
    if w is None and normalize is None:
        C = C.astype(np.int64)
    if normalize is not None:
        C = C.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            if normalize == "true":
                C = C / C.sum(axis=1, keepdims=True)
            elif normalize == "pred":
                C = C / C.sum(axis=0, keepdims=True)
            else:
                C = C / C.sum()
        C = np.nan_to_num(C)
    return C


def _set_wise_labels(y_true, y_pred, labels_present, average, labels, pos_label):
    if average == "binary":
        if labels_present.size > 2:
            raise ValueError(
                f"average='binary' needs binary targets, but y_true and y_pred hold "
                f"{labels_present.size} classes; choose average='micro', 'macro', 'weighted' or None")
        if pos_label not in labels_present and labels_present.size >= 2:
            raise ValueError(f"pos_label={pos_label!r} is not a valid label; it must be one of "
                             f"{labels_present.tolist()}")
        return np.asarray([pos_label])
    if labels is not None:
        return _check_labels(labels)
    return labels_present


def _tp_pred_true(y_true, y_pred, labels, w):
    """Per-label (weighted) true-positive, predicted and true counts, in ``labels`` order."""
    all_labels = np.union1d(labels, np.union1d(y_true, y_pred))
    it, ip = _encode(y_true, all_labels), _encode(y_pred, all_labels)
    k = all_labels.size
    hit = it == ip
    tp = np.bincount(it[hit], weights=None if w is None else w[hit], minlength=k)
    pred = np.bincount(ip, weights=w, minlength=k)
    true = np.bincount(it, weights=w, minlength=k)
    sel = _encode(labels, all_labels)
    return tp[sel].astype(np.float64), pred[sel].astype(np.float64), true[sel].astype(np.float64)


@validate_args({**_PRF, "beta": [NON_NEGATIVE]})
def precision_recall_fscore_support(y_true, y_pred, *, beta=1.0, labels=None, pos_label=1,
                                    average=None, sample_weight=None, zero_division="warn"):
    """Precision, recall, F-beta and support, per class or averaged.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,)
        True and predicted class labels.
    beta : float, default=1.0
        Weight of recall relative to precision in the F-score (≥ 0).
    labels : array_like, optional
        Labels to include (and their order when ``average=None``).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {"binary", "micro", "macro", "weighted"} or None, default=None
        None returns per-class arrays; "micro" pools the counts; "macro"
        averages classes equally; "weighted" by their support.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    zero_division : {"warn", 0, 1, np.nan}, default="warn"
        Value for 0/0; "warn" gives 0 and an ``UndefinedMetricWarning``.

    Returns
    -------
    precision, recall, fbeta : float or ndarray of shape (n_labels,)
    support : ndarray of shape (n_labels,) or None (when averaged)

    Notes
    -----
    With per-class counts TP, FP, FN: P = TP/(TP+FP), R = TP/(TP+FN),
    F_β = (1+β²)·TP / ((1+β²)·TP + β²·FN + FP). One ``bincount`` each, O(n + K).

    Examples
    --------
    >>> p, r, f, s = precision_recall_fscore_support([0, 1, 1], [0, 1, 0])
    >>> r
    array([1. , 0.5])
    """
    check_zero_division(zero_division)
    y_true, y_pred, present, w = check_label_pair(y_true, y_pred, sample_weight)
    labels = _set_wise_labels(y_true, y_pred, present, average, labels, pos_label)
    tp, pred, true = _tp_pred_true(y_true, y_pred, labels, w)
    if average == "micro":
        tp, pred, true = tp.sum(keepdims=True), pred.sum(keepdims=True), true.sum(keepdims=True)
    precision = safe_divide(tp, pred, zero_division, "Precision")
    recall = safe_divide(tp, true, zero_division, "Recall")
    b2 = float(beta) ** 2
    if np.isposinf(beta):
        fscore = recall
    elif beta == 0:
        fscore = precision
    else:
        fscore = safe_divide((1 + b2) * tp, b2 * true + pred, zero_division, "F-score")
    if average is None:
        return precision, recall, fscore, true.astype(np.int64) if w is None else true
    weights = true if average == "weighted" else None
    return (weighted_mean(precision, weights), weighted_mean(recall, weights),
            weighted_mean(fscore, weights), None)


def _prf_doc(what):
    return f"""{what}.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,)
        True and predicted class labels.
    labels : array_like, optional
        Labels to include when ``average != "binary"`` (and their order for None).
    pos_label : int, float, bool or str, default=1
        The positive class when ``average="binary"``.
    average : {{"binary", "micro", "macro", "weighted"}} or None, default="binary"
        How per-class scores combine (see :func:`precision_recall_fscore_support`).
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    zero_division : {{"warn", 0, 1, np.nan}}, default="warn"
        Value returned for 0/0.

    Returns
    -------
    float, or ndarray of shape (n_labels,) when ``average=None``
    """


@validate_args(_PRF)
def precision_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                    sample_weight=None, zero_division="warn"):
    p, _, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division)
    return p if average is None else float(p)


@validate_args(_PRF)
def recall_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
                 sample_weight=None, zero_division="warn"):
    _, r, _, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division)
    return r if average is None else float(r)


@validate_args(_PRF)
def f1_score(y_true, y_pred, *, labels=None, pos_label=1, average="binary",
             sample_weight=None, zero_division="warn"):
    return fbeta_score(y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label,
                       average=average, sample_weight=sample_weight, zero_division=zero_division)


@validate_args({**_PRF, "beta": [NON_NEGATIVE]})
def fbeta_score(y_true, y_pred, *, beta, labels=None, pos_label=1, average="binary",
                sample_weight=None, zero_division="warn"):
    _, _, f, _ = precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division)
    return f if average is None else float(f)


precision_score.__doc__ = _prf_doc("Precision TP / (TP + FP): the fraction of predicted positives that are right") + """
    Notes
    -----
    P = TP / (TP + FP) per class from one ``bincount``; O(n + K).

    Examples
    --------
    >>> precision_score([0, 1, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
recall_score.__doc__ = _prf_doc("Recall TP / (TP + FN): the fraction of true positives that are found") + """
    Notes
    -----
    R = TP / (TP + FN) per class from one ``bincount``; O(n + K).

    Examples
    --------
    >>> recall_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
f1_score.__doc__ = _prf_doc("F1 score, the harmonic mean of precision and recall") + """
    Notes
    -----
    F1 = 2PR / (P + R) = 2·TP / (2·TP + FP + FN); O(n + K).

    Examples
    --------
    >>> f1_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
fbeta_score.__doc__ = _prf_doc(
    "F-beta score, the weighted harmonic mean of precision and recall").replace(
    "    labels : array_like, optional",
    "    beta : float\n        Weight of recall relative to precision (≥ 0); required.\n"
    "    labels : array_like, optional", 1) + """
    Notes
    -----
    F_β = (1+β²)·P·R / (β²·P + R) = (1+β²)·TP / ((1+β²)·TP + β²·FN + FP);
    β → 0 gives precision, β → ∞ recall. O(n + K).

    Examples
    --------
    >>> round(fbeta_score([0, 1, 1, 0], [1, 1, 0, 0], beta=2.0), 4)
    0.5
    """


@validate_args({"adjusted": ["boolean"]})
def balanced_accuracy_score(y_true, y_pred, *, sample_weight=None, adjusted=False):
    """Mean recall over the classes present in ``y_true``.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,)
        True and predicted class labels.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    adjusted : bool, default=False
        Rescale so that chance scores 0 and perfect scores 1.

    Returns
    -------
    float

    Notes
    -----
    BA = (1/K) Σₖ TPₖ / (TPₖ + FNₖ); adjusted: (BA − 1/K) / (1 − 1/K).

    Examples
    --------
    >>> balanced_accuracy_score([0, 0, 0, 1], [0, 0, 0, 0])
    0.5
    """
    C = confusion_matrix(y_true, y_pred, sample_weight=sample_weight).astype(np.float64)
    support = C.sum(axis=1)
    recall = np.diag(C)[support > 0] / support[support > 0]
    score = float(recall.mean())
    if adjusted:
        chance = 1.0 / recall.size
        score = (score - chance) / (1.0 - chance)
    return score


@validate_args({"normalize": ["boolean"]})
def log_loss(y_true, y_pred, *, normalize=True, sample_weight=None, labels=None):
    """Cross-entropy of predicted class probabilities against the true labels.

    Parameters
    ----------
    y_true : array_like of shape (n_samples,)
        True class labels.
    y_pred : array_like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities; a vector is P(positive class) for two classes.
        Columns follow the sorted labels.
    normalize : bool, default=True
        Return the (weighted) mean loss; if False, the sum.
    sample_weight : array_like of shape (n_samples,), optional
        Weight of each sample.
    labels : array_like, optional
        All class labels, when ``y_true`` does not show every class.

    Returns
    -------
    float

    Notes
    -----
    L = −(1/n) Σᵢ Σₖ [yᵢ = k] log pᵢₖ, with p clipped to [ε, 1 − ε] (ε the
    dtype's machine epsilon) so a confident mistake costs a large finite
    loss. Warns when rows do not sum to one. O(nK).

    Examples
    --------
    >>> round(log_loss([0, 1, 1], [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]]), 4)
    0.2284
    """
    y_true = as_label_array(y_true, "y_true")
    P = as_float_array(y_pred, "y_pred", ndim=(1, 2))
    if P.shape[0] != y_true.shape[0]:
        raise ValueError(f"inputs must have the same number of samples: y_true has "
                         f"{y_true.shape[0]}, y_pred has {P.shape[0]}")
    w = check_sample_weight(sample_weight, y_true.shape[0])
    classes = np.unique(y_true) if labels is None else np.unique(_check_labels(labels))
    if labels is not None and not np.isin(y_true, classes).all():
        raise ValueError("y_true contains labels not in labels")
    if classes.size < 2:
        raise ValueError(f"y_true contains only one label ({classes[0]!r}); pass all "
                         "class labels through the labels argument")
    if P.ndim == 1:
        P = P[:, None]
    if P.shape[1] == 1:
        P = np.hstack([1.0 - P, P])
    if P.shape[1] != classes.size:
        raise ValueError(f"y_pred has {P.shape[1]} columns but there are {classes.size} classes "
                         f"{classes.tolist()}; pass labels explicitly")
    if (P < 0).any() or (P > 1).any():
        raise ValueError("y_pred must hold probabilities in [0, 1]")
    eps = np.finfo(P.dtype).eps
    if not np.allclose(P.sum(axis=1), 1.0, rtol=np.sqrt(eps), atol=0.0):
        warnings.warn("y_pred rows do not sum to one; pass probabilities", UserWarning, stacklevel=2)
    P = np.clip(P, eps, 1 - eps)
    idx = np.searchsorted(classes, y_true)
    loss = -np.log(P[np.arange(P.shape[0]), idx])
    if not normalize:
        return float(loss.sum() if w is None else loss @ w)
    return float(np.average(loss, weights=w))

