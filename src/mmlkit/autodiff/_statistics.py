"""Normalisations along an axis (logsumexp, softmax, log-softmax) and the composite
statistics (variance, standard deviation, norms), with their rules."""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit._validation import Interval, validate_args
from mmlkit.autodiff._math import abs, exp, where
from mmlkit.autodiff._shape import _expand_back, _keep_shape, _norm_axes, _t, mean, reshape, sum
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _batch_nd, _node, _wrap

__all__ = ["log_softmax", "logsumexp", "norm", "softmax", "std", "var"]


def unit_scale(data: np.ndarray, axes) -> tuple[np.ndarray, np.ndarray]:
    """Powers of two ``(c, 1/c)`` per slice over ``axes`` (kept as size-1 axes), max |c·x| near 1.

    Multiplying by ``c`` is exact, so a p-homogeneous statistic computed as
    ``f(c·x) · (1/c)^p`` equals ``f(x)`` bit for bit wherever ``f(x)`` neither under-
    nor overflows, and stays right where ``x·x`` would (|x| beyond 1e±154). ``c`` is
    a constant of the graph: derivatives pass through it as through any scaling.
    All-zero and non-finite slices get ``c = 1``; the exponent is clipped so that
    both ``c`` and ``1/c`` are finite (|x| at the ends of the subnormal range).
    """
    peak = np.max(np.abs(data), axis=axes, keepdims=True) if data.size else np.zeros((1,) * data.ndim)
    _, e = np.frexp(np.where(np.isfinite(peak), peak, 0.0))
    e = np.clip(e, -1021, 1023)
    one = np.ones(peak.shape, dtype=data.dtype if data.dtype.kind == "f" else np.float64)
    return np.ldexp(one, -e), np.ldexp(one, e)


