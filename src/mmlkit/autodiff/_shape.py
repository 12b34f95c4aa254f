"""Shape and reduction primitives, each with its derivative rule beside it (indexing: ``_indexing``).

Every rule receives the cotangent ``g`` (a Tensor) and the output node, and is
written in differentiable operations, so it can itself be differentiated.
During a batched backward pass (many cotangents at once) ``g`` carries extra
leading axes, as many as it has beyond the node's own: ``_batch_nd(g, node)``.
A rule that addresses axes by position shifts them by that; nothing is read
from global state.
"""

from __future__ import annotations

import builtins
import numbers

import numpy as np

from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _batch_nd, _node, _wrap, as_tensor

__all__ = [
    "astype", "broadcast_to", "concatenate", "cumsum", "expand_dims", "flatten", "max", "mean", "min",
    "reshape", "squeeze", "stack", "sum", "swapaxes", "transpose",
]



def _t(x) -> Tensor:
    return x if isinstance(x, Tensor) else as_tensor(x)


def _axis(a, ndim: int, name: str = "axis") -> int:
    """One axis, checked to lie in [−ndim, ndim), as a non-negative int (0 for a 0-d tensor)."""
    if not isinstance(a, numbers.Integral) or isinstance(a, bool):
        raise ValueError(f"{name} must be an int, got {a!r}")
    if not -ndim <= a < builtins.max(ndim, 1):
        raise ValueError(f"{name}={a} is out of bounds for a tensor with {ndim} dimensions")
    return int(a) % builtins.max(ndim, 1)


