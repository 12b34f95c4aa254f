"""The reverse-mode engine: topological order, the backward sweep, ``gradients``.

``_backprop`` walks the graph iteratively (no recursion limit), in reverse
topological order, and sums the contributions that reach a node along every
path (re-used nodes get the sum of their adjoints). Each node's rule is called
as ``vjp(g, node)``; a cotangent may carry leading batch axes (many backward
passes at once), as many as ``_tensor._batch_nd`` counts.
"""

from __future__ import annotations

import numpy as np

from mmlkit.autodiff._tensor import _EPOCH, _GRAD_ENABLED, _OWNED, Tensor, _wrap

__all__ = ["gradients"]


def _seed(gradient, like: Tensor) -> Tensor:
    if isinstance(gradient, Tensor):
        g = gradient
    else:
        g = _wrap(np.asarray(gradient, dtype=like.data.dtype))
    if g.data.shape != like.data.shape:
        raise ValueError(f"gradient must have the output's shape {like.data.shape}, got {g.data.shape}")
    return g


def _freed(g, node):
    raise RuntimeError(
        f"Trying to backward through the graph a second time (at '{node._op}'): its saved values "
        "were freed by the first backward. Pass retain_graph=True to the first call.")


def _toposort(roots) -> list:
    """Nodes reachable from ``roots`` through tensors that require grad, parents first."""
    order = []
    seen = set()
    for root in roots:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, iter(root._parents))]
        while stack:
            node, it = stack[-1]
            for p in it:
                if id(p) not in seen and p.requires_grad:
                    seen.add(id(p))
                    stack.append((p, iter(p._parents)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


def _check_versions(node):
    ep = node._epoch
    if node._version > ep:
        raise RuntimeError(
            f"the output of '{node._op}' was modified by an in-place operation after it was "
            "recorded; its derivative needs the original value")
    for p in node._parents:
        if p._version > ep:
            raise RuntimeError(
                f"an input of '{node._op}' (shape {p.data.shape}) was modified by an in-place "
                f"operation after '{node._op}' was recorded; the gradient would be wrong. "
                "Clone the tensor before changing it, or change it outside the graph.")


def _accumulate_leaf(leaf, g, create_graph):
    if g.data.shape != leaf.data.shape:
        raise ValueError(f"the gradient reaching a tensor of shape {leaf.data.shape} has shape "
                         f"{g.data.shape}: a derivative rule returned a wrongly shaped cotangent")
    if g.data.dtype != leaf.data.dtype:
        g = g.astype(leaf.data.dtype)
    if leaf.grad is None:
        if create_graph:
            leaf.grad = g
        elif g._ctx is _OWNED:  # a rule's new array that nothing else holds: adopted, not copied
            g._ctx = None
            leaf.grad = g
        else:
            leaf.grad = _wrap(np.array(g.data, copy=True))
    elif leaf.grad.data.shape != g.data.shape:
        raise ValueError(f".grad of a tensor of shape {leaf.data.shape} was set to shape "
                         f"{leaf.grad.data.shape}; cannot accumulate a gradient into it")
    elif create_graph or leaf.grad.requires_grad or g.requires_grad:
        leaf.grad = leaf.grad + g
    else:
        gd = leaf.grad.data
        if gd.flags.writeable:
            np.add(gd, g.data, out=gd, casting="unsafe")
        else:
            leaf.grad = _wrap(gd + g.data)


def _backprop(roots, seeds, inputs, retain_graph, create_graph):
    """Run reverse accumulation from ``roots`` with cotangents ``seeds``.

    With ``inputs`` None, leaf gradients are accumulated into ``.grad``;
    otherwise the adjoints of ``inputs`` are returned (in order, None where
    unreached) and nothing is written to ``.grad``. Seeds may carry leading
    batch axes (many backward passes at once; see :func:`_batch_nd`).
    """
    order = _toposort(roots)
    targets = None
    relevant = None
    if inputs is not None:
        targets = {id(x) for x in inputs}
        relevant = set()
        for node in order:  # parents come first, so one sweep suffices
            if id(node) in targets or any(id(p) in relevant for p in node._parents):
                relevant.add(id(node))
    grads: dict = {}
    for r, s in zip(roots, seeds):
        k = id(r)
        grads[k] = grads[k] + s if k in grads else s
    captured: dict = {}
    mode_token = _GRAD_ENABLED.set(bool(create_graph))
    try:
        for node in reversed(order):
            k = id(node)
            g = grads.pop(k, None)
            if g is None:
                continue
            if targets is not None:
                if k in targets:
                    if g._ctx is _OWNED:  # handed to the caller: never adopted later
                        g._ctx = None
                    captured[k] = g
                if k not in relevant:
                    continue
            vjp = node._vjp
            if targets is None and (vjp is None or node._retain):
                _accumulate_leaf(node, g, create_graph)
            if vjp is None:
                continue
            if node._epoch < _EPOCH.value:
                _check_versions(node)
            pgrads = vjp(g, node)
            for p, pg in zip(node._parents, pgrads):
                if pg is None or not p.requires_grad:
                    continue
                kp = id(p)
                if relevant is not None and kp not in relevant:
                    continue
                if type(pg) is np.ndarray:
                    pg = _wrap(pg)
                prev = grads.get(kp)
                grads[kp] = pg if prev is None else prev + pg
            if not retain_graph:
                node._vjp = _freed
                node._ctx = None
    finally:
        _GRAD_ENABLED.reset(mode_token)
    if inputs is None:
        return None
    return [captured.get(id(x)) for x in inputs]


def _roots_and_seeds(outs, grad_outputs, batched):
    """The outputs that require grad, their cotangents (checked against their shapes), and the
    batch shape of the cotangents (``()`` unless ``batched``)."""
    if grad_outputs is None:
        gos = [None] * len(outs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)) and len(outs) == 1:
        gos = [grad_outputs]
    else:
        gos = list(grad_outputs)
    if len(gos) != len(outs):
        raise ValueError(f"grad_outputs must have one entry per output ({len(outs)}), got {len(gos)}")
    roots, seeds, batch = [], [], ()
    for y, v in zip(outs, gos):
        if not isinstance(y, Tensor):
            raise TypeError(f"outputs must be Tensors, got {type(y).__name__}")
        if v is None:
            if y.data.size != 1 or batched:
                raise RuntimeError("grad_outputs is needed for outputs with more than one element")
            v = _wrap(np.ones_like(y.data))
        elif not isinstance(v, Tensor):
            v = _wrap(np.asarray(v, dtype=y.data.dtype))
        expected = y.data.shape
        if (v.data.shape[1:] if batched else v.data.shape) != expected:
            raise ValueError(f"grad_outputs entry must have shape {'(B,) + ' if batched else ''}{expected}, "
                             f"got {v.data.shape}")
        batch = v.data.shape[:1] if batched else ()
        if y.requires_grad:
            roots.append(y)
            seeds.append(v)
    return roots, seeds, batch


def gradients(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None,
              create_graph: bool = False, allow_unused: bool = True, batched: bool = False):
    """Gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    The counterpart of ``torch.autograd.grad``: the building block of the
    function transforms (``grad``, ``jacobian``, ``hessian``, ...).

    Parameters
    ----------
    outputs : Tensor or sequence of Tensor
        The roots y_j.
    inputs : Tensor or sequence of Tensor
        The x_i to differentiate with respect to (leaves or intermediate nodes).
    grad_outputs : array_like, Tensor or sequence of them, optional
        Cotangents v_j, one per output, each of its output's shape (with a leading
        batch axis when ``batched``). Defaults to ones for one-element outputs.
    retain_graph : bool, optional
        Keep the graph for another pass; defaults to ``create_graph``.
    create_graph : bool, default=False
        Record this pass so the result can be differentiated again.
    allow_unused : bool, default=True
        If False, raise when an input is not reached from the outputs;
        otherwise its gradient is zeros.
    batched : bool, default=False
        The cotangents carry one leading batch axis of size B: B vector–Jacobian
        products are computed in one pass (the results carry the batch axis too).

    Returns
    -------
    list of Tensor
        Σ_j v_jᵀ ∂y_j/∂x_i for each input, shaped like it.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, gradients
    >>> x = tensor([1.0, 2.0], requires_grad=True)
    >>> (gx,) = gradients((x * x).sum(), x)
    >>> gx
    Tensor([2., 4.])
    """
    outs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    for i, x in enumerate(ins):
        if not isinstance(x, Tensor):
            raise TypeError(f"inputs must be Tensors (those the outputs were computed from), "
                            f"got {type(x).__name__} at position {i}")
    roots, seeds, batch = _roots_and_seeds(outs, grad_outputs, batched)
    if retain_graph is None:
        retain_graph = create_graph
    found = (_backprop(roots, seeds, ins, retain_graph, create_graph) if roots
             else [None] * len(ins))
    result = []
    for x, gx in zip(ins, found):
        if gx is None:
            if not allow_unused:
                raise RuntimeError(f"an input of shape {x.data.shape} is not used to compute the outputs")
            gx = _wrap(np.zeros(batch + x.data.shape, dtype=x.data.dtype))
        elif gx.data.shape != batch + x.data.shape:
            raise ValueError(f"the gradient reaching an input of shape {x.data.shape} has shape "
                             f"{gx.data.shape}, expected {batch + x.data.shape}: a derivative rule "
                             "returned a wrongly shaped cotangent")
        result.append(gx)
    return result
