"""Leading eigenpairs of a large symmetric operator, seen only through its products with blocks.

Spectral clustering needs the few largest eigenvalues of the normalised
affinity M = D^{-1/2} W D^{-1/2} of a sparse graph, whose spectrum lies in
[−1, 1]; M is never formed as a dense matrix, only multiplied with a block of
vectors. :func:`chebyshev_top` is subspace iteration accelerated by Chebyshev
polynomials, with a Rayleigh–Ritz step after each filter.
"""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit.exceptions import ConvergenceWarning

__all__ = ["chebyshev_top"]

_DROP = 1e-8   # a direction kept must have at least this relative size after orthogonalisation


def _svqb(Z):
    """Orthonormal basis of span(Z) (n, b) by SVQB: Z D U S^{-1/2}, with D scaling Z's columns to
    unit norm and U S Uᵀ the eigen-decomposition of the Gram matrix (ZD)ᵀ(ZD) (Stathopoulos and
    Wu, 2002). Directions with S below _DROP² of its largest are dropped: Z's near-dependent
    combinations, which could only add rounding noise. One pass leaves an orthogonality error of
    about eps·cond(Z)²; called twice, about eps."""
    norms = np.sqrt(np.einsum("ij,ij->j", Z, Z))
    Z = Z[:, norms > 0] / norms[norms > 0]
    s, U = np.linalg.eigh(Z.T @ Z)
    keep = s > _DROP**2 * s[-1] if s.size else s > 0
    return Z @ (U[:, keep] / np.sqrt(s[keep]))


def orthonormal_complement(Z, B):
    """An orthonormal basis of span(Z) (n, b) projected orthogonally to the orthonormal columns
    of B (n, c), by projection and SVQB, each done twice ("twice is enough": Kahan, Parlett)."""
    for _ in range(2):
        if B.shape[1]:
            Z = Z - B @ (B.T @ Z)
        Z = _svqb(Z)
    return Z


def chebyshev_top(matmat, X, r, *, lower=-1.0, constraints=None, degree=16, tol=1e-8, max_iter=500):
    """The ``r`` largest eigenpairs of a symmetric A (n, n) whose spectrum lies in [lower, ∞).

    Parameters
    ----------
    matmat : callable
        ``matmat(V)`` returns A V for a block V of shape (n, b).
    X : ndarray of shape (n, m)
        Start block, m ≥ r columns (random, say); the m − r extra columns are
        guards: the convergence rate depends on the gap between the r-th and
        the (m + 1)-th eigenvalue.
    r : int
        Number of eigenpairs wanted.
    lower : float, default=-1.0
        A lower bound of A's spectrum (−1 for a normalised affinity).
    constraints : ndarray of shape (n, c) or None, default=None
        Orthonormal columns spanning an invariant subspace of A to search
        outside of (eigenvectors already known).
    degree : int, default=16
        Degree of the Chebyshev filter between two Rayleigh–Ritz steps.
    tol : float, default=1e-8
        Stop when every wanted residual ‖A xⱼ − θⱼ xⱼ‖ is at most ``tol``.
    max_iter : int, default=500
        Filter steps before giving up with a ``ConvergenceWarning``.

    Returns
    -------
    theta : ndarray of shape (r,)
        Ritz values, largest first.
    V : ndarray of shape (n, r)
        Orthonormal Ritz vectors, in the same order.

    Notes
    -----
    Chebyshev-filtered subspace iteration (Zhou and Saad, 2007). Each step
    replaces the block X by p(A) X, with p the Chebyshev polynomial of the
    first kind of degree q mapped onto the unwanted interval [a, b]:

        p(λ) = T_q((λ − c) / e),   c = (a + b)/2,  e = (b − a)/2,

    with a = ``lower`` and b the smallest Ritz value of the block. |p| ≤ 1 on
    [a, b] while p grows like e^{q·acosh((λ − c)/e)} above b, so the
    components of X along the wanted eigenvectors gain on all the others by
    that factor, the best any polynomial of degree q can do (which is why q
    products here beat q steps of the power method, whose factor is
    (λ_r / λ_{m+1})^q). The three-term recurrence
    Y_{j+1} = (2/e)(A − c) Y_j − Y_{j−1} costs one product per degree. The
    filtered block is orthonormalised (outside the constraints) and a
    Rayleigh–Ritz step, the eigen-decomposition of the m × m matrix XᵀAX,
    rotates it onto the current Ritz vectors, whose residuals decide when to
    stop.

    Cost per step: q products of A with m vectors and O(n m²).
    """
    B = np.empty((X.shape[0], 0)) if constraints is None else constraints
    X = orthonormal_complement(X, B)
    AX = matmat(X)
    for _ in range(max_iter):
        theta, C = np.linalg.eigh(X.T @ AX)        # Rayleigh–Ritz, ascending
        theta, C = theta[::-1], C[:, ::-1]
        X, AX = X @ C, AX @ C
        R = AX - X * theta
        res = np.sqrt(np.einsum("ij,ij->j", R, R))
        if res[:r].max() <= tol:
            break
        b = max(float(theta[-1]), lower + 0.1 * (float(theta[0]) - lower))   # an empty interval would divide by 0
        c, e = (lower + b) / 2.0, (b - lower) / 2.0
        Y0, Y1 = X, (AX - c * X) / e                 # T_0 and T_1 of the mapped A, applied to X
        for _ in range(degree - 1):
            Y2 = matmat(Y1)
            Y2 -= c * Y1
            Y2 *= 2.0 / e
            Y2 -= Y0
            Y0, Y1 = Y1, Y2
        X = orthonormal_complement(Y1, B)
        AX = matmat(X)
    else:
        warnings.warn(f"the eigensolver stopped at max_iter={max_iter} with residual {res[:r].max():.2e} > "
                      f"tol={tol:g}; the eigenvectors are approximate.", ConvergenceWarning, stacklevel=2)
    return theta[:r], X[:, :r]
