"""Distribution functions (normal, t, χ², F, binomial, Poisson) against scipy.stats and mpmath.

Tolerance: 1e-12 relative wherever SciPy is that accurate (values above 1e-300,
away from subnormals). A few points where SciPy loses digits are checked
against mpmath at 40 digits instead.
"""

import mpmath as mp
import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given
from hypothesis import strategies as hs
from scipy.special import betainc, betaln

from mmlkit.probability import _functions as F
from mmlkit.probability._special import _TABLE_MIN_SIZE

RTOL = 1e-12
Q = np.concatenate([[1e-300, 1e-100, 1e-12], np.linspace(1e-3, 1 - 1e-3, 201), [1 - 1e-12]])
DFS = [0.5, 1.0, 2.5, 10.0, 100.0, 1e4]


def assert_close(ours, ref, rtol=RTOL, atol=0.0):
    """``atol`` only for quantiles that pass through 0 (relative error is meaningless there)."""
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    keep = np.isfinite(ref) & (np.abs(ref) > 1e-300)
    np.testing.assert_allclose(ours[keep], ref[keep], rtol=rtol, atol=atol)
    # where the oracle is exactly 0, 1 or infinite, so are we
    edge = ~keep & ((ref == 0) | np.isinf(ref))
    np.testing.assert_array_equal(ours[edge], ref[edge])


def test_normal_cdf_sf_logcdf_deep_tails():
    x = np.concatenate([np.linspace(-38, 38, 1521), [-40.0, 40.0, 0.0, -1e-12]])
    assert_close(F.normal_cdf(x), st.norm.cdf(x))
    assert_close(F.normal_sf(x), st.norm.sf(x))
    assert_close(F.normal_logcdf(x), st.norm.logcdf(x))
    assert_close(F.normal_logsf(x), st.norm.logsf(x))
    assert F.normal_cdf(-40.0) == st.norm.cdf(-40.0)
    np.testing.assert_allclose(F.normal_logcdf(-1e5), st.norm.logcdf(-1e5), rtol=RTOL)


def test_normal_ppf_isf_tails():
    assert_close(F.normal_ppf(Q), st.norm.ppf(Q), atol=1e-15)
    assert_close(F.normal_isf(Q), st.norm.isf(Q), atol=1e-15)
    mp.mp.dps = 40
    for q in (1e-12, 1e-200):
        np.testing.assert_allclose(float(mp.ncdf(mp.mpf(F.normal_ppf(q)))), q, rtol=1e-13)
    assert F.normal_ppf(0.0) == -np.inf and F.normal_ppf(1.0) == np.inf
    assert np.isnan(F.normal_ppf(1.5))


@pytest.mark.parametrize("df", DFS)
def test_t_cdf_sf_ppf(df):
    t = np.concatenate([-np.logspace(-3, 4, 300), [0.0], np.logspace(-3, 4, 300)])
    assert_close(F.t_cdf(t, df), st.t.cdf(t, df))
    assert_close(F.t_sf(t, df), st.t.sf(t, df))
    q = Q[2:]  # SciPy's t quantile fails below ~1e-100 for small df (inf, or wrong); see below
    assert_close(F.t_ppf(q, df), st.t.ppf(q, df), rtol=5e-12, atol=1e-15)
    assert_close(F.t_isf(q, df), st.t.isf(q, df), rtol=5e-12, atol=1e-15)


def _mp_t_tail(t, nu):
    t, nu = mp.mpf(t), mp.mpf(nu)
    return mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True) / 2


def test_t_against_mpmath_where_scipy_loses_digits():
    mp.mp.dps = 40
    # near t = 0 with df = 1 SciPy's cdf is off in the 9th digit; far tails of ppf overflow in SciPy
    np.testing.assert_allclose(F.t_cdf(-1e-8, 1.0), float(0.5 + mp.atan(mp.mpf(-1e-8)) / mp.pi), rtol=1e-15)
    for t, nu in [(-3.07818214256508, 10.0), (-9.33, 1000.0)]:
        np.testing.assert_allclose(F.t_cdf(t, nu), float(_mp_t_tail(t, nu)), rtol=1e-13)
    for q, nu in [(1e-190, 3.5), (1e-241, 1000.0), (1e-300, 1.0), (1e-100, 0.5)]:
        t = F.t_ppf(q, nu)
        np.testing.assert_allclose(float(_mp_t_tail(t, nu)), q, rtol=1e-12)


