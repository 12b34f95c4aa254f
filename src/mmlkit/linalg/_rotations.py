"""Givens rotations: recorded one sweep at a time, applied to a matrix in wavefronts.

The implicit QR algorithms (symmetric tridiagonal, bidiagonal SVD) chase a
bulge with a *sweep* of rotations in the adjacent planes ``(k, k+1)``,
``k = l, …, p−1``. Computing a sweep's rotations is inherently sequential
(scalar work, O(p − l) per sweep), but applying them to the n × n matrix of
vectors is the O(n) part of each rotation, and that part can be batched.

Rotation ``(k, c, s)`` acts on rows ``k`` and ``k+1`` of ``M`` as::

    M[k]   ←  c·M[k] + s·M[k+1]
    M[k+1] ← −s·M[k] + c·M[k+1]

Two rotations commute when their planes share no row, and rotations of
different sweeps only have to keep their order where they overlap. So each
rotation gets a time step — the earliest one after every earlier rotation that
touches one of its rows (a greedy *wavefront* schedule) — and all rotations of
one time step are applied at once with fancy indexing. Many sweeps then run
side by side, and the number of array operations drops from one per rotation
(n² in all) to one per time step (a few n).
"""

from __future__ import annotations

import numpy as np


class RotationLog:
    """Sweeps of adjacent-plane Givens rotations, to be applied to the rows of a matrix."""

    def __init__(self, n: int):
        self.n = n
        self._last = np.full(n, -1, dtype=np.int64)  # last time step that touched each row
        self._k, self._t, self._c, self._s = [], [], [], []

    def add_sweep(self, start: int, c, s) -> None:
        """Record rotations in planes ``(start + j, start + j + 1)`` with cosines ``c[j]``, sines ``s[j]``."""
        L = len(c)
        if L == 0:
            return
        j = np.arange(L)
        rows = self._last[start:start + L + 1]
        # rotation j may run once both its rows are free: t0 + j > last[row] for rows start+j, start+j+1
        t0 = int(np.max(np.maximum(rows[:-1], rows[1:]) - j)) + 1
        t0 += (t0 - start) % 2  # every plane k runs at a time t ≡ k (mod 2): one parity per step
        t = t0 + j
        self._last[start:start + L] = t
        self._last[start + L] = t[-1]
        self._k.append(start + j)
        self._t.append(t)
        self._c.append(np.asarray(c, dtype=float))
        self._s.append(np.asarray(s, dtype=float))

    def flush(self, M: np.ndarray) -> None:
        """Apply every recorded rotation to the rows of ``M`` (in place) and clear the log.

        All planes of one time step share a parity, so the row pairs ``(k, k+1)``
        are whole items of ``M`` viewed as an array of 2-row blocks: each step is
        one gather, one batch of 2 × 2 matrix products, one scatter.
        """
        if not self._k:
            return
        if not M.flags.c_contiguous:  # the pair view below needs contiguous rows
            C = np.ascontiguousarray(M)
            self.flush(C)
            M[...] = C
            return
        k, t = np.concatenate(self._k), np.concatenate(self._t)
        c, s = np.concatenate(self._c), np.concatenate(self._s)
        order = np.argsort(t, kind="stable")
        k, t, c, s = k[order], t[order], c[order], s[order]
        G = np.empty((len(k), 2, 2))
        G[:, 0, 0] = G[:, 1, 1] = c
        G[:, 0, 1], G[:, 1, 0] = s, -s
        n, w = M.shape
        pairs = (M[: n - n % 2].reshape(n // 2, 2, w),                # planes (0,1), (2,3), ...
                 M[1: n - (n - 1) % 2].reshape((n - 1) // 2, 2, w))   # planes (1,2), (3,4), ...
        pair = k // 2  # plane k is pair k // 2 of the even view, (k − 1) // 2 of the odd one
        cuts = np.flatnonzero(np.diff(t)) + 1
        for lo, hi in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(t)].tolist()):
            P = pairs[t[lo] % 2]
            idx = pair[lo:hi]
            P[idx] = G[lo:hi] @ P[idx]
        self._k, self._t, self._c, self._s = [], [], [], []
        self._last[:] = -1
