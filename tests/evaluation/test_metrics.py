"""Metrics against scikit-learn on random and tie-heavy inputs (oracle: sklearn.metrics)."""

import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given
from hypothesis import strategies as st

from mmlkit import evaluation as ev

TOL = 1e-12  # the same counts and sums in a different order: equal to rounding


def _labels(seed, n=60, k=3, strings=False):
    rng = np.random.default_rng(seed)
    yt, yp = rng.integers(0, k, n), rng.integers(0, k, n)
    yp[: n // 2] = yt[: n // 2]
    if strings:
        names = np.array(["cat", "dog", "eel", "fox"])[:k]
        return names[yt], names[yp]
    return yt, yp


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
@pytest.mark.parametrize("weighted", [False, True])
def test_prf_multiclass_matches_sklearn(seed, average, weighted):
    yt, yp = _labels(seed, k=4)
    w = np.random.default_rng(seed).random(yt.size) if weighted else None
    for ours, ref in [(ev.precision_score, skm.precision_score), (ev.recall_score, skm.recall_score),
                      (ev.f1_score, skm.f1_score)]:
        np.testing.assert_allclose(ours(yt, yp, average=average, sample_weight=w, zero_division=0),
                                   ref(yt, yp, average=average, sample_weight=w, zero_division=0),
                                   rtol=TOL, atol=TOL)
    np.testing.assert_allclose(
        ev.fbeta_score(yt, yp, beta=0.5, average=average, sample_weight=w, zero_division=0),
        skm.fbeta_score(yt, yp, beta=0.5, average=average, sample_weight=w, zero_division=0),
        rtol=TOL, atol=TOL)


@pytest.mark.parametrize("zero_division", [0, 1, np.nan])
def test_prf_labels_subset_and_zero_division(zero_division):
    yt = np.array([0, 0, 1, 1, 2, 2])
    yp = np.array([0, 0, 0, 1, 1, 1])  # label 2 never predicted; label 5 absent
    for avg in ["micro", "macro", "weighted", None]:
        for f, g in [(ev.precision_score, skm.precision_score), (ev.f1_score, skm.f1_score),
                     (ev.recall_score, skm.recall_score)]:
            kw = dict(labels=[2, 0, 5], average=avg, zero_division=zero_division)
            np.testing.assert_allclose(f(yt, yp, **kw), g(yt, yp, **kw), equal_nan=True)


@pytest.mark.parametrize("seed", range(3))
def test_binary_metrics_with_pos_label_and_strings(seed):
    rng = np.random.default_rng(seed)
    yt, yp = rng.choice(["neg", "pos"], 40), rng.choice(["neg", "pos"], 40)
    for f, g in [(ev.precision_score, skm.precision_score), (ev.recall_score, skm.recall_score),
                 (ev.f1_score, skm.f1_score)]:
        assert f(yt, yp, pos_label="neg") == pytest.approx(g(yt, yp, pos_label="neg"), abs=TOL)
    assert ev.accuracy_score(yt, yp) == pytest.approx(skm.accuracy_score(yt, yp), abs=TOL)


def test_zero_division_warns():
    with pytest.warns(ev.UndefinedMetricWarning):
        assert ev.precision_score([1, 0, 1], [0, 0, 0]) == 0.0


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_matches_sklearn(seed, normalize):
    yt, yp = _labels(seed, k=4, strings=seed % 2 == 1)
    w = np.random.default_rng(seed).random(yt.size) if seed >= 2 else None
    labels = None if seed % 2 == 0 else np.array(["fox", "cat", "dog"])
    ours = ev.confusion_matrix(yt, yp, labels=labels, sample_weight=w, normalize=normalize)
    ref = skm.confusion_matrix(yt, yp, labels=labels, sample_weight=w, normalize=normalize)
    np.testing.assert_allclose(ours, ref, atol=TOL)
    assert ours.dtype.kind == ref.dtype.kind


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_confusion_matrix_property(pairs):
    yt, yp = np.array(pairs).T
    C = ev.confusion_matrix(yt, yp)
    assert C.sum() == yt.size
    assert np.trace(C) == np.sum(yt == yp)
    np.testing.assert_array_equal(C, skm.confusion_matrix(yt, yp))


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.floats(0.01, 5)),
                min_size=2, max_size=30))
def test_prf_property_against_sklearn(rows):
    yt, yp, w = (np.array(c) for c in zip(*rows))
    for avg in ["micro", "macro", "weighted"]:
        ours = ev.f1_score(yt, yp.astype(int), average=avg, sample_weight=w, zero_division=0)
        ref = skm.f1_score(yt, yp.astype(int), average=avg, sample_weight=w, zero_division=0)
        assert ours == pytest.approx(ref, abs=1e-10)
    assert ev.accuracy_score(yt, yp, sample_weight=w) == pytest.approx(
        skm.accuracy_score(yt, yp, sample_weight=w), abs=1e-12)


