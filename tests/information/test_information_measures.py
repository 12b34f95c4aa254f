"""Information measures vs scipy.stats.entropy, scikit-learn, torch and closed forms."""

import math

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.stats
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import mutual_info_score

from mmlkit.information import (
    conditional_entropy,
    cross_entropy,
    entropy,
    gaussian_entropy,
    gaussian_kl,
    joint_entropy,
    js_divergence,
    kl_divergence,
    mutual_information,
)

TOL = dict(rel=1e-12, abs=1e-14)
NP_TOL = dict(rtol=1e-12, atol=1e-14)


def dirichlet(k, seed, size=None, alpha=1.0):
    return np.random.default_rng(seed).dirichlet(np.full(k, alpha), size=size)


def with_zeros(p):
    p = p.copy()
    p[..., 1::3] = 0.0
    return p / p.sum(axis=-1, keepdims=True)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("k", [1, 2, 7, 50])
@pytest.mark.parametrize("base", [None, 2, 10, math.e])
def test_entropy_and_kl_match_scipy(seed, k, base):
    p, q = dirichlet(k, seed), dirichlet(k, seed + 10, alpha=0.3)
    assert entropy(p, base) == pytest.approx(scipy.stats.entropy(p, base=base), **TOL)
    assert kl_divergence(p, q, base) == pytest.approx(scipy.stats.entropy(p, q, base=base), **TOL)
    pz = with_zeros(p)
    assert entropy(pz, base) == pytest.approx(scipy.stats.entropy(pz, base=base), **TOL)
    assert kl_divergence(pz, q, base) == pytest.approx(scipy.stats.entropy(pz, q, base=base), **TOL)
    ce = scipy.stats.entropy(p, base=base) + scipy.stats.entropy(p, q, base=base)
    assert cross_entropy(p, q, base) == pytest.approx(ce, rel=1e-11)
    js = scipy.spatial.distance.jensenshannon(p, q, base=base) ** 2
    assert js_divergence(p, q, base) == pytest.approx(js, rel=1e-10, abs=1e-14)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_axis_batches_match_scipy(axis):
    p = dirichlet(6, 0, size=4)
    q = dirichlet(6, 1, size=4)
    if axis == 0:
        p, q = p.T, q.T
    np.testing.assert_allclose(entropy(p, axis=axis), scipy.stats.entropy(p, axis=axis), **NP_TOL)
    np.testing.assert_allclose(kl_divergence(p, q, axis=axis), scipy.stats.entropy(p, q, axis=axis), **NP_TOL)
    js = scipy.spatial.distance.jensenshannon(p, q, axis=axis) ** 2
    np.testing.assert_allclose(js_divergence(p, q, axis=axis), js, rtol=1e-10)
    assert cross_entropy(p, q, axis=axis).shape == (4,)


def test_kl_and_cross_entropy_are_infinite_where_q_vanishes_under_p():
    p, q = [0.5, 0.5, 0.0], [1.0, 0.0, 0.0]
    assert kl_divergence(p, q) == math.inf
    assert cross_entropy(p, q) == math.inf
    assert kl_divergence(q, p) == pytest.approx(math.log(2))  # 0 · log 0 terms vanish
    assert js_divergence(p, q) < math.log(2)
    assert js_divergence([1, 0], [0, 1]) == pytest.approx(math.log(2))


def test_broadcast_one_distribution_against_many():
    p = dirichlet(5, 3)
    Q = dirichlet(5, 4, size=6)
    np.testing.assert_allclose(kl_divergence(p, Q), [scipy.stats.entropy(p, q) for q in Q], **NP_TOL)


