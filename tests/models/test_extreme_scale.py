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
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit, softmax

from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import (
    PCA,
    SVC,
    TSNE,
    BayesianLinearRegression,
    ElasticNet,
    KernelPCA,
    KernelRidge,
    KMeans,
    Lasso,
    LinearRegression,
    LogisticRegression,
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
    # the hidden unit with the largest Σ|wᵢ|: ±1.7e308 along its weights' signs overflows its input
    W = model.coefs_[0]
    j = int(np.argmax(np.abs(W).sum(axis=0)))
    assert np.abs(W[:, j]).sum() > 1.1
    with pytest.raises(ValueError, match="overflows"):
        model.predict(np.full((2, X.shape[1]), 1.7e308) * np.sign(W[:, j]))


def test_mlp_regressor_tiny_data_gives_finite_predictions():
    X, y, _ = _data(11)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pred = MLPRegressor((8,), max_iter=20, random_state=0).fit(X * 1e-300, y * 1e-300).predict(X * 1e-300)
    assert np.all(np.isfinite(pred))


@pytest.mark.parametrize("method", ["barnes_hut", "exact"])
@pytest.mark.parametrize("s", POW2 + DECIMAL)
def test_tsne_embedding_is_scale_invariant(s, method):
    X, _, _ = _data(12, n=25, d=5)
    kw = dict(perplexity=5.0, max_iter=250, random_state=0, method=method)
    ref = TSNE(**kw).fit(X)
    got = TSNE(**kw).fit(X * s)
    assert np.all(np.isfinite(got.embedding_))
    if s in POW2:   # X·2^k rescales to the very same array: the same embedding bit for bit
        np.testing.assert_array_equal(got.embedding_, ref.embedding_)
    else:           # one rounding per input element; the descent is chaotic, its optimum is not: after
        # 250 iterations, relative perturbations of 1e-15 alone spread this KL over 1.8–2.6 (exact) and
        # 2.1–3.0 (Barnes-Hut), so a 35% band; an overflow or underflow gives inf, nan or a far larger KL
        assert abs(got.kl_divergence_ - ref.kl_divergence_) <= 0.35 * ref.kl_divergence_


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


# ---------------------------------------------------------------------------- SVC
# SVC fits X·s as X / 2^e (exact) with the kernel and box of the same dual problem (SVC._in_units).
SVC_POW2 = [2.0**900, 2.0**-900]


def _svc_data(seed=8, n=40, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = (X[:, 0] + 0.3 * rng.normal(size=n) > 0).astype(int)
    return X, y, rng.normal(size=(7, d))


@pytest.mark.parametrize("s", SVC_POW2 + DECIMAL)
@pytest.mark.parametrize("kw", [dict(kernel="rbf"), dict(kernel="poly", degree=2, coef0=1.0),
                                dict(kernel="poly", degree=3), dict(kernel="sigmoid", coef0=0.1)],
                         ids=["rbf", "poly2", "poly3", "sigmoid"])
def test_svc_gamma_scale_is_scale_invariant(kw, s):
    # gamma="scale" = 1/(d·Var X): γ‖x − z‖² and γ xᵀz are unchanged by X → X·s, so the kernel, the dual
    # solution and the decision function are those of the unscaled fit: bit for bit at a power of two; at
    # 1e±300 (one rounding per entry) SMO may take another path to a point within tol of the optimum, so
    # there both solve to tol = 1e-10 and agree to ~1e-8.
    X, y, Xq = _svc_data()
    tol = 0 if s in SVC_POW2 else 1e-7
    params = dict(kw, tol=1e-3 if s in SVC_POW2 else 1e-10)
    ref, got = SVC(**params).fit(X, y), SVC(**params).fit(X * s, y)
    np.testing.assert_array_equal(got.support_, ref.support_)
    np.testing.assert_array_equal(got.predict(Xq * s), ref.predict(Xq))
    np.testing.assert_allclose(got.decision_function(Xq * s), ref.decision_function(Xq), rtol=tol, atol=tol)
    np.testing.assert_allclose(got.dual_coef_, ref.dual_coef_, rtol=tol, atol=tol)
    np.testing.assert_allclose(got.support_vectors_, ref.support_vectors_ * s, rtol=1e-15)


@pytest.mark.parametrize(("kernel", "j"), [("linear", 500), ("linear", -500), ("poly", 150), ("poly", -150)])
def test_svc_homogeneous_kernel_equivalent_problem(kernel, j):
    # K(X·s) = s^(2·degree) K(X) for the linear kernel and poly with coef0 = 0, so SVC(X·s, C) is
    # SVC(X, C·s^(2·degree)) with α scaled by s^(−2·degree) and the same decision function.
    X, y, Xq = _svc_data(9)
    s, p = 2.0**j, 1 if kernel == "linear" else 3
    kw = dict(kernel=kernel, degree=p, gamma=0.5)
    ref = SVC(C=0.5, **kw).fit(X, y)
    got = SVC(C=0.5 * 2.0 ** (-2 * j * p), **kw).fit(X * s, y)
    np.testing.assert_array_equal(got.support_, ref.support_)
    np.testing.assert_array_equal(got.decision_function(Xq * s), ref.decision_function(Xq))
    np.testing.assert_array_equal(got.dual_coef_ * 2.0 ** (2 * j * p), ref.dual_coef_)
    if kernel == "linear":
        np.testing.assert_array_equal(got.coef_ * s, ref.coef_)
        np.testing.assert_array_equal(got.intercept_, ref.intercept_)


@pytest.mark.parametrize("s", [2.0**900, 1e300])
def test_svc_linear_large_data_is_the_hard_margin_svm(s):
    # C fixed while the margin term shrinks by s²: on separable data the answer is the hard-margin SVM,
    # which SVC(C = 10⁸) on the unscaled data also finds (no α reaches its bound).
    X, y, Xq = _svc_data(10)
    X = X + np.where(y[:, None] == 1, 2.0, -2.0) * np.array([1.0, 0.0, 0.0])
    ref = SVC(kernel="linear", C=1e8, tol=1e-10).fit(X, y)
    got = SVC(kernel="linear", tol=1e-10).fit(X * s, y)
    assert np.abs(ref.dual_coef_).max() < 1e8
    np.testing.assert_array_equal(got.support_, ref.support_)
    np.testing.assert_allclose(got.decision_function(Xq * s), ref.decision_function(Xq), rtol=1e-7, atol=1e-7)
    np.testing.assert_allclose(got.coef_ * s, ref.coef_, rtol=1e-7)


@pytest.mark.parametrize("s", [2.0**-900, 1e-300])
def test_svc_linear_tiny_data_puts_every_alpha_at_its_bound(s):
    # C fixed while the margin term grows by s⁻²: every αᵢ = C (balanced classes), the labels are those
    # of any C small enough for the same (here C = 1e-9 on the unscaled data).
    X, y, Xq = _svc_data(11)
    y = np.arange(X.shape[0]) % 2
    got = SVC(kernel="linear").fit(X * s, y)
    ref = SVC(kernel="linear", C=1e-9).fit(X, y)
    np.testing.assert_array_equal(np.abs(got.dual_coef_), 1.0)
    np.testing.assert_array_equal(got.support_, ref.support_)
    np.testing.assert_array_equal(got.predict(Xq * s), ref.predict(Xq))


@pytest.mark.parametrize("s", [2.0**900, 1e300])
def test_svc_rbf_fixed_gamma_at_large_scale_is_the_identity_kernel(s):
    # γ fixed in units of 1/X²: at this scale exp(−γ‖x − z‖²) is exactly 0 between distinct points, K = I;
    # the same problem as any γ that large on the unscaled data.
    X, y, Xq = _svc_data(12)
    got = SVC(gamma=0.1).fit(X * s, y)
    ref = SVC(gamma=1e6).fit(X, y)
    np.testing.assert_array_equal(got.support_, ref.support_)
    np.testing.assert_array_equal(got.dual_coef_, ref.dual_coef_)
    np.testing.assert_array_equal(got.decision_function(Xq * s), ref.decision_function(Xq))


def test_svc_precomputed_kernel_scales():
    X, y, Xq = _svc_data(13)
    K, Kq = X @ X.T, Xq @ X.T
    ref = SVC(C=0.5, kernel="precomputed").fit(K, y)
    for s in (2.0**1000, 2.0**-1000):
        got = SVC(C=0.5 / s, kernel="precomputed").fit(K * s, y)
        np.testing.assert_array_equal(got.support_, ref.support_)
        np.testing.assert_array_equal(got.decision_function(Kq * s), ref.decision_function(Kq))


def test_svc_kernel_beyond_float64_is_a_clear_error():
    X, y, _ = _svc_data(14)
    with pytest.raises(ValueError, match="overflows float64.*StandardScaler"):
        SVC(kernel="poly", degree=3, gamma=1e200, coef0=1.0).fit(X, y)


# ------------------------------------------------------------------ GaussianNB
SCALES = [2.0**900, 2.0**-900, 1e300, 1e-300]


def _nb_classes(seed=0, n=60, d=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 2.0, 0.5]
    y = np.where(X[:, 0] + rng.normal(size=n) > 0, 1, 0) + np.where(X[:, 1] > 1.5, 1, 0)
    return X, y


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("s", SCALES)
def test_gaussian_nb_is_scale_equivariant(s, seed):
    # fit(X·s) = fit(X) mapped: θ·s, σ²·s² (inf/0 where that has no float64), the same labels and
    # posteriors, and joint log-likelihoods lower by d·log s; scikit-learn is the oracle unscaled.
    from sklearn.naive_bayes import GaussianNB as SkGaussianNB

    from mmlkit.models import GaussianNB

    X, y = _nb_classes(seed)
    ref = SkGaussianNB().fit(X, y)
    got = GaussianNB().fit(X * s, y)
    np.testing.assert_allclose(got.theta_ / s, ref.theta_, rtol=1e-13, atol=1e-15)
    assert np.all(got.var_ == (np.inf if s > 1 else 0.0)) and got.epsilon_ == (np.inf if s > 1 else 0.0)
    np.testing.assert_array_equal(got.predict(X * s), ref.predict(X))
    # the posteriors carry one rounding of the offset d·log s (≈ 2e3): 1e-12 absolute
    np.testing.assert_allclose(got.predict_proba(X * s), ref.predict_proba(X), rtol=0, atol=1e-12)
    jll = got.predict_joint_log_proba(X * s) + X.shape[1] * np.log(s)
    np.testing.assert_allclose(jll, ref.predict_joint_log_proba(X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [2, 3])
def test_gaussian_nb_power_of_two_scales_give_the_same_means(seed):
    from mmlkit.models import GaussianNB

    X, y = _nb_classes(seed)
    a, b = GaussianNB().fit(np.ldexp(X, 900), y), GaussianNB().fit(np.ldexp(X, -900), y)
    np.testing.assert_array_equal(a.theta_, np.ldexp(b.theta_, 1800))      # bit for bit: exact units
    np.testing.assert_array_equal(a.predict(np.ldexp(X, 900)), b.predict(np.ldexp(X, -900)))
    np.testing.assert_allclose(a.predict_proba(np.ldexp(X, 900)), b.predict_proba(np.ldexp(X, -900)), atol=1e-12)


@pytest.mark.parametrize(("s1", "s2"), [(1.0, 1e300), (1e-300, 1.0), (2.0**-900, 2.0**900), (1e300, 1e300),
                                        (1e-300, 1e-300)])
def test_gaussian_nb_partial_fit_across_scales_equals_one_fit(s1, s2):
    # The running per-class variances are kept as v·4^E, E the largest batch's units, merged by Chan's update.
    from mmlkit.models import GaussianNB

    X, y = _nb_classes(4, n=90)
    X = np.vstack([X[:40] * s1, X[40:] * s2])
    whole = GaussianNB().fit(X, y)
    parts = GaussianNB().partial_fit(X[:40], y[:40], classes=[0, 1, 2]).partial_fit(X[40:70], y[40:70])
    parts.partial_fit(X[70:], y[70:])
    np.testing.assert_allclose(parts.theta_, whole.theta_, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(np.isinf(parts.var_), np.isinf(whole.var_))
    np.testing.assert_allclose(parts.var_, whole.var_, rtol=1e-12)
    np.testing.assert_array_equal(parts.predict(X), whole.predict(X))
    np.testing.assert_allclose(parts.predict_proba(X), whole.predict_proba(X), atol=1e-12)


# ------------------------------------------------------------- GaussianMixture
def _mixture_data(seed=0, n=150):
    # Three overlapping clusters, so the posteriors are not all 0 or 1 and a wrong scale shows.
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [2.0, 1.0], [-1.0, 2.5]])
    return centres[rng.integers(0, 3, n)] + rng.normal(size=(n, 2)) * [1.0, 0.7]


def _gm(**kw):
    from mmlkit.models import GaussianMixture

    return GaussianMixture(3, **(dict(random_state=0, tol=1e-10, max_iter=500) | kw))


COVARIANCE_TYPES = ["full", "tied", "diag", "spherical"]


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("s", SCALES)
def test_gaussian_mixture_is_scale_equivariant(s, covariance_type):
    # reg_covar is an absolute floor in units of X²: at 2^±900 and 1e±300 ... ·s² it is 0 against the
    # data's variance, so fit(X·s, reg_covar=r·s²) is fit(X, reg_covar=r) mapped; r = 0 here (r·s² has
    # no float64 at 1e±300). Means ·s, covariances ·s² (inf/0 where beyond float64), precision factors /s,
    # the same labels and posteriors, log densities lower by d·log s.
    X = _mixture_data(1)
    ref = _gm(covariance_type=covariance_type, reg_covar=0.0).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)              # nothing overflows inside the fit
        got = _gm(covariance_type=covariance_type, reg_covar=0.0).fit(X * s)
        assert got.n_iter_ == ref.n_iter_
        np.testing.assert_allclose(got.weights_, ref.weights_, rtol=1e-9)
        np.testing.assert_allclose(got.means_ / s, ref.means_, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(got.precisions_cholesky_ * s, ref.precisions_cholesky_, rtol=1e-9, atol=1e-12)
        big, small = (got.covariances_, got.precisions_) if s > 1 else (got.precisions_, got.covariances_)
        ref_big, ref_small = (ref.covariances_, ref.precisions_) if s > 1 else (ref.precisions_, ref.covariances_)
        np.testing.assert_array_equal(big, np.sign(ref_big) * np.inf)   # σ²·s² or Λ/s²: beyond float64
        np.testing.assert_array_equal(small, 0.0 * ref_small)
        np.testing.assert_array_equal(got.predict(X * s), ref.predict(X))
        np.testing.assert_allclose(got.predict_proba(X * s), ref.predict_proba(X), rtol=0, atol=1e-9)
        shift = X.shape[1] * np.log(s)
        np.testing.assert_allclose(got.score_samples(X * s) + shift, ref.score_samples(X), rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(got.score(X * s) + shift, ref.score(X), rtol=1e-10)
        np.testing.assert_allclose(got.lower_bound_ + shift, ref.lower_bound_, rtol=1e-10)
        Xs, ys = got.sample(50)
        np.testing.assert_allclose(Xs / s, ref.sample(50)[0], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gaussian_mixture_power_of_two_scales_are_bit_identical(covariance_type):
    # X·2^900 and X·2^-900 are the same numbers in units: the fits agree bit for bit, mapped by 2^1800.
    X = _mixture_data(2)
    a = _gm(covariance_type=covariance_type).fit(np.ldexp(X, 900))
    b = _gm(covariance_type=covariance_type, reg_covar=0.0).fit(np.ldexp(X, -900))
    np.testing.assert_array_equal(a.means_, np.ldexp(b.means_, 1800))
    np.testing.assert_array_equal(a.precisions_cholesky_, np.ldexp(b.precisions_cholesky_, -1800))
    np.testing.assert_array_equal(a.predict_proba(np.ldexp(X, 900)), b.predict_proba(np.ldexp(X, -900)))


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("k", [-300, 300])
def test_gaussian_mixture_reg_covar_follows_the_scale(k, covariance_type):
    # reg_covar·s² is representable at s = 2^±300: fit(X·s, reg_covar·s²) is fit(X, reg_covar) mapped.
    X = _mixture_data(3)
    s = 2.0**k
    ref = _gm(covariance_type=covariance_type, reg_covar=0.05).fit(X)
    got = _gm(covariance_type=covariance_type, reg_covar=0.05 * s * s).fit(X * s)
    np.testing.assert_allclose(got.means_ / s, ref.means_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.covariances_ / (s * s), ref.covariances_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.predict_proba(X * s), ref.predict_proba(X), atol=1e-9)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_gaussian_mixture_tiny_data_default_reg_covar_matches_sklearn(covariance_type):
    # At 1e-300 the default reg_covar = 1e-6 dwarfs the data's variance (1e-600): every covariance is
    # reg_covar·I, as scikit-learn computes it directly. From the same start both agree.
    from sklearn.mixture import GaussianMixture as SkGaussianMixture

    from mmlkit.models import GaussianMixture

    X = _mixture_data(4) * 1e-300
    means = X[[0, 1, 2]]
    shape = {"full": (3, 2, 2), "tied": (2, 2), "diag": (3, 2), "spherical": (3,)}[covariance_type]
    precisions = {"full": np.tile(np.eye(2), (3, 1, 1)) * 1e6, "tied": np.eye(2) * 1e6}.get(
        covariance_type, np.full(shape, 1e6))
    kw = dict(covariance_type=covariance_type, means_init=means, weights_init=[0.3, 0.3, 0.4],
              precisions_init=precisions, max_iter=5, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning

        warnings.simplefilter("ignore", SkConvergenceWarning)
        ref = SkGaussianMixture(3, **kw).fit(X)
        got = GaussianMixture(3, **kw).fit(X)
    np.testing.assert_allclose(got.covariances_, ref.covariances_, rtol=1e-12)
    np.testing.assert_allclose(got.means_, ref.means_, rtol=1e-9)
    np.testing.assert_allclose(got.weights_, ref.weights_, rtol=1e-9)


@pytest.mark.parametrize("s", [1e300, 2.0**-900])
def test_gaussian_mixture_warm_start_at_extreme_scale(s):
    # A warm start converts the last fit's parameters (Σ·s² may be inf) into the new X's units.
    X = _mixture_data(5)
    ref = _gm(reg_covar=0.0, max_iter=60, warm_start=True)
    got = _gm(reg_covar=0.0, max_iter=60, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(2):                            # the second fit continues from the first's parameters
            ref.fit(X)
            got.fit(X * s)
            assert got.n_iter_ == ref.n_iter_
            np.testing.assert_allclose(got.means_ / s, ref.means_, rtol=1e-8)
            np.testing.assert_allclose(got.lower_bound_ + 2 * np.log(s), ref.lower_bound_, rtol=1e-10)



def test_gaussian_mixture_warm_start_into_units():
    # X·2^254 is fitted as given (within 2^±256); one far row moves the next fit to units of 2^259:
    # the warm start's parameters are converted, and the sequence equals the one at scale 1, mapped.
    X = _mixture_data(7)
    X2 = np.vstack([X, [[30.0, 30.0]]])
    s = 2.0**254
    ref = _gm(reg_covar=1e-2, max_iter=40, warm_start=True)
    got = _gm(reg_covar=1e-2 * s * s, max_iter=40, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for data in (X, X2, X):
            ref.fit(data)
            got.fit(data * s)
            assert got.n_iter_ == ref.n_iter_
            np.testing.assert_allclose(got.means_ / s, ref.means_, rtol=1e-8)
            np.testing.assert_allclose(got.covariances_ / (s * s), ref.covariances_, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("s", [1e300, 1e-300])
def test_gaussian_mixture_precisions_init_in_units(s):
    # means_init/precisions_init are in X's units; they are converted with X (precisions·s⁻² must be a float64:
    # at 1e±300 they are not, so the spherical precisions here are chosen at ±2^-300 relative).
    X = _mixture_data(6)
    t = 2.0**300 if s > 1 else 2.0**-300
    kw = dict(covariance_type="spherical", weights_init=[0.3, 0.3, 0.4], reg_covar=0.0, max_iter=3, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = _gm(means_init=X[:3], precisions_init=np.ones(3), **kw).fit(X)
        got = _gm(means_init=X[:3] * t, precisions_init=np.ones(3) / (t * t), **kw).fit(X * t)
    np.testing.assert_allclose(got.means_ / t, ref.means_, rtol=1e-10)
    np.testing.assert_allclose(got.covariances_ / (t * t), ref.covariances_, rtol=1e-10)
    with pytest.raises(ValueError, match="precisions_init"):   # Λ = 1 at X·1e±300 is 4^∓997 in units: no float64
        _gm(means_init=X[:3] * s, precisions_init=np.ones(3), **kw).fit(X * s)


@pytest.mark.parametrize("s", SCALES)
def test_gaussian_nb_large_batch_is_scale_equivariant(s):
    # A batch over 2^15 entries takes its plain moments first and redoes them in units when they overflowed.
    from sklearn.naive_bayes import GaussianNB as SkGaussianNB

    from mmlkit.models import GaussianNB

    X, y = _nb_classes(5, n=12_000)
    ref = SkGaussianNB().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = GaussianNB().fit(X * s, y)
        np.testing.assert_allclose(got.theta_ / s, ref.theta_, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(got.predict_proba(X[:500] * s), ref.predict_proba(X[:500]), rtol=0, atol=1e-11)

def _unit_data(seed, n=40, d=4):
    """Data with max |X| in [1/2, 1): the fit's own units, so X·2^k rescales to X itself, bit for bit."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.linspace(2.0, 0.3, d)
    return np.ldexp(X, -int(np.frexp(np.abs(X).max())[1]))


_PCA_SOLVERS = [dict(svd_solver="lapack"), dict(svd_solver="lapack", n=20), dict(svd_solver="mmlkit"),
                dict(svd_solver="randomized", n_components=2), dict(svd_solver="arpack", n_components=2)]
_PCA_IDS = ["covariance", "svd", "mmlkit", "randomized", "arpack"]


def _pca_pair(kw, s, whiten, seed=0):
    kw = dict(kw)
    X = _unit_data(seed, n=kw.pop("n", 60))
    make = lambda: PCA(whiten=whiten, random_state=0, **kw)   # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        return X, make().fit(X), make().fit(X * s)


@pytest.mark.parametrize("whiten", [False, True])
@pytest.mark.parametrize("s", POW2 + DECIMAL)
@pytest.mark.parametrize("kw", _PCA_SOLVERS, ids=_PCA_IDS)
def test_pca_is_scale_equivariant(kw, s, whiten):
    """PCA of X·s: the same axes, ratios and whitened projections; projections, means and
    σ scale by s, log-likelihoods shift by −d·log s; inverse_transform maps back."""
    X, ref, got = _pca_pair(kw, s, whiten)
    d = X.shape[1]
    exact = s in POW2
    tol = dict(rtol=0, atol=0) if exact else dict(rtol=1e-9, atol=1e-12)
    scale = 1.0 if whiten else s
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        Z = got.transform(X * s)
        np.testing.assert_allclose(Z / scale, ref.transform(X), **tol)
        np.testing.assert_allclose(got.inverse_transform(Z) / s, ref.inverse_transform(ref.transform(X)), **tol)
        # d·log s ≈ ±2763 is added back: its rounding bounds the absolute error
        np.testing.assert_allclose(got.score_samples(X * s) + d * np.log(s), ref.score_samples(X), rtol=1e-12,
                                   atol=64 * np.finfo(float).eps * d * abs(np.log(s)))
    np.testing.assert_allclose(got.components_, ref.components_, **tol)
    np.testing.assert_allclose(got.explained_variance_ratio_, ref.explained_variance_ratio_, **tol)
    np.testing.assert_allclose(got.singular_values_ / s, ref.singular_values_, **tol)
    np.testing.assert_allclose(got.mean_ / s, ref.mean_, **tol)
    # λ·s² lies beyond float64 here (1e±600): it saturates to inf or 0, as any float64 overflow does
    assert np.all(got.explained_variance_ == (np.inf if s > 1 else 0.0))


@pytest.mark.parametrize("kw", _PCA_SOLVERS, ids=_PCA_IDS)
@pytest.mark.parametrize("k", [300, -300])
def test_pca_variances_scale_by_s_squared(kw, k):
    # 2^±300: λ·2^±600 is a float64, so the public variances are exact
    s = 2.0**k
    _, ref, got = _pca_pair(kw, s, False)
    np.testing.assert_array_equal(got.explained_variance_, np.ldexp(ref.explained_variance_, 2 * k))
    assert got.noise_variance_ == np.ldexp(ref.noise_variance_, 2 * k)


@given(st.integers(257, 1000), st.booleans(), st.integers(0, 50))
def test_pca_property_power_of_two_scale_is_bit_exact(k, tiny, seed):
    s = 2.0 ** (-k if tiny else k)
    X = _unit_data(seed, n=30, d=3)
    ref, got = PCA(whiten=bool(seed % 2)).fit(X), PCA(whiten=bool(seed % 2)).fit(X * s)
    np.testing.assert_array_equal(got.components_, ref.components_)
    np.testing.assert_array_equal(got.transform(X * s), ref.transform(X) * (1.0 if seed % 2 else s))


# ------------------------------------------------------------------------ KernelPCA
@pytest.mark.parametrize("s", POW2 + DECIMAL)
@pytest.mark.parametrize(("kernel", "kw", "power"), [("linear", {}, 1.0), ("rbf", dict(gamma="scale"), 0.0),
                                                      ("poly", dict(gamma="scale", degree=2), 0.0),
                                                      ("precomputed", {}, 0.5)])
def test_kernel_pca_is_scale_equivariant(kernel, kw, power, s):
    """linear: λ scales by s², projections by s; rbf/poly with gamma="scale": K itself is unchanged;
    a precomputed K·s: λ·s, projections ·√s."""
    X = _unit_data(1, n=30)
    A = X @ X.T if kernel == "precomputed" else X
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        ref, got = KernelPCA(3, kernel=kernel, **kw).fit(A), KernelPCA(3, kernel=kernel, **kw).fit(A * s)
        Zg, Zt = got.fit_transform(A * s), got.transform(A[:7] * s)
    Zr, Zrt = ref.fit_transform(A), ref.transform(A[:7])
    tol = dict(rtol=0, atol=0) if s in POW2 else dict(rtol=1e-9, atol=1e-12)
    c = s**power
    np.testing.assert_allclose(Zg / c, Zr, **tol)
    np.testing.assert_allclose(Zt / c, Zrt, **tol)
    np.testing.assert_allclose(got.eigenvectors_, ref.eigenvectors_, **tol)
    with np.errstate(over="ignore", under="ignore"):
        lam = ref.eigenvalues_ * np.float64(s) ** (2 * power)   # inf or 0 where λ·s² is beyond float64
    np.testing.assert_allclose(got.eigenvalues_, lam, **tol)


@pytest.mark.parametrize("s", [2.0**990, 1e300])
def test_kernel_pca_user_gamma_at_large_scale(s):
    """With the user's γ = 1 an rbf kernel of huge data is exactly the identity (its true value):
    the centred I − 11ᵀ/n has eigenvalue 1; the poly kernel of huge data overflows: a clear error."""
    X = _unit_data(2, n=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        model = KernelPCA(3, kernel="rbf", gamma=1.0).fit(X * s)
        np.testing.assert_allclose(model.eigenvalues_, 1.0, rtol=1e-12)
        # any orthonormal v ⟂ 1 is an eigenvector; a training point projects to (I − 11ᵀ/n)v/1 = v
        V = model.eigenvectors_
        np.testing.assert_allclose(V.T @ V, np.eye(3), atol=1e-12)
        np.testing.assert_allclose(model.fit_transform(X * s), V, atol=1e-12)
        # a new point is at distance ≈ 1e300 from all: k = 0, k̃ = 1/n·1 and its projection 1ᵀv/n = 0
        np.testing.assert_allclose(model.transform((X[:4] + 0.25) * s), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="overflows.*StandardScaler"):
        KernelPCA(3, kernel="poly", gamma=1.0).fit(X * s)


# ---------------------------------------------------------------------- KernelRidge
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("k", [400, -400])
def test_kernel_ridge_linear_fixed_alpha_is_the_equivalent_problem(k, weighted):
    """(X·s, y·s) with α is (X, y) with α/s²: predictions ·s, dual weights a/s (a = S(y − Xw)/α)."""
    s = 2.0**k
    X, y, Xq = _data(13)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, len(y)) if weighted else None
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = KernelRidge(alpha=0.5).fit(X * s, y * s, sample_weight=sw)
        ref = KernelRidge(alpha=0.5 / s / s).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(got.predict(Xq * s) / s, ref.predict(Xq), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got.dual_coef_ * s, ref.dual_coef_, rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("s", [2.0**990, 1e300])
def test_kernel_ridge_linear_huge_data_fixed_alpha_is_least_squares(s, weighted):
    """α = 1 against K ≈ 1e600: predictions are those of least squares through the origin (the α → 0
    limit), and a = S(y − Xw)/α, both finite, with no overflow inside (the dual system is singular)."""
    X, y, Xq = _data(14)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y)) if weighted else np.ones(len(y))
    r = np.sqrt(sw)
    w = np.linalg.lstsq(X * r[:, None], y * r, rcond=None)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = KernelRidge(alpha=1.0).fit(X * s, y * s, sample_weight=None if not weighted else sw)
        pred = got.predict(Xq * s)
    np.testing.assert_allclose(pred / s, Xq @ w, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.dual_coef_ / s, sw * (y - X @ w), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("s", [2.0**-990, 1e-300])
def test_kernel_ridge_linear_tiny_data_fixed_alpha_gives_y_over_alpha(s):
    # α = 2 against K ≈ 1e-600: K is below α's rounding, so a = y/α exactly and predictions are 0
    X, y, Xq = _data(15)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = KernelRidge(alpha=2.0).fit(X * s, y * s)
        np.testing.assert_array_equal(got.predict(Xq * s), 0.0)
    np.testing.assert_allclose(got.dual_coef_, y * s / 2.0, rtol=1e-15)


# --------------------------------------------------------------- LogisticRegression
def _classes(seed, n_classes, n=80, d=3):
    X = _unit_data(seed, n=n, d=d)
    rng = np.random.default_rng(seed)
    scores = X @ rng.normal(size=(d, n_classes)) * 6 + rng.normal(size=(n, n_classes))
    return X, np.argmax(scores, axis=1)


_LR = [("lbfgs", "l2"), ("newton", "l2"), ("gd", "l2"), ("newton", "l1"), ("gd", "l1")]


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("solver", "penalty"), _LR)
@pytest.mark.parametrize("k", [300, 900])
def test_logistic_large_scale_is_the_equivalent_problem(solver, penalty, n_classes, k):
    """X·2^k with C is X with C·2^(2k) (C·2^k for L1): coef_·2^k and intercept_ bit for bit where C·2^(2k)
    is a float64, and the probabilities equal; beyond that (C = inf) the unpenalised fit."""
    s = 2.0**k
    X, y = _classes(k + n_classes, n_classes)
    kw = dict(solver=solver, max_iter=3000, tol=1e-9)
    C_ref = 0.5 * (s * s if penalty == "l2" else s)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        got = LogisticRegression(penalty, C=0.5, **kw).fit(X * s, y)
        proba = got.predict_proba(X * s)
        ref = LogisticRegression(penalty if np.isfinite(C_ref) else None, C=C_ref if np.isfinite(C_ref) else 1.0,
                                 **kw).fit(X, y)
    if np.isfinite(C_ref):
        np.testing.assert_array_equal(got.coef_ * s, ref.coef_)
        np.testing.assert_array_equal(got.intercept_, ref.intercept_)
    else:   # a penalty 2^-1800 times the loss's: the optimum is the unpenalised one, to the solvers' tol
        np.testing.assert_allclose(got.coef_ * s, ref.coef_, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(proba, ref.predict_proba(X), rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(got.predict(X * s), ref.predict(X))


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["lbfgs", "newton", "gd"])
def test_logistic_decimal_large_scale_matches_the_unpenalised_fit(solver, n_classes):
    X, y = _classes(7 + n_classes, n_classes)
    kw = dict(solver=solver, max_iter=5000, tol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        got = LogisticRegression(C=1.0, **kw).fit(X * 1e300, y)
        ref = LogisticRegression(None, **kw).fit(X, y)
        # X·1e300 is X rounded once per entry; the unpenalised optimum moves by its condition times that
        np.testing.assert_allclose(got.predict_proba(X * 1e300), ref.predict_proba(X), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got.coef_ * 1e300, ref.coef_, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(("solver", "penalty"), _LR)
@pytest.mark.parametrize("s", [2.0**-300, 2.0**-900, 1e-300])
def test_logistic_tiny_scale_satisfies_the_optimality_conditions(solver, penalty, n_classes, s):
    """Tiny X with C fixed: the penalty dominates, the intercepts are the class log-odds and the weights
    solve the stationarity condition λw = −s·Xᵀr/n (L2; w = 0 for L1) to float64 precision."""
    X, y = _classes(3 + n_classes, n_classes)
    n = len(y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = LogisticRegression(penalty, C=0.5, solver=solver).fit(X * s, y)
    Y = np.eye(n_classes)[y][:, 1:] if n_classes == 2 else np.eye(n_classes)[y]
    b = got.intercept_
    P = expit(np.full((n, 1), b[0])) if n_classes == 2 else softmax(np.tile(b, (n, 1)), axis=1)
    np.testing.assert_allclose(P.mean(axis=0), Y.mean(axis=0), rtol=1e-12)   # Σ r = 0: the class frequencies
    lam = 1.0 / (0.5 * n)
    if penalty == "l1":
        np.testing.assert_array_equal(got.coef_, 0.0)
    else:
        g = ((P - Y).T @ X) / n   # ∂/∂w of the mean loss is s·g
        np.testing.assert_allclose(got.coef_ * lam, -s * g, rtol=1e-12)
    np.testing.assert_allclose(got.predict_proba(X * s), P if n_classes > 2 else np.column_stack([1 - P, P]),
                               rtol=4 * np.finfo(float).eps)


@pytest.mark.parametrize("k", [-990, -260, -250, 250, 260, 990])
def test_pca_lapack_fits_as_given_or_refits_in_units(k):
    """svd_solver="lapack" fits X as given and reads off the fit whether X was within 2^±256 (no pass
    over X for that); near and beyond that boundary the answer is the same either way, and nothing
    over- or underflows visibly (the threaded covariance pass included: n = 20,000)."""
    X = _unit_data(9, n=20_000, d=5)
    ref = PCA(3, svd_solver="lapack").fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        got = PCA(3, svd_solver="lapack").fit(X * 2.0**k)
        Z = got.transform(X[:50] * 2.0**k)
    np.testing.assert_allclose(got.components_, ref.components_, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-12)
    np.testing.assert_allclose(np.ldexp(Z, -k), ref.transform(X[:50]), rtol=1e-12, atol=1e-14)


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
