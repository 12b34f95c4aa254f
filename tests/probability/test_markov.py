"""MarkovChain: evolution, stationarity, structure, absorption, sampling, fitting."""

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mmlkit.probability.markov import MarkovChain


def random_chain(k, seed, sparsity=0.0):
    rng = np.random.default_rng(seed)
    P = rng.random((k, k)) * (rng.random((k, k)) >= sparsity)
    P[np.arange(k), (np.arange(k) + 1) % k] += 0.1  # a cycle keeps it irreducible
    return P / P.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [2, 5, 12])
def test_n_step_and_step_distribution_match_matrix_powers(seed, k):
    P = random_chain(k, seed)
    chain = MarkovChain(P)
    p0 = np.random.default_rng(seed + 100).dirichlet(np.ones(k))
    for n in (0, 1, 3, 40):
        Pn = np.linalg.matrix_power(P, n)
        np.testing.assert_allclose(chain.n_step(n), Pn, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(chain.step_distribution(p0, n), p0 @ Pn, rtol=1e-10, atol=1e-14)
    traj = chain.trajectory(p0, 5)
    np.testing.assert_allclose(traj[5], p0 @ np.linalg.matrix_power(P, 5), rtol=1e-12)
    np.testing.assert_allclose(chain.step_distribution(0, 2), np.linalg.matrix_power(P, 2)[0], rtol=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("method", ["solve", "eig"])
def test_stationary_matches_scipy_left_eigenvector(seed, method):
    P = random_chain(7, seed, sparsity=0.5)
    w, vl = scipy.linalg.eig(P, left=True, right=False)
    ref = np.real(vl[:, np.argmin(np.abs(w - 1))])
    ref /= ref.sum()
    pi = MarkovChain(P).stationary(method)
    np.testing.assert_allclose(pi, ref, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)


def test_stationary_with_transient_states_puts_zero_mass_on_them():
    P = np.array([[0.5, 0.5, 0.0], [0.0, 0.3, 0.7], [0.0, 0.6, 0.4]])
    pi = MarkovChain(P).stationary()
    assert pi[0] == 0.0
    np.testing.assert_allclose(pi @ P, pi, atol=1e-14)


@st.composite
def stochastic_matrices(draw):
    k = draw(st.integers(2, 6))
    raw = draw(arrays(np.float64, (k, k), elements=st.floats(0.01, 1.0)))
    return raw / raw.sum(axis=1, keepdims=True)


@given(stochastic_matrices())
def test_property_stationary_is_a_fixed_point(P):
    pi = MarkovChain(P).stationary()
    assert np.all(pi >= 0) and np.isclose(pi.sum(), 1.0)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-10)


@given(stochastic_matrices(), st.integers(0, 30))
def test_property_step_distribution_stays_a_distribution(P, n):
    p = MarkovChain(P).step_distribution(0, n)
    assert np.all(p >= -1e-15) and np.isclose(p.sum(), 1.0)


def test_irreducibility_and_periodicity():
    cycle3 = np.roll(np.eye(3), 1, axis=1)
    c = MarkovChain(cycle3)
    assert c.is_irreducible and not c.is_aperiodic and c.period() == 3
    lazy = MarkovChain(0.5 * np.eye(3) + 0.5 * cycle3)
    assert lazy.is_irreducible and lazy.is_aperiodic and lazy.period() == 1
    # periods 2 and 3 interleaved give gcd 1
    P = np.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [1.0, 0.0, 0.0]])  # cycles 0-1-0, 0-1-2-0
    assert MarkovChain(P).period() == 1
    P4 = np.array([[0, 1, 0, 0], [0.5, 0, 0.5, 0], [0, 0, 0, 1], [1, 0, 0, 0]])  # lengths 2 and 4
    assert MarkovChain(P4).period() == 2
    reducible = MarkovChain([[1.0, 0.0], [0.5, 0.5]])
    assert not reducible.is_irreducible and reducible.is_aperiodic
    assert MarkovChain([[0, 1], [1, 0]]).period() == 2
    with pytest.raises(ValueError, match="irreducible"):
        reducible.period()
    assert reducible.period(0) == 1
    assert MarkovChain([[0.0, 1.0], [0.0, 1.0]]).period(0) == 0  # never returns


