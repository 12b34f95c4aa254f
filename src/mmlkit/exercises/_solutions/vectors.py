"""Reference solutions: vectors."""

import numpy as np


def project(u, v):
    return (u @ v) / (v @ v) * v


def cosine_similarity(u, v):
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def p_norm(x, p):
    if np.isinf(p):
        return float(np.max(np.abs(x)))
    scale = np.max(np.abs(x))
    if scale == 0:
        return 0.0
    return float(scale * np.sum(np.abs(x / scale) ** p) ** (1.0 / p))


def angle(u, v):
    c = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


def pairwise_distances(X, Y):
    sq = np.sum(X**2, axis=1)[:, None] + np.sum(Y**2, axis=1)[None, :] - 2 * X @ Y.T
    return np.sqrt(np.maximum(sq, 0.0))
