"""Figures for linear algebra: a matrix as a map of the plane, and low-rank approximation."""

from __future__ import annotations

import numpy as np

from mmlkit._validation import as_float_array, check_square
from mmlkit.viz._style import CMAP, PALETTE, new_figure

__all__ = ["low_rank_reconstructions", "singular_value_spectrum", "transformation_circle"]


def _arrow(ax, vec, color, label=None, origin=(0.0, 0.0), **kw):
    ax.annotate("", xy=(origin[0] + vec[0], origin[1] + vec[1]), xytext=origin,
                arrowprops=dict(arrowstyle="-|>", color=color, lw=2.0, shrinkA=0, shrinkB=0, **kw))
    if label:
        ax.plot([], [], color=color, lw=2.0, label=label)  # legend entry for the arrow


def transformation_circle(A, *, n_points: int = 400):
    """The unit circle and its image under a 2 × 2 matrix, with eigen- and singular vectors.

    Parameters
    ----------
    A : array_like, shape (2, 2)
    n_points : int, default=400
        Points on the circle.

    Returns
    -------
    matplotlib.figure.Figure
        Left: the unit circle with A's real eigenvectors (directions A only
        stretches, by λ) and its right singular vectors v₁, v₂. Right: the
        image ellipse ``{A x : ‖x‖ = 1}`` with ``A vᵢ = σᵢ uᵢ`` (its semi-axes)
        and ``λ x`` for each real eigenvector. A grid of points shows the map
        of the plane; ``fig.eig`` and ``fig.svd`` hold the decompositions.
    """
    from mmlkit.linalg import eig, svd

    A = as_float_array(A, "A", ndim=2, dtype=np.float64)
    check_square(A, "A")
    if A.shape != (2, 2):
        raise ValueError(f"A must be a 2 × 2 matrix, got shape {A.shape}")
    w, V = eig(A)
    U, s, Vt = svd(A)
    t = np.linspace(0, 2 * np.pi, n_points)
    circle = np.vstack([np.cos(t), np.sin(t)])
    image = A @ circle
    fig, (ax0, ax1) = new_figure(1, 2, width=4.6, height=4.6)
    g = np.linspace(-1, 1, 9)
    grid = np.array(np.meshgrid(g, g)).reshape(2, -1)
    ax0.scatter(*grid, s=4, color="0.7")
    ax1.scatter(*(A @ grid), s=4, color="0.7")
    ax0.plot(*circle, color=PALETTE[0], label="‖x‖ = 1")
    ax1.plot(*image, color=PALETTE[0], label="A x")
    for i in range(2):
        _arrow(ax0, Vt[i], PALETTE[2], f"v{i + 1} (right singular)" if i == 0 else None)
        _arrow(ax1, s[i] * U[:, i], PALETTE[2], f"σ{i + 1} u{i + 1}" if i == 0 else None)
    if np.isrealobj(w):
        for i in range(2):
            lab = "eigenvector x" if i == 0 else None
            _arrow(ax0, V[:, i], PALETTE[3], lab, linestyle="--")
            _arrow(ax1, w[i] * V[:, i], PALETTE[3], "λ x" if i == 0 else None, linestyle="--")
            ax1.annotate(f"λ{i + 1} = {w[i]:.2f}", w[i] * V[:, i], textcoords="offset points", xytext=(4, 4),
                         fontsize=8, color=PALETTE[3])
        eig_text = "real eigenvalues"
    else:
        eig_text = f"complex eigenvalues {w[0]:.2f}, {w[1]:.2f}: no real eigenvectors (a rotation)"
    for i in range(2):
        ax1.annotate(f"σ{i + 1} = {s[i]:.2f}", s[i] * U[:, i], textcoords="offset points", xytext=(4, -12),
                     fontsize=8, color=PALETTE[2])
    lim = max(1.2, 1.15 * float(np.abs(image).max()), 1.15 * float(np.abs(np.real(w)).max()))
    for ax, title in ((ax0, "input: the unit circle"), (ax1, "output: A maps it to an ellipse")):
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.axhline(0, color="0.5", lw=0.6)
        ax.axvline(0, color="0.5", lw=0.6)
        ax.set_title(title)
        ax.legend(loc="lower right", fontsize=8)
    a = A.ravel()
    fig.suptitle(f"A = [[{a[0]:.2f}, {a[1]:.2f}], [{a[2]:.2f}, {a[3]:.2f}]] — {eig_text}, det A = "
                 f"{a[0] * a[3] - a[1] * a[2]:.2f} = area scale")
    fig.eig, fig.svd = (w, V), (U, s, Vt)
    return fig


