"""KMeans and SpectralClustering against scikit-learn, plus properties and bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import cluster as skc
from sklearn.metrics import adjusted_rand_score

from _tolerances import EPS, label_margin
from mmlkit.datasets import load_digits, load_iris, load_wine, make_blobs, make_circles, make_moons
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import KMeans, SpectralClustering
from mmlkit.models._init import kmeans_plusplus
from mmlkit.models.cluster import spectral_embedding


def _data(name, seed):
    if name == "iris":
        return load_iris().data
    if name == "wine":
        X = load_wine().data
        return (X - X.mean(0)) / X.std(0)
    if name == "digits":
        return load_digits().data[:500]
    if name == "blobs":
        return make_blobs(400, n_features=5, centers=4, cluster_std=2.0, random_state=seed)[0]
    if name == "far":  # far from the origin: the expanded distance formula must stay accurate
        return make_blobs(300, n_features=3, centers=3, random_state=seed)[0] + 1e4
    raise KeyError(name)


# ----------------------------------------------------------------------------- KMeans oracle

def _kmeans_fit(X, k, algorithm, **kw):
    """``"hamerly"`` runs the dense iterations on small data; ``"hamerly-bounds"`` forces the bounds."""
    from mmlkit.models import cluster

    with pytest.MonkeyPatch.context() as mp:
        if algorithm == "hamerly-bounds":
            mp.setattr(cluster, "_DENSE_MAX_WORK", 0)
        return KMeans(k, algorithm=algorithm.removesuffix("-bounds"), **kw).fit(X)


ALGORITHMS = ["hamerly", "hamerly-bounds", "lloyd"]


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("name", ["iris", "wine", "digits", "blobs", "far"])
@pytest.mark.parametrize("seed", [0, 1])
def test_kmeans_matches_sklearn_from_same_init(name, seed, algorithm):
    """Lloyd is deterministic given the initial centres: same centres, labels, inertia, n_iter."""
    X = _data(name, seed)
    k = 3 if name != "digits" else 10
    init = X[np.random.default_rng(seed).choice(len(X), k, replace=False)]
    ours = _kmeans_fit(X, k, algorithm, init=init, n_init=1, max_iter=300)
    ref = skc.KMeans(k, init=init, n_init=1, max_iter=300).fit(X)
    scale = np.abs(X).max()
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-8, atol=1e-9 * scale)
    # exact labels are a fact of the data only if no point is near a tie: scikit-learn's
    # expanded ‖x‖² − 2x·c + ‖c‖² errs by ~d·ε·max|x|², so the gap must exceed that by far
    D = ((X[:, None, :] - ref.cluster_centers_[None]) ** 2).sum(axis=-1)
    assert label_margin(-D, ref.labels_).min() > 64 * X.shape[1] * EPS * scale**2
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-8)
    assert ours.n_iter_ == ref.n_iter_


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("tol", [1e-1, 1e-3])
@pytest.mark.parametrize("seed", [0, 3])
def test_kmeans_tol_is_relative_to_the_mean_feature_variance_as_sklearn(seed, tol, algorithm):
    """tol · mean(Var X) on the total squared centre shift: the same n_iter as scikit-learn, also
    with features of very different spreads (a rule on any other variance stops elsewhere)."""
    X = make_blobs(500, n_features=4, centers=6, cluster_std=3.0, random_state=seed)[0] * [1.0, 10.0, 100.0, 0.1]
    init = X[np.random.default_rng(seed).choice(len(X), 6, replace=False)]
    ours = _kmeans_fit(X, 6, algorithm, init=init, tol=tol)
    ref = skc.KMeans(6, init=init, n_init=1, tol=tol).fit(X)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_array_equal(ours.labels_, ref.labels_)


@pytest.mark.parametrize("name", ["iris", "wine", "blobs"])
@pytest.mark.parametrize("seed", [0, 3])
def test_kmeans_plusplus_quality_matches_sklearn(name, seed):
    """With k-means++ and 10 restarts both reach the same optimum (inertia within 0.5 %)."""
    X = _data(name, seed)
    ours = KMeans(3, n_init=10, random_state=seed).fit(X)
    ref = skc.KMeans(3, n_init=10, random_state=seed).fit(X)
    assert ours.inertia_ <= ref.inertia_ * 1.005
    assert adjusted_rand_score(ref.labels_, ours.labels_) > 0.95


def test_kmeans_random_init_and_predict_transform_score():
    X, y = make_blobs(300, centers=3, cluster_std=0.8, random_state=2)
    km = KMeans(3, init="random", random_state=0).fit(X)
    assert adjusted_rand_score(y, km.labels_) == pytest.approx(1.0)
    np.testing.assert_array_equal(km.predict(X), km.labels_)
    D = km.transform(X)
    ref = np.linalg.norm(X[:, None, :] - km.cluster_centers_[None], axis=2)
    np.testing.assert_allclose(D, ref, rtol=1e-9, atol=1e-9)
    assert km.score(X) == pytest.approx(-km.inertia_, rel=1e-10)
    np.testing.assert_allclose(km.fit_transform(X), D, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_kmeans_empty_cluster_is_reseeded_like_sklearn(algorithm):
    X, _ = make_blobs(200, centers=3, random_state=0)
    init = np.vstack([X[:2], [[1e3, 1e3]]])         # the third centre attracts nobody
    ours = _kmeans_fit(X, 3, algorithm, init=init, n_init=1)
    ref = skc.KMeans(3, init=init, n_init=1).fit(X)
    assert np.bincount(ours.labels_, minlength=3).min() > 0
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, rtol=1e-8, atol=1e-8)


def test_kmeans_same_seed_same_result_and_input_untouched():
    X = _data("blobs", 0)
    X0 = X.copy()
    a = KMeans(4, n_init=3, random_state=7).fit(X)
    b = KMeans(4, n_init=3, random_state=7).fit(X)
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_array_equal(X, X0)


def test_kmeans_warns_at_max_iter():
    X = np.random.default_rng(0).normal(size=(500, 2))
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        KMeans(8, max_iter=1, random_state=0).fit(X)


def test_kmeans_duplicate_points_warn_fewer_clusters():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 10, axis=0)
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        KMeans(3, random_state=0).fit(X)


@given(seed=st.integers(0, 2**16), k=st.integers(1, 6))
def test_lloyd_never_increases_inertia(seed, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 3)) * rng.uniform(0.5, 3.0, size=3)
    init = X[rng.choice(60, k, replace=False)]
    inertias = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for t in range(1, 7):
            inertias.append(KMeans(k, init=init, max_iter=t, tol=0.0).fit(X).inertia_)
    assert all(b <= a * (1 + 1e-12) + 1e-12 for a, b in zip(inertias, inertias[1:]))


def _assert_same_run(a, b):
    np.testing.assert_array_equal(a.labels_, b.labels_)
    np.testing.assert_allclose(a.cluster_centers_, b.cluster_centers_, rtol=1e-12, atol=1e-12)
    assert a.inertia_ == pytest.approx(b.inertia_, rel=1e-12)
    assert a.n_iter_ == b.n_iter_


@given(seed=st.integers(0, 2**16), k=st.integers(1, 7), spread=st.sampled_from([0.3, 1.0, 5.0]))
def test_hamerly_computes_lloyds_iterations(seed, k, spread):
    """The bounds only skip work: labels, centres, inertia and n_iter equal plain Lloyd's."""
    rng = np.random.default_rng(seed)
    X, _ = make_blobs(150, n_features=3, centers=4, cluster_std=spread, random_state=seed)
    init = X[rng.choice(150, k, replace=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for tol in (0.0, 1e-4):
            runs = [_kmeans_fit(X, k, a, init=init, max_iter=50, tol=tol) for a in ALGORITHMS]
            _assert_same_run(runs[0], runs[2])   # the dense iterations (small data)
            _assert_same_run(runs[1], runs[2])   # the bounds


@pytest.mark.parametrize("k", [2, 5])
def test_hamerly_on_row_blocks_equals_one_block(monkeypatch, k):
    """Split over three threads (tiny blocks forced), the run is the single-block run."""
    import mmlkit._threads as threads
    from mmlkit.models import cluster

    X, _ = make_blobs(3_000, n_features=4, centers=5, cluster_std=3.0, random_state=k)
    init = X[np.random.default_rng(k).choice(3_000, k, replace=False)]
    monkeypatch.setattr(cluster, "_DENSE_MAX_WORK", 0)     # the bounds, not the small-data iterations
    serial = KMeans(k, init=init, algorithm="hamerly").fit(X)
    monkeypatch.setattr(threads, "MIN_ROWS_PER_THREAD", 64)
    monkeypatch.setattr(threads, "_n_cpus", lambda: 3)
    assert len(threads.row_blocks(3_000)) == 3
    blocked = KMeans(k, init=init, algorithm="hamerly").fit(X)
    _assert_same_run(serial, blocked)
    _assert_same_run(blocked, KMeans(k, init=init, algorithm="lloyd").fit(X))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_kmeans_duplicate_centres_and_reseeding_agree(algorithm):
    """Two identical initial centres: one empties, is re-seeded, and both runs end alike."""
    X, _ = make_blobs(300, centers=3, random_state=1)
    init = X[[0, 0, 150]]
    ours = _kmeans_fit(X, 3, algorithm, init=init)
    ref = skc.KMeans(3, init=init, n_init=1).fit(X)
    assert np.bincount(ours.labels_, minlength=3).min() > 0
    assert ours.inertia_ == pytest.approx(ref.inertia_, rel=1e-9)
    assert adjusted_rand_score(ref.labels_, ours.labels_) == pytest.approx(1.0)


@given(seed=st.integers(0, 2**16), k=st.integers(1, 8))
def test_kmeans_plusplus_picks_distinct_rows(seed, k):
    X = np.random.default_rng(seed).normal(size=(40, 2))
    centers, idx = kmeans_plusplus(X, k, np.random.default_rng(seed))
    assert len(set(idx.tolist())) == k
    np.testing.assert_array_equal(centers, X[idx])


def test_kmeans_plusplus_potential_comparable_to_sklearn():
    """Mean seeding potential over 30 seeds within 10 % of scikit-learn's."""
    X = _data("digits", 0)
    ours, ref = [], []
    for s in range(30):
        c, _ = kmeans_plusplus(X, 10, np.random.default_rng(s))
        ours.append(((X[:, None] - c[None]) ** 2).sum(-1).min(1).sum())
        c, _ = skc.kmeans_plusplus(X, 10, random_state=s)
        ref.append(((X[:, None] - c[None]) ** 2).sum(-1).min(1).sum())
    assert np.mean(ours) <= 1.1 * np.mean(ref)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_clusters=0), "n_clusters"),
    (dict(n_clusters=2.5), "n_clusters"),
    (dict(n_clusters=50), "n_samples=20 should be >= n_clusters=50"),
    (dict(n_clusters=2, init="bogus"), "init"),
    (dict(n_clusters=2, init=np.zeros((3, 2))), "init must have shape"),
    (dict(n_clusters=2, n_init=0), "n_init"),
    (dict(n_clusters=2, max_iter=0), "max_iter"),
    (dict(n_clusters=2, tol=-1.0), "tol"),
    (dict(n_clusters=2, algorithm="elkan"), "algorithm"),
])
def test_kmeans_bad_parameters(kwargs, match):
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match=match):
        KMeans(**kwargs).fit(X)


