"""Graph convolution (Kipf & Welling, 2017): geometric deep learning on a fixed graph."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from mmlkit._validation import validate_args
from mmlkit.autodiff import is_grad_enabled, primitive
from mmlkit.nn import init
from mmlkit.nn.layers import Linear
from mmlkit.nn.module import Module, Parameter

__all__ = ["GraphConv", "normalized_adjacency"]


@validate_args({"add_self_loops": ["boolean"]})
def normalized_adjacency(A, add_self_loops=True):
    r"""Â = D^{-1/2} (A + I) D^{-1/2}, D the degree matrix of A + I.

    Accepts a dense array or a SciPy sparse matrix (returns the same kind).
    Symmetric normalisation keeps Â's spectrum in [−1, 1], so repeated
    propagation neither explodes nor vanishes.
    """
    sparse = sp.issparse(A)
    A = sp.csr_matrix(A, dtype=float) if sparse else np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square adjacency matrix, got shape {A.shape}")
    if not np.isfinite(A.data if sparse else A).all():
        raise ValueError("A must be finite, but it contains NaN or infinity")
    if add_self_loops:
        A = A + (sp.identity(A.shape[0], format="csr") if sparse else np.eye(A.shape[0]))
    deg = np.asarray(A.sum(axis=1)).ravel()
    if np.any(deg <= 0):
        raise ValueError("every node needs a positive degree (add self-loops or remove isolated nodes)")
    d = 1.0 / np.sqrt(deg)
    return (sp.diags(d) @ A @ sp.diags(d)).tocsr() if sparse else d[:, None] * A * d[None, :]


@primitive
def _propagate(A, H):
    return np.asarray(A @ H, dtype=H.dtype)


@_propagate.defvjp
def _propagate_vjp(g, ans, A, H):
    if is_grad_enabled():
        return None, _propagate(A.T, g)
    return None, np.asarray(A.T @ g.data, dtype=g.data.dtype)


class GraphConv(Module):
    r"""H' = Â H W + b with Â = D^{-1/2}(A + I)D^{-1/2} (a GCN layer).

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, default=True
    dtype, random_state
        As for :class:`~mmlkit.nn.Linear`; W is Glorot-uniform, b zeros.

    ``forward(H, A_hat)`` takes node features H (n, in_features) and the
    normalised adjacency (dense or SciPy sparse, from :func:`normalized_adjacency`).
    Cost O(|E|·d + n·d·d').
    """

    def __init__(self, in_features, out_features, bias=True, dtype=np.float64, random_state=None):
        super().__init__()
        self.lin = Linear(in_features, out_features, bias=False, dtype=dtype, random_state=random_state)
        init.xavier_uniform_(self.lin.weight, random_state=random_state)
        self.bias = Parameter(np.zeros(out_features), dtype=dtype) if bias else None

    def forward(self, H, A_hat):
        if A_hat.shape[0] != A_hat.shape[1] or A_hat.shape[1] != H.shape[0]:
            raise ValueError(f"A_hat must be (n, n) with n = {H.shape[0]} nodes, got {A_hat.shape}")
        out = _propagate(A_hat, self.lin(H))
        return out + self.bias if self.bias is not None else out