def low_rank_reconstructions(image, ranks=(1, 2, 4, 8), *, index: int = 0, shape=None):
    """Rank-k SVD approximations of an image, with their relative errors.

    Parameters
    ----------
    image : array_like, shape (h, w) or (n, h, w)
        One grey-level image: its own SVD ``X = U Σ Vᵀ`` is truncated. Or a
        stack of n images: the SVD of the centred (n, h·w) data matrix is
        truncated (principal components) and image ``index`` is rebuilt from
        the first k of them.
    ranks : sequence of int, default=(1, 2, 4, 8)
    index : int, default=0
        Which image of a stack to show.
    shape : tuple, optional
        Unused for 2-D input; for a stack, the (h, w) of each image (taken from
        the input when None).

    Returns
    -------
    matplotlib.figure.Figure
        The original and one panel per rank, titled with
        ``‖X − X_k‖_F / ‖X‖_F``. ``fig.errors`` holds those errors and
        ``fig.captured`` the fraction ``Σ_{i≤k} σᵢ² / Σ σᵢ²`` per rank.

    Notes
    -----
    Eckart–Young: ``X_k = Σ_{i≤k} σᵢ uᵢ vᵢᵀ`` is the best rank-k approximation
    in Frobenius norm, with error ``(Σ_{i>k} σᵢ²)^{1/2}``.
    """
    from mmlkit.linalg import svd

    X = as_float_array(image, "image", ndim=(2, 3), dtype=np.float64)
    ranks = [int(k) for k in ranks]
    if not ranks or min(ranks) < 1:
        raise ValueError(f"ranks must be positive integers, got {ranks}")
    if X.ndim == 2:
        target, h_w = X, X.shape
        U, s, Vt = svd(X)
        recon = [(U[:, :k] * s[:k]) @ Vt[:k] for k in ranks]
    else:
        h_w = shape or X.shape[1:]
        if not 0 <= index < X.shape[0]:
            raise ValueError(f"index must be in [0, {X.shape[0]}), got {index}")
        D = X.reshape(X.shape[0], -1)
        mean = D.mean(axis=0)
        U, s, Vt = svd(D - mean)
        target = X[index]
        x = D[index] - mean
        recon = [(mean + (x @ Vt[:k].T) @ Vt[:k]).reshape(h_w) for k in ranks]
    energy = np.cumsum(s ** 2) / np.sum(s ** 2)
    captured = [float(energy[min(k, len(s)) - 1]) for k in ranks]
    errors = [float(np.linalg.norm(target - R) / np.linalg.norm(target)) for R in recon]
    fig, axes = new_figure(1, len(ranks) + 1, width=1.9, height=2.3)
    vmin, vmax = float(target.min()), float(target.max())
    axes[0].imshow(target, cmap=CMAP if X.ndim == 2 else "gray_r", vmin=vmin, vmax=vmax)
    axes[0].set_title("original", fontsize=9)
    for ax, k, R, err, cap in zip(axes[1:], ranks, recon, errors, captured):
        ax.imshow(R, cmap=CMAP if X.ndim == 2 else "gray_r", vmin=vmin, vmax=vmax)
        ax.set_title(f"rank {k}\nerror {err:.0%}", fontsize=9)
        ax.set_xlabel(f"{cap:.0%} of σ² kept", fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
    fig.errors, fig.captured = errors, captured
    return fig


def singular_value_spectrum(A, *, mark: int | None = None):
    """Singular values of a matrix and the cumulative share of ``‖A‖_F² = Σ σᵢ²`` they carry.

    Parameters
    ----------
    A : array_like, shape (m, n)
    mark : int, optional
        A rank to mark on both panels.

    Returns
    -------
    matplotlib.figure.Figure
        Left: σᵢ on a log scale (values below ``ε σ₁``, zero to working
        precision, drawn at that floor). Right: ``Σ_{j≤i} σⱼ² / Σ σⱼ²``.
    """
    from mmlkit.linalg import svd

    A = as_float_array(A, "A", ndim=2, dtype=np.float64)
    s = svd(A, compute_uv=False)
    i = np.arange(1, len(s) + 1)
    share = np.cumsum(s ** 2) / np.sum(s ** 2)
    fig, (ax0, ax1) = new_figure(1, 2, width=4.2, height=3.2)
    floor = (s[0] if s[0] > 0 else 1.0) * np.finfo(float).eps  # (numerically) zero values sit on the floor
    ax0.semilogy(i, np.maximum(s, floor), "o-", ms=3, color=PALETTE[0])
    ax0.set_ylim(floor / 3, None)
    ax0.set_xlabel("i")
    ax0.set_ylabel("σᵢ")
    ax0.set_title("singular values")
    ax1.plot(i, share, "o-", ms=3, color=PALETTE[1])
    ax1.set_ylim(0, 1.02)
    ax1.set_xlabel("rank k")
    ax1.set_ylabel("share of Σσ² kept")
    ax1.set_title("energy captured by rank k")
    if mark is not None and 1 <= mark <= len(s):
        for ax, y in ((ax0, s[mark - 1]), (ax1, share[mark - 1])):
            ax.axvline(mark, color="0.5", ls=":", lw=1)
            ax.plot([mark], [y], "o", color=PALETTE[3])
        ax1.annotate(f"{share[mark - 1]:.0%} at k = {mark}", (mark, share[mark - 1]), textcoords="offset points",
                     xytext=(6, -14), fontsize=8)
    return fig
