"""LogisticRegression against scikit-learn: coefficients, objectives and probabilities."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import linear_model as sk
from sklearn.exceptions import NotFittedError

from _tolerances import EPS
from mmlkit.datasets import load_breast_cancer, load_iris, make_classification
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import LogisticRegression
from mmlkit.models.logistic import logistic_objective

TOL = 1e-6


def _standardise(X):
    return (X - X.mean(0)) / X.std(0)


def _iris():
    X, y = load_iris()
    return _standardise(X), y


def _cancer():
    X, y = load_breast_cancer()
    return _standardise(X), y


def _noisy(seed, n=200, d=4, classes=3):
    """Overlapping classes, so the unpenalised optimum is finite."""
    X, y = make_classification(n, d, n_informative=3, n_redundant=0, n_classes=classes, flip_y=0.3,
                               class_sep=0.5, random_state=seed)
    return X, y


def _sk_l2(X, y, C, fit_intercept=True):
    return sk.LogisticRegression(C=C, tol=1e-12, max_iter=100_000, fit_intercept=fit_intercept).fit(X, y)


def _check(model, ref, X, y, C, penalty, tol=TOL):
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=tol, rtol=tol)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=tol, rtol=tol)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=tol)
    ours = logistic_objective(X, y, model.coef_, model.intercept_, C, penalty)
    theirs = logistic_objective(X, y, ref.coef_, ref.intercept_, C, penalty)
    assert ours <= theirs + 1e-9 * abs(theirs)


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
@pytest.mark.parametrize("data", [_iris, _cancer, lambda: _noisy(0), lambda: _noisy(1, classes=2)])
@pytest.mark.parametrize("C", [0.1, 1.0])
def test_l2_matches_sklearn(solver, data, C):
    X, y = data()
    ref = _sk_l2(X, y, C)
    model = LogisticRegression(C=C, solver=solver, tol=1e-10, max_iter=1000).fit(X, y)
    # scikit-learn's L-BFGS also stops once a step lowers its objective (ours / (C·n)) by less
    # than 64ε relative: F − F* ≲ 64ε·C·n·max(1, F/(C·n)), and F is 1-strongly convex in the
    # weights, so they are known to √(2(F − F*)) only: 4e-6 on cancer at C = 1
    F = logistic_objective(X, y, ref.coef_, ref.intercept_, C, "l2")
    stop = np.sqrt(128 * EPS * max(C * len(y), F))
    _check(model, ref, X, y, C, "l2", tol=max(TOL, stop))


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_l2_without_intercept(solver):
    X, y = _iris()
    ref = _sk_l2(X, y, 0.5, fit_intercept=False)
    model = LogisticRegression(C=0.5, solver=solver, fit_intercept=False, tol=1e-10, max_iter=1000).fit(X, y)
    _check(model, ref, X, y, 0.5, "l2")
    assert np.all(model.intercept_ == 0)


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
@pytest.mark.parametrize("classes", [2, 3])
def test_unpenalised_matches_sklearn(solver, classes):
    X, y = _noisy(2, classes=classes)
    ref = sk.LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(X, y)
    model = LogisticRegression(penalty=None, solver=solver, tol=1e-10, max_iter=1000).fit(X, y)
    _check(model, ref, X, y, 1.0, None, tol=1e-5)


@pytest.mark.parametrize("classes", [2, 3])
def test_l1_newton_matches_saga(classes):
    X, y = _noisy(3, n=150, classes=classes)
    ref = sk.LogisticRegression(l1_ratio=1.0, C=0.2, solver="saga", tol=1e-12, max_iter=200_000).fit(X, y)
    model = LogisticRegression(penalty="l1", C=0.2, solver="newton", tol=1e-10, max_iter=1000).fit(X, y)
    _check(model, ref, X, y, 0.2, "l1", tol=1e-5)
    assert np.array_equal(model.coef_ == 0, np.abs(ref.coef_) < 1e-8)


@pytest.mark.parametrize("penalty", ["l2", "l1"])
def test_gd_reaches_the_same_objective(penalty):
    X, y = _noisy(4, n=120, classes=2)
    newton = LogisticRegression(penalty=penalty, C=0.5, solver="newton", tol=1e-10, max_iter=500).fit(X, y)
    gd = LogisticRegression(penalty=penalty, C=0.5, solver="gd", tol=1e-7, max_iter=20_000).fit(X, y)
    f_newton = logistic_objective(X, y, newton.coef_, newton.intercept_, 0.5, penalty)
    f_gd = logistic_objective(X, y, gd.coef_, gd.intercept_, 0.5, penalty)
    assert f_gd == pytest.approx(f_newton, rel=1e-6)
    np.testing.assert_allclose(gd.coef_, newton.coef_, atol=1e-4)


def test_string_labels_and_shapes():
    X, y = _iris()
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    model = LogisticRegression().fit(X, labels)
    assert model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    assert set(model.predict(X)) <= set(labels)
    binary = LogisticRegression().fit(X, labels == "setosa")
    assert binary.coef_.shape == (1, 4) and binary.decision_function(X).shape == (150,)
    np.testing.assert_allclose(np.exp(binary.predict_log_proba(X)), binary.predict_proba(X))


def test_extreme_scores_do_not_overflow():
    X, y = _noisy(5, classes=2)
    model = LogisticRegression().fit(X, y)
    logp = model.predict_log_proba(X * 1e6)
    assert np.all(np.isfinite(logp))
    np.testing.assert_allclose(np.exp(logp).sum(axis=1), 1.0)


def test_convergence_warning():
    X, y = _cancer()
    for solver in ("lbfgs", "newton", "gd"):
        with pytest.warns(ConvergenceWarning, match="max_iter"):
            LogisticRegression(solver=solver, max_iter=1, tol=1e-12).fit(X, y)


@pytest.mark.parametrize("bad", [dict(penalty="elasticnet"), dict(C=0.0), dict(solver="saga"), dict(max_iter=0),
                                 dict(tol=-1.0), dict(penalty="l1", solver="lbfgs")])
def test_bad_parameters(bad):
    X, y = _iris()
    with pytest.raises(ValueError):
        LogisticRegression(**bad).fit(X, y)


def test_bad_targets():
    X, y = _iris()
    with pytest.raises(ValueError, match="one class"):
        LogisticRegression().fit(X, np.zeros(150))
    with pytest.raises(ValueError, match="continuous"):
        LogisticRegression().fit(X, np.linspace(0, 1, 150))
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(X)


@given(st.integers(0, 10_000), st.floats(0.05, 10.0))
def test_gradient_vanishes_at_solution(seed, C):
    """Stationarity of the averaged objective: Xᵀ(p − y)/n + w/(Cn) = 0 and Σ(p − y) = 0."""
    X, y = _noisy(seed % 50, n=80, classes=2)
    model = LogisticRegression(C=C, solver="newton", tol=1e-10).fit(X, y)
    p = model.predict_proba(X)[:, 1]
    grad_w = X.T @ (p - y) / 80 + model.coef_[0] / (C * 80)
    assert np.abs(grad_w).max() < 1e-8
    assert abs(np.sum(p - y)) / 80 < 1e-8


@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_awkward_inputs_n_less_than_d_and_collinear(solver):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(25, 40))
    y = rng.integers(0, 3, 25)
    Xc = np.column_stack([X[:, :5], X[:, 0], np.ones(25)])  # duplicated and constant columns
    for data in (X, Xc):
        ref = _sk_l2(data, y, 0.3)
        model = LogisticRegression(C=0.3, solver=solver, tol=1e-10, max_iter=1000).fit(data, y)
        _check(model, ref, data, y, 0.3, "l2")
