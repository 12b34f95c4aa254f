"""Support vector classification: the soft-margin dual solved by SMO, as libsvm solves it."""

from __future__ import annotations

import functools
import math
import warnings
from collections import OrderedDict
from numbers import Integral, Real

import numpy as np
from scipy.linalg.blas import daxpy
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import dask_unsupported
from mmlkit._scaling import power_of_two_scale, rescale
from mmlkit._validation import (
    Interval,
    Options,
    check_classification_labels,
    check_random_state,
    check_sample_weight,
    validate_data,
    validate_params,
)
from mmlkit.exceptions import ConvergenceWarning, NotFittedError
from mmlkit.models._init import single_blas_thread
from mmlkit.models._kernels import (
    KERNEL_PARAMETERS,
    KERNELS,
    kernel_block_into,
    kernel_diagonal,
    kernel_matrix,
    resolve_gamma,
)

__all__ = ["SVC"]

_TAU = 1e-12  # curvature floor for non-PSD kernels (libsvm's TAU)
_WHOLE_MATRIX_ROWS, _WHOLE_MATRIX_FLOPS = 256, 2**20   # a subproblem this small computes its whole K at once
_BLOCK_ENTRIES = 2**13    # kernel entries per temporary block in matvec (64 KiB)
_FLOAT64_STORE_BYTES = 2**24   # a row store of all m rows within 16 MiB is float64; a larger one float32
_ONE_BLOCK_FLOPS = 2**18   # kernel_matrix fills a product this small as one block, BLAS on one thread by itself
_UNSCALED_EXPONENT = 128   # data within 2^±128 are fitted as given; beyond, in power-of-two units
_C_EXPONENT = 400          # the box of the problem in units is held within 2^±400 (see SVC._in_units)


