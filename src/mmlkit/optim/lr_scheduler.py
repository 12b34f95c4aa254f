"""Learning-rate schedules, with ``torch.optim.lr_scheduler``'s semantics.

Call ``scheduler.step()`` once per epoch, after ``optimizer.step()``; each
scheduler writes the new rate into every parameter group's ``"lr"``.
"""

from __future__ import annotations

import math
import numbers

from mmlkit._validation import check_scalar

__all__ = ["LRScheduler", "StepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "warmup"]


class LRScheduler:
    """Base class: keeps ``last_epoch`` and the base rates; subclasses give ηₜ in closed form."""

    def __init__(self, optimizer, last_epoch: int = -1):
        self.optimizer = optimizer
        self.base_lrs = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
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

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        self.step_size = check_scalar(step_size, "step_size", kind=numbers.Integral, low=1)
        self.gamma = check_scalar(gamma, "gamma", low=0.0)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return base_lr * self.gamma ** (t // self.step_size)


class ExponentialLR(LRScheduler):
    """ηₜ = η₀ · γᵗ."""

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        self.gamma = check_scalar(gamma, "gamma", low=0.0)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return base_lr * self.gamma**t


class CosineAnnealingLR(LRScheduler):
    """ηₜ = η_min + ½(η₀ − η_min)(1 + cos(π t / T_max)) (SGDR without restarts)."""

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        self.T_max = check_scalar(T_max, "T_max", kind=numbers.Integral, low=1)
        self.eta_min = check_scalar(eta_min, "eta_min", low=0.0)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        return self.eta_min + (base_lr - self.eta_min) * (1 + math.cos(math.pi * t / self.T_max)) / 2


class LinearLR(LRScheduler):
    """Linear warm-up (or decay) of the rate's factor from ``start_factor`` to ``end_factor``.

    ηₜ = η₀ · (s + (e − s) · min(t, T) / T) with T = ``total_iters``; after T
    epochs the factor stays at e.
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5,
                 last_epoch: int = -1):
        self.start_factor = check_scalar(start_factor, "start_factor", low=0.0, high=1.0, low_inclusive=False)
        self.end_factor = check_scalar(end_factor, "end_factor", low=0.0, high=1.0)
        self.total_iters = check_scalar(total_iters, "total_iters", kind=numbers.Integral, low=1)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, t):
        frac = min(t, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * frac)


def warmup(optimizer, warmup_iters: int, start_factor: float = 1e-3) -> LinearLR:
    """Linear warm-up from ``start_factor``·η₀ to η₀ over ``warmup_iters`` steps."""
    return LinearLR(optimizer, start_factor=start_factor, end_factor=1.0, total_iters=warmup_iters)
