"""Least squares, ridge, scalers and Gaussian naive Bayes on Dask equal the in-memory fits (rtol 1e-8).

The Dask fits merge per-block statistics (Chan's centred merge, a centred TSQR)
instead of reading X at once: mathematically the same numbers, so the only
differences are rounding, of order κ·eps for the QR/SVD routes and κ²·eps for
the normal equations. The data here have condition numbers below 1e2, which
leaves the 1e-8 tolerance several orders of magnitude of slack without
hiding an error (a wrong centring or a dropped block moves results by 1e-3 or more).
"""

import dask.array as da
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mmlkit.models import ElasticNet, GaussianNB, Lasso, LinearRegression, Ridge
from mmlkit.models import _blockwise as bw
from mmlkit.models.coordinate_descent import enet_objective
from mmlkit.preprocessing import MinMaxScaler, StandardScaler

RTOL = 1e-8


def as_dask(a, chunks=97):
    return da.from_array(a, chunks=(chunks,) + a.shape[1:])


def regression_data(seed, n=600, d=6, t=None, shift=5.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d) + shift * rng.normal(size=d)
    W = rng.normal(size=(d,) if t is None else (d, t))
    y = X @ W + 0.3 * rng.normal(size=(n,) if t is None else (n, t)) + 2.0
    return X, y


def assert_same_fit(a, b, names, rtol=RTOL):
    for name in names:
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=rtol, atol=rtol * 1e-3, err_msg=name)