def test_balanced_accuracy_matches_sklearn():
    yt, yp = _labels(5, k=3)
    for adjusted in (False, True):
        assert ev.balanced_accuracy_score(yt, yp, adjusted=adjusted) == pytest.approx(
            skm.balanced_accuracy_score(yt, yp, adjusted=adjusted))


@pytest.mark.parametrize("seed", range(4))
def test_log_loss_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.ones(3), 50)
    P[0] = [1.0, 0.0, 0.0]  # an extreme probability exercises the clipping
    y = rng.integers(0, 3, 50)
    w = rng.random(50)
    assert ev.log_loss(y, P) == pytest.approx(skm.log_loss(y, y_proba=P), rel=1e-12)
    assert ev.log_loss(y, P, sample_weight=w, normalize=False) == pytest.approx(
        skm.log_loss(y, y_proba=P, sample_weight=w, normalize=False), rel=1e-12)
    p = rng.random(50)
    yb = rng.integers(0, 2, 50)
    assert ev.log_loss(yb, p) == pytest.approx(skm.log_loss(yb, y_proba=p), rel=1e-12)
    y_two = np.where(y == 2, 1, y)[:10]
    assert ev.log_loss(y_two, P[:10], labels=[0, 1, 2]) == pytest.approx(
        skm.log_loss(y_two, y_proba=P[:10], labels=[0, 1, 2]), rel=1e-12)


def _scores(seed, n=80, ties=False):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = rng.normal(size=n) + y
    if ties:
        s = np.round(s)  # a handful of distinct values: heavy ties
    return y, s, rng.random(n)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("drop", [False, True])
