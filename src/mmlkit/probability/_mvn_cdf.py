"""The multivariate normal cdf: exact for d ≤ 2, randomized quasi-Monte Carlo for d > 2.

``bvn_cdf`` is Drezner & Wesolowsky's (1990) bivariate method with Genz's
(2004) refinements (Genz's ``BVNU``): Gauss–Legendre quadrature of Plackett's
identity in θ = arcsin ρ for |ρ| < 0.925, and of an asymptotic expansion
around the singular ρ = ±1 otherwise; double-precision accurate (about 1e-15
absolute). ``mvn_cdf_qmc`` is Genz's (1992) separation-of-variables
transformation, integrated over the unit cube by a randomly shifted Richtmyer
(Kronecker) lattice with the baker's (tent) transform; the spread of the
independent shifts gives the error estimate.
"""

from __future__ import annotations

import math

import numpy as np

from ._functions import normal_cdf, normal_ppf

__all__ = ["bvn_cdf", "mvn_cdf_qmc"]

_TWO_PI = 2.0 * math.pi
_SQRT_TWO_PI = math.sqrt(_TWO_PI)
# Gauss–Legendre rules on [-1, 1] with 6, 12 and 20 nodes (Genz's choice by |ρ|)
_GL = {n: np.polynomial.legendre.leggauss(n) for n in (6, 12, 20)}


def _phi(x):
    return float(normal_cdf(x))


def bvn_cdf(h: float, k: float, r: float) -> float:
    """P(X ≤ h, Y ≤ k) for standard normals X, Y with correlation ``r`` (|r| ≤ 1).

    Parameters
    ----------
    h, k : float
        Upper limits (±inf allowed).
    r : float
        Correlation in [−1, 1].

    Returns
    -------
    float

    Notes
    -----
    Computes the upper probability L(−h, −k; r) = P(X > −h, Y > −k), which
    equals P(X ≤ h, Y ≤ k). For |r| < 0.925, Plackett's identity
    ``L(h, k; r) = Φ(−h)Φ(−k) + (1/2π) ∫₀^{arcsin r} exp(−(h² + k² − 2hk sin θ)/(2cos² θ)) dθ``
    by Gauss–Legendre with 6, 12 or 20 nodes as |r| grows; otherwise the
    integral in the variable √(1 − r²) with the singular part subtracted in
    closed form (Drezner & Wesolowsky; Genz). O(1).
    """
    if math.isnan(h) or math.isnan(k):
        return math.nan
    if h == -math.inf or k == -math.inf:
        return 0.0
    if h == math.inf:
        return _phi(k)
    if k == math.inf:
        return _phi(h)
    return _bvnu(-h, -k, r)


def _bvnu(h: float, k: float, r: float) -> float:
    """Genz's BVNU: P(X > h, Y > k) for standard normals with correlation r."""
    ar = abs(r)
    x, w = _GL[6 if ar < 0.3 else 12 if ar < 0.75 else 20]
    hk = h * k
    if ar < 0.925:
        hs = 0.5 * (h * h + k * k)
        asr = 0.5 * math.asin(r)
        sn = np.sin(asr * (1.0 + x))
        bvn = float(w @ np.exp((sn * hk - hs) / (1.0 - sn * sn)))
        return max(0.0, min(1.0, bvn * asr / _TWO_PI + _phi(-h) * _phi(-k)))
    if r < 0:
        k, hk = -k, -hk
    bvn = 0.0
    if ar < 1.0:
        a2 = (1.0 - r) * (1.0 + r)
        a = math.sqrt(a2)
        bs = (h - k) ** 2
        c = (4.0 - hk) / 8.0
        d = (12.0 - hk) / 16.0
        bvn = a * math.exp(-0.5 * (bs / a2 + hk)) * (1.0 - c * (bs - a2) * (1.0 - d * bs / 5.0) / 3.0
                                                     + c * d * a2 * a2 / 5.0)
        if hk > -160.0:
            b = math.sqrt(bs)
            bvn -= math.exp(-0.5 * hk) * _SQRT_TWO_PI * _phi(-b / a) * b * (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0)
        a *= 0.5
        xs = (a * (1.0 + x)) ** 2
        rs = np.sqrt(1.0 - xs)
        terms = (np.exp(-bs / (2.0 * xs) - hk / (1.0 + rs)) / rs
                 - np.exp(-0.5 * (bs / xs + hk)) * (1.0 + c * xs * (1.0 + d * xs)))
        bvn = -(bvn + a * float(w @ terms)) / _TWO_PI
    if r > 0:
        bvn += _phi(-max(h, k))
    elif h >= k:
        bvn = -bvn
    else:
        L = _phi(k) - _phi(h) if h < 0 else _phi(-h) - _phi(-k)
        bvn = L - bvn
    return max(0.0, min(1.0, bvn))


