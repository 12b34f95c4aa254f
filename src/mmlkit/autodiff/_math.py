"""Arithmetic, elementwise functions, products and normalisations, with their rules.

One primitive per function, its derivative rule beside it, written in
differentiable operations (so rules of rules exist and any order works).
Broadcasting is undone in one place, :func:`_shape._unbroadcast`.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from mmlkit.autodiff._shape import (
    _expand_back,
    _keep_shape,
    _norm_axes,
    _t,
    _unbroadcast,
    broadcast_to,
    expand_dims,
    mean,
    reshape,
    sum,
    swapaxes,
)
from mmlkit.autodiff._tensor import _BATCH_ND, _GRAD_ENABLED, Tensor, _node, _wrap

__all__ = [
    "abs", "add", "arctan", "clip", "cos", "cosh", "divide", "dot", "einsum", "erf", "exp",
    "expm1", "gelu", "log", "log1p", "log_softmax", "logsumexp", "matmul", "maximum",
    "minimum", "multiply", "negative", "norm", "outer", "power", "relu", "sigmoid", "sin",
    "sinh", "softmax", "softplus", "sqrt", "square", "std", "subtract", "tan", "tanh", "var",
    "where",
]

_SCALARS = (int, float, bool)


# ---------------------------------------------------------------------------
# binary arithmetic


def _const(c, like: np.ndarray):
    """A non-tensor operand: Python numbers stay weak; arrays take the tensor's dtype."""
    if type(c) in _SCALARS:
        return c
    arr = np.asarray(c)
    if arr.dtype.kind in "biuf" and like.dtype.kind == "f" and arr.dtype != like.dtype:
        arr = arr.astype(like.dtype)
    elif arr.dtype.kind not in "biuf":
        raise TypeError(f"unsupported operand of dtype {arr.dtype} for a Tensor operation")
    return arr


def _args2(a, b):
    if isinstance(a, Tensor):
        ad = a.data
        if isinstance(b, Tensor):
            return a, b, ad, b.data
        b = _const(b, ad)
        return a, b, ad, b
    if isinstance(b, Tensor):
        bd = b.data
        a = _const(a, bd)
        return a, b, a, bd
    a = _t(a)
    return _args2(a, b)


def _binary(out, op, a, b, vjp):
    if _GRAD_ENABLED.get():
        ra = isinstance(a, Tensor) and a.requires_grad
        rb = isinstance(b, Tensor) and b.requires_grad
        if ra or rb:
            parents = (a, b) if ra and rb else (a,) if ra else (b,)
            return _node(out, op, parents, vjp, (a, b, ra, rb))
    return _wrap(out)


def _shape_of(v):
    return v.data.shape if isinstance(v, Tensor) else np.shape(v)


def add(a, b) -> Tensor:
    """a + b elementwise, with NumPy broadcasting.

    Parameters
    ----------
    a, b : Tensor, array_like or number
        Broadcastable shapes. Python numbers keep a float32 tensor float32.

    Returns
    -------
    Tensor
        The broadcast shape.

    Notes
    -----
    Derivative rule: ā = ḡ, b̄ = ḡ; each cotangent is summed back over the axes
    broadcasting added (``_unbroadcast``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, add
    >>> add(tensor([1.0, 2.0]), 1.0)
    Tensor([2., 3.])
    """
    a, b, ad, bd = _args2(a, b)
    return _binary(ad + bd, "add", a, b, _add_vjp)


def _add_vjp(g, node):
    a, b, ra, rb = node._ctx
    res = []
    if ra:
        res.append(_unbroadcast(g, a.data.shape))
    if rb:
        res.append(_unbroadcast(g, b.data.shape))
    return res


def subtract(a, b) -> Tensor:
    """a − b elementwise, with NumPy broadcasting.

    Parameters
    ----------
    a, b : Tensor, array_like or number
        Broadcastable shapes. Python numbers keep a float32 tensor float32.

    Returns
    -------
    Tensor
        The broadcast shape.

    Notes
    -----
    Derivative rule: ā = ḡ, b̄ = −ḡ; each cotangent is summed back over the axes
    broadcasting added (``_unbroadcast``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, subtract
    >>> subtract(tensor([1.0, 2.0]), 1.0)
    Tensor([0., 1.])
    """
    a, b, ad, bd = _args2(a, b)
    return _binary(ad - bd, "subtract", a, b, _sub_vjp)