def test_t_infinite_df_is_normal():
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(F.t_cdf(x, np.inf), F.normal_cdf(x), rtol=1e-15)
    np.testing.assert_allclose(F.t_ppf(Q[2:], np.inf), F.normal_ppf(Q[2:]), rtol=1e-15)


@pytest.mark.parametrize("df", [0.3, 1.0, 3.5, 30.0, 1000.0])
def test_chi2(df):
    x = np.logspace(-10, 4, 400)
    assert_close(F.chi2_cdf(x, df), st.chi2.cdf(x, df))
    assert_close(F.chi2_sf(x, df), st.chi2.sf(x, df))
    assert_close(F.chi2_ppf(Q, df), st.chi2.ppf(Q, df))
    assert_close(F.chi2_isf(Q, df), st.chi2.isf(Q, df))
    assert F.chi2_cdf(-1.0, df) == 0.0 and F.chi2_sf(-1.0, df) == 1.0


@pytest.mark.parametrize(("dfn", "dfd"), [(1, 1), (4, 4), (2, 30), (30, 2), (0.5, 100)])
def test_f(dfn, dfd):
    x = np.logspace(-6, 6, 300)
    assert_close(F.f_cdf(x, dfn, dfd), st.f.cdf(x, dfn, dfd))
    assert_close(F.f_sf(x, dfn, dfd), st.f.sf(x, dfn, dfd))
    assert_close(F.f_ppf(Q[1:], dfn, dfd), st.f.ppf(Q[1:], dfn, dfd), rtol=5e-12)


def test_f_sf_small_x_against_mpmath():
    # SciPy's f.sf(1.3e-10, 0.5, 100) is wrong from the 7th digit; the complement form is not
    mp.mp.dps = 40
    x, d1, d2 = 1.3191699564735744e-10, mp.mpf(0.5), mp.mpf(100)
    exact = mp.betainc(d2 / 2, d1 / 2, 0, d2 / (d2 + d1 * mp.mpf(x)), regularized=True)
    np.testing.assert_allclose(F.f_sf(x, 0.5, 100), float(exact), rtol=1e-14)


@pytest.mark.parametrize(("n", "p"), [(10, 0.5), (100, 0.01), (1000, 0.999), (50, 1e-8), (7, 0.0), (7, 1.0)])
def test_binom(n, p):
    k = np.arange(-2, n + 3)
    assert_close(F.binom_cdf(k, n, p), st.binom.cdf(k, n, p))
    assert_close(F.binom_sf(k, n, p), st.binom.sf(k, n, p))
    np.testing.assert_array_equal(F.binom_cdf(k + 0.5, n, p), F.binom_cdf(k, n, p))  # floors
    assert np.isnan(F.binom_cdf(3, 10, 1.5))


@pytest.mark.parametrize("mu", [0.1, 3.0, 100.0])
def test_poisson(mu):
    k = np.arange(-2, 400)
    assert_close(F.poisson_cdf(k, mu), st.poisson.cdf(k, mu))
    assert_close(F.poisson_sf(k, mu), st.poisson.sf(k, mu))


def test_broadcasting_and_scalar_returns():
    q = np.linspace(0.1, 0.9, 5)[:, None]
    df = np.array([1.0, 5.0, 50.0])
    assert F.t_ppf(q, df).shape == (5, 3)
    assert F.chi2_sf(np.ones((2, 1, 4)), df[:, None]).shape == (2, 3, 4)
    assert isinstance(F.normal_cdf(0.5), np.floating)
    assert isinstance(F.t_cdf(0.5, 3), np.floating)


