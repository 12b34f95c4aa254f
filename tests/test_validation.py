from numbers import Integral, Real

import numpy as np
import pytest

from mmlkit import _validation as v
from mmlkit.exceptions import InvalidParameterError


def test_as_float_array_keeps_float32_and_converts_ints():
    assert v.as_float_array(np.ones(3, np.float32), "x").dtype == np.float32
    assert v.as_float_array([1, 2], "x").dtype == np.float64


def test_as_float_array_never_aliases_when_copy():
    x = np.ones(3)
    y = v.as_float_array(x, "x", copy=True)
    y[0] = 5
    assert x[0] == 1


@pytest.mark.parametrize("bad, match", [
    ([1.0, np.nan], "x must be finite"),
    ([], "x must not be empty"),
    ([[1, 2], [3]], "x must be a numeric array"),
    (["a"], "x must be numeric"),
    ([1j], "x must be real"),
])
def test_as_float_array_errors_name_the_argument(bad, match):
    with pytest.raises(ValueError, match=match):
        v.as_float_array(bad, "x")


def test_ndim_square_symmetric_probability():
    with pytest.raises(ValueError, match="A must be 2-D"):
        v.as_float_array(np.ones(3), "A", ndim=2)
    with pytest.raises(ValueError, match="A must be a square matrix"):
        v.check_square(np.ones((2, 3)), "A")
    with pytest.raises(ValueError, match="A must be symmetric"):
        v.check_symmetric(np.array([[1.0, 2.0], [0.0, 1.0]]), "A")
    v.check_symmetric(np.eye(3), "A")
    with pytest.raises(ValueError, match="p must sum to 1"):
        v.check_probability_vector([0.5, 0.6], "p")
    with pytest.raises(ValueError, match=r"p must contain probabilities in \[0, 1\]"):
        v.check_probability_vector([1.5, -0.5], "p")
    np.testing.assert_allclose(v.check_probability_vector([[0.2, 0.8]], "p"), [[0.2, 0.8]])


def test_consistent_lengths():
    with pytest.raises(ValueError, match="X has 3, y has 2"):
        v.check_consistent_length((np.ones(3), "X"), (np.ones(2), "y"))


def test_random_state_reproducible_and_shared():
    a = v.check_random_state(7).standard_normal(4)
    b = v.check_random_state(7).standard_normal(4)
    np.testing.assert_array_equal(a, b)
    g = np.random.default_rng(0)
    assert v.check_random_state(g) is g
    with pytest.raises(ValueError, match="random_state must be"):
        v.check_random_state("seed")
    with pytest.raises(ValueError, match="non-negative"):
        v.check_random_state(-1)


# ------------------------------------------------------------------ the parameter-constraint layer


@pytest.mark.parametrize("constraint, good, bad", [
    (v.Interval(Integral, 1, None), [1, 5, np.int64(3)], [0, 2.5, True, None, "3"]),
    (v.Interval(Real, 0, 1, closed="neither"), [0.5, 1e-300], [0.0, 1.0, np.nan, np.inf, False]),
    (v.Interval(Real, 0, 1, closed="left"), [0.0, 0.999], [1.0, -0.1]),
    (v.Interval(Real, None, None), [-1e300, 0, 3], [np.nan, np.inf, -np.inf]),
    (v.Options(("a", "b")), ["a", "b"], ["c", None, 1, ["a"]]),
    (v.Options((-1,)), [-1], [1, "-1"]),
    (v.IncreasingPair(), [(0, 1), [-2.0, 3.0]], [(1, 0), (0, np.inf), (0,), (0, 1, 2), "ab", (0, 0)]),
    (v.IncreasingPair(0, 100), [(25, 75)], [(-1, 50), (50, 101)]),
])
def test_constraints_accept_and_reject(constraint, good, bad):
    for value in good:
        assert constraint.is_satisfied_by(value), value
    for value in bad:
        assert not constraint.is_satisfied_by(value), value


def test_validate_params_names_the_parameter_and_what_was_expected():
    constraints = {"k": [v.Interval(Integral, 1, None)], "flag": ["boolean"], "how": [v.Options(("a",)), None],
                   "seed": ["random_state"], "fn": ["callable"], "mv": ["nan", v.Interval(Real, None, None)]}
    v.validate_params({"k": 2, "flag": False, "how": None, "seed": np.random.default_rng(0), "fn": len,
                       "mv": np.nan, "other": object()}, constraints)  # unconstrained names pass
    cases = [({"k": 0}, r"k must be an int in the range \[1, inf\), got 0 \(a parameter of Thing\)"),
             ({"flag": "yes"}, "flag must be True or False, got 'yes'"),
             ({"how": "b"}, r"how must be one of \{'a'\} or None, got 'b'"),
             ({"seed": -1}, "seed must be None, an int >= 0 or a numpy.random.Generator, got -1"),
             ({"fn": 3}, "fn must be a callable"),
             ({"mv": "x"}, "mv must be np.nan or a float")]
    for params, match in cases:
        with pytest.raises(InvalidParameterError, match=match) as info:
            v.validate_params(params, constraints, owner="Thing")
        assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)


