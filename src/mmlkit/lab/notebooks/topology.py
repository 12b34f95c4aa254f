import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · topology")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    from mmlkit.topology import persistence_entropy, vietoris_rips
    from mmlkit.viz import point_cloud_persistence
    return mo, np, persistence_entropy, point_cloud_persistence, vietoris_rips


@app.cell
def _(mo):
    mo.md(r"""
    # Topology: the shape of data

    Grow a ball of radius $r$ around every point and join the points whose balls meet: the
    **Vietoris–Rips complex**

    $$\mathrm{VR}_r(X) = \{\sigma \subseteq X : d(u, v) \le r \text{ for all } u, v \in \sigma\}.$$

    As $r$ grows, components merge ($H_0$ bars end) and loops appear and fill in ($H_1$ bars). A feature that
    **persists** over a long range of $r$ is structure; short bars are noise. Persistence is stable: moving
    every point by at most $\varepsilon$ moves the diagram by at most $2\varepsilon$ in bottleneck distance,
    $d_B(D, D') \le 2 \max_i \|x_i - x'_i\|$.
    """)
    return


@app.cell
def _(mo):
    noise = mo.ui.slider(0.0, 0.6, step=0.02, value=0.08, label="noise σ around the circle", show_value=True)
    n_points = mo.ui.slider(30, 150, step=10, value=80, label="points", show_value=True)
    mo.hstack([noise, n_points], justify="start")
    return n_points, noise


@app.cell
def _(mo, n_points, noise, np, persistence_entropy, point_cloud_persistence, vietoris_rips):
    _rng = np.random.default_rng(0)
    _t = _rng.uniform(0, 2 * np.pi, n_points.value)
    X = np.c_[np.cos(_t), np.sin(_t)] + noise.value * _rng.standard_normal((n_points.value, 2))
    dgms = vietoris_rips(X)
    _h1 = dgms[1][:, 1] - dgms[1][:, 0] if len(dgms[1]) else np.zeros(1)
    _top = np.sort(_h1)[::-1]
    _second = _top[1] if _top.size > 1 else 0.0
    mo.vstack([
        point_cloud_persistence(X, dgms, title=f"circle, noise σ = {noise.value:.2f}"),
        mo.md(f"longest $H_1$ bar **{_top[0]:.2f}**, the next {_second:.2f} "
              f"(ratio {_top[0] / max(_second, 1e-12):.1f}); "
              f"persistence entropy of $H_1$: {persistence_entropy(dgms[1]):.3f}. With more noise the one loop "
              "drowns among short bars."),
    ])
    return


if __name__ == "__main__":
    app.run()