# Near 1 a cdf has only absolute precision, so round trips go through the tail
# that is small: ppf(cdf(x)) for x ≤ 0 and isf(sf(x)) for x > 0.
@given(hs.floats(-1e3, 1e3), hs.floats(0.2, 1e4))
def test_t_ppf_inverts_cdf(x, df):
    if x <= 0:
        p, back = F.t_cdf(x, df), F.t_ppf
    else:
        p, back = F.t_sf(x, df), F.t_isf
    if p > 1e-300:
        np.testing.assert_allclose(back(p, df), x, rtol=1e-10, atol=1e-13)


@given(hs.floats(-37, 37))
def test_normal_ppf_inverts_cdf(x):
    if x <= 0:
        back = F.normal_ppf(F.normal_cdf(x))
    else:
        back = F.normal_isf(F.normal_sf(x))
    np.testing.assert_allclose(back, x, rtol=1e-11, atol=1e-13)


@given(hs.floats(1e-3, 1e3), hs.floats(0.1, 200))
def test_chi2_ppf_inverts_cdf_and_tails_sum_to_one(x, df):
    p = F.chi2_cdf(x, df)
    np.testing.assert_allclose(p + F.chi2_sf(x, df), 1.0, rtol=1e-14)
    if 1e-300 < p < 1 - 1e-10:
        # p carries a rounding error of ~ε·p, which the inverse amplifies by 1/f(x): the relative
        # condition number of x = F⁻¹(p) is p / (x f(x)), large near p = 1 (x = 131, df = 45: ~1e6)
        cond = p / (x * st.chi2.pdf(x, df))
        np.testing.assert_allclose(F.chi2_ppf(p, df), x, rtol=1e-9 + 16 * np.finfo(float).eps * cond)


@given(hs.lists(hs.floats(-50, 50), min_size=2, max_size=30), hs.floats(0.3, 100))
def test_cdfs_monotone(xs, df):
    x = np.sort(np.asarray(xs))
    for c in (F.normal_cdf(x), F.t_cdf(x, df), F.chi2_cdf(x, df), F.f_cdf(x, df, 3.0)):
        assert np.all(np.diff(c) >= 0)


@pytest.mark.parametrize("df", [1.0, 2.0, 4.0])
def test_t_ppf_closed_forms(df):
    # ν = 1, 2, 4 have closed-form quantiles; check them against SciPy away from the
    # centre and against mpmath's tail everywhere (SciPy's ν = 4 loses digits near q = ½)
    q = np.concatenate([[1e-100, 1e-12], np.linspace(0.01, 0.99, 99)])
    far = np.abs(q - 0.5) > 0.2
    assert_close(F.t_ppf(q[far], df), st.t.ppf(q[far], df), rtol=1e-13)
    mp.mp.dps = 40
    for qq in (1e-12, 0.1, 0.3, 0.4999, 0.5 - 1e-9):
        t = F.t_ppf(qq, df)
        np.testing.assert_allclose(float(_mp_t_tail(t, df)), qq, rtol=1e-14)
    np.testing.assert_allclose(F.t_ppf(0.9, df), -F.t_ppf(0.1, df), rtol=1e-15)
    assert F.t_ppf(0.5, df) == 0.0


@pytest.mark.parametrize(("t", "df"), [(-1.0, 1e6), (-30.0, 1e6), (-2.0, 1e4), (-0.7, 50.0)])
def test_t_cdf_between_centre_and_sqrt_df_against_mpmath(t, df):
    # where x = ν/(ν+t²) rounds near 1 the first-order correction restores full precision
    mp.mp.dps = 40
    np.testing.assert_allclose(F.t_cdf(t, df), float(_mp_t_tail(t, df)), rtol=2e-14)