@pytest.mark.parametrize("solver", ["svd", "qr", "normal", "gd"])
@pytest.mark.parametrize("seed", [0])
@pytest.mark.parametrize("t", [None, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_equals_in_memory(threaded, solver, seed, t, fit_intercept):
    X, y = regression_data(seed, t=t)
    a = LinearRegression(solver=solver, fit_intercept=fit_intercept).fit(X, y)
    b = LinearRegression(solver=solver, fit_intercept=fit_intercept).fit(as_dask(X), as_dask(y))
    assert_same_fit(a, b, ["coef_", "intercept_"], rtol=RTOL if solver != "gd" else 1e-7)
    assert isinstance(b.coef_, np.ndarray) and b.n_features_in_ == X.shape[1]
    if solver == "svd":
        np.testing.assert_allclose(b.singular_values_, a.singular_values_, rtol=RTOL)
        assert b.rank_ == a.rank_


@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd"])
@pytest.mark.parametrize("alpha", [0.0, 1.0, 1e3])
def test_ridge_equals_in_memory(threaded, solver, alpha):
    X, y = regression_data(3, t=2, shift=50.0)  # means far from zero: the centring must be exact
    a = Ridge(alpha=alpha, solver=solver).fit(X, y)
    b = Ridge(alpha=alpha, solver=solver).fit(as_dask(X, 50), as_dask(y, 50))
    assert_same_fit(a, b, ["coef_", "intercept_"])


def test_fits_on_the_cluster_and_predict_lazily_with_x_row_chunks(on_cluster):
    X, y = regression_data(4, t=2)
    Xd, yd = as_dask(X, 250).persist(), as_dask(y, 250).persist()
    for make in [lambda: LinearRegression(solver="qr"), lambda: LinearRegression(), lambda: Ridge(alpha=0.5)]:
        a, b = make().fit(X, y), make().fit(Xd, yd)
        assert_same_fit(a, b, ["coef_", "intercept_"])
        pred = b.predict(Xd)
        assert isinstance(pred, da.Array) and pred.chunks == (Xd.chunks[0], (2,))
        np.testing.assert_allclose(pred.compute(), a.predict(X), rtol=1e-10)
    a, b = StandardScaler().fit(X), StandardScaler().fit(Xd)
    assert_same_fit(a, b, ["mean_", "var_"])
    labels = (X[:, 0] > np.median(X[:, 0])).astype(int)
    a, b = GaussianNB().fit(X, labels), GaussianNB().fit(Xd, as_dask(labels, 250))
    assert_same_fit(a, b, ["theta_", "var_"])
    assert b.predict(Xd).chunks == (Xd.chunks[0],)


def test_fit_under_threaded_scheduler_without_client(threaded):
    X, y = regression_data(5)
    a = LinearRegression().fit(X, y)
    b = LinearRegression().fit(as_dask(X), as_dask(y))
    assert_same_fit(a, b, ["coef_", "intercept_"])


def test_columns_chunked_are_rechunked(threaded):
    X, y = regression_data(6)
    Xd = da.from_array(X, chunks=(100, 2))
    assert_same_fit(LinearRegression().fit(X, y), LinearRegression().fit(Xd, as_dask(y, 60)), ["coef_"])


@pytest.mark.parametrize("with_mean", [True, False])
@pytest.mark.parametrize("seed", [0, 1])
def test_standard_scaler_equals_in_memory(threaded, seed, with_mean):
    X, _ = regression_data(seed, shift=1e4)
    X[::7, 2] = np.nan  # NaNs are skipped per feature, as in memory
    a = StandardScaler(with_mean=with_mean).fit(X)
    b = StandardScaler(with_mean=with_mean).fit(as_dask(X))
    assert_same_fit(a, b, ["mean_", "var_", "scale_"])
    assert a.n_samples_seen_.tolist() == b.n_samples_seen_.tolist()
    Z = b.transform(as_dask(X))
    assert isinstance(Z, da.Array) and Z.chunks[0] == as_dask(X).chunks[0]
    np.testing.assert_allclose(Z.compute(), a.transform(X), rtol=1e-7, equal_nan=True)
    np.testing.assert_allclose(b.inverse_transform(Z).compute(), X, rtol=1e-9, equal_nan=True)


def test_standard_scaler_partial_fit_merges_dask_batches(threaded):
    X, _ = regression_data(2)
    model = StandardScaler().partial_fit(as_dask(X[:250])).partial_fit(as_dask(X[250:]))
    assert_same_fit(StandardScaler().fit(X), model, ["mean_", "var_"])


@pytest.mark.parametrize("s", [2.0**900, 2.0**-900, 1e300, 1e-300])
def test_standard_scaler_at_any_scale_equals_in_memory(on_cluster, s):
    # Block moments are kept as m2·4^E, so variances beyond float64 merge right across blocks.
    X, _ = regression_data(4, shift=3.0)
    X = X * s
    X[::5, 1] = np.nan
    a = StandardScaler().fit(X)
    b = StandardScaler().partial_fit(as_dask(X[:300])).partial_fit(as_dask(X[300:]))
    assert_same_fit(a, b, ["mean_", "scale_"])
    np.testing.assert_array_equal(b.var_, a.var_)                  # inf or 0: σ² has no float64 here
    np.testing.assert_allclose(b.transform(as_dask(X)).compute(), a.transform(X), rtol=1e-8, equal_nan=True)
    a = MinMaxScaler().fit(X)
    b = MinMaxScaler().fit(as_dask(X))
    assert_same_fit(a, b, ["data_min_", "data_max_", "scale_", "min_"], rtol=0)


def test_min_max_scaler_equals_in_memory(on_cluster):
    X, _ = regression_data(1)
    a = MinMaxScaler(feature_range=(-1, 2)).fit(X)
    b = MinMaxScaler(feature_range=(-1, 2)).fit(as_dask(X))
    assert_same_fit(a, b, ["data_min_", "data_max_", "scale_", "min_"], rtol=0)
    np.testing.assert_allclose(b.transform(as_dask(X)).compute(), a.transform(X), rtol=1e-12)


@pytest.mark.parametrize("labels", ["int", "str"])
@pytest.mark.parametrize("seed", [0, 1])
def test_gaussian_nb_equals_in_memory(threaded, seed, labels):
    X, _ = regression_data(seed, shift=100.0)
    y = (X[:, 0] > np.median(X[:, 0])).astype(int) + (X[:, 1] > np.median(X[:, 1]))
    if labels == "str":
        y = np.array(["a", "b", "c"])[y]
    a = GaussianNB().fit(X, y)
    b = GaussianNB().fit(as_dask(X), as_dask(y))
    np.testing.assert_array_equal(a.classes_, b.classes_)
    assert_same_fit(a, b, ["theta_", "var_", "class_count_", "class_prior_", "epsilon_"])
    proba = b.predict_proba(as_dask(X))
    assert isinstance(proba, da.Array) and proba.chunks == (as_dask(X).chunks[0], (3,))
    np.testing.assert_allclose(proba.compute(), a.predict_proba(X), rtol=1e-9, atol=1e-300)
    np.testing.assert_array_equal(b.predict(as_dask(X)).compute(), a.predict(X))


# ----------------------------------------------------------------- properties of the merges
@given(st.integers(0, 2**32 - 1), st.lists(st.integers(0, 40), min_size=1, max_size=6))
def test_block_merges_are_exact_for_any_split(seed, sizes):
    """Merging the statistics of any split (empty blocks included) gives those of the whole."""
    rng = np.random.default_rng(seed)
    n = sum(sizes) + 5
    Z = rng.normal(size=(n, 3)) * 10 + 100
    edges = np.cumsum([0, *sizes, 5])
    parts = [Z[a:b] for a, b in zip(edges[:-1], edges[1:])]
    for stats, merge, whole in [
        (bw.gram_stats, bw.merge_gram, lambda Z: (Z - Z.mean(0)).T @ (Z - Z.mean(0))),
        (bw.r_stats, bw.merge_r, lambda Z: (Z - Z.mean(0)).T @ (Z - Z.mean(0))),
    ]:
        out = stats(parts[0])
        for p in parts[1:]:
            out = merge(out, stats(p))
        M = out[2] if stats is bw.gram_stats else bw.square_r(out[2], 3).T @ bw.square_r(out[2], 3)
        assert out[0] == n
        np.testing.assert_allclose(out[1], Z.mean(0), rtol=1e-12)
        np.testing.assert_allclose(M, whole(Z), rtol=1e-9, atol=1e-9 * np.abs(whole(Z)).max())


def test_numpy_threads_and_dask_share_the_statistics(threaded):
    X, y = regression_data(7, n=20000)
    from mmlkit._dask import reduce_blocks

    a = bw.reduce_rows(bw.gram_stats, [X, y], bw.merge_gram)
    b = reduce_blocks(bw.gram_stats, [as_dask(X, 3000), as_dask(y, 3000)], bw.merge_gram)
    np.testing.assert_allclose(a[2], b[2], rtol=1e-10)


# ------------------------------------------------------------------------------ bad input
def test_nan_in_dask_x_raises_same_error(on_cluster):
    X, y = regression_data(0)
    X[300, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite, but it contains NaN"):
        LinearRegression().fit(as_dask(X), as_dask(y))
    y[4] = np.inf
    X[300, 1] = 0.0
    with pytest.raises(ValueError, match="y must be finite"):
        Ridge().fit(as_dask(X), as_dask(y))
    X[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        StandardScaler().fit(as_dask(X))


@pytest.mark.parametrize("bad, match", [
    (lambda X: X[:, 0], "X must be 2-D"),
    (lambda X: X[:0], "must not be empty"),
    (lambda X: X.astype(complex), "must be real"),
    (lambda X: X[X[:, 0] > 0], "unknown chunk sizes"),
])
def test_bad_dask_input(threaded, bad, match):
    X, y = regression_data(0)
    with pytest.raises(ValueError, match=match):
        Ridge().fit(bad(as_dask(X)), as_dask(y))


def test_mismatched_lengths_and_features(threaded):
    X, y = regression_data(0)
    with pytest.raises(ValueError, match="same number of samples"):
        Ridge().fit(as_dask(X), as_dask(y[:-1]))
    model = Ridge().fit(as_dask(X), as_dask(y))
    with pytest.raises(ValueError, match="features"):
        model.predict(as_dask(X[:, :3]))
    with pytest.raises(ValueError, match="continuous"):
        GaussianNB().fit(as_dask(X), as_dask(y))


@pytest.mark.parametrize("make", [lambda: Lasso(alpha=0.1), lambda: ElasticNet(alpha=0.05, l1_ratio=0.3)])
@pytest.mark.parametrize("t", [None, 2])
def test_lasso_elastic_net_equal_the_in_memory_gram_path(threaded, make, t):
    """The Dask fit runs the in-memory Gram-matrix coordinate descent on the merged Gram statistics."""
    X, y = regression_data(8, t=t, shift=3.0)
    a = make().set_params(precompute=True).fit(X, y)
    b = make().fit(as_dask(X), as_dask(y))
    coef_a, coef_b = np.atleast_2d(a.coef_), np.atleast_2d(b.coef_)
    Y = y[:, None] if t is None else y
    for k in range(coef_a.shape[0]):
        fa = enet_objective(X, Y[:, k], coef_a[k], np.ravel(a.intercept_)[k], a.alpha, a._l1_ratio())
        fb = enet_objective(X, Y[:, k], coef_b[k], np.ravel(b.intercept_)[k], b.alpha, b._l1_ratio())
        np.testing.assert_allclose(fb, fa, rtol=1e-8)
    np.testing.assert_allclose(coef_b, coef_a, rtol=1e-6, atol=1e-8)
    assert isinstance(b.predict(as_dask(X)), da.Array)
