"""Barnes–Hut space-partitioning tree for t-SNE's repulsive forces, built and walked with vectorised NumPy.

In c = 2 dimensions the tree is a quadtree (an octree for c = 3, a binary tree
for c = 1): the root cell is the bounding box of the points, each cell is split
at its centre into 2^c children, and a cell holding a single point is a leaf.
A cell is summarised by its number of points and their centre of mass.

Both the construction and the walk run one tree level at a time over all
cells (or cell pairs) of that level at once:

- **Build.** Each point gets a Morton code, its quantised coordinates with the
  bits interleaved; sorted by code, the points of every cell of every level
  form a contiguous run, and two neighbours in that order part at the first
  level where their codes' leading c·ℓ bits differ. The cells of level ℓ are
  the runs between the positions whose parting level is at most ℓ; counts,
  centres of mass (from prefix sums) and bounding boxes follow per run.
- **Walk.** Pairs (target cell T, source cell S) start at (root, root). A pair
  is *accepted* when S, seen from every point of T, is small enough:
  ``width(S)² < angle² · dist(com(S), box(T))²`` — since no point of T is
  nearer to S's centre of mass than T's bounding box is, every point of T then
  meets scikit-learn's per-point opening criterion ``width / distance < angle``
  (van der Maaten 2014), and each point of T interacts with S's centre of
  mass. Otherwise the larger of the two cells is opened (replaced by its
  children; both when they are the same size). Two leaves that are not
  accepted interact point by point, exactly. Grouping the targets this way
  (Barnes 1990) decides for many points at once; the forces are then
  evaluated point by point.
- **Leaves.** A cell is a leaf when it holds at most ``leaf_size`` points (or
  all its points share one finest cell); scikit-learn's tree stops at single
  points. Larger leaves mean fewer levels to walk and more exact pairs.

With ``angle = 0`` no cell is ever accepted whole, every pair of points
interacts exactly, and the sums equal the O(n²) ones (:func:`direct_repulsion`).
:func:`plan` (build and walk) and :func:`forces` (evaluate a share of the
pairs) are separate so that a caller can run them beside other work.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Plan", "SpaceTree", "build", "direct_repulsion", "forces", "interactions", "plan", "repulsion"]

#: Bits per coordinate of the Morton codes: c · bits ≤ 62, so a code fits an int64.
_BITS = {1: 52, 2: 31, 3: 20}
#: (shift, mask) steps spreading the bits of a coordinate 1 (c = 2) or 2 (c = 3) places apart.
_SPREAD = {
    2: ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F), (2, 0x3333333333333333),
        (1, 0x5555555555555555)),
    3: ((32, 0x001F00000000FFFF), (16, 0x001F0000FF0000FF), (8, 0x100F00F00F00F00F), (4, 0x10C30C30C30C30C3),
        (2, 0x1249249249249249)),
}


class SpaceTree(NamedTuple):
    """A tree over m cells of n points in c dimensions, cells numbered level by level.

    order : (n,) point indices in Morton order; the points of cell k are
        ``order[start[k]:end[k]]``.
    start, end : (m,) int64 — each cell's run in that order.
    com : (m, c) — centre of mass of each cell's points.
    lo, hi : (m, c) — bounding box of each cell's points.
    width2 : (m,) — squared largest side of each cell (0 for a leaf, a single point).
    child_lo, child_hi : (m,) int64 — the children of cell k are cells child_lo[k]:child_hi[k].
    """

    order: np.ndarray
    start: np.ndarray
    end: np.ndarray
    com: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    width2: np.ndarray
    child_lo: np.ndarray
    child_hi: np.ndarray


def _morton(Y):
    """Morton codes (n,) of Y (n, c) in its bounding box, the box's sides (c,) and the bits per axis."""
    n, c = Y.shape
    bits = _BITS[c]
    lo = Y.min(axis=0)
    side = Y.max(axis=0) - lo
    side = np.where(side > 0, side * (1.0 + 2.0**-10), 1.0)   # every point strictly inside the box
    q = ((Y - lo) * (2.0**bits / side)).astype(np.int64)
    np.minimum(q, (1 << bits) - 1, out=q)
    if c == 1:
        return q[:, 0], side, bits
    code = np.zeros(n, dtype=np.int64)
    for axis in range(c):                 # a loop over the c axes, not over points
        x = q[:, axis]
        for shift, mask in _SPREAD[c]:
            x = (x | (x << shift)) & mask
        code |= x << (c - 1 - axis)
    return code, side, bits


