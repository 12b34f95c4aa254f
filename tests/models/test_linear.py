"""LinearRegression, Ridge and BayesianLinearRegression against scikit-learn and closed forms."""

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn import linear_model as sk

from mmlkit import linalg
from mmlkit.datasets import load_wine
from mmlkit.exceptions import ConvergenceWarning, RankWarning
from mmlkit.models import BayesianLinearRegression, LinearRegression, Ridge

TOL = 1e-6


def _data(seed, n, d, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + offset
    y = X @ rng.normal(size=d) + 0.5 * rng.normal(size=n) + 3.0
    return X, y


def _close(a, b, tol=TOL):
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


# ---------------------------------------------------------------- LinearRegression

@pytest.mark.parametrize("solver", ["svd", "normal", "qr", "gd"])
@pytest.mark.parametrize("seed,n,d,offset", [(0, 80, 4, 0.0), (1, 200, 10, 5.0), (2, 40, 3, -2.0)])
def test_linear_regression_matches_sklearn(solver, seed, n, d, offset):
    X, y = _data(seed, n, d, offset)
    ref = sk.LinearRegression().fit(X, y)
    model = LinearRegression(solver=solver, tol=1e-13, max_iter=100000).fit(X, y)
    _close(model.coef_, ref.coef_)
    _close(model.intercept_, ref.intercept_)
    _close(model.predict(X), ref.predict(X))


@pytest.mark.parametrize("solver", ["svd", "normal", "qr"])
def test_linear_regression_wine_and_multioutput(solver):
    X, y = load_wine()
    Y = np.column_stack([X[:, 0], X[:, 1] * 2 + y])
    Xf = X[:, 2:]
    ref = sk.LinearRegression().fit(Xf, Y)
    model = LinearRegression(solver=solver).fit(Xf, Y)
    assert model.coef_.shape == ref.coef_.shape
    _close(model.coef_, ref.coef_)
    _close(model.intercept_, ref.intercept_)


def test_linear_regression_no_intercept():
    X, y = _data(3, 60, 4)
    ours = LinearRegression(fit_intercept=False).fit(X, y)
    _close(ours.coef_, sk.LinearRegression(fit_intercept=False).fit(X, y).coef_)


def test_svd_minimum_norm_on_collinear_and_underdetermined():
    X, y = _data(4, 50, 3)
    Xc = np.column_stack([X, X[:, 0] * 2.0, np.ones(50)])  # collinear + constant column
    with pytest.warns(RankWarning, match="rank 3 of 4"):  # the constant column is no direction
        model = LinearRegression(solver="svd").fit(Xc, y)
    _close(model.predict(Xc), sk.LinearRegression().fit(Xc, y).predict(Xc))
    assert model.rank_ == 3
    # n < d: the minimum-norm interpolant, as lstsq gives
    Xw, yw = _data(5, 6, 12)
    model = LinearRegression(solver="svd", fit_intercept=False).fit(Xw, yw)
    _close(model.coef_, np.linalg.lstsq(Xw, yw, rcond=None)[0])


@pytest.mark.parametrize("solver", ["normal", "qr"])
def test_direct_solvers_raise_on_collinear_columns(solver):
    X, y = _data(6, 30, 3)
    Xc = np.column_stack([X, X[:, 1] - X[:, 2]])
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        LinearRegression(solver=solver).fit(Xc, y)


def test_qr_raises_when_underdetermined():
    X, y = _data(7, 4, 6)
    with pytest.raises(np.linalg.LinAlgError, match="n_samples"):
        LinearRegression(solver="qr").fit(X, y)


def test_gd_warns_at_max_iter():
    X, y = _data(8, 50, 5)
    X[:, 0] *= 100.0  # ill-conditioned
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        model = LinearRegression(solver="gd", max_iter=5).fit(X, y)
    assert model.n_iter_ == 5


@pytest.mark.parametrize("bad", [dict(solver="cholesky"), dict(max_iter=0), dict(tol=-1.0), dict(fit_intercept="yes")])
def test_linear_regression_bad_parameters(bad):
    X, y = _data(9, 20, 2)
    with pytest.raises(ValueError):
        LinearRegression(**bad).fit(X, y)


def test_inputs_not_modified():
    X, y = _data(10, 30, 3, 2.0)
    X0, y0 = X.copy(), y.copy()
    for est in (LinearRegression(), Ridge(), BayesianLinearRegression()):
        est.fit(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@given(st.integers(0, 10_000), st.integers(5, 40), st.integers(1, 5))
def test_normal_equations_hold(seed, n, d):
    """The residual is orthogonal to the centred columns: Xcᵀ(y − Xw − b) = 0."""
    X, y = _data(seed, n + d + 1, d)
    model = LinearRegression().fit(X, y)
    r = y - model.predict(X)
    assert abs(r.sum()) <= 1e-8 * max(1.0, np.abs(y).sum())
    assert np.abs(X.T @ r).max() <= 1e-8 * max(1.0, np.abs(X).sum() * np.abs(y).max())


# ---------------------------------------------------------------- Ridge

@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd"])
@pytest.mark.parametrize("seed,n,d,offset", [(0, 100, 5, 0.0), (1, 30, 60, 1.0), (2, 500, 20, 100.0)])
@pytest.mark.parametrize("alpha", [1e-3, 1.0, 50.0])
def test_ridge_matches_sklearn(solver, seed, n, d, offset, alpha):
    X, y = _data(seed, n, d, offset)
    ref = sk.Ridge(alpha=alpha, solver="svd").fit(X, y)
    model = Ridge(alpha=alpha, solver=solver).fit(X, y)
    _close(model.coef_, ref.coef_)
    _close(model.intercept_, ref.intercept_)


def test_ridge_multioutput_and_no_intercept():
    X, y = _data(3, 50, 4)
    Y = np.column_stack([y, -2 * y + 1])
    for fi in (True, False):
        ref = sk.Ridge(alpha=2.0, fit_intercept=fi).fit(X, Y)
        model = Ridge(alpha=2.0, fit_intercept=fi).fit(X, Y)
        _close(model.coef_, ref.coef_)
        _close(model.intercept_, ref.intercept_)


def test_ridge_alpha_zero_collinear_falls_back_to_svd():
    X, y = _data(4, 40, 3)
    Xc = np.column_stack([X, X[:, 0]])
    model = Ridge(alpha=0.0).fit(Xc, y)
    _close(model.predict(Xc), sk.LinearRegression().fit(Xc, y).predict(Xc))
    with pytest.raises(np.linalg.LinAlgError):
        Ridge(alpha=0.0, solver="cholesky").fit(Xc, y)


@pytest.mark.parametrize("bad", [dict(alpha=-1.0), dict(solver="lsqr"), dict(alpha="big")])
def test_ridge_bad_parameters(bad):
    X, y = _data(5, 20, 2)
    with pytest.raises(ValueError):
        Ridge(**bad).fit(X, y)


@given(st.integers(0, 10_000), st.floats(1e-3, 1e3))
def test_ridge_stationarity(seed, alpha):
    """∇[‖y − Xw − b‖² + α‖w‖²] = 0 at the solution."""
    X, y = _data(seed, 30, 4, 1.0)
    model = Ridge(alpha=alpha).fit(X, y)
    r = y - model.predict(X)
    grad = -X.T @ r + alpha * model.coef_
    assert np.abs(grad).max() <= 1e-7 * max(1.0, np.abs(X.T @ y).max())


# ---------------------------------------------------------------- BayesianLinearRegression

@pytest.mark.parametrize("seed,n,d", [(0, 100, 5), (1, 40, 8), (2, 300, 3)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_bayesian_matches_bayesian_ridge(seed, n, d, fit_intercept):
    X, y = _data(seed, n, d, 1.0)
    ref = sk.BayesianRidge(tol=1e-12, max_iter=2000, fit_intercept=fit_intercept, compute_score=True).fit(X, y)
    model = BayesianLinearRegression(tol=1e-12, max_iter=2000, fit_intercept=fit_intercept,
                                     compute_score=True).fit(X, y)
    _close(model.coef_, ref.coef_)
    _close(model.intercept_, ref.intercept_)
    _close(model.alpha_, ref.alpha_)
    _close(model.lambda_, ref.lambda_)
    _close(model.sigma_, ref.sigma_)
    _close(model.scores_[-1], ref.scores_[-1])
    if not fit_intercept:  # scikit-learn's predictive std ignores the intercept's uncertainty
        _close(model.predict(X, return_std=True)[1], ref.predict(X, return_std=True)[1])


@pytest.mark.parametrize("x_scale, y_scale", [(1.0, 1.0), (1e3, 1.0), (1e-2, 10.0), (1.0, 1e4)])
def test_bayesian_default_start_is_in_the_callers_units(x_scale, y_scale):
    """The default start (α = 1/Var y, λ = 1) is that of scikit-learn in the caller's units at any data scale:
    the same iterates, so the same iteration count and weights at scikit-learn's default tol."""
    X, y = _data(6, 120, 5, 1.0)
    X, y = X * x_scale * np.geomspace(1, 100, 5), y * y_scale
    ref = sk.BayesianRidge().fit(X, y)
    model = BayesianLinearRegression().fit(X, y)
    assert model.n_iter_ == ref.n_iter_
    _close(model.coef_ / np.abs(ref.coef_).max(), ref.coef_ / np.abs(ref.coef_).max(), 1e-9)
    _close(model.alpha_, ref.alpha_, 1e-9)
    _close(model.lambda_, ref.lambda_, 1e-9)


@pytest.mark.parametrize("x_scale, y_scale", [(1.0, 1.0), (100.0, 0.01), (0.001, 1000.0)])
def test_bayesian_fixed_priors_default_to_one(x_scale, y_scale):
    X, y = _data(7, 30, 3)
    model = BayesianLinearRegression(fit_evidence=False).fit(X * x_scale, y * y_scale)
    assert (model.alpha_, model.lambda_) == (1.0, 1.0)
    explicit = BayesianLinearRegression(alpha_init=1.0, lambda_init=1.0, fit_evidence=False).fit(X * x_scale,
                                                                                             y * y_scale)
    np.testing.assert_array_equal(model.coef_, explicit.coef_)


def test_bayesian_fixed_priors_closed_form():
    X, y = _data(3, 25, 3, 2.0)
    alpha, lam = 4.0, 0.5
    model = BayesianLinearRegression(alpha_init=alpha, lambda_init=lam, fit_evidence=False).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()
    A = lam * np.eye(3) + alpha * Xc.T @ Xc
    Sigma = np.linalg.inv(A)
    _close(model.sigma_, Sigma)
    _close(model.coef_, alpha * Sigma @ Xc.T @ yc)
    Xt = np.random.default_rng(0).normal(size=(7, 3))
    mean, std = model.predict(Xt, return_std=True)
    d = Xt - X.mean(0)
    _close(std**2, 1 / alpha + 1 / (alpha * 25) + np.einsum("ij,jk,ik->i", d, Sigma, d))
    # log evidence: the Gaussian density of yc under N(0, α⁻¹I + λ⁻¹XcXcᵀ) restricted to centred data
    cov = np.eye(25) / alpha + Xc @ Xc.T / lam
    sign, logdet = np.linalg.slogdet(cov)
    expected = -0.5 * (yc @ np.linalg.solve(cov, yc) + logdet + 25 * np.log(2 * np.pi))
    _close(model.log_marginal_likelihood_, expected)


def test_bayesian_n_less_than_d_covariance_is_full_rank():
    X, y = _data(4, 5, 10)
    model = BayesianLinearRegression(alpha_init=2.0, lambda_init=1.0, fit_evidence=False).fit(X, y)
    Xc = X - X.mean(0)
    _close(model.sigma_, np.linalg.inv(np.eye(10) + 2.0 * Xc.T @ Xc))


def test_bayesian_warns_at_max_iter():
    X, y = _data(5, 50, 4)
    with pytest.warns(ConvergenceWarning):
        BayesianLinearRegression(max_iter=1, tol=0.0).fit(X, y)


@pytest.mark.parametrize("bad", [dict(alpha_init=0.0), dict(lambda_init=-1.0), dict(alpha_1=-1.0), dict(max_iter=0),
                                 dict(fit_evidence=1)])
def test_bayesian_bad_parameters(bad):
    X, y = _data(6, 20, 2)
    with pytest.raises(ValueError):
        BayesianLinearRegression(**bad).fit(X, y)


def test_predict_before_fit_raises():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        BayesianLinearRegression().predict(np.zeros((2, 2)))


def test_no_runtime_warnings_on_constant_column():
    X, y = _data(7, 30, 3)
    X[:, 1] = 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for est in (LinearRegression(), Ridge(), BayesianLinearRegression()):
            est.fit(X, y)


@pytest.mark.parametrize("interval, digits", [((0.0, 1.0), 8.0), ((3.0, 9.0), 5.5), ((-9.0, -3.0), 4.5)])
@pytest.mark.parametrize("solver", ["svd", "qr"])
def test_svd_keeps_every_direction_of_a_full_rank_polynomial_design(interval, digits, solver):
    """Degree-10 polynomial least squares (NIST Filip's shape): κ(centred X) ~ 1e15 on [3, 9].

    Without column equilibration the cutoff max(n, d)·ε·s₁ dropped the smallest singular value
    (rank_ 9 of 10) and returned an intercept of the wrong sign, silently. The reference is the
    exact least-squares solution in 60-digit arithmetic. Measured: Householder QR 9.3, 6.5 and 5.6
    digits, the SVD 8.9–9.3, 6.2–6.4 and 5.1 (directly or through R); main's SVD had 8.8, 7.3, 5.4.
    Which backward-stable solver lands where inside the bound εκ(1 + κ‖r‖/‖A‖‖x‖) is rounding
    luck that moves with the BLAS kernels, so the targets sit a decade below Householder QR's
    figures: far above the zero digits of a dropped direction, and the same on any CPU.
    """
    import mpmath

    x = np.linspace(*interval, 82)
    rng = np.random.default_rng(0)
    V = np.vander(x, 11, increasing=True)
    y = V @ rng.normal(size=11) * 1e-6 + rng.normal(size=82) * 1e-3
    with mpmath.workdps(60):
        A, b = mpmath.matrix(V.tolist()), mpmath.matrix(y.tolist())
        ref = np.array([float(v) for v in mpmath.lu_solve(A.T * A, A.T * b)])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankWarning)
        model = LinearRegression(solver=solver).fit(V[:, 1:], y)
    assert model.rank_ == 10
    got = np.r_[model.intercept_, model.coef_]
    assert np.min(-np.log10(np.abs(got - ref) / np.abs(ref))) >= digits


def test_svd_warns_when_it_drops_a_direction():
    X, y = _data(4, 50, 3)
    Xc = np.column_stack([X, X[:, 0] * 1e6])  # collinear at any scale: equilibration keeps it rank 3
    with pytest.warns(RankWarning, match="rank 3 of 4; 1 direction"):
        model = LinearRegression(solver="svd").fit(Xc, y)
    assert model.rank_ == 3
    # any least-squares solution predicts the projection of y onto span(1, X)
    Q, _ = np.linalg.qr(np.column_stack([np.ones(50), X]))
    _close(model.predict(Xc), Q @ (Q.T @ y))


@pytest.mark.parametrize("offset", [9.0, 1e6, -3e8])
@pytest.mark.parametrize("n_features", [3, 40])
def test_ridge_keeps_its_digits_on_uncentred_data(offset, n_features):
    # The Gram matrix is formed from centred row blocks: an offset far above the spread
    # changes nothing but the intercept (the shortcut XᵀX − n·x̄x̄ᵀ cancelled ~log10(offset²) digits).
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, n_features))
    y = X @ rng.normal(size=n_features) + rng.normal(size=500)
    near = Ridge(alpha=2.0).fit(X, y)
    far = Ridge(alpha=2.0).fit(X + offset, y)
    # centring X + offset rounds each entry by ~|offset|·ε: that, times κ, bounds the change
    tol = 50 * abs(offset) * np.finfo(float).eps + 1e-13
    np.testing.assert_allclose(far.coef_, near.coef_, rtol=tol, atol=tol)
    # b = ȳ − x̄ᵀw: an error δ in w moves b by up to |offset|·Σ|δ|
    b_tol = abs(offset) * tol * (np.abs(near.coef_).sum() + 1) + 1e-9
    assert far.intercept_ == pytest.approx(near.intercept_ - offset * near.coef_.sum(), abs=b_tol)


def test_qr_solver_runs_mmlkits_householder_qr(monkeypatch):
    from mmlkit import linalg

    calls = []
    qr = linalg.qr
    monkeypatch.setattr(linalg, "qr", lambda A, *a, **k: calls.append(np.shape(A)) or qr(A, *a, **k))
    X, y = _data(2, 40, 3)
    model = LinearRegression(solver="qr").fit(X, y)
    assert calls == [(40, 4)]  # [Xc, yc]: R's last column is Qᵀyc
    _close(model.coef_, sk.LinearRegression().fit(X, y).coef_)


@pytest.mark.parametrize("offset", [0.0, 0.5, 3.0, 1e6])
@pytest.mark.parametrize("seed", [0, 1])
def test_centred_gram_fast_path_equals_the_centred_blocks(offset, seed):
    """The one-product Gram XᵀX − n·μμᵀ (taken only when every |μⱼ| ≤ σⱼ) equals the centred
    row blocks to the rounding of n-term sums; far from the origin the blocks are used as they are."""
    from mmlkit.models._linear_base import centred_gram, centred_gram_blocks

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3000, 7)) * rng.uniform(0.5, 2.0, 7) + offset
    Y = rng.standard_normal((3000, 2))
    Y -= Y.mean(axis=0)
    mean = X.mean(axis=0)
    G, XtY = centred_gram(X, mean, Y)
    G_ref, XtY_ref = centred_gram_blocks(X, mean, Y, block=256)
    n, eps = X.shape[0], np.finfo(float).eps
    sq = np.sqrt(np.einsum("ij,ij->j", X, X))          # ‖xⱼ‖, the scale of each sum's terms
    bound = 8 * n * eps * np.outer(sq, sq)
    assert np.all(np.abs(G - G_ref) <= bound)
    assert np.all(np.abs(XtY - XtY_ref) <= 8 * n * eps * np.outer(sq, np.sqrt((Y * Y).sum(axis=0))))
    if offset >= 3.0:  # |μ| > σ: the shortcut would cancel, so the blocks themselves are returned
        np.testing.assert_array_equal(centred_gram(X, mean), centred_gram_blocks(X, mean))


