"""Typical mistakes (optimization, probability, statistics, information) are caught, the failed property named."""

from __future__ import annotations

import math

import numpy as np
import pytest

from _exercise_checks import assert_mistake_caught

# ---------------------------------------------------------------- optimization


def gd_one_step_short(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    for _ in range(n_steps - 1):
        x = x - lr * grad(x)
    return x


def gd_ascent(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    for _ in range(n_steps):
        x = x + lr * grad(x)
    return x


def gd_in_place(grad, x0, lr, n_steps):
    for _ in range(n_steps):
        x0 -= lr * grad(x0)
    return x0


def adam_no_bias_correction(x, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return x - lr * m / (np.sqrt(v) + eps), m, v


def adam_eps_inside_sqrt(x, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return x - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


def adam_t_from_zero(x, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    t = t - 1
    return x - lr * (m / (1 - beta1 ** (t + 1e-300))) / (np.sqrt(v / (1 - beta2 ** (t + 1e-300))) + eps), m, v


def momentum_dampened(x, g, buf, lr, momentum=0.9):
    buf = momentum * buf + (1 - momentum) * g
    return x - lr * buf, buf


def momentum_old_buffer(x, g, buf, lr, momentum=0.9):
    return x - lr * buf, momentum * buf + g


def simplex_clip_normalise(y):
    p = np.maximum(y, 0)
    return p / p.sum() if p.sum() > 0 else np.full_like(y, 1 / len(y))


def simplex_softmax(y):
    e = np.exp(y - y.max())
    return e / e.sum()


def newton_plus(g, H, x):
    return x + np.linalg.solve(H, g)


def newton_times_hessian(g, H, x):
    return x - H @ g


def newton_diagonal(g, H, x):
    return x - g / np.diag(H)


# ---------------------------------------------------------------- probability


def bayes_unnormalised(prior, likelihood):
    return prior * likelihood


def bayes_divide_by_likelihood(prior, likelihood):
    return prior * likelihood / likelihood.sum()


def logpdf_variance(x, mu, sigma):
    return -0.5 * (x - mu) ** 2 / sigma - 0.5 * np.log(2 * np.pi * sigma)


def logpdf_naive(x, mu, sigma):
    return np.log(np.exp(-0.5 * ((x - mu) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi)))


def logpdf_no_log_sigma(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - 0.5 * np.log(2 * np.pi)


def binom_no_coefficient(k, n, p):
    return p**k * (1 - p) ** (n - k)


def binom_swapped(k, n, p):
    return np.array([math.comb(n, int(j)) for j in k]) * (1 - p) ** k * p ** (n - k)


def binom_float_overflow(k, n, p):
    return np.array([float(math.comb(n, int(j))) * p**j * (1 - p) ** (n - j) for j in k])


def stationary_right_eigenvector(P):
    w, V = np.linalg.eig(P)
    pi = np.real(V[:, np.argmin(np.abs(w - 1))])
    return pi / pi.sum()


def stationary_unit_norm(P):
    w, V = np.linalg.eig(P.T)
    return np.real(V[:, np.argmin(np.abs(w - 1))])


def posterior_forgets_n(x, mu0, tau0, sigma):
    precision = 1 / tau0**2 + 1 / sigma**2
    return float((mu0 / tau0**2 + np.mean(x) / sigma**2) / precision), float(np.sqrt(1 / precision))


def posterior_variance(x, mu0, tau0, sigma):
    precision = 1 / tau0**2 + len(x) / sigma**2
    return float((mu0 / tau0**2 + np.sum(x) / sigma**2) / precision), float(1 / precision)


# ---------------------------------------------------------------- statistics


def welch_ddof0(a, b):
    va, vb = np.var(a) / len(a), np.var(b) / len(b)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float((a.mean() - b.mean()) / np.sqrt(va + vb)), float(df)


def welch_pooled_df(a, b):
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    return float((a.mean() - b.mean()) / np.sqrt(va + vb)), float(len(a) + len(b) - 2)


def pearson_uncentred(x, y):
    return float(x @ y / np.sqrt((x @ x) * (y @ y)))


def pearson_mixed_ddof(x, y):
    return float(np.cov(x, y, ddof=1)[0, 1] / (np.std(x) * np.std(y)))


def se_ddof0(x):
    return float(np.std(x) / np.sqrt(len(x)))


def se_no_sqrt(x):
    return float(np.std(x, ddof=1) / len(x))


def ranks_ordinal(x):
    r = np.empty(len(x))
    r[np.argsort(x, kind="stable")] = np.arange(1, len(x) + 1)
    return r


def ranks_zero_based(x):
    return np.array([np.sum(x < xi) + (np.sum(x == xi) - 1) / 2 for xi in x])


def ranks_argsort(x):
    return np.argsort(x).astype(float) + 1


def zscore_rows(X):
    return (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)


def zscore_ddof1(X):
    return (X - X.mean(axis=0)) / X.std(axis=0, ddof=1)


# ---------------------------------------------------------------- information


def entropy_nan_on_zeros(p, base=2):
    return float(-np.sum(p * np.log(p)) / np.log(base))


def entropy_natural_log(p, base=2):
    nz = p[p > 0]
    return float(-np.sum(nz * np.log(nz)))


def entropy_no_minus(p, base=2):
    nz = p[p > 0]
    return float(np.sum(nz * np.log(nz)) / np.log(base))


def kl_swapped(p, q):
    m = q > 0
    if np.any((p == 0) & (q > 0)):
        return np.inf
    return float(np.sum(q[m] * np.log(q[m] / p[m])))


def kl_nan_on_zeros(p, q):
    return float(np.sum(p * np.log(p / q)))


def kl_bits(p, q):
    if np.any((q == 0) & (p > 0)):
        return np.inf
    m = p > 0
    return float(np.sum(p[m] * np.log2(p[m] / q[m])))


def softmax_unstable(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_wrong_axis(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_unnormalised(z):
    return np.exp(z - z.max(axis=-1, keepdims=True))


def cross_entropy_swapped(p, q):
    m = q > 0
    return float(-np.sum(q[m] * np.log(p[m]))) if np.all(p[m] > 0) else np.inf


def cross_entropy_nan(p, q):
    return float(-np.sum(p * np.log(q)))


def mi_nan_on_zeros(joint):
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    return float(np.sum(joint * np.log(joint / np.outer(px, py))))


def mi_entropies_only(joint):
    px, py = joint.sum(axis=1), joint.sum(axis=0)
    h = lambda p: -np.sum(p[p > 0] * np.log(p[p > 0]))  # noqa: E731
    return float(h(px) + h(py))


MISTAKES = [
    ("optimization.gradient_descent", gd_one_step_short, "exactly n_steps"),
    ("optimization.gradient_descent", gd_ascent, "exactly n_steps"),
    ("optimization.gradient_descent", gd_in_place, "inputs are left unchanged"),
    ("optimization.adam_step", adam_no_bias_correction, "bias corrections"),
    ("optimization.adam_step", adam_eps_inside_sqrt, "bias corrections"),
    ("optimization.adam_step", adam_t_from_zero, "bias corrections"),
    ("optimization.momentum_step", momentum_dampened, "no dampening"),
    ("optimization.momentum_step", momentum_old_buffer, "*new* buf"),
    ("optimization.project_simplex", simplex_clip_normalise, "closest point"),
    ("optimization.project_simplex", simplex_softmax, "closest point"),
    ("optimization.newton_step", newton_plus, "x − H⁻¹g"),
    ("optimization.newton_step", newton_times_hessian, "x − H⁻¹g"),
    ("optimization.newton_step", newton_diagonal, "x − H⁻¹g"),
    ("probability.bayes_posterior", bayes_unnormalised, "sums to 1"),
    ("probability.bayes_posterior", bayes_divide_by_likelihood, "sums to 1"),
    ("probability.normal_logpdf", logpdf_variance, "Normal(mu, sigma).logpdf"),
    ("probability.normal_logpdf", logpdf_naive, "Normal(mu, sigma).logpdf"),
    ("probability.normal_logpdf", logpdf_no_log_sigma, "Normal(mu, sigma).logpdf"),
    ("probability.binomial_pmf", binom_no_coefficient, "Binomial(n, p).pmf"),
    ("probability.binomial_pmf", binom_swapped, "Binomial(n, p).pmf"),
    ("probability.stationary_distribution", stationary_right_eigenvector, "π P = π"),
    ("probability.stationary_distribution", stationary_unit_norm, "sums to 1"),
    ("probability.normal_posterior", posterior_forgets_n, "posterior mean"),
    ("probability.normal_posterior", posterior_variance, "standard deviation"),
    ("statistics.welch_t", welch_ddof0, "ddof=1"),
    ("statistics.welch_t", welch_pooled_df, "Welch–Satterthwaite"),
    ("statistics.pearson_r", pearson_uncentred, "pearsonr"),
    ("statistics.pearson_r", pearson_mixed_ddof, "[−1, 1]"),
    ("statistics.standard_error", se_ddof0, "std(x, ddof=1)/√n"),
    ("statistics.standard_error", se_no_sqrt, "std(x, ddof=1)/√n"),
    ("statistics.rankdata", ranks_ordinal, "average of their ranks"),
    ("statistics.rankdata", ranks_zero_based, "from 1 to n"),
    ("statistics.rankdata", ranks_argsort, "average of their ranks"),
    ("statistics.zscore", zscore_rows, "each column has mean 0"),
    ("statistics.zscore", zscore_ddof1, "each column has mean 0"),
    ("information.entropy", entropy_nan_on_zeros, "information.entropy"),
    ("information.entropy", entropy_natural_log, "information.entropy"),
    ("information.entropy", entropy_no_minus, "information.entropy"),
    ("information.kl_divergence", kl_swapped, "kl_divergence"),
    ("information.kl_divergence", kl_nan_on_zeros, "kl_divergence"),
    ("information.kl_divergence", kl_bits, "nats"),
    ("information.softmax", softmax_unstable, "subtract the max"),
    ("information.softmax", softmax_wrong_axis, "sums to 1"),
    ("information.softmax", softmax_unnormalised, "sums to 1"),
    ("information.cross_entropy", cross_entropy_swapped, "cross_entropy"),
    ("information.cross_entropy", cross_entropy_nan, "cross_entropy"),
    ("information.mutual_information", mi_nan_on_zeros, "mutual_information"),
    ("information.mutual_information", mi_entropies_only, "mutual_information"),
]


@pytest.mark.parametrize(("key", "wrong", "prop"), MISTAKES, ids=[f"{k}-{f.__name__}" for k, f, _ in MISTAKES])
def test_mistake_is_caught(key, wrong, prop):
    assert_mistake_caught(key, wrong, prop)
