import numpy as np
from matplotlib.figure import Figure

from mmlkit.optim import minimize
from mmlkit.viz import lagrange_geometry, loss_curves, optimization_paths


def bowl(v):
    return v[0] ** 2 + 3 * v[1] ** 2


def test_optimization_paths_draws_one_line_per_method():
    fg = lambda v: (bowl(v), np.array([2 * v[0], 6 * v[1]]))  # noqa: E731
    paths = {m: minimize(fg, np.array([1.5, 1.0]), m, jac=True) for m in ("bfgs", "cg")}
    fig = optimization_paths(bowl, paths)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert any(label.startswith("bfgs") for label in labels) and any(label.startswith("cg") for label in labels)
    fig2 = loss_curves({m: [bowl(x) for x in r.path] for m, r in paths.items()})
    assert fig2.axes[0].get_yscale() == "log" and len(fig2.axes[0].get_lines()) == 2


def test_lagrange_geometry_returns_figure_with_gradient_arrows():
    x = np.array([-1.0, -1.0])
    fig = lagrange_geometry(lambda v: v[0] + v[1], lambda v: v[0] ** 2 + v[1] ** 2 - 2, x, np.ones(2), 2 * x, -0.5)
    assert isinstance(fig, Figure)
    assert len(fig.axes[0].texts) == 3  # ∇f, λ∇g and ∇g arrows
