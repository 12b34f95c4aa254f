"""Chi-squared, F, binomial and Poisson functions through the regularised
incomplete gamma and beta functions.

Part of the kernels gathered in :mod:`mmlkit.probability._functions` (see there for
the conventions: ufunc-like broadcasting, no validation, each tail computed directly).
"""

from __future__ import annotations

import numpy as np
from scipy import special as sc

from ._quantiles import (
    gamma_quantile,
)
from ._special import (
    _out,
    _piecewise,
)

__all__ = [
    "chi2_cdf",
    "chi2_sf",
    "chi2_ppf",
    "chi2_isf",
    "f_cdf",
    "f_sf",
    "f_ppf",
    "binom_cdf",
    "binom_sf",
    "poisson_cdf",
    "poisson_sf",
]


# --------------------------------------------------------------------------- chi-squared
def chi2_cdf(x, df):
    r"""Cdf of the χ² distribution: P(χ²_k ≤ x) = P(k/2, x/2).

    ``P`` is the regularised lower incomplete gamma function. Points below 0
    have cdf 0. ``x`` and ``df`` broadcast.

    Examples
    --------
    >>> round(float(chi2_cdf(3.841458820694124, 1)), 6)
    0.95
    """
    x = np.asarray(x, dtype=float)
    return _out(sc.gammainc(0.5 * np.asarray(df, dtype=float), 0.5 * np.maximum(x, 0.0)))


def chi2_sf(x, df):
    r"""Survival function of χ²: Q(k/2, x/2), the regularised upper incomplete gamma.

    Computed directly (not as 1 − cdf), so tiny p-values keep their digits.

    Examples
    --------
    >>> round(float(chi2_sf(3.841458820694124, 1)), 6)
    0.05
    """
    x = np.asarray(x, dtype=float)
    return _out(sc.gammaincc(0.5 * np.asarray(df, dtype=float), 0.5 * np.maximum(x, 0.0)))


def chi2_ppf(q, df):
    r"""Quantile of χ²: x = 2 P⁻¹(k/2, q), P⁻¹ the inverse regularised lower incomplete gamma.

    Computed by :func:`gamma_quantile`, which solves each tail where it is
    small, so upper quantiles are as accurate as lower ones. Cost: one inverse
    incomplete gamma per element, or for large arrays with one df a table plus
    one Halley step (one ``gammainc`` per element).

    Examples
    --------
    >>> round(float(chi2_ppf(0.95, 1)), 6)
    3.841459
    """
    return _out(2.0 * gamma_quantile(q, 0.5 * np.asarray(df, dtype=float)))


def chi2_isf(q, df):
    r"""Inverse survival function of χ²: the x with Q(k/2, x/2) = q (small q stays accurate)."""
    return _out(2.0 * sc.gammainccinv(0.5 * np.asarray(df, dtype=float), q))


# --------------------------------------------------------------------------- F
def _betainc_complement(a, b, x):
    """1 − I_x(a, b) to full relative precision for x ≤ ½ (arrays of equal shape).

    Plain subtraction where I_x ≤ ½ (no cancellation); elsewhere the
    complementary function ``betaincc``, evaluated only on those elements.
    """
    a, b, x = np.broadcast_arrays(a, b, x)
    v = sc.betainc(a, b, x)
    res = np.array(1.0 - v)  # writable, also when 0-d
    big = v > 0.5
    if big.any():
        res[big] = sc.betaincc(a[big], b[big], x[big])
    return res


def _f_parts(x, dfn, dfd):
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    dfn = np.asarray(dfn, dtype=float)
    dfd = np.asarray(dfd, dtype=float)
    nx = dfn * x
    den = nx + dfd
    # y = d₁x/(d₁x + d₂) and z = 1 − y = d₂/(d₁x + d₂), each formed directly
    y, z = nx / den, dfd / den
    bad = ~((dfn > 0) & (dfd > 0))  # outside the domain (NaN included): NaN, as a ufunc
    y, z = np.where(bad, np.nan, y), np.where(bad, np.nan, z)
    return np.broadcast_arrays(y, z, 0.5 * dfn, 0.5 * dfd)


def f_cdf(x, dfn, dfd):
    r"""Cdf of the F distribution: I_y(d₁/2, d₂/2) with y = d₁x/(d₁x + d₂).

    Where y > ½ the complement z = d₂/(d₁x + d₂) is formed directly and the cdf
    is 1 − I_z(d₂/2, d₁/2), by subtraction where I_z ≤ ½ and by ``betaincc``
    elsewhere, so no digits cancel.

    Examples
    --------
    >>> round(float(f_cdf(1.0, 4, 4)), 6)
    0.5
    """
    y, z, a, b = _f_parts(x, dfn, dfd)
    low = y <= 0.5
    return _out(_piecewise((low, ~low), (lambda y_, z_, a_, b_: sc.betainc(a_, b_, y_),
                                         lambda y_, z_, a_, b_: _betainc_complement(b_, a_, z_)),
                           y, z, a, b))


