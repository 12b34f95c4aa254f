"""Eigenvalues and eigenvectors: power iteration, symmetric (divide and conquer, QR, Jacobi), general (Francis QR)."""

from __future__ import annotations

import math
import warnings

import numpy as np

from mmlkit import exceptions  # its sklearn-derived names resolve on first use
from mmlkit._validation import NON_NEGATIVE, POSITIVE_INT, Options, as_float_array, check_random_state, validate_args
from mmlkit.linalg._checks import as_matrix
from mmlkit.linalg._deflation import negligible_floor, unreduced_block
from mmlkit.linalg._divide_conquer import DC_MIN, tridiagonal_eigh_dc
from mmlkit.linalg._householder import _SAFE_HIGH, _SAFE_LOW, apply_q, blocks_from_reflectors, form_q, house
from mmlkit.linalg._rotations import RotationLog
from mmlkit.linalg.vectors import _vector_norm

__all__ = ["eig", "eigh", "eigvals", "eigvalsh", "hessenberg", "power_iteration"]

_EPS = np.finfo(float).eps
_SMALL = np.finfo(float).tiny / _EPS  # below this, entries are treated as zero (they would underflow)


def _lower_to_upper(A: np.ndarray, block: int = 64, name: str | None = None, rtol: float = 1e-10,
                    atol: float = 1e-12) -> np.ndarray:
    """Overwrite the strict upper triangle of ``A`` with the lower one's transpose; returns ``A``.

    Block by block, so each entry is read and written once (``tril(A) + tril(A, −1)ᵀ``
    would build three n × n arrays). With ``name``, each block is first checked against
    its mirror, as ``check_symmetric`` does (``‖A − Aᵀ‖_max ≤ rtol·‖A‖_max + atol``), in
    the same pass.
    """
    n = A.shape[0]
    if name is not None:
        scale = max(float(A.max()), -float(A.min()))
        limit = rtol * scale + atol * max(scale, 1.0)
    upper = _upper_mask(min(block, n))
    for i in range(0, n, block):
        j = min(i + block, n)
        Dg = A[i:j, i:j]
        if name is not None:
            worst = float((Dg - Dg.T).max())  # antisymmetric: its max is its −min
        if j < n:
            U = A[i:j, j:]
            Lt = np.ascontiguousarray(A[j:, i:j].T)  # the one read across the grain
            if name is not None:
                D = U - Lt
                worst = max(worst, float(D.max()), -float(D.min()))
            U[...] = Lt
        if name is not None and worst > limit:
            raise ValueError(f"{name} must be symmetric (A == A.T within rtol={rtol:g})")
        np.copyto(Dg, Dg.T, where=upper[:j - i, :j - i])  # Dg.T's read entries are below the diagonal
    return A


_UPPER = {}


def _upper_mask(b: int) -> np.ndarray:
    """The strict upper triangle of a b × b block, as a boolean mask (cached)."""
    mask = _UPPER.get(b)
    if mask is None:
        mask = _UPPER[b] = np.triu(np.ones((b, b), dtype=bool), 1)
    return mask


def _scaled(A: np.ndarray) -> tuple[np.ndarray, float]:
    """``A / max|aᵢⱼ|`` (in place) and the factor: the iterations square entries, so keep them near 1."""
    amax = float(np.abs(A).max())
    if amax > 0 and amax != 1.0:
        A /= amax
        return A, amax
    return A, 1.0


