"""Figures for linear algebra."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from mmlkit.viz.linalg import low_rank_reconstructions, singular_value_spectrum, transformation_circle


def test_transformation_circle_draws_circle_ellipse_and_vectors():
    A = np.array([[1.5, 0.8], [0.2, 1.0]])
    fig = transformation_circle(A)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    ellipse = fig.axes[1].get_lines()[0]
    pts = np.vstack([ellipse.get_xdata(), ellipse.get_ydata()])
    s = np.linalg.svd(A, compute_uv=False)
    radii = np.linalg.norm(pts, axis=0)
    assert radii.max() == pytest.approx(s[0], rel=1e-4) and radii.min() == pytest.approx(s[1], rel=1e-3)
    # two singular-vector arrows and two eigenvector arrows on each panel
    assert all(len(ax.texts) >= 4 for ax in fig.axes)
    w, V = fig.eig
    np.testing.assert_allclose(np.sort(w), np.sort(np.linalg.eigvals(A)), atol=1e-12)


def test_transformation_circle_rotation_has_no_real_eigenvectors():
    fig = transformation_circle([[0.0, -1.0], [1.0, 0.0]])
    assert np.iscomplexobj(fig.eig[0])
    assert "complex" in fig._suptitle.get_text()
    with pytest.raises(ValueError, match="2 × 2"):
        transformation_circle(np.eye(3))


def test_low_rank_reconstructions_of_an_image_and_a_stack():
    rng = np.random.default_rng(0)
    img = rng.random((8, 8))
    fig = low_rank_reconstructions(img, ranks=(1, 2, 8))
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    assert all(isinstance(ax.get_images()[0], AxesImage) for ax in fig.axes)
    assert fig.errors[-1] == pytest.approx(0.0, abs=1e-12)  # full rank: exact
    assert fig.errors[0] > fig.errors[1] > fig.errors[2]
    stack = rng.random((30, 4, 5))
    fig = low_rank_reconstructions(stack, ranks=(1, 3), index=2)
    assert len(fig.axes) == 3 and fig.captured[0] < fig.captured[1] <= 1.0
    with pytest.raises(ValueError, match="ranks"):
        low_rank_reconstructions(img, ranks=(0,))


def test_singular_value_spectrum_shares_end_at_one():
    fig = singular_value_spectrum(np.random.default_rng(1).random((20, 6)), mark=2)
    share = fig.axes[1].get_lines()[0].get_ydata()
    assert share[-1] == pytest.approx(1.0) and np.all(np.diff(share) >= 0)
