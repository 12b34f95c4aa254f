"""MLPClassifier / MLPRegressor: scikit-learn's estimator checks, accuracy vs scikit-learn, the objective."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks

from mmlkit.datasets import load_breast_cancer, load_digits, load_wine, make_regression
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


def _fit_with(engine, monkeypatch, cls, X, y, **kw):
    monkeypatch.setattr(cls, "_engine", engine)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return cls(**kw).fit(X, y)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("activation", "solver", "hidden", "batch_size", "n_classes", "dtype"), [
    ("relu", "adam", (16,), "auto", 3, np.float64),
    ("tanh", "sgd", (8, 5), 32, 2, np.float64),
    ("logistic", "adam", (12, 7, 4), 50, 4, np.float64),
    ("identity", "sgd", (6,), 1000, 3, np.float64),
    ("relu", "adam", (10, 6), 40, 2, np.float32),
])
def test_fused_step_equals_the_autodiff_path(monkeypatch, seed, activation, solver, hidden, batch_size, n_classes,
                                             dtype):
    # The hand-derived training step against the recorded graph, from the same start: the same
    # weights, losses and stopping epoch, to rounding, after several epochs of mini-batches.
    rng = np.random.default_rng(seed)
    n, d = 150 + 17 * seed, 5 + seed
    X = rng.normal(size=(n, d)).astype(dtype)
    y = rng.integers(0, n_classes, n)
    Y = np.c_[X[:, :2].sum(1), np.sin(X[:, 2])].astype(dtype)
    kw = dict(hidden_layer_sizes=hidden, activation=activation, solver=solver, batch_size=batch_size, alpha=0.3,
              max_iter=6, random_state=seed, learning_rate_init=0.01)
    rtol = 1e-4 if dtype == np.float32 else 1e-10
    for cls, target in [(MLPClassifier, y), (MLPRegressor, Y), (MLPRegressor, Y[:, 0])]:
        fused = _fit_with("fused", monkeypatch, cls, X, target, **kw)
        graph = _fit_with("autodiff", monkeypatch, cls, X, target, **kw)
        assert fused.n_iter_ == graph.n_iter_ and fused.t_ == graph.t_
        np.testing.assert_allclose(fused.loss_curve_, graph.loss_curve_, rtol=rtol)
        for a, b in zip(fused.coefs_ + fused.intercepts_, graph.coefs_ + graph.intercepts_):
            assert a.dtype == b.dtype == dtype
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


def test_fused_step_equals_the_autodiff_path_with_early_stopping_and_no_shuffle(monkeypatch):
    X, y = load_digits()
    X = X[:400] / 16
    for kw in (dict(early_stopping=True, n_iter_no_change=2), dict(shuffle=False, learning_rate="adaptive",
                                                                     solver="sgd", n_iter_no_change=1)):
        kw = dict(hidden_layer_sizes=(16,), max_iter=15, random_state=0, **kw)
        fused = _fit_with("fused", monkeypatch, MLPClassifier, X, y[:400], **kw)
        graph = _fit_with("autodiff", monkeypatch, MLPClassifier, X, y[:400], **kw)
        assert fused.n_iter_ == graph.n_iter_
        np.testing.assert_allclose(fused.loss_curve_, graph.loss_curve_, rtol=1e-10)
        for a, b in zip(fused.coefs_, graph.coefs_):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def _fit_engine(engine, cls, X, y, **kw):
    saved = cls._engine
    cls._engine = engine
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return cls(**kw).fit(X, y)
    finally:
        cls._engine = saved


@given(seed=st.integers(0, 2**16), activation=st.sampled_from(["relu", "tanh", "logistic", "identity"]),
       solver=st.sampled_from(["adam", "sgd"]), hidden=st.lists(st.integers(1, 9), min_size=0, max_size=3),
       batch_size=st.integers(1, 90), kind=st.sampled_from(["binary", "multiclass", "regression", "multioutput"]),
       alpha=st.sampled_from([0.0, 1e-4, 1.0]), shuffle=st.booleans())
def test_fused_step_equals_the_autodiff_path_property(seed, activation, solver, hidden, batch_size, kind, alpha,
                                                      shuffle):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 80))
    X = rng.normal(size=(n, int(rng.integers(1, 6))))
    y = {"binary": np.arange(n) % 2, "multiclass": np.arange(n) % 3, "regression": rng.normal(size=n),
         "multioutput": rng.normal(size=(n, 2))}[kind]
    cls = MLPClassifier if kind in ("binary", "multiclass") else MLPRegressor
    kw = dict(hidden_layer_sizes=tuple(hidden), activation=activation, solver=solver, batch_size=batch_size,
              alpha=alpha, shuffle=shuffle, max_iter=3, random_state=seed)
    fused, graph = _fit_engine("fused", cls, X, y, **kw), _fit_engine("autodiff", cls, X, y, **kw)
    np.testing.assert_allclose(fused.loss_curve_, graph.loss_curve_, rtol=1e-9)
    for a, b in zip(fused.coefs_ + fused.intercepts_, graph.coefs_ + graph.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fused.predict(X), graph.predict(X), rtol=1e-9, atol=1e-12)


def _our_start(monkeypatch, cls):
    """Record the initial weights of the next fit of ``cls`` (copies of coefs_ and intercepts_)."""
    start = {}
    build = cls._build

    def recording(self, *args):
        net, model = build(self, *args)
        start["coefs"] = [C.copy() for C in net.coefs]
        start["intercepts"] = [c.copy() for c in net.intercepts]
        return net, model
    monkeypatch.setattr(cls, "_build", recording)
    return start


def _sklearn_from(sk_cls, start, X, y, **kw):
    """scikit-learn's MLP trained from the given weights (warm start after an initialising fit)."""
    sk = sk_cls(warm_start=True, **{**kw, "max_iter": 1})
    sk.fit(X, y)
    sk.coefs_ = [C.copy() for C in start["coefs"]]
    sk.intercepts_ = [c.copy() for c in start["intercepts"]]
    sk.n_iter_, sk.t_, sk.loss_curve_, sk._no_improvement_count, sk.best_loss_ = 0, 0, [], 0, np.inf
    return sk.set_params(max_iter=kw["max_iter"]).fit(X, y)


