"""Least squares: ordinary, ridge, and Bayesian linear regression.

All three fit ``y ≈ Xw + b``. The intercept ``b`` is never penalised: the data
are centred on their column means, the penalised problem is solved for ``w``,
and ``b = ȳ − x̄ᵀw`` is recovered afterwards.
"""

from __future__ import annotations

import contextlib
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.linalg as sla
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit import linalg
from mmlkit._buffers import with_small_buffers
from mmlkit._dask import any_dask, dask_unsupported
from mmlkit._scaling import UNSCALED_EXPONENT, column_norms, power_of_two_scale, rescale
from mmlkit._validation import Interval, Options, validate_data, validate_params
from mmlkit.exceptions import ConvergenceWarning, RankWarning
from mmlkit.models import _dask_fit
from mmlkit.models._init import single_blas_thread
from mmlkit.models._linear_base import LinearPredictMixin, center_data, centred_gram, centred_moments, centred_stack

__all__ = ["BayesianLinearRegression", "LinearRegression", "Ridge"]

_EPS = np.finfo(np.float64).eps
_ONE_THREAD_SOLVE = 512  # order up to which a Cholesky solve runs on one BLAS thread
_SMALL = 4096  # n·d up to which solver="svd" factors Xc directly (a QR first saves flops, not calls)


def _as_2d(y):
    return y[:, None] if y.ndim == 1 else y


def _store_solution(est, W, X_mean, y_mean, y_ndim):
    """Set ``coef_`` (targets × features, or features for 1-D y) and ``intercept_``."""
    coef = W.T  # (n_targets, n_features)
    intercept = y_mean - coef @ X_mean if np.ndim(y_mean) else y_mean - coef[0] @ X_mean
    if y_ndim == 1:
        est.coef_ = coef[0].copy()
        est.intercept_ = float(np.ravel(intercept)[0]) if np.ndim(intercept) else float(intercept)
    else:
        est.coef_ = coef.copy()
        est.intercept_ = np.asarray(intercept, dtype=np.float64).reshape(-1)


def _means(X, y, fit_intercept: bool):
    """The column means x̄ and ȳ the intercept is fitted from (zeros without an intercept), no copy of X."""
    if fit_intercept:
        return X.mean(axis=0), y.mean(axis=0)
    return np.zeros(X.shape[1]), np.zeros(y.shape[1:])


def _in_units(X, y):
    """``(X', y', ex, ey)`` with X = 2^ex·X', y = 2^ey·y' exact, when X or y lies beyond 2^±256.

    Least squares commute with exact power-of-two scaling: the fit of (X', y')
    gives w = 2^(ey−ex)·w' and b = 2^ey·b' (:func:`_back_from_units`), so any
    finite scale a float64 holds gives the right answer. Ordinary data
    (``ex = ey = 0``) are returned as they are, with no copy.
    """
    ex, ey = power_of_two_scale(X), power_of_two_scale(y)
    if max(abs(ex), abs(ey)) <= UNSCALED_EXPONENT:
        return X, y, 0, 0
    return rescale(X, ex), rescale(y, ey), ex, ey


def _back_from_units(est, ex, ey):
    """Undo :func:`_in_units` on the fitted ``coef_``, ``intercept_`` (and ``singular_values_``)."""
    if not (ex or ey):
        return
    with np.errstate(over="ignore", under="ignore"):   # a coefficient beyond float64 is inf, as it must be
        est.coef_ = np.ldexp(est.coef_, ey - ex)
        intercept = np.ldexp(est.intercept_, ey)
        est.intercept_ = intercept if np.ndim(intercept) else float(intercept)
        if hasattr(est, "singular_values_"):
            est.singular_values_ = np.ldexp(est.singular_values_, ex)


def _cholesky_solve(A, B, what: str, shape):
    """Solve ``A X = B`` for symmetric positive definite ``A`` by Cholesky.

    Raises ``LinAlgError`` when ``A`` is singular to working precision (a pivot
    below ``d·eps·max diag``), which is how collinear columns show up.
    """
    # A d × d factorisation up to a few hundred: on one BLAS thread it takes well under a millisecond, while
    # OpenBLAS's threads (woken after a long single-threaded pass) cost 2–70 ms of spinning on a busy machine.
    with single_blas_thread() if A.shape[0] <= _ONE_THREAD_SOLVE else contextlib.nullcontext():
        try:
            c, lower = sla.cho_factor(A, lower=True, check_finite=False)
        except np.linalg.LinAlgError:
            raise np.linalg.LinAlgError(_singular_message(what, shape)) from None
        pivots = np.diag(c) ** 2
        if pivots.min() <= A.shape[0] * _EPS * max(np.diag(A).max(), 1e-300):
            raise np.linalg.LinAlgError(_singular_message(what, shape))
        return sla.cho_solve((c, lower), B, check_finite=False)


