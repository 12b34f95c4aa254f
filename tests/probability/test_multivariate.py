"""MultivariateNormal and Dirichlet against scipy.stats and the Schur-complement formulas."""

import numpy as np
import pytest
import scipy.optimize as so
import scipy.stats as st
from hypothesis import given
from hypothesis import strategies as hs
from scipy.special import digamma

from mmlkit.probability import Dirichlet, MultivariateNormal


def random_spd(rng, d, cond=10.0):
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    return Q @ np.diag(np.geomspace(1.0, cond, d)) @ Q.T


@pytest.mark.parametrize(("seed", "d", "cond"), [(0, 1, 1.0), (1, 2, 5.0), (2, 5, 1e3), (3, 8, 1e6)])
def test_mvn_logpdf_entropy_match_scipy(seed, d, cond):
    rng = np.random.default_rng(seed)
    mean, cov = rng.standard_normal(d), random_spd(rng, d, cond)
    cov = 0.5 * (cov + cov.T)
    ours, ref = MultivariateNormal(mean, cov), st.multivariate_normal(mean, cov)
    x = rng.standard_normal((50, d)) * 3
    np.testing.assert_allclose(ours.logpdf(x), ref.logpdf(x), rtol=1e-10)
    np.testing.assert_allclose(ours.pdf(x[:3]), ref.pdf(x[:3]), rtol=1e-10)
    np.testing.assert_allclose(ours.logpdf(x[0]), ref.logpdf(x[0]), rtol=1e-10)
    assert ours.logpdf(x.reshape(5, 10, d)).shape == (5, 10)
    np.testing.assert_allclose(ours.entropy(), ref.entropy(), rtol=1e-12)
    np.testing.assert_allclose(ours.mean(), mean)
    np.testing.assert_allclose(ours.var(), np.diag(cov))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mvn_marginal_and_condition_match_schur_formulas(seed):
    rng = np.random.default_rng(seed)
    d = 6
    mean, S = rng.standard_normal(d), random_spd(rng, d, 50.0)
    S = 0.5 * (S + S.T)
    mvn = MultivariateNormal(mean, S)
    a, b = np.array([0, 2, 5]), np.array([1, 3, 4])
    marg = mvn.marginal(a)
    np.testing.assert_allclose(marg.mean(), mean[a])
    np.testing.assert_allclose(marg.cov, S[np.ix_(a, a)])
    v = rng.standard_normal(3)
    cond = mvn.condition(b, v)
    S_bb_inv = np.linalg.inv(S[np.ix_(b, b)])  # the textbook formula, as an oracle
    mu_ref = mean[a] + S[np.ix_(a, b)] @ S_bb_inv @ (v - mean[b])
    cov_ref = S[np.ix_(a, a)] - S[np.ix_(a, b)] @ S_bb_inv @ S[np.ix_(b, a)]
    np.testing.assert_allclose(cond.mean(), mu_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(cond.cov, cov_ref, rtol=1e-10, atol=1e-12)
    # joint = marginal(b) × conditional(a | b), checked with scipy's densities
    x = np.empty(d)
    x[b], x[a] = v, rng.standard_normal(3)
    joint = st.multivariate_normal(mean, S).logpdf(x)
    factored = st.multivariate_normal(mean[b], S[np.ix_(b, b)]).logpdf(v) + cond.logpdf(x[a])
    np.testing.assert_allclose(joint, factored, rtol=1e-10)


def test_mvn_sample_moments_and_mahalanobis_distribution():
    rng = np.random.default_rng(0)
    mean, S = np.array([1.0, -2.0, 0.5]), random_spd(rng, 3, 4.0)
    S = 0.5 * (S + S.T)
    mvn = MultivariateNormal(mean, S)
    X = mvn.sample(20000, random_state=1)
    assert X.shape == (20000, 3)
    np.testing.assert_allclose(X.mean(axis=0), mean, atol=0.05)
    np.testing.assert_allclose(np.cov(X.T), S, atol=0.08)
    # squared Mahalanobis distances of samples are χ²(d)
    assert st.kstest(mvn.mahalanobis(X[:3000]), st.chi2(3).cdf).pvalue > 1e-3
    np.testing.assert_array_equal(mvn.sample(4, random_state=5), mvn.sample(4, random_state=5))
    assert mvn.sample(random_state=0).shape == (3,)


def test_mvn_fit_is_sample_mean_and_biased_covariance():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 4)) @ rng.standard_normal((4, 4))
    fit = MultivariateNormal.fit(X)
    np.testing.assert_allclose(fit.mean(), X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(fit.cov, np.cov(X.T, bias=True), rtol=1e-10)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]]), "positive definite"),
        (([0.0, 0.0], [[1.0, 0.5], [0.4, 1.0]]), "symmetric"),
        (([0.0, 0.0, 0.0], np.eye(2)), "cov must have shape"),
        (([0.0, np.nan], np.eye(2)), "mean"),
        (([0.0], [[0.0]]), "positive definite"),
    ],
)
def test_mvn_rejects_bad_parameters(args, match):
    with pytest.raises(ValueError, match=match):
        MultivariateNormal(*args)


