"""t-SNE against scikit-learn (affinities, gradient, trustworthiness), properties and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import squareform
from sklearn.manifold import TSNE as SkTSNE
from sklearn.manifold import trustworthiness
from sklearn.manifold._t_sne import _joint_probabilities, _kl_divergence

from mmlkit._pairwise import squared_distances
from mmlkit.datasets import load_digits, load_iris, make_blobs
from mmlkit.models import TSNE
from mmlkit.models.manifold import _kl_gradient, conditional_probabilities, joint_probabilities


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


@pytest.mark.parametrize("name, perplexity", [("iris", 30.0), ("digits", 20.0)])
def test_trustworthiness_close_to_sklearn(name, perplexity):
    X = load_iris().data if name == "iris" else _digits(250)
    ours = TSNE(perplexity=perplexity, max_iter=500, random_state=0).fit(X)
    ref = SkTSNE(perplexity=perplexity, max_iter=500, method="exact", random_state=0).fit(X)
    t_ours = trustworthiness(X, ours.embedding_, n_neighbors=5)
    t_ref = trustworthiness(X, ref.embedding_, n_neighbors=5)
    assert t_ours >= t_ref - 0.01
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


def test_kl_divergence_attribute_is_the_final_objective():
    X = load_iris().data
    ts = TSNE(perplexity=20, max_iter=300, random_state=0).fit(X)
    P = joint_probabilities(squared_distances(X), 20).astype(np.float32)
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
    (dict(method="barnes_hut"), "method"),
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
