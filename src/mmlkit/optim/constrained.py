"""Constrained optimization: Lagrange multipliers, the augmented Lagrangian, projected gradient.

Conventions: equality constraints hᵢ(x) = 0, inequality constraints gⱼ(x) ≥ 0
(as SciPy's ``{"type": "ineq"}``). At a solution the KKT conditions hold:

    ∇f(x) = Σᵢ λᵢ ∇hᵢ(x) + Σⱼ μⱼ ∇gⱼ(x),   h(x) = 0,   g(x) ≥ 0,   μ ≥ 0,   μⱼ gⱼ(x) = 0,

so λᵢ is the rate at which the optimal value changes as the constraint
hᵢ(x) = 0 is relaxed to hᵢ(x) = ε, and μⱼ is the "price" of an active
inequality. Derivatives come from :mod:`mmlkit.autodiff` unless given: write
``fun`` and the constraints with NumPy-style operations on the Tensor they get.
"""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit import exceptions  # its sklearn-derived names resolve on first use
from mmlkit._validation import (
    NON_NEGATIVE,
    NON_NEGATIVE_INT,
    POSITIVE,
    POSITIVE_INT,
    as_float_array,
    validate_args,
)
from mmlkit.optim._result import OptimizeResult
from mmlkit.optim.minimize import _Objective, minimize

__all__ = ["lagrange_solve", "minimize_constrained", "projected_gradient"]


class _Constraints:
    """A list of constraint functions seen as one vector function c: ℝⁿ → ℝᵐ with Jacobian J.

    Each item is a callable (scalar or vector valued; differentiated by autodiff)
    or a dict ``{"fun": c, "jac": J}`` with its own Jacobian.
    """

    def __init__(self, items, name):
        if items is None:
            items = []
        if callable(items) or isinstance(items, dict):
            items = [items]
        self.funs, self.jacs = [], []
        for item in items:
            if isinstance(item, dict):
                if "fun" not in item:
                    raise ValueError(f"each dict in {name} needs a 'fun' entry")
                fun, jac = item["fun"], item.get("jac")
            elif callable(item):
                fun, jac = item, None
            else:
                raise ValueError(f"{name} must hold callables or dicts with 'fun', got {type(item).__name__}")
            self.autodiff = getattr(self, "autodiff", True) and jac is None
            if jac is None:
                from mmlkit.autodiff import jacobian

                jac = jacobian(fun)
            self.funs.append(fun)
            self.jacs.append(jac)

    def __len__(self):
        return len(self.funs)

    def components(self, x, mask):
        """The scalar constraint functions cₖ for the components k where ``mask`` is true."""
        picked, start = [], 0
        for fun in self.funs:
            k = np.atleast_1d(np.asarray(_value(fun(x)))).size
            for i in np.flatnonzero(mask[start:start + k]):
                picked.append(fun if k == 1 else (lambda z, f=fun, i=i: f(z)[i]))
            start += k
        return picked

    def values(self, x):
        if not self.funs:
            return np.zeros(0)
        return np.concatenate([np.atleast_1d(np.asarray(_value(f(x)), dtype=float)).ravel() for f in self.funs])

    def jacobian(self, x):
        if not self.funs:
            return np.zeros((0, x.size))
        return np.vstack([np.asarray(J(x), dtype=float).reshape(-1, x.size) for J in self.jacs])


def _value(v):
    return v.data if hasattr(v, "requires_grad") else v


