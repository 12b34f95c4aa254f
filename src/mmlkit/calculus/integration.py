"""Numerical integration: Newton–Cotes, Gauss–Legendre, adaptive Gauss–Kronrod, Monte Carlo.

All integrands are called with NumPy arrays of points (vectorised), so a rule
with k nodes costs one call of f on k points.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import NamedTuple

import numpy as np
from scipy.linalg import eigh_tridiagonal

from mmlkit._scaling import power_of_two_scale, rescale
from mmlkit._validation import Interval, as_float_array, check_random_state, validate_args

__all__ = ["IntegrationResult", "MonteCarloResult", "gauss_legendre", "gauss_legendre_nodes",
           "monte_carlo", "nquad", "quad", "simpson", "trapezoid"]


class IntegrationResult(NamedTuple):
    """An integral and an estimate of its absolute error (unpacks as ``value, error``)."""

    value: float
    error: float


class MonteCarloResult(NamedTuple):
    """A Monte Carlo estimate and its standard error (unpacks as ``estimate, stderr``)."""

    estimate: float
    stderr: float


#: the constraint tables shared by the integrators
_REAL = [Interval(numbers.Real, None, None)]  # a finite real number
_RULE = {"f": ["callable"], "a": _REAL, "b": _REAL}
_TOLERANCES = {"epsabs": [Interval(numbers.Real, 0.0, None)], "epsrel": [Interval(numbers.Real, 0.0, None)],
               "limit": [Interval(numbers.Integral, 1, None)]}


def _evaluate(f, x: np.ndarray, *, finite: bool = False) -> np.ndarray:
    """f on an array of points (one call per point if f is not vectorised); with ``finite``, a
    ValueError where f is NaN or infinite (a fixed rule would silently return NaN or inf)."""
    y = None
    try:
        y = np.asarray(f(x), dtype=float)
        if y.size == 1 and y.shape != x.shape:  # a constant integrand written as f(x) = c
            y = np.full(x.shape, float(y))
    except (TypeError, ValueError):
        pass
    if y is None or y.shape != x.shape:
        y = np.array([float(f(xi)) for xi in x.ravel()]).reshape(x.shape)
    if finite and not np.isfinite(y).all():
        bad = x[~np.isfinite(y)].ravel()[0]
        raise ValueError(f"f must be finite on the interval, but f({bad!r}) = {y[~np.isfinite(y)].ravel()[0]!r}")
    return y


@validate_args({**_RULE, "n": [Interval(numbers.Integral, 1, None)]})
def trapezoid(f, a: float, b: float, n: int = 100) -> float:
    """Composite trapezoidal rule on n equal panels.

    Parameters
    ----------
    f : callable
        Vectorised integrand f(x) on an array of points.
    a, b : float
        Finite limits.
    n : int, default=100
        Number of panels (n + 1 evaluations).

    Returns
    -------
    float

    Notes
    -----
    ∫ₐᵇ f ≈ h [f₀/2 + f₁ + … + f_{n−1} + fₙ/2], h = (b − a)/n; error
    −(b − a) h² f''(ξ)/12, so O(h²) (exponentially accurate for periodic f over a period).

    Examples
    --------
    >>> import numpy as np
    >>> round(trapezoid(np.sin, 0.0, np.pi, n=1000), 5)
    2.0
    """
    a, b = float(a), float(b)
    x = np.linspace(a, b, n + 1)
    y = _evaluate(f, x, finite=True)
    h = (b - a) / n
    return float(h * (y.sum() - 0.5 * (y[0] + y[-1])))


@validate_args({**_RULE, "n": [Interval(numbers.Integral, 2, None)]})
def simpson(f, a: float, b: float, n: int = 100) -> float:
    """Composite Simpson's rule on n panels (n even).

    Parameters
    ----------
    f : callable
        Vectorised integrand.
    a, b : float
        Finite limits.
    n : int, default=100
        Number of panels; must be even.

    Returns
    -------
    float

    Notes
    -----
    ∫ₐᵇ f ≈ h/3 [f₀ + 4f₁ + 2f₂ + 4f₃ + … + 4f_{n−1} + fₙ]; error
    −(b − a) h⁴ f⁽⁴⁾(ξ)/180, so O(h⁴); exact for cubics.

    Examples
    --------
    >>> simpson(lambda x: x ** 3, 0.0, 2.0, n=2)
    4.0
    """
    a, b = float(a), float(b)
    if n % 2:
        raise ValueError(f"n must be even for Simpson's rule, got {n}")
    x = np.linspace(a, b, n + 1)
    y = _evaluate(f, x, finite=True)
    h = (b - a) / n
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


@validate_args({"n": [Interval(numbers.Integral, 1, None)]})
def gauss_legendre_nodes(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of the n-point Gauss–Legendre rule on [−1, 1].

    Notes
    -----
    Golub–Welsch: the nodes are the eigenvalues of the symmetric tridiagonal
    Jacobi matrix of the Legendre recurrence, off-diagonal βₖ = k/√(4k² − 1).
    Each node is then polished by Newton's method on Pₙ (three-term recurrence
    (k+1)P_{k+1} = (2k+1)xPₖ − kP_{k−1}), and the weights are
    wᵢ = 2 / ((1 − xᵢ²) Pₙ'(xᵢ)²). Cost O(n²). Exact for polynomials of degree ≤ 2n − 1.

    Examples
    --------
    >>> x, w = gauss_legendre_nodes(2)
    >>> np.round(x * np.sqrt(3), 12), w
    (array([-1.,  1.]), array([1., 1.]))
    """
    k = np.arange(1, n)
    beta = k / np.sqrt(4.0 * k * k - 1.0)
    x = eigh_tridiagonal(np.zeros(n), beta, eigvals_only=True) if n > 1 else np.zeros(1)
    for _ in range(3):  # Newton polish on P_n (quadratic convergence from a good start)
        p, dp = _legendre(n, x)
        x = x - p / dp
    _, dp = _legendre(n, x)
    w = 2.0 / ((1.0 - x * x) * dp * dp)
    return x, w


