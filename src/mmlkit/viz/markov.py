"""Figures for Markov chains and hidden Markov models."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["markov_convergence", "hmm_posterior"]


def markov_convergence(P, p0, n_steps: int = 30, *, state_names=None):
    """The distribution over states, step by step, converging to the stationary one.

    Parameters
    ----------
    P : array_like of shape (k, k)
        Row-stochastic transition matrix.
    p0 : array_like of shape (k,) or int
        Initial distribution (or starting state).
    n_steps : int, default=30
        Number of steps to draw.
    state_names : sequence of str, optional
        Legend labels; defaults to ``state 0, state 1, …``.

    Returns
    -------
    matplotlib.figure.Figure
        Left: one line per state, ``p_t[i]`` against t, with the stationary
        probability π_i as a dashed line of the same colour (drawn when the
        chain has a unique stationary distribution). Right: the total-variation
        distance ``½‖p_t − π‖₁`` on a log scale.
    """
    from mmlkit.probability.markov import MarkovChain

    chain = MarkovChain(P)
    traj = chain.trajectory(p0, n_steps)
    k = chain.n_states
    names = list(state_names) if state_names is not None else [f"state {i}" for i in range(k)]
    try:
        pi = chain.stationary()
    except ValueError:
        pi = None
    fig, (ax, ax_tv) = new_figure(1, 2, width=4.6, height=3.6)
    steps = np.arange(n_steps + 1)
    for i in range(k):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(steps, traj[:, i], marker="o", markersize=3, color=colour, label=names[i])
        if pi is not None:
            ax.axhline(pi[i], color=colour, linestyle="--", linewidth=1.0, alpha=0.8)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"$\Pr(X_t = s)$")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(r"$p_t = p_0 P^{\,t}$  (dashed: stationary $\pi$)")
    ax.legend(fontsize=8, loc="best")
    if pi is not None:
        tv = 0.5 * np.abs(traj - pi).sum(axis=1)
        ax_tv.semilogy(steps, np.maximum(tv, 1e-17), color=PALETTE[3], marker="o", markersize=3)
        ax_tv.set_title(r"distance to stationarity $\frac{1}{2}\Vert p_t - \pi\Vert_1$")
    else:
        ax_tv.text(0.5, 0.5, "no unique stationary distribution", ha="center", va="center",
                   transform=ax_tv.transAxes)
        ax_tv.set_title("distance to stationarity")
    ax_tv.set_xlabel("step t")
    return fig


def hmm_posterior(posterior, states=None, *, title: str = "HMM posterior state probabilities"):
    """Posterior state probabilities of a hidden Markov model over time, with the true states.

    Parameters
    ----------
    posterior : array_like of shape (T, K)
        ``Pr(z_t = k | x_{1:T})`` (from ``HiddenMarkovModel.predict_proba``).
    states : array_like of int, shape (T,), optional
        The true (or Viterbi) state path, drawn as a step line on top.
    title : str, default="HMM posterior state probabilities"

    Returns
    -------
    matplotlib.figure.Figure
        A stacked area chart of the posterior (one colour per state).
    """
    gamma = np.asarray(posterior, dtype=float)
    T, K = gamma.shape
    fig, ax = new_figure(width=8.0, height=3.2)
    t = np.arange(T)
    ax.stackplot(t, gamma.T, colors=[PALETTE[i % len(PALETTE)] for i in range(K)], alpha=0.75,
                 labels=[f"state {k}" for k in range(K)])
    if states is not None:
        s = np.asarray(states)
        ax.step(t, (s + 0.5) / K, where="mid", color="black", linewidth=1.0, label="path (scaled)")
    ax.set_xlim(0, T - 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("time t")
    ax.set_ylabel(r"$\Pr(z_t \mid x)$")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right", ncol=K + 1)
    return fig
