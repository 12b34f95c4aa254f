"""Continuous distributions against scipy.stats: every method over parameter grids.

Tolerance 1e-12 relative (values above 1e-300) unless stated; SciPy's own
failures in far tails (its t.ppf returns inf below ~1e-150) are left out of
the comparison, and checked against mpmath in test_functions.py.
"""

import math

import numpy as np
import pytest
import scipy.integrate as si
import scipy.stats as st
from hypothesis import given
from hypothesis import strategies as hs

from mmlkit.exceptions import ConvergenceWarning
from mmlkit.probability import Beta, ChiSquared, Exponential, Gamma, Normal, StudentT, Uniform

RTOL = 1e-12
Q = np.concatenate([[1e-12], np.linspace(1e-3, 1 - 1e-3, 101), [1 - 1e-12]])

# (ours, scipy frozen, points)
CASES = [
    (Normal(1.5, 2.0), st.norm(1.5, 2.0), np.linspace(-80, 80, 801)),
    (Normal(-3.0, 1e-3), st.norm(-3.0, 1e-3), np.linspace(-3.04, -2.96, 401)),
    (Uniform(-1.0, 3.0), st.uniform(-1.0, 4.0), np.linspace(-2, 4, 121)),
    (Exponential(2.5), st.expon(scale=1 / 2.5), np.linspace(-1, 250, 501)),
    (Gamma(3.3, 0.7), st.gamma(3.3, scale=1 / 0.7), np.linspace(-1, 300, 601)),
    (Gamma(0.3, 2.0), st.gamma(0.3, scale=0.5), np.logspace(-8, 2.3, 300)),
    (Gamma(200.0, 1.0), st.gamma(200.0), np.linspace(100, 330, 300)),
    (Beta(2.5, 0.4), st.beta(2.5, 0.4), np.linspace(-0.5, 1.5, 401)),
    (Beta(0.5, 0.5), st.beta(0.5, 0.5), np.linspace(1e-9, 1 - 1e-9, 401)),
    (Beta(30.0, 70.0), st.beta(30.0, 70.0), np.linspace(0, 1, 401)),
    (StudentT(3.5, 1.0, 2.0), st.t(3.5, 1.0, 2.0), np.linspace(-1e3, 1e3, 801)),
    (StudentT(1.0), st.t(1.0), np.linspace(-1e5, 1e5, 801)),
    (StudentT(300.0, 1.0, 2.0), st.t(300.0, 1.0, 2.0), np.linspace(-60, 60, 801)),
    (ChiSquared(4.5), st.chi2(4.5), np.linspace(-1, 300, 601)),
    (ChiSquared(0.7), st.chi2(0.7), np.logspace(-10, 2.5, 300)),
]
IDS = [f"{type(c[0]).__name__}-{i}" for i, c in enumerate(CASES)]


def assert_close(ours, ref, rtol=RTOL, atol=0.0):
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    keep = np.isfinite(ref) & (np.abs(ref) > 1e-300)
    np.testing.assert_allclose(ours[keep], ref[keep], rtol=rtol, atol=atol)
    # where the oracle underflows to 0 we may keep a subnormal; infinities must agree
    assert np.all(np.abs(ours[ref == 0]) < 1e-300)
    np.testing.assert_array_equal(ours[np.isinf(ref)], ref[np.isinf(ref)])


@pytest.mark.parametrize(("ours", "ref", "x"), CASES, ids=IDS)
def test_pointwise_methods_match_scipy(ours, ref, x):
    for method in ("pdf", "logpdf", "cdf", "sf"):
        assert_close(getattr(ours, method)(x), getattr(ref, method)(x), rtol=2e-12)
    atol = 1e-15 * ref.std() if np.isfinite(ref.std()) else 1e-15
    assert_close(ours.ppf(Q), ref.ppf(Q), atol=atol)
    assert_close(ours.isf(Q), ref.isf(Q), atol=atol)


@pytest.mark.parametrize(("ours", "ref", "x"), CASES, ids=IDS)
def test_moments_and_entropy_match_scipy(ours, ref, x):
    for method in ("mean", "var", "std", "entropy", "median"):
        if method == "mean" and isinstance(ours, StudentT) and ours.df <= 1:
            assert np.isnan(ours.mean())  # undefined; SciPy 1.17 reports inf for t(1).mean()
            continue
        np.testing.assert_allclose(getattr(ours, method)(), getattr(ref, method)(), rtol=RTOL, atol=1e-15)
    lo, hi = ours.interval(0.9)
    np.testing.assert_allclose([lo, hi], ref.interval(0.9), rtol=RTOL)


