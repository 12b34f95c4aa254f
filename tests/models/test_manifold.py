"""t-SNE against scikit-learn (affinities, gradient, trustworthiness), properties and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import squareform
from sklearn.manifold import TSNE as SkTSNE
from sklearn.manifold import trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities, _joint_probabilities_nn, _kl_divergence
from sklearn.neighbors import NearestNeighbors

from mmlkit._pairwise import squared_distances
from mmlkit.datasets import load_digits, load_iris, make_blobs
from mmlkit.models import TSNE
from mmlkit.models import _interpolation as interpolation
from mmlkit.models._quadtree import build, direct_repulsion, interactions, repulsion
from mmlkit.models.manifold import (
    _BH_DIRECT_MAX,
    _grid_width,
    _kl_gradient,
    _kl_gradient_bh,
    _upper_edges,
    conditional_probabilities,
    joint_probabilities,
    joint_probabilities_nn,
)


def _digits(n=250):
    return load_digits().data[:n]


@pytest.mark.parametrize("name, perplexity", [("iris", 30.0), ("digits", 10.0), ("digits", 50.0), ("dup", 5.0)])
def test_joint_probabilities_match_sklearn(name, perplexity):
    if name == "iris":
        X = load_iris().data
    elif name == "digits":
        X = _digits()
    else:  # duplicated rows: zero distances
        X = np.repeat(make_blobs(40, random_state=0)[0], 2, axis=0)
    D = squared_distances(X)
    ours = joint_probabilities(D, perplexity)
    ref = squareform(_joint_probabilities(D, perplexity, 0))
    # Both bisect to an entropy tolerance of 1e-5 nats, from different starting β.
    np.testing.assert_allclose(ours, ref, rtol=2e-4, atol=1e-12)
    assert ours.sum() == pytest.approx(1.0, abs=1e-9)


@settings(max_examples=20)
@given(seed=st.integers(0, 2**16), perplexity=st.floats(2.0, 20.0), scale=st.floats(1e-3, 1e3))
def test_each_row_has_the_requested_perplexity(seed, perplexity, scale):
    X = np.random.default_rng(seed).normal(size=(40, 3)) * scale
    P = conditional_probabilities(squared_distances(X), perplexity)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(np.diag(P) == 0)
    H = -np.sum(np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0), axis=1)
    np.testing.assert_allclose(np.exp(H), perplexity, rtol=1e-4)


def _random_P(rng, n):
    P = rng.uniform(size=(n, n))
    P = P + P.T
    np.fill_diagonal(P, 0.0)
    return P / P.sum()


@pytest.mark.parametrize("c", [1, 2])
def test_kl_and_gradient_match_sklearn(c):
    """For c ≤ 2 (ν = 1) our gradient equals scikit-learn's exact one."""
    rng = np.random.default_rng(c)
    n = 60
    Y, P = rng.normal(size=(n, c)), _random_P(rng, n)
    err, grad = _kl_gradient(Y, P, 1, True)
    ref_err, ref_grad = _kl_divergence(Y.ravel(), squareform(P, checks=False), 1, n, c)
    assert err == pytest.approx(ref_err, rel=1e-12)
    np.testing.assert_allclose(grad.ravel(), ref_grad, rtol=1e-10, atol=1e-14)


@settings(max_examples=10)
@given(seed=st.integers(0, 2**16), c=st.integers(1, 3))
def test_gradient_matches_finite_differences(seed, c):
    """Also for ν = c − 1 = 2, where scikit-learn's exact gradient drops the wᵢⱼ^{2/(ν+1)} power."""
    rng = np.random.default_rng(seed)
    n = 15
    Y, P = rng.normal(size=(n, c)), _random_P(rng, n)
    dof = max(c - 1, 1)
    _, grad = _kl_gradient(Y, P, dof, False)
    h = 1e-6
    fd = np.empty_like(Y)
    for idx in np.ndindex(*Y.shape):  # finite differences: one coordinate at a time, by definition
        E = np.zeros_like(Y)
        E[idx] = h
        fd[idx] = (_kl_gradient(Y + E, P, dof, True)[0] - _kl_gradient(Y - E, P, dof, True)[0]) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("method", ["exact", "barnes_hut"])
