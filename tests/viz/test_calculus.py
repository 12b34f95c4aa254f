"""Figures for calculus and autodiff: the right artists, and the numbers they show."""

import matplotlib.patches as mpatches
import numpy as np
import pytest
from matplotlib.figure import Figure

import mmlkit.autodiff as ad
from mmlkit.viz.calculus import computational_graph, finite_difference_error, taylor_approximations


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_computational_graph_draws_one_box_per_node_with_values_and_adjoints():
    fig = computational_graph(lambda x, y: x * y + ad.sin(x), 1.5, 2.0)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, mpatches.FancyBboxPatch)]
    assert len(boxes) == 2 * 5  # x, y, ×, sin, + (fill and outline each)
    texts = _texts(ax)
    assert {"x", "y", "sin", "×", "f = +"} <= set(texts)
    assert "v = 4" in texts  # 1.5·2 + sin 1.5 = 3.997…
    assert f"v̄ = {2 + np.cos(1.5):.3g}" in texts and "v̄ = 1.5" in texts  # the gradient on the inputs
    arrows = [c for c in ax.get_children() if type(c).__name__ == "Annotation"]
    assert len(arrows) == 5  # x→×, y→×, x→sin, ×→+, sin→+
    assert f"∂ = {np.cos(1.5):.3g}" in texts  # local derivative on the x→sin edge


def test_computational_graph_input_errors():
    with pytest.raises(ValueError, match="callable"):
        computational_graph(3.0, 1.0)
    with pytest.raises(ValueError, match="at least one"):
        computational_graph(lambda x: x)
    with pytest.raises(ValueError, match="one-element"):
        computational_graph(lambda x: ad.stack([x, x]), 1.0)


def test_taylor_approximations_draws_f_and_one_curve_per_order():
    fig = taylor_approximations(ad.sin, 0.0, orders=(1, 3, 5))
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 1 + 3 + 1  # f, three polynomials, the marked x₀
    xs, cubic = lines[2].get_xdata(), lines[2].get_ydata()
    np.testing.assert_allclose(cubic, xs - xs ** 3 / 6, atol=1e-12)
    with pytest.raises(ValueError, match="orders"):
        taylor_approximations(ad.sin, 0.0, orders=())


def test_finite_difference_error_has_one_curve_per_method_with_a_v_shape():
    fig = finite_difference_error(np.exp, 1.0, np.exp(1.0))
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    assert len(lines) == 3
    central = lines[1].get_ydata()
    best = int(np.argmin(central))
    assert 0 < best < len(central) - 1 and central[best] < 1e-8  # error rises on both sides
    assert lines[2].get_ydata()[:20].max() < 1e-14  # the complex step does not cancel
