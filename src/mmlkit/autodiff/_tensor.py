"""The ``Tensor``, gradient mode, and the reverse-mode engine.

A ``Tensor`` wraps a NumPy array (``.data``). When gradient recording is on and
an operation has an input that requires a gradient, its output remembers
``_parents`` (the inputs that require a gradient), ``_vjp`` (the derivative
rule, a function ``(g, node) -> tuple of gradients``, one per parent) and
``_ctx`` (whatever else the rule needs). That is the whole graph: there is no
separate node class, so recording an operation costs one object.

``backward`` walks the graph iteratively (no recursion limit), in reverse
topological order, and sums the contributions that reach a node along every
path (re-used nodes get the sum of their adjoints).

In-place changes are tracked with version stamps: every in-place ``Tensor``
operation stamps the tensor with a fresh value of a process-wide counter; each
recorded node remembers the counter's value when it was made; a node whose
inputs (or itself) were stamped later than that cannot be differentiated
correctly, and ``backward`` says so. Writing into ``.data`` (the raw array)
bypasses tracking, exactly like ``torch.Tensor.data``: it is the escape hatch
optimizers use for their updates.

Threads: gradient mode and the batch depth of a running backward pass live in
context variables, so each thread (and each asyncio task) has its own, as
PyTorch keeps grad mode per thread: ``no_grad()`` in one thread never switches
recording off in another, and a new thread starts with recording on. The
version counter is shared by all threads (a tensor may be shared too) and
advanced under a lock, so stamps stay unique and increasing.
"""

from __future__ import annotations

import functools
import threading
from contextvars import ContextVar

import numpy as np

__all__ = [
    "Tensor",
    "as_tensor",
    "enable_grad",
    "gradients",
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
# Leading batch axes of the cotangents in this thread's running backward pass.
_BATCH_ND: ContextVar[int] = ContextVar("mmlkit_autodiff_batch_nd", default=0)


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

    __hash__ = object.__hash__

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
            seed = _wrap(np.ones_like(self.data))
        else:
            seed = _seed(gradient, self)
        if retain_graph is None:
            retain_graph = create_graph
        _backprop([self], [seed], None, retain_graph, create_graph)


def _seed(gradient, like: Tensor) -> Tensor:
    if isinstance(gradient, Tensor):
        g = gradient
    else:
        g = _wrap(np.asarray(gradient, dtype=like.data.dtype))
    if g.data.shape != like.data.shape:
        raise ValueError(f"gradient must have the output's shape {like.data.shape}, got {g.data.shape}")
    return g


# ---------------------------------------------------------------------------
# the engine


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
        leaf.grad = g if create_graph else _wrap(np.array(g.data, copy=True))
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


def _backprop(roots, seeds, inputs, retain_graph, create_graph, batch_nd=0):
    """Run reverse accumulation from ``roots`` with cotangents ``seeds``.

    With ``inputs`` None, leaf gradients are accumulated into ``.grad``;
    otherwise the adjoints of ``inputs`` are returned (in order, None where
    unreached) and nothing is written to ``.grad``. ``batch_nd`` leading axes
    of every cotangent are batch axes (many backward passes at once).
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
    batch_token = _BATCH_ND.set(batch_nd)
    try:
        for node in reversed(order):
            k = id(node)
            g = grads.pop(k, None)
            if g is None:
                continue
            if targets is not None:
                if k in targets:
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
        _BATCH_ND.reset(batch_token)
        _GRAD_ENABLED.reset(mode_token)
    if inputs is None:
        return None
    return [captured.get(id(x)) for x in inputs]


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
    if grad_outputs is None:
        gos = [None] * len(outs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray)) and len(outs) == 1:
        gos = [grad_outputs]
    else:
        gos = list(grad_outputs)
    if len(gos) != len(outs):
        raise ValueError(f"grad_outputs must have one entry per output ({len(outs)}), got {len(gos)}")
    roots, seeds = [], []
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
        if y.requires_grad:
            roots.append(y)
            seeds.append(v)
    if retain_graph is None:
        retain_graph = create_graph
    found = (_backprop(roots, seeds, ins, retain_graph, create_graph, 1 if batched else 0) if roots
             else [None] * len(ins))
    result = []
    batch = () if not batched or not gos else (np.shape(gos[0].data if isinstance(gos[0], Tensor) else gos[0])[0],)
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


def _bump_version(t: Tensor):
    with _EPOCH.lock:
        _EPOCH.value += 1
        t._version = _EPOCH.value
