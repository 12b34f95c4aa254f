"""Discrete distributions on the integers.

``Bernoulli(p)``, ``Binomial(n, p)``, ``Poisson(rate)``, ``Geometric(p)``
(number of trials up to and including the first success, support 1, 2, …, as
SciPy's ``geom``), ``Categorical(p)`` (support 0, …, K−1), and the compound
distributions that arise as posterior predictives: ``NegativeBinomial(n, p)``
(failures before the n-th success, SciPy's ``nbinom``) and ``BetaBinom(n, a, b)``
(SciPy's ``betabinom``).

Masses are computed in log space. The binomial and Poisson masses use Loader's
saddle-point form (Loader 2000, as in R and Boost): the Stirling remainder
``stirlerr`` and the deviance ``bd0(x, m) = x log(x/m) + m − x`` evaluated by
a series where x ≈ m, which avoids the cancellation of
``log n! − log k! − log (n−k)!`` for large n. ``ppf`` follows SciPy's
convention: the smallest k in the support with cdf(k) ≥ q, and ``ppf(0)`` is
one below the support.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special as sc

from .._validation import as_float_array, check_probability_vector
from . import _functions as F
from ._base import (
    COUNT,
    COUNT_SCALAR,
    NONNEGATIVE,
    OPEN_PROBABILITY,
    POSITIVE,
    POSITIVE_COUNT,
    POSITIVE_SCALAR,
    PROBABILITY,
    DiscreteDistribution,
    fit_data,
    out,
    points,
)

__all__ = ["BetaBinom", "Bernoulli", "Binomial", "Categorical", "Geometric", "NegativeBinomial", "Poisson"]

_LOG_2PI = math.log(2.0 * math.pi)


def _stirlerr(n):
    """log n! − log(√(2πn) (n/e)ⁿ), the error of Stirling's formula (n > 0)."""
    n = np.asarray(n, dtype=float)
    small = n <= 15
    ns = np.where(small, n, 1.0)
    direct = sc.gammaln(ns + 1.0) - (ns + 0.5) * np.log(ns) + ns - 0.5 * _LOG_2PI
    nl = np.where(small, 16.0, n)
    n2 = 1.0 / (nl * nl)
    series = (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - n2 / 1188) * n2) * n2) * n2) / nl
    return np.where(small, direct, series)