def test_one_rank_warning_for_one_event_caught_by_any_filter():
    """mmlkit's RankWarning is NumPy's (what lstsq and polyfit raise) and a UserWarning: one class for one event."""
    assert issubclass(RankWarning, np.exceptions.RankWarning) and issubclass(RankWarning, UserWarning)
    X, y = _data(4, 50, 3)
    Xc = np.column_stack([X, X[:, 0] + X[:, 1]])
    for category in (RankWarning, np.exceptions.RankWarning, UserWarning):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("ignore")
            warnings.simplefilter("always", category)
            LinearRegression(solver="svd").fit(Xc, y)
            linalg.lstsq(Xc, y)
        assert [type(w.message) for w in caught] == [RankWarning, RankWarning], category  # once each
        assert all(w.filename == __file__ for w in caught)  # pointing at the caller
    with warnings.catch_warnings():
        warnings.simplefilter("error", np.exceptions.RankWarning)
        with pytest.raises(RankWarning):
            LinearRegression().fit(Xc, y)


@pytest.mark.parametrize("solver", ["svd", "qr", "normal", "gd"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", [(40, 5), (6, 12)])
def test_fit_leaves_x_and_y_alone(solver, fit_intercept, shape):
    # the QR and SVD paths factor the fit's own copy in place (overwrite_a): never the caller's arrays
    X, y = _data(8, *shape)
    X = np.asfortranarray(np.column_stack([X, X[:, 0]]))  # Fortran order, float64, rank deficient
    y2 = np.column_stack([y, 2 * y])
    X0, y0 = X.copy(), y2.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            LinearRegression(solver=solver, fit_intercept=fit_intercept, max_iter=50).fit(X, y2)
        except np.linalg.LinAlgError:
            pass  # qr and normal refuse a rank-deficient X
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y2, y0)


@pytest.mark.parametrize("solver", ["svd", "qr"])
def test_fit_holds_one_copy_of_x(solver):
    """Peak allocation of a fit, in units of X: the centred [X, y] (1.05) and small change. scikit-learn: 2.15.

    (X is large enough that NumPy's fixed 128 kB of ufunc buffers is under a tenth of it.)
    """
    import tracemalloc

    X, y = _data(9, 10_000, 20)
    LinearRegression(solver=solver).fit(X, y)  # warm up (imports, caches)
    tracemalloc.start()
    try:
        LinearRegression(solver=solver).fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # mmlkit's QR adds one panel of reflectors, n × min(d + 1, 64) (another X at d < 64: n × 21 here),
    # and a workspace of at most an eighth of the matrix
    assert peak / X.nbytes <= (1.25 if solver == "svd" else 2.4)


@pytest.mark.parametrize("shape", [(178, 13), (300, 12), (60, 30)])
def test_small_svd_fit_holds_the_centred_copy_and_the_svd(shape):
    """A small X (factored directly, no QR first): the centred [X, y] (1 + 1/d X), equilibrated and
    factored in its own memory, the SVD's outputs and LAPACK's workspace (as LAPACK asks for it);
    no equilibrated copy, and small ufunc buffers for the column-major centring. 8 kB for the small
    arrays and Python objects. (Before: 4.27 X on wine's shape; scikit-learn 3.25 X.)"""
    import tracemalloc

    from scipy.linalg.lapack import dgesdd_lwork

    X, y = _data(11, *shape)
    LinearRegression().fit(X, y)  # warm up (imports, caches)
    tracemalloc.start()
    try:
        LinearRegression().fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    n, d = shape
    k = min(n, d)
    work = int(dgesdd_lwork(n, d, compute_uv=1, full_matrices=0)[0]) + 8 * k // 2   # + iwork (int32)
    bound = 8 * (n * (d + 1) + n * k + k + k * d + work) + 8192
    assert peak <= bound, (peak / X.nbytes, bound / X.nbytes)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_small_rank_deficient_svd_is_the_minimum_norm_solution(fit_intercept):
    """The rank-deficient fallback factors the centred X again (rebuilt after the in-place SVD)."""
    X, y = _data(12, 30, 4)
    X = np.column_stack([X, X[:, 0] - X[:, 2]])
    with pytest.warns(RankWarning, match="rank 4 of 5"):
        model = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    Xc, yc = (X - X.mean(0), y - y.mean()) if fit_intercept else (X, y)
    _close(model.coef_, np.linalg.lstsq(Xc, yc, rcond=None)[0], 1e-10)


@pytest.mark.parametrize("collinear", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_svd_from_r_equals_svd_of_x(monkeypatch, collinear, fit_intercept):
    """solver="svd" factors small X directly and larger X through the R factor of [Xc, y]: same answer."""
    import mmlkit.models.linear as lin

    X, y = _data(10, 80, 6, offset=4.0)
    if collinear:
        X = np.column_stack([X, X[:, 1] - 2 * X[:, 4], np.full(80, 3.0)])  # a dependent and a constant column
    fits = {}
    for small in (0, 10**9):  # every X through R, every X directly
        monkeypatch.setattr(lin, "_SMALL", small)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fits[small] = LinearRegression(fit_intercept=fit_intercept).fit(X, np.column_stack([y, -y]))
        assert [type(w.message) for w in caught] == ([RankWarning] if collinear else [])
    a, b = fits.values()
    assert a.rank_ == b.rank_ == (6 if collinear and fit_intercept else 7 if collinear else 6)
    np.testing.assert_allclose(a.singular_values_, b.singular_values_, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-10, atol=1e-9)


@pytest.fixture
def four_cpus(monkeypatch):
    """Pretend the machine has four CPUs, so the row-range (threaded) Gram pass runs even on one core."""
    from mmlkit import _threads

    monkeypatch.setattr(_threads, "_n_cpus", lambda: 4)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [20_000, 33_333])
def test_gram_pass_on_row_ranges_equals_the_products(four_cpus, n, dtype):
    """One pass, chunk by chunk on threads (syrk for XᵀX, gemm for XᵀY1), equals NumPy's products to the
    rounding of n-term sums, and G comes out exactly symmetric."""
    from mmlkit._threads import row_blocks
    from mmlkit.models._linear_base import _GRAM_MIN_WORK, gram_pass

    rng = np.random.default_rng(n)
    X = (rng.standard_normal((n, 60)) + rng.uniform(-1, 1, 60)).astype(dtype)
    Y1 = rng.standard_normal((n, 3)).astype(dtype)
    assert len(row_blocks(n, work=n * 60, min_work=_GRAM_MIN_WORK)) > 1    # the threaded path is taken
    G, s, S = gram_pass(X, Y1, sums=True)
    eps = np.finfo(dtype).eps
    s_bound = 8 * np.sqrt(n) * eps * np.abs(X).sum(axis=0, dtype=float)   # the scale of each sum's terms
    assert np.all(np.abs(s - X.sum(axis=0, dtype=float)) <= s_bound)
    sq = np.sqrt(np.einsum("ij,ij->j", X, X, dtype=np.float64))
    np.testing.assert_array_equal(G, G.T)
    assert np.all(np.abs(G - X.T.astype(float) @ X) <= 4 * np.sqrt(n) * eps * np.outer(sq, sq) + 0)
    sy = np.sqrt(np.einsum("ij,ij->j", Y1, Y1, dtype=np.float64))
    assert np.all(np.abs(S - X.T.astype(float) @ Y1) <= 4 * np.sqrt(n) * eps * np.outer(sq, sy))
    assert G.dtype == S.dtype == dtype
    G2, s2, S2 = gram_pass(np.asfortranarray(X), Y1, sums=True)          # column-major: tiles of XᵀX
    assert np.all(np.abs(s2 - s) <= s_bound)
    np.testing.assert_array_equal(G2, G2.T)
    np.testing.assert_allclose(G2, G, rtol=0, atol=float(8 * np.sqrt(n) * eps * sq.max() ** 2))
    np.testing.assert_allclose(S2, S, rtol=0, atol=float(8 * np.sqrt(n) * eps * sq.max() * sy.max()))
    G3, none, none2 = gram_pass(X[::2])                                   # neither: NumPy's product
    assert none is None and none2 is None
    np.testing.assert_allclose(G3, X[::2].T.astype(float) @ X[::2], rtol=float(8 * np.sqrt(n) * eps))


@pytest.mark.parametrize("n", [40_000, 501])   # the threaded Gram pass, and small X (the test first)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("offset", [0.0, 3.0, 1e6, 3e8])
def test_centred_moments_equal_the_textbook_centring(four_cpus, offset, order, n):
    """μ, X̃ᵀX̃ and X̃ᵀY from one pass equal centring X by its exact means and multiplying; the means ride
    along with XᵀY and are at least as accurate as NumPy's mean (here: against exactly rounded sums)."""
    import math

    from mmlkit.models._linear_base import centred_moments

    rng = np.random.default_rng(7)
    X = np.asarray(rng.standard_normal((n, 30)) * rng.uniform(0.5, 2.0, 30) + offset, order=order)
    Y = rng.standard_normal((n, 2))
    Y -= Y.mean(axis=0)
    mean, G, XtY = centred_moments(X, Y)
    exact = np.array([math.fsum(X[:, j]) / n for j in range(X.shape[1])])
    eps = np.finfo(float).eps
    scale = np.abs(X).mean(axis=0)                 # no worse than NumPy's mean, or a few ulps of the data
    assert np.all(np.abs(mean - exact) <= np.maximum(np.abs(X.mean(axis=0) - exact), 8 * eps * scale))
    Xc = X - exact
    sq = np.sqrt(np.einsum("ij,ij->j", Xc, Xc))
    assert np.all(np.abs(G - Xc.T @ Xc) <= 64 * np.sqrt(n) * eps * np.outer(sq, sq))
    assert np.all(np.abs(XtY - Xc.T @ Y) <= 64 * np.sqrt(n) * eps * np.outer(sq, np.sqrt((Y * Y).sum(axis=0))))


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_ridge_on_threaded_gram_pass_equals_sklearn(four_cpus, offset, order):
    """Ridge fitted through the one-pass threaded Gram (tens of thousands of rows) equals scikit-learn's."""
    X, y = _data(3, 30_000, 40, offset=offset)
    X = np.asarray(X, order=order)
    ours, ref = Ridge(alpha=2.0).fit(X, y), sk.Ridge(alpha=2.0).fit(X, y)
    _close(ours.coef_, ref.coef_, tol=1e-8)
    assert ours.intercept_ == pytest.approx(ref.intercept_, rel=1e-8, abs=1e-8 * (1 + offset))


def test_small_cholesky_solve_runs_on_one_blas_thread(monkeypatch):
    """The d × d factorisation of Ridge/LinearRegression (d ≤ 512) runs on one BLAS thread: OpenBLAS's threads,
    woken for a sub-millisecond factorisation after the one-thread Gram pass, spun for 2–70 ms on a busy machine."""
    from threadpoolctl import threadpool_info

    from mmlkit.models import linear

    seen = []
    real = linear.sla.cho_factor

    def spy(*args, **kwargs):
        seen.append(max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"))
        return real(*args, **kwargs)

    monkeypatch.setattr(linear.sla, "cho_factor", spy)
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((300, 20)), rng.standard_normal(300)
    w = linear.Ridge(alpha=1.0).fit(X, y).coef_
    Xc, yc = X - X.mean(0), y - y.mean()
    np.testing.assert_allclose(w, np.linalg.solve(Xc.T @ Xc + np.eye(20), Xc.T @ yc), rtol=1e-10)
    assert seen == [1]
