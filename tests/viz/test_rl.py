"""Figures for learning by acting."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from mmlkit.rl import UCB1, BernoulliBandit, simulate
from mmlkit.viz.rl import policy_learning_curve, regret_curves


def test_regret_curves_plot_the_mean_with_bands():
    res = simulate(BernoulliBandit([0.2, 0.8]), UCB1(), horizon=30, n_runs=5, random_state=0)
    R = np.cumsum(np.ones((4, 30)), axis=1)
    fig = regret_curves({"ucb": res, "line": R})
    assert isinstance(fig, Figure)
    lines = fig.axes[0].get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), res.mean_regret)
    np.testing.assert_allclose(lines[1].get_ydata(), np.arange(1, 31))
    assert len(fig.axes[0].collections) == 2                      # one band per agent
    assert len(regret_curves({"ucb": res}, band=0).axes[0].collections) == 0


def test_policy_learning_curve_shows_returns_and_optimum():
    r = np.linspace(-20, -5, 30)
    fig = policy_learning_curve(r, optimal=-5.0, window=5)
    lines = fig.axes[0].get_lines()
    assert isinstance(fig, Figure) and len(lines) == 3
    np.testing.assert_allclose(lines[1].get_ydata(), np.convolve(r, np.ones(5) / 5, "valid"))
    assert lines[2].get_ydata()[0] == pytest.approx(-5.0)


def test_regret_curves_spread_band_covers_the_runs_percentiles():
    R = np.cumsum(np.random.default_rng(0).uniform(size=(50, 40)), axis=1)
    fig = regret_curves({"a": R}, spread=(10, 90))
    bands = fig.axes[0].collections
    assert len(bands) == 2
    verts = bands[1].get_paths()[0].vertices
    lo, hi = np.percentile(R, (10, 90), axis=0)
    assert np.isclose(verts[:, 1].min(), lo.min()) and np.isclose(verts[:, 1].max(), hi.max())
