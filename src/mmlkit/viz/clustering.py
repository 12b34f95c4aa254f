"""Figures for mixtures, clusterings and embeddings."""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.patches import Ellipse

from mmlkit._validation import as_float_array
from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["cluster_comparison", "embedding_scatter", "gmm_ellipses"]


def _colours(labels):
    """One colour per distinct label: mmlkit's palette, or tab10/tab20 when it has too few."""
    labels = np.asarray(labels)
    values, idx = np.unique(labels, return_inverse=True)
    if len(values) <= len(PALETTE):
        palette = PALETTE
    else:
        cmap = colormaps["tab10" if len(values) <= 10 else "tab20"]
        palette = [cmap(i % cmap.N) for i in range(len(values))]
    return [palette[i] for i in idx.ravel()]


def _covariance_ellipse(mean, cov, n_std, colour):
    """The n_std-σ contour of N(mean, cov): axes from the eigen-decomposition of cov."""
    vals, vecs = np.linalg.eigh(cov)
    vals = np.clip(vals, 0.0, None)
    angle = np.degrees(np.arctan2(vecs[1, -1], vecs[0, -1]))
    width, height = 2.0 * n_std * np.sqrt(vals[::-1])
    return Ellipse(mean, width, height, angle=angle, facecolor=colour, alpha=0.18,
                   edgecolor=colour, linewidth=2.0)


def gmm_ellipses(X, snapshots, *, n_std=2.0, width=3.6, height=3.4, ncols=2):
    """EM for a Gaussian mixture as a strip of panels, one per snapshot.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
        The 2-D data, drawn in grey in every panel.
    snapshots : sequence of (title, means, covariances)
        ``means`` (K, 2) and full ``covariances`` (K, 2, 2) at some EM iteration.
    n_std : float, default=2.0
        Each component is drawn as its n_std-σ ellipse, {x : (x − μ)ᵀ Σ⁻¹ (x − μ) = n_std²}.
    width, height : float, default=3.6, 3.4
        Size of each panel in inches.
    ncols : int, default=2
        Panels per row (a grid keeps the text readable when the figure is scaled to a page).

    Returns
    -------
    matplotlib.figure.Figure
        One axes per snapshot, each with one Ellipse patch per component; all
        panels share the same axis ranges (the data's, with a margin), so the
        iterations can be compared by eye.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns, got shape {X.shape}")
    if len(snapshots) == 0:
        raise ValueError("snapshots must hold at least one (title, means, covariances)")
    ncols = max(1, min(int(ncols), len(snapshots)))
    nrows = -(-len(snapshots) // ncols)
    fig, axes = new_figure(nrows, ncols, width=width, height=height, squeeze=False)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.08 * (hi - lo)
    for ax in axes.ravel()[len(snapshots):]:
        ax.set_visible(False)
    for ax, (title, means, covs) in zip(axes.ravel(), snapshots):
        means, covs = np.asarray(means, float), np.asarray(covs, float)
        ax.scatter(X[:, 0], X[:, 1], s=6, color="0.55", alpha=0.6, linewidths=0)
        for k, (mu, S) in enumerate(zip(means, covs)):
            colour = PALETTE[k % len(PALETTE)]
            ax.add_patch(_covariance_ellipse(mu, S, n_std, colour))
            ax.plot(*mu, marker="x", color=colour, markersize=8, markeredgewidth=2)
        ax.set_title(title, fontsize=12)
        ax.tick_params(labelsize=10)
        ax.set(xlim=(lo[0] - pad[0], hi[0] + pad[0]), ylim=(lo[1] - pad[1], hi[1] + pad[1]))
        ax.set_aspect("equal", adjustable="box")
    return fig


def cluster_comparison(X, labelings, *, width=4.0, height=3.6):
    """The same 2-D points coloured by several clusterings, side by side.

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
    labelings : dict of str to array_like of shape (n_samples,)
        Panel title → cluster label of each point.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per labeling, each holding one scatter collection.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns, got shape {X.shape}")
    if not labelings:
        raise ValueError("labelings must hold at least one clustering")
    fig, axes = new_figure(1, len(labelings), width=width, height=height, squeeze=False)
    for ax, (title, labels) in zip(axes[0], labelings.items()):
        if len(labels) != len(X):
            raise ValueError(f"labelings[{title!r}] has {len(labels)} labels for {len(X)} points")
        ax.scatter(X[:, 0], X[:, 1], c=_colours(labels), s=10, linewidths=0)
        ax.set_title(title)
        ax.set_aspect("equal", adjustable="datalim")
    return fig


def embedding_scatter(E, labels=None, *, title="Embedding", annotate=True, width=5.5, height=5.0):
    """A 2-D embedding (t-SNE, PCA, spectral) as a scatter coloured by class.

    Parameters
    ----------
    E : array_like of shape (n_samples, 2)
    labels : array_like of shape (n_samples,), optional
        Class of each point; each class gets a colour and, with ``annotate``,
        its name written at the class median.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one scatter collection (and one text per class when annotated).
    """
    E = as_float_array(E, "E", ndim=2)
    if E.shape[1] != 2:
        raise ValueError(f"E must have 2 columns, got shape {E.shape}")
    fig, ax = new_figure(width=width, height=height)
    colours = "#0072B2" if labels is None else _colours(labels)
    ax.scatter(E[:, 0], E[:, 1], c=colours, s=8, linewidths=0, alpha=0.85)
    if labels is not None and annotate:
        labels = np.asarray(labels)
        for value in np.unique(labels):
            centre = np.median(E[labels == value], axis=0)
            ax.text(*centre, str(value), fontsize=12, fontweight="bold", ha="center", va="center",
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", alpha=0.7, linewidth=0))
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    return fig
