"""KMeans on Dask: from the same ``init`` array, the same labels, inertia and iterations as in memory.

Lloyd's iterations are deterministic given the initial centres; the Dask fit
sums the clusters block by block instead of in one sweep, which changes the
centres by rounding only (1e-15 relative), far from moving any point across a
boundary on these data. The k-means|| seeding is random: it is checked to reach
the same optimum as in-memory k-means++ on well-separated blobs.
"""

import dask.array as da
import numpy as np
import pytest

from mmlkit.datasets import load_iris, make_blobs
from mmlkit.models import KMeans


def as_dask(a, chunks=173):
    return da.from_array(a, chunks=(chunks,) + a.shape[1:])


def _data(name, seed):
    if name == "iris":
        return load_iris().data
    if name == "blobs":
        return make_blobs(1500, n_features=5, centers=5, cluster_std=2.0, random_state=seed)[0]
    return make_blobs(800, n_features=3, centers=3, random_state=seed)[0] + 1e4  # far from the origin


@pytest.mark.parametrize("name", ["iris", "blobs", "far"])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_kmeans_same_init_same_result(threaded, name, seed, tol):
    X = _data(name, seed)
    init = X[np.random.default_rng(seed).choice(X.shape[0], 4, replace=False)]
    a = KMeans(4, init=init, tol=tol).fit(X)
    b = KMeans(4, init=init, tol=tol).fit(as_dask(X))
    np.testing.assert_array_equal(b.labels_.compute(), a.labels_)
    np.testing.assert_allclose(b.inertia_, a.inertia_, rtol=1e-10)
    np.testing.assert_allclose(b.cluster_centers_, a.cluster_centers_, rtol=1e-10, atol=1e-10)
    assert b.n_iter_ == a.n_iter_


def test_kmeans_on_cluster_outputs_are_lazy(on_cluster):
    X = _data("blobs", 2)
    Xd = as_dask(X, 500).persist()
    init = X[np.random.default_rng(0).choice(X.shape[0], 5, replace=False)]
    a, b = KMeans(5, init=init).fit(X), KMeans(5, init=init).fit(Xd)
    np.testing.assert_allclose(b.inertia_, a.inertia_, rtol=1e-10)
    assert isinstance(b.cluster_centers_, np.ndarray)
    for out, want in [(b.labels_, a.labels_), (b.predict(Xd), a.predict(X)), (b.transform(Xd), a.transform(X))]:
        assert isinstance(out, da.Array) and out.chunks[0] == Xd.chunks[0]
        np.testing.assert_allclose(out.compute(), want, rtol=1e-9)
    np.testing.assert_allclose(b.score(Xd), a.score(X), rtol=1e-10)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kmeans_parallel_init_reaches_the_optimum(threaded, seed):
    """k-means|| (the default for Dask input) + Lloyd finds the blobs, as k-means++ in memory does."""
    X = make_blobs(3000, n_features=4, centers=6, cluster_std=1.0, random_state=seed)[0]
    best = min(KMeans(6, random_state=r, n_init=3).fit(X).inertia_ for r in range(2))
    fit = KMeans(6, random_state=seed).fit(as_dask(X, 400))
    np.testing.assert_allclose(fit.inertia_, best, rtol=1e-9)
    again = KMeans(6, random_state=seed).fit(as_dask(X, 400))
    np.testing.assert_array_equal(again.cluster_centers_, fit.cluster_centers_)  # same seed, same result


def test_kmeans_random_init_and_bad_input(threaded):
    X = _data("blobs", 0)
    fit = KMeans(5, init="random", n_init=2, random_state=0).fit(as_dask(X))
    assert fit.cluster_centers_.shape == (5, 5)
    with pytest.raises(ValueError, match="init must have shape"):
        KMeans(3, init=X[:2]).fit(as_dask(X))
    with pytest.raises(ValueError, match="n_samples=5 should be >= n_clusters=8"):
        KMeans(8).fit(as_dask(X[:5]))
    with pytest.raises(ValueError, match="init must be one of"):
        KMeans(3, init="k-means+").fit(as_dask(X))
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        KMeans(3).fit(as_dask(X))


def test_kmeans_parallel_by_name_is_the_dask_default(threaded):
    """init="k-means||" names the seeding that "k-means++" means for Dask input: the same fit."""
    X = make_blobs(2000, n_features=3, centers=5, random_state=4)[0]
    a = KMeans(5, init="k-means||", random_state=3).fit(as_dask(X, 300))
    b = KMeans(5, random_state=3).fit(as_dask(X, 300))
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    assert a.inertia_ == b.inertia_


def _with_far_points():
    """Blobs about the origin and three far points in rows 7, 150 and 333 (distances² 1600, 2025, 1250)."""
    X = np.random.default_rng(0).normal(size=(400, 2))
    X[[7, 150, 333]] = [[40.0, 0.0], [0.0, -45.0], [-35.0, 5.0]]
    return X


