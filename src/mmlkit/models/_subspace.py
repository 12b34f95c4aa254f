"""Leading eigenpairs of a large symmetric operator, seen only through its products with blocks.

Spectral clustering needs the few largest eigenvalues of the normalised
affinity M = D^{-1/2} W D^{-1/2} of a sparse graph, whose spectrum lies in
[−1, 1]; M is never formed as a dense matrix, only multiplied with a block of
vectors. :func:`chebyshev_top` is subspace iteration accelerated by Chebyshev
polynomials, with a Rayleigh–Ritz step after each filter; :func:`lanczos_ritz`
gives it a start block where one product costs as much for one vector as for
a block (a dense operator, read from memory on each product).
"""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit.exceptions import ConvergenceWarning

__all__ = ["chebyshev_top", "lanczos_ritz"]

_FIRST_DEGREE = 2   # the filter's degree doubles from 4 up to ``degree``: easy problems stop early

def orthonormal_complement(Z, B):
    """An orthonormal basis (n, b) of span(Z) projected orthogonally to the orthonormal columns of B.

    Z (n, b) must have full column rank outside span(B) (b + c ≤ n). Projection
    then Householder QR, both twice ("twice is enough": Kahan, Parlett). QR,
    unlike an orthogonalisation through the Gram matrix ZᵀZ, keeps the weak
    directions of an ill-conditioned Z, such as the guard vectors of a block
    that a polynomial filter has bent towards its leading eigenvector.
    """
    for _ in range(2):
        if B.shape[1]:
            Z = Z - B @ (B.T @ Z)
        Z = np.linalg.qr(Z)[0]
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
    q = _FIRST_DEGREE
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
        q = min(q * 2, degree)
        for _ in range(q - 1):
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


def lanczos_ritz(matvec, v0, m, *, constraints=None, steps=60, tol=1e-8):
    """The ``m`` leading Ritz vectors (n, m) of a symmetric A from a Krylov space of ``v0``.

    Parameters
    ----------
    matvec : callable
        ``matvec(v)`` returns A v for a vector v of shape (n,).
    v0 : ndarray of shape (n,)
        Start vector.
    m : int
        Number of Ritz vectors returned (the wanted ones and some guards).
    constraints : ndarray of shape (n, c) or None, default=None
        Orthonormal columns spanning an invariant subspace of A kept out of
        the Krylov space.
    steps : int, default=60
        Largest dimension of the Krylov space.
    tol : float, default=1e-8
        Stop early once the first ``m`` Ritz pairs have residuals at most ``tol``.

    Returns
    -------
    ndarray of shape (n, m)
        Orthonormal Ritz vectors, largest Ritz value first (fewer columns if
        the Krylov space is exhausted first).

    Notes
    -----
    Lanczos' three-term recurrence A qⱼ = βⱼ₋₁ qⱼ₋₁ + αⱼ qⱼ + βⱼ qⱼ₊₁ builds
    an orthonormal basis Q of span{v0, A v0, …, A^{j} v0} in which A is the
    tridiagonal T = QᵀAQ; the eigenvectors s of T give the Ritz vectors Q s,
    with residual ‖A Qs − θ Qs‖ = βⱼ |s_j|. In floating point the basis loses
    orthogonality as Ritz values converge, so each new vector is
    re-orthogonalised against all the previous ones, twice (full
    reorthogonalisation, O(n j) per step). The result is a start block for
    :func:`chebyshev_top`, which checks and, if need be, finishes the
    convergence.
    """
    n = v0.shape[0]
    B = np.empty((n, 0)) if constraints is None else constraints
    steps = max(1, min(steps, n - B.shape[1]))
    Q = np.empty((steps + 1, n))                  # the basis, one vector per row
    alpha, beta = np.zeros(steps), np.zeros(steps)
    q = orthonormal_complement(v0[:, None], B)[:, 0] if v0.any() else v0
    Q[0] = q
    j = 0
    for j in range(steps):
        w = matvec(Q[j])
        if B.shape[1]:
            w -= B @ (B.T @ w)
        for _ in range(2):                         # full reorthogonalisation, twice
            h = Q[:j + 1] @ w
            w -= h @ Q[:j + 1]
            alpha[j] += h[j]
        beta[j] = np.sqrt(w @ w)
        done = beta[j] <= tol or j + 1 == steps
        if not done and j + 1 >= m and (j + 1) % 10 == 0:
            theta, S = _tridiagonal_eigh(alpha[:j + 1], beta[:j])
            done = bool(np.all(beta[j] * np.abs(S[-1, -m:]) <= tol))
        if done:
            break
        Q[j + 1] = w / beta[j]
    theta, S = _tridiagonal_eigh(alpha[:j + 1], beta[:j])
    top = S[:, ::-1][:, :m]
    return Q[:j + 1].T @ top


def _tridiagonal_eigh(alpha, beta):
    """Eigenvalues (ascending) and eigenvectors of the symmetric tridiagonal matrix (α, β)."""
    T = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    return np.linalg.eigh(T)