@validate_args({"tol": [POSITIVE], "max_iter": [POSITIVE_INT]})
def lagrange_solve(fun, x0, eq, *, multipliers0=None, tol=1e-10, max_iter=50):
    r"""Solve min f(x) subject to h(x) = 0 by Newton's method on the KKT system.

    Parameters
    ----------
    fun : callable
        f: ℝⁿ → ℝ, written with autodiff-compatible operations.
    x0 : array_like (n,)
        Starting point.
    eq : callable or list of callables
        The equality constraints h(x) = 0 (each scalar or vector valued).
    multipliers0 : array_like (m,), optional
        Starting multipliers (default: the least-squares estimate argmin ‖∇f(x0) − J(x0)ᵀλ‖).
    tol : float, default=1e-10
        Stop when ‖∇f − Jᵀλ‖∞ and ‖h‖∞ are both below ``tol``.
    max_iter : int, default=50
        Newton iterations before a :class:`ConvergenceWarning`.

    Returns
    -------
    OptimizeResult
        With ``multipliers={"eq": λ}`` and ``kkt_residual``.

    Notes
    -----
    Stationary points of the Lagrangian L(x, λ) = f(x) − λᵀh(x) solve
    ∇ₓL = ∇f − Jᵀλ = 0 and h = 0. Newton's method on that system solves, each
    iteration, the symmetric KKT system

        [ ∇²ₓL   −Jᵀ ] [Δx]     [ ∇f − Jᵀλ ]
        [  J      0  ] [Δλ] = − [    h     ]

    with ∇²ₓL = ∇²f − Σ λᵢ∇²hᵢ from autodiff (forward-over-reverse). Convergence
    is quadratic near a regular KKT point; the cost is O((n + m)³) per iteration.
    This finds KKT points (minima, maxima or saddles of f on the constraint
    surface): start near the one you want, or use :func:`minimize_constrained`.

    Examples
    --------
    >>> import numpy as np
    >>> res = lagrange_solve(lambda x: x[0] * x[1], np.array([1.0, 1.0]),
    ...                      eq=lambda x: x[0] + x[1] - 2)
    >>> np.round(res.x, 6), np.round(res.multipliers["eq"], 6)
    (array([1., 1.]), array([1.]))
    """
    from mmlkit.autodiff import hessian, value_and_grad

    x = as_float_array(x0, "x0", ndim=1, copy=True)
    cons = _Constraints(eq, "eq")
    if not len(cons):
        raise ValueError("eq must hold at least one constraint; use minimize for unconstrained problems")
    f_and_grad = value_and_grad(fun)
    f_hess = hessian(fun)
    m = cons.values(x).size
    if multipliers0 is None:  # least-squares multipliers: the λ that best balances ∇f = Jᵀλ at x0
        lam = np.linalg.lstsq(cons.jacobian(x).T, f_and_grad(x)[1], rcond=None)[0]
    else:
        lam = as_float_array(multipliers0, "multipliers0", ndim=1, copy=True)
    if lam.size != m:
        raise ValueError(f"multipliers0 must have {m} entries (one per constraint), got {lam.size}")
    n = x.size
    path, nfev = [x.copy()], 0
    success, message, nit = False, "", 0
    for nit in range(max_iter + 1):
        f, g = f_and_grad(x)
        nfev += 1
        h, J = cons.values(x), cons.jacobian(x)
        r = np.concatenate([g - J.T @ lam, h])
        if np.max(np.abs(r)) <= tol:
            success, message = True, "KKT residual below tol"
            break
        if nit == max_iter:
            message = f"stopped at max_iter={max_iter} with KKT residual {np.max(np.abs(r)):.3g}"
            warnings.warn(f"lagrange_solve {message}", exceptions.ConvergenceWarning, stacklevel=2)
            break
        H = np.asarray(f_hess(x), dtype=float) - _constraint_curvature(cons, x, lam)
        K = np.block([[H, -J.T], [J, np.zeros((m, m))]])
        try:
            step = np.linalg.solve(K, -r)
        except np.linalg.LinAlgError:
            raise np.linalg.LinAlgError(
                "the KKT matrix is singular: the constraint gradients are linearly dependent at x "
                "or the problem is degenerate there") from None
        x = x + step[:n]
        lam = lam + step[n:]
        path.append(x.copy())
    return OptimizeResult(x=x, fun=float(f), grad=g, nit=nit, nfev=nfev, njev=nfev, success=success,
                          message=message, path=np.array(path), multipliers={"eq": lam},
                          kkt_residual=float(np.max(np.abs(r))))


def _constraint_curvature(cons, x, lam):
    """Σᵢ λᵢ ∇²hᵢ(x), one autodiff Hessian per constraint function."""
    from mmlkit.autodiff import hessian

    total = np.zeros((x.size, x.size))
    start = 0
    for fun in cons.funs:
        k = np.atleast_1d(np.asarray(_value(fun(x)))).size
        weights = lam[start:start + k]
        start += k
        if np.any(weights):
            weighted = (lambda w, f: lambda z: (f(z) * w).sum() if w.size > 1 else f(z) * w[0])(weights, fun)
            total += np.asarray(hessian(weighted)(x), dtype=float)
    return total


@validate_args({"tol": [POSITIVE], "rho": [POSITIVE], "max_iter": [POSITIVE_INT],
                "inner_max_iter": [POSITIVE_INT]})
