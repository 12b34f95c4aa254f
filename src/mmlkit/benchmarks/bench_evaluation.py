"""Metrics, splitters and searches against scikit-learn on the same data.

Quality: the metric value (equal for both when correct) or the best CV score.
"""

from __future__ import annotations

import numpy as np

from mmlkit._bench import compare


def run(smoke: bool = False):
    import sklearn.metrics as skm
    import sklearn.model_selection as skms
    from sklearn.naive_bayes import GaussianNB

    from mmlkit import evaluation as ev

    repeat = 1 if smoke else 5
    n = 2_000 if smoke else 1_000_000
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n)
    s = np.round(rng.normal(size=n) + y, 3)  # ties, as real scores have
    yk, pk = rng.integers(0, 5, n), rng.integers(0, 5, n)
    size = f"n={n:,}"
    rows = [
        compare("roc_auc_score", lambda: ev.roc_auc_score(y, s), lambda: skm.roc_auc_score(y, s),
                reference_name="sklearn.metrics", size=size, quality=float, quality_name="AUC",
                repeat=repeat),
        compare("average_precision_score", lambda: ev.average_precision_score(y, s),
                lambda: skm.average_precision_score(y, s), reference_name="sklearn.metrics", size=size,
                quality=float, quality_name="AP", repeat=repeat),
        compare("f1_score (macro, 5 classes)", lambda: ev.f1_score(yk, pk, average="macro"),
                lambda: skm.f1_score(yk, pk, average="macro"), reference_name="sklearn.metrics",
                size=size, quality=float, quality_name="F1", repeat=repeat),
        compare("confusion_matrix (5 classes)", lambda: ev.confusion_matrix(yk, pk),
                lambda: skm.confusion_matrix(yk, pk), reference_name="sklearn.metrics", size=size,
                quality=lambda C: float(np.trace(C)), quality_name="trace", repeat=repeat),
        compare("StratifiedKFold(10) splits", lambda: list(ev.StratifiedKFold(10).split(yk, yk)),
                lambda: list(skms.StratifiedKFold(10).split(yk, yk)),
                reference_name="sklearn.model_selection", size=size,
                quality=lambda f: float(len(f[0][1])), quality_name="|fold 0|", repeat=repeat),
    ]
    from mmlkit.datasets import load_digits

    X, yd = load_digits()
    if smoke:
        X, yd = X[:300], yd[:300]
    grid = {"var_smoothing": list(np.logspace(-9, 0, 10))}
    rows.append(compare(
        "GridSearchCV (naive Bayes, 10 candidates × 5 folds)",
        lambda: ev.GridSearchCV(GaussianNB(), grid, cv=5).fit(X, yd),
        lambda: skms.GridSearchCV(GaussianNB(), grid, cv=5).fit(X, yd),
        reference_name="sklearn.model_selection", size=f"n={len(yd)}",
        quality=lambda g: g.best_score_, quality_name="best CV accuracy", repeat=1 if smoke else 2))
    return rows
