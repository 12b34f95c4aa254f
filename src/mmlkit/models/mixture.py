"""Gaussian mixture models fitted by expectation–maximisation in log space."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.linalg
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._buffers import with_small_buffers
from mmlkit._dask import is_dask_collection, map_rows
from mmlkit._scaling import UNSCALED_EXPONENT, power_of_two_scale, shift
from mmlkit._validation import (
    Interval,
    Options,
    as_float_array,
    check_random_state,
    validate_args,
    validate_data,
    validate_params,
)
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models._init import kmeans_plusplus, single_blas_thread

__all__ = ["GaussianMixture"]

_COLLAPSED = (
    "Fitting the mixture model failed because some components have ill-defined empirical "
    "covariance (for instance caused by singleton or collapsed samples). Try to decrease the "
    "number of components, or increase reg_covar."
)
_TINY = 10 * np.finfo(np.float64).eps


# ----------------------------------------------------------------------------- parameters


_ROW_BLOCK_ELEMENTS = 1 << 16   # entries of one row block's n_b × k·d product in the full E-step


def _logsumexp_rows(A):
    """log Σⱼ exp(Aᵢⱼ) for each row, shifted by the row maximum so nothing overflows."""
    m = A.max(axis=1, keepdims=True)
    m[~np.isfinite(m)] = 0.0
    return np.log(np.exp(A - m).sum(axis=1)) + m[:, 0]


def _estimate_gaussian_parameters(X, resp, reg_covar, covariance_type):
    """M-step statistics: component masses nₖ (k,), means μₖ (k, d) and covariances.

    Covariance shapes: full (k, d, d), tied (d, d), diag (k, d), spherical (k,);
    ``reg_covar`` is added to every variance.
    """
    nk = resp.sum(axis=0) + _TINY
    means = (resp.T @ X) / nk[:, None]
    d = X.shape[1]
    if covariance_type == "full":
        cov = np.empty((len(nk), d, d))
        for k in range(len(nk)):  # a loop over components, each a BLAS product over samples
            diff = X - means[k]
            cov[k] = (resp[:, k, None] * diff).T @ diff / nk[k]
            cov[k].flat[:: d + 1] += reg_covar
    else:
        # Second moments minus squared means, about the data mean so that the
        # subtraction does not cancel digits when the data sit far from the origin.
        centre = X.mean(axis=0)
        Xc, Mc = X - centre, means - centre
    if covariance_type == "tied":
        cov = (Xc.T @ Xc - (nk * Mc.T) @ Mc) / nk.sum()
        cov.flat[:: d + 1] += reg_covar
    elif covariance_type in ("diag", "spherical"):
        cov = (resp.T @ (Xc * Xc)) / nk[:, None] - Mc**2 + reg_covar
        if covariance_type == "spherical":
            cov = cov.mean(axis=1)
    return nk, means, cov


def _precision_cholesky(cov, covariance_type):
    """Cholesky factor U of each precision, Λ = U Uᵀ, from the covariances.

    With Σ = L Lᵀ (lower Cholesky), U = L⁻ᵀ, found by a triangular solve.
    Raises ``numpy.linalg.LinAlgError`` (a ``ValueError``) for a component
    whose covariance is not positive definite.
    """
    if covariance_type in ("full", "tied"):
        covs = cov if covariance_type == "full" else cov[None]
        d = covs.shape[-1]
        prec = np.empty_like(covs)
        for k, S in enumerate(covs):
            try:
                L = scipy.linalg.cholesky(S, lower=True, check_finite=False)
            except np.linalg.LinAlgError:
                raise np.linalg.LinAlgError(_COLLAPSED) from None
            prec[k] = scipy.linalg.solve_triangular(L, np.eye(d), lower=True, check_finite=False).T
        return prec if covariance_type == "full" else prec[0]
    if np.any(cov <= 0.0):
        raise np.linalg.LinAlgError(_COLLAPSED)
    return 1.0 / np.sqrt(cov)


def _precision_cholesky_from_precisions(precisions, covariance_type):
    """Cholesky factor of given precision matrices (used for ``precisions_init``)."""
    if covariance_type in ("full", "tied"):
        P = precisions if covariance_type == "full" else precisions[None]
        U = np.stack([scipy.linalg.cholesky(p, lower=True) for p in P])
        return U if covariance_type == "full" else U[0]
    return np.sqrt(precisions)


def _covariances_from_precision_cholesky(U, covariance_type):
    """Σ = (U Uᵀ)⁻¹ = U⁻ᵀ U⁻¹ by a triangular solve (the initial covariances given ``precisions_init``)."""
    if covariance_type in ("full", "tied"):
        Us = U if covariance_type == "full" else U[None]
        eye = np.eye(Us.shape[-1])
        # U is upper triangular from a fit (L⁻ᵀ), lower from precisions_init (its Cholesky factor)
        Uinv = np.stack([scipy.linalg.solve_triangular(u, eye, lower=not np.any(np.triu(u, 1))) for u in Us])
        cov = Uinv.transpose(0, 2, 1) @ Uinv
        return cov if covariance_type == "full" else cov[0]
    return 1.0 / U**2


def _estimate_log_gaussian_prob(X, means, prec_chol, covariance_type):
    """log N(xᵢ | μₖ, Σₖ) for every sample and component: (n_samples, n_components).

    log N = −½ (d log 2π + ‖Uₖᵀ (x − μₖ)‖²) + log det Uₖ, with Uₖ the precision's
    Cholesky factor, so neither Σ⁻¹ nor a determinant is formed explicitly.
    """
    n, d = X.shape
    k = means.shape[0]
    # Work in a frame centred among the means (x − μ is unchanged), so that neither the
    # products below nor the expanded squares lose digits for data far from the origin.
    centre = means.mean(axis=0)
    if covariance_type != "full":
        X = X - centre
    means = means - centre
    if covariance_type == "full":
        log_det = np.log(np.diagonal(prec_chol, axis1=1, axis2=2)).sum(axis=1)
        # All components in one product per row block: X_b (b, d) @ [U₁ … U_k] (d, k·d),
        # so no n × k·d array is ever held (the blocks give the same numbers as one product).
        U = prec_chol.transpose(1, 0, 2).reshape(d, k * d)
        shift = np.einsum("kd,kde->ke", means, prec_chol)
        maha = np.empty((n, k))
        # Row blocks of at most ⌈n/k⌉ rows, so that a block's product holds no more values than X. But
        # ``Y -= shift`` broadcasts, and NumPy buffers that with 8192 values, a second Y when Y is smaller:
        # a small problem is done in one block with small buffers (the same values; no per-block overhead).
        step = max(1, _ROW_BLOCK_ELEMENTS // max(1, k * d))
        step = step if n * k * d <= 8192 else max(1, min(step, -(-n // k)))
        def blocks():
            for a in range(0, n, step):
                Y = ((X[a:a + step] - centre) @ U).reshape(-1, k, d)
                Y -= shift
                np.einsum("nkd,nkd->nk", Y, Y, out=maha[a:a + step])

        with_small_buffers(n * k * d, blocks)
    elif covariance_type == "tied":
        log_det = np.log(np.diag(prec_chol)).sum()
        Y = (X @ prec_chol)[:, None, :] - (means @ prec_chol)[None]   # differences: no cancellation
        maha = np.einsum("nkd,nkd->nk", Y, Y)
    elif covariance_type == "diag":
        log_det = np.log(prec_chol).sum(axis=1)
        prec = prec_chol**2
        maha = np.sum(means**2 * prec, axis=1) - 2.0 * (X @ (means * prec).T) + (X * X) @ prec.T
    elif covariance_type == "spherical":
        log_det = d * np.log(prec_chol)
        prec = prec_chol**2
        maha = (np.sum(means**2, axis=1) * prec - 2.0 * (X @ means.T) * prec
                + np.einsum("ij,ij->i", X, X)[:, None] * prec)
    return -0.5 * (d * np.log(2 * np.pi) + np.maximum(maha, 0.0)) + log_det


class GaussianMixture(DensityMixin, BaseEstimator):
    """Gaussian mixture model fitted by expectation–maximisation (EM).

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components K.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Each component's own full covariance (K, d, d); one shared full covariance
        (d, d); per-component diagonal (K, d); per-component single variance (K,).
    tol : float, default=1e-3
        EM stops when the lower bound (mean log-likelihood) gains less than ``tol``.
    reg_covar : float, default=1e-6
        Non-negative ridge added to every variance, keeping covariances positive definite.
    max_iter : int, default=100
        EM iterations per initialisation. 0 keeps the initial parameters (as
        scikit-learn: ``n_iter_ = 0``, ``lower_bound_ = -inf``, no warning).
    n_init : int, default=1
        Initialisations; the one with the highest lower bound is kept.
    init_params : {"kmeans", "k-means++", "random"}, default="kmeans"
        Initial responsibilities: one-hot from mmlkit's :class:`KMeans` labels,
        one-hot to the nearest k-means++ seed, or random and normalised.
    weights_init : array_like of shape (n_components,), optional
        Initial mixing weights (non-negative, summing to 1).
    means_init : array_like of shape (n_components, n_features), optional
        Initial means.
    precisions_init : array_like, optional
        Initial precisions (inverse covariances), shaped as the covariances
        for ``covariance_type``.
    random_state : int, numpy.random.Generator or None, default=None
        Seed for the initialisation.
    warm_start : bool, default=False
        Start a new ``fit`` from the last fitted parameters (then ``n_init`` is ignored).
    verbose : int, default=0
        Print the lower bound at each iteration when positive.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_features)
    covariances_, precisions_, precisions_cholesky_ : ndarray
        Shaped by ``covariance_type`` (see above).
    converged_ : bool
    n_iter_ : int
    lower_bound_ : float
        Mean log-likelihood of the training data at the last E-step of the kept run.
    lower_bounds_ : list of float
        The lower bound at every iteration of the kept run.
    n_features_in_ : int

    Notes
    -----
    The model is p(x) = Σₖ πₖ N(x | μₖ, Σₖ); EM maximises the mean log-likelihood
    ℓ(θ) = (1/n) Σᵢ log Σₖ πₖ N(xᵢ | μₖ, Σₖ).

    E-step (log space): log rᵢₖ = log πₖ + log N(xᵢ | μₖ, Σₖ) − logsumexp_j(…);
    the Gaussian log-density uses the Cholesky factor Uₖ of the precision,
    log N = −½ (d log 2π + ‖(x − μₖ)ᵀ Uₖ‖²) + Σ log diag Uₖ.

    M-step: nₖ = Σᵢ rᵢₖ, πₖ = nₖ / n, μₖ = Σᵢ rᵢₖ xᵢ / nₖ,
    Σₖ = Σᵢ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ / nₖ + reg_covar · I.

    Each iteration cannot decrease ℓ (Jensen's inequality), so the stored
    lower bound is monotone. A collapsed component (one point, or points on a
    lower-dimensional subspace, with ``reg_covar`` too small) makes Σₖ
    singular: fitting then raises ``numpy.linalg.LinAlgError`` (a subclass of
    ``ValueError``) asking for a larger ``reg_covar`` or fewer components,
    instead of returning a degenerate density.

    Any finite scale: data beyond 2^±256 are fitted in exact power-of-two
    units x/2**e (e from the largest |x|), with μ/2**e, Σ/4**e, U·2**e, and
    mapped back exactly: ``means_`` and ``precisions_cholesky_`` are right at
    1e±300, ``covariances_`` (Σ) and ``precisions_`` (Λ) are ``inf``/0 where
    they are beyond float64's range, labels and posteriors are unchanged, and
    ``score_samples``, ``score`` and ``lower_bound_`` are the log densities at
    X's own scale (X·s lowers them by d·log s). ``reg_covar`` is an absolute
    floor in units of X², as in scikit-learn: in the units it is
    reg_covar/4**e, which is 0 when that underflows (it is then below
    float64's resolution of any covariance the data can have, except an
    exactly collapsed component, which raises the error above). For tiny data
    the units stop where reg_covar/4**e would pass 2^600: reg_covar then
    dwarfs the data's variance and every covariance is reg_covar·I, as
    scikit-learn computes it. ``means_init`` and ``precisions_init`` are in
    X's units and converted with it (a ``ValueError`` if precisions·4**e
    leaves float64's range); a warm start converts the last fit's parameters.
    On Dask the first pass also returns max|x|; beyond 2^±256 its data mean is
    rescaled to the same units (the "tied" scatter too, or else recomputed in
    them) and every later pass divides its blocks on the workers.

    Cost per EM iteration: O(n K d²) for full covariances (O(n K d) for diag
    and spherical), plus O(K d³) for the Cholesky factorisations.

    Dask input (a ``dask.array.Array`` chunked by rows): each EM iteration is
    one pass over X in which every block does the E-step and sends up a tree
    reduction, on the workers, only its sufficient statistics — Σ log p(xᵢ),
    Nₖ = Σᵢ rᵢₖ, Sₖ = Σᵢ rᵢₖ (xᵢ − cₖ) and the second moments Qₖ about a shift
    cₖ, from which μₖ = (Sₖ + Nₖ cₖ)/Nₖ and
    Σᵢ rᵢₖ (xᵢ − μₖ)(xᵢ − μₖ)ᵀ = Qₖ − Sₖ mₖᵀ − mₖ Sₖᵀ + Nₖ mₖ mₖᵀ (mₖ = μₖ − cₖ).
    "full" takes cₖ = the current means and sends K(d² + d + 1) + 1 numbers per
    block; "diag" and "spherical" take c = the data mean and send K(2d + 1) + 1;
    "tied" sends K(d + 1) + 1, its pooled scatter Σ (xᵢ − c)(xᵢ − c)ᵀ (d² numbers
    per block) being taken once in the first pass. Passes: 1 (finiteness check
    and data mean), then for ``init_params="kmeans"`` the Dask :class:`KMeans`
    (k-means|| seeding and Lloyd) and one pass for the initial M-step (none when
    ``weights_init``, ``means_init`` and ``precisions_init`` are all given),
    then one per EM iteration. From the same initial parameters the result
    equals the in-memory fit up to rounding. ``"random"`` draws each block's
    responsibilities from its own seed (not the in-memory draws);
    ``"k-means++"`` is not available on Dask. ``predict``, ``predict_proba``,
    ``score_samples`` and ``fit_predict`` return lazy Dask arrays with X's row
    chunks; ``score``, ``bic`` and ``aic`` compute one number.

    Examples
    --------
    >>> from mmlkit.datasets import make_blobs
    >>> from mmlkit.models import GaussianMixture
    >>> X, _ = make_blobs(300, centers=3, random_state=0)
    >>> gm = GaussianMixture(n_components=3, random_state=0).fit(X)
    >>> gm.predict_proba(X[:2]).sum(axis=1)
    array([1., 1.])
    """

    _parameter_constraints = {
        "n_components": [Interval(Integral, 1, None)],
        "covariance_type": [Options(("full", "tied", "diag", "spherical"))],
        "tol": [Interval(Real, 0, None)],
        "reg_covar": [Interval(Real, 0, None)],
        "max_iter": [Interval(Integral, 0, None)],
        "n_init": [Interval(Integral, 1, None)],
        "init_params": [Options(("kmeans", "k-means++", "random"))],
        "weights_init": [None, "array-like"],
        "means_init": [None, "array-like"],
        "precisions_init": [None, "array-like"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": [Interval(Integral, 0, None), "boolean"],
    }

    def __init__(self, n_components=1, *, covariance_type="full", tol=1e-3, reg_covar=1e-6, max_iter=100,
                 n_init=1, init_params="kmeans", weights_init=None, means_init=None, precisions_init=None,
                 random_state=None, warm_start=False, verbose=0):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    # ------------------------------------------------------------------ checks

    def _check_params(self, X):
        k, d = self.n_components, X.shape[1]
        if X.shape[0] < k:
            raise ValueError(f"Expected n_samples >= n_components, got n_components={k}, "
                             f"n_samples={X.shape[0]}")
        self._weights0 = self._means0 = self._precisions0 = None
        if self.weights_init is not None:
            w = as_float_array(self.weights_init, "weights_init", ndim=1)
            if w.shape != (k,):
                raise ValueError(f"weights_init must have shape ({k},), got {w.shape}")
            if (w < 0).any() or (w > 1).any() or not np.isclose(w.sum(), 1.0, rtol=0, atol=1e-6):
                raise ValueError("weights_init must be non-negative and sum to 1, "
                                 f"got sum {w.sum():.6g} and min {w.min():.6g}")
            self._weights0 = w
        if self.means_init is not None:
            m = as_float_array(self.means_init, "means_init", ndim=2)
            if m.shape != (k, d):
                raise ValueError(f"means_init must have shape ({k}, {d}), got {m.shape}")
            self._means0 = m
        if self.precisions_init is not None:
            shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}[self.covariance_type]
            p = as_float_array(self.precisions_init, "precisions_init")
            if p.shape != shape:
                raise ValueError(f"precisions_init must have shape {shape} for covariance_type="
                                 f"{self.covariance_type!r}, got {p.shape}")
            if self.covariance_type in ("full", "tied"):
                for P in p.reshape(-1, d, d):
                    if not np.allclose(P, P.T) or np.linalg.eigvalsh(P).min() <= 0:
                        raise ValueError("precisions_init must hold symmetric positive-definite matrices")
            elif (p <= 0).any():
                raise ValueError("precisions_init must be positive")
            self._precisions0 = p

    # ------------------------------------------------------------------ EM

    def _initialize(self, X, rng):
        n, k = X.shape[0], self.n_components
        if self.init_params == "kmeans":
            from mmlkit.models.cluster import KMeans  # local: cluster imports nothing from here

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                labels = KMeans(k, n_init=1, random_state=rng).fit(X).labels_
            resp = np.zeros((n, k))
            resp[np.arange(n), labels] = 1.0
        elif self.init_params == "k-means++":
            _, idx = kmeans_plusplus(X, k, rng)
            resp = np.zeros((n, k))
            resp[idx, np.arange(k)] = 1.0
        else:
            resp = rng.uniform(size=(n, k))
            resp /= resp.sum(axis=1, keepdims=True)
        self._set_initial(*_estimate_gaussian_parameters(X, resp, self._reg_covar_u, self.covariance_type))

    def _set_initial(self, nk, means, cov):
        """Initial parameters: the given inits, else those of the initial M-step (nk, means, cov)."""
        self.weights_ = nk / nk.sum() if self._weights0 is None else self._weights0.copy()
        self.means_ = means if self._means0 is None else self._means0.copy()
        if self._precisions0 is None:
            self.covariances_ = cov
            self.precisions_cholesky_ = _precision_cholesky(cov, self.covariance_type)
        else:
            U = _precision_cholesky_from_precisions(self._precisions0, self.covariance_type)
            self.precisions_cholesky_ = U
            self.covariances_ = _covariances_from_precision_cholesky(U, self.covariance_type)

    def _e_step(self, X):
        """Mean log-likelihood and log responsibilities (n_samples, n_components)."""
        weighted = _estimate_log_gaussian_prob(X, self.means_, self.precisions_cholesky_, self.covariance_type)
        weighted += np.log(self.weights_)
        log_norm = _logsumexp_rows(weighted)
        weighted -= log_norm[:, None]
        return float(log_norm.mean()), weighted

    def _em_step(self, X):
        """One E-step and M-step; returns the mean log-likelihood under the parameters before it."""
        log_norm, log_resp = self._e_step(X)
        self._m_step(X, log_resp)
        return log_norm

    def _m_step(self, X, log_resp):
        nk, self.means_, self.covariances_ = _estimate_gaussian_parameters(
            X, np.exp(log_resp), self._reg_covar_u, self.covariance_type)
        self.weights_ = nk / nk.sum()
        self.precisions_cholesky_ = _precision_cholesky(self.covariances_, self.covariance_type)

    def _get_parameters(self):
        return (self.weights_, self.means_, self.covariances_, self.precisions_cholesky_)

    def _set_parameters(self, params):
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_ = params
        U = self.precisions_cholesky_
        if self.covariance_type == "full":
            self.precisions_ = U @ U.transpose(0, 2, 1)
        elif self.covariance_type == "tied":
            self.precisions_ = U @ U.T
        else:
            self.precisions_ = U**2

    def fit(self, X, y=None):
        """Estimate the parameters by EM; returns self.

        X : array_like of shape (n_samples, n_features).
        """
        self.fit_predict(X, y)
        return self

    def fit_predict(self, X, y=None):
        """Fit by EM and return the most probable component of each training row."""
        validate_params(self)
        e_old, self._unit_e = getattr(self, "_unit_e", 0), 0
        if is_dask_collection(X):
            from mmlkit.models import _dask_fit

            return map_rows(_dask_fit.gaussian_mixture(self, X, e_old).predict, X)
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        self._check_params(X)
        e = self._unit_exponent(X)
        X = self._into_units(X, e, e_old)
        # Every product in EM is skinny (n × d by d × K·d) or tiny (d × d): BLAS threads
        # cost more in synchronisation than they gain, so EM runs them on one thread.
        with single_blas_thread():
            self._fit_loop(X, self._initialize, self._em_step)
            # A last E-step, so that the labels agree with predict(X) on the returned parameters.
            labels = self._e_step(X)[1].argmax(axis=1)
        self._out_of_units(e)
        return labels

    # ------------------------------------------------------------------ units

    def _unit_exponent(self, X):
        """The power of two 2**e that EM divides X by (0: X as given, for data within 2^±256).

        e comes from X's largest magnitude, but no lower than keeps reg_covar/4**e ≤ 2^600:
        a reg_covar that large against the data's variance makes every covariance reg_covar·I
        anyway, and it must stay finite in the units.
        """
        e = power_of_two_scale(X)
        if e < 0 and self.reg_covar > 0:
            e = max(e, (int(np.frexp(self.reg_covar)[1]) - 600) // 2 + 1)
        return e if abs(e) > UNSCALED_EXPONENT else 0

    def _into_units(self, X, e, e_old):
        """X / 2**e; the initial parameters, a warm start and reg_covar converted to those units."""
        self._reg_covar_u = float(shift(float(self.reg_covar), -2 * e))
        warm = self.warm_start and hasattr(self, "converged_")
        if warm and (e or e_old):   # the last fit's parameters, in the new units
            U = shift(self.precisions_cholesky_, e)
            self.means_, self.precisions_cholesky_ = shift(self.means_, -e), U
            self.covariances_ = _covariances_from_precision_cholesky(U, self.covariance_type)
            self.lower_bound_ += X.shape[1] * e * np.log(2.0)
        if not e:
            return X
        if self._means0 is not None:
            self._means0 = shift(self._means0, -e)
        if self._precisions0 is not None:
            self._precisions0 = shift(self._precisions0, 2 * e)
            p, d = self._precisions0, X.shape[1]
            diagonal = np.diagonal(p.reshape(-1, d, d), axis1=1, axis2=2) if self.covariance_type in (
                "full", "tied") else p
            if not (np.all(np.isfinite(p)) and np.all(diagonal > 0)):
                raise ValueError(f"precisions_init cannot be used with X at this scale: precisions·4**{e} "
                                 "(X's units) leave float64's range")
        return shift(X, -e)

    def _out_of_units(self, e):
        """Map the fitted parameters from units of 2**e back to X's: μ·2**e, Σ·4**e, U/2**e, Λ/4**e."""
        self._unit_e = e
        if not e:
            return
        self.means_ = shift(self.means_, e)
        self.covariances_ = shift(self.covariances_, 2 * e)
        self.precisions_cholesky_ = shift(self.precisions_cholesky_, -e)
        self.precisions_ = shift(self.precisions_, -2 * e)
        offset = self.means_.shape[1] * e * np.log(2.0)   # log densities: −d·log 2**e
        self.lower_bound_ -= offset
        self.lower_bounds_ = [b - offset for b in self.lower_bounds_]

    def _fit_loop(self, X, initialize, em_step):
        """EM from ``initialize(X, rng)``, one ``em_step(X)`` (returning the lower bound) per iteration."""
        do_init = not (self.warm_start and hasattr(self, "converged_"))
        n_init = self.n_init if do_init else 1
        rng = check_random_state(self.random_state)
        best_bound, best = -np.inf, None
        for _ in range(n_init):
            if do_init:
                initialize(X, rng)
            bound = -np.inf if do_init else self.lower_bound_
            bounds, converged, n_iter = [], False, 0
            for n_iter in range(1, self.max_iter + 1):
                previous = bound
                bound = em_step(X)
                bounds.append(bound)
                if self.verbose:
                    print(f"  iteration {n_iter}: lower bound {bound:.6f}")
                if abs(bound - previous) < self.tol:
                    converged = True
                    break
            if bound > best_bound or best_bound == -np.inf:  # as scikit-learn (max_iter=0: the last start)
                best_bound, best = bound, (self._get_parameters(), n_iter, bounds, converged)
        params, self.n_iter_, self.lower_bounds_, self.converged_ = best
        self.lower_bound_ = best_bound
        self._set_parameters(params)
        if not self.converged_ and self.max_iter > 0:
            warnings.warn(f"GaussianMixture did not converge in max_iter={self.max_iter} iterations "
                          "(lower bound still changing by more than tol); increase max_iter or tol.",
                          ConvergenceWarning, stacklevel=2)

    # ------------------------------------------------------------------ inference

    def _validated(self, X):
        check_is_fitted(self)
        return validate_data(self, X, dtype=np.float64, reset=False)

    def _weighted_log_prob(self, X, densities=True):
        """log πₖ + log N(x | μₖ, Σₖ), computed in the fit's units: x/2**e, μ/2**e, U·2**e, and
        log N − d·e·log 2 (left out when ``densities`` is False: the same for every component)."""
        e = getattr(self, "_unit_e", 0)
        log_prob = _estimate_log_gaussian_prob(shift(X, -e), shift(self.means_, -e),
                                               shift(self.precisions_cholesky_, e), self.covariance_type)
        if e and densities:
            log_prob -= X.shape[1] * e * np.log(2.0)
        return log_prob + np.log(self.weights_)

    def score_samples(self, X):
        """Log density log p(x) of each row of X (n_samples, n_features); shape (n_samples,)."""
        if is_dask_collection(X):
            return map_rows(self.score_samples, X)
        return _logsumexp_rows(self._weighted_log_prob(self._validated(X)))

    def score(self, X, y=None):
        """Mean log-likelihood (1/n) Σᵢ log p(xᵢ) of X (n_samples, n_features)."""
        if is_dask_collection(X):
            return float(self.score_samples(X).mean().compute())
        return float(self.score_samples(X).mean())

    def predict(self, X):
        """Most probable component for each row of X (n_samples, n_features)."""
        if is_dask_collection(X):
            return map_rows(self.predict, X)
        return self._weighted_log_prob(self._validated(X), densities=False).argmax(axis=1)

    def predict_proba(self, X):
        """Posterior responsibilities p(k | xᵢ), shape (n_samples, n_components); rows sum to 1."""
        if is_dask_collection(X):
            return map_rows(self.predict_proba, X)
        w = self._weighted_log_prob(self._validated(X), densities=False)
        return np.exp(w - _logsumexp_rows(w)[:, None])

    @validate_args({"n_samples": [Interval(Integral, 1, None)]})
    def sample(self, n_samples=1):
        """Draw ``n_samples`` points; returns X (n_samples, n_features) and component labels y.

        Component counts are multinomial(n, π); each component draws μₖ + Lₖ z with
        Σₖ = Lₖ Lₖᵀ and z standard normal.
        """
        check_is_fitted(self)
        rng = check_random_state(self.random_state)
        k, d = self.means_.shape
        counts = rng.multinomial(n_samples, self.weights_)
        y = np.repeat(np.arange(k), counts)
        Z = rng.standard_normal((n_samples, d))
        e = getattr(self, "_unit_e", 0)   # drawn in the fit's units, where Σ is finite
        cov = self.covariances_ if not e else _covariances_from_precision_cholesky(
            shift(self.precisions_cholesky_, e), self.covariance_type)
        if self.covariance_type == "full":
            L = np.linalg.cholesky(cov)
            X = np.einsum("nij,nj->ni", L[y], Z)
        elif self.covariance_type == "tied":
            X = Z @ np.linalg.cholesky(cov).T
        elif self.covariance_type == "diag":
            X = Z * np.sqrt(cov)[y]
        else:
            X = Z * np.sqrt(cov)[y, None]
        return shift(X + shift(self.means_, -e)[y], e), y

    def _n_parameters(self):
        k, d = self.means_.shape
        cov = {"full": k * d * (d + 1) / 2, "tied": d * (d + 1) / 2, "diag": k * d, "spherical": k}
        return int(cov[self.covariance_type] + k * d + k - 1)

    def _n_and_score(self, X):
        if not is_dask_collection(X):
            X = self._validated(X)
        return X.shape[0], self.score(X)

    def bic(self, X):
        """Bayesian information criterion −2 log L + p log n (lower is better)."""
        n, mean_log_lik = self._n_and_score(X)
        return -2.0 * mean_log_lik * n + self._n_parameters() * np.log(n)

    def aic(self, X):
        """Akaike information criterion −2 log L + 2p (lower is better)."""
        n, mean_log_lik = self._n_and_score(X)
        return -2.0 * mean_log_lik * n + 2.0 * self._n_parameters()
