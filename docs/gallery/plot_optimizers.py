r"""
Gradient descent, momentum and Adam on an ill-conditioned loss
===============================================================

On the quadratic ``f(x) = ½ xᵀ A x`` with condition number κ = 50, plain gradient descent zig-zags
across the valley; momentum and Adam move along it. The optimizers of :mod:`mmlkit.optim` update
:class:`~mmlkit.autodiff.Tensor` parameters step by step exactly as ``torch.optim`` does:

.. math::

   \text{SGD with momentum:}\quad b_t = \mu\, b_{t-1} + g_t,\quad x_t = x_{t-1} - \eta\, b_t; \qquad
   \text{Adam:}\quad x_t = x_{t-1} - \eta\,\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} .
"""

import numpy as np

from mmlkit.autodiff import tensor
from mmlkit.optim import SGD, Adam
from mmlkit.viz import loss_curves, optimization_paths

A = np.diag([1.0, 50.0])


def loss(x):
    return 0.5 * (x @ (A @ x))


def run(make_optimizer, n_steps=150):
    x = tensor(np.array([-1.8, 0.9]), requires_grad=True)
    optimizer = make_optimizer([x])
    path, losses = [x.data.copy()], []
    for _ in range(n_steps):
        optimizer.zero_grad()
        value = loss(x)
        value.backward()
        optimizer.step()
        path.append(x.data.copy())
        losses.append(float(value.data))
    return np.array(path), np.array(losses)


runs = {
    "SGD, lr = 0.035": run(lambda p: SGD(p, lr=0.035)),
    "SGD + momentum 0.9, lr = 0.01": run(lambda p: SGD(p, lr=0.01, momentum=0.9)),
    "Adam, lr = 0.1": run(lambda p: Adam(p, lr=0.1)),
}
for name, (_, losses) in runs.items():
    print(f"{name:32s} loss after 150 steps: {losses[-1]:.2e}")

# %%
# The paths on the loss contours, and the losses.

paths_figure = optimization_paths(lambda X: 0.5 * (X[0] ** 2 + 50 * X[1] ** 2),
                                  {name: path for name, (path, _) in runs.items()},
                                  xlim=(-2, 2), ylim=(-1.2, 1.2), title="½ xᵀAx, κ = 50")
losses_figure = loss_curves({name: losses for name, (_, losses) in runs.items()})