def test_deep_tails():
    # cdf(-40) underflows to 0 in double precision for SciPy and us alike; logcdf does not
    assert Normal(0, 1).cdf(-40.0) == st.norm.cdf(-40.0)
    np.testing.assert_allclose(Normal(0, 1).logcdf(np.array([-40.0, -300.0])), st.norm.logcdf([-40.0, -300.0]),
                               rtol=RTOL)
    np.testing.assert_allclose(Normal(0, 1).ppf(1e-12), st.norm.ppf(1e-12), rtol=RTOL)
    for df in (1.0, 2.5, 30.0):
        np.testing.assert_allclose(StudentT(df).ppf(1e-12), st.t.ppf(1e-12, df), rtol=RTOL)
        np.testing.assert_allclose(StudentT(df).cdf(-1e6), st.t.cdf(-1e6, df), rtol=RTOL)
    np.testing.assert_allclose(Gamma(2.0).sf(700.0), st.gamma.sf(700.0, 2.0), rtol=RTOL)


def test_scalar_fast_path_equals_array_path():
    d = Normal(0.3, 1.7)
    xs = [-40.0, -3.0, 0.3, 2, 9.5]
    for method in ("cdf", "sf", "pdf"):
        fast = [getattr(d, method)(x) for x in xs]
        np.testing.assert_allclose(fast, getattr(d, method)(np.array(xs, float)), rtol=1e-13)
        np.testing.assert_allclose(fast, getattr(st.norm(0.3, 1.7), method)(xs), rtol=RTOL)
    assert isinstance(Normal(0, 1).cdf(0.5), float)


def test_parameters_broadcast():
    mu = np.array([0.0, 1.0, 2.0])
    sigma = np.array([[1.0], [2.0]])
    d = Normal(mu, sigma)
    assert d.batch_shape == (2, 3)
    x = np.linspace(-1, 1, 3)
    np.testing.assert_allclose(d.logpdf(x), st.norm.logpdf(x, mu, sigma), rtol=RTOL)
    assert d.mean().shape == (2, 3) and d.entropy().shape == (2, 3)
    g = Gamma(np.array([0.5, 2.0, 9.0]), np.array([[1.0], [3.0]]))
    np.testing.assert_allclose(g.ppf(0.3), st.gamma.ppf(0.3, [0.5, 2.0, 9.0], scale=1 / np.array([[1.0], [3.0]])),
                               rtol=RTOL)
    t = StudentT(np.array([1.0, 4.0]), 0.0, 2.0)
    np.testing.assert_allclose(t.var(), st.t.var([1.0, 4.0], 0.0, 2.0))
    assert Beta([1.0, 2.0], 3.0).sample(size=(5, 2), random_state=0).shape == (5, 2)


def test_inputs_are_not_modified():
    x = np.linspace(-2, 2, 7)
    keep = x.copy()
    for d in (Normal(0, 1), StudentT(3), Gamma(2.0)):
        d.cdf(x), d.logpdf(x)
    np.testing.assert_array_equal(x, keep)


