"""Vietoris–Rips persistence against ripser (multiset match of the diagrams)."""

import numpy as np
import pytest
import ripser
from hypothesis import given
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from mmlkit.topology import betti_curve, bottleneck_distance, vietoris_rips

TOL = 1e-9          # same distances in, so the diagrams must agree to round-off


def assert_same_diagram(ours, ref, tol=TOL):
    ours, ref = np.asarray(ours, float).reshape(-1, 2), np.asarray(ref, float).reshape(-1, 2)
    assert ours.shape == ref.shape, f"{len(ours)} pairs vs ripser's {len(ref)}"
    ours = ours[np.lexsort((ours[:, 1], ours[:, 0]))]
    ref = ref[np.lexsort((ref[:, 1], ref[:, 0]))]
    np.testing.assert_array_equal(np.isinf(ours), np.isinf(ref))
    fin = np.isfinite(ref)
    np.testing.assert_allclose(ours[fin], ref[fin], rtol=0, atol=tol)


def float32_distances(X):
    """Ripser computes in float32: hand both the same float32-representable distances."""
    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(-1))
    return D.astype(np.float32).astype(np.float64)


def check_against_ripser(D, thresh=np.inf):
    ref = ripser.ripser(D, maxdim=1, distance_matrix=True, thresh=thresh)["dgms"]
    ours = vietoris_rips(D, maxdim=1, max_edge=thresh, distance_matrix=True)
    assert_same_diagram(ours[0], ref[0])
    assert_same_diagram(ours[1], ref[1])
    return ours


def noisy_circle(n, noise, rng):
    t = rng.uniform(0, 2 * np.pi, n)
    return np.c_[np.cos(t), np.sin(t)] + noise * rng.standard_normal((n, 2))


def torus(n, rng, R=2.0, r=0.8):
    u, v = rng.uniform(0, 2 * np.pi, (2, n))
    return np.c_[(R + r * np.cos(v)) * np.cos(u), (R + r * np.cos(v)) * np.sin(u), r * np.sin(v)]


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n, noise", [(20, 0.0), (60, 0.05), (150, 0.15)])
def test_circles_match_ripser(seed, n, noise):
    rng = np.random.default_rng(seed)
    dgms = check_against_ripser(float32_distances(noisy_circle(n, noise, rng)))
    pers = dgms[1][:, 1] - dgms[1][:, 0]
    assert pers.max() > 0.5                 # the loop is there


@pytest.mark.parametrize("seed", range(3))
def test_torus_samples_match_ripser(seed):
    D = float32_distances(torus(120, np.random.default_rng(seed)))
    check_against_ripser(D)
    check_against_ripser(D, thresh=float(np.quantile(D, 0.2)))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n, dim", [(3, 2), (10, 1), (40, 2), (80, 3), (90, 5)])
def test_random_clouds_match_ripser_with_and_without_threshold(seed, n, dim):
    rng = np.random.default_rng(100 * seed + n)
    D = float32_distances(rng.standard_normal((n, dim)))
    check_against_ripser(D)
    for q in (0.1, 0.3, 0.6):
        check_against_ripser(D, thresh=float(np.quantile(D, q)))


@pytest.mark.parametrize("seed", range(3))
def test_many_ties_match_ripser(seed):
    # integer grids and rounded points: many equal distances, so tie-breaking matters
    rng = np.random.default_rng(seed)
    X = np.round(rng.uniform(0, 4, (50, 2)))
    D = float32_distances(np.unique(X, axis=0))
    check_against_ripser(D)
    check_against_ripser(D, thresh=2.0)
    g = np.stack(np.meshgrid(np.arange(6), np.arange(5)), -1).reshape(-1, 2).astype(float)
    check_against_ripser(float32_distances(g))
    check_against_ripser(float32_distances(g), thresh=1.0)


def test_duplicate_points_match_ripser():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((20, 2))
    X = np.vstack([X, X[:5]])
    check_against_ripser(float32_distances(X))


