"""Typical mistakes (vectors, decompositions, calculus) are caught, with the failed property named."""

from __future__ import annotations

import numpy as np
import pytest

from _exercise_checks import assert_mistake_caught

# ---------------------------------------------------------------- vectors


def project_divides_by_norm(u, v):
    return (u @ v) / np.linalg.norm(v) * v


def project_returns_coefficient(u, v):
    return (u @ v) / (v @ v)


def project_v_onto_u(u, v):
    return (u @ v) / (u @ u) * u


def cosine_unnormalised(u, v):
    return float(u @ v)


def cosine_one_norm(u, v):
    return float(u @ v / (u @ u))


def pnorm_no_abs(x, p):
    return float(np.max(x)) if np.isinf(p) else float(np.sum(x**p) ** (1 / p))


def pnorm_no_root(x, p):
    return float(np.max(np.abs(x))) if np.isinf(p) else float(np.sum(np.abs(x) ** p))


def pnorm_overflows(x, p):
    return float(np.max(np.abs(x))) if np.isinf(p) else float(np.sum(np.abs(x) ** p) ** (1 / p))


def angle_no_clip(u, v):
    return float(np.arccos(u @ v / (np.linalg.norm(u) * np.linalg.norm(v))))


def angle_degrees(u, v):
    return float(np.degrees(np.arccos(np.clip(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)), -1, 1))))


def distances_squared(X, Y):
    return np.maximum((X**2).sum(1)[:, None] + (Y**2).sum(1)[None, :] - 2 * X @ Y.T, 0)


def distances_no_clip(X, Y):
    return np.sqrt((X**2).sum(1)[:, None] + (Y**2).sum(1)[None, :] - 2 * X @ Y.T)


# ---------------------------------------------------------------- decompositions


def gs_classical(A):
    Q = np.zeros(A.shape)
    for k in range(A.shape[1]):
        q = A[:, k] - Q[:, :k] @ (Q[:, :k].T @ A[:, k])
        Q[:, k] = q / np.linalg.norm(q)
    return Q


def gs_not_normalised(A):
    Q = np.zeros(A.shape)
    for k in range(A.shape[1]):
        q = A[:, k].copy()
        for j in range(k):
            q -= (Q[:, j] @ q) / (Q[:, j] @ Q[:, j]) * Q[:, j]
        Q[:, k] = q
    return Q


def gs_numpy_qr_signs(A):
    return np.linalg.qr(A)[0]


def power_norm_eigenvalue(A, n_iter=1000):
    v = np.random.default_rng(0).standard_normal(len(A))
    for _ in range(n_iter):
        v = A @ v
        v /= np.linalg.norm(v)
    return float(np.linalg.norm(A @ v)), v


def power_unnormalised_v(A, n_iter=1000):
    v = np.random.default_rng(0).standard_normal(len(A))
    for _ in range(n_iter):
        v = A @ v
        v /= np.linalg.norm(v)
    return float(v @ A @ v), 2 * v


def pca_uncentred(X, k):
    return np.linalg.svd(X, full_matrices=False)[2][:k]


def pca_smallest(X, k):
    w, V = np.linalg.eigh(np.cov((X - X.mean(0)).T))
    return V[:, :k].T


def pca_transposed(X, k):
    return np.linalg.svd(X - X.mean(0), full_matrices=False)[2][:k].T


def fsub_no_divide(L, b):
    x = np.zeros(len(b))
    for i in range(len(b)):
        x[i] = b[i] - L[i, :i] @ x[:i]
    return x


def fsub_in_place(L, b):
    for i in range(len(b)):
        b[i] = (b[i] - L[i, :i] @ b[:i]) / L[i, i]
    return b


def chol_upper(A):
    return np.linalg.cholesky(A).T


def chol_no_sqrt(A):
    n = len(A)
    L = np.zeros((n, n))
    for j in range(n):
        L[j, j] = A[j, j] - L[j, :j] @ L[j, :j]
        L[j + 1:, j] = (A[j + 1:, j] - L[j + 1:, :j] @ L[j, :j]) / L[j, j]
    return L


# ---------------------------------------------------------------- calculus


def numgrad_forward(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x)) / h
    return g


def numgrad_over_h(f, x, h=1e-5):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / h
    return g


def numgrad_all_at_once(f, x, h=1e-5):
    return np.full_like(x, (f(x + h) - f(x - h)) / (2 * h))


def _mlp(W1, b1, W2, b2, X, y, *, mean=True, tanh_prime=True, half=True):
    n = X.shape[0] if mean else 1
    H = np.tanh(X @ W1.T + b1)
    d = (H @ W2.T + b2 - y) / n * (1 if half else 2)
    d_pre = (d @ W2) * ((1 - H**2) if tanh_prime else 1)
    return d_pre.T @ X, d_pre.sum(0), d.T @ H, d.sum(0)


