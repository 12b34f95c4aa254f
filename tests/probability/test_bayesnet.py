"""BayesianNetwork: variable elimination vs brute-force summation of the joint table."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mmlkit.probability.bayesnet import BayesianNetwork


def sprinkler():
    bn = BayesianNetwork()
    bn.add_variable("Cloudy", ["F", "T"], cpt=[0.5, 0.5])
    bn.add_variable("Sprinkler", ["F", "T"], parents=["Cloudy"], cpt=[[0.5, 0.5], [0.9, 0.1]])
    bn.add_variable("Rain", ["F", "T"], parents=["Cloudy"], cpt=[[0.8, 0.2], [0.2, 0.8]])
    bn.add_variable("WetGrass", ["F", "T"], parents=["Sprinkler", "Rain"],
                    cpt=[[[1.0, 0.0], [0.1, 0.9]], [[0.1, 0.9], [0.01, 0.99]]])
    return bn


def alarm():
    bn = BayesianNetwork()
    bn.add_variable("Burglary", [False, True], cpt=[0.999, 0.001])
    bn.add_variable("Earthquake", [False, True], cpt=[0.998, 0.002])
    bn.add_variable("Alarm", [False, True], parents=["Burglary", "Earthquake"],
                    cpt=[[[0.999, 0.001], [0.71, 0.29]], [[0.06, 0.94], [0.05, 0.95]]])
    bn.add_variable("JohnCalls", [False, True], parents=["Alarm"], cpt=[[0.95, 0.05], [0.10, 0.90]])
    bn.add_variable("MaryCalls", [False, True], parents=["Alarm"], cpt=[[0.99, 0.01], [0.30, 0.70]])
    return bn


def random_network(seed, n_vars=6, max_parents=3):
    rng = np.random.default_rng(seed)
    bn = BayesianNetwork()
    names = [f"X{i}" for i in range(n_vars)]
    for i, name in enumerate(names):
        k = int(rng.integers(2, 4))
        parents = list(rng.choice(names[:i], size=min(i, int(rng.integers(0, max_parents + 1))), replace=False))
        shape = tuple(len(bn.states[p]) for p in parents) + (k,)
        cpt = rng.dirichlet(np.full(k, 0.7), size=shape[:-1]) if parents else rng.dirichlet(np.full(k, 0.7))
        bn.add_variable(name, list(range(k)) if i % 2 else [f"s{j}" for j in range(k)], parents=parents, cpt=cpt)
    return bn


def brute_joint(bn):
    """The joint table by enumerating every assignment and multiplying CPT entries (no einsum)."""
    names = bn.variables
    cards = [len(bn.states[v]) for v in names]
    joint = np.zeros(cards)
    for assignment in itertools.product(*[range(k) for k in cards]):
        value = dict(zip(names, assignment))
        p = 1.0
        for v in names:
            p *= bn.cpt(v)[tuple(value[u] for u in bn.parents(v)) + (value[v],)]
        joint[assignment] = p
    return joint


def brute_query(bn, joint, targets, evidence):
    names = bn.variables
    index = [slice(None)] * len(names)
    for v, label in evidence.items():
        index[names.index(v)] = bn.states[v].index(label)
    sliced = joint[tuple(index)]
    kept = [v for v in names if v not in evidence]
    summed = sliced.sum(axis=tuple(i for i, v in enumerate(kept) if v not in targets))
    order = [v for v in kept if v in targets]
    summed = np.transpose(summed, [order.index(t) for t in targets])
    with np.errstate(invalid="ignore"):
        return summed / summed.sum()


@pytest.mark.parametrize("make", [sprinkler, alarm])
def test_every_single_variable_query_equals_brute_force(make):
    bn = make()
    joint = brute_joint(bn)
    np.testing.assert_allclose(bn.joint_table(), joint, rtol=1e-13, atol=1e-300)
    names = bn.variables
    for target in names:
        others = [v for v in names if v != target]
        for r in range(len(others) + 1):
            for ev_vars in itertools.combinations(others, r):
                for labels in itertools.product(*[bn.states[v] for v in ev_vars]):
                    evidence = dict(zip(ev_vars, labels))
                    ref = brute_query(bn, joint, [target], evidence)
                    if not np.isfinite(ref).all():
                        continue  # zero-probability evidence, tested separately
                    np.testing.assert_allclose(bn.query(target, evidence), ref, rtol=1e-10, atol=1e-15)


def test_textbook_values():
    # Russell & Norvig: P(Burglary | JohnCalls, MaryCalls) ≈ 0.284
    assert alarm().query("Burglary", {"JohnCalls": True, "MaryCalls": True})[1] == pytest.approx(0.2841718, rel=1e-6)
    # Murphy's sprinkler network: P(S=T | W=T) = 0.2781/0.6471, P(R=T | W=T) = 0.4581/0.6471 (4-digit sums)
    bn = sprinkler()
    assert bn.query("Sprinkler", {"WetGrass": "T"})[1] == pytest.approx(0.2781 / 0.6471, abs=1e-4)
    assert bn.query("Rain", {"WetGrass": "T"})[1] == pytest.approx(0.4581 / 0.6471, abs=1e-4)


@pytest.mark.parametrize("seed", range(6))
def test_random_networks_joint_queries_equal_brute_force(seed):
    bn = random_network(seed)
    joint = brute_joint(bn)
    rng = np.random.default_rng(seed + 99)
    names = bn.variables
    for _ in range(6):
        perm = list(rng.permutation(names))
        targets, ev_vars = perm[:2], perm[2:2 + int(rng.integers(0, 3))]
        evidence = {v: bn.states[v][int(rng.integers(len(bn.states[v])))] for v in ev_vars}
        ref = brute_query(bn, joint, targets, evidence)
        np.testing.assert_allclose(bn.query(targets, evidence), ref, rtol=1e-10, atol=1e-15)


@settings(max_examples=15)
@given(st.integers(0, 10_000))
def test_property_posteriors_are_distributions_and_marginals_match_joint(seed):
    bn = random_network(seed, n_vars=5)
    joint = bn.joint_table()
    assert joint.sum() == pytest.approx(1.0)
    for i, v in enumerate(bn.variables):
        marginal = joint.sum(axis=tuple(j for j in range(joint.ndim) if j != i))
        np.testing.assert_allclose(bn.query(v), marginal, rtol=1e-10, atol=1e-15)


def test_joint_probability_of_assignments():
    bn = alarm()
    p = bn.probability({"Burglary": False, "Earthquake": False, "Alarm": True, "JohnCalls": True, "MaryCalls": True})
    assert p == pytest.approx(0.999 * 0.998 * 0.001 * 0.9 * 0.7, rel=1e-14)
    rows = np.array([[False, False, True, True, True], [True, True, True, False, False]], dtype=object)
    np.testing.assert_allclose(bn.probability(rows), [p, 0.001 * 0.002 * 0.95 * 0.1 * 0.3], rtol=1e-14)
    np.testing.assert_allclose(bn.log_probability(rows), np.log(bn.probability(rows)), rtol=1e-14)
    assert sprinkler().probability({"Cloudy": "F", "Sprinkler": "F", "Rain": "F", "WetGrass": "T"}) == 0.0


def test_sampling_frequencies_match_the_joint():
    bn = sprinkler()
    draws = bn.sample(40000, random_state=0)
    assert set(draws) == set(bn.variables) and all(len(c) == 40000 for c in draws.values())
    idx = np.stack([np.searchsorted(["F", "T"], draws[v]) for v in bn.variables], axis=1)
    freq = np.zeros((2,) * 4)
    np.add.at(freq, tuple(idx.T), 1)
    np.testing.assert_allclose(freq / 40000, bn.joint_table(), atol=0.01)
    again = bn.sample(40000, random_state=0)
    assert all(np.array_equal(draws[v], again[v]) for v in bn.variables)
    assert alarm().sample(3, random_state=0)["Alarm"].dtype == bool


def test_fit_by_counting_recovers_cpts_and_matches_the_formula():
    truth = alarm()
    data = truth.sample(60000, random_state=1)
    learned = BayesianNetwork(edges=truth.edges, states=truth.states).fit(data, pseudo_count=1.0)
    np.testing.assert_allclose(learned.cpt("JohnCalls"), truth.cpt("JohnCalls"), atol=0.03)
    np.testing.assert_allclose(learned.cpt("Burglary"), truth.cpt("Burglary"), atol=0.003)
    # exactly the Dirichlet posterior mean of the counts
    alarm_col, john = data["Alarm"], data["JohnCalls"]
    n_tt = np.sum(alarm_col & john)
    assert learned.cpt("JohnCalls")[1, 1] == pytest.approx((n_tt + 1) / (np.sum(alarm_col) + 2), rel=1e-14)
    mle = BayesianNetwork(edges=truth.edges, states=truth.states).fit(data, pseudo_count=0.0)
    assert mle.cpt("JohnCalls")[1, 1] == pytest.approx(n_tt / np.sum(alarm_col), rel=1e-14)


def test_fit_from_array_and_unseen_parent_configurations():
    bn = BayesianNetwork(edges=[("A", "B")], states={"A": ["a0", "a1", "a2"], "B": 2})
    data = np.array([["a0", 0], ["a0", 1], ["a1", 1], ["a1", 1]], dtype=object)
    bn.fit(data, pseudo_count=0.0)
    np.testing.assert_allclose(bn.cpt("A"), [0.5, 0.5, 0.0])
    np.testing.assert_allclose(bn.cpt("B"), [[0.5, 0.5], [0.0, 1.0], [0.5, 0.5]])  # a2 never seen: uniform
    smoothed = BayesianNetwork(edges=[("A", "B")], states={"A": ["a0", "a1", "a2"], "B": 2}).fit(data, 2.0)
    np.testing.assert_allclose(smoothed.cpt("A"), [4 / 10, 4 / 10, 2 / 10])


def test_structure_accessors():
    bn = sprinkler()
    assert bn.parents("WetGrass") == ("Sprinkler", "Rain")
    assert bn.children("Cloudy") == ["Sprinkler", "Rain"]
    assert ("Cloudy", "Rain") in bn.edges and len(bn.edges) == 4
    assert "WetGrass" in repr(bn)
    assert not bn.cpt("Rain").flags.writeable


def test_cycles_are_rejected():
    with pytest.raises(ValueError, match="cycle"):
        BayesianNetwork(edges=[("A", "B"), ("B", "C"), ("C", "A")], states={"A": 2, "B": 2, "C": 2})
    with pytest.raises(ValueError, match="cycle"):
        BayesianNetwork(edges=[("A", "A")], states={"A": 2})
    with pytest.raises(ValueError, match="add parents first"):
        BayesianNetwork().add_variable("A", 2, parents=["B"])


@pytest.mark.parametrize("call, match", [
    (lambda: BayesianNetwork().add_variable("A", 2, cpt=[0.5, 0.6]), "sum to 1"),
    (lambda: BayesianNetwork().add_variable("A", 2, cpt=[1.5, -0.5]), r"\[0, 1\]"),
    (lambda: BayesianNetwork().add_variable("A", 2, cpt=[[0.5, 0.5]]), "shape"),
    (lambda: BayesianNetwork().add_variable("A", 2).add_variable("B", 2, parents=["A"], cpt=[0.5, 0.5]),
     r"shape \(2, 2\)"),
    (lambda: BayesianNetwork().add_variable("A", ["x", "x"]), "distinct"),
    (lambda: BayesianNetwork().add_variable("A", 0), "at least one state"),
    (lambda: BayesianNetwork().add_variable("A", 2).add_variable("A", 2), "already"),
    (lambda: BayesianNetwork(edges=[("A", "B")], states={"A": 2}), "no entry in states"),
    (lambda: BayesianNetwork(edges=[("A", "B", "C")], states={"A": 2, "B": 2, "C": 2}), "pairs"),
    (lambda: sprinkler().query("Snow"), "unknown variable"),
    (lambda: sprinkler().query("Rain", {"WetGrass": "maybe"}), "not a state"),
    (lambda: sprinkler().query("Rain", {"Rain": "T"}), "both a target and evidence"),
    (lambda: sprinkler().query("Cloudy", {"Sprinkler": "F", "Rain": "F", "WetGrass": "T"}), "probability zero"),
    (lambda: BayesianNetwork(edges=[("A", "B")], states={"A": 2, "B": 2}).query("A"), "no cpt"),
    (lambda: sprinkler().cpt("Snow"), "unknown"),
    (lambda: BayesianNetwork(edges=[("A", "B")], states={"A": 2, "B": 2}).fit({"A": [0, 1]}), "no column"),
    (lambda: BayesianNetwork(edges=[("A", "B")], states={"A": 2, "B": 2}).fit({"A": [0, 1], "B": [0, 5]}),
     "not a state"),
    (lambda: BayesianNetwork(edges=[("A", "B")], states={"A": 2, "B": 2}).fit([[0, 1, 1]]), "one column per"),
    (lambda: BayesianNetwork(edges=[("A", "B")], states={"A": 2, "B": 2}).fit({"A": [0], "B": [1]}, -1.0),
     "pseudo_count"),
    (lambda: sprinkler().sample(0), "n_samples"),
])
def test_invalid_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_inputs_not_modified():
    cpt = np.array([[0.9, 0.1], [0.2, 0.8]])
    bn = BayesianNetwork().add_variable("A", 2, cpt=[0.3, 0.7]).add_variable("B", 2, parents=["A"], cpt=cpt)
    cpt[0, 0] = 0.5  # the network keeps its own copy
    assert bn.cpt("B")[0, 0] == 0.9
    data = {"A": np.array([0, 1, 1]), "B": np.array([1, 1, 0])}
    bn.fit(data)
    np.testing.assert_array_equal(data["A"], [0, 1, 1])