def minimize_constrained(fun, x0, eq=(), ineq=(), *, jac=None, tol=1e-8, max_iter=50, rho=10.0,
                         inner_max_iter=500, callback=None):
    r"""Minimise f(x) subject to h(x) = 0 and g(x) ≥ 0 by the augmented Lagrangian method.

    Parameters
    ----------
    fun : callable
        f: ℝⁿ → ℝ.
    x0 : array_like (n,)
        Starting point (need not be feasible).
    eq, ineq : callable, dict or list of them, default=(), ()
        Equality constraints h(x) = 0 and inequality constraints g(x) ≥ 0; a
        dict ``{"fun": c, "jac": J}`` supplies its own Jacobian.
    jac : None, True or callable, default=None
        As in :func:`minimize` (None: autodiff).
    tol : float, default=1e-8
        Stop when the KKT residual (stationarity, feasibility, complementarity) is below ``tol``.
    max_iter : int, default=50
        Outer (multiplier-update) iterations.
    rho : float, default=10.0
        Initial penalty parameter ρ; multiplied by 10 whenever the constraint
        violation fails to shrink by a factor of 4.
    inner_max_iter : int, default=500
        L-BFGS iterations per subproblem.
    callback : callable, optional
        ``callback(xk)`` after each outer iteration.

    Returns
    -------
    OptimizeResult
        With ``multipliers={"eq": λ, "ineq": μ}`` (∇f = Σλᵢ∇hᵢ + Σμⱼ∇gⱼ, μ ≥ 0)
        and ``kkt_residual``; ``path`` holds the outer iterates.

    Notes
    -----
    Each outer iteration minimises, with L-BFGS, the augmented Lagrangian

        L_ρ(x) = f − λᵀh + (ρ/2)‖h‖² + (1/2ρ) Σⱼ [max(0, μⱼ − ρgⱼ)² − μⱼ²]

    then updates λ ← λ − ρh(x), μ ← max(0, μ − ρg(x)) (Nocedal & Wright §17.3–17.4;
    Bertsekas 1982). Unlike a pure penalty method, ρ need not go to infinity:
    the multiplier estimates absorb the constraint forces, so the subproblems
    stay well conditioned.

    Examples
    --------
    >>> import numpy as np
    >>> res = minimize_constrained(lambda x: (x[0] - 2) ** 2 + (x[1] - 1) ** 2, np.zeros(2),
    ...                            ineq=[lambda x: 1 - x[0] - x[1]])
    >>> np.round(res.x, 5) + 0.0, np.round(res.multipliers["ineq"], 5)   # + 0.0: no sign on a rounded zero
    (array([1., 0.]), array([2.]))
    """
    x = as_float_array(x0, "x0", ndim=1, copy=True)
    E, I = _Constraints(eq, "eq"), _Constraints(ineq, "ineq")
    obj = _Objective(fun, jac, ())
    lam, mu = np.zeros(E.values(x).size), np.zeros(I.values(x).size)

    def augmented(z):
        f, gf = obj(z)
        h, g = E.values(z), I.values(z)
        shifted = np.maximum(0.0, mu - rho * g)
        value = f - lam @ h + 0.5 * rho * h @ h + (shifted @ shifted - mu @ mu) / (2 * rho)
        grad = gf - E.jacobian(z).T @ (lam - rho * h) - I.jacobian(z).T @ shifted
        return value, grad

    def kkt(z):
        f, gf = obj(z)
        h, g = E.values(z), I.values(z)
        stationarity = gf - E.jacobian(z).T @ lam - I.jacobian(z).T @ mu
        parts = [np.abs(stationarity), np.abs(h), np.maximum(0.0, -g), np.abs(mu * g)]
        return f, gf, max((float(np.max(p)) for p in parts if p.size), default=0.0)

    can_polish = jac is None and getattr(E, "autodiff", True) and getattr(I, "autodiff", True)
    violation = np.inf
    path, success, message = [x.copy()], False, ""
    for nit in range(1, max_iter + 1):  # noqa: B007 (nit is reported)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", exceptions.ConvergenceWarning)  # inner solves may stop early
            inner = minimize(augmented, x, "lbfgs", jac=True, tol=tol / 10, max_iter=inner_max_iter)
        x = inner.x
        h, g = E.values(x), I.values(x)
        lam = lam - rho * h
        mu = np.maximum(0.0, mu - rho * g)
        path.append(x.copy())
        f, gf, residual = kkt(x)
        if can_polish and tol < residual < 1e-3:
            polished = _polish(fun, x, lam, mu, E, I, tol)
            if polished is not None:
                x, lam, mu = polished
                path[-1] = x.copy()
                f, gf, residual = kkt(x)
        if callback is not None and callback(x.copy()):
            message = "stopped by callback"
            break
        if residual <= tol:
            success, message = True, "KKT residual below tol"
            break
        new_violation = max(np.max(np.abs(h), initial=0.0), np.max(np.maximum(0.0, -g), initial=0.0))
        if new_violation > max(0.25 * violation, tol):  # feasibility stalls: penalise harder
            rho = min(10.0 * rho, 1e10)
        violation = new_violation
    else:
        message = f"stopped at max_iter={max_iter} with KKT residual {residual:.3g}"
        warnings.warn(f"minimize_constrained {message}", exceptions.ConvergenceWarning, stacklevel=2)
    return OptimizeResult(x=x, fun=f, grad=gf, nit=nit, nfev=obj.nfev, njev=obj.njev, success=success,
                          message=message, path=np.array(path), multipliers={"eq": lam, "ineq": mu},
                          kkt_residual=residual)