def _bd0(x, m):
    """Deviance term x log(x/m) + m − x, accurate when x ≈ m (series in (x−m)/(x+m))."""
    x, m = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(m, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        direct = sc.xlogy(x, x / m) + m - x
        v = (x - m) / (x + m)
        s = (x - m) * v
        ej = 2.0 * x * v
        v2 = v * v
        for j in range(1, 40):  # |v| < 0.1, so v^(2j) < 1e-80 by the end
            ej = ej * v2
            s = s + ej / (2 * j + 1)
    near = np.abs(x - m) < 0.1 * (x + m)
    return np.where(near, s, direct)


def _entropy_sum(logp):
    """−Σ p log p over axis 0, with 0 log 0 = 0."""
    with np.errstate(invalid="ignore"):
        terms = np.where(np.isfinite(logp), np.exp(logp) * logp, 0.0)
    return -np.sum(terms, axis=0)


def _int_support(k, low=0, high=None):
    """(k as floats, mask of integer k inside [low, high])."""
    k = points(k)
    ok = (k == np.floor(k)) & (k >= low)
    if high is not None:
        ok &= k <= high
    return k, ok


# --------------------------------------------------------------------------- Bernoulli
class Bernoulli(DiscreteDistribution):
    r"""Bernoulli distribution: X = 1 with probability p, else 0.

    Parameters
    ----------
    p : float or array_like
        Success probability in [0, 1].

    Notes
    -----
    P(X = k) = pᵏ(1 − p)^{1−k}, k ∈ {0, 1}; mean p, variance p(1 − p),
    entropy −p log p − (1 − p) log(1 − p). Maximum likelihood: p̂ = mean.

    Examples
    --------
    >>> Bernoulli(0.3).pmf([0, 1])
    array([0.7, 0.3])
    """

    _params = ("p",)

    _parameter_constraints = {"p": PROBABILITY}

    def __init__(self, p):
        self.p = self._param("p", p)

    def logpmf(self, k):
        k, ok = _int_support(k, 0, 1)
        with np.errstate(divide="ignore"):
            val = np.where(k == 1, np.log(self.p), np.log1p(-np.asarray(self.p)))
        return out(np.where(ok, val, -np.inf))

    def cdf(self, k):
        k = points(k)
        return out(np.where(k < 0, 0.0, np.where(k < 1, 1.0 - np.asarray(self.p), 1.0)))

    def sf(self, k):
        k = points(k)
        return out(np.where(k < 0, 1.0, np.where(k < 1, np.asarray(self.p) * 1.0, 0.0)))

    def ppf(self, q):
        q = points(q)
        val = np.where((q <= 1.0 - np.asarray(self.p)) & (q < 1), 0.0, 1.0)
        val = np.where(q == 0, -1.0, val)
        return out(np.where((q >= 0) & (q <= 1), val, np.nan))

    def mean(self):
        return out(np.asarray(self.p) * 1.0)

    def var(self):
        p = np.asarray(self.p)
        return out(p * (1.0 - p))

    def entropy(self):
        p = np.asarray(self.p)
        return out(-sc.xlogy(p, p) - sc.xlog1py(1.0 - p, -p))

    def _sample(self, rng, shape):
        return (rng.random(shape) < self.p).astype(np.int64)

    @classmethod
    def fit(cls, data):
        """Maximum likelihood: p̂ = mean(data), data in {0, 1}."""
        x = fit_data(data)
        if not np.isin(x, (0.0, 1.0)).all():
            raise ValueError("data must contain only 0 and 1 to fit a Bernoulli")
        return cls(float(x.mean()))


# --------------------------------------------------------------------------- Binomial
class Binomial(DiscreteDistribution):
    r"""Binomial distribution: successes in n independent trials of probability p.

    Parameters
    ----------
    n : int or array_like
        Number of trials, a whole number ≥ 0.
    p : float or array_like
        Success probability in [0, 1].

    Notes
    -----
    P(X = k) = C(n, k) pᵏ(1 − p)^{n−k}, evaluated in Loader's saddle-point form
    (accurate for n in the millions); F(k) = I_{1−p}(n − k, k + 1) via
    :func:`mmlkit.probability.binom_cdf`; mean np, variance np(1 − p); the
    entropy is −Σₖ P(k) log P(k) summed over the support. ``fit(data, n)`` is
    the maximum-likelihood p̂ = mean/n with n known.

    Examples
    --------
    >>> float(Binomial(10, 0.5).cdf(3))
    0.171875
    """

    _params = ("n", "p")

    _parameter_constraints = {"n": COUNT, "p": PROBABILITY}

    def __init__(self, n, p):
        self.n = self._param("n", n)
        self.p = self._param("p", p)

    def logpmf(self, k):
        k, ok = _int_support(k, 0)
        n, p = np.asarray(self.n, dtype=float), np.asarray(self.p, dtype=float)
        ok = ok & (k <= n)
        q = 1.0 - p
        with np.errstate(divide="ignore", invalid="ignore"):
            kk = np.where(ok & (k > 0) & (k < n), k, 1.0)
            nn = np.where(ok & (k > 0) & (k < n), n, 2.0)
            lc = (_stirlerr(nn) - _stirlerr(kk) - _stirlerr(nn - kk)
                  - _bd0(kk, nn * p) - _bd0(nn - kk, nn * q))
            inner = lc - 0.5 * (_LOG_2PI + np.log(kk) + np.log1p(-kk / nn))
            at0 = sc.xlog1py(n, -p)
            atn = sc.xlogy(n, p)
            val = np.where(k == 0, at0, np.where(k == n, atn, inner))
        return out(np.where(ok, val, -np.inf))

    def cdf(self, k):
        return out(F.binom_cdf(k, self.n, self.p))

    def sf(self, k):
        return out(F.binom_sf(k, self.n, self.p))

    def ppf(self, q):
        m, s = np.asarray(self.mean()), np.asarray(self.std())
        k = self._ppf_search(q, m + s * F.normal_ppf(np.clip(points(q), 1e-300, 1 - 1e-16)), 0)
        q = points(q)
        k = np.where(q == 1, self.n, np.minimum(k, self.n))
        return out(np.where(q == 0, -1.0, np.where((q >= 0) & (q <= 1), k, np.nan)))

    def mean(self):
        return out(np.asarray(self.n) * self.p)

    def var(self):
        p = np.asarray(self.p)
        return out(np.asarray(self.n) * p * (1.0 - p))

    def entropy(self):
        n = np.broadcast_to(self.n, self.batch_shape)
        k = np.arange(float(np.max(n)) + 1.0).reshape((-1,) + (1,) * n.ndim)
        logp = self.logpmf(k)
        return out(_entropy_sum(logp))

    def _sample(self, rng, shape):
        return rng.binomial(np.asarray(self.n, dtype=np.int64), self.p, size=shape)

    @classmethod
    def fit(cls, data, n):
        """Maximum likelihood for p with n known: p̂ = mean(data)/n.

        Parameters
        ----------
        data : array_like, shape (m,)
            Counts in {0, …, n}.
        n : int
            Number of trials per observation.
        """
        x = fit_data(data)
        n = POSITIVE_COUNT.convert(n, "n", "Binomial")
        if ((x < 0) | (x > n) | (x != np.floor(x))).any():
            raise ValueError(f"data must be whole numbers in [0, n={n:g}] to fit a Binomial")
        return cls(int(n), float(x.mean() / n))


# --------------------------------------------------------------------------- Poisson
class Poisson(DiscreteDistribution):
    r"""Poisson distribution with rate λ (SciPy: ``poisson(mu=rate)``).

    Parameters
    ----------
    rate : float or array_like
        Mean number of events λ ≥ 0.

    Notes
    -----
    P(X = k) = λᵏe^{−λ}/k!, evaluated as −stirlerr(k) − bd0(k, λ) − ½ log(2πk)
    (Loader); F(k) = Q(k + 1, λ), the regularised upper incomplete gamma;
    mean = variance = λ; the entropy is summed over λ ± 40√λ. Maximum
    likelihood: λ̂ = mean.

    Examples
    --------
    >>> round(float(Poisson(2.0).pmf(0)), 6)
    0.135335
    """

    _params = ("rate",)

    _parameter_constraints = {"rate": NONNEGATIVE}

    def __init__(self, rate):
        self.rate = self._param("rate", rate)

    def logpmf(self, k):
        k, ok = _int_support(k, 0)
        lam = np.asarray(self.rate, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            kk = np.where(ok & (k > 0), k, 1.0)
            inner = -_stirlerr(kk) - _bd0(kk, lam) - 0.5 * (_LOG_2PI + np.log(kk))
            val = np.where(k == 0, -lam, np.where(lam == 0, -np.inf, inner))
        return out(np.where(ok, val, -np.inf))

    def cdf(self, k):
        return out(F.poisson_cdf(k, self.rate))

    def sf(self, k):
        return out(F.poisson_sf(k, self.rate))

    def ppf(self, q):
        lam = np.asarray(self.rate)
        guess = lam + np.sqrt(lam) * F.normal_ppf(np.clip(points(q), 1e-300, 1 - 1e-16))
        k = self._ppf_search(q, guess, 0)
        q = points(q)
        k = np.where(q == 1, np.inf, k)
        return out(np.where(q == 0, -1.0, np.where((q >= 0) & (q <= 1), k, np.nan)))

    def mean(self):
        return out(np.asarray(self.rate) * 1.0)

    def var(self):
        return out(np.asarray(self.rate) * 1.0)

    def entropy(self):
        lam = np.asarray(self.rate, dtype=float)
        width = float(np.max(80.0 * np.sqrt(lam) + 60.0))
        lo = np.maximum(np.floor(lam - 40.0 * np.sqrt(lam) - 30.0), 0.0)
        k = lo + np.arange(width).reshape((-1,) + (1,) * lam.ndim)
        logp = self.logpmf(k)
        return out(_entropy_sum(logp))

    def _sample(self, rng, shape):
        return rng.poisson(self.rate, size=shape)

    @classmethod
    def fit(cls, data):
        """Maximum likelihood: λ̂ = mean(data), data whole numbers ≥ 0."""
        x = fit_data(data)
        if ((x < 0) | (x != np.floor(x))).any():
            raise ValueError("data must be non-negative whole numbers to fit a Poisson")
        return cls(float(x.mean()))


# --------------------------------------------------------------------------- Geometric
class Geometric(DiscreteDistribution):
    r"""Geometric distribution: the trial on which the first success occurs (support 1, 2, …).

    Parameters
    ----------
    p : float or array_like
        Success probability in (0, 1].

    Notes
    -----
    P(X = k) = (1 − p)^{k−1} p; F(k) = 1 − (1 − p)ᵏ, computed as
    −expm1(k log1p(−p)); F⁻¹(q) = ⌈log1p(−q)/log1p(−p)⌉; mean 1/p, variance
    (1 − p)/p², entropy [−(1 − p) log(1 − p) − p log p]/p. Maximum likelihood:
    p̂ = 1/mean.

    Examples
    --------
    >>> Geometric(0.5).pmf([1, 2, 3])
    array([0.5  , 0.25 , 0.125])
    """

    _params = ("p",)

    _parameter_constraints = {"p": OPEN_PROBABILITY}

    def __init__(self, p):
        self.p = self._param("p", p)

    def logpmf(self, k):
        k, ok = _int_support(k, 1)
        p = np.asarray(self.p, dtype=float)
        val = sc.xlog1py(np.where(ok, k, 1.0) - 1.0, -p) + np.log(p)
        return out(np.where(ok, val, -np.inf))

    def _log_survival(self, k):  # k log(1 − p), with 0 · log 0 = 0
        return sc.xlog1py(np.maximum(k, 0.0), -np.asarray(self.p, dtype=float))

    def cdf(self, k):
        k = np.floor(points(k))
        return out(np.where(k < 1, 0.0, -np.expm1(self._log_survival(k))))

    def sf(self, k):
        k = np.floor(points(k))
        return out(np.where(k < 1, 1.0, np.exp(self._log_survival(k))))

    def ppf(self, q):
        q = points(q)
        p = np.asarray(self.p, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.ceil(np.log1p(-q) / np.log1p(-p))
            k = np.where(p == 1, 1.0, k)
            below = self.cdf(k - 1)
            k = np.where((below >= q) & (k > 1), k - 1, k)
        k = np.maximum(k, 1.0)
        return out(np.where(q == 0, 0.0, np.where((q >= 0) & (q <= 1), k, np.nan)))

    def mean(self):
        return out(1.0 / np.asarray(self.p))

    def var(self):
        p = np.asarray(self.p)
        return out((1.0 - p) / (p * p))

    def entropy(self):
        p = np.asarray(self.p)
        return out((-sc.xlog1py(1.0 - p, -p) - sc.xlogy(p, p)) / p)

    def _sample(self, rng, shape):
        return rng.geometric(self.p, size=shape)

    @classmethod
    def fit(cls, data):
        """Maximum likelihood: p̂ = 1/mean(data), data whole numbers ≥ 1."""
        x = fit_data(data)
        if ((x < 1) | (x != np.floor(x))).any():
            raise ValueError("data must be whole numbers >= 1 to fit a Geometric")
        return cls(float(1.0 / x.mean()))


# --------------------------------------------------------------------------- Categorical
class Categorical(DiscreteDistribution):
    r"""Categorical distribution on {0, …, K−1}.

    Parameters
    ----------
    p : array_like, shape (K,)
        Probability vector (non-negative, summing to 1).

    Notes
    -----
    P(X = k) = p_k; F(k) = Σ_{j ≤ k} p_j; F⁻¹ by binary search of the cumulative
    sums (O(log K) per point); mean Σ k p_k, entropy −Σ p_k log p_k. Maximum
    likelihood: the relative frequencies.

    Examples
    --------
    >>> Categorical([0.2, 0.5, 0.3]).pmf([1, 2])
    array([0.5, 0.3])
    """

    _params = ("p",)

    def __init__(self, p):
        self.p = check_probability_vector(as_float_array(p, "p", ndim=1), "p")
        self._cum = np.cumsum(self.p)
        self._cum[-1] = 1.0

    @property
    def batch_shape(self):
        return ()

    @property
    def n_categories(self) -> int:
        return self.p.size

    def logpmf(self, k):
        k, ok = _int_support(k, 0, self.p.size - 1)
        with np.errstate(divide="ignore"):
            val = np.log(self.p)[np.where(ok, k, 0).astype(np.intp)]
        return out(np.where(ok, val, -np.inf))

    def pmf(self, k):
        k, ok = _int_support(k, 0, self.p.size - 1)
        return out(np.where(ok, self.p[np.where(ok, k, 0).astype(np.intp)], 0.0))

    def cdf(self, k):
        k = np.floor(points(k))
        idx = np.clip(k, 0, self.p.size - 1).astype(np.intp)
        return out(np.where(k < 0, 0.0, np.where(k >= self.p.size - 1, 1.0, self._cum[idx])))

    def sf(self, k):
        return out(1.0 - self.cdf(k))

    def ppf(self, q):
        q = points(q)
        k = np.searchsorted(self._cum, q, side="left").astype(float)
        k = np.minimum(k, self.p.size - 1)
        return out(np.where(q == 0, -1.0, np.where((q >= 0) & (q <= 1), k, np.nan)))

    def mean(self):
        return float(np.arange(self.p.size) @ self.p)

    def var(self):
        k = np.arange(self.p.size)
        m = k @ self.p
        return float(((k - m) ** 2) @ self.p)

    def entropy(self):
        return float(-np.sum(sc.xlogy(self.p, self.p)))

    def _sample(self, rng, shape):
        return rng.choice(self.p.size, size=shape, p=self.p)

    @classmethod
    def fit(cls, data, n_categories=None):
        """Maximum likelihood: the relative frequency of each category.

        Parameters
        ----------
        data : array_like, shape (m,)
            Category labels in {0, …, K−1}.
        n_categories : int, optional
            K; defaults to max(data) + 1.
        """
        x = fit_data(data)
        if ((x < 0) | (x != np.floor(x))).any():
            raise ValueError("data must be non-negative whole-number labels to fit a Categorical")
        k = int(x.max()) + 1 if n_categories is None else int(n_categories)
        if x.max() >= k:
            raise ValueError(f"data has labels >= n_categories={k}")
        return cls(np.bincount(x.astype(np.intp), minlength=k) / x.size)


# --------------------------------------------------------------------------- Negative binomial
class NegativeBinomial(DiscreteDistribution):
    r"""Negative binomial: failures before the n-th success (SciPy's ``nbinom(n, p)``).

    Parameters
    ----------
    n : float or array_like
        Number of successes n > 0 (need not be an integer).
    p : float or array_like
        Success probability in (0, 1].

    Notes
    -----
    P(X = k) = Γ(k + n)/(Γ(n) k!) pⁿ(1 − p)ᵏ; F(k) = I_p(n, k + 1); mean
    n(1 − p)/p, variance n(1 − p)/p². It is the Gamma–Poisson mixture: the
    posterior predictive of :class:`GammaPoisson`.

    Examples
    --------
    >>> round(float(NegativeBinomial(2, 0.5).pmf(0)), 6)
    0.25
    """

    _params = ("n", "p")

    _parameter_constraints = {"n": POSITIVE, "p": OPEN_PROBABILITY}

    def __init__(self, n, p):
        self.n = self._param("n", n)
        self.p = self._param("p", p)

    def logpmf(self, k):
        k, ok = _int_support(k, 0)
        n, p = np.asarray(self.n, dtype=float), np.asarray(self.p, dtype=float)
        kk = np.where(ok, k, 0.0)
        val = (sc.gammaln(kk + n) - sc.gammaln(n) - sc.gammaln(kk + 1.0)
               + n * np.log(p) + sc.xlog1py(kk, -p))
        return out(np.where(ok, val, -np.inf))

    def cdf(self, k):
        k = np.floor(points(k))
        return out(np.where(k < 0, 0.0, sc.betainc(self.n, np.maximum(k, 0.0) + 1.0, self.p)))

    def sf(self, k):
        k = np.floor(points(k))
        return out(np.where(k < 0, 1.0, sc.betaincc(self.n, np.maximum(k, 0.0) + 1.0, self.p)))

    def ppf(self, q):
        m, s = np.asarray(self.mean()), np.asarray(self.std())
        k = self._ppf_search(q, m + s * F.normal_ppf(np.clip(points(q), 1e-300, 1 - 1e-16)), 0)
        q = points(q)
        return out(np.where(q == 0, -1.0, np.where((q >= 0) & (q < 1), k, np.where(q == 1, np.inf, np.nan))))

    def mean(self):
        p = np.asarray(self.p)
        return out(np.asarray(self.n) * (1.0 - p) / p)

    def var(self):
        p = np.asarray(self.p)
        return out(np.asarray(self.n) * (1.0 - p) / (p * p))

    def entropy(self):
        m, s = np.asarray(self.mean()), np.asarray(self.std())
        width = float(np.max(m + 60.0 * s + 60.0))
        k = np.arange(width).reshape((-1,) + (1,) * np.ndim(m))
        logp = self.logpmf(k)
        return out(_entropy_sum(logp))

    def _sample(self, rng, shape):
        return rng.negative_binomial(self.n, self.p, size=shape)

    @classmethod
    def fit(cls, data, n):
        """Maximum likelihood for p with n known: p̂ = n/(n + mean)."""
        x = fit_data(data)
        n = POSITIVE.convert(n, "n", "NegativeBinomial")
        if ((x < 0) | (x != np.floor(x))).any():
            raise ValueError("data must be non-negative whole numbers to fit a NegativeBinomial")
        return cls(n, float(n / (n + x.mean())))


# --------------------------------------------------------------------------- Beta-binomial
class BetaBinom(DiscreteDistribution):
    r"""Beta-binomial distribution (SciPy's ``betabinom(n, a, b)``): a Binomial(n, θ) with θ ~ Beta(a, b).

    Parameters
    ----------
    n : int
        Number of trials (whole number ≥ 0).
    a, b : float
        Beta shape parameters, > 0.

    Notes
    -----
    P(X = k) = C(n, k) B(k + a, n − k + b)/B(a, b); mean na/(a + b), variance
    nab(a + b + n)/((a + b)²(a + b + 1)). The cdf sums the mass over the
    support (O(n)). It is the posterior predictive of :class:`BetaBinomial`.

    Examples
    --------
    >>> round(float(BetaBinom(2, 1.0, 1.0).pmf(1)), 6)
    0.333333
    """

    _params = ("n", "a", "b")

    _parameter_constraints = {"n": COUNT_SCALAR, "a": POSITIVE_SCALAR, "b": POSITIVE_SCALAR}

    def __init__(self, n, a, b):
        self.n = int(self._param("n", n))
        self.a = float(self._param("a", a))
        self.b = float(self._param("b", b))
        self._cum = np.cumsum(np.exp(self.logpmf(np.arange(self.n + 1))))
        self._cum[-1] = 1.0

    @property
    def batch_shape(self):
        return ()

    def logpmf(self, k):
        k, ok = _int_support(k, 0, self.n)
        kk = np.where(ok, k, 0.0)
        n = self.n
        val = (sc.gammaln(n + 1.0) - sc.gammaln(kk + 1.0) - sc.gammaln(n - kk + 1.0)
               + sc.betaln(kk + self.a, n - kk + self.b) - sc.betaln(self.a, self.b))
        return out(np.where(ok, val, -np.inf))

    def cdf(self, k):
        k = np.floor(points(k))
        idx = np.clip(k, 0, self.n).astype(np.intp)
        return out(np.where(k < 0, 0.0, np.where(k >= self.n, 1.0, self._cum[idx])))

    def sf(self, k):
        return out(1.0 - self.cdf(k))

    def ppf(self, q):
        q = points(q)
        k = np.minimum(np.searchsorted(self._cum, q, side="left"), self.n).astype(float)
        return out(np.where(q == 0, -1.0, np.where((q >= 0) & (q <= 1), k, np.nan)))

    def mean(self):
        return self.n * self.a / (self.a + self.b)

    def var(self):
        s = self.a + self.b
        return self.n * self.a * self.b * (s + self.n) / (s * s * (s + 1.0))

    def entropy(self):
        logp = self.logpmf(np.arange(self.n + 1))
        return float(-np.sum(np.exp(logp) * logp))

    def _sample(self, rng, shape):
        return rng.binomial(self.n, rng.beta(self.a, self.b, size=shape))