def test_kmeans_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        KMeans(2).fit([[0.0, np.nan], [1.0, 1.0], [2.0, 2.0]])
    km = KMeans(2, random_state=0).fit(np.random.default_rng(0).normal(size=(20, 2)))
    with pytest.raises(ValueError, match="features"):
        km.predict(np.zeros((3, 5)))


# ----------------------------------------------------------------------------- SpectralClustering

@pytest.mark.parametrize("maker, seed", [(make_moons, 0), (make_moons, 1), (make_circles, 0), (make_circles, 2)])
def test_spectral_knn_recovers_moons_and_circles_like_sklearn(maker, seed):
    kw = dict(noise=0.05) if maker is make_moons else dict(noise=0.03, factor=0.5)
    X, y = maker(300, random_state=seed, **kw)
    ours = SpectralClustering(2, affinity="nearest_neighbors", random_state=seed).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sklearn: "graph is not fully connected"
        ref = skc.SpectralClustering(2, affinity="nearest_neighbors", random_state=seed).fit(X)
    assert adjusted_rand_score(ref.labels_, ours.labels_) >= adjusted_rand_score(y, ref.labels_) - 1e-9
    assert adjusted_rand_score(y, ours.labels_) >= adjusted_rand_score(y, ref.labels_) - 1e-9
    assert adjusted_rand_score(y, ours.labels_) > 0.95


