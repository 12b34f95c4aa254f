"""Dask fits at the ends of the float64 range (×2^±900, ×1e±300) equal the in-memory fits.

The in-memory estimators fit data beyond 2^±256 in exact power-of-two units
(``mmlkit._scaling``); the Dask fits learn max|x| (and max|y|) in their first
pass and use the same units, dividing the blocks on the workers. So a Dask fit
of X·s equals the in-memory fit of X·s to the tolerances of SPEC §5, whose
arguments (rounding of the same arithmetic, merged in another order) do not
depend on s: every operation commutes with an exact power-of-two scaling. For
s = 2^±900 a fit of X·s even follows the fit of X step for step (same labels,
same iteration counts, parameters scaled exactly).

Ordinary data pay no extra pass: the passes of each fit are counted as Dask
computations (a scheduler callback) and stay what the cost table of
:mod:`mmlkit._dask` states; at 1e±300 a Gram or moment pass (squares beyond
float64) is redone once in units, while TSQR's R factor (scale-safe), a
mixture's data mean and, within about 2^±450, Gram matrices and moments are
rescaled exactly instead.
"""

import contextlib
import warnings

import dask.array as da
import numpy as np
import pytest
from dask.callbacks import Callback

from mmlkit import linalg
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import (
    PCA,
    ElasticNet,
    GaussianMixture,
    GaussianNB,
    KMeans,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Ridge,
)
from mmlkit.models.coordinate_descent import enet_objective
from mmlkit.models.logistic import logistic_objective

POW2 = [2.0**900, 2.0**-900]
SCALES = POW2 + [1e300, 1e-300]
RTOL = 1e-8


def as_dask(a, chunks=70):
    return da.from_array(a, chunks=(chunks,) + a.shape[1:])


def _data(seed=0, n=300, d=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 2.0, size=d) + 3.0 * rng.normal(size=d)
    y = X @ rng.normal(size=d) + 0.3 * rng.normal(size=n) + 1.0
    labels = (X[:, 0] > np.median(X[:, 0])).astype(int) + (X[:, 1] > np.median(X[:, 1]))
    return X, y, labels


@contextlib.contextmanager
def passes():
    """The number of Dask computations (graph executions) inside the block: one per pass over X."""
    count = [0]
    with Callback(start=lambda dsk: count.__setitem__(0, count[0] + 1)):
        yield count


