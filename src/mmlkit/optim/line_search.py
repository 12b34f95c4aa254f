"""Line searches: choose a step α along a descent direction p.

Both work on φ(α) = f(x + α p) through a callable returning ``(f, ∇f)`` at a point.
"""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit._validation import POSITIVE, POSITIVE_INT, REAL, Interval, as_float_array, validate_args, validate_params

__all__ = ["armijo_backtracking", "strong_wolfe"]


#: The public line searches' scalar parameters (the minimisers call the unchecked cores).
_SEARCH = {"f0": [REAL], "alpha0": [POSITIVE], "c1": [Interval(numbers.Real, 0, 1, closed="neither")],
           "max_steps": [POSITIVE_INT]}


@validate_args({**_SEARCH, "shrink": [Interval(numbers.Real, 0, 1, closed="neither")]})
def armijo_backtracking(fun_and_grad, x, p, f0, g0, *, alpha0=1.0, c1=1e-4, shrink=0.5, max_steps=60):
    """Backtrack until the Armijo (sufficient decrease) condition holds.

    f(x + αp) ≤ f(x) + c₁ α ∇f(x)ᵀp, shrinking α ← ``shrink``·α from ``alpha0``.

    Returns ``(alpha, f_new, g_new, n_evals)``; ``alpha`` is 0 when no step within
    ``max_steps`` decreases f enough (``p`` is then not a descent direction
    numerically).

    Raises ``ValueError`` unless ``0 < c1 < 1``, ``0 < shrink < 1``,
    ``alpha0 > 0``, ``max_steps ≥ 1`` and ``p`` is a descent direction
    (``∇f(x)ᵀp < 0``: along an ascent direction no step can decrease f).
    """
    x, p, g0 = _check_search(x, p, g0)
    return _armijo(fun_and_grad, x, p, f0, g0, alpha0=alpha0, c1=c1, shrink=shrink, max_steps=max_steps)


def _check_search(x, p, g0):
    """The public line searches' array checks."""
    x = as_float_array(x, "x", ndim=1)
    p = as_float_array(p, "p", ndim=1)
    g0 = as_float_array(g0, "g0", ndim=1)
    if not (x.shape == p.shape == g0.shape):
        raise ValueError(f"x, p and g0 must have the same shape, got {x.shape}, {p.shape} and {g0.shape}")
    slope = float(g0 @ p)
    if not slope < 0:
        raise ValueError(f"p must be a descent direction (g0 · p < 0), got g0 · p = {slope!r}")
    return x, p, g0


def _armijo(fun_and_grad, x, p, f0, g0, *, alpha0=1.0, c1=1e-4, shrink=0.5, max_steps=60):
    """:func:`armijo_backtracking` without the argument checks."""
    slope = float(g0 @ p)
    alpha = alpha0
    for evals in range(1, max_steps + 1):
        f_new, g_new = fun_and_grad(x + alpha * p)
        if np.isfinite(f_new) and f_new <= f0 + c1 * alpha * slope:
            return alpha, f_new, g_new, evals
        alpha *= shrink
    return 0.0, f0, g0, max_steps


def _cubic_min(a, fa, ga, b, fb, gb):
    """Minimiser of the cubic interpolating (a, fa, ga) and (b, fb, gb), or None."""
    d1 = ga + gb - 3 * (fa - fb) / (a - b)
    disc = d1 * d1 - ga * gb
    if disc < 0:
        return None
    d2 = np.sign(b - a) * np.sqrt(disc)
    denom = gb - ga + 2 * d2
    if denom == 0:
        return None
    return b - (b - a) * (gb + d2 - d1) / denom


@validate_args({**_SEARCH, "c2": [Interval(numbers.Real, 0, 1, closed="neither")],
                "alpha_max": [POSITIVE]})