_PRIMES = np.array([2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89,
                    97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181,
                    191, 193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281])


def _generator(dim: int) -> np.ndarray:
    """Richtmyer's lattice generator: the fractional parts of √pⱼ for the first primes."""
    primes = list(_PRIMES[:dim])
    candidate = int(_PRIMES[-1])
    while len(primes) < dim:  # more primes by trial division, only for very high dimension
        candidate += 2
        if all(candidate % q for q in primes if q * q <= candidate):
            primes.append(candidate)
    p = np.array(primes, dtype=float)
    return np.sqrt(p) % 1.0


def _integrand(w: np.ndarray, b: np.ndarray, L: np.ndarray) -> np.ndarray:
    """Genz's separated integrand at points w of shape (n, d − 1): ∏ᵢ eᵢ.

    e₁ = Φ(b₁/L₁₁); yᵢ = Φ⁻¹(wᵢ eᵢ); eᵢ = Φ((bᵢ − Σ_{j<i} Lᵢⱼ yⱼ)/Lᵢᵢ).
    """
    n, d = w.shape[0], b.size
    y = np.empty((n, d - 1))
    e = np.full(n, float(normal_cdf(b[0] / L[0, 0])))
    f = e.copy()
    tiny = 1e-300
    for i in range(1, d):
        q = np.clip(w[:, i - 1] * e, tiny, 1.0 - 1e-16)
        y[:, i - 1] = normal_ppf(q)
        e = normal_cdf((b[i] - y[:, :i] @ L[i, :i]) / L[i, i])
        f *= e
    return f


def mvn_cdf_qmc(b: np.ndarray, cov: np.ndarray, *, rng: np.random.Generator, abseps: float = 1e-5,
                maxpts: int | None = None, n_shifts: int = 12) -> tuple[float, float]:
    """P(X ≤ b) for X ~ N(0, Σ), d ≥ 2, by randomized QMC: ``(value, error)``.

    Parameters
    ----------
    b : ndarray of shape (d,)
        Upper limits (−inf gives 0; +inf drops the coordinate).
    cov : ndarray of shape (d, d)
        Covariance, symmetric positive definite.
    rng : numpy.random.Generator
        Source of the random shifts.
    abseps : float, default=1e-5
        Stop when the error estimate (3 standard errors over the shifts) is below this.
    maxpts : int, optional
        Maximum number of integrand evaluations (default 200,000 · d).
    n_shifts : int, default=12
        Number of independent random shifts.

    Returns
    -------
    value, error : float

    Notes
    -----
    The variables are ordered by increasing standardised limit bᵢ/√Σᵢᵢ (the
    most constrained first, Genz & Bretz's simple prioritisation), then
    Σ = LLᵀ; the integrand of :func:`_integrand` is integrated over the unit
    cube [0, 1)^{d−1} by the lattice points {k z + Δ} (baker-transformed),
    N per shift, N doubling until the error meets ``abseps``. Cost
    O(maxpts · d²).
    """
    if np.any(b == -np.inf):
        return 0.0, 0.0
    keep = np.isfinite(b)
    if not keep.any():
        return 1.0, 0.0
    b, cov = b[keep], cov[np.ix_(keep, keep)]
    d = b.size
    if d == 1:
        return float(normal_cdf(b[0] / math.sqrt(cov[0, 0]))), 0.0
    if d == 2:
        s = np.sqrt(np.diag(cov))
        return bvn_cdf(b[0] / s[0], b[1] / s[1], float(cov[0, 1] / (s[0] * s[1]))), 0.0
    order = np.argsort(b / np.sqrt(np.diag(cov)), kind="stable")
    b, cov = b[order], cov[np.ix_(order, order)]
    L = np.linalg.cholesky(cov)
    z = _generator(d - 1)
    maxpts = 200_000 * d if maxpts is None else maxpts
    shifts = rng.random((n_shifts, d - 1))
    sums = np.zeros(n_shifts)  # each shift's running sum over the lattice points so far (the lattice extends)
    start, n = 0, 64
    while True:
        k = np.arange(start, start + n)[:, None]
        for s in range(n_shifts):
            w = np.abs(2.0 * ((k * z + shifts[s]) % 1.0) - 1.0)  # the baker's transform of the shifted lattice
            sums[s] += _integrand(w, b, L).sum()
        start += n
        estimates = sums / start
        value = float(estimates.mean())
        error = 3.0 * float(estimates.std(ddof=1)) / math.sqrt(n_shifts)
        if error <= abseps or 2 * start * n_shifts > maxpts:
            return min(1.0, max(0.0, value)), error
        n = start  # double the points per shift