def _parting_levels(code, c, bits):
    """For sorted codes, the level at which each point parts from its predecessor (0 for the first).

    Two codes share a cell of level ℓ while their leading c·ℓ bits agree;
    with b the bit length of their XOR, that holds up to ℓ = (c·bits − b) // c.
    Equal codes part only at level bits + 1, where every point is its own cell.
    """
    x = code[1:] ^ code[:-1]
    b = np.frexp(x.astype(np.float64))[1].astype(np.int64)    # bit length, but for rounding up to 2^b …
    b -= (b > 0) & (np.right_shift(x, np.maximum(b - 1, 0)) == 0)   # … which this undoes
    part = np.empty(code.size, dtype=np.int64)
    part[0] = 0
    part[1:] = np.where(x == 0, bits + 1, (c * bits - b) // c + 1)
    return part


def build(Y, leaf_size=1):
    """The space-partitioning tree of the points Y (n, c), c ≤ 3, down to cells of at most ``leaf_size`` points.

    Cost O(n log n) (the sort), O(n) per level.
    """
    n, c = Y.shape
    code, side, bits = _morton(Y)
    order = np.argsort(code, kind="stable")
    code = code[order]
    Ys = np.take(Y, order, axis=0)
    part = _parting_levels(code, c, bits)
    csum = np.zeros((n + 1, c))
    np.cumsum(Ys, axis=0, out=csum[1:])
    top2 = float(np.max(side)) ** 2
    levels = []
    pos = np.arange(n)                          # sorted positions of the points in cells with > 1 point
    level = 0
    while pos.size:
        first = np.flatnonzero(part[pos] <= level)   # where a run of this level begins, within pos
        start = pos[first]
        count = np.diff(first, append=pos.size)
        sub = np.take(Ys, pos, axis=0)
        com = (np.take(csum, start + count, axis=0) - np.take(csum, start, axis=0)) / count[:, None]
        levels.append((start, count, com, np.minimum.reduceat(sub, first, axis=0),
                       np.maximum.reduceat(sub, first, axis=0), np.where(count > 1, top2 / 4.0**level, 0.0)))
        pos = pos[np.repeat(count > leaf_size, count)]
        level += 1
    offset = np.cumsum([0] + [lv[0].size for lv in levels])
    child_lo, child_hi = [], []
    for ell, (start, count, *_) in enumerate(levels):
        below = levels[ell + 1][0] if ell + 1 < len(levels) else np.empty(0, dtype=np.int64)
        nxt = offset[ell + 1]
        child_lo.append(nxt + np.searchsorted(below, start))
        child_hi.append(nxt + np.searchsorted(below, start + count))
    start, count, com, lo, hi, width2 = (np.concatenate(a) for a in zip(*levels))
    return SpaceTree(order, start, start + count, com, lo, hi, width2, np.concatenate(child_lo),
                     np.concatenate(child_hi))


def _open(cells, mask, child_lo, child_hi):
    """Replace the cells where ``mask`` holds by their children: (index of the source entry, new cell) per entry."""
    lo = child_lo[cells]
    k = np.where(mask, child_hi[cells] - lo, 1)
    return np.repeat(np.arange(cells.size), k), _runs(np.where(mask, lo, cells), k)


def interactions(tree, angle):
    """The walk: accepted (target cell, source cell) pairs and leaf pairs whose points interact directly.

    A target cell T and a source cell S are accepted when they are disjoint and
    width(S)² < angle² · dist(com(S), box(T))². Otherwise the larger of the two
    is opened (both when they are the same size); two leaves that are not
    accepted interact point by point. Every ordered pair of distinct points is
    covered once. Cost: O(pairs looked at), one step per level.
    """
    a2 = float(angle) ** 2
    leaf = tree.child_lo == tree.child_hi
    T = np.zeros(1, dtype=np.int64)
    S = np.zeros(1, dtype=np.int64)
    far_T, far_S, near_T, near_S = [], [], [], []
    while T.size:
        cs = np.take(tree.com, S, axis=0)
        gap = np.maximum(np.take(tree.lo, T, axis=0) - cs, 0.0)
        gap += np.maximum(cs - np.take(tree.hi, T, axis=0), 0.0)
        dist2 = np.einsum("ij,ij->i", gap, gap)
        wT, wS = tree.width2[T], tree.width2[S]
        disjoint = (tree.end[T] <= tree.start[S]) | (tree.end[S] <= tree.start[T])
        ok = disjoint & (wS < a2 * dist2)
        far_T.append(T[ok])
        far_S.append(S[ok])
        lT, lS = leaf[T], leaf[S]
        near = ~ok & lT & lS
        near_T.append(T[near])
        near_S.append(S[near])
        rest = ~(ok | near)
        T, S, wT, wS, lT, lS = T[rest], S[rest], wT[rest], wS[rest], lT[rest], lS[rest]
        open_T = ~lT & (lS | (wT >= wS))
        open_S = ~lS & (lT | (wS >= wT))
        entry, T = _open(T, open_T, tree.child_lo, tree.child_hi)
        S, open_S = S[entry], open_S[entry]
        entry, S = _open(S, open_S, tree.child_lo, tree.child_hi)
        T = T[entry]
    cat = np.concatenate
    return cat(far_T), cat(far_S), cat(near_T), cat(near_S)


def _runs(first, size):
    """The concatenated ranges first[k] : first[k] + size[k]."""
    out = np.repeat(first - np.cumsum(size) + size, size)
    out += np.arange(out.size)
    return out


class Plan(NamedTuple):
    """The interactions of one walk: target cells T, with their point counts' running sum ``reach``, paired
    with sources S: cells (the first ``n_far`` pairs), then single points (m + sorted position); and the tree."""

    tree: SpaceTree
    T: np.ndarray
    S: np.ndarray
    reach: np.ndarray
    n_far: int


def plan(Y, angle, leaf_size=1):
    """Build the tree of Y (n, c) and walk it: the :class:`Plan` that :func:`forces` evaluates."""
    tree = build(Y, leaf_size)
    far_T, far_S, near_T, near_S = interactions(tree, angle)
    # A leaf pair is a far pair of T with each point of S, as a cell of mass 1 (numbered m + position).
    # It includes every point paired with itself once: weight 1, no force (taken out of Z by the caller).
    size_S = tree.end[near_S] - tree.start[near_S]
    T = np.concatenate((far_T, np.repeat(near_T, size_S)))
    S = np.concatenate((far_S, tree.start.size + _runs(tree.start[near_S], size_S)))
    return Plan(tree, T, S, np.cumsum(tree.end[T] - tree.start[T]), far_T.size)


def forces(Y, plan, part=0, n_parts=1, dof=1, dtype=np.float64):
    """The sums of :func:`repulsion` over part ``part`` of ``n_parts`` (about equal shares of the pair list).

    Returns (Σ wᵢⱼ, F (n, c)) over that part's pairs, self-pairs included (weight 1 each).
    """
    tree = plan.tree
    n, c = Y.shape
    total = int(plan.reach[-1]) if plan.reach.size else 0
    lo, hi = np.searchsorted(plan.reach, [total * part // n_parts, total * (part + 1) // n_parts], side="right")
    T, S = plan.T[lo:hi], plan.S[lo:hi]
    size_T = tree.end[T] - tree.start[T]
    pos = _runs(tree.start[T], size_T)
    S = np.repeat(S, size_T)
    far = int(size_T[:max(plan.n_far - lo, 0)].sum())       # entries whose source is a cell, not a point
    mw = np.ones(pos.size, dtype=dtype)
    np.take((tree.end - tree.start).astype(dtype), S[:far], out=mw[:far])
    Ys = np.take(Y, tree.order, axis=0).astype(dtype).T      # (c, n): one contiguous row per axis
    centre = np.concatenate((tree.com.astype(dtype).T, Ys), axis=1)
    diff = []
    u = np.zeros(pos.size, dtype=dtype)
    for axis in range(c):                   # a loop over the c axes, not over points
        d = np.take(Ys[axis], pos)
        d -= np.take(centre[axis], S)
        diff.append(d)
        u += d * d
    if dof != 1:
        u /= dtype(dof)
    u += 1
    np.reciprocal(u, out=u)
    mw *= u if dof == 1 else u ** ((dof + 1.0) / 2.0)
    Z = float(mw.sum(dtype=np.float64))
    mw *= u
    F = np.empty((n, c))
    for axis in range(c):                   # (float64 weights: bincount would convert float32 ones)
        F[tree.order, axis] = np.bincount(pos, weights=np.multiply(diff[axis], mw, dtype=np.float64), minlength=n)
    return Z, F


def repulsion(Y, angle, dof=1, dtype=np.float64, leaf_size=1, n_parts=1):
    """Barnes–Hut estimates of t-SNE's normaliser and repulsive forces for the embedding Y (n, c).

    Returns ``Z ≈ Σ_{i≠j} wᵢⱼ`` and ``F`` (n, c) with ``Fᵢ ≈ Σ_{j≠i} wᵢⱼ uᵢⱼ (yᵢ − yⱼ)``, where
    uᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²/ν) and wᵢⱼ = uᵢⱼ^{(ν+1)/2}; an accepted source cell
    contributes its point count times the same terms at its centre of mass.
    The per-pair arithmetic runs in ``dtype``; the sums are float64, added part by part.
    """
    p = plan(Y, angle, leaf_size)
    Z, F = 0.0, np.zeros(Y.shape)
    for k in range(n_parts):
        Zk, Fk = forces(Y, p, k, n_parts, dof, dtype)
        Z += Zk
        F += Fk
    return Z - len(Y), F


#: Points per block of :func:`direct_repulsion`: a block pair's arrays (256² float32, 256 KiB) stay in cache.
_DIRECT_BLOCK = 256


def direct_repulsion(Y, dof=1, dtype=np.float64, part=0, n_parts=1):
    """The sums of :func:`repulsion` over all n² pairs: what the tree gives with ``angle = 0``, in O(n² c).

    For small n, where pair arrays cost less than the walk. The points are cut into blocks of
    ``_DIRECT_BLOCK``; each pair of blocks I ≤ J is evaluated once, its terms added to the rows
    of I and, transposed, with the opposite sign to those of J (wᵢⱼ is symmetric): half the
    pairwise work. With ``n_parts`` > 1, only the block pairs part, part + n_parts, … : the
    partial (Z, F) of one share, which add up to the whole.

    A block's 1 + ‖yᵢ − yⱼ‖²/ν is one matrix product, aᵢ·bⱼ with aᵢ = (−2yᵢ/ν, 1 + ‖yᵢ‖²/ν, 1/ν)
    and bⱼ = (yⱼ, 1, ‖yⱼ‖²), of Y centred on its bounding box (the sums are translation
    invariant): its rounding, of order eps·max‖y‖², is far below the sums' own scale for the
    compact embeddings t-SNE makes (relative error 2·10⁻⁴ in float32 on digits; the tree at
    angle ½ is off by 4·10⁻³).
    """
    n, c = Y.shape
    Yc = Y - (Y.min(axis=0) + Y.max(axis=0)) / 2
    sq = np.einsum("ij,ij->i", Yc, Yc)
    A = np.column_stack((-2.0 / dof * Yc, 1.0 + sq / dof, np.full(n, 1.0 / dof))).astype(dtype)
    B = np.column_stack((Yc, np.ones(n), sq)).astype(dtype)
    Y1 = B[:, :c + 1]                       # [Y 1]: one product gives Σⱼ aᵢⱼ yⱼ and Σⱼ aᵢⱼ
    starts = range(0, n, _DIRECT_BLOCK)
    pairs = [(a, b) for a in starts for b in starts if b >= a][part::n_parts]
    Z, F = 0.0, np.zeros((n, c))
    # Two work arrays for every block pair (fresh ones each time would be page-faulted in anew).
    work = np.empty((2, min(n, _DIRECT_BLOCK) ** 2), dtype=dtype)
    for a, b in pairs:                      # a loop over pairs of blocks of points, not over points
        I, J = slice(a, a + _DIRECT_BLOCK), slice(b, b + _DIRECT_BLOCK)
        shape = (len(A[I]), len(A[J]))
        u, d = (buf[:shape[0] * shape[1]].reshape(shape) for buf in work)
        np.matmul(A[I], B[J].T, out=u)      # 1 + ‖yᵢ − yⱼ‖²/ν
        np.maximum(u, 1.0, out=u)           # rounding must not take it below 1
        np.reciprocal(u, out=u)
        w = u if dof == 1 else np.power(u, (dof + 1.0) / 2.0, out=d)
        if a == b:
            np.fill_diagonal(w, 0.0)        # the self-pairs
        Z += (1.0 if a == b else 2.0) * float(w.sum(axis=1).sum(dtype=np.float64))
        wu = np.multiply(w, u, out=d)
        rows = (wu @ Y1[J]).astype(np.float64)
        F[I] += rows[:, c:] * Yc[I] - rows[:, :c]
        if a != b:                          # the same pairs seen from J: wⱼᵢ = wᵢⱼ, yⱼ − yᵢ = −(yᵢ − yⱼ)
            cols = (wu.T @ Y1[I]).astype(np.float64)
            F[J] += cols[:, c:] * Yc[J] - cols[:, :c]
    return Z, F