@pytest.mark.parametrize("seed", range(4))
def test_mutual_information_from_samples_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, 300)
    y = (x + rng.integers(0, 3, 300)) % 5
    assert mutual_information(x, y) == pytest.approx(mutual_info_score(x, y), rel=1e-12)
    labels = np.array(["a", "b", "c", "d"])[x]  # any discrete labels
    assert mutual_information(labels, y, base=2) == pytest.approx(mutual_info_score(x, y) / math.log(2), rel=1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_joint_table_identities(seed):
    P = dirichlet(12, seed).reshape(3, 4)
    P[0, 1] = 0.0
    P /= P.sum()
    px, py = P.sum(axis=1), P.sum(axis=0)
    hxy = scipy.stats.entropy(P.ravel())
    hx, hy = scipy.stats.entropy(px), scipy.stats.entropy(py)
    assert joint_entropy(P) == pytest.approx(hxy, **TOL)
    assert conditional_entropy(P) == pytest.approx(hxy - hx, rel=1e-11)
    assert mutual_information(P) == pytest.approx(hx + hy - hxy, rel=1e-10)
    assert mutual_information(P) == pytest.approx(scipy.stats.entropy(P.ravel(), np.outer(px, py).ravel()), rel=1e-12)
    assert mutual_information(P, base=2) == pytest.approx(mutual_information(P) / math.log(2), rel=1e-12)


def test_extreme_joint_tables():
    assert mutual_information(np.outer([0.3, 0.7], [0.2, 0.8])) == pytest.approx(0.0, abs=1e-15)
    identity = np.eye(3) / 3
    assert mutual_information(identity) == pytest.approx(math.log(3), rel=1e-14)
    assert conditional_entropy(identity) == 0.0
    x = np.array([0, 1, 2, 0, 1, 2])
    assert conditional_entropy(x, x % 2) == pytest.approx(
        joint_entropy(x, x % 2) - scipy.stats.entropy(np.bincount(x) / 6), abs=1e-14)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("d", [1, 3, 8])
def test_gaussian_entropy_and_kl_match_scipy_and_torch(seed, d):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(d, d)), rng.normal(size=(d, d))
    S0, S1 = A @ A.T + 0.1 * np.eye(d), B @ B.T + 0.5 * np.eye(d)
    m0, m1 = rng.normal(size=d), rng.normal(size=d)
    ref_h = scipy.stats.multivariate_normal(m0, S0).entropy()
    assert gaussian_entropy(S0) == pytest.approx(ref_h, rel=1e-11)
    assert gaussian_entropy(S0, base=2) == pytest.approx(ref_h / math.log(2), rel=1e-11)
    N0 = torch.distributions.MultivariateNormal(torch.tensor(m0), torch.tensor(S0))
    N1 = torch.distributions.MultivariateNormal(torch.tensor(m1), torch.tensor(S1))
    ref_kl = torch.distributions.kl_divergence(N0, N1).item()
    assert gaussian_kl(m0, S0, m1, S1) == pytest.approx(ref_kl, rel=1e-9)
    assert gaussian_kl(m0, S0, m0, S0) == pytest.approx(0.0, abs=1e-10)


def test_gaussian_scalar_and_diagonal_forms():
    assert gaussian_entropy(2.0) == pytest.approx(scipy.stats.norm(scale=math.sqrt(2)).entropy(), rel=1e-14)
    var = np.array([0.5, 2.0, 3.0])
    assert gaussian_entropy(var) == pytest.approx(gaussian_entropy(np.diag(var)), rel=1e-14)
    # univariate closed form: log(σ₁/σ₀) + (σ₀² + (μ₀−μ₁)²)/(2σ₁²) − ½
    kl = math.log(2 / 1) + (1 + 0.25) / (2 * 4) - 0.5
    assert gaussian_kl(0.5, 1.0, 0.0, 4.0) == pytest.approx(kl, rel=1e-14)


def test_kl_is_asymmetric_between_gaussians():
    assert gaussian_kl(0, 1, 0, 4) != pytest.approx(gaussian_kl(0, 4, 0, 1))


prob_vectors = st.integers(1, 8).flatmap(
    lambda k: arrays(np.float64, k, elements=st.floats(0.0, 1.0)).filter(lambda a: a.sum() > 1e-3)
).map(lambda a: a / a.sum())


@given(prob_vectors)
def test_property_entropy_between_zero_and_log_k(p):
    h = entropy(p)
    assert -1e-15 <= h <= math.log(p.size) + 1e-12
    assert entropy(p, base=2) == pytest.approx(h / math.log(2), abs=1e-12)


@given(st.integers(1, 8).flatmap(lambda k: st.tuples(
    arrays(np.float64, k, elements=st.floats(0.0, 1.0)).filter(lambda a: a.sum() > 1e-3),
    arrays(np.float64, k, elements=st.floats(0.01, 1.0)))))
