"""Reference solutions: decompositions."""

import numpy as np


def gram_schmidt(A):
    A = np.array(A, dtype=float)
    m, n = A.shape
    Q = np.zeros((m, n))
    for k in range(n):
        q = A[:, k].copy()
        for j in range(k):  # modified Gram-Schmidt: subtract each projection from the running residual
            q -= (Q[:, j] @ q) * Q[:, j]
        for j in range(k):  # one re-orthogonalisation pass keeps Q orthonormal for ill-conditioned A
            q -= (Q[:, j] @ q) * Q[:, j]
        Q[:, k] = q / np.linalg.norm(q)
    return Q


def power_iteration(A, n_iter=1000):
    v = np.random.default_rng(0).standard_normal(A.shape[0])
    v /= np.linalg.norm(v)
    for _ in range(n_iter):
        w = A @ v
        v = w / np.linalg.norm(w)
    return float(v @ A @ v), v


def pca(X, k):
    Xc = X - X.mean(axis=0)
    _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    return Vt[:k]


def forward_substitution(L, b):
    x = np.zeros(len(b))
    for i in range(len(b)):
        x[i] = (b[i] - L[i, :i] @ x[:i]) / L[i, i]
    return x


def cholesky(A):
    n = A.shape[0]
    L = np.zeros((n, n))
    for j in range(n):
        d = A[j, j] - L[j, :j] @ L[j, :j]
        L[j, j] = np.sqrt(d)
        L[j + 1:, j] = (A[j + 1:, j] - L[j + 1:, :j] @ L[j, :j]) / L[j, j]
    return L
