"""Hypothesis strategies for the exercises' inputs (imported only when grading)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mmlkit.exercises._core import Fn

__all__ = ["st", "hnp", "floats", "vec", "mat", "prob", "sizes", "labels", "spd", "sym_gap", "with_n", "Fn"]


def floats(lo: float = -10.0, hi: float = 10.0):
    """Finite float64 in [lo, hi] with three decimals (readable counterexamples, no denormal dust)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64).map(
        lambda x: float(min(max(round(x, 3), lo), hi)))


def vec(n, lo: float = -10.0, hi: float = 10.0):
    """A float vector of length ``n`` (an int or a strategy of ints)."""
    return hnp.arrays(np.float64, n, elements=floats(lo, hi))


def mat(shape, lo: float = -10.0, hi: float = 10.0):
    return hnp.arrays(np.float64, shape, elements=floats(lo, hi))


def sizes(lo: int = 1, hi: int = 6):
    return st.integers(lo, hi)


def with_n(build, lo: int = 1, hi: int = 6):
    """``build(n)`` for a drawn size n: arguments that share a length."""
    return sizes(lo, hi).flatmap(build)


def prob(n, zeros: bool = True):
    """A probability vector of length ``n``, zeros allowed (at least one entry positive)."""
    lo = 0.0 if zeros else 0.01
    return vec(n, lo, 1.0).filter(lambda a: a.sum() > 0.05).map(lambda a: a / a.sum())


def labels(n, k: int = 2):
    return hnp.arrays(np.int64, n, elements=st.integers(0, k - 1))


def spd(n):
    """A symmetric positive definite n×n matrix, condition number at most about 1e4."""
    return st.tuples(mat((n, n), -1, 1), vec(n, 1e-2, 10.0)).map(
        lambda t: _orth(t[0]) @ np.diag(t[1]) @ _orth(t[0]).T)


def sym_gap(n, gap: float = 0.8):
    """A symmetric n×n matrix whose dominant eigenvalue (in modulus) beats the others by a factor 1/gap."""
    def build(t):
        A, lam, top, sign = t
        lam = lam * gap * top
        lam[0] = sign * top
        Q = _orth(A)
        return Q @ np.diag(lam) @ Q.T
    return st.tuples(mat((n, n), -1, 1), vec(n, -1.0, 1.0), floats(0.5, 10.0), st.sampled_from([1.0, -1.0])).map(build)


def _orth(A):
    """An orthogonal matrix from any square A (QR of A + 3I, which is never singular for |A| ≤ 1 entries... almost)."""
    n = A.shape[0]
    Q, R = np.linalg.qr(A + 3.0 * np.eye(n) + np.tri(n, k=-1) * 0.5)
    return Q * np.sign(np.diag(R))
