"""Figures for topology: diagrams and barcodes."""

import numpy as np
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

from mmlkit.topology import vietoris_rips
from mmlkit.viz.topology import persistence_barcode, persistence_diagram, point_cloud_persistence

DGMS = [np.array([[0.0, 0.5], [0.0, 1.0], [0.0, np.inf]]), np.array([[0.6, 1.4]])]


def test_persistence_diagram_scatters_each_dimension():
    fig = persistence_diagram(DGMS)
    assert isinstance(fig, Figure)
    scatters = [c for c in fig.axes[0].collections if isinstance(c, PathCollection)]
    assert [len(s.get_offsets()) for s in scatters] == [3, 1]
    inf_y = fig.axes[0].get_lines()[1].get_ydata()[0]          # the dashed ∞ line
    assert scatters[0].get_offsets()[:, 1].max() == inf_y
    np.testing.assert_allclose(scatters[1].get_offsets()[0], [0.6, 1.4])


def test_persistence_barcode_draws_one_bar_per_feature():
    fig = persistence_barcode(DGMS)
    bars = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)]
    assert [len(b.get_segments()) for b in bars] == [3, 1]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["H0", "H1"]
    few = persistence_barcode(DGMS, max_bars=2)
    assert len([c for c in few.axes[0].collections if isinstance(c, LineCollection)][0].get_segments()) == 2


def test_point_cloud_persistence_has_three_panels():
    t = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    X = np.c_[np.cos(t), np.sin(t)]
    fig = point_cloud_persistence(X, vietoris_rips(X), title="circle")
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert fig.axes[0].get_title() == "circle"
