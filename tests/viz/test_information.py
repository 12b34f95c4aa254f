"""Figures for information theory."""

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from mmlkit.viz.information import binary_entropy, kl_asymmetry, mutual_information_bars


def test_binary_entropy_peaks_at_one_bit():
    fig = binary_entropy(base=2)
    assert isinstance(fig, Figure)
    line = fig.axes[0].get_lines()[0]
    x, y = line.get_xdata(), line.get_ydata()
    assert y.max() == pytest.approx(1.0) and x[np.argmax(y)] == pytest.approx(0.5)
    assert y[0] == 0.0 and y[-1] == 0.0
    assert "bits" in fig.axes[0].get_ylabel()


def test_kl_asymmetry_integrands_integrate_to_the_closed_forms():
    fig = kl_asymmetry(0.0, 1.0, 1.0, 2.0)
    assert len(fig.axes) == 2
    kl_pq, kl_qp = fig.kl
    assert kl_pq != pytest.approx(kl_qp)
    assert kl_pq == pytest.approx(math.log(2) + (1 + 1) / 8 - 0.5)
    lines = fig.axes[1].get_lines()
    for line, kl in zip(lines[:2], fig.kl):
        x, y = line.get_xdata(), line.get_ydata()
        assert np.trapezoid(y, x) == pytest.approx(kl, rel=1e-3)


def test_mutual_information_bars_sorted():
    fig = mutual_information_bars(["a", "b", "c"], [0.2, 0.9, 0.5], target="class")
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    assert widths == sorted(widths) and len(widths) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "c", "b"]
