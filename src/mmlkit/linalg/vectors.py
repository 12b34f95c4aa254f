"""Vectors and the geometry of inner products: dot, norm, angle, projection, cross and outer products."""

from __future__ import annotations

import numpy as np

from mmlkit._validation import as_float_array
from mmlkit.linalg._checks import as_vector

__all__ = ["angle", "cross", "dot", "norm", "outer", "project"]


def dot(a, b) -> float | np.ndarray:
    """Inner product of vectors, or matrix–vector / matrix–matrix product, as ``numpy.dot``.

    Parameters
    ----------
    a : array_like, shape (n,) or (m, n)
    b : array_like, shape (n,) or (n, k)

    Returns
    -------
    float or ndarray
        A scalar for two vectors, else an array of shape (m,), (k,) or (m, k).

    Notes
    -----
    ``a · b = Σᵢ aᵢ bᵢ``; for matrices ``(AB)ᵢⱼ = Σₖ Aᵢₖ Bₖⱼ``. Cost 2 n flops for
    vectors, 2 m n k for matrices (one BLAS call through ``@``).

    Examples
    --------
    >>> dot([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    32.0
    """
    a = as_float_array(a, "a", ndim=(1, 2))
    b = as_float_array(b, "b", ndim=(1, 2))
    if a.shape[-1] != b.shape[0]:
        raise ValueError(f"a and b are not aligned: a has shape {a.shape}, b has shape {b.shape}; "
                         "the last axis of a must match the first axis of b")
    out = a.astype(np.float64) @ b.astype(np.float64)
    return float(out) if out.ndim == 0 else out


def _vector_norm(x: np.ndarray, ord) -> float:
    ax = np.abs(x)
    if ord is None or ord == 2:
        scale = ax.max()  # scaling keeps Σ xᵢ² from overflowing or underflowing
        return 0.0 if scale == 0 else float(scale * np.sqrt(np.sum((ax / scale) ** 2)))
    if ord == np.inf:
        return float(ax.max())
    if ord == -np.inf:
        return float(ax.min())
    if ord == 0:
        return float(np.count_nonzero(x))
    if ord == 1:
        return float(ax.sum())
    with np.errstate(divide="ignore"):
        return float(np.sum(ax ** ord) ** (1.0 / ord))


def _matrix_norm(A: np.ndarray, ord) -> float:
    if ord is None or ord == "fro":
        return _vector_norm(A.ravel(), 2)
    if ord in (1, -1):
        col = np.abs(A).sum(axis=0)
        return float(col.max() if ord == 1 else col.min())
    if ord in (np.inf, -np.inf):
        row = np.abs(A).sum(axis=1)
        return float(row.max() if ord == np.inf else row.min())
    from mmlkit.linalg.svd import svd

    s = svd(A, compute_uv=False)
    if ord == "nuc":
        return float(s.sum())
    return float(s[0] if ord == 2 else s[-1])


def norm(x, ord=None) -> float:
    """Vector or matrix norm, as ``numpy.linalg.norm(x, ord)``.

    Parameters
    ----------
    x : array_like, shape (n,) or (m, n)
    ord : {None, int, float, inf, -inf, 'fro', 'nuc'}, default=None
        For vectors: ``None``/2 Euclidean, ``inf`` max |xᵢ|, ``-inf`` min |xᵢ|,
        0 the number of non-zeros, any other p the p-norm. For matrices:
        ``None``/'fro' Frobenius, 'nuc' nuclear (sum of singular values),
        1/-1 max/min column sum, inf/-inf max/min row sum, 2/-2 largest/smallest
        singular value.

    Returns
    -------
    float

    Notes
    -----
    ``‖x‖_p = (Σᵢ |xᵢ|^p)^(1/p)``; the Euclidean norm is computed as
    ``s · ‖x / s‖₂`` with ``s = max|xᵢ|`` so it neither overflows nor underflows.
    ``‖A‖_F = (Σᵢⱼ Aᵢⱼ²)^(1/2)``, ``‖A‖₂ = σ_max(A)`` (from our :func:`svd`).
    Cost O(n) for vectors, O(mn) for the entry-wise matrix norms and the
    SVD's O(mn·min(m, n)) for 2, -2 and 'nuc'.

    Examples
    --------
    >>> norm([3.0, 4.0])
    5.0
    >>> norm([[1.0, 2.0], [3.0, 4.0]], ord=1)
    6.0
    """
    x = as_float_array(x, "x", ndim=(1, 2), dtype=np.float64)
    if x.ndim == 1:
        if isinstance(ord, str):
            raise ValueError(f"ord={ord!r} is a matrix norm; x is a vector")
        if ord is not None and not isinstance(ord, (int, float, np.integer, np.floating)):
            raise ValueError(f"ord must be None, a number or +-inf for a vector, got {ord!r}")
        return _vector_norm(x, ord)
    if ord not in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        raise ValueError(f"ord must be one of None, 'fro', 'nuc', 1, -1, 2, -2, inf, -inf for a matrix, got {ord!r}")
    return _matrix_norm(x, ord)


