"""Discrete distributions against scipy.stats over parameter grids (1e-12 relative unless stated)."""

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given
from hypothesis import strategies as hs

from mmlkit.probability import (
    Bernoulli,
    BetaBinom,
    Binomial,
    Categorical,
    Geometric,
    NegativeBinomial,
    Poisson,
)

RTOL = 1e-12
Q = np.concatenate([[0.0, 1e-12], np.linspace(1e-3, 1 - 1e-3, 101), [1 - 1e-12, 1.0]])
P4 = [0.1, 0.2, 0.3, 0.4]

CASES = [
    (Bernoulli(0.3), st.bernoulli(0.3)),
    (Bernoulli(0.0), st.bernoulli(0.0)),
    (Binomial(30, 0.3), st.binom(30, 0.3)),
    (Binomial(1000, 0.999), st.binom(1000, 0.999)),
    (Binomial(5, 0.0), st.binom(5, 0.0)),
    (Poisson(3.3), st.poisson(3.3)),
    (Poisson(0.01), st.poisson(0.01)),
    (Poisson(400.0), st.poisson(400.0)),
    (Geometric(0.2), st.geom(0.2)),
    (Geometric(0.999), st.geom(0.999)),
    (NegativeBinomial(3.5, 0.3), st.nbinom(3.5, 0.3)),
    (BetaBinom(20, 2.0, 3.5), st.betabinom(20, 2.0, 3.5)),
    (Categorical(P4), st.rv_discrete(values=(np.arange(4), P4))),
]
IDS = [f"{type(c[0]).__name__}-{i}" for i, c in enumerate(CASES)]


def assert_close(ours, ref, rtol=RTOL):
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    keep = np.isfinite(ref) & (np.abs(ref) > 1e-300)
    np.testing.assert_allclose(ours[keep], ref[keep], rtol=rtol, atol=0)
    assert np.all(np.abs(ours[ref == 0]) < 1e-300)
    np.testing.assert_array_equal(ours[np.isinf(ref)], ref[np.isinf(ref)])


def support(ref):
    hi = ref.ppf(1 - 1e-14)
    return np.arange(-2.0, (hi if np.isfinite(hi) else 50) + 3)


@pytest.mark.parametrize(("ours", "ref"), CASES, ids=IDS)
def test_pointwise_methods_match_scipy(ours, ref):
    k = support(ref)
    for method in ("pmf", "logpmf", "cdf", "sf"):
        # SciPy's binomial/Poisson masses lose digits for large n (ours use Loader's form)
        assert_close(getattr(ours, method)(k), getattr(ref, method)(k), rtol=5e-12)
    np.testing.assert_array_equal(ours.ppf(Q), ref.ppf(Q))
    assert ours.pmf(1.5) == 0.0 and ours.logpmf(-1) == -np.inf


@pytest.mark.parametrize(("ours", "ref"), CASES, ids=IDS)
def test_moments_and_entropy_match_scipy(ours, ref):
    for method in ("mean", "var", "std", "entropy"):
        np.testing.assert_allclose(getattr(ours, method)(), getattr(ref, method)(), rtol=RTOL, atol=1e-15)


def test_large_n_mass_is_accurate():
    # Loader's saddle-point form keeps full precision where log-gamma differences cancel
    import mpmath as mp

    mp.mp.dps = 40
    k, n, p = 1016, 100000, 0.01
    exact = mp.log(mp.binomial(n, k)) + k * mp.log(mp.mpf(p)) + (n - k) * mp.log(1 - mp.mpf(p))
    np.testing.assert_allclose(Binomial(n, p).logpmf(k), float(exact), rtol=1e-14)
    k, lam = 7379, 5000.0
    exact = k * mp.log(lam) - lam - mp.loggamma(k + 1)
    np.testing.assert_allclose(Poisson(lam).logpmf(k), float(exact), rtol=1e-14)


def test_parameters_broadcast():
    n = np.array([[5], [50]])
    p = np.array([0.1, 0.5, 0.9])
    d = Binomial(n, p)
    assert d.batch_shape == (2, 3)
    np.testing.assert_allclose(d.pmf(3), st.binom.pmf(3, n, p), rtol=RTOL)
    np.testing.assert_allclose(d.entropy(), st.binom.entropy(n, p), rtol=1e-11)
    np.testing.assert_array_equal(d.ppf(0.4), st.binom.ppf(0.4, n, p))
    lam = np.array([0.5, 30.0])
    np.testing.assert_allclose(Poisson(lam).entropy(), st.poisson.entropy(lam), rtol=1e-11)
    assert Poisson(lam).sample((4, 2), random_state=0).shape == (4, 2)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_is_the_mle(seed):
    rng = np.random.default_rng(seed)
    b = rng.binomial(1, 0.3, 200)
    assert Bernoulli.fit(b).p == pytest.approx(b.mean(), rel=1e-15)
    x = rng.binomial(12, 0.4, 300)
    assert Binomial.fit(x, 12).p == pytest.approx(x.mean() / 12, rel=1e-15)
    y = rng.poisson(4.2, 300)
    fit = Poisson.fit(y).rate
    # the MLE is a stationary point of SciPy's log-likelihood
    eps = 1e-6
    ll = [st.poisson.logpmf(y, fit * (1 + s * eps)).sum() for s in (-1, 0, 1)]
    assert ll[1] >= ll[0] and ll[1] >= ll[2]
    g = rng.geometric(0.3, 300)
    fit = Geometric.fit(g).p
    ll = [st.geom.logpmf(g, fit * (1 + s * eps)).sum() for s in (-1, 0, 1)]
    assert ll[1] >= ll[0] and ll[1] >= ll[2]
    c = rng.choice(4, size=500, p=P4)
    np.testing.assert_allclose(Categorical.fit(c, n_categories=5).p, np.bincount(c, minlength=5) / 500)
    nb = rng.negative_binomial(3.0, 0.4, 400)
    fit = NegativeBinomial.fit(nb, 3.0).p
    ll = [st.nbinom.logpmf(nb, 3.0, fit * (1 + s * eps)).sum() for s in (-1, 0, 1)]
    assert ll[1] >= ll[0] and ll[1] >= ll[2]


