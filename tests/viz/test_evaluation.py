"""Evaluation figures return Figures with the expected artists."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from mmlkit.viz.evaluation import confusion_matrix_plot, learning_curve_plot, pr_curve_plot, roc_curve_plot


def _binary(seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 100)
    return y, rng.normal(size=100) + y, rng.normal(size=100) + 2 * y


def test_roc_curve_plot_draws_one_line_per_model_and_the_diagonal():
    y, a, b = _binary()
    fig = roc_curve_plot(y, {"a": a, "b": b})
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("AUC" in t and t.startswith("b") for t in labels)
    assert len(roc_curve_plot(y, a).axes[0].lines) == 2


def test_pr_curve_plot_has_baseline_and_curves():
    y, a, b = _binary(1)
    fig = pr_curve_plot(y, {"a": a, "b": b})
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert ax.lines[0].get_ydata()[0] == pytest.approx(y.mean())


def test_confusion_matrix_plot_annotates_every_cell():
    y = np.array([0, 1, 2, 2, 1, 0, 2])
    p = np.array([0, 2, 2, 2, 1, 1, 0])
    fig = confusion_matrix_plot(y, p, display_labels=["a", "b", "c"])
    ax = fig.axes[0]
    assert len(ax.images) == 1 and ax.images[0].get_array().shape == (3, 3)
    assert len(ax.texts) == 9
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    norm = confusion_matrix_plot(y, p, normalize="true")
    assert "0.33" in [t.get_text() for t in norm.axes[0].texts]


def test_learning_curve_plot_draws_two_bands():
    sizes = np.array([10, 20, 40])
    fig = learning_curve_plot(sizes, np.full((3, 4), 0.9), np.full((3, 4), 0.8))
    ax = fig.axes[0]
    assert len(ax.lines) == 2 and len(ax.collections) == 2
    assert any("gap" in t.get_text() for t in ax.texts)