def _sub_vjp(g, node):
    a, b, ra, rb = node._ctx
    res = []
    if ra:
        res.append(_unbroadcast(g, a.data.shape))
    if rb:
        res.append(_unbroadcast(-g, b.data.shape))
    return res


def multiply(a, b) -> Tensor:
    """a · b elementwise, with NumPy broadcasting.

    Parameters
    ----------
    a, b : Tensor, array_like or number
        Broadcastable shapes. Python numbers keep a float32 tensor float32.

    Returns
    -------
    Tensor
        The broadcast shape.

    Notes
    -----
    Derivative rule: ā = ḡ·b, b̄ = ḡ·a; each cotangent is summed back over the axes
    broadcasting added (``_unbroadcast``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, multiply
    >>> multiply(tensor([1.0, 2.0]), 3.0)
    Tensor([3., 6.])
    """
    a, b, ad, bd = _args2(a, b)
    return _binary(ad * bd, "multiply", a, b, _mul_vjp)


def _mul_vjp(g, node):
    a, b, ra, rb = node._ctx
    res = []
    if ra:
        res.append(_unbroadcast(g * b, a.data.shape))
    if rb:
        res.append(_unbroadcast(g * a, b.data.shape))
    return res


def divide(a, b) -> Tensor:
    """a / b elementwise, with NumPy broadcasting.

    Parameters
    ----------
    a, b : Tensor, array_like or number
        Broadcastable shapes. Python numbers keep a float32 tensor float32.

    Returns
    -------
    Tensor
        The broadcast shape.

    Notes
    -----
    Derivative rule: ā = ḡ/b, b̄ = −ḡ·(a/b)/b; each cotangent is summed back over the axes
    broadcasting added (``_unbroadcast``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, divide
    >>> divide(tensor([1.0, 2.0]), 2.0)
    Tensor([0.5, 1. ])
    """
    a, b, ad, bd = _args2(a, b)
    return _binary(ad / bd, "divide", a, b, _div_vjp)


def _div_vjp(g, node):
    a, b, ra, rb = node._ctx
    res = []
    if ra:
        res.append(_unbroadcast(g / b, a.data.shape))
    if rb:
        res.append(_unbroadcast(-g * node / b, b.data.shape))
    return res


def power(a, b) -> Tensor:
    """a ** b elementwise, with NumPy broadcasting.

    Parameters
    ----------
    a, b : Tensor, array_like or number
        Broadcastable shapes. Python numbers keep a float32 tensor float32.

    Returns
    -------
    Tensor
        The broadcast shape.

    Notes
    -----
    Derivative rule: ā = ḡ·b·a^(b−1), b̄ = ḡ·a^b·log a (log taken where a > 0); each cotangent is summed back over
    the axes
    broadcasting added (``_unbroadcast``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, power
    >>> power(tensor([2.0, 3.0]), 2)
    Tensor([4., 9.])
    """
    a, b, ad, bd = _args2(a, b)
    return _binary(ad ** bd, "power", a, b, _pow_vjp)


def _pow_vjp(g, node):
    a, b, ra, rb = node._ctx
    res = []
    if ra:
        if type(b) in _SCALARS:
            da = g * (b * a ** (b - 1)) if b != 2 else g * (2.0 * a)
        else:
            da = g * b * a ** (b - 1)
        res.append(_unbroadcast(da, a.data.shape))
    if rb:
        if type(a) in _SCALARS:  # a Python number stays a weak scalar (no float32 upcast)
            log_a = math.log(a) if a > 0 else math.nan if a < 0 else 0.0
        else:
            ad = a.data if isinstance(a, Tensor) else a
            log_a = log(where(ad > 0, a, 1.0))
        res.append(_unbroadcast(g * node * log_a, b.data.shape))
    return res


def negative(x) -> Tensor:
    """−x elementwise.

    Parameters
    ----------
    x : Tensor or array_like

    Returns
    -------
    Tensor

    Notes
    -----
    x̄ = −ḡ. Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, negative
    >>> negative(tensor([1.0, -2.0]))
    Tensor([-1.,  2.])
    """
    x = _t(x)
    out = -x.data
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "negative", (x,), _neg_vjp)
    return _wrap(out)


def _neg_vjp(g, node):
    return (-g,)


