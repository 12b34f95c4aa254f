"""DDPM and VAE: closed forms, sample quality, ELBO behaviour, errors."""

import numpy as np
import pytest
import scipy.stats

from mmlkit.datasets import load_digits, make_moons
from mmlkit.generative import VAE, DiffusionModel, energy_distance, gaussian_kl_standard, mmd_rbf, noise_schedule


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("T", [10, 100, 1000])
def test_noise_schedule_identities(kind, T):
    beta, alpha, alpha_bar = noise_schedule(T, kind)
    assert beta.shape == (T,) and np.all((beta > 0) & (beta < 1))
    np.testing.assert_allclose(alpha, 1 - beta)
    np.testing.assert_allclose(alpha_bar, np.cumprod(1 - beta))
    assert np.all(np.diff(alpha_bar) < 0) and alpha_bar[-1] < 0.05  # the data is all but destroyed at T


def test_closed_form_q_sample_matches_step_by_step_noising():
    """q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I): compare with iterating q(x_t | x_{t−1})."""
    model = DiffusionModel(n_steps=20)
    model.beta_, model.alpha_, model.alpha_bar_ = noise_schedule(20)
    rng = np.random.default_rng(0)
    x0 = np.full((200_000, 1), 1.5)
    x = x0.copy()
    for t in range(20):
        x = np.sqrt(model.alpha_[t]) * x + np.sqrt(model.beta_[t]) * rng.standard_normal(x.shape)
    closed = model.q_sample(x0, np.full(len(x0), 19), rng.standard_normal(x0.shape))
    assert scipy.stats.ks_2samp(x.ravel(), closed.ravel()).pvalue > 0.01
    np.testing.assert_allclose(closed.mean(), np.sqrt(model.alpha_bar_[19]) * 1.5, atol=0.01)


def test_ddpm_samples_are_as_close_as_held_out_halves():
    X, _ = make_moons(3000, noise=0.05, random_state=0)
    train, held = X[:2000], X[2000:]
    model = DiffusionModel(n_iter=3000, random_state=0).fit(train)
    samples, trajectory = model.sample(500, random_state=1, return_trajectory=True)
    baseline = energy_distance(held[:500], held[500:])
    assert energy_distance(samples, held[:500]) <= 2 * baseline
    assert len(trajectory) == model.n_steps + 1
    assert energy_distance(trajectory[0], held[:500]) > 4 * baseline  # x_T is noise: far from the data
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_energy_distance_and_mmd_properties():
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((300, 2)), rng.standard_normal((300, 2)) + 1.0
    assert energy_distance(A, A) == pytest.approx(0.0, abs=1e-9)  # √ of round-off on the diagonal
    assert energy_distance(A, B) > energy_distance(A, rng.standard_normal((300, 2)))
    assert mmd_rbf(A, A) == pytest.approx(0.0, abs=1e-12) and mmd_rbf(A, B) > 0
    # 1-D oracle: scipy's energy_distance is √(2E|X−Y| − E|X−X'| − E|Y−Y'|) for the same V-statistic
    a, b = rng.standard_normal(200), rng.standard_normal(150) + 0.5
    np.testing.assert_allclose(energy_distance(a[:, None], b[:, None]), scipy.stats.energy_distance(a, b) ** 2,
                               rtol=1e-10)
    with pytest.raises(ValueError, match="same number of features"):
        energy_distance(A, np.ones((3, 3)))


@pytest.fixture(scope="module")
def digits_vae():
    X = load_digits().data / 16
    order = np.random.default_rng(0).permutation(len(X))
    train, held = X[order[:1400]], X[order[1400:]]
    return VAE(latent_dim=2, epochs=24, random_state=0).fit(train, validation_data=held), held


def test_vae_held_out_elbo_improves_over_epochs(digits_vae):
    vae, held = digits_vae
    elbo = np.asarray(vae.history_["val_elbo"])
    blocks = elbo.reshape(6, 4).mean(axis=1)  # averaged over blocks of epochs, as the issue says
    assert np.all(np.diff(blocks) > 0), blocks
    assert elbo[-1] > elbo[0] + 5


def test_vae_kl_closed_form_equals_monte_carlo(digits_vae):
    vae, held = digits_vae
    closed = vae.kl_divergence(held[:5])
    mc = vae.kl_monte_carlo(held[:5], n_samples=40_000, random_state=0)
    np.testing.assert_allclose(mc, closed, rtol=0.03, atol=0.02)
    mu = np.array([[0.0, 0.0], [1.0, -2.0]])
    logvar = np.array([[0.0, 0.0], [np.log(4.0), 0.0]])
    np.testing.assert_allclose(gaussian_kl_standard(mu, logvar), [0.0, 0.5 * (1 + 4 + 4 - np.log(4) - 1 + 0)])


def test_vae_outputs_and_errors(digits_vae):
    vae, held = digits_vae
    assert vae.reconstruct(held[:4]).shape == (4, 64)
    s = vae.sample(5, random_state=0)
    assert s.shape == (5, 64) and np.all((s >= 0) & (s <= 1))
    assert vae.elbo(held[:10], n_samples=3, random_state=0).shape == (10,)
    rec_err = np.abs(vae.reconstruct(held) - held).mean()
    assert rec_err < np.abs(held.mean(axis=0) - held).mean()  # better than predicting the mean image
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        VAE().fit(load_digits().data)
    with pytest.raises(ValueError, match="not fitted"):
        VAE().sample(3)
    with pytest.raises(ValueError, match="not fitted"):
        DiffusionModel().sample(3)
    with pytest.raises(ValueError, match=r"n_iter must be an int in the range \[1, inf\), got 0 "
                                         r"\(a parameter of DiffusionModel\)"):
        DiffusionModel(n_iter=0).fit(np.zeros((5, 2)))


# ------------------------------------------------------------- degenerate and bad input (issue 20)
@pytest.mark.parametrize("X", [np.ones((5, 2)), np.zeros((3, 1)), np.full((4, 3), -2.5)])
def test_mmd_of_identical_constant_samples_is_zero(X):
    assert mmd_rbf(X, X.copy()) == 0.0  # was NaN: the median of no positive distance


@pytest.mark.parametrize("seed", [0, 1])
def test_mmd_is_never_negative(seed):
    X = np.random.default_rng(seed).normal(size=(20, 2))
    assert mmd_rbf(X, X + 1e-9) >= 0.0


@pytest.mark.parametrize("gamma", [-1.0, 0.0, np.nan, np.inf])
def test_mmd_rejects_a_non_positive_gamma(gamma):
    with pytest.raises(ValueError, match="gamma"):
        mmd_rbf(np.zeros((3, 2)), np.ones((3, 2)), gamma=gamma)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"beta_start": -0.1}, "beta_start"), ({"beta_start": 0.0}, "beta_start"),
    ({"beta_end": 1.5}, "beta_end"), ({"beta_end": 1.0}, "beta_end"),
    ({"beta_start": 0.02, "beta_end": 0.01}, "beta_end"),
    ({"beta_start": 0.5, "beta_end": 0.6}, "beta_start"),
])
def test_noise_schedule_rejects_variances_outside_0_1(kwargs, match):
    with pytest.raises(ValueError, match=match):
        noise_schedule(10, **kwargs)
