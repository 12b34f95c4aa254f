"""Figures for optimization: paths on loss contours, loss curves, Lagrange multipliers."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["lagrange_geometry", "loss_curves", "optimization_paths"]


def _grid(f, xlim, ylim, n=200):
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys)
    Z = f(np.stack([X, Y]))
    return X, Y, Z


def optimization_paths(f, paths, *, xlim=(-2, 2), ylim=(-1, 3), log_levels=True, title=None, ax=None):
    """Iterates of several optimizers drawn on the contours of f: ℝ² → ℝ.

    Parameters
    ----------
    f : callable
        Vectorised over a leading axis of size 2: ``f(np.stack([X, Y]))`` gives the grid of values.
    paths : dict of name -> (k, 2) array or OptimizeResult
        Each optimizer's path (``OptimizeResult.path``).
    log_levels : bool, default=True
        Space the contour levels logarithmically (for valleys like Rosenbrock's).
    """
    fig, ax = new_figure(width=6, height=5) if ax is None else (ax.figure, ax)
    X, Y, Z = _grid(f, xlim, ylim)
    if log_levels:
        levels = np.geomspace(max(Z.min(), 1e-3), Z.max(), 25)
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.7, alpha=0.55)
    else:
        ax.contour(X, Y, Z, levels=25, cmap="viridis", linewidths=0.7, alpha=0.55)
    for (name, path), color in zip(paths.items(), PALETTE):
        P = np.asarray(getattr(path, "path", path))
        ax.plot(P[:, 0], P[:, 1], "-", color=color, lw=1.5, label=f"{name} ({len(P) - 1} steps)", alpha=0.9)
        ax.plot(P[-1, 0], P[-1, 1], "o", color=color, ms=5)
    first = np.asarray(getattr(next(iter(paths.values())), "path", next(iter(paths.values()))))
    ax.plot(*first[0], "k*", ms=10, label="start")
    ax.set(xlim=xlim, ylim=ylim, xlabel="$x_1$", ylabel="$x_2$", title=title or "optimizer paths")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)  # off the paths
    return fig


def loss_curves(losses, *, title="loss against iteration", log=True, ax=None):
    """f(xₖ) − f* against k for several optimizers (``losses``: name -> 1-D array).

    With ``log`` (the default) both axes are logarithmic — the iteration axis
    too, as k + 1 — so a method that converges in tens of steps and one that
    takes thousands are both visible.
    """
    fig, ax = new_figure(width=6.5, height=4) if ax is None else (ax.figure, ax)
    for (name, values), color in zip(losses.items(), PALETTE):
        v = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, v.size + 1), np.maximum(v, 1e-16) if log else v, color=color,
                label=f"{name} ({v.size - 1} steps)")
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set(xlabel="iteration $k + 1$" + (" (log scale)" if log else ""), ylabel="$f(x_k) - f^*$", title=title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return fig


def lagrange_geometry(f, g, x_star, grad_f, grad_g, multiplier, *, xlim=(-2, 2), ylim=(-2, 2), ax=None):
    """At a constrained optimum the gradients line up: ∇f(x*) = λ∇g(x*).

    Draws the contours of f, the constraint curve g = 0, the solution, and the
    two gradient arrows.
    """
    fig, ax = new_figure(width=5.5, height=5) if ax is None else (ax.figure, ax)
    X, Y, Z = _grid(f, xlim, ylim)
    ax.contour(X, Y, Z, levels=20, cmap="viridis", linewidths=0.8)
    _, _, G = _grid(g, xlim, ylim)
    ax.contour(X, Y, G, levels=[0.0], colors=[PALETTE[3]], linewidths=2.2)
    ax.plot([], [], color=PALETTE[3], lw=2.2, label="constraint g(x) = 0")
    scale = 0.5 / max(np.linalg.norm(grad_f), 1e-12)
    ax.annotate("", xy=x_star + scale * np.asarray(grad_f), xytext=x_star,
                arrowprops=dict(arrowstyle="->", color=PALETTE[0], lw=2))
    ax.annotate("", xy=x_star + scale * multiplier * np.asarray(grad_g), xytext=x_star,
                arrowprops=dict(arrowstyle="->", color=PALETTE[1], lw=2, ls="--"))
    ax.annotate("", xy=x_star + scale * np.asarray(grad_g), xytext=x_star,
                arrowprops=dict(arrowstyle="->", color="0.5", lw=1.2))
    ax.plot([], [], color="0.5", lw=1.2, label="∇g(x*)")
    ax.plot([], [], color=PALETTE[0], lw=2, label="∇f(x*)")
    ax.plot([], [], color=PALETTE[1], lw=2, ls="--", label=f"λ∇g(x*), λ = {multiplier:.3f}")
    ax.plot(*x_star, "ko", ms=6, label="x*")
    ax.set(xlim=xlim, ylim=ylim, aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
           title=r"$\nabla f = \lambda \nabla g$ at the optimum")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)  # off x*
    return fig
