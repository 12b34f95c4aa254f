"""Principal component analysis, linear and kernel.

``PCA`` finds the orthonormal directions of largest variance of the data;
``KernelPCA`` does the same in the feature space of a kernel, through the
eigen-decomposition of the centred Gram matrix.
"""

from __future__ import annotations

import math
import numbers
from numbers import Integral, Real

import numpy as np
import scipy.linalg
from scipy.linalg.blas import dger, dsymv, dsyrk
from scipy.special import gammaln
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import dask_unsupported, is_dask_collection, map_rows
from mmlkit._scaling import UNSCALED_EXPONENT, power_of_two_scale, rescale, unit_exponent
from mmlkit._threads import map_blocks, row_blocks
from mmlkit._validation import (
    Interval,
    Options,
    as_float_array,
    check_ndim,
    check_random_state,
    validate_data,
    validate_params,
)
from mmlkit.models._init import one_blas_thread_when_small, single_blas_thread
from mmlkit.models._kernels import KERNEL_PARAMETERS, kernel_matrix, kernel_units

__all__ = ["KernelPCA", "PCA"]

# A kept eigenvalue of XᵀX/(n-1) smaller than this fraction of the largest would
# lose more than ~1e-9 of its relative accuracy on the covariance route
# (eigh of XᵀX squares the condition number): such problems go through the SVD.
_COVARIANCE_RCOND = 1e-7
# values of X per thread, at least, when the covariance route's scatter runs on the thread pool
_SCATTER_MIN_WORK = 2**19
# PCA(svd_solver="lapack") fits X as given when max|X| lies within [1/_AS_GIVEN, _AS_GIVEN] (see _fit_as_given)
_AS_GIVEN = 2.0**UNSCALED_EXPONENT


def _flip_rows(Vt: np.ndarray) -> np.ndarray:
    """Sign convention of scikit-learn's ``svd_flip(u_based_decision=False)``.

    Each row of Vt is multiplied by the sign of its largest-magnitude entry, so
    that entry is positive; the decomposition is unchanged (uᵢ flips alike).
    """
    if Vt.size == 0:
        return Vt
    idx = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), idx])
    signs[signs == 0] = 1.0
    return Vt * signs[:, None]


def _centred_sum_of_squares(X: np.ndarray, mean: np.ndarray, block: int = 1024) -> float:
    """Σᵢⱼ (Xᵢⱼ − μⱼ)² in row blocks: no full centred copy, no cancellation."""
    total = 0.0
    buf = np.empty((min(block, X.shape[0]), X.shape[1]))
    for start in range(0, X.shape[0], block):
        R = np.subtract(X[start:start + block], mean, out=buf[:min(block, X.shape[0] - start)])
        total += float(np.vdot(R, R))
    return total


