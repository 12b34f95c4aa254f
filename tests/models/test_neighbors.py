"""Exact k-nearest neighbours: the KD-tree equals brute force, both equal scikit-learn's NearestNeighbors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.neighbors import NearestNeighbors

from mmlkit.datasets import make_moons
from mmlkit.models import _neighbors
from mmlkit.models._neighbors import kneighbors, kneighbors_brute, kneighbors_kd_tree


def _reference_sets(X, k):
    """scikit-learn's k nearest (itself included) as sorted index rows, from distinct-distance data."""
    ref = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(X).kneighbors(X, return_distance=False)
    return np.sort(ref, axis=1)


def _textbook(X, k):
    """Full distance matrix, itself first, stable sort: ties to the lower index."""
    D = ((X[:, None, :] - X[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(D, -1.0)
    return np.argsort(D, axis=1, kind="stable")[:, :k]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n, d, k", [(1200, 2, 10), (700, 3, 7), (900, 5, 20), (300, 1, 4),
                                     (150, 8, 150), (400, 2, 1), (500, 16, 12)])
def test_tree_and_brute_match_sklearn(seed, n, d, k):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.1, 10.0, d)   # anisotropic: unequal boxes
    tree, brute = kneighbors_kd_tree(X, k), kneighbors_brute(X, k)
    np.testing.assert_array_equal(tree, brute)
    assert (tree[:, 0] == np.arange(n)).all()
    np.testing.assert_array_equal(np.sort(tree, axis=1), _reference_sets(X, k))


@pytest.mark.parametrize("seed", [0, 1])
def test_moons_graph_matches_sklearn(seed):
    X = make_moons(3000, noise=0.05, random_state=seed)[0]
    np.testing.assert_array_equal(np.sort(kneighbors(X, 10), axis=1), _reference_sets(X, 10))


def test_many_features_use_matrix_products_and_agree_with_sklearn():
    X = np.random.default_rng(3).standard_normal((600, 40))
    np.testing.assert_array_equal(np.sort(kneighbors(X, 9), axis=1), _reference_sets(X, 9))
    np.testing.assert_array_equal(kneighbors(X, 9, algorithm="kd_tree"), kneighbors_brute(X, 9))


@given(seed=st.integers(0, 2**16), n=st.integers(1, 260), d=st.integers(1, 4),
       levels=st.integers(1, 5), data=st.data())
def test_tree_equals_brute_with_duplicates_and_ties(seed, n, d, levels, data):
    # points on a small integer grid: many duplicates and many equal distances
    X = np.random.default_rng(seed).integers(0, levels, (n, d)).astype(float)
    k = data.draw(st.integers(1, n))
    tree = kneighbors_kd_tree(X, k, leaf_size=data.draw(st.sampled_from([2, 5, 16, 48])))
    np.testing.assert_array_equal(tree, kneighbors_brute(X, k))
    np.testing.assert_array_equal(tree, _textbook(X, k))


@given(X=arrays(np.float64, st.tuples(st.integers(1, 80), st.integers(1, 3)),
                elements=st.floats(-1e3, 1e3, allow_nan=False)), data=st.data())
def test_tree_equals_textbook_on_arbitrary_floats(X, data):
    k = data.draw(st.integers(1, X.shape[0]))
    # the same power-of-two rescaling on both sides (it is exact, except where keys turn subnormal)
    np.testing.assert_array_equal(kneighbors_kd_tree(X, k, leaf_size=4), _textbook(_neighbors._rescaled(X), k))


@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1.0, 1e150, 1e300])
def test_extreme_scales_give_the_unit_scale_answer(scale):
    X = np.random.default_rng(4).standard_normal((400, 2))
    expected = kneighbors_brute(X, 6)
    for algorithm in ("kd_tree", "brute", "auto"):
        np.testing.assert_array_equal(kneighbors(X * scale, 6, algorithm=algorithm), expected)


def test_does_not_modify_input():
    X = np.random.default_rng(5).standard_normal((300, 3))
    before = X.copy()
    kneighbors_kd_tree(X, 5)
    kneighbors_brute(X, 5)
    np.testing.assert_array_equal(X, before)


def test_all_points_equal():
    X = np.ones((200, 2))
    expected = np.array([[i] + [j for j in range(200) if j != i][:4] for i in range(200)])
    np.testing.assert_array_equal(kneighbors_kd_tree(X, 5), expected)
    np.testing.assert_array_equal(kneighbors_brute(X, 5), expected)


def test_gemm_path_breaks_exact_ties_by_index(monkeypatch):
    monkeypatch.setattr(_neighbors, "_TREE_MAX_DIM", 0)
    X = np.random.default_rng(6).integers(0, 2, (300, 3)).astype(float)
    np.testing.assert_array_equal(kneighbors(X, 30), _textbook(X, 30))


@given(seed=st.integers(0, 2**16), n=st.integers(512, 2500), k=st.integers(1, 40), levels=st.integers(2, 50))
def test_bounded_selection_equals_full_selection(seed, n, k, levels):
    # integer keys: many exact ties at every row's k-th key, which must still go to the lower id
    K = np.random.default_rng(seed).integers(0, levels, (7, n)).astype(float)
    K[np.arange(7), np.arange(7)] = -np.inf
    ids = np.arange(n)
    np.testing.assert_array_equal(_neighbors._select_bounded(K, k, ids), _neighbors._select(K, k, ids))


def test_gemm_path_on_integer_data_equals_brute_force():
    # digits-like data: small integers, so the matrix-product keys are exact and every tie is real
    X = np.random.default_rng(8).integers(0, 17, (1500, 24)).astype(float)
    np.testing.assert_array_equal(kneighbors(X, 10), kneighbors_brute(X, 10))