@pytest.mark.parametrize("name, perplexity", [("iris", 30.0), ("digits", 20.0)])
def test_trustworthiness_close_to_sklearn(name, perplexity, method):
    X = load_iris().data if name == "iris" else _digits(250)
    ours = TSNE(perplexity=perplexity, max_iter=500, method=method, random_state=0).fit(X)
    ref = SkTSNE(perplexity=perplexity, max_iter=500, method=method, random_state=0).fit(X)
    t_ours = trustworthiness(X, ours.embedding_, n_neighbors=5)
    t_ref = trustworthiness(X, ref.embedding_, n_neighbors=5)
    assert t_ours >= t_ref - 0.01
    # The same objective on both sides (dense P for exact, the k-NN P for Barnes-Hut); two runs of a
    # non-convex descent from the same PCA start land within a few per cent of each other.
    assert ours.kl_divergence_ <= ref.kl_divergence_ * 1.1
    assert ours.embedding_.shape == (len(X), 2) and ours.n_iter_ == 499


def test_random_init_three_components_and_reproducibility():
    X = _digits(150)
    a = TSNE(n_components=3, perplexity=15, init="random", max_iter=300, random_state=3).fit_transform(X)
    b = TSNE(n_components=3, perplexity=15, init="random", max_iter=300, random_state=3).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    assert a.shape == (150, 3)
    assert trustworthiness(X, a, n_neighbors=5) > 0.9


def test_separated_blobs_stay_separated_and_input_untouched():
    X, y = make_blobs(120, n_features=10, centers=3, cluster_std=0.5, random_state=0)
    X0 = X.copy()
    E = TSNE(perplexity=10, max_iter=400, random_state=0).fit_transform(X)
    np.testing.assert_array_equal(X, X0)
    centroids = np.stack([E[y == k].mean(0) for k in range(3)])
    spread = max(np.linalg.norm(E[y == k] - centroids[k], axis=1).max() for k in range(3))
    gaps = np.linalg.norm(centroids[:, None] - centroids[None], axis=2)[np.triu_indices(3, 1)]
    assert gaps.min() > spread


@pytest.mark.parametrize("method", ["exact", "barnes_hut"])
def test_kl_divergence_attribute_is_the_final_objective(method):
    """Up to 1,000 points Barnes-Hut sums its sparse P's gradient over all pairs, as exact does its dense P's."""
    X = load_iris().data
    ts = TSNE(perplexity=20, max_iter=300, method=method, random_state=0).fit(X)
    P = (joint_probabilities(squared_distances(X), 20) if method == "exact"
         else joint_probabilities_nn(X, 20).toarray()).astype(np.float32)
    # rel=1e-6: inside fit P went through × and ÷ by the exaggeration in float32.
    assert ts.kl_divergence_ == pytest.approx(_kl_gradient(ts.embedding_, P, 1, True)[0], rel=1e-6)
    assert ts.learning_rate_ == 50.0


@pytest.mark.parametrize("kwargs, match", [
    (dict(perplexity=30.0), "perplexity must be less than n_samples"),
    (dict(perplexity=-1.0), "perplexity"),
    (dict(n_components=0), "n_components"),
    (dict(early_exaggeration=0.5), "early_exaggeration"),
    (dict(learning_rate=0.0), "learning_rate"),
    (dict(learning_rate="fast"), "learning_rate"),
    (dict(max_iter=0), "max_iter"),
    (dict(init="spectral"), "init"),
    (dict(method="fast"), "method"),
    (dict(angle=-0.1), "angle"),
    (dict(angle=1.5), "angle"),
    (dict(n_components=4), "n_components must be at most 3 for method='barnes_hut'"),
    (dict(min_grad_norm=-1.0), "min_grad_norm"),
])
def test_bad_parameters(kwargs, match):
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=match):
        TSNE(**{"perplexity": 5.0, **kwargs}).fit(X)


def test_bad_input_data():
    with pytest.raises(ValueError, match="NaN"):
        TSNE(perplexity=1).fit([[0.0, np.nan], [1.0, 1.0], [2.0, 0.0]])
    with pytest.raises(ValueError, match="2-D|2D"):
        TSNE(perplexity=1).fit(np.arange(5.0))


# ---------------------------------------------------------------- Barnes-Hut


def test_n_components_four_works_with_the_exact_method():
    X = np.random.default_rng(0).normal(size=(20, 5))
    assert TSNE(4, perplexity=5.0, method="exact", max_iter=250, random_state=0).fit_transform(X).shape == (20, 4)


