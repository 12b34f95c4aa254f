"""Discrete Bayesian networks: CPTs, exact inference by variable elimination, sampling, fitting.

A Bayesian network is a directed acyclic graph over variables X₁..X_n with one
conditional probability table (CPT) per variable, ``p(Xᵢ | parents(Xᵢ))``;
the joint distribution factorises as ``p(x) = Πᵢ p(xᵢ | pa(xᵢ))``. Every CPT
is stored as an array whose axes are the parents (in the declared order) and
then the variable itself, so factor products and marginalisations are single
``np.einsum`` calls.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

from mmlkit._validation import Interval, as_float_array, check_random_state, validate_args

__all__ = ["BayesianNetwork"]


class _Factor:
    """A non-negative table over named variables (one axis per variable)."""

    __slots__ = ("variables", "table")

    def __init__(self, variables: tuple, table: np.ndarray):
        self.variables = tuple(variables)
        self.table = table


def _einsum(factors: list[_Factor], keep: tuple) -> _Factor:
    """Multiply ``factors`` and sum out every variable not in ``keep`` — one einsum call."""
    ids: dict = {}
    operands = []
    for f in factors:
        operands += [f.table, [ids.setdefault(v, len(ids)) for v in f.variables]]
    for v in keep:
        ids.setdefault(v, len(ids))
    return _Factor(keep, np.einsum(*operands, [ids[v] for v in keep], optimize=len(factors) > 2))


class BayesianNetwork:
    """A Bayesian network over discrete variables.

    Build it variable by variable (parents first), or give the structure as
    edges and learn the CPTs with :meth:`fit`.

    Parameters
    ----------
    edges : iterable of (parent, child), optional
        The directed edges. Each child's parents are ordered as the edges
        list them. Cycles are rejected.
    states : mapping of name → sequence of labels (or int), optional
        The states of every variable (an int k means labels ``0..k−1``).
        Required for every variable named in ``edges``.

    Attributes
    ----------
    variables : list of str
        The variables in the order they were declared.

    Notes
    -----
    ``p(x₁, …, x_n) = Πᵢ p(xᵢ | pa(xᵢ))``. A CPT for X with parents
    (U, V) is an array of shape (|U|, |V|, |X|) whose last axis sums to 1.

    Inference (:meth:`query`) is exact variable elimination: the evidence
    slices the CPTs; variables that are not ancestors of the query or the
    evidence are dropped (they sum to one); every remaining hidden variable
    is eliminated in a greedy order (smallest resulting factor first) by
    multiplying the factors that mention it and summing it out, one
    ``einsum`` each. The cost is exponential only in the largest factor
    created (the induced width), not in the number of variables.

    Examples
    --------
    >>> bn = BayesianNetwork()
    >>> bn.add_variable("Rain", ["no", "yes"], cpt=[0.8, 0.2])
    BayesianNetwork(variables=['Rain'])
    >>> bn.add_variable("Wet", ["no", "yes"], parents=["Rain"], cpt=[[0.9, 0.1], [0.2, 0.8]])
    BayesianNetwork(variables=['Rain', 'Wet'])
    >>> bn.query("Rain", evidence={"Wet": "yes"}).round(4)
    array([0.3333, 0.6667])
    """

    def __init__(self, edges=None, states: Mapping | None = None):
        self._states: dict[str, list] = {}
        self._parents: dict[str, tuple] = {}
        self._cpts: dict[str, np.ndarray] = {}
        if edges is None and states is None:
            return
        states = dict(states or {})
        edges = [tuple(e) for e in (edges or ())]
        for e in edges:
            if len(e) != 2:
                raise ValueError(f"edges must be (parent, child) pairs, got {e!r}")
            for v in e:
                if v not in states:
                    raise ValueError(f"variable {v!r} appears in edges but has no entry in states")
        for name, labels in states.items():
            self._states[name] = self._check_labels(name, labels)
            self._parents[name] = tuple(p for p, c in edges if c == name)
        for name, parents in self._parents.items():
            if len(set(parents)) != len(parents):
                raise ValueError(f"duplicate edge into {name!r}")
        self._topological_order()  # raises on a cycle

    def __repr__(self) -> str:
        return f"BayesianNetwork(variables={self.variables!r})"

    # ------------------------------------------------------------------ structure
    @staticmethod
    def _check_labels(name, labels) -> list:
        if isinstance(labels, (numbers.Integral, np.integer)) and not isinstance(labels, bool):
            if labels < 1:
                raise ValueError(f"variable {name!r} needs at least one state, got {labels}")
            return list(range(int(labels)))
        labels = list(labels)
        if not labels:
            raise ValueError(f"variable {name!r} needs at least one state")
        if len(set(labels)) != len(labels):
            raise ValueError(f"the states of {name!r} must be distinct, got {labels}")
        return labels

    @property
    def variables(self) -> list:
        return list(self._states)

    @property
    def states(self) -> dict:
        """The state labels of every variable (a copy)."""
        return {k: list(v) for k, v in self._states.items()}

    def parents(self, name) -> tuple:
        """The parents of a variable, in CPT axis order.

        Parameters
        ----------
        name : hashable
            A variable of the network.
        """
        self._check_variable(name)
        return self._parents[name]

    def children(self, name) -> list:
        """The variables that have ``name`` as a parent.

        Parameters
        ----------
        name : hashable
            A variable of the network.
        """
        self._check_variable(name)
        return [v for v, ps in self._parents.items() if name in ps]

    @property
    def edges(self) -> list:
        """All (parent, child) edges."""
        return [(p, c) for c, ps in self._parents.items() for p in ps]

    def _check_variable(self, name):
        if name not in self._states:
            raise ValueError(f"unknown variable {name!r}; the network has {self.variables}")

    def _topological_order(self) -> list:
        """Kahn's algorithm; ``ValueError`` naming the variables on a cycle."""
        indegree = {v: len(ps) for v, ps in self._parents.items()}
        children = {v: [] for v in self._parents}
        for c, ps in self._parents.items():
            for p in ps:
                children[p].append(c)
        ready = [v for v, d in indegree.items() if d == 0]
        order = []
        while ready:
            v = ready.pop(0)
            order.append(v)
            for c in children[v]:
                indegree[c] -= 1
                if indegree[c] == 0:
                    ready.append(c)
        if len(order) != len(self._parents):
            cyc = sorted(v for v, d in indegree.items() if d > 0)
            raise ValueError(f"the graph has a cycle through {cyc}: a Bayesian network must be acyclic")
        return order

    def _cpt_shape(self, name) -> tuple:
        return tuple(len(self._states[p]) for p in self._parents[name]) + (len(self._states[name]),)

    def _check_cpt(self, name, cpt) -> np.ndarray:
        shape = self._cpt_shape(name)
        table = as_float_array(cpt, f"cpt of {name!r}", dtype=np.float64, copy=True)
        if table.shape != shape:
            axes = ", ".join(f"{p}:{len(self._states[p])}" for p in self._parents[name]) + f", {name}:{shape[-1]}"
            raise ValueError(f"the cpt of {name!r} must have shape {shape} (axes {axes}), got {table.shape}")
        if (table < 0).any() or (table > 1).any():
            raise ValueError(f"the cpt of {name!r} must contain probabilities in [0, 1]")
        if not np.allclose(table.sum(axis=-1), 1.0, rtol=0.0, atol=1e-8):
            raise ValueError(f"the cpt of {name!r} must sum to 1 over {name!r} (its last axis) "
                             "for every configuration of the parents")
        table.setflags(write=False)
        return table

    def add_variable(self, name, states, parents=(), cpt=None) -> BayesianNetwork:
        """Declare a variable, its parents (already declared) and optionally its CPT.

        Parameters
        ----------
        name : hashable
            The variable's name.
        states : sequence of labels or int
            Its states (an int k means ``0..k−1``).
        parents : sequence of names, default=()
            Its parents, which must already be in the network (so no cycle
            can be built this way).
        cpt : array_like of shape (|parent₁|, …, |parent_m|, |states|), optional
            ``cpt[u, v, x] = p(name = x | parent₁ = u, parent₂ = v)``.

        Returns
        -------
        BayesianNetwork
            ``self``.
        """
        if name in self._states:
            raise ValueError(f"variable {name!r} is already in the network")
        parents = tuple(parents)
        for p in parents:
            if p not in self._states:
                raise ValueError(f"parent {p!r} of {name!r} is not in the network: add parents first")
        if len(set(parents)) != len(parents):
            raise ValueError(f"the parents of {name!r} must be distinct")
        self._states[name] = self._check_labels(name, states)
        self._parents[name] = parents
        if cpt is not None:
            try:
                self._cpts[name] = self._check_cpt(name, cpt)
            except ValueError:
                del self._states[name], self._parents[name]
                raise
        return self

    def set_cpt(self, name, cpt) -> BayesianNetwork:
        """Set (or replace) the CPT of a variable.

        Parameters
        ----------
        name : hashable
            A variable of the network.
        cpt : array_like of shape (|parent₁|, …, |parent_m|, |states|)
            Its conditional probability table, last axis summing to 1 (see
            :meth:`add_variable`).

        Returns
        -------
        BayesianNetwork
            ``self``.
        """
        self._check_variable(name)
        self._cpts[name] = self._check_cpt(name, cpt)
        return self

    def cpt(self, name) -> np.ndarray:
        """The CPT of a variable (read-only), axes ``(*parents(name), name)``.

        Parameters
        ----------
        name : hashable
            A variable of the network.
        """
        self._check_variable(name)
        if name not in self._cpts:
            raise ValueError(f"the cpt of {name!r} has not been set (use set_cpt or fit)")
        return self._cpts[name]

    def _check_complete(self):
        missing = [v for v in self._states if v not in self._cpts]
        if missing:
            raise ValueError(f"the network has no cpt for {missing}: use set_cpt or fit first")
        if not self._states:
            raise ValueError("the network has no variables")

    def _index(self, name, label, what="evidence") -> int:
        try:
            return self._states[name].index(label)
        except ValueError:
            raise ValueError(f"{what} value {label!r} is not a state of {name!r}; "
                             f"its states are {self._states[name]}") from None

    # ------------------------------------------------------------------ inference
    def _ancestors(self, names) -> set:
        seen, stack = set(), list(names)
        while stack:
            v = stack.pop()
            if v not in seen:
                seen.add(v)
                stack.extend(self._parents[v])
        return seen

    def query(self, target, evidence: Mapping | None = None) -> np.ndarray:
        """The posterior distribution of ``target`` given ``evidence``, by variable elimination.

        Parameters
        ----------
        target : name or sequence of names
            The query variable(s).
        evidence : mapping of name → state label, optional
            Observed values.

        Returns
        -------
        ndarray
            For one target, shape (|target|,) ordered as ``states[target]``;
            for several, their joint posterior with one axis per target.

        Raises
        ------
        ValueError
            On unknown variables or labels, a target that is also evidence,
            or evidence of probability zero.

        Notes
        -----
        ``p(Q | e) = Σ_H Πᵢ p(xᵢ | pa(xᵢ)) |_{E=e} / p(e)``, summing out the
        hidden variables H one at a time (see the class Notes). Cost:
        exponential in the induced width of the elimination order.
        """
        self._check_complete()
        targets = (target,) if isinstance(target, str) or not isinstance(target, (list, tuple)) else tuple(target)
        if not targets:
            raise ValueError("target must name at least one variable")
        for t in targets:
            self._check_variable(t)
        if len(set(targets)) != len(targets):
            raise ValueError("target must not repeat a variable")
        evidence = dict(evidence or {})
        ev_index = {}
        for v, label in evidence.items():
            self._check_variable(v)
            if v in targets:
                raise ValueError(f"{v!r} is both a target and evidence")
            ev_index[v] = self._index(v, label)

        relevant = self._ancestors(set(targets) | set(ev_index))
        factors = []
        for v in relevant:
            names = self._parents[v] + (v,)
            index = tuple(ev_index.get(n, slice(None)) for n in names)
            factors.append(_Factor(tuple(n for n in names if n not in ev_index), self._cpts[v][index]))

        hidden = relevant - set(targets) - set(ev_index)
        while hidden:
            # greedy order: eliminate the variable whose new factor is smallest
            def cost(z, factors=factors):
                scope = set().union(*(f.variables for f in factors if z in f.variables)) - {z}
                return int(np.prod([len(self._states[u]) for u in scope])), str(z)

            z = min(hidden, key=cost)
            hidden.discard(z)
            involved = [f for f in factors if z in f.variables]
            scope = tuple(dict.fromkeys(u for f in involved for u in f.variables if u != z))
            factors = [f for f in factors if z not in f.variables] + [_einsum(involved, scope)]

        joint = _einsum(factors, targets).table
        total = joint.sum()
        if total <= 0:
            raise ValueError(f"the evidence {evidence} has probability zero: the posterior is undefined")
        return joint / total

    def _assignment_indices(self, data, name="data") -> dict:
        """Map data (a mapping of columns, or a 2-D array over ``variables``) to index arrays."""
        if isinstance(data, Mapping) or hasattr(data, "columns"):
            cols = {v: np.asarray(data[v], dtype=object).reshape(-1) for v in self._states if v in data}
            missing = [v for v in self._states if v not in cols]
            if missing:
                raise ValueError(f"{name} has no column for {missing}")
        else:
            arr = np.asarray(data, dtype=object)
            if arr.ndim == 1:
                arr = arr[None]
            if arr.ndim != 2 or arr.shape[1] != len(self._states):
                raise ValueError(f"{name} must be a mapping of columns or a 2-D array with one column per "
                                 f"variable ({len(self._states)}), got shape {arr.shape}")
            cols = {v: arr[:, j] for j, v in enumerate(self._states)}
        lengths = {len(c) for c in cols.values()}
        if len(lengths) != 1:
            raise ValueError(f"the columns of {name} must have the same length")
        out = {}
        for v, col in cols.items():
            lookup = {label: i for i, label in enumerate(self._states[v])}
            try:  # map the distinct values only, then broadcast back through the inverse index
                uniques, inverse = np.unique(col, return_inverse=True)
            except TypeError:  # unorderable mixed labels: map value by value
                uniques, inverse = col, np.arange(len(col))
            try:
                codes = np.array([lookup[u] for u in uniques], dtype=np.intp)
            except KeyError as exc:
                raise ValueError(f"{name} column {v!r} contains {exc.args[0]!r}, not a state of {v!r}; "
                                 f"its states are {self._states[v]}") from None
            out[v] = codes[inverse.reshape(-1)] if len(col) else np.zeros(0, dtype=np.intp)
        return out

    def log_probability(self, data) -> np.ndarray:
        """Joint log-probability of complete assignments.

        Parameters
        ----------
        data : mapping name → label (one assignment), mapping name → sequence, or 2-D array
            Complete assignments (every variable); a 2-D array has one column
            per variable, in ``variables`` order.

        Returns
        -------
        float or ndarray of shape (n,)
            ``Σᵢ log p(xᵢ | pa(xᵢ))`` (−inf where a factor is zero).

        Notes
        -----
        One fancy-indexing lookup per variable, vectorised over the rows. O(n · #variables).
        """
        self._check_complete()
        single = isinstance(data, Mapping) and all(np.ndim(v) == 0 for v in data.values())
        idx = self._assignment_indices({k: [v] for k, v in data.items()} if single else data)
        n = len(next(iter(idx.values())))
        logp = np.zeros(n)
        with np.errstate(divide="ignore"):
            for v in self._states:
                logp += np.log(self._cpts[v][tuple(idx[u] for u in self._parents[v] + (v,))])
        return float(logp[0]) if single else logp

    def probability(self, data):
        """Joint probability ``p(x) = Πᵢ p(xᵢ | pa(xᵢ))`` of complete assignments.

        Parameters
        ----------
        data : mapping name → label, mapping name → sequence, or 2-D array
            As for :meth:`log_probability`.

        Returns
        -------
        float or ndarray of shape (n,)
        """
        logp = self.log_probability(data)
        return float(np.exp(logp)) if np.ndim(logp) == 0 else np.exp(logp)

    def joint_table(self) -> np.ndarray:
        """The full joint distribution, one axis per variable in ``variables`` order.

        Returns
        -------
        ndarray
            Shape ``tuple(len(states[v]) for v in variables)``; sums to 1.

        Notes
        -----
        The product of all CPTs by one einsum: exponential in the number of
        variables, so only for small networks (inference uses :meth:`query`).
        """
        self._check_complete()
        factors = [_Factor(self._parents[v] + (v,), self._cpts[v]) for v in self._states]
        return _einsum(factors, tuple(self._states)).table

    # ------------------------------------------------------------------ sampling and learning
    @validate_args({"n_samples": [Interval(numbers.Integral, 1, None)], "random_state": ["random_state"]})
    def sample(self, n_samples: int = 1, random_state=None) -> dict:
        """Ancestral sampling: each variable drawn after its parents.

        Parameters
        ----------
        n_samples : int, default=1
        random_state : None, int or numpy.random.Generator, default=None

        Returns
        -------
        dict of name → ndarray of shape (n_samples,)
            State labels (bool or int arrays for bool or int labels, object arrays otherwise).

        Notes
        -----
        In topological order, the rows of each CPT selected by the sampled
        parents are inverted at one uniform per sample: O(n · Σ |states|),
        vectorised over the samples.
        """
        self._check_complete()
        rng = check_random_state(random_state)
        n = int(n_samples)
        idx = {}
        for v in self._topological_order():
            probs = self._cpts[v][tuple(idx[p] for p in self._parents[v])]  # (n, k) or (k,)
            cum = np.cumsum(np.broadcast_to(probs, (n, probs.shape[-1])), axis=1)
            u = rng.random(n)[:, None]
            idx[v] = np.minimum(np.sum(cum <= u, axis=1), probs.shape[-1] - 1)
        return {v: self._labels(v)[idx[v]] for v in self._states}

    def _labels(self, v) -> np.ndarray:
        labels = self._states[v]
        if all(isinstance(x, (bool, np.bool_)) for x in labels):
            return np.asarray(labels, dtype=bool)
        if all(isinstance(x, (numbers.Integral, np.integer)) for x in labels):
            return np.asarray(labels)
        out = np.empty(len(labels), dtype=object)
        out[:] = labels
        return out

    @validate_args({"pseudo_count": [Interval(numbers.Real, 0.0, None)]})
    def fit(self, data, pseudo_count: float = 1.0) -> BayesianNetwork:
        """Learn every CPT from complete data by counting, with a Dirichlet prior.

        Parameters
        ----------
        data : mapping name → sequence of labels (e.g. a DataFrame), or 2-D array
            One row per observation, every variable observed (columns in
            ``variables`` order for an array).
        pseudo_count : float, default=1.0
            The symmetric Dirichlet prior's pseudo-count α added to every cell
            (1 is Laplace smoothing; 0 the maximum-likelihood estimate).

        Returns
        -------
        BayesianNetwork
            ``self``, with every CPT replaced.

        Notes
        -----
        The posterior mean of each CPT row under a Dirichlet(α) prior:
        ``p̂(x | u) = (N(u, x) + α) / (N(u) + α |X|)``, with N the counts. With
        ``α = 0``, parent configurations never observed get a uniform row.
        Counting is one ``bincount`` over flattened indices per variable, O(n).
        """
        if not self._states:
            raise ValueError("the network has no variables")
        idx = self._assignment_indices(data)
        n = len(next(iter(idx.values())))
        if n == 0:
            raise ValueError("data must contain at least one row")
        for v in self._states:
            shape = self._cpt_shape(v)
            flat = np.ravel_multi_index(tuple(idx[u] for u in self._parents[v] + (v,)), shape)
            counts = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape) + float(pseudo_count)
            totals = counts.sum(axis=-1, keepdims=True)
            table = np.divide(counts, totals, out=np.full(shape, 1.0 / shape[-1]), where=totals > 0)
            table.setflags(write=False)
            self._cpts[v] = table
        return self
