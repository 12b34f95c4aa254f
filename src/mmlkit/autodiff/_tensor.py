"""The ``Tensor``, its operators, and gradient mode (the engine is in ``_engine``).

A ``Tensor`` wraps a NumPy array (``.data``). When gradient recording is on and
an operation has an input that requires a gradient, its output remembers
``_parents`` (the inputs that require a gradient), ``_vjp`` (the derivative
rule, a function ``(g, node) -> tuple of gradients``, one per parent) and
``_ctx`` (whatever else the rule needs). That is the whole graph: there is no
separate node class, so recording an operation costs one object.

Every operator of ``Tensor`` (``+ - * / ** @``, comparisons, indexing,
in-place updates) is defined in its class body and calls the differentiable
function of the same name (``_math``, ``_indexing``); the NumPy-like methods
(``sum``, ``exp``, ...) and the NumPy protocols are attached in ``_methods``.

In-place changes are tracked with version stamps: every in-place ``Tensor``
operation stamps the tensor with a fresh value of a process-wide counter; each
recorded node remembers the counter's value when it was made; a node whose
inputs (or itself) were stamped later than that cannot be differentiated
correctly, and ``backward`` says so. Writing into ``.data`` (the raw array)
bypasses tracking, exactly like ``torch.Tensor.data``: it is the escape hatch
optimizers use for their updates.

Batched backward passes (many cotangents at once, for Jacobians): a cotangent
carries leading batch axes, as many as it has beyond its node's own
(:func:`_batch_nd`); rules written with trailing axes need not know, the
others read the count off their arguments. No global state is involved.

Threads: gradient mode lives in a context variable, so each thread (and each
asyncio task) has its own, as PyTorch keeps grad mode per thread: ``no_grad()``
in one thread never switches recording off in another, and a new thread starts with recording on. The
version counter is shared by all threads (a tensor may be shared too) and
advanced under a lock, so stamps stay unique and increasing.
"""

from __future__ import annotations

import functools
import threading
from contextvars import ContextVar

import numpy as np

from mmlkit._validation import validate_args

__all__ = [
    "Tensor",
    "as_tensor",
    "enable_grad",
    "is_grad_enabled",
    "no_grad",
    "ones",
    "ones_like",
    "set_grad_enabled",
    "tensor",
    "zeros",
    "zeros_like",
]


# Record operations? Per thread/context; a fresh thread sees the default (on).
_GRAD_ENABLED: ContextVar[bool] = ContextVar("mmlkit_autodiff_grad_enabled", default=True)


class _Epoch:
    """The process-wide in-place counter (version stamps), advanced under a lock."""

    __slots__ = ("value", "lock")

    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()


_EPOCH = _Epoch()
_new = object.__new__


# ---------------------------------------------------------------------------
# gradient mode


class set_grad_enabled:
    """Turn gradient recording on or off, as a context manager or a plain call.

    Parameters
    ----------
    mode : bool
        ``True`` records operations for ``backward``; ``False`` does not.

    Notes
    -----
    Like ``torch.set_grad_enabled``: calling it sets the mode at once; used in
    a ``with`` block it restores the previous mode on exit. The mode belongs to
    the calling thread (and asyncio task): other threads keep theirs, and a new
    thread starts with recording on.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, set_grad_enabled
    >>> x = tensor([1.0, 2.0], requires_grad=True)
    >>> with set_grad_enabled(False):
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    @validate_args({"mode": ["boolean"]})
    def __init__(self, mode: bool):
        self.prev = _GRAD_ENABLED.get()
        _GRAD_ENABLED.set(bool(mode))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _GRAD_ENABLED.set(self.prev)
        return False


class _GradMode:
    _mode = True

    def __enter__(self):
        self.prev = _GRAD_ENABLED.get()
        _GRAD_ENABLED.set(self._mode)
        return self

    def __exit__(self, *exc):
        _GRAD_ENABLED.set(self.prev)
        return False

    def __call__(self, func):
        mode = self._mode

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return func(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Context manager (and decorator) that turns gradient recording off.

    Inside it, operations build no graph, and in-place updates of tensors that
    require a gradient are allowed (``p -= lr * p.grad``), as in PyTorch.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor, no_grad
    >>> w = tensor([1.0, 2.0], requires_grad=True)
    >>> (w * w).sum().backward()
    >>> with no_grad():
    ...     w -= 0.1 * w.grad
    >>> w.data
    array([0.8, 1.6])
    """

    _mode = False


