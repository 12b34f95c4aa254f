"""KMeans(init="k-means||") on in-memory data: the scalable k-means++ of Bahmani et al. (2012).

scikit-learn has no k-means||, so the oracle is the optimum its k-means++ reaches
on well-separated blobs; the sampling probabilities of one round are checked
against their expected count, the weighted recluster against data made of k
distinct points, and the re-seeding order of an emptied cluster against its
definition (farthest first, ties to the lower row index).
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import cluster as skc

from mmlkit.datasets import make_blobs
from mmlkit.models import KMeans
from mmlkit.models import _blockwise as bw
from mmlkit.models._kmeans_parallel import OVERSAMPLING, kmeans_parallel, seed_by_rounds
from mmlkit.models.cluster import _centred_with_ones, _farthest


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("n", "d", "k"), [(600, 2, 3), (2000, 5, 8), (3000, 10, 12)])
def test_kmeans_parallel_reaches_sklearns_optimum(seed, n, d, k):
    """On separated blobs k-means|| + Lloyd ends where scikit-learn's best k-means++ run ends."""
    X = make_blobs(n, n_features=d, centers=k, cluster_std=0.5, center_box=(-30, 30), random_state=seed)[0]
    ref = skc.KMeans(k, n_init=4, random_state=seed).fit(X)
    ours = KMeans(k, init="k-means||", random_state=seed).fit(X)
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-9)


def test_kmeans_parallel_same_seed_same_result_input_untouched():
    X = make_blobs(800, n_features=4, centers=5, random_state=3)[0]
    X0 = X.copy()
    a = KMeans(5, init="k-means||", random_state=11).fit(X)
    b = KMeans(5, init="k-means||", random_state=11).fit(X)
    np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
    np.testing.assert_array_equal(X, X0)
    assert a.n_iter_ >= 1


def test_kmeans_parallel_n_init_keeps_the_best():
    """n_init="auto" is one seeding; with n_init=4 the first run is the same one, so the best is no worse."""
    X = make_blobs(1000, n_features=3, centers=9, cluster_std=2.5, random_state=5)[0]
    one = KMeans(9, init="k-means||", random_state=0).fit(X)
    four = KMeans(9, init="k-means||", n_init=4, random_state=0).fit(X)
    assert four.inertia_ <= one.inertia_


@pytest.mark.parametrize("seed", [0, 1])
def test_weighted_recluster_finds_k_distinct_points(seed):
    """Data made of k distinct points repeated unequally: the candidates are those points, their
    weights the multiplicities, and the weighted recluster returns exactly the k points."""
    rng = np.random.default_rng(seed)
    k = 6
    points = rng.uniform(-50, 50, size=(k, 3))
    X = np.repeat(points, rng.integers(1, 40, size=k), axis=0)
    _, X1, x2 = _centred_with_ones(X)
    centers = kmeans_parallel(X1, x2, k, rng) + X.mean(axis=0)
    order = np.lexsort(centers.T[::-1])
    np.testing.assert_allclose(centers[order], points[np.lexsort(points.T[::-1])], atol=1e-9)
    fit = KMeans(k, init="k-means||", random_state=seed).fit(X)
    assert fit.inertia_ <= 1e-12 * np.sum((X - X.mean(axis=0)) ** 2)  # zero up to rounding


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recluster_centres_are_the_means_of_whole_cells(seed):
    """The weighted recluster runs on each candidate's cell mean (the mean of the points nearest to
    it, summed in the weights pass): every centre is the exact mean of the points of the cells it
    gathers, as a Lloyd step on those cells would place it."""
    X = make_blobs(900, n_features=3, centers=4, cluster_std=1.5, random_state=seed)[0]
    rng = np.random.default_rng(seed)
    found = [X[rng.choice(900, 9, replace=False)], X[rng.choice(900, 6, replace=False)]]

    def sample(batches, ell):
        return 1.0, found[len(batches)] if len(batches) < len(found) else X[:0]

    def weigh(batches):
        C = np.vstack([X[0], *batches])
        nearest = np.argmin(np.sum((X[:, None, :] - C[None]) ** 2, axis=2), axis=1)
        return np.column_stack([np.bincount(nearest, weights=x, minlength=len(C)) for x in (*X.T, np.ones(900))])

    centers = seed_by_rounds(X[0], 4, rng, sample, weigh)
    cells = weigh(found)
    C = np.vstack([X[0], *found])
    nearest = np.argmin(np.sum((X[:, None, :] - C[None]) ** 2, axis=2), axis=1)
    filled = np.flatnonzero(cells[:, -1] > 0)
    means = cells[filled, :-1] / cells[filled, -1:]
    group = np.argmin(np.sum((means[:, None, :] - centers[None]) ** 2, axis=2), axis=1)
    for j in range(4):
        members = np.isin(nearest, filled[group == j])
        assert members.any()
        np.testing.assert_allclose(centers[j], X[members].mean(axis=0), rtol=1e-10, atol=1e-12)


