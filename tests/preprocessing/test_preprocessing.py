"""Preprocessing against scikit-learn: scalers, imputer, encoders, split, feature selection."""

import numpy as np
import pytest
import sklearn.feature_selection as skfs
import sklearn.impute as skimpute
import sklearn.preprocessing as skpre
from hypothesis import given
from hypothesis import strategies as st
from sklearn.model_selection import train_test_split as sk_split

from mmlkit.datasets import load_digits, load_iris, load_wine
from mmlkit.preprocessing import (
    MinMaxScaler,
    OneHotEncoder,
    PolynomialFeatures,
    RobustScaler,
    SelectKBest,
    SimpleImputer,
    StandardScaler,
    chi2,
    f_classif,
    mutual_info_classif,
    train_test_split,
)


def _with_nans(seed, X, frac=0.1):
    X = X.copy()
    X[np.random.default_rng(seed).random(X.shape) < frac] = np.nan
    return X


SCALERS = [
    (StandardScaler(), skpre.StandardScaler()),
    (StandardScaler(with_mean=False), skpre.StandardScaler(with_mean=False)),
    (MinMaxScaler(feature_range=(-1, 2)), skpre.MinMaxScaler(feature_range=(-1, 2))),
    (RobustScaler(), skpre.RobustScaler()),
    (RobustScaler(quantile_range=(10.0, 90.0), unit_variance=True),
     skpre.RobustScaler(quantile_range=(10.0, 90.0), unit_variance=True)),
]


@pytest.mark.parametrize("ours,ref", SCALERS)
@pytest.mark.parametrize("nan_seed", [None, 0, 1])
def test_scalers_match_sklearn(ours, ref, nan_seed):
    X, _ = load_wine()
    X = X.copy()
    X[:, 3] = 7.0  # a constant column passes through unscaled
    if nan_seed is not None:
        X = _with_nans(nan_seed, X)
    A, B = ours.fit_transform(X), ref.fit_transform(X)
    np.testing.assert_array_equal(np.isnan(A), np.isnan(B))
    np.testing.assert_allclose(A, B, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(A), X, rtol=1e-10, atol=1e-12)


def test_minmax_clip_and_standard_scaler_attributes():
    X, _ = load_iris()
    ours = MinMaxScaler(clip=True).fit(X)
    np.testing.assert_allclose(ours.transform(X * 2), skpre.MinMaxScaler(clip=True).fit(X).transform(X * 2))
    s, r = StandardScaler().fit(X), skpre.StandardScaler().fit(X)
    for name in ("mean_", "var_", "scale_"):
        np.testing.assert_allclose(getattr(s, name), getattr(r, name))
    assert s.n_samples_seen_ == r.n_samples_seen_


@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent", "constant"])
@pytest.mark.parametrize("seed", [0, 1])
def test_imputer_matches_sklearn(strategy, seed):
    X = np.round(_with_nans(seed, load_wine().data, 0.2))
    X[:, 2] = np.nan  # an empty column is dropped (with a warning), as scikit-learn does
    kw = {"fill_value": -1.0} if strategy == "constant" else {}
    ours, ref = SimpleImputer(strategy=strategy, **kw), skimpute.SimpleImputer(strategy=strategy, **kw)
    with pytest.warns(UserWarning, match="Skipping features"):
        A = ours.fit_transform(X)
    with pytest.warns(UserWarning):
        B = ref.fit_transform(X)
    np.testing.assert_allclose(A, B)
    np.testing.assert_array_equal(ours.get_feature_names_out(), ref.get_feature_names_out())


def test_imputer_numeric_marker_and_keep_empty():
    X = np.array([[1.0, -1.0], [-1.0, -1.0], [3.0, -1.0]])
    ours = SimpleImputer(missing_values=-1.0, keep_empty_features=True).fit_transform(X)
    ref = skimpute.SimpleImputer(missing_values=-1.0, keep_empty_features=True).fit_transform(X)
    np.testing.assert_allclose(ours, ref)


@pytest.mark.parametrize("kw", [{}, {"drop": "first"}, {"drop": "if_binary", "handle_unknown": "ignore"},
                                {"handle_unknown": "ignore"}])
def test_one_hot_matches_sklearn(kw):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.choice(["red", "green", "blue"], 40), rng.choice(["x", "y"], 40),
                         rng.integers(0, 4, 40).astype(str)])
    ours, ref = OneHotEncoder(**kw).fit(X), skpre.OneHotEncoder(sparse_output=False, **kw).fit(X)
    np.testing.assert_array_equal(ours.transform(X), ref.transform(X))
    names = ["c", "s", "n"]
    np.testing.assert_array_equal(ours.get_feature_names_out(names), ref.get_feature_names_out(names))
    for a, b in zip(ours.categories_, ref.categories_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours.inverse_transform(ours.transform(X)), X)
    if kw.get("handle_unknown") == "ignore":
        new = np.array([["purple", "x", "9"]])
        np.testing.assert_array_equal(ours.transform(new), ref.transform(new))


