"""Figures for explanations and robustness.

- :func:`shap_bar` — mean |φ| per feature: global importance from local attributions.
- :func:`shap_beeswarm` — every attribution as a dot, coloured by the feature's value.
- :func:`adversarial_example` — an image, the adversarial perturbation, and the fooled result.
- :func:`partial_dependence_plot` — partial dependence with its ICE curves.
"""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import CMAP_DIVERGING, PALETTE, new_figure

__all__ = ["adversarial_example", "partial_dependence_plot", "shap_bar", "shap_beeswarm"]


def _values(explanation, feature_names):
    values = np.asarray(getattr(explanation, "values", explanation), dtype=float)
    if values.ndim == 3:  # several outputs: show the last (the positive class for two)
        values = values[:, :, -1]
    if values.ndim != 2:
        raise ValueError(f"explanation must hold (n_samples, n_features) attributions, got shape {values.shape}")
    names = feature_names or getattr(explanation, "feature_names", None) or \
        [f"x{j}" for j in range(values.shape[1])]
    if len(names) != values.shape[1]:
        raise ValueError(f"feature_names must have {values.shape[1]} entries, got {len(names)}")
    return values, list(names)


def shap_bar(explanation, *, feature_names=None, max_display=10, title="Mean |SHAP value|"):
    """Bar chart of the mean absolute attribution of each feature, largest on top.

    Parameters
    ----------
    explanation : Explanation or array_like of shape (n_samples, n_features)
        Attributions (an ``Explanation``'s ``values``; for several outputs the last).
    feature_names : list of str, optional
        Names (default: the explanation's, else x0, x1, ...).
    max_display : int, default=10
        Show the top features; the rest are summed into one bar.
    title : str, default="Mean |SHAP value|"

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per shown feature.
    """
    values, names = _values(explanation, feature_names)
    importance = np.abs(values).mean(axis=0)
    order = np.argsort(-importance)
    shown = order[:max_display]
    heights = list(importance[shown])
    labels = [names[j] for j in shown]
    if order.size > max_display:
        heights.append(importance[order[max_display:]].sum())
        labels.append(f"sum of {order.size - max_display} other features")
    fig, ax = new_figure(width=5.5, height=0.8 + 0.32 * len(heights))
    y = np.arange(len(heights))[::-1]
    ax.barh(y, heights, color=PALETTE[0])
    for yi, h in zip(y, heights):
        ax.text(h, yi, f" {h:.3g}", va="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set(xlabel="mean |φ| (average impact on the model output)", title=title)
    ax.grid(axis="y", visible=False)
    return fig


def shap_beeswarm(explanation, *, data=None, feature_names=None, max_display=10, random_state=0,
                  title="SHAP values"):
    """Beeswarm: each row's attribution per feature, coloured by that feature's value.

    Parameters
    ----------
    explanation : Explanation or array_like of shape (n_samples, n_features)
        Attributions.
    data : array_like of shape (n_samples, n_features), optional
        Feature values for the colours (default: the explanation's ``data``).
    feature_names : list of str, optional
        Names.
    max_display : int, default=10
        Number of features shown (by mean |φ|).
    random_state : int, default=0
        Seed of the vertical jitter.
    title : str, default="SHAP values"

    Returns
    -------
    matplotlib.figure.Figure
        One scatter per shown feature and a colour bar (low → high feature value).
    """
    values, names = _values(explanation, feature_names)
    X = np.asarray(data if data is not None else getattr(explanation, "data", values), dtype=float)
    X = np.atleast_2d(X)
    if X.shape != values.shape:
        raise ValueError(f"data must have the attributions' shape {values.shape}, got {X.shape}")
    order = np.argsort(-np.abs(values).mean(axis=0))[:max_display]
    rng = np.random.default_rng(random_state)
    fig, ax = new_figure(width=6.0, height=0.8 + 0.38 * order.size)
    sc = None
    for row, j in enumerate(order):
        y = order.size - 1 - row
        v = values[:, j]
        lo, hi = np.nanpercentile(X[:, j], [5, 95])
        colour = np.clip((X[:, j] - lo) / (hi - lo if hi > lo else 1.0), 0, 1)
        # jitter grows with local density so that dense regions spread out like a swarm
        hist, edges = np.histogram(v, bins=30)
        density = hist[np.clip(np.searchsorted(edges, v, side="right") - 1, 0, 29)] / max(hist.max(), 1)
        jitter = (rng.random(v.size) - 0.5) * 0.7 * density
        sc = ax.scatter(v, y + jitter, c=colour, cmap="coolwarm", s=9, vmin=0, vmax=1, lw=0)
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(np.arange(order.size)[::-1], [names[j] for j in order])
    ax.set(xlabel="SHAP value φ (impact on the model output)", title=title)
    ax.grid(axis="y", visible=False)
    cbar = fig.colorbar(sc, ax=ax, ticks=[0, 1], aspect=30)
    cbar.ax.set_yticklabels(["low", "high"])
    cbar.set_label("feature value")
    return fig


def adversarial_example(x, x_adv, *, image_shape=(8, 8), label=None, label_adv=None,
                        confidence=None, confidence_adv=None, title="An adversarial example"):
    """Original image, the (magnified) perturbation, and the adversarial image side by side.

    Parameters
    ----------
    x, x_adv : array_like of shape (prod(image_shape),)
        The clean and the perturbed input.
    image_shape : tuple of int, default=(8, 8)
        How to reshape the inputs into images.
    label, label_adv : optional
        The model's predictions on each (shown in the panel titles).
    confidence, confidence_adv : float, optional
        The model's probabilities for those predictions.
    title : str, default="An adversarial example"

    Returns
    -------
    matplotlib.figure.Figure
        Three image panels.
    """
    x = np.asarray(x, dtype=float).reshape(image_shape)
    x_adv = np.asarray(x_adv, dtype=float).reshape(image_shape)
    delta = x_adv - x
    fig, axes = new_figure(1, 3, width=2.6, height=2.9)
    vmin, vmax = min(x.min(), x_adv.min()), max(x.max(), x_adv.max())

    def caption(name, lab, conf):
        if lab is None:
            return name
        return f"{name}: “{lab}”" + (f" ({conf:.0%})" if conf is not None else "")

    axes[0].imshow(x, cmap="gray_r", vmin=vmin, vmax=vmax)
    axes[0].set_title(caption("original", label, confidence), fontsize=9)
    m = np.abs(delta).max() or 1.0
    axes[1].imshow(delta, cmap=CMAP_DIVERGING, vmin=-m, vmax=m)
    axes[1].set_title(f"perturbation (‖δ‖∞ = {np.abs(delta).max():.2g})", fontsize=9)
    axes[2].imshow(x_adv, cmap="gray_r", vmin=vmin, vmax=vmax)
    axes[2].set_title(caption("adversarial", label_adv, confidence_adv), fontsize=9)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.suptitle(title)
    return fig


def partial_dependence_plot(result, *, feature_name=None, output=0, max_ice=50, random_state=0,
                            title="Partial dependence"):
    """The partial dependence curve over a sample of ICE curves.

    Parameters
    ----------
    result : PartialDependence
        From :func:`mmlkit.explain.partial_dependence` for one feature.
    feature_name : str, optional
        x-axis label.
    output : int, default=0
        Which model output to draw.
    max_ice : int, default=50
        At most this many ICE curves (a random subset) are drawn.
    random_state : int, default=0
        Seed for choosing the ICE curves.
    title : str, default="Partial dependence"

    Returns
    -------
    matplotlib.figure.Figure
        Thin ICE lines (if present) and a thick partial dependence line.
    """
    if len(result.grid_values) != 1:
        raise ValueError("partial_dependence_plot draws one feature; got a two-way result")
    grid = result.grid_values[0]
    fig, ax = new_figure(width=5.0, height=3.8)
    if result.individual is not None:
        ice = result.individual[output]
        rows = np.random.default_rng(random_state).permutation(ice.shape[0])[:max_ice]
        for i, r in enumerate(rows):
            ax.plot(grid, ice[r], color=PALETTE[5], lw=0.6, alpha=0.45, label="ICE curves" if i == 0 else None)
    average = result.average[output] if result.average is not None else result.individual[output].mean(axis=0)
    ax.plot(grid, average, color=PALETTE[3], lw=2.6, label="partial dependence")
    ax.set(xlabel=feature_name or f"feature {result.features[0]}", ylabel="model output", title=title)
    ax.legend(loc="best", fontsize=8)
    return fig
