"""Products beyond the matrix product: dot, outer and Einstein summation, with their rules."""

from __future__ import annotations

import numpy as np

from mmlkit.autodiff._math import matmul
from mmlkit.autodiff._shape import _t, broadcast_to, reshape
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _batch_nd, _node, _wrap

__all__ = ["dot", "einsum", "outer"]


def dot(a, b) -> Tensor:
    """Dot product of vectors, or the matrix product of 1-D/2-D operands (``numpy.dot``).

    Parameters
    ----------
    a, b : Tensor or array_like
        1-D or 2-D (0-D multiplies).

    Returns
    -------
    Tensor

    Notes
    -----
    ⟨a, b⟩ = Σᵢ aᵢbᵢ; ā = ḡ b, b̄ = ḡ a (via :func:`matmul`). Cost O(n) for vectors.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, dot
    >>> dot(tensor([1.0, 2.0]), tensor([3.0, 4.0]))
    Tensor(11.)
    """
    a, b = _t(a), _t(b)
    if a.data.ndim > 2 or b.data.ndim > 2:
        raise ValueError("dot supports 1-D and 2-D operands; use matmul or einsum for stacks")
    if a.data.ndim == 0 or b.data.ndim == 0:
        return a * b
    return matmul(a, b)


def outer(a, b) -> Tensor:
    """Outer product (a ⊗ b)ᵢⱼ = aᵢ bⱼ of two vectors (flattened first, as ``numpy.outer``).

    Parameters
    ----------
    a : Tensor or array_like, m elements
    b : Tensor or array_like, n elements

    Returns
    -------
    Tensor of shape (m, n)

    Notes
    -----
    A broadcast product: ā = ḡ b, b̄ = ḡᵀ a. Cost O(mn).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, outer
    >>> outer(tensor([1.0, 2.0]), tensor([1.0, 0.0, -1.0])).shape
    (2, 3)
    """
    return reshape(_t(a), (-1, 1)) * reshape(_t(b), (1, -1))


def einsum(subscripts: str, *operands) -> Tensor:
    """Einstein summation (``numpy.einsum``) with an explicit output, e.g. ``"ij,jk->ik"``.

    Parameters
    ----------
    subscripts : str
        ``"spec₁,spec₂,…->out"``; no ellipses, no index repeated within one operand.
    *operands : Tensor or array_like

    Returns
    -------
    Tensor

    Notes
    -----
    The cotangent of operand k is itself an einsum: ḡ contracted with the other
    operands onto operand k's indices (indices summed only inside operand k are
    broadcast back). Cost: that of NumPy's einsum (optimised contraction order
    for three or more operands).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import tensor, einsum
    >>> einsum("ij,jk->ik", tensor(np.ones((2, 3))), tensor(np.ones((3, 4)))).shape
    (2, 4)
    """
    ts = [_t(o) for o in operands]
    if "->" not in subscripts:
        raise ValueError("einsum needs an explicit output, e.g. 'ij,jk->ik'")
    ins, outs = subscripts.replace(" ", "").split("->")
    specs = ins.split(",")
    if len(specs) != len(ts):
        raise ValueError(f"einsum: {len(specs)} operand specs for {len(ts)} operands")
    if "." in subscripts:
        raise ValueError("einsum: ellipses are not supported")
    for s, t in zip(specs, ts):
        if len(set(s)) != len(s):
            raise ValueError(f"einsum: repeated index within one operand ({s!r}) is not supported")
        if len(s) != t.data.ndim:
            raise ValueError(f"einsum: spec {s!r} does not match an operand of shape {t.data.shape}")
    out = np.einsum(f"{ins}->{outs}", *[t.data for t in ts], optimize=len(ts) > 2)
    if _GRAD_ENABLED.get() and any(t.requires_grad for t in ts):
        return _node(out, "einsum", tuple(ts), _einsum_vjp, (specs, outs))
    return _wrap(out)


def _einsum_vjp(g, node):
    specs, outs = node._ctx
    ts = node._parents
    used = set("".join(specs)) | set(outs)
    bn = _batch_nd(g, node)
    batch = "".join(c for c in "ZYXWVUTSRQ" if c not in used)[:bn]
    res = []
    for k, t in enumerate(ts):
        if not t.requires_grad:
            res.append(None)
            continue
        others = [(s, o) for i, (s, o) in enumerate(zip(specs, ts)) if i != k]
        avail = set(batch + outs).union(*[set(s) for s, _ in others])
        target = "".join(c for c in specs[k] if c in avail)
        expr = ",".join([batch + outs] + [s for s, _ in others]) + "->" + batch + target
        gk = einsum(expr, g, *[o for _, o in others])
        if target != specs[k]:
            shape = tuple(t.data.shape[i] if c in avail else 1 for i, c in enumerate(specs[k]))
            gk = broadcast_to(reshape(gk, g.data.shape[:bn] + shape), g.data.shape[:bn] + t.data.shape)
        res.append(gk)
    return res
