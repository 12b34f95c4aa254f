"""Explanation figures return Figures with the expected artists."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from mmlkit.explain import Explanation, partial_dependence
from mmlkit.viz.explain import adversarial_example, partial_dependence_plot, shap_bar, shap_beeswarm


def _explanation(n=30, d=12):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, d))
    return Explanation(X * 2.0 ** np.arange(d), np.zeros(n), X, [f"f{j}" for j in range(d)])


def test_shap_bar_orders_features_and_groups_the_rest():
    ex = _explanation()
    fig = shap_bar(ex, max_display=5)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 6
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "f11" and "other" in labels[-1]  # top bar first
    assert len(shap_bar(ex.values[:, :3]).axes[0].patches) == 3


def test_shap_beeswarm_one_scatter_per_feature_with_colourbar():
    ex = _explanation()
    fig = shap_beeswarm(ex, max_display=4)
    ax = fig.axes[0]
    assert len(ax.collections) == 4 and len(fig.axes) == 2
    assert ax.collections[0].get_offsets().shape == (30, 2)
    with pytest.raises(ValueError, match="data"):
        shap_beeswarm(ex, data=np.zeros((2, 2)))


def test_adversarial_example_three_images():
    x = np.linspace(0, 1, 64)
    fig = adversarial_example(x, np.clip(x + 0.1 * np.sign(np.sin(np.arange(64))), 0, 1), label=3,
                              label_adv=8, confidence=0.9, confidence_adv=0.6)
    assert len(fig.axes) == 3 and all(len(ax.images) == 1 for ax in fig.axes)
    assert "8" in fig.axes[2].get_title()


def test_partial_dependence_plot_draws_pd_over_ice():
    X = np.random.default_rng(0).normal(size=(40, 2))
    res = partial_dependence(lambda Z: Z[:, 0] ** 2 + Z[:, 1], X, 0, kind="both", grid_resolution=10)
    fig = partial_dependence_plot(res, feature_name="x0", max_ice=15)
    ax = fig.axes[0]
    assert len(ax.lines) == 16
    assert ax.lines[-1].get_linewidth() > ax.lines[0].get_linewidth()
    with pytest.raises(ValueError, match="one feature"):
        partial_dependence_plot(partial_dependence(lambda Z: Z[:, 0], X, (0, 1), grid_resolution=3))