def maximum(a, b) -> Tensor:
    """max(a, b) elementwise, with NumPy broadcasting.

    Parameters
    ----------
    a, b : Tensor, array_like or number
        Broadcastable shapes. Python numbers keep a float32 tensor float32.

    Returns
    -------
    Tensor
        The broadcast shape.

    Notes
    -----
    Derivative rule: ḡ goes to the larger operand, halved on ties (as torch and autograd); each cotangent is summed
    back over the axes
    broadcasting added (``_unbroadcast``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, maximum
    >>> maximum(tensor([1.0, 5.0]), 2.0)
    Tensor([2., 5.])
    """
    a, b, ad, bd = _args2(a, b)
    return _binary(np.maximum(ad, bd), "maximum", a, b, _maxmin_vjp)


def minimum(a, b) -> Tensor:
    """min(a, b) elementwise, with NumPy broadcasting.

    Parameters
    ----------
    a, b : Tensor, array_like or number
        Broadcastable shapes. Python numbers keep a float32 tensor float32.

    Returns
    -------
    Tensor
        The broadcast shape.

    Notes
    -----
    Derivative rule: ḡ goes to the smaller operand, halved on ties; each cotangent is summed back over the axes
    broadcasting added (``_unbroadcast``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, minimum
    >>> minimum(tensor([1.0, 5.0]), 2.0)
    Tensor([1., 2.])
    """
    a, b, ad, bd = _args2(a, b)
    return _binary(np.minimum(ad, bd), "minimum", a, b, _maxmin_vjp)


def _maxmin_vjp(g, node):
    a, b, ra, rb = node._ctx
    ad = a.data if isinstance(a, Tensor) else np.asarray(a)
    bd = b.data if isinstance(b, Tensor) else np.asarray(b)
    dt = node.data.dtype
    wa = (ad == node.data).astype(dt) - 0.5 * (ad == bd)
    res = []
    if ra:
        res.append(_unbroadcast(g * wa, a.data.shape))
    if rb:
        res.append(_unbroadcast(g * (1.0 - wa), b.data.shape))
    return res


def where(condition, a, b) -> Tensor:
    """Choose ``a`` where ``condition`` holds, else ``b`` (``numpy.where``); broadcasting.

    Parameters
    ----------
    condition : array_like of bool (or Tensor)
        Not differentiated.
    a, b : Tensor, array_like or number

    Returns
    -------
    Tensor

    Notes
    -----
    ā = where(c, ḡ, 0), b̄ = where(c, 0, ḡ), un-broadcast. Cost O(n).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import tensor, where
    >>> x = tensor([-1.0, 2.0])
    >>> where(x.data > 0, x, 0.0)
    Tensor([0., 2.])
    """
    cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
    cond = cond.astype(bool, copy=False)
    a, b, ad, bd = _args2(a, b)
    out = np.where(cond, ad, bd)
    if _GRAD_ENABLED.get():
        ra = isinstance(a, Tensor) and a.requires_grad
        rb = isinstance(b, Tensor) and b.requires_grad
        if ra or rb:
            parents = (a, b) if ra and rb else (a,) if ra else (b,)
            return _node(out, "where", parents, _where_vjp, (a, b, ra, rb, cond))
    return _wrap(out)


def _where_vjp(g, node):
    a, b, ra, rb, cond = node._ctx
    res = []
    if ra:
        res.append(_unbroadcast(where(cond, g, 0.0), a.data.shape))
    if rb:
        res.append(_unbroadcast(where(cond, 0.0, g), b.data.shape))
    return res


# ---------------------------------------------------------------------------
# elementwise functions


def _unary(name, forward, rule, formula, derivative):
    def op(x):
        if not isinstance(x, Tensor):
            x = _t(x)
        out = forward(x.data)
        if x.requires_grad and _GRAD_ENABLED.get():
            return _node(out, name, (x,), rule)
        return _wrap(out)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"""Elementwise {formula}.

    Parameters
    ----------
    x : Tensor or array_like, any shape

    Returns
    -------
    Tensor
        Same shape and dtype as ``x``.

    Notes
    -----
    Derivative rule: {derivative}. Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, {name}
    >>> {name}(tensor([0.5])).shape
    (1,)
    """
    return op


def _x(node):
    return node._parents[0]


exp = _unary("exp", np.exp, lambda g, n: (g * n,), "exp(x)", "x̄ = ḡ · exp(x)")
log = _unary("log", np.log, lambda g, n: (g / _x(n),), "natural logarithm log(x)", "x̄ = ḡ / x")
log1p = _unary("log1p", np.log1p, lambda g, n: (g / (1.0 + _x(n)),), "log(1 + x), accurate near 0",
               "x̄ = ḡ / (1 + x)")
