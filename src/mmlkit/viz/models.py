"""Figures for the classical models: decision boundaries, SVM margins, PCA projections and scree plots.

- :func:`decision_boundary` — any fitted 2-D classifier's regions, with the data.
- :func:`svm_margins` — an SVC's decision surface, its margins f(x) = ±1 and its support vectors.
- :func:`pca_projection` — data projected on two principal axes, coloured by class.
- :func:`scree_plot` — explained variance per component and its running total.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from mmlkit.viz._style import CMAP_DIVERGING, PALETTE, new_figure

__all__ = ["decision_boundary", "pca_projection", "scree_plot", "svm_margins"]


def _grid(X, resolution, pad=0.08):
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    xs = np.linspace(lo[0] - pad * span[0], hi[0] + pad * span[0], resolution)
    ys = np.linspace(lo[1] - pad * span[1], hi[1] + pad * span[1], resolution)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def _check_2d(X, y):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to draw a planar boundary, got {X.shape}")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    return X, y


def decision_boundary(model, X, y, *, resolution: int = 200, title: str | None = None, ax=None):
    """Regions a fitted classifier assigns to each class, over 2-D data.

    Parameters
    ----------
    model : fitted classifier with ``predict`` (and ``classes_``), trained on 2 features
    X : array_like of shape (n_samples, 2)
    y : array_like of shape (n_samples,)
    resolution : int, default=200
        Grid points per axis.
    title : str, optional
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    X, y = _check_2d(X, y)
    if ax is None:
        fig, ax = new_figure(width=5.2, height=4.4)
    else:
        fig = ax.figure
    xx, yy, grid = _grid(X, resolution)
    classes = np.asarray(getattr(model, "classes_", np.unique(y)))
    pred = model.predict(grid)
    codes = np.searchsorted(classes, pred).reshape(xx.shape)
    colours = [PALETTE[i % len(PALETTE)] for i in range(classes.size)]
    ax.contourf(xx, yy, codes, levels=np.arange(classes.size + 1) - 0.5, cmap=ListedColormap(colours), alpha=0.22)
    ax.contour(xx, yy, codes, levels=np.arange(classes.size) + 0.5, colors="k", linewidths=0.8)
    for i, c in enumerate(classes):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=16, color=colours[i], edgecolor="white", linewidth=0.4, label=str(c))
    ax.legend(title="class", loc="best", fontsize=8)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    ax.set_title(title or f"{type(model).__name__} decision regions")
    return fig


def svm_margins(model, X, y, *, resolution: int = 200, title: str | None = None, ax=None):
    """A binary SVC's decision function f, its boundary f = 0, margins f = ±1 and support vectors.

    Parameters
    ----------
    model : fitted binary classifier with ``decision_function`` and ``support_`` (e.g. ``mmlkit.models.SVC``)
    X : array_like of shape (n_samples, 2)
        The training data the model was fitted on.
    y : array_like of shape (n_samples,)
    resolution : int, default=200
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    X, y = _check_2d(X, y)
    classes = np.asarray(model.classes_)
    if classes.size != 2:
        raise ValueError(f"svm_margins needs a binary classifier, got {classes.size} classes")
    if ax is None:
        fig, ax = new_figure(width=5.2, height=4.4)
    else:
        fig = ax.figure
    xx, yy, grid = _grid(X, resolution)
    f = model.decision_function(grid).reshape(xx.shape)
    ax.contourf(xx, yy, np.clip(f, -2.5, 2.5), levels=20, cmap=CMAP_DIVERGING, alpha=0.35)
    ax.contour(xx, yy, f, levels=[-1.0, 0.0, 1.0], colors="k", linestyles=["--", "-", "--"],
               linewidths=[1.0, 1.6, 1.0])
    for i, c in enumerate(classes):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=16, color=PALETTE[i], edgecolor="white", linewidth=0.4, label=str(c))
    sv = X[model.support_]
    ax.scatter(sv[:, 0], sv[:, 1], s=70, facecolors="none", edgecolors="k", linewidths=1.0,
               label=f"support vectors ({sv.shape[0]})")
    ax.legend(loc="best", fontsize=8)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    kernel = getattr(model, "kernel", "")
    ax.set_title(title or f"SVM ({kernel}): f(x) = 0 and margins f(x) = ±1")
    return fig


def pca_projection(Z, y=None, *, labels=None, explained_variance_ratio=None, title: str = "PCA projection", ax=None):
    """Points projected on two principal axes, coloured by class.

    Parameters
    ----------
    Z : array_like of shape (n_samples, >= 2)
        Projections (``PCA.transform`` output); the first two columns are drawn.
    y : array_like of shape (n_samples,), optional
        Class labels for the colours.
    labels : sequence of str, optional
        Names of the classes, in sorted order of y.
    explained_variance_ratio : array_like, optional
        Shown in the axis labels.
    title : str, default="PCA projection"
    ax : matplotlib Axes, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2 or Z.shape[1] < 2:
        raise ValueError(f"Z must have shape (n_samples, k >= 2), got {Z.shape}")
    if ax is None:
        fig, ax = new_figure(width=5.6, height=4.6)
    else:
        fig = ax.figure
    if y is None:
        ax.scatter(Z[:, 0], Z[:, 1], s=10, color=PALETTE[0], alpha=0.7)
    else:
        y = np.asarray(y)
        if y.shape != (Z.shape[0],):
            raise ValueError(f"y must have shape ({Z.shape[0]},), got {y.shape}")
        classes = np.unique(y)
        colours = _class_colours(classes.size)
        for i, c in enumerate(classes):
            pts = Z[y == c]
            name = str(labels[i]) if labels is not None else str(c)
            ax.scatter(pts[:, 0], pts[:, 1], s=10, color=colours[i], alpha=0.75, label=name)
            centre = np.median(pts[:, :2], axis=0)
            ax.annotate(name, centre, fontsize=11, fontweight="bold", ha="center", va="center",
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=colours[i], alpha=0.85))
    evr = None if explained_variance_ratio is None else np.asarray(explained_variance_ratio)
    ax.set_xlabel("PC 1" + (f" ({100 * evr[0]:.1f}% of variance)" if evr is not None else ""))
    ax.set_ylabel("PC 2" + (f" ({100 * evr[1]:.1f}% of variance)" if evr is not None else ""))
    ax.set_title(title)
    return fig


