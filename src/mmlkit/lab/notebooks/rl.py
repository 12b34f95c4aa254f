import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · reinforcement learning")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    from mmlkit.rl import UCB1, BernoulliBandit, EpsilonGreedy, ThompsonSampling, simulate
    from mmlkit.viz import regret_curves
    return BernoulliBandit, EpsilonGreedy, ThompsonSampling, UCB1, mo, np, regret_curves, simulate


@app.cell
def _(mo):
    mo.md(r"""
    # Reinforcement learning: exploring against exploiting

    A **bandit** has arms with unknown mean rewards $\mu_a$; an agent pulls one arm per round. Its
    **regret** after $T$ rounds is what it lost against always pulling the best arm,

    $$R(T) = \sum_{t=1}^{T} (\mu^* - \mu_{a_t}) .$$

    A fixed exploration rate $\varepsilon$ keeps paying for exploration, so its regret grows linearly
    (slope $\varepsilon \cdot \overline{\Delta}$). **UCB1** pulls $a_t = \mathrm{argmax}_a\, \hat Q_a +
    \sqrt{2 \ln t / n_a}$, optimism in the face of uncertainty, and its regret grows like $\ln T$; **Thompson
    sampling** draws each arm's mean from its Beta posterior and pulls the best draw.
    """)
    return


@app.cell
def _(mo):
    epsilon = mo.ui.slider(0.0, 0.5, step=0.01, value=0.1, label="ε of ε-greedy", show_value=True)
    gap = mo.ui.slider(0.02, 0.4, step=0.02, value=0.2, label="gap between the two best arms", show_value=True)
    mo.hstack([epsilon, gap], justify="start")
    return epsilon, gap


@app.cell
def _(BernoulliBandit, EpsilonGreedy, ThompsonSampling, UCB1, epsilon, gap, mo, np, regret_curves, simulate):
    env = BernoulliBandit([0.2, 0.7 - gap.value, 0.7])
    _agents = {f"ε-greedy (ε = {epsilon.value:.2f})": EpsilonGreedy(epsilon.value), "UCB1": UCB1(),
               "Thompson": ThompsonSampling()}
    _results = {name: simulate(env, agent, horizon=1000, n_runs=30, random_state=i)
                for i, (name, agent) in enumerate(_agents.items())}
    _final = {name: res.mean_regret[-1] for name, res in _results.items()}
    mo.vstack([
        regret_curves(_results, spread=(10, 90), title=f"arms {env.means.tolist()}"),
        mo.md("regret at T = 1000: " + ", ".join(f"{k}: **{v:.1f}**" for k, v in _final.items())
              + f"; ε-greedy's predicted slope ε·mean(Δ) = {epsilon.value * np.mean(env.gaps):.4f} per round."),
    ])
    return


if __name__ == "__main__":
    app.run()