def _norm_axes(axis, ndim: int) -> tuple:
    """``axis`` (None, int or tuple) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(sorted(_axis(a, ndim) for a in axes))


def _unbroadcast(g: Tensor, shape: tuple, bn: int = 0) -> Tensor:
    """Sum ``g`` over the axes that broadcasting added or stretched, back to ``shape``.

    The one place where broadcasting is undone: if x of ``shape`` was broadcast
    to g's shape in the forward pass, ∂L/∂x = Σ over the broadcast axes of g.
    The ``bn`` leading batch axes of ``g`` are kept.
    """
    gs = g.data.shape
    if gs[bn:] == shape:
        return g
    lead = len(gs) - bn - len(shape)
    axes = tuple(range(bn, bn + lead)) + tuple(
        bn + lead + i for i, s in enumerate(shape) if s == 1 and gs[bn + lead + i] != 1)
    if axes:
        g = sum(g, axis=axes, keepdims=True)
    return reshape(g, gs[:bn] + tuple(shape))


# ---------------------------------------------------------------------------
# shape


def reshape(x, *shape) -> Tensor:
    """Give ``x`` a new shape without changing its data (``numpy.reshape``).

    Parameters
    ----------
    x : Tensor or array_like
    *shape : int or tuple of int
        The new shape (one entry may be −1); ``reshape(x, 2, 3)`` or ``reshape(x, (2, 3))``.

    Returns
    -------
    Tensor
        Same elements, shape ``shape`` (a view of x's data when NumPy can make one).

    Notes
    -----
    A reshape is a relabelling of the same numbers, so its derivative is the
    inverse relabelling: x̄ = reshape(ḡ, x.shape). Cost O(1) (a view) forward,
    O(1) backward.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, reshape
    >>> reshape(tensor([1.0, 2.0, 3.0, 4.0]), 2, 2).shape
    (2, 2)
    """
    x = _t(x)
    if len(shape) == 1 and not isinstance(shape[0], numbers.Integral):
        shape = tuple(shape[0])
    out = x.data.reshape(shape)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "reshape", (x,), _reshape_vjp)
    return _wrap(out)


def _reshape_vjp(g, node):
    x = node._parents[0]
    return (reshape(g, g.data.shape[:_batch_nd(g, node)] + x.data.shape),)


def transpose(x, axes=None) -> Tensor:
    """Permute the axes of ``x`` (reverse them when ``axes`` is None), as ``numpy.transpose``.

    Parameters
    ----------
    x : Tensor or array_like
    axes : sequence of int, optional
        A permutation of ``range(x.ndim)``.

    Returns
    -------
    Tensor
        Output axis i is input axis ``axes[i]``.

    Notes
    -----
    The derivative applies the inverse permutation to the cotangent:
    x̄ = transpose(ḡ, argsort(axes)). Cost O(1) (a view).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, transpose
    >>> transpose(tensor([[1.0, 2.0, 3.0]])).shape
    (3, 1)
    """
    x = _t(x)
    nd = x.data.ndim
    perm = tuple(range(nd))[::-1] if axes is None else tuple(_axis(a, nd, "axes") for a in axes)
    if sorted(perm) != list(range(nd)):
        raise ValueError(f"axes must be a permutation of range({nd}), got {axes}")
    out = x.data.transpose(perm)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "transpose", (x,), _transpose_vjp, perm)
    return _wrap(out)


def _transpose_vjp(g, node):
    bn = _batch_nd(g, node)
    inv = np.argsort(node._ctx)
    return (transpose(g, tuple(range(bn)) + tuple(bn + int(a) for a in inv)),)


def swapaxes(x, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes of ``x`` (a transpose)."""
    x = _t(x)
    perm = list(range(x.data.ndim))
    a, b = _axis(axis1, x.data.ndim, "axis1"), _axis(axis2, x.data.ndim, "axis2")
    perm[a], perm[b] = perm[b], perm[a]
    return transpose(x, perm)


def expand_dims(x, axis) -> Tensor:
    """Insert axes of length one at ``axis`` (int or tuple), as ``numpy.expand_dims``."""
    x = _t(x)
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    nd = x.data.ndim + len(axes)
    for a in axes:
        _axis(a, nd)
    return reshape(x, np.expand_dims(np.empty(x.data.shape, dtype=bool), axis).shape)


def squeeze(x, axis=None) -> Tensor:
    """Remove axes of length one (all of them, or those in ``axis``)."""
    x = _t(x)
    if axis is not None:
        for a in _norm_axes(axis, x.data.ndim):
            if x.data.shape[a] != 1:
                raise ValueError(f"cannot squeeze axis {a} of length {x.data.shape[a]}")
    return reshape(x, np.squeeze(np.empty(x.data.shape, dtype=bool), axis).shape)


def flatten(x) -> Tensor:
    """The elements of ``x`` as a 1-D tensor."""
    return reshape(x, (-1,))


def broadcast_to(x, shape) -> Tensor:
    """Broadcast ``x`` to ``shape``, as ``numpy.broadcast_to``.

    Parameters
    ----------
    x : Tensor or array_like
    shape : tuple of int
        A shape x broadcasts to.

    Returns
    -------
    Tensor
        A read-only view.

    Notes
    -----
    Every copy of an element receives cotangent, so x̄ = Σ of ḡ over the
    broadcast axes (the one un-broadcast helper). Cost O(1) forward, O(n) backward.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, broadcast_to
    >>> broadcast_to(tensor([1.0, 2.0]), (3, 2)).shape
    (3, 2)
    """
    x = _t(x)
    shape = tuple(shape)
    out = np.broadcast_to(x.data, shape)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "broadcast_to", (x,), _broadcast_vjp)
    return _wrap(out)


def _broadcast_vjp(g, node):
    return (_unbroadcast(g, node._parents[0].data.shape, _batch_nd(g, node)),)


def astype(x, dtype) -> Tensor:
    """Cast to another floating dtype; the cotangent is cast back."""
    x = _t(x)
    dtype = np.dtype(dtype)
    if x.data.dtype == dtype:
        return x
    out = x.data.astype(dtype)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "astype", (x,), _astype_vjp)
    return _wrap(out)


def _astype_vjp(g, node):
    return (astype(g, node._parents[0].data.dtype),)