def _class_colours(k):
    if k <= len(PALETTE):
        return PALETTE[:k]
    import matplotlib as mpl

    cmap = mpl.colormaps["tab10" if k <= 10 else "tab20"]
    return [cmap(i) for i in range(k)]


def scree_plot(explained_variance_ratio, *, n_show: int | None = None, threshold: float | None = 0.9,
               title: str = "Scree plot", ax=None):
    """Explained variance ratio per component (bars) and its cumulative sum (line).

    Parameters
    ----------
    explained_variance_ratio : array_like of shape (n_components,)
        ``PCA.explained_variance_ratio_`` of a fit that kept every component.
    n_show : int, optional
        Components to draw (all by default).
    threshold : float or None, default=0.9
        Mark the first component count whose cumulative ratio reaches it.
    title : str, default="Scree plot"
    ax : matplotlib Axes, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    r = np.asarray(explained_variance_ratio, dtype=np.float64)
    if r.ndim != 1 or r.size == 0:
        raise ValueError(f"explained_variance_ratio must be a non-empty 1-D array, got shape {r.shape}")
    if np.any(r < 0):
        raise ValueError("explained_variance_ratio must be non-negative")
    r = r[: n_show or r.size]
    if ax is None:
        fig, ax = new_figure(width=5.6, height=4.0)
    else:
        fig = ax.figure
    k = np.arange(1, r.size + 1)
    ax.bar(k, r, color=PALETTE[0], alpha=0.8, label="per component")
    cum = np.cumsum(np.asarray(explained_variance_ratio, dtype=np.float64))[: r.size]
    ax2 = ax.twinx()
    ax2.plot(k, cum, color=PALETTE[1], marker="o", markersize=3, label="cumulative")
    ax2.set_ylim(0, 1.02)
    ax2.set_ylabel("cumulative ratio")
    ax2.grid(False)
    if threshold is not None and cum[-1] >= threshold:
        m = int(np.searchsorted(cum, threshold) + 1)
        ax2.axhline(threshold, color="0.4", linestyle=":", linewidth=1.0)
        ax2.axvline(m, color="0.4", linestyle=":", linewidth=1.0)
        ax2.annotate(f"{m} components ≥ {threshold:.0%}", (m, threshold), textcoords="offset points",
                     xytext=(6, -14), fontsize=8)
    ax.set_xlabel("component")
    ax.set_ylabel("explained variance ratio")
    ax.set_title(title)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles, ["per component", "cumulative"], loc="center right", fontsize=8)
    return fig
