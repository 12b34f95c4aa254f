"""Figures for information theory: entropy curves, KL asymmetry, mutual information."""

from __future__ import annotations

import numpy as np

from mmlkit.viz._style import PALETTE, new_figure

__all__ = ["binary_entropy", "kl_asymmetry", "mutual_information_bars"]


def binary_entropy(base: float = 2.0, *, marks=(0.1, 0.5, 0.9)):
    """Entropy of a coin with P(heads) = p, against p.

    Parameters
    ----------
    base : float, default=2.0
        Logarithm base (2: bits, maximum 1 at p = ½).
    marks : sequence of float, default=(0.1, 0.5, 0.9)
        Values of p to mark and label.

    Returns
    -------
    matplotlib.figure.Figure
        The curve ``H(p) = −p log p − (1 − p) log(1 − p)``, zero at a certain
        coin and largest for a fair one.
    """
    from mmlkit.information import entropy

    p = np.linspace(0.0, 1.0, 401)
    h = entropy(np.column_stack([p, 1 - p]), base=base)
    fig, ax = new_figure(width=5.0, height=3.6)
    ax.plot(p, h, color=PALETTE[0])
    ax.fill_between(p, h, color=PALETTE[0], alpha=0.12)
    for m in marks:
        hm = entropy([m, 1 - m], base=base)
        ax.plot([m], [hm], "o", color=PALETTE[1])
        ax.annotate(f"H({m:g}) = {hm:.2f}", (m, hm), textcoords="offset points", fontsize=8,
                    xytext=(-8, -14) if m > 0.6 else (6, -14), ha="right" if m > 0.6 else "left")
    unit = {2.0: "bits", np.e: "nats"}.get(float(base), f"log base {base:g}")
    ax.set_xlabel("p = P(heads)")
    ax.set_ylabel(f"H(p)  [{unit}]")
    ax.set_title("entropy of a coin")
    ax.set_ylim(0, max(h) * 1.12)
    return fig


def kl_asymmetry(mu_p: float = 0.0, sigma_p: float = 1.0, mu_q: float = 1.0, sigma_q: float = 2.0):
    """KL(P‖Q) ≠ KL(Q‖P): two Gaussians and the pointwise integrands of both divergences.

    Parameters
    ----------
    mu_p, sigma_p : float, default=0.0, 1.0
        P = N(mu_p, sigma_p²).
    mu_q, sigma_q : float, default=1.0, 2.0
        Q = N(mu_q, sigma_q²).

    Returns
    -------
    matplotlib.figure.Figure
        Left: the densities p and q. Right: ``p log(p/q)`` and ``q log(q/p)``,
        whose integrals are KL(P‖Q) and KL(Q‖P) (closed forms from
        :func:`mmlkit.information.gaussian_kl`, shown in the legend).
    """
    from mmlkit.information import gaussian_kl

    lo = min(mu_p - 6 * sigma_p, mu_q - 6 * sigma_q)
    hi = max(mu_p + 6 * sigma_p, mu_q + 6 * sigma_q)
    x = np.linspace(lo, hi, 600)

    def logpdf(mu, s):
        return -0.5 * ((x - mu) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi)

    lp, lq = logpdf(mu_p, sigma_p), logpdf(mu_q, sigma_q)
    p, q = np.exp(lp), np.exp(lq)
    kl_pq = gaussian_kl(mu_p, sigma_p**2, mu_q, sigma_q**2)
    kl_qp = gaussian_kl(mu_q, sigma_q**2, mu_p, sigma_p**2)
    fig, (ax, ax2) = new_figure(1, 2, width=4.6, height=3.6)
    ax.plot(x, p, color=PALETTE[0], label=f"P = N({mu_p:g}, {sigma_p:g}²)")
    ax.plot(x, q, color=PALETTE[1], label=f"Q = N({mu_q:g}, {sigma_q:g}²)")
    ax.fill_between(x, p, color=PALETTE[0], alpha=0.15)
    ax.fill_between(x, q, color=PALETTE[1], alpha=0.15)
    ax.set_title("two distributions")
    ax.set_xlabel("x")
    ax.legend(fontsize=8)
    ax2.plot(x, p * (lp - lq), color=PALETTE[0], label=f"p log(p/q): KL(P‖Q) = {kl_pq:.3f}")
    ax2.plot(x, q * (lq - lp), color=PALETTE[1], label=f"q log(q/p): KL(Q‖P) = {kl_qp:.3f}")
    ax2.axhline(0, color="black", linewidth=0.6)
    ax2.set_title("KL integrands (nats): KL is not symmetric")
    ax2.set_xlabel("x")
    ax2.legend(fontsize=8)
    fig.kl = (kl_pq, kl_qp)
    return fig


def mutual_information_bars(names, values, *, target: str = "y", base_unit: str = "bits"):
    """Mutual information between each feature and a target, as sorted horizontal bars.

    Parameters
    ----------
    names : sequence of str
        Feature names.
    values : array_like of shape (n_features,)
        I(feature; target) for each feature.
    target : str, default="y"
        The target's name, for the title.
    base_unit : str, default="bits"
        Axis label unit.

    Returns
    -------
    matplotlib.figure.Figure
    """
    values = np.asarray(values, dtype=float)
    order = np.argsort(values)
    fig, ax = new_figure(width=5.5, height=0.45 * len(values) + 1.2)
    ax.barh(np.arange(len(values)), values[order], color=PALETTE[2])
    ax.set_yticks(np.arange(len(values)), [names[i] for i in order])
    ax.set_xlabel(f"I(feature; {target})  [{base_unit}]")
    ax.set_title(f"how much each feature tells about {target}")
    return fig
