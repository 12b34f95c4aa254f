"""MultivariateNormal.cdf: exact for d ≤ 2 (oracle: closed forms and SciPy), randomized QMC for d > 2."""

import math

import numpy as np
import pytest
import scipy.stats as ss

from mmlkit.probability import MultivariateNormal, Normal


def _bivariate(r, s=(1.0, 1.0)):
    return np.array([[s[0] ** 2, r * s[0] * s[1]], [r * s[0] * s[1], s[1] ** 2]])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_d1_is_the_normal_cdf(seed):
    rng = np.random.default_rng(seed)
    mu, sigma = rng.normal(), rng.uniform(0.5, 3)
    x = rng.normal(size=(7, 1)) * 3
    np.testing.assert_allclose(MultivariateNormal([mu], [[sigma**2]]).cdf(x), Normal(mu, sigma).cdf(x[:, 0]),
                               rtol=1e-15)


@pytest.mark.parametrize("r", [-0.999999, -0.99, -0.93, -0.925, -0.5, 0.0, 0.2, 0.5, 0.75, 0.925, 0.95, 0.999999])
def test_bivariate_orthant_matches_the_closed_form(r):
    # P(X ≤ 0, Y ≤ 0) = 1/4 + arcsin(ρ)/(2π) (Sheppard)
    assert MultivariateNormal([0.0, 0.0], _bivariate(r)).cdf([0.0, 0.0]) == pytest.approx(
        0.25 + math.asin(r) / (2 * math.pi), abs=2e-16)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("r", [-0.9999, -0.95, -0.6, 0.1, 0.8, 0.93, 0.9999])
def test_bivariate_matches_scipy(seed, r):
    """SciPy's 2-D cdf is Genz's BVNU too (exact to ~1e-15); tails and |ρ| → 1 included."""
    rng = np.random.default_rng(seed)
    mean, s = rng.normal(size=2), rng.uniform(0.3, 3, size=2)
    x = mean + s * rng.normal(size=(5, 2)) * 3
    got = MultivariateNormal(mean, _bivariate(r, s)).cdf(x)
    ref = ss.multivariate_normal(mean, _bivariate(r, s)).cdf(x)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-14)


def test_bivariate_far_tail_and_infinite_limits():
    mvn = MultivariateNormal([0.0, 0.0], _bivariate(0.5))
    assert mvn.cdf([-8.0, -8.0]) == pytest.approx(ss.multivariate_normal([0, 0], _bivariate(0.5)).cdf([-8, -8]),
                                                  rel=1e-8)
    assert mvn.cdf([np.inf, 0.3]) == pytest.approx(Normal().cdf(0.3), abs=1e-16)
    assert mvn.cdf([-np.inf, 0.3]) == 0.0 and mvn.cdf([np.inf, np.inf]) == 1.0


@pytest.mark.parametrize("d", [3, 4, 6])
@pytest.mark.parametrize("seed", [0, 1])
def test_equicorrelated_orthant_is_one_over_d_plus_one(d, seed):
    """With ρ = ½, P(X ≤ 0) = 1/(d + 1) exactly; the error estimate must cover the true error."""
    C = np.full((d, d), 0.5) + 0.5 * np.eye(d)
    value, error = MultivariateNormal(np.zeros(d), C).cdf(np.zeros(d), random_state=seed, return_error=True)
    assert 0 < error <= 1e-5
    assert abs(value - 1 / (d + 1)) <= error


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_independent_coordinates_give_the_product(seed):
    rng = np.random.default_rng(seed)
    s = rng.uniform(0.5, 2, size=4)
    x = rng.normal(size=4)
    value, error = MultivariateNormal(np.zeros(4), np.diag(s**2)).cdf(x, random_state=seed, return_error=True)
    assert abs(value - np.prod(Normal(0.0, s).cdf(x))) <= max(error, 1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("d", [3, 5])
def test_higher_dimensions_match_scipy(seed, d):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d))
    C = A @ A.T + 0.5 * np.eye(d)
    x = rng.normal(size=d) * np.sqrt(np.diag(C))
    value, error = MultivariateNormal(np.zeros(d), C).cdf(x, random_state=seed, return_error=True, abseps=1e-6)
    ref = ss.multivariate_normal.cdf(x, mean=np.zeros(d), cov=C, abseps=1e-8, releps=0, maxpts=2_000_000)
    # our three-standard-error estimate plus SciPy's own target
    assert abs(value - ref) <= error + 1e-7


def test_deterministic_under_random_state_and_shapes():
    C = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.4], [0.1, -0.4, 1.5]])
    mvn = MultivariateNormal([0.1, 0.0, -0.2], C)
    x = np.random.default_rng(0).normal(size=(2, 2, 3))
    a, b = mvn.cdf(x, random_state=5), mvn.cdf(x, random_state=5)
    assert a.shape == (2, 2) and np.array_equal(a, b)
    assert np.ndim(mvn.cdf(x[0, 0], random_state=0)) == 0


@pytest.mark.parametrize(("x", "match"), [([0.0, 0.0], "last dimension"), ([0.0, np.nan, 1.0], "NaN")])
def test_bad_points(x, match):
    with pytest.raises(ValueError, match=match):
        MultivariateNormal(np.zeros(3), np.eye(3)).cdf(x)