def _singular_message(what, shape):
    return (f"{what} is singular: X (n_samples={shape[0]}, n_features={shape[1]}) has collinear or "
            "constant columns, or fewer samples than features")


def _largest_eigenvalue_gram(X):
    """λ_max(XᵀX), from the smaller of XᵀX and XXᵀ (they share nonzero eigenvalues)."""
    G = X.T @ X if X.shape[0] >= X.shape[1] else X @ X.T
    k = G.shape[0]
    return float(sla.eigh(G, eigvals_only=True, subset_by_index=[k - 1, k - 1])[0])


def _check_tall(n, d):
    if n < d:
        raise np.linalg.LinAlgError(
            f"solver='qr' needs n_samples >= n_features, got n_samples={n}, n_features={d}; use solver='svd'")


def _solve_from_r(est, R11, R12, n, stacklevel):
    """LinearRegression's W from the R factor of the centred [X, Y] (n rows, d + t columns).

    ``Xc = Q₁R₁₁`` and ``Q₁ᵀYc = R₁₂``, so ``‖Y − Xc W‖`` is least at ``R₁₁ W = R₁₂``:
    back substitution for ``solver="qr"`` (an error when R₁₁ is singular to working
    precision), and for ``"svd"`` the SVD of the small R₁₁, which has Xc's singular
    values, right singular vectors and column norms (:func:`_min_norm_svd`).
    ``stacklevel`` is that of the RankWarning.
    """
    d = R11.shape[1]
    if est.solver == "svd":
        return _min_norm_svd(est, R11, R12, n, stacklevel)
    _check_tall(n, d)
    r = np.abs(np.diag(R11))
    if r.min() <= max(n, d) * _EPS * max(r.max(), 1e-300):
        raise np.linalg.LinAlgError(_singular_message("R", (n, d)) + "; use solver='svd'")
    return sla.solve_triangular(R11, R12, check_finite=False)


def _min_norm_svd(est, A, B, n, stacklevel, rebuild=None):
    """:meth:`LinearRegression._svd_solve` on ``A`` with right-hand sides ``B``: ``A`` is the
    centred X (n rows) or the R factor of its QR (whose column norms, singular values and right
    singular vectors are X's, with Uᵀ of the R factor standing for Xc's on ``B = Q₁ᵀyc``).
    ``A`` is consumed (the fit's own copy). Given ``rebuild`` (which writes the original ``A``
    back into it), a column-major ``A`` with no zero column is equilibrated and factored in
    place, with no copy; otherwise the equilibrated copy is. Sets ``rank_`` and
    ``singular_values_``; ``stacklevel`` is that of the RankWarning."""
    d = A.shape[1]
    norms = column_norms(A)
    live = norms > 0
    in_place = rebuild is not None and A.flags.f_contiguous and live.all()
    if in_place:
        A /= norms                 # the same quotients as the copy's, in A's own memory
    scaled = A if in_place else A[:, live] / norms[live]
    U, s, Vt = sla.svd(scaled, full_matrices=False, check_finite=False, overwrite_a=True)
    s = s[: min(n, d)]
    keep = s > max(n, d) * _EPS * (s[0] if s.size else 0.0)
    est.rank_ = r = int(keep.sum())
    est.singular_values_ = np.zeros(min(n, d))
    est.singular_values_[:s.size] = s
    W = np.zeros((d, B.shape[1]))
    if r == live.sum():
        W[live] = (Vt[: s.size].T @ ((U[:, : s.size].T @ B) / s[:, None])) / norms[live, None]
        return W
    if r < s.size:
        warnings.warn(
            f"LinearRegression(solver='svd'): X (centred, columns scaled to unit norm) has rank {r} of "
            f"{s.size}; {s.size - r} direction(s) with singular value <= {max(n, d) * _EPS:.2g}·s₁ were "
            "treated as zero (the minimum-norm solution is returned)", RankWarning, stacklevel=stacklevel)
    del U, Vt, scaled
    if in_place:
        rebuild()                  # the SVD overwrote A
    U, s, Vt = sla.svd(A, full_matrices=False, check_finite=False, overwrite_a=True)
    return Vt[:r].T @ ((U[:, :r].T @ B) / s[:r, None])


