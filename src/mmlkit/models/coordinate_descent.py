"""Sparse linear regression by coordinate descent: ``Lasso`` and ``ElasticNet``.

Both minimise scikit-learn's objective

    (1/2n)‖y − Xw − b‖² + α·ρ‖w‖₁ + ½α(1 − ρ)‖w‖²,     ρ = l1_ratio,

by cyclic coordinate descent on a working set, with covariance (Gram) updates
and a duality-gap stopping rule. Between epochs, an active-set step solves the
problem exactly on the current support and signs (one Cholesky solve): the
epochs find which coefficients are nonzero, the solve lands on the optimum.
The in-memory and the Dask fits share the solver, :func:`enet_solve`.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.linalg.lapack
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import validate_data

from mmlkit._dask import any_dask
from mmlkit._scaling import power_of_two_scale, rescale, shift
from mmlkit._validation import Interval, Options, validate_params
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import _dask_fit
from mmlkit.models._linear_base import LinearPredictMixin, cd_epochs, cd_sweeps, centred_moments

_TINY = float(np.finfo(np.float64).tiny)
_posv = scipy.linalg.lapack.dposv   # Cholesky factor and solve in one LAPACK call

__all__ = ["ElasticNet", "Lasso", "enet_objective", "enet_solve"]


def enet_objective(X, y, coef, intercept, alpha, l1_ratio):
    """scikit-learn's elastic-net objective at ``(coef, intercept)``.

    (1/2n)‖y − Xw − b‖² + α·ρ‖w‖₁ + ½α(1 − ρ)‖w‖² for one target.
    """
    r = np.asarray(y, dtype=float) - np.asarray(X, dtype=float) @ coef - intercept
    return float(0.5 * (r @ r) / len(r) + alpha * l1_ratio * np.abs(coef).sum()
                 + 0.5 * alpha * (1 - l1_ratio) * (coef @ coef))


def _duality_gap(w, c, rr, ry, l1, l2):
    """Gap between the primal P(w) = ½‖r‖² + l1‖w‖₁ + ½l2‖w‖² and a dual feasible point.

    ``c = Xᵀr``, ``rr = rᵀr``, ``ry = rᵀy``. The dual point is the residual
    scaled into the feasible set ‖Xᵀθ − l2·w‖∞ ≤ l1 (as in scikit-learn's
    ``cd_fast``); for the pure ridge case l1 = 0 the dual of ½‖r‖² + ½l2‖w‖² is
    used directly.
    """
    w_norm2 = float(w @ w)
    if l1 == 0.0:
        return rr - ry + 0.5 * l2 * w_norm2 + float(c @ c) / (2.0 * l2)
    dual_norm = float(np.abs(c - l2 * w if l2 else c).max()) if w.size else 0.0
    if dual_norm > l1:
        const = l1 / dual_norm
        gap = 0.5 * (rr + rr * const**2)
    else:
        const = 1.0
        gap = rr
    return gap + l1 * float(np.abs(w).sum()) - const * ry + 0.5 * l2 * (1.0 + const**2) * w_norm2


class _FullGram:
    """The least-squares term through the full Gram matrix G = X̃ᵀX̃ and q = X̃ᵀy (X̃ centred).

    ``gradient`` costs O(d·nnz(w)), ``block`` a gather; this is all the Dask fit
    has (G and q merged from row blocks), and what the in-memory fit uses when
    forming G pays (``precompute``).
    """

    def __init__(self, G, q):
        self.G, self.q = G, q

    def gradient(self, w, yy):
        """``c = q − Gw`` (= X̃ᵀr) and ``‖r‖² = yᵀy − wᵀ(q + c)``."""
        nz = np.flatnonzero(w)
        if nz.size == 0:
            return self.q.copy(), yy
        c = self.q - self.G[:, nz] @ w[nz]
        return c, yy - float(w @ (self.q + c))

    def block(self, active, new):
        return self.G.take(active, 0).take(active, 1)


class _ColumnGram:
    """The least-squares term through the centred design X̃ itself, for many features.

    ``gradient`` costs O(nd) (one pass X̃ᵀr); ``block`` extends the working
    set's Gram matrix by the new columns only, O(n·k·m) for m new among k. The
    working set's columns are kept transposed and contiguous in a row store
    reserved whole (only its used rows are ever touched).
    """

    def __init__(self, Xc, y):
        self.X, self.y = Xc, y
        self.q = Xc.T @ y
        self._rows = np.empty((Xc.shape[1], Xc.shape[0]))
        self._XAt, self._GA, self._active = self._rows[:0], np.empty((0, 0)), None

    def gradient(self, w, yy):
        if self._active is None:   # before the first block (w may be a warm start)
            nz = np.flatnonzero(w)
            if nz.size == 0:
                return self.q.copy(), yy
            r = self.y - self.X[:, nz] @ w[nz]
        else:                      # w is zero outside the working set
            r = self.y - self._XAt.T @ w[self._active]
        return self.X.T @ r, float(r @ r)

    def block(self, active, new):
        if new.size:
            k, m = self._XAt.shape[0], new.size
            Xn = self._rows[k:k + m]
            Xn[...] = self.X[:, new].T
            cross = self._XAt @ Xn.T
            self._GA = np.block([[self._GA, cross], [cross.T, Xn @ Xn.T]])
            self._XAt = self._rows[:k + m]
        self._active = active
        return self._GA


def enet_solve(source, yy, l1, l2, w, *, max_iter, tol, active_set=True):
    """Minimise P(w) = ½‖y − X̃w‖² + l1‖w‖₁ + ½l2‖w‖² from ``w`` (in place) on growing working sets.

    The solver behind :class:`ElasticNet` and :class:`Lasso`, in memory and on
    Dask alike (there ``source`` holds the Gram statistics merged from the row
    blocks).

    Parameters
    ----------
    source : _FullGram or _ColumnGram
        The least-squares term: ``source.q = X̃ᵀy`` (shape (d,)),
        ``source.gradient(w, yy)`` gives c = X̃ᵀ(y − X̃w) and ‖y − X̃w‖², and
        ``source.block(active, new)`` the working set's Gram matrix.
    yy : float
        ‖y‖² (y centred when an intercept is fitted).
    l1, l2 : float
        Unscaled penalties, n·α·ρ and n·α·(1 − ρ).
    w : ndarray of shape (d,)
        Starting point, overwritten by the solution.
    max_iter : int
        Most iterations: coordinate-descent epochs and active-set solves on
        the working set, counted alike.
    tol : float
        Stop when the duality gap is at most ``tol·yy``.
    active_set : bool, default=True
        Alternate the epochs with exact solves on the support
        (:func:`_solve_block`); False runs plain cyclic coordinate descent on
        each working set, the textbook path the fast one is tested against.

    Returns
    -------
    w : ndarray of shape (d,)
    gap : float
        The final duality gap P(w) − D(θ).
    iterations : int

    Notes
    -----
    Each round recomputes c and the gap and stops when gap ≤ ``tol·yy``;
    otherwise it adds the worst violators of |cⱼ| ≤ l1 to the working set
    (at most max(10, 2·nnz(w)) at a time) and solves the problem restricted
    to it. When nothing is left to add and the block was solved exactly
    (optimality conditions met), w is the minimiser up to rounding and is
    returned even if the gap, rounding error, exceeds ``tol·yy``. At
    ``max_iter`` a :class:`~mmlkit.exceptions.ConvergenceWarning` is raised.
    Cost per round: one gradient (O(d·nnz) from G, O(nd) from X̃) and the
    block's epochs (O(k²)) and solves (O(|S|³)).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models.coordinate_descent import _FullGram, enet_solve
    >>> X = np.array([[-1.5, 0.5], [-0.5, -0.5], [0.5, 0.5], [1.5, -0.5]])   # centred columns
    >>> y = np.array([-1.5, -0.5, 0.5, 1.5])
    >>> w, gap, it = enet_solve(_FullGram(X.T @ X, X.T @ y), float(y @ y), 0.4, 0.0, np.zeros(2),
    ...                         max_iter=100, tol=1e-8)
    >>> w.round(3), gap < 1e-8 * float(y @ y)
    (array([0.92, 0.  ]), True)
    """
    d = w.size
    gap_tol = tol * yy
    # Sweeps on the working set cost O(k²): solve it well (tol/100) before paying for a gap check.
    inner_tol = max(0.01 * tol, 1e-10)
    n_iter, previous, exact = 0, None, False
    while True:
        c, rr = source.gradient(w, yy)
        gap = _duality_gap(w, c, max(rr, 0.0), yy - float(w @ source.q), l1, l2)
        if gap <= gap_tol:
            return w, gap, n_iter
        if n_iter >= max_iter:
            warnings.warn(
                f"coordinate descent stopped at max_iter={max_iter} with duality gap {gap:.3g} "
                f"> tol·‖y‖² = {gap_tol:.3g}; increase max_iter or tol",
                ConvergenceWarning, stacklevel=4,
            )
            return w, gap, n_iter
        # Grow the working set: keep it, add the worst violators outside it
        # (at most max(10, 2·nnz) at a time), so it increases monotonically.
        violation = np.where(w != 0, np.inf, np.abs(c) - l1)
        if previous is not None:
            violation[previous] = -np.inf
        n_new = min(int(np.count_nonzero(violation > 0)), max(10, 2 * np.count_nonzero(w)))
        new = np.argpartition(-violation, n_new - 1)[:n_new] if 0 < n_new < d else np.flatnonzero(violation > 0)
        new = np.sort(new)
        if previous is None:
            active = new
        elif new.size:
            active = np.concatenate([previous, new])   # new never meets previous (its violation is −inf)
        else:
            # Nothing to add and the gap still above tol·yy: an exactly solved block is the minimiser
            # up to rounding (the gap cannot shrink further); otherwise solve the block harder.
            active = previous
            inner_tol /= 10.0
            if exact or inner_tol < 1e-300:
                return w, gap, n_iter
        previous = active
        GA = source.block(active, new)
        cA, wA = c[active], w[active]
        iters, exact = _solve_block(GA, cA, wA, l1, l2, inner_tol, max_iter - n_iter, active_set)
        n_iter += iters
        w[active] = wA


def _solve_block(G, c, w, l1, l2, tol, max_iter, active_set):
    """Minimise ½wᵀGw − qᵀw + l1‖w‖₁ + ½l2‖w‖² in place, ``c = q − Gw`` kept current.

    Coordinate-descent epochs (:func:`cd_sweeps`) alternate with
    :func:`_support_step`, the exact minimiser on the current support and
    signs: CD finds which coordinates are nonzero, the solve then lands on the
    optimum in one step instead of the many epochs an ill-conditioned G would
    take. Stops when an epoch moves no coordinate by more than ``tol·max|w|``,
    or when the support step is exact and every zero coordinate has
    |cⱼ| ≤ l1 (the block's optimality conditions, met to rounding). Returns
    ``(iterations, exact)``: CD epochs and Cholesky solves, counted alike.
    """
    if not active_set:
        return cd_epochs(G, c, w, l1, l2, tol, max_iter), False
    if w.size == 0:
        return 0, True
    q = c + G @ w
    Gl = G
    if l2:
        Gl = G.copy()
        Gl.flat[:: w.size + 1] += l2
    iters, solve = 0, True
    sweeps = cd_sweeps(G, c, w, l1, l2)
    while iters < max_iter:
        dw_max, w_max = next(sweeps)
        iters += 1
        if w_max == 0.0 or dw_max <= tol * w_max:
            return iters, False
        # support steps until one keeps its signs (each shrinks the support otherwise)
        exact = False
        while solve and not exact and iters < max_iter:
            exact, n_solves = _support_step(G, Gl, q, c, w, l1, l2)
            iters += n_solves
            solve = exact is not None   # a singular support (collinear columns): coordinate descent only
        if exact and not np.count_nonzero(np.abs(c[w == 0]) > l1):
            return iters, True
    return iters, False


def _face_minimiser(Gl, q, S, s, l1):
    """``(v, P(v))`` for the minimiser v of the objective on the face {w = 0 off S, sign(w_S) = s}.

    There the objective is the quadratic ½vᵀ(G_SS + l2·I)v − (q_S − l1·s)ᵀv,
    minimised where (G_SS + l2·I)v = q_S − l1·s (one Cholesky solve; ``Gl`` is
    G + l2·I), with value −½vᵀ(q_S − l1·s). ``(None, None)`` when G_SS + l2·I
    is numerically singular (a pivot below √(k·1e-13) times the largest).
    """
    A = Gl.take(S, 0).take(S, 1) if S.size < Gl.shape[0] else Gl.copy()
    rhs = q[S] - l1 * s
    R, v, info = _posv(A, rhs, overwrite_a=True)
    pivots = R.diagonal().tolist()   # (block-sized arrays: Python's min/max beat NumPy's reductions)
    if info or min(pivots) ** 2 <= S.size * 1e-13 * max(pivots) ** 2:
        return None, None
    return v, -0.5 * float(v @ rhs)


def _support_step(G, Gl, q, c, w, l1, l2):
    """Move ``w`` towards the minimiser on its support S with its signs s held fixed (``c`` updated).

    If that minimiser v (:func:`_face_minimiser`) keeps the signs, w_S ← v and
    the step is exact. Otherwise the coordinates whose sign v would change
    are dropped together (again, up to three times, while the smaller face's
    minimiser changes signs); that point is taken when it keeps its signs and
    lowers the objective. Failing that, w moves along the segment to v only as
    far as the first coordinate that reaches zero, which is set to zero: on
    that stretch the objective equals the convex quadratic, so it decreases.
    Returns ``(exact, solves)``; ``exact`` is None, and w untouched, when a
    face's matrix is numerically singular.
    """
    S = np.flatnonzero(w)
    if S.size == 0:
        return True, 0
    wS = w[S]
    s = np.sign(wS)
    v, _ = _face_minimiser(Gl, q, S, s, l1)
    if v is None:
        return None, 1
    crossing = v * s <= 0.0
    if not np.count_nonzero(crossing):
        return _move(G, q, c, w, S, v), 1
    # P(w) = ½wᵀGw − qᵀw + l1‖w‖₁ + ½l2‖w‖², with wᵀGw = wᵀ(q − c)
    f_w = -0.5 * float(wS @ (q[S] + c[S])) + l1 * float(np.abs(wS).sum()) + 0.5 * l2 * float(wS @ wS)
    keep, solves = ~crossing, 1
    while solves < 4 and np.count_nonzero(keep):
        u, f_u = _face_minimiser(Gl, q, S[keep], s[keep], l1)
        solves += 1
        if u is None:
            break
        flips = u * s[keep] <= 0.0
        if not np.count_nonzero(flips):
            if f_u < f_w:
                w[S] = 0.0
                return _move(G, q, c, w, S[keep], u), solves
            break
        keep[np.flatnonzero(keep)[flips]] = False
    ratio = wS[crossing] / (wS[crossing] - v[crossing])   # where each crossing coordinate reaches 0
    first = int(np.argmin(ratio))
    v = wS + ratio[first] * (v - wS)
    v[np.flatnonzero(crossing)[first]] = 0.0
    _move(G, q, c, w, S, v)
    return False, solves


def _move(G, q, c, w, S, v):
    """Set w_S = v and c = q − G_{:,S}·v (w is zero off S); returns True."""
    w[S] = v
    np.subtract(q, (G.take(S, 1) if S.size < G.shape[0] else G) @ v, out=c)
    return True


class ElasticNet(MultiOutputMixin, LinearPredictMixin, RegressorMixin, BaseEstimator):
    """Linear regression with a combined L1 and L2 penalty, by coordinate descent.

    Parameters
    ----------
    alpha : float, default=1.0
        Overall penalty strength α > 0 (for α = 0 use ``LinearRegression``).
    l1_ratio : float, default=0.5
        Mix ρ ∈ [0, 1]: 1 is the lasso, 0 is ridge.
    fit_intercept : bool, default=True
        Fit an unpenalised intercept (the data are centred first).
    precompute : {"auto", True, False}, default="auto"
        Form the full Gram matrix XᵀX once (covariance updates on all
        features). ``"auto"`` does so when n_samples > 2·n_features and
        n_features ≤ 100 (XᵀX then costs no more than ~100 gradient
        evaluations); otherwise Gram blocks are formed on the working set only.
    max_iter : int, default=1000
        Maximum number of iterations: coordinate-descent epochs and
        active-set solves on the working set, counted alike.
    tol : float, default=1e-4
        Stop when the duality gap (on the objective times n) is at most
        ``tol·‖y − ȳ‖²``; also stop when an active-set solve meets the
        optimality conditions exactly and no feature is left to add, the gap
        then being rounding error.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
        Iterations run: coordinate-descent epochs plus active-set solves (per
        target for 2-D y); 0 when the starting point already meets ``tol``.
    dual_gap_ : float or ndarray of shape (n_targets,)
        Final duality gap, on the unscaled objective n·f.

    Notes
    -----
    Objective (scikit-learn's): f(w, b) = (1/2n)‖y − Xw − b‖² + αρ‖w‖₁ +
    ½α(1 − ρ)‖w‖². With l1 = nαρ, l2 = nα(1 − ρ) and the gradient
    c = Xᵀ(y − Xw), each coordinate update is

        wⱼ ← S(cⱼ + Gⱼⱼwⱼ, l1) / (Gⱼⱼ + l2),   S(z, t) = sign(z)·max(|z| − t, 0),

    followed by the covariance update c ← c − G[:, j]·Δwⱼ, O(d) per coordinate
    instead of O(n) for a residual update (G = X̃ᵀX̃, X̃ the centred design).

    After each epoch an active-set step: on the support S of w with signs
    s = sign(w_S) the objective is a quadratic, minimised by

        (G_SS + l2·I) v = X̃_Sᵀy − l1·s        (one Cholesky solve).

    If v keeps the signs s, w_S ← v; otherwise the coordinates that would
    change sign are dropped and the smaller system solved (kept if it keeps
    its signs and lowers the objective), or else w moves towards v only as far
    as the first sign change. The objective never rises, and once the epochs
    have found the support the step gives the exact minimiser, where plain
    coordinate descent would converge linearly at a rate set by G's
    conditioning (textbook cyclic CD stays available to the tests as
    ``enet_solve(..., active_set=False)``).

    A working set of features (nonzero, or violating |cⱼ| ≤ l1) is solved
    this way; then the full gradient and the duality gap P(w) − D(θ),
    θ = the residual scaled into the dual feasible set, decide whether to
    stop (gap ≤ tol·‖y − ȳ‖²) or grow the set. Cost: O(nd²) for the Gram
    matrix (or O(nk²) per working set of size k), O(k²) per epoch, O(|S|³)
    per active-set solve, O(nd) per gap check.

    Any finite scale of the data works (1e±300 included): beyond 2^±256 the
    fit runs on X/2^ex and y/2^ey (exact powers of two), where the L1 penalty
    is α·ρ·2^(−ex−ey) and the L2 penalty α(1 − ρ)·2^(−2ex), and the
    coefficients come back times 2^(ey−ex), the intercept times 2^ey.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import ElasticNet
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> ElasticNet(alpha=0.1, l1_ratio=0.5).fit(X, [0.0, 1.0, 2.0, 3.0]).coef_.round(3)
    array([0.923, 0.   ])
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "l1_ratio": [Interval(Real, 0, 1)],
        "fit_intercept": ["boolean"],
        "precompute": [Options(("auto",)), "boolean"],
        "max_iter": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None)],
        "warm_start": ["boolean"],
    }

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute="auto", max_iter=1000,
                 tol=1e-4, warm_start=False):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start

    def fit(self, X, y):
        """Fit by coordinate descent.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        validate_params(self)
        rho = self._l1_ratio()
        if any_dask(X, y):
            return _dask_fit.elastic_net(self, X, y)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        # Data at an extreme scale are fit in exact power-of-two units, so that nothing overflows or
        # underflows: X = 2^ex·X', y = 2^ey·y', w = 2^(ey−ex)·w'. The objective becomes
        # 2^(2ey)·[(1/2n)‖y' − X'w'‖² + α·ρ·2^(−ex−ey)‖w'‖₁ + ½α(1 − ρ)·2^(−2ex)‖w'‖²], so the
        # L1 penalty scales by 2^(−ex−ey) and the L2 penalty by 2^(−2ex); the duality-gap rule
        # (gap ≤ tol·‖y‖²) is invariant. Coefficients come back by 2^(ey−ex), the intercept by
        # 2^ey and the gap by 2^(2ey). Every floating-point operation commutes with such an exact
        # scaling, so for data within 2^±256 it would change no bit of the result: those are fit as
        # they are, without the copies.
        ex, ey = power_of_two_scale(X), power_of_two_scale(y)
        if max(abs(ex), abs(ey)) <= 256:
            ex = ey = 0
        else:
            X, y = rescale(X, ex), rescale(y, ey)
        n, d = X.shape
        Y = y[:, None] if y.ndim == 1 else y
        gram = (n > 2 * d and d <= 100) if self.precompute == "auto" else bool(self.precompute)
        G = XtY = None
        if gram and self.fit_intercept:
            # X̃ᵀX̃ and X̃ᵀỹ from one pass over X, without a centred copy of X: all the Gram route reads
            y_mean = Y.sum(axis=0) / n
            Y = Y - y_mean
            X_mean, G, XtY = centred_moments(X, Y)
        elif self.fit_intercept:
            X_mean, y_mean = X.sum(axis=0) / n, Y.sum(axis=0) / n   # = mean(axis=0), without its wrapper
            X, Y = X - X_mean, Y - y_mean   # new arrays (the caller's are never modified)
        else:
            X_mean, y_mean = np.zeros(d), np.zeros(Y.shape[1])
        l1 = float(shift(n * self.alpha * rho, -ex - ey))
        l2 = float(shift(n * self.alpha * (1.0 - rho), -2 * ex))
        # a positive penalty that underflows in these units is kept at the smallest normal
        # float: negligible against the O(1) loss, and the solver's formulas stay defined
        l1 = max(l1, _TINY) if rho > 0 else l1
        l2 = max(l2, _TINY) if rho < 1 else l2
        W0 = self._start(Y.shape[1], d, ex - ey)
        if not (math.isfinite(l1) and math.isfinite(l2)):
            # a penalty past the float range in these units: any w ≠ 0 costs more than w = 0
            fits = [(np.zeros(d), 0.0, 0)] * Y.shape[1]
        else:
            if gram and G is None:
                G, XtY = X.T @ X, X.T @ Y
            fits = [enet_solve(_FullGram(G, XtY[:, k]) if gram else _ColumnGram(X, Y[:, k]),
                               float(Y[:, k] @ Y[:, k]), l1, l2, W0[k], max_iter=self.max_iter, tol=self.tol)
                    for k in range(Y.shape[1])]
        coef = np.array([f[0] for f in fits])
        gaps = [float(shift(f[1], 2 * ey)) for f in fits]   # in y² units: saturates when y² does
        self._store(shift(coef, ey - ex), shift(y_mean - coef @ X_mean, ey), gaps,
                    [f[2] for f in fits], y.ndim)
        return self

    def _start(self, t, d, e=0):
        """The starting coefficients, (t, d): the previous ``coef_`` (times 2^e) under warm_start."""
        W0 = np.zeros((t, d))
        if self.warm_start and hasattr(self, "coef_") and np.atleast_2d(self.coef_).shape == W0.shape:
            W0 = shift(np.atleast_2d(self.coef_), e).astype(np.float64)   # a copy: w is updated in place
        return W0

    def _store(self, coef, intercept, gaps, iters, y_ndim):
        """Set the fitted attributes, 1-D for a 1-D target."""
        if y_ndim == 1:
            self.coef_, self.intercept_ = coef[0], float(intercept[0])
            self.dual_gap_, self.n_iter_ = gaps[0], iters[0]
        else:
            self.coef_, self.intercept_ = coef, np.asarray(intercept, dtype=float)
            self.dual_gap_, self.n_iter_ = np.array(gaps), iters

    def _l1_ratio(self):
        return self.l1_ratio


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty (the lasso), by coordinate descent.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength α > 0.
    fit_intercept : bool, default=True
    precompute : {"auto", True, False}, default="auto"
        Full Gram matrix when True (``"auto"``: when n_samples > 2·n_features
        and n_features ≤ 100); Gram blocks on the working set otherwise.
    max_iter : int, default=1000
        Maximum number of iterations (epochs and active-set solves).
    tol : float, default=1e-4
        Duality-gap tolerance, relative to ‖y − ȳ‖² (see :class:`ElasticNet`).
    warm_start : bool, default=False

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
    dual_gap_ : float or ndarray of shape (n_targets,)

    Notes
    -----
    Minimises (1/2n)‖y − Xw − b‖² + α‖w‖₁: :class:`ElasticNet` with ρ = 1.
    The update wⱼ ← S(cⱼ + Gⱼⱼwⱼ, nα)/Gⱼⱼ soft-thresholds each coordinate,
    which sets coefficients exactly to zero; the active-set step then solves
    G_SS w_S = X̃_Sᵀy − nα·sign(w_S) on the support.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import Lasso
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> Lasso(alpha=0.1).fit(X, [0.0, 1.0, 2.0, 3.0]).coef_.round(3)
    array([0.92, 0.  ])
    """

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute="auto", max_iter=1000, tol=1e-4,
                 warm_start=False):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start

    def _l1_ratio(self):
        return 1.0