# ----------------------------------------------------------------------------- fit vs SciPy's MLE
def _loglik(frozen, data):
    return float(np.sum(frozen.logpdf(data)))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_closed_forms_match_scipy(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(2.0, 3.0, 200)
    mu, sigma = st.norm.fit(x)
    d = Normal.fit(x)
    np.testing.assert_allclose([d.mu, d.sigma], [mu, sigma], rtol=1e-12)
    y = rng.exponential(0.4, 150)
    _, scale = st.expon.fit(y, floc=0)
    np.testing.assert_allclose(Exponential.fit(y).rate, 1 / scale, rtol=1e-12)
    u = rng.uniform(-2, 5, 100)
    loc, scale = st.uniform.fit(u)
    d = Uniform.fit(u)
    np.testing.assert_allclose([d.low, d.high], [loc, loc + scale], rtol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fit_gamma_beta_chi2_match_scipy(seed):
    rng = np.random.default_rng(seed)
    g = rng.gamma(2.3 + seed, 1.7, 400)
    a, _, scale = st.gamma.fit(g, floc=0)
    d = Gamma.fit(g)
    np.testing.assert_allclose([d.shape, d.rate], [a, 1 / scale], rtol=1e-8)
    b = rng.beta(0.7 + seed, 2.3, 300)
    a_ref, b_ref, _, _ = st.beta.fit(b, floc=0, fscale=1)
    d = Beta.fit(b)
    np.testing.assert_allclose([d.a, d.b], [a_ref, b_ref], rtol=1e-7)
    c = rng.chisquare(3.3 + seed, 300)
    df_ref, _, _ = st.chi2.fit(c, floc=0, fscale=1)
    d = ChiSquared.fit(c)
    np.testing.assert_allclose(d.df, df_ref, rtol=1e-4)  # SciPy's optimiser stops at ~1e-5
    assert _loglik(st.chi2(d.df), c) >= _loglik(st.chi2(df_ref), c) - 1e-9
    # ours is the exact stationary point: ψ(k/2) = mean log x − log 2
    from scipy.special import digamma
    np.testing.assert_allclose(digamma(d.df / 2), np.mean(np.log(c)) - math.log(2), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_fit_student_t_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    x = 1.0 + 2.0 * rng.standard_t(4.0, 600)
    df, loc, scale = st.t.fit(x)
    d = StudentT.fit(x)
    # SciPy's Nelder–Mead stops early; ours reaches at least its likelihood
    assert _loglik(st.t(d.df, d.mu, d.sigma), x) >= _loglik(st.t(df, loc, scale), x) - 1e-7
    np.testing.assert_allclose([d.df, d.mu, d.sigma], [df, loc, scale], rtol=2e-3)
    fixed = StudentT.fit(x, df=4.0)
    _, loc4, scale4 = st.t.fit(x, f0=4.0)
    np.testing.assert_allclose([fixed.mu, fixed.sigma], [loc4, scale4], rtol=1e-4)


def test_fit_warns_at_max_iter():
    rng = np.random.default_rng(0)
    with pytest.warns(ConvergenceWarning):
        Gamma.fit(rng.gamma(2.0, 1.0, 50), max_iter=1)
    with pytest.warns(ConvergenceWarning):
        StudentT.fit(rng.standard_t(3.0, 50), max_iter=1)


# ----------------------------------------------------------------------------- samples
@pytest.mark.parametrize(("ours", "ref", "x"), CASES, ids=IDS)
def test_samples_pass_ks_against_own_cdf(ours, ref, x):
    for seed in (0, 1):
        s = ours.sample(2000, random_state=seed)
        assert s.shape == (2000,)
        assert st.kstest(s, ours.cdf).pvalue > 1e-3
    np.testing.assert_array_equal(ours.sample(5, random_state=3), ours.sample(5, random_state=3))


# ----------------------------------------------------------------------------- properties
dists = hs.one_of(
    hs.builds(Normal, hs.floats(-5, 5), hs.floats(0.1, 5)),
    hs.builds(Gamma, hs.floats(0.5, 20), hs.floats(0.2, 5)),
    hs.builds(Beta, hs.floats(1.0, 20), hs.floats(1.0, 20)),
    hs.builds(StudentT, hs.floats(0.5, 50), hs.floats(-3, 3), hs.floats(0.2, 3)),
    hs.builds(ChiSquared, hs.floats(2.0, 40)),
    hs.builds(Exponential, hs.floats(0.1, 10)),
)


@given(dists)
def test_density_integrates_to_one(d):
    # integrate between quantiles 1e-3 and 1 − 1e-3, piecewise so quad sees every bulk region
    cuts = d.ppf(np.array([1e-3, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-3]))
    total = sum(si.quad(d.pdf, a, b, epsabs=1e-12, epsrel=1e-10, limit=200)[0] for a, b in zip(cuts[:-1], cuts[1:]))
    np.testing.assert_allclose(total + 2e-3, 1.0, atol=1e-8)


@given(dists, hs.floats(1e-6, 1 - 1e-6))
def test_ppf_inverts_cdf_and_cdf_monotone(d, q):
    x = d.ppf(q)
    np.testing.assert_allclose(d.cdf(x), q, rtol=1e-9, atol=1e-12)
    grid = np.linspace(d.ppf(1e-6), d.isf(1e-6), 50)
    assert np.all(np.diff(d.cdf(grid)) >= 0)
    np.testing.assert_allclose(np.exp(d.logpdf(grid)), d.pdf(grid), rtol=1e-12)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: Normal(0.0, 0.0), "sigma"),
        (lambda: Normal(0.0, -1.0), "sigma"),
        (lambda: Normal(np.nan, 1.0), "mu"),
        (lambda: Normal(0.0, [1.0, -2.0]), "sigma"),
        (lambda: Uniform(1.0, 1.0), "high"),
        (lambda: Exponential(0.0), "rate"),
        (lambda: Gamma(-1.0), "shape"),
        (lambda: Gamma(1.0, np.inf), "rate"),
        (lambda: Beta(0.0, 1.0), "a"),
        (lambda: Beta(1.0, -1.0), "b"),
        (lambda: StudentT(0.0), "df"),
        (lambda: StudentT(3.0, 0.0, 0.0), "sigma"),
        (lambda: ChiSquared(-2.0), "df"),
        (lambda: Normal("a", 1.0), "mu"),
    ],
)
def test_invalid_parameters_raise_naming_them(make, name):
    with pytest.raises(ValueError, match=name):
        make()


