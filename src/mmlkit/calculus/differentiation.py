"""Numerical differentiation: finite differences of any order, and Taylor polynomials.

Finite differences approximate f⁽ⁿ⁾(x) by a weighted sum of samples
f(x + sⱼh) whose weights are exact for polynomials up to the stencil's degree;
their error is truncation O(hᵖ) plus rounding O(ε/hⁿ), so the step h balances
the two. Taylor coefficients come from the autodiff engine (exact up to rounding).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mmlkit._validation import Interval, Options, as_float_array, validate_args

__all__ = ["TaylorPolynomial", "derivative", "finite_difference_weights", "gradient_fd",
           "hessian_fd", "jacobian_fd", "taylor"]

_EPS = np.finfo(np.float64).eps
_METHODS = ("central", "forward", "backward", "complex_step")
#: the constraint tables shared by the finite-difference functions (``h`` may be an array: checked in the body)
_FD = {"f": ["callable"], "method": [Options(_METHODS)]}


@validate_args({"n": [Interval(numbers.Integral, 0, None)]})
def finite_difference_weights(offsets, n: int) -> np.ndarray:
    """Weights w with Σⱼ wⱼ f(x + sⱼh) / hⁿ ≈ f⁽ⁿ⁾(x) for the stencil offsets sⱼ.

    Parameters
    ----------
    offsets : array_like of shape (k,)
        Distinct stencil points s₀, …, s_{k−1} (in units of h); k > n.
    n : int
        Derivative order.

    Returns
    -------
    ndarray of shape (k,)

    Notes
    -----
    Taylor-expanding f(x + sh) shows the weights solve the Vandermonde system
    Σⱼ wⱼ sⱼᵐ = n! δₘₙ for m = 0, …, k−1 (exact for polynomials of degree < k).
    Cost O(k³), k small.

    Examples
    --------
    >>> finite_difference_weights([-1, 0, 1], 2)
    array([ 1., -2.,  1.])
    """
    s = as_float_array(offsets, "offsets", ndim=1)
    if len(np.unique(s)) != len(s) or len(s) <= n:
        raise ValueError(f"offsets must be {n + 1} or more distinct points, got {s.tolist()}")
    V = s[None, :] ** np.arange(len(s))[:, None]
    rhs = np.zeros(len(s))
    rhs[n] = math.factorial(n)
    w = np.linalg.solve(V, rhs)
    return np.where(np.abs(w) < 1e-12 * np.abs(w).max(), 0.0, w)


def _stencil(method: str, n: int, accuracy: int = 2) -> np.ndarray:
    """Stencils with truncation error O(h^accuracy): central −k…k, one-sided n + accuracy points."""
    if method == "central":
        k = (n + accuracy - 1) // 2
        return np.arange(-k, k + 1, dtype=float)
    if method == "forward":
        return np.arange(0, n + accuracy, dtype=float)
    return -np.arange(0, n + accuracy, dtype=float)[::-1]


def _default_step(x: np.ndarray, n: int, accuracy: int = 2) -> np.ndarray:
    """h = ε^(1/(n+p)) · max(1, |x|): balances O(hᵖ) truncation against O(ε/hⁿ) rounding."""
    return _EPS ** (1.0 / (n + accuracy)) * np.maximum(1.0, np.abs(x))


@validate_args({**_FD, "n": [Interval(numbers.Integral, 1, None)], "accuracy": [Interval(numbers.Integral, 1, None)]})
def derivative(f, x, n: int = 1, method: str = "central", h=None, accuracy: int = 4):
    """The n-th derivative of a scalar function by finite differences (or the complex step).

    Parameters
    ----------
    f : callable
        f(x) for real x; vectorised over arrays if ``x`` is an array (elementwise).
        ``method="complex_step"`` needs f to accept complex input (analytic f).
    x : float or array_like
        Where to differentiate (any shape; the result has the same shape).
    n : int, default=1
        Derivative order (1 only for ``"complex_step"``).
    method : {"central", "forward", "backward", "complex_step"}, default="central"
    h : float or array_like, optional
        The step. Default: ε^(1/(n+p)) · max(1, |x|) for the difference stencils
        (p = ``accuracy``; it balances truncation O(hᵖ) against rounding O(ε/hⁿ)),
        and 1e-20 for the complex step.
    accuracy : int, default=4
        Order p of the truncation error of the difference stencil (≥ 1; even for
        "central"). 2 gives the classic 3-point formulas.

    Returns
    -------
    float or ndarray

    Notes
    -----
    Central: stencil −k…k with k = ⌊(n+p−1)/2⌋; forward/backward: n + p
    one-sided points; both with error O(hᵖ), weights from
    :func:`finite_difference_weights`. The complex step f'(x) ≈ Im f(x + ih)/h
    has no subtractive cancellation, so h = 1e-20 gives f' to full precision.
    Cost: len(stencil) evaluations of f.

    Examples
    --------
    >>> import numpy as np
    >>> round(derivative(np.sin, 0.0), 8)
    1.0
    >>> float(derivative(np.exp, 1.0, method="complex_step")) == float(np.exp(1.0))
    True
    """
    if method == "central" and accuracy % 2:
        raise ValueError(f"accuracy must be even for central differences, got {accuracy}")
    x_arr = as_float_array(x, "x", nonempty=False).astype(np.float64)
    if method == "complex_step":
        if n != 1:
            raise ValueError(f"the complex step gives first derivatives only (n=1), got n={n}")
        step = 1e-20 if h is None else as_float_array(h, "h")
        out = np.imag(f(x_arr + 1j * step)) / step
    else:
        step = _default_step(x_arr, n, accuracy) if h is None else as_float_array(h, "h")
        if np.any(step <= 0):
            raise ValueError("h must be positive")
        offsets = _stencil(method, n, accuracy)
        weights = finite_difference_weights(offsets, n)
        out = sum(w * np.asarray(f(x_arr + s * step), dtype=float) for s, w in zip(offsets, weights) if w != 0)
        out = out / step ** n
    out = np.asarray(out, dtype=float)
    return float(out) if out.ndim == 0 else out


def _point(x):
    x = as_float_array(x, "x", ndim=(0, 1)).astype(np.float64)
    return np.atleast_1d(x)


def _steps(h, n):
    """The step of each of the n coordinates: ``h`` (a positive number or n of them)."""
    step = np.broadcast_to(as_float_array(h, "h"), (n,))
    if np.any(step <= 0):
        raise ValueError(f"h must be positive, got {h!r}")
    return step


def _fd_columns(f, x, method, h):
    """Columns ∂f/∂xᵢ (one stencil per coordinate); f's output flattened."""
    n = x.size
    if method == "complex_step":
        step = np.full(n, 1e-20) if h is None else np.broadcast_to(as_float_array(h, "h"), (n,))
        cols = [np.imag(np.asarray(f(x + 1j * step[i] * np.eye(n)[i]))).ravel() / step[i] for i in range(n)]
        return np.stack(cols, axis=-1)
    step = _default_step(x, 1) if h is None else _steps(h, n)
    offsets = _stencil(method, 1)
    weights = finite_difference_weights(offsets, 1)
    E = np.eye(n) * step[:, None]
    cols = []
    for i in range(n):  # f is a black box: one stencil per coordinate
        col = sum(w * np.asarray(f(x + s * E[i]), dtype=float).ravel() for s, w in zip(offsets, weights) if w != 0)
        cols.append(col / step[i])
    return np.stack(cols, axis=-1)


