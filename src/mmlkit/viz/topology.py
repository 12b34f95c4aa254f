"""Figures for topological data analysis: persistence barcodes and diagrams."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["persistence_barcode", "persistence_diagram", "point_cloud_persistence"]


def _finite_top(dgms) -> float:
    vals = np.concatenate([np.asarray(d, float).reshape(-1, 2).ravel() for d in dgms] + [np.zeros(1)])
    vals = vals[np.isfinite(vals)]
    return float(vals.max()) if vals.size else 1.0


def persistence_diagram(dgms, *, ax=None, title: str = "persistence diagram"):
    """Scatter of (birth, death) for each homology dimension, with the diagonal.

    Parameters
    ----------
    dgms : list of array_like of shape (k_q, 2)
        Diagrams of H0, H1, ... (as returned by ``vietoris_rips``). Infinite
        deaths are drawn on a dashed "∞" line above the finite points.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    title : str, default="persistence diagram"

    Returns
    -------
    matplotlib.figure.Figure
        Points far above the diagonal are persistent features; the ones hugging
        it are noise.
    """
    fig, ax = new_figure(width=4.4, height=4.2) if ax is None else (ax.figure, ax)
    top = _finite_top(dgms)
    inf_y = 1.1 * top if top > 0 else 1.0
    ax.plot([0, inf_y], [0, inf_y], color="0.5", lw=1, ls="-")
    ax.axhline(inf_y, color="0.6", ls="--", lw=0.8)
    ax.text(0.0, inf_y, " ∞", va="bottom", fontsize=9, color="0.4")
    for q, dgm in enumerate(dgms):
        dgm = np.asarray(dgm, float).reshape(-1, 2)
        death = np.where(np.isinf(dgm[:, 1]), inf_y, dgm[:, 1])
        ax.scatter(dgm[:, 0], death, s=16, color=PALETTE[q % len(PALETTE)], alpha=0.8, label=f"H{q}",
                   edgecolors="none")
    ax.set_xlim(-0.03 * inf_y, 1.05 * inf_y)
    ax.set_ylim(-0.03 * inf_y, 1.08 * inf_y)
    ax.set_xlabel("birth")
    ax.set_ylabel("death")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return fig


def persistence_barcode(dgms, *, ax=None, max_bars: int | None = 40, title: str = "barcode"):
    """One horizontal bar [birth, death) per feature, grouped by dimension, longest first.

    Parameters
    ----------
    dgms : list of array_like of shape (k_q, 2)
        Diagrams of H0, H1, ...; infinite bars run to the right edge with an arrow.
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.
    max_bars : int or None, default=40
        Draw only the longest ``max_bars`` bars of each dimension (None: all).
    title : str, default="barcode"

    Returns
    -------
    matplotlib.figure.Figure
        Bars are drawn with ``hlines`` (one collection per dimension).
    """
    fig, ax = new_figure(width=5.0, height=4.2) if ax is None else (ax.figure, ax)
    top = _finite_top(dgms)
    right = 1.1 * top if top > 0 else 1.0
    y = 0
    for q, dgm in enumerate(dgms):
        dgm = np.asarray(dgm, float).reshape(-1, 2)
        order = np.argsort(-(dgm[:, 1] - dgm[:, 0]), kind="stable")
        dgm = dgm[order][:max_bars]
        rows = y + np.arange(len(dgm))
        ends = np.where(np.isinf(dgm[:, 1]), right, dgm[:, 1])
        ax.hlines(rows, dgm[:, 0], ends, color=PALETTE[q % len(PALETTE)], lw=2, label=f"H{q}")
        inf_rows = rows[np.isinf(dgm[:, 1])]
        if inf_rows.size:
            ax.plot(np.full(inf_rows.size, right), inf_rows, ">", color=PALETTE[q % len(PALETTE)], ms=4)
        y += len(dgm) + 2
    ax.set_xlim(0, right * 1.03)
    ax.invert_yaxis()
    ax.set_yticks([])
    ax.set_xlabel("scale r")
    ax.set_title(title)
    ax.legend(loc="center right")
    return fig


def point_cloud_persistence(X, dgms, *, title: str = ""):
    """A 2-D point cloud beside its persistence diagram and barcode (three panels).

    Parameters
    ----------
    X : array_like of shape (n_samples, 2)
        The points (first two coordinates are drawn).
    dgms : list of array_like of shape (k_q, 2)
        Its diagrams.
    title : str, default=""
        Title of the point-cloud panel.

    Returns
    -------
    matplotlib.figure.Figure
    """
    X = np.asarray(X, float)
    fig, axes = new_figure(1, 3, width=4.0, height=3.8)
    axes[0].scatter(X[:, 0], X[:, 1], s=8, color=PALETTE[0], alpha=0.8, edgecolors="none")
    axes[0].set_aspect("equal", adjustable="datalim")
    axes[0].set_title(title or f"{len(X)} points")
    persistence_diagram(dgms, ax=axes[1])
    persistence_barcode(dgms, ax=axes[2])
    return fig