def _stable_lse(d, axis, keepdims):
    m = np.max(d, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    out = np.log(np.sum(np.exp(d - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def logsumexp(x, axis=None, keepdims: bool = False) -> Tensor:
    """log Σ exp(x) over ``axis`` (all axes when None), computed stably.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int or tuple of int, optional
    keepdims : bool, default=False

    Returns
    -------
    Tensor

    Notes
    -----
    logsumexp(x) = m + log Σ exp(x − m) with m = max x, so nothing overflows.
    x̄ = ḡ · softmax(x) = ḡ · exp(x − logsumexp(x)). Cost O(n).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import tensor, logsumexp
    >>> bool(float(logsumexp(tensor([1000.0, 1000.0]))) == 1000.0 + np.log(2.0))
    True
    """
    x = _t(x)
    axes = _norm_axes(axis, x.data.ndim)
    out = _stable_lse(x.data, axes, keepdims)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "logsumexp", (x,), _lse_vjp, (axes, keepdims))
    return _wrap(out)


def _lse_vjp(g, node):
    axes, keepdims = node._ctx
    x = node._parents[0]
    ans = node if keepdims else reshape(node, _keep_shape(x.data.shape, axes))
    return (_expand_back(g, node, x.data.shape, axes, keepdims) * exp(x - ans),)


def softmax(x, axis: int = -1) -> Tensor:
    """softmax(x)ᵢ = exp(xᵢ) / Σⱼ exp(xⱼ) along ``axis``, computed stably.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int, default=-1

    Returns
    -------
    Tensor
        Same shape; positive, summing to 1 along ``axis``.

    Notes
    -----
    The max is subtracted first (softmax is shift-invariant). With s = softmax(x),
    x̄ = s ⊙ (ḡ − Σⱼ ḡⱼ sⱼ). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, softmax
    >>> softmax(tensor([0.0, 0.0]))
    Tensor([0.5, 0.5])
    """
    x = _t(x)
    ax = _norm_axes(axis, x.data.ndim)
    e = np.exp(x.data - np.max(x.data, axis=ax, keepdims=True))
    out = e / e.sum(axis=ax, keepdims=True)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "softmax", (x,), _softmax_vjp, ax)
    return _wrap(out)


def _softmax_vjp(g, node):
    ax = tuple(a + _batch_nd(g, node) for a in node._ctx)
    return (node * (g - sum(g * node, axis=ax, keepdims=True)),)


def log_softmax(x, axis: int = -1) -> Tensor:
    """log softmax(x) = x − logsumexp(x) along ``axis``, computed stably.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int, default=-1

    Returns
    -------
    Tensor
        Log-probabilities (never −inf from underflow of exp).

    Notes
    -----
    x̄ = ḡ − softmax(x) · Σⱼ ḡⱼ. Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, log_softmax
    >>> log_softmax(tensor([0.0, 0.0])).data.round(4)
    array([-0.6931, -0.6931])
    """
    x = _t(x)
    ax = _norm_axes(axis, x.data.ndim)
    out = x.data - _stable_lse(x.data, ax, True)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "log_softmax", (x,), _log_softmax_vjp, ax)
    return _wrap(out)


def _log_softmax_vjp(g, node):
    ax = tuple(a + _batch_nd(g, node) for a in node._ctx)
    return (g - exp(node) * sum(g, axis=ax, keepdims=True),)


# ---------------------------------------------------------------------------
# composite statistics


@validate_args({"ddof": [Interval(numbers.Integral, 0, None)]})
def var(x, axis=None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Variance Σ(x − x̄)² / (n − ddof) over ``axis`` (composed of primitives).

    Parameters
    ----------
    x : Tensor or array_like
    axis : int or tuple of int, optional
    ddof : int, default=0
        Delta degrees of freedom (1 for the unbiased estimate).
    keepdims : bool, default=False

    Returns
    -------
    Tensor

    Notes
    -----
    Built from mean, subtract, multiply and sum, so every derivative order
    follows: x̄ = 2ḡ(x − x̄)/(n − ddof). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, var
    >>> var(tensor([1.0, 2.0, 3.0, 4.0]))
    Tensor(1.25)
    """
    mean_square, back = _scaled_mean_square(x, axis, ddof, keepdims)
    return mean_square * back * back


@validate_args({"ddof": [Interval(numbers.Integral, 0, None)]})
def std(x, axis=None, ddof: int = 0, keepdims: bool = False) -> Tensor:
    """Standard deviation √var(x) over ``axis``.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int or tuple of int, optional
    ddof : int, default=0
    keepdims : bool, default=False

    Returns
    -------
    Tensor

    Notes
    -----
    std = √var; x̄ = ḡ (x − x̄) / ((n − ddof) · std), and 0 where std = 0 (the
    subgradient, as torch). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, std
    >>> std(tensor([1.0, 3.0]))
    Tensor(1.)
    """
    mean_square, back = _scaled_mean_square(x, axis, ddof, keepdims)
    return _root(mean_square, 2) * back


def _scaled_mean_square(x, axis, ddof, keepdims):
    """Σ(c·x − c·x̄)² / (n − ddof) and 1/c, for var = that · (1/c)² and std = √that · (1/c).

    Formed on c·x (see :func:`unit_scale`), so no square under- or overflows.
    """
    x = _t(x)
    axes = _norm_axes(axis, x.data.ndim)
    n = int(np.prod([x.data.shape[a] for a in axes])) if axes else 1
    if n - ddof <= 0:
        raise ValueError(f"ddof={ddof} must be smaller than the number of elements ({n})")
    c, back = unit_scale(x.data, axes)
    scaled = x * c
    centred = scaled - mean(scaled, axes, keepdims=True)
    mean_square = sum(centred * centred, axes, keepdims) * (1.0 / (n - ddof))
    return mean_square, (back if keepdims else np.squeeze(back, axes))


def _root(s, p):
    """s^(1/p) for s ≥ 0, with derivative 0 where s = 0.

    The p-th root's derivative s^(1/p − 1)/p is infinite at 0, and the chain rule
    then multiplies it by the inner derivative 0: NaN. Where s = 0 the norm (or
    standard deviation) has a minimum, 0 is a subgradient there, and it is what
    torch gives. Elsewhere the rule is the usual one, written in differentiable
    operations so higher derivatives follow.
    """
    out = np.sqrt(s.data) if p == 2 else s.data ** (1.0 / p)
    if s.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "sqrt" if p == 2 else "root", (s,), _root_vjp, p)
    return _wrap(out)


def _root_vjp(g, node):
    s = node._parents[0]
    pos = s.data > 0
    return (g * (node * pos) / (node._ctx * where(pos, s, 1.0)),)


def norm(x, ord=None, axis=None, keepdims: bool = False) -> Tensor:
    """Vector norm of the elements over ``axis`` (all elements when None).

    Parameters
    ----------
    x : Tensor or array_like
    ord : {None, 2, "fro", 1, inf, "inf"} or float > 0, default=None
        None, 2 and "fro" give the Euclidean norm.
    axis : int or tuple of int, optional
    keepdims : bool, default=False

    Returns
    -------
    Tensor

    Notes
    -----
    ‖x‖_p = (Σ|xᵢ|^p)^(1/p), composed of primitives; the 2-norm's gradient is
    x/‖x‖, and 0 at x = 0 (a subgradient, as torch gives). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, norm
    >>> norm(tensor([3.0, 4.0]))
    Tensor(5.)
    """
    x = _t(x)
    if ord == 1:
        return sum(abs(x), axis, keepdims)
    if ord in (np.inf, "inf"):
        from mmlkit.autodiff._shape import max as _max
        return _max(abs(x), axis, keepdims)
    if ord in (None, 2, "fro") or (isinstance(ord, (int, float)) and not isinstance(ord, bool) and ord > 0):
        p = 2 if ord in (None, 2, "fro") else ord
        axes = _norm_axes(axis, x.data.ndim)
        c, back = unit_scale(x.data, axes)  # ‖x‖ = ‖c·x‖/c: no power of an element under- or overflows
        scaled = x * c
        powered = scaled * scaled if p == 2 else abs(scaled) ** p
        return _root(sum(powered, axes, keepdims), p) * (back if keepdims else np.squeeze(back, axes))
    raise ValueError(f"ord must be None, 1, 2, inf, 'fro' or a positive number, got {ord!r}")
