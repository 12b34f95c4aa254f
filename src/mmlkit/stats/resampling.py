"""Resampling inference: permutation tests and bootstrap confidence intervals.

Both draw all resamples as index arrays and call the statistic once per
batch on a 2-D array (resamples × observations) with ``axis=-1``, so a
NumPy-vectorised statistic (``np.mean``, a difference of means, ...) costs a
handful of array operations for thousands of resamples.
"""

from __future__ import annotations

import inspect
import itertools
import math
import numbers
from dataclasses import dataclass

import numpy as np

from mmlkit._validation import POSITIVE_INT, Interval, Options, as_float_array, check_random_state, validate_args
from mmlkit.probability._functions import normal_cdf, normal_ppf
from mmlkit.stats._results import ALTERNATIVE, LEVEL, ConfidenceInterval
from mmlkit.stats.descriptive import quantile

__all__ = ["BootstrapResult", "PermutationTestResult", "bootstrap_ci", "permutation_test"]

_BATCH_ELEMENTS = 2_000_000  # resamples × observations held at once


def _samples(data, name="data") -> list[np.ndarray]:
    if isinstance(data, np.ndarray) or (isinstance(data, list) and data and np.ndim(data[0]) == 0):
        data = (data,)
    if not isinstance(data, (tuple, list)) or not data:
        raise ValueError(f"{name} must be a sample or a tuple of samples")
    out = [as_float_array(s, f"{name}[{i}]", ndim=1) for i, s in enumerate(data)]
    return out


def _vectorise(statistic, vectorized):
    """A statistic taking ``*samples`` of shape (batch, n_i) and ``axis=-1``."""
    if not callable(statistic):
        raise ValueError("statistic must be callable")
    if vectorized is None:
        try:
            vectorized = "axis" in inspect.signature(statistic).parameters
        except (TypeError, ValueError):  # builtins without a signature
            vectorized = False
    if vectorized:
        return lambda *s: np.asarray(statistic(*s, axis=-1), dtype=float)

    def looped(*s):
        return np.array([statistic(*row) for row in zip(*s)], dtype=float)

    return looped


def _batches(total: int, per: int):
    size = max(1, _BATCH_ELEMENTS // max(per, 1))
    for start in range(0, total, size):
        yield min(size, total - start)


# ----------------------------------------------------------------------------- permutation test
@dataclass(frozen=True)
class PermutationTestResult:
    """Result of :func:`permutation_test`.

    Attributes
    ----------
    statistic : float
        The statistic on the observed data.
    pvalue : float
        The permutation p-value.
    null_distribution : ndarray of shape (n_resamples,)
        The statistic on each permuted data set.
    exact : bool
        True when every distinct permutation was enumerated.
    """

    statistic: float
    pvalue: float
    null_distribution: np.ndarray
    exact: bool = False

    def __iter__(self):
        return iter((self.statistic, self.pvalue))


def _n_permutations(permutation_type, sizes) -> float:
    if permutation_type == "independent":
        out, left = 1, sum(sizes)
        for n in sizes:
            out *= math.comb(left, n)
            left -= n
        return out
    if permutation_type == "samples":
        k = len(sizes)
        return 2 ** sizes[0] if k == 1 else math.factorial(k) ** sizes[0]
    return math.factorial(sizes[0]) ** (len(sizes) - 1)


def _set_partitions(items: tuple, sizes: list[int]):
    """Every way to deal ``items`` into ordered groups of ``sizes`` (as one concatenated tuple)."""
    if len(sizes) == 1:
        yield items
        return
    for first in itertools.combinations(items, sizes[0]):
        chosen = set(first)
        rest = tuple(i for i in items if i not in chosen)
        for tail in _set_partitions(rest, sizes[1:]):
            yield first + tail


def _resample_indices(permutation_type, sizes, B, rng, exact):
    """Index arrays describing B permuted data sets (see :func:`permutation_test`)."""
    k, n = len(sizes), sizes[0]
    if permutation_type == "independent":
        N = sum(sizes)
        if exact:
            return np.array(list(_set_partitions(tuple(range(N)), list(sizes))), dtype=np.intp)
        return rng.permuted(np.tile(np.arange(N), (B, 1)), axis=1)
    if permutation_type == "samples":
        if k == 1:  # sign flips
            if exact:
                return 1.0 - 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n)) & 1)
            return rng.choice([-1.0, 1.0], size=(B, n))
        if exact:
            perms = list(itertools.permutations(range(k)))
            combos = itertools.product(range(len(perms)), repeat=n)
            return np.array([[perms[c] for c in combo] for combo in combos], dtype=np.intp).transpose(0, 2, 1)
        return np.argsort(rng.random((B, k, n)), axis=1)
    # pairings: permute the order within every sample but the first
    if exact:
        perms = list(itertools.permutations(range(n)))
        return np.array(list(itertools.product(perms, repeat=k - 1)), dtype=np.intp).reshape(-1, k - 1, n)
    return np.argsort(rng.random((B, k - 1, n)), axis=2)


