"""Hidden Markov models with categorical or Gaussian emissions.

A hidden chain z₁ → z₂ → … (start probabilities π, transition matrix A)
emits one observation per step from ``p(x_t | z_t)``. Everything is computed
in log space: the forward–backward recursions carry a per-step shift (the
running maximum), so they never underflow on long sequences and still use a
matrix–vector product per step.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from mmlkit import exceptions  # its sklearn-derived names resolve on first use
from mmlkit._validation import (
    Interval,
    Options,
    as_float_array,
    check_int_sequence,
    check_random_state,
    validate_args,
)

__all__ = ["HiddenMarkovModel"]

_LOG_2PI = math.log(2.0 * math.pi)


def _log(p):
    with np.errstate(divide="ignore"):
        return np.log(p)


def _stochastic(P, name: str, shape: tuple) -> np.ndarray:
    P = as_float_array(P, name, ndim=len(shape))
    if shape and P.shape != shape and not any(s is None for s in shape):
        raise ValueError(f"{name} must have shape {shape}, got {P.shape}")
    if (P < 0).any():
        raise ValueError(f"{name} must contain non-negative probabilities")
    if not np.allclose(P.sum(axis=-1), 1.0, rtol=0.0, atol=1e-8):
        raise ValueError(f"{name} must sum to 1 along its last axis")
    return P.copy()


class HiddenMarkovModel:
    """A hidden Markov model: forward–backward, Viterbi and Baum–Welch, in log space.

    Parameters
    ----------
    n_components : int, default=2
        Number of hidden states K.
    emission : {"categorical", "gaussian"}, default="categorical"
        ``"categorical"``: observations are symbols 0..M−1 with
        ``emissionprob[k, m] = p(x = m | z = k)``. ``"gaussian"``: real
        observations (T,) or (T, d) with a diagonal-covariance normal per
        state (``means``, ``variances``).
    startprob : array_like of shape (K,), optional
        Initial state distribution π.
    transmat : array_like of shape (K, K), optional
        Transition matrix A, rows summing to 1.
    emissionprob : array_like of shape (K, M), optional
        Categorical emission probabilities (rows sum to 1).
    means : array_like of shape (K,) or (K, d), optional
        Gaussian emission means.
    variances : array_like of shape (K,) or (K, d), optional
        Gaussian emission variances (diagonal covariances).
    max_iter : int, default=100
        Maximum number of Baum–Welch iterations.
    tol : float, default=1e-6
        Stop when the log-likelihood improves by less than ``tol``.
    min_variance : float, default=1e-6
        Floor on the Gaussian variances (a state collapsing onto one point
        would otherwise have unbounded likelihood).
    random_state : None, int or numpy.random.Generator, default=None
        Initialises the parameters not given, and seeds :meth:`sample`.

    Attributes
    ----------
    startprob_ : ndarray of shape (K,)
    transmat_ : ndarray of shape (K, K)
    emissionprob_ : ndarray of shape (K, M)
        Categorical emissions only.
    means_, variances_ : ndarray of shape (K, d)
        Gaussian emissions only.
    log_likelihoods_ : list of float
        Log-likelihood before each Baum–Welch M-step (then the final one).
    n_iter_ : int
        Number of Baum–Welch iterations run.
    converged_ : bool
        Whether ``tol`` was met before ``max_iter``.

    Notes
    -----
    The joint density is ``p(x, z) = π_{z₁} b_{z₁}(x₁) Π_{t>1} A_{z_{t−1} z_t} b_{z_t}(x_t)``.
    Forward: ``α_t(j) = b_j(x_t) Σᵢ α_{t−1}(i) Aᵢⱼ``; backward:
    ``β_t(i) = Σⱼ Aᵢⱼ b_j(x_{t+1}) β_{t+1}(j)``; ``p(x) = Σᵢ α_T(i)``. In
    log space with ``m = maxᵢ log α_{t−1}(i)``:
    ``log α_t = log b(x_t) + m + log(exp(log α_{t−1} − m) A)``.
    Each recursion costs O(T K²). Viterbi replaces the sum by a max and
    backtracks. Baum–Welch (EM) re-estimates π, A and the emissions from the
    posteriors ``γ_t(i) = p(z_t = i | x)`` and
    ``ξ_t(i, j) = p(z_t = i, z_{t+1} = j | x)``; each iteration never
    decreases the likelihood.

    Examples
    --------
    >>> hmm = HiddenMarkovModel(2, startprob=[0.6, 0.4],
    ...                         transmat=[[0.7, 0.3], [0.4, 0.6]],
    ...                         emissionprob=[[0.1, 0.4, 0.5], [0.6, 0.3, 0.1]])
    >>> round(hmm.score([0, 1, 2]), 6)
    -3.392872
    >>> hmm.predict([0, 1, 2])
    array([1, 0, 0])
    """

    @validate_args({"n_components": [Interval(numbers.Integral, 1, None)],
                    "emission": [Options(("categorical", "gaussian"))],
                    "max_iter": [Interval(numbers.Integral, 1, None)], "tol": [Interval(numbers.Real, 0.0, None)],
                    "min_variance": [Interval(numbers.Real, 0.0, None, closed="neither")],
                    "random_state": ["random_state"]})
    def __init__(self, n_components: int = 2, *, emission: str = "categorical", startprob=None, transmat=None,
                 emissionprob=None, means=None, variances=None, max_iter: int = 100, tol: float = 1e-6,
                 min_variance: float = 1e-6, random_state=None):
        self.n_components = n_components
        self.emission = emission
        self.max_iter, self.tol, self.min_variance = max_iter, tol, min_variance
        self.random_state = random_state
        K = self.n_components
        self.startprob = None if startprob is None else _stochastic(startprob, "startprob", (K,))
        self.transmat = None if transmat is None else _stochastic(transmat, "transmat", (K, K))
        if emission == "categorical":
            if means is not None or variances is not None:
                raise ValueError("means and variances belong to emission='gaussian'")
            self.emissionprob = None if emissionprob is None else _stochastic(emissionprob, "emissionprob", (K, None))
            if self.emissionprob is not None and self.emissionprob.shape[0] != K:
                raise ValueError(f"emissionprob must have {K} rows (one per state), got {self.emissionprob.shape[0]}")
            self.means = self.variances = None
        else:
            if emissionprob is not None:
                raise ValueError("emissionprob belongs to emission='categorical'")
            self.emissionprob = None
            self.means = None if means is None else self._gaussian_param(means, "means")
            self.variances = None if variances is None else self._gaussian_param(variances, "variances")
            if self.variances is not None and (self.variances <= 0).any():
                raise ValueError("variances must be positive")
            if self.means is not None and self.variances is not None and self.means.shape != self.variances.shape:
                raise ValueError(f"means and variances must have the same shape, got {self.means.shape} "
                                 f"and {self.variances.shape}")
        given = [self.startprob, self.transmat] + (
            [self.emissionprob] if emission == "categorical" else [self.means, self.variances])
        if all(p is not None for p in given):
            self._set(*given)

    def __repr__(self) -> str:
        return f"HiddenMarkovModel(n_components={self.n_components}, emission={self.emission!r})"

    def _gaussian_param(self, a, name):
        a = as_float_array(a, name, ndim=(1, 2))
        a = a.reshape(-1, 1) if a.ndim == 1 else a.copy()
        if a.shape[0] != self.n_components:
            raise ValueError(f"{name} must have {self.n_components} rows (one per state), got {a.shape[0]}")
        return a

    def _set(self, startprob, transmat, *emission):
        self.startprob_, self.transmat_ = startprob, transmat
        if self.emission == "categorical":
            (self.emissionprob_,) = emission
        else:
            self.means_, self.variances_ = emission

    def _check_fitted(self):
        if not hasattr(self, "startprob_"):
            raise exceptions.NotFittedError("this HiddenMarkovModel has no parameters yet: "
                                 "pass them to the constructor or call fit")

    # ------------------------------------------------------------------ observations
    def _check_X(self, X, name="X", *, against_model=True):
        if self.emission == "categorical":
            arr = check_int_sequence(X, name, what="symbols")
            if against_model and hasattr(self, "emissionprob_") and arr.max() >= self.emissionprob_.shape[1]:
                raise ValueError(f"{name} contains symbol {arr.max()} but the model has "
                                 f"{self.emissionprob_.shape[1]} symbols")
            return arr
        arr = as_float_array(X, name, ndim=(1, 2), dtype=np.float64)
        arr = arr.reshape(-1, 1) if arr.ndim == 1 else arr
        if against_model and hasattr(self, "means_") and arr.shape[1] != self.means_.shape[1]:
            raise ValueError(f"{name} must have {self.means_.shape[1]} feature(s), got {arr.shape[1]}")
        return arr

    def _split(self, X, lengths):
        if lengths is None:
            return [X]
        lengths = np.asarray(lengths)
        if lengths.ndim != 1 or lengths.dtype.kind not in "iu" or (lengths <= 0).any() or lengths.sum() != len(X):
            raise ValueError(f"lengths must be positive integers summing to len(X) = {len(X)}")
        return np.split(X, np.cumsum(lengths)[:-1])

    def _log_emission(self, X) -> np.ndarray:
        """log b_k(x_t) for every t and state: shape (T, K)."""
        if self.emission == "categorical":
            return _log(self.emissionprob_.T[X])
        mu, var = self.means_, self.variances_
        diff2 = (X[:, None, :] - mu[None]) ** 2
        return -0.5 * (np.sum(diff2 / var[None] + np.log(var)[None], axis=2) + X.shape[1] * _LOG_2PI)

    # ------------------------------------------------------------------ inference
    def _forward(self, log_b):
        T, K = log_b.shape
        A = self.transmat_
        log_alpha = np.empty((T, K))
        log_alpha[0] = _log(self.startprob_) + log_b[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            for t in range(1, T):
                prev = log_alpha[t - 1]
                m = prev.max()
                if m == -np.inf:  # the sequence is impossible under the model
                    log_alpha[t:] = -np.inf
                    break
                log_alpha[t] = np.log(np.exp(prev - m) @ A) + m + log_b[t]
        return log_alpha

    def _backward(self, log_b):
        T, K = log_b.shape
        A = self.transmat_
        log_beta = np.zeros((T, K))
        with np.errstate(divide="ignore", invalid="ignore"):
            for t in range(T - 2, -1, -1):
                nxt = log_b[t + 1] + log_beta[t + 1]
                m = nxt.max()
                if m == -np.inf:
                    log_beta[: t + 1] = -np.inf
                    break
                log_beta[t] = np.log(A @ np.exp(nxt - m)) + m
        return log_beta

    def _scaled(self, log_b):
        """Forward–backward with per-step normalisation (Rabiner's scaling), for speed.

        With ``b̃_t = exp(log b_t − max log b_t)`` the recursions
        ``α̂_t ∝ (α̂_{t−1} A) ∘ b̃_t`` (normalised by c_t) and
        ``β̂_t = A (b̃_{t+1} ∘ β̂_{t+1}) / c_{t+1}`` stay in [0, 1]; the
        posteriors are ``γ_t = α̂_t ∘ β̂_t`` and ``Σ_t ξ_t = A ∘ (α̂_{:−1}ᵀ (b̃ ∘ β̂ / c)_{1:})``,
        and ``log p(x) = Σ_t (log c_t + max log b_t)``. Three vector operations
        per step instead of the seven of the shifted log recursion.

        Returns ``None`` for a sequence of probability zero.
        """
        T, K = log_b.shape
        shift = log_b.max(axis=1)
        if not np.isfinite(shift).all():
            return None
        b = np.exp(log_b - shift[:, None])
        A = self.transmat_
        alpha = np.empty((T, K))
        c = np.empty(T)
        dot, multiply = np.dot, np.multiply
        ones = np.ones(K)
        multiply(self.startprob_, b[0], out=alpha[0])
        for t in range(T):
            if t:  # in place: α̂_t = (α̂_{t−1} A) ∘ b̃_t, no temporaries
                dot(alpha[t - 1], A, out=alpha[t])
                multiply(alpha[t], b[t], out=alpha[t])
            ct = float(dot(alpha[t], ones))  # Σ_k α̂_t(k); a dot is cheaper than a reduction here
            if ct == 0.0:
                return None
            c[t] = ct
            alpha[t] /= ct
        b_over_c = b / c[:, None]
        beta = np.empty((T, K))
        beta[-1] = 1.0
        tmp = np.empty(K)
        for t in range(T - 2, -1, -1):
            multiply(b_over_c[t + 1], beta[t + 1], out=tmp)
            dot(A, tmp, out=beta[t])
        loglik = float(np.log(c).sum() + shift.sum())
        return alpha, beta, b_over_c, loglik

    def forward(self, X) -> np.ndarray:
        """Forward log-probabilities ``log α_t(i) = log p(x_1..x_t, z_t = i)``.

        Parameters
        ----------
        X : array_like of shape (T,) or (T, d)
            One observation sequence.

        Returns
        -------
        ndarray of shape (T, K)
            ``logsumexp(result[-1])`` is the sequence log-likelihood.
        """
        self._check_fitted()
        return self._forward(self._log_emission(self._check_X(X)))

    def backward(self, X) -> np.ndarray:
        """Backward log-probabilities ``log β_t(i) = log p(x_{t+1}..x_T | z_t = i)``.

        Parameters
        ----------
        X : array_like of shape (T,) or (T, d)

        Returns
        -------
        ndarray of shape (T, K)
            The last row is 0.
        """
        self._check_fitted()
        return self._backward(self._log_emission(self._check_X(X)))

    def score(self, X, lengths=None) -> float:
        """Log-likelihood ``log p(x)`` of one sequence or several concatenated ones.

        Parameters
        ----------
        X : array_like of shape (T,) or (T, d)
        lengths : array_like of int, optional
            Lengths of the concatenated sequences (sum = T).

        Returns
        -------
        float
            ``Σ_sequences logsumexp_i log α_T(i)`` (−inf for an impossible sequence).
        """
        self._check_fitted()
        X = self._check_X(X)
        total = 0.0
        for x in self._split(X, lengths):
            passes = self._scaled(self._log_emission(x))
            if passes is None:
                return -math.inf
            total += passes[-1]
        return total

    def predict_proba(self, X) -> np.ndarray:
        """Posterior state probabilities ``γ_t(i) = p(z_t = i | x)`` (forward–backward smoothing).

        Parameters
        ----------
        X : array_like of shape (T,) or (T, d)

        Returns
        -------
        ndarray of shape (T, K)
            Rows sum to 1.
        """
        self._check_fitted()
        passes = self._scaled(self._log_emission(self._check_X(X)))
        if passes is None:
            raise ValueError("X has zero probability under the model: the posterior is undefined")
        alpha, beta = passes[:2]
        gamma = alpha * beta
        return gamma / gamma.sum(axis=1, keepdims=True)  # already normalised up to rounding

    def viterbi(self, X) -> tuple[float, np.ndarray]:
        """The most probable state path and its joint log-probability.

        Parameters
        ----------
        X : array_like of shape (T,) or (T, d)

        Returns
        -------
        log_prob : float
            ``max_z log p(x, z)``.
        path : ndarray of int, shape (T,)

        Notes
        -----
        ``δ_t(j) = log b_j(x_t) + maxᵢ (δ_{t−1}(i) + log Aᵢⱼ)`` with back-pointers,
        then backtracking from ``argmax δ_T``. O(T K²).
        """
        self._check_fitted()
        log_b = self._log_emission(self._check_X(X))
        T, K = log_b.shape
        log_A = _log(self.transmat_)
        delta = _log(self.startprob_) + log_b[0]
        back = np.empty((T, K), dtype=np.intp)
        for t in range(1, T):
            scores = delta[:, None] + log_A
            back[t] = np.argmax(scores, axis=0)
            delta = scores[back[t], np.arange(K)] + log_b[t]
        path = np.empty(T, dtype=np.intp)
        path[-1] = np.argmax(delta)
        for t in range(T - 1, 0, -1):
            path[t - 1] = back[t, path[t]]
        return float(delta[path[-1]]), path

    def predict(self, X) -> np.ndarray:
        """The most probable state path (Viterbi).

        Parameters
        ----------
        X : array_like of shape (T,) or (T, d)

        Returns
        -------
        ndarray of int, shape (T,)
        """
        return self.viterbi(X)[1]

    # ------------------------------------------------------------------ learning
    def _initialise(self, X, rng):
        K = self.n_components
        startprob = self.startprob if self.startprob is not None else rng.dirichlet(np.full(K, 10.0))
        transmat = self.transmat if self.transmat is not None else rng.dirichlet(np.full(K, 10.0), size=K)
        if self.emission == "categorical":
            M = int(X.max()) + 1
            emis = self.emissionprob if self.emissionprob is not None else rng.dirichlet(np.full(M, 5.0), size=K)
            if emis.shape[1] < M:
                raise ValueError(f"X contains symbol {M - 1} but emissionprob has {emis.shape[1]} columns")
            return startprob, transmat, emis
        if self.means is not None:
            means = self.means
        else:
            if X.shape[0] < K:
                raise ValueError(f"X has {X.shape[0]} observations, fewer than n_components={K}")
            means = X[rng.choice(X.shape[0], size=K, replace=False)]
        variances = self.variances if self.variances is not None else np.tile(
            np.maximum(X.var(axis=0), self.min_variance), (K, 1))
        if means.shape[1] != X.shape[1] or variances.shape[1] != X.shape[1]:
            raise ValueError(f"means and variances must have {X.shape[1]} column(s), like X")
        return startprob, transmat, means, variances

    def _e_step(self, x):
        passes = self._scaled(self._log_emission(x))
        if passes is None:
            raise ValueError("a training sequence has zero probability under the current parameters "
                             "(a zero in startprob, transmat or emissionprob forbids it)")
        alpha, beta, b_over_c, ll = passes
        gamma = alpha * beta
        # Σ_t ξ_t(i, j) = A_ij Σ_t α̂_t(i) b̃_{t+1}(j) β̂_{t+1}(j) / c_{t+1}: one matrix product
        xi_sum = self.transmat_ * (alpha[:-1].T @ (b_over_c[1:] * beta[1:]))
        return ll, gamma, xi_sum

    def fit(self, X, lengths=None) -> HiddenMarkovModel:
        """Estimate all parameters by Baum–Welch (EM) from one or several sequences.

        Parameters
        ----------
        X : array_like of shape (T,) or (T, d)
            Observations; several sequences are concatenated.
        lengths : array_like of int, optional
            Lengths of the concatenated sequences.

        Returns
        -------
        HiddenMarkovModel
            ``self``.

        Warns
        -----
        ConvergenceWarning
            When ``max_iter`` iterations end before the improvement drops below ``tol``.

        Notes
        -----
        E-step: γ and Σ_t ξ_t by forward–backward on each sequence. M-step:
        ``π = mean of γ₁``, ``Aᵢⱼ = Σ_t ξ_t(i, j) / Σ_t Σ_j ξ_t(i, j)``;
        categorical ``b_k(m) = Σ_t γ_t(k) [x_t = m] / Σ_t γ_t(k)``; Gaussian
        means and variances are γ-weighted moments. Parameters that start at
        zero stay zero. O(max_iter · T K²).
        """
        X = self._check_X(X, against_model=False)
        seqs = self._split(X, lengths)
        rng = check_random_state(self.random_state)
        self._set(*self._initialise(X, rng))
        K = self.n_components
        history = []
        self.converged_ = False
        for it in range(1, self.max_iter + 1):
            total_ll, start, trans = 0.0, np.zeros(K), np.zeros((K, K))
            gammas = []
            for x in seqs:
                ll, gamma, xi_sum = self._e_step(x)
                total_ll += ll
                start += gamma[0]
                trans += xi_sum
                gammas.append(gamma)
            history.append(total_ll)
            gamma = np.concatenate(gammas)
            self._m_step(X, gamma, start / len(seqs), trans)
            self.n_iter_ = it
            if len(history) > 1 and history[-1] - history[-2] < self.tol:
                self.converged_ = True
                break
        history.append(self.score(X, lengths))
        self.log_likelihoods_ = history
        if not self.converged_:
            warnings.warn(f"Baum-Welch stopped at max_iter={self.max_iter} before the log-likelihood "
                          f"improvement fell below tol={self.tol}", exceptions.ConvergenceWarning, stacklevel=2)
        return self

    def _m_step(self, X, gamma, start, trans):
        self.startprob_ = start / start.sum()
        row = trans.sum(axis=1, keepdims=True)
        self.transmat_ = np.where(row > 0, trans / np.where(row > 0, row, 1.0), self.transmat_)
        weight = gamma.sum(axis=0)[:, None]  # expected visits to each state, (K, 1)
        safe = np.where(weight > 0, weight, 1.0)
        if self.emission == "categorical":
            M = self.emissionprob_.shape[1]
            counts = np.zeros((M, gamma.shape[1]))
            np.add.at(counts, X, gamma)  # counts[m, k] = Σ_t γ_t(k) [x_t = m]
            self.emissionprob_ = np.where(weight > 0, counts.T / safe, self.emissionprob_)
        else:
            means = np.where(weight > 0, gamma.T @ X / safe, self.means_)
            diff2 = (X[:, None, :] - means[None]) ** 2  # (T, K, d)
            var = np.einsum("tk,tkd->kd", gamma, diff2) / safe
            self.means_ = means
            self.variances_ = np.maximum(np.where(weight > 0, var, self.variances_), self.min_variance)

    # ------------------------------------------------------------------ simulation
    @validate_args({"n_samples": [Interval(numbers.Integral, 1, None)], "random_state": ["random_state"]})
    def sample(self, n_samples: int = 1, random_state=None):
        """Draw a state path and its observations.

        Parameters
        ----------
        n_samples : int, default=1
            Sequence length T.
        random_state : None, int or numpy.random.Generator, default=None
            Falls back to the model's ``random_state``.

        Returns
        -------
        X : ndarray of shape (T,) (symbols) or (T, d) (Gaussian)
        states : ndarray of int, shape (T,)

        Notes
        -----
        The path is drawn step by step (each state depends on the last);
        the emissions are then drawn all at once given the path.
        """
        self._check_fitted()
        rng = check_random_state(self.random_state if random_state is None else random_state)
        T = int(n_samples)
        cum_A = np.cumsum(self.transmat_, axis=1)
        cum_A[:, -1] = np.inf
        cum_pi = np.cumsum(self.startprob_)
        cum_pi[-1] = np.inf
        u = rng.random(T)
        states = np.empty(T, dtype=np.intp)
        states[0] = np.searchsorted(cum_pi, u[0], side="right")
        for t in range(1, T):
            states[t] = np.searchsorted(cum_A[states[t - 1]], u[t], side="right")
        if self.emission == "categorical":
            cum_B = np.cumsum(self.emissionprob_, axis=1)
            cum_B[:, -1] = np.inf
            X = np.sum(cum_B[states] <= rng.random(T)[:, None], axis=1)
        else:
            X = self.means_[states] + np.sqrt(self.variances_[states]) * rng.standard_normal(
                (T, self.means_.shape[1]))
        return X, states
