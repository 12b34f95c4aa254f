"""Exercises · probability: Bayes' rule, densities in log space, pmfs, Markov chains, conjugate updates."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, against, as_array, close

E = partial(Exercise, "probability")


def _judge_bayes(got, args):
    prior, lik = args
    import mmlkit.probability as prob

    p = as_array("the posterior", got, prior.shape)
    ref = prob.bayes_rule(prior, lik)
    if abs(p.sum() - 1) > 1e-9:
        raise Fail("the posterior sums to 1", f"sum {p.sum():.12g}", expected=ref, got=got)
    close("posterior ∝ prior × likelihood (equals mmlkit.probability.bayes_rule)", p, ref, rtol=1e-9, atol=1e-12)


def _normal_oracle(x, mu, sigma):
    import mmlkit.probability as prob

    return prob.Normal(mu, sigma).logpdf(x)


def _binom_oracle(k, n, p):
    import mmlkit.probability as prob

    return prob.Binomial(n, p).pmf(k)


def _binom_args(g):
    return g.st.integers(0, 40).flatmap(lambda n: g.st.tuples(
        g.hnp.arrays(np.int64, g.sizes(1, 5), elements=g.st.integers(0, n)), g.st.just(n),
        g.st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.9, 1.0])))


def _markov_args(g):
    return g.with_n(lambda n: g.mat((n, n), 0.05, 1.0).map(lambda M: (M / M.sum(axis=1, keepdims=True),)), 1, 5)


def _judge_markov(got, args):
    (P,) = args
    import mmlkit.probability as prob

    pi = as_array("π", got, (P.shape[0],))
    ref = prob.MarkovChain(P).stationary()
    if abs(pi.sum() - 1) > 1e-9:
        raise Fail("π sums to 1 (a distribution)", f"sum {pi.sum():.12g}", expected=ref, got=got)
    res = np.abs(pi @ P - pi).max()
    if res > 1e-9:
        raise Fail("π is stationary: π P = π (a left eigenvector, of Pᵀ)", f"max |πP − π| = {res:.3g}",
                   expected=ref, got=got)
    close("π equals mmlkit.probability.MarkovChain(P).stationary()", pi, ref, rtol=1e-8, atol=1e-10)


def _nn_oracle(x, mu0, tau0, sigma):
    import mmlkit.probability as prob

    post = prob.NormalNormal(mu0, tau0, sigma).update(x)
    return post.mu0, post.tau0


EXERCISES = [
    E(name="bayes_posterior", title="Bayes' rule over a discrete set of hypotheses",
      task="Given a prior over k hypotheses and the likelihood of the observed data under each (both shape "
           "(k,)), return the posterior distribution. Zero priors are allowed; so are tiny likelihoods.",
      formula="P(h | D) = P(D | h) P(h) / Σ_h' P(D | h') P(h')",
      returns="ndarray of shape (k,), summing to 1",
      args=lambda g: g.with_n(lambda n: g.st.tuples(g.prob(n), g.vec(n, 0.0, 1.0)).filter(
          lambda t: (t[0] * t[1]).sum() > 1e-3), 1, 6),
      cases=[("the example", (np.array([0.5, 0.5]), np.array([0.2, 0.6]))),
             ("a zero prior", (np.array([0.0, 0.3, 0.7]), np.array([0.9, 0.1, 0.2]))),
             ("tiny likelihoods", (np.array([0.25, 0.75]), np.array([3e-200, 1e-200])))],
      judge=_judge_bayes,
      hints=("Multiply prior and likelihood elementwise: that is the joint P(D, h).",
             "Divide by the evidence P(D) = Σ prior × likelihood (not by Σ likelihood) so the result sums to 1.",
             "joint = prior * likelihood; return joint / joint.sum()"),
      tolerance="rtol 1e-9"),
    E(name="normal_logpdf", title="The log-density of a normal distribution",
      task="Return log N(x | μ, σ²) elementwise for an array x; sigma is the standard deviation. Compute it in "
           "log space: points 1000 σ away must give a large negative number, not -inf.",
      formula="log p(x) = −(x − μ)²/(2σ²) − log σ − ½ log(2π)",
      returns="ndarray of x's shape",
      args=lambda g: g.st.tuples(g.vec(g.sizes(1, 5), -20, 20), g.floats(-5, 5), g.floats(0.1, 5)),
      cases=[("the example", (np.array([0.0, 1.0]), 0.0, 1.0)),
             ("σ ≠ 1", (np.array([1.0, 4.0]), 1.0, 2.0)),
             ("far in the tail", (np.array([1000.0, -3000.0]), 0.0, 1.0))],
      judge=against(_normal_oracle, "equals mmlkit.probability.Normal(mu, sigma).logpdf(x)", rtol=1e-10,
                    atol=1e-10),
      hints=("Do not compute the density and take its log: exp(−500000) underflows to 0 and log(0) = −inf.",
             "Take the log of each factor: the exponent, the 1/σ and the 1/√(2π).",
             "sigma is a standard deviation: divide (x − mu) by sigma, and subtract np.log(sigma) once."),
      tolerance="rtol 1e-10"),
    E(name="binomial_pmf", title="The binomial probability mass function",
      task="Return P(K = k) for K ~ Binomial(n, p), elementwise over an integer array k (0 ≤ k ≤ n), for p in "
           "[0, 1] (p = 0 and p = 1 included: 0⁰ = 1) and n up to thousands (work in log space).",
      formula="P(K = k) = C(n, k) pᵏ (1 − p)ⁿ⁻ᵏ,  C(n, k) = n! / (k! (n − k)!)",
      returns="ndarray of k's shape",
      args=_binom_args,
      cases=[("the example", (np.array([0, 1, 2]), 2, 0.5)),
             ("p = 0 and p = 1", (np.array([0, 3]), 3, 0.0)),
             ("p = 1", (np.array([0, 3]), 3, 1.0)),
             ("large n (C(n, k) overflows a float)", (np.array([1000, 980]), 2000, 0.5))],
      judge=against(_binom_oracle, "equals mmlkit.probability.Binomial(n, p).pmf(k)", rtol=1e-9, atol=1e-300),
      hints=("Count the arrangements: C(n, k) ways to place k successes among n trials.",
             "Successes have probability p, failures 1 − p: pᵏ(1 − p)ⁿ⁻ᵏ — check the exponents are not swapped.",
             "C(2000, 1000) ≈ 1e600 overflows: use math.lgamma (log n! = lgamma(n + 1)) and exponentiate at the "
             "end; treat p = 0 or 1 separately so that 0·log 0 counts as 0."),
      tolerance="rtol 1e-9"),
    E(name="stationary_distribution", title="The stationary distribution of a Markov chain",
      task="Given a row-stochastic transition matrix P (P[i, j] = P(next = j | now = i), all entries positive), "
           "return the stationary distribution π: π P = π, π ≥ 0, Σ π = 1.",
      formula="πᵀ is the eigenvector of Pᵀ for the eigenvalue 1, scaled to sum to 1",
      returns="ndarray of shape (n,)",
      args=_markov_args,
      cases=[("the example", (np.array([[0.9, 0.1], [0.5, 0.5]]),)),
             ("three states", (np.array([[0.5, 0.25, 0.25], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]]),))],
      judge=_judge_markov,
      hints=("π P = π says π is a *left* eigenvector of P: a right eigenvector of Pᵀ, eigenvalue 1.",
             "np.linalg.eig(P.T) returns eigenvectors of unit Euclidean norm (maybe negative): rescale so that "
             "the entries sum to 1.",
             "w, V = np.linalg.eig(P.T); pi = V[:, np.argmin(abs(w - 1))].real; return pi / pi.sum()"),
      tolerance="Σπ = 1 and πP = π to 1e-9; π to rtol 1e-8"),
    E(name="normal_posterior", title="The posterior of a normal mean (conjugate prior)",
      task="Data x (shape (n,)) are N(μ, σ²) with σ known; the prior is μ ~ N(mu0, tau0²). Return the posterior "
           "(mean, standard deviation) of μ.",
      formula="1/τ_n² = 1/τ0² + n/σ²;  μ_n = τ_n² (μ0/τ0² + Σ x_i / σ²)",
      returns="tuple (float, float)",
      args=lambda g: g.st.tuples(g.vec(g.sizes(1, 6)), g.floats(-5, 5), g.floats(0.1, 5), g.floats(0.1, 5)),
      cases=[("the example", (np.array([1.0, 2.0]), 0.0, 1.0, 2.0)),
             ("a strong prior", (np.array([10.0]), 0.0, 0.01, 1.0))],
      judge=against(_nn_oracle, "is correct", rtol=1e-10, atol=1e-12, names=("mu_n", "tau_n"),
                    props=("the posterior mean μ_n (mmlkit.probability.NormalNormal)",
                           "the posterior standard deviation τ_n (not the variance)")),
      hints=("Precisions (1/variance) add: the prior's 1/τ0² plus one 1/σ² per data point.",
             "The posterior mean is a precision-weighted average of μ0 and the data: μ_n = τ_n²(μ0/τ0² + Σx/σ²).",
             "Return the standard deviation τ_n = sqrt(1 / precision), not the variance."),
      tolerance="rtol 1e-10"),
]
