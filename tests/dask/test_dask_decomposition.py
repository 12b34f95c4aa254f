"""PCA and mmlkit.linalg's qr / lstsq / svd on tall Dask arrays (TSQR) against the in-memory results.

TSQR computes the same R factor as a QR of the whole matrix, up to the signs of
its rows, so singular values agree to rounding (κ·eps); components are compared
up to sign. The randomized solver draws the same Gaussian test matrix from the
same seed and computes a basis of the same range, so its results agree to
rounding as well (the spectra below have clear gaps).
"""

import dask.array as da
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mmlkit import linalg
from mmlkit.models import PCA

RTOL = 1e-8


def as_dask(a, chunks=211):
    return da.from_array(a, chunks=(chunks,) + a.shape[1:])


def pca_data(seed, n=2000, d=12):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) * np.linspace(1, 6, d) + 100.0


def assert_same_pca(a, b):
    assert a.n_components_ == b.n_components_
    for name in ["explained_variance_", "explained_variance_ratio_", "singular_values_", "mean_"]:
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=RTOL, err_msg=name)
    np.testing.assert_allclose(b.noise_variance_, a.noise_variance_, rtol=1e-7, atol=1e-9)
    signs = np.sign(np.sum(a.components_ * b.components_, axis=1))
    np.testing.assert_allclose(b.components_ * signs[:, None], a.components_, atol=1e-8)


@pytest.mark.parametrize("kwargs", [
    {}, {"n_components": 4, "svd_solver": "lapack"}, {"n_components": 0.9}, {"n_components": "mle"},
    {"n_components": 3, "svd_solver": "mmlkit"}, {"n_components": 4, "whiten": True},
])
@pytest.mark.parametrize("seed", [0, 1])
def test_pca_full_equals_in_memory(threaded, kwargs, seed):
    X = pca_data(seed)
    assert_same_pca(PCA(**kwargs).fit(X), PCA(**kwargs).fit(as_dask(X)))


@pytest.mark.parametrize("kwargs", [
    {"n_components": 3}, {"n_components": 3, "power_iteration_normalizer": "QR"},
    {"n_components": 5, "iterated_power": 1}, {"n_components": 2, "n_oversamples": 2, "iterated_power": 3},
])
@pytest.mark.parametrize("seed", [0, 1])
def test_pca_randomized_equals_in_memory(threaded, kwargs, seed):
    X = pca_data(seed)
    kwargs = {"svd_solver": "randomized", "random_state": seed, **kwargs}
    assert_same_pca(PCA(**kwargs).fit(X), PCA(**kwargs).fit(as_dask(X)))


def test_pca_on_cluster_outputs_are_lazy(on_cluster):
    X = pca_data(2)
    Xd = as_dask(X, 500).persist()
    for kwargs in [{"n_components": 4}, {"n_components": 4, "svd_solver": "randomized", "random_state": 0}]:
        a, b = PCA(**kwargs).fit(X), PCA(**kwargs).fit(Xd)
        assert_same_pca(a, b)
        assert isinstance(b.components_, np.ndarray)
        Z = b.transform(Xd)
        assert isinstance(Z, da.Array) and Z.chunks == (Xd.chunks[0], (4,))
        np.testing.assert_allclose(np.abs(Z.compute()), np.abs(a.transform(X)), rtol=1e-7, atol=1e-8)
        ll = b.score_samples(Xd)
        assert ll.chunks == (Xd.chunks[0],)
        np.testing.assert_allclose(ll.compute(), a.score_samples(X), rtol=1e-8)
    assert b.fit_transform(Xd).chunks[0] == Xd.chunks[0]


def test_pca_bad_dask_input(threaded):
    X = pca_data(0, n=30, d=40)
    with pytest.raises(ValueError, match="tall and skinny"):
        PCA(2).fit(as_dask(X, 7))
    with pytest.raises(ValueError, match="arpack"):
        PCA(2, svd_solver="arpack").fit(as_dask(pca_data(0)))
    X = pca_data(0)
    X[17, 3] = np.inf
    with pytest.raises(ValueError, match="X must be finite, but it contains infinity"):
        PCA(2).fit(as_dask(X))


# --------------------------------------------------------------------------- linalg TSQR
@pytest.mark.parametrize("shape, chunks", [((500, 6), 80), ((300, 10), 7), ((50, 4), 50)])
def test_qr_of_tall_dask_array(threaded, shape, chunks):
    """Blocks shorter than the width (7 rows, 10 columns) are fine: their R factors are short."""
    A = np.random.default_rng(shape[0]).normal(size=shape)
    Q, R = linalg.qr(as_dask(A, chunks))
    assert isinstance(Q, da.Array) and Q.chunks[0] == as_dask(A, chunks).chunks[0]
    Qc = Q.compute()
    np.testing.assert_allclose(Qc @ R, A, atol=1e-12)
    np.testing.assert_allclose(Qc.T @ Qc, np.eye(shape[1]), atol=1e-13)
    np.testing.assert_allclose(np.abs(R), np.abs(np.linalg.qr(A, mode="r")), rtol=1e-10, atol=1e-12)
    assert np.allclose(np.tril(R, -1), 0.0)
    np.testing.assert_allclose(np.abs(linalg.qr(as_dask(A, chunks), mode="r")), np.abs(R), rtol=1e-12)


@pytest.mark.parametrize("method", ["svd", "qr"])
@pytest.mark.parametrize("k", [None, 3])
def test_lstsq_of_tall_dask_array(on_cluster, method, k):
    rng = np.random.default_rng(3)
    A = rng.normal(size=(700, 8)) * np.logspace(0, 3, 8)
    b = rng.normal(size=700 if k is None else (700, k))
    x, res, rank, s = linalg.lstsq(as_dask(A), as_dask(b), method=method)
    x0, res0, rank0, s0 = np.linalg.lstsq(A, b, rcond=None)
    np.testing.assert_allclose(x, x0, rtol=1e-9)
    np.testing.assert_allclose(res, res0, rtol=1e-9)
    np.testing.assert_allclose(s, s0, rtol=1e-11)
    assert rank == rank0


def test_svd_of_tall_dask_array(threaded):
    A = np.random.default_rng(4).normal(size=(400, 5))
    U, s, Vt = linalg.svd(as_dask(A, 90))
    np.testing.assert_allclose(s, np.linalg.svd(A, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose((U.compute() * s) @ Vt, A, atol=1e-12)
    np.testing.assert_allclose(linalg.svd(as_dask(A, 90), compute_uv=False), s, rtol=1e-12)
    with pytest.raises(ValueError, match="full_matrices"):
        linalg.svd(as_dask(A), full_matrices=True)
    with pytest.raises(ValueError, match="tall and skinny"):
        linalg.qr(as_dask(A.T.copy(), 2))


@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_tsqr_r_matches_any_blocking(chunks, d, seed):
    """Whatever the blocking, RᵀR = AᵀA (R is A's R factor up to row signs)."""
    import dask

    A = np.random.default_rng(seed).normal(size=(d + 45, d))
    with dask.config.set(scheduler="sync"):
        R = linalg.qr(as_dask(A, chunks), mode="r")
    np.testing.assert_allclose(R.T @ R, A.T @ A, atol=1e-10 * np.abs(A.T @ A).max())
