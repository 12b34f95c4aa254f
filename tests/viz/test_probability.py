"""Figures for probability: the right artists, and the numbers they draw."""

import numpy as np
from matplotlib.collections import LineCollection, PathCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from mmlkit.probability import Binomial, Normal, Poisson, StudentT
from mmlkit.viz.probability import bayes_disease_test, distribution_plot, posterior_sharpening


def test_bayes_disease_test_icons_and_bars():
    fig = bayes_disease_test(prevalence=0.01, sensitivity=0.95, specificity=0.95, n_people=1000)
    assert isinstance(fig, Figure)
    ax_grid, ax_bar = fig.axes
    icons = [c for c in ax_grid.collections if isinstance(c, PathCollection) and len(c.get_offsets())]
    assert len(icons) == 1 and len(icons[0].get_offsets()) == 1000
    bars = [p for p in ax_bar.patches if isinstance(p, Rectangle)]
    heights = [b.get_height() for b in bars]
    expected = 0.95 * 0.01 / (0.95 * 0.01 + 0.05 * 0.99)
    np.testing.assert_allclose(heights, [0.01, 0.95, 0.05, expected])
    assert abs(fig.posterior - expected) < 1e-12


def test_posterior_sharpening_draws_one_curve_per_checkpoint_and_narrows():
    flips = np.random.default_rng(0).binomial(1, 0.3, 100)
    fig = posterior_sharpening(flips, (0, 10, 50, 100), true_p=0.3)
    ax, ax_ci = fig.axes
    curves = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
    assert len(curves) == 4
    np.testing.assert_allclose(curves[0].get_ydata(), 1.0)  # the uniform prior
    assert np.all(np.diff(fig.widths) < 0)
    assert any(isinstance(c, PolyCollection) for c in ax_ci.collections)  # the credible band
    assert len(ax_ci.get_lines()[0].get_xdata()) == 101


def test_distribution_plot_continuous_and_discrete():
    fig = distribution_plot([Normal(0, 1), StudentT(3)], ["N", "t"])
    ax_pdf, ax_cdf = fig.axes
    assert len(ax_pdf.get_lines()) == 2 and len(ax_cdf.get_lines()) == 2
    y = ax_cdf.get_lines()[0].get_ydata()
    assert np.all(np.diff(y) >= 0) and y[0] < 0.01 and y[-1] > 0.99
    fig = distribution_plot([Poisson(3.0), Binomial(8, 0.5)], x=np.arange(0, 10))
    ax_pdf, ax_cdf = fig.axes
    stems = [c for c in ax_pdf.collections if isinstance(c, LineCollection)]
    assert len(stems) == 2 and len(stems[0].get_segments()) == 10
    np.testing.assert_allclose(ax_cdf.get_lines()[1].get_ydata(), Binomial(8, 0.5).cdf(np.arange(10)))
