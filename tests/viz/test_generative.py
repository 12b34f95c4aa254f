import numpy as np
from matplotlib.figure import Figure

from mmlkit.viz import diffusion_snapshots, image_grid


def test_generative_figures():
    traj = [np.random.default_rng(i).standard_normal((20, 2)) for i in range(11)]
    fig = diffusion_snapshots(traj, [10, 5, 0], data=traj[-1])
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    assert fig.axes[0].get_title() == "t = 10"
    fig = image_grid([np.zeros((3, 64)), np.ones((2, 64))], row_labels=["a", "b"])
    assert isinstance(fig, Figure) and sum(len(ax.images) for ax in fig.axes) == 5
