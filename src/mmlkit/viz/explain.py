"""Figures for explanations and robustness.

- :func:`shap_bar` — mean |φ| per feature: global importance from local attributions
  (for one row: that prediction's signed φ).
- :func:`shap_waterfall` — one prediction, from the base value E[f(X)] to f(x), one signed step per feature.
- :func:`shap_beeswarm` — every attribution as a dot, coloured by the feature's value.
- :func:`adversarial_example` — an image, the adversarial perturbation, and the fooled result.
- :func:`partial_dependence_plot` — partial dependence with its ICE curves.
"""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import CMAP_DIVERGING, PALETTE, new_figure

__all__ = ["adversarial_example", "partial_dependence_plot", "shap_bar", "shap_beeswarm", "shap_waterfall"]

#: Colours of a positive and a negative attribution (SHAP's convention: red pushes the output up).
_UP, _DOWN = "#D55E00", "#0072B2"


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


def shap_bar(explanation, *, feature_names=None, max_display=10, title=None):
    """Bar chart of the mean absolute attribution of each feature, largest on top.

    For a single row (one prediction) the bars are that row's signed
    attributions φⱼ instead, red pushing the output up and blue down, ordered
    by |φⱼ|; :func:`shap_waterfall` shows the same row as steps from the base value.

    Parameters
    ----------
    explanation : Explanation or array_like of shape (n_samples, n_features) or (n_features,)
        Attributions (an ``Explanation``'s ``values``; for several outputs the last).
    feature_names : list of str, optional
        Names (default: the explanation's, else x0, x1, ...).
    max_display : int, default=10
        Show the top features; the rest are summed into one grey bar, drawn
        apart and clipped (its value printed) when it would dwarf the named bars.
    title : str, optional
        Default "Mean |SHAP value|", or "SHAP values of one prediction" for one row.

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal bar per shown feature (plus one for the rest).
    """
    raw = np.asarray(getattr(explanation, "values", explanation), dtype=float)
    if raw.ndim == 1:  # one prediction
        values, names = _values(raw[None, :], feature_names or getattr(explanation, "feature_names", None))
    else:
        values, names = _values(explanation, feature_names)
    one_row = values.shape[0] == 1
    importance = values[0] if one_row else np.abs(values).mean(axis=0)
    order = np.argsort(-np.abs(importance), kind="stable")
    shown = order[:max_display]
    heights = list(importance[shown])
    labels = [names[j] for j in shown]
    colours = [(_UP if h > 0 else _DOWN) if one_row else PALETTE[0] for h in heights]
    n_rest = order.size - shown.size
    rest = float(importance[order[max_display:]].sum()) if n_rest else None
    fig, ax = new_figure(width=5.8, height=0.8 + 0.32 * (len(heights) + (rest is not None)))
    y = np.arange(len(heights))[::-1] + (1 if rest is not None else 0)
    ax.barh(y, heights, color=colours)
    named_max = max(np.abs(heights)) if heights else 1.0
    for yi, h in zip(y, heights):
        ax.text(h, yi, f" {h:+.3g} " if one_row else f" {h:.3g}", va="center", fontsize=8,
                ha="left" if h >= 0 else "right")
    ticks, tick_labels = list(y), labels
    if rest is not None:
        limit = 1.3 * named_max
        clipped = abs(rest) > limit
        drawn = np.sign(rest) * min(abs(rest), limit)
        ax.barh(0, drawn, color="0.75", hatch="//" if clipped else None, edgecolor="0.55")
        ax.text(drawn, 0, f" {rest:+.3g}" if one_row else f" {rest:.3g}" + (" (bar clipped)" if clipped else ""),
                va="center", fontsize=8, ha="left" if rest >= 0 else "right")
        ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
        ticks.append(0)
        tick_labels = [*labels, f"sum of {n_rest} other features"]
        lo = min(0.0, *heights, drawn) * 1.25
        hi = max(0.0, *heights, drawn) * 1.25
        ax.set_xlim(lo, hi if hi > lo else 1.0)
    ax.set_yticks(ticks, tick_labels)
    if one_row:
        ax.axvline(0, color="0.4", lw=0.8)
        ax.set(xlabel="φ (contribution to this prediction; red raises it, blue lowers it)",
               title=title or "SHAP values of one prediction")
    else:
        ax.set(xlabel="mean |φ| (average impact on the model output)", title=title or "Mean |SHAP value|")
    ax.grid(axis="y", visible=False)
    return fig


