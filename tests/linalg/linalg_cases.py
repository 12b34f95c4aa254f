"""Shared cases for the linalg tests.

Matrices that test a decomposition: random, ill-conditioned, rank-deficient, tiny, non-square.
"""

import numpy as np

SEEDS = [0, 1, 2]
#: Shapes for functions that take any matrix: square, tall, wide, 1×1, single row/column.
SHAPES = [(1, 1), (2, 2), (5, 5), (8, 3), (3, 8), (40, 40), (70, 25), (25, 70), (1, 6), (6, 1)]
SQUARE = [1, 2, 3, 10, 33, 64]


def random_matrix(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


def with_singular_values(m, n, s, seed):
    """A random m × n matrix with the given singular values."""
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((m, m)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    k = len(s)
    return (U[:, :k] * s) @ V[:, :k].T


def ill_conditioned(n, seed, cond=1e10):
    return with_singular_values(n, n, np.geomspace(1.0, 1.0 / cond, n), seed)


def rank_deficient(m, n, rank, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, rank)) @ rng.standard_normal((rank, n))


def spd(n, seed, cond=None):
    rng = np.random.default_rng(seed)
    if cond is None:
        X = rng.standard_normal((n, n))
        return X @ X.T + n * np.eye(n)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (Q * np.geomspace(1.0, 1.0 / cond, n)) @ Q.T


def symmetric(n, seed):
    X = random_matrix((n, n), seed)
    return (X + X.T) / 2


def same_up_to_sign(X, Y, atol):
    """Columns of X equal columns of Y up to a sign each."""
    signs = np.sign(np.sum(X * Y, axis=0))
    signs[signs == 0] = 1
    np.testing.assert_allclose(X * signs, Y, atol=atol)