def test_sample_weight_one_check():
    np.testing.assert_array_equal(v.check_sample_weight([1, 2], 2), [1.0, 2.0])
    assert v.check_sample_weight(None, 3) is None
    np.testing.assert_array_equal(v.check_sample_weight(2.0, 3, allow_scalar=True), [2.0, 2.0, 2.0])
    for bad, match in [([1.0, -1.0], "sample_weight must be non-negative"),
                       ([1.0], "sample_weight must have 2 entries"),
                       ([1.0, np.nan], "sample_weight must be finite"),
                       ([[1.0, 1.0]], "sample_weight must be 1-D"),
                       (2.0, "sample_weight must be 1-D")]:
        with pytest.raises(ValueError, match=match):
            v.check_sample_weight(bad, 2)
    with pytest.raises(ValueError, match="zero for every sample"):
        v.check_sample_weight([0.0, 0.0], 2, require_positive_sum=True)


def test_classification_labels_one_check():
    v.check_classification_labels(np.array([0.0, 1.0, 2.0]))
    v.check_classification_labels(np.array(["a", "b"]))
    for bad, match in [([0.5, 1.0], "Unknown label type: continuous"),
                       ([0.0, np.nan], "y must hold class labels, but it contains NaN"),
                       (np.array([1, "a"], dtype=object), "mixed types")]:
        with pytest.raises(ValueError, match=match):
            v.check_classification_labels(np.asarray(bad))


def test_int_sequence_one_check():
    np.testing.assert_array_equal(v.check_int_sequence([0.0, 2.0, 1.0], "s"), [0, 2, 1])
    assert v.check_int_sequence(np.array([1, 2], np.int8), "s").dtype == np.intp
    for bad, match in [([], "s must be a non-empty 1-D sequence of states"),
                       ([[0, 1]], "non-empty 1-D"),
                       ([0.5], "s must contain integer states"),
                       ([0, -1], "s must contain non-negative states"),
                       ([0.0, np.nan], "integer states")]:
        with pytest.raises(ValueError, match=match):
            v.check_int_sequence(bad, "s", what="states")


@v.validate_args({"k": [v.Interval(Integral, 1, None)], "mode": [v.Options(("a", "b"))],
                  "p": [v.Interval(Real, 0, 1, closed="neither"), None]})
def _constrained(x, k=1, *, mode="a", p=None):
    return x, k, mode, p


def test_validate_args_checks_positional_and_keyword_arguments():
    assert _constrained(1, 2, mode="b", p=0.5) == (1, 2, "b", 0.5)
    assert _constrained(x=1, k=3) == (1, 3, "a", None)
    with pytest.raises(InvalidParameterError, match=r"k must be an int in the range \[1, inf\), got 0 "
                                                    r"\(a parameter of _constrained\)"):
        _constrained(1, 0)
    with pytest.raises(InvalidParameterError, match="k must be"):
        _constrained(1, k=2.0)
    with pytest.raises(InvalidParameterError, match=r"mode must be one of \{'a', 'b'\}, got 'c'"):
        _constrained(1, mode="c")
    with pytest.raises(InvalidParameterError, match=r"p must be a float in the range \(0, 1\) or None, got 1"):
        _constrained(1, p=1)
    assert _constrained(1, 10 ** 400)[1] == 10 ** 400  # a huge int is a finite int
    assert set(_constrained._parameter_constraints) == {"k", "mode", "p"}


def test_validate_args_rejects_a_table_naming_no_parameter():
    with pytest.raises(TypeError, match=r"has no parameter\(s\) \['q'\]"):
        v.validate_args({"q": [None]})(lambda x: x)


def test_array_interval_checks_scalars_and_every_entry_of_an_array():
    positive = v.ArrayInterval(0.0, None, closed="neither")
    assert positive.convert(2, "s") == 2.0 and type(positive.convert(2, "s")) is float
    np.testing.assert_array_equal(positive.convert([1, 2], "s"), [1.0, 2.0])
    assert positive.convert(np.array(3.0), "s") == 3.0  # a 0-d array becomes a float
    for bad in (0.0, -1, float("nan"), float("inf"), [1.0, -1.0], [1.0, float("nan")], "1", True, None):
        with pytest.raises(InvalidParameterError, match=r"s must be a float in the range \(0, inf\) \(or an array"):
            positive.convert(bad, "s", "Owner")
    count = v.ArrayInterval(0.0, None, integer=True)
    assert count.convert(3, "n") == 3.0
    with pytest.raises(InvalidParameterError, match="n must be a whole number"):
        count.convert([1.0, 2.5], "n")
    scalar = v.ArrayInterval(0.0, 1.0, scalar=True)
    with pytest.raises(InvalidParameterError, match=r"p must be a float in the range \[0, 1\], got"):
        scalar.convert([0.5, 0.5], "p")
    assert positive.is_satisfied_by([1.0, 2.0]) and not positive.is_satisfied_by([1.0, 0.0])


