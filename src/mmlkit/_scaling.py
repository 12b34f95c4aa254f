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

__all__ = ["UNSCALED_EXPONENT", "abs_max", "column_moments", "column_norms", "merge_moments", "power_of_two_scale",
           "rescale", "shift", "times_pow2", "unit_exponent"]


def abs_max(a) -> float:
    """max |a| of a float array, without a temporary |a| (0 for an empty or non-float one)."""
    if not (isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size):
        return 0.0
    return max(float(np.maximum.reduce(a, axis=None)), -float(np.minimum.reduce(a, axis=None)))


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
    amax = abs_max(np.asarray(a, dtype=np.float64))
    if not np.isfinite(amax) or amax == 0.0:
        return 0
    return int(np.frexp(amax)[1])


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


# Column moments are taken plainly when the squares are safe: a sum of squared deviations
# M₂ in [2^-900, 2^1000] lost nothing to under- or overflow; the other columns are redone scaled.
_M2_LOW, _M2_HIGH = 2.0**-900, 2.0**1000
_NO_SCALE = -(1 << 14)   # the exponent of a zero: below every float64 exponent


def column_moments(X):
    """Per-column ``(n, mean, m2, E)`` of a 2-D float array, NaNs skipped, at any finite scale.

    ``n`` counts the non-NaN entries, ``mean`` is in X's units and the sum of
    squared deviations is ``M₂ = m2 · 4**E`` (``E`` an int array). Columns whose
    plain moments are safe keep ``E = 0``; the others (a sum that overflows, a
    variance beyond float64, or squares that underflow) are recomputed on
    ``X / 2**e₁`` and deviations ``/ 2**e₂`` (exact powers of two), so the
    answer is right for any finite data. Two passes for ordinary data.
    """
    X = np.asarray(X)
    n_rows, d = X.shape
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        if n_rows and not np.isnan(X.sum()):
            n = np.full(d, float(n_rows))
            mean = X.mean(axis=0, dtype=np.float64)
            m2 = X.var(axis=0, dtype=np.float64) * n
        else:
            observed = ~np.isnan(X)
            n = observed.sum(axis=0).astype(np.float64)
            mean = np.where(observed, X, 0.0).sum(axis=0, dtype=np.float64) / np.maximum(n, 1.0)
            resid = np.where(observed, X - mean, 0.0)
            m2 = np.einsum("ij,ij->j", resid, resid, dtype=np.float64)
    E = np.zeros(d, dtype=np.int64)
    odd = (n > 0) & ~((m2 >= _M2_LOW) & (m2 <= _M2_HIGH) & np.isfinite(mean))
    if odd.any():
        Xo = np.asarray(X[:, odd], dtype=np.float64)
        observed = ~np.isnan(Xo)
        amax = np.max(np.abs(np.where(observed, Xo, 0.0)), axis=0)
        e1 = np.frexp(amax)[1]
        Xs = np.ldexp(np.where(observed, Xo, 0.0), -e1)
        ms = Xs.sum(axis=0) / n[odd]
        D = np.where(observed, Xs - ms, 0.0)
        e2 = np.frexp(np.max(np.abs(D), axis=0))[1]
        np.ldexp(D, -e2, out=D)
        mean[odd] = np.ldexp(ms, e1)
        m2[odd] = np.einsum("ij,ij->j", D, D)
        E[odd] = e1 + e2
    return n, mean, m2, E


def merge_moments(a, b):
    """Chan, Golub & LeVeque's merge of two ``(n, mean, m2, E)`` (see :func:`column_moments`).

    M₂ = M₂ₐ + M₂ᵦ + δ²·nₐnᵦ/n with δ = meanᵦ − meanₐ, every term brought to the
    largest exponent among the nonzero ones, so no step under- or overflows
    where the merged moments are representable; works elementwise on any shape.
    """
    na, ma, m2a, Ea = a
    nb, mb, m2b, Eb = b
    n = na + nb
    safe = np.maximum(n, 1.0)
    k = np.frexp(np.maximum(np.abs(ma), np.abs(mb)))[1]
    du = np.ldexp(mb, -k) - np.ldexp(ma, -k)          # δ / 2**k, exact scaling: no overflow
    mean = ma + np.ldexp(du * (nb / safe), k)
    t = du * du * (na * nb / safe)
    Ea = np.where((m2a != 0) & (na > 0), Ea, _NO_SCALE)
    Eb = np.where((m2b != 0) & (nb > 0), Eb, _NO_SCALE)
    k = np.where(t != 0, k, _NO_SCALE)
    E = np.maximum(np.maximum(Ea, Eb), k)
    with np.errstate(under="ignore"):
        m2 = (np.ldexp(np.where(na > 0, m2a, 0.0), 2 * (Ea - E)) + np.ldexp(np.where(nb > 0, m2b, 0.0), 2 * (Eb - E))
              + np.ldexp(t, 2 * (k - E)))
    E = np.where(E == _NO_SCALE, 0, E)
    return n, mean, m2, E


#: Data whose largest magnitude lies within 2^±UNSCALED_EXPONENT are fitted as given: their squares,
#: sums of squares and Gram matrices (x², n·x², d·n·x²) stay far from float64's limits.
UNSCALED_EXPONENT = 256
_UNIT_LOW, _UNIT_HIGH = 2.0 ** -(UNSCALED_EXPONENT + 1), 2.0**UNSCALED_EXPONENT


def unit_exponent(*arrays) -> int:
    """The power-of-two exponent ``e`` to fit ``arrays`` in, as ``a / 2**e``.

    0 when their largest magnitude lies within 2^±``UNSCALED_EXPONENT`` (ordinary
    data, fitted as given, no copy), else :func:`power_of_two_scale` of all of
    them together. One reduction per array for ordinary data.

    Parameters
    ----------
    *arrays : array_like
        Finite values in the same units (the data and, say, given initial centres).

    Returns
    -------
    int
    """
    top = 0.0
    for a in arrays:
        a = np.asarray(a)
        top = max(top, abs_max(a))
    if top == 0.0 or not np.isfinite(top) or _UNIT_LOW <= top < _UNIT_HIGH:
        return 0
    e = int(np.frexp(top)[1])
    return e if abs(e) > UNSCALED_EXPONENT else 0


def times_pow2(a, k, out=None):
    """``a · 2**k``, exactly as :func:`numpy.ldexp` (``k`` an int or an int array broadcasting with ``a``).

    A float multiply by the power of two is correctly rounded, so it equals
    ``ldexp`` wherever ``2**k`` is itself a float64 (``-1074 ≤ k ≤ 1023``), and
    it is several times faster; other ``k`` go through ``ldexp``. ``a`` itself
    for ``k = 0`` (without ``out``).
    """
    if np.ndim(k) == 0:
        if k == 0 and out is None:
            return a
        lo = hi = int(k)
    else:
        lo, hi = int(np.min(k)), int(np.max(k))
    if -1074 <= lo and hi <= 1023:
        return np.multiply(a, np.ldexp(1.0, k), out=out)
    return np.ldexp(a, k, out=out)


def shift(a, e):
    """:func:`times_pow2` without over- or underflow warnings: ``a · 2**e`` saturates to inf/0
    only where the result is not representable; ``a`` itself for e = 0."""
    with np.errstate(over="ignore", under="ignore"):
        return times_pow2(a, e)