def _apply_indices(permutation_type, samples, idx):
    sizes = [s.size for s in samples]
    if permutation_type == "independent":
        pooled = np.concatenate(samples)[idx]
        return np.split(pooled, np.cumsum(sizes)[:-1], axis=1)
    if permutation_type == "samples":
        if len(samples) == 1:
            return [samples[0] * idx]
        stacked = np.stack(samples)  # (k, n)
        perm = np.take_along_axis(np.broadcast_to(stacked, idx.shape), idx, axis=1)
        return [perm[:, j] for j in range(len(samples))]
    B = idx.shape[0]
    first = np.broadcast_to(samples[0], (B, sizes[0]))
    return [first] + [samples[j + 1][idx[:, j]] for j in range(len(samples) - 1)]


@validate_args({**ALTERNATIVE, "permutation_type": [Options(("independent", "samples", "pairings"))],
                "n_resamples": [POSITIVE_INT], "vectorized": ["boolean", None]})
def permutation_test(data, statistic, *, permutation_type: str = "independent", vectorized=None,
                     n_resamples: int = 9999, alternative: str = "two-sided",
                     random_state=None) -> PermutationTestResult:
    """A permutation test of any statistic, as ``scipy.stats.permutation_test``.

    Parameters
    ----------
    data : array_like of shape (n,), or tuple of such arrays
        The samples. A single array is one sample.
    statistic : callable
        ``statistic(*samples)`` → float. If it accepts ``axis`` it must reduce
        along it (then each batch of resamples is one call with 2-D samples).
    permutation_type : {"independent", "samples", "pairings"}, default="independent"
        ``"independent"``: exchange observations between samples (H₀: the
        samples come from one distribution). ``"samples"``: paired data;
        permute the values within each observation across samples (for one
        sample: flip signs, H₀: symmetric about 0). ``"pairings"``: permute
        the order within all samples but the first (H₀: no association).
    vectorized : bool, optional
        Whether ``statistic`` takes ``axis``; by default, inspect its signature.
    n_resamples : int, default=9999
        Number of random permutations. When at least the number of distinct
        permutations, all are enumerated and the test is exact.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        ``"greater"``: the p-value is the fraction of permuted statistics at
        least as large as the observed one.
    random_state : None, int or numpy.random.Generator, default=None

    Returns
    -------
    PermutationTestResult
        ``statistic``, ``pvalue``, ``null_distribution``, ``exact``.

    Notes
    -----
    With observed statistic t and permuted values t*₁..t*_B (a relative
    tolerance of 100 ε counts near-ties as ties, as SciPy):
    ``p_greater = (#{t*_b ≥ t} + 1) / (B + 1)`` (the +1 counts the observed
    arrangement; dropped when exact), likewise for ``less``, and two-sided
    ``min(1, 2 min(p_less, p_greater))``. Cost: B evaluations of the
    statistic, in batches of vectorised calls.

    Examples
    --------
    >>> x, y = [1.1, 2.0, 2.2, 3.1], [3.0, 4.1, 3.9, 5.2]
    >>> diff = lambda a, b, axis=-1: np.mean(a, axis=axis) - np.mean(b, axis=axis)
    >>> res = permutation_test((x, y), diff, random_state=0)
    >>> res.exact, round(res.pvalue, 4)
    (True, 0.0571)
    """
    samples = _samples(data)
    sizes = [s.size for s in samples]
    if permutation_type == "independent" and len(samples) < 2:
        raise ValueError("permutation_type='independent' needs at least two samples")
    if permutation_type in ("samples", "pairings") and len(set(sizes)) != 1:
        raise ValueError(f"permutation_type={permutation_type!r} needs samples of equal length, got {sizes}")
    if permutation_type == "pairings" and len(samples) < 2:
        raise ValueError("permutation_type='pairings' needs at least two samples")
    stat = _vectorise(statistic, vectorized)
    rng = check_random_state(random_state)
    observed = float(stat(*[s[None] for s in samples])[0])

    exact = _n_permutations(permutation_type, sizes) <= n_resamples
    if exact:
        idx = _resample_indices(permutation_type, sizes, 0, rng, True)
        starts = itertools.accumulate([0, *_batches(idx.shape[0], sum(sizes))])
        null = np.concatenate([stat(*_apply_indices(permutation_type, samples, idx[i:i + b]))
                               for i, b in zip(starts, _batches(idx.shape[0], sum(sizes)))])
    else:
        null = np.concatenate([
            stat(*_apply_indices(permutation_type, samples, _resample_indices(permutation_type, sizes, b, rng, False)))
            for b in _batches(n_resamples, sum(sizes))
        ])
    return PermutationTestResult(observed, _permutation_pvalue(null, observed, alternative, exact), null, bool(exact))