def shap_waterfall(values, base_value=None, feature_names=None, x=None, *, row=0, max_display=10,
                   title="Explaining one prediction"):
    """Waterfall of one prediction: from the base value E[f(X)] to f(x), one signed step per feature.

    Each bar starts where the previous one ended: red steps (φⱼ > 0) raise the
    output, blue ones lower it; the features are ordered by |φⱼ| (largest on
    top) and the smallest are summed into one step, so the bars always end at
    f(x) = E[f(X)] + Σⱼ φⱼ (Shapley efficiency).

    Parameters
    ----------
    values : Explanation or array_like of shape (n_features,) or (n_samples, n_features)
        The attributions φ; an ``Explanation`` also supplies ``base_value``,
        ``feature_names`` and ``x`` (its ``base_values``, names and ``data``).
    base_value : float, optional
        E[f(X)], the output with no feature known (required for an array).
    feature_names : list of str, optional
        Default: the explanation's, else x0, x1, ...
    x : array_like of shape (n_features,), optional
        The row's feature values, printed beside the names ("age = 52").
    row : int, default=0
        Which row of a 2-D ``values`` to show.
    max_display : int, default=10
        Features drawn as their own step; the rest are summed into one.
    title : str, default="Explaining one prediction"

    Returns
    -------
    matplotlib.figure.Figure
        One bar per step; ``fig.prediction`` holds f(x) = base value + Σ φ.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.viz import shap_waterfall
    >>> fig = shap_waterfall(np.array([0.5, -0.2, 0.1]), base_value=1.0, feature_names=["a", "b", "c"])
    >>> round(fig.prediction, 6)
    1.4
    """
    phi = np.asarray(getattr(values, "values", values), dtype=float)
    if phi.ndim == 3:
        phi = phi[:, :, -1]
    if phi.ndim == 2:
        phi = phi[row]
    if phi.ndim != 1:
        raise ValueError(f"values must hold one row of attributions, got shape {phi.shape}")
    if base_value is None:
        base = getattr(values, "base_values", None)
        if base is None:
            raise ValueError("base_value is required when values is an array")
        base = np.asarray(base, dtype=float)
        base_value = float(base.reshape(base.shape[0], -1)[row, -1] if base.ndim else base)
    if x is None and getattr(values, "data", None) is not None:
        data = np.atleast_2d(np.asarray(values.data, dtype=float))
        x = data[row] if data.shape[1] == phi.size else None
    names = list(feature_names or getattr(values, "feature_names", None) or [f"x{j}" for j in range(phi.size)])
    if len(names) != phi.size:
        raise ValueError(f"feature_names must have {phi.size} entries, got {len(names)}")
    if x is not None:
        x = np.asarray(x, dtype=float).ravel()
        if x.size != phi.size:
            raise ValueError(f"x must have {phi.size} entries, got {x.size}")
        names = [f"{n} = {v:.3g}" for n, v in zip(names, x)]
    order = np.argsort(-np.abs(phi), kind="stable")
    steps = [(names[j], phi[j]) for j in order[:max_display]]
    if order.size > max_display:
        steps.append((f"{order.size - max_display} other features", float(phi[order[max_display:]].sum())))
    # Draw from the bottom (the smallest step, starting at the base value) to the top (ending at f(x)).
    steps = steps[::-1]
    fig, ax = new_figure(width=6.4, height=1.2 + 0.36 * len(steps))
    start = base_value
    for yi, (_, step) in enumerate(steps):
        colour = _UP if step > 0 else _DOWN
        ax.barh(yi, step, left=start, color=colour, height=0.7)
        end = start + step
        ax.text(max(start, end), yi, f" {step:+.3g}", va="center", ha="left", fontsize=8, color=colour)
        if yi + 1 < len(steps):
            ax.plot([end, end], [yi + 0.35, yi + 0.65], color="0.5", lw=0.8)
        start = end
    prediction = start
    ax.axvline(base_value, color="0.45", lw=1, ls="--")
    ax.axvline(prediction, color="0.15", lw=1)
    ax.set_yticks(range(len(steps)), [n for n, _ in steps])
    lo = min(base_value, prediction, *(np.cumsum([s for _, s in steps]) + base_value))
    hi = max(base_value, prediction, *(np.cumsum([s for _, s in steps]) + base_value))
    pad = 0.15 * (hi - lo if hi > lo else 1.0)
    ax.set_xlim(lo - pad, hi + 2 * pad)
    ax.set_ylim(-0.7, len(steps) - 0.3)
    top = ax.secondary_xaxis("top")
    top.set_xticks([base_value, prediction], [f"E[f(X)] = {base_value:.3g}", f"f(x) = {prediction:.3g}"],
                   fontsize=8)
    ax.set(xlabel="model output", title=title)
    ax.grid(axis="y", visible=False)
    fig.prediction = float(prediction)
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
    im = axes[1].imshow(delta, cmap=CMAP_DIVERGING, vmin=-m, vmax=m)
    axes[1].set_title(f"perturbation (‖δ‖∞ = {np.abs(delta).max():.2g})", fontsize=9)
    cbar = fig.colorbar(im, ax=axes[1], orientation="horizontal", fraction=0.08, pad=0.04, ticks=[-m, 0, m])
    cbar.set_label("δ = x′ − x (red: pixel darkened)", fontsize=8)
    cbar.ax.tick_params(labelsize=7)
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
