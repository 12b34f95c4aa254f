"""Shared pieces of the unsupervised models: greedy k-means++ seeding (used by
:class:`KMeans` and :class:`GaussianMixture`) and a one-thread BLAS context."""

from __future__ import annotations

import functools
from functools import lru_cache

import numpy as np
from threadpoolctl import ThreadpoolController

from mmlkit._pairwise import squared_distances

__all__ = ["SMALL_GRAM_ROWS", "kmeans_plusplus", "one_blas_thread_when_small", "single_blas_thread"]


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    # Inspecting the loaded BLAS libraries takes tens of milliseconds: do it once.
    return ThreadpoolController()


def single_blas_thread():
    """Context manager running BLAS/LAPACK on one thread.

    For the tall-and-skinny products (n × d by d × k) and the small d × d
    factorisations of these models, BLAS threads cost more in synchronisation
    than they gain (scikit-learn's k-means does the same).
    """
    return _controller().limit(limits=1, user_api="blas")


def kmeans_plusplus(X, n_clusters, rng, *, n_local_trials=None, x_squared_norms=None):
    """Choose ``n_clusters`` initial centres from the rows of ``X`` by greedy k-means++.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Validated data (internal helper: no checks are repeated here).
    n_clusters : int
        Number of centres, ``1 <= n_clusters <= n_samples``.
    rng : numpy.random.Generator
        Source of randomness.
    n_local_trials : int, optional
        Candidates drawn per step; ``2 + floor(log k)`` when None (Arthur and
        Vassilvitskii's greedy variant, as in scikit-learn).
    x_squared_norms : ndarray of shape (n_samples,), optional
        ‖xᵢ‖², when the caller already has them (several seedings of the same X).

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    indices : ndarray of shape (n_clusters,)
        Rows of ``X`` chosen as centres.

    Notes
    -----
    The first centre is drawn uniformly. Each later centre is drawn with
    probability proportional to D(x)², the squared distance from x to its
    nearest centre so far; the greedy variant draws ``n_local_trials``
    candidates that way and keeps the one that lowers the potential
    φ = Σᵢ D(xᵢ)² the most. Expected φ is O(log k) times the optimum.

    Distances use ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖² (one matrix product per step,
    ``mmlkit._pairwise.squared_distances``) with the norms computed once.

    Cost: O(n · d · k · n_local_trials) through matrix products.
    """
    n_samples = X.shape[0]
    x2 = np.einsum("ij,ij->i", X, X) if x_squared_norms is None else x_squared_norms
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    indices = np.empty(n_clusters, dtype=np.intp)
    indices[0] = rng.integers(n_samples)
    closest_sq = squared_distances(X[indices[:1]], X, x_sq=x2[indices[:1]], y_sq=x2)[0]
    potential = closest_sq.sum()
    for c in range(1, n_clusters):
        if potential <= 0.0:  # every point already sits on a centre: take any unused row
            unused = np.setdiff1d(np.arange(n_samples), indices[:c])
            indices[c] = rng.choice(unused)
            continue
        targets = rng.uniform(size=n_local_trials) * potential
        candidates = np.searchsorted(np.cumsum(closest_sq), targets)
        np.clip(candidates, None, n_samples - 1, out=candidates)
        # Each candidate's D² after adding it, and the resulting potential.
        cand_sq = np.minimum(closest_sq, squared_distances(X[candidates], X, x_sq=x2[candidates], y_sq=x2))
        cand_potential = cand_sq.sum(axis=1)
        best = int(np.argmin(cand_potential))
        indices[c] = candidates[best]
        closest_sq = cand_sq[best]
        potential = cand_potential[best]
    return X[indices].copy(), indices


#: Up to this many samples, a Gram-matrix fit's LAPACK and BLAS calls (n × n) are too small for
#: BLAS threads to pay: their hand-offs (and busy-waiting, on a loaded machine) cost more than they save.
SMALL_GRAM_ROWS = 1024


def one_blas_thread_when_small(fit):
    """Decorate a kernel model's ``fit(X, ...)`` to run BLAS on one thread when X has at most
    ``SMALL_GRAM_ROWS`` rows (larger inputs keep BLAS's threads)."""

    @functools.wraps(fit)
    def wrapper(self, X, *args, **kwargs):
        shape = getattr(X, "shape", None)
        if shape and len(shape) == 2 and shape[0] <= SMALL_GRAM_ROWS:
            with single_blas_thread():
                return fit(self, X, *args, **kwargs)
        return fit(self, X, *args, **kwargs)

    return wrapper
