"""Reference solutions: probability."""

import math

import numpy as np


def bayes_posterior(prior, likelihood):
    joint = prior * likelihood
    return joint / joint.sum()


def normal_logpdf(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)


def binomial_pmf(k, n, p):
    k = np.asarray(k)
    logc = np.array([math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1) for j in k.ravel()])
    with np.errstate(divide="ignore"):
        logp = k.ravel() * np.log(p) + (n - k.ravel()) * np.log1p(-p)
    logp = np.where((k.ravel() == 0) & (p == 0), 0.0, logp)
    logp = np.where((k.ravel() == n) & (p == 1), 0.0, logp)
    return np.exp(logc + np.nan_to_num(logp, nan=-np.inf)).reshape(k.shape)


def stationary_distribution(P):
    w, V = np.linalg.eig(P.T)
    pi = np.real(V[:, np.argmin(np.abs(w - 1))])
    return pi / pi.sum()


def normal_posterior(x, mu0, tau0, sigma):
    precision = 1 / tau0**2 + len(x) / sigma**2
    mu_n = (mu0 / tau0**2 + np.sum(x) / sigma**2) / precision
    return float(mu_n), float(np.sqrt(1 / precision))