def test_ripser_and_gudhi_textbook_cases():
    # the unit square (gudhi's Rips tests): one loop born at 1, dead at sqrt(2)
    square = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    dgms = check_against_ripser(float32_distances(square))
    assert dgms[1].shape == (1, 2)
    np.testing.assert_allclose(dgms[1][0], [1.0, np.float32(np.sqrt(2))])
    # the hexagon and a threshold that keeps its loop alive forever
    t = np.arange(6) * np.pi / 3
    hexagon = float32_distances(np.c_[np.cos(t), np.sin(t)])
    dgms = check_against_ripser(hexagon, thresh=1.5)
    assert np.isinf(dgms[1][0, 1])
    # two far clusters and a threshold in between: two infinite H0 bars
    X = np.r_[np.zeros((3, 1)), np.ones((3, 1)) * 10] + np.arange(6)[:, None] * 0.1
    dgms = check_against_ripser(float32_distances(X), thresh=5.0)
    assert np.isinf(dgms[0][:, 1]).sum() == 2
    # a distance matrix with a cycle of 5 (ripser's docs example style)
    D = np.array([[0, 1, 3, 4, 1], [1, 0, 1, 3, 4], [3, 1, 0, 1, 3], [4, 3, 1, 0, 1], [1, 4, 3, 1, 0]], float)
    dgms = check_against_ripser(D)
    np.testing.assert_allclose(dgms[1], [[1.0, 3.0]])


@pytest.mark.parametrize("seed", range(2))
def test_point_cloud_input_matches_ripser_to_float32_precision(seed):
    X = noisy_circle(100, 0.1, np.random.default_rng(seed))
    ref = ripser.ripser(X, maxdim=1)["dgms"]
    ours = vietoris_rips(X, maxdim=1)
    assert_same_diagram(ours[0], ref[0], tol=1e-6)
    assert_same_diagram(ours[1], ref[1], tol=1e-6)


@pytest.mark.parametrize("metric", ["manhattan", "chebyshev"])
def test_other_metrics_match_ripser(metric):
    X = np.random.default_rng(3).standard_normal((40, 3))
    ref = ripser.ripser(X, maxdim=1, metric=metric)["dgms"]
    ours = vietoris_rips(X, metric=metric)
    assert_same_diagram(ours[0], ref[0], tol=1e-5)
    assert_same_diagram(ours[1], ref[1], tol=1e-5)


def test_maxdim_zero_returns_only_h0():
    X = np.random.default_rng(0).standard_normal((15, 2))
    dgms = vietoris_rips(X, maxdim=0)
    assert len(dgms) == 1 and dgms[0].shape == (15, 2)


def test_caller_array_unchanged():
    D = float32_distances(np.random.default_rng(1).standard_normal((12, 2)))
    D0 = D.copy()
    vietoris_rips(D, distance_matrix=True)
    np.testing.assert_array_equal(D, D0)


# ---------------------------------------------------------------- properties
clouds = st.integers(0, 10_000).flatmap(
    lambda seed: st.integers(2, 25).map(lambda n: np.random.default_rng(seed).standard_normal((n, 2))))


@given(clouds)
def test_h0_deaths_are_the_minimum_spanning_tree(X):
    dgms = vietoris_rips(X)
    finite = dgms[0][np.isfinite(dgms[0][:, 1]), 1]
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    mst = minimum_spanning_tree(D).toarray()
    np.testing.assert_allclose(np.sort(finite), np.sort(mst[mst > 0]), rtol=1e-10)
    assert np.isinf(dgms[0][:, 1]).sum() == 1


@given(clouds, st.floats(0.1, 10.0), st.integers(0, 1000))
def test_diagrams_invariant_to_permutation_and_equivariant_to_scaling(X, c, seed):
    base = vietoris_rips(X)
    perm = np.random.default_rng(seed).permutation(len(X))
    for q, dg in enumerate(vietoris_rips(c * X[perm])):
        assert bottleneck_distance(dg, c * base[q]) <= 1e-9 * max(1.0, c)


@given(clouds, st.floats(0.0, 0.2), st.integers(0, 1000))
def test_stability_bottleneck_at_most_twice_the_perturbation(X, eps, seed):
    rng = np.random.default_rng(seed)
    step = rng.standard_normal(X.shape)
    step *= eps / np.maximum(np.linalg.norm(step, axis=1, keepdims=True), 1e-300)
    a, b = vietoris_rips(X), vietoris_rips(X + step)
    for q in range(2):
        assert bottleneck_distance(a[q], b[q]) <= 2 * eps + 1e-9


