"""Pairwise distances through matrix products, shared by the models that need them."""

from __future__ import annotations

import numpy as np


def squared_distances(X: np.ndarray, Y: np.ndarray | None = None, *, x_sq: np.ndarray | None = None,
                      y_sq: np.ndarray | None = None) -> np.ndarray:
    """Squared Euclidean distances ‖xᵢ − yⱼ‖² = ‖xᵢ‖² − 2 xᵢ·yⱼ + ‖yⱼ‖².

    X is (n, d), Y is (m, d) (defaults to X); returns (n, m). One matrix product,
    O(n m d); negative round-off is clipped to 0 and the diagonal is exactly 0
    when Y is X. ``x_sq``/``y_sq`` are the squared row norms when the caller
    already has them (repeated queries against the same rows).
    """
    same = Y is None
    Y = X if same else Y
    x2 = np.einsum("ij,ij->i", X, X) if x_sq is None else x_sq
    y2 = x2 if same else (np.einsum("ij,ij->i", Y, Y) if y_sq is None else y_sq)
    D = x2[:, None] - 2.0 * (X @ Y.T) + y2[None, :]
    np.maximum(D, 0.0, out=D)
    if same:
        np.fill_diagonal(D, 0.0)
    return D


def euclidean_distances(X: np.ndarray, Y: np.ndarray | None = None) -> np.ndarray:
    """Euclidean distances ‖xᵢ − yⱼ‖, via :func:`squared_distances`."""
    return np.sqrt(squared_distances(X, Y))
