"""Streaming mean and variance: Welford's update and Chan's parallel merge."""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit._validation import as_float_array, validate_args
from mmlkit.stats._results import DDOF

__all__ = ["RunningStats"]


class RunningStats:
    """Mean and variance of a stream, in one pass and constant memory.

    Parameters
    ----------
    ddof : int, default=0
        Delta degrees of freedom of :attr:`var` (0: population variance,
        1: unbiased sample variance).

    Attributes
    ----------
    count : int
        Number of observations seen.
    mean : float or ndarray
        Running mean (an array of the observations' shape when they are vectors).
    var : float or ndarray
        ``M₂ / (count − ddof)``.
    std : float or ndarray
        ``√var``.

    Notes
    -----
    The state is ``(n, x̄, M₂)`` with ``M₂ = Σ (xᵢ − x̄)²``. Welford's update
    for one observation x::

        n ← n + 1;  δ = x − x̄;  x̄ ← x̄ + δ/n;  M₂ ← M₂ + δ (x − x̄)

    Two summaries (n_a, x̄_a, M₂a) and (n_b, x̄_b, M₂b) merge exactly by
    Chan et al.'s formula, with δ = x̄_b − x̄_a and n = n_a + n_b::

        x̄ = x̄_a + δ n_b / n;   M₂ = M₂a + M₂b + δ² n_a n_b / n

    A batch is summarised with two vectorised passes and merged the same
    way, so ``update`` costs O(batch) with no Python loop over its rows. Both
    avoid the catastrophic cancellation of ``Σx² − n x̄²``.

    Examples
    --------
    >>> rs = RunningStats()
    >>> rs.update(1.0).update([2.0, 3.0, 4.0])
    RunningStats(count=4, mean=2.5, var=1.25)
    >>> rs.merge(RunningStats().update([10.0])).mean
    4.0
    """

    @validate_args(DDOF)
    def __init__(self, ddof: int = 0):
        self.ddof = ddof
        self.count = 0
        self._mean = None
        self._m2 = None

    def __repr__(self) -> str:
        if self.count == 0:
            return "RunningStats(count=0)"
        var = self.var if self.count > self.ddof else float("nan")
        return f"RunningStats(count={self.count}, mean={self.mean!r}, var={var!r})"

    def _combine(self, n_b, mean_b, m2_b) -> None:
        if self.count == 0:
            self.count, self._mean, self._m2 = n_b, mean_b, m2_b
            return
        if np.shape(mean_b) != np.shape(self._mean):
            raise ValueError(
                f"observations must have shape {np.shape(self._mean)} like the earlier ones, got {np.shape(mean_b)}"
            )
        n_a = self.count
        n = n_a + n_b
        delta = mean_b - self._mean
        self._mean = self._mean + delta * (n_b / n)
        self._m2 = self._m2 + m2_b + delta * delta * (n_a * n_b / n)
        self.count = n

    def update(self, x) -> RunningStats:
        """Add one observation (a scalar or a vector) or a batch of them.

        Parameters
        ----------
        x : float or array_like of shape (n_batch,) or (n_batch, *shape)
            A scalar is one observation. An array is a batch whose first axis
            runs over observations, unless the stream already holds vector
            observations of shape ``x.shape`` (then x is one observation).

        Returns
        -------
        RunningStats
            ``self``, so that updates chain.
        """
        if isinstance(x, numbers.Real) and not isinstance(x, bool):
            x = float(x)
            if x != x or x in (float("inf"), float("-inf")):
                raise ValueError("x must be finite, but it contains " + ("NaN" if x != x else "infinity"))
            if self._mean is None or np.ndim(self._mean) == 0:
                # Welford's scalar step, on Python floats
                n = self.count + 1
                mean = 0.0 if self._mean is None else self._mean
                m2 = 0.0 if self._m2 is None else self._m2
                delta = x - mean
                mean += delta / n
                self.count, self._mean, self._m2 = n, mean, m2 + delta * (x - mean)
                return self
        x = as_float_array(x, "x", dtype=np.float64)
        if x.ndim == 0 or (self._mean is not None and x.shape == np.shape(self._mean) and np.ndim(self._mean) > 0):
            x = x[None]
        n_b = x.shape[0]
        mean_b = x.mean(axis=0)
        d = x - mean_b
        m2_b = np.einsum("i...,i...->...", d, d)
        if mean_b.ndim == 0:
            mean_b, m2_b = float(mean_b), float(m2_b)
        self._combine(n_b, mean_b, m2_b)
        return self

    def merge(self, other: RunningStats) -> RunningStats:
        """A new summary of both streams together (Chan's formula); neither input changes.

        Parameters
        ----------
        other : RunningStats

        Returns
        -------
        RunningStats
            With ``self.ddof``.
        """
        if not isinstance(other, RunningStats):
            raise ValueError(f"other must be a RunningStats, got {type(other).__name__}")
        out = RunningStats(self.ddof)
        out.count, out._mean, out._m2 = self.count, self._mean, self._m2
        if other.count:
            out._combine(other.count, other._mean, other._m2)
        return out

    __add__ = merge

    def _need(self, k: int, what: str) -> None:
        if self.count < k:
            raise ValueError(f"{what} needs at least {k} observation(s), got {self.count}")

    @property
    def mean(self):
        """The running mean."""
        self._need(1, "mean")
        return self._mean

    @property
    def var(self):
        """The running variance ``M₂ / (count − ddof)``."""
        self._need(self.ddof + 1, f"var with ddof={self.ddof}")
        return self._m2 / (self.count - self.ddof)

    @property
    def std(self):
        """The running standard deviation."""
        return np.sqrt(self.var) if np.ndim(self._m2) else float(np.sqrt(self.var))