def test_one_round_samples_each_point_with_probability_ell_d2_over_phi():
    """E[number sampled] = Σ min(1, ℓ D²/φ); the mean over 400 rounds is within 4 standard errors."""
    X = make_blobs(500, n_features=2, centers=4, random_state=0)[0]
    _, X1, x2 = _centred_with_ones(X)
    C = X1[:1, :-1]
    ell = float(OVERSAMPLING * 4)
    D2 = np.sum((X1[:, :-1] - C) ** 2, axis=1)
    p = np.minimum(1.0, ell * D2 / D2.sum())
    counts = []
    for seed in range(400):
        (psi, keys, _, _), _ = bw.kmeans_parallel_stats(X1[:, :-1], None, C[0], [], ell, (seed, 0))
        np.testing.assert_allclose(psi, D2.sum(), rtol=1e-10)
        counts.append(np.count_nonzero(keys > psi / ell))
    sd = np.sqrt(np.sum(p * (1 - p)) / len(counts))
    assert abs(np.mean(counts) - p.sum()) < 4 * sd


@given(hnp.arrays(np.float64, st.integers(1, 40), elements=st.integers(0, 5).map(float)), st.integers(1, 8))
def test_farthest_is_largest_first_ties_to_lower_index(dist, m):
    """The re-seeding order: the m largest distances, largest first, equal ones by row index."""
    m = min(m, dist.size)
    expected = sorted(range(dist.size), key=lambda i: (-dist[i], i))[:m]
    np.testing.assert_array_equal(_farthest(dist, m), expected)


@given(hnp.arrays(np.float64, st.integers(2, 600), elements=st.integers(0, 9).map(float)
                  | st.floats(-1e6, 1e6, allow_nan=False)), st.integers(1, 599))
def test_smallest_entries_and_the_bound_on_the_rest(v, m):
    """The m smallest entries (ties anywhere among the equal ones) and the next value, which bounds
    every entry left out (the near-tie rows of a Lloyd pass; -v: the farthest rows' superset)."""
    m = min(m, v.size - 1)
    rows, above = bw._smallest(v, m)
    assert rows.size == np.unique(rows).size == m
    assert above == np.sort(v)[m]
    assert np.all(v[rows] <= above) and np.all(np.delete(v, rows) >= above)


def test_two_empty_clusters_are_reseeded_farthest_first():
    """Two centres that attract nobody: the farthest point seeds the lower-numbered one, the next
    farthest the other, in both in-memory algorithms."""
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [9.0, 0.0], [0.0, -7.0]])
    init = np.array([[0.5, 0.5], [500.0, 500.0], [-500.0, 500.0]])
    for algorithm in ("hamerly", "lloyd"):
        # All six points go to centre 0; measured from it, (9, 0) is the farthest (72.5) and
        # (0, −7) the next (56.5): they seed clusters 1 and 2, and the other four stay.
        fit = KMeans(3, init=init, algorithm=algorithm).fit(X)
        np.testing.assert_allclose(fit.cluster_centers_, [[0.5, 0.5], [9.0, 0.0], [0.0, -7.0]], atol=1e-12)
        np.testing.assert_array_equal(fit.labels_, [0, 0, 0, 0, 1, 2])


def test_kmeans_parallel_bad_init_name():
    X = make_blobs(50, random_state=0)[0]
    with pytest.raises(ValueError, match="init must be one of"):
        KMeans(3, init="k-means|").fit(X)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kept_nearest_candidate_equals_measuring_every_batch(seed):
    """A round that starts from the rows' kept nearest candidate (measuring only the newest batch)
    gives the same distances and candidate numbers, to the bit, as measuring every batch again;
    an equally near later candidate never takes a row from an earlier one (ties to the lowest number)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(3000, 4)) * 3.0 + 100.0
    shift, first = X.mean(axis=0), X[17]
    batches = [X[rng.choice(3000, 7, replace=False)] - shift for _ in range(3)]
    batches.append(batches[1][:3].copy())                     # exact copies of earlier candidates
    state = bw.nearest_candidate(X, shift, first, [])
    for r in range(1, len(batches) + 1):
        state = bw.nearest_candidate(X, shift, first, batches[:r], state)
        fresh = bw.nearest_candidate(X, shift, first, batches[:r])
        assert state[0] == fresh[0] == r
        np.testing.assert_array_equal(state[1], fresh[1])
        np.testing.assert_array_equal(state[2], fresh[2])
    C = np.vstack([first[None] - shift, *batches])
    D2 = ((X - shift)[:, None, :] - C[None]) ** 2
    D2 = D2.sum(axis=2)
    np.testing.assert_allclose(state[1], D2.min(axis=1), rtol=1e-9, atol=1e-12 * D2.mean())  # candidates: 0
    assert not np.isin(state[2], np.arange(C.shape[0] - 3, C.shape[0])).any()   # the copies win no row
    cells, _ = bw.candidate_weights(X, shift, first, batches, state)      # each candidate's [Σ (x − shift), count]
    np.testing.assert_array_equal(cells[:, -1], np.bincount(state[2], minlength=C.shape[0]))
    sums = np.array([(X - shift)[state[2] == j].sum(axis=0) for j in range(C.shape[0])])
    np.testing.assert_allclose(cells[:, :-1], sums, rtol=1e-12, atol=1e-9)
    again, _ = bw.candidate_weights(X, shift, first, batches)                 # from no state: the same cells
    np.testing.assert_array_equal(again, cells)
