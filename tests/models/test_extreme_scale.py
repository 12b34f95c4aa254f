"""Scale-sensitive estimators at the ends of the float64 range (×2^±990, ×1e±300).

Each fit runs in exact power-of-two units (``mmlkit._scaling``), so a fit on
scaled data equals the unscaled fit converted back — exactly for a
power-of-two scale (every rescaled input is then bit-identical), to a few ulps
for 1e±300 (one rounding per input element) — or, where the model's own
parameters make the answer unrepresentable, raises a ValueError that says so.
"""

import warnings

import numpy as np
import pytest

from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import (
    TSNE,
    BayesianLinearRegression,
    ElasticNet,
    KernelRidge,
    KMeans,
    Lasso,
    LinearRegression,
    MLPRegressor,
    Ridge,
    SpectralClustering,
)

POW2 = [2.0**990, 2.0**-990]
DECIMAL = [1e300, 1e-300]


def _data(seed=0, n=30, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
    return X, y, rng.normal(size=(5, d))


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
@pytest.mark.parametrize("s", [2.0**510, 2.0**-510])
def test_enet_equivalent_problem_gives_the_same_coefficients(cls, s, seed):
    # (X·s, y·s) with α·s² is the same problem as (X, y, α): both penalty terms and the
    # loss scale by s², w is unchanged; the old code overflowed XᵀX at 2^510.
    X, y, _ = _data(seed)
    kw = dict(tol=1e-12, max_iter=10_000)
    ref = cls(alpha=0.05, **kw).fit(X, y)
    got = cls(alpha=0.05 * s * s, **kw).fit(X * s, y * s)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got.intercept_ / s, ref.intercept_, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got.predict(X * s) / s, ref.predict(X), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
@pytest.mark.parametrize("s", [2.0**990, 1e300])
def test_enet_large_data_fixed_alpha_is_least_squares(cls, s):
    # α fixed while the loss grows by s²: the penalty is negligible (relative size α/s² ≈ 0),
    # so the exact answer is the least-squares fit.
    X, y, _ = _data(2)
    Xc = X - X.mean(axis=0)
    ols = np.linalg.lstsq(Xc, y - y.mean(), rcond=None)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        got = cls(alpha=0.1, tol=1e-12, max_iter=10_000).fit(X * s, y * s)
    np.testing.assert_allclose(got.coef_, ols, rtol=1e-6)
    np.testing.assert_allclose(got.intercept_ / s, y.mean() - X.mean(axis=0) @ ols, rtol=1e-6, atol=1e-9)
    assert np.all(np.isfinite(got.predict(X * s)))


@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
@pytest.mark.parametrize("s", [2.0**-990, 1e-300])
def test_enet_tiny_data_fixed_alpha_is_all_zero(cls, s):
    # α fixed while the loss shrinks by s²: the penalty dominates, w = 0, b = mean(y).
    X, y, _ = _data(3)
    got = cls(alpha=0.1).fit(X * s, y * s)
    np.testing.assert_array_equal(got.coef_, 0.0)
    np.testing.assert_allclose(got.intercept_ / s, y.mean(), rtol=1e-12)


@pytest.mark.parametrize("s", POW2 + DECIMAL)
@pytest.mark.parametrize("kernel", ["rbf", "poly"])
def test_kernel_ridge_gamma_scale_is_scale_invariant(kernel, s):
    # gamma="scale" is 1/(d·Var X): the kernel of X·s equals the kernel of X, and the
    # dual coefficients and predictions scale with y.
    X, y, Xq = _data(4)
    kw = dict(alpha=0.1, kernel=kernel, gamma="scale", degree=2, coef0=1.0)
    ref = KernelRidge(**kw).fit(X, y)
    got = KernelRidge(**kw).fit(X * s, y * s)
    tol = 0 if s in POW2 else 1e-10
    np.testing.assert_allclose(got.predict(Xq * s) / s, ref.predict(Xq), rtol=tol, atol=tol)
    np.testing.assert_allclose(got.dual_coef_ / s, ref.dual_coef_, rtol=tol, atol=tol)


@pytest.mark.parametrize("s", [2.0**500, 2.0**-500])
def test_kernel_ridge_linear_equivalent_problem(s):
    # linear kernel: K grows by s², so α·s² is the same problem; coefficients of the primal
    # are unchanged and predictions scale by s.
    X, y, Xq = _data(5)
    ref = KernelRidge(alpha=0.1).fit(X, y)
    got = KernelRidge(alpha=0.1 * s * s).fit(X * s, y * s)
    np.testing.assert_allclose(got.predict(Xq * s) / s, ref.predict(Xq), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("s", POW2 + DECIMAL)
def test_kernel_ridge_precomputed_scales(s):
    X, y, Xq = _data(6)
    K, Kq = X @ X.T, Xq @ X.T
    ref = KernelRidge(alpha=0.5, kernel="precomputed").fit(K, y).predict(Kq)
    got = KernelRidge(alpha=0.5 * s, kernel="precomputed").fit(K * s, y).predict(Kq * s)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


def test_kernel_ridge_fixed_gamma_at_large_scale_is_finite_or_a_clear_error():
    X, y, Xq = _data(7)
    s = 1e300
    # rbf with γ fixed: off-diagonal kernel entries are exactly 0 at this scale, K = I
    model = KernelRidge(alpha=0.1, kernel="rbf", gamma=1.0).fit(X * s, y)
    np.testing.assert_allclose(model.dual_coef_, y / 1.1, rtol=1e-12)
    np.testing.assert_array_equal(model.predict(Xq * s), 0.0)   # far from every training point
    with pytest.raises(ValueError, match="overflows.*StandardScaler"):
        KernelRidge(alpha=0.1, kernel="poly", gamma=1.0).fit(X * s, y)


_NO_HYPERPRIOR = dict(alpha_1=0.0, alpha_2=0.0, lambda_1=0.0, lambda_2=0.0, compute_score=True)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("s", POW2 + DECIMAL)
def test_bayesian_linear_regression_is_scale_equivariant(s, seed):
    # With scale-free (flat) hyperpriors, α ∝ 1/y², λ ∝ x²/y², Σ ∝ y²/x²: the fit on
    # (X·s, y·s) is the fit on (X, y) with those unit changes.
    X, y, Xq = _data(seed, n=40, d=3)
    ref = BayesianLinearRegression(**_NO_HYPERPRIOR).fit(X, y)
    got = BayesianLinearRegression(**_NO_HYPERPRIOR).fit(X * s, y * s)
    # 1e±300: one rounding per input element, amplified by the evidence fixed point
    tol = 0 if s in POW2 else 1e-8
    rm, rs = ref.predict(Xq, return_std=True)
    gm, gs = got.predict(Xq * s, return_std=True)
    np.testing.assert_allclose(gm / s, rm, rtol=tol, atol=tol)
    np.testing.assert_allclose(gs / s, rs, rtol=tol, atol=tol)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=tol, atol=tol)
    assert got.n_iter_ == ref.n_iter_
    n = len(y)
    np.testing.assert_allclose(got.log_marginal_likelihood_, ref.log_marginal_likelihood_ - n * np.log(s),
                               rtol=1e-12)


def test_bayesian_linear_regression_unrepresentable_posterior_is_a_clear_error():
    # the default Gamma rate 1e-6 on the noise precision dwarfs a variance of 1e-600
    X, y, _ = _data(8)
    with pytest.raises(ValueError, match="hyperpriors.*StandardScaler"):
        BayesianLinearRegression().fit(X * 1e-300, y * 1e-300)
    # and the default works at large scale (the hyperpriors are then negligible)
    pred = BayesianLinearRegression().fit(X * 1e300, y * 1e300).predict(X * 1e300)
    assert np.all(np.isfinite(pred))


@pytest.mark.parametrize(("sx", "sy"), [(1e300, 1.0), (1.0, 1e300), (2.0**990, 2.0**990)])
def test_mlp_regressor_overflow_is_a_clear_error(sx, sy):
    # A network is not scale-equivariant; where its arithmetic overflows it must say so.
    X, y, _ = _data(9)
    with pytest.raises(ValueError, match="StandardScaler"):
        MLPRegressor((8,), max_iter=20, random_state=0).fit(X * sx, y * sy)


def test_mlp_regressor_predict_overflow_is_a_clear_error():
    X, y, _ = _data(10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPRegressor((8,), max_iter=20, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="overflows"):
        model.predict(np.full((2, X.shape[1]), 1.7e308) * np.sign(model.coefs_[0][:, :1].T))


def test_mlp_regressor_tiny_data_gives_finite_predictions():
    X, y, _ = _data(11)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pred = MLPRegressor((8,), max_iter=20, random_state=0).fit(X * 1e-300, y * 1e-300).predict(X * 1e-300)
    assert np.all(np.isfinite(pred))


@pytest.mark.parametrize("s", POW2 + DECIMAL)
def test_tsne_embedding_is_scale_invariant(s):
    X, _, _ = _data(12, n=25, d=5)
    kw = dict(perplexity=5.0, max_iter=250, random_state=0)
    ref = TSNE(**kw).fit(X)
    got = TSNE(**kw).fit(X * s)
    assert np.all(np.isfinite(got.embedding_))
    if s in POW2:   # X·2^k rescales to the very same array: the same embedding bit for bit
        np.testing.assert_array_equal(got.embedding_, ref.embedding_)
    else:           # one rounding per input element; the descent is chaotic, its optimum is not
        assert abs(got.kl_divergence_ - ref.kl_divergence_) <= 0.05 * ref.kl_divergence_


@pytest.mark.parametrize("s", POW2 + DECIMAL)
@pytest.mark.parametrize("make", [lambda: LinearRegression(solver="normal"), lambda: LinearRegression(solver="qr"),
                                  lambda: LinearRegression(solver="svd"), lambda: LinearRegression(solver="gd"),
                                  lambda: Ridge(alpha=0.0), lambda: Ridge(alpha=0.0, solver="svd")],
                         ids=["normal", "qr", "svd", "gd", "ridge-cholesky", "ridge-svd"])
def test_least_squares_at_any_scale(make, s):
    """(X·s, y·s): the same coefficients and s times the intercept (the normal equations overflowed at 1e300)."""
    X, y, _ = _data(3, n=40, d=3)
    ref = make().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = make().fit(X * s, y * s)
    rtol = 1e-8 if isinstance(got, LinearRegression) and got.solver == "gd" else 1e-12
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=rtol)
    np.testing.assert_allclose(got.intercept_ / s, ref.intercept_, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("s", [2.0**500, 2.0**-500])   # α·s² stays a float64
def test_ridge_penalty_follows_the_scale_of_x(s):
    """Ridge on (X·s, y·s) with α·s² is the unscaled problem; with α fixed and tiny X, w = 0 exactly."""
    X, y, _ = _data(4, n=40, d=3)
    ref = Ridge(alpha=2.5).fit(X, y)
    got = Ridge(alpha=2.5 * s * s).fit(X * s, y * s)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=1e-12)
    tiny = Ridge(alpha=2.5).fit(X * 2.0**-990, y * 2.0**-990)
    assert np.all(tiny.coef_ == 0.0) and tiny.intercept_ == pytest.approx(np.mean(y) * 2.0**-990, rel=1e-12)


# ----------------------------------------------------------------------------- clustering
# k-means and spectral clustering fit in exact power-of-two units: at 2^±900 every rescaled input is
# bit-identical to the unscaled one up to a power of two, so the runs are the same run; at 1e±300 each
# input element is rounded once, and the labels must still agree (the blobs have clear margins).
SCALES_900 = [2.0**900, 2.0**-900]


def _blobs(seed=0, n=240, d=3, k=4):
    from mmlkit.datasets import make_blobs

    return make_blobs(n, n_features=d, centers=k, cluster_std=1.0, random_state=seed)[0]


def _kmeans_pair(X, s, init, seed):
    if init != "array":
        # several seedings at 2^±900 (the runs are the same runs); one at 1e±300, where two seedings
        # that find the same partition differ in inertia only by rounding, and either may be kept
        kw = dict(init=init, n_init=3 if s in SCALES_900 else 1, random_state=seed)
        return KMeans(4, **kw).fit(X), KMeans(4, **kw).fit(X * s)
    start = X[np.random.default_rng(seed).choice(len(X), 4, replace=False)]
    return KMeans(4, init=start).fit(X), KMeans(4, init=start * s).fit(X * s)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("init", ["k-means++", "k-means||", "random", "array"])
@pytest.mark.parametrize("s", SCALES_900 + DECIMAL)
def test_kmeans_is_scale_equivariant(s, init, seed):
    """Same random_state (or the given centres, scaled): same labels and n_iter, centres times s,
    distances times s; exact at 2^±900 (k-means++'s draws pick the same rows)."""
    X = _blobs(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ref, got = _kmeans_pair(X, s, init, seed)
        D = got.transform(X * s)
        labels = got.predict(X * s)
    np.testing.assert_array_equal(got.labels_, ref.labels_)
    np.testing.assert_array_equal(labels, ref.labels_)
    assert got.n_iter_ == ref.n_iter_
    if s in SCALES_900:
        np.testing.assert_array_equal(got.cluster_centers_, ref.cluster_centers_ * s)
        np.testing.assert_array_equal(D, ref.transform(X) * s)
    else:
        np.testing.assert_allclose(got.cluster_centers_ / s, ref.cluster_centers_, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(D / s, ref.transform(X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("s", [2.0**400, 2.0**-400])
def test_kmeans_inertia_and_score_scale_by_s_squared(s):
    """Where s²·inertia is a float64 it is exactly that (the inertia of X·s)."""
    X = _blobs(2)
    ref = KMeans(4, random_state=0).fit(X)
    got = KMeans(4, random_state=0).fit(X * s)
    assert got.inertia_ == ref.inertia_ * s * s
    assert got.score(X * s) == ref.score(X) * s * s


@pytest.mark.parametrize("s", [1e300, 2.0**900])
def test_kmeans_inertia_beyond_float64_is_inf(s):
    """At 1e300 the true inertia (~1e600) is beyond float64: inf, as documented, with the labels right."""
    X = _blobs(3)
    got = KMeans(4, random_state=0).fit(X * s)
    assert got.inertia_ == np.inf and got.score(X * s) == -np.inf
    np.testing.assert_array_equal(got.labels_, KMeans(4, random_state=0).fit(X).labels_)
    assert np.all(np.isfinite(got.transform(X * s)))


@pytest.mark.parametrize("s", SCALES_900 + DECIMAL)
def test_spectral_nearest_neighbors_is_scale_invariant(s):
    X = _blobs(4, n=150, d=2, k=3)
    kw = dict(n_clusters=3, affinity="nearest_neighbors", n_neighbors=8, random_state=0)
    ref = SpectralClustering(**kw).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = SpectralClustering(**kw).fit(X * s)
    np.testing.assert_array_equal(got.labels_, ref.labels_)


@pytest.mark.parametrize("s", [2.0**500, 2.0**-500])   # γ/s² stays a normal float64
def test_spectral_rbf_gamma_in_units_of_one_over_x_squared(s):
    """(X·s, γ/s²) is the same graph, bit for bit, and so the same labels."""
    X = _blobs(5, n=120, d=2, k=3)
    ref = SpectralClustering(3, gamma=0.5, random_state=0).fit(X)
    got = SpectralClustering(3, gamma=0.5 / (s * s), random_state=0).fit(X * s)
    np.testing.assert_array_equal(got.affinity_matrix_, ref.affinity_matrix_)
    np.testing.assert_array_equal(got.labels_, ref.labels_)


@pytest.mark.parametrize(("s", "match"), [(1e300, "too large"), (2.0**900, "too large"),
                                          (1e-300, "too small"), (2.0**-900, "too small")])
def test_spectral_rbf_graph_without_information_is_a_clear_error(s, match):
    """γ = 1 at ×1e300: every affinity between distinct points is exp(−1e600) = 0 (no edges); at
    ×1e-300 every one rounds to 1. Either way the labels would be arbitrary: a ValueError naming gamma."""
    X = _blobs(6, n=60, d=2, k=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match=f"gamma=1.0 is {match}"):
            SpectralClustering(3, random_state=0).fit(X * s)