class enable_grad(_GradMode):
    """Context manager (and decorator) that turns gradient recording on."""

    _mode = True


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for differentiation (in this thread)."""
    return _GRAD_ENABLED.get()


# ---------------------------------------------------------------------------
# construction


def _node(data, op: str | None = None, parents: tuple = (), vjp=None, ctx=None, t=None) -> Tensor:
    """Set up a tensor's fields: the one place they are written.

    A recorded result when ``vjp`` is given (``vjp(g, node)`` returns one
    gradient per parent); otherwise a tensor with no history (:func:`_wrap`,
    the fast path of every operation). ``t``: an allocated tensor to fill
    (``Tensor.__init__``); a new one when None.
    """
    if type(data) is not np.ndarray:
        data = np.asarray(data)
    if t is None:
        t = _new(Tensor)
    t.data = data
    t.grad = None
    t.requires_grad = vjp is not None
    t._parents = parents
    t._vjp = vjp
    t._ctx = ctx
    t._op = op
    t._version = 0
    t._epoch = _EPOCH.value
    t._retain = False
    return t


_wrap = _node  # ``_wrap(array)``: a tensor with no history

#: ``_ctx`` of a history-free cotangent whose array its rule has just made and holds nowhere else
_OWNED = object()


def _owned(array: np.ndarray) -> Tensor:
    """A cotangent a derivative rule has just allocated and keeps no reference to.

    A leaf may adopt it as its ``.grad`` without a copy (the engine copies every other
    cotangent, which a rule, the caller or another node may still see). Only a rule that
    returns a newly computed array, once, may use it.
    """
    t = _node(array)
    t._ctx = _OWNED
    return t


def _float_array(data, dtype, copy: bool) -> np.ndarray:
    from mmlkit._validation import as_float_array

    if isinstance(data, Tensor):
        data = data.data
    arr = as_float_array(data, "data", finite=False, nonempty=False, dtype=dtype, copy=copy)
    return arr


def tensor(data, requires_grad: bool = False, dtype=None) -> Tensor:
    """Make a leaf ``Tensor`` holding a copy of ``data``.

    Parameters
    ----------
    data : array_like or Tensor
        The values, any shape. float32 and float64 keep their dtype; integers
        and booleans become float64.
    requires_grad : bool, default=False
        Record operations on this tensor so ``backward`` can fill ``.grad``.
    dtype : {None, numpy.float32, numpy.float64}, default=None
        Force a floating dtype.

    Returns
    -------
    Tensor
        A leaf (no history). The caller's array is copied, never shared.

    Raises
    ------
    ValueError
        If ``data`` is not numeric, is complex, or is ragged.

    Examples
    --------
    >>> from mmlkit.autodiff import tensor
    >>> x = tensor([[1.0, 2.0]], requires_grad=True)
    >>> x.shape, x.dtype
    ((1, 2), dtype('float64'))
    """
    t = _wrap(_float_array(data, dtype, copy=True))
    t.requires_grad = bool(requires_grad)
    return t


def zeros(shape, dtype=np.float64, requires_grad: bool = False) -> Tensor:
    """A leaf tensor of zeros.

    Parameters
    ----------
    shape : int or tuple of int
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
    requires_grad : bool, default=False

    Examples
    --------
    >>> zeros((2, 3)).shape
    (2, 3)
    """
    return tensor(np.zeros(shape, dtype=dtype), requires_grad=requires_grad)


def ones(shape, dtype=np.float64, requires_grad: bool = False) -> Tensor:
    """A leaf tensor of ones (see :func:`zeros`).

    Examples
    --------
    >>> ones(2)
    Tensor([1., 1.])
    """
    return tensor(np.ones(shape, dtype=dtype), requires_grad=requires_grad)


def zeros_like(x, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape and dtype of ``x`` (a Tensor or an array)."""
    x = x.data if isinstance(x, Tensor) else np.asarray(x)
    return zeros(x.shape, x.dtype if x.dtype in (np.float32, np.float64) else np.float64, requires_grad)


def ones_like(x, requires_grad: bool = False) -> Tensor:
    """Ones with the shape and dtype of ``x`` (a Tensor or an array)."""
    x = x.data if isinstance(x, Tensor) else np.asarray(x)
    return ones(x.shape, x.dtype if x.dtype in (np.float32, np.float64) else np.float64, requires_grad)


