"""Boundary checks shared by the linalg functions (thin wrappers over ``mmlkit._validation``).

Every public function converts its input with one of these, so all of them
reject NaN, infinity, empty arrays and wrong shapes with the same messages, and
all of them work on a float64 copy: the caller's array is never modified.
float32 input is accepted and computed in float64 (results are float64).
"""

from __future__ import annotations

import numpy as np

from mmlkit._validation import as_float_array, check_square


def as_matrix(A, name: str = "A", *, square: bool = False) -> np.ndarray:
    """A fresh float64 2-D copy of ``A`` (finite, non-empty, square when asked)."""
    M = as_float_array(A, name, ndim=2, dtype=np.float64, copy=True)
    if square:
        check_square(M, name)
    return M


def as_vector(x, name: str) -> np.ndarray:
    """A fresh float64 1-D copy of ``x`` (finite, non-empty)."""
    return as_float_array(x, name, ndim=1, dtype=np.float64, copy=True)
