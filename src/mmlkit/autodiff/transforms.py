"""Function transforms in the style of HIPS autograd and JAX.

Each transform takes a function ``f`` written with Tensor operations and
returns a new function. Called with NumPy arrays it returns NumPy arrays;
called with Tensors (inside another transform) it returns differentiable
Tensors, so transforms compose: ``hessian(f) == jacobian(grad(f))`` and
``grad(grad(f))`` give higher derivatives.
"""

from __future__ import annotations

import numbers
from contextvars import ContextVar

import numpy as np

from mmlkit._validation import Interval, Options, as_float_array, check_random_state, validate_args
from mmlkit.autodiff._engine import gradients
from mmlkit.autodiff._tensor import _GRAD_ENABLED, Tensor, _node, _wrap, enable_grad

__all__ = ["check_grad", "grad", "hessian", "hvp", "jacobian", "jvp", "value_and_grad", "vjp"]


_DEPTH: ContextVar[int] = ContextVar("mmlkit_autodiff_transform_depth", default=0)


class _Depth:
    """How many transforms are running in this thread: an inner transform then
    returns differentiable Tensors. Per thread (a context variable), like grad mode."""

    def __enter__(self):
        self.token = _DEPTH.set(_DEPTH.get() + 1)
        return self

    def __exit__(self, *exc):
        _DEPTH.reset(self.token)
        return False


#: the constraint tables of the transforms' parameters
_F = {"f": ["callable"]}
_ARGNUMS = {"argnums": [Interval(numbers.Integral, None, None), "int-sequence"]}


def _identity_vjp(g, node):
    return (g,)


def _argnums(argnums, nargs: int) -> tuple[tuple, bool]:
    single = isinstance(argnums, numbers.Integral)
    nums = (int(argnums),) if single else tuple(int(a) for a in argnums)
    if not nums:
        raise ValueError("argnums must name at least one argument")
    for a in nums:
        if not -nargs <= a < nargs:
            raise ValueError(f"argnums={argnums} is out of range for {nargs} positional arguments")
    return tuple(a % nargs for a in nums), single


def _lift(value, name: str) -> tuple[Tensor, bool]:
    """A fresh differentiable input: a new node on top of a Tensor (nesting), or a leaf."""
    if isinstance(value, Tensor):
        if value.requires_grad:
            return _node(value.data, "identity", (value,), _identity_vjp), True
        value = value.data
    arr = as_float_array(value, name, finite=False)
    leaf = _wrap(arr)
    leaf.requires_grad = True
    return leaf, False


def _prepare(args, argnums):
    nums, single = _argnums(argnums, len(args))
    new_args = list(args)
    xs = []
    nested = _DEPTH.get() > 1  # called from inside another transform's function
    for i in nums:
        x, n = _lift(args[i], f"argument {i}")
        nested |= n
        new_args[i] = x
        xs.append(x)
    return new_args, xs, single, nested


