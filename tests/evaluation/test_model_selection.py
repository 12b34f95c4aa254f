"""Splitters, cross-validation and searches against scikit-learn (oracle: sklearn.model_selection)."""

import warnings

import joblib
import numpy as np
import pytest
import sklearn.model_selection as skms
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import Ridge as SkRidge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from mmlkit import evaluation as ev
from mmlkit.datasets import load_iris, make_classification, make_regression


def _same_splits(ours, ref):
    ours, ref = list(ours), list(ref)
    assert len(ours) == len(ref)
    for (a_tr, a_te), (b_tr, b_te) in zip(ours, ref):
        np.testing.assert_array_equal(a_tr, b_tr)
        np.testing.assert_array_equal(a_te, b_te)


@pytest.mark.parametrize("n,k", [(10, 2), (11, 3), (17, 5), (5, 5)])
def test_kfold_matches_sklearn(n, k):
    X = np.zeros((n, 1))
    _same_splits(ev.KFold(k).split(X), skms.KFold(k).split(X))


@given(st.lists(st.integers(0, 3), min_size=6, max_size=60), st.integers(2, 4))
def test_stratified_kfold_matches_sklearn(y, k):
    y = np.array(y)
    if np.bincount(y).max() < k:
        return
    X = np.zeros((y.size, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_splits(ev.StratifiedKFold(k).split(X, y), skms.StratifiedKFold(k).split(X, y))


def test_stratified_kfold_string_labels_match_sklearn():
    rng = np.random.default_rng(0)
    y = rng.choice(["b", "a", "c"], 50, p=[0.6, 0.3, 0.1])
    X = np.zeros((50, 2))
    _same_splits(ev.StratifiedKFold(4).split(X, y), skms.StratifiedKFold(4).split(X, y))


@pytest.mark.parametrize("seed", range(3))
def test_shuffled_splitters_partition_and_stratify(seed):
    rng = np.random.default_rng(seed)
    y = rng.choice(3, 101, p=[0.5, 0.3, 0.2])
    X = np.zeros((101, 1))
    for splitter in (ev.KFold(5, shuffle=True, random_state=seed),
                     ev.StratifiedKFold(5, shuffle=True, random_state=seed)):
        tests = [te for _, te in splitter.split(X, y)]
        np.testing.assert_array_equal(np.sort(np.concatenate(tests)), np.arange(101))
        sizes = [len(t) for t in tests]
        assert max(sizes) - min(sizes) <= 1 if isinstance(splitter, ev.KFold) else True
        if isinstance(splitter, ev.StratifiedKFold):
            counts = np.array([np.bincount(y[t], minlength=3) for t in tests])
            assert (counts.max(axis=0) - counts.min(axis=0) <= 1).all()
            # same per-fold class counts as sklearn's (only the order of samples is random)
            ref = np.array([np.bincount(y[t], minlength=3)
                            for _, t in skms.StratifiedKFold(5, shuffle=True, random_state=seed).split(X, y)])
            np.testing.assert_array_equal(np.sort(counts, axis=0), np.sort(ref, axis=0))
        same_seed = [te for _, te in type(splitter)(5, shuffle=True, random_state=seed).split(X, y)]
        for a, b in zip(tests, same_seed):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("scoring", [None, "accuracy", "f1_macro", "neg_log_loss", "balanced_accuracy"])
def test_cross_validate_matches_sklearn(scoring):
    X, y = load_iris()
    est = GaussianNB()
    ours = ev.cross_validate(est, X, y, cv=4, scoring=scoring, return_train_score=True)
    ref = skms.cross_validate(est, X, y, cv=4, scoring=scoring, return_train_score=True)
    np.testing.assert_allclose(ours["test_score"], ref["test_score"], rtol=1e-10)
    np.testing.assert_allclose(ours["train_score"], ref["train_score"], rtol=1e-10)
    assert (ours["fit_time"] > 0).all() and ours["score_time"].shape == (4,)


def test_cross_validate_binary_ranking_and_regression_scorers():
    X, y = make_classification(120, 5, random_state=1)
    names = ["roc_auc", "average_precision", "precision", "recall", "f1"]
    with joblib.parallel_backend("threading"):  # any joblib backend runs the folds
        ours = ev.cross_validate(GaussianNB(), X, y, cv=3, scoring=names, n_jobs=2)
    ref = skms.cross_validate(GaussianNB(), X, y, cv=3, scoring=names)
    for name in names:
        np.testing.assert_allclose(ours[f"test_{name}"], ref[f"test_{name}"], rtol=1e-10)
    Xr, yr = make_regression(90, 4, noise=1.0, random_state=2)
    names = {"mse": "neg_mean_squared_error", "mae": "neg_mean_absolute_error", "r2": "r2",
             "rmse": "neg_root_mean_squared_error"}
    ours = ev.cross_validate(SkRidge(), Xr, yr, cv=ev.KFold(3), scoring=names)
    ref = skms.cross_validate(SkRidge(), Xr, yr, cv=skms.KFold(3), scoring=names)
    for name in names:
        np.testing.assert_allclose(ours[f"test_{name}"], ref[f"test_{name}"], rtol=1e-10)
    np.testing.assert_allclose(ev.cross_val_score(SkRidge(), Xr, yr, cv=3),
                               skms.cross_val_score(SkRidge(), Xr, yr, cv=3), rtol=1e-10)


def test_cross_validate_returns_estimators_and_indices():
    X, y = load_iris()
    res = ev.cross_validate(KNeighborsClassifier(), X, y, cv=3, return_estimator=True,
                            return_indices=True)
    assert len(res["estimator"]) == 3 and hasattr(res["estimator"][0], "classes_")
    np.testing.assert_array_equal(np.sort(np.concatenate(res["indices"]["test"])), np.arange(150))


def _check_search(ours, ref):
    assert ours.best_params_ == ref.best_params_
    assert ours.best_score_ == pytest.approx(ref.best_score_, abs=1e-12)
    assert ours.best_index_ == ref.best_index_
    for key in ref.cv_results_:
        if "time" in key:
            continue
        assert key in ours.cv_results_, key
        if key == "params":
            assert ours.cv_results_[key] == ref.cv_results_[key]
        elif key.startswith("param_"):
            assert list(ours.cv_results_[key]) == list(ref.cv_results_[key])
        else:
            np.testing.assert_allclose(ours.cv_results_[key], ref.cv_results_[key], atol=1e-12)


def test_grid_search_sklearn_estimator_matches_sklearn():
    X, y = load_iris()
    grid = {"n_neighbors": [1, 3, 5, 7, 15], "weights": ["uniform", "distance"]}
    ours = ev.GridSearchCV(KNeighborsClassifier(), grid, cv=5, return_train_score=True).fit(X, y)
    ref = skms.GridSearchCV(KNeighborsClassifier(), grid, cv=5, return_train_score=True).fit(X, y)
    _check_search(ours, ref)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    assert ours.score(X, y) == pytest.approx(ref.score(X, y))


def test_grid_search_list_of_grids_and_scoring_matches_sklearn():
    X, y = make_classification(150, 6, random_state=3)
    grid = [{"max_depth": [1, 2, 4], "criterion": ["gini"]}, {"min_samples_leaf": [1, 10]}]
    est = DecisionTreeClassifier(random_state=0)
    ours = ev.GridSearchCV(est, grid, scoring="f1", cv=4).fit(X, y)
    ref = skms.GridSearchCV(est, grid, scoring="f1", cv=4).fit(X, y)
    _check_search(ours, ref)


def test_grid_search_mmlkit_estimator_matches_sklearn():
    from mmlkit.models import Ridge

    X, y = make_regression(80, 5, noise=10.0, random_state=4)
    grid = {"alpha": [0.01, 0.1, 1.0, 10.0, 100.0]}
    ours = ev.GridSearchCV(Ridge(), grid, cv=4, scoring="neg_mean_squared_error").fit(X, y)
    ref = skms.GridSearchCV(Ridge(), grid, cv=4, scoring="neg_mean_squared_error").fit(X, y)
    _check_search(ours, ref)


def test_multimetric_search_refit_by_name():
    X, y = load_iris()
    grid = {"n_neighbors": [1, 5, 25]}
    scoring = {"acc": "accuracy", "f1": "f1_macro"}
    ours = ev.GridSearchCV(KNeighborsClassifier(), grid, scoring=scoring, refit="f1", cv=3).fit(X, y)
    ref = skms.GridSearchCV(KNeighborsClassifier(), grid, scoring=scoring, refit="f1", cv=3).fit(X, y)
    _check_search(ours, ref)
    for key in ("mean_test_acc", "rank_test_acc"):
        np.testing.assert_allclose(ours.cv_results_[key], ref.cv_results_[key])


def test_randomized_search_scores_its_candidates_like_sklearn():
    X, y = load_iris()
    dist = {"n_neighbors": list(range(1, 30)), "weights": ["uniform", "distance"]}
    ours = ev.RandomizedSearchCV(KNeighborsClassifier(), dist, n_iter=6, cv=3, random_state=0).fit(X, y)
    assert len(ours.cv_results_["params"]) == 6
    assert len({tuple(sorted(p.items())) for p in ours.cv_results_["params"]}) == 6
    ref = skms.GridSearchCV(KNeighborsClassifier(), [{k: [v] for k, v in p.items()}
                                                     for p in ours.cv_results_["params"]], cv=3).fit(X, y)
    np.testing.assert_allclose(ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"])
    assert ours.best_params_ == ref.best_params_
    again = ev.RandomizedSearchCV(KNeighborsClassifier(), dist, n_iter=6, cv=3, random_state=0).fit(X, y)
    assert again.cv_results_["params"] == ours.cv_results_["params"]


def test_parameter_sampler_with_distributions():
    from scipy.stats import uniform  # a user-supplied distribution object (oracle side only)

    params = list(ev.ParameterSampler({"C": uniform(0, 2), "k": [1, 2]}, n_iter=20, random_state=1))
    assert len(params) == 20 and all(0 <= p["C"] <= 2 and p["k"] in (1, 2) for p in params)


def test_rank_ties_use_min_rank():
    from mmlkit.evaluation._search import _rank_min

    np.testing.assert_array_equal(_rank_min(np.array([0.5, 0.9, 0.5, np.nan, 0.9])), [3, 1, 3, 5, 1])


@pytest.mark.parametrize("shuffle", [False, True])
def test_learning_curve_matches_sklearn(shuffle):
    X, y = make_classification(150, 4, n_classes=3, n_informative=3, n_redundant=0, random_state=5)
    est = KNeighborsClassifier()
    kw = dict(cv=skms.StratifiedKFold(3), train_sizes=[0.3, 0.6, 1.0])
    ours = ev.learning_curve(est, X, y, **kw, shuffle=shuffle, random_state=0)
    if shuffle:  # different generators: check shapes and that the largest size agrees
        ref = skms.learning_curve(est, X, y, **kw)
        np.testing.assert_array_equal(ours[0], ref[0])
        np.testing.assert_allclose(ours[2][-1], ref[2][-1], rtol=1e-10)
        return
    ref = skms.learning_curve(est, X, y, **kw)
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    times = ev.learning_curve(est, X, y, **kw, return_times=True)
    assert len(times) == 5 and times[3].shape == (3, 3)


def test_error_score_and_failures():
    X, y = load_iris()
    grid = {"n_neighbors": [3, 1000]}  # 1000 neighbours > training samples: scoring fails
    with pytest.warns(UserWarning, match="failed"):
        s = ev.GridSearchCV(KNeighborsClassifier(), grid, cv=3).fit(X, y)
    assert np.isnan(s.cv_results_["mean_test_score"][1])
    assert s.best_params_ == {"n_neighbors": 3}
    with pytest.raises(ValueError):
        ev.GridSearchCV(KNeighborsClassifier(), grid, cv=3, error_score="raise").fit(X, y)
    with pytest.warns(UserWarning, match="1 of 2 fits failed"):  # a fit that raises
        r = ev.cross_validate(DecisionTreeClassifier(), X, y, cv=[(np.arange(150), np.arange(5)),
                                                                  (np.arange(0), np.arange(5))])
    assert np.isnan(r["test_score"][1]) and r["test_score"][0] == 1.0
    with pytest.raises(ValueError, match="All 1 fits failed"):
        ev.cross_validate(DecisionTreeClassifier(), X, y, cv=[(np.arange(0), np.arange(5))])


def test_model_selection_errors():
    X, y = load_iris()
    with pytest.raises(ValueError, match="n_splits"):
        ev.KFold(1)
    with pytest.raises(ValueError, match="n_splits=200 cannot be greater"):
        list(ev.KFold(200).split(X))
    with pytest.raises(ValueError, match="random_state"):
        ev.KFold(3, random_state=0)
    with pytest.raises(ValueError, match="y is required"):
        list(ev.StratifiedKFold(3).split(X))
    with pytest.raises(ValueError, match="members in each class"):
        list(ev.StratifiedKFold(3).split(np.zeros((4, 1)), [0, 0, 1, 1]))
    with pytest.raises(ValueError, match="scoring"):
        ev.cross_validate(GaussianNB(), X, y, scoring="accuracyy")
    with pytest.raises(ValueError, match="same number of samples"):
        ev.cross_validate(GaussianNB(), X, y[:-1])
    with pytest.raises(ValueError, match="cv"):
        ev.cross_validate(GaussianNB(), X, y, cv="five")
    with pytest.raises(ValueError, match="param_grid"):
        ev.GridSearchCV(GaussianNB(), {"C": 1.0}).fit(X, y)
    with pytest.raises(ValueError, match="refit"):
        ev.GridSearchCV(GaussianNB(), {"C": [1.0]}, scoring=["accuracy", "f1_macro"]).fit(X, y)
    with pytest.raises(ValueError, match="train_sizes"):
        ev.learning_curve(GaussianNB(), X, y, train_sizes=[0.0, 0.5])
    with pytest.raises(ValueError, match="n_iter"):
        ev.ParameterSampler({"a": [1]}, n_iter=0)


def test_grid_search_mmlkit_logistic_regression_matches_sklearn():
    from mmlkit.models import LogisticRegression

    X, y = make_classification(120, 4, random_state=6)
    grid = {"C": [0.001, 0.01, 0.1, 1.0]}
    ours = ev.GridSearchCV(LogisticRegression(max_iter=200), grid, cv=3, scoring="neg_log_loss").fit(X, y)
    ref = skms.GridSearchCV(LogisticRegression(max_iter=200), grid, cv=3, scoring="neg_log_loss").fit(X, y)
    _check_search(ours, ref)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X))


def test_search_is_a_classifier_for_nested_cross_validation():
    from sklearn.base import clone, is_classifier

    X, y = load_iris()
    search = ev.GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 5]}, cv=3)
    assert is_classifier(search) and clone(search).get_params()["cv"] == 3
    ours = ev.cross_val_score(search, X, y, cv=3)  # stratified outer folds, as sklearn's
    ref = skms.cross_val_score(skms.GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 5]}, cv=3),
                               X, y, cv=3)
    np.testing.assert_allclose(ours, ref)


@given(st.integers(2, 80), st.integers(2, 10))
def test_kfold_matches_sklearn_property(n, k):
    if k > n:
        with pytest.raises(ValueError, match="n_splits"):
            list(ev.KFold(k).split(np.zeros(n)))
        return
    _same_splits(ev.KFold(k).split(np.zeros(n)), skms.KFold(k).split(np.zeros(n)))
