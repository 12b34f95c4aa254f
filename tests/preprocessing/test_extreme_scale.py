"""StandardScaler and MinMaxScaler at the ends of the float64 range (×2^±900, ×1e±300).

The moments of a feature whose squares would over- or underflow are taken on
the data divided by exact powers of two, so fit(X·s) equals fit(X) mapped by s:
means and scales times s, transforms equal (to a few ulps for 1e±300, one
rounding per input element), and scikit-learn is the oracle at ordinary scale.
"""

import re

import numpy as np
import pytest
import sklearn.preprocessing as skp
from hypothesis import given
from hypothesis import strategies as st

from mmlkit.preprocessing import MinMaxScaler, StandardScaler

SCALES = [2.0**900, 2.0**-900, 1e300, 1e-300]


def _data(seed=0, n=40, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * [1.0, 3.0, 0.2] + [0.5, -2.0, 10.0]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("s", SCALES)
def test_standard_scaler_is_scale_equivariant(s, seed):
    X = _data(seed)
    ref = skp.StandardScaler().fit(X)
    got = StandardScaler().fit(X * s)
    np.testing.assert_allclose(got.mean_ / s, ref.mean_, rtol=1e-13)
    np.testing.assert_allclose(got.scale_ / s, ref.scale_, rtol=1e-13)
    np.testing.assert_allclose(got.transform(X * s), ref.transform(X), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(got.inverse_transform(ref.transform(X)) / s, X, rtol=1e-12)
    # σ² ≈ s² has no float64 at these scales: var_ saturates to inf or 0, as ldexp does; σ is still right
    assert np.all(got.var_ == (np.inf if s > 1 else 0.0))


@pytest.mark.parametrize("seed", [2, 3])
def test_standard_scaler_power_of_two_scale_is_exact(seed):
    # Dividing by a power of two is exact: at 2^900 and 2^-900 the units path sees the same
    # numbers, so the fits agree bit for bit once mapped by 2^1800.
    X = _data(seed)
    a, b = StandardScaler().fit(np.ldexp(X, 900)), StandardScaler().fit(np.ldexp(X, -900))
    np.testing.assert_array_equal(a.mean_, np.ldexp(b.mean_, 1800))
    np.testing.assert_array_equal(a.scale_, np.ldexp(b.scale_, 1800))
    np.testing.assert_array_equal(a.transform(np.ldexp(X, 900)), b.transform(np.ldexp(X, -900)))


@pytest.mark.parametrize("s", SCALES)
def test_standard_scaler_partial_fit_across_scales_equals_one_fit(s):
    # A running fit keeps its sums of squares as m2·4^E: batches at different scales merge right.
    X = _data(3, n=60)
    X[:30] *= s
    whole = StandardScaler().fit(X)
    parts = StandardScaler().partial_fit(X[:30]).partial_fit(X[30:45]).partial_fit(X[45:])
    np.testing.assert_allclose(parts.mean_, whole.mean_, rtol=1e-12)
    np.testing.assert_allclose(parts.scale_, whole.scale_, rtol=1e-12)


def test_standard_scaler_nan_and_tiny_spread_far_from_zero():
    # NaNs skipped; a spread whose squares underflow (1e-340) keeps its σ; 1 + 1e-170 is just 1.
    rng = np.random.default_rng(4)
    X = 1.0 + rng.normal(size=(50, 2)) * 1e-170
    X[3, 0] = np.nan
    got = StandardScaler().fit(X)
    assert np.all(got.scale_ == 1.0)
    Y = rng.normal(size=(50, 2)) * 1e-170
    Y[3, 0] = np.nan
    got = StandardScaler().fit(Y)
    np.testing.assert_allclose(got.scale_ * 1e170, np.nanstd(Y * 1e170, axis=0), rtol=1e-12)
    np.testing.assert_allclose(got.mean_ * 1e170, np.nanmean(Y * 1e170, axis=0), rtol=1e-12)


def test_standard_scaler_constant_feature_still_gets_unit_scale():
    X = np.column_stack([np.full(10, 1e-300), np.full(10, 3.0), np.arange(10.0) * 1e-300])
    got = StandardScaler().fit(X)
    np.testing.assert_array_equal(got.scale_[:2], [1.0, 1.0])
    np.testing.assert_allclose(got.scale_[2], np.std(np.arange(10.0)) * 1e-300, rtol=1e-13)


@given(k=st.integers(-300, 300), seed=st.integers(0, 3))
def test_standard_scaler_any_decimal_scale(k, seed):
    X = _data(seed, n=12)
    s = 10.0**k
    ref = skp.StandardScaler().fit(X)
    got = StandardScaler().fit(X * s)
    np.testing.assert_allclose(got.scale_ / s, ref.scale_, rtol=1e-12)
    np.testing.assert_allclose(got.transform(X * s), ref.transform(X), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("s", SCALES)
def test_min_max_scaler_is_scale_equivariant(s):
    X = _data(5)
    ref = skp.MinMaxScaler().fit(X)
    got = MinMaxScaler().fit(X * s)
    np.testing.assert_allclose(got.data_range_ / s, ref.data_range_, rtol=1e-13)
    np.testing.assert_allclose(got.scale_ * s, ref.scale_, rtol=1e-13)
    np.testing.assert_allclose(got.transform(X * s), ref.transform(X), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(got.inverse_transform(ref.transform(X)) / s, X, rtol=1e-12)


def test_min_max_scaler_range_beyond_float64():
    # max − min overflows (the range is ≈ 3.4e308): data_range_ is inf, the map is still right.
    X = np.array([[-1.7e308], [0.0], [1.7e308]])
    got = MinMaxScaler().fit(X)
    assert np.isinf(got.data_range_[0])
    np.testing.assert_allclose(got.transform(X).ravel(), [0.0, 0.5, 1.0], atol=1e-15)
    np.testing.assert_allclose(got.inverse_transform([[0.0], [1.0]]).ravel(), [-1.7e308, 1.7e308], rtol=1e-15)


def test_min_max_scaler_constant_feature_at_tiny_scale():
    X = np.column_stack([np.full(5, 1e-300), np.arange(5.0) * 1e-300])
    got = MinMaxScaler().fit(X)
    np.testing.assert_allclose(got.transform(X), np.column_stack([np.zeros(5), np.arange(5.0) / 4]), atol=1e-15)


@pytest.mark.parametrize("s", [1e300, 2.0**900])
@pytest.mark.parametrize("degree", [2, (2, 3)])
def test_polynomial_features_overflow_is_a_clear_error(s, degree):
    # x² ≈ 1e600 has no float64: fit (on X's own monomials) and transform say so, naming X and the degree.
    import warnings

    from mmlkit.preprocessing import PolynomialFeatures

    X = _data(6, n=8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                       # no RuntimeWarning on the way
        message = re.escape(f"X's polynomial features of degree {degree!r} overflow float64")
        with pytest.raises(ValueError, match=message):
            PolynomialFeatures(degree).fit(X * s)
        fitted = PolynomialFeatures(degree).fit(X)
        with pytest.raises(ValueError, match="overflow float64"):
            fitted.transform(X * s)
        # interaction_only with one feature of degree ≤ 1 never overflows at 2^900 (products stay ≤ 2^1023)
        PolynomialFeatures(degree, interaction_only=True).fit_transform(X[:, :1] * s)


@pytest.mark.parametrize("s", [1e-300, 2.0**-900])
def test_polynomial_features_underflow_is_the_rounded_product(s):
    # x·s times x·s is below the smallest subnormal: 0 (or a subnormal) is float64's correctly rounded product.
    from mmlkit.preprocessing import PolynomialFeatures

    X = _data(7, n=8)
    got = PolynomialFeatures(2).fit_transform(X * s)
    ref = skp.PolynomialFeatures(2).fit_transform(X)
    np.testing.assert_allclose(got[:, 1:4] / s, ref[:, 1:4], rtol=1e-15)
    with np.errstate(under="ignore"):
        np.testing.assert_array_equal(got[:, 4:], (X * s)[:, [0, 0, 0, 1, 1, 2]] * (X * s)[:, [0, 1, 2, 1, 2, 2]])
    assert np.all(np.abs(got[:, 4:]) <= 5e-324)
