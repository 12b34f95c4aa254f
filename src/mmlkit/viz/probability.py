"""Figures for probability: Bayes' rule as natural frequencies, posteriors sharpening, distributions."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["bayes_disease_test", "distribution_plot", "posterior_sharpening"]


def bayes_disease_test(prevalence: float = 0.01, sensitivity: float = 0.95, specificity: float = 0.95,
                       *, n_people: int = 1000):
    """Bayes' rule for a diagnostic test, as natural frequencies and as bars.

    Parameters
    ----------
    prevalence : float, default=0.01
        Prior probability of disease, P(sick).
    sensitivity : float, default=0.95
        P(positive | sick).
    specificity : float, default=0.95
        P(negative | healthy).
    n_people : int, default=1000
        People in the icon grid (a perfect square or a multiple of 40 reads best).

    Returns
    -------
    matplotlib.figure.Figure
        Left: one square per person, coloured by (sick, healthy) × (positive,
        negative) with expected counts; those who test positive are the
        outlined squares, and the sick ones among them are the posterior.
        Right: prior P(sick), likelihoods P(+ | sick), P(+ | healthy), and
        posterior P(sick | +) as bars. ``fig.posterior`` holds P(sick | +).

    Notes
    -----
    P(sick | +) = P(+ | sick) P(sick) / [P(+ | sick) P(sick) + P(+ | healthy) P(healthy)],
    computed with :func:`mmlkit.probability.bayes_rule`.
    """
    from mmlkit.probability import bayes_rule

    prior = np.array([prevalence, 1.0 - prevalence])
    like_pos = np.array([sensitivity, 1.0 - specificity])
    posterior = bayes_rule(prior, like_pos)

    sick = int(round(n_people * prevalence))
    sick_pos = int(round(sick * sensitivity))
    healthy = n_people - sick
    healthy_pos = int(round(healthy * (1.0 - specificity)))
    groups = [  # (count, colour, label)
        (sick_pos, PALETTE[3], f"sick, test + ({sick_pos})"),
        (sick - sick_pos, PALETTE[1], f"sick, test − ({sick - sick_pos})"),
        (healthy_pos, PALETTE[0], f"healthy, test + ({healthy_pos})"),
        (healthy - healthy_pos, "#d9d9d9", f"healthy, test − ({healthy - healthy_pos})"),
    ]
    ncols = 40 if n_people % 40 == 0 else int(np.ceil(np.sqrt(n_people)))
    idx = np.arange(n_people)
    cols, rows = idx % ncols, idx // ncols
    colours = np.concatenate([[c] * k for k, c, _ in groups])
    positive = np.concatenate([np.full(k, g < 3 and g != 1) for g, (k, _, _) in enumerate(groups)])

    fig, (ax, ax_bar) = new_figure(1, 2, width=5.2, height=3.8)
    fig.get_layout_engine().set(w_pad=0.2)
    ax.scatter(cols, -rows, c=list(colours), marker="s", s=22,
               edgecolors=np.where(positive, "black", "none").tolist(), linewidths=0.8)
    for _, colour, label in groups:
        ax.scatter([], [], c=colour, marker="s", label=label)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=2, fontsize=8, handletextpad=0.3)
    n_pos = sick_pos + healthy_pos
    # Whole people round the expected counts, so the fraction here is close to, not equal to, the posterior.
    ax.set_title(f"{n_people} people: {n_pos} test positive, only {sick_pos} of\n"
                 f"them sick ({sick_pos}/{n_pos} = {sick_pos / n_pos:.1%} in whole people)")
    ax.set_aspect("equal")
    ax.axis("off")

    labels = ["prior\nP(sick)", "likelihood\nP(+ | sick)", "likelihood\nP(+ | healthy)", "posterior\nP(sick | +)"]
    values = [prior[0], like_pos[0], like_pos[1], posterior[0]]
    bars = ax_bar.bar(labels, values, color=[PALETTE[1], PALETTE[3], PALETTE[0], PALETTE[2]])
    for bar, v in zip(bars, values):
        ax_bar.text(bar.get_x() + bar.get_width() / 2, v + 0.02, f"{v:.1%}", ha="center", fontsize=9)
    ax_bar.set_ylim(0, 1.1)
    ax_bar.set_ylabel("probability")
    ax_bar.tick_params(axis="x", labelsize=8)
    ax_bar.set_title(f"Bayes' rule, exactly: a positive test moves\n{prior[0]:.1%} to {posterior[0]:.1%}")
    fig.posterior = float(posterior[0])
    return fig


def posterior_sharpening(flips, checkpoints=(0, 1, 5, 20, 100), *, a: float = 1.0, b: float = 1.0,
                         true_p: float | None = None):
    """The Beta posterior of a coin's bias after more and more flips.

    Parameters
    ----------
    flips : array_like of 0/1, shape (n,)
        Coin-flip outcomes in the order they arrive.
    checkpoints : sequence of int, default=(0, 1, 5, 20, 100)
        Numbers of flips after which to draw the posterior (≤ n).
    a, b : float, default=1.0
        Beta prior parameters.
    true_p : float, optional
        The coin's real bias, drawn as a vertical line.

    Returns
    -------
    matplotlib.figure.Figure
        Left: posterior densities Beta(a + heads, b + tails) at each
        checkpoint, darker as data accumulate. Right: the posterior mean and
        95 % credible interval against the number of flips.
        ``fig.widths`` holds the interval widths at the checkpoints.
    """
    from mmlkit.probability import BetaBinomial

    flips = np.asarray(flips)
    checkpoints = [int(c) for c in checkpoints if c <= flips.size]
    theta = np.linspace(0.0, 1.0, 501)
    fig, (ax, ax_ci) = new_figure(1, 2, width=4.6, height=3.6)
    shades = np.linspace(0.35, 1.0, len(checkpoints))
    widths = []
    for shade, n in zip(shades, checkpoints):
        model = BetaBinomial(a, b).update(flips[:n])
        lo, hi = model.credible_interval(0.95)
        widths.append(hi - lo)
        ax.plot(theta, model.posterior.pdf(theta), color=PALETTE[0], alpha=float(shade),
                label=f"n = {n}: Beta({model.a:g}, {model.b:g})")
    if true_p is not None:
        ax.axvline(true_p, color=PALETTE[3], linestyle="--", linewidth=1.2, label=f"true p = {true_p:g}")
    ax.set_xlabel("θ = P(heads)")
    ax.set_ylabel("posterior density")
    ax.set_title("Beta posterior sharpens as flips arrive")
    ax.legend(fontsize=7)

    ns = np.arange(flips.size + 1)
    heads = np.concatenate([[0], np.cumsum(flips)])
    from mmlkit.probability import Beta

    post = Beta(a + heads, b + ns - heads)
    lo, hi = post.interval(0.95)
    ax_ci.fill_between(ns, lo, hi, color=PALETTE[0], alpha=0.25, label="95 % credible interval")
    ax_ci.plot(ns, post.mean(), color=PALETTE[0], label="posterior mean")
    if true_p is not None:
        ax_ci.axhline(true_p, color=PALETTE[3], linestyle="--", linewidth=1.2)
    ax_ci.set_xlabel("number of flips")
    ax_ci.set_ylabel("θ")
    ax_ci.set_ylim(0, 1)
    ax_ci.set_title("credible interval narrows like 1/√n")
    ax_ci.legend(fontsize=8, loc="upper right")
    fig.widths = np.asarray(widths)
    return fig


def distribution_plot(distributions, labels=None, *, x=None, kind: str = "auto"):
    """Densities (or masses) and cdfs of several distributions side by side.

    Parameters
    ----------
    distributions : sequence of distribution objects
        Univariate mmlkit distributions (continuous ones with ``pdf``,
        discrete ones with ``pmf``).
    labels : sequence of str, optional
        Legend labels; defaults to each object's ``repr``.
    x : array_like, optional
        Evaluation points; by default the union of the 0.1 % – 99.9 % quantile ranges.
    kind : {"auto", "continuous", "discrete"}, default="auto"
        "auto" decides per distribution by whether it has ``pmf``.

    Returns
    -------
    matplotlib.figure.Figure
        Left: pdf (lines) or pmf (stems); right: cdf (step functions for discrete ones).
    """
    distributions = list(distributions)
    labels = list(labels) if labels is not None else [repr(d) for d in distributions]
    if x is None:
        lo = min(float(d.ppf(1e-3)) for d in distributions)
        hi = max(float(d.ppf(1 - 1e-3)) for d in distributions)
        x = np.linspace(lo, hi, 400)
    x = np.asarray(x, dtype=float)
    fig, (ax_pdf, ax_cdf) = new_figure(1, 2, width=4.6, height=3.4)
    m = len(distributions)
    for i, (d, label) in enumerate(zip(distributions, labels)):
        colour = PALETTE[i % len(PALETTE)]
        discrete = hasattr(d, "pmf") if kind == "auto" else kind == "discrete"
        if discrete:
            k = np.arange(np.floor(x.min()), np.ceil(x.max()) + 1)
            shift = 0.12 * (i - (m - 1) / 2)  # side by side, so stems do not hide each other
            ax_pdf.vlines(k + shift, 0, d.pmf(k), color=colour, linewidth=2, alpha=0.8)
            ax_pdf.plot(k + shift, d.pmf(k), "o", color=colour, markersize=3, label=label)
            ax_cdf.step(k, d.cdf(k), where="post", color=colour, label=label)
        else:
            ax_pdf.plot(x, d.pdf(x), color=colour, label=label)
            ax_cdf.plot(x, d.cdf(x), color=colour, label=label)
    ax_pdf.set_title("density / mass")
    ax_pdf.set_xlabel("x")
    ax_pdf.legend(fontsize=8)
    ax_cdf.set_title("cumulative distribution F(x)")
    ax_cdf.set_xlabel("x")
    ax_cdf.set_ylim(-0.02, 1.02)
    return fig
