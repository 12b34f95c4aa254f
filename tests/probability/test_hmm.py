"""HiddenMarkovModel vs brute-force enumeration of every state path."""

import itertools
import warnings

import numpy as np
import pytest
import scipy.stats
from scipy.special import logsumexp

from mmlkit.exceptions import ConvergenceWarning, NotFittedError
from mmlkit.probability.hmm import HiddenMarkovModel


def random_params(K, M, seed, zeros=False):
    rng = np.random.default_rng(seed)
    pi = rng.dirichlet(np.ones(K))
    A = rng.dirichlet(np.ones(K), size=K)
    B = rng.dirichlet(np.ones(M), size=K)
    if zeros:  # forbidden transitions and emissions: the log-space code must handle log 0
        A[0, -1] = 0.0
        A /= A.sum(axis=1, keepdims=True)
        B[-1, 0] = 0.0
        B /= B.sum(axis=1, keepdims=True)
    return pi, A, B


def brute_force(pi, A, log_b):
    """log p(x), the best path and its log-probability, and p(z_t | x), by enumerating K^T paths."""
    T, K = log_b.shape
    paths = np.array(list(itertools.product(range(K), repeat=T)))
    with np.errstate(divide="ignore"):
        logp = np.log(pi)[paths[:, 0]] + log_b[0, paths[:, 0]]
        for t in range(1, T):
            logp += np.log(A)[paths[:, t - 1], paths[:, t]] + log_b[t, paths[:, t]]
    ll = logsumexp(logp)
    post = np.stack([[np.exp(logsumexp(logp[paths[:, t] == k]) - ll) for k in range(K)] for t in range(T)])
    best = np.argmax(logp)
    return ll, paths[best], logp[best], post


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("K, M, T", [(1, 3, 4), (2, 3, 6), (3, 4, 7), (4, 2, 5)])
def test_categorical_inference_equals_brute_force(seed, K, M, T):
    pi, A, B = random_params(K, M, seed, zeros=seed == 3 and K > 1)
    hmm = HiddenMarkovModel(K, startprob=pi, transmat=A, emissionprob=B)
    x = np.random.default_rng(seed + 50).integers(0, M, T)
    if seed == 3 and K > 1:
        x[0] = 1  # keep the sequence possible
    with np.errstate(divide="ignore"):
        log_b = np.log(B.T[x])
    ll, path, best, post = brute_force(pi, A, log_b)
    assert hmm.score(x) == pytest.approx(ll, rel=1e-12)
    assert logsumexp(hmm.forward(x)[-1]) == pytest.approx(ll, rel=1e-12)
    # α_t β_t sums to p(x) at every t
    np.testing.assert_allclose(logsumexp(hmm.forward(x) + hmm.backward(x), axis=1), ll, rtol=1e-12)
    np.testing.assert_allclose(hmm.predict_proba(x), post, atol=1e-12)
    logp, vpath = hmm.viterbi(x)
    assert logp == pytest.approx(best, rel=1e-12)
    np.testing.assert_array_equal(vpath, path)
    np.testing.assert_array_equal(hmm.predict(x), path)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("d", [1, 2])
def test_gaussian_inference_equals_brute_force(seed, d):
    rng = np.random.default_rng(seed)
    K, T = 3, 6
    pi, A, _ = random_params(K, 2, seed)
    means, variances = rng.normal(size=(K, d)) * 2, rng.uniform(0.3, 2.0, size=(K, d))
    hmm = HiddenMarkovModel(K, emission="gaussian", startprob=pi, transmat=A, means=means, variances=variances)
    x = rng.normal(size=(T, d)) * 2
    log_b = np.stack([scipy.stats.multivariate_normal(means[k], np.diag(variances[k])).logpdf(x).reshape(T)
                      for k in range(K)], axis=1)
    ll, path, best, post = brute_force(pi, A, log_b)
    assert hmm.score(x) == pytest.approx(ll, rel=1e-12)
    np.testing.assert_allclose(hmm.predict_proba(x), post, atol=1e-12)
    logp, vpath = hmm.viterbi(x)
    assert logp == pytest.approx(best, rel=1e-12)
    np.testing.assert_array_equal(vpath, path)
    if d == 1:  # 1-D observations may be given as a flat array
        assert HiddenMarkovModel(K, emission="gaussian", startprob=pi, transmat=A, means=means[:, 0],
                                 variances=variances[:, 0]).score(x[:, 0]) == pytest.approx(ll, rel=1e-12)