def test_int_sequence_constraint():
    check = v._constraint("int-sequence")
    assert check.is_satisfied_by((0, 2)) and check.is_satisfied_by([1])
    assert not check.is_satisfied_by((0, "a")) and not check.is_satisfied_by((True,)) and not check.is_satisfied_by(3)


def test_increasing_pair_accepts_a_1d_array_of_two():
    pair = v.IncreasingPair()
    assert pair.is_satisfied_by(np.array([-1.0, 2.0])) and pair.is_satisfied_by((0, 1))
    assert not pair.is_satisfied_by(np.array([2.0, -1.0])) and not pair.is_satisfied_by(np.ones((2, 2)))


class _Base:
    @v.validate_args({"lr": [v.Interval(Real, 0, None, closed="neither")]})
    def __init__(self, lr=1.0):
        self.lr = lr

    @v.validate_args({"n": [v.Interval(Integral, 1, None)]})
    def reset(self, n=1):
        return n


class _Child(_Base):
    pass


def test_validate_args_on_methods_names_the_class_called():
    with pytest.raises(InvalidParameterError, match=r"\(a parameter of _Child\)$"):
        _Child(lr=0.0)
    with pytest.raises(InvalidParameterError, match=r"\(a parameter of _Child\.reset\)$"):
        _Child().reset(0)
    assert _Child(0.5).reset(n=2) == 2


class TestValidateData:
    """mmlkit's validate_data: the plain float64 case checked directly, everything else by scikit-learn."""

    @staticmethod
    def _pair():
        from sklearn.base import BaseEstimator, ClassifierMixin

        class Est(ClassifierMixin, BaseEstimator):
            pass

        return Est(), Est()

    def test_plain_arrays_pass_through_uncopied_and_set_n_features_in(self):
        from mmlkit._validation import validate_data

        X, y = np.random.default_rng(0).standard_normal((20, 3)), np.arange(20) % 2
        est, _ = self._pair()
        Xv, yv = validate_data(est, X, y, dtype=np.float64)
        assert Xv is X and yv is y and est.n_features_in_ == 3
        assert validate_data(est, X, reset=False) is X
        assert validate_data(est, X, dtype=[np.float64, np.float32], ensure_all_finite="allow-nan", copy=False) is X

    @pytest.mark.parametrize("case", ["nan", "inf", "1d", "empty", "int", "y_nan", "y_short", "y_column",
                                      "y_none", "features", "copy", "fortran"])
    def test_every_other_input_behaves_exactly_as_scikit_learn(self, case):
        import warnings

        from sklearn.utils.validation import validate_data as sk_validate_data

        from mmlkit._validation import validate_data

        rng = np.random.default_rng(1)
        X, y = rng.standard_normal((12, 3)), (np.arange(12) % 2).astype(float)
        kwargs, reset = {"dtype": np.float64}, True
        if case == "nan":
            X[3, 1] = np.nan
        elif case == "inf":
            X[0, 0] = np.inf
        elif case == "1d":
            X = X[:, 0]
        elif case == "empty":
            X, y = X[:0], y[:0]
        elif case == "int":
            X = (X * 10).astype(np.int64)
        elif case == "y_nan":
            y[2] = np.nan
        elif case == "y_short":
            y = y[:-1]
        elif case == "y_column":
            y = y[:, None]
        elif case == "y_none":
            y = None
        elif case == "features":
            reset = False
        elif case == "copy":
            kwargs["copy"] = True
        elif case == "fortran":
            X = np.asfortranarray(X)
        ours, theirs = self._pair()
        for est in (ours, theirs):
            est.n_features_in_ = 4
        outcomes = []
        for est, fn in ((ours, validate_data), (theirs, sk_validate_data)):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    out = fn(est, X, y, reset=reset, **kwargs)
                except Exception as exc:  # noqa: BLE001 (the exception itself is compared)
                    out = (type(exc), str(exc))
            outcomes.append((out, [str(w.message) for w in caught], getattr(est, "n_features_in_", None)))
        (o1, w1, n1), (o2, w2, n2) = outcomes
        assert w1 == w2 and n1 == n2
        if isinstance(o2, tuple) and isinstance(o2[0], type):
            assert o1 == o2
        else:
            for a, b in zip(o1, o2):
                np.testing.assert_array_equal(a, b)
                assert a.dtype == b.dtype and a.flags.c_contiguous == b.flags.c_contiguous
