"""KMeans on Dask: from the same ``init`` array, the same labels, inertia and iterations as in memory.

Lloyd's iterations are deterministic given the initial centres; the Dask fit
sums the clusters block by block instead of in one sweep, which changes the
centres by rounding only (1e-15 relative), far from moving any point across a
boundary on these data. The k-means|| seeding is random: it is checked to reach
the same optimum as in-memory k-means++ on well-separated blobs.
"""

import dask
import dask.array as da
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _near_tie_truth(X, mean, centers):
    """Exact (direct-difference) nearest-two gaps ‖x − c₂‖ − ‖x − c₁‖, labels and D² to the nearest."""
    D = np.sum(((X - mean)[:, None, :] - centers[None]) ** 2, axis=2)
    two = np.sort(D, axis=1)[:, :2]
    return np.sqrt(two[:, 1]) - np.sqrt(two[:, 0]), D.argmin(axis=1), two[:, 0]


def test_lloyd_near_tie_rows_bound_every_other_row(monkeypatch):
    """Each Lloyd pass sends the rows nearest to a tie between two centres, with a lower bound on
    their gap ‖x − c₂‖ − ‖x − c₁‖ and a bound every other row's gap exceeds: the rows of smallest
    exact gap, whatever the blocks and the merge order, per-cluster Σ D² beside them."""
    from mmlkit.models import _blockwise as bw

    monkeypatch.setattr(bw, "NEAR_TIE_ROWS", 7)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(500, 3)) * 2.0 + 50.0
    mean, centers = X.mean(axis=0), rng.normal(size=(4, 3)) * 2.0
    true_gap, labels, d1 = _near_tie_truth(X, mean, centers)
    parts = [bw.lloyd_stats(X[a:b], mean, centers, a) for a, b in [(0, 230), (230, 231), (231, 500)]]
    for merged in (bw.merge_lloyd(bw.merge_lloyd(parts[0], parts[1]), parts[2]),
                   bw.merge_lloyd(parts[2], bw.merge_lloyd(parts[1], parts[0]))):
        sse, x2max, gap, index, rows, near_labels, above = merged[3]
        np.testing.assert_array_equal(np.sort(index), np.sort(np.argsort(true_gap)[:7]))
        assert np.all(gap <= true_gap[index]) and np.allclose(gap, true_gap[index], rtol=1e-9)
        assert np.all(np.delete(true_gap, index) >= above) and above == pytest.approx(np.sort(true_gap)[7])
        np.testing.assert_allclose(rows, (X - mean)[index], rtol=1e-15)
        np.testing.assert_array_equal(near_labels, labels[index])
        np.testing.assert_allclose(sse, np.bincount(labels, weights=d1, minlength=4), rtol=1e-11)
        assert x2max == pytest.approx(np.max(np.sum((X - mean) ** 2, axis=1)), rel=1e-14)
    one = bw.lloyd_stats(X[:5], mean, centers, 0)[3]             # fewer rows than sent: all, bound inf
    assert one[-1] == np.inf and np.array_equal(np.sort(one[3]), np.arange(5))


def _mirrored_with_ties():
    """Two blobs mirrored through the origin (the centres stay mirrored) and rows on the bisector."""
    A = np.random.default_rng(3).normal(size=(300, 2)) + [4.0, 0.0]
    return np.vstack([A, -A, [[0.0, 1.0], [0.0, -2.0], [0.0, 0.5]]])


@pytest.mark.parametrize(("name", "tol"), [("blobs", 0.0), ("blobs", 1e-4), ("iris", 0.0), ("iris", 1e-4),
                                           ("far", 1e-4), ("ties", 0.0), ("ties", 1e-4)])
@pytest.mark.parametrize("n_sent", [3, 256])
def test_lloyd_run_ended_from_the_near_tie_rows_equals_the_full_run(threaded, monkeypatch, name, tol, n_sent):
    """The client ends a run from what the last pass sent (the final inertia, or a last iteration that
    only confirms the labels) when every row not sent provably keeps its centre: the same labels,
    iterations, centres and inertia as in memory and as the run that makes every pass, in no more
    passes. Rows exactly on a tie are never decided there: with them the run is the one that makes
    every pass (whose blockwise sums may break such a tie unlike the in-memory sums: a tie has no
    nearest centre to agree on)."""
    from mmlkit.models import _blockwise as bw
    from mmlkit.models import _dask_fit

    monkeypatch.setattr(bw, "NEAR_TIE_ROWS", n_sent)         # 256: every row of a block of 97 is sent
    X = _mirrored_with_ties() if name == "ties" else _data(name, 3)
    init = np.array([[1.0, 0.5], [-1.0, 0.5]]) if name == "ties" else X[[0, 50, 100, 149]]
    b, settled = _count_passes(lambda: KMeans(init.shape[0], init=init, tol=tol).fit(as_dask(X, 97)))
    monkeypatch.setattr(_dask_fit, "_near_labels", lambda *args: None)
    c, every = _count_passes(lambda: KMeans(init.shape[0], init=init, tol=tol).fit(as_dask(X, 97)))
    a = c if name == "ties" else KMeans(init.shape[0], init=init, tol=tol).fit(X)
    want = a.labels_.compute() if name == "ties" else a.labels_
    for fit in (b, c):
        np.testing.assert_array_equal(fit.labels_.compute(), want)
        np.testing.assert_allclose(fit.inertia_, a.inertia_, rtol=1e-10)
        np.testing.assert_allclose(fit.cluster_centers_, a.cluster_centers_, rtol=1e-10, atol=1e-12)
        assert fit.n_iter_ == a.n_iter_
    assert settled <= every


