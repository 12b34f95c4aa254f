"""Logistic regression: binary (sigmoid) and multinomial (softmax), L2, L1 or no penalty."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
import scipy.linalg as sla
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import any_dask, is_dask_collection, map_rows
from mmlkit._scaling import rescale, unit_exponent
from mmlkit._validation import Interval, Options, check_classification_labels, validate_data, validate_params
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models._linear_base import cd_epochs, soft_threshold

__all__ = ["LogisticRegression", "logistic_objective"]

_EPS = np.finfo(np.float64).eps


def _logsumexp_rows(Z):
    """log Σₖ exp(Zᵢₖ) per row, with the arithmetic of ``scipy.special.logsumexp(Z, axis=1)``.

    The row maxima are split off (m ties counted), the rest summed as
    s = Σ exp(Zᵢₖ − maxᵢ)/m, and the result is log1p(s) + log m + maxᵢ; the
    direct log Σ exp stands in where that is not finite. Without SciPy's
    array-API dispatch, which costs more than the arithmetic on small problems.
    """
    a_max = Z.max(axis=1, keepdims=True)
    ties = Z == a_max
    m = ties.sum(axis=1, keepdims=True, dtype=Z.dtype)
    a = Z.copy()
    a[ties] = -np.inf
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        np.subtract(a, a_max, out=a)
        np.exp(a, out=a)
        s = a.sum(axis=1, keepdims=True)
        s = np.where(s == 0, s, s / m)
        out = (np.log1p(s) + np.log(m) + a_max)[:, 0]
        finite = np.isfinite(out)
        if not finite.all():
            out = np.where(finite, out, np.log(np.exp(Z).sum(axis=1)))
    return out


class _Problem:
    """The averaged objective f(θ) = (1/n)Σᵢ ℓᵢ(θ) + λ·pen(w) on θ = [W | b].

    Binary: θ = (w, b), ℓᵢ = log(1 + e^{zᵢ}) − yᵢzᵢ with zᵢ = xᵢᵀw + b.
    Multinomial (K classes): θ = (W, b) of shape (K, d + 1),
    ℓᵢ = logsumexp(zᵢ) − z_{i,yᵢ} with zᵢ = Wxᵢ + b. The intercepts are never
    penalised; λ = 1/(C·n) (scikit-learn's C·Σℓ + pen, divided by C·n).
    """

    def __init__(self, X, y_index, n_classes, penalty, C):
        self.X = X
        self.n, self.d = X.shape
        self.binary = n_classes == 2
        self.K = 1 if self.binary else n_classes
        # Multinomial: the one-hot targets Yᵀ (K, n), class by sample as the scores are formed, as booleans
        # (an eighth of float64's memory); R − Y casts them to exactly 1.0 / 0.0, the arithmetic of float64.
        if self.binary:
            self.y = y_index.astype(np.float64)
        else:
            self.yT = np.arange(n_classes)[:, None] == y_index
            self.own = y_index * self.n + np.arange(self.n)   # flat index of each sample's own score in Zᵀ
        self.penalty = penalty
        self.lam = 0.0 if penalty is None else 1.0 / (C * self.n)
        self.shape = (self.K, self.d + 1)
        mask = np.ones(self.shape, dtype=bool)
        mask[:, -1] = False  # intercept column
        self.penalised = mask.ravel()
        self._l2_weights = (None, None)   # (λ, λ·penalised): λ changes when the fit moves to X/2^e

    def frequencies(self):
        """The class frequencies (of class 1 for a binary problem)."""
        return np.mean(self.y) if self.binary else np.mean(self.yT, axis=1)

    def split(self, theta):
        T = theta.reshape(self.shape)
        return T[:, :-1], T[:, -1]

    def scores(self, theta):
        W, b = self.split(theta)
        Z = self.X @ W.T
        Z += b                      # in place: one (n, K) array, not two
        return Z[:, 0] if self.binary else Z

    def smooth(self, theta, *, l2=True):
        """Loss (+ L2 term) and its gradient, as a flat vector.

        The scores are formed class by sample, Zᵀ = W Xᵀ + b (K, n), so every
        reduction over the classes runs along the long axis; the softmax is
        that of the row maxima split off, ℓᵢ = log Σₖ e^{zᵢₖ − mᵢ} − (z_{i,yᵢ} − mᵢ),
        and P = e^{Z − m} / Σₖ reuses the same exponentials, computed in the scores' own array.
        """
        T = theta.reshape(self.shape)
        n, X = self.n, self.X
        grad = np.empty(self.shape)
        if self.binary:
            z = X @ T[0, :-1]
            z += T[0, -1]
            loss = float(np.sum(np.logaddexp(0.0, z) - self.y * z))
            R = expit(z)
            R -= self.y                                    # residual p − y, (n,)
            np.matmul(R, X, out=grad[0, :-1])
            grad[0, -1] = R.sum()
        else:
            Z = T[:, :-1] @ X.T                            # (K, n)
            Z += T[:, -1:]
            Z -= Z.max(axis=0)                             # z − m, in place: the exponentials overwrite it
            own = Z.take(self.own)                         # z_{i,yᵢ} − mᵢ
            E = np.exp(Z, out=Z)
            total = E.sum(axis=0)
            per_sample = np.log(total)
            per_sample -= own
            loss = float(per_sample.sum())
            E /= total                                     # P, then the residual P − Y in place
            E -= self.yT
            np.matmul(E, X, out=grad[:, :-1])
            E.sum(axis=1, out=grad[:, -1])
        loss /= n
        grad /= n
        grad = grad.ravel()
        if l2 and self.penalty == "l2":
            if self._l2_weights[0] != self.lam:
                self._l2_weights = (self.lam, self.lam * self.penalised)
            lam_theta = self._l2_weights[1] * theta       # λW, zero on the intercepts
            loss += 0.5 * float(lam_theta @ theta)
            grad += lam_theta
        return loss, grad

    def l1(self, theta):
        return self.lam * float(np.abs(theta[self.penalised]).sum()) if self.penalty == "l1" else 0.0

    def objective(self, theta):
        return self.smooth(theta)[0] + self.l1(theta)

    def hessian(self, theta):
        """Hessian of the averaged loss (+ L2 term) in θ's flat layout, O(n K² d²)."""
        Xa = np.hstack([self.X, np.ones((self.n, 1))])
        Z = self.scores(theta)
        if self.binary:
            p = expit(Z)
            H = (Xa.T * (p * (1 - p))) @ Xa / self.n
        else:
            P = softmax(Z, axis=1)
            D = self.d + 1
            H = np.empty((self.K * D, self.K * D))
            for k in range(self.K):
                for m in range(k, self.K):
                    weight = P[:, k] * ((k == m) - P[:, m])
                    block = (Xa.T * weight) @ Xa / self.n
                    H[k * D:(k + 1) * D, m * D:(m + 1) * D] = block
                    H[m * D:(m + 1) * D, k * D:(k + 1) * D] = block.T
            # The softmax loss is flat along θ_k → θ_k + v for all k at once. Adding the
            # curvature of ½·n⁻¹‖Σₖθₖ‖² on the unpenalised coordinates removes that null
            # space without moving the optimum: the gradient's class-sum is always zero,
            # so every Newton step keeps Σₖθₖ = 0 there (the minimum-norm solution).
            free = ~self.penalised if self.penalty is not None else np.ones(self.K * D, dtype=bool)
            idx = np.flatnonzero(free)
            col = idx % D
            same = col[:, None] == col[None, :]
            H[np.ix_(idx, idx)] += same / self.n
        if self.penalty == "l2":
            H[np.diag_indices_from(H)] += self.lam * self.penalised
        return H

    def lipschitz(self):
        """An upper bound on the curvature of the smooth part: ‖[X 1]‖₂²·c/n + λ."""
        Xa = np.hstack([self.X, np.ones((self.n, 1))])
        G = Xa.T @ Xa if self.n >= Xa.shape[1] else Xa @ Xa.T
        top = float(sla.eigh(G, eigvals_only=True, subset_by_index=[G.shape[0] - 1, G.shape[0] - 1])[0])
        curvature = 0.25 if self.binary else 0.5
        return curvature * top / self.n + (self.lam if self.penalty == "l2" else 0.0)

    def optimality(self, theta, grad):
        """∞-norm of the minimum-norm subgradient (the plain gradient without L1)."""
        if self.penalty != "l1":
            return float(np.max(np.abs(grad)))
        g = grad.copy()
        pen = self.penalised
        w = theta[pen]
        g[pen] = np.where(w != 0, grad[pen] + self.lam * np.sign(w), soft_threshold(grad[pen], self.lam))
        return float(np.max(np.abs(g)))


def logistic_objective(X, y, coef, intercept, C=1.0, penalty="l2"):
    """scikit-learn's (unscaled) logistic-regression objective: C·Σᵢℓᵢ + pen(w).

    ``pen`` is ½‖W‖² for ``"l2"``, ‖W‖₁ for ``"l1"`` and 0 for None.
    ``coef`` has shape (1, d) (binary, ``y`` in {0, 1} order of ``np.unique``)
    or (K, d).
    """
    X = np.asarray(X, dtype=float)
    classes, y_index = np.unique(y, return_inverse=True)
    coef = np.atleast_2d(coef)
    Z = X @ coef.T + np.ravel(intercept)
    if coef.shape[0] == 1:
        z = Z[:, 0]
        loss = float(np.sum(np.logaddexp(0.0, z) - y_index * z))
    else:
        loss = float(np.sum(_logsumexp_rows(Z) - Z[np.arange(len(y_index)), y_index]))
    pen = {"l2": 0.5 * float(np.sum(coef**2)), "l1": float(np.abs(coef).sum()), None: 0.0}[penalty]
    return C * loss + pen


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression: binary (sigmoid) or multinomial (softmax).

    Parameters
    ----------
    penalty : {"l2", "l1", None}, default="l2"
        Penalty on the weights (never on the intercepts).
    C : float, default=1.0
        Inverse penalty strength (> 0): larger C, weaker penalty.
    solver : {"lbfgs", "newton", "gd"}, default="lbfgs"
        ``"lbfgs"``: :func:`mmlkit.optim.minimize` (L-BFGS, strong Wolfe line
        search; L2 or no penalty). ``"newton"``: Newton's method with the exact
        Hessian, Cholesky solves and Armijo backtracking (IRLS for the binary
        case); with L1 a proximal Newton method whose sub-problems are solved
        by coordinate descent. ``"gd"``: accelerated proximal gradient (FISTA
        with adaptive restart, step 1/L).
    fit_intercept : bool, default=True
    max_iter : int, default=100
        Iteration cap of the solver (gd typically needs thousands).
    tol : float, default=1e-4
        Stop when the ∞-norm of the (minimum-norm sub)gradient of the averaged
        objective is ≤ tol.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) (binary) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : ndarray of shape (1,)

    Notes
    -----
    Minimises scikit-learn's objective C·Σᵢℓᵢ + pen(W), here divided by C·n:

        f(W, b) = (1/n)Σᵢ ℓᵢ + λ·pen(W),   λ = 1/(Cn),   pen = ½‖W‖² or ‖W‖₁,

    with ℓᵢ = log(1 + e^{zᵢ}) − yᵢzᵢ, zᵢ = wᵀxᵢ + b (binary) or
    ℓᵢ = logsumexp(zᵢ) − z_{i,yᵢ}, zᵢ = Wxᵢ + b (softmax). The gradient is
    (1/n)Xᵀ(P − Y) + λW and the Hessian (1/n)Xᵀ diag(p(1 − p))X + λI (binary;
    block form for softmax). Probabilities come from log-sigmoid /
    log-softmax, so they never overflow. Cost per gradient O(nKd); per
    Newton step O(nK²d² + K³d³).

    Any finite scale of X works: data beyond 2^±256 are fitted as X/2^e (an
    exact power of two) with the penalty converted to those units, the same
    problem. So on X·s with C fixed the weights are those of X with C·s²
    (C·s for L1), divided by s, and the intercepts and probabilities are equal.

    On Dask X, y: the same solvers, with one pass over the data per loss and
    gradient evaluation (K(d + 1) + 1 numbers per block) and for ``"newton"`` one more
    per Hessian ((K(d + 1))² numbers per block); one first pass finds the classes.

    Examples
    --------
    >>> from mmlkit.datasets import load_iris
    >>> from mmlkit.models import LogisticRegression
    >>> X, y = load_iris()
    >>> model = LogisticRegression(max_iter=500).fit(X, y)
    >>> round(model.score(X, y), 2)
    0.97
    """

    _parameter_constraints = {
        "penalty": [Options(("l2", "l1")), None],
        "C": [Interval(Real, 0, None, closed="neither")],
        "solver": [Options(("lbfgs", "newton", "gd"))],
        "fit_intercept": ["boolean"],
        "max_iter": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None)],
    }

    def __init__(self, penalty="l2", *, C=1.0, solver="lbfgs", fit_intercept=True, max_iter=100, tol=1e-4):
        self.penalty = penalty
        self.C = C
        self.solver = solver
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y):
        """Fit the coefficients by minimising the penalised log-loss.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
            Class labels (two or more classes).

        Returns
        -------
        self
        """
        validate_params(self)
        if self.penalty == "l1" and self.solver == "lbfgs":
            raise ValueError("solver='lbfgs' supports only penalty='l2' or None; use solver='newton' "
                             "or 'gd' for penalty='l1'")
        if any_dask(X, y):
            from mmlkit.models import _dask_fit

            return _dask_fit.logistic_regression(self, X, y)
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_labels(y)
        self.classes_, y_index = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValueError(f"y must contain at least 2 classes, got only one class: {self.classes_[0]!r}")
        e = unit_exponent(X)
        if not e:
            return self._solve(_Problem(X, y_index, self.classes_.size, self.penalty, self.C))
        return self._solve_in_units(rescale(X, e), e, y_index)

    def _solve_in_units(self, X, e, y_index):
        """Fit on X' = X/2^e (exact) and map back: w = 2^(−e)·u, the intercepts unchanged.

        The scores are z = Xw + b = X'u + b, and the penalty λ·½‖w‖² = λ·2^(−2e)·½‖u‖²
        (λ‖w‖₁ = λ·2^(−e)‖u‖₁ for L1): the fit on X' with that λ' is the very same
        problem. Where λ' is so large that the loss's curvature (≤ d/2 in these units)
        is below its rounding (tiny X: λ' may even exceed float64), the optimum is the
        intercept-only fit b* and, to first order in 1/λ' (exact in float64),
        u = −∇ᵤℓ(0, b*)/λ' for L2, u = 0 for L1 when λ' ≥ ‖∇ᵤℓ(0, b*)‖∞.
        """
        return self._solve_scaled(_Problem(X, y_index, self.classes_.size, self.penalty, self.C), e)

    def _solve_scaled(self, prob, e):
        """:meth:`_solve_in_units` of a problem already posed on X/2^e."""
        if self.penalty is not None:
            lam = prob.lam
            with np.errstate(over="ignore", under="ignore"):
                prob.lam = float(np.ldexp(lam, -2 * e if self.penalty == "l2" else -e))
            if prob.lam > 2.0**52 * max(prob.d, 1):
                return self._penalty_dominates(prob, lam, e)
        self._solve(prob)
        with np.errstate(under="ignore", over="ignore"):
            self.coef_ = np.ldexp(self.coef_, -e)
        return self

    def _penalty_dominates(self, prob, lam, e):
        """Set the fit of a penalty λ' ≫ the loss's curvature (see ``_solve_in_units``)."""
        b = np.zeros(prob.K)
        if self.fit_intercept:
            freq = prob.frequencies()
            b = np.atleast_1d(np.log(freq) - np.log1p(-freq) if prob.binary else np.log(freq) - np.log(freq).mean())
        theta = np.zeros(prob.shape)
        theta[:, -1] = b
        grad = prob.smooth(theta.ravel(), l2=False)[1].reshape(prob.shape)[:, :-1]
        with np.errstate(under="ignore", over="ignore"):
            if self.penalty == "l2":   # w = 2^(−e)·u = −2^(−e)·g/(λ·2^(−2e)) = −2^e·g/λ
                self.coef_ = np.ldexp(-grad / lam, e)
            elif prob.lam >= np.max(np.abs(grad)):
                self.coef_ = np.zeros_like(grad)
            else:   # an L1 penalty short of zeroing every weight: the solvers handle it
                self._solve(prob)
                self.coef_ = np.ldexp(self.coef_, -e)
                return self
        self.intercept_ = b
        self.n_iter_ = np.array([0])
        return self

    def _solve(self, prob):
        """Minimise ``prob`` from zero with the chosen solver and set the fitted attributes."""
        theta = np.zeros(prob.shape).ravel()
        solve = {"lbfgs": self._lbfgs, "newton": self._newton, "gd": self._proximal_gradient}[self.solver]
        theta, n_iter = solve(prob, theta)
        W, b = prob.split(theta)
        self.coef_ = W.copy()
        self.intercept_ = b.copy() if self.fit_intercept else np.zeros(prob.K)
        self.n_iter_ = np.array([n_iter])
        return self

    # -- solvers ---------------------------------------------------------------------------

    def _fix_intercept(self, prob, grad):
        """Without an intercept, its coordinates stay at 0: zero their gradient."""
        if not self.fit_intercept:
            grad = grad.reshape(prob.shape)
            grad[:, -1] = 0.0
            grad = grad.ravel()
        return grad

    def _warn(self, detail):
        warnings.warn(f"LogisticRegression(solver={self.solver!r}) stopped at max_iter={self.max_iter}: "
                      f"{detail}; increase max_iter or scale the data", ConvergenceWarning, stacklevel=4)

    def _lbfgs(self, prob, theta):
        from mmlkit.optim import minimize

        def fun(t):
            f, g = prob.smooth(t)
            return f, self._fix_intercept(prob, g)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            res = minimize(fun, theta, method="lbfgs", jac=True, tol=self.tol, max_iter=self.max_iter,
                           ftol=64 * _EPS, keep_path=False)
        for w in caught:
            if issubclass(w.category, ConvergenceWarning):
                self._warn(f"gradient ∞-norm {np.max(np.abs(res.grad)):.3g} > tol={self.tol:g}")
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return res.x, res.nit

    def _newton(self, prob, theta):
        f, grad = prob.smooth(theta)
        grad = self._fix_intercept(prob, grad)
        F = f + prob.l1(theta)
        free = np.ones(theta.size, dtype=bool)
        if not self.fit_intercept:
            free = prob.penalised.copy()
        l1 = np.where(prob.penalised[free], prob.lam, 0.0) if prob.penalty == "l1" else None
        for it in range(1, self.max_iter + 1):
            if prob.optimality(theta, grad) <= self.tol:
                return theta, it - 1
            H = prob.hessian(theta)[np.ix_(free, free)]
            # A relative 1e-12 jitter keeps Cholesky alive on flat directions (separable data, no penalty).
            H[np.diag_indices_from(H)] += 1e-12 * max(1.0, float(np.max(np.diag(H))))
            g = grad[free]
            if l1 is None:
                try:
                    step = -sla.cho_solve(sla.cho_factor(H, check_finite=False), g, check_finite=False)
                except np.linalg.LinAlgError:
                    step = -np.linalg.lstsq(H, g, rcond=None)[0]
                slope = float(g @ step)
            else:
                # Proximal Newton: minimise gᵀΔ + ½ΔᵀHΔ + λ‖θ + Δ‖₁ over u = θ + Δ by coordinate descent.
                u = theta[free].copy()
                c = -g.copy()  # q − Hu at u = θ, with q = Hθ − g
                cd_epochs(H, c, u, l1, 0.0, 1e-12, 1000)
                step = u - theta[free]
                slope = float(g @ step) + float(np.sum(l1 * (np.abs(u) - np.abs(theta[free]))))
            if slope >= 0:  # no descent direction left at working precision
                return theta, it - 1
            t = 1.0
            while True:
                cand = theta.copy()
                cand[free] += t * step
                f_new, g_new = prob.smooth(cand)
                F_new = f_new + prob.l1(cand)
                if F_new <= F + 1e-4 * t * slope or t < 1e-10:
                    break
                t *= 0.5
            if F_new > F:  # the line search failed to decrease at all
                return theta, it
            theta, F, grad = cand, F_new, self._fix_intercept(prob, g_new)
        if prob.optimality(theta, grad) > self.tol:
            self._warn(f"optimality {prob.optimality(theta, grad):.3g} > tol={self.tol:g}")
        return theta, self.max_iter

    def _proximal_gradient(self, prob, theta):
        L = prob.lipschitz()
        pen = prob.penalised
        thresh = prob.lam / L if prob.penalty == "l1" else 0.0
        x_prev = theta.copy()
        v = theta.copy()
        momentum = 1.0
        f_v, g_v = prob.smooth(v)
        g_v = self._fix_intercept(prob, g_v)
        F_prev = np.inf
        for it in range(1, self.max_iter + 1):
            x = v - g_v / L
            if thresh:
                x[pen] = soft_threshold(x[pen], thresh)
            f_x, g_x = prob.smooth(x)
            g_x = self._fix_intercept(prob, g_x)
            F_x = f_x + prob.l1(x)
            if prob.optimality(x, g_x) <= self.tol:
                return x, it
            if F_x > F_prev:  # adaptive restart: drop the momentum when the objective rises
                momentum = 1.0
                v, x = x_prev.copy(), x_prev
                f_v, g_v = prob.smooth(v)
                g_v = self._fix_intercept(prob, g_v)
                continue
            momentum_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * momentum**2))
            v = x + ((momentum - 1.0) / momentum_next) * (x - x_prev)
            momentum, x_prev, F_prev = momentum_next, x, F_x
            f_v, g_v = prob.smooth(v)
            g_v = self._fix_intercept(prob, g_v)
        self._warn(f"optimality {prob.optimality(x_prev, prob.smooth(x_prev)[1]):.3g} > tol={self.tol:g}")
        return x_prev, self.max_iter

    # -- prediction ------------------------------------------------------------------------

    def decision_function(self, X):
        """Scores z = Xwᵀ + b: shape (n_samples,) for two classes, (n_samples, n_classes) otherwise.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        """
        if is_dask_collection(X):
            return map_rows(self.decision_function, X)
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        Z = X @ self.coef_.T + self.intercept_
        return Z[:, 0] if self.classes_.size == 2 else Z

    def predict_log_proba(self, X):
        """Log class probabilities, log σ(±z) or log-softmax(z).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        if is_dask_collection(X):
            return map_rows(self.predict_log_proba, X)
        Z = self.decision_function(X)
        if self.classes_.size == 2:
            return np.column_stack([log_expit(-Z), log_expit(Z)])
        return log_softmax(Z, axis=1)

    def predict_proba(self, X):
        """Class probabilities (rows sum to one).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        if is_dask_collection(X):
            return map_rows(self.predict_proba, X)
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """The most probable class.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        if is_dask_collection(X):
            return map_rows(self.predict, X)
        Z = self.decision_function(X)
        index = (Z > 0).astype(int) if self.classes_.size == 2 else np.argmax(Z, axis=1)
        return self.classes_[index]