@given(clouds, st.floats(0.05, 3.0))
def test_betti0_counts_connected_components(X, t):
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    n_comp, _ = connected_components(D <= t, directed=False)
    assert betti_curve(vietoris_rips(X, maxdim=0)[0], [t])[0] == n_comp


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, match", [
    ({"maxdim": 2}, "maxdim"),
    ({"maxdim": True}, "maxdim"),
    ({"max_edge": -1.0}, "max_edge"),
    ({"max_edge": np.nan}, "max_edge"),
    ({"metric": "cosine"}, "metric"),
])
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        vietoris_rips(np.zeros((4, 2)), **kwargs)


@pytest.mark.parametrize("D, match", [
    (np.ones((3, 4)), "square"),
    (np.array([[0.0, 1.0], [2.0, 0.0]]), "symmetric"),
    (np.array([[1.0, 1.0], [1.0, 1.0]]), "zero diagonal"),
    (np.array([[0.0, -1.0], [-1.0, 0.0]]), "non-negative"),
])
def test_bad_distance_matrices(D, match):
    with pytest.raises(ValueError, match=match):
        vietoris_rips(D, distance_matrix=True)


@pytest.mark.parametrize("X", [np.zeros(5), np.array([[0.0, np.nan]]), np.empty((0, 2))])
def test_bad_points(X):
    with pytest.raises(ValueError, match="X"):
        vietoris_rips(X)


@given(st.lists(st.sets(st.integers(0, 60), min_size=1, max_size=40), min_size=1, max_size=12))
def test_lazy_column_is_the_z2_sum(sets):
    """The lazy column used by the reduction: pivot = min of the symmetric difference."""
    from mmlkit.topology.rips import _LazyColumn

    class ShortPrefix(_LazyColumn):          # several prefix rounds per pivot search
        _PREFIX = 3

    for cls in (_LazyColumn, ShortPrefix):
        col = cls(np.array(sorted(sets[0]), dtype=np.int64))
        total = set(sets[0])
        for s in sets[1:]:
            col.add(np.array(sorted(s), dtype=np.int64))
            total ^= s
            assert col.pivot() == (min(total) if total else None)
        if total:
            np.testing.assert_array_equal(col.materialize(), sorted(total))


def test_benchmark_size_circle_matches_ripser():
    # W14's size: 400 points, where most H1 work is in a few long column reductions
    check_against_ripser(float32_distances(noisy_circle(400, 0.1, np.random.default_rng(0))))


def _both_reductions(D, thresh, monkeypatch):
    """Diagrams from the dense byte-per-triangle column and from the lazy sorted-array column."""
    import mmlkit.topology.rips as rips

    dense = vietoris_rips(D, max_edge=thresh, distance_matrix=True)
    with monkeypatch.context() as m:
        m.setattr(rips, "_DENSE_MAX_TRIANGLES", 0)
        lazy = vietoris_rips(D, max_edge=thresh, distance_matrix=True)
    return dense, lazy


@pytest.mark.parametrize("seed", range(3))
def test_dense_and_lazy_column_reductions_agree(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    for D in (float32_distances(noisy_circle(120, 0.2, rng)),
              float32_distances(np.round(rng.uniform(0, 5, (60, 2))))):   # ties and duplicates
        for thresh in (np.inf, float(np.quantile(D, 0.3))):
            dense, lazy = _both_reductions(D, thresh, monkeypatch)
            for a, b in zip(dense, lazy):
                np.testing.assert_array_equal(a, b)


@given(seed=st.integers(0, 2**16), n=st.integers(3, 40), levels=st.integers(2, 6))
def test_dense_and_lazy_reductions_agree_on_grids(seed, n, levels):
    import mmlkit.topology.rips as rips

    X = np.random.default_rng(seed).integers(0, levels, (n, 2)).astype(float)
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    dense = vietoris_rips(D, distance_matrix=True)
    saved = rips._DENSE_MAX_TRIANGLES
    rips._DENSE_MAX_TRIANGLES = 0
    try:
        lazy = vietoris_rips(D, distance_matrix=True)
    finally:
        rips._DENSE_MAX_TRIANGLES = saved
    for a, b in zip(dense, lazy):
        np.testing.assert_array_equal(a, b)