def mlp_sum_not_mean(W1, b1, W2, b2, X, y):
    return _mlp(W1, b1, W2, b2, X, y, mean=False)


def mlp_no_tanh_prime(W1, b1, W2, b2, X, y):
    return _mlp(W1, b1, W2, b2, X, y, tanh_prime=False)


def mlp_forgets_half(W1, b1, W2, b2, X, y):
    return _mlp(W1, b1, W2, b2, X, y, half=False)


def d2_missing_two(f, x, h=1e-4):
    return (f(x + h) - f(x) + f(x - h)) / h**2


def d2_over_h(f, x, h=1e-4):
    return (f(x + h) - 2 * f(x) + f(x - h)) / h


def trapezoid_uniform(y, x):
    return float((x[1] - x[0]) * (y.sum() - (y[0] + y[-1]) / 2))


def trapezoid_left_riemann(y, x):
    return float(np.sum(np.diff(x) * y[:-1]))


def simpson_weights_122(f, a, b, n=100):
    x = np.linspace(a, b, n + 1)
    y = f(x)
    return float((b - a) / n / 3 * (y[0] + y[-1] + 2 * y[1:-1].sum()))


def simpson_no_third(f, a, b, n=100):
    x = np.linspace(a, b, n + 1)
    y = f(x)
    return float((b - a) / n * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))


MISTAKES = [
    ("vectors.project", project_divides_by_norm, "residual"),
    ("vectors.project", project_returns_coefficient, "shape"),
    ("vectors.project", project_v_onto_u, "residual"),
    ("vectors.cosine_similarity", cosine_unnormalised, "u·v / (‖u‖ ‖v‖)"),
    ("vectors.cosine_similarity", cosine_one_norm, "u·v / (‖u‖ ‖v‖)"),
    ("vectors.p_norm", pnorm_no_abs, "mmlkit.linalg.norm"),
    ("vectors.p_norm", pnorm_no_root, "mmlkit.linalg.norm"),
    ("vectors.p_norm", pnorm_overflows, "mmlkit.linalg.norm"),
    ("vectors.angle", angle_no_clip, "clip the cosine"),
    ("vectors.angle", angle_degrees, "in radians"),
    ("vectors.pairwise_distances", distances_squared, "‖X[i] − Y[j]‖"),
    ("vectors.pairwise_distances", distances_no_clip, "clip tiny negative"),
    ("decompositions.gram_schmidt", gs_classical, "columns of Q are orthonormal"),
    ("decompositions.gram_schmidt", gs_not_normalised, "columns of Q are orthonormal"),
    ("decompositions.gram_schmidt", gs_numpy_qr_signs, "diagonal is positive"),
    ("decompositions.power_iteration", power_norm_eigenvalue, "dominant eigenvalue"),
    ("decompositions.power_iteration", power_unnormalised_v, "unit length"),
    ("decompositions.pca", pca_uncentred, "principal subspace"),
    ("decompositions.pca", pca_smallest, "principal subspace"),
    ("decompositions.pca", pca_transposed, "shape"),
    ("decompositions.forward_substitution", fsub_no_divide, "L x = b"),
    ("decompositions.forward_substitution", fsub_in_place, "inputs are left unchanged"),
    ("decompositions.cholesky", chol_upper, "lower triangular"),
    ("decompositions.cholesky", chol_no_sqrt, "L Lᵀ = A"),
    ("calculus.numerical_gradient", numgrad_forward, "central differences"),
    ("calculus.numerical_gradient", numgrad_over_h, "central differences"),
    ("calculus.numerical_gradient", numgrad_all_at_once, "central differences"),
    ("calculus.backprop_mlp", mlp_sum_not_mean, "dW2"),
    ("calculus.backprop_mlp", mlp_no_tanh_prime, "dW1"),
    ("calculus.backprop_mlp", mlp_forgets_half, "dW2"),
    ("calculus.second_derivative", d2_missing_two, "f''(x)"),
    ("calculus.second_derivative", d2_over_h, "f''(x)"),
    ("calculus.trapezoid", trapezoid_uniform, "(x[i+1] − x[i])"),
    ("calculus.trapezoid", trapezoid_left_riemann, "(x[i+1] − x[i])"),
    ("calculus.simpson", simpson_weights_122, "mmlkit.calculus.simpson"),
    ("calculus.simpson", simpson_no_third, "mmlkit.calculus.simpson"),
]


@pytest.mark.parametrize(("key", "wrong", "prop"), MISTAKES, ids=[f"{k}-{f.__name__}" for k, f, _ in MISTAKES])
def test_mistake_is_caught(key, wrong, prop):
    result = assert_mistake_caught(key, wrong, prop)
    assert "expected" in result.message or "modified" in result.message or "got" in result.message
