"""PCA and KernelPCA against scikit-learn, their defining identities, and bad input."""


import numpy as np
import pytest
import scipy.linalg
from hypothesis import given
from hypothesis import strategies as st
from sklearn.decomposition import PCA as SkPCA
from sklearn.decomposition import KernelPCA as SkKernelPCA

from mmlkit.datasets import load_digits, load_iris, load_wine, make_circles
from mmlkit.exceptions import NotFittedError
from mmlkit.models import PCA, KernelPCA


def _data(seed, n, d, *, spread=5.0):
    """Correlated Gaussian data with a clear spectrum and a non-zero mean."""
    rng = np.random.default_rng(seed)
    scales = np.geomspace(spread, 1.0 / spread, d)
    return (rng.normal(size=(n, d)) * scales) @ scipy.linalg.qr(rng.normal(size=(d, d)))[0] + rng.normal(size=d)


def _lowrank(seed, n, d, k):
    """Rank-k signal with distinct scales plus small isotropic noise: a clear spectral gap."""
    rng = np.random.default_rng(seed)
    signal = (rng.normal(size=(n, k)) * np.linspace(10.0, 4.0, k)) @ rng.normal(size=(k, d)) / np.sqrt(d)
    return signal + 0.01 * rng.normal(size=(n, d)) + 3.0


def _max_principal_angle(A, B):
    """Sine of the largest principal angle between the row spaces of A and B: ‖(I − P_B) Q_A‖₂."""
    Qa, Qb = scipy.linalg.orth(A.T), scipy.linalg.orth(B.T)
    return float(np.linalg.norm(Qa - Qb @ (Qb.T @ Qa), 2))


# ---------------------------------------------------------------------------- PCA oracle
@pytest.mark.parametrize("solver", ["lapack", "mmlkit"])
@pytest.mark.parametrize(("seed", "n", "d"), [(0, 200, 8), (1, 40, 60), (2, 500, 30), (3, 12, 12)])
@pytest.mark.parametrize("k", [None, 3, 0.8])
def test_pca_full_matches_sklearn(solver, seed, n, d, k):
    X = _data(seed, n, d)
    ours = PCA(k, svd_solver=solver).fit(X)
    ref = SkPCA(k, svd_solver="full").fit(X)
    assert ours.n_components_ == ref.n_components_
    # components equal (same sign convention) to 1e-8, except those of the null
    # space of the centred data (rank ≤ n − 1), which are arbitrary
    r = int(np.sum(ref.explained_variance_ > 1e-10 * ref.explained_variance_[0]))
    np.testing.assert_allclose(ours.components_[:r], ref.components_[:r], atol=1e-8)
    np.testing.assert_allclose(ours.explained_variance_[:r], ref.explained_variance_[:r], rtol=1e-9)
    np.testing.assert_allclose(ours.explained_variance_ratio_[:r], ref.explained_variance_ratio_[:r], rtol=1e-9)
    np.testing.assert_allclose(ours.singular_values_[:r], ref.singular_values_[:r], rtol=1e-9)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(ours.transform(X)[:, :r], ref.transform(X)[:, :r], atol=1e-8)


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_digits])
def test_pca_embedded_datasets(loader):
    X = loader().data
    ours, ref = PCA(3).fit(X), SkPCA(3, svd_solver="full").fit(X)
    assert _max_principal_angle(ours.components_, ref.components_) < 1e-8
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-8)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-9)


def test_pca_covariance_route_falls_back_on_ill_conditioned_data():
    # Tall data whose 3rd component has variance 1e-14 of the first: eigh of XᵀX
    # could not resolve it, so "lapack" must take the SVD route and still agree.
    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 3)) * [1.0, 1e-3, 1e-7]
    ours, ref = PCA(svd_solver="lapack").fit(X), SkPCA(svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-8)
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-8)


@given(seed=st.integers(0, 2**16), n=st.integers(2, 700), d=st.integers(1, 40),
       offset=st.sampled_from([0.0, 1.0, 1e6]))
