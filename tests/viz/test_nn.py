import numpy as np
from matplotlib.figure import Figure

from mmlkit.datasets import load_karate_club
from mmlkit.viz import attention_heatmap, graph_layout, graph_plot, universal_approximation


def test_nn_figures():
    x = np.linspace(0, 1, 20)
    fig = universal_approximation(x, x**2, {2: x, 8: x**2 + 0.01})
    assert isinstance(fig, Figure) and len(fig.axes[0].get_lines()) == 3
    w = np.eye(4)
    fig = attention_heatmap(w, tokens=[1, 2, 3, 4])
    assert isinstance(fig, Figure) and fig.axes[0].images[0].get_array().shape == (4, 4)
    g = load_karate_club()
    pos = graph_layout(g.adjacency)
    assert pos.shape == (34, 2) and np.isfinite(pos).all()
    fig = graph_plot(g.adjacency, g.labels, pos=pos, highlight=[0, 33])
    assert isinstance(fig, Figure) and len(fig.axes[0].texts) == 34


def test_attention_ticks_are_positions_and_tokens_sit_on_the_other_axes():
    w = np.full((3, 3), 1 / 3)
    fig = attention_heatmap(w, tokens=[7, 5, 9])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0", "1", "2"]
    fig.canvas.draw()
    top, right = ax.child_axes  # secondary axes: the keys' tokens on top, the queries' on the right
    assert [t.get_text() for t in top.get_xticklabels()] == ["7", "5", "9"]
    assert [t.get_text() for t in right.get_yticklabels()] == ["7", "5", "9"]


def test_graph_plot_marks_the_misclassified_nodes_and_has_no_axes():
    g = load_karate_club()
    pred = g.labels.copy()
    pred[[2, 8]] = 1 - pred[[2, 8]]
    fig = graph_plot(g.adjacency, pred, true_labels=g.labels)
    ax = fig.axes[0]
    assert not ax.axison
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "misclassified (2, 8)" in labels
    assert not any("misclassified" in t for t in
                   [t.get_text() for t in graph_plot(g.adjacency, g.labels, true_labels=g.labels)
                    .axes[0].get_legend().get_texts()])