class LinearRegression(MultiOutputMixin, LinearPredictMixin, RegressorMixin, BaseEstimator):
    """Ordinary least squares, by four solvers.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Fit an (unpenalised) intercept ``b``; otherwise the model passes through 0.
    solver : {"svd", "normal", "qr", "gd"}, default="svd"
        ``"svd"``: thin SVD, minimum-norm solution (works for rank-deficient X
        and n < d). ``"normal"``: Cholesky on the normal equations XᵀX w = Xᵀy.
        ``"qr"``: mmlkit's Householder QR (:func:`mmlkit.linalg.qr`), X = QR,
        R w = Qᵀy. ``"gd"``: gradient descent
        with step 1/L, L = λ_max(XᵀX)/n.
    max_iter : int, default=10000
        Iteration cap for ``solver="gd"``.
    tol : float, default=1e-10
        ``solver="gd"`` stops when ‖∇f‖₂ ≤ tol·max(1, ‖∇f(0)‖₂).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    rank_ : int
        Numerical rank of the centred X, its columns scaled to unit norm
        (``"svd"`` solver; full rank otherwise).
    singular_values_ : ndarray of shape (min(n_samples, n_features),)
        Singular values of the centred X with its columns scaled to unit norm
        (``"svd"`` solver only).
    n_iter_ : int
        Gradient-descent iterations (1 for the direct solvers: one solve).

    Notes
    -----
    Minimises f(w, b) = (1/2n)‖y − Xw − b‖². With centred data Xc, yc:

    * normal equations: XcᵀXc w = Xcᵀyc, Cholesky, cost O(nd² + d³);
      squares the condition number, so it raises ``LinAlgError`` on
      (numerically) collinear columns;
    * QR: Xc = QR by mmlkit's Householder QR, w = R⁻¹Qᵀyc by back substitution
      (Qᵀyc read off the R factor of [Xc, yc], so Q is never formed), O(nd²),
      needs n ≥ d and full column rank;
    * SVD: Xc D⁻¹ = USVᵀ with D the column norms (equilibration), singular
      values below max(n, d)·eps·s₁ treated as zero (with a ``RankWarning``);
      w = D⁻¹ V S⁻¹ Uᵀ yc at full column rank, else the minimum-norm
      least-squares solution V S⁺ Uᵀ yc of Xc itself, O(nd·min(n, d)). For
      n ≥ d the SVD is that of the small R factor of [Xc, yc] (LAPACK's
      Householder QR; R has Xc's column norms, singular values and right
      singular vectors, and its last column gives Uᵀyc), as LAPACK's ``gelsd``;
    * gradient descent: w ← w + (1/L)·Xcᵀ(yc − Xc w)/n, linear convergence at
      rate 1 − 1/κ(XcᵀXc); O(nd) per iteration.

    Memory: the QR and SVD solvers centre [X, y] into one new column-major
    array and factor it in place (peak about 1.1 X, plus one n × min(d, 64)
    panel of reflectors for mmlkit's QR); the normal equations form XcᵀXc
    without a centred copy; gradient descent holds one centred copy.

    On a Dask X (chunked by rows): one pass over the data; each row block sends its
    count, means and the R factor (``"qr"``, ``"svd"``) or the centred Gram matrix
    (``"normal"``, ``"gd"``) of [X, y], (d + t)² + d + t + 1 numbers, merged in a tree
    (Chan's update); the client never holds X.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import LinearRegression
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> LinearRegression(solver="qr").fit(X, [1.0, 3.0, 5.0]).coef_.round(6)
    array([2.])
    """

    _parameter_constraints = {
        "fit_intercept": ["boolean"],
        "solver": [Options(("svd", "normal", "qr", "gd"))],
        "max_iter": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None)],
    }

    def __init__(self, *, fit_intercept=True, solver="svd", max_iter=10000, tol=1e-10):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        """Fit the least-squares coefficients.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        validate_params(self)
        if any_dask(X, y):
            return _dask_fit.linear_regression(self, X, y)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        X, y, ex, ey = _in_units(X, y)
        n, d = X.shape
        self.n_iter_ = 1  # one direct solve
        self.rank_ = d
        if self.solver in ("qr", "svd"):
            if self.solver == "qr":
                _check_tall(n, d)
            # the fit's one copy of X (X by rows into XY by columns is buffered: small buffers for a small X)
            XY, X_mean, y_mean = with_small_buffers(X.size, centred_stack, X, _as_2d(y), self.fit_intercept)
            if self.solver == "qr" or (n >= d and n * d > _SMALL):
                # Householder QR of [Xc, Y] in place: R = [[R₁₁, Q₁ᵀY], [0, ·]], so Qᵀy comes without forming
                # Q. "qr" runs mmlkit's; "svd" LAPACK's (as gelsd does: QR, then the SVD of the small R)
                if self.solver == "qr":
                    R = linalg.qr(XY, mode="r", overwrite_a=True)
                else:
                    R = sla.qr(XY, mode="raw", overwrite_a=True, check_finite=False)[1]  # "raw": no n-row copy
                del XY
                W = _solve_from_r(self, R[:d, :d], R[:d, d:], n, stacklevel=4)
            else:
                W = self._svd_solve(XY[:, :d], XY[:, d:], lambda: np.subtract(X, X_mean, out=XY[:, :d]))
        elif self.solver == "normal":
            X_mean, y_mean = _means(X, y, self.fit_intercept)
            G, rhs = centred_gram(X, X_mean, _as_2d(y - y_mean))  # (X − x̄)ᵀ(X − x̄), (X − x̄)ᵀ(y − ȳ)
            W = _cholesky_solve(G, rhs, "XᵀX", X.shape)
        else:
            Xc, yc, X_mean, y_mean = center_data(X, y, self.fit_intercept)
            W = self._gradient_descent(Xc, _as_2d(yc))
        _store_solution(self, W, X_mean, y_mean, y.ndim)
        _back_from_units(self, ex, ey)
        return self

    def _svd_solve(self, Xc, Y, rebuild):
        """Minimum-norm least squares by the SVD, the rank decided on equilibrated columns.

        Scaling each column of Xc to unit norm (D = diag(‖xⱼ‖)) makes the cutoff
        max(n, d)·ε·s₁ respect the data's scale: a column measured in large units
        no longer hides a small but well-determined one. Columns that are exactly
        zero (constant before centring) get coefficient 0. When the other columns
        have full rank the solution is unique and comes from the well-scaled
        factorisation, w = D⁻¹ V S⁻¹ Uᵀ y. Otherwise a ``RankWarning`` says how many
        directions were dropped, and the minimum-norm solution of the original
        problem is returned on the remaining ones. For n ≥ d this runs on the
        R factor of the QR of [Xc, Y] (see :func:`_solve_from_r`); here on Xc itself
        (n < d), the fit's own copy, which it consumes; ``rebuild()`` writes the centred X back
        into ``Xc``.
        """
        return _min_norm_svd(self, Xc, Y, Xc.shape[0], stacklevel=4, rebuild=rebuild)

    def _gradient_descent(self, Xc, Y):
        n = Xc.shape[0]
        L = _largest_eigenvalue_gram(Xc) / n
        W = np.zeros((Xc.shape[1], Y.shape[1]))
        if L == 0.0:
            return W
        grad = -(Xc.T @ Y) / n
        stop = self.tol * max(1.0, np.linalg.norm(grad))
        for it in range(1, self.max_iter + 1):
            W -= grad / L
            grad = Xc.T @ (Xc @ W - Y) / n
            if np.linalg.norm(grad) <= stop:
                self.n_iter_ = it
                return W
        self.n_iter_ = self.max_iter
        warnings.warn(
            f"LinearRegression(solver='gd') stopped at max_iter={self.max_iter} with gradient norm "
            f"{np.linalg.norm(grad):.3g} > {stop:.3g}; increase max_iter or use a direct solver",
            ConvergenceWarning, stacklevel=3,
        )
        return W


class Ridge(MultiOutputMixin, LinearPredictMixin, RegressorMixin, BaseEstimator):
    """Least squares with an L2 penalty on the weights (not the intercept).

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength α ≥ 0.
    fit_intercept : bool, default=True
    solver : {"auto", "cholesky", "svd"}, default="auto"
        ``"cholesky"``: Cholesky on the smaller of the primal system
        (XᵀX + αI) w = Xᵀy (n ≥ d) and the dual (XXᵀ + αI) a = y, w = Xᵀa
        (n < d). ``"svd"``: w = V diag(s/(s² + α)) Uᵀy. ``"auto"``: Cholesky,
        falling back to SVD when the system is singular (α = 0 with collinear X).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)

    Notes
    -----
    Minimises ‖y − Xw − b‖² + α‖w‖² (scikit-learn's scaling). The solution is
    w = (XcᵀXc + αI)⁻¹ Xcᵀyc = Xcᵀ(XcXcᵀ + αI)⁻¹ yc on centred data. Cost:
    O(nd² + d³) primal, O(n²d + n³) dual. For n ≥ d the primal Gram matrix is
    formed from the uncentred X as XᵀX − n x̄x̄ᵀ when the column means are small
    next to the spreads (|x̄ⱼ| ≤ sⱼ, so at most ~0.3 digits are lost), which
    saves centring a copy of X; otherwise row blocks of X are centred one at a
    time. XᵀX (a symmetric rank-n update, nd² flops), the means and Xᵀy come
    from one pass over X, split over the CPUs.

    On a Dask X: one pass, (d + t)² + d + t + 1 numbers per block (the centred Gram
    matrix of [X, y], or its R factor for ``"svd"``; ``"auto"`` falls back to that second pass).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import Ridge
    >>> X = np.array([[0.0], [1.0], [2.0]])
    >>> Ridge(alpha=1.0).fit(X, [1.0, 3.0, 5.0]).coef_.round(6)
    array([1.333333])
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None)],
        "fit_intercept": ["boolean"],
        "solver": [Options(("auto", "cholesky", "svd"))],
    }

    def __init__(self, alpha=1.0, *, fit_intercept=True, solver="auto"):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver

    def fit(self, X, y):
        """Fit the ridge coefficients.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        validate_params(self)
        if any_dask(X, y):
            return _dask_fit.ridge(self, X, y)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        X, y, ex, ey = _in_units(X, y)
        n, d = X.shape
        with np.errstate(over="ignore", under="ignore"):
            alpha = float(np.ldexp(float(self.alpha), -2 * ex))   # α‖w‖² = 2^(2ey)·α·2^(−2ex)‖w'‖²
        if alpha == np.inf:   # α beyond float64 against X's scale: w = (XᵀX + αI)⁻¹Xᵀy is 0 in float64
            X_mean, y_mean = _means(X, y, self.fit_intercept)
            _store_solution(self, np.zeros((d, _as_2d(y).shape[1])), X_mean, y_mean, y.ndim)
            _back_from_units(self, ex, ey)
            return self
        if self.solver != "svd":
            try:
                if n >= d:
                    W, X_mean, y_mean = self._primal_cholesky(X, y, alpha)
                else:
                    Xc, yc, X_mean, y_mean = center_data(X, y, self.fit_intercept)
                    K = Xc @ Xc.T
                    K.flat[:: n + 1] += alpha
                    W = Xc.T @ _cholesky_solve(K, _as_2d(yc), "XXᵀ + αI", X.shape)
                _store_solution(self, W, X_mean, y_mean, y.ndim)
                _back_from_units(self, ex, ey)
                return self
            except np.linalg.LinAlgError:
                if self.solver == "cholesky":
                    raise
        Xc, yc, X_mean, y_mean = center_data(X, y, self.fit_intercept)
        U, s, Vt = sla.svd(Xc, full_matrices=False, check_finite=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.where(s > max(n, d) * _EPS * (s[0] if s.size else 0.0), s / (s**2 + alpha), 0.0)
        W = Vt.T @ (shrink[:, None] * (U.T @ _as_2d(yc)))
        _store_solution(self, W, X_mean, y_mean, y.ndim)
        _back_from_units(self, ex, ey)
        return self

    def _primal_cholesky(self, X, y, alpha):
        n, d = X.shape
        if self.fit_intercept:
            y_mean = y.mean(axis=0)
            # x̄, (X − x̄)ᵀ(X − x̄) and (X − x̄)ᵀ(y − ȳ) from one pass over X, no centred copy
            X_mean, G, rhs = centred_moments(X, _as_2d(y - y_mean))
        else:
            X_mean, y_mean = np.zeros(d), (np.zeros(y.shape[1]) if y.ndim > 1 else 0.0)
            G, rhs = X.T @ X, X.T @ _as_2d(y)
        G.flat[:: d + 1] += alpha
        return _cholesky_solve(G, rhs, "XᵀX + αI", X.shape), X_mean, y_mean


@dask_unsupported
class BayesianLinearRegression(RegressorMixin, BaseEstimator):
    """Bayesian linear regression: a Gaussian posterior over the weights.

    Parameters
    ----------
    alpha_init : float, optional
        Initial noise precision α (1/σ²). Default 1/Var(y).
    lambda_init : float, optional
        Initial weight precision λ (prior w ~ N(0, λ⁻¹I)). Default 1.
    fit_evidence : bool, default=True
        Re-estimate α and λ by maximising the marginal likelihood (evidence)
        with MacKay's fixed-point updates; when False, α and λ stay at their
        initial values (``alpha_init`` then defaults to 1 as well) and the
        posterior is the conjugate closed form.
    max_iter : int, default=300
    tol : float, default=1e-3
        Stop when Σ|w_new − w_old| < tol.
    alpha_1, alpha_2, lambda_1, lambda_2 : float, default=1e-6
        Shape and rate of Gamma hyper-priors on α and λ (as scikit-learn's
        ``BayesianRidge``).
    compute_score : bool, default=False
        Record the log marginal likelihood at every iteration in ``scores_``.
    fit_intercept : bool, default=True
        Fit an intercept with a flat prior.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Posterior mean m of the weights.
    sigma_ : ndarray of shape (n_features, n_features)
        Posterior covariance Σ of the weights.
    intercept_ : float
    alpha_, lambda_ : float
        Noise and weight precisions used for the final posterior.
    n_iter_ : int
    scores_ : ndarray
        Log evidence per iteration (only with ``compute_score=True``).
    log_marginal_likelihood_ : float
        log p(y | X, α, λ) at the final hyper-parameters (without hyper-priors).

    Notes
    -----
    Model: y = Xw + b + ε, ε ~ N(0, α⁻¹I), w ~ N(0, λ⁻¹I), flat prior on b.
    With centred data and thin SVD Xc = U S Vᵀ the posterior is N(m, Σ),

        Σ = (λI + αXcᵀXc)⁻¹ = V diag(1/(λ + αs²)) Vᵀ + λ⁻¹(I − VVᵀ),
        m = αΣXcᵀyc = V diag(s/(s² + λ/α)) Uᵀyc.

    The predictive distribution at x is Gaussian with mean xᵀm + b and variance
    1/α + 1/(αn) + (x − x̄)ᵀΣ(x − x̄): noise, intercept and weight uncertainty.
    (scikit-learn's ``BayesianRidge`` reports 1/α + xᵀΣx, which ignores the
    intercept and equals ours only when ``fit_intercept=False``.)

    Evidence maximisation (MacKay): with γ = Σᵢ αsᵢ²/(λ + αsᵢ²) the number of
    well-determined parameters, λ ← (γ + 2λ₁)/(‖m‖² + 2λ₂) and
    α ← (n − γ + 2α₁)/(‖yc − Xc m‖² + 2α₂). One SVD, O(nd·min(n, d)), then
    O(d·min(n, d)) per iteration.

    Any finite scale of X and y works: the fit runs on X/2^ex, y/2^ey (exact)
    with α in units of 1/y², λ in x²/y², and the Gamma rates α₂, λ₂ converted
    likewise. Where the hyperpriors dominate data so small (or large) that the
    posterior precisions are not representable, ``fit`` raises ``ValueError``.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import BayesianLinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2)); y = X @ [1.0, -2.0] + 0.1 * rng.normal(size=50)
    >>> model = BayesianLinearRegression().fit(X, y)
    >>> mean, std = model.predict(X[:2], return_std=True)
    >>> bool(np.all(std > 0))
    True
    """

    _parameter_constraints = {
        "alpha_init": [None, Interval(Real, 0, None, closed="neither")],
        "lambda_init": [None, Interval(Real, 0, None, closed="neither")],
        **{name: [Interval(Real, 0, None)] for name in ("alpha_1", "alpha_2", "lambda_1", "lambda_2", "tol")},
        "max_iter": [Interval(Integral, 1, None)],
        **{name: ["boolean"] for name in ("fit_evidence", "compute_score", "fit_intercept")},
    }

    def __init__(self, *, alpha_init=None, lambda_init=None, fit_evidence=True, max_iter=300, tol=1e-3,
                 alpha_1=1e-6, alpha_2=1e-6, lambda_1=1e-6, lambda_2=1e-6, compute_score=False,
                 fit_intercept=True):
        self.alpha_init = alpha_init
        self.lambda_init = lambda_init
        self.fit_evidence = fit_evidence
        self.max_iter = max_iter
        self.tol = tol
        self.alpha_1 = alpha_1
        self.alpha_2 = alpha_2
        self.lambda_1 = lambda_1
        self.lambda_2 = lambda_2
        self.compute_score = compute_score
        self.fit_intercept = fit_intercept

    def fit(self, X, y):
        """Compute the posterior over the weights (and optimise α, λ).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)

        Returns
        -------
        self
        """
        validate_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        # Fit in exact power-of-two units X = 2^ex·X', y = 2^ey·y' (any finite scale works):
        # w = 2^(ey−ex)·w'. The noise precision α is in 1/y² and the weight precision λ in
        # x²/y², so α = 2^(−2ey)·α', λ = 2^(2ex−2ey)·λ', Σ = 2^(2ey−2ex)·Σ'; the Gamma rates
        # convert inversely (α₂' = α₂·2^(−2ey), λ₂' = λ₂·2^(2ex−2ey)), the shapes α₁, λ₁ are
        # unitless; the log evidence of y shifts by −n·ey·log 2 (the Jacobian of y = 2^ey·y'),
        # and the hyperprior terms by α₁·log 2^(−2ey) + λ₁·log 2^(2ex−2ey).
        ex, ey = power_of_two_scale(X), power_of_two_scale(y)
        X, y = rescale(X, ex), rescale(y, ey)
        big, tiny = np.finfo(np.float64).max, np.finfo(np.float64).tiny
        with np.errstate(over="ignore", under="ignore"):
            a2 = float(np.ldexp(self.alpha_2, -2 * ey))
            l2 = float(np.ldexp(self.lambda_2, 2 * ex - 2 * ey))
            alpha_init = (None if self.alpha_init is None
                          else float(np.clip(np.ldexp(self.alpha_init, 2 * ey), tiny, big)))
            # the defaults too are precisions in the caller's units (α = 1/y², λ = 1 x²/y²), converted like
            # alpha_init and lambda_init: in the scaled units the start would otherwise depend on X's and
            # y's magnitudes (on unscaled data a λ 2^26 times too large, and 53 iterations where 7 do)
            lambda_init = float(np.clip(np.ldexp(1.0 if self.lambda_init is None else self.lambda_init,
                                                 2 * ey - 2 * ex), tiny, big))
            tol = float(np.ldexp(self.tol, ex - ey))   # the stopping rule is on w's change, in w's units
        self._hyper_rates = (a2, l2)
        # Centred straight into LAPACK's column-major layout, the scaled copy dropped before the SVD,
        # which may then overwrite Xc (ours alone): SciPy's own copy of it is not made.
        # (X by rows into Xc by columns is buffered: twice a small X without small buffers)
        Xc, yc, X_mean, y_mean = with_small_buffers(X.size, center_data, X, y, self.fit_intercept, "F")
        del X
        n, d = Xc.shape
        U, s, Vt = sla.svd(Xc, full_matrices=False, check_finite=False, overwrite_a=True)
        del Xc
        s2 = s**2
        Uty = U.T @ yc
        yy = float(yc @ yc)
        if alpha_init is not None:
            alpha = alpha_init
        elif self.fit_evidence:
            alpha = 1.0 / (np.var(y) + _EPS)
        else:
            with np.errstate(over="ignore", under="ignore"):
                alpha = float(np.clip(np.ldexp(1.0, 2 * ey), tiny, big))   # α = 1 in 1/y²
        lam = lambda_init
        scores = []
        self.n_iter_ = 0
        if self.fit_evidence:
            alpha, lam = self._maximise_evidence(s, s2, Uty, yy, Vt, (n, d), (alpha, lam), (a2, l2),
                                                 tol, (ex, ey), scores)
        z, rss = self._posterior_mean_spectral(s, s2, Uty, yy, alpha, lam)
        if self.compute_score:
            scores.append(self._log_evidence(n, d, s2, z, rss, alpha, lam, priors=True))
        ln2 = np.log(2.0)
        shift = -n * ey * ln2
        prior_shift = shift - 2 * ey * self.alpha_1 * ln2 + (2 * ex - 2 * ey) * self.lambda_1 * ln2
        if self.compute_score:
            self.scores_ = np.asarray(scores) + prior_shift
        coef = Vt.T @ z
        # Σ on the row space of Xc plus the untouched prior on its null space.
        sigma = (Vt.T / (lam + alpha * s2)) @ Vt + (np.eye(d) - Vt.T @ Vt) / lam
        sigma = 0.5 * (sigma + sigma.T)
        intercept = float(y_mean - X_mean @ coef)
        # predict works in the scaled units; the public attributes are converted back
        # (ldexp saturates to inf or 0 only where the true value is not representable)
        self._scaled_fit = (ex, ey, coef, intercept, sigma, X_mean, float(alpha))
        with np.errstate(over="ignore", under="ignore"):
            self.alpha_ = float(np.ldexp(alpha, -2 * ey))
            self.lambda_ = float(np.ldexp(lam, 2 * ex - 2 * ey))
            self.coef_ = np.ldexp(coef, ey - ex)
            self.sigma_ = np.ldexp(sigma, 2 * ey - 2 * ex)
            self.intercept_ = float(np.ldexp(intercept, ey))
            self.X_offset_ = np.ldexp(X_mean, ex)
        self.n_samples_fit_ = n
        self.log_marginal_likelihood_ = self._log_evidence(n, d, s2, z, rss, alpha, lam, priors=False) + shift
        return self

    def _maximise_evidence(self, s, s2, Uty, yy, Vt, shape, start, rates, tol, exponents, scores):
        """MacKay's fixed point for (α, λ): γ = Σ αs²/(λ + αs²), λ = (γ + 2λ₁)/(‖z‖² + 2λ₂),
        α = (n − γ + 2α₁)/(RSS + 2α₂), until the weights move by less than ``tol`` (all in the
        scaled units of ``fit``); appends each step's log evidence to ``scores``."""
        (n, d), (alpha, lam), (a2, l2), (ex, ey) = shape, start, rates, exponents
        coef_old = None
        for it in range(self.max_iter):
            z, rss = self._posterior_mean_spectral(s, s2, Uty, yy, alpha, lam)
            if self.compute_score:
                scores.append(self._log_evidence(n, d, s2, z, rss, alpha, lam, priors=True))
            gamma = np.sum(alpha * s2 / (lam + alpha * s2))
            coef = Vt.T @ z
            lam = (gamma + 2 * self.lambda_1) / (float(z @ z) + 2 * l2)
            alpha = (n - gamma + 2 * self.alpha_1) / (rss + 2 * a2)
            if not (0.0 < alpha < np.inf and 0.0 < lam < np.inf):
                raise ValueError(
                    f"the Gamma hyperpriors (alpha_2={self.alpha_2!r}, lambda_2={self.lambda_2!r}) "
                    f"dominate data this small or large (max |X| = 2^{ex}, max |y| = 2^{ey}): the "
                    "posterior precisions are not representable; standardise X and y (e.g. with "
                    "StandardScaler) or scale alpha_2 and lambda_2 with the data")
            self.n_iter_ = it + 1
            if coef_old is not None and np.sum(np.abs(coef_old - coef)) < tol:
                break
            coef_old = coef
        else:
            warnings.warn(
                f"BayesianLinearRegression stopped at max_iter={self.max_iter} before the "
                f"weights changed by less than tol={self.tol}",
                ConvergenceWarning, stacklevel=3,  # the caller of fit
            )
        return alpha, lam

    @staticmethod
    def _posterior_mean_spectral(s, s2, Uty, yy, alpha, lam):
        """Posterior mean in V-coordinates, z = Vᵀm, and the residual sum of squares."""
        z = s * Uty / (s2 + lam / alpha)
        fitted = s * z  # Uᵀ Xc m
        rss = max(yy - 2 * float(fitted @ Uty) + float(fitted @ fitted), 0.0)
        return z, rss

    def _log_evidence(self, n, d, s2, z, rss, alpha, lam, *, priors):
        """log p(yc | α, λ) = ½[d log λ + n log α − α·rss − λ‖m‖² − log|λI + αXᵀX| − n log 2π]."""
        logdet = np.sum(np.log(lam + alpha * s2)) + (d - s2.size) * np.log(lam)
        value = 0.5 * (d * np.log(lam) + n * np.log(alpha) - alpha * rss - lam * float(z @ z)
                       - logdet - n * np.log(2 * np.pi))
        if priors:
            a2, l2 = getattr(self, "_hyper_rates", (self.alpha_2, self.lambda_2))
            value += (self.lambda_1 * np.log(lam) - l2 * lam
                      + self.alpha_1 * np.log(alpha) - a2 * alpha)
        return float(value)

    def predict(self, X, return_std=False):
        """Posterior predictive mean (and standard deviation).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        return_std : bool, default=False

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,)
            Only when ``return_std``: sqrt(1/α + 1/(αn)·[intercept] + (x − x̄)ᵀΣ(x − x̄)).
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        ex, ey, coef, intercept, sigma, X_offset, alpha = getattr(
            self, "_scaled_fit", (0, 0, self.coef_, self.intercept_, self.sigma_, self.X_offset_, self.alpha_))
        X = rescale(X, ex)   # the fit's units (see fit)
        with np.errstate(over="ignore"):
            mean = np.ldexp(X @ coef + intercept, ey)
            if not return_std:
                return mean
            Xc = X - X_offset
            var = np.einsum("ij,jk,ik->i", Xc, sigma, Xc) + 1.0 / alpha
            if self.fit_intercept:
                var += 1.0 / (alpha * self.n_samples_fit_)
            return mean, np.ldexp(np.sqrt(var), ey)