def _permutation_pvalue(null, observed, alternative, exact):
    """The p-value from the null distribution (SciPy's: +1 for random resampling, ties within 100 ε)."""
    adjustment = 0 if exact else 1
    gamma = abs(100 * np.finfo(float).eps * observed)
    B = null.size
    p_less = (np.count_nonzero(null <= observed + gamma) + adjustment) / (B + adjustment)
    p_greater = (np.count_nonzero(null >= observed - gamma) + adjustment) / (B + adjustment)
    if alternative == "less":
        return float(p_less)
    if alternative == "greater":
        return float(p_greater)
    return float(min(1.0, 2.0 * min(p_less, p_greater)))


# ----------------------------------------------------------------------------- bootstrap
@dataclass(frozen=True)
class BootstrapResult:
    """Result of :func:`bootstrap_ci`.

    Attributes
    ----------
    confidence_interval : ConfidenceInterval
        ``(low, high)``.
    standard_error : float
        Standard deviation (ddof=1) of the bootstrap distribution.
    bootstrap_distribution : ndarray of shape (n_resamples,)
        The statistic on every resample.
    """

    confidence_interval: ConfidenceInterval
    standard_error: float
    bootstrap_distribution: np.ndarray

    @property
    def low(self) -> float:
        return self.confidence_interval.low

    @property
    def high(self) -> float:
        return self.confidence_interval.high


def _bca_levels(samples, stat, theta_hat, theta_b, alpha):
    """Bias-corrected and accelerated percentile levels (Efron & Tibshirani 14.3)."""
    B = theta_b.size
    frac = (np.count_nonzero(theta_b < theta_hat) + np.count_nonzero(theta_b <= theta_hat)) / (2.0 * B)
    if not 0.0 < frac < 1.0:
        raise ValueError("the BCa interval is undefined: the observed statistic lies outside the "
                         "bootstrap distribution (degenerate data); use method='percentile'")
    z0 = float(normal_ppf(frac))
    num = den = 0.0
    for j, s in enumerate(samples):
        n = s.size
        # jackknife: row i of the (n, n−1) array drops observation i
        keep = ~np.eye(n, dtype=bool)
        jack = np.broadcast_to(s, (n, n))[keep].reshape(n, n - 1)
        others = [np.broadcast_to(o, (n, o.size)) for o in samples]
        others[j] = jack
        theta_i = stat(*others)
        U = (n - 1) * (theta_i.mean() - theta_i)
        num += np.sum(U**3) / n**3
        den += np.sum(U**2) / n**2
    a = num / (6.0 * den**1.5) if den > 0 else 0.0
    z = np.array([normal_ppf(alpha), normal_ppf(1 - alpha)])
    return normal_cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))


