"""Learning-rate schedules, with ``torch.optim.lr_scheduler``'s semantics.

Call ``scheduler.step()`` once per epoch, after ``optimizer.step()``; each
scheduler writes the new rate into every parameter group's ``"lr"``.
"""

from __future__ import annotations

import math
import numbers

from mmlkit._validation import NON_NEGATIVE, POSITIVE_INT, Interval, validate_args, validate_params
from mmlkit.optim.optimizers import Optimizer

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "warmup"]


class LRScheduler:
    """Base class: keeps ``last_epoch`` and the base rates; subclasses give ηₜ in closed form.

    Each class declares its hyperparameters' constraints in ``_parameter_constraints``; a
    subclass stores its hyperparameters as attributes before calling this ``__init__``, which
    checks them all (as torch's schedulers do, at construction).
    """

    _parameter_constraints: dict = {"optimizer": [Optimizer], "last_epoch": [Interval(numbers.Integral, -1, None)]}

    def __init__(self, optimizer, last_epoch: int = -1):
        self.optimizer, self.last_epoch = optimizer, last_epoch
        validate_params({name: getattr(self, name) for name in self._parameter_constraints},
                        self._parameter_constraints, owner=type(self).__name__)
        self.base_lrs = [g["initial_lr"] for g in optimizer.param_groups]
        self.step()

    def lr_at(self, base_lr: float, t: int) -> float:
        """ηₜ for a group whose initial rate is ``base_lr``."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set every group's learning rate."""
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base, self.last_epoch)

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last ``step``."""
        return [g["lr"] for g in self.optimizer.param_groups]

    def state_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state: dict) -> None:
        self.__dict__.update(state)


class StepLR(LRScheduler):
    """ηₜ = η₀ · γ^⌊t / step_size⌋: decay by ``gamma`` every ``step_size`` epochs."""

    _parameter_constraints = {**LRScheduler._parameter_constraints, "step_size": [POSITIVE_INT],
                              "gamma": [NON_NEGATIVE]}

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    """ηₜ = η₀ · γᵗ."""

    _parameter_constraints = {**LRScheduler._parameter_constraints, "gamma": [NON_NEGATIVE]}

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return base_lr * self.gamma**t


class CosineAnnealingLR(LRScheduler):
    """ηₜ = η_min + ½(η₀ − η_min)(1 + cos(π t / T_max)) (SGDR without restarts)."""

    _parameter_constraints = {**LRScheduler._parameter_constraints, "T_max": [POSITIVE_INT], "eta_min": [NON_NEGATIVE]}

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max)) / 2


_FACTOR = Interval(numbers.Real, 0, 1, closed="right")  # a start factor in (0, 1]


class LinearLR(LRScheduler):
    """Linear warm-up (or decay) of the rate's factor from ``start_factor`` to ``end_factor``.

    ηₜ = η₀ · (s + (e − s) · min(t, T) / T) with T = ``total_iters``; after T
    epochs the factor stays at e.
    """

    _parameter_constraints = {**LRScheduler._parameter_constraints, "start_factor": [_FACTOR],
                              "end_factor": [Interval(numbers.Real, 0, 1)], "total_iters": [POSITIVE_INT]}

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5,
                 last_epoch: int = -1):
        self.start_factor, self.end_factor, self.total_iters = start_factor, end_factor, total_iters
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        frac = min(t, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * frac)


@validate_args({"warmup_iters": [POSITIVE_INT], "start_factor": [_FACTOR]})
def warmup(optimizer, warmup_iters: int, start_factor: float = 1e-3) -> LinearLR:
    """Linear warm-up from ``start_factor``·η₀ to η₀ over ``warmup_iters`` steps."""
    return LinearLR(optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_iters)
