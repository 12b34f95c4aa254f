"""Optimization: the optimizers that train networks, ``minimize``, and constrained problems.

- :mod:`~mmlkit.optim.optimizers` — SGD, Adagrad, RMSprop, Adam, AdamW over autodiff
  parameters, with ``torch.optim``'s update rules;
- :mod:`~mmlkit.optim.lr_scheduler` — StepLR, ExponentialLR, CosineAnnealingLR, LinearLR (warm-up);
- :func:`minimize` — gd, momentum, adam, newton, bfgs, lbfgs, cg with Armijo / strong-Wolfe line searches;
- :mod:`~mmlkit.optim.constrained` — Lagrange multipliers (Newton on the KKT system),
  the augmented Lagrangian, projected gradient;
- :func:`is_convex` — convexity by sampled Hessian spectra.
"""

from mmlkit.optim._result import OptimizeResult
from mmlkit.optim.constrained import lagrange_solve, minimize_constrained, projected_gradient
from mmlkit.optim.convexity import ConvexityReport, is_convex
from mmlkit.optim.line_search import armijo_backtracking, strong_wolfe
from mmlkit.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LinearLR, LRScheduler, StepLR, warmup
from mmlkit.optim.minimize import minimize
from mmlkit.optim.optimizers import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from mmlkit.optim.projections import project_ball, project_box, project_nonnegative, project_simplex

__all__ = [
    "SGD", "Adagrad", "Adam", "AdamW", "ConvexityReport", "CosineAnnealingLR", "ExponentialLR", "LRScheduler",
    "LinearLR", "OptimizeResult", "Optimizer", "RMSprop", "StepLR", "armijo_backtracking", "is_convex",
    "lagrange_solve", "minimize", "minimize_constrained", "project_ball", "project_box", "project_nonnegative",
    "project_simplex", "projected_gradient", "strong_wolfe", "warmup",
]