@pytest.mark.parametrize("name, k, gamma", [("blobs", 4, 0.05), ("iris", 3, 0.5), ("wine", 3, 0.1)])
def test_spectral_rbf_agrees_with_sklearn(name, k, gamma):
    X = _data(name, 0)
    ours = SpectralClustering(k, gamma=gamma, random_state=0).fit(X)
    ref = skc.SpectralClustering(k, gamma=gamma, random_state=0).fit(X)
    assert adjusted_rand_score(ref.labels_, ours.labels_) > 0.9


def test_spectral_large_n_uses_lanczos_and_still_separates_moons():
    X, y = make_moons(1200, noise=0.05, random_state=0)
    for affinity, gamma in (("nearest_neighbors", 1.0), ("rbf", 30.0)):
        sc = SpectralClustering(2, affinity=affinity, gamma=gamma, random_state=0).fit(X)
        assert adjusted_rand_score(y, sc.labels_) > 0.99, affinity


def test_spectral_precomputed_equals_rbf():
    X = _data("blobs", 1)
    a = SpectralClustering(4, gamma=0.05, random_state=0).fit(X)
    W = np.exp(-0.05 * ((X[:, None] - X[None]) ** 2).sum(-1))
    b = SpectralClustering(4, affinity="precomputed", random_state=0).fit(W)
    assert adjusted_rand_score(a.labels_, b.labels_) == pytest.approx(1.0)