def test_near_labels_decide_only_what_is_proved():
    """The sent rows are relabelled only if every other row's gap exceeds twice the largest centre
    move (with a little room for rounding), and none of theirs sits on a tie at the new centres."""
    from mmlkit.models._dask_fit import _near_labels

    old = np.array([[-2.0, 0.0], [2.0, 0.0]])
    rows = np.array([[0.5, 0.0], [-3.0, 1.0]])                     # gaps 1 and 4 at `old`
    for move, bound, want in [(0.1, 0.2 + 1e-6, [1, 0]), (0.1, 0.2 - 1e-6, None), (0.0, 1e-3, [1, 0]),
                              (-0.5, np.inf, [1, 0]), (0.5, np.inf, None)]:
        new = old + [[move, 0.0], [move, 0.0]]            # (0.5: row 0 lands on the tie at x = 0.5)
        near = (np.zeros(2), 16.0, np.array([1.0, 4.0]), np.array([3, 9]), rows, np.array([1, 0]), bound)
        got = _near_labels(near, np.zeros(2), old, new)
        assert (got is None) if want is None else np.array_equal(got, want)


@settings(max_examples=15)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5), st.sampled_from([1, 4, 256]))
def test_lloyd_run_ended_on_the_client_is_the_full_run(seed, k, n_sent):
    """Any data, any start, any number of rows sent: the run that may end on the client is the run
    that makes every pass (labels, iterations, centres, inertia)."""
    from mmlkit.models import _blockwise as bw
    from mmlkit.models import _dask_fit

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(int(rng.integers(k, 300)), int(rng.integers(1, 4)))) * rng.uniform(0.1, 10.0)
    X[: X.shape[0] // 3] += rng.normal(size=X.shape[1]) * 3.0
    init = X[rng.choice(X.shape[0], k, replace=False)]
    saved = bw.NEAR_TIE_ROWS, _dask_fit._near_labels
    fits = []
    with dask.config.set(scheduler="threads"):
        try:
            bw.NEAR_TIE_ROWS = n_sent
            fits.append(KMeans(k, init=init, tol=float(rng.choice([0.0, 1e-4]))).fit(as_dask(X, 37)))
            _dask_fit._near_labels = lambda *args: None
            fits.append(KMeans(k, init=init, tol=fits[0].tol).fit(as_dask(X, 37)))
        finally:
            bw.NEAR_TIE_ROWS, _dask_fit._near_labels = saved
    b, c = fits
    np.testing.assert_array_equal(b.labels_.compute(), c.labels_.compute())
    assert b.n_iter_ == c.n_iter_
    np.testing.assert_allclose(b.cluster_centers_, c.cluster_centers_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(b.inertia_, c.inertia_, rtol=1e-10, atol=1e-300)


def test_lloyd_ends_without_a_pass_on_separated_blobs(threaded):
    """Started near the optimum of separated blobs: the moments pass and one Lloyd pass, where the run
    makes two iterations (the second only confirms the labels) and would read X three times."""
    X = make_blobs(3000, n_features=4, centers=4, cluster_std=0.5, center_box=(-20, 20), random_state=1)[0]
    init = KMeans(4, random_state=0).fit(X).cluster_centers_ + 0.05
    a = KMeans(4, init=init, tol=0.0).fit(X)
    b, n_passes = _count_passes(lambda: KMeans(4, init=init, tol=0.0).fit(as_dask(X, 500)))
    assert a.n_iter_ == b.n_iter_ == 2 and n_passes == 2
    np.testing.assert_allclose(b.inertia_, a.inertia_, rtol=1e-10)


def _count_passes(fit):
    from dask.callbacks import Callback

    count = [0]
    with Callback(start=lambda dsk: count.__setitem__(0, count[0] + 1)):
        out = fit()
    return out, count[0]


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


def test_kmeans_parallel_n_init_on_cluster(on_cluster):
    """Further k-means|| seedings on the workers (their first centre taken where its block lives):
    the first run is the one-seeding fit, the best run no worse; no state left behind."""
    X = make_blobs(2000, n_features=3, centers=5, cluster_std=2.0, random_state=6)[0]
    Xd = as_dask(X, 250).persist()
    one, two = KMeans(5, random_state=1).fit(Xd), KMeans(5, n_init=2, random_state=1).fit(Xd)
    assert two.inertia_ <= one.inertia_
    np.testing.assert_allclose(one.inertia_, KMeans(5, random_state=1).fit(as_dask(X, 250)).inertia_, rtol=1e-10)
    assert set(on_cluster.run(_n_kept).values()) == {0}