def test_mvn_rejects_bad_indices_and_points():
    mvn = MultivariateNormal(np.zeros(3), np.eye(3))
    with pytest.raises(ValueError, match="idx"):
        mvn.marginal([3])
    with pytest.raises(ValueError, match="idx"):
        mvn.marginal([0, 0])
    with pytest.raises(ValueError, match="values"):
        mvn.condition([0, 1], [1.0])
    with pytest.raises(ValueError, match="unobserved"):
        mvn.condition([0, 1, 2], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="last dimension"):
        mvn.logpdf(np.zeros((4, 2)))


@given(hs.integers(0, 2**32 - 1), hs.integers(1, 6))
def test_mvn_condition_on_nothing_correlated_changes_nothing(seed, d):
    # block-diagonal covariance: conditioning on the other block leaves a block unchanged
    rng = np.random.default_rng(seed)
    S = np.zeros((d + 1, d + 1))
    S[:d, :d] = random_spd(rng, d, 10.0)
    S[:d, :d] = 0.5 * (S[:d, :d] + S[:d, :d].T)
    S[d, d] = 2.0
    mean = rng.standard_normal(d + 1)
    cond = MultivariateNormal(mean, S).condition([d], [5.0])
    np.testing.assert_allclose(cond.mean(), mean[:d], atol=1e-12)
    np.testing.assert_allclose(cond.cov, S[:d, :d], atol=1e-12)


# ----------------------------------------------------------------------------- Dirichlet
@pytest.mark.parametrize("alpha", [[1.0, 1.0, 1.0], [0.5, 2.0, 7.5], [30.0, 0.3], [2.0, 3.0, 4.0, 5.0, 0.9]])
def test_dirichlet_matches_scipy(alpha):
    ours, ref = Dirichlet(alpha), st.dirichlet(alpha)
    X = st.dirichlet(alpha).rvs(20, random_state=0)
    X = np.clip(X, 1e-300, None)
    X /= X.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ours.logpdf(X), ref.logpdf(X.T), rtol=1e-10)
    np.testing.assert_allclose(ours.mean(), ref.mean(), rtol=1e-14)
    np.testing.assert_allclose(ours.var(), ref.var(), rtol=1e-12)
    np.testing.assert_allclose(ours.entropy(), ref.entropy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours.cov(), ref.cov(), rtol=1e-12, atol=1e-16)
    assert ours.logpdf(np.full(len(alpha), 0.9)) == -np.inf  # off the simplex


def test_dirichlet_samples_and_marginals():
    d = Dirichlet([2.0, 3.0, 5.0])
    X = d.sample(4000, random_state=0)
    assert X.shape == (4000, 3)
    np.testing.assert_allclose(X.sum(axis=1), 1.0)
    for k in range(3):
        assert st.kstest(X[:, k], d.marginal(k).cdf).pvalue > 1e-3


@pytest.mark.parametrize("seed", [0, 1])
def test_dirichlet_fit_is_the_mle(seed):
    rng = np.random.default_rng(seed)
    alpha = np.array([1.5, 4.0, 0.7])
    X = rng.dirichlet(alpha, 500)
    fit = Dirichlet.fit(X)
    # stationarity: ψ(α_k) − ψ(α₀) = mean log x_k
    np.testing.assert_allclose(digamma(fit.alpha) - digamma(fit.alpha.sum()), np.log(X).mean(axis=0), rtol=1e-10)
    # and at least as good as a general-purpose optimiser on SciPy's likelihood
    res = so.minimize(lambda la: -st.dirichlet(np.exp(la)).logpdf(X.T).sum(), np.zeros(3), method="Nelder-Mead",
                      options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 5000})
    assert st.dirichlet(fit.alpha).logpdf(X.T).sum() >= -res.fun - 1e-8
    np.testing.assert_allclose(fit.alpha, np.exp(res.x), rtol=1e-4)


def test_dirichlet_rejects_bad_input():
    with pytest.raises(ValueError, match="alpha"):
        Dirichlet([1.0, -1.0])
    with pytest.raises(ValueError, match="alpha"):
        Dirichlet([1.0])
    with pytest.raises(ValueError, match="X rows"):
        Dirichlet.fit([[0.5, 0.6], [0.5, 0.5]])
    with pytest.raises(ValueError, match="last dimension"):
        Dirichlet([1.0, 1.0]).logpdf([0.2, 0.3, 0.5])