def test_one_hot_numeric_sparse_and_unknown():
    X = np.array([[1, 10], [2, 20], [1, 30]])
    enc = OneHotEncoder(sparse_output=True).fit(X)
    np.testing.assert_array_equal(enc.transform(X).toarray(), skpre.OneHotEncoder(sparse_output=False).fit_transform(X))
    with pytest.raises(ValueError, match="unknown categories"):
        OneHotEncoder().fit(X).transform(np.array([[3, 10]]))
    with pytest.raises(ValueError, match="unknown categories"):
        OneHotEncoder(categories=[[1, 2], [10, 20]]).fit(X)


@pytest.mark.parametrize("kw", [{"degree": 3}, {"degree": 2, "interaction_only": True},
                                {"degree": (2, 3), "include_bias": False}, {"degree": 1}])
def test_polynomial_matches_sklearn(kw):
    X = load_iris().data
    ours, ref = PolynomialFeatures(**kw).fit(X), skpre.PolynomialFeatures(**kw).fit(X)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), rtol=1e-12)
    np.testing.assert_array_equal(ours.powers_, ref.powers_)
    np.testing.assert_array_equal(ours.get_feature_names_out(), ref.get_feature_names_out())


@given(st.integers(1, 4), st.integers(0, 3), st.booleans())
def test_polynomial_columns_are_monomials(d, degree, interaction_only):
    """Each output column equals ∏ⱼ xⱼ^powers_ij, and the count matches scikit-learn's."""
    X = np.random.default_rng(d + degree).normal(size=(5, d))
    model = PolynomialFeatures(degree, interaction_only=interaction_only)
    if degree == 0:
        Z = model.fit_transform(X)
        assert Z.shape == (5, 1)
        return
    Z = model.fit_transform(X)
    np.testing.assert_allclose(Z, np.prod(X[:, None, :] ** model.powers_[None], axis=2), rtol=1e-12)
    ref = skpre.PolynomialFeatures(degree, interaction_only=interaction_only).fit(X)
    assert model.n_output_features_ == ref.n_output_features_


@pytest.mark.parametrize("sizes", [dict(), dict(test_size=0.3), dict(test_size=17), dict(train_size=0.6),
                                   dict(train_size=50, test_size=30)])
@pytest.mark.parametrize("stratified", [False, True])
def test_train_test_split_sizes_and_strata(sizes, stratified):
    X, y = load_wine()
    ours = train_test_split(X, y, random_state=0, stratify=y if stratified else None, **sizes)
    ref = sk_split(X, y, random_state=0, stratify=y if stratified else None, **sizes)
    assert [len(a) for a in ours] == [len(a) for a in ref]
    if stratified:
        for a, b in ((ours[2], ref[2]), (ours[3], ref[3])):
            assert np.abs(np.bincount(a, minlength=3) - np.bincount(b, minlength=3)).max() <= 1


def test_train_test_split_partitions_and_is_reproducible():
    X = np.arange(40).reshape(20, 2)
    y = list(range(20))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=3)
    assert sorted(np.concatenate([X_tr[:, 0], X_te[:, 0]]) // 2) == y
    assert list(X_tr[:, 0] // 2) == y_tr and isinstance(y_te, list)
    again = train_test_split(X, y, test_size=0.25, random_state=3)
    np.testing.assert_array_equal(again[0], X_tr)
    first = train_test_split(X, shuffle=False, test_size=5)
    np.testing.assert_array_equal(first[1], X[15:])


@pytest.mark.parametrize("kwargs,match", [
    (dict(test_size=1.5), "test_size"), (dict(test_size=0), "test_size"), (dict(train_size=100), "train_size"),
    (dict(test_size=0.6, train_size=0.6), "<= 1"), (dict(shuffle=False, stratify=np.zeros(20)), "shuffle"),
    (dict(stratify=np.r_[np.zeros(19), 1]), "least populated"),
])
def test_train_test_split_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train_test_split(np.zeros((20, 2)), **kwargs)
    with pytest.raises(ValueError, match="same number"):
        train_test_split(np.zeros((20, 2)), np.zeros(19))


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_digits])
def test_f_classif_and_chi2_match_sklearn(loader):
    X, y = loader()
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            refs = (skfs.f_classif(X, y), skfs.chi2(X, y))
    for ours, ref in zip((f_classif(X, y), chi2(X, y)), refs):
        for a, b in zip(ours, ref):
            np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
            np.testing.assert_allclose(a[~np.isnan(b)], b[~np.isnan(b)], rtol=1e-9, atol=1e-300)