def concatenate(tensors, axis: int = 0) -> Tensor:
    """Join tensors along an existing axis, as ``numpy.concatenate``.

    Parameters
    ----------
    tensors : sequence of Tensor or array_like
        Shapes equal except along ``axis``.
    axis : int, default=0

    Returns
    -------
    Tensor

    Notes
    -----
    Each input's cotangent is its slice of ḡ along ``axis``. Cost O(total size).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, concatenate
    >>> concatenate([tensor([1.0]), tensor([2.0, 3.0])]).shape
    (3,)
    """
    ts = [_t(t) for t in tensors]
    if not ts:
        raise ValueError("concatenate needs at least one tensor")
    ax = _axis(axis, ts[0].data.ndim)
    out = np.concatenate([t.data for t in ts], axis=ax)
    if _GRAD_ENABLED.get() and any(t.requires_grad for t in ts):
        bounds = np.cumsum([0] + [t.data.shape[ax] for t in ts])
        return _node(out, "concatenate", tuple(ts), _concat_vjp, (ax, bounds))
    return _wrap(out)


def _concat_vjp(g, node):
    ax, bounds = node._ctx
    pre = (slice(None),) * (_batch_nd(g, node) + ax)
    return tuple(g[pre + (slice(int(bounds[i]), int(bounds[i + 1])),)] if p.requires_grad else None
                 for i, p in enumerate(node._parents))