def test_property_kl_nonnegative_zero_iff_equal(pair):
    p, q = (a / a.sum() for a in pair)
    d = kl_divergence(p, q)
    assert d >= 0.0
    assert kl_divergence(p, p) == 0.0
    if np.abs(p - q).max() > 1e-3:
        assert d > 0.0
    assert 0.0 <= js_divergence(p, q) <= math.log(2) + 1e-12
    assert js_divergence(p, q) == pytest.approx(js_divergence(q, p), abs=1e-15)


def test_a_marginal_one_ulp_above_one_is_a_probability():
    """Found by the property below: P = t / t.sum() has a row sum of 1.0000000000000002."""
    t = np.zeros((3, 4))
    t[0, :2] = 0.625, 1e-7
    P = t / t.sum()
    assert entropy(P.sum(axis=1)) == pytest.approx(0.0, abs=1e-15)


@given(arrays(np.float64, (3, 4), elements=st.floats(0.0, 1.0)).filter(lambda a: a.sum() > 1e-3))
def test_property_mutual_information_bounds(table):
    P = table / table.sum()
    mi = mutual_information(P)
    hx, hy = entropy(P.sum(axis=1)), entropy(P.sum(axis=0))
    assert -1e-15 <= mi <= min(hx, hy) + 1e-12
    assert mi == pytest.approx(hy - conditional_entropy(P), abs=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: entropy([0.5, 0.6]), "sum to 1"),
    (lambda: entropy([1.5, -0.5]), r"\[0, 1\]"),
    (lambda: entropy([np.nan, 1.0]), "finite"),
    (lambda: entropy([]), "empty"),
    (lambda: entropy(1.0), "scalar"),
    (lambda: entropy([0.5, 0.5], axis=3), "axis"),
    (lambda: entropy([0.5, 0.5], base=1), "base"),
    (lambda: entropy([0.5, 0.5], base=-2), "base"),
    (lambda: kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]), "broadcastable"),
    (lambda: kl_divergence([0.5, 0.5], [0.2, 0.3]), "q must sum"),
    (lambda: mutual_information([[0.5, 0.6]]), "joint probability table"),
    (lambda: mutual_information([0.5, 0.5]), "2-D"),
    (lambda: mutual_information([0, 1, 1], [0, 1]), "same number"),
    (lambda: mutual_information([[0, 1]], [0, 1]), "joint .the sample of X. must be"),
    (lambda: gaussian_entropy([[1.0, 0.5], [0.4, 1.0]]), "symmetric"),
    (lambda: gaussian_kl([0, 0], np.eye(2), [0, 0, 0], np.eye(2)), "mu1"),
    (lambda: gaussian_kl([0, 0], np.eye(2), [0, 0], np.eye(3)), "dimension"),
])
def test_invalid_inputs_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_not_positive_definite_raises_linalg_error():
    with pytest.raises(np.linalg.LinAlgError, match="cov1"):
        gaussian_kl([0, 0], np.eye(2), [0, 0], [[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(np.linalg.LinAlgError, match="cov"):
        gaussian_entropy(np.zeros((2, 2)))


def test_inputs_not_modified():
    p, q = dirichlet(4, 0), dirichlet(4, 1)
    p0, q0 = p.copy(), q.copy()
    kl_divergence(p, q), js_divergence(p, q), cross_entropy(p, q)
    np.testing.assert_array_equal(p, p0)
    np.testing.assert_array_equal(q, q0)


@pytest.mark.parametrize("f", ["mutual_information", "joint_entropy", "conditional_entropy"])
@pytest.mark.parametrize(("x", "y", "name"), [
    ([0.0, 1.0, np.nan], [0, 1, 1], "joint"),
    (np.array([0, 1, float("nan")], dtype=object), [0, 1, 1], "joint"),
    ([0, 1, 1], [0.0, np.inf, 1.0], "y"),
])
def test_samples_with_nan_labels_are_rejected(f, x, y, name):
    """Issue 20: NaN ≠ NaN, so each NaN counted as its own class and I(X; Y) came out silently inflated."""
    import mmlkit.information as info

    with pytest.raises(ValueError, match=f"{name}.* must hold discrete labels"):
        getattr(info, f)(x, y)
