"""Tour: universal approximation, an MLP on two moons, attention on a toy sequence task, a GCN on a graph."""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit.exceptions import ConvergenceWarning
from mmlkit.tour._api import Showcase

TITLE = "Neural networks and geometric deep learning"
ORDER = 90
LAB = ("neural",)
API = ("mmlkit.nn",)
FORMULA = (r"h = \sigma(W x + b), \quad \hat y = \mathrm{softmax}(W_L h_{L-1} + b_L), \quad \partial L / \partial W \text{ by reverse-mode autodiff}" "\n"
           r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{Q K^\top}{\sqrt{d}}\right) V \qquad \text{GCN: } H' = \sigma\left(D^{-1/2} (A + I) D^{-1/2} H W\right)")
SUMMARY = ("A network is matrix products, nonlinearities, a loss and gradient descent — here all running on "
           "mmlkit's own autodiff engine and optimizers. One hidden layer approximates a wiggly function better "
           "as it widens; a tiny transformer learns to copy the previous token and its attention map shows it "
           "looking one step back; a two-layer graph convolutional network labels every member of Zachary's "
           "karate club from four labelled members by passing messages along friendships.")


def _fit(model, loss, X, y, epochs, lr, batch_size, seed):
    from mmlkit.nn import fit
    from mmlkit.optim import Adam

    return fit(model, loss, Adam(model.parameters(), lr=lr), X, y, epochs=epochs, batch_size=batch_size,
               progress=False, random_state=seed)


def _universal(quick):
    from mmlkit.autodiff import no_grad, tensor
    from mmlkit.nn import MLP, mse_loss

    x = np.linspace(-3, 3, 200)[:, None]
    target = np.sin(2 * x[:, 0]) + 0.3 * x[:, 0]
    fits = {}
    for width in (2, 8, 64):
        model = MLP((1, width, 1), activation="tanh", random_state=0)
        _fit(model, lambda out, t: mse_loss(out.reshape(-1), t), x, target, 80 if quick else 600, 0.03, 50, 0)
        with no_grad():
            fits[width] = model(tensor(x)).data.ravel()
    return x[:, 0], target, fits


def _previous_token_transformer(quick):
    """Learn y_i = x_{i−1}: the only way is to attend one position back."""
    from mmlkit.autodiff import no_grad
    from mmlkit.nn import Embedding, Linear, Module, TransformerBlock, cross_entropy
    from mmlkit.optim import Adam

    vocab, length, d = 8, 8, 32
    rng = np.random.default_rng(0)

    class Tiny(Module):
        def __init__(self):
            super().__init__()
            self.tok = Embedding(vocab, d, random_state=1)
            self.pos = Embedding(length, d, random_state=2)
            self.block = TransformerBlock(d, 1, dim_feedforward=64, dropout=0.0, random_state=3)
            self.head = Linear(d, vocab, random_state=4)

        def forward(self, idx):
            h = self.tok(idx) + self.pos(np.arange(idx.shape[1]))
            return self.head(self.block(h))

    model = Tiny()
    opt = Adam(model.parameters(), lr=3e-3)
    steps = 160 if quick else 900
    for _ in range(steps):
        seq = rng.integers(0, vocab, size=(32, length))
        target = np.roll(seq, 1, axis=1)[:, 1:]  # position i predicts token i − 1
        opt.zero_grad()
        logits = model(seq)[:, 1:]
        loss = cross_entropy(logits.reshape(-1, vocab), target.reshape(-1))
        loss.backward()
        opt.step()
    test = rng.integers(0, vocab, size=(256, length))
    with no_grad():
        pred = model(test).data[:, 1:].argmax(-1)
    accuracy = float((pred == test[:, :-1]).mean())
    example = test[:1]
    with no_grad():
        model(example)
    return example[0], model.block.last_attention[0], accuracy, float(loss.data)


