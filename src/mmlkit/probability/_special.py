"""Helpers shared by the distribution-function kernels (and the table-plus-Halley quantile machinery).

Part of the kernels gathered in :mod:`mmlkit.probability._functions` (see there for
the conventions: ufunc-like broadcasting, no validation, each tail computed directly).
"""

from __future__ import annotations

import numpy as np
from scipy import special as sc

__all__ = []


_SQRT2 = np.sqrt(2.0)


def _out(a):
    """0-d arrays become NumPy scalars, as ufuncs return them."""
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


def _piecewise(masks, funcs, *args):
    """Evaluate ``funcs[i]`` on the elements where ``masks[i]`` holds, each element once.

    ``masks`` partition the broadcast shape of ``args``. Used where different
    formulas are accurate in different regions and each is a costly special
    function, so evaluating all of them everywhere would multiply the cost.
    """
    args = np.broadcast_arrays(*args)
    shape = args[0].shape
    out = np.empty(shape)
    for mask, func in zip(masks, funcs):
        mask = np.broadcast_to(mask, shape)
        if mask.all():
            out[...] = func(*args)
            return out
        if mask.any():
            out[mask] = func(*(a[mask] for a in args))
    return out


_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitting constant


def _two_prod_err(a, b):
    """The rounding error of a*b: a*b − fl(a*b) exactly (Dekker), without FMA."""
    p = a * b
    ca, cb = _SPLIT * a, _SPLIT * b
    ah = ca - (ca - a)
    bh = cb - (cb - b)
    al, bl = a - ah, b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


# --------------------------------------------------------------------------- fast quantiles
# For many quantiles of one distribution, inverting the incomplete gamma or beta
# function element by element (several forward evaluations each) is the slow
# part. Instead: tabulate exact quantiles once at 2049 nodes in normal-score
# space, interpolate log x linearly (error ~1e-6), and finish with one Halley
# step on the forward function — cubic convergence takes 1e-6 to rounding.
# Elements outside the table, or whose step was not small, fall back to the
# direct inverse, so the result is never worse than the direct method.
_TABLE_MIN_SIZE = 20_000
_Z_NODES = np.linspace(-8.5, 0.0, 2049)  # tail probabilities Φ(z) from ~1e-17 to ½
_P_NODES = 0.5 * sc.erfc(-_Z_NODES / _SQRT2)
_INV_DZ = (_Z_NODES.size - 1) / (_Z_NODES[-1] - _Z_NODES[0])


def _tail_quantile(p, tail, log_pdf, dlog_pdf, direct, *, decreasing=False, encode=None, decode=None):
    """x with tail(x) = p for tail probabilities p ≤ ½ (1-D array), by table + Halley steps.

    ``tail`` is the function inverted (a cdf, or an sf with ``decreasing``),
    ``log_pdf`` and ``dlog_pdf`` the log-density and its x-derivative, and
    ``direct`` the elementwise inverse used for the table and the fallback.
    The table interpolates u = encode(x, z) (default log x) linearly in the
    normal score z, and x = decode(u, z). One Halley step takes the
    interpolation error (≲1e-5) to rounding; where
    the first step was larger than 1e-5 relative (strongly curved tables, e.g.
    shapes ≪ 1) a second step is taken on those elements; where it was larger
    than 1e-3 the direct inverse is used.
    """
    if encode is None:
        encode, decode = (lambda x, z: np.log(x)), (lambda u, z: np.exp(u))
    node_x = direct(_P_NODES)
    z = -_SQRT2 * sc.erfcinv(2.0 * p)  # Φ⁻¹(p) ≤ 0
    inside = (z >= _Z_NODES[0]) & (p > 0) & (p <= 0.5)
    sign = -1.0 if decreasing else 1.0

    def halley(x0, p_):
        # h = tail(x) − p with h′ = ±f and h″ = ±f·(log f)′: Newton step r = h/h′, then Halley
        r = sign * (tail(x0) - p_) / np.exp(log_pdf(x0))
        return x0 - r / (1.0 - 0.5 * r * dlog_pdf(x0))

    with np.errstate(all="ignore"):
        # linear interpolation on the uniform grid of nodes (no binary search)
        u_nodes = encode(node_x, _Z_NODES)
        pos = np.clip((z - _Z_NODES[0]) * _INV_DZ, 0.0, _Z_NODES.size - 1.000001)
        j = pos.astype(np.intp)
        w = pos - j
        x0 = decode(u_nodes[j] + w * (u_nodes[j + 1] - u_nodes[j]), z)
        x = halley(x0, p)
        step = np.abs(x - x0) / x0
        again = inside & (step > 1e-5) & (step <= 1e-3)
        if again.any():
            x1 = x[again]
            x[again] = x2 = halley(x1, p[again])
            step[again] = np.abs(x2 - x1) / x1 * 1e2  # the second step must be ≤ 1e-5 too
        ok = inside & (step <= 1e-3) & (x > 0)
    if not ok.all():
        bad = ~ok
        x[bad] = direct(p[bad])
    return x


def _use_table(q, *params):
    return np.size(q) >= _TABLE_MIN_SIZE and all(np.size(v) == 1 and float(v) > 0 for v in params)