expm1 = _unary("expm1", np.expm1, lambda g, n: (g * (n + 1.0),), "exp(x) − 1, accurate near 0",
               "x̄ = ḡ · exp(x)")
sqrt = _unary("sqrt", np.sqrt, lambda g, n: (g * 0.5 / n,), "square root √x", "x̄ = ḡ / (2√x)")
square = _unary("square", np.square, lambda g, n: (g * (2.0 * _x(n)),), "square x²", "x̄ = 2x · ḡ")
sin = _unary("sin", np.sin, lambda g, n: (g * cos(_x(n)),), "sine sin(x)", "x̄ = ḡ · cos(x)")
cos = _unary("cos", np.cos, lambda g, n: (-g * sin(_x(n)),), "cosine cos(x)", "x̄ = −ḡ · sin(x)")
tan = _unary("tan", np.tan, lambda g, n: (g * (1.0 + n * n),), "tangent tan(x)", "x̄ = ḡ · (1 + tan²x)")
sinh = _unary("sinh", np.sinh, lambda g, n: (g * cosh(_x(n)),), "hyperbolic sine", "x̄ = ḡ · cosh(x)")
cosh = _unary("cosh", np.cosh, lambda g, n: (g * sinh(_x(n)),), "hyperbolic cosine", "x̄ = ḡ · sinh(x)")
arctan = _unary("arctan", np.arctan, lambda g, n: (g / (1.0 + _x(n) * _x(n)),), "arctangent",
                "x̄ = ḡ / (1 + x²)")
tanh = _unary("tanh", np.tanh, lambda g, n: (g * (1.0 - n * n),), "hyperbolic tangent tanh(x)",
              "x̄ = ḡ · (1 − tanh²x)")
sigmoid = _unary("sigmoid", special.expit, lambda g, n: (g * (n * (1.0 - n)),),
                 "logistic sigmoid σ(x) = 1 / (1 + e^(−x))", "x̄ = ḡ · σ(x)(1 − σ(x))")
softplus = _unary("softplus", lambda d: np.logaddexp(0, d).astype(d.dtype, copy=False),
                  lambda g, n: (g * sigmoid(_x(n)),), "softplus log(1 + eˣ), computed stably",
                  "x̄ = ḡ · σ(x)")
relu = _unary("relu", lambda d: np.maximum(d, 0), lambda g, n: (g * (_x(n).data > 0),),
              "rectifier max(x, 0)", "x̄ = ḡ · [x > 0]")
abs = _unary("abs", np.abs, lambda g, n: (g * np.sign(_x(n).data),), "absolute value |x|",
             "x̄ = ḡ · sign(x) (0 at 0)")
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
erf = _unary("erf", special.erf, lambda g, n: (g * (_TWO_OVER_SQRT_PI * exp(-square(_x(n)))),),
             "error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt", "x̄ = ḡ · 2/√π · e^(−x²)")
_INV_SQRT2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _gelu_rule(g, n):
    x = _x(n)
    return (g * (0.5 * (1.0 + erf(x * _INV_SQRT2)) + x * (_INV_SQRT_2PI * exp(-0.5 * square(x)))),)


gelu = _unary("gelu", lambda d: (0.5 * d * (1.0 + special.erf(d * _INV_SQRT2))).astype(d.dtype, copy=False),
              _gelu_rule, "Gaussian error linear unit x·Φ(x) (the exact, erf form, as torch's default)",
              "x̄ = ḡ · (Φ(x) + x φ(x))")


def clip(x, a_min=None, a_max=None) -> Tensor:
    """Limit x to [a_min, a_max] elementwise (``numpy.clip``, ``torch.clamp``).

    Parameters
    ----------
    x : Tensor or array_like
    a_min, a_max : float, optional
        Bounds; None means no bound on that side.

    Returns
    -------
    Tensor

    Notes
    -----
    x̄ = ḡ where a_min ≤ x ≤ a_max, else 0 (as ``torch.clamp``). Cost O(n).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, clip
    >>> clip(tensor([-2.0, 0.5, 3.0]), -1.0, 1.0)
    Tensor([-1. ,  0.5,  1. ])
    """
    x = _t(x)
    lo = -np.inf if a_min is None else a_min
    hi = np.inf if a_max is None else a_max
    out = np.clip(x.data, lo, hi).astype(x.data.dtype, copy=False)
    if x.requires_grad and _GRAD_ENABLED.get():
        return _node(out, "clip", (x,), _clip_vjp, (lo, hi))
    return _wrap(out)


