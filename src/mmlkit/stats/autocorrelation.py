"""Autocorrelation of a time series (for Markov chains, MCMC diagnostics, residual checks)."""

from __future__ import annotations

import math
import numbers

import numpy as np

from mmlkit._validation import NON_NEGATIVE_INT, Interval, as_float_array, validate_args, validate_params
from mmlkit.stats._scaled import centred

__all__ = ["acf"]


@validate_args({"nlags": [NON_NEGATIVE_INT, None], "adjusted": ["boolean"], "fft": ["boolean"]})
def acf(x, nlags: int | None = None, adjusted: bool = False, fft: bool = True) -> np.ndarray:
    """Sample autocorrelation function ρ̂(0), …, ρ̂(nlags), as ``statsmodels.tsa.stattools.acf``.

    Parameters
    ----------
    x : array_like of shape (n,)
        The series, n ≥ 2, not constant.
    nlags : int, optional
        Largest lag, 0 ≤ nlags < n. Default ``min(⌊10 log₁₀ n⌋, n − 1)``
        (statsmodels' default).
    adjusted : bool, default=False
        Divide the lag-k sum by ``n − k`` instead of ``n``.
    fft : bool, default=True
        Compute the sums by FFT (O(n log n)) instead of one dot product per
        lag (O(n · nlags)); the results agree to rounding.

    Returns
    -------
    ndarray of shape (nlags + 1,)
        ``ρ̂(0) = 1``.

    Raises
    ------
    ValueError
        On NaN or infinity, fewer than 2 observations, a constant series or a
        lag out of range.

    Notes
    -----
    With dₜ = xₜ − x̄, the autocovariance ``γ̂(k) = (1/c_k) Σ_{t=1}^{n−k} dₜ dₜ₊ₖ``
    (``c_k = n``, or ``n − k`` when ``adjusted``) and ``ρ̂(k) = γ̂(k)/γ̂(0)``.
    The biased form (``c_k = n``) is a positive semi-definite sequence; the
    adjusted one need not be. The deviations are rescaled by a power of two
    first (exact), so the series' scale (1e-300 or 1e300) does not matter.
    By FFT: zero-pad d to a length ≥ 2n − 1, then ``Σₜ dₜ dₜ₊ₖ`` is the
    inverse transform of ``|D(ω)|²`` (no circular wrap-around).

    Examples
    --------
    >>> acf([1.0, 2.0, 3.0, 4.0, 5.0], nlags=2).round(4)
    array([ 1. ,  0.4, -0.1])
    """
    x = as_float_array(x, "x", ndim=1)
    n = x.size
    if n < 2:
        raise ValueError(f"x needs at least 2 observations, got {n}")
    if nlags is None:
        nlags = min(int(10 * math.log10(n)), n - 1)
    validate_params({"nlags": nlags}, {"nlags": [Interval(numbers.Integral, 0, n - 1)]}, owner="acf")  # lags < n
    _, d, _ = centred(x, None)
    if not d.any():
        raise ValueError("x must not be constant: the autocorrelation is undefined")
    if fft:
        size = 1 << (2 * n - 1).bit_length()
        D = np.fft.rfft(d, size)
        sums = np.fft.irfft(D.real**2 + D.imag**2, size)[: nlags + 1]
    else:
        sums = np.array([d[: n - k] @ d[k:] for k in range(nlags + 1)])
    if adjusted:
        sums = sums / (n - np.arange(nlags + 1))
    return sums / sums[0]
