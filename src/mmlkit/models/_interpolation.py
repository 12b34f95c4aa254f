"""t-SNE's repulsive forces by polynomial interpolation on a grid and FFT convolution (FIt-SNE).

The repulsive half of t-SNE's gradient and its normaliser are n-body sums of
smooth kernels of the distance,

    Fᵢ = Σⱼ K(yᵢ − yⱼ) (yᵢ − yⱼ) = yᵢ Σⱼ K(yᵢ − yⱼ) − Σⱼ K(yᵢ − yⱼ) yⱼ,   Zᵢ = Σⱼ w(yᵢ − yⱼ),

with w(r) = (1 + ‖r‖²/ν)^{−(ν+1)/2} and K(r) = w(r) (1 + ‖r‖²/ν)^{−1} (wᵢⱼuᵢⱼ):
c + 2 potentials φ(yᵢ) = Σⱼ k(yᵢ − yⱼ) qⱼ of the charges q ∈ {1, y_{·,1}, …,
y_{·,c}} under K and of the unit charge under w (Linderman et al. 2019), each
computed in three steps:

1. **Spread.** The embedding's bounding box is cut into boxes of width at
   most h, each holding p equispaced interpolation nodes per axis, its two
   ends among them and shared with its neighbours, so that the nodes of all
   boxes form one uniform grid of spacing h/(p − 1). Within its box, the
   kernel's dependence on a source point is replaced by its Lagrange
   interpolant through the box's p^c nodes: each point's charges go to those
   nodes, weighted by the Lagrange basis polynomials at the point.
2. **Convolve.** On a uniform grid the node-to-node sums are a discrete
   convolution with the kernel sampled at the grid offsets: a product of
   Fourier transforms after zero padding to at least 2M − 1 per axis,
   O(M^c log M) for M nodes per axis.
3. **Gather.** The potential at a target point is interpolated back from its
   box's nodes with the same Lagrange weights.

A point's interaction with itself passes through the interpolation too: in
F it cancels exactly (the same weights carry yᵢ φ and its own charge yᵢ); from
Z its interpolated value, the same for all boxes up to the Lagrange weights,
is taken out exactly. The nodes at the box ends (FIt-SNE's are interior, so its
boxes extrapolate towards their edges) interpolate better on a smaller grid.

The interpolation error is set by the box width against the kernel's length
scale √ν (p = 3, h = ½: relative error of a few 10⁻³ in F on digits, about
the Barnes–Hut tree's at angle ½), and the cost by n p^c for spreading and
gathering plus the FFT of the grid: cheap while the embedding is compact,
dearer than a tree once it has spread over many kernel widths (the grid grows
as its volume).
"""

from __future__ import annotations

import numpy as np

__all__ = ["grid", "repulsion"]

#: Interpolation nodes per box and axis, the box's ends included: a quadratic interpolant in each box.
NODES = 3


def _smooth(m):
    """The least integer ≥ m whose prime factors are 2, 3 and 5 (a size the FFT handles fast)."""
    m = max(int(m), 1)
    while True:
        k = m
        for f in (2, 3, 5):
            while k % f == 0:
                k //= f
        if k == 1:
            return m
        m += 1


def grid(Y, box_width):
    """The interpolation grid of Y (n, c): (boxes per axis (c,), box widths (c,), lower corner (c,)).

    Per axis, the fewest boxes of width at most ``box_width`` that cover Y's range, shrunk to fit
    it exactly; an axis on which all points agree gets one box of width ``box_width`` centred on them.
    """
    lo, hi = Y.min(axis=0), Y.max(axis=0)
    span = hi - lo
    boxes = np.maximum(np.ceil(span / box_width), 1).astype(np.intp)
    width = np.where(span > 0, span / boxes, box_width)
    return boxes, width, (lo + hi) / 2 - boxes * width / 2


def _lagrange(x, p=NODES):
    """Lagrange basis (n, p) at box-relative positions x (n,) in [0, 1], nodes at k/(p − 1)."""
    t = np.arange(p) / (p - 1)
    diffs = x[:, None] - t
    L = np.empty((x.size, p))
    for a in range(p):                      # a loop over the p nodes, not over points
        num = np.ones(x.size)
        for b in range(p):
            if b != a:
                num *= diffs[:, b] / (t[a] - t[b])
        L[:, a] = num
    return L


def _kernels(r2, dof):
    """(K, w) at squared distances r2: w = (1 + r²/ν)^{−(ν+1)/2}, K = w / (1 + r²/ν)."""
    u = 1.0 / (1.0 + r2 / dof)
    w = u if dof == 1 else u ** ((dof + 1.0) / 2.0)
    return w * u, w


