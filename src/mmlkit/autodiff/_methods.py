"""Operators, methods and NumPy interoperability of ``Tensor``, attached in one place."""

from __future__ import annotations

import numpy as np

from mmlkit.autodiff import _math as M
from mmlkit.autodiff import _shape as S
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _bump_version, _wrap

# -- arithmetic operators (with reflected forms) -------------------------------
Tensor.__add__ = M.add
Tensor.__radd__ = lambda self, other: M.add(other, self)
Tensor.__sub__ = M.subtract
Tensor.__rsub__ = lambda self, other: M.subtract(other, self)
Tensor.__mul__ = M.multiply
Tensor.__rmul__ = lambda self, other: M.multiply(other, self)
Tensor.__truediv__ = M.divide
Tensor.__rtruediv__ = lambda self, other: M.divide(other, self)
Tensor.__pow__ = M.power
Tensor.__rpow__ = lambda self, other: M.power(other, self)
Tensor.__matmul__ = M.matmul
Tensor.__rmatmul__ = lambda self, other: M.matmul(other, self)
Tensor.__neg__ = M.negative
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = M.abs
Tensor.__getitem__ = S.getitem


# -- comparisons: no derivative, boolean arrays -------------------------------
def _cmp(op):
    def method(self, other):
        o = other.data if isinstance(other, Tensor) else other
        return op(self.data, o)

    return method


Tensor.__lt__ = _cmp(np.less)
Tensor.__le__ = _cmp(np.less_equal)
Tensor.__gt__ = _cmp(np.greater)
Tensor.__ge__ = _cmp(np.greater_equal)
Tensor.__eq__ = _cmp(np.equal)
Tensor.__ne__ = _cmp(np.not_equal)


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
Tensor.diagonal = S.diagonal
Tensor.trace = S.trace
Tensor.var = M.var
Tensor.std = M.std
Tensor.norm = M.norm
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
Tensor.dot = M.dot
Tensor.softmax = M.softmax
Tensor.log_softmax = M.log_softmax
Tensor.logsumexp = M.logsumexp
Tensor.argmax = lambda self, axis=None, keepdims=False: np.argmax(self.data, axis=axis, keepdims=keepdims)
Tensor.argmin = lambda self, axis=None, keepdims=False: np.argmin(self.data, axis=axis, keepdims=keepdims)


def _clone(self):
    """A copy with its own memory that stays in the graph (its derivative is the identity)."""
    return self * 1.0 if self.requires_grad and _GRAD_ENABLED.get() else _wrap(np.array(self.data))


Tensor.clone = _clone


# -- in-place operations (PyTorch semantics) -------------------------------------
def _check_inplace(self, other=None):
    if _GRAD_ENABLED.get() and (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)):
        what = "a leaf that requires grad" if self.is_leaf else "a tensor that is part of a graph"
        raise RuntimeError(
            f"in-place operation on {what} while gradients are recorded; "
            "wrap the update in `with no_grad():` or use an out-of-place operation")


def _inplace(ufunc):
    def method(self, other):
        _check_inplace(self, other)
        o = other.data if isinstance(other, Tensor) else other
        ufunc(self.data, o, out=self.data, casting="same_kind")
        _bump_version(self)
        return self

    return method


Tensor.__iadd__ = Tensor.add_ = _inplace(np.add)
Tensor.__isub__ = Tensor.sub_ = _inplace(np.subtract)
Tensor.__imul__ = Tensor.mul_ = _inplace(np.multiply)
Tensor.__itruediv__ = Tensor.div_ = _inplace(np.divide)


def _setitem(self, idx, value):
    _check_inplace(self, value)
    self.data[S._plain_index(idx)] = value.data if isinstance(value, Tensor) else value
    _bump_version(self)


def _copy_(self, src):
    """Overwrite the values with ``src`` (broadcast), in place."""
    _setitem(self, Ellipsis, src)
    return self


def _fill_(self, value):
    """Set every element to ``value``, in place."""
    _setitem(self, Ellipsis, value)
    return self


def _zero_(self):
    """Set every element to 0, in place."""
    return _fill_(self, 0.0)


Tensor.__setitem__ = _setitem
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
    np.dot: M.dot, np.outer: M.outer, np.einsum: M.einsum, np.var: M.var, np.std: M.std,
    np.linalg.norm: M.norm, np.cumsum: S.cumsum, np.diagonal: S.diagonal, np.trace: S.trace,
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