def angle(u, v) -> float:
    """Angle between two vectors, in radians, in [0, π].

    Parameters
    ----------
    u, v : array_like, shape (n,)

    Returns
    -------
    float

    Notes
    -----
    ``θ = arccos(u·v / (‖u‖‖v‖))`` mathematically; we evaluate Kahan's form
    ``θ = 2 atan2(‖û − v̂‖, ‖û + v̂‖)`` with ``û = u/‖u‖``, which stays accurate for
    nearly parallel or antiparallel vectors where ``arccos`` loses half the digits.
    Cost O(n).

    Examples
    --------
    >>> round(angle([1.0, 0.0], [0.0, 2.0]), 6)
    1.570796
    """
    u, v = as_vector(u, "u"), as_vector(v, "v")
    if u.shape != v.shape:
        raise ValueError(f"u and v must have the same length, got {u.shape} and {v.shape}")
    nu, nv = _vector_norm(u, 2), _vector_norm(v, 2)
    if nu == 0 or nv == 0:
        raise ValueError("the angle with a zero vector is undefined: " + ("u" if nu == 0 else "v") + " is zero")
    uh, vh = u / nu, v / nv
    return float(2.0 * np.arctan2(_vector_norm(uh - vh, 2), _vector_norm(uh + vh, 2)))


def project(u, onto):
    """Orthogonal projection of ``u`` onto a vector, or onto the column space of a matrix.

    Parameters
    ----------
    u : array_like, shape (m,) or (m, k)
        The vector(s) to project (columns when 2-D).
    onto : array_like, shape (m,) or (m, n)
        A non-zero vector, or a matrix whose columns span the target subspace
        (they may be linearly dependent).

    Returns
    -------
    ndarray, shape like ``u``

    Notes
    -----
    Onto a vector ``a``: ``proj_a(u) = (a·u / a·a) a``, cost O(m).
    Onto ``col(A)``: ``P u = A (AᵀA)⁺ Aᵀ u = Q Qᵀ u`` with ``Q`` an orthonormal
    basis of ``col(A)``: the left singular vectors of ``A`` (our :func:`svd`)
    whose singular values exceed ``max(m, n) · ε · σ₁``, so rank-deficient
    ``A`` is handled. Cost O(mn²) for the SVD plus 4 m r k for the projection.
    The residual ``u − P u`` is orthogonal to every column of ``A``.

    Examples
    --------
    >>> project([2.0, 3.0], [1.0, 0.0])
    array([2., 0.])
    """
    u = as_float_array(u, "u", ndim=(1, 2), dtype=np.float64)
    onto = as_float_array(onto, "onto", ndim=(1, 2), dtype=np.float64)
    if u.shape[0] != onto.shape[0]:
        raise ValueError(f"u and onto must have the same number of rows, got {u.shape} and {onto.shape}")
    # The projection depends on onto's direction only and is linear in u: work in exact
    # power-of-two units (max |·| in [1/2, 1)) so no product overflows or underflows.
    eu = int(np.frexp(np.max(np.abs(u)))[1]) if u.size else 0
    ea = int(np.frexp(np.max(np.abs(onto)))[1]) if onto.size else 0
    u, onto = np.ldexp(u, -eu), np.ldexp(onto, -ea)
    if onto.ndim == 1:
        aa = float(onto @ onto)
        if aa == 0:
            raise ValueError("onto is the zero vector; there is no direction to project onto")
        out = np.multiply.outer(onto, (onto @ u) / aa)
    else:
        from mmlkit.linalg.svd import svd

        U, s, _ = svd(onto, full_matrices=False)
        tol = max(onto.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
        Q = U[:, s > tol]
        out = Q @ (Q.T @ u)
    with np.errstate(over="ignore"):
        return np.ldexp(out, eu)


def cross(a, b) -> np.ndarray:
    """Cross product of 3-vectors (or of rows of two (n, 3) arrays), as ``numpy.cross``.

    Parameters
    ----------
    a, b : array_like, shape (3,) or (n, 3)

    Returns
    -------
    ndarray, shape (3,) or (n, 3)

    Notes
    -----
    ``a × b = (a₂b₃ − a₃b₂, a₃b₁ − a₁b₃, a₁b₂ − a₂b₁)``: orthogonal to both, with
    length ``‖a‖‖b‖ sin θ``. Cost 9 flops per pair.

    Examples
    --------
    >>> cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    array([0., 0., 1.])
    """
    a = as_float_array(a, "a", ndim=(1, 2), dtype=np.float64)
    b = as_float_array(b, "b", ndim=(1, 2), dtype=np.float64)
    for arr, name in ((a, "a"), (b, "b")):
        if arr.shape[-1] != 3:
            raise ValueError(f"{name} must hold 3-vectors (last axis of length 3), got shape {arr.shape}")
    if a.ndim == 2 and b.ndim == 2 and a.shape[0] != b.shape[0]:
        raise ValueError(f"a and b must hold the same number of vectors, got {a.shape} and {b.shape}")
    a1, a2, a3 = np.moveaxis(a, -1, 0)
    b1, b2, b3 = np.moveaxis(b, -1, 0)
    return np.stack([a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1], axis=-1)


def outer(a, b) -> np.ndarray:
    """Outer product ``a bᵀ`` of two vectors, as ``numpy.outer`` (inputs are flattened).

    Parameters
    ----------
    a : array_like, shape (m,)
    b : array_like, shape (n,)

    Returns
    -------
    ndarray, shape (m, n)

    Notes
    -----
    ``(a bᵀ)ᵢⱼ = aᵢ bⱼ``, a matrix of rank one (zero if either vector is).
    Cost m n flops.

    Examples
    --------
    >>> outer([1.0, 2.0], [3.0, 4.0, 5.0])
    array([[ 3.,  4.,  5.],
           [ 6.,  8., 10.]])
    """
    a = as_float_array(a, "a", dtype=np.float64).ravel()
    b = as_float_array(b, "b", dtype=np.float64).ravel()
    return a[:, None] * b[None, :]


