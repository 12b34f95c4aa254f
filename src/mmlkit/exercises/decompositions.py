"""Exercises · decompositions: Gram–Schmidt, power iteration, PCA, triangular solves, Cholesky."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, as_array, close, unpack

E = partial(Exercise, "decompositions")


def _ill(m, n, cond):
    """An m×n matrix with singular values from 1 down to 1/cond (fixed orthogonal factors)."""
    rng = np.random.default_rng(7)
    U, _ = np.linalg.qr(rng.standard_normal((m, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return U @ np.diag(np.logspace(0, -np.log10(cond), n)) @ V.T


def _tall(g):
    return g.st.tuples(g.sizes(2, 5), g.sizes(1, 4)).filter(lambda s: s[1] <= s[0]).flatmap(
        lambda s: g.mat((s[0], s[1]))).filter(lambda A: np.linalg.cond(A) < 1e4).map(lambda A: (A,))


def _judge_gs(got, args):
    (A,) = args
    m, n = A.shape
    import mmlkit.linalg as la

    Q = as_array("Q", got, (m, n))
    expected = la.gram_schmidt(A)
    err = np.linalg.norm(Q.T @ Q - np.eye(n))
    if not err <= 1e-8:
        raise Fail("columns of Q are orthonormal", f"QᵀQ − I has norm {err:.3g} (allowed 1e-8)",
                   expected=expected, got=got)
    R = Q.T @ A
    scale = np.linalg.norm(A)
    low = np.linalg.norm(np.tril(R, -1))
    if not low <= 1e-8 * scale:
        raise Fail("Q's k-th column lies in the span of A's first k columns (R = QᵀA is upper triangular)",
                   f"the part of QᵀA below the diagonal has norm {low:.3g}", expected=expected, got=got)
    res = np.linalg.norm(Q @ R - A)
    if not res <= 1e-8 * scale:
        raise Fail("Q spans A's column space (A = Q QᵀA)", f"‖A − Q QᵀA‖ = {res:.3g}", expected=expected, got=got)
    if (np.diag(R) <= 0).any():
        raise Fail("R's diagonal is positive (no sign flips in Q)", f"diag(QᵀA) = {np.diag(R)}",
                   expected=expected, got=got)


def _judge_power(got, args):
    A = args[0]
    lam, v = unpack(got, ("lam", "v"))
    v = as_array("v", v, (A.shape[0],))
    lam = float(as_array("λ", lam, ()))
    import mmlkit.linalg as la

    w = la.eigvalsh(A)
    top = w[np.argmax(np.abs(w))]
    if abs(np.linalg.norm(v) - 1) > 1e-8:
        raise Fail("v has unit length", f"‖v‖ = {np.linalg.norm(v):.6g}", got=v)
    close("λ is the dominant eigenvalue (largest |λ|, with its sign)", lam, top, rtol=1e-8, atol=1e-10)
    res = np.linalg.norm(A @ v - lam * v)
    if res > 1e-6 * abs(top):
        raise Fail("A v = λ v (v is an eigenvector; its sign is free)", f"‖Av − λv‖ = {res:.3g}", got=v)


def _pca_args(g):
    def ok(t):
        X, k = t
        s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
        s = np.append(s, 0.0)[: k + 1]
        return s[k - 1] > 1e-3 and np.all(np.diff(s) < -1e-2 * s[0])

    return g.st.tuples(g.sizes(3, 8), g.sizes(2, 4)).flatmap(
        lambda s: g.st.tuples(g.mat(s), g.st.integers(1, s[1]))).filter(ok)


def _judge_pca(got, args):
    X, k = args
    d = X.shape[1]
    from mmlkit.models import PCA

    W = as_array("the axes", got, (k, d))
    ref = PCA(n_components=k).fit(X).components_
    err = np.linalg.norm(W @ W.T - np.eye(k))
    if not err <= 1e-8:
        raise Fail("rows of the axes are orthonormal", f"W Wᵀ − I has norm {err:.3g}", expected=ref, got=got)
    sub = np.linalg.norm(W.T @ W - ref.T @ ref)
    if not sub <= 1e-6:
        raise Fail("the axes span the top-k principal subspace of the centred data",
                   f"‖WᵀW − PᵀP‖ = {sub:.3g} (P: mmlkit.models.PCA's components_)", expected=ref, got=got)
    dots = np.abs(np.sum(W * ref, axis=1))
    if (np.abs(dots - 1) > 1e-6).any():
        i = int(np.argmax(np.abs(dots - 1)))
        raise Fail("row i is the i-th principal axis (by decreasing variance; sign free)",
                   f"|w_{i}·p_{i}| = {dots[i]:.6g}, not 1", expected=ref, got=got)


def _tri_args(g):
    def build(t):
        M, d, b = t
        return np.tril(M, -1) + np.diag(d), b

    return g.with_n(lambda n: g.st.tuples(g.mat((n, n), -2, 2),
                                          g.vec(n, 0.5, 5.0).map(lambda d: d * np.where(np.arange(n) % 2, -1, 1)),
                                          g.vec(n)).map(build), 1, 6)


def _judge_tri(got, args):
    L, b = args
    import mmlkit.linalg as la

    x = as_array("x", got, b.shape)
    ref = la.solve_triangular(L, b, lower=True)
    res = np.abs(L @ x - b).max(initial=0)
    scale = np.abs(L).max() * np.abs(ref).max(initial=0) + np.abs(b).max(initial=0) + 1e-300
    if not res <= 1e-10 * scale:
        raise Fail("L x = b", f"largest residual |Lx − b| = {res:.3g}", expected=ref, got=got)
    close("x equals mmlkit.linalg.solve_triangular(L, b, lower=True)", x, ref, rtol=1e-8, atol=1e-10 * scale)


def _judge_chol(got, args):
    (A,) = args
    import mmlkit.linalg as la

    n = A.shape[0]
    L = as_array("L", got, (n, n))
    ref = la.cholesky(A)
    up = np.linalg.norm(np.triu(L, 1))
    if up > 0:
        raise Fail("L is lower triangular", f"the part above the diagonal has norm {up:.3g}", expected=ref, got=got)
    if (np.diag(L) <= 0).any():
        raise Fail("L's diagonal is positive", f"diag(L) = {np.diag(L)}", expected=ref, got=got)
    res = np.linalg.norm(L @ L.T - A)
    if not res <= 1e-10 * np.linalg.norm(A):
        raise Fail("L Lᵀ = A", f"‖LLᵀ − A‖ = {res:.3g}", expected=ref, got=got)
    close("L equals mmlkit.linalg.cholesky(A)", L, ref, rtol=1e-6, atol=1e-8 * np.sqrt(np.abs(A).max()))


EXERCISES = [
    E(name="gram_schmidt", title="Gram–Schmidt orthonormalisation",
      task="Given A of shape (m, n) with independent columns (n ≤ m), return Q of shape (m, n) whose columns "
           "are orthonormal and span A's columns, with Q[:, :k] spanning A[:, :k] for every k and R = QᵀA "
           "having a positive diagonal. Q must stay orthonormal (to 1e-8) for ill-conditioned A (cond 1e7).",
      formula="q_k = r_k / ‖r_k‖,  r_k = a_k − Σ_{j<k} (q_j·a_k) q_j;  A = QR, QᵀQ = I",
      returns="ndarray of shape (m, n)",
      args=_tall,
      cases=[("the example", (np.array([[3.0, 1.0], [4.0, 2.0]]),)),
             ("a tall matrix", (np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]]),)),
             ("an ill-conditioned matrix (cond 1e7)", (_ill(6, 4, 1e7),))],
      judge=_judge_gs,
      hints=("Take the columns one by one: remove from a_k its components along the q's found so far, then "
             "normalise what is left.",
             "Classical Gram–Schmidt computes every coefficient q_j·a_k from the original a_k and loses "
             "orthogonality on ill-conditioned A; the modified version uses the running residual: "
             "r ← r − (q_j·r) q_j.",
             "Even modified GS can lose a few digits at cond 1e7: orthogonalise twice ('twice is enough')."),
      tolerance="‖QᵀQ − I‖ ≤ 1e-8; A = QQᵀA and QᵀA upper triangular within 1e-8·‖A‖"),
    E(name="power_iteration", title="Power iteration",
      task="Return (lam, v): the dominant eigenvalue of the symmetric matrix A (the one of largest modulus, "
           "with its sign, which may be negative) and a unit eigenvector v, by repeated multiplication by A.",
      formula="v ← A v / ‖A v‖ (n_iter times);  λ = vᵀ A v (the Rayleigh quotient)",
      returns="tuple (float, ndarray of shape (n,))",
      args=lambda g: g.with_n(lambda n: g.sym_gap(n).map(lambda A: (A,)), 1, 5),
      cases=[("the example", (np.array([[2.0, 1.0], [1.0, 2.0]]),)),
             ("a negative dominant eigenvalue", (np.array([[-5.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 1.0]]),)),
             ("a diagonal matrix", (np.diag([1.0, -2.0, 4.0]),))],
      judge=_judge_power,
      hints=("Start from a random unit vector (not all ones: it could be orthogonal to the answer) and "
             "multiply by A again and again, normalising each time.",
             "The eigenvalue is the Rayleigh quotient vᵀAv, not ‖Av‖: ‖Av‖ loses the sign of a negative λ.",
             "for _ in range(n_iter): w = A @ v; v = w / np.linalg.norm(w)  — then lam = v @ A @ v"),
      tolerance="λ to rtol 1e-8; ‖v‖ = 1 to 1e-8; ‖Av − λv‖ ≤ 1e-6·|λ|", max_examples=25),
    E(name="pca", title="Principal axes",
      task="Given data X of shape (n, d) (rows are observations) and k ≤ d, return the k principal axes as "
           "the rows of a (k, d) array with orthonormal rows, ordered by decreasing variance. The sign of "
           "each axis is free.",
      formula="centre: X_c = X − mean(X, axis=0);  axes = the top-k right singular vectors of X_c "
              "(= eigenvectors of X_cᵀX_c / n)",
      returns="ndarray of shape (k, d)",
      args=_pca_args,
      cases=[("the example", (np.array([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]]), 1)),
             ("data far from the origin", (np.array([[101.0, 50.0], [99.0, 50.5], [100.0, 49.0], [103.0, 51.0],
                                                     [97.0, 49.5]]), 1)),
             ("k = d", (np.array([[1.0, 2.0, 0.0], [3.0, -1.0, 1.0], [0.0, 0.0, 4.0], [2.0, 1.0, 1.0]]), 3))],
      judge=_judge_pca,
      hints=("Principal axes are directions of the centred data: subtract the column means first.",
             "Take the SVD of the centred data, X_c = U S Vᵀ: the rows of Vᵀ are the axes, already ordered by "
             "decreasing singular value. (np.linalg.eigh sorts eigenvalues increasingly!)",
             "return np.linalg.svd(X - X.mean(axis=0), full_matrices=False)[2][:k]"),
      tolerance="orthonormal rows to 1e-8; each row ±p_i to 1e-6 (p_i: mmlkit.models.PCA's components_)",
      max_examples=25),
    E(name="forward_substitution", title="Solving a lower-triangular system",
      task="Solve L x = b for x, where L is lower triangular with a non-zero diagonal, by forward "
           "substitution (no np.linalg.solve). Do not modify b.",
      formula="x_i = (b_i − Σ_{j<i} L_ij x_j) / L_ii, for i = 0, 1, …, n−1",
      returns="ndarray of shape (n,)",
      args=_tri_args,
      cases=[("the example", (np.array([[2.0, 0.0], [1.0, 4.0]]), np.array([2.0, 9.0]))),
             ("a negative diagonal", (np.array([[-1.0, 0.0, 0.0], [2.0, 3.0, 0.0], [1.0, -1.0, 0.5]]),
                                      np.array([1.0, 2.0, 3.0])))],
      judge=_judge_tri,
      hints=("The first equation has one unknown: x_0 = b_0 / L_00. Each next one has one new unknown.",
             "Go top to bottom; subtract what the known x_j contribute, then divide by the diagonal entry.",
             "x[i] = (b[i] - L[i, :i] @ x[:i]) / L[i, i], with x a new array of zeros"),
      tolerance="|Lx − b| ≤ 1e-10·scale; x to rtol 1e-8"),
    E(name="cholesky", title="Cholesky factorisation",
      task="Given a symmetric positive definite A, return the lower-triangular L with positive diagonal and "
           "L Lᵀ = A (no np.linalg.cholesky).",
      formula="L_jj = sqrt(A_jj − Σ_{k<j} L_jk²);  L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj for i > j",
      returns="ndarray of shape (n, n)",
      args=lambda g: g.with_n(lambda n: g.spd(n).map(lambda A: (A,)), 1, 5),
      cases=[("the example", (np.array([[4.0, 2.0], [2.0, 5.0]]),)),
             ("a 3×3 matrix", (np.array([[9.0, 3.0, -3.0], [3.0, 5.0, 1.0], [-3.0, 1.0, 11.0]]),)),
             ("badly scaled", (np.array([[1e-6, 1e-4], [1e-4, 1e2]]),))],
      judge=_judge_chol,
      hints=("Work column by column: the diagonal entry first, then the entries below it.",
             "The diagonal needs a square root: L_jj = sqrt(A_jj − Σ_k L_jk²).",
             "L[j+1:, j] = (A[j+1:, j] - L[j+1:, :j] @ L[j, :j]) / L[j, j]; return L, not L.T"),
      tolerance="L Lᵀ = A within 1e-10·‖A‖; L to rtol 1e-6"),
]
