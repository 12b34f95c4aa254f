"""Vector operations against NumPy."""

import numpy as np
import pytest
from linalg_cases import SEEDS, rank_deficient

from mmlkit.linalg import angle, cross, dot, norm, outer, project


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shapes", [((7,), (7,)), ((4, 7), (7,)), ((4, 7), (7, 3)), ((1,), (1,))])
def test_dot_matches_numpy(seed, shapes):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    np.testing.assert_allclose(dot(a, b), np.dot(a, b), rtol=1e-13)


VECTOR_ORDS = [None, 1, 2, 3, 0.5, np.inf, -np.inf, 0, -1]
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_vector_norm_matches_numpy(seed, ord):
    x = np.random.default_rng(seed).standard_normal(9)
    x[3] = 0.0
    with np.errstate(divide="ignore"):  # NumPy's own negative-order norm divides by the zero entry
        ref = np.linalg.norm(x, ord)
    np.testing.assert_allclose(norm(x, ord), ref, rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("shape", [(1, 1), (4, 4), (6, 3), (3, 6)])
def test_matrix_norm_matches_numpy(seed, ord, shape):
    A = np.random.default_rng(seed).standard_normal(shape)
    np.testing.assert_allclose(norm(A, ord), np.linalg.norm(A, ord), rtol=1e-11)


def test_norm_does_not_overflow_or_underflow():
    assert norm(np.array([3e200, 4e200])) == pytest.approx(5e200, rel=1e-15)
    assert norm(np.array([3e-200, 4e-200])) == pytest.approx(5e-200, rel=1e-15)
    assert norm(np.zeros(3)) == 0.0


@pytest.mark.parametrize("seed", SEEDS)
def test_angle_matches_arccos(seed):
    rng = np.random.default_rng(seed)
    u, v = rng.standard_normal(5), rng.standard_normal(5)
    ref = np.arccos(u @ v / np.linalg.norm(u) / np.linalg.norm(v))
    assert angle(u, v) == pytest.approx(ref, abs=1e-12)


def test_angle_extremes_are_accurate():
    u = np.array([1.0, 0.0])
    assert angle(u, u) == 0.0
    assert angle(u, -3 * u) == pytest.approx(np.pi, abs=1e-15)
    assert angle(u, np.array([1.0, 1e-10])) == pytest.approx(1e-10, rel=1e-12)  # arccos would give 0


@pytest.mark.parametrize("seed", SEEDS)
def test_project_onto_vector(seed):
    rng = np.random.default_rng(seed)
    u, a = rng.standard_normal(6), rng.standard_normal(6)
    p = project(u, a)
    np.testing.assert_allclose(p, (a @ u) / (a @ a) * a, rtol=1e-12)
    assert abs((u - p) @ a) < 1e-12


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["full", "deficient"])
def test_project_onto_column_space_matches_lstsq(seed, kind):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((10, 4)) if kind == "full" else rank_deficient(10, 5, 2, seed)
    u = rng.standard_normal((10, 3))
    ref = A @ np.linalg.lstsq(A, u, rcond=None)[0]
    P = project(u, A)
    np.testing.assert_allclose(P, ref, atol=1e-11)
    np.testing.assert_allclose(A.T @ (u - P), 0.0, atol=1e-11)
    np.testing.assert_allclose(project(u[:, 0], A), ref[:, 0], atol=1e-11)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", [(3,), (5, 3)])
def test_cross_matches_numpy(seed, shape):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(shape), rng.standard_normal(shape)
    np.testing.assert_allclose(cross(a, b), np.cross(a, b), rtol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_outer_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(4), rng.standard_normal((2, 3))
    np.testing.assert_array_equal(outer(a, b), np.outer(a, b))


@pytest.mark.parametrize(
    "call",
    [
        lambda: dot([1.0, 2.0], [1.0, 2.0, 3.0]),
        lambda: norm([[1.0]], "bad"),
        lambda: norm([1.0, 2.0], "fro"),
        lambda: angle([0.0, 0.0], [1.0, 0.0]),
        lambda: angle([1.0, 0.0], [1.0, 0.0, 0.0]),
        lambda: project([1.0, 2.0], [0.0, 0.0]),
        lambda: project([1.0, 2.0, 3.0], np.eye(2)),
        lambda: cross([1.0, 2.0], [3.0, 4.0]),
        lambda: cross(np.ones((2, 3)), np.ones((3, 3))),
    ],
)
def test_bad_vector_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()
