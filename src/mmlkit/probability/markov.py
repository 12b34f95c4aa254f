"""Discrete-time Markov chains on a finite state space.

A Markov chain is a row-stochastic matrix ``P`` (``P[i, j]`` is the
probability of moving from state ``i`` to state ``j``). Everything about the
chain's long-run behaviour is linear algebra on ``P``: distributions evolve
as row vectors, ``p_{n} = p_0 Pⁿ``; the stationary distribution is a left
eigenvector for eigenvalue 1; absorption probabilities solve a linear system
in the transient block.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import reduce

import numpy as np

from mmlkit._validation import (
    Interval,
    Options,
    as_float_array,
    check_int_sequence,
    check_random_state,
    check_square,
    validate_args,
)

__all__ = ["AbsorptionResult", "MarkovChain"]


def _check_transition_matrix(P, name: str = "P", atol: float = 1e-8) -> np.ndarray:
    P = as_float_array(P, name, ndim=2)
    check_square(P, name)
    if (P < 0).any():
        raise ValueError(f"{name} must have non-negative entries (transition probabilities)")
    sums = P.sum(axis=1)
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"each row of {name} must sum to 1, got row sums {np.round(sums, 6)}")
    return P


def _reachability(adjacency: np.ndarray) -> np.ndarray:
    """Boolean matrix ``R[i, j]``: j can be reached from i in zero or more steps.

    Repeated squaring of ``I + A`` (as a 0/1 matrix product): ⌈log₂ k⌉
    matrix products, O(k³ log k).
    """
    k = adjacency.shape[0]
    R = (adjacency | np.eye(k, dtype=bool)).astype(np.float64)
    for _ in range(max(1, math.ceil(math.log2(max(k, 2))))):
        R = ((R @ R) > 0).astype(np.float64)
    return R > 0


@dataclass(frozen=True)
class AbsorptionResult:
    """Absorption analysis of a chain with absorbing states.

    Attributes
    ----------
    transient_states : ndarray of shape (n_transient,)
        Indices of the transient (non-absorbing) states.
    absorbing_states : ndarray of shape (n_absorbing,)
        Indices of the absorbing states (``P[i, i] == 1``).
    probabilities : ndarray of shape (n_transient, n_absorbing)
        ``probabilities[i, j]``: probability that the chain started in
        ``transient_states[i]`` is absorbed in ``absorbing_states[j]``.
    expected_steps : ndarray of shape (n_transient,)
        Expected number of steps before absorption from each transient state.
    fundamental_matrix : ndarray of shape (n_transient, n_transient)
        ``N = (I − Q)⁻¹``: expected visits to transient state j starting from i.
    """

    transient_states: np.ndarray
    absorbing_states: np.ndarray
    probabilities: np.ndarray
    expected_steps: np.ndarray
    fundamental_matrix: np.ndarray


def _stochastic(M: np.ndarray) -> np.ndarray:
    """M with its rows projected back to probability vectors (clip at 0, divide by the row sums)."""
    np.maximum(M, 0.0, out=M)
    M /= M.sum(axis=1, keepdims=True)
    return M


class MarkovChain:
    """A time-homogeneous Markov chain on the states ``0, …, k−1``.

    Parameters
    ----------
    P : array_like of shape (k, k)
        Transition matrix; ``P[i, j] = Pr(X_{t+1} = j | X_t = i)``. Entries must
        be non-negative and every row must sum to 1 (within 1e-8).
    states : sequence of length k, optional
        Labels for the states (used by :meth:`sample` when ``labels=True``
        and by plots). Defaults to ``0, …, k−1``.

    Attributes
    ----------
    P : ndarray of shape (k, k)
        A private copy of the transition matrix.
    n_states : int
        The number of states ``k``.

    Notes
    -----
    Distributions are row vectors: ``p_{t+1} = p_t P`` and ``p_n = p_0 Pⁿ``.
    A distribution π with ``π P = π`` is stationary. An irreducible chain
    (every state reachable from every other) has exactly one; if it is also
    aperiodic (the gcd of return times is 1), ``p_0 Pⁿ → π`` from any start.

    Examples
    --------
    >>> chain = MarkovChain([[0.9, 0.1], [0.5, 0.5]])
    >>> chain.stationary().round(4)
    array([0.8333, 0.1667])
    >>> chain.step_distribution([1.0, 0.0], 2).round(4)
    array([0.86, 0.14])
    """

    def __init__(self, P, states=None):
        self.P = _check_transition_matrix(P).copy()
        self.P.setflags(write=False)
        self.n_states = self.P.shape[0]
        if states is None:
            states = list(range(self.n_states))
        states = list(states)
        if len(states) != self.n_states:
            raise ValueError(f"states must have {self.n_states} labels (one per row of P), got {len(states)}")
        self.states = states

    def __repr__(self) -> str:
        return f"MarkovChain(n_states={self.n_states})"

    # ------------------------------------------------------------------ construction
    @classmethod
    @validate_args({"n_states": [None, Interval(numbers.Integral, 1, None)],
                    "pseudo_count": [Interval(numbers.Real, 0.0, None)]})
    def fit(cls, sequences, n_states: int | None = None, pseudo_count: float = 0.0) -> MarkovChain:
        """Maximum-likelihood (or smoothed) transition matrix from observed state sequences.

        Parameters
        ----------
        sequences : array_like of int, shape (T,), or a list of such arrays
            Observed state indices in ``0, …, n_states−1``.
        n_states : int, optional
            Number of states; defaults to ``max(state) + 1``.
        pseudo_count : float, default=0.0
            Added to every transition count (a symmetric Dirichlet prior).
            Rows never left and with ``pseudo_count=0`` become uniform.

        Returns
        -------
        MarkovChain

        Notes
        -----
        ``P̂[i, j] = (n_ij + α) / Σ_j (n_ij + α)`` where ``n_ij`` counts the
        observed transitions i → j. Cost: O(T + k²).
        """
        if isinstance(sequences, np.ndarray) and sequences.ndim == 1 or (
            isinstance(sequences, (list, tuple)) and sequences and np.ndim(sequences[0]) == 0
        ):
            sequences = [sequences]
        seqs = [_as_state_array(s, "sequences") for s in sequences]
        if not seqs:
            raise ValueError("sequences must contain at least one sequence")
        top = max(int(s.max()) for s in seqs) + 1
        k = top if n_states is None else n_states
        if top > k:
            raise ValueError(f"sequences contain state {top - 1} but n_states={k}")
        counts = np.zeros(k * k)
        for s in seqs:
            counts += np.bincount(s[:-1] * k + s[1:], minlength=k * k)
        counts = counts.reshape(k, k) + pseudo_count
        totals = counts.sum(axis=1, keepdims=True)
        P = np.divide(counts, totals, out=np.full((k, k), 1.0 / k), where=totals > 0)
        return cls(P)

    # ------------------------------------------------------------------ evolution
    @validate_args({"n": [Interval(numbers.Integral, 0, None)]})
    def n_step(self, n: int) -> np.ndarray:
        """The n-step transition matrix ``Pⁿ``.

        Parameters
        ----------
        n : int
            Number of steps, n ≥ 0.

        Returns
        -------
        ndarray of shape (k, k)
            ``Pⁿ[i, j] = Pr(X_{t+n} = j | X_t = i)`` (Chapman–Kolmogorov).

        Notes
        -----
        Binary exponentiation, O(k³ log n), with every product's rows put back
        on the simplex (negatives clipped, each row divided by its sum): a
        product of stochastic matrices is stochastic, and without this the
        rounding errors of ~2 log₂ n products compound (``n = 10**18`` gave
        entries near 2e7).
        """
        n = int(n)
        result, power = np.eye(self.P.shape[0]), self.P.copy()
        while n:
            if n & 1:
                result = _stochastic(result @ power)
            n >>= 1
            if n:
                power = _stochastic(power @ power)
        return result

    @validate_args({"n": [Interval(numbers.Integral, 0, None)]})
    def step_distribution(self, p0, n: int = 1) -> np.ndarray:
        """The distribution after ``n`` steps from the initial distribution ``p0``.

        Parameters
        ----------
        p0 : array_like of shape (k,)
            Initial distribution over the states (or an int: start in that state).
        n : int, default=1
            Number of steps.

        Returns
        -------
        ndarray of shape (k,)
            ``p_n = p_0 Pⁿ``.

        Notes
        -----
        n vector–matrix products, O(n k²), when n ≤ k; otherwise ``p_0 Pⁿ``
        with ``Pⁿ`` by binary exponentiation, O(k³ log n).
        """
        p = self._initial(p0)
        if n > self.n_states:
            return p @ np.linalg.matrix_power(self.P, int(n))
        for _ in range(int(n)):
            p = p @ self.P
        return p

    @validate_args({"n_steps": [Interval(numbers.Integral, 0, None)]})
    def trajectory(self, p0, n_steps: int) -> np.ndarray:
        """The distributions ``p_0, p_1, …, p_n`` as the rows of an array.

        Parameters
        ----------
        p0 : array_like of shape (k,) or int
            Initial distribution (or a starting state).
        n_steps : int
            Number of steps.

        Returns
        -------
        ndarray of shape (n_steps + 1, k)
            Row t is ``p_0 Pᵗ``.
        """
        p = self._initial(p0)
        out = np.empty((int(n_steps) + 1, self.n_states))
        out[0] = p
        for t in range(1, int(n_steps) + 1):
            out[t] = out[t - 1] @ self.P
        return out

    def _initial(self, p0) -> np.ndarray:
        if isinstance(p0, (numbers.Integral, np.integer)) and not isinstance(p0, bool):
            self._check_state(p0, "p0")
            p = np.zeros(self.n_states)
            p[int(p0)] = 1.0
            return p
        p = as_float_array(p0, "p0", ndim=1)
        if p.shape[0] != self.n_states:
            raise ValueError(f"p0 must have length {self.n_states}, got {p.shape[0]}")
        if (p < 0).any() or not np.isclose(p.sum(), 1.0, rtol=0.0, atol=1e-8):
            raise ValueError("p0 must be a probability vector (non-negative, summing to 1)")
        return p

    def _check_state(self, s, name: str) -> int:
        if not isinstance(s, (numbers.Integral, np.integer)) or isinstance(s, bool) or not 0 <= s < self.n_states:
            raise ValueError(f"{name} must be a state index in 0..{self.n_states - 1}, got {s!r}")
        return int(s)

    # ------------------------------------------------------------------ long run
    @validate_args({"method": [Options(("solve", "eig"))]})
    def stationary(self, method: str = "solve") -> np.ndarray:
        """The stationary distribution π (π P = π, Σ π = 1).

        Parameters
        ----------
        method : {"solve", "eig"}, default="solve"
            ``"solve"``: the linear system ``(Pᵀ − I) π = 0`` with one equation
            replaced by ``Σ π = 1``, O(k³). ``"eig"``: the left eigenvector of
            ``P`` for the eigenvalue closest to 1, normalised to sum 1.

        Returns
        -------
        ndarray of shape (k,)

        Raises
        ------
        ValueError
            If the stationary distribution is not unique (the chain has more
            than one closed communicating class).

        Notes
        -----
        π is unique exactly when the chain has a single closed class; for an
        irreducible chain π_i = 1 / (mean return time to i).
        """
        if self._n_closed_classes() != 1:
            raise ValueError(
                "the stationary distribution is not unique: the chain has "
                f"{self._n_closed_classes()} closed communicating classes"
            )
        k = self.n_states
        if method == "solve":
            A = self.P.T - np.eye(k)
            A[-1] = 1.0
            b = np.zeros(k)
            b[-1] = 1.0
            pi = np.linalg.solve(A, b)
        else:
            w, V = np.linalg.eig(self.P.T)
            v = np.real(V[:, np.argmin(np.abs(w - 1.0))])
            pi = v / v.sum()
        pi = np.clip(pi, 0.0, None)  # round-off can leave -1e-17 on transient states
        return pi / pi.sum()

    def mean_first_passage_times(self) -> np.ndarray:
        """Expected number of steps to reach state j from state i, for an irreducible chain.

        Returns
        -------
        ndarray of shape (k, k)
            ``M[i, j]``; the diagonal holds the mean return times ``1/πⱼ``.

        Raises
        ------
        ValueError
            If the chain is not irreducible (some passage times are infinite).

        Notes
        -----
        With the fundamental matrix ``Z = (I − P + 1 πᵀ)⁻¹`` (Kemeny & Snell),
        ``M[i, j] = (Z[j, j] − Z[i, j]) / πⱼ`` for i ≠ j and ``M[j, j] = 1/πⱼ``.
        Z comes from one LU solve, so all k² times cost O(k³).

        Examples
        --------
        >>> MarkovChain([[0.5, 0.5], [0.25, 0.75]]).mean_first_passage_times()
        array([[3. , 2. ],
               [4. , 1.5]])
        """
        if not self.is_irreducible:
            raise ValueError("mean first passage times need an irreducible chain (some would be infinite)")
        k = self.n_states
        pi = self.stationary()
        Z = np.linalg.solve(np.eye(k) - self.P + pi[None, :], np.eye(k))
        M = (np.diag(Z)[None, :] - Z) / pi[None, :]
        M[np.diag_indices(k)] = 1.0 / pi
        return M

    # ------------------------------------------------------------------ structure
    def _adjacency(self) -> np.ndarray:
        return self.P > 0

    def communicating_classes(self) -> list[np.ndarray]:
        """The communicating classes (states that reach each other), each as sorted indices.

        Notes
        -----
        From the reachability matrix R (repeated squaring, O(k³ log k)):
        i and j communicate when ``R[i, j] and R[j, i]``.
        """
        R = _reachability(self._adjacency())
        mutual = R & R.T
        labels = np.argmax(mutual, axis=1)  # smallest state in each class labels it
        return [np.flatnonzero(labels == c) for c in np.unique(labels)]

    def _closed_mask(self, classes, R=None) -> list[bool]:
        R = _reachability(self._adjacency()) if R is None else R
        out = []
        for c in classes:
            reach = R[c].any(axis=0)
            reach[c] = False
            out.append(not reach.any())
        return out

    def _n_closed_classes(self) -> int:
        return int(sum(self._closed_mask(self.communicating_classes())))

    @property
    def is_irreducible(self) -> bool:
        """True when every state can be reached from every other state."""
        return bool(_reachability(self._adjacency()).all())

    def period(self, state: int | None = None) -> int:
        """The period of a state: gcd of the lengths of paths returning to it.

        Parameters
        ----------
        state : int, optional
            A state index. By default the chain must be irreducible and its
            common period is returned.

        Returns
        -------
        int
            The period (0 if the state can never return to itself).

        Notes
        -----
        Breadth-first levels ℓ inside the state's class; the period is the gcd
        of ``ℓ(u) + 1 − ℓ(v)`` over the class's edges u → v. O(k²).
        """
        if state is None:
            if not self.is_irreducible:
                raise ValueError("period() without a state needs an irreducible chain; pass state=")
            state = 0
        state = self._check_state(state, "state")
        cls = next(c for c in self.communicating_classes() if state in c)
        return self._class_period(cls)

    def _class_period(self, cls: np.ndarray) -> int:
        A = self._adjacency()[np.ix_(cls, cls)]
        level = np.full(len(cls), -1)
        level[0] = 0
        frontier = [0]
        while frontier:
            nxt = []
            for u in frontier:
                for v in np.flatnonzero(A[u]):
                    if level[v] < 0:
                        level[v] = level[u] + 1
                        nxt.append(v)
            frontier = nxt
        u, v = np.nonzero(A)
        return int(reduce(math.gcd, (level[u] + 1 - level[v]).tolist(), 0))

    @property
    def is_aperiodic(self) -> bool:
        """True when every recurrent (closed) class has period 1.

        For an irreducible chain this is the usual definition; transient
        states do not affect the long-run behaviour and are ignored.
        """
        classes = self.communicating_classes()
        return all(self._class_period(c) == 1 for c, closed in zip(classes, self._closed_mask(classes)) if closed)

    @property
    def absorbing_states(self) -> np.ndarray:
        """Indices of the absorbing states (``P[i, i] == 1``)."""
        return np.flatnonzero(np.diag(self.P) == 1.0)

    def absorption_probabilities(self) -> AbsorptionResult:
        """Where and when the chain is absorbed, from every transient state.

        Returns
        -------
        AbsorptionResult
            ``probabilities`` B (n_transient, n_absorbing), ``expected_steps``
            t (n_transient,), and the fundamental matrix N.

        Raises
        ------
        ValueError
            If the chain has no absorbing state.
        numpy.linalg.LinAlgError
            If some non-absorbing state cannot reach an absorbing one
            (``I − Q`` is singular).

        Notes
        -----
        Ordering states as (transient, absorbing), ``P = [[Q, R], [0, I]]``.
        With ``N = (I − Q)⁻¹``: ``B = N R`` and ``t = N 1``. Both are computed
        by one LU solve of ``(I − Q) [B | t] = [R | 1]``, O(k³).

        Examples
        --------
        >>> gamblers_ruin = MarkovChain([[1, 0, 0], [0.5, 0, 0.5], [0, 0, 1]])
        >>> gamblers_ruin.absorption_probabilities().probabilities
        array([[0.5, 0.5]])
        """
        absorbing = self.absorbing_states
        if absorbing.size == 0:
            raise ValueError("the chain has no absorbing state (no i with P[i, i] == 1)")
        transient = np.setdiff1d(np.arange(self.n_states), absorbing)
        Q = self.P[np.ix_(transient, transient)]
        R = self.P[np.ix_(transient, absorbing)]
        I_Q = np.eye(transient.size) - Q
        rhs = np.column_stack([R, np.ones(transient.size), np.eye(transient.size)])
        if transient.size:
            reach = _reachability(self._adjacency())[np.ix_(transient, absorbing)].any(axis=1)
            if not reach.all():
                raise np.linalg.LinAlgError(
                    f"states {transient[~reach].tolist()} cannot reach an absorbing state; "
                    "I - Q is singular and absorption is not certain"
                )
            sol = np.linalg.solve(I_Q, rhs)
        else:
            sol = np.zeros((0, rhs.shape[1]))
        m = absorbing.size
        return AbsorptionResult(transient, absorbing, sol[:, :m], sol[:, m], sol[:, m + 1:])

    def expected_steps_to_absorption(self) -> np.ndarray:
        """Expected number of steps to absorption from each state (0 for absorbing states).

        Returns
        -------
        ndarray of shape (k,)
        """
        res = self.absorption_probabilities()
        out = np.zeros(self.n_states)
        out[res.transient_states] = res.expected_steps
        return out

    # ------------------------------------------------------------------ simulation
    @validate_args({"n": [Interval(numbers.Integral, 1, None)], "random_state": ["random_state"],
                    "labels": ["boolean"]})
    def sample(self, n: int, start=None, random_state=None, *, labels: bool = False) -> np.ndarray:
        """Simulate a path of ``n`` states.

        Parameters
        ----------
        n : int
            Path length (including the start state), n ≥ 1.
        start : int or array_like of shape (k,), optional
            The first state, or a distribution to draw it from. Defaults to
            the uniform distribution.
        random_state : None, int or numpy.random.Generator, default=None
            Source of randomness.
        labels : bool, default=False
            Return the state labels instead of indices.

        Returns
        -------
        ndarray of shape (n,)

        Notes
        -----
        Inverse-CDF sampling: all n uniforms are drawn at once; each step is a
        binary search in the current row's cumulative sums, O(n log k).
        """
        rng = check_random_state(random_state)
        p0 = np.full(self.n_states, 1.0 / self.n_states) if start is None else self._initial(start)
        cum = np.cumsum(self.P, axis=1)
        cum[:, -1] = np.inf  # guards against row sums of 1 − 1e-16
        c0 = np.cumsum(p0)
        c0[-1] = np.inf
        u = rng.random(int(n))
        path = np.empty(int(n), dtype=np.intp)
        path[0] = np.searchsorted(c0, u[0], side="right")
        for t in range(1, int(n)):
            path[t] = np.searchsorted(cum[path[t - 1]], u[t], side="right")
        if labels:
            return np.asarray(self.states, dtype=object)[path]
        return path


def _as_state_array(s, name: str) -> np.ndarray:
    return check_int_sequence(s, name, what="state indices")
