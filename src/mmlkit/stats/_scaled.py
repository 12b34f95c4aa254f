"""Moments computed at any finite scale: the data are rescaled by exact powers of two.

Every moment-based statistic of ``mmlkit.stats`` goes through :func:`centred`,
which returns the mean in the data's own units and the deviations from it
divided by ``2**E`` so that their largest magnitude lies in ``[1/2, 1)``.
Sums of squares, cubes and fourth powers of those deviations can neither
overflow nor underflow, whatever the scale of the data (1e-300 or 1e300), and
dividing by a power of two is exact, so nothing is lost: a statistic
invariant under scaling (t, z, F, r, skewness, kurtosis, z-scores) is read
off the scaled deviations directly, and a scale-equivariant one (a standard
deviation) is multiplied back with ``ldexp``, which saturates to ``inf`` or
``0`` only when the true answer is not representable.
"""

from __future__ import annotations

import numpy as np

from mmlkit._validation import check_finite

__all__ = ["centred", "common", "exponent"]


def exponent(amax):
    """The integer ``e`` with ``amax / 2**e`` in ``[1/2, 1)`` (0 where ``amax`` is 0).

    Parameters
    ----------
    amax : float or ndarray
        Non-negative finite magnitudes.

    Returns
    -------
    int or ndarray of int
    """
    return np.frexp(amax)[1]


def centred(x: np.ndarray, axis, name: str = "x"):
    """Mean and power-of-two-scaled deviations of ``x`` along ``axis``.

    Parameters
    ----------
    x : ndarray
        Data (any finite scale; at least one observation along ``axis``);
        non-finite data raise ``ValueError`` naming ``name``.
    axis : int or None
        Axis of observations; None uses every element.
    name : str
        The argument's name for error messages.

    Returns
    -------
    mean : float or ndarray
        The mean in the data's units (the reduced shape).
    d : ndarray
        ``(x − mean) / 2**E``, the shape of ``x``; ``max |d|`` along ``axis`` is in
        ``[1/2, 1)`` or 0 for constant data.
    E : int or ndarray of int
        The exponents (the reduced shape).

    Notes
    -----
    Two exact rescalings: by ``2**e₁ ≈ max |x|`` (so the sum for the mean
    cannot overflow), then by ``2**e₂ ≈ max |x/2**e₁ − x̄/2**e₁|``; ``E = e₁ + e₂``.
    Three passes over the data, O(n).
    """
    amax = np.max(np.abs(x), axis=axis, keepdims=True)
    if not np.all(np.isfinite(amax)):
        check_finite(x, name)
    e1 = exponent(amax)
    xs = np.ldexp(x, -e1)
    n = x.size if axis is None else x.shape[axis]
    ms = np.add.reduce(xs, axis=axis, keepdims=True) / n
    d = xs - ms
    e2 = exponent(np.max(np.abs(d), axis=axis, keepdims=True))
    np.ldexp(d, -e2, out=d)
    mean = np.ldexp(ms, e1)
    E = e1 + e2
    if axis is None:
        return float(mean.reshape(())), d, int(E.reshape(()))
    return np.squeeze(mean, axis=axis), d, np.squeeze(E, axis=axis)


def common(v1, E1, v2, E2, power: int = 2):
    """Bring two scaled quantities ``vᵢ · 2**(power·Eᵢ)`` to the larger exponent.

    Returns ``(v1', v2', E)`` with ``vᵢ' = vᵢ · 2**(power·(Eᵢ − E))`` and ``E = max(E1, E2)``
    over the nonzero ``vᵢ`` (a zero carries no scale).
    """
    E = np.maximum(np.where(v1 != 0, E1, E2), np.where(v2 != 0, E2, E1))
    return np.ldexp(v1, power * (E1 - E)), np.ldexp(v2, power * (E2 - E)), E
