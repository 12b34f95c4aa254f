"""Triangular solves, blocked so that almost all the work is matrix products.

``trsm(T, B, lower=..., unit=...)`` solves ``T X = B`` for a triangular ``T``
(n × n) and a block of right-hand sides ``B`` (n × k). It splits ``T`` in two
halves recursively::

    [T11  0 ] [X1]   [B1]        X1 = T11⁻¹ B1
    [T21 T22] [X2] = [B2]   →    X2 = T22⁻¹ (B2 − T21 X1)

so the off-diagonal work ``T21 X1`` is one BLAS-3 product per level, and only
blocks of at most ``_LEAF`` rows are solved row by row (forward/back
substitution, each row vectorised over the k right-hand sides). Cost: n² k
flops, as for any triangular solve.
"""

from __future__ import annotations

import numpy as np

_LEAF = 32


def trsm(T: np.ndarray, B: np.ndarray, *, lower: bool, unit: bool = False) -> np.ndarray:
    """Solve ``T X = B`` (``B`` 1-D or 2-D); returns a new array, inputs untouched."""
    vec = B.ndim == 1
    X = np.array(B, dtype=np.result_type(T, B, np.float64), copy=True)
    if vec:
        X = X[:, None]
    _solve_inplace(T, X, lower, unit)
    return X[:, 0] if vec else X


def _solve_inplace(T, X, lower, unit):
    n = T.shape[0]
    if n <= _LEAF:
        rows = range(n) if lower else range(n - 1, -1, -1)
        for i in rows:
            done = slice(0, i) if lower else slice(i + 1, n)
            if (i > 0 if lower else i < n - 1):
                X[i] -= T[i, done] @ X[done]
            if not unit:
                X[i] /= T[i, i]
        return
    h = n // 2
    if lower:
        _solve_inplace(T[:h, :h], X[:h], lower, unit)
        X[h:] -= T[h:, :h] @ X[:h]
        _solve_inplace(T[h:, h:], X[h:], lower, unit)
    else:
        _solve_inplace(T[h:, h:], X[h:], lower, unit)
        X[:h] -= T[:h, h:] @ X[h:]
        _solve_inplace(T[:h, :h], X[:h], lower, unit)
