"""acf: oracle is the definition computed with NumPy (statsmodels' acf is the same formula)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mmlkit.stats import acf


def _oracle(x, nlags, adjusted):
    d = x - x.mean()
    n = x.size
    full = np.correlate(d, d, mode="full")[n - 1:n + nlags]  # Σₜ dₜ dₜ₊ₖ, k = 0..nlags
    if adjusted:
        full = full / (n - np.arange(nlags + 1))
    return full / full[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n", [2, 7, 64, 301])
@pytest.mark.parametrize("adjusted", [False, True])
@pytest.mark.parametrize("fft", [False, True])
def test_acf_matches_the_definition(seed, n, adjusted, fft):
    rng = np.random.default_rng(seed)
    x = np.cumsum(rng.normal(size=n)) + 5.0  # a random walk: strongly autocorrelated
    nlags = min(n - 1, 20)
    # |ρ̂(k)| ≤ 1 and each sum is a dot product of n terms: rounding ~ n ε relative to γ̂(0)
    np.testing.assert_allclose(acf(x, nlags, adjusted=adjusted, fft=fft), _oracle(x, nlags, adjusted),
                               rtol=0, atol=64 * n * np.finfo(float).eps)


def test_default_nlags_is_statsmodels():
    assert acf(np.random.default_rng(0).normal(size=100)).shape == (21,)  # min(10 log10 100, 99) + 1
    assert acf(np.arange(5.0)).shape == (5,)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_acf_is_scale_invariant(scale):
    x = np.random.default_rng(4).normal(size=40)
    np.testing.assert_allclose(acf(x * scale, 10), acf(x, 10), rtol=1e-12, atol=1e-15)


@given(st.lists(st.floats(-1e6, 1e6), min_size=3, max_size=40).filter(lambda v: len(set(v)) > 1))
def test_biased_acf_is_bounded_by_one(values):
    r = acf(np.array(values), len(values) - 1)
    assert r[0] == pytest.approx(1.0) and np.all(np.abs(r) <= 1 + 1e-9)


@pytest.mark.parametrize(("args", "match"), [
    (([1.0, 1.0, 1.0],), "constant"), (([1.0],), "at least 2"), (([1.0, np.nan, 2.0],), "x"),
    (([1.0, 2.0, 3.0], 3), "nlags"), (([1.0, 2.0, 3.0], -1), "nlags"), ((np.ones((3, 2)),), "x"),
])
def test_acf_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        acf(*args)
