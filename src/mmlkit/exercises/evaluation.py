"""Exercises · evaluation: precision and recall, ROC AUC, confusion matrices, k-fold splits, R²."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, against, as_array, close, unpack

E = partial(Exercise, "evaluation")


def _ev():
    import mmlkit.evaluation as ev

    return ev


def _prf_oracle(y_true, y_pred):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, f, _ = _ev().precision_recall_fscore_support(y_true, y_pred, average="binary", zero_division=0)
    return p, r, f


def _judge_prf(got, args):
    p_e, r_e, f_e = _prf_oracle(*args)
    p, r, f = unpack(got, ("precision", "recall", "f1"))
    for name, g, e, what in (("precision", p, p_e, "TP / (TP + FP), 0 when nothing is predicted positive"),
                             ("recall", r, r_e, "TP / (TP + FN), 0 when there are no positives"),
                             ("f1", f, f_e, "2PR / (P + R), 0 when P + R = 0")):
        close(f"{name} = {what}", g, e, rtol=1e-12, atol=1e-12)


def _binary_pair(g):
    return g.with_n(lambda n: g.st.tuples(g.labels(n), g.labels(n)), 1, 10)


def _auc_args(g):
    return g.with_n(lambda n: g.st.tuples(g.labels(n).filter(lambda y: 0 < y.sum() < len(y)),
                                          g.hnp.arrays(np.float64, n, elements=g.st.integers(-3, 3).map(float))),
                    2, 10)


def _judge_auc(got, args):
    y, s = args
    auc = as_array("the AUC", got, ())
    if not 0 <= auc <= 1:
        raise Fail("the AUC lies in [0, 1]", f"got {float(auc):.6g}", got=got)
    close("AUC = P(score of a positive > score of a negative) + ½ P(tie) (equals mmlkit.evaluation.roc_auc_score)",
          auc, _ev().roc_auc_score(y, s), rtol=1e-12, atol=1e-12)


def _cm_args(g):
    return g.st.integers(1, 4).flatmap(lambda k: g.with_n(
        lambda n: g.st.tuples(g.labels(n, k), g.labels(n, k), g.st.just(k)), 1, 10))


def _judge_kfold(got, args):
    n, k = args
    folds = list(got) if not isinstance(got, np.ndarray) else got
    ref = list(_ev().KFold(k).split(np.zeros(n)))
    if len(folds) != k:
        raise Fail("there are k folds", f"got {len(folds)}")
    seen = []
    for i, (fold, (tr_e, te_e)) in enumerate(zip(folds, ref)):
        train, test = unpack(fold, ("train", "test"))
        train, test = np.asarray(train), np.asarray(test)
        if np.intersect1d(train, test).size or np.union1d(train, test).size != n or len(train) + len(test) != n:
            raise Fail("train and test partition 0 … n−1 in every fold",
                       f"fold {i}: train {train.tolist()}, test {test.tolist()}")
        if len(test) != len(te_e):
            raise Fail("fold sizes differ by at most one, the first n % k folds one larger (as scikit-learn's KFold)",
                       f"fold {i} has {len(test)} test samples", expected=[len(t) for _, t in ref],
                       got=[len(np.asarray(f[1])) for f in folds])
        if not np.array_equal(np.sort(test), te_e) or not np.array_equal(np.sort(train), tr_e):
            raise Fail("test folds are consecutive blocks in order (no shuffling)", f"fold {i}: test {test.tolist()}",
                       expected=te_e, got=test)
        seen.extend(test.tolist())
    if sorted(seen) != list(range(n)):
        raise Fail("every sample is tested exactly once", f"tested {sorted(seen)}")


EXERCISES = [
    E(name="precision_recall_f1", title="Precision, recall and F1",
      task="For binary labels y_true and predictions y_pred (0/1 arrays, positive class 1), return "
           "(precision, recall, f1); a ratio whose denominator is 0 is 0.",
      formula="P = TP/(TP + FP);  R = TP/(TP + FN);  F1 = 2PR/(P + R)",
      returns="tuple of 3 floats",
      args=_binary_pair,
      cases=[("the example", (np.array([1, 1, 0, 0]), np.array([1, 0, 1, 1]))),
             ("no predicted positives", (np.array([1, 0, 1]), np.array([0, 0, 0]))),
             ("no positives at all", (np.array([0, 0]), np.array([0, 0]))),
             ("precision ≠ recall", (np.array([1, 1, 1, 0]), np.array([1, 0, 0, 0])))],
      judge=_judge_prf,
      hints=("Count TP (both 1), FP (predicted 1, truly 0) and FN (predicted 0, truly 1).",
             "Precision asks 'of what I flagged, how much was right?' (TP + FP below); recall asks 'of what was "
             "there, how much did I find?' (TP + FN below).",
             "Guard every division: return 0.0 where the denominator is 0, never NaN."),
      tolerance="rtol 1e-12"),
    E(name="roc_auc", title="The area under the ROC curve",
      task="For binary labels y_true (both classes present) and real-valued scores, return the ROC AUC: the "
           "probability that a random positive scores higher than a random negative, ties counting ½.",
      formula="AUC = (1/(n₊ n₋)) Σ_{i ∈ pos} Σ_{j ∈ neg} [s_i > s_j] + ½ [s_i = s_j]",
      returns="float in [0, 1]",
      args=_auc_args,
      cases=[("the example", (np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))),
             ("ties in scores", (np.array([0, 1, 0, 1]), np.array([1.0, 1.0, 0.0, 2.0]))),
             ("all scores tied", (np.array([1, 0, 1]), np.array([0.5, 0.5, 0.5])))],
      judge=_judge_auc,
      hints=("Compare every positive's score with every negative's: broadcasting gives an (n₊, n₋) table.",
             "A tie between a positive and a negative counts ½, neither 0 nor 1.",
             "(np.sum(pos[:, None] > neg) + 0.5 * np.sum(pos[:, None] == neg)) / (len(pos) * len(neg))"),
      tolerance="rtol 1e-12 against mmlkit.evaluation.roc_auc_score"),
    E(name="confusion_matrix", title="The confusion matrix",
      task="For integer labels in 0 … n_classes−1, return the (n_classes, n_classes) matrix C with C[i, j] the "
           "number of samples of true class i predicted as j.",
      formula="C[i, j] = #{s : y_true[s] = i and y_pred[s] = j}  (rows: truth, columns: prediction)",
      returns="ndarray of ints, shape (n_classes, n_classes)",
      args=_cm_args,
      cases=[("the example", (np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), 3)),
             ("a class never predicted", (np.array([2, 2, 0]), np.array([0, 0, 0]), 3))],
      judge=against(lambda t, p, k: _ev().confusion_matrix(t, p, labels=list(range(k))),
                    "equals mmlkit.evaluation.confusion_matrix (rows: true class, columns: prediction)",
                    rtol=0, atol=0),
      hints=("Start from a zero (n_classes, n_classes) matrix and add 1 per sample.",
             "The row index is the true class, the column the predicted one (C.T is the wrong way round).",
             "np.add.at(C, (y_true, y_pred), 1) counts repeated pairs correctly (C[y_true, y_pred] += 1 does not)."),
      tolerance="exact"),
    E(name="kfold_indices", title="k-fold cross-validation splits",
      task="Return a list of k pairs (train, test) of index arrays for n samples, without shuffling: the test "
           "folds are consecutive blocks covering 0 … n−1, the first n % k of them one sample larger; train is "
           "the rest, in increasing order (as scikit-learn's KFold).",
      formula="fold sizes: n // k + 1 for the first n % k folds, n // k for the others",
      returns="list of k tuples (ndarray, ndarray)",
      args=lambda g: g.st.integers(2, 6).flatmap(lambda k: g.st.tuples(g.st.integers(k, 14), g.st.just(k))),
      cases=[("the example", (5, 2)), ("n divisible by k", (6, 3)), ("n % k = 2", (8, 3))],
      judge=_judge_kfold,
      hints=("Every sample is in exactly one test fold; train is everything else.",
             "When k does not divide n, the first n % k folds get one extra sample (np.array_split does this; "
             "the last fold taking the remainder does not).",
             "test = np.arange(start, start + size); train = np.setdiff1d(np.arange(n), test)"),
      tolerance="exact"),
    E(name="r2_score", title="The coefficient of determination R²",
      task="Return R² of the predictions y_pred for the (non-constant) targets y_true.",
      formula="R² = 1 − Σ (y − ŷ)² / Σ (y − ȳ)²",
      returns="float (1 is perfect; it can be negative)",
      args=lambda g: g.with_n(lambda n: g.st.tuples(g.vec(n), g.vec(n)), 2, 8).filter(
          lambda t: np.ptp(t[0]) > 1e-2),
      cases=[("the example", (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0]))),
             ("worse than the mean", (np.array([0.0, 1.0]), np.array([5.0, -5.0])))],
      judge=against(lambda t, p: _ev().r2_score(t, p), "equals mmlkit.evaluation.r2_score(y_true, y_pred)",
                    rtol=1e-9, atol=1e-12),
      hints=("R² compares your squared error with that of always predicting the mean of y_true.",
             "The denominator uses the mean of y_true, not of y_pred.",
             "return 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)"),
      tolerance="rtol 1e-9"),
]
