"""Explanation figures return Figures with the expected artists."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from mmlkit.explain import Explanation, partial_dependence
from mmlkit.viz.explain import (
    adversarial_example,
    partial_dependence_plot,
    shap_bar,
    shap_beeswarm,
    shap_waterfall,
)


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
    assert len(fig.axes) == 4 and all(len(ax.images) == 1 for ax in fig.axes[:3])
    assert "δ" in fig.axes[3].get_xlabel()                 # the perturbation's colour bar, with its scale
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


def test_shap_bar_on_one_row_keeps_the_sign_and_says_so():
    ex = _explanation()
    phi = ex.values[3]
    fig = shap_bar(phi, feature_names=ex.feature_names, max_display=4)
    ax = fig.axes[0]
    assert ax.get_title() == "SHAP values of one prediction"
    named = ax.patches[:4]
    top = np.argsort(-np.abs(phi), kind="stable")[:4]
    np.testing.assert_allclose([p.get_width() for p in named], phi[top])       # signed, not |φ|
    assert any(p.get_width() < 0 for p in named) and any(p.get_width() > 0 for p in named)
    assert {tuple(p.get_facecolor()[:3]) for p in named} == {(0.8352941176470589, 0.3686274509803922, 0.0),
                                                             (0.0, 0.4470588235294118, 0.6980392156862745)}
    assert shap_bar(ex).axes[0].get_title() == "Mean |SHAP value|"
    assert shap_bar(ex.values[:1], feature_names=ex.feature_names).axes[0].get_title().startswith("SHAP values")


def test_shap_bar_rest_does_not_dwarf_the_named_features():
    rng = np.random.default_rng(1)
    values = np.hstack([rng.normal(size=(20, 3)) * 5, rng.normal(size=(20, 40)) * 2])
    ax = shap_bar(values, max_display=3).axes[0]
    named_max = max(p.get_width() for p in ax.patches[:3])
    rest_bar = ax.patches[3]
    rest_true = np.sort(np.abs(values).mean(0))[:-3].sum()
    assert rest_true > 5 * named_max                      # it would dwarf them ...
    assert rest_bar.get_width() <= 1.3 * named_max + 1e-12  # ... so it is clipped, and its value printed
    assert any(f"{rest_true:.3g}" in t.get_text() and "clipped" in t.get_text() for t in ax.texts)


def test_shap_waterfall_steps_from_the_base_value_to_the_prediction():
    phi = np.array([0.5, -1.5, 0.25, 2.0, -0.1, 0.05])
    fig = shap_waterfall(phi, base_value=-0.3, feature_names=list("abcdef"), x=np.arange(6.0), max_display=4)
    ax = fig.axes[0]
    assert fig.prediction == pytest.approx(-0.3 + phi.sum())
    bars = ax.patches
    assert len(bars) == 5                                         # 4 features + "2 other features"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "d = 3" and labels[-2] == "b = 1" and labels[0] == "2 other features"
    # each bar starts where the previous one ended, the first at the base value, the last ends at f(x)
    assert bars[0].get_x() == pytest.approx(-0.3)
    for prev, nxt in zip(bars, bars[1:]):
        assert nxt.get_x() == pytest.approx(prev.get_x() + prev.get_width())
    assert bars[-1].get_x() + bars[-1].get_width() == pytest.approx(fig.prediction)
    assert [np.sign(b.get_width()) for b in bars] == [np.sign(w) for w in [0.05 - 0.1, 0.25, 0.5, -1.5, 2.0]]
    up, down = (0.8352941176470589, 0.3686274509803922, 0.0), (0.0, 0.4470588235294118, 0.6980392156862745)
    assert [tuple(b.get_facecolor()[:3]) for b in bars] == [down, up, up, down, up]


def test_shap_waterfall_reads_an_explanation_row():
    ex = _explanation(n=5, d=4)
    ex.base_values[:] = 1.5
    fig = shap_waterfall(ex, row=2)
    assert fig.prediction == pytest.approx(1.5 + ex.values[2].sum())
    assert any(t.get_text().startswith("f3 = ") for t in fig.axes[0].get_yticklabels())


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"values": np.ones(3)}, "base_value"),
    ({"values": np.ones(3), "base_value": 0.0, "feature_names": ["a"]}, "feature_names"),
    ({"values": np.ones(3), "base_value": 0.0, "x": np.ones(2)}, "x must have 3"),
    ({"values": np.ones((2, 2, 2, 2)), "base_value": 0.0}, "one row"),
])
def test_shap_waterfall_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        shap_waterfall(**kwargs)