def _clip_vjp(g, node):
    lo, hi = node._ctx
    d = node._parents[0].data
    return (g * ((d >= lo) & (d <= hi)),)


# ---------------------------------------------------------------------------
# products


def matmul(a, b) -> Tensor:
    """Matrix product a @ b with NumPy's rules (vectors, matrices, stacks of matrices).

    Notes
    -----
    For C = AB: Ā = C̄ Bᵀ and B̄ = Aᵀ C̄ (un-broadcast over stacked batch axes);
    1-D operands are treated as row / column vectors. Cost: O(mkn) per product,
    through BLAS.
    """
    a = _t(a)
    b = _t(b)
    out = a.data @ b.data
    if _GRAD_ENABLED.get() and (a.requires_grad or b.requires_grad):
        ra, rb = a.requires_grad, b.requires_grad
        parents = (a, b) if ra and rb else (a,) if ra else (b,)
        return _node(out, "matmul", parents, _matmul_vjp, (a, b, ra, rb))
    return _wrap(out)


def _matmul_vjp(g, node):
    a, b, ra, rb = node._ctx
    na, nb = a.data.ndim, b.data.ndim
    res = []
    if ra:
        if na == 1 and nb == 1:
            da = expand_dims(g, -1) * b
        elif na == 1:
            da = g @ swapaxes(b, -1, -2) if nb == 2 else reshape(
                expand_dims(g, -2) @ swapaxes(b, -1, -2), g.data.shape[:-1] + (a.data.shape[0],))
        elif nb == 1:
            da = expand_dims(g, -1) * b
        else:
            da = g @ swapaxes(b, -1, -2)
        res.append(_unbroadcast(da, a.data.shape))
    if rb:
        if na == 1 and nb == 1:
            db = expand_dims(g, -1) * a
        elif nb == 1:
            db = g @ a if na == 2 else reshape(
                expand_dims(g, -2) @ a, g.data.shape[:-1] + (b.data.shape[0],))
        elif na == 1:
            db = expand_dims(a, -1) * expand_dims(g, -2)
        else:
            db = swapaxes(a, -1, -2) @ g
        res.append(_unbroadcast(db, b.data.shape))
    return res


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
    batch = "".join(c for c in "ZYXWVUTSRQ" if c not in used)[:_BATCH_ND.get()]
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
            gk = broadcast_to(reshape(gk, g.data.shape[:_BATCH_ND.get()] + shape),
                              g.data.shape[:_BATCH_ND.get()] + t.data.shape)
        res.append(gk)
    return res


# ---------------------------------------------------------------------------
# normalisations along an axis


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
    return (_expand_back(g, x.data.shape, axes, keepdims) * exp(x - ans),)


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
    ax = tuple(a + _BATCH_ND.get() for a in node._ctx)
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
    ax = tuple(a + _BATCH_ND.get() for a in node._ctx)
    return (g - exp(node) * sum(g, axis=ax, keepdims=True),)


# ---------------------------------------------------------------------------
# composite statistics


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
    x = _t(x)
    axes = _norm_axes(axis, x.data.ndim)
    n = int(np.prod([x.data.shape[a] for a in axes])) if axes else 1
    if n - ddof <= 0:
        raise ValueError(f"ddof={ddof} must be smaller than the number of elements ({n})")
    c = x - mean(x, axes, keepdims=True)
    return sum(c * c, axes, keepdims) * (1.0 / (n - ddof))


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
    return _root(var(x, axis, ddof, keepdims), 2)


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
    if ord in (None, 2, "fro"):
        return _root(sum(x * x, axis, keepdims), 2)
    if ord == 1:
        return sum(abs(x), axis, keepdims)
    if ord in (np.inf, "inf"):
        from mmlkit.autodiff._shape import max as _max
        return _max(abs(x), axis, keepdims)
    if isinstance(ord, (int, float)) and ord > 0:
        return _root(sum(abs(x) ** ord, axis, keepdims), ord)
    raise ValueError(f"ord must be None, 1, 2, inf, 'fro' or a positive number, got {ord!r}")


_ = _expand_back, broadcast_to  # re-exported helpers used by sibling modules
