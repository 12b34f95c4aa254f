"""Figures for statistical inference."""

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from mmlkit.viz.statistics import bootstrap_distribution, ci_coverage, permutation_null


def test_ci_coverage_draws_every_interval_and_colours_the_misses():
    fig = ci_coverage(n_intervals=100, sample_size=15, level=0.9, random_state=3)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    segments = [c for c in ax.collections if isinstance(c, LineCollection)]
    n_drawn = sum(len(c.get_segments()) for c in segments)
    assert n_drawn == 100
    misses = len(segments[1].get_segments())
    assert misses == round(100 * (1 - fig.coverage))
    assert 0 < misses < 30  # about 10 expected at 90 %
    assert f"{100 - misses}/100" in ax.get_title()


def test_permutation_null_shades_the_extreme_tail():
    rng = np.random.default_rng(0)
    null = rng.normal(size=2000)
    fig = permutation_null(null, 2.0, pvalue=0.05, alternative="greater")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    colours = [tuple(p.get_facecolor()) for p in ax.patches]
    red = [c for c in colours if c != colours[len(colours) // 2]]
    assert 0 < len(red) < len(colours) // 2
    assert ax.get_lines()[0].get_xdata()[0] == 2.0
    assert "p = 0.05" in ax.get_title()


def test_bootstrap_distribution_marks_estimate_and_interval():
    fig = bootstrap_distribution(np.random.default_rng(1).normal(size=500), 0.1, (-1.5, 1.6))
    ax = fig.axes[0]
    assert len(ax.patches) >= 50 and len(ax.get_lines()) == 1
    assert "[-1.5, 1.6]" in ax.get_legend().get_texts()[0].get_text()
