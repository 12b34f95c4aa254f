"""Sparse linear regression by coordinate descent: ``Lasso`` and ``ElasticNet``.

Both minimise scikit-learn's objective

    (1/2n)‖y − Xw − b‖² + α·ρ‖w‖₁ + ½α(1 − ρ)‖w‖²,     ρ = l1_ratio,

by cyclic coordinate descent on a working set, with covariance (Gram) updates
and a duality-gap stopping rule.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import validate_data

from mmlkit._dask import any_dask
from mmlkit._scaling import power_of_two_scale, rescale
from mmlkit._validation import Interval, Options, validate_params
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import _dask_fit
from mmlkit.models._linear_base import LinearPredictMixin, cd_epochs, centred_gram

__all__ = ["ElasticNet", "Lasso", "enet_objective"]


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
    dual_norm = float(np.max(np.abs(c - l2 * w))) if w.size else 0.0
    if dual_norm > l1:
        const = l1 / dual_norm
        gap = 0.5 * (rr + rr * const**2)
    else:
        const = 1.0
        gap = rr
    return gap + l1 * float(np.abs(w).sum()) - const * ry + 0.5 * l2 * (1.0 + const**2) * w_norm2


def _enet_path_point(X, X_mean, y, l1, l2, w, *, max_iter, tol, gram):
    """Solve one elastic net (unscaled penalties l1, l2) from ``w``; ``y`` is centred.

    ``X`` is the uncentred design and ``X_mean`` its column means (zeros when no
    intercept is fitted): centring is applied to the working-set columns only.
    Working-set strategy: coordinate descent runs on the nonzero features plus
    the worst violators of the optimality condition |Xⱼᵀr| ≤ l1 (at most
    twice as many as are nonzero, at least 10); the full gradient Xᵀr and the
    duality gap are then recomputed with one matrix-vector product, and the
    set grows until the gap falls below ``tol·‖y‖²``. With ``gram`` the full
    centred Gram matrix is formed once and every step uses it.
    """
    n, d = X.shape
    yy = float(y @ y)
    q = X.T @ y  # = Xcᵀy since y sums to zero
    G = None
    if gram:
        G = centred_gram(X, X_mean)
    gap_tol = tol * yy
    # Sweeps on the working set cost O(k²): solve it well (tol/100) before paying O(nd) for a gap check.
    inner_tol = max(0.01 * tol, 1e-10)
    n_iter = 0
    previous = None
    # Without the full Gram matrix: the working set's centred columns, one per row of XAt
    # (only new columns are ever gathered), and their Gram matrix GA, grown block by block.
    # The row store is reserved whole but only its used rows are ever touched.
    rows = np.empty((d, n)) if G is None else None
    XAt, GA = rows[:0] if G is None else None, np.empty((0, 0))
    while True:
        nz = np.flatnonzero(w)
        if G is not None:
            c = q - G[:, nz] @ w[nz]
            rr = yy - 2.0 * float(w @ q) + float(w[nz] @ (G[np.ix_(nz, nz)] @ w[nz]))
        else:
            # w is zero outside the working set once there is one (a warm start may not be)
            r = y - (XAt.T @ w[previous] if previous is not None else (X[:, nz] - X_mean[nz]) @ w[nz])
            c = X.T @ r - X_mean * r.sum()
            rr = float(r @ r)
        ry = yy - float(w @ q)
        gap = _duality_gap(w, c, max(rr, 0.0), ry, l1, l2)
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
        n_new = min(int(np.count_nonzero(violation > 0)), max(10, 2 * nz.size))
        new = np.argpartition(-violation, n_new - 1)[:n_new] if 0 < n_new < d else np.flatnonzero(violation > 0)
        new = np.sort(new)
        if previous is None:
            active = new
        elif new.size:
            active = np.concatenate([previous, new])   # new never meets previous (its violation is −inf)
        else:
            active = previous
            inner_tol /= 10.0  # nothing to add, gap still too large: solve the sub-problem harder
            if inner_tol < 1e-300:
                return w, gap, n_iter
        previous = active
        if G is not None:
            GA = G[np.ix_(active, active)]
        elif new.size:
            k, m = XAt.shape[0], new.size
            Xn = np.subtract(X[:, new].T, X_mean[new, None], out=rows[k:k + m])   # the new centred columns
            cross = XAt @ Xn.T
            GA = np.block([[GA, cross], [cross.T, Xn @ Xn.T]])
            XAt = rows[:k + m]
        cA = c[active].copy()
        wA = w[active].copy()
        n_iter += cd_epochs(GA, cA, wA, l1, l2, inner_tol, max_iter - n_iter)
        w[active] = wA


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
        Maximum number of coordinate-descent epochs.
    tol : float, default=1e-4
        Stop when the duality gap is below ``tol·‖y − ȳ‖²``.
    warm_start : bool, default=False
        Start from the previous ``coef_`` when refitting.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int or list of int
        Coordinate-descent epochs (per target for 2-D y).
    dual_gap_ : float or ndarray of shape (n_targets,)
        Final duality gap, on the unscaled objective n·f.

    Notes
    -----
    Objective (scikit-learn's): f(w, b) = (1/2n)‖y − Xw − b‖² + αρ‖w‖₁ +
    ½α(1 − ρ)‖w‖². With l1 = nαρ, l2 = nα(1 − ρ) and the gradient
    c = Xᵀ(y − Xw), each coordinate update is

        wⱼ ← S(cⱼ + Gⱼⱼwⱼ, l1) / (Gⱼⱼ + l2),   S(z, t) = sign(z)·max(|z| − t, 0),

    followed by the covariance update c ← c − G[:, j]·Δwⱼ, O(d) per coordinate
    instead of O(n) for a residual update. A working set of features (nonzero,
    or violating |cⱼ| ≤ l1) is swept until the weights settle; then the full
    gradient and the duality gap P(w) − D(θ), θ = the residual scaled into
    the dual feasible set, decide whether to stop or grow the set. Cost:
    O(nd²) for the Gram matrix (or O(nk²) per working set of size k),
    O(k²) per epoch, O(nd) per gap check.

    Any finite scale of the data works (1e±300 included): the fit runs on
    X/2^ex and y/2^ey (exact powers of two), where the L1 penalty is
    α·ρ·2^(−ex−ey) and the L2 penalty α(1 − ρ)·2^(−2ex), and the coefficients
    come back times 2^(ey−ex), the intercept times 2^ey.

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
        # Fit in exact power-of-two units so any finite scale (1e±300) neither overflows nor
        # underflows: X = 2^ex·X', y = 2^ey·y', w = 2^(ey−ex)·w'. The objective becomes
        # 2^(2ey)·[(1/2n)‖y' − X'w'‖² + α·ρ·2^(−ex−ey)‖w'‖₁ + ½α(1 − ρ)·2^(−2ex)‖w'‖²], so the
        # L1 penalty scales by 2^(−ex−ey) and the L2 penalty by 2^(−2ex); the duality-gap rule
        # (gap ≤ tol·‖y‖²) is invariant. Coefficients come back by 2^(ey−ex), the intercept by
        # 2^ey and the gap by 2^(2ey).
        ex, ey = power_of_two_scale(X), power_of_two_scale(y)
        X, y = rescale(X, ex), rescale(y, ey)
        n, d = X.shape
        if self.fit_intercept:
            X_mean, y_mean = X.mean(axis=0), y.mean(axis=0)
        else:
            X_mean, y_mean = np.zeros(d), np.zeros(y.shape[1:]) if y.ndim > 1 else 0.0
        Y = (y - y_mean)[:, None] if y.ndim == 1 else y - y_mean
        gram = (n > 2 * d and d <= 100) if self.precompute == "auto" else bool(self.precompute)
        with np.errstate(over="ignore"):
            l1 = float(np.ldexp(n * self.alpha * rho, -ex - ey))
            l2 = float(np.ldexp(n * self.alpha * (1.0 - rho), -2 * ex))
        # a positive penalty that underflows in these units is kept at the smallest normal
        # float: negligible against the O(1) loss, and the solver's formulas stay defined
        tiny = np.finfo(np.float64).tiny
        l1 = max(l1, tiny) if rho > 0 else l1
        l2 = max(l2, tiny) if rho < 1 else l2
        W0 = np.zeros((Y.shape[1], d))
        if self.warm_start and hasattr(self, "coef_"):
            prev = np.atleast_2d(self.coef_)
            if prev.shape == W0.shape:
                W0 = np.ldexp(prev, ex - ey)
        coef, gaps, iters = [], [], []
        for k in range(Y.shape[1]):
            if not (np.isfinite(l1) and np.isfinite(l2)):
                # a penalty past the float range in these units: any w ≠ 0 costs more than w = 0
                coef.append(np.zeros(d))
                gaps.append(0.0)
                iters.append(0)
                continue
            w, gap, it = _enet_path_point(X, X_mean, Y[:, k], l1, l2, W0[k].copy(), max_iter=self.max_iter,
                                          tol=self.tol, gram=gram)
            coef.append(w)
            gaps.append(gap)
            iters.append(it)
        coef = np.array(coef)
        intercept = np.ldexp(y_mean - coef @ X_mean, ey)
        coef = np.ldexp(coef, ey - ex)
        with np.errstate(over="ignore"):   # the gap is in y² units: it saturates when y² does
            gaps = [float(np.ldexp(g, 2 * ey)) for g in gaps]
        if y.ndim == 1:
            self.coef_, self.intercept_ = coef[0], float(intercept[0])
            self.dual_gap_, self.n_iter_ = gaps[0], iters[0]
        else:
            self.coef_, self.intercept_ = coef, np.asarray(intercept, dtype=float)
            self.dual_gap_, self.n_iter_ = np.array(gaps), iters
        return self

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
    tol : float, default=1e-4
        Duality-gap tolerance, relative to ‖y − ȳ‖².
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
    which sets coefficients exactly to zero.

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
