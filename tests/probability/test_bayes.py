"""Bayes' rule and the conjugate models against brute-force grid posteriors and scipy.stats."""

import numpy as np
import pytest
import scipy.integrate as si
import scipy.stats as st
from hypothesis import given
from hypothesis import strategies as hs

from mmlkit.probability import (
    Beta,
    BetaBinom,
    BetaBinomial,
    Categorical,
    Dirichlet,
    DirichletMultinomial,
    Gamma,
    GammaPoisson,
    NegativeBinomial,
    Normal,
    NormalNormal,
    bayes_rule,
)


def test_bayes_rule_disease_test():
    prior = np.array([0.01, 0.99])  # sick, healthy
    like_positive = np.array([0.95, 0.05])
    post = bayes_rule(prior, like_positive)
    expected = 0.95 * 0.01 / (0.95 * 0.01 + 0.05 * 0.99)
    np.testing.assert_allclose(post, [expected, 1 - expected], rtol=1e-14)


@given(hs.lists(hs.floats(1e-3, 1.0), min_size=2, max_size=6), hs.integers(0, 2**32 - 1))
def test_bayes_rule_matches_direct_formula_and_sums_to_one(weights, seed):
    prior = np.asarray(weights) / np.sum(weights)
    like = np.random.default_rng(seed).uniform(0, 1, (3, prior.size))
    post = bayes_rule(prior, like)
    direct = like * prior / np.sum(like * prior, axis=-1, keepdims=True)
    np.testing.assert_allclose(post, direct, rtol=1e-12)
    np.testing.assert_allclose(post.sum(axis=-1), 1.0, rtol=1e-14)


def test_bayes_rule_survives_tiny_likelihoods():
    post = bayes_rule([0.5, 0.5], [1e-320, 3e-320])  # would be 0/0 without log space
    np.testing.assert_allclose(post, [0.25, 0.75], rtol=1e-2)  # subnormal inputs carry few digits


def test_bayes_rule_errors():
    with pytest.raises(ValueError, match="prior"):
        bayes_rule([0.5, 0.6], [1.0, 1.0])
    with pytest.raises(ValueError, match="likelihood"):
        bayes_rule([0.5, 0.5], [1.0, -1.0])
    with pytest.raises(ValueError, match="likelihood"):
        bayes_rule([0.5, 0.5], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="evidence"):
        bayes_rule([1.0, 0.0], [0.0, 1.0])


# ----------------------------------------------------------------------------- grid posteriors
def grid_posterior(grid, log_prior, log_like):
    logp = log_prior + log_like
    w = np.exp(logp - logp.max())
    return w / si.trapezoid(w, grid)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beta_binomial_posterior_matches_grid(seed):
    rng = np.random.default_rng(seed)
    data = rng.binomial(1, 0.3, 25)
    model = BetaBinomial(2.0, 3.0).update(data)
    grid = np.linspace(1e-6, 1 - 1e-6, 20001)
    dens = grid_posterior(grid, st.beta.logpdf(grid, 2, 3), st.binom.logpmf(data.sum(), data.size, grid))
    np.testing.assert_allclose(model.posterior.pdf(grid), dens, rtol=1e-6, atol=1e-6)
    assert isinstance(model.posterior, Beta)
    # credible interval holds `level` of the grid posterior's mass
    lo, hi = model.credible_interval(0.9)
    inside = (grid >= lo) & (grid <= hi)
    np.testing.assert_allclose(si.trapezoid(dens[inside], grid[inside]), 0.9, atol=1e-3)


def test_beta_binomial_sequential_equals_batch_and_counts():
    data = np.array([1, 0, 1, 1, 0, 1])
    batch = BetaBinomial(1.0, 1.0).update(data)
    seq = BetaBinomial(1.0, 1.0)
    for x in data:
        seq = seq.update([x])
    counts = BetaBinomial(1.0, 1.0).update(successes=4, trials=6)
    assert (batch.a, batch.b) == (seq.a, seq.b) == (counts.a, counts.b) == (5.0, 3.0)
    prior = BetaBinomial(1.0, 1.0)
    prior.update(data)
    assert (prior.a, prior.b) == (1.0, 1.0)  # update returns a new model


def test_beta_binomial_predictive_matches_scipy_and_integration():
    model = BetaBinomial(2.0, 5.0).update([1, 1, 0])
    pred = model.posterior_predictive(10)
    assert isinstance(pred, BetaBinom)
    k = np.arange(11)
    np.testing.assert_allclose(pred.pmf(k), st.betabinom.pmf(k, 10, model.a, model.b), rtol=1e-12)
    # P(k) = ∫ Binomial(k | 10, θ) Beta(θ | a, b) dθ
    for kk in (0, 4, 10):
        val, _ = si.quad(lambda t, kk=kk: st.binom.pmf(kk, 10, t) * st.beta.pdf(t, model.a, model.b), 0, 1)
        np.testing.assert_allclose(pred.pmf(kk), val, rtol=1e-8)


