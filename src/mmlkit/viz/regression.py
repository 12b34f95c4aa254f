"""Figures for supervised models: predictive bands, class-probability surfaces, coefficient paths."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from mmlkit.probability._functions import normal_ppf
from mmlkit.viz._style import CMAP_DIVERGING, PALETTE, new_figure

__all__ = ["coefficient_paths", "probability_surface", "regression_band"]


def regression_band(x, y, x_grid, mean, std, *, level=0.95, truth=None, label="posterior predictive",
                    title=None, ax=None):
    """Data, a fitted curve and its central ``level`` predictive band, mean ± z·std.

    Parameters
    ----------
    x, y : array_like (n,)
        The training data.
    x_grid : array_like (m,)
        Where the model was evaluated (sorted).
    mean, std : array_like (m,)
        Predictive mean and standard deviation on ``x_grid``.
    level : float, default=0.95
        Coverage of the band (z = Φ⁻¹((1 + level)/2)).
    truth : callable, optional
        The noise-free function, drawn dashed for comparison.
    """
    fig, ax = new_figure(width=6, height=4) if ax is None else (ax.figure, ax)
    x_grid, mean, std = (np.asarray(a, dtype=float) for a in (x_grid, mean, std))
    z = float(normal_ppf(0.5 + level / 2))
    ax.fill_between(x_grid, mean - z * std, mean + z * std, color=PALETTE[0], alpha=0.2,
                    label=f"{round(100 * level)}% predictive band")
    ax.plot(x_grid, mean, color=PALETTE[0], label=label)
    if truth is not None:
        ax.plot(x_grid, truth(x_grid), "--", color="0.3", lw=1.2, label="truth")
    ax.scatter(x, y, s=14, color=PALETTE[1], edgecolor="white", linewidth=0.4, zorder=3, label="data")
    ax.set(xlabel="x", ylabel="y", title=title or "regression with its predictive band")
    ax.legend(fontsize=8, loc="best")
    return fig


def probability_surface(model, X, y, *, resolution=150, padding=0.5, title=None, ax=None):
    """A fitted classifier's probabilities over the plane, its decision boundary and the data.

    Two classes: the colour is P(y = class 1 | x) on a diverging map and the
    boundary is the 0.5 contour. More classes: each region takes its class's
    colour, shaded by the winning probability.

    Parameters
    ----------
    model : fitted classifier with ``predict_proba`` and ``classes_``
        Trained on 2-D inputs.
    X : array_like (n, 2)
    y : array_like (n,)
    resolution : int, default=150
        Grid points per axis.
    padding : float, default=0.5
        Margin around the data, in data units.
    """
    fig, ax = new_figure(width=5.5, height=4.5) if ax is None else (ax.figure, ax)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    P = model.predict_proba(np.column_stack([gx.ravel(), gy.ravel()]))
    classes = model.classes_
    if classes.size == 2:
        surface = P[:, 1].reshape(gx.shape)
        image = ax.contourf(gx, gy, surface, levels=np.linspace(0, 1, 21), cmap=CMAP_DIVERGING, alpha=0.75)
        ax.contour(gx, gy, surface, levels=[0.5], colors="k", linewidths=1.2)
        fig.colorbar(image, ax=ax, label=f"P(y = {classes[1]} | x)", shrink=0.85)
    else:
        winner = P.argmax(axis=1).reshape(gx.shape)
        confidence = P.max(axis=1).reshape(gx.shape)
        cmap = ListedColormap(PALETTE[: classes.size])
        ax.imshow(winner, extent=(x0, x1, y0, y1), origin="lower", cmap=cmap, alpha=0.35, aspect="auto",
                  vmin=-0.5, vmax=classes.size - 0.5, interpolation="nearest")
        lines = ax.contour(gx, gy, confidence, levels=[0.5, 0.7, 0.9], colors="k", linewidths=0.6, alpha=0.6)
        ax.clabel(lines, fontsize=7, fmt="%.1f")
    for k, label in enumerate(classes):
        mask = y == label
        ax.scatter(X[mask, 0], X[mask, 1], s=14, color=PALETTE[k % len(PALETTE)], edgecolor="k",
                   linewidth=0.4, label=str(label), zorder=3)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="x₁", ylabel="x₂",
           title=title or f"{type(model).__name__}: class probabilities")
    ax.legend(fontsize=8, loc="upper right", title="class", title_fontsize=8)
    return fig


def coefficient_paths(alphas, coefs, *, feature_names=None, title="regularisation path", ax=None):
    """Each coefficient against the penalty strength α (log scale), as for a lasso path.

    Parameters
    ----------
    alphas : array_like (m,)
    coefs : array_like (m, n_features)
        Coefficients fitted at each α.
    feature_names : list of str, optional
        Labels for the legend (the largest few are labelled).
    """
    fig, ax = new_figure(width=6, height=4) if ax is None else (ax.figure, ax)
    alphas, coefs = np.asarray(alphas, dtype=float), np.asarray(coefs, dtype=float)
    order = np.argsort(-np.abs(coefs[np.argmin(alphas)]))
    for rank, j in enumerate(order):
        name = feature_names[j] if feature_names is not None and rank < 6 else None
        ax.plot(alphas, coefs[:, j], color=PALETTE[rank % len(PALETTE)] if rank < 6 else "0.6",
                lw=1.6 if rank < 6 else 0.8, label=name)
    ax.axhline(0.0, color="k", lw=0.6)
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set(xlabel="α (penalty strength, decreasing →)", ylabel="coefficient", title=title)
    if feature_names is not None:
        ax.legend(fontsize=7, loc="upper left")
    return fig
