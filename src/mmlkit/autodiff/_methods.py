"""The NumPy-like methods of ``Tensor`` and its NumPy interoperability, attached in one place.

The operators (``+``, ``@``, ``[]``, ``+=``, ...) are defined in ``Tensor``'s class body.
"""

from __future__ import annotations

import numpy as np

from mmlkit.autodiff import _indexing as I
from mmlkit.autodiff import _math as M
from mmlkit.autodiff import _products as P
from mmlkit.autodiff import _shape as S
from mmlkit.autodiff import _statistics as St
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _wrap


# -- methods --------------------------------------------------------------------
def _reshape(self, *shape):
    return S.reshape(self, *shape)


def _transpose(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = tuple(axes[0])
    return S.transpose(self, axes or None)


Tensor.reshape = _reshape
Tensor.transpose = _transpose
Tensor.T = property(lambda self: S.transpose(self))
Tensor.mT = property(lambda self: S.swapaxes(self, -1, -2))
Tensor.swapaxes = S.swapaxes
Tensor.flatten = S.flatten
Tensor.squeeze = S.squeeze
Tensor.expand_dims = S.expand_dims
Tensor.unsqueeze = S.expand_dims
Tensor.broadcast_to = S.broadcast_to
Tensor.astype = S.astype
Tensor.sum = S.sum
Tensor.mean = S.mean
Tensor.max = S.max
Tensor.min = S.min
Tensor.cumsum = S.cumsum
Tensor.diagonal = I.diagonal
Tensor.trace = I.trace
Tensor.var = St.var
Tensor.std = St.std
Tensor.norm = St.norm
Tensor.exp = M.exp
Tensor.log = M.log
Tensor.log1p = M.log1p
Tensor.expm1 = M.expm1
Tensor.sqrt = M.sqrt
Tensor.square = M.square
Tensor.sin = M.sin
Tensor.cos = M.cos
Tensor.tanh = M.tanh
Tensor.sigmoid = M.sigmoid
Tensor.relu = M.relu
Tensor.abs = M.abs
Tensor.clip = M.clip
Tensor.clamp = M.clip
Tensor.pow = M.power
Tensor.matmul = M.matmul
Tensor.dot = P.dot
Tensor.softmax = St.softmax
Tensor.log_softmax = St.log_softmax
Tensor.logsumexp = St.logsumexp
Tensor.argmax = lambda self, axis=None, keepdims=False: np.argmax(self.data, axis=axis, keepdims=keepdims)
Tensor.argmin = lambda self, axis=None, keepdims=False: np.argmin(self.data, axis=axis, keepdims=keepdims)


def _clone(self):
    """A copy with its own memory that stays in the graph (its derivative is the identity)."""
    return self * 1.0 if self.requires_grad and _GRAD_ENABLED.get() else _wrap(np.array(self.data))


Tensor.clone = _clone


# -- in-place fills (the operators themselves are in Tensor's class body) ---------
def _copy_(self, src):
    """Overwrite the values with ``src`` (broadcast), in place."""
    self[...] = src
    return self


def _fill_(self, value):
    """Set every element to ``value``, in place."""
    self[...] = value
    return self


def _zero_(self):
    """Set every element to 0, in place."""
    return _fill_(self, 0.0)


Tensor.copy_ = _copy_
Tensor.fill_ = _fill_
Tensor.zero_ = _zero_


# -- NumPy ufuncs on tensors dispatch to the differentiable versions --------------
_UFUNCS = {
    np.add: M.add, np.subtract: M.subtract, np.multiply: M.multiply, np.divide: M.divide,
    np.true_divide: M.divide, np.power: M.power, np.negative: M.negative, np.exp: M.exp,
    np.log: M.log, np.log1p: M.log1p, np.expm1: M.expm1, np.sqrt: M.sqrt, np.square: M.square,
    np.sin: M.sin, np.cos: M.cos, np.tan: M.tan, np.sinh: M.sinh, np.cosh: M.cosh,
    np.tanh: M.tanh, np.arctan: M.arctan, np.absolute: M.abs, np.maximum: M.maximum,
    np.minimum: M.minimum, np.matmul: M.matmul,
}
_COMPARE = {np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal}


def _plain(value):
    """Tensors (also inside lists and tuples) replaced by their arrays."""
    if isinstance(value, Tensor):
        return value.data
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def _array_ufunc(self, ufunc, method, *inputs, **kwargs):
    """np.exp(t), ndarray * t, ...: the differentiable version when there is one.

    Ufuncs without a derivative here (np.isfinite, np.sign, ...) act on the data
    and return a plain array, like the comparisons.
    """
    if method == "__call__" and not kwargs:
        fn = _UFUNCS.get(ufunc)
        if fn is not None:
            return fn(*inputs)
    return getattr(ufunc, method)(*_plain(inputs), **_plain(kwargs))


Tensor.__array_ufunc__ = _array_ufunc

# NumPy functions (not ufuncs) with a differentiable counterpart: np.sum(t), np.concatenate([t, u]), ...
_FUNCTIONS = {
    np.sum: S.sum, np.mean: S.mean, np.max: S.max, np.min: S.min, np.amax: S.max, np.amin: S.min,
    np.reshape: S.reshape, np.transpose: S.transpose, np.swapaxes: S.swapaxes,
    np.expand_dims: S.expand_dims, np.squeeze: S.squeeze, np.broadcast_to: S.broadcast_to,
    np.concatenate: S.concatenate, np.stack: S.stack, np.where: M.where, np.clip: M.clip,
    np.dot: P.dot, np.outer: P.outer, np.einsum: P.einsum, np.var: St.var, np.std: St.std,
    np.linalg.norm: St.norm, np.cumsum: S.cumsum, np.diagonal: I.diagonal, np.trace: I.trace,
}


def _array_function(self, func, types, args, kwargs):
    """Dispatch NumPy functions to their differentiable versions; others act on the data."""
    fn = _FUNCTIONS.get(func)
    if fn is not None:
        try:
            return fn(*args, **kwargs)
        except TypeError:  # a NumPy-only argument (out=, dtype=, ...): fall through
            pass
    return func(*_plain(args), **_plain(kwargs))


Tensor.__array_function__ = _array_function
