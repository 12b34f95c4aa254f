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

__all__ = ["chebyshev_top", "lanczos_bottom", "lanczos_ritz"]

_ORTHO_TOL = 1e-14   # |Bᵀq| below which a basis counts as outside span(B)
_FIRST_DEGREE = 2   # the filter's degree doubles from 4 up to ``degree``: easy problems stop early

def orthonormal_complement(Z, B):
    """An orthonormal basis (n, b) of span(Z) projected orthogonally to the orthonormal columns of B.

    Z (n, b) must have full column rank outside span(B) (b + c ≤ n). Projection
    then Householder QR, both twice ("twice is enough": Kahan, Parlett), the
    second pass skipped when the first already leaves every |Bᵀq| ≤ 1e-14
    (Householder's Q is orthonormal to working accuracy; only the projection
    can need repeating, when Z is ill-conditioned). QR,
    unlike an orthogonalisation through the Gram matrix ZᵀZ, keeps the weak
    directions of an ill-conditioned Z, such as the guard vectors of a block
    that a polynomial filter has bent towards its leading eigenvector.
    """
    for again in range(2):
        if B.shape[1]:
            Z = Z - B @ (B.T @ Z)
        Z = np.linalg.qr(Z)[0]
        if not again and (not B.shape[1] or np.abs(B.T @ Z).max() <= _ORTHO_TOL):
            break   # already orthonormal and outside span(B) to working accuracy: no second pass
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
        X = X @ C
        AX = AX @ C
        R = AX[:, :r] - X[:, :r] * theta[:r]         # only the wanted residuals decide
        res = np.sqrt(np.einsum("ij,ij->j", R, R))
        del R
        if res.max() <= tol:
            break
        b = max(float(theta[-1]), lower + 0.1 * (float(theta[0]) - lower))   # an empty interval would divide by 0
        c, e = (lower + b) / 2.0, (b - lower) / 2.0
        # T_0 and T_1 of the mapped A, applied to X; AX's buffer becomes T_1's, and no name but
        # Y0 keeps X, so the filter holds three blocks (and one product's temporaries) at a time.
        Y0, Y1 = X, AX
        Y1 -= c * X
        Y1 /= e
        X = AX = None
        q = min(q * 2, degree)
        for _ in range(q - 1):
            Y2 = matmat(Y1)
            Y2 -= c * Y1
            Y2 *= 2.0 / e
            Y2 -= Y0
            Y0, Y1 = Y1, Y2
        Y0 = Y2 = None
        X = orthonormal_complement(Y1, B)
        Y1 = None
        AX = matmat(X)
    else:
        warnings.warn(f"the eigensolver stopped at max_iter={max_iter} with residual {res.max():.2e} > "
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


def lanczos_bottom(matvec, v0, *, steps=24, margin=0.05):
    """A lower end for the spectrum of a symmetric A, estimated from ``steps`` Lanczos steps from ``v0``.

    Parameters
    ----------
    matvec : callable
        ``matvec(v)`` returns A v for a vector v of shape (n,).
    v0 : ndarray of shape (n,)
        Start vector (random, say; not modified).
    steps : int, default=24
        Lanczos steps (products with A).
    margin : float, default=0.05
        Extra room below the estimate, in A's units.

    Returns
    -------
    float
        θ_min − ρ − ``margin``: the smallest Ritz value θ_min, less its residual
        ρ = β_s |s_s| and the margin.

    Notes
    -----
    The extreme Ritz values of a Krylov space converge first (Kaniel–Paige):
    θ_min ≥ λ_min always, and after a few dozen steps it lies close to λ_min
    whenever the bottom of the spectrum is not crowded. The estimate is meant
    for :func:`chebyshev_top`'s ``lower``: the filter is bounded by 1 on
    [lower, b] and stays small slightly below it, so an estimate a little
    above λ_min only slows the unwanted end's decay, while the wanted end's
    growth is e^{q·acosh((λ − c)/e)} with the narrower half-width e. No
    reorthogonalisation: lost orthogonality repeats converged Ritz values, it
    does not move the extreme one. Cost: ``steps`` products and O(n · steps).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag(np.linspace(-0.5, 1.0, 50))
    >>> lower = lanczos_bottom(A.__matmul__, np.ones(50))
    >>> -0.56 < lower <= -0.55
    True
    """
    n = v0.shape[0]
    steps = max(1, min(steps, n))
    alpha, beta = np.zeros(steps), np.zeros(steps)
    q_prev = np.zeros(n)
    q = v0 / np.sqrt(v0 @ v0)
    j = 0
    for j in range(steps):
        w = matvec(q)
        alpha[j] = q @ w
        w -= alpha[j] * q
        if j:
            w -= beta[j - 1] * q_prev
        beta[j] = np.sqrt(w @ w)
        if beta[j] == 0.0 or j + 1 == steps:
            break
        q_prev, q = q, w / beta[j]
    theta, S = _tridiagonal_eigh(alpha[:j + 1], beta[:j])
    return float(theta[0] - beta[j] * abs(S[-1, 0]) - margin)


def _tridiagonal_eigh(alpha, beta):
    """Eigenvalues (ascending) and eigenvectors of the symmetric tridiagonal matrix (α, β)."""
    T = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    return np.linalg.eigh(T)
