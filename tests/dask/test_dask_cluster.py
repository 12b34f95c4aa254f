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
