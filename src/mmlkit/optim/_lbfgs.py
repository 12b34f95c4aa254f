"""The L-BFGS memory: the last m curvature pairs and the product of their inverse-Hessian estimate.

Two forms of the same product, equal to rounding: the compact representation
(:meth:`LBFGSMemory.times`, the fast path) and the two-loop recursion
(:meth:`LBFGSMemory.two_loop`, the textbook version).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dtrsv


class LBFGSMemory:
    r"""The pairs (sᵢ, yᵢ) = (xᵢ₊₁ − xᵢ, ∇fᵢ₊₁ − ∇fᵢ), i = 1..k ≤ m, and the product Hₖg.

    Hₖ is the L-BFGS inverse-Hessian estimate: k BFGS updates of H⁰ = γI,
    γ = sₖᵀyₖ / yₖᵀyₖ (the newest pair), applied oldest first.

    Parameters
    ----------
    m : int
        Number of pairs kept (the oldest is dropped when a new one arrives).
    n : int
        Dimension of x.

    Notes
    -----
    The compact representation (Byrd, Nocedal & Schnabel 1994; Nocedal & Wright
    (7.24)), with S = [s₁ … sₖ] and Y = [y₁ … yₖ] of shape (n, k), R the upper
    triangle of SᵀY (Rᵢⱼ = sᵢᵀyⱼ, i ≤ j) and D = diag(sᵢᵀyᵢ):

        Hₖ = γI + [S  γY] [[R⁻ᵀ(D + γYᵀY)R⁻¹, −R⁻ᵀ], [−R⁻¹, 0]] [S  γY]ᵀ,

    so with u = R⁻¹Sᵀg and p = R⁻ᵀ((D + γYᵀY)u − γYᵀg),

        Hₖg = γg + Sp − γYu.

    R and YᵀY (k×k) are kept and grow by one column per new pair (one product
    of the stored pairs with y), so a product costs two passes over the (2k, n)
    pairs and two k×k triangular solves: O(kn + k²) in a handful of array
    operations. The two-loop recursion computes the same vector in 4k vector
    operations (O(kn) too, but each one a Python-level step, which dominates
    on small problems); it is kept as :meth:`two_loop`.

    The pairs live as rows of one (2m, n) array, sᵢ and yᵢ side by side, in a
    ring: the oldest slot is overwritten once m pairs are held, and only the
    k×k matrices (kept oldest first) are shifted.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag([1.0, 2.0, 4.0])
    >>> memory = LBFGSMemory(5, 3)
    >>> for s in np.eye(3):                 # three pairs from the quadratic ½xᵀAx
    ...     memory.push(s, A @ s, float(s @ A @ s))
    >>> np.allclose(memory.times(np.ones(3)), np.linalg.solve(A, np.ones(3)))
    True
    >>> np.allclose(memory.times(np.ones(3)), memory.two_loop(np.ones(3)))
    True
    """

    def __init__(self, m, n):
        self.m, self.n = m, n
        self.k = 0            # pairs held
        self.head = 0         # ring slot of the oldest pair (0 until the ring has wrapped)
        self.pairs = None     # (2m, n): rows 2j, 2j + 1 are s and y of ring slot j (allocated on first push)
        self.R = np.zeros((m, m))    # R[i, j] = sᵢᵀyⱼ for i ≤ j, oldest pair first
        self.YY = np.zeros((m, m))   # YᵀY, oldest pair first

    def __len__(self):
        return self.k

    def clear(self):
        """Forget every pair (a restart from steepest descent)."""
        self.k = self.head = 0

    def _order(self):
        """The ring slots oldest first, or None while they are 0..k−1 in order."""
        return None if self.head == 0 else (np.arange(self.k) + self.head) % self.m

    def push(self, s, y, sy):
        """Add the pair (s, y) with sᵀy = ``sy`` > 0 (computed by the caller), dropping the oldest if full."""
        m, R, YY = self.m, self.R, self.YY
        if self.pairs is None:
            self.pairs = np.empty((2 * m, self.n))
        if self.k < m:
            slot = self.k
            self.k += 1
        else:
            slot, self.head = self.head, (self.head + 1) % m
            R[:-1, :-1] = R[1:, 1:]
            YY[:-1, :-1] = YY[1:, 1:]
        self.pairs[2 * slot] = s
        self.pairs[2 * slot + 1] = y
        k = self.k
        v = self.pairs[:2 * k] @ y            # sᵢᵀy and yᵢᵀy, in slot order
        order = self._order()
        sy_col, yy_col = (v[0::2], v[1::2]) if order is None else (v[0::2][order], v[1::2][order])
        R[:k, k - 1] = sy_col
        YY[:k, k - 1] = yy_col
        YY[k - 1, :k] = yy_col
        R[k - 1, k - 1] = sy                  # the diagonal as the caller computed it (it sets ρ = 1/sᵀy)

    def times(self, g):
        """Hₖg by the compact representation (g itself when no pair is held)."""
        k = self.k
        if k == 0:
            return g.copy()
        pairs = self.pairs[:2 * k]
        v = pairs @ g
        order = self._order()
        Stg, Ytg = (v[0::2], v[1::2]) if order is None else (v[0::2][order], v[1::2][order])
        R, YY = self.R[:k, :k], self.YY[:k, :k]
        gamma = R[-1, -1] / YY[-1, -1]
        u = dtrsv(R, Stg)                                            # R⁻¹Sᵀg
        p = dtrsv(R, np.diagonal(R) * u + gamma * (YY @ u - Ytg), trans=1)
        coef = np.empty(2 * k)                                       # [p | −γu], interleaved in slot order
        slots = slice(None) if order is None else order
        coef[0::2][slots] = p
        coef[1::2][slots] = -gamma * u
        out = coef @ pairs
        out += gamma * g
        return out

    def two_loop(self, g):
        """Hₖg by the two-loop recursion (Nocedal & Wright, Algorithm 7.4): the textbook version of :meth:`times`."""
        order = np.arange(self.k) if self._order() is None else self._order()
        pairs = [(self.pairs[2 * j], self.pairs[2 * j + 1], 1.0 / self.R[i, i]) for i, j in enumerate(order)]
        q = g.copy()
        alphas = []
        for s, y, rho in reversed(pairs):
            a = rho * float(s @ q)
            q -= a * y
            alphas.append(a)
        if pairs:
            s, y, _ = pairs[-1]
            q *= float(s @ y) / float(y @ y)
        for (s, y, rho), a in zip(pairs, reversed(alphas)):
            b = rho * float(y @ q)
            q += (a - b) * s
        return q