def test_mutual_info_discrete_exact_and_continuous():
    X, y = load_digits()
    np.testing.assert_allclose(mutual_info_classif(X, y, discrete_features=True),
                               skfs.mutual_info_classif(X, y, discrete_features=True), atol=1e-12)
    for seed in (0, 1, 2):  # continuous, untied values: the same k-NN estimate
        rng = np.random.default_rng(seed)
        Xc = rng.normal(size=(300, 3))
        yc = rng.integers(0, 3, 300)
        Xc[:, 0] += yc
        np.testing.assert_allclose(mutual_info_classif(Xc, yc, random_state=0),
                                   skfs.mutual_info_classif(Xc, yc, random_state=0), atol=1e-10)
    mask = np.zeros(3, dtype=bool)
    mask[2] = True
    Xm = np.column_stack([Xc[:, :2], yc % 2])
    np.testing.assert_allclose(mutual_info_classif(Xm, yc, discrete_features=mask, random_state=0),
                               skfs.mutual_info_classif(Xm, yc, discrete_features=mask, random_state=0), atol=1e-10)


@pytest.mark.parametrize("score_func,k", [(f_classif, 2), (chi2, 5), (f_classif, "all")])
def test_select_k_best_matches_sklearn(score_func, k):
    X, y = load_wine()
    ref_func = {f_classif: skfs.f_classif, chi2: skfs.chi2}[score_func]
    ours, ref = SelectKBest(score_func, k=k).fit(X, y), skfs.SelectKBest(ref_func, k=k).fit(X, y)
    np.testing.assert_array_equal(ours.get_support(), ref.get_support())
    np.testing.assert_allclose(ours.transform(X), ref.transform(X))
    np.testing.assert_allclose(ours.pvalues_, ref.pvalues_, rtol=1e-9)


def test_select_k_best_bad_inputs():
    X, y = load_iris()
    with pytest.raises(ValueError, match="k must"):
        SelectKBest(k=-1).fit(X, y)
    with pytest.raises(ValueError, match="callable"):
        SelectKBest(score_func="f").fit(X, y)
    with pytest.warns(UserWarning, match="greater than"):
        assert SelectKBest(k=10).fit(X, y).get_support().all()
    with pytest.raises(ValueError, match="non-negative"):
        chi2(X - 10, y)


@pytest.mark.parametrize("est,bad", [
    (StandardScaler, dict(with_mean="yes")), (MinMaxScaler, dict(feature_range=(1, 0))),
    (RobustScaler, dict(quantile_range=(80.0, 20.0))), (SimpleImputer, dict(strategy="mode")),
    (OneHotEncoder, dict(handle_unknown="warn")), (PolynomialFeatures, dict(degree=-1)),
])
def test_bad_parameters(est, bad):
    with pytest.raises(ValueError):
        est(**bad).fit(load_iris().data)


@given(st.integers(0, 10_000))
def test_standard_scaler_output_is_standardised(seed):
    X = np.random.default_rng(seed).normal(size=(30, 3)) * [1.0, 100.0, 1e-3] + [5.0, -7.0, 10.0]
    Z = StandardScaler().fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-9)


def test_transformers_do_not_modify_input():
    X = _with_nans(0, load_wine().data)
    X0 = X.copy()
    for est in (StandardScaler(), MinMaxScaler(), RobustScaler(), SimpleImputer()):
        est.fit_transform(X)
    np.testing.assert_array_equal(X, X0)


@pytest.mark.parametrize("nan_seed", [None, 2])
def test_standard_scaler_partial_fit_matches_sklearn_and_fit(nan_seed):
    X = load_wine().data
    if nan_seed is not None:
        X = _with_nans(nan_seed, X, 0.2)
    ours, ref = StandardScaler(), skpre.StandardScaler()
    for part in np.array_split(np.arange(X.shape[0]), 4):
        ours.partial_fit(X[part])
        ref.partial_fit(X[part])
    full = StandardScaler().fit(X)
    for name in ("mean_", "var_", "scale_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-10)
        np.testing.assert_allclose(getattr(ours, name), getattr(full, name), rtol=1e-10)
    np.testing.assert_array_equal(ours.n_samples_seen_, ref.n_samples_seen_)


@pytest.mark.parametrize("score", ["chi2", "f_classif"])
def test_univariate_scores_reject_a_single_class(score):
    """Issue 20: chi2 gave p = 0 and f_classif inf/NaN, silently, when y held one class."""
    import mmlkit.preprocessing as pp

    X = np.abs(np.random.default_rng(0).normal(size=(6, 3)))
    with pytest.raises(ValueError, match="y must hold at least 2 classes"):
        getattr(pp, score)(X, np.zeros(6))


def test_f_classif_needs_within_class_degrees_of_freedom():
    from mmlkit.preprocessing import f_classif

    with pytest.raises(ValueError, match="more samples than classes"):
        f_classif(np.array([[1.0], [2.0]]), [0, 1])


def test_standard_scaler_variance_beyond_float64_keeps_the_right_scale():
    X = np.random.default_rng(0).normal(size=(40, 3))
    np.testing.assert_allclose(StandardScaler().fit(X * 1e150).scale_, StandardScaler().fit(X).scale_ * 1e150,
                               rtol=1e-12)
    big = StandardScaler().fit(X * 1e300)                   # σ² ≈ 1e600 has no float64: var_ is inf
    assert np.all(np.isinf(big.var_))
    np.testing.assert_allclose(big.scale_, StandardScaler().fit(X).scale_ * 1e300, rtol=1e-12)