def _legendre(n: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pₙ(x) and Pₙ'(x) by the three-term recurrence (vectorised over x)."""
    p_prev, p = np.ones_like(x), x.copy()
    if n == 0:
        return p_prev, np.zeros_like(x)
    for k in range(1, n):
        p_prev, p = p, ((2 * k + 1) * x * p - k * p_prev) / (k + 1)
    dp = n * (x * p - p_prev) / (x * x - 1.0)
    return p, dp


@validate_args({**_RULE, "n": [Interval(numbers.Integral, 1, None)]})
def gauss_legendre(f, a: float, b: float, n: int = 10) -> float:
    """n-point Gauss–Legendre quadrature of f over [a, b].

    Parameters
    ----------
    f : callable
        Vectorised integrand.
    a, b : float
        Finite limits.
    n : int, default=10
        Number of nodes.

    Returns
    -------
    float

    Notes
    -----
    ∫ₐᵇ f ≈ (b − a)/2 Σᵢ wᵢ f((b − a)/2 · xᵢ + (a + b)/2), with the nodes and
    weights of :func:`gauss_legendre_nodes`. Exact for polynomials of degree
    ≤ 2n − 1; error ∝ f⁽²ⁿ⁾, so it converges exponentially for analytic f.
    Cost O(n²) for the nodes plus n evaluations.

    Examples
    --------
    >>> round(gauss_legendre(lambda x: x ** 5, 0.0, 1.0, n=3), 12)
    0.166666666667
    """
    a, b = float(a), float(b)
    x, w = gauss_legendre_nodes(n)
    half, mid = 0.5 * (b - a), 0.5 * (a + b)
    return float(half * (w @ _evaluate(f, half * x + mid, finite=True)))


# Gauss–Kronrod 7–15 pair (the QUADPACK QK15 constants): Kronrod nodes on [0, 1), symmetric.
_XK = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                0.207784955007898467600689403773245, 0.0])
_WK = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_WG = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                0.381830050505118944950369775488975, 0.417959183673469387755102040816327])
_NODES = np.concatenate([-_XK[:-1], _XK[::-1]])  # 15 nodes in increasing order
_W15 = np.concatenate([_WK[:-1], _WK[::-1]])
_W7 = np.zeros(15)
_W7[[1, 3, 5, 7, 9, 11, 13]] = np.concatenate([_WG[:-1], _WG[::-1]])