def test_long_sequences_do_not_underflow():
    pi, A, B = random_params(3, 5, 0)
    hmm = HiddenMarkovModel(3, startprob=pi, transmat=A, emissionprob=B)
    x, _ = hmm.sample(20000, random_state=0)
    ll = hmm.score(x)
    assert np.isfinite(ll) and ll < -10000
    assert np.isfinite(hmm.predict_proba(x)).all()
    # the forward pass in plain probabilities underflows to 0 long before T = 20000
    assert np.isfinite(hmm.viterbi(x)[0])


@pytest.mark.parametrize("seed", range(3))
def test_baum_welch_never_decreases_the_likelihood_and_recovers_parameters(seed):
    pi, A, B = np.array([0.8, 0.2]), np.array([[0.95, 0.05], [0.1, 0.9]]), np.array([[0.8, 0.15, 0.05],
                                                                                      [0.05, 0.25, 0.7]])
    truth = HiddenMarkovModel(2, startprob=pi, transmat=A, emissionprob=B)
    x, z = truth.sample(1500, random_state=seed)
    model = HiddenMarkovModel(2, max_iter=300, tol=1e-6, random_state=seed).fit(x)
    ll = np.array(model.log_likelihoods_)
    assert np.all(np.diff(ll) >= -1e-8 * np.abs(ll[1:]))
    assert model.converged_
    order = np.argsort(model.emissionprob_[:, 0])[::-1]  # label switching
    np.testing.assert_allclose(model.transmat_[np.ix_(order, order)], A, atol=0.06)
    np.testing.assert_allclose(model.emissionprob_[order], B, atol=0.06)
    assert model.score(x) >= truth.score(x) - 1.0  # the MLE fits at least as well as the truth (up to tol)
    acc = np.mean(np.argsort(order)[model.predict(x)] == z)
    assert acc > 0.85


def test_baum_welch_gaussian_and_multiple_sequences():
    truth = HiddenMarkovModel(2, emission="gaussian", startprob=[0.5, 0.5], transmat=[[0.9, 0.1], [0.2, 0.8]],
                              means=[[-2.0, 0.0], [2.0, 1.0]], variances=[[1.0, 0.5], [0.5, 1.0]])
    parts = [truth.sample(n, random_state=i)[0] for i, n in enumerate([400, 300, 500])]
    X = np.concatenate(parts)
    model = HiddenMarkovModel(2, emission="gaussian", max_iter=200, random_state=0).fit(X, lengths=[400, 300, 500])
    ll = np.array(model.log_likelihoods_)
    assert np.all(np.diff(ll) >= -1e-8 * np.abs(ll[1:]))
    order = np.argsort(model.means_[:, 0])
    np.testing.assert_allclose(model.means_[order], [[-2.0, 0.0], [2.0, 1.0]], atol=0.2)
    np.testing.assert_allclose(model.variances_[order], [[1.0, 0.5], [0.5, 1.0]], atol=0.2)
    assert model.score(X, lengths=[400, 300, 500]) == pytest.approx(sum(model.score(p) for p in parts))


def test_baum_welch_warns_at_max_iter():
    x = HiddenMarkovModel(2, startprob=[0.5, 0.5], transmat=[[0.9, 0.1], [0.1, 0.9]],
                          emissionprob=[[0.9, 0.1], [0.2, 0.8]]).sample(200, random_state=0)[0]
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        model = HiddenMarkovModel(2, max_iter=2, tol=0.0, random_state=0).fit(x)
    assert model.n_iter_ == 2 and not model.converged_