def test_pca_centred_scatter_equals_the_textbook_product(seed, n, d, offset):
    # the blocked, centred scatter (rank-one centring, rank-k updates) equals (X − 1μᵀ)ᵀ(X − 1μᵀ)
    # on its upper triangle, far from the origin too, and leaves X alone
    from mmlkit.models.decomposition import _centred_scatter

    X = np.random.default_rng(seed).normal(size=(n, d)) + offset
    before, mean = X.copy(), X.mean(axis=0)
    Xc = X - mean
    ref = Xc.T @ Xc
    got = _centred_scatter(X, mean)
    np.testing.assert_allclose(np.triu(got), np.triu(ref), rtol=1e-12, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_array_equal(X, before)


def test_pca_centred_scatter_on_threads_equals_one_thread(monkeypatch):
    import mmlkit._threads as threads
    from mmlkit.models import decomposition

    X = np.random.default_rng(7).normal(size=(3001, 12)) + 50.0
    mean = X.mean(axis=0)
    serial = decomposition._centred_scatter(X, mean)
    monkeypatch.setattr(decomposition, "_SCATTER_MIN_WORK", 1_000)
    monkeypatch.setattr(threads, "_n_cpus", lambda: 3)
    threaded = decomposition._centred_scatter(X, mean)
    np.testing.assert_allclose(np.triu(threaded), np.triu(serial), rtol=1e-13, atol=1e-13 * np.abs(serial).max())
    np.testing.assert_array_equal(threaded, decomposition._centred_scatter(X, mean))   # the same order every time
    ref = PCA(3, svd_solver="mmlkit").fit(X)
    got = PCA(3).fit(X)
    np.testing.assert_allclose(got.explained_variance_, ref.explained_variance_, rtol=1e-9)


@pytest.mark.parametrize(("seed", "n", "d", "offset"), [(0, 1000, 8, 0.0), (1, 2000, 40, 1e4), (2, 650, 64, 12.0)])
def test_pca_covariance_route_equals_the_svd_route(seed, n, d, offset):
    # tall data: the default takes eigh of the centred covariance; the textbook SVD of X̃ agrees
    X = _data(seed, n, d) + offset
    cov, svd = PCA(5).fit(X), PCA(5, svd_solver="mmlkit").fit(X)
    assert cov._fit_svd_solver == "lapack"
    np.testing.assert_allclose(cov.explained_variance_, svd.explained_variance_, rtol=1e-9)
    np.testing.assert_allclose(cov.components_, svd.components_, atol=1e-8)


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("seed", [0, 1])
def test_pca_transform_inverse_and_whitening(whiten, seed):
    X = _data(seed, 150, 6)
    Xn = _data(seed + 10, 20, 6)
    ours, ref = PCA(4, whiten=whiten).fit(X), SkPCA(4, whiten=whiten, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.transform(Xn), ref.transform(Xn), atol=1e-9)
    np.testing.assert_allclose(ours.fit_transform(X), ref.fit_transform(X), atol=1e-9)
    Z = ours.transform(Xn)
    np.testing.assert_allclose(ours.inverse_transform(Z), ref.inverse_transform(Z), atol=1e-9)
    if whiten:
        np.testing.assert_allclose(np.var(ours.transform(X), axis=0, ddof=1), 1.0, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pca_score_matches_sklearn(seed):
    X = _data(seed, 300, 7)
    for k in (2, 5, 7):
        ours, ref = PCA(k).fit(X), SkPCA(k, svd_solver="full").fit(X)
        np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-8)
        np.testing.assert_allclose(ours.score(X), ref.score(X), rtol=1e-8)
        np.testing.assert_allclose(ours.get_covariance(), ref.get_covariance(), atol=1e-9)
        np.testing.assert_allclose(ours.get_precision(), ref.get_precision(), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pca_mle_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(500, 3)) @ rng.normal(size=(3, 10)) + 0.1 * rng.normal(size=(500, 10))
    ours, ref = PCA("mle").fit(X), SkPCA("mle", svd_solver="full").fit(X)
    assert ours.n_components_ == ref.n_components_ == 3


@pytest.mark.parametrize(("seed", "n", "d", "k"), [(0, 2000, 50, 5), (1, 150, 400, 4), (2, 600, 40, 10)])
def test_pca_randomized_and_arpack_recover_the_subspace(seed, n, d, k):
    X = _lowrank(seed, n, d, k)
    ref = SkPCA(k, svd_solver="full").fit(X)
    for solver in ("randomized", "arpack"):
        ours = PCA(k, svd_solver=solver, random_state=seed).fit(X)
        assert _max_principal_angle(ours.components_, ref.components_) < 1e-6
        np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-8)
        np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-8)
        np.testing.assert_allclose(ours.noise_variance_, ref.noise_variance_, rtol=1e-7)
        np.testing.assert_allclose(np.abs(ours.components_), np.abs(ref.components_), atol=1e-6)