@validate_args(_FD)
def gradient_fd(f, x, method: str = "central", h=None) -> np.ndarray:
    """Gradient ∇f(x) of a scalar function of a vector by finite differences.

    Parameters
    ----------
    f : callable
        f(x) -> float for x of shape (n,).
    x : array_like of shape (n,)
    method : {"central", "forward", "backward", "complex_step"}, default="central"
    h : float or array_like of shape (n,), optional
        Steps per coordinate; default ε^(1/3) · max(1, |xᵢ|).

    Returns
    -------
    ndarray of shape (n,)

    Notes
    -----
    ∂f/∂xᵢ ≈ (f(x + hᵢeᵢ) − f(x − hᵢeᵢ)) / 2hᵢ, error O(h²). Cost 2n evaluations.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(gradient_fd(lambda v: v @ v, np.array([1.0, 2.0])), 6)
    array([2., 4.])
    """
    x = _point(x)
    J = _fd_columns(f, x, method, h)
    if J.shape[0] != 1:
        raise ValueError(f"f must return a scalar for gradient_fd, got {J.shape[0]} values")
    return J[0]


@validate_args(_FD)
def jacobian_fd(f, x, method: str = "central", h=None) -> np.ndarray:
    """Jacobian ∂f/∂x of f: ℝⁿ → ℝᵐ by finite differences, shape (m, n).

    Parameters
    ----------
    f : callable
        f(x) -> array of shape (m,) for x of shape (n,).
    x : array_like of shape (n,)
    method : {"central", "forward", "backward", "complex_step"}, default="central"
    h : float or array_like of shape (n,), optional

    Notes
    -----
    Column i is the difference quotient along eᵢ. Cost 2n evaluations (central).

    Examples
    --------
    >>> import numpy as np
    >>> np.round(jacobian_fd(lambda v: np.array([v[0] * v[1], v[0]]), [2.0, 3.0]), 6)
    array([[3., 2.],
           [1., 0.]])
    """
    return _fd_columns(f, _point(x), method, h)


