"""Bayesian updating: Bayes' rule over discrete hypotheses and the conjugate models.

Every conjugate model is immutable: ``update(data)`` returns a **new** model
whose prior is the old posterior, so updating in batches or one observation at
a time gives the same result and a model can be reused as a prior.
``posterior`` is a distribution object (``Beta``, ``Normal``, ``Gamma``,
``Dirichlet``), ``posterior_predictive`` the distribution of the next
observation(s), and ``credible_interval(level)`` the equal-tailed interval of
the posterior.
"""

from __future__ import annotations

import numpy as np

from .._validation import as_float_array, check_probability_vector
from ._base import COUNT, POSITIVE_SCALAR, REAL_SCALAR, Parameterised
from .continuous import Beta, Gamma, Normal
from .discrete import BetaBinom, Categorical, NegativeBinomial
from .multivariate import Dirichlet

__all__ = ["BetaBinomial", "DirichletMultinomial", "GammaPoisson", "NormalNormal", "bayes_rule"]


def bayes_rule(prior, likelihood):
    r"""Posterior over discrete hypotheses: P(H | D) ∝ P(D | H) P(H).

    Parameters
    ----------
    prior : array_like, shape (K,)
        Prior probabilities of K hypotheses (a probability vector).
    likelihood : array_like, shape (K,) or (..., K)
        P(D | Hₖ) for each hypothesis (non-negative; need not sum to 1). Leading
        dimensions give several data sets at once.

    Returns
    -------
    ndarray, shape like ``likelihood``
        Posterior probabilities, summing to 1 along the last axis.

    Notes
    -----
    P(Hₖ | D) = P(D | Hₖ) P(Hₖ) / Σⱼ P(D | Hⱼ) P(Hⱼ). Computed in log space
    (log-sum-exp), so likelihoods of order 1e-300 do not underflow. Raises
    ``ValueError`` when the evidence Σⱼ P(D | Hⱼ)P(Hⱼ) is zero.

    Examples
    --------
    A 1%-prevalence disease and a test with 95% sensitivity and specificity:

    >>> post = bayes_rule([0.01, 0.99], [0.95, 0.05])  # P(+ | sick), P(+ | healthy)
    >>> round(float(post[0]), 4)
    0.161
    """
    prior = check_probability_vector(as_float_array(prior, "prior", ndim=1), "prior")
    likelihood = as_float_array(likelihood, "likelihood")
    if likelihood.shape[-1:] != prior.shape:
        raise ValueError(f"likelihood must have last dimension {prior.size} to match prior, "
                         f"got shape {likelihood.shape}")
    if (likelihood < 0).any():
        raise ValueError("likelihood must be non-negative")
    with np.errstate(divide="ignore"):
        log_joint = np.log(likelihood) + np.log(prior)
    top = np.max(log_joint, axis=-1, keepdims=True)
    if np.isneginf(top).any():
        raise ValueError("the evidence sum(likelihood * prior) is zero: no hypothesis explains the data")
    w = np.exp(log_joint - top)
    return w / w.sum(axis=-1, keepdims=True)


def _outcomes(data, name, *, low=0.0, high=None, integer=True):
    x = as_float_array(data, name, nonempty=False).ravel()
    bad = (x < low) | ((x != np.floor(x)) if integer else False)
    if high is not None:
        bad |= x > high
    if np.any(bad):
        rng = f"in [{low:g}, {high:g}]" if high is not None else f">= {low:g}"
        raise ValueError(f"{name} must hold whole numbers {rng}")
    return x


