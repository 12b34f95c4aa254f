"""Elementwise arithmetic and functions, and the matrix product, with their rules.

Two tables, in the style of HIPS autograd: one line per primitive giving its
NumPy forward and its derivative rule(s), written in differentiable operations
(so rules of rules exist and any order works).

- ``_binary(name, forward, rule_a, rule_b, ...)``: two operands with NumPy
  broadcasting. Each rule maps (ḡ, ans, a, b) to the cotangent of its operand
  *before* broadcasting is undone; the one wrapper :func:`_binary_vjp` undoes
  it (``_shape._unbroadcast``) and keeps any batch axes of ḡ.
- ``_unary(name, forward, rule, ...)``: one operand, same shape out.

Rules use trailing axes only, so cotangents carrying leading batch axes (many
backward passes at once) go through them unchanged.
"""

from __future__ import annotations

import math
import operator

import numpy as np
from scipy import special

from mmlkit.autodiff._shape import _t, _unbroadcast, expand_dims, reshape, swapaxes
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _batch_nd, _node, _wrap

__all__ = [
    "abs", "add", "arctan", "clip", "cos", "cosh", "divide", "erf", "exp", "expm1", "gelu", "log",
    "log1p", "matmul", "maximum", "minimum", "multiply", "negative", "power", "relu", "sigmoid",
    "sin", "sinh", "softplus", "sqrt", "square", "subtract", "tan", "tanh", "where",
]

_SCALARS = (int, float, bool)


# ---------------------------------------------------------------------------
# operands


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
    """The operands (at least one a Tensor) and their arrays; constants kept weak."""
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


def _tensors2(a, b):
    """Both operands as Tensors (the matrix product has no weak scalars)."""
    a, b = _t(a), _t(b)
    return a, b, a.data, b.data


def _data(v):
    return v.data if isinstance(v, Tensor) else np.asarray(v)


# ---------------------------------------------------------------------------
# the binary table


def _binary(name, forward, rule_a, rule_b, formula, derivative, example, operands=_args2, cost="O(n)"):
    """Make the primitive ``name(a, b) = forward(a, b)`` with one rule per operand.

    ``rule_a(g, ans, a, b)`` returns ā before un-broadcasting (None as a rule:
    no derivative for that operand). ``example`` is a (call, result) pair for
    the docstring.
    """
    rules = (rule_a or _no_rule(0), rule_b or _no_rule(1))

    def op(a, b):
        a, b, ad, bd = operands(a, b)
        out = forward(ad, bd)
        if _GRAD_ENABLED.get():
            ra = isinstance(a, Tensor) and a.requires_grad
            rb = isinstance(b, Tensor) and b.requires_grad
            if ra or rb:
                parents = (a, b) if ra and rb else (a,) if ra else (b,)
                return _node(out, name, parents, _binary_vjp, (rules, a, b, ra, rb))
        return _wrap(out)

    call, result = example
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"""{formula}.

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
    Derivative rule: {derivative}; each cotangent is summed back over the axes
    broadcasting added (``_unbroadcast``). Cost {cost}.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, {name}
    >>> {call}
    {result}
    """
    return op


def _binary_vjp(g, node):
    """The one backward wrapper of the table: rule, then un-broadcast (batch axes kept)."""
    rules, a, b, ra, rb = node._ctx
    bn = g.data.ndim - node.data.ndim  # _batch_nd(g, node), inlined: this runs once per recorded operation
    if ra:
        ga = rules[0](g, node, a, b)
        if ga.data.shape[bn:] != a.data.shape:
            ga = _unbroadcast(ga, a.data.shape, bn)
        if not rb:
            return (ga,)
    gb = rules[1](g, node, a, b)
    if gb.data.shape[bn:] != b.data.shape:
        gb = _unbroadcast(gb, b.data.shape, bn)
    return (ga, gb) if ra else (gb,)


def _no_rule(i):
    """The rule of an operand that has none: a clear error naming the primitive and the operand."""
    def rule(g, ans, a, b):
        raise NotImplementedError(
            f"primitive '{ans._op}' has no derivative rule for its {('first', 'second')[i]} operand")
    return rule


def _pow_rule_a(g, ans, a, b):
    if type(b) in _SCALARS:
        return g * (b * a ** (b - 1)) if b != 2 else g * (2.0 * a)
    return g * b * a ** (b - 1)


def _pow_rule_b(g, ans, a, b):
    if type(a) in _SCALARS:  # a Python number stays a weak scalar (no float32 upcast)
        log_a = math.log(a) if a > 0 else math.nan if a < 0 else 0.0
    else:
        log_a = log(where(_data(a) > 0, a, 1.0))
    return g * ans * log_a


def _first_wins(ans, a, b):
    """1 where a gave the extremum, ½ on ties: the derivative share of ``a`` in max/min."""
    ad, bd = _data(a), _data(b)
    return (ad == ans.data).astype(ans.data.dtype) - 0.5 * (ad == bd)


