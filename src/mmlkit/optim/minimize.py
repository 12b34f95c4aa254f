"""Unconstrained minimisation: first-order methods, Newton, quasi-Newton and conjugate gradients.

Every method shares one loop shape: compute a direction from the gradient (and
curvature information), choose a step, move, record the iterate, and stop when
‖∇f‖∞ ≤ tol. The methods differ only in the direction and the step rule.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from mmlkit import exceptions  # its sklearn-derived names resolve on first use
from mmlkit._validation import (
    NON_NEGATIVE,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    Interval,
    Options,
    TupleOf,
    as_float_array,
    validate_args,
)
from mmlkit.optim._lbfgs import LBFGSMemory
from mmlkit.optim._result import OptimizeResult
from mmlkit.optim.line_search import _armijo, _strong_wolfe

__all__ = ["minimize", "METHODS"]

METHODS = ("gd", "momentum", "adam", "newton", "bfgs", "lbfgs", "cg")


class _Objective:
    """f and ∇f behind one call, counting evaluations.

    ``jac`` is None (differentiate ``fun`` with mmlkit.autodiff), True (``fun``
    returns ``(f, g)``) or a callable returning ∇f.
    """

    def __init__(self, fun, jac, args):
        self.nfev = self.njev = 0
        self.fun, self.jac, self.args = fun, jac, args
        if jac is None:
            from mmlkit.autodiff import value_and_grad

            vg = value_and_grad(fun)
            self._both = lambda x: vg(x, *args)
        elif jac is True:
            self._both = lambda x: fun(x, *args)
        elif callable(jac):
            self._both = lambda x: (fun(x, *args), jac(x, *args))
        else:
            raise ValueError(f"jac must be None, True or a callable, got {jac!r}")

    def __call__(self, x):
        self.nfev += 1
        self.njev += 1
        f, g = self._both(x)
        return float(f), np.asarray(g, dtype=np.float64).reshape(x.shape)


_BETA = Interval(numbers.Real, 0, 1, closed="left")  # a decay rate in [0, 1)


@validate_args({
    "method": [Options(METHODS)], "line_search": [Options(("wolfe", "armijo"))],
    "tol": [NON_NEGATIVE], "max_iter": [NON_NEGATIVE_INT, None], "lr": [POSITIVE, None],
    "momentum": [_BETA], "betas": [TupleOf(_BETA, _BETA)],
    "eps": [POSITIVE], "memory": [POSITIVE_INT], "ftol": [NON_NEGATIVE], "keep_path": ["boolean"],
})
def minimize(fun, x0, method="lbfgs", *, jac=None, hess=None, args=(), tol=1e-6, max_iter=None,
             callback=None, lr=None, momentum=0.9, betas=(0.9, 0.999), eps=1e-8, memory=10,
             ftol=0.0, line_search="wolfe", keep_path=True):
    r"""Minimise a smooth function f: ℝⁿ → ℝ from ``x0``.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``. With ``jac=None`` it is differentiated by
        :mod:`mmlkit.autodiff` (write it with NumPy-style operations on the
        Tensor it receives); with ``jac=True`` it returns ``(f, ∇f)``.
    x0 : array_like (n,)
        Starting point (not modified).
    method : {"gd", "momentum", "adam", "newton", "bfgs", "lbfgs", "cg"}, default="lbfgs"
        See Notes.
    jac : None, True or callable, default=None
        How to get ∇f (see ``fun``).
    hess : callable, optional
        ``hess(x, *args) -> (n, n)`` for ``method="newton"``; by default the
        Hessian comes from autodiff (forward-over-reverse).
    args : tuple, default=()
        Extra arguments passed to ``fun``, ``jac`` and ``hess``.
    tol : float, default=1e-6
        Stop when ‖∇f(x)‖∞ ≤ tol.
    max_iter : int, optional
        Iteration cap (default 10,000 for the first-order methods, 100 for
        Newton, max(1000, 200 n) for the others). Reaching it warns
        :class:`~mmlkit.exceptions.ConvergenceWarning`.
    callback : callable, optional
        ``callback(xk)`` after each iteration; returning True stops.
    lr : float, optional
        Step size for gd (None: Armijo backtracking), momentum (default 0.01)
        and adam (default 0.01).
    momentum : float, default=0.9
        Heavy-ball coefficient μ ∈ [0, 1) for ``method="momentum"``.
    betas, eps : default=(0.9, 0.999), 1e-8
        Adam's moment decay rates (each in [0, 1)) and denominator guard (> 0).
    memory : int, default=10
        Number of (s, y) pairs L-BFGS keeps.
    ftol : float, default=0.0
        Also stop (quasi-Newton and CG) when the relative decrease of f in an
        iteration falls below ``ftol`` (SciPy's L-BFGS-B uses 2.2e-9).
    line_search : {"wolfe", "armijo"}, default="wolfe"
        Step rule for bfgs, lbfgs and cg (Newton and gd always use Armijo).
    keep_path : bool, default=True
        Record every iterate in ``path``. False keeps only the last one
        (``path`` of shape (1, n)): a solver called inside a fit needs no
        history, which would otherwise grow to (nit + 1)·n floats.

    Returns
    -------
    OptimizeResult
        ``x, fun, grad, nit, nfev, njev, success, message, path``.

    Notes
    -----
    With gₖ = ∇f(xₖ) and step αₖ, xₖ₊₁ = xₖ + αₖ pₖ where the direction is

    - gd: pₖ = −gₖ;  momentum (heavy ball): vₖ₊₁ = μ vₖ − η gₖ, xₖ₊₁ = xₖ + vₖ₊₁;
    - adam: mₖ = β₁mₖ₋₁ + (1−β₁)gₖ, vₖ = β₂vₖ₋₁ + (1−β₂)gₖ², step −η m̂ₖ/(√v̂ₖ + ε);
    - newton: (Hₖ + τI) pₖ = −gₖ with τ ≥ 0 the smallest multiple of I that
      makes the Cholesky factorisation succeed (indefinite Hessians fall back
      towards gradient descent); Armijo step from α = 1; O(n³) per iteration;
    - bfgs: pₖ = −Bₖ⁻¹gₖ with the inverse-Hessian update
      Bₖ₊₁⁻¹ = (I − ρsyᵀ)Bₖ⁻¹(I − ρysᵀ) + ρssᵀ, ρ = 1/yᵀs; O(n²) per iteration;
    - lbfgs: the same product from the last m pairs (s, y), H₀ = (sᵀy / yᵀy) I,
      by the compact representation Hₖg = γg + Sp − γYu (Byrd, Nocedal &
      Schnabel 1994; equal to the two-loop recursion to rounding, see
      ``mmlkit.optim._lbfgs``); O(mn) per iteration;
    - cg: pₖ = −gₖ + βₖpₖ₋₁ with βₖ = max(0, gₖᵀ(gₖ − gₖ₋₁)/‖gₖ₋₁‖²) (Polak–Ribière+).

    Quasi-Newton and CG steps satisfy the strong Wolfe conditions
    (c₁ = 1e-4; c₂ = 0.9, or 0.1 for CG).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.optim import minimize
    >>> rosen = lambda x: (1 - x[0])**2 + 100 * (x[1] - x[0]**2)**2
    >>> res = minimize(rosen, np.array([-1.2, 1.0]), method="bfgs")
    >>> np.allclose(res.x, [1, 1], atol=1e-5)
    True
    """
    x = as_float_array(x0, "x0", ndim=1, copy=True).astype(np.float64, copy=False)
    n = x.size
    if max_iter is None:
        max_iter = {"gd": 10_000, "momentum": 10_000, "adam": 10_000, "newton": 100}.get(method, max(1000, 200 * n))
    obj = _Objective(fun, jac, args)
    f, g = obj(x)
    if not np.isfinite(f):
        raise ValueError(f"fun(x0) must be finite, got {f}")
    step = _STEPPERS[method](obj, x, dict(
        lr=lr, momentum=momentum, betas=betas, eps=eps, memory=memory, hess=hess, args=args,
        line_search=line_search,
    ))
    path = [x.copy()] if keep_path else None
    nit, success, message = 0, False, ""
    while True:
        if np.abs(g).max(initial=0.0) <= tol:
            success, message = True, "gradient norm below tol"
            break
        if nit >= max_iter:
            message = f"stopped at max_iter={max_iter} with ‖∇f‖∞ = {np.max(np.abs(g)):.3g} > tol"
            warnings.warn(f"minimize({method!r}) {message}", exceptions.ConvergenceWarning, stacklevel=2)
            break
        x_new, f_new, g_new = step(x, f, g)
        if x_new is None:
            message = "line search could not find a step that decreases f (at numerical precision)"
            success = np.max(np.abs(g)) <= max(tol, 1e-8 * max(1.0, abs(f)))
            break
        nit += 1
        decrease = f - f_new
        x, f, g = x_new, f_new, g_new
        if keep_path:
            path.append(x.copy())
        if not np.isfinite(f):
            message = "f diverged to a non-finite value; lower the learning rate"
            break
        if callback is not None and callback(x.copy()):
            message = "stopped by callback"
            break
        if ftol > 0 and method in ("bfgs", "lbfgs", "cg") and decrease <= ftol * max(abs(f), abs(f + decrease), 1.0):
            success, message = True, "relative decrease of f below ftol"
            break
    return OptimizeResult(x=x, fun=f, grad=g, nit=nit, nfev=obj.nfev, njev=obj.njev, success=bool(success),
                          message=message, path=np.array(path) if keep_path else x[None].copy())


# --- steppers: each returns step(x, f, g) -> (x_new, f_new, g_new), or (None, f, g) to stop ---------
# A stepper's state (step size, velocity, moments, inverse Hessian, memory, previous direction) lives in
# variables of its closure, rebound with ``nonlocal``; x0 gives only the shape.


def _gd(obj, x0, opt):
    lr = opt["lr"]
    alpha = 1.0  # the last accepted step: the next search starts at twice it

    def step(x, f, g):
        nonlocal alpha
        if lr is not None:
            x_new = x - lr * g
            return (x_new, *obj(x_new))
        a, f_new, g_new, _ = _armijo(obj, x, -g, f, g, alpha0=min(2.0 * alpha, 1e6))
        if a == 0.0:
            return None, f, g
        alpha = a
        return x - a * g, f_new, g_new

    return step


def _momentum(obj, x0, opt):
    lr = 0.01 if opt["lr"] is None else opt["lr"]
    mu = opt["momentum"]
    v = np.zeros_like(x0)

    def step(x, f, g):
        nonlocal v
        v = mu * v - lr * g
        x_new = x + v
        return (x_new, *obj(x_new))

    return step


def _adam(obj, x0, opt):
    lr = 0.01 if opt["lr"] is None else opt["lr"]
    b1, b2 = opt["betas"]
    eps = opt["eps"]
    m, v, t = np.zeros_like(x0), np.zeros_like(x0), 0

    def step(x, f, g):
        nonlocal m, v, t
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        x_new = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        return (x_new, *obj(x_new))

    return step


def _newton(obj, x0, opt):
    hess, args = opt["hess"], opt["args"]
    if hess is not None:
        hess_of = lambda x: hess(x, *args)  # noqa: E731
    elif obj.jac is None:
        from mmlkit.autodiff import hessian

        hess_autodiff = hessian(obj.fun)
        hess_of = lambda x: hess_autodiff(x, *args)  # noqa: E731
    else:
        hess_of = lambda x: _hessian_from_gradient(obj, x)  # noqa: E731

    def step(x, f, g):
        H = np.asarray(hess_of(x), dtype=np.float64)
        if H.shape != (x.size, x.size):
            raise ValueError(f"hess must return an array of shape {(x.size, x.size)}, got {H.shape}")
        p = -_damped_newton_solve(H, g)
        a, f_new, g_new, _ = _armijo(obj, x, p, f, g)
        if a == 0.0:
            return None, f, g
        return x + a * p, f_new, g_new

    return step


def _hessian_from_gradient(obj, x):
    """Central differences of the gradient, column by column (2n gradient calls).

    Used by Newton when ``jac`` is given but ``hess`` is not, so autodiff cannot
    see ``fun``. The step h = ε^(1/3)·max(1, |xᵢ|) balances truncation and round-off.
    """
    n = x.size
    H = np.empty((n, n))
    for i in range(n):  # one column per coordinate direction
        h = np.cbrt(np.finfo(float).eps) * max(1.0, abs(x[i]))
        e = np.zeros(n)
        e[i] = h
        H[:, i] = (obj(x + e)[1] - obj(x - e)[1]) / (2 * h)
    return 0.5 * (H + H.T)


def _damped_newton_solve(H, g, beta=1e-3):
    """Solve (H + τI) p = g with the smallest τ (doubling from β·|diag|) making H + τI SPD.

    Nocedal & Wright, Algorithm 3.3 (Cholesky with added multiple of the identity).
    """
    from scipy.linalg import cho_factor, cho_solve

    H = 0.5 * (H + H.T)
    diag_min = float(np.min(np.diag(H)))
    tau = 0.0 if diag_min > 0 else -diag_min + beta * max(1.0, float(np.max(np.abs(np.diag(H)))))
    eye = np.eye(H.shape[0])
    for _ in range(80):
        try:
            factor = cho_factor(H + tau * eye, lower=True, check_finite=False)
            if np.all(np.diag(factor[0]) > 0):
                return cho_solve(factor, g, check_finite=False)
        except np.linalg.LinAlgError:
            pass
        tau = max(2.0 * tau, beta * max(1.0, float(np.max(np.abs(np.diag(H))))))
    raise np.linalg.LinAlgError("the Hessian could not be made positive definite by damping")


def _first_alpha(g):
    return min(1.0, 1.0 / max(float(np.linalg.norm(g)), 1e-300))


def _quasi_newton_step(obj, x, f, g, p, alpha0, opt, c2=0.9):
    if opt["line_search"] == "wolfe":
        a, f_new, g_new, _ = _strong_wolfe(obj, x, p, f, g, alpha0=alpha0, c2=c2)
    else:
        a, f_new, g_new, _ = _armijo(obj, x, p, f, g, alpha0=alpha0)
        a = None if a == 0.0 else a
    return a, f_new, g_new


def _bfgs(obj, x0, opt):
    n = x0.size
    Hinv = None  # inverse-Hessian estimate; None: steepest descent (first step, or after a restart)

    def step(x, f, g):
        nonlocal Hinv
        p = -g if Hinv is None else -(Hinv @ g)
        if g @ p >= 0:  # lost descent: restart from steepest descent
            Hinv, p = None, -g
        a, f_new, g_new = _quasi_newton_step(obj, x, f, g, p, _first_alpha(g) if Hinv is None else 1.0, opt)
        if a is None:
            if Hinv is None:
                return None, f, g
            Hinv = None
            return step(x, f, g)
        s, y = a * p, g_new - g
        sy = float(s @ y)
        if sy > 1e-10 * float(np.linalg.norm(s) * np.linalg.norm(y)):
            if Hinv is None:
                Hinv = (sy / float(y @ y)) * np.eye(n)  # Nocedal & Wright (6.20)
            rho = 1.0 / sy
            Hy = Hinv @ y
            # (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, expanded to avoid forming n×n products
            Hinv = Hinv - rho * (np.outer(s, Hy) + np.outer(Hy, s)) + (rho * rho * float(y @ Hy) + rho) * np.outer(s, s)
        return x + s, f_new, g_new

    return step


def _lbfgs(obj, x0, opt):
    memory = LBFGSMemory(opt["memory"], x0.size)

    def step(x, f, g):
        p = -memory.times(g)
        if g @ p >= 0:
            memory.clear()
            p = -g
        a, f_new, g_new = _quasi_newton_step(obj, x, f, g, p, 1.0 if len(memory) else _first_alpha(g), opt)
        if a is None:
            if not len(memory):
                return None, f, g
            memory.clear()
            return step(x, f, g)
        s, y = a * p, g_new - g
        sy = float(s @ y)
        if sy > 1e-10 * (math.sqrt(float(s @ s)) * math.sqrt(float(y @ y))):   # ‖s‖·‖y‖
            memory.push(s, y, sy)
        return x + s, f_new, g_new

    return step


def _cg(obj, x0, opt):
    p_prev = g_prev = alpha_prev = None  # last direction, gradient and step; None: restart along −g

    def step(x, f, g):
        nonlocal p_prev, g_prev, alpha_prev
        if p_prev is None:
            p, alpha0 = -g, _first_alpha(g)
        else:
            beta = max(0.0, float(g @ (g - g_prev)) / float(g_prev @ g_prev))
            p = -g + beta * p_prev
            if g @ p >= 0:
                p = -g
            # Nocedal & Wright (3.60): keep the first-order change of f equal to last time's
            alpha0 = min(1.0, 1.01 * alpha_prev * float(g_prev @ p_prev) / float(g @ p))
        a, f_new, g_new = _quasi_newton_step(obj, x, f, g, p, alpha0, opt, c2=0.1)
        if a is None:
            if p_prev is None:
                return None, f, g
            p_prev = None
            return step(x, f, g)
        p_prev, g_prev, alpha_prev = p, g, a
        return x + a * p, f_new, g_new

    return step


_STEPPERS = {"gd": _gd, "momentum": _momentum, "adam": _adam, "newton": _newton, "bfgs": _bfgs,
             "lbfgs": _lbfgs, "cg": _cg}