def _as_output(y, name: str = "f") -> Tensor:
    if isinstance(y, Tensor):
        return y
    if isinstance(y, (list, tuple)) and any(isinstance(v, Tensor) for v in y):
        raise ValueError(f"{name} must return one Tensor, got a {type(y).__name__} of them; "
                         "combine outputs with ad.stack or ad.concatenate")
    try:
        return _wrap(np.asarray(y, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must return a Tensor or an array, got {type(y).__name__}") from None


def _out(t: Tensor, nested: bool):
    return t if nested else t.data


def _scalar(y: Tensor) -> Tensor:
    if y.data.size != 1:
        raise ValueError(f"f must return a scalar (one element) to take its gradient, got shape {y.data.shape}")
    return y


@validate_args({**_F, **_ARGNUMS})
def value_and_grad(f, argnums=0):
    """Return a function computing ``(f(*args), ∇f(*args))`` in one forward and one backward pass.

    Parameters
    ----------
    f : callable
        Scalar-valued; receives Tensors for the ``argnums`` arguments.
    argnums : int or tuple of int, default=0
        Which positional arguments to differentiate with respect to. A tuple
        gives a tuple of gradients.

    Returns
    -------
    callable
        ``(*args, **kwargs) -> (value, gradient)``; NumPy in, NumPy out.

    Notes
    -----
    Reverse mode: one backward sweep gives all ∂f/∂xᵢ at a small constant
    multiple of the cost of f.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import value_and_grad
    >>> value_and_grad(lambda x: (x ** 2).sum())(np.array([1.0, 2.0]))
    (array(5.), array([2., 4.]))
    """

    def wrapped(*args, **kwargs):
        with enable_grad(), _Depth():
            new_args, xs, single, nested = _prepare(args, argnums)
            y = _scalar(_as_output(f(*new_args, **kwargs)))
            if not y.requires_grad:
                gs = [_wrap(np.zeros_like(x.data)) for x in xs]
            else:
                gs = gradients(y, xs, create_graph=nested, retain_graph=nested)
        value = _out(y.reshape(()) if y.data.ndim else y, nested)
        out = [_out(gx, nested) for gx in gs]
        return value, (out[0] if single else tuple(out))

    wrapped.__name__ = f"value_and_grad({getattr(f, '__name__', 'f')})"
    return wrapped


@validate_args({**_F, **_ARGNUMS})
def grad(f, argnums=0):
    """Return the gradient function x ↦ ∇f(x) of a scalar function (see :func:`value_and_grad`).

    Parameters
    ----------
    f : callable
        Scalar-valued, written with Tensor operations.
    argnums : int or tuple of int, default=0

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import grad, sin
    >>> float(grad(sin)(np.array(0.0)))
    1.0
    >>> float(grad(grad(sin))(np.array(0.0)))  # any order
    -0.0
    """
    vg = value_and_grad(f, argnums)

    def wrapped(*args, **kwargs):
        return vg(*args, **kwargs)[1]

    wrapped.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return wrapped


@validate_args(_F)
def vjp(f, *primals):
    """Evaluate f at ``primals`` and return ``(f(*primals), vjp_fn)``, as ``jax.vjp``.

    ``vjp_fn(v)`` returns the tuple (vᵀ ∂f/∂x₁, …, vᵀ ∂f/∂xₖ), one entry per
    primal; it may be called many times (the graph is kept).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import vjp
    >>> y, pullback = vjp(lambda x: 3 * x, np.array([1.0, 2.0]))
    >>> pullback(np.array([1.0, 1.0]))
    (array([3., 3.]),)
    """
    if not primals:
        raise ValueError("vjp needs at least one primal")
    with enable_grad(), _Depth():
        new_args, xs, _, nested = _prepare(primals, tuple(range(len(primals))))
        y = _as_output(f(*new_args))

    def vjp_fn(v):
        vt = v if isinstance(v, Tensor) else as_float_array(v, "v", finite=False, dtype=y.data.dtype)
        if np.shape(vt.data if isinstance(vt, Tensor) else vt) != y.data.shape:
            raise ValueError(f"v must have the output's shape {y.data.shape}, got {np.shape(vt)}")
        with enable_grad(), _Depth():
            if not y.requires_grad:
                gs = [_wrap(np.zeros_like(x.data)) for x in xs]
            else:
                gs = gradients(y, xs, grad_outputs=vt, retain_graph=True,
                               create_graph=nested or isinstance(v, Tensor) and v.requires_grad)
        return tuple(_out(g, nested) for g in gs)

    return _out(y, nested), vjp_fn


def _double_vjp(y: Tensor, xs: list, vs: list, batched: bool, create_graph: bool) -> Tensor:
    """J·v through two reverse passes: u ↦ Jᵀu is linear, and its vjp at v is Jv."""
    if not y.requires_grad:
        batch = (vs[0].data.shape[0],) if batched else ()
        return _wrap(np.zeros(batch + y.data.shape, dtype=y.data.dtype))
    u = _wrap(np.zeros_like(y.data))
    u.requires_grad = True
    gx = gradients(y, xs, grad_outputs=u, create_graph=True)
    pairs = [(g, v) for g, v in zip(gx, vs) if g.requires_grad]
    if not pairs:
        batch = (vs[0].data.shape[0],) if batched else ()
        return _wrap(np.zeros(batch + y.data.shape, dtype=y.data.dtype))
    (ju,) = gradients([g for g, _ in pairs], u, grad_outputs=[v for _, v in pairs],
                      create_graph=create_graph, batched=batched)
    return ju


@validate_args(_F)
def jvp(f, primals, tangents):
    """Forward-mode product: return ``(f(*primals), J·tangents)``, as ``jax.jvp``.

    Parameters
    ----------
    f : callable
        Written with Tensor operations.
    primals : tuple of array_like
        The point x.
    tangents : tuple of array_like
        The direction v, one per primal, of the same shapes.

    Notes
    -----
    Computed by the double-vjp construction: u ↦ Jᵀu is linear in u, so the
    vjp of that map at v is (Jᵀ)ᵀv = Jv. Three passes over the graph (forward,
    one recorded backward over vectors, one backward with the tangent), so the
    cost is a small multiple of f's, independent of the input dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import jvp, sin
    >>> jvp(sin, (np.array(0.0),), (np.array(2.0),))
    (array(0.), array(2.))
    """
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"tangents must match primals in number: {len(primals)} vs {len(tangents)}")
    with enable_grad(), _Depth():
        new_args, xs, _, nested = _prepare(primals, tuple(range(len(primals))))
        vs = []
        for x, t in zip(xs, tangents):
            v = t if isinstance(t, Tensor) else _wrap(as_float_array(t, "tangents", finite=False, dtype=x.data.dtype))
            if v.data.shape != x.data.shape:
                raise ValueError(f"each tangent must have its primal's shape {x.data.shape}, got {v.data.shape}")
            vs.append(v)
        y = _as_output(f(*new_args))
        jv = _double_vjp(y, xs, vs, batched=False, create_graph=nested)
    return _out(y, nested), _out(jv, nested)


@validate_args({**_F, **_ARGNUMS, "mode": [Options(("auto", "rev", "fwd"))]})
def jacobian(f, argnums=0, mode: str = "auto"):
    """Return the Jacobian function x ↦ ∂f/∂x, of shape ``f(x).shape + x.shape``.

    Parameters
    ----------
    f : callable
        Written with Tensor operations.
    argnums : int or tuple of int, default=0
    mode : {"auto", "rev", "fwd"}, default="auto"
        "rev": m vector–Jacobian products (one per output), pushed through the
        graph together as one batched backward pass over the identity basis;
        best when outputs are fewer than inputs. "fwd": n Jacobian–vector
        products (one per input) batched the same way (double-vjp construction);
        best when inputs are fewer. "auto" picks "fwd" when the inputs have fewer
        elements than the output, else "rev".

    Notes
    -----
    Each pass carries a batch of cotangents, so the m (or n) products become a
    few matrix–matrix products instead of many matrix–vector ones: cost
    O(min(m, n) · cost(f)) flops, in BLAS.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import jacobian
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> jacobian(lambda x: A @ x)(np.ones(2))
    array([[1., 2.],
           [3., 4.],
           [5., 6.]])
    """

    def wrapped(*args, **kwargs):
        with enable_grad(), _Depth():
            new_args, xs, single, nested = _prepare(args, argnums)
            y = _as_output(f(*new_args, **kwargs))
            m = y.data.size
            jacs = []
            use = mode
            if mode == "auto":
                use = "fwd" if sum(x.data.size for x in xs) < m else "rev"
            if use == "rev":
                if not y.requires_grad:
                    gs = [_wrap(np.zeros((m,) + x.data.shape, dtype=x.data.dtype)) for x in xs]
                else:
                    basis = _wrap(np.eye(m, dtype=y.data.dtype).reshape((m,) + y.data.shape))
                    gs = gradients(y, xs, grad_outputs=basis, batched=True, create_graph=nested,
                                   retain_graph=nested)
                jacs = [g.reshape(y.data.shape + x.data.shape) for x, g in zip(xs, gs)]
            else:
                for k, x in enumerate(xs):
                    n = x.data.size
                    basis = _wrap(np.eye(n, dtype=x.data.dtype).reshape((n,) + x.data.shape))
                    vs = [basis if j == k else _wrap(np.zeros((n,) + z.data.shape, dtype=z.data.dtype))
                          for j, z in enumerate(xs)]
                    jv = _double_vjp(y, xs, vs, batched=True, create_graph=nested)  # (n, *y.shape)
                    jac = jv.reshape((n, m)).T.reshape(y.data.shape + x.data.shape)
                    jacs.append(jac)
        out = [_out(j, nested) for j in jacs]
        return out[0] if single else tuple(out)

    wrapped.__name__ = f"jacobian({getattr(f, '__name__', 'f')})"
    return wrapped


@validate_args({**_F, "argnums": [Interval(numbers.Integral, None, None)]})
def hessian(f, argnums=0):
    """Return the Hessian function x ↦ ∇²f(x) of a scalar function, shape ``x.shape + x.shape``.

    Notes
    -----
    Forward-over-reverse: ``jacobian(grad(f), mode="fwd")``. The gradient is
    recorded as a graph (reverse mode); the n Hessian–vector products
    ∇²f · eᵢ are then pushed through it as one batched pass over the identity
    basis. Cost O(n · cost(f)) flops, mostly matrix–matrix products.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import hessian
    >>> hessian(lambda x: (x ** 3).sum())(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    wrapped = jacobian(grad(f, argnums), argnums, mode="fwd")
    wrapped.__name__ = f"hessian({getattr(f, '__name__', 'f')})"
    return wrapped


@validate_args(_F)
def hvp(f, x, v):
    """Hessian–vector product ∇²f(x) · v without forming the Hessian.

    Notes
    -----
    Reverse-over-reverse: ∇²f(x)·v = ∇ₓ(∇f(x)·v), two reverse passes, so the
    cost is a small multiple of f's whatever the dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import hvp
    >>> hvp(lambda x: (x ** 3).sum(), np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([ 6., 12.])
    """
    with enable_grad(), _Depth():
        _, (xt,), _, nested = _prepare((x,), 0)
        vt = v if isinstance(v, Tensor) else _wrap(as_float_array(v, "v", finite=False, dtype=xt.data.dtype))
        if vt.data.shape != xt.data.shape:
            raise ValueError(f"v must have x's shape {xt.data.shape}, got {vt.data.shape}")
        y = _scalar(_as_output(f(xt)))
        if not y.requires_grad:
            return _out(_wrap(np.zeros_like(xt.data)), nested)
        (gx,) = gradients(y, xt, create_graph=True)
        if not gx.requires_grad:
            return _out(_wrap(np.zeros_like(xt.data)), nested)
        (hv,) = gradients((gx * vt).sum(), xt, create_graph=nested)
    return _out(hv, nested)


@validate_args({**_F, "eps": [None, Interval(numbers.Real, 0, None, closed="neither")],
                "rtol": [Interval(numbers.Real, 0, None, closed="neither")],
                "atol": [Interval(numbers.Real, 0, None)], "n_directions": [Interval(numbers.Integral, 1, None)],
                "random_state": ["random_state"]})
def check_grad(f, *args, eps: float | None = None, rtol: float = 1e-5, atol: float = 1e-7,
               n_directions: int = 3, random_state=0) -> float:
    """Check f's reverse-mode derivatives against central differences along random directions.

    Parameters
    ----------
    f : callable
        Written with Tensor operations; any output shape.
    *args : array_like
        The point at which to check (all arguments are differentiated).
    eps : float, optional
        Finite-difference step; default ε^(1/3) · max(1, ‖x‖∞) for the dtype's ε.
    rtol, atol : float, default=1e-5, 1e-7
        The check fails where |analytic − numeric| > atol + rtol · |numeric|.
    n_directions : int, default=3
        Number of random (input direction, output projection) pairs.
    random_state : int, Generator or None, default=0

    Returns
    -------
    float
        The largest relative error |a − n| / max(|n|, atol / rtol) over the directions.

    Raises
    ------
    mmlkit.exceptions.GradientCheckError
        When some direction exceeds the tolerance.

    Notes
    -----
    As ``autograd.test_util.check_grads``: for random v (inputs) and u (outputs),
    uᵀ(f(x + εv) − f(x − εv)) / 2ε must match the reverse-mode product
    (Jᵀu)·v. Truncation error O(ε²), rounding O(ε_mach/ε). Cost: 2 evaluations
    of f and one backward pass per direction.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import check_grad, tanh
    >>> check_grad(lambda x: tanh(x).sum(), np.array([0.3, -1.2])) < 1e-6
    True
    """
    from mmlkit.exceptions import GradientCheckError  # imported here: it pulls in scikit-learn

    if not args:
        raise ValueError("check_grad needs at least one argument")
    rng = check_random_state(random_state)
    xs = [as_float_array(a, f"argument {i}").astype(np.float64) for i, a in enumerate(args)]
    y0, pullback = vjp(f, *xs)
    worst = 0.0
    for _ in range(int(n_directions)):
        vs = [rng.standard_normal(x.shape) for x in xs]
        u = rng.standard_normal(np.shape(y0))
        analytic = sum(float(np.sum(g * v)) for g, v in zip(pullback(u), vs))
        steps = [eps or np.finfo(np.float64).eps ** (1 / 3) * max(1.0, float(np.max(np.abs(x)))) for x in xs]
        h = min(steps)

        def at(t, xs=xs, vs=vs):
            with _no_record():
                out = f(*[_wrap(x + t * v) for x, v in zip(xs, vs)])
            return np.asarray(out.data if isinstance(out, Tensor) else out)

        numeric = float(np.sum(u * (at(h) - at(-h)))) / (2 * h)
        err = abs(analytic - numeric)
        rel = err / max(abs(numeric), atol / rtol)
        worst = max(worst, rel)
        if err > atol + rtol * abs(numeric):
            raise GradientCheckError(
                f"gradient check failed: analytic directional derivative {analytic:.10g} vs "
                f"central difference {numeric:.10g} (relative error {rel:.3g} > rtol={rtol})")
    return float(worst)


class _no_record:
    def __enter__(self):
        self.token = _GRAD_ENABLED.set(False)

    def __exit__(self, *exc):
        _GRAD_ENABLED.reset(self.token)
        return False
