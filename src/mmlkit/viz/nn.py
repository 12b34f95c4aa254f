"""Figures for neural networks: approximation by width, attention maps, graphs."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import CMAP, PALETTE, new_figure

__all__ = ["attention_heatmap", "graph_layout", "graph_plot", "universal_approximation"]


def universal_approximation(x, target, fits, *, title="one hidden layer, growing width"):
    """A 1-D target and MLP fits of increasing width (``fits``: width -> predictions on ``x``)."""
    fig, ax = new_figure(width=6.5, height=4.2)
    ax.plot(x, target, color="black", lw=2.5, label="target f(x)")
    for (width, pred), color in zip(fits.items(), PALETTE):
        err = np.sqrt(np.mean((np.asarray(pred) - target) ** 2))
        ax.plot(x, pred, color=color, lw=1.6, label=f"{width} hidden units (RMSE {err:.3f})")
    ax.set(xlabel="x", ylabel="y", title=title)
    ax.legend(fontsize=8)
    return fig


def attention_heatmap(weights, tokens=None, *, title="attention weights", query_tokens=None):
    """A (L, S) attention matrix: row i shows where query position i looks.

    The bottom and left ticks are positions (0, 1, …); given ``tokens`` (and
    ``query_tokens``, default ``tokens``), the token at each position is shown
    on the top (keys) and right (queries) axes.
    """
    w = np.asarray(weights)
    fig, ax = new_figure(width=5.4, height=4.8)
    im = ax.imshow(w, cmap=CMAP, vmin=0, vmax=max(w.max(), 1e-12))
    ax.grid(False)
    fig.colorbar(im, ax=ax, shrink=0.8, label="weight", pad=0.12 if tokens is not None else 0.05)
    ax.set_xticks(range(w.shape[1]), [str(i) for i in range(w.shape[1])], fontsize=8)
    ax.set_yticks(range(w.shape[0]), [str(i) for i in range(w.shape[0])], fontsize=8)
    if tokens is not None:
        queries = tokens if query_tokens is None else query_tokens
        top = ax.secondary_xaxis("top")
        top.set_xticks(range(w.shape[1]), [str(t) for t in tokens], fontsize=7, color="0.35")
        top.set_xlabel("token", fontsize=8, color="0.35")
        right = ax.secondary_yaxis("right")
        right.set_yticks(range(w.shape[0]), [str(t) for t in queries], fontsize=7, color="0.35")
        right.set_ylabel("token", fontsize=8, color="0.35")
    ax.set(xlabel="key position (attended to)", ylabel="query position", title=title)
    return fig


def graph_layout(A, random_state=0):
    """2-D node positions: a spectral start (Laplacian eigenvectors) relaxed by a few spring iterations."""
    A = np.asarray(A, dtype=float)
    n = len(A)
    L = np.diag(A.sum(1)) - A
    _, vecs = np.linalg.eigh(L)
    pos = vecs[:, 1:3] / np.abs(vecs[:, 1:3]).max(0)
    pos += np.random.default_rng(random_state).normal(scale=0.02, size=pos.shape)
    k = 1.0 / np.sqrt(n)
    for step in range(80):  # Fruchterman–Reingold, vectorised over node pairs
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.linalg.norm(delta, axis=-1) + np.eye(n) + 1e-9
        force = (k * k / dist**2 - A * dist / k)[:, :, None] * delta
        move = force.sum(1)
        length = np.linalg.norm(move, axis=1, keepdims=True) + 1e-12
        pos += move / length * np.minimum(length, 0.1 * (1 - step / 80))
    return pos


def graph_plot(A, labels, *, pos=None, highlight=(), title="graph", label_names=None, true_labels=None):
    """Nodes coloured by ``labels`` on the edges of adjacency ``A``; ``highlight`` nodes get a black ring.

    Given ``true_labels``, every node whose label differs from it is marked
    with a red dashed ring ("misclassified" in the legend). The plot has no
    axes: node positions carry no units.
    """
    A = np.asarray(A)
    pos = graph_layout(A) if pos is None else pos
    fig, ax = new_figure(width=5.5, height=5)
    i, j = np.nonzero(np.triu(A))
    for a, b in zip(i, j):
        ax.plot(pos[[a, b], 0], pos[[a, b], 1], color="0.75", lw=0.8, zorder=1)
    labels = np.asarray(labels)
    for c in np.unique(labels):
        mask = labels == c
        name = label_names[c] if label_names is not None else str(c)
        ax.scatter(pos[mask, 0], pos[mask, 1], s=160, color=PALETTE[int(c) % len(PALETTE)], zorder=2, label=name,
                   edgecolors="white")
    hl = np.asarray(highlight, dtype=int)
    if hl.size:
        ax.scatter(pos[hl, 0], pos[hl, 1], s=260, facecolors="none", edgecolors="black", lw=2, zorder=3,
                   label="labelled for training")
    if true_labels is not None:
        wrong = np.flatnonzero(np.asarray(true_labels) != labels)
        if wrong.size:
            ax.scatter(pos[wrong, 0], pos[wrong, 1], s=420, facecolors="none", edgecolors="#d62728", lw=2,
                       linestyle="--", zorder=3, label=f"misclassified ({', '.join(map(str, wrong))})")
    for node, (x, y) in enumerate(pos):
        ax.text(x, y, str(node), ha="center", va="center", fontsize=6.5, color="white", zorder=4)
    ax.set_title(title)
    ax.set_axis_off()
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), borderaxespad=0.0)
    return fig