def _gk15(f, lo: np.ndarray, hi: np.ndarray):
    """Kronrod-15 and Gauss-7 estimates on many intervals at once (one call of f)."""
    half = 0.5 * (hi - lo)
    mid = 0.5 * (hi + lo)
    y = _evaluate(f, mid[:, None] + half[:, None] * _NODES[None, :])
    return _kronrod(y, half)


def _kronrod(y: np.ndarray, half: np.ndarray):
    """K₁₅ values and QUADPACK error estimates from integrand samples y (intervals × 15 nodes)."""
    if not np.isfinite(y).all():
        raise ValueError("f (the integrand) is not finite on the integration range "
                         "(a singularity at a node, or overflow?)")
    k15 = half * (y @ _W15)
    g7 = half * (y @ _W7)
    # QUADPACK's error estimate: |K − G| rescaled by the integrand's variation, floored at rounding.
    absh = np.abs(half)
    resabs = absh * (np.abs(y) @ _W15)
    resasc = absh * (np.abs(y - (k15 / np.where(half == 0, 1, 2 * half))[:, None]) @ _W15)
    err = np.abs(k15 - g7)
    scaled = np.where((resasc > 0) & (err > 0),
                      resasc * np.minimum(1.0, (200.0 * err / np.where(resasc > 0, resasc, 1.0)) ** 1.5), err)
    return k15, np.maximum(scaled, 50.0 * np.finfo(float).eps * resabs)


def _transform(f, a: float, b: float):
    """Map an infinite range to a finite one: returns (g, lo, hi) with ∫ₐᵇ f = ∫_lo^hi g."""
    if np.isfinite(a) and np.isfinite(b):
        return f, a, b
    if np.isfinite(a):  # x = a + t/(1 − t), t ∈ [0, 1)
        return (lambda t: _evaluate(f, a + t / (1.0 - t)) / (1.0 - t) ** 2), 0.0, 1.0
    if np.isfinite(b):  # x = b − t/(1 − t)
        return (lambda t: _evaluate(f, b - t / (1.0 - t)) / (1.0 - t) ** 2), 0.0, 1.0
    # x = t / (1 − t²), t ∈ (−1, 1)
    return (lambda t: _evaluate(f, t / (1.0 - t * t)) * (1.0 + t * t) / (1.0 - t * t) ** 2), -1.0, 1.0


@validate_args({"f": ["callable"], **_TOLERANCES})
def quad(f, a: float, b: float, epsabs: float = 1.49e-8, epsrel: float = 1.49e-8,
         limit: int = 50) -> IntegrationResult:
    """Adaptive Gauss–Kronrod quadrature ∫ₐᵇ f(x) dx with an error estimate; limits may be ±inf.

    Parameters
    ----------
    f : callable
        Vectorised integrand f(x) (a non-vectorised one is called point by point).
    a, b : float
        Limits; ``-np.inf`` / ``np.inf`` allowed. b < a gives minus the integral over [b, a].
    epsabs, epsrel : float, default=1.49e-8
        Stop when the estimated error ≤ max(epsabs, epsrel · |integral|).
    limit : int, default=50
        Maximum number of subintervals.

    Returns
    -------
    IntegrationResult
        ``(value, error)``.

    Warns
    -----
    ConvergenceWarning
        If ``limit`` subintervals do not reach the tolerance, or if the
        integral appears divergent (then the value is ±inf).

    Notes
    -----
    On each interval the 15-point Kronrod rule K₁₅ and its embedded 7-point
    Gauss rule G₇ share nodes; |K₁₅ − G₇| (rescaled as in QUADPACK) estimates
    the error. Intervals with the largest errors are bisected until the total
    error meets the tolerance (QUADPACK's QAG strategy); each round bisects, in
    one vectorised call of f, the fewest worst intervals whose errors exceed the
    tolerance's slack. When rounds keep bisecting one lone interval (an
    endpoint singularity), Wynn's ε-algorithm extrapolates the sequence of
    totals, as QUADPACK's QAGS does, so integrable singularities such as
    1/√x converge; increments that keep their sign and do not shrink mean a
    non-integrable singularity (1/x, 1/x²): the result is ±inf, with a
    warning. Infinite ranges are mapped to finite ones by
    x = a + t/(1 − t) or x = t/(1 − t²). Cost: 30 evaluations per bisection.

    Examples
    --------
    >>> import numpy as np
    >>> value, error = quad(lambda x: np.exp(-x ** 2), -np.inf, np.inf)
    >>> round(value ** 2, 10) == round(np.pi, 10)
    True
    """
    if isinstance(a, bool) or isinstance(b, bool) or not isinstance(a, numbers.Real) or not isinstance(b, numbers.Real):
        raise ValueError(f"a and b must be real numbers (or ±inf), got {a!r}, {b!r}")
    a, b = float(a), float(b)
    if np.isnan(a) or np.isnan(b):
        raise ValueError("a and b must not be NaN")
    if epsabs == 0 and epsrel == 0:
        raise ValueError("epsabs and epsrel cannot both be 0")
    if a == b:
        return IntegrationResult(0.0, 0.0)
    if b < a:
        value, error = quad(f, b, a, epsabs, epsrel, limit)
        return IntegrationResult(-value, error)
    g, lo, hi = _transform(f, a, b)
    total, total_err, status = _qag(g, np.array([lo]), np.array([hi]), epsabs, epsrel, limit)
    if status != "converged":
        from mmlkit.exceptions import ConvergenceWarning  # here: it imports scikit-learn

        message = ("quad: the integral appears divergent (the partial sums grow without bound as the interval at "
                   "a singularity is bisected); returning ±inf" if status == "divergent" else
                   f"quad reached limit={limit} subintervals with estimated error {total_err:.3g}")
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    return IntegrationResult(float(total), float(total_err))


