"""Indexing and its adjoint (scatter-add), and the diagonal and trace built on them."""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit.autodiff._shape import _t, reshape, stack, sum
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _batch_nd, _node, _wrap

__all__ = ["diagonal", "getitem", "index_add", "trace"]


def _plain_index(idx):
    """Unwrap tensors in an index; lists become arrays."""
    if isinstance(idx, tuple):
        return tuple(_plain_index(i) for i in idx)
    if isinstance(idx, Tensor):
        d = idx.data
        return d.astype(np.intp) if d.dtype.kind == "f" else d
    if isinstance(idx, list):
        return np.asarray(idx)
    return idx


def _is_basic(idx) -> bool:
    items = idx if isinstance(idx, tuple) else (idx,)
    return all(i is None or i is Ellipsis or isinstance(i, (slice, numbers.Integral)) for i in items)


def getitem(x, idx) -> Tensor:
    """``x[idx]`` with NumPy indexing: slices, integers, ``None``, ``...``, integer arrays, boolean masks.

    Parameters
    ----------
    x : Tensor or array_like
    idx : index
        Anything NumPy accepts; Tensors inside it are used as index arrays.

    Returns
    -------
    Tensor

    Notes
    -----
    The derivative scatters the cotangent back into zeros of x's shape,
    adding where an index repeats (``numpy.add.at``): x̄ = index_add(ḡ, idx).
    Cost O(size of the result) forward, O(size of x) backward.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor
    >>> x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> x[[0, 0, 2]].sum().backward()
    >>> x.grad
    Tensor([2., 0., 1.])
    """
    x = _t(x)
    idx = _plain_index(idx)
    out = x.data[idx]
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "getitem", (x,), _getitem_vjp, idx)
    return _wrap(out)


def _batch_index(idx, bn):
    if not bn:
        return idx
    return (slice(None),) * bn + (idx if isinstance(idx, tuple) else (idx,))


def _splits_advanced(idx) -> bool:
    """True if idx has advanced (array) indices separated by others: NumPy then moves their
    axes to the front, so a leading batch slice would not stay in front."""
    items = idx if isinstance(idx, tuple) else (idx,)
    pos = [i for i, it in enumerate(items) if isinstance(it, np.ndarray)]
    return bool(pos) and pos[-1] - pos[0] + 1 != len(pos)


def _per_batch(g, bn, fn, tail_shape):
    """Apply ``fn`` to each of the cotangents in the ``bn`` batch axes of ``g``, then stack
    (rare layouts only)."""
    batch = g.data.shape[:bn]
    flat = reshape(g, (-1,) + g.data.shape[bn:])
    pieces = [fn(flat[i]) for i in range(flat.data.shape[0])]
    return reshape(stack(pieces), batch + tuple(tail_shape))


def _getitem_vjp(g, node):
    x = node._parents[0]
    idx = node._ctx
    bn = _batch_nd(g, node)
    if bn and _splits_advanced(idx):
        return (_per_batch(g, bn, lambda gi: index_add(gi, idx, x.data.shape), x.data.shape),)
    shape = g.data.shape[:bn] + x.data.shape
    return (index_add(g, _batch_index(idx, bn), shape),)


def index_add(g, idx, shape) -> Tensor:
    """zeros(shape) with ``g`` added at ``idx`` (repeated indices accumulate) — the adjoint of indexing.

    Parameters
    ----------
    g : Tensor or array_like
        Values shaped like ``zeros(shape)[idx]``.
    idx : index
        A NumPy index into an array of ``shape``.
    shape : tuple of int

    Returns
    -------
    Tensor of shape ``shape``

    Notes
    -----
    Linear in g; its own derivative is indexing again: ḡ_g = ḡ[idx]. Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, index_add
    >>> index_add(tensor([1.0, 1.0]), ([0, 0],), (3,))
    Tensor([2., 0., 0.])
    """
    g = _t(g)
    out = np.zeros(shape, dtype=g.data.dtype)
    if _is_basic(idx):
        out[idx] = g.data
    else:
        np.add.at(out, idx, g.data)
    if g.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "index_add", (g,), _index_add_vjp, idx)
    return _wrap(out)


def _index_add_vjp(g, node):
    idx = node._ctx
    bn = _batch_nd(g, node)
    if bn and _splits_advanced(idx):
        return (_per_batch(g, bn, lambda gi: getitem(gi, idx), node._parents[0].data.shape),)
    return (getitem(g, _batch_index(idx, bn)),)


def diagonal(x) -> Tensor:
    """The main diagonal of the last two axes (for stacks of square matrices, each one's).

    Parameters
    ----------
    x : Tensor or array_like of shape (..., n, n)

    Returns
    -------
    Tensor of shape (..., n)

    Notes
    -----
    Indexing x[..., i, i]; the derivative scatters ḡ onto the diagonal. Cost O(n).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import tensor, diagonal
    >>> diagonal(tensor(np.arange(4.0).reshape(2, 2)))
    Tensor([0., 3.])
    """
    x = _t(x)
    if x.data.ndim < 2 or x.data.shape[-1] != x.data.shape[-2]:
        raise ValueError(f"x must have square matrices in its last two axes, got shape {x.data.shape}")
    i = np.arange(x.data.shape[-1])
    return getitem(x, (Ellipsis, i, i))


def trace(x) -> Tensor:
    """Trace Σᵢ xᵢᵢ of a square matrix (or of each matrix in a stack).

    Parameters
    ----------
    x : Tensor or array_like of shape (..., n, n)

    Returns
    -------
    Tensor of shape (...)

    Notes
    -----
    ∂ tr(X)/∂X = I, so X̄ = ḡ · I. Cost O(n).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import tensor, trace
    >>> trace(tensor(np.eye(3)))
    Tensor(3.)
    """
    return sum(diagonal(x), axis=-1)
