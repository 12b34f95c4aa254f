"""Kernel ridge regression: ridge regression in a kernel's feature space, solved in the dual."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import dask_unsupported
from mmlkit._scaling import power_of_two_scale, rescale
from mmlkit._validation import Interval, as_float_array, check_sample_weight, validate_data, validate_params
from mmlkit.models._init import one_blas_thread_when_small
from mmlkit.models._kernels import KERNEL_PARAMETERS, KERNELS, kernel_matrix, resolve_gamma

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
    matrix, α/2^ex). A kernel whose own values overflow (a polynomial kernel
    of huge inputs) raises ``ValueError``.

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
        """Exact power-of-two units for a fit on X (any finite scale, 1e±300 included).

        The fit runs on X' = X/2^ex. For the named kernels the kernel is a function of
        γ·xᵀz or γ‖x − z‖², so γ' = γ·2^(2ex) gives the very same kernel values (c = 1);
        the linear kernel has no γ and K' = K/2^(2ex) (c = 2^(2ex)); a precomputed Gram
        matrix is itself scaled, K' = K/2^ex (c = 2^ex). Ridge in the new units:
        (K + αI)a = y ⇔ (K' + (α/c)I)(c·a/2^ey) = y/2^ey, so α' = α/c and a = a'·2^ey/c.
        Callables are used as given (ex = 0, c = 1). Returns (ex, log2 c, γ', γ).
        """
        if callable(self.kernel) or self.kernel not in KERNELS + ("precomputed",):
            return 0, 0, None, resolve_gamma(self.gamma, X)
        ex = power_of_two_scale(X)
        if self.kernel in ("precomputed", "linear"):   # γ unused; reported as given
            with np.errstate(over="ignore"):
                gamma = resolve_gamma(self.gamma, X)
            return ex, ex if self.kernel == "precomputed" else 2 * ex, None, gamma
        big = np.finfo(np.float64).max
        if isinstance(self.gamma, str) and self.gamma == "scale":
            var = float(rescale(X, ex).var())    # 1/(d·Var X) in the scaled units, then back
            if var > 0:
                g_scaled = 1.0 / (X.shape[1] * var)
                with np.errstate(over="ignore", under="ignore"):
                    return ex, 0, g_scaled, float(np.ldexp(g_scaled, -2 * ex))
            gamma = 1.0
        else:
            gamma = resolve_gamma(self.gamma, X)
        with np.errstate(over="ignore"):
            # past the float range the kernel is 0 off the diagonal either way (rbf) or its
            # overflow is real (poly), which fit reports
            g_scaled = min(float(np.ldexp(gamma, 2 * ex)), big)
        return ex, 0, g_scaled, gamma

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
        Xs = rescale(X, ex) if ex else X
        with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported just below
            K = self._kernel(Xs, gamma=g_scaled)
        if K is X and sample_weight is not None:
            K = K.copy()  # weighted in place below; never touch the caller's Gram matrix
        if not _all_finite(K):
            raise ValueError(f"the {self.kernel!r} kernel matrix of X overflows at this scale of X "
                             f"(max |X| = {float(np.max(np.abs(X))):.3g}); standardise X (e.g. with "
                             "StandardScaler) or lower gamma")
        ey = power_of_two_scale(y)
        y = rescale(y, ey)
        big, tiny = np.finfo(np.float64).max, np.finfo(np.float64).tiny
        with np.errstate(over="ignore", under="ignore"):
            alpha = np.clip(np.ldexp(alpha, -kexp), tiny, big)   # α' = α/c (see _scales)

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
        dual = _solve_regularised(K, Y, alpha, rebuild=(lambda: self._kernel(Xs, gamma=g_scaled)) if own and
                                  sqrt_sw is None else None)
        if sqrt_sw is not None:
            dual *= sqrt_sw[:, None]
        if ravel:
            dual = dual.ravel()
        self._scaled_fit = (ex, ey, g_scaled, dual)   # what predict uses: a' in the scaled units
        with np.errstate(over="ignore", under="ignore"):
            self.dual_coef_ = np.ldexp(dual, ey - kexp)   # a = a'·2^ey/c; saturates only if a does
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
        ex, ey, g_scaled, dual = getattr(self, "_scaled_fit", (0, 0, None, self.dual_coef_))
        with np.errstate(over="ignore", invalid="ignore"):
            # γ' saturated at the float maximum: exp(−γ'd) is 0 off the diagonal as it should be
            K = self._kernel(rescale(X, ex) if ex else X, rescale(self.X_fit_, ex) if ex else self.X_fit_,
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


def _solve_regularised(K: np.ndarray, Y: np.ndarray, alpha: np.ndarray, rebuild=None) -> np.ndarray:
    """Solve (K + αⱼ I) aⱼ = yⱼ for every target column j of Y (n, t); K (n, n) is left intact.

    One Cholesky factorisation per distinct α (one in the usual shared-α case).
    With ``rebuild`` (a callable returning K again) and one distinct α, K itself
    is overwritten by the factorisation instead of a copy (no second n×n
    matrix).
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
            warnings.warn("K + alpha*I is not positive definite (is the kernel positive semi-definite?); "
                          "using a least-squares solution instead", RuntimeWarning, stacklevel=3)
            A = rebuild() if A is K else K.copy()
            A[diag] += a
            out[:, cols] = scipy.linalg.lstsq(A, Y[:, cols], check_finite=False)[0]
    return out