@pytest.mark.parametrize("seed", [0, 1])
def test_normal_normal_posterior_and_predictive(seed):
    rng = np.random.default_rng(seed)
    sigma = 2.0
    data = rng.normal(1.5, sigma, 15)
    model = NormalNormal(0.0, 3.0, sigma).update(data)
    grid = np.linspace(-6, 8, 40001)
    like = st.norm.logpdf(data[:, None], grid, sigma).sum(axis=0)
    dens = grid_posterior(grid, st.norm.logpdf(grid, 0, 3), like)
    assert isinstance(model.posterior, Normal)
    np.testing.assert_allclose(model.posterior.pdf(grid), dens, rtol=1e-6, atol=1e-7)
    pred = model.posterior_predictive()
    np.testing.assert_allclose(pred.var(), sigma**2 + model.posterior.var(), rtol=1e-14)
    lo, hi = model.credible_interval(0.95)
    np.testing.assert_allclose([lo, hi], st.norm.interval(0.95, model.mu0, model.tau0), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_gamma_poisson_posterior_and_predictive(seed):
    rng = np.random.default_rng(seed)
    data = rng.poisson(3.0, 12)
    model = GammaPoisson(2.0, 0.5).update(data)
    grid = np.linspace(1e-6, 12, 40001)
    like = st.poisson.logpmf(data[:, None], grid).sum(axis=0)
    dens = grid_posterior(grid, st.gamma.logpdf(grid, 2.0, scale=2.0), like)
    assert isinstance(model.posterior, Gamma)
    np.testing.assert_allclose(model.posterior.pdf(grid), dens, rtol=1e-6, atol=1e-7)
    pred = model.posterior_predictive()
    assert isinstance(pred, NegativeBinomial)
    for k in (0, 3, 9):  # P(k) = ∫ Poisson(k | λ) Gamma(λ) dλ
        val, _ = si.quad(lambda lam, k=k: st.poisson.pmf(k, lam) * model.posterior.pdf(lam), 0, 60)
        np.testing.assert_allclose(pred.pmf(k), val, rtol=1e-8)


def test_dirichlet_multinomial_posterior_matches_grid():
    model = DirichletMultinomial([1.0, 2.0, 1.5]).update([0, 2, 2, 1, 2, 0, 2])
    np.testing.assert_allclose(model.alpha, [3.0, 3.0, 5.5])
    same = DirichletMultinomial([1.0, 2.0, 1.5]).update([[1, 0, 2], [1, 1, 2]])
    np.testing.assert_allclose(same.alpha, model.alpha)
    assert isinstance(model.posterior, Dirichlet)
    # brute force over a grid on the simplex
    g = np.linspace(1e-4, 1 - 1e-4, 400)
    p0, p1 = np.meshgrid(g, g, indexing="ij")
    p2 = 1 - p0 - p1
    ok = p2 > 1e-4
    P = np.stack([p0[ok], p1[ok], p2[ok]], axis=1)
    log_post = st.dirichlet([1.0, 2.0, 1.5]).logpdf(P.T) + np.log(P) @ np.array([2.0, 1.0, 4.0])
    w = np.exp(log_post - log_post.max())
    w /= w.sum()
    np.testing.assert_allclose(w @ P, model.posterior.mean(), atol=2e-4)
    pred = model.posterior_predictive()
    assert isinstance(pred, Categorical)
    np.testing.assert_allclose(pred.p, w @ P, atol=2e-4)
    ci = model.credible_interval(0.9)
    assert ci.shape == (3, 2)
    for k in range(3):
        np.testing.assert_allclose(ci[k], st.beta.interval(0.9, model.alpha[k], model.alpha.sum() - model.alpha[k]))


def test_posterior_sharpens_with_data():
    rng = np.random.default_rng(0)
    model, widths = BetaBinomial(), []
    for _ in range(4):
        model = model.update(rng.binomial(1, 0.7, 50))
        lo, hi = model.credible_interval(0.95)
        widths.append(hi - lo)
    assert np.all(np.diff(widths) < 0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: BetaBinomial(0.0, 1.0), "a"),
        (lambda: BetaBinomial().update([0, 2]), "data"),
        (lambda: BetaBinomial().update(successes=3), "together"),
        (lambda: BetaBinomial().update(successes=5, trials=3), "successes"),
        (lambda: NormalNormal(0.0, -1.0), "tau0"),
        (lambda: NormalNormal(0.0, 1.0, 0.0), "sigma"),
        (lambda: NormalNormal().update([1.0, np.inf]), "data"),
        (lambda: GammaPoisson(1.0, 0.0), "rate"),
        (lambda: GammaPoisson().update([1, -2]), "data"),
        (lambda: GammaPoisson().update([1.5]), "data"),
        (lambda: DirichletMultinomial([1.0, 0.0]), "alpha"),
        (lambda: DirichletMultinomial([1.0, 1.0]).update([0, 2]), "data"),
        (lambda: DirichletMultinomial([1.0, 1.0]).update([[1, 2, 3]]), "columns"),
        (lambda: BetaBinomial().credible_interval(2.0), "level"),
    ],
)
def test_conjugate_models_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
