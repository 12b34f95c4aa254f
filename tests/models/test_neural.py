"""MLPClassifier / MLPRegressor: scikit-learn's estimator checks, accuracy vs scikit-learn, the objective."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks

from mmlkit.datasets import load_breast_cancer, load_digits, make_regression
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import MLPClassifier, MLPRegressor


@parametrize_with_checks([MLPClassifier(max_iter=300), MLPRegressor(max_iter=300)])
def test_sklearn_compatible(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        check(estimator)


def standardise(X):
    return (X - X.mean(0)) / np.where(X.std(0) == 0, 1, X.std(0))


@pytest.mark.parametrize("loader", [load_digits, load_breast_cancer])
def test_accuracy_within_one_point_of_scikit_learn(loader):
    X, y = loader()
    X = standardise(X)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    ours, theirs = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        for seed in (0, 1):
            kw = dict(hidden_layer_sizes=(64,), max_iter=60, random_state=seed)
            ours.append(MLPClassifier(**kw).fit(Xtr, ytr).score(Xte, yte))
            theirs.append(SkMLPClassifier(**kw).fit(Xtr, ytr).score(Xte, yte))
    assert np.mean(ours) >= np.mean(theirs) - 0.01, (ours, theirs)


def test_regressor_fits_like_scikit_learn():
    X, y = make_regression(300, 5, n_informative=5, noise=1.0, random_state=0)
    y = y / y.std()
    kw = dict(hidden_layer_sizes=(32,), max_iter=300, learning_rate_init=0.01, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkConvergenceWarning)
        ours = MLPRegressor(**kw).fit(X, y)
        theirs = SkMLPRegressor(**kw).fit(X, y)
    assert ours.score(X, y) > 0.98 and ours.score(X, y) >= theirs.score(X, y) - 0.01
    # multi-output keeps its shape
    Y = np.c_[y, -y]
    assert MLPRegressor(**kw).fit(X, Y).predict(X).shape == (300, 2)


def test_reported_loss_is_the_penalised_objective():
    X, y = load_breast_cancer()
    X = standardise(X)[:100]
    y = y[:100]
    clf = MLPClassifier((8,), alpha=0.5, max_iter=5, shuffle=False, batch_size=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    # full batch: the last recorded loss is the objective at the weights before the last step, so
    # recompute the objective at the final weights and check it is below that
    p = clf.predict_proba(X)[:, 1]
    data_term = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    penalty = 0.5 * 0.5 * sum((W ** 2).sum() for W in clf.coefs_) / 100
    assert data_term + penalty <= clf.loss_curve_[-1] + 1e-9
    assert [W.shape for W in clf.coefs_] == [(30, 8), (8, 1)] and clf.out_activation_ == "logistic"


def test_early_stopping_and_sgd_schedules():
    X, y = load_digits()
    X = X / 16
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier((32,), early_stopping=True, n_iter_no_change=3, max_iter=200, random_state=0).fit(X, y)
        assert clf.n_iter_ < 200 and clf.best_validation_score_ > 0.9
        assert len(clf.validation_scores_) == clf.n_iter_
        for lr in ("constant", "invscaling", "adaptive"):
            kw = dict(hidden_layer_sizes=(32,), solver="sgd", learning_rate=lr, learning_rate_init=0.1, max_iter=30,
                      random_state=0)
            ours = MLPClassifier(**kw).fit(X, y).score(X, y)
            warnings.simplefilter("ignore", SkConvergenceWarning)
            theirs = SkMLPClassifier(**kw).fit(X, y).score(X, y)
            assert ours >= theirs - 0.03, (lr, ours, theirs)


def test_warns_at_max_iter_and_rejects_bad_parameters():
    X, y = load_breast_cancer()
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        MLPClassifier((4,), max_iter=2).fit(standardise(X), y)
    for params, match in [({"hidden_layer_sizes": (0,)}, "hidden_layer_sizes"),
                          ({"activation": "swish"}, "activation must be one of"),
                          ({"solver": "lbfgs"}, "solver must be one of"),
                          ({"alpha": -1.0}, r"alpha must be a float in the range \[0, inf\)"),
                          ({"batch_size": 0}, r"batch_size must be one of {'auto'} or an int in the range \[1, inf\)"),
                          ({"momentum": 2.0}, r"momentum must be a float in the range \[0, 1\]"),
                          ({"momentum": -0.1}, "momentum"),
                          ({"beta_1": 1.0}, r"beta_1 must be a float in the range \[0, 1\)"),
                          ({"beta_2": -0.5}, "beta_2"),
                          ({"epsilon": 0.0}, "epsilon"),
                          ({"power_t": -1.0}, "power_t"),
                          ({"shuffle": "yes"}, "shuffle must be True or False")]:
        with pytest.raises(ValueError, match=match):
            MLPClassifier(**params).fit(X[:20], y[:20])
        with pytest.raises(ValueError, match=match):
            MLPRegressor(**params).fit(X[:20], X[:20, 0])
    with pytest.raises(ValueError, match="at least 2 classes"):
        MLPClassifier().fit(X[:5], np.zeros(5))
