"""vietoris_rips at any finite scale (issue 20): the diagrams scale with the data."""

import numpy as np
import pytest

from mmlkit.topology import vietoris_rips


@pytest.mark.parametrize("scale", [1e-300, 1e-160, 1e160, 1e300, 2.0**-1000])
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev"])
def test_diagrams_scale_with_the_points(scale, metric):
    X = np.random.default_rng(0).normal(size=(15, 2))
    got = vietoris_rips(X * scale, metric=metric)
    ref = vietoris_rips(X, metric=metric)
    for g, r in zip(got, ref):
        assert g.shape == r.shape
        # scaling by 10**k rounds each coordinate once; distances are well conditioned
        np.testing.assert_allclose(g / scale, r, rtol=1e-12)


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_distance_matrix_and_threshold_scale_too(scale):
    X = np.random.default_rng(1).normal(size=(12, 3))
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    got = vietoris_rips(D * scale, distance_matrix=True, max_edge=1.5 * scale)
    ref = vietoris_rips(D, distance_matrix=True, max_edge=1.5)
    for g, r in zip(got, ref):
        assert g.shape == r.shape
        np.testing.assert_allclose(g / scale, r, rtol=1e-12)