def _qag(g, lo, hi, epsabs, epsrel, limit):
    """QUADPACK's QAG(S) loop on the intervals [lo, hi]: ``(total, error, status)``.

    ``status`` is "converged", "limit" (``limit`` subintervals without meeting the
    tolerance) or "divergent" (then the total is ±inf).
    """
    val, err = _gk15(g, lo, hi)
    history: list[float] = []  # totals of consecutive rounds that bisected one interval only
    while True:
        total, total_err = math.fsum(val), float(err.sum())
        tol = max(epsabs, epsrel * abs(total))
        if total_err <= tol:
            return total, total_err, "converged"
        history.append(total)
        if _diverging(history):
            return math.copysign(math.inf, history[-1] - history[-2]), math.inf, "divergent"
        shrinking = len(history) >= 5 and abs(history[-1] - history[-2]) < abs(history[-2] - history[-3])
        if shrinking:  # a lone interval keeps being bisected: an endpoint singularity
            estimate, extrapolation_err = _wynn_epsilon(history)
            rest = total_err - float(err.max())  # the error of every other interval
            if extrapolation_err + rest <= tol:
                return estimate, extrapolation_err + rest, "converged"
        if len(lo) >= limit:
            return total, total_err, "limit"
        # bisect the fewest worst intervals whose errors must go for the total to meet tol
        order = np.argsort(-err)
        k = int(np.searchsorted(np.cumsum(err[order]), total_err - tol)) + 1
        split = order[:max(1, min(k, limit - len(lo)))]
        if len(split) > 1:
            history.clear()
        keep = np.ones(len(lo), dtype=bool)
        keep[split] = False
        mid = 0.5 * (lo[split] + hi[split])
        new_lo, new_hi = np.concatenate([lo[split], mid]), np.concatenate([mid, hi[split]])
        new_val, new_err = _gk15(g, new_lo, new_hi)
        lo, hi = np.concatenate([lo[keep], new_lo]), np.concatenate([hi[keep], new_hi])
        val, err = np.concatenate([val[keep], new_val]), np.concatenate([err[keep], new_err])


def _diverging(history: list, rounds: int = 5) -> bool:
    """Whether the totals of the last ``rounds`` lone bisections grow without bound.

    Near an integrable singularity the increments sₖ₊₁ − sₖ shrink geometrically
    (for x^(−α), α < 1, by 2^(α−1) a round); at a non-integrable one they keep
    one sign and do not shrink (constant for 1/x, doubling for 1/x²), and Wynn's
    ε-algorithm would extrapolate them to a finite "antilimit" (−1 for ∫₀¹ x⁻² dx).
    """
    if len(history) < rounds:
        return False
    d = np.diff(history[-rounds:])
    same_sign = bool(np.all(d > 0) or np.all(d < 0))
    return same_sign and bool(np.all(np.abs(d[1:]) >= (1.0 - 1e-9) * np.abs(d[:-1])))


