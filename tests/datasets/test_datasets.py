import numpy as np
import pytest
import sklearn.datasets as skd

from mmlkit import datasets as ds


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
def test_embedded_tables_equal_scikit_learns(name):
    ours = getattr(ds, f"load_{name}")()
    ref = getattr(skd, f"load_{name}")()
    np.testing.assert_array_equal(ours.data, ref.data)
    np.testing.assert_array_equal(ours.target, ref.target)
    assert ours.feature_names == list(map(str, ref.feature_names))
    assert ours.target_names == list(map(str, ref.target_names))
    X, y = ours
    assert X.dtype == np.float64 and y.dtype == np.int64


def test_loaders_return_fresh_writable_copies():
    a = ds.load_iris()
    a.data[0, 0] = -1.0
    assert ds.load_iris().data[0, 0] == 5.1
    assert ds.load_digits().images.shape == (1797, 8, 8)


def test_karate_club_is_zacharys_graph():
    import networkx as nx
    g = ds.load_karate_club()
    ref = nx.karate_club_graph()
    np.testing.assert_array_equal(g.adjacency, nx.to_numpy_array(ref, weight=None))
    assert g.adjacency.shape == (34, 34) and g.edges.shape == (78, 2)
    assert (g.adjacency == g.adjacency.T).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generators_shapes_labels_and_seeds(seed):
    X, y = ds.make_blobs(n_samples=[10, 20, 30], n_features=3, random_state=seed)
    assert X.shape == (60, 3) and np.bincount(y).tolist() == [10, 20, 30]
    X, y = ds.make_moons(101, noise=0.05, random_state=seed)
    assert X.shape == (101, 2) and np.bincount(y).tolist() == [51, 50]
    X, y = ds.make_circles(100, factor=0.5, random_state=seed)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.5)
    X, y, w = ds.make_regression(50, 8, n_informative=3, coef=True, random_state=seed)
    np.testing.assert_allclose(X @ w, y)
    assert (w != 0).sum() == 3
    X, y = ds.make_classification(200, 10, n_informative=3, n_classes=3, flip_y=0.0, random_state=seed)
    assert X.shape == (200, 10) and set(np.unique(y)) == {0, 1, 2}
    for make in (ds.make_blobs, ds.make_moons, ds.make_circles, ds.make_classification):
        a, b = make(random_state=seed), make(random_state=seed)
        np.testing.assert_array_equal(a[0], b[0])


def test_generators_reject_bad_arguments():
    with pytest.raises(ValueError, match="factor"):
        ds.make_circles(factor=1.5)
    with pytest.raises(ValueError, match="n_samples"):
        ds.make_regression(0)
    with pytest.raises(ValueError, match="n_informative"):
        ds.make_classification(n_features=3, n_informative=3, n_redundant=2)


# ----------------------------------------------------------------------------- bad parameters (issue 20)
@pytest.mark.parametrize(("call", "match"), [
    (lambda: ds.make_blobs(centers=0), "centers"),
    (lambda: ds.make_blobs(10.5), "n_samples"),
    (lambda: ds.make_blobs([0, 0]), "n_samples"),
    (lambda: ds.make_blobs(n_features=0), "n_features"),
    (lambda: ds.make_blobs(cluster_std=-1.0), "cluster_std"),
    (lambda: ds.make_blobs(center_box=(1.0, 0.0)), "center_box"),
    (lambda: ds.make_moons(noise=-1.0), "noise"),
    (lambda: ds.make_moons((3,)), "n_samples"),
    (lambda: ds.make_circles(noise=-0.1), "noise"),
    (lambda: ds.make_regression(noise=-1.0), "noise"),
    (lambda: ds.make_regression(n_targets=0), "n_targets"),
    (lambda: ds.make_classification(flip_y=2.0), "flip_y"),
    (lambda: ds.make_classification(n_classes=1), "n_classes"),
    (lambda: ds.make_classification(n_clusters_per_class=0), "n_clusters_per_class"),
    (lambda: ds.make_swiss_roll(noise=-1.0), "noise"),
])
def test_generators_reject_bad_parameters_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