@pytest.mark.parametrize(
    ("func", "args"),
    [
        (F.t_cdf, (1.0, -1.0)),
        (F.t_cdf, (1.0, 0.0)),
        (F.t_ppf, (0.3, -2.0)),
        (F.t_ppf, (1.5, 3.0)),
        (F.chi2_cdf, (1.0, -1.0)),
        (F.chi2_ppf, (1.5, 3.0)),
        (F.f_sf, (1.0, -1.0, 2.0)),
        (F.f_ppf, (2.0, 1.0, 1.0)),
        (F.binom_cdf, (1, 5, 1.5)),
        (F.poisson_cdf, (1, -1.0)),
        (F.normal_ppf, (-0.1,)),
    ],
)
def test_outside_the_domain_gives_nan_silently(func, args):
    # the kernels behave like ufuncs: no exception, no warning, nan (the classes validate)
    assert np.isnan(func(*args))


# Large arrays take the table + Halley route (>= 20 000 probabilities, scalar parameters)
BIG_Q = np.concatenate([
    np.random.default_rng(0).uniform(0, 1, 25_000),
    np.logspace(-300, -1, 300), 1 - np.logspace(-16, -1, 100), [0.0, 0.5, 1.0],
])


@pytest.mark.parametrize("shape", [1.0, 1.5, 2.5, 40.0, 1e4])
def test_gamma_quantile_table_route(shape):
    assert BIG_Q.size >= _TABLE_MIN_SIZE
    assert_close(F.gamma_quantile(BIG_Q, shape), st.gamma.ppf(BIG_Q, shape), rtol=1e-12)
    assert_close(F.chi2_ppf(BIG_Q, 2 * shape), st.chi2.ppf(BIG_Q, 2 * shape), rtol=1e-12)


@pytest.mark.parametrize(("a", "b"), [(2.0, 5.0), (0.1, 3.0), (30.0, 70.0), (200.0, 0.7), (0.3, 0.3), (3.0, 0.05)])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # SciPy's boost warning in the far tail
def test_beta_quantile_table_route(a, b):
    ours, ref = F.beta_quantile(BIG_Q, a, b), st.beta.ppf(BIG_Q, a, b)
    # SciPy's beta quantile fails in the far lower tail for some shapes (a wrong
    # constant, with a RuntimeWarning); there we check I_x(a, b) = q instead
    x0 = np.exp((np.log(BIG_Q) + np.log(a) + betaln(a, b)) / a)
    far = (x0 < 1e-20) & (BIG_Q > 0)
    assert_close(ours[~far], ref[~far], rtol=1e-12)
    representable = far & (x0 > 1e-300)
    np.testing.assert_allclose(betainc(a, b, ours[representable]), BIG_Q[representable], rtol=1e-13)
    assert np.all(ours[far & ~representable] <= 1e-300)  # the true quantile underflows
    # small shapes push quantiles below 1e-300, where SciPy returns 0 and we may too
    assert np.all(np.diff(ours[np.argsort(BIG_Q)]) >= 0)


def test_beta_quantile_far_lower_tail_small_arrays():
    # the direct route (small arrays) repairs betaincinv's nan in the far tail too
    q = np.array([1e-300, 1e-250, 1e-200])
    x = F.beta_quantile(q, 2.0, 5.0)
    assert np.all(np.isfinite(x))
    np.testing.assert_allclose(betainc(2.0, 5.0, x), q, rtol=1e-13)


@pytest.mark.parametrize("df", [0.3, 3.5, 30.0, 1e6])
def test_t_ppf_table_route(df):
    ours = F.t_ppf(BIG_Q, df)
    # reference: the direct route, chunk by chunk (below the table threshold)
    direct = np.concatenate([F.t_ppf(chunk, df) for chunk in np.array_split(BIG_Q, 4)])
    assert_close(ours, direct, rtol=2e-13, atol=1e-15)
    keep = BIG_Q > 1e-30  # further out SciPy returns wrong constants for small df (see the mpmath tests)
    assert_close(ours[keep], st.t.ppf(BIG_Q[keep], df), rtol=5e-12, atol=1e-15)
    np.testing.assert_array_equal(ours[BIG_Q == 0.5], 0.0)
