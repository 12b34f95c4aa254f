"""Figures for Markov chains: the right artists, and the data they draw."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from mmlkit.viz.markov import hmm_posterior, markov_convergence

P = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6]])


def test_markov_convergence_draws_one_line_per_state_and_the_stationary_levels():
    fig = markov_convergence(P, [0.0, 0.0, 1.0], n_steps=25)
    assert isinstance(fig, Figure)
    ax, ax_tv = fig.axes
    state_lines = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(state_lines) == 3 and len(dashed) == 3
    assert len(state_lines[0].get_xdata()) == 26
    # the last drawn point is close to the stationary level drawn beside it
    for line, level in zip(state_lines, dashed):
        assert abs(line.get_ydata()[-1] - level.get_ydata()[0]) < 1e-2
    tv = ax_tv.get_lines()[0].get_ydata()
    assert tv[-1] < tv[0]


def test_markov_convergence_without_unique_stationary_distribution():
    fig = markov_convergence(np.eye(2), [0.5, 0.5], n_steps=3)
    ax = fig.axes[0]
    assert not [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert "no unique" in fig.axes[1].texts[0].get_text()


def test_markov_convergence_rejects_bad_matrix():
    with pytest.raises(ValueError, match="P"):
        markov_convergence([[0.5, 0.4], [0.5, 0.5]], [1.0, 0.0])


def test_hmm_posterior_stacks_one_band_per_state():
    gamma = np.random.default_rng(0).dirichlet([1, 1, 1], size=40)
    fig = hmm_posterior(gamma, states=np.arange(40) % 3)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.collections) == 3
    assert len(ax.get_lines()) == 1
