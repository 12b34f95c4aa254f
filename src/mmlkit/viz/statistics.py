"""Figures for statistical inference: interval coverage, permutation nulls, bootstrap distributions."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["bootstrap_distribution", "ci_coverage", "permutation_null"]

_MISS = "#D55E00"


def ci_coverage(n_intervals: int = 100, sample_size: int = 20, level: float = 0.95, mean: float = 0.0,
                std: float = 1.0, method: str = "t", random_state=0):
    """What "95 % confidence" means: many intervals from repeated samples, the misses in red.

    Parameters
    ----------
    n_intervals : int, default=100
        Number of simulated samples (one interval each).
    sample_size : int, default=20
        Observations per sample, drawn from N(mean, std²).
    level : float, default=0.95
        Confidence level of each interval.
    mean, std : float, default=0.0, 1.0
        The true distribution; ``mean`` is the parameter the intervals target.
    method : {"t", "z"}, default="t"
        Passed to :func:`mmlkit.stats.confidence_interval`.
    random_state : None, int or numpy.random.Generator, default=0

    Returns
    -------
    matplotlib.figure.Figure
        One horizontal segment per interval (blue if it covers ``mean``, red
        if not), the true mean as a vertical line, the coverage in the title.
        ``fig.coverage`` holds the observed fraction.
    """
    from mmlkit._validation import check_random_state
    from mmlkit.stats import confidence_interval

    rng = check_random_state(random_state)
    samples = rng.normal(mean, std, size=(n_intervals, sample_size))
    intervals = np.array([confidence_interval(s, level, method=method) for s in samples])
    covered = (intervals[:, 0] <= mean) & (mean <= intervals[:, 1])
    fig, ax = new_figure(width=6.0, height=6.5)
    rows = np.arange(n_intervals)
    for mask, colour, label in ((covered, PALETTE[0], "covers μ"), (~covered, _MISS, "misses μ")):
        ax.hlines(rows[mask], intervals[mask, 0], intervals[mask, 1], colors=colour, linewidth=1.6, label=label)
        ax.plot(samples[mask].mean(axis=1), rows[mask], "o", color=colour, markersize=2.5)
    ax.axvline(mean, color="black", linewidth=1.0, linestyle="--", label="true mean μ")
    ax.set_xlabel("value")
    ax.set_ylabel("simulated sample")
    ax.set_ylim(-1, n_intervals)
    ax.set_title(f"{level:.0%} {method}-intervals, n = {sample_size}: "
                 f"{covered.sum()}/{n_intervals} cover μ")
    ax.legend(loc="upper right", fontsize=8)
    fig.coverage = float(covered.mean())
    return fig


def permutation_null(null_distribution, statistic: float, pvalue: float | None = None,
                     alternative: str = "two-sided", *, xlabel: str = "statistic"):
    """A permutation test's null distribution, the observed statistic and the p-value region.

    Parameters
    ----------
    null_distribution : array_like of shape (B,)
        The statistic on permuted data (``PermutationTestResult.null_distribution``).
    statistic : float
        The observed statistic.
    pvalue : float, optional
        Shown in the title.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        Which tail(s) to shade as "at least as extreme".
    xlabel : str, default="statistic"

    Returns
    -------
    matplotlib.figure.Figure
        A histogram of the null distribution with the extreme bars in red and
        the observed value as a vertical line.
    """
    null = np.asarray(null_distribution, dtype=float)
    fig, ax = new_figure(width=6.0, height=3.8)
    counts, edges, patches = ax.hist(null, bins=50, color=PALETTE[5], edgecolor="white", linewidth=0.4)
    centre = np.median(null)
    mids = 0.5 * (edges[:-1] + edges[1:])
    if alternative == "greater":
        extreme = mids >= statistic
    elif alternative == "less":
        extreme = mids <= statistic
    else:
        extreme = np.abs(mids - centre) >= abs(statistic - centre)
    for patch, ext in zip(patches, extreme):
        if ext:
            patch.set_facecolor(_MISS)
    ax.axvline(statistic, color="black", linewidth=1.5, label=f"observed = {statistic:.3g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("permutations")
    title = f"permutation null distribution (B = {null.size})"
    if pvalue is not None:
        title += f", p = {pvalue:.3g}"
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def bootstrap_distribution(bootstrap_distribution, estimate: float, interval, *, xlabel: str = "statistic"):
    """The bootstrap distribution of a statistic with its estimate and confidence interval.

    Parameters
    ----------
    bootstrap_distribution : array_like of shape (B,)
        ``BootstrapResult.bootstrap_distribution``.
    estimate : float
        The statistic on the original data.
    interval : (float, float)
        The confidence interval to mark.
    xlabel : str, default="statistic"

    Returns
    -------
    matplotlib.figure.Figure
        Histogram, the estimate (solid line) and the interval (shaded band).
    """
    dist = np.asarray(bootstrap_distribution, dtype=float)
    fig, ax = new_figure(width=6.0, height=3.8)
    ax.hist(dist, bins=50, color=PALETTE[0], alpha=0.8, edgecolor="white", linewidth=0.4)
    lo, hi = interval
    ax.axvspan(lo, hi, color=PALETTE[1], alpha=0.25, label=f"interval [{lo:.3g}, {hi:.3g}]")
    ax.axvline(estimate, color="black", linewidth=1.5, label=f"estimate = {estimate:.3g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("resamples")
    ax.set_title(f"bootstrap distribution (B = {dist.size})")
    ax.legend(fontsize=8)
    return fig
