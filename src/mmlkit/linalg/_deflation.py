"""The deflation search shared by the implicit QR algorithms (symmetric tridiagonal and bidiagonal).

Both iterate on the trailing unreduced block ``l..p`` of a matrix whose only
off-diagonal entries are ``e[0..n−2]``: an entry ``e[k−1]`` that is negligible
next to its two diagonal neighbours (``|e| ≤ ε(|d[k−1]| + |d[k]|)``) or next to
the whole matrix (``|e| ≤ floor``) is set to zero, which splits the matrix there.
"""

from __future__ import annotations

import numpy as np

_EPS = np.finfo(float).eps
_SMALL = np.finfo(float).tiny / _EPS  # below this, entries are treated as zero (they would underflow)


def negligible_floor(d: list, e: list) -> float:
    """ε·max(|d|, |e|), at least the underflow guard: an off-diagonal entry below it is negligible
    next to the whole matrix (normwise backward stable, and away from subnormal numbers)."""
    return max(_EPS * max(max(map(abs, d)), max(map(abs, e), default=0.0)), _SMALL)


def unreduced_block(d: list, e: list, p: int, floor: float) -> int:
    """Start ``l`` of the unreduced block ending at row ``p``; zeroes the negligible ``e[l − 1]``.

    ``l == p`` means ``e[p − 1]`` is negligible: ``d[p]`` has converged (deflated).
    """
    l = p
    while l > 0 and abs(e[l - 1]) > max(_EPS * (abs(d[l - 1]) + abs(d[l])), floor):
        l -= 1
    if l > 0:
        e[l - 1] = 0.0
    return l
