import numpy as np
import pytest

from mmlkit import _validation as v


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


def test_scalar_in_and_lengths():
    assert v.check_scalar(3, "k", kind=int, low=1) == 3
    with pytest.raises(ValueError, match="k must be >= 1"):
        v.check_scalar(0, "k", low=1)
    with pytest.raises(ValueError, match="lr must be a real number"):
        v.check_scalar(True, "lr")
    with pytest.raises(ValueError, match="method must be one of"):
        v.check_in("x", "method", ("a", "b"))
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
