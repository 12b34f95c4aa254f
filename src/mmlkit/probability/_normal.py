"""The standard normal distribution: cdf, sf, their logs, and quantiles (error functions).

Part of the kernels gathered in :mod:`mmlkit.probability._functions` (see there for
the conventions: ufunc-like broadcasting, no validation, each tail computed directly).
"""

from __future__ import annotations

import numpy as np
from scipy import special as sc

from ._special import (
    _SQRT2,
    _out,
)

__all__ = ["normal_cdf", "normal_sf", "normal_logcdf", "normal_logsf", "normal_ppf", "normal_isf"]


# --------------------------------------------------------------------------- normal
def normal_cdf(x):
    r"""Standard normal cdf Φ(x).

    Parameters
    ----------
    x : array_like
        Points, any shape.

    Returns
    -------
    ndarray or float
        Φ(x), same shape as ``x``.

    Notes
    -----
    Φ(x) = ½ erfc(−x/√2). The complementary error function keeps full relative
    precision in the lower tail (Φ(−37) ≈ 5.7e-300), where ``½(1 + erf(x/√2))``
    would round to zero below x ≈ −8. Cost: one ``erfc`` per element.

    Examples
    --------
    >>> round(float(normal_cdf(1.959963984540054)), 6)
    0.975
    """
    return _out(0.5 * sc.erfc(np.multiply(x, -1.0 / _SQRT2)))


def normal_sf(x):
    r"""Standard normal survival function 1 − Φ(x) = Φ(−x) = ½ erfc(x/√2).

    Accurate far into the upper tail. ``x`` is array_like of any shape.

    Examples
    --------
    >>> float(normal_sf(0.0))
    0.5
    """
    return _out(0.5 * sc.erfc(np.multiply(x, 1.0 / _SQRT2)))


def normal_logcdf(x):
    r"""log Φ(x), accurate for all x (no underflow at x = −40 or −1e5).

    Notes
    -----
    For x < 0, Φ(x) = ½ erfcx(−x/√2) e^{−x²/2} with erfcx(z) = e^{z²} erfc(z)
    the scaled complementary error function, so
    log Φ(x) = log(½ erfcx(−x/√2)) − x²/2 never underflows. For x ≥ 0,
    log Φ(x) = log1p(−½ erfc(x/√2)).

    Examples
    --------
    >>> round(float(normal_logcdf(-40.0)), 4)
    -804.6084
    """
    x = np.asarray(x, dtype=float)
    neg = np.minimum(x, 0.0)
    lower = np.log(0.5 * sc.erfcx(neg * (-1.0 / _SQRT2))) - 0.5 * neg * neg
    upper = np.log1p(-0.5 * sc.erfc(np.maximum(x, 0.0) / _SQRT2))
    return _out(np.where(x < 0, lower, upper))


def normal_logsf(x):
    r"""log(1 − Φ(x)) = log Φ(−x), accurate for all x."""
    return normal_logcdf(np.negative(x))


def normal_ppf(q):
    r"""Standard normal quantile Φ⁻¹(q).

    Parameters
    ----------
    q : array_like
        Probabilities in [0, 1], any shape. ``ppf(0) = -inf``, ``ppf(1) = inf``,
        outside [0, 1] gives ``nan``.

    Notes
    -----
    Φ⁻¹(q) = −√2 erfc⁻¹(2q) for q < ½ and √2 erfc⁻¹(2(1 − q)) for q ≥ ½. The
    subtraction 1 − q is exact for q ≥ ½ (Sterbenz), and erfc⁻¹ of a small
    argument is accurate, so both tails keep full precision:
    ``normal_ppf(1e-12)`` = −7.034483825...

    Examples
    --------
    >>> round(float(normal_ppf(0.975)), 6)
    1.959964
    """
    q = np.asarray(q, dtype=float)
    tail = np.minimum(q, 1.0 - q)  # the smaller tail; outside [0, 1] it is negative → nan
    tail *= 2.0
    z = sc.erfcinv(tail)
    z *= np.sign(q - 0.5) * _SQRT2  # sign(0) = 0 gives ppf(½) = 0; nan stays nan
    return _out(z)


def normal_isf(q):
    r"""Inverse survival function: the x with 1 − Φ(x) = q, i.e. −Φ⁻¹(q)."""
    return _out(np.negative(normal_ppf(q)))
