"""Weight initialisers that keep activations' variance steady through depth.

Each ``*_`` function fills a parameter's array in place and returns it, as
``torch.nn.init`` does; randomness comes from ``random_state``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mmlkit._validation import Interval, Options, check_random_state, validate_args

__all__ = ["calculate_gain", "kaiming_normal_", "kaiming_uniform_", "normal_", "ones_", "uniform_",
           "xavier_normal_", "xavier_uniform_", "zeros_"]


_NONLINEARITY = [Options(("linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"))]
_GAIN = {"gain": [Interval(numbers.Real, 0.0, None)], "random_state": ["random_state"]}
_KAIMING = {"a": [Interval(numbers.Real, None, None)], "mode": [Options(("fan_in", "fan_out"))],
            "nonlinearity": _NONLINEARITY, "random_state": ["random_state"]}


def _array(t):
    return t.data if hasattr(t, "requires_grad") else t


def _fans(t):
    shape = _array(t).shape
    if len(shape) < 2:
        raise ValueError(f"fan in and fan out need at least 2 dimensions, got shape {shape}")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


@validate_args({"nonlinearity": _NONLINEARITY, "param": [None, Interval(numbers.Real, None, None)]})
def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The gain g that preserves variance through a nonlinearity (PyTorch's table)."""
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4
    slope = 0.01 if param is None else param
    return math.sqrt(2.0 / (1 + slope**2))


def _fill(t, values):
    a = _array(t)
    a[...] = values.astype(a.dtype, copy=False)
    return t


def uniform_(t, a=0.0, b=1.0, random_state=None):
    """Fill with U(a, b)."""
    return _fill(t, check_random_state(random_state).uniform(a, b, size=_array(t).shape))


def normal_(t, mean=0.0, std=1.0, random_state=None):
    """Fill with N(mean, std²)."""
    return _fill(t, check_random_state(random_state).normal(mean, std, size=_array(t).shape))


def zeros_(t):
    return _fill(t, np.zeros(_array(t).shape))


def ones_(t):
    return _fill(t, np.ones(_array(t).shape))


@validate_args(_GAIN)
def xavier_uniform_(t, gain=1.0, random_state=None):
    r"""Glorot & Bengio (2010): U(−a, a), a = g·√(6 / (fan_in + fan_out)), so Var = 2g²/(fan_in + fan_out)."""
    fan_in, fan_out = _fans(t)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -a, a, random_state)


@validate_args(_GAIN)
def xavier_normal_(t, gain=1.0, random_state=None):
    r"""Glorot normal: N(0, σ²), σ = g·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), random_state)


@validate_args(_KAIMING)
def kaiming_uniform_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu", random_state=None):
    r"""He et al. (2015): U(−b, b), b = g·√(3 / fan), g the gain of the nonlinearity (√2 for ReLU)."""
    fan = _fans(t)[0 if mode == "fan_in" else 1]
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(t, -bound, bound, random_state)


@validate_args(_KAIMING)
def kaiming_normal_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu", random_state=None):
    r"""He normal: N(0, σ²), σ = g / √fan."""
    fan = _fans(t)[0 if mode == "fan_in" else 1]
    return normal_(t, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), random_state)