def _matmul_rule_a(g, ans, a, b):
    na, nb = a.data.ndim, b.data.ndim
    if nb == 1:  # (…, n) @ (n,): ā = ḡ ⊗ b
        return expand_dims(g, -1) * b
    if na == 1:  # (n,) @ (…, n, m): ā = b ḡ, row by row
        bt = swapaxes(b, -1, -2)
        return g @ bt if nb == 2 else reshape(expand_dims(g, -2) @ bt, g.data.shape[:-1] + (a.data.shape[0],))
    return g @ swapaxes(b, -1, -2)


def _matmul_rule_b(g, ans, a, b):
    na, nb = a.data.ndim, b.data.ndim
    if na == 1 and nb == 1:
        return expand_dims(g, -1) * a
    if nb == 1:  # (…, m, n) @ (n,): b̄ = aᵀ ḡ
        return g @ a if na == 2 else reshape(expand_dims(g, -2) @ a, g.data.shape[:-1] + (b.data.shape[0],))
    if na == 1:  # (n,) @ (…, n, m): b̄ = a ⊗ ḡ
        return expand_dims(a, -1) * expand_dims(g, -2)
    return swapaxes(a, -1, -2) @ g


add = _binary("add", operator.add, lambda g, ans, a, b: g, lambda g, ans, a, b: g,
              "a + b elementwise, with NumPy broadcasting", "ā = ḡ, b̄ = ḡ",
              ("add(tensor([1.0, 2.0]), 1.0)", "Tensor([2., 3.])"))
subtract = _binary("subtract", operator.sub, lambda g, ans, a, b: g, lambda g, ans, a, b: -g,
                   "a − b elementwise, with NumPy broadcasting", "ā = ḡ, b̄ = −ḡ",
                   ("subtract(tensor([1.0, 2.0]), 1.0)", "Tensor([0., 1.])"))
multiply = _binary("multiply", operator.mul, lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a,
                   "a · b elementwise, with NumPy broadcasting", "ā = ḡ·b, b̄ = ḡ·a",
                   ("multiply(tensor([1.0, 2.0]), 3.0)", "Tensor([3., 6.])"))
divide = _binary("divide", operator.truediv, lambda g, ans, a, b: g / b, lambda g, ans, a, b: -g * ans / b,
                 "a / b elementwise, with NumPy broadcasting", "ā = ḡ/b, b̄ = −ḡ·(a/b)/b",
                 ("divide(tensor([1.0, 2.0]), 2.0)", "Tensor([0.5, 1. ])"))
power = _binary("power", operator.pow, _pow_rule_a, _pow_rule_b,
                "a ** b elementwise, with NumPy broadcasting",
                "ā = ḡ·b·a^(b−1), b̄ = ḡ·a^b·log a (log taken where a > 0)",
                ("power(tensor([2.0, 3.0]), 2)", "Tensor([4., 9.])"))
maximum = _binary("maximum", np.maximum, lambda g, ans, a, b: g * _first_wins(ans, a, b),
                  lambda g, ans, a, b: g * (1.0 - _first_wins(ans, a, b)),
                  "max(a, b) elementwise, with NumPy broadcasting",
                  "ḡ goes to the larger operand, halved on ties (as torch and autograd)",
                  ("maximum(tensor([1.0, 5.0]), 2.0)", "Tensor([2., 5.])"))
minimum = _binary("minimum", np.minimum, lambda g, ans, a, b: g * _first_wins(ans, a, b),
                  lambda g, ans, a, b: g * (1.0 - _first_wins(ans, a, b)),
                  "min(a, b) elementwise, with NumPy broadcasting",
                  "ḡ goes to the smaller operand, halved on ties",
                  ("minimum(tensor([1.0, 5.0]), 2.0)", "Tensor([1., 2.])"))
matmul = _binary("matmul", operator.matmul, _matmul_rule_a, _matmul_rule_b,
                 "Matrix product a @ b with NumPy's rules (vectors, matrices, stacks of matrices)",
                 "for C = AB, Ā = C̄ Bᵀ and B̄ = Aᵀ C̄ (1-D operands as row / column vectors)",
                 ("matmul(tensor([[1.0, 2.0]]), tensor([[3.0], [4.0]]))", "Tensor([[11.]])"),
                 operands=_tensors2, cost="O(mkn) per product, through BLAS")


# ---------------------------------------------------------------------------
# negation and selection


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
    bn = _batch_nd(g, node)
    res = []
    if ra:
        res.append(_unbroadcast(where(cond, g, 0.0), a.data.shape, bn))
    if rb:
        res.append(_unbroadcast(where(cond, 0.0, g), b.data.shape, bn))
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
def _relu_rule(g, n):
    mask = _x(n).data > 0
    if _GRAD_ENABLED.get():  # create_graph: the product is recorded (higher derivatives)
        return (g * mask,)
    return (np.multiply(g.data, mask),)  # an ordinary backward: one pass, no Tensor in between


relu = _unary("relu", lambda d: np.maximum(d, 0), _relu_rule, "rectifier max(x, 0)", "x̄ = ḡ · [x > 0]")
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