@pytest.mark.parametrize(("ours", "ref"), CASES, ids=IDS)
def test_samples_pass_chi2_goodness_of_fit(ours, ref):
    for seed in (0, 1):
        s = np.asarray(ours.sample(3000, random_state=seed))
        assert s.shape == (3000,)
        k = support(ref)
        probs = ours.pmf(k)
        keep = probs * s.size >= 5  # pool cells with small expected counts into one
        observed = np.array([np.sum(s == kk) for kk in k[keep]] + [np.sum(~np.isin(s, k[keep]))])
        expected = np.append(probs[keep], 1 - probs[keep].sum()) * s.size
        if expected[-1] < 1e-9:
            observed, expected = observed[:-1], expected[:-1]
        if expected.size < 2:  # a point mass: every draw must be that point
            assert observed[0] == s.size
            continue
        stat = np.sum((observed - expected) ** 2 / expected)
        assert st.chi2.sf(stat, expected.size - 1) > 1e-3


@given(hs.integers(0, 200), hs.floats(0.0, 1.0), hs.floats(0.0, 1.0))
def test_binomial_ppf_is_the_generalised_inverse(n, p, q):
    d = Binomial(n, p)
    k = d.ppf(q)
    if 0 < q < 1:  # ppf(0) and ppf(1) are the ends of the support, as in SciPy
        assert d.cdf(k) >= q and (k == 0 or d.cdf(k - 1) < q)
    assert d.ppf(1.0) == n
    np.testing.assert_allclose(d.pmf(np.arange(n + 1)).sum(), 1.0, rtol=1e-12)


@given(hs.floats(0.01, 200.0), hs.floats(1e-6, 1 - 1e-9))
def test_poisson_mass_sums_to_one_and_ppf_inverts(lam, q):
    d = Poisson(lam)
    k = np.arange(0, int(lam + 40 * np.sqrt(lam) + 40))
    np.testing.assert_allclose(d.pmf(k).sum(), 1.0, rtol=1e-12)
    assert np.all(np.diff(d.cdf(k)) >= 0)
    kq = d.ppf(q)
    assert d.cdf(kq) >= q and (kq == 0 or d.cdf(kq - 1) < q)


@given(hs.floats(0.01, 1.0), hs.integers(1, 10_000))
def test_geometric_cdf_matches_sum_of_mass(p, k):
    d = Geometric(p)
    ks = np.arange(1, min(k, 500) + 1)
    np.testing.assert_allclose(d.pmf(ks).sum(), d.cdf(ks[-1]), rtol=1e-10)
    if d.cdf(k) < 1:  # where the cdf rounds to 1, ppf(1) is the end of the support (inf)
        assert d.ppf(d.cdf(k)) <= k


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: Bernoulli(1.2), "p"),
        (lambda: Bernoulli(-0.1), "p"),
        (lambda: Binomial(3.5, 0.2), "n"),
        (lambda: Binomial(-1, 0.2), "n"),
        (lambda: Binomial(5, np.nan), "p"),
        (lambda: Poisson(-1.0), "rate"),
        (lambda: Geometric(0.0), "p"),
        (lambda: Categorical([0.5, 0.6]), "p"),
        (lambda: Categorical([1.2, -0.2]), "p"),
        (lambda: Categorical([[0.5, 0.5]]), "p"),
        (lambda: NegativeBinomial(0.0, 0.5), "n"),
        (lambda: BetaBinom(4, 0.0, 1.0), "a"),
    ],
)
def test_invalid_parameters_raise_naming_them(make, name):
    with pytest.raises(ValueError, match=name):
        make()


@pytest.mark.parametrize(
    ("fit", "match"),
    [
        (lambda: Bernoulli.fit([0, 1, 2]), "0 and 1"),
        (lambda: Binomial.fit([1, 7], 5), "whole numbers"),
        (lambda: Poisson.fit([1.5, 2]), "whole numbers"),
        (lambda: Geometric.fit([0, 1]), ">= 1"),
        (lambda: Categorical.fit([0, 3], n_categories=3), "n_categories"),
        (lambda: Poisson.fit([]), "empty"),
    ],
)
def test_fit_rejects_bad_data(fit, match):
    with pytest.raises(ValueError, match=match):
        fit()