@given(seed=st.integers(0, 2**16), k=st.integers(1, 4))
def test_spectral_embedding_is_normalised_eigenbasis(seed, k):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 2))
    W = np.exp(-((X[:, None] - X[None]) ** 2).sum(-1))
    V = spectral_embedding(W, k, rng)
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1.0, rtol=1e-10)
    # Undoing the row scaling (row norms of an orthonormal basis do not depend on the
    # basis) must give vectors in the top-k eigenspace of D^{-1/2} W D^{-1/2}.
    d = W.sum(1)
    top = np.linalg.eigh(W / np.sqrt(np.outer(d, d)))[1][:, -k:]
    U = V * np.linalg.norm(top, axis=1, keepdims=True)
    np.testing.assert_allclose(top @ (top.T @ U), U, atol=1e-8)
    np.testing.assert_allclose(U.T @ U, np.eye(k), atol=1e-8)


@pytest.mark.parametrize(("maker", "n", "seed"), [(make_moons, 300, 0), (make_circles, 450, 1), (make_blobs, 400, 2)])
def test_spectral_sparse_graph_embedding_equals_the_dense_eigh_route(maker, n, seed):
    # the fast path (sparse W, Chebyshev-filtered subspace iteration) against the textbook path
    # (the same W dense, LAPACK eigh): the same embedding up to a rotation of its columns, the
    # same k-means labels
    from mmlkit.models import cluster

    X = maker(n, random_state=seed, **({} if maker is make_blobs else {"noise": 0.05}))[0]
    A = cluster._knn_connectivity(X, 10)
    W = 0.5 * (A + A.T)
    fast = spectral_embedding(W, 3, np.random.default_rng(seed))
    slow = spectral_embedding(W.toarray(), 3, np.random.default_rng(seed))
    # eigenvector residuals ≤ 1e-6 (the solver's tolerance); the error bound residual/gap is loose here
    # (gaps 2e-4 to 3e-2 to the 4th eigenvalue), the errors seen are below 2e-5: 1e-4
    R = np.linalg.lstsq(slow, fast, rcond=None)[0]
    np.testing.assert_allclose(R.T @ R, np.eye(3), atol=1e-4)
    np.testing.assert_allclose(slow @ R, fast, atol=1e-4)
    labels = [KMeans(3, n_init=10, random_state=0).fit(E).labels_ for E in (fast, slow @ R)]
    np.testing.assert_array_equal(labels[0], labels[1])


def test_spectral_large_dense_affinity_uses_krylov_start_and_matches_eigh():
    X = make_moons(700, noise=0.05, random_state=3)[0]
    W = np.exp(-5.0 * ((X[:, None] - X[None]) ** 2).sum(-1))
    fast = spectral_embedding(W, 3, np.random.default_rng(0))
    d = W.sum(1)
    top = np.linalg.eigh(W / np.sqrt(np.outer(d, d)))[1][:, -3:]
    U = fast * np.linalg.norm(top, axis=1, keepdims=True)
    np.testing.assert_allclose(top @ (top.T @ U), U, atol=1e-5)      # residuals ≤ 1e-6 over the gap


