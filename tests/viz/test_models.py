"""The model figures return Figures with the expected artists."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from mmlkit.datasets import load_iris, make_blobs
from mmlkit.models import PCA, SVC
from mmlkit.viz.models import decision_boundary, pca_projection, scree_plot, svm_margins


def _scatter_sizes(ax):
    return [c.get_offsets().shape[0] for c in ax.collections if isinstance(c, PathCollection)]


def test_decision_boundary_draws_regions_and_every_point():
    X, y = make_blobs(60, centers=3, random_state=0)
    fig = decision_boundary(SVC().fit(X, y), X, y, resolution=40)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert sum(_scatter_sizes(ax)) == 60
    assert ax.get_legend() is not None and len(ax.get_legend().get_texts()) == 3
    with pytest.raises(ValueError, match="shape"):
        decision_boundary(SVC().fit(X, y), np.ones((5, 3)), np.zeros(5))


def test_svm_margins_marks_support_vectors():
    X, y = make_blobs(50, centers=2, random_state=1)
    svc = SVC(kernel="linear").fit(X, y)
    fig = svm_margins(svc, X, y, resolution=40)
    assert isinstance(fig, Figure)
    sizes = _scatter_sizes(fig.axes[0])
    assert svc.support_.size in sizes and sum(sizes) == 50 + svc.support_.size
    Xi, yi = load_iris()
    with pytest.raises(ValueError, match="binary"):
        svm_margins(SVC().fit(Xi[:, :2], yi), Xi[:, :2], yi)


def test_pca_projection_and_scree_plot():
    X, y = load_iris()
    pca = PCA().fit(X)
    fig = pca_projection(pca.transform(X), y, explained_variance_ratio=pca.explained_variance_ratio_)
    assert isinstance(fig, Figure)
    assert _scatter_sizes(fig.axes[0]) == [50, 50, 50]
    assert "%" in fig.axes[0].get_xlabel()
    fig = scree_plot(pca.explained_variance_ratio_)
    assert isinstance(fig, Figure)
    ax, ax2 = fig.axes
    assert len(ax.patches) == 4
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), np.cumsum(pca.explained_variance_ratio_))
    with pytest.raises(ValueError, match="1-D"):
        scree_plot(np.ones((2, 2)))
    with pytest.raises(ValueError, match="k >= 2"):
        pca_projection(np.ones((5, 1)))
