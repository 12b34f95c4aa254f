"""Multi-armed bandits: environments, agents vectorised over independent runs, and regret.

Every agent keeps its state as arrays of shape (n_runs, n_arms), so
:func:`simulate` advances many independent runs with one array operation per
round.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from mmlkit._validation import Interval, Options, as_float_array, check_random_state, validate_args

_POSITIVE = [Interval(numbers.Real, 0, None, closed="neither")]
_COUNT = [Interval(numbers.Integral, 1, None)]

__all__ = ["BanditResult", "BernoulliBandit", "EpsilonGreedy", "GaussianBandit", "ThompsonSampling", "UCB1",
           "simulate"]


# --------------------------------------------------------------------------- environments
class _Bandit:
    def __init__(self, means):
        self.means = as_float_array(means, "means", ndim=1)
        if self.means.size < 2:
            raise ValueError(f"means must list at least 2 arms, got {self.means.size}")

    @property
    def n_arms(self) -> int:
        return self.means.size

    @property
    def optimal_mean(self) -> float:
        return float(self.means.max())

    @property
    def gaps(self) -> np.ndarray:
        """Δ_a = μ* − μ_a, shape (n_arms,)."""
        return self.optimal_mean - self.means


class BernoulliBandit(_Bandit):
    """Arms paying 1 with probability ``means[a]``, else 0.

    Parameters
    ----------
    means : array_like of shape (n_arms,)
        Success probabilities in [0, 1].

    Examples
    --------
    >>> env = BernoulliBandit([0.2, 0.5])
    >>> env.pull(np.array([1, 1, 0]), np.random.default_rng(0)).shape
    (3,)
    """

    def __init__(self, means):
        super().__init__(means)
        if (self.means < 0).any() or (self.means > 1).any():
            raise ValueError("means must be probabilities in [0, 1] for a BernoulliBandit")

    def pull(self, arms: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Rewards for one pull of ``arms`` (shape (n_runs,)) in each run."""
        return (rng.random(arms.shape) < self.means[arms]).astype(float)


