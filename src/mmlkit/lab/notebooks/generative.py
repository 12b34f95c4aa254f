import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · generative models")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    from mmlkit.datasets import make_moons
    from mmlkit.generative import DiffusionModel, energy_distance, noise_schedule
    from mmlkit.viz import PALETTE, diffusion_snapshots, new_figure
    return DiffusionModel, PALETTE, diffusion_snapshots, energy_distance, make_moons, mo, new_figure, noise_schedule, np


@app.cell
def _(mo):
    mo.md(r"""
    # Generative models: diffusion

    A **denoising diffusion model** destroys data by adding Gaussian noise over $T$ small steps, then learns
    to undo one step at a time. The forward process has a closed form for any step $t$:

    $$q(x_t \mid x_0) = \mathcal{N}\big(\sqrt{\bar\alpha_t}\, x_0,\ (1 - \bar\alpha_t) I\big), \qquad
    \bar\alpha_t = \prod_{s \le t} (1 - \beta_s),$$

    and the network $\varepsilon_\theta$ is trained to predict the noise,
    $\min_\theta \mathbb{E}\,\|\varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\,
    \varepsilon, t)\|^2$. Move $t$ and the schedule to see how fast the two moons dissolve.
    """)
    return


@app.cell
def _(make_moons):
    X, _ = make_moons(600, noise=0.05, random_state=0)
    X = (X - X.mean(0)) / X.std(0)
    return (X,)


@app.cell
def _(mo):
    step = mo.ui.slider(0, 100, step=1, value=20, label="forward step t (of 100)", show_value=True)
    schedule = mo.ui.dropdown(["linear", "cosine"], value="linear", label="noise schedule")
    mo.hstack([step, schedule], justify="start")
    return schedule, step


@app.cell
def _(PALETTE, X, mo, new_figure, noise_schedule, np, schedule, step):
    _, _, alpha_bar = noise_schedule(100, kind=schedule.value)
    _ab = 1.0 if step.value == 0 else float(alpha_bar[step.value - 1])
    _eps = np.random.default_rng(1).standard_normal(X.shape)
    _xt = np.sqrt(_ab) * X + np.sqrt(1 - _ab) * _eps
    _fig, (_ax, _ax2) = new_figure(1, 2, width=4.2, height=3.8)
    _ax.scatter(_xt[:, 0], _xt[:, 1], s=5, color=PALETTE[0])
    _ax.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal", title=f"$x_t$ at t = {step.value}")
    _ax2.plot(np.arange(1, 101), np.sqrt(alpha_bar), label=r"signal $\sqrt{\bar\alpha_t}$")
    _ax2.plot(np.arange(1, 101), np.sqrt(1 - alpha_bar), label=r"noise $\sqrt{1 - \bar\alpha_t}$")
    _ax2.axvline(max(step.value, 1), color="0.4", ls=":")
    _ax2.set(xlabel="t", title=f"{schedule.value} schedule")
    _ax2.legend(fontsize=8)
    mo.vstack([_fig, mo.md(f"At t = {step.value}: signal weight {np.sqrt(_ab):.3f}, noise weight "
                           f"{np.sqrt(1 - _ab):.3f}.")])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Walking back: a small DDPM

    Train $\varepsilon_\theta$ (a small MLP) for a number of iterations and run the reverse process from pure
    noise. Too few iterations leave a blurred cloud; the **energy distance** to held-out data measures how far
    the samples are (two halves of the data are about 0.02 apart). A caveat: this is a toy in two
    dimensions, trained in seconds.
    """)
    return


@app.cell
def _(mo):
    n_iter = mo.ui.slider(100, 1500, step=100, value=300, label="training iterations", show_value=True)
    n_iter
    return (n_iter,)


@app.cell
def _(DiffusionModel, X, diffusion_snapshots, energy_distance, mo, n_iter):
    _model = DiffusionModel(n_steps=100, n_iter=n_iter.value, hidden=(64, 64, 64), batch_size=128, lr=3e-3,
                            random_state=0).fit(X[:400])
    _samples, _trajectory = _model.sample(300, random_state=1, return_trajectory=True)
    mo.vstack([diffusion_snapshots(_trajectory, [100, 50, 20, 0], data=X[400:], title="reverse diffusion"),
               mo.md(f"energy distance to held-out data: **{energy_distance(_samples, X[400:]):.4f}**")])
    return


if __name__ == "__main__":
    app.run()
