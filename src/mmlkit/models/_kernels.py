"""Kernel functions shared by the kernel models (SVC, KernelRidge, KernelPCA).

A kernel k(x, z) = ⟨φ(x), φ(z)⟩ is an inner product in a feature space that
is never built. The four classical kernels use scikit-learn's (and libsvm's)
parameter names:

============  ==========================================
``linear``    k(x, z) = xᵀz
``poly``      k(x, z) = (γ xᵀz + c₀)^degree
``rbf``       k(x, z) = exp(−γ ‖x − z‖²)
``sigmoid``   k(x, z) = tanh(γ xᵀz + c₀)
============  ==========================================

γ is ``gamma``: a positive float, ``"scale"`` (1 / (d · Var[X]), the
variance taken over every entry of the training matrix), ``"auto"`` or
``None`` (1 / d). c₀ is ``coef0``.

Every kernel matrix is built from one matrix product X Zᵀ (BLAS, O(n m d)) plus
O(n m) elementwise work, so building it costs little more than the product.
"""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit._pairwise import squared_distances
from mmlkit._scaling import rescale
from mmlkit._threads import map_blocks, row_blocks
from mmlkit._validation import Interval, Options, validate_params
from mmlkit.models._init import single_blas_thread

__all__ = [
    "KERNELS",
    "KERNEL_PARAMETERS",
    "kernel_block_into",
    "kernel_diagonal",
    "kernel_matrix",
    "kernel_units",
    "linear_kernel",
    "polynomial_kernel",
    "rbf_kernel",
    "resolve_gamma",
    "sigmoid_kernel",
]

#: Names accepted by :func:`kernel_matrix` (besides ``"precomputed"`` and callables).
KERNELS = ("linear", "poly", "rbf", "sigmoid")
#: Constraints on the kernel parameters shared by the kernel estimators (see ``validate_params``).
KERNEL_PARAMETERS = {
    "kernel": [Options(KERNELS + ("precomputed",)), "callable"],
    "gamma": [None, Options(("scale", "auto")), Interval(numbers.Real, 0, None, closed="neither")],
    "degree": [Interval(numbers.Real, 0, None)],
    "coef0": [Interval(numbers.Real, None, None)],
    "kernel_params": [None, dict],
}
_BLOCK_ELEMENTS = 2**17            # Gram matrix entries per in-cache block (1 MiB)
_MIN_ENTRIES_PER_THREAD = 2**20    # below this, filling a Gram matrix stays on one thread
_SINGLE_THREAD_FLOPS = 2**18       # OpenBLAS runs a product of m n k ≤ 2¹⁸ on one thread anyway


def resolve_gamma(gamma, X: np.ndarray) -> float:
    """Turn ``gamma`` into a positive float for training data ``X`` of shape (n, d).

    ``"scale"`` gives 1 / (d · Var[X]) (1 when X is constant), ``"auto"`` or
    ``None`` give 1 / d, and a positive real number is returned as a float.
    ``gamma`` has been validated against ``KERNEL_PARAMETERS["gamma"]``.
    """
    d = X.shape[1]
    if gamma is None or (isinstance(gamma, str) and gamma == "auto"):
        return 1.0 / d
    if isinstance(gamma, str):  # "scale"
        var = float(X.var())
        return 1.0 / (d * var) if var > 0 else 1.0
    return float(gamma)


