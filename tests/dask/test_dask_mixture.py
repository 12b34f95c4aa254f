"""GaussianMixture on Dask: from the same initial parameters, the same EM run as in memory.

EM is deterministic given its initial weights, means and precisions; the Dask
fit sums the responsibilities' statistics block by block (second moments about
a shift) instead of in one sweep, which changes the parameters by rounding only
(about 1e-12 of the data scale on data 1e3 from the origin), far below the
1e-8 asserted and far from moving the stopping test across ``tol``.
"""

import warnings

import dask.array as da
import numpy as np
import pytest

from mmlkit.datasets import load_iris, make_blobs
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import GaussianMixture

KINDS = ["full", "tied", "diag", "spherical"]


def as_dask(a, chunks=97):
    return da.from_array(a, chunks=(chunks,) + a.shape[1:])


def _data(name, seed):
    if name == "iris":
        return load_iris().data
    return make_blobs(700, n_features=3, centers=3, cluster_std=1.5, random_state=seed)[0] + 1e3  # off-origin


@pytest.fixture(autouse=True)
def _quiet_one_step_fits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _inits(X, kind, k, seed):
    """Weights, means and precisions from a one-iteration fit on a subsample (not the final answer)."""
    rng = np.random.default_rng(seed)
    rows = rng.choice(X.shape[0], X.shape[0] // 3, replace=False)
    start = GaussianMixture(k, covariance_type=kind, max_iter=1, tol=1e9, random_state=seed).fit(X[rows])
    weights = rng.dirichlet(np.full(k, 5.0))
    return dict(weights_init=weights, means_init=start.means_, precisions_init=start.precisions_)


def _assert_same_fit(a, b, X):
    scale = np.abs(X).max()
    assert b.n_iter_ == a.n_iter_ and b.converged_ == a.converged_
    np.testing.assert_allclose(b.lower_bound_, a.lower_bound_, rtol=1e-8)
    np.testing.assert_allclose(b.lower_bounds_, a.lower_bounds_, rtol=1e-8)
    np.testing.assert_allclose(b.weights_, a.weights_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(b.means_, a.means_, rtol=1e-8, atol=1e-8 * scale)
    np.testing.assert_allclose(b.covariances_, a.covariances_, rtol=1e-8,
                               atol=1e-8 * np.abs(a.covariances_).max())


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["iris", "blobs"])
@pytest.mark.parametrize("seed", [0, 1])
def test_same_init_same_fit(threaded, kind, name, seed):
    X = _data(name, seed)
    kw = dict(covariance_type=kind, tol=1e-6, max_iter=200, **_inits(X, kind, 3, seed))
    a = GaussianMixture(3, **kw).fit(X)
    b = GaussianMixture(3, **kw).fit(as_dask(X))
    _assert_same_fit(a, b, X)
    assert a.n_iter_ > 2


def test_same_fit_on_cluster_outputs_are_lazy(on_cluster):
    X = _data("blobs", 2)
    Xd = as_dask(X, 150).persist()
    kw = dict(covariance_type="full", tol=1e-6, **_inits(X, "full", 3, 2))
    a, b = GaussianMixture(3, **kw).fit(X), GaussianMixture(3, **kw).fit(Xd)
    _assert_same_fit(a, b, X)
    for out, want in [(b.predict(Xd), a.predict(X)), (b.predict_proba(Xd), a.predict_proba(X)),
                      (b.score_samples(Xd), a.score_samples(X)), (b.fit_predict(Xd), a.fit_predict(X))]:
        assert isinstance(out, da.Array) and out.chunks[0] == Xd.chunks[0]
        np.testing.assert_allclose(out.compute(), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(b.score(Xd), a.score(X), rtol=1e-10)
    np.testing.assert_allclose(b.bic(Xd), a.bic(X), rtol=1e-10)
    np.testing.assert_allclose(b.aic(Xd), a.aic(X), rtol=1e-10)


@pytest.mark.parametrize("kind", KINDS)
def test_kmeans_init_reaches_the_same_optimum(threaded, kind):
    """init_params="kmeans" on Dask seeds with the Dask KMeans (k-means||): on separated blobs, the same optimum."""
    X = make_blobs(1200, n_features=2, centers=[[-10, 0], [0, 10], [10, 0]], random_state=3)[0]
    a = GaussianMixture(3, covariance_type=kind, random_state=0).fit(X)
    b = GaussianMixture(3, covariance_type=kind, random_state=0).fit(as_dask(X, 200))
    np.testing.assert_allclose(b.lower_bound_, a.lower_bound_, rtol=1e-6)
    order_a, order_b = np.argsort(a.means_[:, 0] + a.means_[:, 1]), np.argsort(b.means_[:, 0] + b.means_[:, 1])
    np.testing.assert_allclose(b.means_[order_b], a.means_[order_a], atol=1e-4)


@pytest.mark.parametrize("kind", ["full", "diag"])
def test_warm_start_continues_as_in_memory(threaded, kind):
    X = _data("blobs", 1)
    kw = dict(covariance_type=kind, warm_start=True, max_iter=3, tol=0.0, **_inits(X, kind, 3, 1))
    a, b = GaussianMixture(3, **kw), GaussianMixture(3, **kw)
    for _ in range(2):
        a.fit(X)
        b.fit(as_dask(X))
        _assert_same_fit(a, b, X)


def test_random_init_fits(threaded):
    X = _data("blobs", 0)
    b = GaussianMixture(3, init_params="random", random_state=0, max_iter=500).fit(as_dask(X))
    assert b.converged_ and np.isfinite(b.lower_bound_)
    assert np.all(np.diff(b.lower_bounds_) > -1e-9)     # EM never decreases the likelihood


@pytest.mark.parametrize(("bad", "word"), [(np.nan, "NaN"), (np.inf, "infinity")])
def test_non_finite_raises_value_error_naming_it(threaded, bad, word):
    """A ValueError naming X and the bad value, as in memory (whose wording is scikit-learn's check)."""
    X = _data("iris", 0).copy()
    X[77, 2] = bad
    with pytest.raises(ValueError, match=f"X .*{word}"):
        GaussianMixture(2).fit(X)
    with pytest.raises(ValueError, match=f"X must be finite, but it contains {word}"):
        GaussianMixture(2).fit(as_dask(X))
    with pytest.raises(ValueError, match=f"X must be finite, but it contains {word}"):
        GaussianMixture(2, covariance_type="tied").fit(as_dask(X))


def test_bad_input(threaded):
    X = _data("iris", 0)
    with pytest.raises(ValueError, match="n_components"):
        GaussianMixture(200).fit(as_dask(X))
    with pytest.raises(ValueError, match="means_init"):
        GaussianMixture(2, means_init=np.zeros((2, 3))).fit(as_dask(X))
    with pytest.raises(ValueError, match="k-means"):
        GaussianMixture(2, init_params="k-means++").fit(as_dask(X))
    model = GaussianMixture(2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="features"):
        model.predict(as_dask(X[:, :3]))