def as_tensor(data, dtype=None) -> Tensor:
    """Like :func:`tensor` but shares ``data``'s memory when no conversion is needed.

    A ``Tensor`` is returned unchanged (when ``dtype`` agrees).
    """
    if isinstance(data, Tensor) and (dtype is None or data.data.dtype == np.dtype(dtype)):
        return data
    return _wrap(_float_array(data, dtype, copy=False))


# ---------------------------------------------------------------------------
# the Tensor


class Tensor:
    """An n-dimensional array that records operations for reverse-mode differentiation.

    Parameters
    ----------
    data : array_like
        The values (copied). float32 and float64 are kept; other numbers become float64.
    requires_grad : bool, default=False
        Whether ``backward`` should compute a gradient for this tensor.
    dtype : numpy dtype, optional
        Force a floating dtype.

    Attributes
    ----------
    data : numpy.ndarray
        The values. Writing into it is never recorded (use it for optimizer updates).
    grad : Tensor or None
        The accumulated gradient after ``backward`` (a leaf's, like PyTorch).
    requires_grad : bool
        Whether operations on it are recorded.

    Notes
    -----
    Operators (``+ - * / ** @``, unary ``-``, reflected forms), indexing and the
    NumPy-like methods all return new tensors and are differentiable.
    Comparisons return boolean NumPy arrays (they have no derivative).
    NumPy ufuncs applied to a tensor (``np.exp(t)``) dispatch to the
    differentiable version when one exists.

    Examples
    --------
    >>> from mmlkit.autodiff import Tensor
    >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    >>> y = (x ** 2).sum()
    >>> y.backward()
    >>> x.grad
    Tensor([2., 4., 6.])
    """

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_vjp", "_ctx", "_op",
                 "_version", "_epoch", "_retain", "__weakref__")
    __array_priority__ = 1000.0

    def __init__(self, data, requires_grad: bool = False, dtype=None):
        _node(_float_array(data, dtype, copy=True), t=self)
        self.requires_grad = bool(requires_grad)

    # -- array-like attributes ---------------------------------------------
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (no recorded history)."""
        return self._vjp is None

    @property
    def op(self) -> str | None:
        """Name of the operation that produced this tensor (None for a leaf)."""
        return self._op

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return self.data.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extra = ""
        if self.data.dtype != np.float64:
            extra += f", dtype={self.data.dtype}"
        if self._op is not None:
            extra += f", op={self._op}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"Tensor({body}{extra})"

    # -- operators: each calls the differentiable function of the same name ------
    def __add__(self, other):
        return _M.add(self, other)

    def __radd__(self, other):
        return _M.add(other, self)

    def __sub__(self, other):
        return _M.subtract(self, other)

    def __rsub__(self, other):
        return _M.subtract(other, self)

    def __mul__(self, other):
        return _M.multiply(self, other)

    def __rmul__(self, other):
        return _M.multiply(other, self)

    def __truediv__(self, other):
        return _M.divide(self, other)

    def __rtruediv__(self, other):
        return _M.divide(other, self)

    def __pow__(self, other):
        return _M.power(self, other)

    def __rpow__(self, other):
        return _M.power(other, self)

    def __matmul__(self, other):
        return _M.matmul(self, other)

    def __rmatmul__(self, other):
        return _M.matmul(other, self)

    def __neg__(self):
        return _M.negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _M.abs(self)

    def __getitem__(self, idx):
        return _I.getitem(self, idx)

    # -- comparisons: no derivative, boolean arrays --------------------------------
    def __lt__(self, other):
        return np.less(self.data, _plain(other))

    def __le__(self, other):
        return np.less_equal(self.data, _plain(other))

    def __gt__(self, other):
        return np.greater(self.data, _plain(other))

    def __ge__(self, other):
        return np.greater_equal(self.data, _plain(other))

    def __eq__(self, other):
        return np.equal(self.data, _plain(other))

    def __ne__(self, other):
        return np.not_equal(self.data, _plain(other))

    __hash__ = object.__hash__

    # -- in-place updates (PyTorch semantics: refused on a recorded tensor) ---------
    def _check_inplace(self, other=None):
        if _GRAD_ENABLED.get() and (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)):
            what = "a leaf that requires grad" if self.is_leaf else "a tensor that is part of a graph"
            raise RuntimeError(
                f"in-place operation on {what} while gradients are recorded; "
                "wrap the update in `with no_grad():` or use an out-of-place operation")

    def _inplace(self, ufunc, other):
        self._check_inplace(other)
        ufunc(self.data, _plain(other), out=self.data, casting="same_kind")
        _bump_version(self)
        return self

    def __iadd__(self, other):
        return self._inplace(np.add, other)

    def __isub__(self, other):
        return self._inplace(np.subtract, other)

    def __imul__(self, other):
        return self._inplace(np.multiply, other)

    def __itruediv__(self, other):
        return self._inplace(np.divide, other)

    add_, sub_, mul_, div_ = __iadd__, __isub__, __imul__, __itruediv__

    def __setitem__(self, idx, value):
        self._check_inplace(value)
        self.data[_I._plain_index(idx)] = _plain(value)
        _bump_version(self)

    def __array__(self, dtype=None, copy=None):
        """NumPy 2's protocol: a view of ``.data`` unless a copy is asked for or needed.

        ``copy=True`` always copies, ``copy=False`` never does (``ValueError`` when a
        dtype conversion would need one), ``copy=None`` copies only to convert.
        """
        if dtype is None or np.dtype(dtype) == self.data.dtype:
            return self.data.copy() if copy else self.data
        if copy is False:
            raise ValueError(f"converting a {self.data.dtype} Tensor to {np.dtype(dtype)} needs a copy, "
                             "but copy=False was given")
        return self.data.astype(dtype)

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.data)

    def __int__(self) -> int:
        return int(self.data)

    def item(self) -> float:
        """The value of a one-element tensor as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, got shape {self.data.shape}")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied), like ``torch.Tensor.numpy``."""
        return self.data

    def tolist(self):
        return self.data.tolist()

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut from the graph."""
        return _wrap(self.data)

    def retain_grad(self) -> None:
        """Also fill ``.grad`` of this non-leaf tensor during ``backward`` (leaves always get it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad() on a tensor that does not require grad")
        self._retain = True  # a flag on the tensor itself: no shared registry to race on

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on a leaf in place; returns ``self``."""
        if not self.is_leaf and not requires_grad:
            raise RuntimeError("requires_grad can only be changed on leaf tensors; use detach()")
        self.requires_grad = bool(requires_grad)
        return self

    # -- differentiation ---------------------------------------------------
    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False):
        """Accumulate d(self)/d(leaf) into the ``.grad`` of every leaf that requires it.

        Parameters
        ----------
        gradient : array_like or Tensor, optional
            The cotangent ∂L/∂self, same shape as ``self``. May be omitted only for
            a one-element tensor (it is then 1).
        retain_graph : bool, optional
            Keep the graph so ``backward`` can run through it again. Defaults to
            ``create_graph``. Without it, a second call raises ``RuntimeError``.
        create_graph : bool, default=False
            Record the backward pass itself, so the gradients are differentiable
            (higher-order derivatives).

        Notes
        -----
        Reverse-mode accumulation: with adjoints v̄ = ∂L/∂v, every node passes
        ū_i += v̄ · ∂v/∂u_i to its inputs, nodes visited in reverse topological
        order. Cost: a small constant times the forward pass.
        """
        if not self.requires_grad:
            raise RuntimeError("backward(): this tensor does not require grad and has no history")
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward(): gradient can be omitted only for one-element outputs, got shape {self.data.shape}")
            seed = _wrap(np.ones(self.data.shape, dtype=self.data.dtype))
        else:
            seed = _E._seed(gradient, self)
        if retain_graph is None:
            retain_graph = create_graph
        _E._backprop([self], [seed], None, retain_graph, create_graph)


def _bump_version(t: Tensor):
    with _EPOCH.lock:
        _EPOCH.value += 1
        t._version = _EPOCH.value


def _batch_nd(g: Tensor, node: Tensor) -> int:
    """Leading batch axes of the cotangent ``g`` of ``node``: those it has beyond node's shape."""
    return g.data.ndim - node.data.ndim


def _plain(value):
    """A Tensor operand as its array; anything else unchanged."""
    return value.data if isinstance(value, Tensor) else value


# The functions the operators and ``backward`` call; imported last, as they build on Tensor.
from mmlkit.autodiff import _engine as _E  # noqa: E402
from mmlkit.autodiff import _indexing as _I  # noqa: E402
from mmlkit.autodiff import _math as _M  # noqa: E402