@pytest.mark.parametrize("chunks", [400, 97, 13])
@pytest.mark.parametrize("n_far", [1, 2, 3])
def test_kmeans_emptied_clusters_reseeded_as_in_memory(threaded, chunks, n_far):
    """Centres that attract nobody are re-seeded at the same points, in the same order, as in memory
    (the farthest point seeds the lowest-numbered empty cluster), however the rows are cut into blocks."""
    X = _with_far_points()
    init = np.array([[0.0, 0.0]] + [[1e4 * (j + 1), -1e4] for j in range(n_far)])
    a = KMeans(1 + n_far, init=init).fit(X)
    assert np.bincount(a.labels_).min() > 0
    for algorithm in ("hamerly", "lloyd"):
        b = KMeans(1 + n_far, init=init, algorithm=algorithm).fit(as_dask(X, chunks))
        np.testing.assert_array_equal(b.labels_.compute(), a.labels_)
        np.testing.assert_allclose(b.cluster_centers_, a.cluster_centers_, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(b.inertia_, a.inertia_, rtol=1e-10)
        assert b.n_iter_ == a.n_iter_


def test_lloyd_merge_keeps_the_farthest_ties_to_the_lower_row():
    """Each block sends its k farthest points; the merge keeps the k farthest of the union,
    equal distances ordered by global row index, whichever block comes first."""
    from mmlkit.models import _blockwise as bw

    centers, mean = np.array([[0.0, 0.0], [1e3, 0.0]]), np.zeros(2)
    a = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0], [10.0, 0.0]])       # rows 100..103
    b = np.array([[-10.0, 0.0], [0.0, 1.0], [6.0, 8.0]])                    # rows 0..2
    sa, sb = bw.lloyd_stats(a, mean, centers, 100), bw.lloyd_stats(b, mean, centers, 0)
    for merged in (bw.merge_lloyd(sa, sb), bw.merge_lloyd(sb, sa)):
        dist, index, rows, labels = merged[2]
        np.testing.assert_array_equal(index, [0, 2])                        # 100 at rows 0, 2, 103
        np.testing.assert_array_equal(dist, [100.0, 100.0])
        np.testing.assert_array_equal(rows[:, :-1], [[-10.0, 0.0], [6.0, 8.0]])
        np.testing.assert_array_equal(merged[0], sa[0] + sb[0])


def test_kmeans_reseeding_follows_in_memory_on_cluster(on_cluster):
    """The same on the worker processes, with X persisted (one task per worker and pass)."""
    X = _with_far_points()
    init = np.array([[0.0, 0.0], [1e4, -1e4], [2e4, -1e4]])
    a = KMeans(3, init=init).fit(X)
    b = KMeans(3, init=init).fit(as_dask(X, 60).persist())
    np.testing.assert_array_equal(b.labels_.compute(), a.labels_)
    np.testing.assert_allclose(b.inertia_, a.inertia_, rtol=1e-10)


def test_kmeans_persisted_or_not_same_fit(on_cluster):
    """One task per worker (persisted X) or one per block and a merge tree (lazy X): the same
    candidates (kept in row order), so the same seeding and fit, up to the rounding of the sums."""
    X = make_blobs(4000, n_features=6, centers=7, cluster_std=3.0, random_state=8)[0]
    lazy = as_dask(X, 333)
    a = KMeans(7, random_state=5).fit(lazy)
    b = KMeans(7, random_state=5).fit(lazy.persist())
    np.testing.assert_allclose(b.cluster_centers_, a.cluster_centers_, rtol=1e-10)
    np.testing.assert_array_equal(b.labels_.compute(), a.labels_.compute())
    assert b.n_iter_ == a.n_iter_


def test_reduce_by_worker_groups_persisted_blocks(on_cluster):
    from distributed import get_task_stream

    from mmlkit._dask import block_placement, reduce_blocks
    from mmlkit.models import _blockwise as bw

    X = np.random.default_rng(1).normal(size=(1000, 3))
    lazy = as_dask(X, 90)
    assert block_placement([lazy]) is None           # not persisted: the tree
    client, groups, futures = block_placement([lazy.persist()])
    assert sorted(i for g in groups.values() for i in g) == list(range(len(lazy.chunks[0])))
    assert len(futures[0]) == len(lazy.chunks[0])
    persisted = lazy.persist()
    for Xd, by_worker in [(lazy, True), (persisted, True), (persisted, block_placement([persisted]))]:
        n, mean, M2 = reduce_blocks(bw.nan_moment_stats, [Xd], bw.merge_nan_moments, by_worker=by_worker)
        np.testing.assert_allclose(mean, X.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(M2, X.var(axis=0) * 1000, rtol=1e-12)
        offsets = reduce_blocks(lambda b, o: np.array([o]), [Xd], lambda a, b: np.concatenate([a, b]),
                                block_args=list(range(len(lazy.chunks[0]))), by_worker=by_worker)
        assert sorted(offsets) == list(range(len(lazy.chunks[0])))
    with get_task_stream(client) as tasks:                        # one task per worker holding blocks
        reduce_blocks(bw.nan_moment_stats, [persisted], bw.merge_nan_moments, by_worker=True)
    assert len(tasks.data) == len(block_placement([persisted])[1]) <= 2
    with get_task_stream(client) as tasks:                        # one task per block, and the merges
        reduce_blocks(bw.nan_moment_stats, [lazy], bw.merge_nan_moments, by_worker=True)
    assert len(tasks.data) > len(lazy.chunks[0])


def _n_kept():
    from mmlkit import _dask

    return len(_dask._KEPT)


def test_kmeans_parallel_state_is_dropped_on_the_workers(on_cluster):
    """The k-means|| rounds keep each row's nearest candidate on its worker between passes; after the
    fit, and after a fit that fails in its first pass, none of it is left there."""
    X = make_blobs(3000, n_features=4, centers=5, random_state=1)[0]
    fit = KMeans(5, random_state=2).fit(as_dask(X, 250).persist())
    assert fit.cluster_centers_.shape == (5, 4)
    assert set(on_cluster.run(_n_kept).values()) == {0}
    X[2900, 1] = np.nan                                    # the last blocks fail after the first ones kept state
    with pytest.raises(ValueError, match="X must be finite"):
        KMeans(5, random_state=2).fit(as_dask(X, 250).persist())
    assert set(on_cluster.run(_n_kept).values()) == {0}
