"""Figures for learning by acting: bandit regret curves and policy-gradient learning curves."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["policy_learning_curve", "regret_curves"]


def regret_curves(results: dict, *, band: float = 1.0, log_x: bool = False, spread=None,
                  title: str = "cumulative regret"):
    """Mean cumulative regret over runs with a ± band, one curve per agent.

    Parameters
    ----------
    results : dict of str -> ndarray of shape (n_runs, horizon), or BanditResult
        Cumulative regret of each run, by agent name.
    band : float, default=1.0
        Half-width of the shaded band in standard errors of the mean (0: none).
    log_x : bool, default=False
        Logarithmic round axis (a logarithmic regret is then a straight line).
    spread : (float, float), optional
        Percentiles of the runs (e.g. ``(10, 90)``) drawn as a light band with
        dotted edges: how much one run varies, where the standard-error band
        shows how well the mean is known (often too narrow to see).
    title : str, default="cumulative regret"

    Returns
    -------
    matplotlib.figure.Figure
        One line and one shaded band per agent (two with ``spread``).
    """
    fig, ax = new_figure(width=5.6, height=4.0)
    for i, (name, res) in enumerate(results.items()):
        R = np.asarray(getattr(res, "regret", res), float)
        t = np.arange(1, R.shape[1] + 1)
        mean = R.mean(axis=0)
        se = R.std(axis=0, ddof=1) / np.sqrt(R.shape[0]) if R.shape[0] > 1 else np.zeros_like(mean)
        color = PALETTE[i % len(PALETTE)]
        ax.plot(t, mean, color=color, label=name)
        if band:
            ax.fill_between(t, mean - band * se, mean + band * se, color=color, alpha=0.45, lw=0)
        if spread is not None:
            lo, hi = np.percentile(R, spread, axis=0)
            ax.fill_between(t, lo, hi, color=color, alpha=0.08, lw=0.8, ls=":", edgecolor=color)
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel("round t")
    ax.set_ylabel("regret R(t) = Σ Δ(aₛ)")
    ax.set_title(title)
    ax.legend(loc="upper left")
    return fig


def policy_learning_curve(returns, *, optimal: float | None = None, window: int = 10,
                      title: str = "REINFORCE learning curve"):
    """Mean return per policy update, its moving average, and the optimal return.

    Parameters
    ----------
    returns : array_like of shape (n_iterations,)
        Mean episode return of each batch.
    optimal : float, optional
        The environment's optimal return, drawn as a dashed line.
    window : int, default=10
        Moving-average window.
    title : str, default="REINFORCE learning curve"

    Returns
    -------
    matplotlib.figure.Figure
    """
    r = np.asarray(returns, float).ravel()
    it = np.arange(1, r.size + 1)
    fig, ax = new_figure(width=5.6, height=4.0)
    ax.plot(it, r, color=PALETTE[0], alpha=0.35, lw=1, label="batch mean return")
    w = max(1, min(int(window), r.size))
    smooth = np.convolve(r, np.ones(w) / w, mode="valid")
    ax.plot(it[w - 1:], smooth, color=PALETTE[0], label=f"moving average ({w})")
    if optimal is not None:
        ax.axhline(optimal, color=PALETTE[3], ls="--", lw=1.2, label=f"optimal return {optimal:g}")
    ax.set_xlabel("policy update")
    ax.set_ylabel("return")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return fig
