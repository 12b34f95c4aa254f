"""Figures for generative models: diffusion snapshots, image grids."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["diffusion_snapshots", "image_grid"]


def diffusion_snapshots(trajectory, steps, data=None, *, title="reverse diffusion"):
    """Scatter the samples x_t at the chosen ``steps`` of a reverse trajectory (2-D data).

    ``trajectory`` lists x_T, …, x_0 (as ``DiffusionModel.sample(..., return_trajectory=True)``);
    ``steps`` are values of t to show; ``data`` (optional) is drawn faintly for reference.
    """
    T = len(trajectory) - 1
    fig, axes = new_figure(1, len(steps), width=2.8, height=2.9, squeeze=False)
    lo = np.min(trajectory[-1], axis=0) - 0.5
    hi = np.max(trajectory[-1], axis=0) + 0.5
    for ax, t in zip(axes[0], steps):
        x = trajectory[T - t]
        if data is not None:
            ax.scatter(data[:, 0], data[:, 1], s=3, color="0.8")
        ax.scatter(x[:, 0], x[:, 1], s=4, color=PALETTE[0], alpha=0.7)
        ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), title=f"t = {t}", xticks=[], yticks=[])
    fig.suptitle(title)
    return fig


def image_grid(rows, *, row_labels=None, shape=(8, 8), title=None, cmap="gray_r"):
    """A grid of small images: ``rows`` is a list of (k, h·w) arrays, one grid row each."""
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    fig, axes = new_figure(n_rows, n_cols, width=0.9, height=1.0, squeeze=False)
    for i, row in enumerate(rows):
        for j in range(n_cols):
            ax = axes[i, j]
            ax.set(xticks=[], yticks=[])
            ax.grid(False)
            if j < len(row):
                ax.imshow(np.asarray(row[j]).reshape(shape), cmap=cmap, vmin=0, vmax=1)
            else:
                ax.axis("off")
        if row_labels is not None:
            axes[i, 0].set_ylabel(row_labels[i], fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