# --------------------------------------------------------------------------- power iteration
@validate_args({"max_iter": [POSITIVE_INT], "tol": [NON_NEGATIVE], "random_state": ["random_state"]})
def power_iteration(A, max_iter: int = 1000, tol: float = 1e-10, x0=None, random_state=None):
    """Dominant eigenpair of a square matrix by power iteration.

    Parameters
    ----------
    A : array_like, shape (n, n)
    max_iter : int, default=1000
        Maximum number of matrix–vector products.
    tol : float, default=1e-10
        Stop when the residual ``‖A x − λ x‖ ≤ tol · ‖A‖_F``.
    x0 : array_like, shape (n,), optional
        Starting vector (random normal when None).
    random_state : int, Generator or None, default=None
        Seeds the random starting vector.

    Returns
    -------
    eigenvalue : float
        The eigenvalue of largest magnitude (assumed real and unique in modulus).
    eigenvector : ndarray, shape (n,)
        Unit-norm eigenvector, sign chosen so its largest-magnitude entry is positive.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` is reached before ``tol`` (e.g. |λ₁| = |λ₂|).

    Notes
    -----
    ``x_{k+1} = A x_k / ‖A x_k‖``; the Rayleigh quotient ``λ = xᵀ A x`` converges to λ₁
    with error shrinking like ``|λ₂/λ₁|^k`` (``|λ₂/λ₁|^{2k}`` for symmetric A).
    Cost 2n² flops per iteration.

    Examples
    --------
    >>> lam, v = power_iteration([[2.0, 0.0], [0.0, 1.0]], random_state=0)
    >>> round(lam, 8)
    2.0
    """
    A = as_matrix(A, "A", square=True)
    n = A.shape[0]
    if x0 is None:
        x = check_random_state(random_state).standard_normal(n)
    else:
        x = as_float_array(x0, "x0", ndim=1, dtype=np.float64, copy=True)
        if x.shape != (n,):
            raise ValueError(f"x0 must have shape ({n},), got {x.shape}")
    nx = _vector_norm(x, 2)
    if nx == 0:
        raise ValueError("x0 must not be the zero vector")
    x /= nx
    scale = max(np.sqrt(np.sum(A * A)), np.finfo(float).tiny)
    lam = 0.0
    for _ in range(max_iter):
        y = A @ x
        lam = float(x @ y)
        if _vector_norm(y - lam * x, 2) <= tol * scale:
            break
        ny = _vector_norm(y, 2)
        if ny == 0:  # x is in the null space: eigenvalue 0
            break
        x = y / ny
    else:
        warnings.warn(f"power_iteration did not reach tol={tol:g} in max_iter={max_iter} iterations",
                      exceptions.ConvergenceWarning, stacklevel=2)
    if x[np.argmax(np.abs(x))] < 0:
        x = -x
    return lam, x


