"""Continuous univariate distributions.

Parameterised as SciPy's are, with readable names: ``Normal(mu,
sigma)`` with σ a standard deviation, ``Exponential(rate)``, ``Gamma(shape,
rate)``, ``Uniform(low, high)``, ``Beta(a, b)``, ``StudentT(df, mu, sigma)``,
``ChiSquared(df)``. Parameters broadcast against each other and against the
evaluation points; every method is vectorised. Invalid parameters raise
``ValueError`` naming the parameter. Evaluation points are not validated:
NaN propagates, as in a NumPy ufunc, and points outside the support get
density 0 (log-density −inf).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import special as sc

from .. import exceptions  # its sklearn-derived names resolve on first use
from .._scaling import power_of_two_scale, rescale
from . import _functions as F
from ._base import POSITIVE, REAL, Distribution, fit_data, newton, out, points

__all__ = ["Beta", "ChiSquared", "Exponential", "Gamma", "Normal", "StudentT", "Uniform"]

_SQRT2 = math.sqrt(2.0)
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SCALAR = (float, int, np.float64)


def _inverse_digamma(y):
    """ψ⁻¹(y) by Newton's method from Minka's starting point (5 steps reach rounding)."""
    y = np.asarray(y, dtype=float)
    x = np.where(y >= -2.22, np.exp(y) + 0.5, -1.0 / (y + 0.5772156649015329))
    for _ in range(6):
        x = x - (sc.digamma(x) - y) / sc.polygamma(1, x)
    return x


# --------------------------------------------------------------------------- Uniform
class Uniform(Distribution):
    r"""Continuous uniform distribution on [low, high].

    Parameters
    ----------
    low : float or array_like, default=0.0
        Lower end.
    high : float or array_like, default=1.0
        Upper end, > low. Broadcasts with ``low``.

    Notes
    -----
    f(x) = 1/(b − a) on [a, b]; F(x) = (x − a)/(b − a); mean (a + b)/2,
    variance (b − a)²/12, entropy log(b − a). The maximum-likelihood fit is
    (min x, max x). SciPy: ``uniform(loc=low, scale=high - low)``.

    Examples
    --------
    >>> float(Uniform(0, 4).cdf(1.0))
    0.25
    """

    _params = ("low", "high")

    _parameter_constraints = {"low": REAL, "high": REAL}

    def __init__(self, low=0.0, high=1.0):
        self.low = self._param("low", low)
        self.high = self._param("high", high)
        if np.any(np.asarray(self.high) <= self.low):
            raise ValueError(f"high must be > low, got low={low!r}, high={high!r}")

    def logpdf(self, x):
        x = points(x)
        inside = (x >= self.low) & (x <= self.high)
        return out(np.where(inside, -np.log(self.high - self.low), -np.inf))

    def pdf(self, x):
        x = points(x)
        inside = (x >= self.low) & (x <= self.high)
        return out(np.where(inside, 1.0 / (self.high - self.low), 0.0))

    def cdf(self, x):
        return out(np.clip((points(x) - self.low) / (self.high - self.low), 0.0, 1.0))

    def sf(self, x):
        return out(np.clip((self.high - points(x)) / (self.high - self.low), 0.0, 1.0))

    def ppf(self, q):
        q = points(q)
        return out(np.where((q >= 0) & (q <= 1), self.low + q * (self.high - self.low), np.nan))

    def mean(self):
        return out(0.5 * (np.asarray(self.low) + self.high))

    def var(self):
        return out((np.asarray(self.high) - self.low) ** 2 / 12.0)

    def std(self):
        """(high − low)/√12, formed directly (√var would overflow or underflow at scales near 1e±154)."""
        return out((np.asarray(self.high) - self.low) / math.sqrt(12.0))

    def entropy(self):
        return out(np.log(np.asarray(self.high) - self.low))

    def _sample(self, rng, shape):
        return rng.uniform(self.low, self.high, size=shape)

    @classmethod
    def fit(cls, data):
        """Maximum likelihood: low = min(data), high = max(data) (needs two distinct values)."""
        x = fit_data(data)
        lo, hi = float(x.min()), float(x.max())
        if hi <= lo:
            raise ValueError("data must contain at least two distinct values to fit a Uniform")
        return cls(lo, hi)


# --------------------------------------------------------------------------- Normal
# The one scalar fast path of Normal: for a float argument, math's exp and erfc
# (tens of nanoseconds) instead of a ufunc call on a 0-d array (about a
# microsecond); both return np.float64, so each method has one code path and one
# return type whatever the input.
def _scaled_exp(v, c):
    """c · exp(v), an np.float64 for a float v."""
    return np.float64(c * math.exp(v)) if type(v) is float else out(np.exp(v) * c)


def _half_erfc(v):
    """½ erfc(v), an np.float64 for a float v."""
    return np.float64(0.5 * math.erfc(v)) if type(v) is float else out(0.5 * sc.erfc(v))



class Normal(Distribution):
    r"""Normal (Gaussian) distribution N(μ, σ²).

    Parameters
    ----------
    mu : float or array_like, default=0.0
        Mean μ.
    sigma : float or array_like, default=1.0
        Standard deviation σ > 0. Broadcasts with ``mu``.

    Notes
    -----
    f(x) = exp(−(x − μ)²/(2σ²)) / (σ√(2π)); F(x) = ½ erfc(−(x − μ)/(σ√2));
    F⁻¹(q) = μ + σ Φ⁻¹(q); entropy ½ log(2πeσ²). The maximum-likelihood fit
    is the sample mean and the ``ddof=0`` standard deviation.

    Scalar parameters with a Python-float point take a lean path
    (``math.erfc``, no arrays; the result is still an ``np.float64``):
    ``Normal(0, 1).cdf(0.3)`` costs about a microsecond. Array calls cost one
    ``exp``/``erfc``/``erfcinv`` per element.

    Examples
    --------
    >>> round(float(Normal(0, 1).cdf(1.959963984540054)), 6)
    0.975
    >>> Normal([0.0, 1.0], 2.0).mean()
    array([0., 1.])
    """

    _params = ("mu", "sigma")

    _parameter_constraints = {"mu": REAL, "sigma": POSITIVE}

    def __init__(self, mu=0.0, sigma=1.0):
        # Fast path for plain numbers (the common scalar case): two type checks
        # and a chained comparison, which NaN and inf fail.
        if (type(mu) in _SCALAR and type(sigma) in _SCALAR
                and -math.inf < mu < math.inf and 0.0 < sigma < math.inf):
            self.mu, self.sigma, self._scalar = float(mu), float(sigma), True
            return
        self.mu = self._param("mu", mu)
        self.sigma = self._param("sigma", sigma)
        self._scalar = isinstance(self.mu, float) and isinstance(self.sigma, float)

    def _x(self, x):
        """The point as a float when parameters and point are plain numbers (the lean scalar path), else an array."""
        return float(x) if self._scalar and type(x) in _SCALAR else points(x)

    def _z(self, x):
        return (self._x(x) - self.mu) / self.sigma

    def pdf(self, x):
        z = self._z(x)
        return _scaled_exp(-0.5 * z * z, _INV_SQRT_2PI / self.sigma)

    def logpdf(self, x):
        z = self._z(x)
        return out(-0.5 * z * z - (_LOG_SQRT_2PI + np.log(self.sigma)))

    def cdf(self, x):
        return _half_erfc((self.mu - self._x(x)) / (self.sigma * _SQRT2))

    def sf(self, x):
        return _half_erfc((self._x(x) - self.mu) / (self.sigma * _SQRT2))

    def logcdf(self, x):
        return out(F.normal_logcdf(self._z(x)))

    def logsf(self, x):
        return out(F.normal_logsf(self._z(x)))

    def ppf(self, q):
        z = np.asarray(F.normal_ppf(q))
        if self._scalar and z.ndim:  # in place: one pass each, no temporaries
            z *= self.sigma
            z += self.mu
            return z
        return out(self.mu + self.sigma * z)

    def isf(self, q):
        return out(self.mu + self.sigma * F.normal_isf(q))

    def mean(self):
        return out(np.broadcast_to(self.mu, self.batch_shape) * 1.0)

    def var(self):
        return out(np.broadcast_to(np.square(self.sigma), self.batch_shape) * 1.0)

    def std(self):
        """σ itself (√var would overflow or underflow at scales near 1e±154)."""
        return out(np.broadcast_to(self.sigma, self.batch_shape) * 1.0)

    def entropy(self):
        return out(np.broadcast_to(0.5 + _LOG_SQRT_2PI + np.log(self.sigma), self.batch_shape) * 1.0)

    def _sample(self, rng, shape):
        return rng.normal(self.mu, self.sigma, size=shape)

    @classmethod
    def fit(cls, data):
        """Maximum likelihood: μ̂ = mean, σ̂ = √(mean((x − μ̂)²)) (``ddof=0``).

        Computed on x / 2ᵉ (max |x| / 2ᵉ in [½, 1), an exact rescaling) and scaled
        back, so the squares neither overflow nor underflow at any float scale."""
        x = fit_data(data)
        e = power_of_two_scale(x)
        z = rescale(x, e)
        mu = float(z.mean())
        sigma = float(np.sqrt(np.mean((z - mu) ** 2)))
        if sigma <= 0:
            raise ValueError("data must not be constant to fit a Normal (sigma would be 0)")
        return cls(math.ldexp(mu, e), math.ldexp(sigma, e))


# --------------------------------------------------------------------------- Exponential
class Exponential(Distribution):
    r"""Exponential distribution with rate λ (SciPy: ``expon(scale=1/rate)``).

    Parameters
    ----------
    rate : float or array_like, default=1.0
        Rate λ > 0.

    Notes
    -----
    f(x) = λe^{−λx} for x ≥ 0; F(x) = 1 − e^{−λx} (computed as −expm1(−λx));
    F⁻¹(q) = −log1p(−q)/λ; mean 1/λ, variance 1/λ², entropy 1 − log λ.
    Maximum likelihood: λ̂ = 1/mean.

    Examples
    --------
    >>> float(Exponential(2.0).mean())
    0.5
    """

    _params = ("rate",)

    _parameter_constraints = {"rate": POSITIVE}

    def __init__(self, rate=1.0):
        self.rate = self._param("rate", rate)

    def logpdf(self, x):
        x = points(x)
        return out(np.where(x >= 0, np.log(self.rate) - self.rate * x, -np.inf))

    def pdf(self, x):
        x = points(x)
        return out(np.where(x >= 0, self.rate * np.exp(-self.rate * x), 0.0))

    def cdf(self, x):
        return out(-np.expm1(-self.rate * np.maximum(points(x), 0.0)))

    def sf(self, x):
        return out(np.exp(-self.rate * np.maximum(points(x), 0.0)))

    def ppf(self, q):
        return out(-np.log1p(-points(q)) / self.rate)

    def isf(self, q):
        return out(-np.log(points(q)) / self.rate)

    def mean(self):
        return out(1.0 / np.asarray(self.rate))

    def var(self):
        return out(np.square(1.0 / np.asarray(self.rate)))

    def std(self):
        """1/rate, formed directly (√var would overflow or underflow at scales near 1e±154)."""
        return out(1.0 / np.asarray(self.rate))

    def entropy(self):
        return out(1.0 - np.log(self.rate))

    def _sample(self, rng, shape):
        return rng.exponential(1.0 / np.asarray(self.rate), size=shape)

    @classmethod
    def fit(cls, data):
        """Maximum likelihood: λ̂ = 1/mean(data) (data ≥ 0, not all zero)."""
        x = fit_data(data)
        if (x < 0).any():
            raise ValueError("data must be non-negative to fit an Exponential")
        e = power_of_two_scale(x)  # the mean of x / 2ᵉ cannot overflow
        m = math.ldexp(float(rescale(x, e).mean()), e)
        if m <= 0:
            raise ValueError("data must not be all zero to fit an Exponential")
        return cls(1.0 / m)


# --------------------------------------------------------------------------- Gamma
class Gamma(Distribution):
    r"""Gamma distribution with shape k and rate λ (SciPy: ``gamma(a=shape, scale=1/rate)``).

    Parameters
    ----------
    shape : float or array_like
        Shape k > 0.
    rate : float or array_like, default=1.0
        Rate λ > 0.

    Notes
    -----
    f(x) = λ^k x^{k−1} e^{−λx} / Γ(k); F(x) = P(k, λx), the regularised lower
    incomplete gamma function; F⁻¹(q) = P⁻¹(k, q)/λ (by
    :func:`mmlkit.probability.gamma_quantile`); mean k/λ, variance k/λ²,
    entropy k − log λ + log Γ(k) + (1 − k)ψ(k).

    ``fit`` (maximum likelihood, location fixed at 0): λ̂ = k̂/x̄ and k̂ solves
    log k − ψ(k) = log x̄ − mean(log x), by Newton's method from Minka's
    closed-form start (converges in 3–5 steps; cost O(n) once for the two
    sufficient statistics).

    Examples
    --------
    >>> float(Gamma(2.0, 4.0).mean())
    0.5
    """

    _params = ("shape", "rate")

    _parameter_constraints = {"shape": POSITIVE, "rate": POSITIVE}

    def __init__(self, shape, rate=1.0):
        self.shape = self._param("shape", shape)
        self.rate = self._param("rate", rate)

    def logpdf(self, x):
        x = points(x)
        k, lam = self.shape, self.rate
        lx = lam * np.maximum(x, 0.0)
        val = sc.xlogy(k - 1.0, lx) - lx - sc.gammaln(k) + np.log(lam)
        return out(np.where(x >= 0, val, -np.inf))

    def pdf(self, x):
        return out(np.exp(self.logpdf(x)))

    def cdf(self, x):
        return out(sc.gammainc(self.shape, self.rate * np.maximum(points(x), 0.0)))

    def sf(self, x):
        return out(sc.gammaincc(self.shape, self.rate * np.maximum(points(x), 0.0)))

    def ppf(self, q):
        return out(F.gamma_quantile(q, self.shape) / self.rate)

    def isf(self, q):
        return out(sc.gammainccinv(self.shape, q) / self.rate)

    def mean(self):
        return out(np.asarray(self.shape) / self.rate)

    def var(self):
        return out(np.asarray(self.shape) * np.square(1.0 / np.asarray(self.rate)))

    def std(self):
        """√k / rate, formed directly (√var would overflow or underflow at scales near 1e±154)."""
        return out(np.sqrt(self.shape) / self.rate)

    def entropy(self):
        k = np.asarray(self.shape)
        return out(k - np.log(self.rate) + sc.gammaln(k) + (1.0 - k) * sc.digamma(k))

    def _sample(self, rng, shape):
        return rng.gamma(self.shape, 1.0 / np.asarray(self.rate), size=shape)

    @classmethod
    def fit(cls, data, *, tol=1e-13, max_iter=100):
        """Maximum likelihood (location 0): Newton on log k − ψ(k) = log x̄ − mean(log x).

        Parameters
        ----------
        data : array_like, shape (n,)
            Positive observations, not all equal.
        tol : float, default=1e-13
            Relative step size at which Newton stops.
        max_iter : int, default=100
            Newton steps before a ``ConvergenceWarning``.
        """
        x = fit_data(data)
        if (x <= 0).any():
            raise ValueError("data must be positive to fit a Gamma")
        e = power_of_two_scale(x)  # the mean of x / 2ᵉ cannot overflow
        m = math.ldexp(float(rescale(x, e).mean()), e)
        s = math.log(m) - float(np.mean(np.log(x)))
        if s <= 0:
            raise ValueError("data must not be constant to fit a Gamma")
        k0 = (3.0 - s + math.sqrt((s - 3.0) ** 2 + 24.0 * s)) / (12.0 * s)

        def step(k):
            f = math.log(k) - sc.digamma(k) - s
            return f / (1.0 / k - sc.polygamma(1, k))

        k = float(newton(step, k0, tol=tol, max_iter=max_iter, what="Gamma.fit"))
        return cls(k, k / m)


# --------------------------------------------------------------------------- Beta
class Beta(Distribution):
    r"""Beta distribution on [0, 1].

    Parameters
    ----------
    a, b : float or array_like
        Shape parameters α > 0, β > 0.

    Notes
    -----
    f(x) = x^{α−1}(1 − x)^{β−1}/B(α, β); F(x) = I_x(α, β), the regularised
    incomplete beta function; F⁻¹ by :func:`mmlkit.probability.beta_quantile`
    (its inverse, or a table and a Halley step for large arrays). Mean α/(α+β), variance
    αβ/((α+β)²(α+β+1)), entropy log B(α, β) − (α−1)ψ(α) − (β−1)ψ(β) + (α+β−2)ψ(α+β).

    ``fit`` (maximum likelihood on (0, 1)): solve ψ(α) − ψ(α+β) = mean(log x),
    ψ(β) − ψ(α+β) = mean(log(1 − x)) by two-dimensional Newton (Jacobian from
    trigamma ψ′), starting from the method of moments; steps are halved to keep
    both parameters positive.

    Examples
    --------
    >>> float(Beta(2.0, 2.0).cdf(0.5))
    0.5
    """

    _params = ("a", "b")

    _parameter_constraints = {"a": POSITIVE, "b": POSITIVE}

    def __init__(self, a, b):
        self.a = self._param("a", a)
        self.b = self._param("b", b)

    def logpdf(self, x):
        x = points(x)
        inside = (x >= 0) & (x <= 1)
        xc = np.clip(x, 0.0, 1.0)
        val = sc.xlogy(self.a - 1.0, xc) + sc.xlog1py(self.b - 1.0, -xc) - sc.betaln(self.a, self.b)
        return out(np.where(inside, val, -np.inf))

    def pdf(self, x):
        return out(np.exp(self.logpdf(x)))

    def cdf(self, x):
        return out(sc.betainc(self.a, self.b, np.clip(points(x), 0.0, 1.0)))

    def sf(self, x):
        return out(sc.betaincc(self.a, self.b, np.clip(points(x), 0.0, 1.0)))

    def ppf(self, q):
        return out(F.beta_quantile(q, self.a, self.b))

    def isf(self, q):
        return out(sc.betainccinv(self.a, self.b, q))

    def mean(self):
        a = np.asarray(self.a)
        return out(a / (a + self.b))

    def var(self):
        a, b = np.asarray(self.a), np.asarray(self.b)
        s = a + b
        return out(a * b / (s * s * (s + 1.0)))

    def entropy(self):
        a, b = np.asarray(self.a), np.asarray(self.b)
        return out(sc.betaln(a, b) - (a - 1) * sc.digamma(a) - (b - 1) * sc.digamma(b)
                   + (a + b - 2) * sc.digamma(a + b))

    def _sample(self, rng, shape):
        return rng.beta(self.a, self.b, size=shape)

    @classmethod
    def fit(cls, data, *, tol=1e-13, max_iter=200):
        """Maximum likelihood by Newton's method on the digamma equations.

        Parameters
        ----------
        data : array_like, shape (n,)
            Observations strictly inside (0, 1), not all equal.
        tol : float, default=1e-13
            Relative step size at which Newton stops.
        max_iter : int, default=200
            Newton steps before a ``ConvergenceWarning``.
        """
        x = fit_data(data)
        if ((x <= 0) | (x >= 1)).any():
            raise ValueError("data must lie strictly inside (0, 1) to fit a Beta")
        m, v = float(x.mean()), float(x.var())
        if v <= 0:
            raise ValueError("data must not be constant to fit a Beta")
        g = np.array([np.mean(np.log(x)), np.mean(np.log1p(-x))])
        common = max(m * (1 - m) / v - 1.0, 1e-3)
        theta = np.array([m * common, (1 - m) * common])

        def step(th):
            a, b = th
            t_ab = sc.polygamma(1, a + b)
            grad = sc.digamma(th) - sc.digamma(a + b) - g
            jac = np.diag(sc.polygamma(1, th)) - t_ab
            d = np.linalg.solve(jac, grad)
            while np.any(th - d <= 0):  # keep both parameters positive
                d = 0.5 * d
            return d

        a, b = newton(step, theta, tol=tol, max_iter=max_iter, what="Beta.fit")
        return cls(float(a), float(b))


# --------------------------------------------------------------------------- Student t
class StudentT(Distribution):
    r"""Student's t distribution with location μ and scale σ.

    Parameters
    ----------
    df : float or array_like
        Degrees of freedom ν > 0.
    mu : float or array_like, default=0.0
        Location μ.
    sigma : float or array_like, default=1.0
        Scale σ > 0 (not the standard deviation: that is σ√(ν/(ν−2))).

    Notes
    -----
    f(x) = Γ((ν+1)/2) / (Γ(ν/2) √(νπ) σ) · (1 + z²/ν)^{−(ν+1)/2}, z = (x − μ)/σ;
    F(x) = t_cdf(z, ν) via the incomplete beta function (see
    :func:`mmlkit.probability.t_cdf`). Mean μ (ν > 1, else nan), variance
    σ²ν/(ν−2) (ν > 2; inf for 1 < ν ≤ 2), entropy
    (ν+1)/2 [ψ((ν+1)/2) − ψ(ν/2)] + log(√ν B(ν/2, ½)) + log σ.

    ``fit`` is maximum likelihood for (ν, μ, σ) by ECME (Liu & Rubin 1995):
    the E-step weights wᵢ = (ν+1)/(ν + zᵢ²), the M-step μ = Σwx/Σw,
    σ² = Σw(x−μ)²/n, and ν maximising the actual log-likelihood given (μ, σ) by
    bisection on its derivative in log ν. Each iteration is O(n); the
    likelihood never decreases.

    Examples
    --------
    >>> round(float(StudentT(10).ppf(0.975)), 6)
    2.228139
    """

    _params = ("df", "mu", "sigma")

    _parameter_constraints = {"df": POSITIVE, "mu": REAL, "sigma": POSITIVE}

    def __init__(self, df, mu=0.0, sigma=1.0):
        self.df = self._param("df", df)
        self.mu = self._param("mu", mu)
        self.sigma = self._param("sigma", sigma)

    def _z(self, x):
        return (points(x) - self.mu) / self.sigma

    def _log_norm(self):
        nu = np.asarray(self.df)
        return (sc.gammaln(0.5 * (nu + 1)) - sc.gammaln(0.5 * nu)
                - 0.5 * np.log(np.pi * nu) - np.log(self.sigma))

    def logpdf(self, x):
        z = self._z(x)
        nu = self.df
        return out(self._log_norm() - 0.5 * (nu + 1.0) * np.log1p(z * z / nu))

    def pdf(self, x):
        return out(np.exp(self.logpdf(x)))

    def cdf(self, x):
        return out(F.t_cdf(self._z(x), self.df))

    def sf(self, x):
        return out(F.t_sf(self._z(x), self.df))

    def ppf(self, q):
        return out(self.mu + self.sigma * F.t_ppf(q, self.df))

    def isf(self, q):
        return out(self.mu + self.sigma * F.t_isf(q, self.df))

    def mean(self):
        nu, mu = np.broadcast_arrays(np.asarray(self.df, dtype=float), np.asarray(self.mu, dtype=float))
        s = np.broadcast_to(self.sigma, self.batch_shape)
        return out(np.where(nu > 1, mu, np.nan) + 0.0 * s)

    def var(self):
        nu = np.asarray(self.df, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.square(self.sigma) * np.where(nu > 2, nu / (nu - 2.0), np.where(nu > 1, np.inf, np.nan))
        return out(v + 0.0 * np.asarray(self.mu))

    def std(self):
        """σ √(ν/(ν − 2)), formed directly (√var would overflow or underflow at scales near 1e±154)."""
        nu = np.asarray(self.df, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.sqrt(np.where(nu > 2, nu / (nu - 2.0), np.where(nu > 1, np.inf, np.nan)))
        return out(np.asarray(self.sigma) * r + 0.0 * np.asarray(self.mu))

    def entropy(self):
        nu = np.asarray(self.df, dtype=float)
        half, half1 = 0.5 * nu, 0.5 * (nu + 1.0)
        regular = half1 * (sc.digamma(half1) - sc.digamma(half)) + 0.5 * np.log(nu) + sc.betaln(half, 0.5)
        # for large ν the two digamma terms cancel; use the asymptotic series there
        inv = 1.0 / np.maximum(nu, 1.0)
        asym = (0.5 + _LOG_SQRT_2PI + inv + inv**2 / 4 - inv**3 / 6 - inv**4 / 8
                + 0.3 * inv**5 + inv**6 / 4)
        h = np.where(nu >= 100, asym, regular)
        return out(h + np.log(self.sigma) + 0.0 * np.asarray(self.mu))

    def _sample(self, rng, shape):
        return self.mu + self.sigma * rng.standard_t(self.df, size=shape)

    @staticmethod
    def _loglik(x, nu, mu, sigma):
        z2 = ((x - mu) / sigma) ** 2
        return float(np.sum(StudentT(nu, mu, sigma)._log_norm() - 0.5 * (nu + 1) * np.log1p(z2 / nu)))

    @classmethod
    def fit(cls, data, *, df=None, tol=1e-13, max_iter=1000):
        """Maximum likelihood for (df, mu, sigma) by ECME; ``df`` may be fixed.

        Parameters
        ----------
        data : array_like, shape (n,)
            Observations, not all equal.
        df : float, optional
            Fix ν at this value and fit only μ and σ.
        tol : float, default=1e-13
            Stop when the log-likelihood gains less than ``tol`` × (1 + |loglik|).
        max_iter : int, default=1000
            Iterations before a ``ConvergenceWarning``.
        """
        x = fit_data(data)
        e = power_of_two_scale(x)  # fit x / 2ᵉ (exact), so no square overflows or underflows
        x = rescale(x, e)
        n = x.size
        if df is not None:
            df = POSITIVE.convert(df, "df", "StudentT")
        mu = float(np.median(x))
        sigma = float(np.median(np.abs(x - mu))) * 1.4826 or float(x.std())
        if sigma <= 0:
            raise ValueError("data must not be constant to fit a StudentT")
        nu = 5.0 if df is None else df
        ll = cls._loglik(x, nu, mu, sigma)
        for _ in range(max_iter):
            z2 = ((x - mu) / sigma) ** 2
            w = (nu + 1.0) / (nu + z2)
            mu = float(np.sum(w * x) / np.sum(w))
            sigma = float(np.sqrt(np.sum(w * (x - mu) ** 2) / n))
            if df is None:
                nu = cls._best_df(x, mu, sigma)
            ll_new = cls._loglik(x, nu, mu, sigma)
            if ll_new - ll <= tol * (1.0 + abs(ll)):
                ll = ll_new
                break
            ll = ll_new
        else:
            warnings.warn(f"StudentT.fit: ECME stopped at max_iter={max_iter}", exceptions.ConvergenceWarning,
                          stacklevel=2)
        return cls(nu, math.ldexp(mu, e), math.ldexp(sigma, e))

    @staticmethod
    def _best_df(x, mu, sigma):
        """ν maximising Σ log f(x; ν, μ, σ), by bisection on ∂ℓ/∂ν in log ν ∈ [log 1e-3, log 1e8]."""
        z2 = ((x - mu) / sigma) ** 2
        n = x.size

        def dl(nu):  # ∂ℓ/∂ν
            return (0.5 * n * (sc.digamma(0.5 * (nu + 1)) - sc.digamma(0.5 * nu) - 1.0 / nu)
                    - 0.5 * np.sum(np.log1p(z2 / nu)) + 0.5 * (nu + 1) * np.sum(z2 / (nu * (nu + z2))))

        lo, hi = math.log(1e-3), math.log(1e8)
        if dl(math.exp(hi)) > 0:
            return math.exp(hi)
        if dl(math.exp(lo)) < 0:
            return math.exp(lo)
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if dl(math.exp(mid)) > 0:
                lo = mid
            else:
                hi = mid
        return math.exp(0.5 * (lo + hi))


# --------------------------------------------------------------------------- chi-squared
class ChiSquared(Distribution):
    r"""χ² distribution with k degrees of freedom (a Gamma(k/2, rate ½)).

    Parameters
    ----------
    df : float or array_like
        Degrees of freedom k > 0 (need not be an integer).

    Notes
    -----
    f(x) = x^{k/2−1} e^{−x/2} / (2^{k/2} Γ(k/2)); F(x) = P(k/2, x/2);
    mean k, variance 2k, entropy k/2 + log 2 + log Γ(k/2) + (1 − k/2)ψ(k/2).
    ``fit`` (location 0, scale 1) solves ψ(k/2) = mean(log x) − log 2 with
    the inverse digamma function (Newton).

    Examples
    --------
    >>> round(float(ChiSquared(1).ppf(0.95)), 6)
    3.841459
    """

    _params = ("df",)

    _parameter_constraints = {"df": POSITIVE}

    def __init__(self, df):
        self.df = self._param("df", df)

    def logpdf(self, x):
        x = points(x)
        h = 0.5 * np.asarray(self.df)
        xc = np.maximum(x, 0.0)
        val = sc.xlogy(h - 1.0, xc) - 0.5 * xc - h * math.log(2.0) - sc.gammaln(h)
        return out(np.where(x >= 0, val, -np.inf))

    def pdf(self, x):
        return out(np.exp(self.logpdf(x)))

    def cdf(self, x):
        return out(F.chi2_cdf(x, self.df))

    def sf(self, x):
        return out(F.chi2_sf(x, self.df))

    def ppf(self, q):
        return out(F.chi2_ppf(q, self.df))

    def isf(self, q):
        return out(F.chi2_isf(q, self.df))

    def mean(self):
        return out(np.asarray(self.df, dtype=float) * 1.0)

    def var(self):
        return out(2.0 * np.asarray(self.df))

    def entropy(self):
        h = 0.5 * np.asarray(self.df)
        return out(h + math.log(2.0) + sc.gammaln(h) + (1.0 - h) * sc.digamma(h))

    def _sample(self, rng, shape):
        return rng.chisquare(self.df, size=shape)

    @classmethod
    def fit(cls, data):
        """Maximum likelihood for k: k̂ = 2 ψ⁻¹(mean(log x) − log 2) (data > 0)."""
        x = fit_data(data)
        if (x <= 0).any():
            raise ValueError("data must be positive to fit a ChiSquared")
        return cls(float(2.0 * _inverse_digamma(np.mean(np.log(x)) - math.log(2.0))))