def _centred_scatter(X: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The upper triangle of X̃ᵀX̃ (d, d), X̃ = X − 1μᵀ, accumulated over small centred row blocks.

    Each block of rows is copied into a buffer of at most max(64, 2d) rows
    (about the size of the d × d eigen-decomposition's own workspace, so it
    adds nothing to the fit's peak memory), centred there by a rank-one update
    R ← R − 1μᵀ (``ger``: exactly the subtraction, without the temporary
    buffer a broadcasting ufunc allocates) and added to S by a symmetric
    rank-k update (``syrk``: half a matrix product, no temporary). Centring
    before multiplying loses nothing to cancellation, unlike XᵀX − n·μμᵀ when
    |μ| is large against the spread. Cost O(n d²), one pass over X; large X
    is cut into one range of rows per CPU (each with its own buffer and
    partial S, BLAS on one thread each, the partial sums added in order).
    """
    n, d = X.shape

    def scatter(span):
        rows = min(span.stop - span.start, max(64, 2 * d))
        S = np.zeros((d, d), order="F")
        buf, ones = np.empty((rows, d)), np.ones(rows)
        for start in range(span.start, span.stop, rows):
            m = min(rows, span.stop - start)
            R = buf[:m]
            np.copyto(R, X[start:start + m])
            dger(-1.0, mean, ones[:m], a=R.T, overwrite_a=True)     # R.T is F-ordered: updated in place
            S = dsyrk(1.0, R.T, beta=1.0, c=S, overwrite_c=True)
        return S

    spans = row_blocks(n, work=n * d, min_work=_SCATTER_MIN_WORK)
    if len(spans) == 1:
        return scatter(spans[0])
    with single_blas_thread():
        parts = map_blocks(scatter, spans)
    S = parts[0]
    for part in parts[1:]:
        S += part
    return S


def _lu_normalise(Y: np.ndarray) -> np.ndarray:
    return scipy.linalg.lu(Y, permute_l=True, check_finite=False)[0]


def _qr_normalise(Y: np.ndarray) -> np.ndarray:
    return scipy.linalg.qr(Y, mode="economic", check_finite=False)[0]


def _pca_solver(solver: str, n: int, d: int, k) -> str:
    """The SVD solver PCA uses: ``solver`` itself unless it is "auto" (LAPACK for small or
    tall data or a non-integer ``k``, randomized for few components, else LAPACK)."""
    if solver == "auto":
        if d <= 1000 and n >= 10 * d or max(n, d) <= 500 or not isinstance(k, int):
            return "lapack"
        if 1 <= k < 0.8 * min(n, d):
            return "randomized"
        return "lapack"
    return solver


def _power_iteration_settings(est, n: int, d: int, k: int) -> tuple[int, str]:
    """(power iterations, normaliser) of a randomized PCA, "auto" resolved."""
    n_iter = est.iterated_power
    if n_iter == "auto":
        n_iter = 7 if k < 0.1 * min(n, d) else 4
    normaliser = est.power_iteration_normalizer
    if normaliser == "auto":
        normaliser = "none" if n_iter <= 2 else "LU"
    return n_iter, normaliser


def _set_full_spectrum(est, ev: np.ndarray, Vt: np.ndarray, n: int, d: int, k) -> None:
    """Set a PCA's fitted attributes from the whole spectrum ``ev`` (variances) and ``Vt``,
    resolving ``k`` ("mle", a variance fraction, or an int); returns the total variance Σλ."""
    Vt = _flip_rows(Vt)
    total = float(ev.sum())
    ratio = ev / total if total > 0 else np.zeros_like(ev)
    if k == "mle":
        k = _infer_dimension(ev, n)
    elif isinstance(k, float):
        k = min(int(np.searchsorted(np.cumsum(ratio), k, side="right") + 1), len(ev))
    est.noise_variance_ = float(ev[k:].mean()) if k < min(n, d) else 0.0
    est.n_components_ = k
    est.components_ = np.ascontiguousarray(Vt[:k])
    est.explained_variance_ = ev[:k].copy()
    est.explained_variance_ratio_ = ratio[:k].copy()
    est.singular_values_ = np.sqrt(ev[:k] * (n - 1))
    return total


def _set_truncated_spectrum(est, sigma: np.ndarray, Vt: np.ndarray, total_var: float, n: int, d: int,
                            k: int) -> None:
    """Set a PCA's fitted attributes from its ``k`` leading singular values and vectors and the
    total variance ``total_var``."""
    Vt = _flip_rows(Vt)
    ev = sigma**2 / (n - 1)
    est.n_components_ = k
    est.components_ = np.ascontiguousarray(Vt)
    est.explained_variance_ = ev
    est.explained_variance_ratio_ = ev / total_var if total_var > 0 else np.zeros_like(ev)
    est.singular_values_ = sigma.copy()
    est.noise_variance_ = float((total_var - ev.sum()) / (min(n, d) - k)) if k < min(n, d) else 0.0


def randomized_range_finder(matmat, rmatmat, n_cols: int, size: int, n_iter: int, normaliser: str,
                            rng: np.random.Generator) -> np.ndarray:
    """Orthonormal Q (m, size) whose span approximates the range of a linear map A (m, n_cols).

    Halko, Martinsson & Tropp (2011), Algorithm 4.4: Y = A Ω for a Gaussian Ω,
    then ``n_iter`` power iterations Y ← A (Aᵀ Y) that raise the singular
    values to the power 2q + 1 and so sharpen the gap between the wanted and
    the unwanted part of the spectrum. Between products the block is
    re-normalised (``"LU"``: the L factor of a pivoted LU, cheaper than QR;
    ``"QR"``; ``"none"``) so it does not collapse onto the top singular vector
    in floating point. Cost: 2q + 2 products with A or Aᵀ, O((2q + 2) m n size).
    ``matmat(M)`` computes A M and ``rmatmat(P)`` computes Aᵀ P.
    """
    normalise = {"LU": _lu_normalise, "QR": _qr_normalise, "none": lambda Y: Y}[normaliser]
    Y = matmat(rng.standard_normal((n_cols, size)))
    for _ in range(n_iter):
        Y = matmat(normalise(rmatmat(normalise(Y))))
    return _qr_normalise(Y)


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis.

    Parameters
    ----------
    n_components : int, float, "mle" or None, default=None
        How many components to keep: an int k; a float in (0, 1), the smallest
        k whose cumulative explained variance ratio exceeds it; ``"mle"``,
        Minka's Bayesian model selection; None keeps min(n_samples, n_features).
    whiten : bool, default=False
        Scale the projections to unit variance (divide by √λₖ).
    svd_solver : {"auto", "lapack", "mmlkit", "randomized", "arpack"}, default="auto"
        ``"lapack"``: LAPACK building blocks — for tall data (n ≥ 10 d) the
        symmetric eigen-decomposition of the d × d covariance (``eigh``),
        falling back to the SVD of the centred data (``gesdd``) when the
        covariance route would lose accuracy; otherwise the SVD.
        ``"mmlkit"``: the SVD of the centred data by ``mmlkit.linalg.svd``
        (from scratch, slower). ``"randomized"``: a Halko–Martinsson–Tropp
        randomized SVD of the implicitly centred data (no centred copy).
        ``"arpack"``: Lanczos (ARPACK, through ``scipy.sparse.linalg.svds``).
        ``"auto"``: "lapack" for tall data, for small data and for float or
        "mle" ``n_components``; "randomized" when k < 0.8 min(n, d).
    tol : float, default=0.0
        Convergence tolerance of the "arpack" solver (0: machine precision).
    iterated_power : int or "auto", default="auto"
        Power iterations of the "randomized" solver; "auto" is 7 when
        k < 0.1 min(n, d) and 4 otherwise.
    n_oversamples : int, default=10
        Extra random directions of the "randomized" solver (sketch size k + p).
    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
        Re-normalisation between power iterations; "auto" is "none" for at
        most 2 iterations and "LU" otherwise.
    random_state : int, Generator or None, default=None
        Seeds the "randomized" and "arpack" solvers.

    Attributes
    ----------
    components_ : ndarray of shape (n_components_, n_features)
        Principal axes Wₖ (orthonormal rows), in decreasing order of variance;
        each row's largest-magnitude entry is positive (scikit-learn's convention).
    explained_variance_ : ndarray of shape (n_components_,)
        λₖ = σₖ² / (n − 1), the variance along each axis.
    explained_variance_ratio_ : ndarray of shape (n_components_,)
        λₖ over the total variance.
    singular_values_ : ndarray of shape (n_components_,)
        σₖ, singular values of the centred data.
    mean_ : ndarray of shape (n_features,)
    noise_variance_ : float
        σ² of probabilistic PCA: the mean of the discarded variances.
    n_components_ : int
    n_samples_ : int
    n_features_in_ : int

    Notes
    -----
    With X̃ = X − 1μᵀ the centred data (n × d), the first principal axis solves

        max_w  wᵀ S w   subject to ‖w‖ = 1,   S = X̃ᵀX̃ / (n − 1),

    and each next one the same problem orthogonal to the previous ones, so the
    axes are the eigenvectors of S, or the right singular vectors of
    X̃ = U Σ Vᵀ, with variances λₖ = σₖ² / (n − 1). Equivalently Wₖ minimises
    the reconstruction error ‖X̃ − X̃ Wₖᵀ Wₖ‖²_F (Eckart–Young).

    ``transform`` computes Z = X̃ Wₖᵀ (divided by √λ when whitening);
    ``inverse_transform`` computes Z Wₖ + μ.

    ``score_samples`` is the log-likelihood under probabilistic PCA (Tipping &
    Bishop 1999): x ~ N(μ, C) with C = Wₖᵀ (Λₖ − σ²I) Wₖ + σ² I, whose inverse
    and determinant follow from the orthonormality of Wₖ:

        C⁻¹ = Wₖᵀ diag(1/λ) Wₖ + (I − WₖᵀWₖ) / σ²,
        log det C = Σₖ log λₖ + (d − k) log σ².

    Cost: covariance route O(n d² + d³), its scatter X̃ᵀX̃ accumulated over
    small centred row blocks (no centred copy of X; the textbook centring
    keeps the digits that XᵀX − n·μμᵀ would cancel); SVD O(n d min(n, d)),
    with a centred copy of X; randomized O(q n d (k + p)) for q power iterations.

    Any finite scale of X works: data beyond 2^±256 are fitted as X/2^e (an
    exact power of two), so for X·s the axes, the ratios and whitened
    projections are those of X, the projections scale by s and the
    variances by s². A variance beyond float64's range (λ ≈ 1e600 for data of
    1e300) reads inf in ``explained_variance_`` and ``noise_variance_`` (0 if it
    underflows), as any overflowing float64 result does; read
    ``explained_variance_ratio_`` or ``singular_values_`` there. The transforms
    and ``score_samples`` use the exact values and stay right.

    On a Dask X (tall: n ≥ d): ``"lapack"``/``"mmlkit"`` make one pass, each block
    sending the R factor of its centred rows with its count and means (d² + d + 1
    numbers; a centred TSQR), then the SVD of R; ``"randomized"`` makes one pass for
    the means plus one per power iteration and one for the final sketch, each block
    sending s² + ds numbers (s = n_components + n_oversamples). ``"arpack"`` is refused.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.models import PCA
    >>> X = np.random.default_rng(0).normal(size=(100, 3)) * [3.0, 1.0, 0.1]
    >>> pca = PCA(n_components=2).fit(X)
    >>> np.round(pca.explained_variance_ratio_, 2)
    array([0.91, 0.09])
    """

    _parameter_constraints = {
        "n_components": [None, Options(("mle",)), Interval(Integral, 0, None), Interval(Real, 0, 1, closed="neither")],
        "whiten": ["boolean"],
        "svd_solver": [Options(("auto", "lapack", "mmlkit", "randomized", "arpack"))],
        "tol": [Interval(Real, 0, None)],
        "iterated_power": [Options(("auto",)), Interval(Integral, 0, None)],
        "n_oversamples": [Interval(Integral, 0, None)],
        "power_iteration_normalizer": [Options(("auto", "QR", "LU", "none"))],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, whiten=False, svd_solver="auto", tol=0.0, iterated_power="auto",
                 n_oversamples=10, power_iteration_normalizer="auto", random_state=None):
        self.n_components = n_components
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    # ------------------------------------------------------------------ fitting
    def _check_params(self, n_samples: int, n_features: int):
        validate_params(self)
        k, rank = self.n_components, min(n_samples, n_features)
        if k is None:
            return rank
        if isinstance(k, str):
            if k != "mle":
                raise ValueError(f"n_components must be an int, a float in (0, 1), 'mle' or None; got {k!r}")
            if n_samples < n_features:
                raise ValueError("n_components='mle' needs n_samples >= n_features, "
                                 f"got X of shape {(n_samples, n_features)}")
            return k
        if isinstance(k, (numbers.Integral, np.integer)) and not isinstance(k, bool):
            if not 0 <= k <= rank:
                raise ValueError(f"n_components={k} must be between 0 and min(n_samples, n_features)={rank}")
            return int(k)
        if isinstance(k, numbers.Real) and not isinstance(k, bool) and 0 < k < 1:
            return float(k)
        raise ValueError(f"n_components must be an int in [0, {rank}], a float in (0, 1), 'mle' or None; got {k!r}")

    def fit(self, X, y=None):
        """Fit the principal axes.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training data (never modified).
        y : ignored

        Returns
        -------
        self : PCA
        """
        self._fit(X)
        return self

    def fit_transform(self, X, y=None):
        """Fit, then project X: returns (n_samples, n_components_)."""
        X = self._fit(X)
        return self._project(X)

    def _fit(self, X):
        self._units = None
        if is_dask_collection(X):
            from mmlkit.models import _dask_fit

            return _dask_fit.pca(self, X)
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        n, d = X.shape
        k = self._check_params(n, d)
        solver = _pca_solver(self.svd_solver, n, d, k)
        if solver in ("randomized", "arpack"):
            if not isinstance(k, int) or not 1 <= k <= min(n, d):
                raise ValueError(f"svd_solver={solver!r} needs an int n_components in [1, min(n_samples, "
                                 f"n_features)={min(n, d)}], got {self.n_components!r}")
            if solver == "arpack" and k == min(n, d):
                raise ValueError(f"svd_solver='arpack' needs n_components < min(n_samples, n_features)="
                                 f"{min(n, d)}, got {k}")
        self._fit_svd_solver = solver
        self.n_samples_ = n
        if solver == "lapack" and self._fit_as_given(X, k):
            self._n_features_out = self.n_components_
            return X
        # beyond 2^±256 the fit runs on X/2^e (exact), see _from_units
        e = power_of_two_scale(X) if solver == "lapack" else unit_exponent(X)
        Xu = rescale(X, e) if e else X
        self.mean_ = Xu.mean(axis=0)
        if solver in ("lapack", "mmlkit"):
            self._fit_full(Xu, k, solver)
        else:
            self._fit_truncated(Xu, k, solver)
        self._n_features_out = self.n_components_
        if e:
            self._from_units(e)
        return X

    def _fit_as_given(self, X, k) -> bool:
        """The LAPACK fit on X itself, if X lies within 2^±256 (else False, to refit in units).

        Whether it does is read off the fit, at no cost of a pass over X: with ‖μ‖ and
        r² = Σ(x − μ)² = (n − 1)·Σλ, max|X| lies in [max(‖μ‖/√d, r/(2√(nd))), ‖μ‖ + r].
        """
        n, d = X.shape
        with np.errstate(all="ignore"):   # huge or tiny X: what over- or underflows is refitted
            self.mean_ = X.mean(axis=0)
            mu = math.sqrt(float(self.mean_ @ self.mean_))
            if not mu < _AS_GIVEN:
                return False
            try:
                total = self._fit_full(X, k, "lapack")
            except np.linalg.LinAlgError:
                return False
        r = math.sqrt(total * (n - 1))
        return mu + r <= _AS_GIVEN and max(mu, r / 2.0) >= math.sqrt(n * d) / _AS_GIVEN

    def _from_units(self, e):
        """Map a fit on X/2^e back to X: μ and σ scale by 2^e, the variances by 2^(2e).

        The axes and the ratios are unchanged. A variance beyond float64's range
        (≈ 1e600 for data of 1e300) saturates to inf (or 0) in the public
        attributes, as any overflowing float64 result does; the exact values
        stay in the units of the fit (``_units``), which ``transform``,
        ``inverse_transform`` and ``score_samples`` use, so those stay right.
        """
        self._units = (e, self.mean_, self.explained_variance_, self.noise_variance_)
        with np.errstate(over="ignore", under="ignore"):
            self.mean_ = np.ldexp(self.mean_, e)
            self.singular_values_ = np.ldexp(self.singular_values_, e)
            self.explained_variance_ = np.ldexp(self.explained_variance_, 2 * e)
            self.noise_variance_ = float(np.ldexp(self.noise_variance_, 2 * e))

    def _in_units(self):
        """(e, μ, λ, σ²) of the fit's units (e = 0: the public attributes themselves)."""
        units = getattr(self, "_units", None)
        return units if units is not None else (0, self.mean_, self.explained_variance_, self.noise_variance_)

    def _fit_full(self, X, k, solver):
        """Fit from the whole spectrum; returns the total variance Σλ = Σ(x − μ)²/(n − 1)."""
        n, d = X.shape
        ev = None
        if solver == "lapack" and n >= 10 * d:
            # Covariance route: S = X̃ᵀX̃/(n−1) (its upper triangle), centred row blocks and a d×d eigh.
            S = _centred_scatter(X, self.mean_)
            S /= n - 1
            if not math.isfinite(S.trace()):   # only in _fit_as_given, for X beyond 2^±256
                raise np.linalg.LinAlgError("the covariance of X overflows")
            lam, V = scipy.linalg.eigh(S, lower=False, overwrite_a=True, check_finite=False, driver="evd")
            lam, Vt = np.maximum(lam[::-1], 0.0), V[:, ::-1].T
            n_keep = d if not isinstance(k, int) else k
            if n_keep == 0 or lam[n_keep - 1] > _COVARIANCE_RCOND * lam[0]:
                ev = lam
        if ev is None:
            Xc = X - self.mean_
            if solver == "mmlkit":
                from mmlkit.linalg import svd as mmlkit_svd

                _, sigma, Vt = mmlkit_svd(Xc, full_matrices=False)
            else:
                _, sigma, Vt = scipy.linalg.svd(Xc, full_matrices=False, check_finite=False)
            ev = sigma**2 / (n - 1)
        return _set_full_spectrum(self, ev, Vt, n, d, k)

    def _fit_truncated(self, X, k, solver):
        n, d = X.shape
        rng = check_random_state(self.random_state)
        mu = self.mean_

        # The centred data A = X − 1μᵀ is never formed: A M = X M − 1(μᵀM), Aᵀ P = Xᵀ P − μ(1ᵀP).
        def matmat(M):
            out = X @ M
            out -= mu @ M
            return out

        def rmatmat(P):
            out = X.T @ P
            out -= mu[:, None] * P.sum(axis=0) if P.ndim == 2 else mu * P.sum()
            return out

        if solver == "arpack":
            from scipy.sparse.linalg import LinearOperator, svds

            op = LinearOperator((n, d), matvec=matmat, rmatvec=rmatmat, matmat=matmat, rmatmat=rmatmat,
                                dtype=np.float64)
            v0 = rng.uniform(-1.0, 1.0, size=min(n, d))
            _, sigma, Vt = svds(op, k=k, tol=self.tol, v0=v0)
            order = np.argsort(sigma)[::-1]
            sigma, Vt = sigma[order], Vt[order]
        else:
            n_iter, normaliser = _power_iteration_settings(self, n, d, k)
            size = min(k + self.n_oversamples, n, d)
            if d > n:  # sketch the row space of Aᵀ instead: the smaller side
                Q = randomized_range_finder(rmatmat, matmat, n, size, n_iter, normaliser, rng)
                B = matmat(Q)  # A Q  (n, size):  A ≈ (A Q) Qᵀ
                _, sigma, Wt = scipy.linalg.svd(B, full_matrices=False, check_finite=False)
                Vt = Wt @ Q.T
            else:
                Q = randomized_range_finder(matmat, rmatmat, d, size, n_iter, normaliser, rng)
                B = rmatmat(Q).T  # Qᵀ A  (size, d):  A ≈ Q (Qᵀ A)
                _, sigma, Vt = scipy.linalg.svd(B, full_matrices=False, check_finite=False)
            sigma, Vt = sigma[:k], Vt[:k]
        _set_truncated_spectrum(self, sigma, Vt, _centred_sum_of_squares(X, mu) / (n - 1), n, d, k)

    # --------------------------------------------------------------- transforms
    def _project(self, X):
        e, mean, variance, _ = self._in_units()
        if e:
            X = rescale(X, e)
        Z = X @ self.components_.T
        Z -= mean @ self.components_.T
        if self.whiten:
            Z /= np.maximum(np.sqrt(variance), np.finfo(np.float64).eps)
        elif e:
            with np.errstate(over="ignore", under="ignore"):
                Z = np.ldexp(Z, e)
        return Z

    def transform(self, X):
        """Project X onto the principal axes.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components_)
            (X − μ) Wₖᵀ, divided by √λ when whitening.
        """
        if is_dask_collection(X):
            return map_rows(self.transform, X)
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self._project(X)

    def inverse_transform(self, X):
        """Map projections back to the data space: Z Wₖ + μ (undoing whitening first).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_components_)

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
        """
        if is_dask_collection(X):
            return map_rows(self.inverse_transform, X)
        check_is_fitted(self)
        Z = _check_projection(X, self.n_components_)
        e, mean, variance, _ = self._in_units()
        W = self.components_
        if self.whiten:
            W = W * np.sqrt(variance)[:, None]
        elif e:
            Z = rescale(Z, e)
        X_original = Z @ W + mean
        if e:
            with np.errstate(over="ignore", under="ignore"):
                X_original = np.ldexp(X_original, e)
        return X_original

    # ------------------------------------------------------ probabilistic PCA
    def get_covariance(self):
        """Model covariance C = Wₖᵀ (Λₖ − σ²I) Wₖ + σ² I of probabilistic PCA, shape (d, d)."""
        check_is_fitted(self)
        W, sigma2 = self.components_, self.noise_variance_
        diff = np.maximum(self.explained_variance_ - sigma2, 0.0)
        C = (W.T * diff) @ W
        C[np.diag_indices_from(C)] += sigma2
        return C

    def get_precision(self):
        """Model precision C⁻¹ = Wₖᵀ diag(1/λ) Wₖ + (I − WₖᵀWₖ)/σ², shape (d, d).

        Raises ``numpy.linalg.LinAlgError`` if the model covariance is singular
        (a zero variance kept, or σ² = 0 with fewer components than features).
        """
        check_is_fitted(self)
        lam_model, _ = self._model_spectrum()
        W, sigma2 = self.components_, self.noise_variance_
        d = W.shape[1]
        P = (W.T / lam_model) @ W
        if W.shape[0] < d:
            P -= (W.T @ W) / sigma2
            P[np.diag_indices(d)] += 1.0 / sigma2
        return P

    def _model_spectrum(self, variance=None, sigma2=None):
        """Eigenvalues of the model covariance on span(Wₖ), and log det C (of the
        public attributes, or of the given ones)."""
        if variance is None:
            variance, sigma2 = self.explained_variance_, self.noise_variance_
        lam = np.maximum(variance, sigma2)
        d, k = self.components_.shape[1], self.components_.shape[0]
        if (lam <= 0).any() or (k < d and sigma2 <= 0):
            raise np.linalg.LinAlgError(
                "the probabilistic PCA covariance is singular (zero variance or noise_variance_ = 0 with "
                "fewer components than features): the log-likelihood is undefined")
        log_det = float(np.log(lam).sum() + (d - k) * (np.log(sigma2) if k < d else 0.0))
        return lam, log_det

    def score_samples(self, X):
        """Log-likelihood of each sample under probabilistic PCA.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        log_like : ndarray of shape (n_samples,)
            log N(x | μ, C) = −½ [(x − μ)ᵀ C⁻¹ (x − μ) + log det C + d log 2π].
        """
        if is_dask_collection(X):
            return map_rows(self.score_samples, X)
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        # in the fit's units x' = x/2^e: log p(x) = log p'(x') − d·e·log 2 (the Jacobian)
        e, mean, variance, sigma2 = self._in_units()
        if e:
            X = rescale(X, e)
        lam, log_det = self._model_spectrum(variance, sigma2)
        W = self.components_
        R = X - mean
        Z = R @ W.T
        maha = (Z**2 / lam).sum(axis=1)
        if W.shape[0] < W.shape[1]:
            maha += (np.einsum("ij,ij->i", R, R) - np.einsum("ij,ij->i", Z, Z)) / sigma2
        return -0.5 * (maha + log_det + X.shape[1] * np.log(2 * np.pi)) - X.shape[1] * e * np.log(2.0)

    def score(self, X, y=None):
        """Average log-likelihood of the samples under probabilistic PCA (a float)."""
        return float(np.mean(self.score_samples(X)))


def _check_projection(Z, n_components: int) -> np.ndarray:
    Z = as_float_array(Z, "X", dtype=np.float64)
    check_ndim(Z, "X", 2)
    if Z.shape[1] != n_components:
        raise ValueError(f"X must have {n_components} columns (one per component), got {Z.shape[1]}")
    return Z


def _pca_log_evidence(spectrum: np.ndarray, rank: int, n_samples: int) -> float:
    """Minka's (2000) Laplace approximation of log p(X | rank) for PCA."""
    d = spectrum.shape[0]
    eps = 1e-15
    if spectrum[rank - 1] < eps:
        return -np.inf
    i = np.arange(1, rank + 1)
    pu = -rank * np.log(2.0) + np.sum(gammaln((d - i + 1) / 2.0) - np.log(np.pi) * (d - i + 1) / 2.0)
    pl = -np.sum(np.log(spectrum[:rank])) * n_samples / 2.0
    v = max(eps, spectrum[rank:].sum() / (d - rank))
    pv = -np.log(v) * n_samples * (d - rank) / 2.0
    m = d * rank - rank * (rank + 1.0) / 2.0
    pp = np.log(2.0 * np.pi) * (m + rank) / 2.0
    inv = 1.0 / np.concatenate([spectrum[:rank], np.full(d - rank, v)])
    lam_i, lam_j = spectrum[:rank, None], spectrum[None, :]
    mask = np.arange(d)[None, :] > np.arange(rank)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.log((lam_i - lam_j) * (inv[None, :] - inv[:rank, None])) + np.log(n_samples)
    pa = float(np.sum(terms[mask]))
    return float(pu + pl + pv + pp - pa / 2.0 - rank * np.log(n_samples) / 2.0)


def _infer_dimension(spectrum: np.ndarray, n_samples: int) -> int:
    """The rank maximising Minka's evidence (``n_components='mle'``)."""
    ll = [-np.inf] + [_pca_log_evidence(spectrum, r, n_samples) for r in range(1, spectrum.shape[0])]
    return int(np.argmax(ll))


def _randomized_eigsh(K: np.ndarray, k: int, n_oversamples: int, n_iter: int,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Top-k eigenpairs (largest algebraic) of a symmetric PSD K by a randomized range finder.

    Q spans ≈ the top eigenvectors (subspace iteration with LU normalisation);
    the Rayleigh–Ritz step diagonalises the small matrix Qᵀ K Q with ``eigh``.
    Cost: (n_iter + 2) products K Q, O(n² (k + p)) each, plus O(n (k + p)²).
    """
    n = K.shape[0]
    size = min(k + n_oversamples, n)
    Q = randomized_range_finder(lambda M: K @ M, lambda M: K @ M, n, size, n_iter, "LU", rng)
    T = Q.T @ K @ Q
    lam, S = scipy.linalg.eigh((T + T.T) / 2, check_finite=False)
    order = np.argsort(lam)[::-1][:k]
    return lam[order], Q @ S[:, order]


@dask_unsupported
class KernelPCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Kernel principal component analysis.

    Parameters
    ----------
    n_components : int or None, default=None
        Number of components; None keeps every component with a positive eigenvalue.
    kernel : {"linear", "poly", "rbf", "sigmoid", "precomputed"} or callable, default="linear"
        The kernel k (see :mod:`mmlkit.models._kernels`).
    gamma : float, "scale", "auto" or None, default=None
        Kernel coefficient of rbf, poly and sigmoid; None means 1 / n_features.
    degree : float, default=3
        Degree of the poly kernel.
    coef0 : float, default=1
        Constant term of the poly and sigmoid kernels.
    kernel_params : dict, optional
        Extra keyword arguments of a callable kernel.
    alpha : float, default=1.0
        Ridge strength of the pre-image regression (``fit_inverse_transform``).
    fit_inverse_transform : bool, default=False
        Learn an approximate pre-image map by kernel ridge regression from the
        projections back to the inputs.
    eigen_solver : {"auto", "dense", "arpack", "randomized"}, default="auto"
        ``"dense"``: LAPACK ``eigh`` restricted to the top k eigenpairs
        (``subset_by_index``, O(n³)). ``"arpack"``: implicitly restarted
        Lanczos (``scipy.sparse.linalg.eigsh``), O(n² k) per restart.
        ``"randomized"``: subspace iteration + Rayleigh–Ritz, O(q n² k).
        ``"auto"``: "arpack" when n > 200 and k < 10, "dense" otherwise.
    tol : float, default=0
        Tolerance of "arpack" (0: machine precision).
    max_iter : int or None, default=None
        Iteration cap of "arpack".
    iterated_power : int or "auto", default="auto"
        Power iterations of "randomized" ("auto": 7 if k < 0.1 n, else 4).
    remove_zero_eig : bool, default=False
        Drop components with zero eigenvalue (always done when n_components is None).
    random_state : int, Generator or None, default=None
        Seeds "arpack"'s start vector and "randomized".

    Attributes
    ----------
    eigenvalues_ : ndarray of shape (n_components_,)
        Eigenvalues λ of the centred kernel matrix, decreasing.
    eigenvectors_ : ndarray of shape (n_samples, n_components_)
        Unit eigenvectors v of the centred kernel matrix (largest-magnitude entry positive).
    X_fit_ : ndarray of shape (n_samples, n_features)
    X_transformed_fit_ : ndarray of shape (n_samples, n_components_)
        Projections of the training points (if ``fit_inverse_transform``).
    dual_coef_ : ndarray of shape (n_samples, n_features)
        Pre-image regression weights (if ``fit_inverse_transform``).
    gamma_ : float
    n_features_in_ : int

    Notes
    -----
    PCA in the feature space φ: the covariance (1/n) Σ φ̃(xᵢ)φ̃(xᵢ)ᵀ of the
    centred features φ̃ has eigenvectors w = Σᵢ aᵢ φ̃(xᵢ), where a solves the
    eigenproblem of the centred Gram matrix

        K̃ a = λ a,   K̃ = H K H,   H = I − 11ᵀ/n,

    i.e. K̃ᵢⱼ = Kᵢⱼ − K̄ᵢ· − K̄·ⱼ + K̄··. Normalising ‖w‖ = 1 gives a = v / √λ,
    so a training point projects to √λ v, and a new point x to

        z(x) = Σᵢ k̃(x, xᵢ) vᵢ / √λ,   k̃(x, xᵢ) = k(x, xᵢ) − K̄·ᵢ − mean_j k(x, xⱼ) + K̄··,

    the same centring applied with the training means.

    The pre-image map (``fit_inverse_transform``) is kernel ridge regression
    from the training projections Z to X: (k(Z, Z) + αI) B = X, x̂(z) = k(z, Z) B.

    Cost: O(n² d) to build K, O(n²) to centre it, then the eigensolver
    (see ``eigen_solver``); transforming m points costs O(m n (d + k)).

    Any finite scale of X works: data beyond 2^±256 are fitted as X/2^e (an
    exact power of two) with γ·2^(2e), the very same kernel values. So for
    X·s the rbf, poly and sigmoid kernels with a numeric γ are the kernels of
    the user's γ on X·s (an rbf kernel of huge data is the identity, its true
    value), while for the linear kernel λ scales by s² and the projections by
    s. An eigenvalue beyond float64's range reads inf (0 if it underflows);
    the projections use the exact values. A kernel whose own values overflow
    (poly of huge data) raises ``ValueError``.

    Examples
    --------
    >>> from mmlkit.datasets import make_circles
    >>> from mmlkit.models import KernelPCA
    >>> X, y = make_circles(200, factor=0.3, noise=0.05, random_state=0)
    >>> Z = KernelPCA(n_components=2, kernel="rbf", gamma=2.0).fit_transform(X)
    >>> Z.shape
    (200, 2)
    """

    _parameter_constraints = {
        **KERNEL_PARAMETERS,
        "n_components": [None, Interval(Integral, 1, None)],
        "alpha": [Interval(Real, 0, None)],
        "fit_inverse_transform": ["boolean"],
        "eigen_solver": [Options(("auto", "dense", "arpack", "randomized"))],
        "tol": [Interval(Real, 0, None)],
        "max_iter": [None, Interval(Integral, 1, None)],
        "iterated_power": [Options(("auto",)), Interval(Integral, 0, None)],
        "remove_zero_eig": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, kernel="linear", gamma=None, degree=3, coef0=1, kernel_params=None,
                 alpha=1.0, fit_inverse_transform=False, eigen_solver="auto", tol=0, max_iter=None,
                 iterated_power="auto", remove_zero_eig=False, random_state=None):
        self.n_components = n_components
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.kernel_params = kernel_params
        self.alpha = alpha
        self.fit_inverse_transform = fit_inverse_transform
        self.eigen_solver = eigen_solver
        self.tol = tol
        self.max_iter = max_iter
        self.iterated_power = iterated_power
        self.remove_zero_eig = remove_zero_eig
        self.random_state = random_state

    def _kernel(self, X, Z=None, gamma=None):
        return kernel_matrix(X, Z, kernel=self.kernel, gamma=self.gamma_ if gamma is None else gamma,
                             degree=self.degree, coef0=self.coef0, kernel_params=self.kernel_params)

    def _unit_kernel(self, X, Z=None):
        """The kernel in the fit's units (see ``fit``): K' = K/2^kexp of X/2^ex (and Z/2^ex)."""
        ex, _, g_scaled = self._units
        if ex:
            X = rescale(X, ex)
            Z = None if Z is None else rescale(Z, ex)
        with np.errstate(over="ignore", invalid="ignore"):   # γ' saturated: exp(−γ'd) is 0, as it must be
            K = self._kernel(X, Z, gamma=g_scaled)
        # only a polynomial kernel can overflow here (rbf and sigmoid are bounded, the linear kernel
        # in units is at most d, a precomputed one was checked): its check costs two passes over K
        if self.kernel == "poly" and K.size and not (np.isfinite(K.min()) and np.isfinite(K.max())):
            raise ValueError(f"the {self.kernel!r} kernel matrix overflows at this scale of X (max |X| = "
                             f"{float(np.max(np.abs(X))) * 2.0**ex:.3g}); standardise X (e.g. with "
                             "StandardScaler) or lower gamma")
        return K

    def _check_params(self):
        validate_params(self)
        if self.fit_inverse_transform and self.kernel == "precomputed":
            raise ValueError("fit_inverse_transform=True cannot be used with kernel='precomputed'")

    @one_blas_thread_when_small
    def fit(self, X, y=None):
        """Fit the kernel principal components.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training data (the Gram matrix (n_samples, n_samples) if precomputed).
        y : ignored

        Returns
        -------
        self : KernelPCA
        """
        self._check_params()
        X = validate_data(self, X, dtype=np.float64)
        n = X.shape[0]
        if self.kernel == "precomputed" and X.shape[1] != n:
            raise ValueError(f"X must be a square Gram matrix when kernel='precomputed', got shape {X.shape}")
        # Beyond 2^±256 the fit runs in exact power-of-two units (see kernel_units): X' = X/2^ex and
        # γ' = γ·2^(2ex) give K = 2^kexp·K', so λ = 2^kexp·λ', the same eigenvectors, projections ·2^(kexp/2).
        ex, kexp, g_scaled, self.gamma_ = kernel_units(self.kernel, self.gamma, X, unit_exponent(X), even=True)
        self._units = (ex, kexp, g_scaled)
        K = self._unit_kernel(X)
        if K is X:
            K = K.copy()
        # Centre in place: K̃ = K − 1K̄ᵀ − K̄1ᵀ + K̄·· (row and column means agree: K is symmetric).
        self._K_fit_rows = K.mean(axis=0)
        self._K_fit_all = float(self._K_fit_rows.mean())
        K -= self._K_fit_rows[None, :]
        K -= self._K_fit_rows[:, None]
        K += self._K_fit_all

        k = n if self.n_components is None else min(n, int(self.n_components))
        solver = self.eigen_solver
        if solver == "auto":
            solver = "arpack" if n > 200 and k < 10 else "dense"
        if solver == "arpack" and k >= n:
            solver = "dense"
        rng = check_random_state(self.random_state)
        if solver == "dense":
            lam, V = scipy.linalg.eigh(K, subset_by_index=(n - k, n - 1), check_finite=False,
                                       overwrite_a=True)
        elif solver == "arpack":
            from scipy.sparse.linalg import LinearOperator, eigsh

            # K is symmetric: BLAS symv reads one triangle, half the memory traffic of K @ v
            # (each Lanczos step is one such product). K.T is K's Fortran-ordered view, no copy.
            Kf = np.ascontiguousarray(K).T
            op = LinearOperator((n, n), matvec=lambda v: dsymv(1.0, Kf, np.ravel(v)), dtype=np.float64)
            v0 = rng.uniform(-1.0, 1.0, size=n)
            lam, V = eigsh(op, k, which="LA", tol=self.tol, maxiter=self.max_iter, v0=v0)
        else:
            n_iter = self.iterated_power
            if n_iter == "auto":
                n_iter = 7 if k < 0.1 * n else 4
            lam, V = _randomized_eigsh(K, k, 10, n_iter, rng)
        order = np.argsort(lam)[::-1]
        lam, V = lam[order], V[:, order]
        # The centred Gram matrix of a PSD kernel is PSD: negative eigenvalues beyond
        # round-off mean the kernel is not (sigmoid), tiny ones are numerical noise.
        top = float(lam.max()) if lam.size else 0.0
        if lam.size and lam.min() < -1e-5 * max(top, 0.0) and lam.min() < -1e-10:
            raise ValueError(f"the centred kernel matrix has significant negative eigenvalues (down to "
                             f"{lam.min():.3g}): the kernel is not positive semi-definite on X; "
                             "use fewer components or a PSD kernel")
        lam = np.where(lam > 1e-12 * top, lam, 0.0)
        V = _flip_rows(V.T).T
        if self.remove_zero_eig or self.n_components is None:
            keep = lam > 0
            lam, V = lam[keep], V[:, keep]
        self._eigenvalues_units = lam
        with np.errstate(over="ignore", under="ignore"):   # saturates only where λ itself is beyond float64
            self.eigenvalues_ = np.ldexp(lam, kexp) if kexp else lam
        self.eigenvectors_ = V
        self.X_fit_ = X
        self._n_features_out = lam.size

        if self.fit_inverse_transform:
            Z = self._training_projections()
            self.X_transformed_fit_ = Z
            Kz = self._kernel(Z)
            Kz[np.diag_indices_from(Kz)] += self.alpha
            try:
                self.dual_coef_ = scipy.linalg.solve(Kz, X, assume_a="pos", check_finite=False)
            except np.linalg.LinAlgError:
                self.dual_coef_ = scipy.linalg.lstsq(Kz, X, check_finite=False)[0]
        return self

    def fit_transform(self, X, y=None):
        """Fit, then return the training projections √λ v, shape (n_samples, n_components_)."""
        self.fit(X)
        return self._training_projections()

    def _training_projections(self):
        """√λ v of the training points, from the eigenvalues in the fit's units."""
        Z = self.eigenvectors_ * np.sqrt(self._eigenvalues_units)
        return self._from_units(Z)

    def _from_units(self, Z):
        kexp = self._units[1]
        if not kexp:
            return Z
        with np.errstate(over="ignore", under="ignore"):
            return np.ldexp(Z, kexp // 2)

    def transform(self, X):
        """Project new points with the training centring.

        Parameters
        ----------
        X : array_like of shape (n_queries, n_features)
            (kernels against the training points, (n_queries, n_samples), if precomputed)

        Returns
        -------
        Z : ndarray of shape (n_queries, n_components_)
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.kernel == "precomputed" and X.shape[1] != self.X_fit_.shape[0]:
            raise ValueError(f"X must have {self.X_fit_.shape[0]} columns (one per training sample) "
                             f"when kernel='precomputed', got {X.shape[1]}")
        K = self._unit_kernel(X, self.X_fit_)
        K = K - self._K_fit_rows[None, :] - K.mean(axis=1, keepdims=True) + self._K_fit_all
        lam = self._eigenvalues_units
        nonzero = lam > 0
        scaled = np.zeros_like(self.eigenvectors_)
        scaled[:, nonzero] = self.eigenvectors_[:, nonzero] / np.sqrt(lam[nonzero])
        return self._from_units(K @ scaled)

    def inverse_transform(self, X):
        """Approximate pre-images x̂(z) = k(z, Z_fit) B of projections (needs ``fit_inverse_transform``).

        Parameters
        ----------
        X : array_like of shape (n_queries, n_components_)

        Returns
        -------
        X_original : ndarray of shape (n_queries, n_features)
        """
        check_is_fitted(self)
        if not self.fit_inverse_transform:
            from mmlkit.exceptions import NotFittedError

            raise NotFittedError("inverse_transform needs fit_inverse_transform=True at fit time")
        Z = _check_projection(X, self.eigenvalues_.size)
        return self._kernel(Z, self.X_transformed_fit_) @ self.dual_coef_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.kernel == "precomputed"
        return tags