def _polish(fun, x, lam, mu, E, I, tol):
    """Newton on the KKT system with the active inequalities held as equalities.

    The augmented Lagrangian is only once differentiable where an inequality
    turns active, so its inner solves stall near the solution; once the active
    set is identified, a few Newton steps on the KKT system converge
    quadratically. Returns ``(x, λ, μ)``, or None when the step fails or leaves
    the feasible set or gives a negative multiplier (then the outer loop carries on).
    """
    g = I.values(x)
    active = (mu > 0) | (g <= np.sqrt(tol))
    eqs = E.funs + I.components(x, active)
    if not eqs:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error", exceptions.ConvergenceWarning)
        try:
            res = lagrange_solve(fun, x, eqs, multipliers0=np.concatenate([lam, mu[active]]), tol=tol,
                                 max_iter=20)
        except (exceptions.ConvergenceWarning, np.linalg.LinAlgError, ValueError):
            return None
    m = lam.size
    new_mu = np.zeros_like(mu)
    new_mu[active] = res.multipliers["eq"][m:]
    if not res.success or np.any(I.values(res.x) < -tol) or np.any(new_mu < -tol):
        return None
    return res.x, res.multipliers["eq"][:m], np.maximum(new_mu, 0.0)


@validate_args({"lr": [POSITIVE, None], "tol": [NON_NEGATIVE], "max_iter": [NON_NEGATIVE_INT]})
def projected_gradient(fun, x0, project, *, jac=None, lr=None, tol=1e-8, max_iter=10_000, callback=None):
    r"""Minimise f over a convex set C by projected gradient descent.

    Parameters
    ----------
    fun : callable
        f: ℝⁿ → ℝ.
    x0 : array_like (n,)
        Starting point (projected onto C first).
    project : callable
        P_C(x): the Euclidean projection onto C (see :mod:`mmlkit.optim.projections`).
    jac : None, True or callable, default=None
        As in :func:`minimize`.
    lr : float, optional
        Fixed step (1/L for an L-Lipschitz gradient); by default an Armijo
        backtracking search along the projection arc, which can certify the
        stationarity measure only down to about √ε relative to f.
    tol : float, default=1e-8
        Stop when the projected-gradient step ‖x − P_C(x − ∇f(x))‖∞ ≤ tol
        (zero exactly at constrained stationary points).
    max_iter : int, default=10000
        Iteration cap (:class:`ConvergenceWarning` when reached).

    Notes
    -----
    xₖ₊₁ = P_C(xₖ − αₖ∇f(xₖ)). For convex f with L-Lipschitz gradient and
    α = 1/L, f(xₖ) − f* = O(1/k), as for unconstrained gradient descent.
    """
    x = project(as_float_array(x0, "x0", ndim=1, copy=True))
    obj = _Objective(fun, jac, ())
    f, g = obj(x)
    path, success, message, alpha = [x.copy()], False, "", 1.0
    for nit in range(max_iter + 1):
        if np.max(np.abs(x - project(x - g)), initial=0.0) <= tol:
            success, message = True, "projected-gradient step below tol"
            break
        if nit == max_iter:
            message = f"stopped at max_iter={max_iter}"
            warnings.warn(f"projected_gradient {message}", exceptions.ConvergenceWarning, stacklevel=2)
            break
        if lr is not None:
            x = project(x - lr * g)
            f, g = obj(x)
        else:
            alpha = min(2.0 * alpha, 1e6)
            while alpha >= 1e-16:  # Armijo along the arc α ↦ P(x − α∇f)
                x_new = project(x - alpha * g)
                f_new, g_new = obj(x_new)
                if f_new <= f - 1e-4 / alpha * np.sum((x - x_new) ** 2):
                    break
                alpha *= 0.5
            else:
                message = "no step decreases f at numerical precision (use a fixed lr for tighter tol)"
                break
            x, f, g = x_new, f_new, g_new
        path.append(x.copy())
        if callback is not None and callback(x.copy()):
            message = "stopped by callback"
            break
    return OptimizeResult(x=x, fun=f, grad=g, nit=nit, nfev=obj.nfev, njev=obj.njev, success=success,
                          message=message, path=np.array(path))
