"""Tour: bandit regret curves and a policy-gradient learning curve."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Learning by acting"
ORDER = 120
LAB = ("rl",)
API = ("mmlkit.rl",)
FORMULA = (r"R(T) = \sum_t (\mu^* - \mu_{a_t}) \qquad \text{UCB1: } a_t = \mathrm{argmax}_a \hat Q_a + \sqrt{\frac{2 \ln t}{n_a}} \qquad R(T) = O\left(\sum_a \frac{\ln T}{\Delta_a}\right)" "\n"
           r"\nabla J(\theta) = \mathbb{E}\left[\sum_t \nabla \log \pi_\theta(a_t \mid s_t)\, (G_t - b)\right] \quad \text{(REINFORCE with a baseline)}")
SUMMARY = ("A bandit agent must trade exploring for exploiting. A fixed ε keeps paying for exploration, so "
           "its regret grows linearly; UCB1's optimism and Thompson sampling's posterior draws explore "
           "only as much as the uncertainty warrants, and their regret grows like log T. REINFORCE "
           "climbs the expected return by the score-function gradient, with a baseline to tame its "
           "variance, and reaches the corridor's optimal return.")


def run(quick: bool) -> Showcase:
    from mmlkit.rl import UCB1, BernoulliBandit, Corridor, EpsilonGreedy, ThompsonSampling, reinforce, simulate
    from mmlkit.viz.rl import policy_learning_curve, regret_curves

    horizon, n_runs = (2000, 60) if quick else (10000, 300)
    env = BernoulliBandit([0.2, 0.4, 0.5, 0.7])
    agents = {"ε-greedy (ε = 0.2)": EpsilonGreedy(0.2), "UCB1": UCB1(), "Thompson (Beta)": ThompsonSampling()}
    results = {name: simulate(env, agent, horizon=horizon, n_runs=n_runs, random_state=i)
               for i, (name, agent) in enumerate(agents.items())}
    final = {name: res.mean_regret[-1] for name, res in results.items()}

    corridor = Corridor(length=8)
    pg = reinforce(corridor, n_iterations=80 if quick else 200, batch_size=16, lr=0.05, random_state=0)
    return Showcase(
        figures=[
            (f"Cumulative regret on arms with means {env.means.tolist()}: the mean of {n_runs} runs (line) "
             "with ± 1 standard error of that mean (the dark band hugging it), and the middle 80 % of single "
             "runs (light band, dotted edges)", regret_curves(results, spread=(10, 90))),
            ("REINFORCE with a baseline on an 8-cell corridor (−1 per step): the mean return per update",
             policy_learning_curve(pg.returns, optimal=corridor.optimal_return)),
        ],
        key_number=(f"regret at T = {horizon}: ε-greedy / UCB1 / Thompson",
                    " / ".join(f"{v:.0f}" for v in final.values())),
        notes=[f"ε-greedy's predicted slope ε·mean(Δ) = {0.2 * env.gaps.mean():.4f} per round; REINFORCE's "
               f"greedy policy returns {pg.greedy_return:g} (optimal {corridor.optimal_return:g}).",
               "Regret / ln T at the end: " + ", ".join(
                   f"{k} {v / np.log(horizon):.1f}" for k, v in final.items())],
    )
