"""Bottleneck distance, landscapes and summary features."""

import itertools

import numpy as np
import persim
import pytest
from hypothesis import given
from hypothesis import strategies as st
from persim.persistent_entropy import persistent_entropy

from mmlkit.topology import (
    betti_curve,
    bottleneck_distance,
    persistence_entropy,
    persistence_landscape,
    total_persistence,
)


def random_diagram(rng, k):
    b = rng.uniform(0, 1, k)
    return np.c_[b, b + rng.exponential(0.3, k)]


def brute_force_bottleneck(A, B):
    """Try every bijection between A ∪ diag(B) and B ∪ diag(A)."""
    m, n = len(A), len(B)
    left = [("p", a) for a in A] + [("d", b) for b in B]
    right = [("p", b) for b in B] + [("d", a) for a in A]

    def cost(x, y):
        if x[0] == "p" and y[0] == "p":
            return np.max(np.abs(x[1] - y[1]))
        if x[0] == "p":
            return (x[1][1] - x[1][0]) / 2 if y[1] is x[1] else np.inf
        if y[0] == "p":
            return (y[1][1] - y[1][0]) / 2 if x[1] is y[1] else np.inf
        return 0.0

    return min(max((cost(left[i], right[p[i]]) for i in range(m + n)), default=0.0)
               for p in itertools.permutations(range(m + n)))


@pytest.mark.parametrize("seed", range(8))
def test_bottleneck_matches_persim(seed):
    rng = np.random.default_rng(seed)
    A, B = random_diagram(rng, rng.integers(1, 30)), random_diagram(rng, rng.integers(1, 30))
    assert bottleneck_distance(A, B) == pytest.approx(persim.bottleneck(A, B), abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_bottleneck_matches_brute_force_on_tiny_diagrams(seed):
    rng = np.random.default_rng(seed)
    A, B = random_diagram(rng, rng.integers(0, 3)), random_diagram(rng, rng.integers(0, 4))
    A, B = list(A), list(B)
    expected = brute_force_bottleneck(A, B)
    assert bottleneck_distance(np.reshape(A, (-1, 2)), np.reshape(B, (-1, 2))) == pytest.approx(expected)


def test_bottleneck_infinite_bars():
    A = np.array([[0.0, np.inf], [0.0, 1.0]])
    B = np.array([[0.3, np.inf], [0.0, 1.2]])
    assert bottleneck_distance(A, B) == pytest.approx(0.3)
    assert bottleneck_distance(A, B[1:]) == np.inf
    assert bottleneck_distance(np.empty((0, 2)), np.empty((0, 2))) == 0.0


diagrams = st.integers(0, 10_000).flatmap(
    lambda s: st.integers(0, 8).map(lambda k: random_diagram(np.random.default_rng(s), k)))


@given(diagrams, diagrams, diagrams)
def test_bottleneck_is_a_metric(A, B, C):
    dab = bottleneck_distance(A, B)
    assert bottleneck_distance(A, A) == 0.0
    assert dab == pytest.approx(bottleneck_distance(B, A))
    assert dab <= bottleneck_distance(A, C) + bottleneck_distance(C, B) + 1e-12


@pytest.mark.parametrize("seed", range(4))
def test_persistence_entropy_matches_persim(seed):
    D = random_diagram(np.random.default_rng(seed), 20)
    assert persistence_entropy(D) == pytest.approx(persistent_entropy(D)[0], rel=1e-12)
    assert persistence_entropy(D, normalize=True) == pytest.approx(
        persistent_entropy(D, normalize=True)[0], rel=1e-12)


def test_landscape_hand_example():
    D = np.array([[0.0, 4.0], [1.0, 3.0]])
    lam = persistence_landscape(D, 3, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(lam, [[0, 1, 2, 1], [0, 0, 1, 0], [0, 0, 0, 0]])


@given(diagrams)
def test_landscapes_are_ordered_and_integrate_to_the_tent_areas(D):
    grid = np.linspace(0, 3, 3001)
    lam = persistence_landscape(D, max(1, len(D)), grid)
    assert (np.diff(lam, axis=0) <= 1e-15).all()
    area = np.trapezoid(lam.sum(axis=0), grid)
    lengths = D[:, 1] - D[:, 0]
    inside = D[:, 1] <= 3
    expected = np.sum(lengths[inside] ** 2 / 4)
    if inside.all():
        assert area == pytest.approx(expected, abs=1e-5)


def test_total_persistence_and_betti_curve():
    D = np.array([[0.0, 1.0], [0.5, 2.5], [0.0, np.inf]])
    assert total_persistence(D) == 3.0
    assert total_persistence(D, p=2) == 5.0
    np.testing.assert_array_equal(betti_curve(D, [-1.0, 0.0, 0.75, 1.0, 3.0]), [0, 2, 3, 2, 1])


@pytest.mark.parametrize("fn", [
    lambda D: bottleneck_distance(D, D), lambda D: total_persistence(D),
    lambda D: persistence_entropy(D), lambda D: betti_curve(D, [0.0]),
    lambda D: persistence_landscape(D, 1, [0.0]),
])
@pytest.mark.parametrize("D", [np.ones((3, 3)), np.array([[1.0, 0.0]]), np.array([[np.nan, 1.0]]),
                               np.array([[np.inf, np.inf]])])
def test_bad_diagrams(fn, D):
    with pytest.raises(ValueError, match="dgm"):
        fn(D)


def test_bad_parameters():
    D = np.array([[0.0, 1.0]])
    with pytest.raises(ValueError, match="k"):
        persistence_landscape(D, 0, [0.0])
    with pytest.raises(ValueError, match="p"):
        total_persistence(D, p=0.0)
    with pytest.raises(ValueError, match="grid"):
        betti_curve(D, [[0.0]])