def _wynn_epsilon(seq: list) -> tuple[float, float]:
    """Wynn's ε-algorithm on a sequence of partial results: (limit estimate, error estimate).

    ε₋₁ = 0, ε₀⁽ʲ⁾ = sⱼ, ε_{k+1}⁽ʲ⁾ = ε_{k−1}⁽ʲ⁺¹⁾ + 1/(ε_k⁽ʲ⁺¹⁾ − ε_k⁽ʲ⁾); the even
    columns accelerate sequences whose errors decay geometrically (QUADPACK's
    QAGS uses it for endpoint singularities). The error estimate compares the
    extrapolations of the last three prefixes of the sequence.
    """

    def extrapolate(s):
        prev, cur = [0.0] * (len(s) + 1), list(s)
        best = cur[-1]
        for k in range(1, len(s)):
            nxt = []
            for j in range(len(cur) - 1):
                diff = cur[j + 1] - cur[j]
                if diff == 0.0:
                    return cur[j + 1]  # the column has converged
                nxt.append(prev[j + 1] + 1.0 / diff)
            prev, cur = cur, nxt
            if k % 2 == 0:
                best = cur[-1]
        return best

    s = seq[-15:]
    e0, e1, e2 = extrapolate(s[:-2]), extrapolate(s[:-1]), extrapolate(s)
    err = abs(e2 - e1) + abs(e1 - e0) + 50.0 * np.finfo(float).eps * abs(e2)
    return e2, err


@validate_args({"f": ["callable"], "n": [Interval(numbers.Integral, 2, None)], "random_state": ["random_state"]})
def monte_carlo(f, bounds, n: int = 10_000, random_state=None) -> MonteCarloResult:
    """Plain Monte Carlo integration over a box, with its standard error.

    Parameters
    ----------
    f : callable
        Vectorised: f(X) for X of shape (n, d) returns shape (n,); for d = 1
        it receives the points as shape (n,).
    bounds : sequence of (low, high) pairs, length d
        The box ∏ [lowⱼ, highⱼ].
    n : int, default=10_000
        Number of uniform samples (≥ 2).
    random_state : int, Generator or None, default=None

    Returns
    -------
    MonteCarloResult
        ``(estimate, stderr)``.

    Notes
    -----
    With Xᵢ ~ U(box) of volume V: ∫ f ≈ V · mean f(Xᵢ), standard error
    V · s / √n (s the sample standard deviation, ddof=1): the error falls as
    n^(−1/2) whatever the dimension. Cost: n evaluations.

    Examples
    --------
    >>> import numpy as np
    >>> est, se = monte_carlo(lambda X: (X ** 2).sum(axis=1), [(0, 1), (0, 1)], n=20000, random_state=0)
    >>> abs(est - 2 / 3) < 4 * se
    True
    """
    box = as_float_array(bounds, "bounds", ndim=(1, 2))
    box = np.atleast_2d(box)
    if box.shape[1] != 2:
        raise ValueError(f"bounds must be a sequence of (low, high) pairs, got shape {box.shape}")
    if np.any(box[:, 1] <= box[:, 0]):
        raise ValueError("bounds must have low < high in every dimension")
    rng = check_random_state(random_state)
    d = box.shape[0]
    X = box[:, 0] + rng.random((n, d)) * (box[:, 1] - box[:, 0])
    y = np.asarray(f(X[:, 0] if d == 1 else X), dtype=float).reshape(-1)
    if y.shape != (n,):
        raise ValueError(f"f must return one value per sample ({n}), got shape {y.shape}")
    volume = float(np.prod(box[:, 1] - box[:, 0]))
    e = power_of_two_scale(y)  # the mean and deviation of y / 2ᵉ (exact) neither overflow nor underflow
    z = rescale(y, e)
    return MonteCarloResult(volume * math.ldexp(float(z.mean()), e),
                            volume * math.ldexp(float(z.std(ddof=1)) / math.sqrt(n), e))


