"""SVC against scikit-learn's libsvm, the KKT conditions of its dual, and bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.svm import SVC as SkSVC

from mmlkit.datasets import load_breast_cancer, load_iris, load_wine, make_blobs, make_classification, make_moons
from mmlkit.exceptions import ConvergenceWarning, NotFittedError
from mmlkit.models import SVC
from mmlkit.models.svm import _pairwise_coupling, _RowCache, _smo


def _standardise(X):
    return (X - X.mean(0)) / X.std(0)


def _binary(seed, n=150, d=4):
    X, y = make_classification(n, d, n_informative=2, n_redundant=1, random_state=seed)
    return X, y


def _dense_coef(model, n):
    """dual_coef_ scattered to all n training points: (n_classes - 1, n)."""
    out = np.zeros((model.dual_coef_.shape[0], n))
    out[:, model.support_] = model.dual_coef_
    return out


def _assert_matches(ours, ref, X, *, rtol=1e-3):
    """Same support set, decision values and dual coefficients to ~rtol.

    A point on the margin may carry a vanishing α (below the solver tolerance)
    in one solution and none in the other, so support sets are compared on the
    vectors whose coefficients exceed rtol of the largest; the dense dual
    coefficients are compared everywhere.
    """
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    n = X.shape[0]
    a, b = _dense_coef(ours, n), _dense_coef(ref, n)
    big = rtol * np.abs(b).max()
    np.testing.assert_array_equal(np.abs(a).max(0) > big, np.abs(b).max(0) > big)
    assert set(ours.support_) ^ set(ref.support_) <= set(np.flatnonzero(np.abs(b).max(0) <= big)) | set(
        np.flatnonzero(np.abs(a).max(0) <= big))
    np.testing.assert_allclose(a, b, atol=big)
    scale = np.abs(ref.decision_function(X)).max()
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=rtol * scale)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=rtol * max(1.0, np.abs(ref.intercept_).max()))
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


# ------------------------------------------------------------------------------ oracle
@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly", "sigmoid"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_binary_matches_libsvm(kernel, seed):
    X, y = _binary(seed)
    X = _standardise(X)
    kw = dict(kernel=kernel, C=[0.5, 1.0, 10.0][seed], tol=1e-6, gamma="scale")
    _assert_matches(SVC(**kw).fit(X, y), SkSVC(**kw).fit(X, y), X)


@pytest.mark.parametrize("loader", [load_iris, load_wine])
@pytest.mark.parametrize("kernel", ["linear", "rbf"])
@pytest.mark.parametrize("shape", ["ovr", "ovo"])
def test_multiclass_matches_libsvm(loader, kernel, shape):
    X, y = loader()
    X = _standardise(X)
    kw = dict(kernel=kernel, tol=1e-6, decision_function_shape=shape)
    ours, ref = SVC(**kw).fit(X, y), SkSVC(**kw).fit(X, y)
    _assert_matches(ours, ref, X)
    if kernel == "linear":
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-3 * np.abs(ref.coef_).max())


@pytest.mark.parametrize("shape", ["ovr", "ovo"])
@pytest.mark.parametrize("kernel", ["rbf", "linear"])
def test_many_classes_match_libsvm(kernel, shape):
    # k = 6: the decision values come from each class's block of the coefficients (k − 1 pairs each),
    # not the dense product; same values as libsvm's per-pair sums
    X, y = make_blobs(240, centers=6, cluster_std=2.5, random_state=3)
    X = _standardise(X)
    kw = dict(kernel=kernel, tol=1e-6, decision_function_shape=shape)
    ours, ref = SVC(**kw).fit(X, y), SkSVC(**kw).fit(X, y)
    _assert_matches(ours, ref, X)
    K = ours._kernel(X, ours._sv_for_kernel)
    np.testing.assert_allclose(ours._ovo_values(X), K @ ours._W + ours._intercept_, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kernel", ["rbf", "poly"])
def test_float32_kernel_cache_matches_libsvm(kernel):
    # 1,600 points: the row store is float32 (as libsvm's cache), every sum still in float64
    X, y = make_classification(1600, 5, n_informative=3, random_state=5)
    X = _standardise(X)
    kw = dict(kernel=kernel, tol=1e-6, degree=2, coef0=1.0)
    ours = SVC(**kw).fit(X, y)
    assert _RowCache(X, 200 * 2**20).dtype == np.float32
    _assert_matches(ours, SkSVC(**kw).fit(X, y), X)


def test_breast_cancer_and_options_match_libsvm():
    X, y = load_breast_cancer()
    X = _standardise(X)
    for kw in [dict(C=0.3), dict(class_weight="balanced"), dict(class_weight={0: 3.0}), dict(shrinking=False),
               dict(gamma="auto", C=5.0), dict(kernel="poly", degree=2, coef0=1.0)]:
        _assert_matches(SVC(tol=1e-6, **kw).fit(X, y), SkSVC(tol=1e-6, **kw).fit(X, y), X)


def test_sample_weight_matches_libsvm():
    X, y = _binary(3, 120)
    w = np.random.default_rng(0).uniform(0.2, 3.0, size=y.size)
    ours, ref = SVC(tol=1e-6).fit(X, y, sample_weight=w), SkSVC(tol=1e-6).fit(X, y, sample_weight=w)
    _assert_matches(ours, ref, X)
    # Zero weights drop samples; support_ still indexes the original rows. (scikit-learn's
    # support_ then indexes the reduced problem, so compare with a fit on the kept rows.)
    w[:5] = 0.0
    keep = w > 0
    ours = SVC(tol=1e-6, gamma=0.3).fit(X, y, sample_weight=w)
    ref = SkSVC(tol=1e-6, gamma=0.3).fit(X[keep], y[keep], sample_weight=w[keep])
    np.testing.assert_array_equal(ours.support_, np.flatnonzero(keep)[ref.support_])
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-5)


def test_precomputed_kernel_matches_libsvm():
    X, y = make_moons(120, noise=0.2, random_state=0)
    K = np.exp(-((X[:, None] - X[None]) ** 2).sum(-1))
    ours, ref = SVC(kernel="precomputed", tol=1e-6).fit(K, y), SkSVC(kernel="precomputed", tol=1e-6).fit(K, y)
    _assert_matches(ours, ref, K)
    assert ours.support_vectors_.size == 0


def test_small_cache_lru_gives_the_same_solution():
    X, y = _binary(4, 400, 6)
    full = SVC(tol=1e-6).fit(X, y)
    tiny = SVC(tol=1e-6, cache_size=0.05).fit(X, y)  # ~16 rows of 400
    np.testing.assert_array_equal(full.support_, tiny.support_)
    np.testing.assert_allclose(full.dual_coef_, tiny.dual_coef_, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1])
def test_probabilities_close_to_libsvm(seed):
    X, y = load_iris()
    X = _standardise(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # scikit-learn 1.9 deprecates probability=True
        ref = SkSVC(probability=True, random_state=seed).fit(X, y)
        ref_proba = ref.predict_proba(X)
    ours = SVC(probability=True, random_state=seed).fit(X, y)
    proba = ours.predict_proba(X)
    # the internal 5-fold CV is randomised differently: agree to a few hundredths
    np.testing.assert_allclose(proba, ref_proba, atol=0.06)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(ours.predict_log_proba(X), np.log(proba))
    Xb, yb = _binary(seed, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        refb = SkSVC(probability=True, random_state=seed).fit(Xb, yb).predict_proba(Xb)
    np.testing.assert_allclose(SVC(probability=True, random_state=seed).fit(Xb, yb).predict_proba(Xb), refb,
                               atol=0.06)


def test_pairwise_coupling_recovers_consistent_probabilities():
    p = np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]])
    r = p[:, :, None] / (p[:, :, None] + p[:, None, :])
    np.testing.assert_allclose(_pairwise_coupling(r), p, atol=5e-3)


def test_break_ties_and_ovr_shape():
    X, y = load_iris()
    clf = SVC(break_ties=True).fit(X, y)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[np.argmax(clf.decision_function(X), axis=1)])
    assert SVC(decision_function_shape="ovo").fit(X, y).decision_function(X).shape == (150, 3)


def test_string_labels_and_separable_blobs():
    X, y = make_blobs(60, centers=2, random_state=1)
    labels = np.array(["cat", "dog"])[y]
    clf = SVC(kernel="linear", C=100.0).fit(X, labels)
    assert clf.score(X, labels) == 1.0
    assert set(clf.predict(X)) <= {"cat", "dog"}


# ---------------------------------------------------------------- KKT and solver properties
def _kkt(alpha, y, K, C, rho, tol):
    f = K @ (y * alpha) - rho
    margin = y * f
    assert np.all(alpha >= 0) and np.all(alpha <= C)
    assert abs(np.dot(y, alpha)) < 1e-10 * max(1.0, alpha.sum())
    free = (alpha > 1e-12) & (alpha < C - 1e-12)
    assert np.all(np.abs(margin[free] - 1) < 2 * tol)
    assert np.all(margin[alpha <= 0] >= 1 - 2 * tol)
    assert np.all(margin[alpha >= C] <= 1 + 2 * tol)


@given(st.integers(0, 10_000), st.integers(6, 40), st.floats(0.1, 10.0), st.booleans())
def test_kkt_conditions_hold_at_the_solution(seed, n, C, shrinking):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    y[:2] = [-1.0, 1.0]
    K = np.exp(-0.5 * ((X[:, None] - X[None]) ** 2).sum(-1))
    tol = 1e-6
    res = _smo(_RowCache(None, 1e9, matrix=K), np.diag(K).copy(), y, np.full(n, C), tol, -1, shrinking)
    assert res.converged
    _kkt(res.alpha, y, K, C, res.rho, tol)
    # the objective is the dual one, ½αᵀQα − 1ᵀα
    Q = y[:, None] * y[None, :] * K
    np.testing.assert_allclose(res.objective, 0.5 * res.alpha @ Q @ res.alpha - res.alpha.sum(), rtol=1e-8,
                               atol=1e-10)


def test_kkt_on_fitted_estimator():
    X, y = _binary(7, 200)
    clf = SVC(C=2.0, tol=1e-6).fit(X, y)
    alpha = np.zeros(y.size)
    alpha[clf.support_] = np.abs(clf.dual_coef_[0])
    ys = np.where(y == clf.classes_[1], 1.0, -1.0)
    assert np.all(alpha <= 2.0 + 1e-12)
    assert abs(np.dot(alpha, ys)) < 1e-8
    margin = ys * clf.decision_function(X)
    free = (alpha > 0) & (alpha < 2.0)
    assert free.any()
    np.testing.assert_allclose(margin[free], 1.0, atol=2e-6)
    assert np.all(margin[alpha == 0] >= 1 - 2e-6)


def test_max_iter_warns_and_reports_status():
    X, y = _binary(0, 200)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        clf = SVC(max_iter=3).fit(X, y)
    assert clf.fit_status_ == 1
    assert clf.n_iter_[0] == 3


def test_does_not_modify_inputs():
    X, y = _binary(1)
    X0, y0 = X.copy(), y.copy()
    SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("params", "match"), [
    ({"C": 0.0}, "C"), ({"C": -1.0}, "C"), ({"kernel": "cosine"}, "kernel"), ({"kernel": np.dot}, "kernel"),
    ({"gamma": -1.0}, "gamma"), ({"gamma": "wide"}, "gamma"), ({"degree": -1}, "degree"), ({"tol": 0.0}, "tol"),
    ({"cache_size": 0}, "cache_size"), ({"max_iter": 0}, "max_iter"), ({"max_iter": -5}, "max_iter"),
    ({"decision_function_shape": "ova"}, "decision_function_shape"),
    ({"break_ties": True, "decision_function_shape": "ovo"}, "break_ties"),
    ({"class_weight": "even"}, "class_weight"), ({"class_weight": {7: 2.0}}, "class_weight"),
])
def test_bad_parameters(params, match):
    X, y = _binary(0, 40)
    with pytest.raises(ValueError, match=match):
        SVC(**params).fit(X, y)


def test_bad_data():
    X, y = _binary(0, 40)
    with pytest.raises(ValueError, match="class"):
        SVC().fit(X, np.zeros(40))
    with pytest.raises(ValueError, match="NaN|infinity|nan"):
        SVC().fit(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="sample_weight"):
        SVC().fit(X, y, sample_weight=-np.ones(40))
    with pytest.raises(ValueError, match="zero"):
        SVC().fit(X, y, sample_weight=np.where(y == 0, 0.0, 1.0))
    with pytest.raises(ValueError, match="square"):
        SVC(kernel="precomputed").fit(X, y)
    clf = SVC().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :2])
    with pytest.raises(AttributeError, match="predict_proba"):
        clf.predict_proba(X)
    with pytest.raises(AttributeError, match="linear"):
        clf.coef_
    with pytest.raises(NotFittedError):
        SVC().predict(X)


def _smo_pin_cases():
    X, y = make_classification(300, 8, n_informative=4, random_state=1)
    Xb, yb = load_breast_cancer()
    Xb = (Xb - Xb.mean(0)) / Xb.std(0)
    return [
        ("rbf", {}, X, y, None),
        ("rbf, no shrinking", {"shrinking": False}, X, y, None),
        ("rbf, C=10 (shrinks)", {"C": 10.0}, X, y, None),
        ("linear, 3 classes", {"kernel": "linear"}, *load_iris(), None),
        ("poly, 2175 iterations", {"kernel": "poly", "degree": 2, "C": 5.0}, Xb, yb, None),
        ("sigmoid", {"kernel": "sigmoid", "gamma": 0.1, "coef0": 0.5}, *make_blobs(200, centers=3, random_state=2),
         None),
        ("weighted", {"class_weight": "balanced"}, X[:200], y[:200], np.linspace(0.1, 2.0, 200)),
        ("max_iter", {"max_iter": 25}, X, y, None),
        ("precomputed", {"kernel": "precomputed", "C": 0.5}, X @ X.T, y, None),
    ]


@pytest.mark.parametrize("case", _smo_pin_cases(), ids=lambda c: c[0])
def test_smo_takes_the_same_steps_as_the_frozen_libsvm_style_solver(case, monkeypatch):
    # Each binary subproblem is solved twice from the same start (the same cache state, so the same
    # kernel rows): by the solver written as its pseudocode and by a frozen copy of the former one.
    # Same iterations, support vectors and dual coefficients (to 1e-12: the same arithmetic).
    import copy
    import importlib.util
    import pathlib

    from mmlkit.models import svm

    path = pathlib.Path(__file__).with_name("_svm_smo_reference.py")
    spec = importlib.util.spec_from_file_location("_svm_smo_reference", path)
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    smo_reference = reference.smo_reference

    _, params, X, y, sw = case
    solve = svm._smo
    seen = []

    def both(cache, Kd, yy, C, tol, max_iter, shrinking):
        ref = smo_reference(copy.deepcopy(cache), Kd, yy, C, tol, max_iter, shrinking)
        new = solve(cache, Kd, yy, C, tol, max_iter, shrinking)
        seen.append((new, ref))
        return new

    monkeypatch.setattr(svm, "_smo", both)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        SVC(**params).fit(X, y, sample_weight=sw)
    assert seen
    for new, ref in seen:
        assert (new.n_iter, new.converged) == (ref.n_iter, ref.converged)
        np.testing.assert_array_equal(np.flatnonzero(new.alpha), np.flatnonzero(ref.alpha))
        np.testing.assert_allclose(new.alpha, ref.alpha, rtol=0, atol=1e-12)
        assert new.rho == pytest.approx(ref.rho, abs=1e-12)


@pytest.mark.parametrize(("m", "dtype", "tol"), [(300, np.float64, 1e-12), (1500, np.float32, 1e-6)])
def test_row_cache_grows_by_chunks_and_reads_only_written_rows(m, dtype, tol):
    # The store is allocated a chunk at a time as rows arrive; matvec must use the
    # written rows only (the rest of a chunk is uninitialised: poison it with NaN).
    # A store of more than 16 MiB of float64 rows is float32 (as libsvm's).
    from sklearn.metrics.pairwise import rbf_kernel

    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, 5))
    cache = _RowCache(X, 8 * m * m, kernel="rbf", gamma=0.3)
    assert cache.chunks == []
    visited = [5, 17, 250, 17, 99]
    for t in visited:
        assert cache.row(t).dtype == dtype
        np.testing.assert_allclose(cache.row(t), rbf_kernel(X[t:t + 1], X, gamma=0.3)[0], atol=tol / 10)
    assert len(cache.chunks) == 1 and cache.chunks[0].shape[0] == cache.chunk_rows < m
    cache.chunks[0][len(cache.slots):] = np.nan
    rows, cols = np.arange(0, m, 7), np.array([5, 17, 250, 99, 3, 4])
    c = rng.standard_normal(cols.size)
    np.testing.assert_allclose(cache.matvec(rows, cols, c), rbf_kernel(X[rows], X[cols], gamma=0.3) @ c, atol=tol)
    for t in range(2 * cache.chunk_rows + 2):   # past the first chunk: more are added, nothing is copied
        cache.row(t)
    assert len(cache.chunks) == 3 and sum(ch.shape[0] for ch in cache.chunks) >= len(cache.slots)


def test_row_cache_evicts_least_recently_used_row_at_capacity():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((50, 3))
    cache = _RowCache(X, 8 * 50 * 3, kernel="linear")   # room for 3 rows
    assert cache.capacity == 3
    for t in (0, 1, 2, 0, 3):   # 1 is the least recently used when 3 arrives
        cache.row(t)
    assert list(cache.slots) == [2, 0, 3]
    np.testing.assert_allclose(cache.row(3), X @ X[3])