def _jitter_digits(n, seed=0):
    """Digits with tiny noise: integer pixels tie distances, and ties make the k-NN graphs of two libraries differ."""
    return _digits(n) + np.random.default_rng(seed).normal(scale=1e-3, size=(n, 64))


@pytest.mark.parametrize("name, perplexity", [("blobs", 5.0), ("blobs", 30.0), ("digits", 10.0), ("digits", 40.0)])
def test_sparse_joint_probabilities_match_sklearn(name, perplexity):
    X = make_blobs(300, n_features=5, random_state=1)[0] if name == "blobs" else _jitter_digits(400)
    k = min(len(X) - 1, int(3 * perplexity + 1))
    graph = NearestNeighbors(n_neighbors=k).fit(X).kneighbors_graph(mode="distance")
    graph.data **= 2
    ref = _joint_probabilities_nn(graph, perplexity, 0).toarray()
    ours = joint_probabilities_nn(X, perplexity)
    # Same neighbour graph; both bisect to an entropy tolerance of 1e-5 nats (scikit-learn in float32 distances).
    np.testing.assert_array_equal(ours.toarray() > 0, ref > 0)
    np.testing.assert_allclose(ours.toarray(), ref, rtol=2e-4, atol=1e-12)
    assert (ours != ours.T).nnz == 0 and ours.sum() == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=15)
@given(seed=st.integers(0, 2**16), n=st.integers(8, 60), perplexity=st.floats(1.0, 15.0))
def test_sparse_p_is_the_dense_p_restricted_to_the_knn_graph(seed, n, perplexity):
    """Dense affinities from distances that are infinite off the k-NN graph equal the sparse ones."""
    X = np.random.default_rng(seed).normal(size=(n, 3))
    perplexity = min(perplexity, n - 1.0)
    P = joint_probabilities_nn(X, perplexity).toarray()
    k = min(n - 1, int(3 * perplexity + 1))
    D = squared_distances(X)
    far = np.argsort(D + np.diag(np.full(n, -1.0)), axis=1, kind="stable")[:, k + 1:]
    D_far = D.copy()
    np.put_along_axis(D_far, far, 1e6 * D.max(), axis=1)   # exp(−β · 1e6 · max D) underflows to exactly 0
    graph = np.ones((n, n), dtype=bool)
    np.put_along_axis(graph, far, False, axis=1)
    on_graph = graph | graph.T
    assert np.all(P[~on_graph] == 0)
    # Off the graph the dense P is floored at eps; on it, the two bisections stop within 1e-5 nats
    # of the target from different brackets: 2e-4 relative on the entries that carry the mass, more
    # on the tails exp(−βᵢ Dᵢⱼ) < 1e-6 where a small change of βᵢ is a large relative one.
    np.testing.assert_allclose(P, joint_probabilities(D_far, perplexity), rtol=2e-4, atol=1e-6)


