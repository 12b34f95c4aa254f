"""Linear algebra from first principles: the language of data.

Every decomposition here is written from scratch on NumPy arrays (matrix
products through ``@`` are the only BLAS used) and checked against
``numpy.linalg`` / ``scipy.linalg``, which return the same things in the same
layout. Inputs are validated (finite, non-empty, the right shape) and never
modified; float32 input is computed in float64.

============================  ==========================================================
vectors                        :func:`dot`, :func:`norm`, :func:`angle`, :func:`project`,
                               :func:`cross`, :func:`outer`
orthogonalisation              :func:`gram_schmidt`, :func:`qr` (Householder in compact WY
                               blocks, Gram–Schmidt, Givens)
elimination                    :func:`lu` (blocked, partial pivoting), :func:`solve`,
                               :func:`solve_triangular`, :func:`det`, :func:`inv`
positive definite              :func:`cholesky` (recursive, blocked), :func:`is_positive_definite`
eigenvalues                    :func:`power_iteration`, :func:`eigh` (divide and conquer;
                               tridiagonal QR; Jacobi),
                               :func:`eigvalsh`, :func:`hessenberg`, :func:`eig` and
                               :func:`eigvals` (Francis double-shift QR)
singular values                :func:`svd` (divide and conquer; Golub–Kahan QR),
                               :func:`svdvals`, :func:`pinv`, :func:`lstsq`,
                               :func:`matrix_rank`, :func:`cond`,
                               :func:`orth`, :func:`null_space`
============================  ==========================================================
"""

from mmlkit.linalg.cholesky import cholesky, is_positive_definite
from mmlkit.linalg.eigen import eig, eigh, eigvals, eigvalsh, hessenberg, power_iteration
from mmlkit.linalg.lstsq import cond, lstsq, matrix_rank, null_space, orth, pinv
from mmlkit.linalg.lu import det, inv, lu, solve, solve_triangular
from mmlkit.linalg.qr import gram_schmidt, qr
from mmlkit.linalg.svd import svd, svdvals
from mmlkit.linalg.vectors import angle, cross, dot, norm, outer, project

__all__ = [
    "angle", "cholesky", "cond", "cross", "det", "dot", "eig", "eigh", "eigvals", "eigvalsh",
    "gram_schmidt", "hessenberg", "inv", "is_positive_definite", "lstsq", "lu", "matrix_rank",
    "norm", "null_space", "orth", "outer", "pinv", "power_iteration", "project", "qr", "solve", "solve_triangular",
    "svd", "svdvals",
]
