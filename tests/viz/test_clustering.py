"""Figures for mixtures, clusterings and embeddings: a Figure with the expected artists."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from mmlkit.viz.clustering import cluster_comparison, embedding_scatter, gmm_ellipses


def _X(n=60):
    return np.random.default_rng(0).normal(size=(n, 2))


def test_gmm_ellipses_one_panel_per_snapshot_one_ellipse_per_component():
    means = np.array([[0.0, 0.0], [3.0, 1.0]])
    covs = np.array([[[2.0, 0.5], [0.5, 1.0]], np.eye(2)])
    fig = gmm_ellipses(_X(), [("start", means, covs), ("end", means + 1, covs * 0.5)], n_std=2.0)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    for ax in fig.axes:
        ellipses = [p for p in ax.patches if isinstance(p, Ellipse)]
        assert len(ellipses) == 2
    # The 2σ ellipse of Σ has full axes 2·2·√λ, the major one along the top eigenvector.
    lam = np.linalg.eigvalsh(covs[0])
    first = [p for p in fig.axes[0].patches if isinstance(p, Ellipse)][0]
    assert first.width == pytest.approx(4 * np.sqrt(lam[1]))
    assert first.height == pytest.approx(4 * np.sqrt(lam[0]))
    assert fig.axes[1].get_title() == "end"


def test_cluster_comparison_panels_and_colours():
    X = _X()
    labels = {"a": (X[:, 0] > 0).astype(int), "b": np.arange(60) % 3}
    fig = cluster_comparison(X, labels)
    assert isinstance(fig, Figure) and [ax.get_title() for ax in fig.axes] == ["a", "b"]
    coll = [c for c in fig.axes[1].collections if isinstance(c, PathCollection)]
    assert len(coll) == 1 and len(np.unique(coll[0].get_facecolors(), axis=0)) == 3


def test_embedding_scatter_annotates_each_class_with_distinct_colours():
    E = _X(100)
    y = np.arange(100) % 10
    fig = embedding_scatter(E, y, title="digits")
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and ax.get_title() == "digits"
    assert sorted(t.get_text() for t in ax.texts) == [str(d) for d in range(10)]
    colours = [c for c in ax.collections if isinstance(c, PathCollection)][0].get_facecolors()
    assert len(np.unique(colours, axis=0)) == 10
    assert len(embedding_scatter(E).axes[0].texts) == 0


@pytest.mark.parametrize("call, match", [
    (lambda: gmm_ellipses(np.zeros((5, 3)), [("t", np.zeros((1, 2)), np.eye(2)[None])]), "2 columns"),
    (lambda: gmm_ellipses(np.zeros((5, 2)), []), "snapshots"),
    (lambda: cluster_comparison(np.zeros((5, 2)), {"a": [0, 1]}), "labels for 5 points"),
    (lambda: cluster_comparison(np.zeros((5, 2)), {}), "labelings"),
    (lambda: embedding_scatter(np.zeros((5, 3))), "2 columns"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_gmm_ellipses_panels_share_the_data_range_in_a_grid():
    X = _X()
    means, covs = np.zeros((1, 2)), np.eye(2)[None]
    fig = gmm_ellipses(X, [(f"it {i}", means + i, covs) for i in range(4)])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 4
    assert {ax.get_subplotspec().rowspan.start for ax in visible} == {0, 1}   # 2 × 2, not 1 × 4
    limits = {(ax.get_xlim(), ax.get_ylim()) for ax in visible}
    assert len(limits) == 1
    (x0, x1), (y0, y1) = limits.pop()
    assert x0 < X[:, 0].min() and x1 > X[:, 0].max() and y0 < X[:, 1].min() and y1 > X[:, 1].max()