def test_structural_zeros_stay_zero_and_given_values_initialise():
    A0 = np.array([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])  # left-to-right
    truth = HiddenMarkovModel(3, startprob=[1, 0, 0], transmat=A0, emissionprob=np.eye(3) * 0.7 + 0.1)
    X = np.concatenate([truth.sample(30, random_state=i)[0] for i in range(10)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = HiddenMarkovModel(3, startprob=[1, 0, 0], transmat=A0, max_iter=30, random_state=0).fit(
            X, lengths=[30] * 10)
    assert model.transmat_[1, 0] == 0 and model.transmat_[2, 0] == 0 and model.transmat_[0, 2] == 0
    assert model.startprob_[1] == 0


def test_sample_is_reproducible_and_follows_the_model():
    pi, A, B = random_params(3, 4, 1)
    hmm = HiddenMarkovModel(3, startprob=pi, transmat=A, emissionprob=B)
    x1, z1 = hmm.sample(30000, random_state=3)
    x2, z2 = hmm.sample(30000, random_state=3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(z1, z2)
    trans = np.zeros((3, 3))
    np.add.at(trans, (z1[:-1], z1[1:]), 1)
    np.testing.assert_allclose(trans / trans.sum(axis=1, keepdims=True), A, atol=0.03)
    emis = np.zeros((3, 4))
    np.add.at(emis, (z1, x1), 1)
    np.testing.assert_allclose(emis / emis.sum(axis=1, keepdims=True), B, atol=0.03)


@pytest.mark.parametrize("kwargs, match", [
    (dict(startprob=[0.5, 0.6]), "startprob must sum"),
    (dict(startprob=[0.5, 0.5, 0.0]), "startprob must have shape"),
    (dict(transmat=[[1.2, -0.2], [0.5, 0.5]]), "non-negative"),
    (dict(emissionprob=[[0.5, 0.5]]), "2 rows"),
    (dict(emission="poisson"), "emission"),
    (dict(emission="gaussian", emissionprob=[[1.0], [1.0]]), "categorical"),
    (dict(means=[0.0, 1.0]), "gaussian"),
    (dict(emission="gaussian", variances=[1.0, 0.0]), "positive"),
    (dict(emission="gaussian", means=[[0.0, 1.0], [1.0, 1.0]], variances=[1.0, 1.0]), "same shape"),
    (dict(n_components=0), "n_components"),
    (dict(max_iter=0), "max_iter"),
])
def test_invalid_parameters(kwargs, match):
    kwargs = {"n_components": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        HiddenMarkovModel(**kwargs)


def test_invalid_observations():
    hmm = HiddenMarkovModel(2, startprob=[0.5, 0.5], transmat=[[0.5, 0.5], [0.5, 0.5]],
                            emissionprob=[[0.5, 0.5], [1.0, 0.0]])
    with pytest.raises(ValueError, match="symbol 2"):
        hmm.score([0, 2])
    with pytest.raises(ValueError, match="integer"):
        hmm.score([0.5, 1.0])
    with pytest.raises(ValueError, match="1-D"):
        hmm.score([[0, 1]])
    with pytest.raises(ValueError, match="lengths"):
        hmm.score([0, 1, 1], lengths=[2, 2])
    with pytest.raises(ValueError, match="zero probability"):
        HiddenMarkovModel(2, startprob=[1.0, 0.0], transmat=[[1.0, 0.0], [0.0, 1.0]],
                          emissionprob=[[1.0, 0.0], [0.0, 1.0]]).predict_proba([0, 1])
    assert hmm.score([1, 1]) > -np.inf
    assert HiddenMarkovModel(2, startprob=[1.0, 0.0], transmat=np.eye(2),
                             emissionprob=np.eye(2)).score([0, 1]) == -np.inf
    with pytest.raises(NotFittedError):
        HiddenMarkovModel(2).score([0, 1])
    g = HiddenMarkovModel(2, emission="gaussian", startprob=[0.5, 0.5], transmat=np.eye(2),
                          means=[[0.0, 0.0], [1.0, 1.0]], variances=np.ones((2, 2)))
    with pytest.raises(ValueError, match="2 feature"):
        g.score(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="finite"):
        g.score([[np.nan, 0.0]])


def test_inputs_not_modified():
    A = np.array([[0.9, 0.1], [0.2, 0.8]])
    x = np.array([0, 1, 1, 0, 1])
    hmm = HiddenMarkovModel(2, transmat=A, random_state=0, max_iter=5, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        hmm.fit(x)
    np.testing.assert_array_equal(A, [[0.9, 0.1], [0.2, 0.8]])
    np.testing.assert_array_equal(x, [0, 1, 1, 0, 1])