@validate_args({**ALTERNATIVE, **LEVEL, "method": [Options(("percentile", "basic", "bca"))],
                "n_resamples": [Interval(numbers.Integral, 2, None)], "vectorized": ["boolean", None]})
def bootstrap_ci(data, statistic, method: str = "percentile", n_resamples: int = 9999,
                 level: float = 0.95, random_state=None, *, alternative: str = "two-sided",
                 vectorized=None) -> BootstrapResult:
    """Bootstrap confidence interval for a statistic (percentile, basic or BCa).

    Parameters
    ----------
    data : array_like of shape (n,), or tuple of such arrays
        One sample, or a tuple of samples resampled independently.
    statistic : callable
        ``statistic(*samples)`` → float; if it accepts ``axis`` it is called
        once per batch on 2-D resamples with ``axis=-1``.
    method : {"percentile", "basic", "bca"}, default="percentile"
        ``"percentile"``: quantiles of the bootstrap distribution;
        ``"basic"``: reflected about θ̂; ``"bca"``: bias-corrected and
        accelerated (second-order accurate).
    n_resamples : int, default=9999
        Number of bootstrap resamples B.
    level : float, default=0.95
        Confidence level.
    random_state : None, int or numpy.random.Generator, default=None
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        One-sided intervals put all of 1 − level in one tail.
    vectorized : bool, optional
        Whether ``statistic`` takes ``axis``; by default, inspect its signature.

    Returns
    -------
    BootstrapResult
        ``confidence_interval``, ``standard_error``, ``bootstrap_distribution``.

    Notes
    -----
    Resample each sample with replacement B times; θ*_b = statistic of
    resample b. Percentile: ``[Q(α), Q(1 − α)]`` of θ*, α = (1 − level)/2.
    BCa replaces α by ``Φ(z₀ + (z₀ + z_α)/(1 − a(z₀ + z_α)))`` with bias
    ``z₀ = Φ⁻¹(#{θ* < θ̂}/B)`` (ties counted half) and acceleration
    ``a = Σ U³ / (6 (Σ U²)^{3/2})`` from the jackknife values
    ``U_i = (n − 1)(θ̄₍.₎ − θ̂₍ᵢ₎)``. Cost: B + n evaluations of the statistic.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=50)
    >>> res = bootstrap_ci(x, np.mean, n_resamples=2000, random_state=0)
    >>> bool(res.confidence_interval.low < 0 < res.confidence_interval.high)
    True
    """
    samples = _samples(data)
    if min(s.size for s in samples) < 2:
        raise ValueError("every sample in data needs at least 2 observations")
    stat = _vectorise(statistic, vectorized)
    rng = check_random_state(random_state)
    per = sum(s.size for s in samples)
    theta_b = np.concatenate([
        stat(*[s[rng.integers(0, s.size, size=(b, s.size))] for s in samples])
        for b in _batches(n_resamples, per)
    ])
    if not np.all(np.isfinite(theta_b)):
        raise ValueError("statistic returned non-finite values on some bootstrap resamples")
    alpha = (1 - level) / 2 if alternative == "two-sided" else 1 - level
    theta_hat = float(stat(*[s[None] for s in samples])[0])
    if method == "bca":
        levels = _bca_levels(samples, stat, theta_hat, theta_b, alpha)
    else:
        levels = np.array([alpha, 1 - alpha])
    low, high = (float(v) for v in quantile(theta_b, levels))
    if method == "basic":
        low, high = 2 * theta_hat - high, 2 * theta_hat - low
    if alternative == "less":
        low = -math.inf
    elif alternative == "greater":
        high = math.inf
    se = float(np.std(theta_b, ddof=1))
    return BootstrapResult(ConfidenceInterval(low, high), se, theta_b)
