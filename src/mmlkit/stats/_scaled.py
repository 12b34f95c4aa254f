"""Moments computed at any finite scale: the data are rescaled by exact powers of two.

Every moment-based statistic of ``mmlkit.stats`` goes through :func:`centred`,
which returns the mean in the data's own units and the deviations from it
divided by ``2**E`` so that their largest magnitude lies in ``[1/2, 1)``.
Sums of squares, cubes and fourth powers of those deviations can neither
overflow nor underflow, whatever the scale of the data (1e-300 or 1e300), and
dividing by a power of two is exact, so nothing is lost: a statistic
invariant under scaling (t, z, F, r, skewness, kurtosis, z-scores) is read
off the scaled deviations directly, and a scale-equivariant one (a standard
deviation) is multiplied back by the power of two, which saturates to ``inf``
or ``0`` only when the true answer is not representable.

Most data need no rescaling at all, and since scaling by a power of two is
exact, skipping it changes no bit where nothing over- or underflows: the
mean and deviations are first formed in the data's own units and kept when
their magnitudes show that nothing did (:func:`centred`, :func:`scaled_var`);
only data near the ends of the float64 range take the rescaled route.
"""

from __future__ import annotations

import numpy as np

from mmlkit._scaling import times_pow2
from mmlkit._validation import check_finite

__all__ = ["centred", "common", "exponent", "scaled_var"]


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


#: A spread (largest deviation from the mean) at or above this, with a finite mean, means that the
#: plain computation in the data's own units neither overflowed nor underflowed where it matters.
_SAFE_SPREAD = 2.0 ** -400


def _plain(x, axis, n):
    """``(mean, x − mean)`` in the data's units, the mean kept along ``axis``; no checks."""
    with np.errstate(over="ignore", invalid="ignore"):
        m = np.add.reduce(x, axis=axis, keepdims=True) / n
        return m, np.subtract(x, m)


def _spread(d, axis):
    """``max |d|`` along ``axis`` (kept), from the max and the min: two passes and no temporary."""
    return np.maximum(np.max(d, axis=axis, keepdims=True), -np.min(d, axis=axis, keepdims=True))


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
    First the plain way: the mean and the deviations in the data's own units,
    then one exact rescaling by ``2**E ≈ max |x − x̄|``. That is kept when the
    mean is finite and the spread is 0 or at least 2⁻⁴⁰⁰ (so nothing that
    matters over- or underflowed). Otherwise two exact rescalings: by
    ``2**e₁ ≈ max |x|`` (so the sum for the mean cannot overflow), then by
    ``2**e₂ ≈ max |x/2**e₁ − x̄/2**e₁|``; ``E = e₁ + e₂``. Both routes give the
    same bits where nothing over- or underflows, since a power-of-two scaling
    is exact. Five passes over the data (about twice that on the rescaled route), O(n).
    """
    n = x.size if axis is None else x.shape[axis]
    m, d = _plain(x, axis, n)
    with np.errstate(invalid="ignore"):
        dmax = _spread(d, axis)
    if np.all(np.isfinite(m)) and np.all(((dmax >= _SAFE_SPREAD) & (dmax < np.inf)) | (dmax == 0)):
        E = exponent(dmax)
        times_pow2(d, -E, out=d)
    else:
        amax = np.max(np.abs(x), axis=axis, keepdims=True)
        if not np.all(np.isfinite(amax)):
            check_finite(x, name)
        e1 = exponent(amax)
        xs = times_pow2(x, -e1)
        ms = np.add.reduce(xs, axis=axis, keepdims=True) / n
        d = np.subtract(xs, ms, out=d)
        e2 = exponent(_spread(d, axis))
        times_pow2(d, -e2, out=d)
        m = times_pow2(ms, e1)
        E = e1 + e2
    if axis is None:
        return float(m.reshape(())), d, int(E.reshape(()))
    return np.squeeze(m, axis=axis), d, np.squeeze(E, axis=axis)


def scaled_var(x: np.ndarray, axis, ddof: int, name: str = "x"):
    """``(v, E)``: the variance of ``x`` along ``axis`` is ``v · 4**E``, with ``v`` free of over- and underflow.

    The plain two-pass variance first (``E = 0``), kept when it is finite and
    at least 2⁻⁸⁰⁰ (so no square that matters under- or overflowed: then it
    has the same bits as the rescaled one); otherwise the sum of squares of
    :func:`centred`'s deviations. Non-finite data raise ``ValueError`` naming ``name``.
    """
    n = x.size if axis is None else x.shape[axis]
    _, d = _plain(x, axis, n)
    with np.errstate(over="ignore", invalid="ignore"):
        np.multiply(d, d, out=d)
        v = np.add.reduce(d, axis=axis) / (n - ddof)
    if np.all((v >= _SAFE_SPREAD**2) & (v < np.inf)):
        return v, 0
    _, d, E = centred(x, axis, name)
    np.multiply(d, d, out=d)
    return np.add.reduce(d, axis=axis) / (n - ddof), E


def common(v1, E1, v2, E2, power: int = 2):
    """Bring two scaled quantities ``vᵢ · 2**(power·Eᵢ)`` to the larger exponent.

    Returns ``(v1', v2', E)`` with ``vᵢ' = vᵢ · 2**(power·(Eᵢ − E))`` and ``E = max(E1, E2)``
    over the nonzero ``vᵢ`` (a zero carries no scale).
    """
    E = np.maximum(np.where(v1 != 0, E1, E2), np.where(v2 != 0, E2, E1))
    return times_pow2(v1, power * (E1 - E)), times_pow2(v2, power * (E2 - E)), E
