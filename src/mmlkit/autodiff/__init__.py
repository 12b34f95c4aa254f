"""Reverse-mode automatic differentiation over NumPy arrays.

``Tensor`` records the operations applied to it; ``backward`` applies the
chain rule in reverse over the recorded graph. Every primitive's derivative
rule sits beside its forward computation and is written in differentiable
operations, so derivatives of any order work. The function transforms
(``grad``, ``jacobian``, ``hessian``, ...) take and return NumPy arrays, as
HIPS autograd and JAX do.

New primitives (a NumPy forward and its derivative rule) are defined with
:func:`primitive` and ``.defvjp`` without touching this package.

Values follow NumPy's (and PyTorch's) semantics: operations do not inspect
them, so NaN and infinity propagate to the entries they touch (a NaN loss
during training is the model diverging, not an error of the engine). Shapes,
axes, dtypes and the parameters of the operations and transforms are checked,
with errors naming the argument.

Examples
--------
>>> import numpy as np
>>> from mmlkit.autodiff import tensor, grad, sin
>>> x = tensor(2.0, requires_grad=True)
>>> y = x * x + sin(x)
>>> y.backward()
>>> round(x.grad.item(), 6)   # 2x + cos x
3.583853
>>> grad(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
array([2., 4.])
"""

# _tensor first: it imports, at its end, the modules its operators call, which build on it.
import mmlkit.autodiff._tensor  # noqa: F401
from mmlkit.autodiff import _methods  # noqa: F401  (attaches the NumPy-like methods to Tensor)
from mmlkit.autodiff._engine import gradients
from mmlkit.autodiff._indexing import diagonal, getitem, index_add, trace
from mmlkit.autodiff._math import (
    abs,
    add,
    arctan,
    clip,
    cos,
    cosh,
    divide,
    erf,
    exp,
    expm1,
    gelu,
    log,
    log1p,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    power,
    relu,
    sigmoid,
    sin,
    sinh,
    softplus,
    sqrt,
    square,
    subtract,
    tan,
    tanh,
    where,
)
from mmlkit.autodiff._primitive import Primitive, defvjp, primitive
from mmlkit.autodiff._products import dot, einsum, outer
from mmlkit.autodiff._shape import (
    astype,
    broadcast_to,
    concatenate,
    cumsum,
    expand_dims,
    flatten,
    max,
    mean,
    min,
    reshape,
    squeeze,
    stack,
    sum,
    swapaxes,
    transpose,
)
from mmlkit.autodiff._statistics import (
    log_softmax,
    logsumexp,
    norm,
    softmax,
    std,
    var,
)
from mmlkit.autodiff._tensor import (
    Tensor,
    as_tensor,
    enable_grad,
    is_grad_enabled,
    no_grad,
    ones,
    ones_like,
    set_grad_enabled,
    tensor,
    zeros,
    zeros_like,
)
from mmlkit.autodiff.transforms import (
    check_grad,
    grad,
    hessian,
    hvp,
    jacobian,
    jvp,
    value_and_grad,
    vjp,
)

pow = power  # noqa: A001  (NumPy's alias)

__all__ = [
    "Primitive", "Tensor", "abs", "add", "arctan", "as_tensor", "astype", "broadcast_to",
    "check_grad", "clip", "concatenate", "cos", "cosh", "cumsum", "defvjp", "diagonal", "divide",
    "dot", "einsum",
    "enable_grad", "erf", "exp", "expand_dims", "expm1", "flatten", "gelu", "getitem", "grad",
    "gradients", "hessian", "hvp", "index_add", "is_grad_enabled", "jacobian", "jvp", "log",
    "log1p", "log_softmax", "logsumexp", "matmul", "max", "maximum", "mean", "min", "minimum",
    "multiply", "negative", "no_grad", "norm", "ones", "ones_like", "outer", "pow", "power",
    "primitive", "relu",
    "reshape", "set_grad_enabled", "sigmoid", "sin", "sinh", "softmax", "softplus", "sqrt",
    "square", "squeeze", "stack", "std", "subtract", "sum", "swapaxes", "tan", "tanh", "tensor",
    "trace", "transpose", "value_and_grad", "var", "vjp", "where", "zeros", "zeros_like",
]