def kernel_units(kernel, gamma, X: np.ndarray, ex: int, *, even: bool = False):
    """Exact power-of-two units for a kernel fit on X/2^ex: returns ``(ex, kexp, γ', γ)``.

    The named kernels are functions of γ·xᵀz or γ‖x − z‖², so γ' = γ·2^(2ex) on
    X' = X/2^ex gives the very same kernel values (kexp = 0; γ' saturates at the
    float maximum, where an rbf kernel is 0 off the diagonal as it must be). The
    linear kernel has no γ: K = 2^(2ex)·K' (kexp = 2ex). A precomputed Gram matrix
    is itself scaled, K = 2^ex·K' (kexp = ex, made even with ``even=True``).
    Callables are used as given (ex = kexp = 0). γ is the user's ``gamma``
    resolved on X; γ' is None where the kernel has no γ.
    """
    if callable(kernel) or kernel not in KERNELS + ("precomputed",):
        return 0, 0, None, resolve_gamma(gamma, X)
    if kernel in ("precomputed", "linear"):   # γ unused; reported as given
        if kernel == "precomputed" and even:
            ex += ex & 1
        with np.errstate(over="ignore"):
            g = resolve_gamma(gamma, X)
        return ex, ex if kernel == "precomputed" else 2 * ex, None, g
    if isinstance(gamma, str) and gamma == "scale":
        var = float((rescale(X, ex) if ex else X).var())
        if var > 0:
            g_scaled = 1.0 / (X.shape[1] * var)   # 1/(d·Var X) in the scaled units, then back
            with np.errstate(over="ignore", under="ignore"):
                return ex, 0, g_scaled, float(np.ldexp(g_scaled, -2 * ex))
        g = 1.0
    else:
        g = resolve_gamma(gamma, X)
    with np.errstate(over="ignore"):
        # capped where γ·2^(2ex) is beyond float64: in these units ‖x − z‖² < 4d, so γ'‖x − z‖²
        # stays finite (no overflow, in the threads that fill K either) and exp(−γ'‖x − z‖²) is 0
        g_scaled = min(float(np.ldexp(g, 2 * ex)), np.finfo(np.float64).max / (8.0 * max(X.shape[1], 1)))
    return ex, 0, g_scaled, g


def linear_kernel(X: np.ndarray, Z: np.ndarray | None = None) -> np.ndarray:
    """Linear kernel k(x, z) = xᵀz for X (n, d) and Z (m, d); returns (n, m)."""
    Z = X if Z is None else Z
    return X @ Z.T


def polynomial_kernel(X: np.ndarray, Z: np.ndarray | None = None, *, gamma: float = 1.0,
                      degree: float = 3, coef0: float = 1.0) -> np.ndarray:
    """Polynomial kernel k(x, z) = (γ xᵀz + c₀)^degree for X (n, d) and Z (m, d); returns (n, m)."""
    Z = X if Z is None else Z
    K = X @ Z.T
    K *= gamma
    K += coef0
    # Integer powers by repeated multiplication are exact and faster than pow.
    if float(degree).is_integer() and 0 <= degree <= 8:
        P = np.ones_like(K) if degree == 0 else K.copy()
        for _ in range(int(degree) - 1):
            P *= K
        return P
    return np.power(K, degree, out=K)


def rbf_kernel(X: np.ndarray, Z: np.ndarray | None = None, *, gamma: float = 1.0) -> np.ndarray:
    """Gaussian (RBF) kernel k(x, z) = exp(−γ ‖x − z‖²) for X (n, d) and Z (m, d); returns (n, m).

    ‖x − z‖² comes from one matrix product (``mmlkit._pairwise.squared_distances``).
    """
    K = squared_distances(X, Z)
    K *= -gamma
    return np.exp(K, out=K)


def sigmoid_kernel(X: np.ndarray, Z: np.ndarray | None = None, *, gamma: float = 1.0,
                   coef0: float = 1.0) -> np.ndarray:
    """Sigmoid kernel k(x, z) = tanh(γ xᵀz + c₀) for X (n, d) and Z (m, d); returns (n, m)."""
    Z = X if Z is None else Z
    K = X @ Z.T
    K *= gamma
    K += coef0
    return np.tanh(K, out=K)


