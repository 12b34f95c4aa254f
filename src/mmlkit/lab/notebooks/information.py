import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · information theory")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import mmlkit.autodiff as ad
    import mmlkit.information as info
    from mmlkit.viz import PALETTE, binary_entropy, kl_asymmetry, new_figure
    return PALETTE, ad, binary_entropy, info, kl_asymmetry, mo, new_figure, np


@app.cell
def _(mo):
    mo.md(r"""
    # Information theory: surprise, measured

    The **entropy** of a distribution is its average surprise, the expected number of bits needed to encode
    a draw:

    $$H(p) = -\sum_i p_i \log_2 p_i .$$

    A fair coin carries one bit; a certain outcome carries none.
    """)
    return


@app.cell
def _(binary_entropy):
    binary_entropy(marks=(0.1, 0.5, 0.9))
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 1. Softmax temperature

    A classifier turns scores (logits) $z$ into probabilities with the softmax; a **temperature** $T$ sharpens
    or flattens it,

    $$p_i(T) = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}} .$$

    As $T \to 0$ the softmax becomes an arg-max (entropy 0); as $T \to \infty$ it becomes uniform
    (entropy $\log_2 K$). Language models sample at a temperature; knowledge distillation trains on a softened
    teacher. Computed with `mmlkit.autodiff.softmax` and `mmlkit.information.entropy`.
    """)
    return


@app.cell
def _(mo):
    temperature = mo.ui.slider(0.05, 5.0, step=0.05, value=1.0, label="temperature T", show_value=True)
    temperature
    return (temperature,)


@app.cell
def _(PALETTE, ad, info, mo, new_figure, np, temperature):
    logits = np.array([3.0, 1.5, 1.0, 0.2, -0.5, -1.0])
    _classes = ["cat", "dog", "fox", "owl", "eel", "ant"]
    _p = ad.softmax(ad.tensor(logits / temperature.value)).numpy()
    _H = info.entropy(_p, base=2)
    _fig, _ax = new_figure(width=6.0, height=3.4)
    _ax.bar(_classes, _p, color=PALETTE[0])
    _ax.axhline(1 / len(_p), color="0.5", ls="--", lw=1, label="uniform")
    _ax.set(ylim=(0, 1), ylabel="probability",
            title=f"softmax(z / T), T = {temperature.value:.2f}: entropy {_H:.3f} of {np.log2(len(_p)):.3f} bits")
    _ax.legend()
    mo.vstack([_fig, mo.md(f"At T = {temperature.value:.2f}: entropy {_H:.3f} bits; logits z = {logits.tolist()}; "
                           f"cross-entropy loss if the label is 'cat': "
                           f"{info.cross_entropy(np.eye(len(_p))[0], _p, base=2):.3f} bits")])
    return (logits,)


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. KL divergence between two Gaussians

    The Kullback–Leibler divergence is the extra cost of encoding draws from $P$ with a code built for $Q$,

    $$\mathrm{KL}(P\,\|\,Q) = \int p(x)\log\frac{p(x)}{q(x)}\,dx, \qquad
    \mathrm{KL}\big(\mathcal N(\mu_1,\sigma_1^2)\,\|\,\mathcal N(\mu_2,\sigma_2^2)\big)
    = \log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1-\mu_2)^2}{2\sigma_2^2} - \frac12 .$$

    It is zero only when $P = Q$, grows with the squared distance between the means, and is **not
    symmetric**: $P$ narrow inside a wide $Q$ is cheap, the other way round is expensive. It is the term
    that a VAE's loss pays to keep its posterior near the prior (`mmlkit.information.gaussian_kl`).
    """)
    return


@app.cell
def _(mo):
    mu_p = mo.ui.slider(-3.0, 3.0, step=0.1, value=0.0, label="μ_P", show_value=True)
    mu_q = mo.ui.slider(-3.0, 3.0, step=0.1, value=1.0, label="μ_Q", show_value=True)
    sigma_p = mo.ui.slider(0.3, 3.0, step=0.1, value=1.0, label="σ_P", show_value=True)
    sigma_q = mo.ui.slider(0.3, 3.0, step=0.1, value=2.0, label="σ_Q", show_value=True)
    mo.hstack([mo.vstack([mu_p, sigma_p]), mo.vstack([mu_q, sigma_q])], justify="start")
    return mu_p, mu_q, sigma_p, sigma_q


@app.cell
def _(info, kl_asymmetry, mo, mu_p, mu_q, sigma_p, sigma_q):
    _kl_pq = info.gaussian_kl([mu_p.value], [[sigma_p.value ** 2]], [mu_q.value], [[sigma_q.value ** 2]])
    _kl_qp = info.gaussian_kl([mu_q.value], [[sigma_q.value ** 2]], [mu_p.value], [[sigma_p.value ** 2]])
    mo.vstack([
        kl_asymmetry(mu_p.value, sigma_p.value, mu_q.value, sigma_q.value),
        mo.md(f"`gaussian_kl`: KL(P‖Q) = **{_kl_pq:.4f}** nats, KL(Q‖P) = **{_kl_qp:.4f}** nats"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `softmax`

    Write the softmax over the last axis, stable for logits of 1000:

    $$\operatorname{softmax}(z)_i = \frac{e^{z_i - \max z}}{\sum_j e^{z_j - \max z}}$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start information` gives you the other exercises of this
    module, and `mmlkit exercises hint information.softmax` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _softmax(z):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_softmax, "information.softmax")
    return


if __name__ == "__main__":
    app.run()