@validate_args({"f": ["callable"]})
def hessian_fd(f, x, h=None) -> np.ndarray:
    """Hessian ∇²f(x) of a scalar function by central second differences, shape (n, n).

    Parameters
    ----------
    f : callable
        f(x) -> float for x of shape (n,).
    x : array_like of shape (n,)
    h : float or array_like of shape (n,), optional
        Steps; default ε^(1/4) · max(1, |xᵢ|) (balances O(h²) against O(ε/h²)).

    Notes
    -----
    Hᵢⱼ ≈ [f(x+hᵢeᵢ+hⱼeⱼ) − f(x+hᵢeᵢ−hⱼeⱼ) − f(x−hᵢeᵢ+hⱼeⱼ) + f(x−hᵢeᵢ−hⱼeⱼ)] / 4hᵢhⱼ,
    and Hᵢᵢ ≈ [f(x+2hᵢeᵢ) − 2f(x) + f(x−2hᵢeᵢ)] / 4hᵢ² (the same formula with i = j);
    error O(h²), symmetric by construction. Cost 2n² + 1 evaluations.

    Examples
    --------
    >>> import numpy as np
    >>> np.round(hessian_fd(lambda v: v[0] ** 2 * v[1], [1.0, 2.0]), 5)
    array([[4., 2.],
           [2., 0.]])
    """
    x = _point(x)
    n = x.size
    step = _default_step(x, 2) if h is None else _steps(h, n)
    E = np.eye(n) * step[:, None]

    def fx(v):
        val = np.asarray(f(v), dtype=float)
        if val.size != 1:
            raise ValueError(f"f must return a scalar for hessian_fd, got shape {val.shape}")
        return float(val)

    H = np.empty((n, n))
    for i in range(n):
        for j in range(i, n):
            num = (fx(x + E[i] + E[j]) - fx(x + E[i] - E[j]) - fx(x - E[i] + E[j]) + fx(x - E[i] - E[j]))
            H[i, j] = H[j, i] = num / (4 * step[i] * step[j])
    return H


class TaylorPolynomial:
    """The Taylor polynomial p(x) = Σₖ cₖ (x − x₀)ᵏ of a function around x₀.

    Attributes
    ----------
    coefficients : ndarray of shape (order + 1,)
        cₖ = f⁽ᵏ⁾(x₀) / k!, lowest degree first.
    x0 : float
        The expansion point.
    order : int
    derivatives : ndarray of shape (order + 1,)
        f⁽ᵏ⁾(x₀).
    """

    def __init__(self, coefficients, x0: float):
        self.coefficients = np.asarray(coefficients, dtype=float)
        self.x0 = float(x0)
        self.order = len(self.coefficients) - 1
        self.derivatives = self.coefficients * np.array([math.factorial(k) for k in range(self.order + 1)])

    def __call__(self, x):
        """Evaluate by Horner's rule in (x − x₀): O(order) per point."""
        t = np.asarray(x, dtype=float) - self.x0
        out = np.zeros_like(t)
        for c in self.coefficients[::-1]:
            out = out * t + c
        return float(out) if out.ndim == 0 else out

    def __repr__(self) -> str:
        terms = " + ".join(f"{c:.6g}·(x−{self.x0:g})^{k}" for k, c in enumerate(self.coefficients))
        return f"TaylorPolynomial({terms})"


@validate_args({"f": ["callable"], "x0": [Interval(numbers.Real, None, None)],
                "order": [Interval(numbers.Integral, 0, None)]})
def taylor(f, x0, order: int) -> TaylorPolynomial:
    """Taylor polynomial of f around x₀ up to ``order``, coefficients by automatic differentiation.

    Parameters
    ----------
    f : callable
        A scalar function written with :mod:`mmlkit.autodiff` operations
        (it receives a 0-d Tensor), e.g. ``lambda x: ad.sin(x) * ad.exp(x)``.
    x0 : float
        Expansion point.
    order : int
        Highest degree (≥ 0).

    Returns
    -------
    TaylorPolynomial
        Callable on floats or arrays; ``.coefficients`` holds cₖ = f⁽ᵏ⁾(x₀)/k!.

    Notes
    -----
    f(x) ≈ Σₖ₌₀ᴺ f⁽ᵏ⁾(x₀)/k! · (x − x₀)ᵏ. Each derivative is the reverse-mode
    gradient of the previous one, recorded as a graph (``create_graph=True``),
    so the k-th derivative is exact up to rounding; the graph grows with k, so
    the cost grows polynomially with the order.

    Examples
    --------
    >>> import mmlkit.autodiff as ad
    >>> p = taylor(ad.exp, 0.0, 4)
    >>> p.coefficients.round(6)
    array([1.      , 1.      , 0.5     , 0.166667, 0.041667])
    """
    from mmlkit.autodiff import Tensor, enable_grad, gradients, tensor

    with enable_grad():
        x = tensor(float(x0), requires_grad=True)
        y = f(x)
        if order > 0 and not isinstance(y, Tensor):
            raise TypeError(
                "f must be written with mmlkit.autodiff operations on its Tensor argument so it can be "
                f"differentiated; it returned a {type(y).__name__}, which carries no derivative (a "
                "constant function may return ad.tensor(c))")
        if not isinstance(y, Tensor):
            y = tensor(y)
        if y.size != 1:
            raise ValueError(f"f must return a scalar, got shape {y.shape}")
        derivs = [float(y.item())]
        current = y
        for _ in range(order):
            if not current.requires_grad:
                derivs.append(0.0)
                continue
            (current,) = gradients(current.reshape(()), x, create_graph=True)
            derivs.append(float(current.item()))
    coefficients = np.array(derivs) / np.array([math.factorial(k) for k in range(order + 1)], dtype=float)
    return TaylorPolynomial(coefficients, x0)
