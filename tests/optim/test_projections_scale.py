"""Projections at any finite scale, and the simplex projection's huge entries (issue 20)."""

import numpy as np
import pytest

from mmlkit.optim import project_ball, project_simplex


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1.0, 1e200, 1e300])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_project_ball_is_scale_equivariant(scale, seed):
    x = np.random.default_rng(seed).normal(size=4) * 3
    # P_{k r}(k x) = k P_r(x): the norm is computed on x/2**e, exact
    np.testing.assert_allclose(project_ball(scale)(x * scale) / scale, project_ball(1.0)(x), rtol=1e-14)
    inside = x / (2 * np.linalg.norm(x))
    assert np.array_equal(project_ball(scale)(inside * scale), inside * scale)


@pytest.mark.parametrize("big", [1e20, 1e200, 1e300])
def test_project_simplex_with_a_huge_entry(big):
    np.testing.assert_array_equal(project_simplex()(np.array([big, 0.0])), [1.0, 0.0])
    np.testing.assert_array_equal(project_simplex(2.0)(np.array([0.0, -big, big])), [0.0, 0.0, 2.0])
    np.testing.assert_allclose(project_simplex()(np.array([big, big])), [0.5, 0.5])


def test_project_simplex_rejects_non_finite_input():
    with pytest.raises(ValueError, match="x"):
        project_simplex()(np.array([np.nan, 0.0]))