@pytest.mark.parametrize("kwargs, X, match", [
    (dict(affinity="cosine"), None, "affinity"),
    (dict(assign_labels="discretize"), None, "assign_labels"),
    (dict(gamma=0.0), None, "gamma"),
    (dict(n_clusters=0), None, "n_clusters"),
    (dict(n_clusters=40), None, "n_samples=20 should be >= n_clusters=40"),
    (dict(affinity="precomputed"), np.ones((20, 3)), "square affinity"),
    (dict(affinity="precomputed"), -np.ones((20, 20)), "non-negative"),
    (dict(affinity="nearest_neighbors", n_neighbors=0), None, "n_neighbors"),
    (dict(), np.full((20, 2), np.nan), "NaN"),
])
def test_spectral_bad_input(kwargs, X, match):
    X = np.random.default_rng(0).normal(size=(20, 2)) if X is None else X
    with pytest.raises(ValueError, match=match):
        SpectralClustering(**{"n_clusters": 2, **kwargs}).fit(X)


def test_knn_connectivity_on_threads_equals_one_thread(monkeypatch):
    import mmlkit._threads as threads
    from mmlkit.models import _neighbors, cluster

    X = make_moons(700, noise=0.1, random_state=0)[0]
    X = np.hstack([X, np.zeros((700, 18))])          # 20 features: the matrix-product search
    serial = cluster._knn_connectivity(X, 8)
    monkeypatch.setattr(_neighbors, "_MIN_WORK", 1_000)
    monkeypatch.setattr(threads, "_n_cpus", lambda: 3)
    threaded = cluster._knn_connectivity(X, 8)
    assert (serial != threaded).nnz == 0
    D = ((X[:, None] - X[None]) ** 2).sum(-1)
    np.fill_diagonal(D, -1.0)
    ref = np.sort(np.argsort(D, axis=1, kind="stable")[:, :8], axis=1)
    np.testing.assert_array_equal(np.sort(threaded.indices.reshape(700, 8), axis=1), ref)


def test_kmeans_plusplus_with_given_norms_is_identical():
    X = _data("blobs", 0)
    a, ia = kmeans_plusplus(X, 4, np.random.default_rng(3))
    b, ib = kmeans_plusplus(X, 4, np.random.default_rng(3), x_squared_norms=(X * X).sum(1))
    np.testing.assert_array_equal(ia, ib)
    np.testing.assert_array_equal(a, b)


def test_single_blas_thread_limits_and_restores():
    from threadpoolctl import threadpool_info

    from mmlkit.models._init import single_blas_thread

    before = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    with single_blas_thread():
        assert all(p["num_threads"] == 1 for p in threadpool_info() if p["user_api"] == "blas")
    assert [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"] == before


@pytest.mark.parametrize("max_iter", [1, 2, 3, 5])
def test_hamerly_stopped_at_max_iter_is_lloyd_stopped_there(max_iter):
    """Cut short, both return Lloyd's centres after max_iter updates and the labels of
    one more assignment to them."""
    X, _ = make_blobs(2_000, n_features=4, centers=6, cluster_std=3.0, random_state=3)
    init = X[np.random.default_rng(3).choice(2_000, 6, replace=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        runs = [_kmeans_fit(X, 6, a, init=init, max_iter=max_iter, tol=0.0) for a in ALGORITHMS]
        ref = skc.KMeans(6, init=init, n_init=1, max_iter=max_iter, tol=0.0).fit(X)
    _assert_same_run(runs[0], runs[2])
    _assert_same_run(runs[1], runs[2])
    np.testing.assert_allclose(runs[0].cluster_centers_, ref.cluster_centers_, rtol=1e-10, atol=1e-10)
    np.testing.assert_array_equal(runs[0].labels_, ref.labels_)
    assert runs[0].inertia_ == pytest.approx(ref.inertia_, rel=1e-10)


def test_predict_and_score_centre_like_fit_far_from_the_origin():
    # ‖x‖² − 2x·c + ‖c‖² at |x| ~ 1e8 cancels to ~1e16·ε ≈ 1: without the shift, predict disagrees with
    # labels_ and score with −inertia_ (fit centres the data, so its numbers are right)
    X, _ = make_blobs(400, n_features=3, centers=4, cluster_std=0.5, random_state=3)
    far = X + 1e8
    km = KMeans(4, random_state=0).fit(far)
    np.testing.assert_array_equal(km.predict(far), km.labels_)
    assert km.score(far) == pytest.approx(-km.inertia_, rel=1e-6)
    near = KMeans(4, init=km.cluster_centers_ - 1e8).fit(X)
    assert km.inertia_ == pytest.approx(near.inertia_, rel=1e-6)
    np.testing.assert_allclose(km.transform(far), near.transform(X), atol=1e-6)
