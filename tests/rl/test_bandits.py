"""Bandit agents: regret grows as theory says; posteriors are the conjugate ones."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from mmlkit.rl import UCB1, BernoulliBandit, EpsilonGreedy, GaussianBandit, ThompsonSampling, simulate

MEANS = [0.2, 0.5, 0.8]
T = 4000


def doubling_increments(mean_regret):
    """R(2t) − R(t) for t = T/8, T/4, T/2: constant for log regret, doubling for linear."""
    t = np.array([T // 8, T // 4, T // 2])
    return mean_regret[2 * t - 1] - mean_regret[t - 1]


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("agent, env", [
    (UCB1(), BernoulliBandit(MEANS)),
    (ThompsonSampling("beta"), BernoulliBandit(MEANS)),
    (ThompsonSampling("gaussian", sigma=1.0), GaussianBandit(MEANS, sigma=1.0)),
])
def test_logarithmic_regret(seed, agent, env):
    res = simulate(env, agent, horizon=T, n_runs=100, random_state=seed)
    R = res.mean_regret
    inc = doubling_increments(R)
    assert (inc[1:] / inc[:-1] < 1.5).all()           # linear regret would double each time
    assert R[-1] / T < 0.35 * R[T // 8 - 1] / (T // 8)  # R(T)/T -> 0 (linear regret: ratio 1)
    assert R[-1] / np.log(T) < 30                      # bounded by a constant times log T
    if isinstance(agent, UCB1):                        # Auer et al. (2002) bound, c = 2
        gaps = env.gaps[env.gaps > 0]
        assert R[-1] <= np.sum(8 * np.log(T) / gaps) + (1 + np.pi ** 2 / 3) * env.gaps.sum()


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("epsilon", [0.05, 0.2])
def test_fixed_epsilon_regret_is_linear_with_slope_eps_times_mean_gap(seed, epsilon):
    env = BernoulliBandit(MEANS)
    res = simulate(env, EpsilonGreedy(epsilon), horizon=T, n_runs=200, random_state=seed)
    slope = (res.mean_regret[-1] - res.mean_regret[T // 2 - 1]) / (T - T // 2)
    assert slope == pytest.approx(epsilon * env.gaps.mean(), rel=0.1)


def test_greedy_without_exploration_can_lock_on_a_bad_arm():
    res = simulate(BernoulliBandit([0.5, 0.6]), EpsilonGreedy(0.0), horizon=500, n_runs=200, random_state=0)
    stuck = (res.actions[:, -100:] == 0).all(axis=1).mean()
    assert stuck > 0.1


def test_beta_posterior_matches_conjugate_update():
    ts = ThompsonSampling("beta", alpha=2.0, beta=3.0)
    ts.reset(1, 2)
    ts._rng = np.random.default_rng(0)
    for arm, r in [(0, 1.0), (0, 0.0), (0, 1.0), (1, 0.0)]:
        ts.update(np.array([arm]), np.array([r]))
    a, b = ts.posterior()
    np.testing.assert_array_equal(a, [[4.0, 2.0]])
    np.testing.assert_array_equal(b, [[4.0, 4.0]])


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=20), st.floats(-1, 1), st.floats(0.2, 3), st.floats(0.2, 3))
def test_gaussian_posterior_matches_bayes_rule(rewards, mu0, tau0, sigma):
    ts = ThompsonSampling("gaussian", mu0=mu0, tau0=tau0, sigma=sigma)
    ts.reset(1, 2)
    for r in rewards:
        ts.update(np.array([0]), np.array([r]))
    mean, sd = ts.posterior()
    prec = 1 / tau0 ** 2 + len(rewards) / sigma ** 2
    assert mean[0, 0] == pytest.approx((mu0 / tau0 ** 2 + np.sum(rewards) / sigma ** 2) / prec, abs=1e-9)
    assert sd[0, 0] == pytest.approx(prec ** -0.5)
    assert mean[0, 1] == pytest.approx(mu0) and sd[0, 1] == pytest.approx(tau0)


def test_thompson_draws_follow_the_beta_posterior():
    ts = ThompsonSampling("beta")
    ts.reset(20000, 2)
    ts.successes_[:, 0], ts.counts_[:, 0] = 3, 5          # Beta(4, 3) vs Beta(1, 1)
    picks = ts.select(10, np.random.default_rng(0))
    # P(X > U) for X ~ Beta(4, 3), U ~ U(0, 1) is E[X] = 4/7
    assert picks.mean() == pytest.approx(1 - 4 / 7, abs=0.015)


def test_bandit_rewards_have_the_right_distribution():
    rng = np.random.default_rng(0)
    arms = np.zeros(20000, dtype=int)
    r = GaussianBandit([1.5, 0.0], sigma=2.0).pull(arms, rng)
    assert stats.kstest(r, stats.norm(1.5, 2.0).cdf).pvalue > 1e-3
    assert BernoulliBandit([0.3, 0.9]).pull(arms, rng).mean() == pytest.approx(0.3, abs=0.015)


def test_ucb_plays_every_arm_first():
    res = simulate(BernoulliBandit([0.1, 0.2, 0.3, 0.4]), UCB1(), horizon=4, n_runs=3, random_state=0)
    np.testing.assert_array_equal(res.actions, np.tile(np.arange(4), (3, 1)))


def test_simulate_is_reproducible_and_regret_is_cumulative_gap():
    env = GaussianBandit([0.0, 1.0, 0.3])
    a = simulate(env, EpsilonGreedy(0.3), horizon=50, n_runs=5, random_state=3)
    b = simulate(env, EpsilonGreedy(0.3), horizon=50, n_runs=5, random_state=3)
    np.testing.assert_array_equal(a.regret, b.regret)
    np.testing.assert_allclose(a.regret, np.cumsum(env.gaps[a.actions], axis=1))
    assert a.mean_regret.shape == (50,)


@pytest.mark.parametrize("make, match", [
    (lambda: BernoulliBandit([0.5]), "means"),
    (lambda: BernoulliBandit([0.5, 1.5]), "means"),
    (lambda: GaussianBandit([0.0, 1.0], sigma=0.0), "sigma"),
    (lambda: EpsilonGreedy(1.5), "epsilon"),
    (lambda: UCB1(c=-1.0), "c"),
    (lambda: ThompsonSampling("poisson"), "prior"),
    (lambda: ThompsonSampling(alpha=0.0), "alpha"),
    (lambda: ThompsonSampling("gaussian", tau0=-1.0), "tau0"),
    (lambda: simulate(BernoulliBandit([0.1, 0.2]), UCB1(), horizon=0), "horizon"),
    (lambda: simulate(BernoulliBandit([0.1, 0.2]), UCB1(), n_runs=0), "n_runs"),
    (lambda: simulate(object(), UCB1()), "env"),
    (lambda: simulate(BernoulliBandit([0.1, 0.2]), object()), "agent"),
    (lambda: simulate(GaussianBandit([0.1, 0.2]), ThompsonSampling("beta"), horizon=50), "rewards"),
])
def test_bad_input(make, match):
    with pytest.raises(ValueError, match=match):
        make()


@pytest.mark.parametrize("agent", [EpsilonGreedy(0.1), UCB1(), ThompsonSampling()])
@pytest.mark.parametrize(("n_runs", "n_arms", "match"), [(3, 0, "n_arms"), (0, 2, "n_runs"), (2, 1.5, "n_arms")])
def test_reset_rejects_zero_arms_or_runs(agent, n_runs, n_arms, match):
    """Issue 20: ``reset(n_runs, 0)`` was accepted and failed later with NumPy's message."""
    with pytest.raises(ValueError, match=match):
        agent.reset(n_runs, n_arms)