class BetaBinomial(Parameterised):
    r"""Beta prior on a success probability θ with Bernoulli/binomial data.

    Parameters
    ----------
    a, b : float, default=1.0
        Prior Beta(a, b) pseudo-counts of successes and failures (> 0);
        the default is the uniform prior.

    Notes
    -----
    After s successes and f failures the posterior is Beta(a + s, b + f).
    The posterior predictive for the successes in the next n trials is
    beta-binomial, P(k) = C(n, k) B(k + a′, n − k + b′)/B(a′, b′). ``update``
    returns a new model.

    Examples
    --------
    >>> m = BetaBinomial(1, 1).update([1, 1, 0, 1])
    >>> m.posterior
    Beta(a=4.0, b=2.0)
    """

    _parameter_constraints = {"a": POSITIVE_SCALAR, "b": POSITIVE_SCALAR}

    def __init__(self, a=1.0, b=1.0):
        self.a = float(self._param("a", a))
        self.b = float(self._param("b", b))

    def __repr__(self):
        return f"BetaBinomial(a={self.a!r}, b={self.b!r})"

    def update(self, data=None, *, successes=None, trials=None):
        """Return the model updated with data.

        Parameters
        ----------
        data : array_like of 0/1, shape (n,), optional
            Bernoulli outcomes.
        successes, trials : int, optional
            Alternatively, counts: ``successes`` out of ``trials``.
        """
        s = f = 0.0
        if data is not None:
            x = _outcomes(data, "data", high=1.0)
            s, f = float(x.sum()), float(x.size - x.sum())
        if successes is not None or trials is not None:
            if successes is None or trials is None:
                raise ValueError("successes and trials must be given together")
            ks = COUNT.convert(successes, "successes", "BetaBinomial")
            nt = COUNT.convert(trials, "trials", "BetaBinomial")
            if ks > nt:
                raise ValueError("successes must be <= trials")
            s, f = s + ks, f + nt - ks
        return BetaBinomial(self.a + s, self.b + f)

    @property
    def posterior(self) -> Beta:
        """The posterior (equal to the prior before any update) Beta(a, b)."""
        return Beta(self.a, self.b)

    def posterior_predictive(self, n=1) -> BetaBinom:
        """Distribution of the number of successes in the next ``n`` trials."""
        return BetaBinom(n, self.a, self.b)

    def credible_interval(self, level=0.95):
        """Equal-tailed posterior interval for θ: (lower, upper)."""
        lo, hi = self.posterior.interval(level)
        return float(lo), float(hi)


class NormalNormal(Parameterised):
    r"""Normal prior on a mean μ, normal data with known standard deviation σ.

    Parameters
    ----------
    mu0 : float, default=0.0
        Prior mean of μ.
    tau0 : float, default=1.0
        Prior standard deviation of μ (> 0).
    sigma : float, default=1.0
        Known noise standard deviation of each observation (> 0).

    Notes
    -----
    With n observations of mean x̄, precisions add:
    1/τₙ² = 1/τ₀² + n/σ², μₙ = τₙ² (μ₀/τ₀² + n x̄/σ²). The posterior is
    N(μₙ, τₙ²) and the predictive of a new observation N(μₙ, σ² + τₙ²).
    ``update`` returns a new model.

    Examples
    --------
    >>> NormalNormal(0.0, 1.0, sigma=1.0).update([2.0]).posterior
    Normal(mu=1.0, sigma=0.7071067811865476)
    """

    _parameter_constraints = {"mu0": REAL_SCALAR, "tau0": POSITIVE_SCALAR, "sigma": POSITIVE_SCALAR}

    def __init__(self, mu0=0.0, tau0=1.0, sigma=1.0):
        self.mu0 = float(self._param("mu0", mu0))
        self.tau0 = float(self._param("tau0", tau0))
        self.sigma = float(self._param("sigma", sigma))

    def __repr__(self):
        return f"NormalNormal(mu0={self.mu0!r}, tau0={self.tau0!r}, sigma={self.sigma!r})"

    def update(self, data):
        """Return the model updated with observations ``data`` (array_like, shape (n,))."""
        x = as_float_array(data, "data", nonempty=False).ravel()
        prec = 1.0 / self.tau0**2 + x.size / self.sigma**2
        mu = (self.mu0 / self.tau0**2 + x.sum() / self.sigma**2) / prec
        return NormalNormal(float(mu), float(np.sqrt(1.0 / prec)), self.sigma)

    @property
    def posterior(self) -> Normal:
        """The posterior N(μₙ, τₙ²) of the mean (the prior before any update)."""
        return Normal(self.mu0, self.tau0)

    def posterior_predictive(self) -> Normal:
        """N(μₙ, σ² + τₙ²), the distribution of the next observation."""
        return Normal(self.mu0, float(np.hypot(self.sigma, self.tau0)))

    def credible_interval(self, level=0.95):
        """Equal-tailed posterior interval (lower, upper) holding probability ``level``."""
        lo, hi = self.posterior.interval(level)
        return float(lo), float(hi)