def _close(b, a, rtol=RTOL):
    """Equal to ``rtol``, entries that saturated to inf or 0 (values beyond float64) equal exactly."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    np.testing.assert_array_equal(np.isinf(b), np.isinf(a))
    tiny = np.abs(a[np.isfinite(a)]).max(initial=0.0) * rtol * 1e-3
    np.testing.assert_allclose(b, a, rtol=rtol, atol=tiny)


# ------------------------------------------------------------------------ direct methods
@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("make", [
    lambda: LinearRegression(), lambda: LinearRegression(solver="qr"), lambda: LinearRegression(solver="normal"),
    lambda: Ridge(alpha=1.0), lambda: Ridge(alpha=1.0, solver="svd"),
], ids=["lr-svd", "lr-qr", "lr-normal", "ridge", "ridge-svd"])
def test_least_squares_at_any_scale_equal_in_memory(threaded, make, s):
    X, y, _ = _data(0)
    Y = np.column_stack([y, 2.0 * y - X[:, 1]])
    for target in (y, Y):
        a = make().fit(X * s, target * s)
        b = make().fit(as_dask(X * s), as_dask(target * s))
        _close(b.coef_, a.coef_)
        _close(b.intercept_, a.intercept_)
        pred = b.predict(as_dask(X * s)).compute()
        _close(pred, a.predict(X * s))


@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("cls", [Lasso, ElasticNet])
def test_lasso_elastic_net_at_any_scale_equal_in_memory(threaded, cls, s):
    # α fixed while the data scale: at 1e300 the penalty vanishes against the loss, at 1e-300 it zeroes w
    X, y, _ = _data(1)
    kw = dict(alpha=0.05, tol=1e-12, max_iter=5000, precompute=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = cls(**kw).fit(X * s, y * s)
        b = cls(**kw).fit(as_dask(X * s), as_dask(y * s))
    if s >= 1:   # a nonzero fit: the objective in units (÷ s²), and the coefficients
        fa = enet_objective(X, y, a.coef_, a.intercept_ / s, a.alpha / s / s, a._l1_ratio())
        fb = enet_objective(X, y, b.coef_, b.intercept_ / s, b.alpha / s / s, b._l1_ratio())
        np.testing.assert_allclose(fb, fa, rtol=RTOL)
    _close(b.coef_, a.coef_, rtol=1e-6)
    _close(b.intercept_, a.intercept_)


@pytest.mark.parametrize("s", SCALES)
def test_gaussian_nb_at_any_scale_equals_in_memory(threaded, s):
    X, _, labels = _data(2)
    a, b = GaussianNB().fit(X * s, labels), GaussianNB().fit(as_dask(X * s), as_dask(labels))
    for name in ["theta_", "var_", "epsilon_", "class_prior_"]:
        _close(getattr(b, name), getattr(a, name))
    np.testing.assert_allclose(b.predict_proba(as_dask(X * s)).compute(), a.predict_proba(X * s),
                               rtol=1e-8, atol=1e-300)


@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("kwargs", [dict(n_components=3), dict(n_components=2, svd_solver="randomized",
                                                                  random_state=0)], ids=["full", "randomized"])
def test_pca_at_any_scale_equals_in_memory(threaded, kwargs, s):
    X, _, _ = _data(3, d=5)
    a, b = PCA(**kwargs).fit(X * s), PCA(**kwargs).fit(as_dask(X * s))
    for name in ["mean_", "singular_values_", "explained_variance_", "explained_variance_ratio_"]:
        _close(getattr(b, name), getattr(a, name))
    np.testing.assert_allclose(np.abs(b.components_), np.abs(a.components_), rtol=1e-7, atol=1e-9)
    Z = b.transform(as_dask(X * s)).compute()
    np.testing.assert_allclose(np.abs(Z), np.abs(a.transform(X * s)), rtol=1e-7, atol=1e-9 * np.abs(Z).max())


# ------------------------------------------------------------------------ iterative methods
@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_logistic_at_any_scale_reaches_the_in_memory_optimum(threaded, solver, s):
    X, _, labels = _data(4)
    kw = dict(solver=solver, C=0.5, max_iter=500)
    a = LogisticRegression(**kw).fit(X * s, labels)
    b = LogisticRegression(**kw).fit(as_dask(X * s), as_dask(labels))
    fa = logistic_objective(X * s, labels, a.coef_, a.intercept_, C=0.5, penalty="l2")
    fb = logistic_objective(X * s, labels, b.coef_, b.intercept_, C=0.5, penalty="l2")
    np.testing.assert_allclose(fb, fa, rtol=RTOL)
    np.testing.assert_allclose(b.predict_proba(as_dask(X * s)).compute(), a.predict_proba(X * s), atol=1e-6)


@pytest.mark.parametrize("s", SCALES)
def test_kmeans_same_init_at_any_scale_equals_in_memory(threaded, s):
    X, _, _ = _data(5)
    init = X[[0, 100, 200]] * s
    a, b = KMeans(3, init=init).fit(X * s), KMeans(3, init=init).fit(as_dask(X * s))
    np.testing.assert_array_equal(b.labels_.compute(), a.labels_)
    _close(b.cluster_centers_, a.cluster_centers_, rtol=1e-10)
    _close(b.inertia_, a.inertia_, rtol=1e-10)      # inf at 1e300 (beyond float64), as in memory
    assert b.n_iter_ == a.n_iter_
    np.testing.assert_array_equal(b.predict(as_dask(X * s)).compute(), a.labels_)


@pytest.mark.parametrize("s", POW2)
def test_kmeans_parallel_at_a_power_of_two_follows_the_unscaled_fit(threaded, s):
    """k-means|| seeding and Lloyd's iterations on X·2^±900 take the very steps they take on X."""
    X, _, _ = _data(6)
    a, b = KMeans(3, random_state=0).fit(as_dask(X)), KMeans(3, random_state=0).fit(as_dask(X * s))
    np.testing.assert_array_equal(b.labels_.compute(), a.labels_.compute())
    np.testing.assert_array_equal(b.cluster_centers_, a.cluster_centers_ * s)
    assert b.n_iter_ == a.n_iter_