def _batched_kronrod(f, bounds, ts, outer, epsabs, epsrel):
    """One K₁₅ rule per inner integral, all in one call of f; None if f does not broadcast.

    Returns (values, errors, done) where ``done`` marks the integrals whose error
    estimate already meets the tolerance.
    """
    if not np.isfinite(bounds).all():
        return None
    half = 0.5 * (bounds[:, 1] - bounds[:, 0])
    X = (0.5 * (bounds[:, 1] + bounds[:, 0]))[:, None] + half[:, None] * _NODES[None, :]
    try:
        Y = np.asarray(f(X, ts[:, None], *outer), dtype=float)
    except (TypeError, ValueError, IndexError):
        return None
    if Y.shape != X.shape or not np.isfinite(Y).all():
        return None
    vals, errs = _kronrod(Y, half)
    done = errs <= np.maximum(epsabs, epsrel * np.abs(vals))
    return vals, errs, done


@validate_args({"f": ["callable"], **_TOLERANCES})
def nquad(f, ranges, epsabs: float = 1.49e-8, epsrel: float = 1.49e-8, limit: int = 50) -> IntegrationResult:
    """Iterated adaptive integration in 2 or 3 dimensions (``scipy.integrate.nquad``'s conventions).

    Parameters
    ----------
    f : callable
        f(x0, x1[, x2]), vectorised in x0 (the innermost variable).
    ranges : sequence of length 2 or 3
        ``ranges[i]`` is (low, high) for xᵢ, or a callable of the outer variables
        (xᵢ₊₁, …) returning (low, high), for non-rectangular regions. Limits may be ±inf.
    epsabs, epsrel : float, default=1.49e-8
        Tolerances of each one-dimensional integration.
    limit : int, default=50
        Subinterval limit of each one-dimensional integration.

    Returns
    -------
    IntegrationResult
        ``(value, error)``; the error is the outer integral's estimate plus the
        largest inner estimate (a heuristic, not a bound).

    Notes
    -----
    ∫∫ f dx₀ dx₁ = ∫ [∫ f(x₀, x₁) dx₀] dx₁: :func:`quad` inside :func:`quad`.
    The innermost integrals for all nodes of one outer round are first tried
    with a single Gauss–Kronrod rule in one call of f (when f broadcasts over
    its arguments); only those whose error estimate misses the tolerance are
    integrated adaptively. Cost: (outer evaluations) × (inner cost).

    Examples
    --------
    >>> value, err = nquad(lambda x, y: x * y, [(0, 1), (0, 2)])
    >>> round(value, 12)
    1.0
    """
    ranges = list(ranges)
    if len(ranges) not in (2, 3):
        raise ValueError(f"ranges must have 2 or 3 entries (dimensions), got {len(ranges)}")
    inner_errors = []

    def limits(i, outer):
        r = ranges[i]
        lo_hi = r(*outer) if callable(r) else r
        if len(lo_hi) != 2:
            raise ValueError(f"ranges[{i}] must be a (low, high) pair, got {lo_hi!r}")
        return float(lo_hi[0]), float(lo_hi[1])

    def inner(ts, outer):
        """∫ f(x₀, t, *outer) dx₀ for every t in ``ts`` (the innermost integrals, batched)."""
        bounds = np.array([limits(0, (float(t),) + outer) for t in ts]).reshape(-1, 2)
        values = _batched_kronrod(f, bounds, ts, outer, epsabs, epsrel)
        if values is not None:
            vals, errs, done = values
        else:
            vals, errs, done = np.zeros(len(ts)), np.zeros(len(ts)), np.zeros(len(ts), dtype=bool)
        for j in np.flatnonzero(~done):  # adaptive quadrature only where one K15 rule was not enough
            res = quad(lambda x, t=float(ts[j]): f(x, t, *outer), bounds[j, 0], bounds[j, 1], epsabs, epsrel, limit)
            vals[j], errs[j] = res
        inner_errors.append(float(errs.max()))
        return vals

    def integrate(i, outer):
        lo, hi = limits(i, outer)
        if i == 1:
            def h(t):
                return inner(np.atleast_1d(t).ravel(), outer).reshape(np.shape(t))
        else:
            def h(t):
                values = [integrate(i - 1, (float(ti),) + outer) for ti in np.atleast_1d(t)]
                return np.array(values).reshape(np.shape(t))
        res = quad(h, lo, hi, epsabs, epsrel, limit)
        inner_errors.append(res.error)
        return res.value

    value = integrate(len(ranges) - 1, ())
    outer_error = inner_errors.pop()
    return IntegrationResult(float(value), float(outer_error + max(inner_errors, default=0.0)))