def _kernel_spectra(nodes, spacing, dof, size):
    """rfftn of K and w (2, *rfft shape) sampled at the offsets of a grid of ``nodes`` with ``spacing``
    (per axis), laid out circularly on ``size`` ≥ 2·nodes − 1 points per axis (offset j at index j,
    −j at size − j)."""
    r2 = np.zeros(())
    for m, h, L in zip(nodes, spacing, size):     # a loop over the c axes
        off = np.zeros(L)
        off[:m] = np.arange(m) * h
        off[L - m + 1:] = -np.arange(m - 1, 0, -1) * h
        r2 = np.add.outer(r2, off * off)
    kernels = np.stack(_kernels(r2, dof))
    for axis, m in enumerate(nodes):        # offsets ±M and beyond never occur between two nodes
        np.moveaxis(kernels, axis + 1, 1)[:, m:size[axis] - m + 1] = 0.0
    return np.fft.rfftn(kernels, axes=tuple(range(1, len(nodes) + 1)))


def _self_interaction(weight, spacing, dof):
    """Each point's interpolated w with itself (n,): Σₖₗ Lₖ Lₗ w(node k − node l) over its box's nodes."""
    local = np.stack(np.meshgrid(*(np.arange(NODES) * h for h in spacing), indexing="ij"), -1).reshape(-1, len(spacing))
    diff = local[:, None, :] - local[None, :, :]
    w = _kernels(np.einsum("klc,klc->kl", diff, diff), dof)[1]
    return np.einsum("ik,ik->i", weight @ w, weight)


def repulsion(Y, box_width, dof=1):
    """Interpolated t-SNE normaliser and repulsive forces for the embedding Y (n, c).

    Returns ``Z ≈ Σ_{i≠j} wᵢⱼ`` and ``F`` (n, c) with ``Fᵢ ≈ Σ_{j≠i} wᵢⱼ uᵢⱼ (yᵢ − yⱼ)``, as
    :func:`mmlkit.models._quadtree.repulsion`, on the :func:`grid` of boxes of width at most
    ``box_width``, with :data:`NODES` nodes per box and axis. Cost O(n NODES^c + M^c log M) for
    M grid nodes per axis.
    """
    n, c = Y.shape
    p = NODES
    boxes, width, corner = grid(Y, box_width)
    nodes = tuple(int(b) * (p - 1) + 1 for b in boxes)
    spacing = width / (p - 1)
    Yc = Y - (corner + boxes * width / 2)   # coordinates about the grid's centre: small charges
    # Step 1: each point's p^c nodes (flat grid indices) and Lagrange weights, axis by axis.
    weight, flat = np.ones((n, 1)), np.zeros((n, 1), dtype=np.intp)
    for axis in range(c):                   # a loop over the c axes, not over points
        u = (Y[:, axis] - corner[axis]) / width[axis]
        box = np.minimum(u.astype(np.intp), boxes[axis] - 1)
        L = _lagrange(u - box)
        idx = box[:, None] * (p - 1) + np.arange(p)
        weight = (weight[:, :, None] * L[:, None, :]).reshape(n, -1)
        flat = (flat[:, :, None] * nodes[axis] + idx[:, None, :]).reshape(n, -1)
    size = int(np.prod(nodes))
    charges = np.column_stack((np.ones(n), Yc))          # (n, c + 1)
    grid_charges = np.empty((c + 1, size))
    for q in range(c + 1):                  # a loop over the c + 1 charges
        grid_charges[q] = np.bincount(flat.ravel(), weights=(weight * charges[:, q, None]).ravel(), minlength=size)
    # Step 2: the node-to-node sums: K of every charge, w of the unit charge.
    axes = tuple(range(1, c + 1))
    padded = tuple(_smooth(2 * m - 1) for m in nodes)
    K_hat, w_hat = _kernel_spectra(nodes, spacing, float(dof), padded)
    spectra = np.fft.rfftn(grid_charges.reshape((c + 1, *nodes)), s=padded, axes=axes)
    spectra = np.concatenate((spectra * K_hat, spectra[:1] * w_hat))
    potential = np.fft.irfftn(spectra, s=padded, axes=axes)[(slice(None), *(slice(0, m) for m in nodes))]
    # Step 3: back to the points.
    phi = np.einsum("qik,ik->iq", np.take(potential.reshape(c + 2, size), flat, axis=1), weight)
    F = Yc * phi[:, :1] - phi[:, 1:c + 1]
    Z = float(np.sum(phi[:, c + 1] - _self_interaction(weight, spacing, dof)))
    return Z, F