def test_communicating_classes():
    P = np.array([[0.5, 0.5, 0, 0], [0.5, 0.5, 0, 0], [0.25, 0, 0.5, 0.25], [0, 0, 0, 1.0]])
    classes = MarkovChain(P).communicating_classes()
    assert sorted(map(tuple, classes)) == [(0, 1), (2,), (3,)]


def test_gamblers_ruin_absorption_matches_closed_form():
    # fair gambler's ruin on 0..N: Pr(ruin from i) = 1 - i/N, E[steps] = i (N - i)
    N = 6
    P = np.zeros((N + 1, N + 1))
    P[0, 0] = P[N, N] = 1.0
    for i in range(1, N):
        P[i, i - 1] = P[i, i + 1] = 0.5
    res = MarkovChain(P).absorption_probabilities()
    i = np.arange(1, N)
    np.testing.assert_array_equal(res.transient_states, i)
    np.testing.assert_array_equal(res.absorbing_states, [0, N])
    np.testing.assert_allclose(res.probabilities[:, 0], 1 - i / N, rtol=1e-12)
    np.testing.assert_allclose(res.probabilities.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(res.expected_steps, i * (N - i), rtol=1e-12)
    np.testing.assert_allclose(res.fundamental_matrix, np.linalg.inv(np.eye(N - 1) - P[1:N, 1:N]), rtol=1e-10)
    steps = MarkovChain(P).expected_steps_to_absorption()
    assert steps[0] == 0 and steps[N] == 0 and steps[3] == pytest.approx(9.0)


def test_absorption_errors():
    with pytest.raises(ValueError, match="absorbing"):
        MarkovChain([[0.5, 0.5], [0.5, 0.5]]).absorption_probabilities()
    trapped = [[1, 0, 0], [0, 0, 1], [0, 1, 0]]  # states 1, 2 cycle forever
    with pytest.raises(np.linalg.LinAlgError, match="cannot reach"):
        MarkovChain(trapped).absorption_probabilities()


def test_sample_frequencies_match_stationary_and_transitions():
    P = random_chain(4, 3)
    chain = MarkovChain(P)
    path = chain.sample(40000, start=0, random_state=1)
    assert path[0] == 0 and path.dtype.kind == "i"
    freq = np.bincount(path, minlength=4) / path.size
    np.testing.assert_allclose(freq, chain.stationary(), atol=0.015)
    refit = MarkovChain.fit(path, n_states=4)
    np.testing.assert_allclose(refit.P, P, atol=0.03)
    np.testing.assert_array_equal(path, chain.sample(40000, start=0, random_state=1))
    labelled = MarkovChain(P, states=list("abcd")).sample(5, random_state=0, labels=True)
    assert set(labelled) <= set("abcd")


def test_fit_counts_and_pseudo_counts():
    chain = MarkovChain.fit([[0, 1, 1, 0], [1, 1]])
    # transitions: 0->1, 1->1, 1->0, 1->1
    np.testing.assert_allclose(chain.P, [[0, 1], [1 / 3, 2 / 3]])
    smooth = MarkovChain.fit([0, 1, 1, 0], n_states=3, pseudo_count=1.0)
    np.testing.assert_allclose(smooth.P[2], [1 / 3] * 3)
    np.testing.assert_allclose(smooth.P[0], [1 / 4, 2 / 4, 1 / 4])
    with pytest.raises(ValueError, match="n_states"):
        MarkovChain.fit([0, 3], n_states=2)
    with pytest.raises(ValueError, match="integer"):
        MarkovChain.fit([0.5, 1.0])


def test_stationary_not_unique_raises():
    with pytest.raises(ValueError, match="not unique"):
        MarkovChain(np.eye(3)).stationary()


@pytest.mark.parametrize("P, match", [
    ([[0.5, 0.6], [0.5, 0.5]], "sum to 1"),
    ([[1.5, -0.5], [0.5, 0.5]], "non-negative"),
    ([[1.0, 0.0]], "square"),
    ([[np.nan, 1.0], [0.5, 0.5]], "finite"),
    ([1.0], "2-D"),
])
def test_invalid_transition_matrix(P, match):
    with pytest.raises(ValueError, match=match):
        MarkovChain(P)


def test_invalid_arguments():
    chain = MarkovChain([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="p0"):
        chain.step_distribution([0.5, 0.6], 1)
    with pytest.raises(ValueError, match="p0"):
        chain.step_distribution([1.0, 0.0, 0.0], 1)
    with pytest.raises(ValueError, match="p0"):
        chain.step_distribution(5, 1)
    with pytest.raises(ValueError, match=r"n must be an int in the range \[0"):
        chain.n_step(-1)
    with pytest.raises(ValueError, match=r"n must be an int in the range \[1"):
        chain.sample(0)
    with pytest.raises(ValueError, match="method"):
        chain.stationary("power")
    with pytest.raises(ValueError, match="states"):
        MarkovChain([[1.0]], states=["a", "b"])


def test_caller_matrix_not_modified():
    P = random_chain(3, 0)
    before = P.copy()
    chain = MarkovChain(P)
    chain.stationary()
    np.testing.assert_array_equal(P, before)
    assert not chain.P.flags.writeable


@pytest.mark.parametrize("seed", range(4))
def test_mean_first_passage_times_match_first_step_analysis(seed):
    P = random_chain(6, seed, sparsity=0.4)
    M = MarkovChain(P).mean_first_passage_times()
    k = P.shape[0]
    for j in range(k):
        # m_i = 1 + Σ_{l ≠ j} P[i, l] m_l for i ≠ j: one linear system per target
        others = [i for i in range(k) if i != j]
        m = np.linalg.solve(np.eye(k - 1) - P[np.ix_(others, others)], np.ones(k - 1))
        np.testing.assert_allclose(M[others, j], m, rtol=1e-10)
        np.testing.assert_allclose(M[j, j], 1 + P[j, others] @ m, rtol=1e-10)  # return time = 1/π_j
    np.testing.assert_allclose(np.diag(M), 1 / MarkovChain(P).stationary(), rtol=1e-10)
    with pytest.raises(ValueError, match="irreducible"):
        MarkovChain([[1.0, 0.0], [0.5, 0.5]]).mean_first_passage_times()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n", [10**6, 10**12, 10**18, 2**62 + 1])
def test_n_step_of_huge_n_stays_stochastic_and_reaches_the_stationary_limit(seed, n):
    """Issue 20: ``n_step(10**18)`` gave entries near 2e7 (rounding compounded over 120 products)."""
    P = np.random.default_rng(seed).uniform(size=(4, 4)) + 0.1
    P /= P.sum(axis=1, keepdims=True)
    mc = MarkovChain(P)
    Pn = mc.n_step(n)
    assert np.all(Pn >= 0)
    np.testing.assert_allclose(Pn.sum(axis=1), 1.0, rtol=1e-14)
    # an ergodic chain: every row converges to π (the mixing is fast for these dense P)
    np.testing.assert_allclose(Pn, np.tile(mc.stationary(), (4, 1)), atol=1e-12)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 13])
def test_n_step_small_n_matches_matrix_power(n):
    P = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])
    # each renormalisation changes an entry by O(k ε) relative
    np.testing.assert_allclose(MarkovChain(P).n_step(n), np.linalg.matrix_power(P, n), rtol=1e-13, atol=1e-16)