class _RowCache:
    """Rows K[t, :] of the kernel matrix of an m-point (sub)problem, computed on demand.

    libsvm's kernel cache: rows live in an LRU store of ``capacity_bytes / (m ·
    itemsize)`` slots (every row, when that is at least m). A miss computes
    k(x_t, X) in float64 — one matrix-vector product and O(m) in-place work —
    into its slot and evicts the least recently used row. Only the rows SMO
    actually visits are ever computed (often far fewer than m), and the store
    grows with them: its slots are allocated a chunk of rows at a time (about
    1/64 of the capacity each, never copied), so a fit holds memory for the
    rows it visited, not for the whole capacity.

    The store is float64 while all m rows would take at most 16 MiB, and
    float32 beyond, as libsvm's cache always is (half the memory; SMO widens
    each row it uses back to float64, so every sum is still taken in float64).

    ``matrix`` gives a precomputed Gram matrix instead of inputs X; a small
    problem (m ≤ 256 and m² d ≤ 2²⁰, the whole matrix within the capacity)
    computes its whole Gram matrix at once, one BLAS product being cheaper
    than the rows one by one.
    """

    def __init__(self, X: np.ndarray | None, capacity_bytes: float, *, kernel: str = "rbf", gamma: float = 1.0,
                 degree: float = 3, coef0: float = 0.0, matrix: np.ndarray | None = None):
        self.X, self.matrix = X, matrix
        self.reversed = None   # a whole matrix computed here: K[:, ::-1], contiguous (``matrix`` views it)
        self.m = matrix.shape[0] if matrix is not None else X.shape[0]
        self.params = dict(kernel=kernel, gamma=gamma, degree=degree, coef0=coef0)
        if matrix is None and self.m <= _WHOLE_MATRIX_ROWS and self.m**2 * X.shape[1] <= _WHOLE_MATRIX_FLOPS \
                and 8 * self.m**2 <= capacity_bytes:
            # stored with its columns reversed (see row_reversed); ``matrix`` is the view of K itself
            self.reversed = np.ascontiguousarray(self._whole_matrix(X)[:, ::-1])
            self.matrix = self.reversed[:, ::-1]
        if self.matrix is None:
            self.sq = np.einsum("ij,ij->i", X, X)
            # float64 rows while the whole store stays small (exact, and no widening per iteration)
            self.dtype = np.float64 if 8 * self.m**2 <= _FLOAT64_STORE_BYTES else np.float32
            if kernel == "rbf":
                # −γ‖x_t − x‖² = 2γ x_t·x − γ‖x‖² − γ‖x_t‖² as one product with an augmented row:
                # [2γx, −γ‖x‖², 1] · [x_t, 1, −γ‖x_t‖²], the rows of X taken last to first.
                self.X_aug = np.empty((self.m, X.shape[1] + 2))
                np.multiply(X[::-1], 2.0 * gamma, out=self.X_aug[:, :-2])
                np.multiply(self.sq[::-1], -gamma, out=self.X_aug[:, -2])
                self.X_aug[:, -1] = 1.0
                self.query = np.ones(X.shape[1] + 2)
            else:
                self.X_rev, self.sq_rev = np.ascontiguousarray(X[::-1]), np.ascontiguousarray(self.sq[::-1])
            self.work = np.empty(self.m)      # a row in float64, before it is rounded into its slot
            itemsize = np.dtype(self.dtype).itemsize
            self.capacity = min(self.m, max(2, int(capacity_bytes // (itemsize * self.m))))  # i's row survives j's
            self.chunk_rows = max(16, -(-self.capacity // 256))
            self.chunks: list[np.ndarray] = []   # slot s is row s % chunk_rows of chunk s // chunk_rows
            self.views: list[np.ndarray] = []    # slot s is views[s]
            self.slots: OrderedDict[int, int] = OrderedDict()
        self.Kd = None    # set by keep_curvature

    def keep_curvature(self, Kd: np.ndarray) -> bool:
        """Keep beside each float64 row t its curvatures aₜ = max(K_tt + Kd − 2K_t, τ) (SMO's aₜ for i = t).

        Working-set selection needs them for every i it picks; kept with the row, they are
        computed once per row instead of once per iteration. Not for a precomputed or a
        float32 store (their memory matters more). Returns whether they are kept.
        """
        if self.X is None or (self.matrix is None and self.dtype != np.float64):
            return False
        self.Kd, self.Kd_rev = Kd, np.ascontiguousarray(Kd[::-1])
        if self.matrix is not None:
            self.curv_matrix = np.multiply(self.matrix[:, ::-1], -2.0)   # columns reversed, as the rows
            self.curv_matrix += self.Kd_rev
            self.curv_matrix += Kd[:, None]
            np.maximum(self.curv_matrix, _TAU, out=self.curv_matrix)
        else:
            self.curv_views: list[np.ndarray] = []
            for chunk in self.chunks:
                self.curv_views.extend(np.empty_like(chunk))
            for t, slot in self.slots.items():
                self._fill_curvature(t, self.views[slot], self.curv_views[slot])
        return True

    def _fill_curvature(self, t, row_rev, out):
        np.multiply(row_rev, -2.0, out=out)
        out += self.Kd_rev
        out += self.Kd.item(t)
        np.maximum(out, _TAU, out=out)

    def curvature_reversed(self, t: int) -> np.ndarray:
        """The curvature row of t, last column first, which ``row_reversed(t)`` has just made current."""
        if self.matrix is not None:
            return self.curv_matrix[t]
        return self.curv_views[self.slots[t]]

    def _whole_matrix(self, X):
        """K of a small problem in one product (for rbf the rows' own formula, so the same values)."""
        if self.params["kernel"] != "rbf":
            return kernel_matrix(X, **self.params)
        gamma, sq = self.params["gamma"], np.einsum("ij,ij->i", X, X)
        K = _augmented(X, 2.0 * gamma, -gamma * sq, 1.0) @ _augmented(X, 1.0, 1.0, -gamma * sq).T
        np.minimum(K, 0.0, out=K)
        np.exp(K, out=K)
        K.flat[::self.m + 1] = 1.0   # the diagonal
        return K

    def _slot(self, s: int) -> np.ndarray:
        if s == len(self.views):    # slots are taken in order: the next chunk is needed
            chunk = np.empty((min(self.chunk_rows, self.capacity - s), self.m), dtype=self.dtype)
            self.chunks.append(chunk)
            self.views.extend(chunk)
            if self.Kd is not None:
                self.curv_views.extend(np.empty_like(chunk))
        return self.views[s]

    def row(self, t: int) -> np.ndarray:
        """K[t, :] (a view; do not write to it)."""
        return self.row_reversed(t)[::-1]

    def row_reversed(self, t: int) -> np.ndarray:
        """K[t, ::-1], contiguous: the store keeps each row last column first.

        SMO works on its variables in reverse order, so that NumPy's argmax (the first
        maximum, and fast only forwards) breaks ties to the last index as libsvm does.
        """
        if self.reversed is not None:
            return self.reversed[t]
        if self.matrix is not None:
            return self.matrix[t, ::-1]
        slot = self.slots.get(t)
        if slot is not None:
            self.slots.move_to_end(t)
            return self.views[slot]
        if len(self.slots) < self.capacity:
            slot = len(self.slots)
        else:
            _, slot = self.slots.popitem(last=False)
        out = self._slot(slot)
        work = out if self.dtype is np.float64 else self.work   # float32: computed in float64, then rounded
        if self.params["kernel"] == "rbf":   # one matrix-vector product and two in-place passes
            q = self.query
            q[:-2] = self.X[t]
            q[-1] = self.X_aug.item(self.m - 1 - t, -2)
            np.dot(self.X_aug, q, out=work)
            np.minimum(work, 0.0, out=work)    # ‖x_t − x‖² ≥ 0, whatever the round-off
            np.exp(work, out=out)
            out[self.m - 1 - t] = 1.0         # k(x_t, x_t) = 1 exactly (the expansion leaves round-off)
        else:
            kernel_block_into(work[None, :], self.X[t:t + 1], self.X_rev, z_sq=self.sq_rev, **self.params)
            if work is not out:
                out[...] = work
        self.slots[t] = slot
        if self.Kd is not None:
            self._fill_curvature(t, out, self.curv_views[slot])
        return out

    def block(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """K[rows][:, cols] as a new array (computed from X, or gathered from the Gram matrix)."""
        if self.matrix is not None:
            return self.matrix[np.ix_(rows, cols)]
        out = np.empty((rows.size, cols.size))
        return kernel_block_into(out, self.X[rows], self.X[cols], z_sq=self.sq[cols], **self.params)

    def matvec(self, rows: np.ndarray, cols: np.ndarray, c: np.ndarray) -> np.ndarray:
        """K[rows][:, cols] @ c, without keeping the block.

        K is symmetric, so the cached rows of ``cols`` serve: their part is one
        product of c with each chunk of the cache store (no copy); only uncached
        columns are computed, in row blocks.
        """
        out = np.zeros(rows.size)
        if self.matrix is None and self.slots:
            slot_of = np.full(self.m, -1)
            cached_t = np.fromiter(self.slots.keys(), dtype=np.intp, count=len(self.slots))
            slot_of[cached_t] = np.fromiter(self.slots.values(), dtype=np.intp, count=len(self.slots))
            hit = slot_of[cols] >= 0
            if hit.any():
                w = np.zeros(self.capacity)
                w[slot_of[cols[hit]]] = c[hit]
                Kc, filled = np.zeros(self.m), len(self.slots)   # slots past `filled` hold no row yet
                step = max(1, _BLOCK_ENTRIES // self.m)   # float32 rows meet w in float64 a few at a time
                for first, chunk in zip(range(0, filled, self.chunk_rows), self.chunks):
                    for start in range(first, min(filled, first + chunk.shape[0]), step):
                        stop = min(filled, start + step, first + chunk.shape[0])
                        Kc += w[start:stop] @ chunk[start - first:stop - first].astype(np.float64)
                out += Kc[self.m - 1 - rows]   # the store's columns are reversed
                cols, c = cols[~hit], c[~hit]
        if cols.size:
            step = max(1, _BLOCK_ENTRIES // cols.size)
            for start in range(0, rows.size, step):
                out[start:start + step] += self.block(rows[start:start + step], cols) @ c
        return out

    def subset(self, idx: np.ndarray, capacity_bytes: float) -> _RowCache:
        """The cache of the subproblem on the points idx."""
        if self.X is None:
            return _RowCache(None, capacity_bytes, matrix=self.matrix[np.ix_(idx, idx)])
        return _RowCache(self.X[idx], capacity_bytes, **self.params)


def _augmented(X, scale, second_last, last):
    """[scale·X, second_last, last] (m, d + 2), the two extra columns given as arrays or numbers:
    an operand of the rbf kernel's one product (the values ``np.hstack`` would give, in one array)."""
    m, d = X.shape
    out = np.empty((m, d + 2))
    if scale == 1.0:
        out[:, :d] = X
    else:
        np.multiply(X, scale, out=out[:, :d])
    out[:, d] = second_last
    out[:, d + 1] = last
    return out


def _subset_cache(X, capacity_bytes, params, idx):
    """The row cache of the subproblem on the points idx of X (as ``_RowCache.subset``)."""
    return _RowCache(X if idx.size == X.shape[0] else X[idx], capacity_bytes, **params)


class _SMOResult:
    __slots__ = ("alpha", "rho", "n_iter", "converged", "objective")

    def __init__(self, alpha, rho, n_iter, converged, objective):
        self.alpha, self.rho, self.n_iter, self.converged, self.objective = alpha, rho, n_iter, converged, objective


class _ActiveSet:
    """The variables SMO works on (all, or those left by shrinking), gathered into contiguous arrays.

    ``F`` is −y ⊙ ∇f on these variables. The index sets are kept as numbers so
    that each iteration is a few whole-array passes, with no boolean gathers:
    ``up_pen`` is 0 on I_up and −∞ elsewhere (so max(F + up_pen) is the max of F
    over I_up) and ``low_w`` is 1 on I_low and 0 elsewhere (a weight). ``v``
    and ``quad`` are the working-set selection's scratch.
    """

    __slots__ = ("idx", "F", "alpha", "y", "C", "Kd", "up_pen", "low_w", "v", "quad", "zeros", "last")

    def __init__(self, idx, alpha, F, y, C, Kd):
        if idx.size == alpha.size:   # every variable: the solver's own arrays, no copies
            a, yy, cc, FF, KK = alpha, y, C, F, Kd
        else:
            a, yy, cc, FF, KK = alpha[idx], y[idx], C[idx], F[idx], Kd[idx]
        self.idx, self.F, self.alpha, self.y, self.C, self.Kd = idx, FF, a, yy, cc, KK
        self.up_pen = np.where(np.where(yy > 0, a < cc, a > 0), 0.0, -np.inf)
        self.low_w = np.where(yy > 0, a > 0, a < cc).astype(np.float64)
        self.v, self.quad = np.empty(idx.size), np.empty(idx.size)
        self.zeros = np.zeros(idx.size)   # max(b, 0) against an array: no scalar conversion per call
        self.last = idx.size - 1

    def set_membership(self, t, at, yt, ct):
        """Whether variable t is in I_up and in I_low, now that its α is ``at`` (label yt, bound ct)."""
        self.up_pen[t] = 0.0 if (at < ct if yt > 0 else at > 0) else -np.inf
        self.low_w[t] = 1.0 if (at > 0 if yt > 0 else at < ct) else 0.0


def solve_pair(ai, aj, yi, yj, Ci, Cj, Gi, Gj, a):
    """The two-variable subproblem of SMO in closed form, clipped to the box (Platt 1998; libsvm).

    With the other variables fixed, yᵢαᵢ + yⱼαⱼ stays constant, so the pair moves
    along a line: αᵢ − αⱼ = diff (yᵢ ≠ yⱼ) or αᵢ + αⱼ = total (yᵢ = yⱼ). The
    unconstrained step along it is δ = (∓Gᵢ − Gⱼ)/a with a = Kᵢᵢ + Kⱼⱼ − 2Kᵢⱼ,
    and the box 0 ≤ α ≤ C bounds αⱼ to [L, H]:

        yᵢ ≠ yⱼ:  L = max(0, −diff),        H = min(Cⱼ, Cᵢ − diff)
        yᵢ = yⱼ:  L = max(0, total − Cᵢ),   H = min(Cⱼ, total)

    Each bound is met by one variable reaching 0 or its C; that variable is
    set exactly to the bound and the other follows from the line (so no
    round-off moves a bounded variable off its bound). Returns the new (αᵢ, αⱼ).
    """
    if yi != yj:
        delta = (-Gi - Gj) / a
        diff = ai - aj
        ai, aj = ai + delta, aj + delta
        # below L: αⱼ = 0 when diff > 0, else αᵢ = 0
        if diff > 0:
            if aj < 0:
                aj, ai = 0.0, diff
        elif ai < 0:
            ai, aj = 0.0, -diff
        # above H: αᵢ = Cᵢ when Cᵢ − diff < Cⱼ, else αⱼ = Cⱼ
        if diff > Ci - Cj:
            if ai > Ci:
                ai, aj = Ci, Ci - diff
        elif aj > Cj:
            aj, ai = Cj, Cj + diff
        return ai, aj
    delta = (Gi - Gj) / a
    total = ai + aj
    ai, aj = ai - delta, aj + delta
    # below L: αᵢ = Cᵢ when total > Cᵢ, else αⱼ = 0
    if total > Ci:
        if ai > Ci:
            ai, aj = Ci, total - Ci
    elif aj < 0:
        aj, ai = 0.0, total
    # above H: αⱼ = Cⱼ when total > Cⱼ, else αᵢ = 0
    if total > Cj:
        if aj > Cj:
            aj, ai = Cj, total - Cj
    elif ai < 0:
        ai, aj = 0.0, total
    return ai, aj


class _SMO:
    """One SMO solve of the C-SVC dual: α and F = −y ⊙ ∇f on all n variables, and the active set.

    The variables are held last to first (variable u is sample n − 1 − u, and the
    cache hands out its rows reversed to match): NumPy's argmax returns the first
    maximum, so ties then go to the last sample, as in libsvm's ">=" scans, with
    no reversed (slow, strided) pass per iteration. ``result`` puts them back.
    """

    def __init__(self, cache, Kd, y, C, tol):
        self.cache, self.tol, self.n = cache, tol, y.shape[0]
        self.Kd, self.y, self.C = Kd[::-1].copy(), y[::-1].astype(np.float64), C[::-1].copy()
        n = self.n
        self.alpha = np.zeros(n)
        self.F = self.y.copy()  # α = 0: ∇f = −1, so F = y
        self.everything = np.arange(n)
        self.active = _ActiveSet(self.everything, self.alpha, self.F, self.y, self.C, self.Kd)
        self.shrunk = False     # some variables are set aside
        self.unshrunk = False   # the one-time unshrink near the optimum has happened
        self.row_i, self.row_j = np.empty(n), np.empty(n)   # float32 rows widened to float64
        self.curvature_kept = cache.keep_curvature(Kd)
        self.widen = cache.matrix is None and cache.dtype is np.float32

    def select_working_set(self):
        """i = argmax_{I_up} F; j = argmax_{t ∈ I_low, bₜ>0} bₜ²/aₜ. None when m − M < tol (optimal)."""
        A = self.active
        if A.last < 0:
            return None
        v = np.add(A.F, A.up_pen, out=A.v)
        i = int(v.argmax())
        m_up = v.item(i)
        if not math.isfinite(m_up):   # I_up is empty
            return None
        b = np.subtract(m_up, A.F, out=v)   # v is spent: its buffer takes b
        np.maximum(b, A.zeros, out=b)
        b *= A.low_w
        if b.item(int(b.argmax())) < self.tol:   # m − M = max b
            return None
        ti = self.n - 1 - A.idx.item(i)
        Ki = self._row(ti, self.row_i)
        b *= b
        b /= self._curvature(ti, i, Ki)
        j = int(b.argmax())
        return i, j, Ki, self._row(self.n - 1 - A.idx.item(j), self.row_j)

    def _curvature(self, t, i, Ki):
        """aₜ = Kᵢᵢ + Kₜₜ − 2Kᵢₜ on the active set, floored at τ: kept by the cache beside row i, or computed."""
        if self.curvature_kept:
            a = self.cache.curvature_reversed(t)
            return a[self.active.idx] if self.shrunk else a
        A = self.active
        quad = np.multiply(Ki, -2.0, out=A.quad)
        quad += A.Kd
        quad += A.Kd.item(i)
        return np.maximum(quad, _TAU, out=quad)

    def _row(self, t, buf):
        """Row t of K on the active variables (in their order), float64 (a float32 row is widened into ``buf``)."""
        K = self.cache.row_reversed(t)
        if self.shrunk:
            K = K[self.active.idx]
        if not self.widen:
            return K
        out = buf[:K.size]
        np.copyto(out, K)
        return out

    def update_pair(self, i, j, Ki, Kj):
        """Solve the pair, then F −= yᵢΔαᵢ Kᵢ + yⱼΔαⱼ Kⱼ (BLAS axpy, in place: F is contiguous)."""
        A = self.active
        # Python floats (.item): the same IEEE arithmetic as NumPy scalars, at a fraction of the cost
        yi, yj, ai_old, aj_old = A.y.item(i), A.y.item(j), A.alpha.item(i), A.alpha.item(j)
        Ci, Cj = A.C.item(i), A.C.item(j)
        a = A.Kd.item(i) + A.Kd.item(j) - 2.0 * Ki.item(j)
        ai, aj = solve_pair(ai_old, aj_old, yi, yj, Ci, Cj, -yi * A.F.item(i), -yj * A.F.item(j),
                            a if a > 0 else _TAU)
        A.alpha[i], A.alpha[j] = ai, aj
        A.F = daxpy(Ki, A.F, a=-yi * (ai - ai_old))
        A.F = daxpy(Kj, A.F, a=-yj * (aj - aj_old))
        A.set_membership(i, ai, yi, Ci)
        A.set_membership(j, aj, yj, Cj)

    def _store(self):
        A = self.active
        self.alpha[A.idx], self.F[A.idx] = A.alpha, A.F

    def _activate(self, idx):
        self.active = _ActiveSet(idx, self.alpha, self.F, self.y, self.C, self.Kd)

    def shrink(self):
        """Set aside bounded variables whose F lies beyond [M, m] on the wrong side (Joachims 1999).

        Near the optimum (m − M ≤ 10 tol) every variable is brought back once first,
        as libsvm does, so that none stays aside on a stale gradient.
        """
        A = self.active
        m_up = float((A.F + A.up_pen).max())
        M_low = float(np.where(A.low_w > 0, A.F, np.inf).min())
        if not self.unshrunk and m_up - M_low <= 10 * self.tol:
            self.unshrunk = True
            if self.shrunk:
                self.unshrink()
                A = self.active
        up, low = A.up_pen == 0.0, A.low_w > 0
        at_bound = (A.alpha <= 0) | (A.alpha >= A.C)
        drop = at_bound & (((low & ~up) & (A.F > m_up)) | ((up & ~low) & (A.F < M_low)))
        if drop.any():
            self._store()
            self._activate(A.idx[~drop])
            self.shrunk = True

    def unshrink(self):
        """Bring every variable back, its F rebuilt from scratch: F = y − K (y ⊙ α)."""
        self._store()
        self._rebuild_inactive()
        self._activate(self.everything)
        self.shrunk = False

    def _rebuild_inactive(self):
        inactive = np.setdiff1d(self.everything, self.active.idx, assume_unique=True)
        sv = np.flatnonzero(self.alpha)
        if inactive.size:
            y, last = self.y, self.n - 1
            # in the samples' own order (ascending), as the cache indexes them
            F_sv = self.cache.matvec(last - inactive[::-1], last - sv[::-1], (y * self.alpha)[sv][::-1])[::-1] \
                if sv.size else 0.0
            self.F[inactive] = y[inactive] - F_sv

    def result(self, n_iter, converged):
        """α, ρ (the mean of y∇f over free variables, else the middle of the feasible interval), f(α)."""
        self._store()
        if self.shrunk:
            self._rebuild_inactive()
        alpha, F = self.alpha[::-1].copy(), self.F[::-1]   # back in the samples' order
        y, C = self.y[::-1], self.C[::-1]
        yg = -F
        upper, lower = alpha >= C, alpha <= 0
        free = ~upper & ~lower
        n_free = np.count_nonzero(free)
        if n_free:
            rho = float(yg[free].sum() / n_free)   # the mean (its arithmetic: pairwise sum, one division)
        else:
            ub_set = (upper & (y < 0)) | (lower & (y > 0))
            lb_set = (upper & (y > 0)) | (lower & (y < 0))
            ub = yg[ub_set].min() if ub_set.any() else np.inf
            lb = yg[lb_set].max() if lb_set.any() else -np.inf
            rho = float((ub + lb) / 2)
        objective = float(np.dot(alpha, -y * F - 1.0) / 2)
        return _SMOResult(alpha, rho, n_iter, converged, objective)


def _smo(cache: _RowCache, Kd: np.ndarray, y: np.ndarray, C: np.ndarray, tol: float, max_iter: int,
         shrinking: bool) -> _SMOResult:
    """Solve the C-SVC dual by SMO with second-order working-set selection (libsvm's Solver).

    minimise ½ αᵀQα − 1ᵀα  subject to 0 ≤ αᵢ ≤ Cᵢ, yᵀα = 0, with Qᵢⱼ = yᵢyⱼKᵢⱼ.

    The state is F = −y ⊙ ∇f(α), ∇f = Qα − 1. With I_up = {t: yₜ=+1, αₜ<Cₜ or
    yₜ=−1, αₜ>0} and I_low its mirror, α is optimal iff m(α) = max_{I_up} F ≤
    M(α) = min_{I_low} F. The algorithm::

        repeat
            every min(n, 1000) iterations: shrink          (if shrinking)
            (i, j) ← select_working_set                    i = argmax_{I_up} F,
                                                           j = argmax_{I_low} bₜ²/aₜ (Fan, Chen & Lin 2005)
            if m − M < tol:                                optimal on the active set
                stop if nothing is shrunk, else unshrink and go on
            (αᵢ, αⱼ) ← solve_pair                         closed form, clipped to [L, H]
            F −= yᵢΔαᵢ Kᵢ + yⱼΔαⱼ Kⱼ

    with bₜ = m − Fₜ and aₜ = Kᵢᵢ + Kₜₜ − 2Kᵢₜ. Each iteration is O(|active|)
    vectorised work plus two kernel rows from the cache.
    """
    n = y.shape[0]
    smo = _SMO(cache, Kd, y, C, tol)
    counter_reset = min(n, 1000)
    counter = counter_reset + 1
    limit = max_iter if max_iter > 0 else max(10_000_000, 100 * n)
    n_iter, converged = 0, False
    while n_iter < limit:
        counter -= 1
        if counter == 0:
            counter = counter_reset
            if shrinking:
                smo.shrink()
        pair = smo.select_working_set()
        if pair is None:
            if not smo.shrunk:
                converged = True
                break
            smo.unshrink()
            counter = 2  # take one step on the full problem, then shrink again (libsvm's counter = 1)
            continue
        smo.update_pair(*pair)
        n_iter += 1
    return smo.result(n_iter, converged)


def _sigmoid_train(dec: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid P(y=+1 | f) = 1 / (1 + exp(A f + B)) fitted by Newton's method.

    Minimises the cross-entropy against Platt's smoothed targets t₊ = (N₊+1)/(N₊+2),
    t₋ = 1/(N₋+2) with a backtracking Newton method (Lin, Lin & Weng 2007,
    as in libsvm). O(n) per iteration.
    """
    prior1 = int((labels > 0).sum())
    prior0 = labels.size - prior1
    t = np.where(labels > 0, (prior1 + 1.0) / (prior1 + 2.0), 1.0 / (prior0 + 2.0))

    def objective(A, B):
        f = dec * A + B
        return float(np.sum((t - 1.0) * f + np.logaddexp(0.0, f)))

    A, B = 0.0, float(np.log((prior0 + 1.0) / (prior1 + 1.0)))
    fval = objective(A, B)
    for _ in range(100):
        f = dec * A + B
        p = expit(-f)  # 1 / (1 + e^f)
        d2 = p * (1.0 - p)
        h11 = 1e-12 + float(np.dot(dec * dec, d2))
        h22 = 1e-12 + float(d2.sum())
        h21 = float(np.dot(dec, d2))
        d1 = t - p
        g1, g2 = float(np.dot(dec, d1)), float(d1.sum())
        if abs(g1) < 1e-5 and abs(g2) < 1e-5:
            break
        det = h11 * h22 - h21 * h21
        dA = -(h22 * g1 - h21 * g2) / det
        dB = -(-h21 * g1 + h11 * g2) / det
        gd = g1 * dA + g2 * dB
        step = 1.0
        while step >= 1e-10:
            newA, newB = A + step * dA, B + step * dB
            newf = objective(newA, newB)
            if newf < fval + 1e-4 * step * gd:
                A, B, fval = newA, newB, newf
                break
            step /= 2.0
        else:
            break
    return A, B


def _pairwise_coupling(r: np.ndarray) -> np.ndarray:
    """Class probabilities from pairwise ones (Wu, Lin & Weng 2004, method 2; libsvm).

    r has shape (n, k, k) with r[:, i, j] ≈ P(y = i | y ∈ {i, j}). Solves
    min_p pᵀQp subject to Σp = 1, Qₜₜ = Σ_{j≠t} rⱼₜ², Qₜⱼ = −rⱼₜ rₜⱼ, by the
    fixed-point iteration of the paper, vectorised over the n samples (each
    sample stops once its own optimality gap is below 0.005 / k).
    """
    n, k, _ = r.shape
    rt = np.swapaxes(r, 1, 2)
    Q = -rt * r
    off = ~np.eye(k, dtype=bool)
    Q[:, np.arange(k), np.arange(k)] = np.sum(np.where(off[None], rt**2, 0.0), axis=2)
    p = np.full((n, k), 1.0 / k)
    eps = 0.005 / k
    active = np.ones(n, dtype=bool)
    for _ in range(max(100, k)):
        Qp = np.einsum("ntj,nj->nt", Q, p)
        pQp = np.einsum("nt,nt->n", p, Qp)
        active &= np.abs(Qp - pQp[:, None]).max(axis=1) >= eps
        if not active.any():
            break
        for t in range(k):
            diff = np.where(active, (-Qp[:, t] + pQp) / Q[:, t, t], 0.0)
            p[:, t] += diff
            scale = 1.0 + diff
            pQp = (pQp + diff * (diff * Q[:, t, t] + 2.0 * Qp[:, t])) / scale**2
            Qp = (Qp + diff[:, None] * Q[:, t, :]) / scale[:, None]
            p /= scale[:, None]
    return p


def _ovr_decision(votes_for_first: np.ndarray, confidences: np.ndarray, n_classes: int) -> np.ndarray:
    """One-vs-rest scores from one-vs-one results: votes plus confidences squashed into (−1/3, 1/3)."""
    n = confidences.shape[0]
    votes = np.zeros((n, n_classes))
    sums = np.zeros((n, n_classes))
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            sums[:, i] += confidences[:, k]
            sums[:, j] -= confidences[:, k]
            votes[:, i] += votes_for_first[:, k]
            votes[:, j] += 1 - votes_for_first[:, k]
            k += 1
    return votes + sums / (3 * (np.abs(sums) + 1))


@dask_unsupported
class SVC(ClassifierMixin, BaseEstimator):
    """C-support vector classification (soft margin, kernel, one-vs-one multiclass).

    Parameters
    ----------
    C : float, default=1.0
        Penalty of margin violations (the box 0 ≤ αᵢ ≤ C of the dual).
    kernel : {"linear", "poly", "rbf", "sigmoid", "precomputed"}, default="rbf"
        The kernel k (see :mod:`mmlkit.models._kernels`). With ``"precomputed"``
        ``fit`` takes the Gram matrix (n, n) and the prediction methods the
        kernels (m, n) between new and training points.
    degree : int, default=3
        Degree of the poly kernel.
    gamma : {"scale", "auto"} or float, default="scale"
        Kernel coefficient of rbf, poly and sigmoid: "scale" is 1 / (d Var X),
        "auto" is 1 / d.
    coef0 : float, default=0.0
        Constant term of the poly and sigmoid kernels.
    shrinking : bool, default=True
        Use the shrinking heuristic.
    probability : bool, default=False
        Fit Platt-scaled probabilities by internal 5-fold cross-validation
        (enables ``predict_proba``; about 6 times the fitting cost).
    tol : float, default=1e-3
        Stop when the maximal KKT violation m(α) − M(α) falls below tol.
    cache_size : float, default=200
        Kernel-row cache size in MB (2²⁰ bytes) per binary subproblem; rows are
        computed on demand and the least recently used is evicted when full.
        A subproblem whose m rows would take more than 16 MiB in float64 keeps
        them in float32, as libsvm always does (sums are still float64); a fit
        holds memory only for the rows it visits.
    class_weight : dict, "balanced" or None, default=None
        Multiplies C per class: Cᵢ = C · w[yᵢ]; "balanced" uses n / (k nₖ).
    verbose : bool, default=False
        Ignored (kept for scikit-learn compatibility).
    max_iter : int, default=-1
        Cap on SMO iterations per subproblem (−1: libsvm's cap, max(10⁷, 100 n)).
    decision_function_shape : {"ovr", "ovo"}, default="ovr"
        Shape of ``decision_function`` for more than two classes.
    break_ties : bool, default=False
        With "ovr", predict the argmax of the decision function instead of the
        one-vs-one vote (ties then go to the first class).
    random_state : int, Generator or None, default=None
        Seeds the cross-validation folds of ``probability``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors (αᵢ > 0), grouped by class.
    support_vectors_ : ndarray of shape (n_SV, n_features)
        (empty when the kernel is precomputed).
    n_support_ : ndarray of shape (n_classes,), dtype int32
    dual_coef_ : ndarray of shape (n_classes − 1, n_SV)
        yᵢαᵢ in libsvm's layout: for the pair (a, b), the coefficients of the
        class-a vectors are in row b − 1 and those of class b in row a. For two
        classes the sign makes positive values vote for ``classes_[1]``.
    intercept_ : ndarray of shape (n_classes (n_classes − 1) / 2,)
        −ρ per pair.
    coef_ : ndarray of shape (n_classes (n_classes − 1) / 2, n_features)
        Primal weights w = Σ yᵢαᵢ xᵢ (linear kernel only).
    probA_, probB_ : ndarray of shape (n_classes (n_classes − 1) / 2,)
        Platt's sigmoid parameters per pair (when ``probability``).
    n_iter_ : ndarray of shape (n_classes (n_classes − 1) / 2,)
        SMO iterations per pair.
    class_weight_ : ndarray of shape (n_classes,)
    fit_status_ : int
        0 if every subproblem converged, 1 otherwise.
    shape_fit_ : tuple
    n_features_in_ : int

    Notes
    -----
    The soft-margin SVM, min ½‖w‖² + Σ Cᵢ ξᵢ subject to yᵢ(wᵀφ(xᵢ) + b) ≥ 1 − ξᵢ,
    ξᵢ ≥ 0, is solved in its dual

        min_α  ½ αᵀQα − 1ᵀα   subject to  0 ≤ αᵢ ≤ Cᵢ,  yᵀα = 0,   Qᵢⱼ = yᵢyⱼ k(xᵢ, xⱼ),

    giving f(x) = Σᵢ yᵢαᵢ k(xᵢ, x) − ρ. The KKT conditions say αᵢ = 0 for
    points outside the margin (yᵢf(xᵢ) ≥ 1), 0 < αᵢ < Cᵢ on it (yᵢf = 1) and
    αᵢ = Cᵢ inside it (yᵢf ≤ 1); the points with αᵢ > 0 are the support vectors.

    Scale: data beyond 2^±128 are fitted as X / 2^e (exact) with the kernel and
    box of the same dual problem. With ``gamma="scale"`` the rbf, poly and
    sigmoid kernels are scale-invariant, so X·s gives the fit of X (bit for bit
    for a power of two s). A numeric γ is in units of 1/X², so at X·10³⁰⁰ the
    rbf kernel is the identity between distinct points, a genuine answer. The
    linear kernel (and poly with a numeric γ) scales, K(X·s) = s^(2·degree)
    K(X), and SVC(X·s, C) is exactly SVC(X, C·s^(2·degree)): α scales by
    s^(−2·degree), the decision function is unchanged. The box of the problem
    in units is held within 2^±400: above, the hard-margin SVM (exact while no
    α reaches it); below, every α at its bound (labels exact, decision values
    those of the held box).

    Algorithm: sequential minimal optimisation with libsvm's second-order
    working-set selection, kernel-row cache and shrinking (see ``_smo``);
    k > 2 classes are handled one-vs-one (k(k−1)/2 binary problems, predicted
    by voting). Probabilities: Platt's sigmoid fitted on 5-fold
    cross-validated decision values of each pair, coupled into class
    probabilities by Wu, Lin & Weng's method (randomised by the folds).

    Cost: O(n² d) for the kernel matrix when it fits in the cache, then
    O(n_active) vectorised work per SMO iteration (libsvm needs O(n)–O(n²)
    iterations); prediction is O(m n_SV d).

    Examples
    --------
    >>> from mmlkit.datasets import make_blobs
    >>> from mmlkit.models import SVC
    >>> X, y = make_blobs(100, centers=2, random_state=0)
    >>> clf = SVC(kernel="linear").fit(X, y)
    >>> float(clf.score(X, y))
    1.0
    """

    _parameter_constraints = {
        **KERNEL_PARAMETERS,
        "kernel": [Options(KERNELS + ("precomputed",))],  # callables are not supported by SVC
        "gamma": KERNEL_PARAMETERS["gamma"][1:],
        "C": [Interval(Real, 0, None, closed="neither")],
        "shrinking": ["boolean"],
        "probability": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "cache_size": [Interval(Real, 0, None, closed="neither")],
        "class_weight": [None, Options(("balanced",)), dict],
        "verbose": ["boolean"],
        "max_iter": [Options((-1,)), Interval(Integral, 1, None)],
        "decision_function_shape": [Options(("ovr", "ovo"))],
        "break_ties": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, *, C=1.0, kernel="rbf", degree=3, gamma="scale", coef0=0.0, shrinking=True,
                 probability=False, tol=1e-3, cache_size=200, class_weight=None, verbose=False, max_iter=-1,
                 decision_function_shape="ovr", break_ties=False, random_state=None):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state

    # ----------------------------------------------------------------- helpers
    def __sklearn_is_fitted__(self):
        # what check_is_fitted asks, answered directly (else it scans every attribute's name per call)
        return hasattr(self, "_W")

    def _check_params(self):
        validate_params(self)
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")

    def _kernel(self, X, Z=None):
        if self.kernel == "rbf" and Z is not None:
            # exp(min([x, 1, −γ‖x‖²] · [2γz, −γ‖z‖², 1], 0)) = exp(−γ‖x − z‖²): one product and two passes
            g, sx, sz = self._gamma, np.einsum("ij,ij->i", X, X), np.einsum("ij,ij->i", Z, Z)
            Xa = _augmented(X, 1.0, 1.0, -g * sx)
            Za = _augmented(Z, 2.0 * g, -g * sz, 1.0)
            # small: kernel_matrix's one product itself, without its blocking and threading set-up
            K = Xa @ Za.T if Xa.size * Za.shape[0] <= _ONE_BLOCK_FLOPS else kernel_matrix(Xa, Za, kernel="linear")
            np.minimum(K, 0.0, out=K)
            return np.exp(K, out=K)
        return kernel_matrix(X, Z, kernel=self.kernel, gamma=self._gamma, degree=self.degree, coef0=self._coef0)

    def _in_units(self, X, C):
        """X' = X / 2^e (exact) and the kernel and box C' of the same dual problem on X'.

        Sets ``_scale_exp`` (e), ``_gamma``, ``_coef0`` and ``_alpha_ratio``. Data within
        2^±128 (2^±128/degree for poly) are fitted as given (e = 0, nothing changes). Beyond:

        - gamma="scale" (1/(d Var X)): γ'‖x' − z'‖² = γ‖x − z‖² and γ' x'ᵀz' = γ xᵀz, so the rbf,
          sigmoid and poly kernels of X' are those of X, C' = C, and every output is unchanged.
        - rbf and sigmoid with a numeric γ (or "auto"): γ' = 4^e γ, the same kernel values; where
          4^e γ passes 2^900 it is held there (exp(−γ'd²) and tanh are saturated already).
        - linear, and poly with a numeric γ: the kernel factors, K = 2^k K' (k = 2e, or 2e · degree
          with coef0' = coef0 / 4^e), and SVC(K, C) is SVC(K', C · 2^k) with α = β / 2^k and the
          same decision function: the dual is solved exactly. C' is held within 2^±400: above
          (hard margin in effect) the solution is exact while no β reaches 2^400; below, every
          β is at its bound and the decision values are those of C' = 2^−400 (labels unchanged).
        - precomputed: K = 2^e K', C' = C · 2^e.
        """
        self._scale_exp, self._alpha_ratio, self._coef0 = 0, None, float(self.coef0)
        if self.kernel == "precomputed":
            self._gamma = 0.0
            e = power_of_two_scale(X)
            if abs(e) <= _UNSCALED_EXPONENT:
                return X, C
            self._scale_exp = e
            return rescale(X, e), self._box_in_units(C, e)
        e = power_of_two_scale(X)
        limit = _UNSCALED_EXPONENT if self.kernel != "poly" else int(_UNSCALED_EXPONENT // max(1.0, self.degree))
        if abs(e) <= limit:
            self._gamma = resolve_gamma(self.gamma, X)
            return X, C
        self._scale_exp = e
        Xu = rescale(X, e)
        if self.kernel == "linear":
            self._gamma = 1.0
            return Xu, self._box_in_units(C, 2 * e)
        if isinstance(self.gamma, str) and self.gamma == "scale":
            self._gamma = resolve_gamma("scale", Xu)   # = 4^e · 1/(d Var X): the same kernel values
            return Xu, C
        gamma = resolve_gamma(self.gamma, X)
        if self.kernel == "poly" and (e > 0 or self._coef0 == 0.0):
            self._gamma = gamma
            with np.errstate(under="ignore"):
                self._coef0 = float(np.ldexp(self._coef0, -2 * e))
            return Xu, self._box_in_units(C, 2 * e * float(self.degree))
        with np.errstate(over="ignore", under="ignore"):
            self._gamma = float(min(np.ldexp(gamma, 2 * e), 2.0**900))
        return Xu, C

    def _box_in_units(self, C, k):
        """C' = C · 2^k held within 2^±400 (exact where not held), and the ratio α/β back."""
        k_int = math.floor(k)
        frac = 2.0 ** (k - k_int)   # 1 for an integer k: then C · 2^k is exact (ldexp)
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            Cu = np.ldexp(C * frac, k_int)
            low = Cu < 2.0**-_C_EXPONENT
            Cu = np.where(C > 0, np.clip(Cu, 2.0**-_C_EXPONENT, 2.0**_C_EXPONENT), 0.0)
            # α = β · 2^−k; below the clip every β sits at its bound C', so there α = β · C / C'
            ratio = np.ldexp(1.0 / frac, -k_int) if not low.any() else np.where(
                low, C / np.where(C > 0, Cu, 1.0), np.ldexp(1.0 / frac, -k_int))
        self._alpha_ratio = np.broadcast_to(ratio, C.shape)
        return Cu

    def _class_weights(self, y_enc, n_classes):
        cw = self.class_weight
        if cw is None:
            return np.ones(n_classes)
        if isinstance(cw, str):  # "balanced"
            return y_enc.size / (n_classes * np.bincount(y_enc, minlength=n_classes))
        w = np.ones(n_classes)
        for label, weight in cw.items():
            hit = np.flatnonzero(self.classes_ == label)
            if hit.size == 0:
                raise ValueError(f"class_weight has a label {label!r} that is not among the classes "
                                 f"{self.classes_.tolist()}")
            w[hit[0]] = weight
        return w

    def _binary(self, cache, Kd, y, C):
        res = _smo(cache, Kd, y, C, float(self.tol), int(self.max_iter), bool(self.shrinking))
        if not res.converged:
            warnings.warn(f"SMO stopped at max_iter={self.max_iter} before reaching tol={self.tol}; "
                          "consider standardising the data or raising max_iter", ConvergenceWarning,
                          stacklevel=3)
        return res

    # --------------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None):
        """Fit the one-vs-one SVMs.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training inputs (the Gram matrix (n_samples, n_samples) if precomputed).
        y : array_like of shape (n_samples,)
            Class labels (at least two classes).
        sample_weight : array_like of shape (n_samples,), optional
            Non-negative per-sample multipliers of C; zero-weight samples are dropped.

        Returns
        -------
        self : SVC
        """
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        if self.kernel == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError(f"X must be a square Gram matrix when kernel='precomputed', got shape {X.shape}")
        check_classification_labels(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        n_classes = self.classes_.size
        if n_classes < 2:
            raise ValueError(f"y must contain at least two classes to fit a classifier; got 1 class "
                             f"({self.classes_[0]!r})")
        n = X.shape[0]
        self.class_weight_ = self._class_weights(y_enc, n_classes)
        C_sample = float(self.C) * self.class_weight_[y_enc]
        if sample_weight is not None:
            C_sample = C_sample * check_sample_weight(sample_weight, n)
        keep = C_sample > 0
        self.shape_fit_ = X.shape
        X_orig, X, C_sample = X, *self._in_units(X, C_sample)

        capacity = float(self.cache_size) * 2**20
        if self.kernel == "precomputed":
            root = _RowCache(None, capacity, matrix=X)
            subset = functools.partial(root.subset, capacity_bytes=capacity)
        else:   # each pair's cache is set up from its own rows of X (nothing on all of X)
            subset = functools.partial(_subset_cache, X, capacity, dict(kernel=self.kernel, gamma=self._gamma,
                                                                        degree=self.degree, coef0=self._coef0))
        with np.errstate(over="ignore"):   # an overflow is reported just below
            Kd_all = kernel_diagonal(X, kernel=self.kernel, gamma=self._gamma, degree=self.degree,
                                     coef0=self._coef0)
        if not np.all(np.isfinite(Kd_all)):
            raise ValueError(f"the {self.kernel} kernel overflows float64 on this X with gamma={self.gamma!r}, "
                             f"coef0={self.coef0!r}: standardise X (StandardScaler) or use gamma='scale'")

        by_class = [np.flatnonzero((y_enc == c) & keep) for c in range(n_classes)]
        if any(ix.size == 0 for ix in by_class):
            raise ValueError("sample_weight (times class_weight) is zero for every sample of a class: "
                             "each class needs at least one sample with non-zero weight")
        rng = check_random_state(self.random_state) if self.probability else None   # (seeding costs)
        pairs = [(a, b) for a in range(n_classes) for b in range(a + 1, n_classes)]
        alphas, rhos, n_iter, prob_a, prob_b, status = [], [], [], [], [], 0
        for a, b in pairs:
            idx = np.flatnonzero(((y_enc == a) | (y_enc == b)) & keep)
            ys = np.where(y_enc[idx] == a, 1.0, -1.0)
            cache = subset(idx)
            sub = idx if idx.size < n else slice(None)   # every sample (binary): views, not copies
            Kd, C_sub = Kd_all[sub], C_sample[sub]
            if self.probability:
                A, B = self._platt(cache, Kd, ys, C_sub, rng)
                prob_a.append(A)
                prob_b.append(B)
            res = self._binary(cache, Kd, ys, C_sub)
            del cache   # its rows are freed before the next pair's cache or the model is built
            status |= int(not res.converged)
            full_alpha = np.zeros(n)
            full_alpha[idx] = res.alpha
            alphas.append(full_alpha)
            rhos.append(res.rho)
            n_iter.append(res.n_iter)
        self.fit_status_ = status
        self.n_iter_ = np.array(n_iter, dtype=np.int32)
        self._store_model(X_orig, X, y_enc, by_class, pairs, np.array(alphas), rhos)
        if self.probability:
            self.probA_, self.probB_ = np.array(prob_a), np.array(prob_b)
        else:
            self.probA_, self.probB_ = np.empty(0), np.empty(0)
        return self

    def _store_model(self, X_orig, X, y_enc, by_class, pairs, alpha_mat, rhos):
        """libsvm's model layout: support vectors grouped by class, coefficients per pair.

        ``alpha_mat`` (n_pairs, n) holds each pair's dual solution on all samples, in the
        units of ``X`` (``X_orig`` = 2^e X); ``dual_coef_`` is converted back (α = β · C/C').
        """
        n_classes = self.classes_.size
        is_sv = (alpha_mat > 0).any(axis=0)
        self.support_ = np.concatenate([ix[is_sv[ix]] for ix in by_class]).astype(np.int32)
        self.n_support_ = np.array([int(is_sv[ix].sum()) for ix in by_class], dtype=np.int32)
        sv_class = y_enc[self.support_]
        # coefficient of each SV in each pair's decision value: yα, i.e. ±α (+ for the pair's first class);
        # α is zero off the pair's two classes, where the sign is 0 as well
        pair_arr = np.array(pairs, dtype=np.intp).reshape(-1, 2)
        sign_pc = np.zeros((len(pairs), n_classes))
        sign_pc[np.arange(len(pairs)), pair_arr[:, 0]] = 1.0
        sign_pc[np.arange(len(pairs)), pair_arr[:, 1]] = -1.0
        W = np.ascontiguousarray((alpha_mat[:, self.support_] * sign_pc[:, sv_class]).T)
        self._W = W
        # W is block sparse: class c's vectors (contiguous in support_) count only in the k − 1 pairs of c,
        # taken in the order of the other class: libsvm's dual_coef_ for those vectors is that block, transposed
        bounds = np.zeros(n_classes + 1, dtype=np.intp)
        np.cumsum(self.n_support_, out=bounds[1:])
        self._W_blocks = []
        for c in range(n_classes):
            cols = np.array([p for p, pair in enumerate(pairs) if c in pair], dtype=np.intp)
            self._W_blocks.append((slice(bounds[c], bounds[c + 1]), cols, W[bounds[c]:bounds[c + 1]][:, cols]))
        dual = np.concatenate([W_c.T for _, _, W_c in self._W_blocks], axis=1)
        self._intercept_ = -np.array(rhos)
        self.support_vectors_ = (X_orig[self.support_] if self.kernel != "precomputed" else np.empty((0, 0)))
        self._sv_for_kernel = None if self.kernel == "precomputed" else (
            self.support_vectors_ if X is X_orig else X[self.support_])
        sign = -1.0 if n_classes == 2 else 1.0  # two classes: positive votes for classes_[1]
        if self._alpha_ratio is not None:   # α of the problem asked from β of the problem in units
            with np.errstate(over="ignore", under="ignore"):
                dual = dual * self._alpha_ratio[self.support_]
        self.dual_coef_ = sign * dual
        self.intercept_ = sign * self._intercept_

    def _platt(self, parent_cache, Kd, y, C, rng):
        """Platt's A, B from 5-fold cross-validated decision values (libsvm's svm_binary_svc_probability)."""
        m = y.size
        perm = rng.permutation(m)
        dec = np.empty(m)
        capacity = float(self.cache_size) * 2**20
        for fold in range(5):
            begin, end = fold * m // 5, (fold + 1) * m // 5
            test, train = perm[begin:end], np.concatenate([perm[:begin], perm[end:]])
            y_tr = y[train]
            n_pos, n_neg = int((y_tr > 0).sum()), int((y_tr < 0).sum())
            if n_pos == 0 or n_neg == 0:
                dec[test] = 0.0 if n_pos == n_neg else (1.0 if n_pos > 0 else -1.0)
                continue
            cache = parent_cache.subset(train, capacity)
            res = _smo(cache, Kd[train], y_tr, C[train], float(self.tol), int(self.max_iter), bool(self.shrinking))
            sv = np.flatnonzero(res.alpha)
            coef = (y_tr * res.alpha)[sv]
            dec[test] = (parent_cache.matvec(test, train[sv], coef) if sv.size else 0.0) - res.rho
        return _sigmoid_train(dec, y)

    # ---------------------------------------------------------------- predict
    def _ovo_values(self, X):
        """libsvm's decision values, one column per pair (positive favours the pair's first class)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.kernel == "precomputed":
            if X.shape[1] != self.shape_fit_[0]:
                raise ValueError(f"X must have {self.shape_fit_[0]} columns (one per training sample) "
                                 f"when kernel='precomputed', got {X.shape[1]}")
        if self._scale_exp:
            X = rescale(X, self._scale_exp)   # the units the model was fitted in (exact)
        if self.kernel == "precomputed":
            K = X[:, self.support_]
        else:
            K = self._kernel(X, self._sv_for_kernel)
        if self.classes_.size <= 3:
            return K @ self._W + self._intercept_
        dec = np.empty((K.shape[0], self._W.shape[1]))
        dec[...] = self._intercept_
        with single_blas_thread():   # small products: BLAS threads would only wait on one another
            for rows, cols, W_c in self._W_blocks:   # (k − 1)/(k(k − 1)/2) of the dense product's work
                dec[:, cols] += K[:, rows] @ W_c
        return dec

    def decision_function(self, X):
        """Signed distances to the separating surfaces (up to ‖w‖).

        Parameters
        ----------
        X : array_like of shape (n_queries, n_features)

        Returns
        -------
        dec : ndarray of shape (n_queries,) for two classes (positive means
            ``classes_[1]``), (n_queries, n_classes) for "ovr", or
            (n_queries, n_classes (n_classes − 1) / 2) for "ovo".
        """
        dec = self._ovo_values(X)
        if self.classes_.size == 2:
            return -dec[:, 0]
        if self.decision_function_shape == "ovr":
            return _ovr_decision((dec >= 0).astype(np.float64), dec, self.classes_.size)
        return dec

    def predict(self, X):
        """Predict class labels by one-vs-one voting (ties to the first class).

        Parameters
        ----------
        X : array_like of shape (n_queries, n_features)

        Returns
        -------
        y : ndarray of shape (n_queries,)
        """
        dec = self._ovo_values(X)
        k = self.classes_.size
        if k == 2:
            return self.classes_[(dec[:, 0] <= 0).astype(int)]
        if self.break_ties and self.decision_function_shape == "ovr":
            return self.classes_[np.argmax(_ovr_decision((dec >= 0).astype(np.float64), dec, k), axis=1)]
        votes = np.zeros((dec.shape[0], k), dtype=np.int64)
        p = 0
        for a in range(k):
            for b in range(a + 1, k):
                win_a = dec[:, p] > 0
                votes[:, a] += win_a
                votes[:, b] += ~win_a
                p += 1
        return self.classes_[np.argmax(votes, axis=1)]

    def _has_probability(self):
        if not self.probability:
            raise AttributeError("predict_proba is not available when probability=False")
        return True

    @available_if(_has_probability)
    def predict_proba(self, X):
        """Class probabilities from Platt-scaled pairwise probabilities (needs ``probability=True``).

        Parameters
        ----------
        X : array_like of shape (n_queries, n_features)

        Returns
        -------
        proba : ndarray of shape (n_queries, n_classes)
        """
        check_is_fitted(self)
        if self.probA_.size == 0:
            raise NotFittedError("this SVC was fitted with probability=False; refit it to use predict_proba")
        dec = self._ovo_values(X)
        k = self.classes_.size
        r_pair = np.clip(expit(-(dec * self.probA_ + self.probB_)), 1e-7, 1 - 1e-7)
        if k == 2:
            return np.column_stack([r_pair[:, 0], 1.0 - r_pair[:, 0]])
        r = np.zeros((dec.shape[0], k, k))
        p = 0
        for a in range(k):
            for b in range(a + 1, k):
                r[:, a, b] = r_pair[:, p]
                r[:, b, a] = 1.0 - r_pair[:, p]
                p += 1
        return _pairwise_coupling(r)

    @available_if(_has_probability)
    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``, shape (n_queries, n_classes)."""
        return np.log(self.predict_proba(X))

    @property
    def coef_(self):
        """Primal weights w = Σ yᵢαᵢ xᵢ per pair (linear kernel only), shape (n_pairs, n_features)."""
        check_is_fitted(self)
        if self.kernel != "linear":
            raise AttributeError("coef_ is only available when kernel='linear'")
        sign = -1.0 if self.classes_.size == 2 else 1.0
        # w = Σ yα x = 2^e (w' / 2^k) with w' = Σ yβ x' in units and k = 2e (see _in_units)
        return sign * np.ldexp(self._W.T @ self._sv_for_kernel, -self._scale_exp)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.kernel == "precomputed"
        return tags