@pytest.mark.parametrize("s", SCALES)
@pytest.mark.parametrize("kind", ["full", "diag", "tied", "spherical"])
def test_gaussian_mixture_at_any_scale_follows_the_unscaled_fit(threaded, kind, s):
    """Without reg_covar (an absolute variance, which does not scale) EM is scale-equivariant, and the
    Dask EM maps X·s to X's fit as the in-memory one does: step for step at 2^±900 (X's largest
    magnitude in [1/2, 1), so the units are X itself), to rounding at 1e±300 (an objective to 1e-8;
    a given precisions_init would leave float64 there, so the start is random, the same draws)."""
    X, _, _ = _data(7)
    X = X / 2.0 ** np.frexp(np.abs(X).max())[1]
    kw = dict(n_components=2, covariance_type=kind, init_params="random", random_state=0, tol=1e-10,
              reg_covar=0.0, max_iter=15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a, b = GaussianMixture(**kw).fit(as_dask(X)), GaussianMixture(**kw).fit(as_dask(X * s))
    shift = X.shape[1] * np.log(s)       # log densities: −d·log s
    if s in POW2:
        assert b.n_iter_ == a.n_iter_
        np.testing.assert_array_equal(b.weights_, a.weights_)
        np.testing.assert_array_equal(b.means_, a.means_ * s)
        np.testing.assert_allclose(b.lower_bound_ + shift, a.lower_bound_, rtol=1e-12)
    else:
        np.testing.assert_allclose(b.lower_bound_ + shift, a.lower_bound_, rtol=RTOL)
        np.testing.assert_allclose(b.weights_, a.weights_, rtol=1e-5)
        np.testing.assert_allclose(b.means_ / s, a.means_, rtol=1e-5)
    np.testing.assert_array_equal(b.predict(as_dask(X * s)).compute(), a.predict(as_dask(X)).compute())


@pytest.mark.parametrize("s", [2.0**-900, 1e-300])
def test_gaussian_mixture_kmeans_init_at_tiny_scale_equals_in_memory(threaded, s):
    """At 1e-300 reg_covar (1e-6, absolute) dwarfs every variance: after the KMeans start both EM
    runs put every component at the data mean. The start's responsibilities are KMeans's own labels
    (computed in its units; in the mixture's, where reg_covar stays finite, the squared distances
    underflow and every row would go to one component)."""
    X, _, _ = _data(13)
    a = GaussianMixture(2, random_state=0).fit(X * s)
    b = GaussianMixture(2, random_state=0).fit(as_dask(X * s))
    np.testing.assert_allclose(b.means_, a.means_, rtol=RTOL)
    np.testing.assert_allclose(b.means_, np.tile(X.mean(axis=0) * s, (2, 1)), rtol=1e-12)
    np.testing.assert_allclose(b.lower_bound_, a.lower_bound_, rtol=RTOL)
    assert b.weights_.min() > 0.3


# ------------------------------------------------------------------------ linalg (TSQR)
@pytest.mark.parametrize("s", SCALES)
def test_tsqr_at_any_scale(threaded, s):
    """Householder is scale-safe: R of A·s is s·R, and lstsq/svd follow, as NumPy on the scaled data."""
    A, b, _ = _data(8, n=200)
    As, bs = as_dask(A * s, 45), as_dask(b * s, 45)
    R = linalg.qr(As, mode="r")
    np.testing.assert_allclose(np.abs(R), np.abs(np.linalg.qr(A * s, mode="r")), rtol=1e-10,
                               atol=1e-13 * s * np.abs(R / s).max())
    x, res, rank, sv = linalg.lstsq(As, bs)
    x0, res0, _, sv0 = np.linalg.lstsq(A, b, rcond=None)
    np.testing.assert_allclose(x, x0, rtol=1e-9)
    assert rank == A.shape[1]
    with np.errstate(over="ignore", under="ignore"):
        _close(res, res0 * s * s, rtol=1e-9)        # inf / 0 where ‖r‖² itself leaves float64
    np.testing.assert_allclose(sv, sv0 * s, rtol=1e-10)
    U, sv, Vt = linalg.svd(As)
    np.testing.assert_allclose(sv, sv0 * s, rtol=1e-10)
    np.testing.assert_allclose((U.compute() * (sv / s)) @ Vt, A, atol=1e-11)


def test_tsqr_r_near_the_largest_float(threaded):
    """Block updates that overflow on the way to a representable R (data within a factor of the
    block's row count of float64's largest) are redone in units from the max|a| of the same pass."""
    rng = np.random.default_rng(0)
    A = rng.normal(size=(200, 4)) + 1.0
    A = np.column_stack([A, A @ [1.0, 2.0, 3.0, 4.0] + rng.normal(size=200)])   # a column near 3e307
    As = as_dask(A * 1e306, 45)
    with passes() as count:
        R = linalg.qr(As, mode="r")
    assert count[0] == 2
    np.testing.assert_allclose(np.abs(R), np.abs(np.linalg.qr(A, mode="r")) * 1e306, rtol=1e-10)
    np.testing.assert_allclose(linalg.svd(As, compute_uv=False), np.linalg.svd(A, compute_uv=False) * 1e306,
                               rtol=1e-10)


# ------------------------------------------------------------------------ passes
def _count(fit):
    with passes() as count:
        fit()
    return count[0]


@pytest.mark.parametrize("make, ordinary, extreme", [
    (lambda: LinearRegression(), 1, 1), (lambda: LinearRegression(solver="qr"), 1, 1),
    (lambda: LinearRegression(solver="normal"), 1, 2), (lambda: Ridge(), 1, 2), (lambda: Lasso(0.1), 1, 2),
    (lambda: ElasticNet(0.1), 1, 2),
], ids=["lr-svd", "lr-qr", "lr-normal", "ridge", "lasso", "enet"])
def test_regression_passes(threaded, make, ordinary, extreme):
    """One pass on ordinary data; at 2^900 a Gram pass is redone in units, TSQR's R rescaled instead."""
    X, y, _ = _data(9)
    assert _count(lambda: make().fit(as_dask(X), as_dask(y))) == ordinary
    assert _count(lambda: make().fit(as_dask(X * 2.0**900), as_dask(y))) == extreme
    assert _count(lambda: make().fit(as_dask(X), as_dask(y * 2.0**-900))) == extreme


@pytest.mark.parametrize("s, nb, pca", [(1.0, 1, 1), (2.0**900, 2, 1), (1e-300, 2, 1)])
def test_one_pass_estimators_stay_one_pass(threaded, s, nb, pca):
    """GaussianNB's class moments are redone in units at an extreme scale; PCA's TSQR R is rescaled."""
    X, _, labels = _data(10)
    Xd = as_dask(X * s)
    assert _count(lambda: GaussianNB().fit(Xd, as_dask(labels))) == nb
    assert _count(lambda: PCA(2).fit(Xd)) == pca


@pytest.mark.parametrize("fit, extra", [
    (lambda X, labels: LogisticRegression(penalty=None).fit(X, labels), 0),
    (lambda X, labels: LogisticRegression(solver="newton", penalty=None).fit(X, labels), 0),
    (lambda X, labels: PCA(2, svd_solver="randomized", random_state=0).fit(X), 1),
    (lambda X, labels: KMeans(3, random_state=0).fit(X), 1),
    (lambda X, labels: KMeans(3, init="random", n_init=2, random_state=0).fit(X), 1),
    (lambda X, labels: GaussianMixture(2, init_params="random", random_state=0).fit(X), 0),
    (lambda X, labels: GaussianMixture(2, covariance_type="tied", init_params="random", random_state=0).fit(X), 1),
], ids=["logistic", "logistic-newton", "pca-randomized", "kmeans", "kmeans-random", "gmm", "gmm-tied"])
def test_iterative_fits_at_a_power_of_two_add_at_most_the_first_pass(threaded, fit, extra):
    """At 2^900 the iterations are those of X itself (X's largest magnitude in [1/2, 1): the units are
    X, and without a penalty, which does not scale, the very same problem); only a first pass whose
    squares overflowed is redone (logistic regression's first pass, its labels, is scale-free, and
    a mixture's data mean is rescaled: no pass is added)."""
    X, _, labels = _data(11)
    X = X / 2.0 ** np.frexp(np.abs(X).max())[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = _count(lambda: fit(as_dask(X), as_dask(labels)))
        scaled = _count(lambda: fit(as_dask(X * 2.0**900), as_dask(labels)))
    assert scaled == plain + extra


# ------------------------------------------------------------------------ on the cluster
@pytest.mark.parametrize("s", [2.0**-900, 1e300])
def test_at_any_scale_on_the_cluster(on_cluster, s):
    """Worker processes: blocks divided in units there, KMeans's per-worker passes (data persisted,
    per-row state kept between k-means|| rounds) included."""
    X, y, _ = _data(12, n=400)
    Xd, yd = as_dask(X * s, 100).persist(), as_dask(y * s, 100).persist()
    a, b = Ridge(alpha=1.0).fit(X * s, y * s), Ridge(alpha=1.0).fit(Xd, yd)
    _close(b.coef_, a.coef_)
    init = X[[0, 150, 300]] * s
    a, b = KMeans(3, init=init).fit(X * s), KMeans(3, init=init).fit(Xd)
    np.testing.assert_array_equal(b.labels_.compute(), a.labels_)
    _close(b.cluster_centers_, a.cluster_centers_, rtol=1e-10)
    if s in POW2:   # k-means|| on the workers: the steps of the unscaled fit (the workers' merge order
        # follows where the blocks landed, so the sums may differ in their last bit)
        a, b = KMeans(3, random_state=1).fit(as_dask(X, 100).persist()), KMeans(3, random_state=1).fit(Xd)
        np.testing.assert_array_equal(b.labels_.compute(), a.labels_.compute())
        np.testing.assert_allclose(b.cluster_centers_, a.cluster_centers_ * s, rtol=1e-13)


@pytest.mark.parametrize("s", [2.0**300, 2.0**-300])
def test_beyond_the_unit_limit_but_squares_safe_no_pass_is_added(threaded, s):
    """Between 2^±256 and about 2^±450 the fits run in units, but the first pass's Gram matrix and
    moments lost nothing to over- or underflow: they are rescaled exactly, no pass redone."""
    X, y, labels = _data(14)
    for cls, kw in [(Ridge, dict(alpha=1.0)), (Lasso, dict(alpha=0.01, tol=1e-12))]:
        Xd, yd = as_dask(X * s), as_dask(y * s)
        with passes() as count:
            b = cls(**kw).fit(Xd, yd)
        assert count[0] == 1
        a = cls(**kw).fit(X * s, y * s)
        _close(b.coef_, a.coef_, rtol=1e-7)
        _close(b.intercept_, a.intercept_)
    assert _count(lambda: GaussianNB().fit(as_dask(X * s), as_dask(labels))) == 1
    a, b = GaussianNB().fit(X * s, labels), GaussianNB().fit(as_dask(X * s), as_dask(labels))
    _close(b.theta_, a.theta_)
    _close(b.var_, a.var_)
    kw = dict(n_components=2, svd_solver="randomized", random_state=0)
    assert _count(lambda: PCA(**kw).fit(as_dask(X * s))) == _count(lambda: PCA(**kw).fit(as_dask(X)))
    a, b = PCA(**kw).fit(X * s), PCA(**kw).fit(as_dask(X * s))
    _close(b.explained_variance_, a.explained_variance_)
    kw = dict(n_components=2, covariance_type="tied", init_params="random", random_state=0, max_iter=5,
              reg_covar=0.0)   # an absolute variance: it does not scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = _count(lambda: GaussianMixture(**kw).fit(as_dask(X)))
        scaled = _count(lambda: GaussianMixture(**kw).fit(as_dask(X * s)))
        b = GaussianMixture(**kw).fit(as_dask(X * s))
        a = GaussianMixture(**kw).fit(as_dask(X))
    assert scaled == plain
    np.testing.assert_allclose(b.means_ / s, a.means_, rtol=1e-10)
