"""Tour: Bayes' rule as natural frequencies, a posterior sharpening, distributions, a Markov chain."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Probability"
ORDER = 50
LAB = ("probability",)
API = ("mmlkit.probability",)
FORMULA = (r"P(H \mid D) = \frac{P(D \mid H)\, P(H)}{\sum_h P(D \mid h)\, P(h)}" "\n"
           r"\theta \sim \mathrm{Beta}(a, b),\ k \text{ heads in } n \text{ flips} \quad \Rightarrow \quad \theta \mid \text{data} \sim \mathrm{Beta}(a + k, b + n - k)")
SUMMARY = ("Bayes' rule turns a prior and a likelihood into a posterior: with a 1 % prevalence, a 95 %-accurate "
           "test that comes back positive still leaves only about a 16 % chance of disease, because the healthy "
           "majority produces most of the positives. With a conjugate Beta prior the posterior of a coin's bias "
           "is again a Beta, and it sharpens like 1/√n as flips arrive. The distributions behind it are computed "
           "from first principles (incomplete gamma and beta functions) and match SciPy to ~1e-12, and a Markov "
           "chain forgets its start and settles into its stationary distribution.")


def run(quick: bool) -> Showcase:
    from mmlkit.probability import Binomial, Exponential, Gamma, Normal, Poisson, StudentT
    from mmlkit.viz.probability import bayes_disease_test, distribution_plot, posterior_sharpening

    disease = bayes_disease_test(prevalence=0.01, sensitivity=0.95, specificity=0.95)

    true_p = 0.7
    n_flips = 200 if quick else 1000
    flips = np.random.default_rng(3).binomial(1, true_p, n_flips)
    checkpoints = (0, 1, 5, 20, 100, n_flips)
    sharpening = posterior_sharpening(flips, checkpoints, true_p=true_p)

    continuous = distribution_plot(
        [Normal(0, 1), StudentT(2), Exponential(1.0), Gamma(5.0, 2.0)],
        ["Normal(0, 1)", "StudentT(ν = 2)", "Exponential(rate 1)", "Gamma(5, rate 2)"],
        x=np.linspace(-4, 6, 600),
    )
    discrete = distribution_plot([Poisson(4.0), Binomial(10, 0.3)], ["Poisson(4)", "Binomial(10, 0.3)"],
                                 x=np.arange(0, 13))
    figures = [
        ("Disease test, 1 % prevalence, 95 % sensitivity and specificity: 1000 people as natural frequencies "
         "(outlined: tested positive; counts rounded to whole people) and the exact prior, likelihoods and "
         "posterior as bars", disease),
        (f"Beta(1, 1) prior on a coin's bias updated with flips of a p = {true_p} coin: posteriors after "
         f"{', '.join(map(str, checkpoints))} flips, and the 95 % credible interval narrowing", sharpening),
        ("Densities and cdfs: the t distribution's heavy tails against the normal; the skewed exponential "
         "and Gamma on the positive half-line",
         continuous),
        ("Masses and step cdfs of two discrete distributions with similar means", discrete),
    ]
    notes = [
        f"P(sick | positive) = {disease.posterior:.3f}; posterior 95 % interval width after "
        f"{n_flips} flips: {sharpening.widths[-1]:.3f} (from {sharpening.widths[0]:.2f} under the uniform prior).",
    ]
    try:  # the Markov-chain figure lives beside the chain itself
        from mmlkit.viz.markov import markov_convergence

        P = np.array([[0.90, 0.08, 0.02], [0.15, 0.75, 0.10], [0.25, 0.25, 0.50]])
        markov = markov_convergence(P, [0.0, 0.0, 1.0], n_steps=30, state_names=["sunny", "cloudy", "rainy"])
        figures.append(("A three-state weather chain started in 'rainy' converging to its stationary "
                        "distribution π = πP (dashed), and the total-variation distance shrinking geometrically",
                        markov))
    except ImportError:
        notes.append("Markov-chain panel skipped: mmlkit.probability.markov is not available.")
    return Showcase(
        figures=figures,
        key_number=("P(sick | +), 1 % prevalence, 95 % test", f"{disease.posterior:.1%}"),
        notes=notes,
    )