@pytest.mark.parametrize("engine", ["fused", "autodiff"])
@pytest.mark.parametrize(("solver", "activation", "hidden", "batch_size", "kind"), [
    ("adam", "relu", (16,), "auto", "multiclass"),
    ("adam", "tanh", (8, 4), 40, "binary"),
    ("sgd", "logistic", (10,), 50, "multiclass"),
    ("adam", "relu", (12,), 64, "multioutput"),
    ("sgd", "identity", (6, 3), "auto", "regression"),
])
def test_same_trajectory_as_scikit_learn_from_the_same_start(monkeypatch, engine, solver, activation, hidden,
                                                            batch_size, kind):
    # scikit-learn's own MLP, started from our initial weights and run without shuffling: the same losses
    # (its clipped log-loss, its per-output squared loss, the L2 term), the same Adam (ε added to √v before
    # the bias correction) and SGD updates, the same weights after several epochs, to rounding.
    rng = np.random.default_rng(7)
    X = rng.normal(size=(130, 5))
    targets = {"multiclass": rng.integers(0, 3, 130), "binary": (X[:, 0] + X[:, 1] > 0).astype(int),
               "regression": X[:, 0] - 2 * X[:, 1], "multioutput": np.c_[X[:, 0], X[:, 1] * X[:, 2]]}
    y = targets[kind]
    cls, sk_cls = (MLPRegressor, SkMLPRegressor) if kind in ("regression", "multioutput") \
        else (MLPClassifier, SkMLPClassifier)
    kw = dict(hidden_layer_sizes=hidden, activation=activation, solver=solver, batch_size=batch_size, alpha=0.01,
              learning_rate_init=0.01, max_iter=8, shuffle=False, random_state=0)
    monkeypatch.setattr(cls, "_engine", engine)
    start = _our_start(monkeypatch, cls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", SkConvergenceWarning)
        ours = cls(**kw).fit(X, y)
        theirs = _sklearn_from(sk_cls, start, X, y, **kw)
    assert ours.n_iter_ == theirs.n_iter_ and ours.t_ == theirs.t_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("engine", ["fused", "autodiff"])
def test_saturated_network_stops_as_scikit_learn_does(monkeypatch, engine):
    # Unscaled wine saturates the softmax: each misclassified sample's reported log-loss is capped at
    # −log ε (scikit-learn clips probabilities to [ε, 1 − ε]), so the loss curve goes flat and training
    # stops by the tol rule well before max_iter, as scikit-learn's does (the unclipped loss kept falling
    # and ran all 50 epochs).
    X, y = load_wine()
    monkeypatch.setattr(MLPClassifier, "_engine", engine)
    cap = -np.log(np.finfo(float).eps)
    for seed in (0, 1, 2):
        ours = MLPClassifier((32,), max_iter=50, random_state=seed).fit(X, y)
        assert max(ours.loss_curve_) <= cap + 1e-12 and ours.n_iter_ < 50