@pytest.mark.parametrize(
    ("cls", "data", "match"),
    [
        (Normal, [1.0, 1.0, 1.0], "constant"),
        (Normal, [], "empty"),
        (Normal, [1.0, np.nan], "finite"),
        (Normal, [[1.0, 2.0]], "1-D"),
        (Exponential, [-1.0, 2.0], "non-negative"),
        (Gamma, [0.0, 1.0], "positive"),
        (Gamma, [2.0, 2.0], "constant"),
        (Beta, [0.2, 1.0], r"\(0, 1\)"),
        (Beta, [0.3, 0.3], "constant"),
        (ChiSquared, [-1.0, 1.0], "positive"),
        (Uniform, [2.0, 2.0], "distinct"),
        (StudentT, [5.0, 5.0, 5.0], "constant"),
    ],
)
def test_fit_rejects_bad_data(cls, data, match):
    with pytest.raises(ValueError, match=match):
        cls.fit(data)


def test_interval_level_validated():
    with pytest.raises(ValueError, match="level"):
        Normal(0, 1).interval(1.5)


# ---------------------------------------------- quantiles of non-probabilities (issue 20)
def _every_distribution():
    from mmlkit import probability as P

    return [P.Exponential(1.0), P.Normal(), P.Uniform(), P.Beta(2.0, 3.0), P.StudentT(3.0), P.Gamma(2.0),
            P.ChiSquared(3.0), P.Poisson(2.0), P.Binomial(5, 0.3), P.Bernoulli(0.3), P.Geometric(0.4),
            P.NegativeBinomial(3, 0.4), P.BetaBinom(5, 2.0, 3.0), P.Categorical([0.2, 0.8])]


@pytest.mark.parametrize("method", ["ppf", "isf"])
@pytest.mark.parametrize("q", [-0.1, 1.5, -1e-300, [0.5, 2.0], np.array([[0.1], [-3.0]])])
def test_every_quantile_method_rejects_q_outside_0_1(method, q):
    """``Exponential.ppf(-0.1)`` returned −0.048: every ppf/isf now raises, naming q."""
    for d in _every_distribution():
        with pytest.raises(ValueError, match="q must"):
            getattr(d, method)(q)


def test_quantiles_at_the_ends_and_nan_still_work():
    for d in _every_distribution():
        assert np.all(np.isfinite(d.ppf([0.25, 0.5]))), d
        assert np.isnan(d.ppf(np.nan)) or type(d).__name__ in {"Categorical"}, d


# ---------------------------------------------- Normal: one code path, one return type (issue 14)
@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (1.5, 0.3), (-2.0, 7.0)])
def test_normal_scalar_calls_equal_the_array_path_and_the_textbook_formulas(mu, sigma):
    """The lean scalar path (math.exp/erfc) gives the same numbers as before, as np.float64 everywhere."""
    from mmlkit.probability import Normal

    d = Normal(mu, sigma)
    xs = list(np.random.default_rng(0).normal(size=50) * 5) + [0.0, 1e-300, -40.0, 40.0]
    arrays = {m: getattr(d, m)(np.array(xs)) for m in ("pdf", "logpdf", "cdf", "sf", "logcdf", "logsf")}
    for i, x in enumerate(xs):
        z = (x - mu) / sigma
        textbook = {"pdf": 1 / math.sqrt(2 * math.pi) / sigma * math.exp(-0.5 * z * z),
                    "cdf": 0.5 * math.erfc((mu - x) / (sigma * math.sqrt(2))),
                    "sf": 0.5 * math.erfc((x - mu) / (sigma * math.sqrt(2)))}
        for m, arr in arrays.items():
            v = getattr(d, m)(x)
            assert type(v) is np.float64, m
            # scalar and array paths: math's and SciPy's erfc differ by a few ulps far in the tails
            assert v == pytest.approx(arr[i], rel=1e-13, abs=1e-300), (m, x)
            if m in textbook:  # the same operations as the former fast path: the same number
                assert v == textbook[m], (m, x)