def test_roc_curve_matches_sklearn(seed, ties, drop):
    y, s, w = _scores(seed, ties=ties)
    for weights in (None, w):
        ours = ev.roc_curve(y, s, sample_weight=weights, drop_intermediate=drop)
        ref = skm.roc_curve(y, s, sample_weight=weights, drop_intermediate=drop)
        for a, b in zip(ours, ref):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        assert ev.roc_auc_score(y, s, sample_weight=weights) == pytest.approx(
            skm.roc_auc_score(y, s, sample_weight=weights), abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ties", [False, True])
def test_pr_curve_and_ap_match_sklearn(seed, ties):
    y, s, w = _scores(seed, ties=ties)
    for weights in (None, w):
        for drop in (False, True):
            ours = ev.precision_recall_curve(y, s, sample_weight=weights, drop_intermediate=drop)
            ref = skm.precision_recall_curve(y, s, sample_weight=weights, drop_intermediate=drop)
            for a, b in zip(ours, ref):
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
        assert ev.average_precision_score(y, s, sample_weight=weights) == pytest.approx(
            skm.average_precision_score(y, s, sample_weight=weights), abs=1e-12)


def test_roc_with_string_pos_label_and_partial_auc():
    y, s, _ = _scores(11)
    ys = np.where(y == 1, "spam", "ham")
    for a, b in zip(ev.roc_curve(ys, s, pos_label="spam"), skm.roc_curve(ys, s, pos_label="spam")):
        np.testing.assert_allclose(a, b)
    for max_fpr in (0.1, 0.5):
        assert ev.roc_auc_score(y, s, max_fpr=max_fpr) == pytest.approx(
            skm.roc_auc_score(y, s, max_fpr=max_fpr), abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("multi_class,average", [("ovr", "macro"), ("ovr", "weighted"),
                                                 ("ovr", "micro"), ("ovo", "macro"),
                                                 ("ovo", "weighted"), ("ovr", None)])
def test_multiclass_roc_auc_matches_sklearn(seed, multi_class, average):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, 90)
    P = rng.dirichlet(np.ones(4), 90)
    P[np.arange(90), y] += 0.3
    P /= P.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(
        ev.roc_auc_score(y, P, multi_class=multi_class, average=average),
        skm.roc_auc_score(y, P, multi_class=multi_class, average=average), atol=1e-12)


def test_multiclass_average_precision_matches_sklearn():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 70)
    S = rng.random((70, 3))
    for avg in ("macro", "weighted", "micro", None):
        np.testing.assert_allclose(ev.average_precision_score(y, S, average=avg),
                                   skm.average_precision_score(y, S, average=avg), atol=1e-12)


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(-3, 3)), min_size=2, max_size=40))
def test_auc_is_mann_whitney_probability(rows):
    y, s = (np.array(c) for c in zip(*rows))
    if len(np.unique(y)) < 2:
        return
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    mw = np.mean((pos > neg) + 0.5 * (pos == neg))
    assert ev.roc_auc_score(y, s.astype(float)) == pytest.approx(mw, abs=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("multioutput", ["raw_values", "uniform_average", "variance_weighted",
                                         [0.2, 0.8]])
def test_regression_metrics_match_sklearn(seed, multioutput):
    rng = np.random.default_rng(seed)
    Y = rng.normal(size=(30, 2))
    P = Y + rng.normal(scale=0.5, size=(30, 2))
    w = rng.random(30)
    for weights in (None, w):
        np.testing.assert_allclose(
            ev.r2_score(Y, P, sample_weight=weights, multioutput=multioutput),
            skm.r2_score(Y, P, sample_weight=weights, multioutput=multioutput), rtol=1e-12)
        if multioutput != "variance_weighted":
            for f, g in [(ev.mean_squared_error, skm.mean_squared_error),
                         (ev.mean_absolute_error, skm.mean_absolute_error),
                         (ev.root_mean_squared_error, skm.root_mean_squared_error)]:
                np.testing.assert_allclose(f(Y, P, sample_weight=weights, multioutput=multioutput),
                                           g(Y, P, sample_weight=weights, multioutput=multioutput),
                                           rtol=1e-12)


def test_r2_constant_target():
    y = np.ones(5)
    for p in (np.ones(5), np.arange(5.0)):
        for ff in (True, False):
            for mo in ("uniform_average", "variance_weighted", "raw_values"):
                Y, P = np.c_[y, y], np.c_[p, np.ones(5)]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    np.testing.assert_allclose(ev.r2_score(Y, P, force_finite=ff, multioutput=mo),
                                               skm.r2_score(Y, P, force_finite=ff, multioutput=mo))


def test_inputs_not_modified():
    y, s, w = _scores(0)
    copies = [a.copy() for a in (y, s, w)]
    ev.roc_curve(y, s, sample_weight=w)
    ev.confusion_matrix(y, (s > 0).astype(int), sample_weight=w)
    for a, c in zip((y, s, w), copies):
        np.testing.assert_array_equal(a, c)


# --- documented errors -------------------------------------------------------

def test_errors():
    with pytest.raises(ValueError, match="average"):
        ev.f1_score([0, 1, 2], [0, 1, 1])  # binary average on 3 classes
    with pytest.raises(ValueError, match="average"):
        ev.f1_score([0, 1], [0, 1], average="mean")
    with pytest.raises(ValueError, match="pos_label"):
        ev.precision_score([0, 1], [0, 1], pos_label=2)
    with pytest.raises(ValueError, match="same number of samples"):
        ev.accuracy_score([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="y_true must not be empty"):
        ev.accuracy_score([], [])
    with pytest.raises(ValueError, match="zero_division"):
        ev.f1_score([0, 1], [0, 1], zero_division=2)
    with pytest.raises(ValueError, match="sample_weight"):
        ev.accuracy_score([0, 1], [0, 1], sample_weight=[1.0])
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        ev.accuracy_score([0, 1], [0, 1], sample_weight=[1.0, -1.0])
    with pytest.raises(ValueError, match="normalize"):
        ev.confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(ValueError, match="labels"):
        ev.confusion_matrix([0, 1], [0, 1], labels=[5, 6])
    with pytest.raises(ValueError, match="continuous"):
        ev.accuracy_score([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="y_score must be finite"):
        ev.roc_curve([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="pos_label"):
        ev.roc_curve(["a", "b"], [0.1, 0.2])
    with pytest.raises(ValueError, match="Only one class"):
        ev.roc_auc_score([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="multi_class"):
        ev.roc_auc_score([0, 1, 2], np.eye(3))
    with pytest.raises(ValueError, match="probabilities summing to 1"):
        ev.roc_auc_score([0, 1, 2], np.ones((3, 3)), multi_class="ovr")
    with pytest.raises(ValueError, match="only one label"):
        ev.log_loss([1, 1], [0.5, 0.5])
    with pytest.raises(ValueError, match="columns"):
        ev.log_loss([0, 1, 2], [[0.5, 0.5]] * 3)
    with pytest.raises(ValueError, match="multioutput"):
        ev.mean_squared_error([1, 2], [1, 2], multioutput="mean")
    with pytest.raises(ValueError, match="outputs"):
        ev.mean_squared_error(np.ones((3, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="at least two samples"):
        ev.r2_score([1.0], [1.0])
    with pytest.raises(ValueError, match="monotonic"):
        ev.auc([0, 1, 0.5], [0, 1, 1])
