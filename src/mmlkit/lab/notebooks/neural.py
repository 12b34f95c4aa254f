import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · neural networks & geometric deep learning")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    from mmlkit.autodiff import no_grad, tensor
    from mmlkit.datasets import load_karate_club
    from mmlkit.nn import MLP, fit, mse_loss, normalized_adjacency, scaled_dot_product_attention
    from mmlkit.optim import Adam
    from mmlkit.viz import attention_heatmap, graph_layout, graph_plot, universal_approximation
    return (Adam, MLP, attention_heatmap, fit, graph_layout, graph_plot, load_karate_club, mo, mse_loss,
            no_grad, normalized_adjacency, np, scaled_dot_product_attention, tensor, universal_approximation)


@app.cell
def _(mo):
    mo.md(r"""
    # Neural networks & geometric deep learning

    A network is alternating affine maps and nonlinearities,

    $$h_\ell = \sigma(W_\ell h_{\ell-1} + b_\ell), \qquad \hat y = W_L h_{L-1} + b_L ,$$

    trained by gradient descent on a loss, with every gradient $\partial L/\partial W_\ell$ from reverse-mode
    autodiff. Everything here runs on mmlkit's own engine: `mmlkit.nn` modules, `mmlkit.optim.Adam`,
    `mmlkit.nn.fit`.

    ## 1. Universal approximation

    One hidden layer of $m$ tanh units can approximate any continuous function on an interval as $m$ grows.
    Fit $f(x) = \sin 2x + 0.3x$ with a width of your choice.
    """)
    return


@app.cell
def _(mo):
    width = mo.ui.slider(1, 64, step=1, value=6, label="hidden units m", show_value=True)
    epochs = mo.ui.slider(20, 200, step=20, value=80, label="epochs", show_value=True)
    mo.hstack([width, epochs], justify="start")
    return epochs, width


@app.cell
def _(Adam, MLP, epochs, fit, mo, mse_loss, no_grad, np, tensor, universal_approximation, width):
    _x = np.linspace(-3, 3, 160)[:, None]
    _target = np.sin(2 * _x[:, 0]) + 0.3 * _x[:, 0]
    _model = MLP((1, width.value, 1), activation="tanh", random_state=0)
    _history = fit(_model, lambda out, t: mse_loss(out.reshape(-1), t), Adam(_model.parameters(), lr=0.03),
                   _x, _target, epochs=epochs.value, batch_size=40, progress=False, random_state=0)
    with no_grad():
        _pred = _model(tensor(_x)).data.ravel()
    mo.vstack([
        universal_approximation(_x[:, 0], _target, {width.value: _pred},
                                title=f"MLP (1, {width.value}, 1), tanh, {epochs.value} epochs of Adam"),
        mo.md(f"{sum(_p.data.size for _p in _model.parameters())} parameters; final training loss "
              f"{_history.loss[-1]:.4f}"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. Attention is a softmax over similarities

    A transformer's attention mixes the values $V$ with weights from how well each query matches each key:

    $$\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\Big(\frac{Q K^\top}{\sqrt d}\Big) V .$$

    Below, tokens are random vectors and each query is its own key plus noise; the **scale** multiplies the
    logits, as a larger $\lVert Q\rVert$ would. Small scales blur attention over all tokens; large ones make
    each query attend to its own token alone (`mmlkit.nn.scaled_dot_product_attention`).
    """)
    return


@app.cell
def _(mo):
    scale = mo.ui.slider(0.0, 2.0, step=0.05, value=0.3, label="logit scale", show_value=True)
    scale
    return (scale,)


@app.cell
def _(attention_heatmap, mo, np, scale, scaled_dot_product_attention, tensor):
    _tokens = ["the", "cat", "sat", "on", "the", "mat"]
    _rng = np.random.default_rng(0)
    _K = _rng.standard_normal((6, 16))
    _Q = (_K + 0.5 * _rng.standard_normal((6, 16))) * scale.value
    _out, _w = scaled_dot_product_attention(tensor(_Q[None]), tensor(_K[None]), tensor(_K[None]),
                                           return_weights=True)
    _w = _w.numpy()[0]
    _H = -(_w * np.log(_w + 1e-300)).sum(axis=1).mean()
    mo.vstack([attention_heatmap(_w, _tokens, title=f"attention weights, scale {scale.value:.2f}"),
               mo.md(f"mean entropy of a row: {_H:.3f} nats (uniform: {np.log(6):.3f})")])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 3. Message passing on a graph

    A graph convolution averages each node's features with its neighbours',
    $H' = \sigma(\hat A H W)$ with $\hat A = D^{-1/2}(A + I)D^{-1/2}$. Stacking $k$ layers lets information
    travel $k$ hops. With the weights stripped away, $\hat A^k Y$ spreads the labels of four members of
    Zachary's karate club (ringed) through the friendship graph; each node takes the label that reaches it
    most strongly. One hop labels only the neighbours of the labelled members; a few hops reach the whole club
    (`mmlkit.nn.normalized_adjacency`).
    """)
    return


@app.cell
def _(mo):
    hops = mo.ui.slider(1, 8, step=1, value=1, label="hops k", show_value=True)
    hops
    return (hops,)


@app.cell
def _(graph_layout, load_karate_club):
    club = load_karate_club()
    club_pos = graph_layout(club.adjacency)
    return club, club_pos


@app.cell
def _(club, club_pos, graph_plot, hops, mo, normalized_adjacency, np):
    _A_hat = np.asarray(normalized_adjacency(club.adjacency))
    _train = np.array([0, 33, 2, 31])
    _Y = np.zeros((len(club.labels), 2))
    _Y[_train, club.labels[_train]] = 1.0
    _scores = np.linalg.matrix_power(_A_hat, hops.value) @ _Y
    _reached = _scores.max(axis=1) > 0
    _pred = np.where(_reached, _scores.argmax(axis=1), 2)
    _acc = float((_pred == club.labels).mean())
    _names = [str(_n) for _n in club.label_names] + ["not reached"]
    mo.vstack([
        graph_plot(club.adjacency, _pred, pos=club_pos, highlight=_train, label_names=_names,
                   title=f"labels after {hops.value} hop(s) of Â"),
        mo.md(f"{int(_reached.sum())} of {len(_pred)} members reached; accuracy on all members **{_acc:.2f}**"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `attention`

    Write scaled dot-product attention; `mask` (boolean) is True where attending is allowed:

    $$\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\!\Big(\frac{QK^\top}{\sqrt d}\Big) V$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start neural` gives you the other exercises of this
    module, and `mmlkit exercises hint neural.attention` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _attention(Q, K, V, mask=None):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_attention, "neural.attention")
    return


if __name__ == "__main__":
    app.run()