def strong_wolfe(fun_and_grad, x, p, f0, g0, *, alpha0=1.0, c1=1e-4, c2=0.9, alpha_max=1e10, max_steps=30):
    """A step satisfying the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5–3.6).

    Sufficient decrease  f(x + αp) ≤ f(x) + c₁ α ∇f(x)ᵀp, and curvature
    |∇f(x + αp)ᵀp| ≤ c₂ |∇f(x)ᵀp|. A bracketing phase expands α until the
    minimiser of φ is bracketed; ``zoom`` then shrinks the bracket by cubic
    interpolation (bisection as a safeguard).

    Returns ``(alpha, f_new, g_new, n_evals)``; ``alpha`` is ``None`` when the
    search failed (then the caller restarts or stops).

    Raises ``ValueError`` unless ``0 < c1 < c2 < 1`` (with c₁ ≥ c₂ no step need
    satisfy both conditions), ``alpha0 > 0``, ``alpha_max ≥ alpha0``,
    ``max_steps ≥ 1`` and ``p`` is a descent direction (``∇f(x)ᵀp < 0``).
    """
    x, p, g0 = _check_search(x, p, g0)
    # the relations between parameters: c1 < c2 (else no step need satisfy both conditions), alpha0 <= alpha_max
    validate_params({"c2": c2, "alpha_max": alpha_max}, {"c2": [Interval(numbers.Real, c1, 1, closed="neither")],
                                                         "alpha_max": [Interval(numbers.Real, alpha0, None)]},
                    owner="strong_wolfe")
    return _strong_wolfe(fun_and_grad, x, p, f0, g0, alpha0=alpha0, c1=c1, c2=c2, alpha_max=alpha_max,
                         max_steps=max_steps)


def _strong_wolfe(fun_and_grad, x, p, f0, g0, *, alpha0=1.0, c1=1e-4, c2=0.9, alpha_max=1e10, max_steps=30):
    """:func:`strong_wolfe` without the argument checks."""
    slope0 = float(g0 @ p)
    if slope0 >= 0:
        return None, f0, g0, 0
    evals = 0
    a_prev, f_prev, s_prev = 0.0, f0, slope0
    alpha = alpha0
    for i in range(max_steps):
        f_a, g_a = fun_and_grad(x + alpha * p)
        evals += 1
        s_a = float(g_a @ p)
        if not np.isfinite(f_a) or f_a > f0 + c1 * alpha * slope0 or (i > 0 and f_a >= f_prev):
            return _zoom(fun_and_grad, x, p, f0, slope0, a_prev, f_prev, s_prev, alpha, f_a, s_a,
                         c1, c2, evals, g0)
        if abs(s_a) <= -c2 * slope0:
            return alpha, f_a, g_a, evals
        if s_a >= 0:
            return _zoom(fun_and_grad, x, p, f0, slope0, alpha, f_a, s_a, a_prev, f_prev, s_prev,
                         c1, c2, evals, g0, g_lo=g_a)
        a_prev, f_prev, s_prev = alpha, f_a, s_a
        alpha = min(2.0 * alpha, alpha_max)
    return None, f0, g0, evals


def _zoom(fun_and_grad, x, p, f0, slope0, a_lo, f_lo, s_lo, a_hi, f_hi, s_hi, c1, c2, evals, g0,
          g_lo=None, max_steps=30):
    best = (a_lo, f_lo, g_lo)
    for _ in range(max_steps):
        alpha = None
        if np.isfinite(f_hi):
            alpha = _cubic_min(a_lo, f_lo, s_lo, a_hi, f_hi, s_hi)
        lo, hi = min(a_lo, a_hi), max(a_lo, a_hi)
        margin = 0.1 * (hi - lo)
        if alpha is None or not (lo + margin <= alpha <= hi - margin):
            alpha = 0.5 * (a_lo + a_hi)  # safeguard: bisect
        f_a, g_a = fun_and_grad(x + alpha * p)
        evals += 1
        s_a = float(g_a @ p)
        if not np.isfinite(f_a) or f_a > f0 + c1 * alpha * slope0 or f_a >= f_lo:
            a_hi, f_hi, s_hi = alpha, f_a, s_a
        else:
            if abs(s_a) <= -c2 * slope0:
                return alpha, f_a, g_a, evals
            if s_a * (a_hi - a_lo) >= 0:
                a_hi, f_hi, s_hi = a_lo, f_lo, s_lo
            a_lo, f_lo, s_lo, g_lo = alpha, f_a, s_a, g_a
            best = (a_lo, f_lo, g_lo)
        if abs(a_hi - a_lo) < 1e-14 * max(1.0, abs(a_lo)):
            break
    a, f, g = best
    if a > 0 and g is not None:  # sufficient decrease holds: accept the best point found
        return a, f, g, evals
    return None, f0, g0, evals