class GaussianBandit(_Bandit):
    """Arms paying N(means[a], sigma²).

    Parameters
    ----------
    means : array_like of shape (n_arms,)
        Expected rewards.
    sigma : float, default=1.0
        Reward noise standard deviation (> 0).

    Examples
    --------
    >>> GaussianBandit([0.0, 1.0]).gaps
    array([1., 0.])
    """

    @validate_args({"sigma": _POSITIVE})
    def __init__(self, means, sigma: float = 1.0):
        super().__init__(means)
        self.sigma = sigma

    def pull(self, arms: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Rewards for one pull of ``arms`` (shape (n_runs,)) in each run."""
        return self.means[arms] + self.sigma * rng.standard_normal(arms.shape)


# --------------------------------------------------------------------------- agents
def _argmax_random_ties(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Row-wise argmax of an (n_runs, n_arms) array, ties broken uniformly at random."""
    best = values == values.max(axis=1, keepdims=True)
    return np.argmax(best * rng.random(values.shape), axis=1)


class _Agent:
    @validate_args({"n_runs": _COUNT, "n_arms": _COUNT})
    def reset(self, n_runs: int, n_arms: int) -> None:
        """Fresh state arrays of shape (n_runs, n_arms); both must be ints ≥ 1."""
        self.counts_ = np.zeros((n_runs, n_arms))
        self.values_ = np.zeros((n_runs, n_arms))      # running mean reward of each arm

    def update(self, arms: np.ndarray, rewards: np.ndarray) -> None:
        """Record one reward per run: incremental mean Q ← Q + (r − Q) / n."""
        rows = np.arange(arms.size)
        self.counts_[rows, arms] += 1
        self.values_[rows, arms] += (rewards - self.values_[rows, arms]) / self.counts_[rows, arms]


class EpsilonGreedy(_Agent):
    """Explore a uniformly random arm with probability ε, otherwise exploit the best mean.

    Parameters
    ----------
    epsilon : float, default=0.1
        Exploration probability in [0, 1].

    Notes
    -----
    With a fixed ε every round explores with probability ε and then pays the
    average gap, so the regret grows linearly: R(T) ≈ ε T (1/K) Σ_a Δ_a once
    the means are learnt. O(n_runs · K) per round.

    Examples
    --------
    >>> res = simulate(BernoulliBandit([0.3, 0.7]), EpsilonGreedy(0.1), horizon=50, n_runs=4, random_state=0)
    >>> res.regret.shape
    (4, 50)
    """

    @validate_args({"epsilon": [Interval(numbers.Real, 0, 1)]})
    def __init__(self, epsilon: float = 0.1):
        self.epsilon = epsilon

    def select(self, t: int, rng: np.random.Generator) -> np.ndarray:
        """Arms for round ``t`` (0-based), shape (n_runs,)."""
        n_runs, n_arms = self.values_.shape
        greedy = _argmax_random_ties(self.values_, rng)
        explore = rng.random(n_runs) < self.epsilon
        return np.where(explore, rng.integers(n_arms, size=n_runs), greedy)


class UCB1(_Agent):
    """Upper confidence bound: play each arm once, then argmax Q_a + sqrt(c ln t / n_a).

    Parameters
    ----------
    c : float, default=2.0
        Exploration constant (Auer et al. 2002 use c = 2).

    Notes
    -----
    Optimism in the face of uncertainty. For rewards in [0, 1] and c = 2 the
    expected regret is at most Σ_{a: Δ_a>0} 8 ln T / Δ_a + (1 + π²/3) Σ_a Δ_a —
    logarithmic in T. O(n_runs · K) per round.

    Examples
    --------
    >>> res = simulate(BernoulliBandit([0.3, 0.7]), UCB1(), horizon=50, n_runs=4, random_state=0)
    >>> bool(res.mean_regret[-1] < 0.4 * 50)
    True
    """

    @validate_args({"c": [Interval(numbers.Real, 0, None)]})
    def __init__(self, c: float = 2.0):
        self.c = c

    def select(self, t: int, rng: np.random.Generator) -> np.ndarray:
        """Arms for round ``t`` (0-based), shape (n_runs,)."""
        n_runs, n_arms = self.values_.shape
        if t < n_arms:                                  # initialisation: each arm once
            return np.full(n_runs, t)
        bonus = np.sqrt(self.c * np.log(t + 1) / self.counts_)
        return _argmax_random_ties(self.values_ + bonus, rng)


class ThompsonSampling(_Agent):
    """Posterior sampling: draw a mean for each arm from its posterior, play the largest.

    Parameters
    ----------
    prior : {"beta", "gaussian"}, default="beta"
        ``"beta"``: Beta(alpha, beta) priors for rewards in [0, 1] (a reward r
        counts as a success with probability r — exact for Bernoulli arms);
        ``"gaussian"``: N(mu0, tau0²) priors for Gaussian rewards of known
        standard deviation ``sigma``.
    alpha, beta : float, default=1.0
        Beta prior parameters (uniform prior by default).
    mu0 : float, default=0.0
        Gaussian prior mean.
    tau0 : float, default=1.0
        Gaussian prior standard deviation.
    sigma : float, default=1.0
        Known reward noise for the Gaussian model.

    Notes
    -----
    Beta–Bernoulli: posterior Beta(α + S_a, β + F_a) after S_a successes and F_a
    failures. Gaussian: posterior precision 1/τ_a² = 1/τ₀² + n_a/σ², mean
    τ_a² (μ₀/τ₀² + Σ r / σ²). Both have logarithmic regret (Agrawal & Goyal
    2012). O(n_runs · K) per round.

    Examples
    --------
    >>> res = simulate(BernoulliBandit([0.3, 0.7]), ThompsonSampling(), horizon=50, n_runs=4, random_state=0)
    >>> res.actions.shape
    (4, 50)
    """

    @validate_args({"prior": [Options(("beta", "gaussian"))], "alpha": _POSITIVE, "beta": _POSITIVE,
                    "mu0": [Interval(numbers.Real, None, None)], "tau0": _POSITIVE, "sigma": _POSITIVE})
    def __init__(self, prior: str = "beta", alpha: float = 1.0, beta: float = 1.0, mu0: float = 0.0,
                 tau0: float = 1.0, sigma: float = 1.0):
        self.prior = prior
        self.alpha, self.beta, self.mu0, self.tau0, self.sigma = alpha, beta, mu0, tau0, sigma

    def reset(self, n_runs: int, n_arms: int) -> None:
        super().reset(n_runs, n_arms)
        self.successes_ = np.zeros((n_runs, n_arms))
        self._rng = None

    def update(self, arms: np.ndarray, rewards: np.ndarray) -> None:
        if self.prior == "beta":
            if (rewards < 0).any() or (rewards > 1).any():
                raise ValueError("rewards must lie in [0, 1] for ThompsonSampling(prior='beta')")
            # Bernoulli trial with success probability r (Agrawal & Goyal): exact for 0/1 rewards
            rewards = np.where((rewards == 0) | (rewards == 1), rewards,
                               (self._draws().random(rewards.shape) < rewards).astype(float))
            self.successes_[np.arange(arms.size), arms] += rewards
        super().update(arms, rewards)

    def _draws(self) -> np.random.Generator:
        """The generator of the last ``select`` (a fresh one if ``update`` comes first)."""
        if self._rng is None:
            self._rng = check_random_state(None)
        return self._rng

    def posterior(self) -> tuple[np.ndarray, np.ndarray]:
        """Posterior parameters, each (n_runs, n_arms): (α, β) for "beta", (mean, std) for "gaussian"."""
        if self.prior == "beta":
            return self.alpha + self.successes_, self.beta + self.counts_ - self.successes_
        precision = 1 / self.tau0 ** 2 + self.counts_ / self.sigma ** 2
        mean = (self.mu0 / self.tau0 ** 2 + self.counts_ * self.values_ / self.sigma ** 2) / precision
        return mean, 1 / np.sqrt(precision)

    def select(self, t: int, rng: np.random.Generator) -> np.ndarray:
        """Arms for round ``t`` (0-based), shape (n_runs,)."""
        self._rng = rng
        a, b = self.posterior()
        draws = rng.beta(a, b) if self.prior == "beta" else a + b * rng.standard_normal(a.shape)
        return np.argmax(draws, axis=1)


# --------------------------------------------------------------------------- simulation
@dataclass
class BanditResult:
    """What :func:`simulate` returns.

    regret : ndarray (n_runs, horizon) — cumulative pseudo-regret Σ_{s≤t} Δ_{a_s}
    rewards : ndarray (n_runs, horizon)
    actions : ndarray of int (n_runs, horizon)
    """

    regret: np.ndarray
    rewards: np.ndarray
    actions: np.ndarray

    @property
    def mean_regret(self) -> np.ndarray:
        """Cumulative regret averaged over runs, shape (horizon,)."""
        return self.regret.mean(axis=0)


@validate_args({"horizon": _COUNT, "n_runs": _COUNT, "random_state": ["random_state"]})
def simulate(env, agent, horizon: int = 1000, n_runs: int = 100, random_state=None) -> BanditResult:
    """Run ``agent`` on ``env`` for ``horizon`` rounds in ``n_runs`` independent runs at once.

    Parameters
    ----------
    env : BernoulliBandit or GaussianBandit
        The arms.
    agent : EpsilonGreedy, UCB1 or ThompsonSampling
        Reset to fresh (n_runs, n_arms) state first.
    horizon : int, default=1000
        Rounds T.
    n_runs : int, default=100
        Independent runs.
    random_state : None, int or Generator, default=None
        Seeds rewards and the agents' choices.

    Returns
    -------
    BanditResult
        Cumulative pseudo-regret, rewards and actions, each (n_runs, horizon).

    Notes
    -----
    Pseudo-regret R(T) = Σ_{t≤T} (μ* − μ_{a_t}) = Σ_a Δ_a E[N_a(T)]: it removes
    the reward noise but keeps the randomness of the choices. One array
    operation per round over all runs: O(T · n_runs · K).

    Examples
    --------
    >>> res = simulate(GaussianBandit([0.0, 0.5, 1.0]), UCB1(), horizon=200, n_runs=8, random_state=1)
    >>> res.mean_regret.shape
    (200,)
    """
    if not hasattr(env, "pull") or not hasattr(env, "gaps"):
        raise ValueError(f"env must be a bandit environment (BernoulliBandit, GaussianBandit), got {env!r}")
    if not all(hasattr(agent, m) for m in ("reset", "select", "update")):
        raise ValueError(f"agent must have reset, select and update methods, got {agent!r}")
    rng = check_random_state(random_state)
    agent.reset(n_runs, env.n_arms)
    actions = np.empty((n_runs, horizon), dtype=int)
    rewards = np.empty((n_runs, horizon))
    for t in range(horizon):
        arms = agent.select(t, rng)
        r = env.pull(arms, rng)
        agent.update(arms, r)
        actions[:, t], rewards[:, t] = arms, r
    return BanditResult(regret=np.cumsum(env.gaps[actions], axis=1), rewards=rewards, actions=actions)
