import numpy as np
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure

from mmlkit.datasets import load_iris, make_moons
from mmlkit.models import GaussianNB, LogisticRegression
from mmlkit.viz import coefficient_paths, probability_surface, regression_band


def test_regression_band_draws_band_curve_and_data():
    x = np.linspace(0, 1, 20)
    grid = np.linspace(0, 1, 50)
    fig = regression_band(x, x**2, grid, grid**2, 0.1 + grid, truth=lambda t: t**2)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert any(isinstance(c, PolyCollection) for c in ax.collections)  # the band
    assert any(isinstance(c, PathCollection) for c in ax.collections)  # the data
    labels = [line.get_label() for line in ax.get_lines()]
    assert "truth" in labels and "posterior predictive" in labels
    band = next(c for c in ax.collections if isinstance(c, PolyCollection))
    ys = band.get_paths()[0].vertices[:, 1]
    assert ys.max() > (grid**2 + 1.9 * (0.1 + grid)).max()  # ±1.96σ for 95%


def test_probability_surface_binary_and_multiclass():
    X, y = make_moons(80, noise=0.2, random_state=0)
    fig = probability_surface(LogisticRegression().fit(X, y), X, y)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2  # the plot and its colour bar
    assert sum(isinstance(c, PathCollection) for c in fig.axes[0].collections) == 2  # one scatter per class
    Xi, yi = load_iris()
    fig = probability_surface(GaussianNB().fit(Xi[:, 2:], yi), Xi[:, 2:], yi)
    assert len(fig.axes[0].images) == 1
    assert sum(isinstance(c, PathCollection) for c in fig.axes[0].collections) == 3


def test_coefficient_paths_one_line_per_feature():
    alphas = np.geomspace(1, 1e-2, 5)
    coefs = np.outer(1 / alphas, [1.0, -0.5, 0.2])
    fig = coefficient_paths(alphas, coefs, feature_names=["a", "b", "c"])
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and ax.get_xscale() == "log"
    assert len(ax.get_lines()) == 4  # three paths and the zero line
