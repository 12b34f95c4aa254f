import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · probability")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    from mmlkit.probability import Bernoulli, BetaBinomial, bayes_rule
    from mmlkit.viz import bayes_disease_test, posterior_sharpening
    return Bernoulli, BetaBinomial, bayes_disease_test, bayes_rule, mo, np, posterior_sharpening


@app.cell
def _(mo):
    mo.md(r"""
    # Probability: reasoning under uncertainty

    **Bayes' rule** turns a prior belief and a likelihood into a posterior,

    $$p(\theta \mid \text{data}) = \frac{p(\text{data}\mid\theta)\,p(\theta)}{p(\text{data})}
    \;\propto\; \text{likelihood} \times \text{prior}.$$

    ## 1. A rare disease and a good test

    A test with 95 % sensitivity and specificity comes back positive. How likely is the disease? With a
    prevalence of 1 %, far less than most people guess: the few true positives are swamped by false
    positives from the many healthy people. Move the prevalence.
    """)
    return


@app.cell
def _(mo):
    prevalence = mo.ui.slider(0.001, 0.3, step=0.001, value=0.01, label="prevalence P(sick)", show_value=True)
    sensitivity = mo.ui.slider(0.5, 1.0, step=0.01, value=0.95, label="sensitivity", show_value=True)
    specificity = mo.ui.slider(0.5, 1.0, step=0.01, value=0.95, label="specificity", show_value=True)
    mo.hstack([prevalence, sensitivity, specificity], justify="start")
    return prevalence, sensitivity, specificity


@app.cell
def _(bayes_disease_test, bayes_rule, mo, np, prevalence, sensitivity, specificity):
    _post = bayes_rule(np.array([prevalence.value, 1 - prevalence.value]),
                       np.array([sensitivity.value, 1 - specificity.value]))
    mo.vstack([
        bayes_disease_test(prevalence.value, sensitivity.value, specificity.value, n_people=1000),
        mo.md(f"`bayes_rule(prior=[{prevalence.value:.3f}, {1 - prevalence.value:.3f}], "
              f"likelihood=[{sensitivity.value:.2f}, {1 - specificity.value:.2f}])` → "
              f"P(sick | positive) = **{_post[0]:.3f}**"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. Conjugate updating: the Beta–Binomial model

    A coin lands heads with unknown probability $\theta$. With a $\mathrm{Beta}(a, b)$ prior and $k$ heads in
    $n$ flips, the posterior is again a Beta:

    $$\theta \mid k \sim \mathrm{Beta}(a + k,\; b + n - k), \qquad
    \mathbb{E}[\theta \mid k] = \frac{a + k}{a + b + n}.$$

    The prior acts like $a + b$ imaginary flips, so its **strength** $a + b$ decides how much data it takes to
    overrule it. Below the prior is centred on a (wrong) guess; raise its strength and watch the posterior
    resist the data (`mmlkit.probability.BetaBinomial`).
    """)
    return


@app.cell
def _(mo):
    strength = mo.ui.slider(1, 200, step=1, value=10, label="prior strength a + b", show_value=True)
    prior_mean = mo.ui.slider(0.05, 0.95, step=0.05, value=0.3, label="prior mean a / (a + b)", show_value=True)
    true_p = mo.ui.slider(0.05, 0.95, step=0.05, value=0.7, label="true θ", show_value=True)
    n_flips = mo.ui.slider(10, 500, step=10, value=100, label="flips", show_value=True)
    mo.hstack([mo.vstack([strength, prior_mean]), mo.vstack([true_p, n_flips])], justify="start")
    return n_flips, prior_mean, strength, true_p


@app.cell
def _(Bernoulli, BetaBinomial, mo, n_flips, np, posterior_sharpening, prior_mean, strength, true_p):
    _a, _b = prior_mean.value * strength.value, (1 - prior_mean.value) * strength.value
    _flips = Bernoulli(true_p.value).sample(n_flips.value, random_state=0)
    _model = BetaBinomial(_a, _b).update(_flips)
    _lo, _hi = _model.credible_interval(0.95)
    _checkpoints = sorted({0, 1, 5, min(20, n_flips.value), n_flips.value})
    mo.vstack([
        posterior_sharpening(_flips, _checkpoints, a=_a, b=_b, true_p=true_p.value),
        mo.md(f"After {n_flips.value} flips ({int(np.sum(_flips))} heads): posterior "
              f"Beta({_model.a:.1f}, {_model.b:.1f}), mean **{_model.posterior.mean():.3f}**, "
              f"95 % credible interval [{_lo:.3f}, {_hi:.3f}]; P(next flip is heads) = "
              f"{float(_model.posterior_predictive(1).pmf(1)):.3f} (`posterior_predictive(1).pmf(1)`)"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `bayes_posterior`

    Write the posterior over a discrete set of hypotheses:

    $$P(h \mid D) = \frac{P(D \mid h)\, P(h)}{\sum_{h'} P(D \mid h')\, P(h')}$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start probability` gives you the other exercises of this
    module, and `mmlkit exercises hint probability.bayes_posterior` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _bayes_posterior(prior, likelihood):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_bayes_posterior, "probability.bayes_posterior")
    return


if __name__ == "__main__":
    app.run()