def test_pca_randomized_is_reproducible_and_matches_sklearn_randomized():
    X = _data(5, 600, 40)
    a = PCA(6, svd_solver="randomized", random_state=3).fit(X)
    b = PCA(6, svd_solver="randomized", random_state=3).fit(X)
    np.testing.assert_array_equal(a.components_, b.components_)
    for normaliser in ("QR", "LU", "none"):
        ours = PCA(6, svd_solver="randomized", power_iteration_normalizer=normaliser, random_state=0).fit(X)
        ref = SkPCA(6, svd_solver="randomized", power_iteration_normalizer=normaliser, random_state=0).fit(X)
        np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_, rtol=1e-6)


def test_pca_auto_solver_choices():
    assert PCA().fit(_data(0, 200, 10))._fit_svd_solver == "lapack"
    assert PCA(3).fit(_lowrank(0, 600, 80, 3))._fit_svd_solver == "randomized"
    assert PCA(0.5).fit(_lowrank(0, 600, 80, 3))._fit_svd_solver == "lapack"


def test_pca_does_not_modify_input_and_n_components_zero():
    X = _data(0, 50, 5)
    X0 = X.copy()
    Z = PCA(0).fit_transform(X)
    assert Z.shape == (50, 0)
    np.testing.assert_array_equal(X, X0)