def _karate_gcn(quick):
    from mmlkit.autodiff import no_grad, relu, tensor
    from mmlkit.datasets import load_karate_club
    from mmlkit.nn import GraphConv, Module, cross_entropy, normalized_adjacency
    from mmlkit.optim import Adam

    g = load_karate_club()
    A_hat = normalized_adjacency(g.adjacency)
    H0 = np.eye(len(g.labels))
    train = np.array([0, 33, 2, 31])  # the two leaders and one follower of each

    class GCN(Module):
        def __init__(self):
            super().__init__()
            self.conv1 = GraphConv(34, 16, random_state=0)
            self.conv2 = GraphConv(16, 2, random_state=1)

        def forward(self, H):
            return self.conv2(relu(self.conv1(H, A_hat)), A_hat)

    model = GCN()
    opt = Adam(model.parameters(), lr=0.02, weight_decay=5e-4)
    for _ in range(60 if quick else 200):
        opt.zero_grad()
        loss = cross_entropy(model(tensor(H0))[train], g.labels[train])
        loss.backward()
        opt.step()
    with no_grad():
        pred = model(tensor(H0)).data.argmax(1)
    return g, pred, train, float((pred == g.labels).mean())


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import make_moons
    from mmlkit.models import MLPClassifier
    from mmlkit.viz import attention_heatmap, graph_plot, universal_approximation
    from mmlkit.viz._style import PALETTE, new_figure

    x, target, fits = _universal(quick)
    figures = [("Universal approximation: one tanh hidden layer of growing width fitting sin(2x) + 0.3x",
                universal_approximation(x, target, fits))]

    X, y = make_moons(200 if quick else 1000, noise=0.2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier((32, 32), max_iter=100 if quick else 500, learning_rate_init=0.01, random_state=0).fit(X, y)
    fig, ax = new_figure(width=5.5, height=4.5)
    gx, gy = np.meshgrid(np.linspace(-1.6, 2.6, 160), np.linspace(-1.2, 1.7, 120))
    proba = clf.predict_proba(np.c_[gx.ravel(), gy.ravel()])[:, 1].reshape(gx.shape)
    cs = ax.contourf(gx, gy, proba, levels=20, cmap="RdBu_r", alpha=0.75)
    ax.contour(gx, gy, proba, levels=[0.5], colors="black", linewidths=1.5)
    ax.scatter(X[:, 0], X[:, 1], c=[PALETTE[3] if t else PALETTE[0] for t in y], s=10, edgecolors="white", lw=0.3)
    fig.colorbar(cs, ax=ax, shrink=0.8, label="P(class 1)")
    ax.set(title=f"MLP (32, 32) on two moons: training accuracy {clf.score(X, y):.3f}", xlabel="x₁", ylabel="x₂")
    figures.append(("An MLP classifier's decision boundary and probabilities on two moons", fig))

    tokens, weights, seq_acc, _ = _previous_token_transformer(quick)
    figures.append((f"A one-layer transformer trained to output the previous token (accuracy {seq_acc:.2f}): "
                    "its attention puts the weight one step back, just below the diagonal",
                    attention_heatmap(weights, tokens, title="attention of a tiny transformer")))

    g, pred, train, gcn_acc = _karate_gcn(quick)
    figures.append((f"A two-layer GCN labels the karate club's two factions from 4 labelled members "
                    f"(black rings; accuracy {gcn_acc:.2f} on all 34, the misclassified members in dashed red rings)",
                    graph_plot(g.adjacency, pred, highlight=train, label_names=g.label_names, true_labels=g.labels,
                               title="GCN predictions on Zachary's karate club")))
    return Showcase(
        figures=figures,
        key_number=("GCN accuracy on the karate club (4 labels)", f"{gcn_acc:.3f}"),
        notes=[f"Previous-token transformer accuracy: {seq_acc:.3f}; moons MLP training accuracy "
               f"{clf.score(X, y):.3f}."],
    )