def _tree_data(seed, n, c, duplicates):
    rng = np.random.default_rng(seed)
    Y = rng.normal(size=(n, c)) * rng.uniform(0.01, 100)
    if duplicates:
        Y = np.concatenate([Y, Y[: n // 2]])
    return Y


@settings(max_examples=20)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 80), c=st.integers(1, 3), duplicates=st.booleans(),
       leaf_size=st.sampled_from([1, 3, 8]))
def test_tree_cells_hold_brute_force_sums(seed, n, c, duplicates, leaf_size):
    Y = _tree_data(seed, n, c, duplicates)
    t = build(Y, leaf_size)
    assert np.array_equal(np.sort(t.order), np.arange(len(Y)))
    for k in range(t.start.size):          # a test may loop: each cell against its own brute-force sums
        pts = Y[t.order[t.start[k]:t.end[k]]]
        np.testing.assert_allclose(t.com[k], pts.mean(axis=0), rtol=1e-10, atol=1e-12 * np.abs(Y).max())
        np.testing.assert_array_equal(t.lo[k], pts.min(axis=0))
        np.testing.assert_array_equal(t.hi[k], pts.max(axis=0))
        kids = np.arange(t.child_lo[k], t.child_hi[k])
        if kids.size:                      # the children partition the cell's run, in order
            assert t.start[kids[0]] == t.start[k] and t.end[kids[-1]] == t.end[k]
            np.testing.assert_array_equal(t.start[kids[1:]], t.end[kids[:-1]])
        else:                              # a leaf: few points, or all in one finest cell
            assert len(pts) <= leaf_size or np.all(pts == pts[0])
    assert t.start[0] == 0 and t.end[0] == len(Y)


@settings(max_examples=20)
@given(seed=st.integers(0, 2**16), n=st.integers(2, 80), c=st.integers(1, 3), duplicates=st.booleans(),
       leaf_size=st.sampled_from([1, 3, 8]))
def test_tree_at_angle_zero_sums_every_pair_once(seed, n, c, duplicates, leaf_size):
    Y = _tree_data(seed, n, c, duplicates)
    dof = max(c - 1, 1)
    Z, F = repulsion(Y, 0.0, dof, np.float64, leaf_size)
    Zd, Fd = direct_repulsion(Y, dof, np.float64)
    # The direct sums take 1 + ‖yᵢ − yⱼ‖²/ν from one product of Y centred on its box: each wᵢⱼ is off
    # by a relative eps · ‖y‖²/ν or so (y up to a few hundred here), the tree's by a few eps.
    centred = Y - (Y.min(axis=0) + Y.max(axis=0)) / 2
    rel = 1e-12 + 16 * np.finfo(float).eps * np.max(np.sum(centred**2, axis=1)) / dof
    assert Z == pytest.approx(Zd, rel=rel)
    # Direct sums cancel (Σⱼ aᵢⱼ yᵢ − Σⱼ aᵢⱼ yⱼ): rounding of order eps · max|y| · Z / n per entry.
    np.testing.assert_allclose(F, Fd, rtol=1e-9 + rel,
                               atol=1e-12 * (np.abs(Y).max() * Zd / len(Y) + np.abs(Fd).max()))
    t = build(Y, leaf_size)
    far_T, far_S, near_T, near_S = interactions(t, 0.0)
    assert far_T.size == 0                 # angle 0 accepts no cell whole
    size = t.end - t.start
    assert np.sum(size[near_T] * size[near_S]) == len(Y) ** 2   # every ordered pair once, itself included


@settings(max_examples=15)
@given(seed=st.integers(0, 2**16), n=st.integers(5, 120), c=st.integers(1, 3))
def test_barnes_hut_at_angle_zero_is_the_exact_gradient(seed, n, c):
    """On the same sparse P, the tree at angle 0 gives the exact gradient and KL (what TSNE uses up to 1,000 points)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    P = joint_probabilities_nn(X, min(5.0, n - 1.0))
    Y = rng.normal(size=(n, c)) * 3
    dof = max(c - 1, 1)
    err, grad = _kl_gradient(Y, P.toarray(), dof, True)
    err_bh, grad_bh = _kl_gradient_bh(Y, _upper_edges(P), dof, True, 0.0, np.float64)
    assert err_bh == pytest.approx(err, rel=1e-10)
    np.testing.assert_allclose(grad_bh, grad, rtol=1e-8, atol=1e-12 * np.abs(grad).max())


def test_barnes_hut_gradient_close_to_sklearn():
    """At angle 0.5 our tree and scikit-learn's differ in which cells they accept; both approximate the
    exact gradient to a few per cent (relative norm; here 1.2% and 2.5%)."""
    from sklearn.manifold._t_sne import _kl_divergence_bh

    X = _jitter_digits(1000)
    P = joint_probabilities_nn(X, 30.0)
    Y = np.random.default_rng(0).normal(size=(1000, 2)) * 10
    _, exact = _kl_gradient(Y, P.toarray(), 1, False)
    _, ours = _kl_gradient_bh(Y, _upper_edges(P), 1, False, 0.5, np.float32)
    _, ref = _kl_divergence_bh(Y.ravel().astype(np.float32), P.astype(np.float32), 1, 1000, 2, angle=0.5,
                               compute_error=False)
    ref = ref.reshape(-1, 2)
    rel = lambda a: np.linalg.norm(a - exact) / np.linalg.norm(exact)  # noqa: E731
    assert rel(ours) < 0.03 and rel(ref) < 0.05
    assert rel(ours) <= 1.5 * rel(ref)      # ours no coarser (its group test is the stricter)


@pytest.mark.parametrize("c", [1, 3])
def test_barnes_hut_in_one_and_three_dimensions(c):
    X, y = make_blobs(800, n_features=8, centers=3, cluster_std=0.5, random_state=0)
    E = TSNE(c, perplexity=20, max_iter=300, random_state=0).fit_transform(X)
    assert E.shape == (800, c) and np.all(np.isfinite(E))
    assert trustworthiness(X, E, n_neighbors=5) > 0.85


def test_barnes_hut_digits_against_sklearn():
    """Beyond 1,000 points the tree runs (below, all pairs: the iris/digits cases above). KL of the same
    sparse objective within 10% of scikit-learn's (two descents of a non-convex objective, each with its
    own approximation of the repulsion), trustworthiness within 0.02."""
    X = load_digits().data[:1200]
    ours = TSNE(max_iter=500, random_state=0).fit(X)
    ref = SkTSNE(max_iter=500, random_state=0).fit(X)
    assert ours.kl_divergence_ <= 1.1 * ref.kl_divergence_
    t_ours, t_ref = (trustworthiness(X, E, n_neighbors=5) for E in (ours.embedding_, ref.embedding_))
    assert t_ours >= t_ref - 0.02


def test_barnes_hut_kl_divergence_attribute_is_the_final_objective():
    X = _digits(1100)
    ts = TSNE(max_iter=300, random_state=0).fit(X)
    edges = _upper_edges(joint_probabilities_nn(X, 30.0))
    assert len(X) > _BH_DIRECT_MAX                                  # the tree's path
    err, _ = _kl_gradient_bh(ts.embedding_, edges, 1, True, 0.5)
    assert ts.kl_divergence_ == pytest.approx(err, rel=1e-6)
    assert ts.n_iter_ == 299


@pytest.mark.parametrize("n, scale, path", [(800, 0.5, "grid"), (800, 5.0, "all pairs"), (1200, 5.0, "tree")])
def test_barnes_hut_gradient_threaded_equals_serial(monkeypatch, n, scale, path):
    """Each repulsion (grid, all pairs in two row halves, the tree's walk then the two halves of its pair
    list) beside the attractive forces on two threads or one: the same arithmetic, so the same bits."""
    import mmlkit.models.manifold as manifold
    from mmlkit._threads import limit

    X = _jitter_digits(n)
    edges = _upper_edges(joint_probabilities_nn(X, 30.0))
    Y = np.random.default_rng(1).normal(size=(n, 2)) * scale
    assert (_grid_width(Y, 0.5, 1) is not None) == (path == "grid") and (n <= _BH_DIRECT_MAX) == (path != "tree")
    monkeypatch.setattr(manifold, "_BH_THREADS_MIN", 0)
    err, grad = _kl_gradient_bh(Y, edges, 1, True, 0.5)
    with limit(1):
        err1, grad1 = _kl_gradient_bh(Y, edges, 1, True, 0.5)
    monkeypatch.setattr(manifold, "_BH_THREADS_MIN", 10**9)
    err2, grad2 = _kl_gradient_bh(Y, edges, 1, True, 0.5)
    assert err == err1 == err2
    np.testing.assert_array_equal(grad, grad1)
    np.testing.assert_array_equal(grad, grad2)


def test_tree_in_parts_equals_the_whole():
    Y = np.random.default_rng(1).normal(size=(800, 2)) * 5
    Z2, F2 = repulsion(Y, 0.5, 1, np.float64, 16, n_parts=2)
    Z1, F1 = repulsion(Y, 0.5, 1, np.float64, 16)
    assert Z2 == pytest.approx(Z1, rel=1e-13)
    np.testing.assert_allclose(F2, F1, rtol=1e-12, atol=1e-15 * np.abs(F1).max())


@settings(max_examples=25)
@given(seed=st.integers(0, 2**16), n=st.integers(2, 300), c=st.integers(1, 3),
       spread=st.sampled_from([0.0, 1e-6, 0.3, 1.0, 2.0]))
def test_interpolated_repulsion_close_to_all_pairs(seed, n, c, spread):
    """Boxes of width √ν/4 (TSNE's at angle ½), 3 nodes each: Z within 0.2% and the forces within 1% of
    the exact sums (the tree's error at angle ½ is a few tenths of a per cent,
    :func:`test_barnes_hut_gradient_close_to_sklearn`), for points anywhere."""
    rng = np.random.default_rng(seed)
    Y = rng.normal(size=(n, c)) * spread + rng.normal(size=c) * 100
    dof = max(c - 1, 1)
    Z, F = direct_repulsion(Y, dof)
    Zi, Fi = interpolation.repulsion(Y, 0.25 * np.sqrt(dof), dof)
    assert Zi == pytest.approx(Z, rel=2e-3)
    assert np.linalg.norm(Fi - F) <= 1e-2 * np.linalg.norm(F) + 1e-12 * np.abs(Y).max() * Z


def test_interpolated_repulsion_converges_with_the_box_width():
    """Quadratic interpolation in each box: halving the box width divides the error by about 2³."""
    Y = np.random.default_rng(0).normal(size=(400, 2)) * 3
    Z, F = direct_repulsion(Y)
    errors = [np.linalg.norm(interpolation.repulsion(Y, h)[1] - F) / np.linalg.norm(F) for h in (1.0, 0.5, 0.25)]
    assert errors[0] < 0.05
    assert errors[1] < errors[0] / 4 and errors[2] < errors[1] / 4


def test_interpolated_repulsion_of_coincident_points_is_exact():
    """All points on one spot sit on the centre node of a single box: every wᵢⱼ = 1, no force."""
    Y = np.full((50, 2), 3.25)
    Z, F = interpolation.repulsion(Y, 0.5)
    assert Z == pytest.approx(50 * 49, rel=1e-12)
    np.testing.assert_allclose(F, 0.0, atol=1e-12)
    assert interpolation.grid(Y, 0.5)[0].tolist() == [1, 1]


def test_grid_serves_compact_embeddings_only():
    """The grid while the embedding is compact, the tree (or all pairs) once it has spread; never at angle 0."""
    Y = np.random.default_rng(0).normal(size=(2000, 2))
    assert _grid_width(Y, 0.5, 1) == 0.25
    assert _grid_width(Y * 50, 0.5, 1) is None
    assert _grid_width(Y, 0.0, 1) is None
    boxes, width, corner = interpolation.grid(Y * 4, 0.25)
    np.testing.assert_array_equal(boxes, np.ceil(np.ptp(Y * 4, axis=0) / 0.25))   # the fewest boxes ≤ 0.25 wide
    np.testing.assert_allclose(corner, (Y * 4).min(axis=0))
    np.testing.assert_allclose(corner + boxes * width, (Y * 4).max(axis=0))
    assert [interpolation._smooth(m) for m in (1, 7, 97, 121, 625)] == [1, 8, 100, 125, 625]


def test_barnes_hut_on_the_grid_matches_the_exact_gradient():
    """An embedding as compact as in the exaggerated phase: the gradient by interpolation within 0.5% of
    the exact gradient of the same sparse objective, KL within 1e-5."""
    X = _jitter_digits(1200)
    P = joint_probabilities_nn(X, 30.0)
    Y = np.random.default_rng(2).normal(size=(1200, 2))
    assert _grid_width(Y, 0.5, 1) is not None
    err, exact = _kl_gradient(Y, P.toarray(), 1, True)
    err_grid, grad = _kl_gradient_bh(Y, _upper_edges(P), 1, True, 0.5, np.float64)
    assert err_grid == pytest.approx(err, rel=1e-5)
    assert np.linalg.norm(grad - exact) < 5e-3 * np.linalg.norm(exact)


@pytest.mark.parametrize("c", [1, 2, 3])
@pytest.mark.parametrize("n", [257, 700])
def test_direct_repulsion_by_block_pairs_is_the_full_double_sum(n, c):
    """Each pair of blocks once, its transpose applied to the second block: the n × n double sum
    (written out here in full), whole or in shares."""
    Y = np.random.default_rng(n + c).normal(size=(n, c)) * 4
    dof = max(c - 1, 1)
    diff = Y[:, None, :] - Y[None, :, :]
    u = 1.0 / (1.0 + np.einsum("ijk,ijk->ij", diff, diff) / dof)
    w = u ** ((dof + 1.0) / 2.0)
    np.fill_diagonal(w, 0.0)
    Z_full, F_full = w.sum(), np.einsum("ij,ijk->ik", w * u, diff)
    Z, F = direct_repulsion(Y, dof)
    assert Z == pytest.approx(Z_full, rel=1e-12)
    np.testing.assert_allclose(F, F_full, rtol=1e-10, atol=1e-12 * np.abs(F_full).max())
    for n_parts in (2, 3):
        shares = [direct_repulsion(Y, dof, np.float64, k, n_parts) for k in range(n_parts)]
        assert sum(s[0] for s in shares) == pytest.approx(Z_full, rel=1e-12)
        np.testing.assert_allclose(sum(s[1] for s in shares), F_full, rtol=1e-10, atol=1e-12 * np.abs(F_full).max())
