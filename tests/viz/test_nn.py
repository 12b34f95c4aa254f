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
