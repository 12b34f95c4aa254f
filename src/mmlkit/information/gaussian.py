"""Closed-form information measures of multivariate normal distributions.

Both work through Cholesky factors: ``log det Σ = 2 Σ log Lᵢᵢ`` and every
``Σ⁻¹ v`` is a pair of triangular solves, so no inverse is ever formed.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import cholesky, solve_triangular

from mmlkit._validation import as_float_array, check_symmetric, validate_args
from mmlkit.information.discrete import _BASE, _log_base

__all__ = ["gaussian_entropy", "gaussian_kl"]


def _cov(cov, name: str) -> np.ndarray:
    cov = as_float_array(cov, name, ndim=(0, 1, 2))
    if cov.ndim == 0:
        cov = cov.reshape(1, 1)
    elif cov.ndim == 1:  # a vector of variances: a diagonal covariance
        cov = np.diag(cov)
    check_symmetric(cov, name)
    return cov


def _cholesky(cov, name: str) -> np.ndarray:
    try:
        return cholesky(cov, lower=True)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(f"{name} must be positive definite (its Cholesky factorisation failed)") from None


@validate_args(_BASE)
def gaussian_entropy(cov, base=None) -> float:
    """Differential entropy of a multivariate normal N(μ, Σ) (independent of μ).

    Parameters
    ----------
    cov : array_like of shape (d, d), (d,) or ()
        Covariance matrix Σ (symmetric positive definite); a 1-D array is a
        diagonal of variances and a scalar a single variance.
    base : float, optional
        Logarithm base (nats when None).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``cov`` is not symmetric.
    numpy.linalg.LinAlgError
        If ``cov`` is not positive definite.

    Notes
    -----
    ``h(N(μ, Σ)) = ½ log det(2πe Σ) = ½ [d (1 + log 2π) + log det Σ]`` with
    ``log det Σ = 2 Σᵢ log Lᵢᵢ`` from the Cholesky factor Σ = L Lᵀ. O(d³/3).
    Unlike discrete entropy it can be negative.

    Examples
    --------
    >>> round(gaussian_entropy(1.0), 6)   # ½ log(2πe)
    1.418939
    """
    Sigma = _cov(cov, "cov")
    L = _cholesky(Sigma, "cov")
    d = Sigma.shape[0]
    logdet = 2.0 * np.log(np.diag(L)).sum()
    return float(0.5 * (d * (1.0 + math.log(2.0 * math.pi)) + logdet) / _log_base(base))


@validate_args(_BASE)
def gaussian_kl(mu0, cov0, mu1, cov1, base=None) -> float:
    """KL(N₀ ‖ N₁) between two multivariate normal distributions, in closed form.

    Parameters
    ----------
    mu0 : array_like of shape (d,) or ()
        Mean of N₀.
    cov0 : array_like of shape (d, d), (d,) or ()
        Covariance of N₀ (a 1-D array is a diagonal, a scalar a variance).
    mu1 : array_like of shape (d,) or ()
        Mean of N₁.
    cov1 : array_like of shape (d, d), (d,) or ()
        Covariance of N₁.
    base : float, optional
        Logarithm base (nats when None).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        On mismatched dimensions or a non-symmetric covariance.
    numpy.linalg.LinAlgError
        If a covariance is not positive definite.

    Notes
    -----
    ``KL = ½ [tr(Σ₁⁻¹Σ₀) + (μ₁ − μ₀)ᵀ Σ₁⁻¹ (μ₁ − μ₀) − d + log det Σ₁ − log det Σ₀]``.
    With Σᵢ = LᵢLᵢᵀ: ``tr(Σ₁⁻¹Σ₀) = ‖L₁⁻¹L₀‖²_F`` and the Mahalanobis term is
    ``‖L₁⁻¹(μ₁ − μ₀)‖²`` — two Cholesky factorisations and one triangular
    solve with d + 1 right-hand sides, O(d³). This is the KL term of a VAE's
    ELBO when N₁ = N(0, I).

    Examples
    --------
    >>> round(gaussian_kl(0.0, 1.0, 1.0, 1.0), 12)   # ½ (μ₁ − μ₀)²
    0.5
    """
    S0, S1 = _cov(cov0, "cov0"), _cov(cov1, "cov1")
    d = S0.shape[0]
    m0 = as_float_array(mu0, "mu0", ndim=(0, 1)).reshape(-1)
    m1 = as_float_array(mu1, "mu1", ndim=(0, 1)).reshape(-1)
    for m, nm in ((m0, "mu0"), (m1, "mu1")):
        if m.shape[0] != d:
            raise ValueError(f"{nm} must have length {d} (the covariances' dimension), got {m.shape[0]}")
    if S1.shape[0] != d:
        raise ValueError(f"cov0 and cov1 must have the same dimension, got {d} and {S1.shape[0]}")
    L0, L1 = _cholesky(S0, "cov0"), _cholesky(S1, "cov1")
    # one triangular solve: L₁⁻¹ [L₀ | μ₁ − μ₀]
    sol = solve_triangular(L1, np.column_stack([L0, m1 - m0]), lower=True)
    trace = np.sum(sol[:, :d] ** 2)
    maha = np.sum(sol[:, d] ** 2)
    logdet_ratio = 2.0 * (np.log(np.diag(L1)).sum() - np.log(np.diag(L0)).sum())
    kl = 0.5 * (trace + maha - d + logdet_ratio)
    return float(max(0.0, kl) / _log_base(base))