# --------------------------------------------------------------------------- symmetric: Jacobi
def _round_robin(n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """n−1 rounds (n even) of n/2 disjoint pairs covering every pair once (a tournament schedule)."""
    players = np.arange(n)
    rounds = []
    for _ in range(n - 1):
        p, q = players[: n // 2], players[n // 2:][::-1]
        rounds.append((np.minimum(p, q), np.maximum(p, q)))
        players = np.r_[players[0], players[-1], players[1:-1]]
    return rounds


def _jacobi_eigh(A: np.ndarray, max_sweeps: int = 60):
    n = A.shape[0]
    V = np.eye(n)
    if n == 1:
        return A.diagonal().copy(), V
    m = n + (n % 2)  # pad to an even count; pairs with the dummy index are dropped
    rounds = [(p[q < n], q[q < n]) for p, q in _round_robin(m)]
    scale = np.sqrt(np.sum(A * A))
    for _ in range(max_sweeps):
        off = np.sqrt(np.sum((A - np.diag(A.diagonal())) ** 2))
        if off <= _EPS * scale or scale == 0:
            return A.diagonal().copy(), V
        for p, q in rounds:
            apq = A[p, q]
            big = np.abs(apq) > _EPS * 1e-3 * scale
            if not big.any():
                continue
            p, q, apq = p[big], q[big], apq[big]
            # the rotation that zeroes a_pq (Golub & Van Loan, sym.schur2)
            tau = (A[q, q] - A[p, p]) / (2.0 * apq)
            t = np.where(tau >= 0, 1.0, -1.0) / (np.abs(tau) + np.sqrt(1.0 + tau * tau))
            c = 1.0 / np.sqrt(1.0 + t * t)
            s = t * c
            # A ← Jᵀ A J for all disjoint pairs at once: rows, then columns; V ← V J
            Ap, Aq = A[p], A[q]
            A[p], A[q] = c[:, None] * Ap - s[:, None] * Aq, s[:, None] * Ap + c[:, None] * Aq
            for M in (A, V):
                Mp, Mq = M[:, p], M[:, q]
                M[:, p], M[:, q] = Mp * c - Mq * s, Mp * s + Mq * c
            A[p, q] = A[q, p] = 0.0
    raise np.linalg.LinAlgError(f"Jacobi eigenvalue iteration did not converge in {max_sweeps} sweeps")


# --------------------------------------------------------------------------- symmetric: tridiagonal QR
def _tridiagonalize(A: np.ndarray, nb: int = 32, compute_q: bool = True):
    """Householder reduction ``Qᵀ A Q = T`` of symmetric ``A`` (overwritten); returns d, e, Q."""
    d, e, blocks = _tridiagonal_reflectors(A, nb)
    if not compute_q:
        return d, e, None
    n = A.shape[0]
    return d, e, form_q(blocks, n, n)


def _tridiagonal_reflectors(A: np.ndarray, nb: int = 32, nb_apply: int = 32):
    """Householder reduction ``Qᵀ A Q = T`` of symmetric ``A`` (overwritten); returns d, e and Q's WY blocks.

    Blocked as LAPACK's ``dsytrd``/``dlatrd``: within a panel of ``nb`` columns
    the two-sided updates ``A ← A − v wᵀ − w vᵀ`` are kept aside in ``V, W``
    and applied lazily to the one column and one matrix–vector product each
    step needs; the trailing matrix then takes all of them in one rank-2nb
    matrix product. Half the 4n³/3 flops stay matrix–vector products.
    """
    n = A.shape[0]
    V = np.zeros((n, max(n - 2, 0)))
    taus = np.zeros(max(n - 2, 0))
    d, e = np.zeros(n), np.zeros(max(n - 1, 0))
    # BLAS-1 kernels called directly on the contiguous rows: a fraction of a ufunc call's fixed price
    # (imported here: scipy.linalg would more than double the import time of mmlkit.linalg)
    from scipy.linalg import blas

    matmul, ddot, dscal, daxpy = np.matmul, blas.ddot, blas.dscal, blas.daxpy
    for k0 in range(0, n - 2, nb):
        k1 = min(k0 + nb, n - 2)
        # the panel's v and w as rows (contiguous): v_j in row 2j of Pt and w_j in 2j+1, and Qt the
        # same with each pair exchanged, so that V Wᵀ x + W Vᵀ x = Ptᵀ (Qt x): one product per lazy update
        Pt = np.zeros((2 * (k1 - k0), n - k0))
        Qt = np.zeros_like(Pt)
        for k in range(k0, k1):
            r, j2 = k - k0, 2 * (k - k0)
            # column k with the panel's updates, read as row k (A is symmetric; row k is not read again)
            col = A[k, k:]
            if j2:
                daxpy(matmul(Qt[:j2, r], Pt[:j2, r:]), col, a=-1.0)
            d[k] = col[0]
            x = col[1:]
            v = Pt[j2, r + 1:]  # the reflector is formed in place (also V's column k, copied once per panel)
            alpha, tail = float(x[0]), x[1:]
            sigma = ddot(tail, tail)
            if _SAFE_LOW < sigma < _SAFE_HIGH and abs(alpha) < 1e145:  # house's common case, inline
                beta = -math.copysign(math.sqrt(alpha * alpha + sigma), alpha)
                v[1:] = tail
                dscal(1.0 / (alpha - beta), v[1:])  # in place (as dlarfg, by the reciprocal)
                v[0] = 1.0
                tau = (beta - alpha) / beta
            else:
                v[:], tau, beta = house(x)
            e[k] = beta
            taus[k] = tau
            if tau != 0.0:
                p = Pt[j2 + 1, r + 1:]
                matmul(A[k + 1:, k + 1:], v, out=p)
                if j2:
                    daxpy(matmul(matmul(Qt[:j2, r + 1:], v), Pt[:j2, r + 1:]), p, a=-1.0)
                dscal(tau, p)  # in place, as the daxpy below
                daxpy(v, p, a=-0.5 * tau * ddot(p, v))
                Qt[j2, r + 1:] = p
                Qt[j2 + 1, r + 1:] = v
        V[k0 + 1:, k0:k1] = Pt[0::2, 1:].T
        # trailing update with the whole panel: A ← A − V Wᵀ − W Vᵀ, one matrix product
        r1 = k1 - k0
        A[k1:, k1:] -= matmul(Pt[:, r1:].T, Qt[:, r1:])
    if n >= 2:
        d[n - 2], d[n - 1], e[n - 2] = A[n - 2, n - 2], A[n - 1, n - 1], A[n - 1, n - 2]
    else:
        d[0] = A[0, 0]
    return d, e, blocks_from_reflectors(V, taus, offset=1, nb=nb_apply) if n > 2 else []


def _tridiagonal_qr(d: np.ndarray, e: np.ndarray, Qt: np.ndarray | None, max_sweeps_per_value: int = 30):
    """Implicit Wilkinson-shift QR on the tridiagonal (d, e); rotations applied to the rows of ``Qt``."""
    n = len(d)
    d, e = d.tolist(), e.tolist()  # Python floats: the scalar chase is much faster on lists
    log = RotationLog(n) if Qt is not None else None
    hypot = math.hypot
    sweeps, limit = 0, max_sweeps_per_value * max(n, 1)
    # an off-diagonal entry is negligible next to its neighbours, or next to ‖T‖ (normwise backward
    # stable; it also keeps the chase away from subnormal numbers, where rotations lose orthogonality)
    floor = negligible_floor(d, e)
    p = n - 1
    while p > 0:
        l = unreduced_block(d, e, p, floor)
        if l == p:  # a negligible e[p-1] splits off d[p]
            p -= 1
            continue
        sweeps += 1
        if sweeps > limit:
            raise np.linalg.LinAlgError("Eigenvalues did not converge (tridiagonal QR)")
        # Wilkinson shift: the eigenvalue of the trailing 2×2 block nearer d[p]
        delta = 0.5 * (d[p - 1] - d[p])
        b = e[p - 1]
        mu = d[p] - b * (b / (delta + math.copysign(hypot(delta, b), delta)))  # b·(b/…): no underflow
        # chase the bulge down the block: R T Rᵀ with R = [[c, s], [-s, c]] in plane (k, k+1).
        # dk, ek hold the current d[k], e[k] (the list entries are written once, when final).
        dk, ek = d[l], e[l]
        x, z = dk - mu, ek
        cs, ss = [], []
        add_c, add_s = cs.append, ss.append
        for k in range(l, p):
            r = hypot(x, z)
            if r == 0.0:
                c, s = 1.0, 0.0
            else:
                c, s = x / r, z / r
            if k > l:
                e[k - 1] = r
            dk1 = d[k + 1]
            # R T Rᵀ on the 2×2 block [[dk, ek], [ek, dk1]]
            cos2, sin2, cos_sin = c * c, s * s, c * s
            cross = 2.0 * cos_sin * ek
            d[k] = cos2 * dk + cross + sin2 * dk1
            x = cos_sin * (dk1 - dk) + (cos2 - sin2) * ek  # the new e[k]
            dk = sin2 * dk - cross + cos2 * dk1            # the new d[k+1]
            if k + 1 < p:
                enext = e[k + 1]
                z = s * enext  # the bulge at (k, k+2)
                ek = c * enext
            else:
                e[k] = x
            add_c(c)
            add_s(s)
        d[p] = dk
        if log is not None:
            log.add_sweep(l, cs, ss)
    if log is not None:
        log.flush(Qt)
    return np.array(d)


def _eigh_qr(A: np.ndarray, compute_v: bool = True):
    d, e, Q = _tridiagonalize(A, compute_q=compute_v)
    Qt = np.ascontiguousarray(Q.T) if compute_v else None
    w = _tridiagonal_qr(d, e, Qt)
    order = np.argsort(w, kind="stable")
    return w[order], (Qt[order].T if compute_v else None)


def _eigh_dc(A: np.ndarray):
    if A.shape[0] < DC_MIN:
        return _eigh_qr(A)
    d, e, blocks = _tridiagonal_reflectors(A, nb_apply=64)
    w, Z = tridiagonal_eigh_dc(d, e)
    return w, apply_q(blocks, Z)


@validate_args({"method": [Options(("dc", "qr", "jacobi"))]})
def eigh(A, method: str = "dc"):
    """Eigenvalues and eigenvectors of a symmetric matrix, as ``numpy.linalg.eigh``.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Symmetric (checked to rtol 1e-10); the lower triangle is used.
    method : {"dc", "qr", "jacobi"}, default="dc"
        ``"dc"``: Householder tridiagonalisation, Cuppen's divide and conquer
        on the tridiagonal matrix, and the reflectors applied to its
        eigenvectors (what LAPACK's ``dsyevd`` does); the fast default
        (below n = 48 it runs "qr", which is faster there, as LAPACK does).
        ``"qr"``: the same reduction, then the implicit Wilkinson-shift QR
        algorithm on the tridiagonal matrix (LAPACK's ``dsteqr``), the
        textbook method. ``"jacobi"``: cyclic Jacobi
        rotations in parallel (round-robin) order; slower (several full
        sweeps over A), but the simplest to follow, and it works on A itself
        with no reduction step.

    Returns
    -------
    w : ndarray, shape (n,)
        Eigenvalues in ascending order.
    V : ndarray, shape (n, n)
        Orthonormal eigenvectors, ``V[:, i]`` for ``w[i]``: ``A V = V diag(w)``.

    Raises
    ------
    numpy.linalg.LinAlgError
        If the iteration does not converge.

    Notes
    -----
    Spectral theorem: ``A = V Λ Vᵀ`` with ``V`` orthogonal and ``Λ`` real.

    Reduction (both "dc" and "qr"): ``Qᵀ A Q = T`` by n − 2 Householder
    reflections (4n³/3 flops, blocked as LAPACK's ``dsytrd``: within a panel
    the updates are kept aside as ``V, W`` and the trailing matrix takes the
    symmetric rank-2b update ``A ← A − V Wᵀ − W Vᵀ``; half matrix–vector,
    half matrix–matrix products).

    Divide and conquer ("dc", Cuppen): tearing ``T = diag(T₁, T₂) + ρ v vᵀ``
    at every off-diagonal entry, the tree of halves is climbed bottom-up, a
    whole level of merges at a time (an order that is not a power of two is
    split into power-of-two pieces, merged once each at the end). A merge is
    the eigenproblem of ``D + ρ z zᵀ``
    (``D`` the halves' eigenvalues, ``z`` the last/first rows of their
    eigenvectors): entries with negligible ``zᵢ`` and pairs of too-close
    ``dᵢ`` deflate (a Givens rotation zeroes one ``z`` entry of the pair); the
    other eigenvalues are the roots of the secular equation
    ``1/ρ + Σⱼ zⱼ²/(dⱼ − λ) = 0``, found to full accuracy by rational
    interpolation (Gragg's cubically convergent model inside a gap, Li's middle
    way beyond the last pole), all roots of a level in one array operation per
    step; the vectors ``(D − λI)⁻¹ ẑ`` use Gu–Eisenstat's recomputed ``ẑ``
    (so they are orthogonal to working precision) and reach the halves'
    eigenvectors in one matrix product per half (about 4n³/3 flops in all, less
    with deflation). The eigenvectors of ``A`` are ``Q Z``, with the
    reflectors applied to ``Z`` in compact WY blocks, ``Z ← Z − V (T (Vᵀ Z))``
    (2n³ flops, BLAS-3).

    QR ("qr"): ``Q`` formed in compact WY blocks (4n³/3, BLAS-3). Each QR sweep on ``T``
    applies ``T − μI = QR, T ← RQ + μI`` implicitly by chasing a bulge with
    Givens rotations; the Wilkinson shift ``μ`` (eigenvalue of the trailing
    2 × 2 nearer the corner) gives cubic convergence, about two sweeps per
    eigenvalue, O(n²) scalar work in all. The rotations (about n² of them, 6n
    flops each: 6n³) are applied to the vectors in wavefronts, many sweeps at
    once as batched array operations.
    Jacobi: each rotation zeroes one ``a_pq`` (``tan 2θ = 2a_pq/(a_qq − a_pp)``);
    n/2 disjoint rotations are applied at once, a sweep is n − 1 such steps
    (about 8n³ flops), and the off-diagonal mass falls quadratically: 6–10 sweeps.

    Examples
    --------
    >>> w, V = eigh([[2.0, 1.0], [1.0, 2.0]])
    >>> w
    array([1., 3.])
    """
    A = as_matrix(A, "A", square=True)
    A = _lower_to_upper(A, name="A")  # checked, then exactly symmetric from the lower triangle (our copy)
    A, amax = _scaled(A)
    if method == "jacobi":
        w, V = _jacobi_eigh(A)
        order = np.argsort(w, kind="stable")
        return amax * w[order], V[:, order]
    w, V = _eigh_qr(A) if method == "qr" else _eigh_dc(A)
    return amax * w, V


def eigvalsh(A) -> np.ndarray:
    """Eigenvalues of a symmetric matrix in ascending order, as ``numpy.linalg.eigvalsh``.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Symmetric.

    Returns
    -------
    w : ndarray, shape (n,)

    Notes
    -----
    Tridiagonalisation plus implicit QR without accumulating vectors:
    4n³/3 + O(n²) flops. See :func:`eigh`.

    Examples
    --------
    >>> eigvalsh([[2.0, 1.0], [1.0, 2.0]])
    array([1., 3.])
    """
    A = as_matrix(A, "A", square=True)
    A, amax = _scaled(_lower_to_upper(A, name="A"))
    return amax * _eigh_qr(A, compute_v=False)[0]


# --------------------------------------------------------------------------- general: Hessenberg + Francis
def _hessenberg_inplace(H: np.ndarray):
    """Householder reduction ``Qᵀ A Q = H`` (upper Hessenberg), in place; returns Q."""
    n = H.shape[0]
    V = np.zeros((n, max(n - 2, 0)))
    taus = np.zeros(max(n - 2, 0))
    for k in range(n - 2):
        v, tau, beta = house(H[k + 1:, k])
        if tau != 0.0:
            H[k + 1:, k:] -= np.outer(tau * v, v @ H[k + 1:, k:])
            H[:, k + 1:] -= np.outer(H[:, k + 1:] @ v, tau * v)
        H[k + 2:, k] = 0.0
        V[k + 1:, k] = v
        taus[k] = tau
    return form_q(blocks_from_reflectors(V, taus, offset=1), n, n) if n > 2 else np.eye(n)


def hessenberg(A, calc_q: bool = False):
    """Upper Hessenberg form ``A = Q H Qᵀ``, as ``scipy.linalg.hessenberg``.

    Parameters
    ----------
    A : array_like, shape (n, n)
    calc_q : bool, default=False
        Also return the orthogonal ``Q``.

    Returns
    -------
    H : ndarray, shape (n, n)
        Zero below the first subdiagonal.
    Q : ndarray, shape (n, n)
        Only when ``calc_q``.

    Notes
    -----
    n − 2 Householder reflections, each applied from both sides:
    ``H ← P H P`` with ``P = I − τ v vᵀ`` zeroing column k below row k+1.
    Cost 10n³/3 flops (plus 4n³/3 for Q, in compact WY blocks).

    Examples
    --------
    >>> H = hessenberg(np.arange(16.0).reshape(4, 4))
    >>> bool(np.allclose(np.tril(H, -2), 0))
    True
    """
    H = as_matrix(A, "A", square=True)
    Q = _hessenberg_inplace(H)
    return (H, Q) if calc_q else H


def _francis_schur(H: np.ndarray, Z: np.ndarray, max_iter_per_value: int = 40) -> None:
    """Real Schur form by Francis double-shift QR: ``H`` (Hessenberg) → T, ``Z ← Z Q``; in place.

    On return ``H`` is quasi upper triangular: 1 × 1 blocks for real eigenvalues
    and 2 × 2 blocks for complex-conjugate pairs (every 2 × 2 block with real
    eigenvalues is split by a rotation).
    """
    n = H.shape[0]
    p = n - 1
    its, total = 0, 0
    floor = max(_EPS * float(np.abs(H).max()), _SMALL)  # normwise negligible
    while p >= 0:
        # find the start l of the unreduced block ending at p
        l = p
        while l > 0:
            s = abs(H[l - 1, l - 1]) + abs(H[l, l])
            if s == 0.0:
                s = np.abs(H[: p + 1, : p + 1]).sum() / n
            if abs(H[l, l - 1]) <= max(_EPS * s, floor):
                H[l, l - 1] = 0.0
                break
            l -= 1
        if l == p:  # a 1×1 block has converged
            p -= 1
            its = 0
            continue
        if l == p - 1:  # a 2×2 block: split it if its eigenvalues are real
            _standardize_2x2(H, Z, p - 1)
            p -= 2
            its = 0
            continue
        its += 1
        total += 1
        if total > max_iter_per_value * n:
            raise np.linalg.LinAlgError("Eigenvalues did not converge (Francis QR)")
        # the double shift: the eigenvalues of the trailing 2×2, via trace s and determinant t
        if its % 11 == 10:  # exceptional shift, to break a rare cycle
            w = abs(H[p, p - 1]) + abs(H[p - 1, p - 2])
            s, t = 1.5 * w + H[p, p], w * w
        else:
            s = H[p - 1, p - 1] + H[p, p]
            t = H[p - 1, p - 1] * H[p, p] - H[p - 1, p] * H[p, p - 1]
        # first column of (H − σ₁I)(H − σ₂I) = H² − sH + tI: only 3 non-zeros. Only its
        # direction matters, so compute it in units of the corner's size (no underflow).
        sc = max(abs(H[l, l]), abs(H[l, l + 1]), abs(H[l + 1, l]), abs(H[l + 1, l + 1]),
                 abs(H[l + 2, l + 1]), abs(s), math.sqrt(abs(t)))
        h11, h12, h21, h22, h32 = (H[l, l] / sc, H[l, l + 1] / sc, H[l + 1, l] / sc,
                                   H[l + 1, l + 1] / sc, H[l + 2, l + 1] / sc)
        s, t = s / sc, t / sc / sc
        x = h11 * h11 + h12 * h21 - s * h11 + t
        y = h21 * (h11 + h22 - s)
        z = h21 * h32
        for k in range(l, p - 1):
            v, tau = _small_house(x, y, z)
            r = max(l, k - 1)
            rows = slice(k, k + 3)
            tv = tau * v
            H[rows, r:] -= tv[:, None] * (v @ H[rows, r:])
            top = min(k + 4, p + 1)
            H[:top, rows] -= (H[:top, rows] @ v)[:, None] * tv
            Z[:, rows] -= (Z[:, rows] @ v)[:, None] * tv
            x = H[k + 1, k]
            y = H[k + 2, k]
            if k < p - 2:
                z = H[k + 3, k]
        v, tau = _small_house(x, y)
        rows = slice(p - 1, p + 1)
        tv = tau * v
        H[rows, p - 2:] -= tv[:, None] * (v @ H[rows, p - 2:])
        H[: p + 1, rows] -= (H[: p + 1, rows] @ v)[:, None] * tv
        Z[:, rows] -= (Z[:, rows] @ v)[:, None] * tv
        # clean the entries the chase leaves at rounding level below the subdiagonal
        for k in range(l + 2, p + 1):
            H[k, l:k - 1] = 0.0


def _small_house(*x: float) -> tuple[np.ndarray, float]:
    """``house`` for a 2- or 3-vector given as Python floats (the Francis bulge), without array overhead."""
    xmax = max(abs(xi) for xi in x)
    if xmax == 0.0 or all(xi == 0.0 for xi in x[1:]):
        return np.array([1.0] + [0.0] * (len(x) - 1)), 0.0
    a, *rest = (xi / xmax for xi in x)
    beta = -math.copysign(math.sqrt(a * a + sum(t * t for t in rest)), a)
    scale = 1.0 / (a - beta)
    return np.array([1.0] + [t * scale for t in rest]), (beta - a) / beta


def _standardize_2x2(H: np.ndarray, Z: np.ndarray, k: int) -> None:
    """Split the 2×2 block at (k, k) by a rotation when its eigenvalues are real."""
    a, b, c, d = H[k, k], H[k, k + 1], H[k + 1, k], H[k + 1, k + 1]
    half = 0.5 * (a - d)
    disc = half * half + b * c
    if disc < 0 or c == 0.0:
        return
    # an eigenvalue λ of the block with eigenvector (λ − d, c) (or (b, λ − a)); rotate it onto e₁
    lam = d + half + math.copysign(math.sqrt(disc), half) if half != 0 else d + math.sqrt(disc)
    x, y = (lam - d, c) if abs(lam - d) + abs(c) >= abs(b) + abs(lam - a) else (b, lam - a)
    r = math.hypot(x, y)
    if r == 0.0:
        return
    cs, sn = x / r, y / r
    G = np.array([[cs, -sn], [sn, cs]])  # columns: the eigenvector, its orthogonal complement
    H[k:k + 2, :] = G.T @ H[k:k + 2, :]
    H[:, k:k + 2] = H[:, k:k + 2] @ G
    Z[:, k:k + 2] = Z[:, k:k + 2] @ G
    H[k + 1, k] = 0.0


def _schur_eigenvalues(T: np.ndarray) -> np.ndarray:
    w = T.diagonal().astype(complex)
    sub = np.flatnonzero(T.diagonal(-1) != 0)  # a 2×2 block starts at each non-zero subdiagonal
    for k in sub:
        a, b, c, d = T[k, k], T[k, k + 1], T[k + 1, k], T[k + 1, k + 1]
        disc = 0.25 * (a - d) ** 2 + b * c  # < 0 for the complex pair of a 2×2 block
        im = math.sqrt(max(-disc, 0.0))
        re = 0.5 * (a + d)
        w[k], w[k + 1] = complex(re, im), complex(re, -im)
    return w


def _solve_2x2(a11, a12, a21, a22, r1, r2, smin):
    """Solve many 2×2 systems [[a11, a12], [a21, a22]] x = r at once (arrays), by Gaussian
    elimination with partial pivoting; pivots below ``smin`` are replaced by ``smin`` (LAPACK ``dlaln2``)."""
    swap = np.abs(a21) > np.abs(a11)
    p1, p2, q1, q2 = (np.where(swap, a21, a11), np.where(swap, a22, a12),
                      np.where(swap, a11, a21), np.where(swap, a12, a22))
    s1, s2 = np.where(swap, r2, r1), np.where(swap, r1, r2)
    p1 = np.where(np.abs(p1) < smin, smin, p1)
    l = q1 / p1
    u22 = q2 - l * p2
    u22 = np.where(np.abs(u22) < smin, smin, u22)
    x2 = (s2 - l * s1) / u22
    x1 = (s1 - p2 * x2) / p1
    return x1, x2


def _schur_eigenvectors(T: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Eigenvectors of the quasi-triangular ``T``: back substitution for all of them at once.

    Column j solves ``(T − w_j I) x = 0`` with ``x`` zero below its own block;
    rows are processed bottom-up, each row (or 2×2 block of rows) for every
    eigenvector in one vectorised step. Near-zero pivots (repeated eigenvalues)
    are replaced by ``ε‖T‖``, as LAPACK's ``dtrevc`` does.
    """
    n = T.shape[0]
    X = np.zeros((n, n), dtype=complex)
    block_start = np.zeros(n, dtype=bool)
    sub = T.diagonal(-1) != 0
    i = 0
    starts = []
    while i < n:
        starts.append(i)
        block_start[i] = True
        i += 2 if i < n - 1 and sub[i] else 1
    smin = max(_EPS * np.abs(T).max(), np.finfo(float).tiny)
    # the eigenvector's own block
    for b in starts:
        if b + 1 < n and sub[b]:
            a, bb = T[b, b], T[b, b + 1]
            for j in (b, b + 1):
                # (T_bb − λ) x_b + T_b,b+1 x_{b+1} = 0  →  x = (T_b,b+1, λ − T_bb)
                X[b, j], X[b + 1, j] = bb, w[j] - a
        else:
            X[b, b] = 1.0
    # back substitution, block row by block row, upward
    for b in reversed(starts):
        size = 2 if (b + 1 < n and sub[b]) else 1
        hi = b + size
        cols = np.arange(hi, n)  # eigenvectors whose block lies below this one
        if cols.size == 0:
            continue
        rhs = -(T[b:hi, hi:] @ X[hi:, cols])  # (size, ncols)
        lam = w[cols]
        if size == 1:
            den = T[b, b] - lam
            den = np.where(np.abs(den) < smin, smin, den)
            X[b, cols] = rhs[0] / den
        else:
            X[b, cols], X[b + 1, cols] = _solve_2x2(
                T[b, b] - lam, T[b, b + 1] + 0 * lam, T[b + 1, b] + 0 * lam, T[b + 1, b + 1] - lam,
                rhs[0], rhs[1], smin)
        # rescale columns that grew large, to avoid overflow in later rows
        big = np.abs(X[:, cols]).max(axis=0)
        grow = big > 1e100
        if grow.any():
            X[:, cols[grow]] /= big[grow]
    return X


def _eig(A: np.ndarray, compute_v: bool):
    H = A
    Z = _hessenberg_inplace(H)
    _francis_schur(H, Z)
    w = _schur_eigenvalues(H)
    real = bool(np.all(w.imag == 0))
    if not compute_v:
        return (w.real.copy() if real else w), None
    X = _schur_eigenvectors(H, w)
    V = Z @ X
    V /= np.sqrt(np.sum(np.abs(V) ** 2, axis=0))
    if real:
        return w.real.copy(), V.real.copy()
    # conjugate pairs get exactly conjugate vectors
    for k in np.flatnonzero(w.imag > 0):
        V[:, k + 1] = V[:, k].conj()
    return w, V


def eig(A):
    """Eigenvalues and right eigenvectors of a general real matrix, as ``numpy.linalg.eig``.

    Parameters
    ----------
    A : array_like, shape (n, n)

    Returns
    -------
    w : ndarray, shape (n,)
        Eigenvalues, not sorted; real dtype when all are real, else complex
        with conjugate pairs adjacent (positive imaginary part first).
    V : ndarray, shape (n, n)
        Unit-norm eigenvectors, ``A V = V diag(w)``; complex when ``w`` is.

    Raises
    ------
    numpy.linalg.LinAlgError
        If the QR iteration does not converge.

    Notes
    -----
    1. Hessenberg reduction ``Qᵀ A Q = H`` (Householder, 10n³/3 flops).
    2. Francis double-shift QR: with shifts σ, σ̄ the eigenvalues of the
       trailing 2 × 2 block, one implicit step applies
       ``(H − σI)(H − σ̄I) = QR, H ← QᵀHQ`` in real arithmetic by chasing a
       3 × 3 bulge with Householder reflectors, deflating when a subdiagonal
       entry becomes negligible. The result is the real Schur form
       ``A = Z T Zᵀ`` (about 25n³ flops in all with Z, two to four steps per eigenvalue).
    3. Eigenvectors of ``T`` by back substitution, vectorised over all of
       them (2n³/3 complex flops), mapped back by ``Z`` and normalised.

    Defective matrices have no basis of eigenvectors; the returned ``V`` is then
    (nearly) singular, as with LAPACK.

    Examples
    --------
    >>> w, V = eig([[0.0, -1.0], [1.0, 0.0]])
    >>> w
    array([0.+1.j, 0.-1.j])
    """
    A, amax = _scaled(as_matrix(A, "A", square=True))
    w, V = _eig(A, True)
    return amax * w, V


def eigvals(A) -> np.ndarray:
    """Eigenvalues of a general real matrix, as ``numpy.linalg.eigvals``.

    Parameters
    ----------
    A : array_like, shape (n, n)

    Returns
    -------
    w : ndarray, shape (n,)
        Real dtype when all eigenvalues are real, else complex.

    Notes
    -----
    Hessenberg reduction and Francis double-shift QR without eigenvectors;
    see :func:`eig`. About 10n³ flops (no Z to accumulate).

    Examples
    --------
    >>> eigvals([[2.0, 0.0], [0.0, 3.0]])
    array([2., 3.])
    """
    A, amax = _scaled(as_matrix(A, "A", square=True))
    return amax * _eig(A, False)[0]