def f_sf(x, dfn, dfd):
    r"""Survival function of the F distribution (the F-test p-value).

    Notes
    -----
    P(F > x) = I_z(d₂/2, d₁/2) with z = d₂/(d₂ + d₁x), formed directly (not as
    1 − y), so tiny p-values for large x keep full relative precision. Where
    z > ½ (small x) the complementary form 1 − I_y(d₁/2, d₂/2) avoids the
    rounding of z near 1 (by subtraction where I_y ≤ ½, ``betaincc`` elsewhere).

    Examples
    --------
    >>> round(float(f_sf(1.0, 4, 4)), 6)
    0.5
    """
    y, z, a, b = _f_parts(x, dfn, dfd)
    low = z <= 0.5
    return _out(_piecewise((low, ~low), (lambda y_, z_, a_, b_: sc.betainc(b_, a_, z_),
                                         lambda y_, z_, a_, b_: _betainc_complement(a_, b_, y_)),
                           y, z, a, b))


def f_ppf(q, dfn, dfd):
    r"""Quantile of the F distribution.

    With y = I⁻¹(d₁/2, d₂/2; q), x = d₂ y / (d₁ (1 − y)); in the upper half the
    complementary inverse 1 − y = I⁻¹(d₂/2, d₁/2; 1 − q) is used so that
    1 − y does not cancel.
    """
    q = np.asarray(q, dtype=float)
    dfn = np.asarray(dfn, dtype=float)
    dfd = np.asarray(dfd, dtype=float)
    upper = q > 0.5
    y = sc.betaincinv(0.5 * dfn, 0.5 * dfd, q)
    w = sc.betaincinv(0.5 * dfd, 0.5 * dfn, 1.0 - q)  # w = 1 - y
    y, w = np.where(upper, 1.0 - w, y), np.where(upper, w, 1.0 - y)
    return _out(dfd * y / (dfn * w))


# --------------------------------------------------------------------------- discrete
def _binom_tail(incomplete_beta, k, n, p, *, below, above):
    """``incomplete_beta(⌊k⌋ + 1, n − ⌊k⌋, p)`` for 0 ≤ k < n, ``below`` for k < 0, ``above``
    for k ≥ n; NaN for NaN k, for n not a non-negative whole number and for p outside [0, 1]."""
    k = np.floor(np.asarray(k, dtype=float))
    n = np.asarray(n, dtype=float)
    p = np.asarray(p, dtype=float)
    inside = (k >= 0) & (k < n)
    kk = np.where(inside, k, 0.0)
    nk = np.where(inside, n - k, 1.0)
    val = incomplete_beta(kk + 1.0, nk, p)
    out = np.where(inside, val, np.where(k < 0, below, above))
    valid = (p >= 0) & (p <= 1) & (n >= 0) & (n == np.floor(n)) & ~np.isnan(k)
    return _out(np.where(valid, out, np.nan))


def binom_cdf(k, n, p):
    r"""Cdf of the binomial distribution: P(X ≤ k) for X ~ Binomial(n, p).

    Parameters
    ----------
    k : array_like
        Points; non-integers are floored. k < 0 gives 0 and k ≥ n gives 1.
    n : array_like
        Number of trials (non-negative integers).
    p : array_like
        Success probability in [0, 1].

    Notes
    -----
    P(X ≤ k) = I_{1−p}(n − k, k + 1) = 1 − I_p(k + 1, n − k), computed at p
    (so that no 1 − p is rounded) as a subtraction where I_p ≤ ½ and with the
    complementary function ``betaincc`` elsewhere.

    Examples
    --------
    >>> round(float(binom_cdf(3, 10, 0.5)), 6)
    0.171875
    """
    return _binom_tail(_betainc_complement, k, n, p, below=0.0, above=1.0)


def binom_sf(k, n, p):
    r"""Survival function of the binomial: P(X > k) = I_p(k + 1, n − k)."""
    return _binom_tail(sc.betainc, k, n, p, below=1.0, above=0.0)


def poisson_cdf(k, mu):
    r"""Cdf of the Poisson distribution: P(X ≤ k) = Q(⌊k⌋ + 1, μ), k ≥ 0.

    ``Q`` is the regularised upper incomplete gamma function.
    """
    k = np.floor(np.asarray(k, dtype=float))
    mu = np.asarray(mu, dtype=float)
    val = sc.gammaincc(np.maximum(k, 0.0) + 1.0, mu)
    return _out(np.where(k < 0, 0.0, val))


def poisson_sf(k, mu):
    r"""Survival function of the Poisson distribution: P(X > k) = P(⌊k⌋ + 1, μ)."""
    k = np.floor(np.asarray(k, dtype=float))
    mu = np.asarray(mu, dtype=float)
    val = sc.gammainc(np.maximum(k, 0.0) + 1.0, mu)
    return _out(np.where(k < 0, 1.0, val))