def stack(tensors, axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis, as ``numpy.stack``.

    Parameters
    ----------
    tensors : sequence of Tensor or array_like
        All of one shape.
    axis : int, default=0
        Position of the new axis in the result.

    Returns
    -------
    Tensor

    Notes
    -----
    Input i's cotangent is ḡ indexed at i along ``axis``. Cost O(total size).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, stack
    >>> stack([tensor([1.0, 2.0]), tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    ts = [_t(t) for t in tensors]
    if not ts:
        raise ValueError("stack needs at least one tensor")
    ax = _axis(axis, ts[0].data.ndim + 1)
    out = np.stack([t.data for t in ts], axis=ax)
    if _GRAD_ENABLED.get() and any(t.requires_grad for t in ts):
        return _node(out, "stack", tuple(ts), _stack_vjp, ax)
    return _wrap(out)


def _stack_vjp(g, node):
    pre = (slice(None),) * (_batch_nd(g, node) + node._ctx)
    return tuple(g[pre + (i,)] if p.requires_grad else None for i, p in enumerate(node._parents))


# ---------------------------------------------------------------------------
# reductions


def _keep_shape(shape: tuple, axes: tuple) -> tuple:
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def _expand_back(g: Tensor, node: Tensor, in_shape: tuple, axes: tuple, keepdims: bool) -> Tensor:
    """Broadcast the cotangent of the reduction ``node`` back over the reduced axes of ``in_shape``."""
    batch = g.data.shape[:_batch_nd(g, node)]
    if not keepdims:
        g = reshape(g, batch + _keep_shape(in_shape, axes))
    return broadcast_to(g, batch + tuple(in_shape))


def sum(x, axis=None, keepdims: bool = False) -> Tensor:
    """Sum of elements over ``axis`` (all axes when None), as ``numpy.sum``.

    Parameters
    ----------
    x : Tensor or array_like
    axis : int or tuple of int, optional
    keepdims : bool, default=False
        Keep the reduced axes with length one.

    Returns
    -------
    Tensor

    Notes
    -----
    ∂(Σᵢ xᵢ)/∂xⱼ = 1, so x̄ = ḡ broadcast back over the summed axes. Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, sum
    >>> sum(tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    Tensor([4., 6.])
    """
    x = _t(x)
    axes = _norm_axes(axis, x.data.ndim)
    out = x.data.sum(axis=axes, keepdims=keepdims)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "sum", (x,), _sum_vjp, (axes, keepdims))
    return _wrap(out)


def _sum_vjp(g, node):
    axes, keepdims = node._ctx
    return (_expand_back(g, node, node._parents[0].data.shape, axes, keepdims),)


def mean(x, axis=None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis`` (all axes when None), as ``numpy.mean``.

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
    mean(x) = Σ x / n, a sum scaled by 1/n, so x̄ = ḡ / n broadcast. Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, mean
    >>> mean(tensor([1.0, 2.0, 6.0]))
    Tensor(3.)
    """
    x = _t(x)
    axes = _norm_axes(axis, x.data.ndim)
    n = int(np.prod([x.data.shape[a] for a in axes])) if axes else 1
    if n == 0:
        raise ValueError("mean of an empty axis")
    return sum(x, axes, keepdims) * (1.0 / n)


def _extremum(x, axis, keepdims, fn, name):
    x = _t(x)
    axes = _norm_axes(axis, x.data.ndim)
    if x.data.size == 0:
        raise ValueError(f"{name} of an empty tensor")
    out = fn(x.data, axis=axes, keepdims=keepdims)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, name, (x,), _extremum_vjp, (axes, keepdims))
    return _wrap(out)


def _extremum_vjp(g, node):
    axes, keepdims = node._ctx
    x = node._parents[0]
    shape = x.data.shape
    ans = node.data if keepdims else node.data.reshape(_keep_shape(shape, axes))
    mask = (x.data == ans)
    weight = mask / mask.sum(axis=axes, keepdims=True)  # ties share the gradient equally
    return (_expand_back(g, node, shape, axes, keepdims) * weight.astype(x.data.dtype),)


def max(x, axis=None, keepdims: bool = False) -> Tensor:
    """Largest element over ``axis`` (all axes when None), as ``numpy.max``.

    Parameters
    ----------
    x : Tensor or array_like
        Non-empty.
    axis : int or tuple of int, optional
    keepdims : bool, default=False

    Returns
    -------
    Tensor

    Notes
    -----
    x̄ = ḡ · [x = max] / #ties: the gradient goes to the maximiser, shared
    equally among ties (as ``torch.amax`` and autograd do). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, max
    >>> max(tensor([[1.0, 5.0], [3.0, 2.0]]), axis=1)
    Tensor([5., 3.])
    """
    return _extremum(x, axis, keepdims, np.max, "max")


def min(x, axis=None, keepdims: bool = False) -> Tensor:
    """Smallest element over ``axis`` (all axes when None), as ``numpy.min``.

    Parameters
    ----------
    x : Tensor or array_like
        Non-empty.
    axis : int or tuple of int, optional
    keepdims : bool, default=False

    Returns
    -------
    Tensor

    Notes
    -----
    x̄ = ḡ · [x = min] / #ties (shared equally among ties, as ``torch.amin``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, min
    >>> min(tensor([[1.0, 5.0], [3.0, 2.0]]), axis=1)
    Tensor([1., 2.])
    """
    return _extremum(x, axis, keepdims, np.min, "min")


def cumsum(x, axis=None) -> Tensor:
    """Cumulative sum along ``axis`` (``numpy.cumsum``; None flattens first, as NumPy does).

    Parameters
    ----------
    x : Tensor or array_like
    axis : int, optional

    Returns
    -------
    Tensor
        Same shape (1-D when ``axis`` is None); element i is Σ_{j ≤ i} xⱼ along ``axis``.

    Notes
    -----
    xⱼ feeds every output i ≥ j, so x̄ⱼ = Σ_{i ≥ j} ḡᵢ: the reversed cumulative
    sum of the reversed cotangent. Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, cumsum
    >>> cumsum(tensor([1.0, 2.0, 3.0]))
    Tensor([1., 3., 6.])
    """
    x = _t(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    ax = _axis(axis, x.data.ndim)
    out = np.cumsum(x.data, axis=ax)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "cumsum", (x,), _cumsum_vjp, ax)
    return _wrap(out)


def _cumsum_vjp(g, node):
    ax = node._ctx + _batch_nd(g, node)
    flip = (slice(None),) * ax + (slice(None, None, -1),)
    return (cumsum(g[flip], axis=ax)[flip],)
