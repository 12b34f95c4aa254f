"""Exact power-of-two rescaling at the public boundary of scale-sensitive fits.

An estimator whose arithmetic overflows or underflows for data near the ends
of the float64 range (×1e±300) fits on ``X / 2**e_x`` and ``y / 2**e_y``
instead, with every penalty converted to the new units, and converts the
fitted attributes back with :func:`numpy.ldexp`.  Dividing by a power of two
is exact, so nothing is lost; ``ldexp`` saturates to ``inf`` or ``0`` only
when the true answer itself is not representable.
"""

from __future__ import annotations

import numpy as np

__all__ = ["column_norms", "extreme_scale", "power_of_two_scale", "rescale"]


def power_of_two_scale(a) -> int:
    """The integer ``e`` with ``max |a| / 2**e`` in ``[1/2, 1)`` (0 for all-zero or empty ``a``).

    Parameters
    ----------
    a : array_like
        Finite values.

    Returns
    -------
    int
    """
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        return 0
    amax = max(float(a.max()), -float(a.min()))   # max |a| without a temporary |a|
    if not np.isfinite(amax) or amax == 0.0:
        return 0
    return int(np.frexp(amax)[1])


#: Data whose largest magnitude lies within 2^±UNSCALED_EXPONENT are fit as given: their squares,
#: sums of squares and Gram matrices stay far from float64's limits.
UNSCALED_EXPONENT = 256


def extreme_scale(*arrays) -> int:
    """The power-of-two exponent to fit ``arrays`` in: 0 when their largest magnitude lies
    within 2^±``UNSCALED_EXPONENT`` (ordinary data, fit as given, no copy), else
    :func:`power_of_two_scale` of all of them together.

    Parameters
    ----------
    *arrays : array_like
        Finite values (the data and, say, given initial centres), all in the same units.

    Returns
    -------
    int
    """
    top = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=np.float64)
        if a.size:
            top = max(top, float(a.max()), -float(a.min()))
    if not np.isfinite(top) or top == 0.0:
        return 0
    e = int(np.frexp(top)[1])
    return e if abs(e) > UNSCALED_EXPONENT else 0


def rescale(a, e: int) -> np.ndarray:
    """``a / 2**e`` exactly (a new array; the input is never modified)."""
    return np.ldexp(np.asarray(a, dtype=np.float64), -int(e))


_SQ_LOW, _SQ_HIGH = np.finfo(np.float64).tiny / np.finfo(np.float64).eps, 1e290


def column_norms(A: np.ndarray) -> np.ndarray:
    """‖aⱼ‖₂ of each column of a 2-D float64 ``A``, without under- or overflow.

    One product ``Σᵢ aᵢⱼ²`` where no square under- or overflows; the columns
    where one would (zero, tiny or huge ones: rare) again as ``s·‖a/s‖`` with
    ``s = max |aᵢⱼ|``.
    """
    sq = np.einsum("ij,ij->j", A, A)
    norms = np.sqrt(sq)
    odd = ~((sq > _SQ_LOW) & (sq < _SQ_HIGH))
    if odd.any():
        amax = np.max(np.abs(A[:, odd]), axis=0)
        safe = np.where(amax > 0, amax, 1.0)
        norms[odd] = np.sqrt(np.einsum("ij,ij->j", A[:, odd] / safe, A[:, odd] / safe)) * amax
    return norms