def kernel_matrix(X: np.ndarray, Z: np.ndarray | None = None, *, kernel="rbf", gamma: float = 1.0,
                  degree: float = 3, coef0: float = 0.0, kernel_params: dict | None = None) -> np.ndarray:
    """The Gram matrix K[i, j] = k(xᵢ, zⱼ) for X (n, d) and Z (m, d) (Z defaults to X).

    Parameters
    ----------
    X : ndarray of shape (n, d)
    Z : ndarray of shape (m, d), optional
    kernel : {"linear", "poly", "rbf", "sigmoid", "precomputed"} or callable, default="rbf"
        ``"precomputed"`` returns X itself (already a Gram matrix); a callable
        is called as ``kernel(X, Z, **kernel_params)`` and must return (n, m).
    gamma : float, default=1.0
        Already resolved (see :func:`resolve_gamma`).
    degree : float, default=3
    coef0 : float, default=0.0
    kernel_params : dict, optional
        Extra keyword arguments for a callable kernel.

    Returns
    -------
    K : ndarray of shape (n, m)
    """
    if callable(kernel):
        K = np.asarray(kernel(X, X if Z is None else Z, **(kernel_params or {})), dtype=np.float64)
        m = X.shape[0] if Z is None else Z.shape[0]
        if K.shape != (X.shape[0], m):
            raise ValueError(f"kernel callable must return an array of shape {(X.shape[0], m)}, got {K.shape}")
        return K
    if kernel == "precomputed":
        return X
    # the estimators check ``kernel`` in fit; checked again here, since an unknown name would silently give
    # the polynomial kernel (a kernel changed by set_params after fit, say)
    validate_params({"kernel": kernel}, {"kernel": KERNEL_PARAMETERS["kernel"]})
    # One allocation: each block's product goes straight into the result and the rest is
    # done in place while the block is in cache; large matrices fill by row blocks on threads.
    # Each block's product is small (b m ≤ 2¹⁷ entries): BLAS threads would spend more
    # waiting for one another than computing, so BLAS runs on one thread here.
    Zm = X if Z is None else Z
    n, m = X.shape[0], Zm.shape[0]
    out = np.empty((n, m))
    z_sq = np.einsum("ij,ij->i", Zm, Zm) if kernel == "rbf" else None
    step = max(1, _BLOCK_ELEMENTS // max(m, 1))

    def fill(rows):
        for start in range(rows.start, rows.stop, step):
            b = slice(start, min(rows.stop, start + step))
            kernel_block_into(out[b], X[b], Zm, kernel=kernel, gamma=gamma, degree=degree, coef0=coef0, z_sq=z_sq)

    blocks = row_blocks(n, work=n * m, min_work=_MIN_ENTRIES_PER_THREAD)
    if n * m * Zm.shape[1] <= _SINGLE_THREAD_FLOPS:   # BLAS keeps a product this small on one thread itself
        map_blocks(fill, blocks)
    else:
        with single_blas_thread():
            map_blocks(fill, blocks)
    if kernel == "rbf" and Z is None:
        np.fill_diagonal(out, 1.0)  # ‖xᵢ − xᵢ‖² = 0 exactly, whatever the round-off of the expansion
    return out


def kernel_block_into(out: np.ndarray, Xb: np.ndarray, Z: np.ndarray, *, kernel="rbf", gamma: float = 1.0,
                      degree: float = 3, coef0: float = 0.0, z_sq: np.ndarray | None = None) -> np.ndarray:
    """Write k(Xb, Z) into the preallocated ``out`` (b, m) with no temporaries of that size.

    Used to fill large Gram matrices block by block: one matrix product
    straight into ``out``, then in-place elementwise work. ``z_sq`` (the
    squared row norms of Z) may be passed to avoid recomputing them per block.
    Only the named kernels (not "precomputed" or callables) are supported.
    """
    np.matmul(Xb, Z.T, out=out)
    if kernel == "linear":
        return out
    if kernel == "rbf":
        z_sq = np.einsum("ij,ij->i", Z, Z) if z_sq is None else z_sq
        out *= -2.0
        out += np.einsum("ij,ij->i", Xb, Xb)[:, None]
        out += z_sq[None, :]
        np.maximum(out, 0.0, out=out)
        out *= -gamma
        return np.exp(out, out=out)
    out *= gamma
    out += coef0
    if kernel == "sigmoid":
        return np.tanh(out, out=out)
    if float(degree).is_integer() and 1 <= degree <= 8:
        base = out.copy() if degree > 1 else None
        for _ in range(int(degree) - 1):
            out *= base
        return out
    return np.power(out, degree, out=out)


def kernel_diagonal(X: np.ndarray, *, kernel="rbf", gamma: float = 1.0, degree: float = 3,
                    coef0: float = 0.0, kernel_params: dict | None = None) -> np.ndarray:
    """The diagonal k(xᵢ, xᵢ) of the Gram matrix of X (n, d), in O(n d) (O(n² d) for callables)."""
    if callable(kernel):
        return np.array([kernel_matrix(X[i:i + 1], kernel=kernel, kernel_params=kernel_params)[0, 0]
                         for i in range(X.shape[0])])
    if kernel == "precomputed":
        return np.diag(X).copy()
    if kernel == "rbf":
        return np.ones(X.shape[0])
    sq = np.einsum("ij,ij->i", X, X)
    if kernel == "linear":
        return sq
    if kernel == "poly":
        return (gamma * sq + coef0) ** degree
    return np.tanh(gamma * sq + coef0)
