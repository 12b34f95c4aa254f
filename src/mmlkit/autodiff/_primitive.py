"""Define new differentiable primitives from outside the engine.

A primitive is a NumPy function (arrays in, one array out) plus a derivative
rule. Wrap the function with :func:`primitive`, then attach the rule with
``.defvjp`` (or :func:`defvjp`), without editing mmlkit's files::

    @primitive
    def linear(x, W, b):                      # NumPy in, NumPy out
        return x @ W.T + b

    @linear.defvjp
    def _(g, ans, x, W, b):                   # Tensors in, one gradient per argument
        return g @ W, g.T @ x, g.sum(0)

Calling ``linear`` on tensors records one node; ``backward`` calls the rule.
"""

from __future__ import annotations

import functools

import numpy as np

from mmlkit._validation import validate_args
from mmlkit.autodiff._shape import stack
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _batch_nd, _node, _wrap

__all__ = ["Primitive", "defvjp", "primitive"]


class Primitive:
    """A NumPy function made differentiable by an attached vector–Jacobian rule.

    Parameters
    ----------
    fun : callable
        ``fun(*arrays, **kwargs) -> ndarray``. Positional arguments given as
        ``Tensor`` are passed as their ``.data``; others are passed unchanged.
    name : str, optional
        Shown in error messages and ``Tensor.op``; defaults to ``fun.__name__``.
    batched : bool, default=False
        Whether the rule accepts cotangents with leading batch axes (used by
        ``jacobian`` / ``hessian`` to push many cotangents through one call).
        When False the engine loops over the batch for this primitive.

    Notes
    -----
    The rule is called as ``rule(g, ans, *args, **kwargs)``: ``g`` is the
    cotangent ∂L/∂ans (a Tensor), ``ans`` the output Tensor, ``args`` the
    original arguments (Tensors where the caller passed Tensors). It returns one
    gradient per positional argument (a tuple, or a single value for a
    one-argument primitive): a Tensor, an ndarray, or None for "no gradient".
    Written with Tensor operations, the rule is itself differentiable, so
    higher derivatives work; gradients returned as ndarrays are treated as
    constants (first derivatives only). Recording costs one node per call.
    """

    __slots__ = ("fun", "name", "rule", "batched", "__dict__")

    def __init__(self, fun, name: str | None = None, batched: bool = False):
        self.fun = fun
        self.name = name or getattr(fun, "__name__", "primitive")
        self.__name__ = self.name
        self.rule = None
        self.batched = batched
        self.__doc__ = fun.__doc__
        self.__wrapped__ = fun

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"

    def __call__(self, *args, **kwargs):
        out = self.fun(*[a.data if isinstance(a, Tensor) else a for a in args], **kwargs)
        if _GRAD_ENABLED.get():
            parents = tuple(a for a in args if isinstance(a, Tensor) and a.requires_grad)
            if parents:
                return _node(out, self.name, parents, _primitive_vjp, (self, args, kwargs))
        return _wrap(out)

    def defvjp(self, rule=None, *, batched: bool | None = None):
        """Attach the derivative rule (usable as a decorator); returns the rule."""
        if rule is None:
            return functools.partial(self.defvjp, batched=batched)
        if not callable(rule):
            raise ValueError(f"rule must be callable, got {type(rule).__name__}")
        self.rule = rule
        if batched is not None:
            self.batched = bool(batched)
        return rule

    def _grads(self, g, node, args, kwargs, bn):
        grads = self.rule(g, node, *args, **kwargs)
        if not isinstance(grads, (tuple, list)):
            grads = (grads,)
        if len(grads) != len(args):
            raise ValueError(f"the rule of primitive '{self.name}' returned {len(grads)} gradients "
                             f"for {len(args)} arguments")
        out = []
        for i, (a, ga) in enumerate(zip(args, grads)):
            if isinstance(a, Tensor) and a.requires_grad:
                if ga is not None:
                    ga = ga if isinstance(ga, Tensor) else _wrap(np.asarray(ga))
                    if ga.data.shape[bn:] != a.data.shape:
                        raise ValueError(
                            f"the rule of primitive '{self.name}' returned a gradient of shape "
                            f"{ga.data.shape[bn:]} for argument {i} of shape {a.data.shape}")
                out.append(ga)
        return out


def _primitive_vjp(g, node):
    prim, args, kwargs = node._ctx
    if prim.rule is None:
        raise NotImplementedError(
            f"no derivative rule is defined for primitive '{prim.name}'; attach one with "
            f"{prim.name}.defvjp(rule)")
    bn = _batch_nd(g, node)
    if not bn or prim.batched:
        return prim._grads(g, node, args, kwargs, bn)
    # The one place batching meets a rule written for one cotangent: apply it to
    # each cotangent of the batch and stack.
    flat = g.reshape((-1,) + g.data.shape[bn:])
    per = [prim._grads(flat[i], node, args, kwargs, 0) for i in range(flat.data.shape[0])]
    result = []
    for j, p in enumerate(node._parents):
        col = [row[j] if row[j] is not None else _wrap(np.zeros_like(p.data)) for row in per]
        result.append(stack(col).reshape(g.data.shape[:bn] + p.data.shape))
    return result


@validate_args({"fun": [None, "callable"]})
def primitive(fun=None, *, name: str | None = None, batched: bool = False):
    """Decorator: make a NumPy function a differentiable primitive (see :class:`Primitive`).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import primitive, tensor
    >>> @primitive
    ... def cube(x):
    ...     return x ** 3
    >>> @cube.defvjp
    ... def _(g, ans, x):
    ...     return g * 3 * x ** 2
    >>> x = tensor([2.0], requires_grad=True)
    >>> cube(x).sum().backward()
    >>> x.grad
    Tensor([12.])
    """
    if fun is None:
        return functools.partial(primitive, name=name, batched=batched)
    return Primitive(fun, name=name, batched=batched)


def defvjp(prim: Primitive, rule, *, batched: bool | None = None):
    """Attach ``rule`` to the primitive ``prim`` (function form of ``prim.defvjp``)."""
    if not isinstance(prim, Primitive):
        raise ValueError(f"prim must be a Primitive made with @primitive, got {type(prim).__name__}")
    return prim.defvjp(rule, batched=batched)