class GammaPoisson(Parameterised):
    r"""Gamma prior on a Poisson rate λ.

    Parameters
    ----------
    shape : float, default=1.0
        Prior Gamma shape (> 0).
    rate : float, default=1.0
        Prior Gamma rate (> 0).

    Notes
    -----
    After counts x₁…xₙ the posterior is Gamma(shape + Σx, rate + n). The
    predictive of the next count is negative binomial with n = shape and
    p = rate/(rate + 1). ``update`` returns a new model.

    Examples
    --------
    >>> GammaPoisson(2.0, 1.0).update([3, 5]).posterior
    Gamma(shape=10.0, rate=3.0)
    """

    _parameter_constraints = {"shape": POSITIVE_SCALAR, "rate": POSITIVE_SCALAR}

    def __init__(self, shape=1.0, rate=1.0):
        self.shape = float(self._param("shape", shape))
        self.rate = float(self._param("rate", rate))

    def __repr__(self):
        return f"GammaPoisson(shape={self.shape!r}, rate={self.rate!r})"

    def update(self, data):
        """Return the model updated with counts ``data`` (whole numbers ≥ 0, shape (n,))."""
        x = _outcomes(data, "data")
        return GammaPoisson(self.shape + float(x.sum()), self.rate + x.size)

    @property
    def posterior(self) -> Gamma:
        """The posterior Gamma(shape, rate) of the rate (the prior before any update)."""
        return Gamma(self.shape, self.rate)

    def posterior_predictive(self) -> NegativeBinomial:
        """NegativeBinomial(shape, rate/(rate + 1)), the distribution of the next count."""
        return NegativeBinomial(self.shape, self.rate / (self.rate + 1.0))

    def credible_interval(self, level=0.95):
        """Equal-tailed posterior interval (lower, upper) holding probability ``level``."""
        lo, hi = self.posterior.interval(level)
        return float(lo), float(hi)


class DirichletMultinomial:
    r"""Dirichlet prior on category probabilities with categorical/multinomial data.

    Parameters
    ----------
    alpha : array_like, shape (K,)
        Prior concentrations (> 0).

    Notes
    -----
    After category counts c the posterior is Dirichlet(α + c); the predictive
    of the next draw is Categorical((α + c)/Σ(α + c)). ``update`` returns a new
    model.

    Examples
    --------
    >>> DirichletMultinomial([1, 1, 1]).update([0, 0, 2]).alpha
    array([3., 1., 2.])
    """

    def __init__(self, alpha):
        self.alpha = Dirichlet(alpha).alpha

    def __repr__(self):
        return f"DirichletMultinomial(alpha={self.alpha!r})"

    def update(self, data):
        """Return the model updated with data.

        Parameters
        ----------
        data : array_like
            1-D: category labels in {0, …, K−1}, shape (n,); 2-D: rows of counts,
            shape (n, K).
        """
        k = self.alpha.size
        x = as_float_array(data, "data", nonempty=False)
        if x.ndim == 2:
            if x.shape[1] != k:
                raise ValueError(f"data count rows must have {k} columns, got shape {x.shape}")
            _outcomes(x, "data")
            counts = x.sum(axis=0)
        else:
            labels = _outcomes(x, "data", high=k - 1)
            counts = np.bincount(labels.astype(np.intp), minlength=k)
        return DirichletMultinomial(self.alpha + counts)

    @property
    def posterior(self) -> Dirichlet:
        """The posterior Dirichlet(α) of the category probabilities."""
        return Dirichlet(self.alpha)

    def posterior_predictive(self) -> Categorical:
        """Categorical(α/Σα), the distribution of the next category."""
        return Categorical(self.alpha / self.alpha.sum())

    def credible_interval(self, level=0.95):
        """Equal-tailed intervals of each component's Beta marginal, shape (K, 2)."""
        a0 = self.alpha.sum()
        lo, hi = Beta(self.alpha, a0 - self.alpha).interval(level)
        return np.stack([lo, hi], axis=-1)
