"""The one look every mmlkit figure shares."""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib as mpl
from matplotlib.figure import Figure

#: Qualitative palette (colour-blind friendly, Okabe–Ito order).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Sequential colormap for surfaces and heat maps; diverging one for signed values.
CMAP = "viridis"
CMAP_DIVERGING = "RdBu_r"

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "image.cmap": CMAP,
}


@contextmanager
def style():
    """Apply mmlkit's look inside a ``with`` block."""
    with mpl.rc_context(RC):
        yield


def new_figure(nrows: int = 1, ncols: int = 1, *, width: float = 5.0, height: float = 4.0,
               squeeze: bool = True, **subplot_kw):
    """A ``Figure`` (not attached to pyplot, so it never leaks) and its axes, in mmlkit's look.

    ``width`` and ``height`` are per panel, in inches.
    """
    with mpl.rc_context(RC):
        fig = Figure(figsize=(width * ncols, height * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=squeeze, subplot_kw=subplot_kw or None)
    return fig, axes
