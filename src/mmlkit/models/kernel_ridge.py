"""Kernel ridge regression: ridge regression in a kernel's feature space, solved in the dual."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import dask_unsupported
from mmlkit._scaling import shift, unit_exponent
from mmlkit._validation import Interval, as_float_array, check_sample_weight, validate_data, validate_params
from mmlkit.models._init import one_blas_thread_when_small
from mmlkit.models._kernels import KERNEL_PARAMETERS, kernel_matrix, kernel_units

__all__ = ["KernelRidge"]


@dask_unsupported
class KernelRidge(RegressorMixin, BaseEstimator):
    """Kernel ridge regression (ridge regression with the kernel trick).

    Parameters
    ----------
    alpha : float or array_like of shape (n_targets,), default=1.0
        Regularisation strength α > 0 (one per target if an array).
    kernel : {"linear", "poly", "rbf", "sigmoid", "precomputed"} or callable, default="linear"
        The kernel k (see :mod:`mmlkit.models._kernels`). With ``"precomputed"``,
        ``fit`` takes the Gram matrix (n, n) and ``predict`` the matrix (m, n)
        of kernels between new and training points.
    gamma : float, "scale", "auto" or None, default=None
        Kernel coefficient for rbf, poly and sigmoid; None means 1 / n_features.
    degree : float, default=3
        Degree of the poly kernel.
    coef0 : float, default=1
        Constant term c₀ of the poly and sigmoid kernels.
    kernel_params : dict, optional
        Extra keyword arguments passed to a callable kernel.

    Attributes
    ----------
    dual_coef_ : ndarray of shape (n_samples,) or (n_samples, n_targets)
        The dual weights a in f(x) = Σᵢ aᵢ k(xᵢ, x).
    X_fit_ : ndarray of shape (n_samples, n_features)
        The training inputs (or Gram matrix if precomputed).
    gamma_ : float
        The resolved kernel coefficient.
    n_features_in_ : int

    Notes
    -----
    The primal objective over functions f(x) = ⟨w, φ(x)⟩ in the feature space is

        min_w  Σᵢ sᵢ (yᵢ − ⟨w, φ(xᵢ)⟩)² + α ‖w‖²,

    with sample weights sᵢ (1 by default). By the representer theorem
    w = Σᵢ aᵢ φ(xᵢ), and with K[i, j] = k(xᵢ, xⱼ) and S = diag(s) the optimum is

        (S^{1/2} K S^{1/2} + α I) b = S^{1/2} y,   a = S^{1/2} b.

    The matrix on the left is symmetric positive definite (K ⪰ 0, α > 0), so it
    is solved by a Cholesky factorisation. If the kernel is not positive
    semi-definite (sigmoid) and the factorisation fails, a least-squares
    solution is used with a warning.

    Cost: O(n² d) to build K, O(n³ / 3) for the Cholesky factor, O(n²) per
    target for the two triangular solves; prediction costs O(m n d).

    Any finite scale of X and y works (1e±300 included): the fit runs on
    X/2^ex and y/2^ey (exact powers of two) with γ·2^(2ex) (the same kernel
    values) and, for the linear kernel, α/2^(2ex) (for a precomputed Gram
    matrix, α/2^ex); data within 2^±256 are fitted as given (ex = ey = 0: no
    copy, and the same bits, since the scaling is exact). A kernel whose own values overflow (a polynomial kernel
    of huge inputs) raises ``ValueError``. Where K + αI is singular to working
    precision for the linear kernel (α fixed while X is huge, or a tiny α), the
    same problem is solved in the primal, w = (XᵀSX + αI)⁻¹XᵀSy from the SVD
    of X (the minimum-norm least-squares limit), with a = S(y − Xw)/α.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import KernelRidge
    >>> X = np.linspace(0, 1, 20)[:, None]
    >>> model = KernelRidge(alpha=1e-3, kernel="rbf", gamma=10.0).fit(X, np.sin(6 * X[:, 0]))
    >>> float(np.round(model.predict([[0.5]])[0], 2))
    0.14
    """

    _parameter_constraints = {**KERNEL_PARAMETERS, "alpha": [Interval(Real, 0, None, closed="neither"), "array-like"]}

    def __init__(self, alpha=1.0, *, kernel="linear", gamma=None, degree=3, coef0=1, kernel_params=None):
        self.alpha = alpha
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.kernel_params = kernel_params

    def _kernel(self, X, Z=None, gamma=None):
        return kernel_matrix(X, Z, kernel=self.kernel, gamma=self.gamma_ if gamma is None else gamma,
                             degree=self.degree, coef0=self.coef0, kernel_params=self.kernel_params)

    def _scales(self, X):
        """Exact power-of-two units (ex, kexp, γ', γ) for a fit on X/2^ex (see ``kernel_units``).

        Ridge in the new units, with K = 2^kexp·K': (K + αI)a = y ⇔
        (K' + α'I)(2^kexp·a/2^ey) = y/2^ey, so α' = α/2^kexp and a = a'·2^(ey − kexp).
        """
        return kernel_units(self.kernel, self.gamma, X, unit_exponent(X))

    @one_blas_thread_when_small
    def fit(self, X, y, sample_weight=None):
        """Fit the dual coefficients.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training inputs (the Gram matrix (n_samples, n_samples) if precomputed).
        y : array_like of shape (n_samples,) or (n_samples, n_targets)
            Targets.
        sample_weight : array_like of shape (n_samples,) or float, optional
            Non-negative weights sᵢ of the squared errors.

        Returns
        -------
        self : KernelRidge
        """
        validate_params(self)
        X, y = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        alpha = as_float_array(self.alpha, "alpha", ndim=(0, 1))
        if (alpha <= 0).any():
            raise ValueError(f"alpha must be positive, got {self.alpha!r}")
        if self.kernel == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError(f"X must be a square Gram matrix when kernel='precomputed', got shape {X.shape}")
        ex, kexp, g_scaled, self.gamma_ = self._scales(X)
        Xs = shift(X, -ex)
        with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported just below
            K = self._kernel(Xs, gamma=g_scaled)
        if K is X and sample_weight is not None:
            K = K.copy()  # weighted in place below; never touch the caller's Gram matrix
        if not _all_finite(K):
            raise ValueError(f"the {self.kernel!r} kernel matrix of X overflows at this scale of X "
                             f"(max |X| = {float(np.max(np.abs(X))):.3g}); standardise X (e.g. with "
                             "StandardScaler) or lower gamma")
        ey = unit_exponent(y)
        y = shift(y, -ey)
        big, tiny = np.finfo(np.float64).max, np.finfo(np.float64).tiny
        alpha_given = alpha
        with np.errstate(over="ignore", under="ignore"):
            alpha = np.clip(np.ldexp(alpha, -kexp), tiny, big)   # α' = α/2^kexp (see _scales)

        ravel = y.ndim == 1
        Y = y.reshape(-1, 1) if ravel else y
        if alpha.size not in (1, Y.shape[1]):
            raise ValueError(f"alpha must be a scalar or have one value per target ({Y.shape[1]}), "
                             f"got {alpha.size} values")
        sqrt_sw = None
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, X.shape[0], allow_scalar=True, require_positive_sum=True)
            sqrt_sw = np.sqrt(sw)
            K *= sqrt_sw[:, None]
            K *= sqrt_sw[None, :]
            Y = Y * sqrt_sw[:, None]

        # a Gram matrix of our own may be factorised in place (rebuilt if that fails); a
        # precomputed one (even our rescaled copy, which the rebuild would return) may not
        own = K is not X and K is not Xs
        try:
            dual = _solve_regularised(K, Y, alpha, rebuild=(lambda: self._kernel(Xs, gamma=g_scaled)) if own and
                                      sqrt_sw is None else None, strict=self.kernel == "linear")
        except np.linalg.LinAlgError:
            # XXᵀ + α'I is positive definite: Cholesky fails only where α' is below the rounding
            # of K (α fixed while X is huge, or a tiny α), so solve the same problem in the primal
            return self._fit_primal(X, Xs, Y, alpha, alpha_given, ex, ey, sqrt_sw, ravel)
        if sqrt_sw is not None:
            dual *= sqrt_sw[:, None]
        if ravel:
            dual = dual.ravel()
        with np.errstate(over="ignore", under="ignore"):
            self.dual_coef_ = np.ldexp(dual, ey - kexp)   # a = a'·2^ey/2^kexp; saturates only if a does
            huge = np.broadcast_to(np.ldexp(alpha_given.ravel(), -kexp) >= big, (Y.shape[1],))
            if huge.any():
                # α' beyond float64 (tiny X, α fixed): K is below α's rounding, a = S·y/α exactly
                self._dominant_alpha(Y, sqrt_sw, alpha_given, ey, huge, ravel)
                dual = np.ldexp(self.dual_coef_, kexp - ey)
        self._scaled_fit = (ex, ey, g_scaled, dual, None)   # what predict uses: a' in the scaled units
        self.X_fit_ = X
        return self

    def _dominant_alpha(self, Y, sqrt_sw, alpha_given, ey, huge, ravel):
        """Set the dual weights a = 2^ey·S·y'/α of the targets whose α' overflowed."""
        SY = Y[:, huge] if sqrt_sw is None else Y[:, huge] * sqrt_sw[:, None]
        mant, expo = np.frexp(np.broadcast_to(alpha_given.ravel(), huge.shape)[huge])
        a = np.ldexp(SY / mant, ey - expo)
        if ravel:
            self.dual_coef_ = a.ravel()
        else:
            self.dual_coef_[:, huge] = a

    def _fit_primal(self, X, Xs, Y, alpha, alpha_given, ex, ey, sqrt_sw, ravel):
        """The linear kernel's fit through w = (XᵀSX + αI)⁻¹XᵀSy, in the units of ``fit``.

        From the SVD A = S^{1/2}X' = UΣVᵀ, w' = V diag(σ/(σ² + α')) Uᵀ S^{1/2}y' (directions
        with σ below A's rounding dropped: the α' → 0 limit, the minimum-norm least-squares
        fit), and the dual weights a = S(y − Xw)/α (the stationarity condition w = XᵀS(y − Xw)/α),
        computed from the residual in units: a = 2^ey·S(y' − X'w')/α. ``predict`` uses w'.
        """
        A = Xs if sqrt_sw is None else Xs * sqrt_sw[:, None]
        U, sig, Vt = scipy.linalg.svd(A, full_matrices=False, check_finite=False)
        keep = sig > max(A.shape) * np.finfo(np.float64).eps * (sig[0] if sig.size else 0.0)
        alphas = np.broadcast_to(alpha.ravel(), (Y.shape[1],))
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = np.where(keep[:, None], sig[:, None] / (sig[:, None] ** 2 + alphas[None, :]), 0.0)
        W = Vt.T @ (shrink * (U.T @ Y))
        R = Y - A @ W
        if sqrt_sw is not None:
            R *= sqrt_sw[:, None]
        mant, expo = np.frexp(np.broadcast_to(alpha_given.ravel(), (Y.shape[1],)))
        with np.errstate(over="ignore", under="ignore"):
            dual = np.ldexp(R / mant, ey - expo)   # 2^ey·R/α, with no intermediate over- or underflow
        self._scaled_fit = (ex, ey, None, None, W.ravel() if ravel else W)
        self.dual_coef_ = dual.ravel() if ravel else dual
        self.X_fit_ = X
        return self

    def predict(self, X):
        """Predict f(x) = Σᵢ aᵢ k(xᵢ, x).

        Parameters
        ----------
        X : array_like of shape (n_queries, n_features)
            Query points (kernels against the training points, (n_queries,
            n_samples), if precomputed).

        Returns
        -------
        y : ndarray of shape (n_queries,) or (n_queries, n_targets)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.kernel == "precomputed" and X.shape[1] != self.X_fit_.shape[0]:
            raise ValueError(f"X must have {self.X_fit_.shape[0]} columns (one per training sample) "
                             f"when kernel='precomputed', got {X.shape[1]}")
        ex, ey, g_scaled, dual, W = getattr(self, "_scaled_fit", (0, 0, None, self.dual_coef_, None))
        if W is not None:   # the linear kernel's primal fit: f(x) = xᵀw = 2^ey·x'ᵀw'
            with np.errstate(over="ignore", under="ignore"):
                return np.ldexp(shift(X, -ex) @ W, ey)
        with np.errstate(over="ignore", invalid="ignore"):
            # γ' saturated at the float maximum: exp(−γ'd) is 0 off the diagonal as it should be
            K = self._kernel(shift(X, -ex), shift(self.X_fit_, -ex),
                             gamma=g_scaled)
        if not _all_finite(K):
            raise ValueError(f"the {self.kernel!r} kernel between X and the training data overflows "
                             f"(max |X| = {float(np.max(np.abs(X))):.3g}); standardise X as for fit")
        with np.errstate(over="ignore"):
            return np.ldexp(K @ dual, ey)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.kernel == "precomputed"
        tags.target_tags.multi_output = True
        return tags


def _all_finite(K: np.ndarray) -> bool:
    """Whether every entry of K is finite, without an n×n mask: min and max are
    NaN if any entry is, and ±inf if any entry is infinite."""
    return K.size == 0 or bool(np.isfinite(K.min()) and np.isfinite(K.max()))


def _solve_regularised(K: np.ndarray, Y: np.ndarray, alpha: np.ndarray, rebuild=None, strict=False) -> np.ndarray:
    """Solve (K + αⱼ I) aⱼ = yⱼ for every target column j of Y (n, t); K (n, n) is left intact.

    One Cholesky factorisation per distinct α (one in the usual shared-α case).
    With ``rebuild`` (a callable returning K again) and one distinct α, K itself
    is overwritten by the factorisation instead of a copy (no second n×n
    matrix). With ``strict``, a failed factorisation raises ``LinAlgError``
    instead of falling back to least squares with a warning.
    """
    diag = np.diag_indices_from(K)
    alphas = np.broadcast_to(alpha.ravel(), (Y.shape[1],))
    out = np.empty_like(Y)
    distinct = np.unique(alphas)
    for a in distinct:
        cols = np.flatnonzero(alphas == a)
        A = K if rebuild is not None and distinct.size == 1 else K.copy()
        A[diag] += a
        try:
            # K + αI is symmetric, so its lower triangle is the upper triangle of the
            # Fortran-ordered view A.T: LAPACK factorises that view where it lies, with no
            # n×n copy (nor transposition) of its own.
            factor = scipy.linalg.cho_factor(A.T, lower=False, overwrite_a=True, check_finite=False)
            out[:, cols] = scipy.linalg.cho_solve(factor, Y[:, cols], check_finite=False)
        except np.linalg.LinAlgError:
            if strict:
                raise
            warnings.warn("K + alpha*I is not positive definite (is the kernel positive semi-definite?); "
                          "using a least-squares solution instead", RuntimeWarning, stacklevel=3)
            A = rebuild() if A is K else K.copy()
            A[diag] += a
            out[:, cols] = scipy.linalg.lstsq(A, Y[:, cols], check_finite=False)[0]
    return out
