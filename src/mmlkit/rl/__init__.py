"""Learning by acting: multi-armed bandits and policy gradients.

- Bandits (:mod:`~mmlkit.rl.bandits`): ``BernoulliBandit`` and ``GaussianBandit``
  arms; the agents ``EpsilonGreedy``, ``UCB1``, ``ThompsonSampling`` (Beta–Bernoulli
  and Gaussian), vectorised over independent runs; ``simulate`` for regret curves.
- Policy gradients (:mod:`~mmlkit.rl.policy_gradient`): ``reinforce`` with a
  baseline, training an :mod:`mmlkit.nn` policy with :mod:`mmlkit.optim` on the
  ``Corridor`` and ``CartPole`` environments.

Examples
--------
>>> from mmlkit.rl import BernoulliBandit, UCB1, simulate
>>> res = simulate(BernoulliBandit([0.2, 0.8]), UCB1(), horizon=100, n_runs=10, random_state=0)
>>> res.regret.shape
(10, 100)
"""

from mmlkit.rl.bandits import (
    UCB1,
    BanditResult,
    BernoulliBandit,
    EpsilonGreedy,
    GaussianBandit,
    ThompsonSampling,
    simulate,
)
from mmlkit.rl.policy_gradient import CartPole, Corridor, ReinforceResult, reinforce

__all__ = ["BanditResult", "BernoulliBandit", "CartPole", "Corridor", "EpsilonGreedy", "GaussianBandit",
           "ReinforceResult", "ThompsonSampling", "UCB1", "reinforce", "simulate"]