@given(st.integers(0, 10_000), st.integers(3, 40), st.integers(1, 8))
def test_pca_properties(seed, n, d):
    """Orthonormal axes, decreasing variances, Eckart–Young reconstruction error."""
    X = np.random.default_rng(seed).normal(size=(n, d))
    pca = PCA().fit(X)
    W = pca.components_
    np.testing.assert_allclose(W @ W.T, np.eye(W.shape[0]), atol=1e-10)
    assert np.all(np.diff(pca.explained_variance_) <= 1e-12 * max(pca.explained_variance_[0], 1.0))
    np.testing.assert_allclose(pca.explained_variance_.sum() * (n - 1), ((X - X.mean(0)) ** 2).sum(), rtol=1e-9)
    k = max(1, pca.n_components_ // 2)
    pk = PCA(k).fit(X)
    err = ((X - pk.inverse_transform(pk.transform(X))) ** 2).sum()
    np.testing.assert_allclose(err, (pca.singular_values_[k:] ** 2).sum(), rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------------- PCA bad input
@pytest.mark.parametrize(("params", "match"), [
    ({"n_components": 10}, "n_components"),
    ({"n_components": -1}, "n_components"),
    ({"n_components": 1.5}, "n_components"),
    ({"n_components": "auto"}, "n_components"),
    ({"svd_solver": "full"}, "svd_solver"),
    ({"power_iteration_normalizer": "qr"}, "power_iteration_normalizer"),
    ({"n_oversamples": -1}, "n_oversamples"),
    ({"iterated_power": -2}, "iterated_power"),
    ({"tol": -1.0}, "tol"),
    ({"n_components": 0.5, "svd_solver": "randomized"}, "randomized"),
    ({"n_components": 5, "svd_solver": "arpack"}, "arpack"),
])
def test_pca_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        PCA(**params).fit(_data(0, 30, 5))


def test_pca_bad_input():
    with pytest.raises(ValueError, match="NaN|infinity"):
        PCA().fit([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(ValueError, match="n_components='mle'"):
        PCA("mle").fit(_data(0, 4, 6))
    pca = PCA(2).fit(_data(0, 30, 5))
    with pytest.raises(ValueError, match="features"):
        pca.transform(np.ones((3, 4)))
    with pytest.raises(ValueError, match="2 columns"):
        pca.inverse_transform(np.ones((3, 3)))
    with pytest.raises(NotFittedError):
        PCA().transform(np.ones((2, 2)))
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        PCA().fit(_data(0, 4, 6)).score(_data(0, 4, 6))


# ---------------------------------------------------------------------- KernelPCA oracle
@pytest.mark.parametrize(("kernel", "solver"), [
    (kernel, solver) for kernel in ("linear", "rbf", "poly", "sigmoid") for solver in ("dense", "arpack", "randomized")
    # scikit-learn's randomized solver selects eigenvalues by modulus and rejects this sigmoid spectrum
    if (kernel, solver) != ("sigmoid", "randomized")])
@pytest.mark.parametrize("seed", [0, 1])
def test_kernel_pca_matches_sklearn(kernel, solver, seed):
    X = _data(seed, 120, 5) / 3
    Xn = _data(seed + 5, 15, 5) / 3
    kw = dict(n_components=4, kernel=kernel, eigen_solver=solver, random_state=0, fit_inverse_transform=True)
    ours, ref = KernelPCA(**kw).fit(X), SkKernelPCA(**kw).fit(X)
    np.testing.assert_allclose(ours.eigenvalues_, ref.eigenvalues_, rtol=1e-8)
    tol = 1e-8 if solver != "randomized" else 1e-6
    # projections agree up to the sign of each component (both use the same flip convention)
    sign = np.sign(np.sum(ours.transform(Xn) * ref.transform(Xn), axis=0))
    np.testing.assert_allclose(ours.transform(Xn), ref.transform(Xn) * sign, atol=tol * 10)
    np.testing.assert_allclose(ours.fit_transform(X), ref.fit_transform(X) * sign, atol=tol * 10)
    Z = ref.transform(Xn) * sign
    np.testing.assert_allclose(ours.inverse_transform(Z), ref.inverse_transform(Z * sign), atol=1e-6)


def test_kernel_pca_precomputed_and_default_components():
    X = _data(3, 60, 4)
    K = X @ X.T
    ours = KernelPCA(kernel="precomputed").fit(K)
    ref = SkKernelPCA(kernel="precomputed").fit(K)
    assert ours.eigenvalues_.shape == ref.eigenvalues_.shape
    np.testing.assert_allclose(ours.eigenvalues_, ref.eigenvalues_, rtol=1e-8)
    np.testing.assert_allclose(np.abs(ours.transform(K[:5])), np.abs(ref.transform(K[:5])), atol=1e-7)


def test_kernel_pca_separates_circles():
    X, y = make_circles(300, factor=0.3, noise=0.05, random_state=0)
    Z = KernelPCA(1, kernel="rbf", gamma=5.0).fit_transform(X)[:, 0]
    assert min(Z[y == 0].max(), Z[y == 1].max()) < max(Z[y == 0].min(), Z[y == 1].min())


@given(st.integers(0, 10_000), st.integers(5, 40))
def test_kernel_pca_properties(seed, n):
    """Centred training projections, orthonormal eigenvectors, transform(X) = fit_transform(X)."""
    X = np.random.default_rng(seed).normal(size=(n, 3))
    kpca = KernelPCA(n_components=3, kernel="rbf", gamma=0.5).fit(X)
    V = kpca.eigenvectors_
    np.testing.assert_allclose(V.T @ V, np.eye(V.shape[1]), atol=1e-9)
    Z = kpca.transform(X)
    np.testing.assert_allclose(Z, kpca.eigenvectors_ * np.sqrt(kpca.eigenvalues_), atol=1e-8)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-9)
    assert np.all(np.diff(kpca.eigenvalues_) <= 1e-12)


def test_kernel_pca_bad_input():
    X = _data(0, 30, 4)
    for params, match in [({"kernel": "cosine"}, "kernel"), ({"eigen_solver": "lobpcg"}, "eigen_solver"),
                          ({"n_components": 0}, "n_components"), ({"gamma": -1.0}, "gamma"),
                          ({"alpha": -1.0}, "alpha"),
                          ({"kernel": "precomputed", "fit_inverse_transform": True}, "precomputed")]:
        with pytest.raises(ValueError, match=match):
            KernelPCA(**params).fit(X)
    with pytest.raises(ValueError, match="square"):
        KernelPCA(kernel="precomputed").fit(X)
    with pytest.raises(NotFittedError, match="fit_inverse_transform"):
        KernelPCA(2).fit(X).inverse_transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="negative eigenvalues"):
        KernelPCA(kernel="sigmoid", gamma=5.0, coef0=-3.0).fit(X)
