"""Beyond one machine: mmlkit's Dask fits against dask-ml on the same LocalCluster.

One ``distributed.LocalCluster`` of 2 worker processes × 1 thread; every data
set is generated on the workers and persisted there before any timing, so both
sides read the same blocks from worker memory. Quality beside time:

* PCA (full) 1,000,000 × 50 against ``dask_ml.decomposition.PCA``: explained variance of the kept components;
* KMeans k = 10 on 1,000,000 × 20 blobs (each side's k-means|| seeding) against ``dask_ml.cluster.KMeans``:
  inertia;
* LogisticRegression 1,000,000 × 50, C = 1, lbfgs, against ``dask_ml.linear_model.LogisticRegression``:
  scikit-learn's objective C·Σℓ + ½‖w‖² with the intercept unpenalised, for both fits;
* LinearRegression 2,000,000 × 50 (TSQR) against ``dask.array.linalg.lstsq`` on [X, 1]: residual sum of squares.

Times are wall-clock seconds on the client (``--cpu-time`` would only count the
client's own process, not the workers). Smoke mode uses tiny arrays.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

from mmlkit._bench import compare


def _logistic_objective(X, y, coef, intercept, C):
    """C·Σᵢℓᵢ + ½‖w‖², the intercept unpenalised, by one pass over the blocks on the workers."""
    from mmlkit._dask import reduce_blocks
    from mmlkit.models import _blockwise as bw

    theta = np.concatenate([np.ravel(coef), np.ravel(intercept)[:1]])
    loss, _ = reduce_blocks(bw.logistic_stats, [X, y], bw.merge_tuple_sum, args=(theta, 1))
    return C * loss + 0.5 * float(np.sum(np.ravel(coef) ** 2))


def _inertia(X, centers):
    """Σ min_j ‖x − c_j‖², the same pass for both sides' centres (dask-ml's own inertia_ is not that sum)."""
    from mmlkit._dask import reduce_blocks
    from mmlkit.models import _blockwise as bw

    return reduce_blocks(bw.lloyd_stats, [X], bw.merge_lloyd, args=(np.zeros(X.shape[1]), np.asarray(centers)))[1]


def _rss(X, y, coef, intercept):
    r = y - X @ np.asarray(coef) - intercept
    return float((r * r).sum().compute())


def run(smoke: bool = False, *, shrink: int = 1, repeat: int | None = None):
    """The four comparisons; ``shrink`` divides every row count (smoke: by 1000).

    Each row first fits both sides once on the first two blocks of its data,
    untimed (the workers import the libraries, dask-ml's numba kernels compile),
    then times ``repeat`` alternating fits of each side on the whole data (2 at
    full size, 1 in smoke mode); a side's time is its fastest fit.
    """
    try:
        import dask
        import dask.array as da
        from dask_ml.cluster import KMeans as DKMeans
        from dask_ml.decomposition import PCA as DPCA
        from dask_ml.linear_model import LogisticRegression as DLogisticRegression
        from distributed import Client, LocalCluster, wait
    except ImportError as exc:
        raise ImportError(f'mmlkit bench scale needs Dask, distributed and dask-ml ({exc.name} is missing): '
                          'pip install "mmlkit[bench]"') from exc

    from mmlkit.models import PCA, KMeans, LinearRegression, LogisticRegression

    repeat = (1 if smoke else 2) if repeat is None else repeat
    scale = 1_000 if smoke else shrink
    n_pca, n_km, n_lr, n_ls = (x // scale for x in (1_000_000, 1_000_000, 1_000_000, 2_000_000))
    chunk = max(n_pca // 16, 100)
    rows = []

    def row(name, ours, reference, data, **kwargs):
        """``ours(*data)`` against ``reference(*data)``, after one untimed fit each on the first two blocks."""
        head = [a[: 2 * a.chunks[0][0]] for a in data]
        ours(*head), reference(*head)
        rows.append(compare(name, lambda: ours(*data), lambda: reference(*data), repeat=repeat, warmup=False,
                            **kwargs))

    with warnings.catch_warnings(), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
                         dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client, dask.config.set(scheduler=client):
        warnings.simplefilter("ignore")  # dask-ml's deprecation and convergence chatter
        rng = da.random.default_rng(0)

        X = rng.normal(size=(n_pca, 50), chunks=(chunk, 50)) * da.from_array(np.linspace(1, 5, 50)) + 3.0
        X = X.persist()
        wait(X)
        row("PCA full, 10 components (TSQR)",
            lambda X: PCA(10, svd_solver="lapack").fit(X),
            lambda X: DPCA(10, svd_solver="full").fit(X), [X],
            reference_name="dask_ml PCA", size=f"{n_pca}x50", target=0.5,
            quality=lambda m: float(np.sum(m.explained_variance_)), quality_name="explained variance")

        centres = np.random.default_rng(1).uniform(-10, 10, size=(10, 20))
        labels = rng.integers(0, 10, size=n_km, chunks=chunk)
        X = (da.from_array(centres)[labels] + 3.0 * rng.normal(size=(n_km, 20), chunks=(chunk, 20)))
        X = X.rechunk((chunk, 20)).persist()
        wait(X)
        row("KMeans k=10 (k-means||, Lloyd)",
            lambda X: KMeans(10, random_state=0).fit(X),
            lambda X: DKMeans(n_clusters=10, init="k-means||", random_state=0).fit(X), [X],
            reference_name="dask_ml KMeans", size=f"{n_km}x20", target=0.1,
            quality=lambda m: _inertia(X, m.cluster_centers_), quality_name="inertia", higher_is_better=False)

        X = rng.normal(size=(n_lr, 50), chunks=(chunk, 50))
        w = np.random.default_rng(2).normal(size=50) / 5
        y = ((X @ w + rng.normal(size=n_lr, chunks=chunk)) > 0).astype(np.int64)
        X, y = dask.persist(X, y)
        wait([X, y])
        row("LogisticRegression C=1 (lbfgs)",
            lambda X, y: LogisticRegression(C=1.0, solver="lbfgs").fit(X, y),
            lambda X, y: DLogisticRegression(C=1.0, solver="lbfgs").fit(X, y), [X, y],
            reference_name="dask_ml LogisticRegression", size=f"{n_lr}x50", target=0.5,
            quality=lambda m: _logistic_objective(X, y, m.coef_, m.intercept_, 1.0),
            quality_name="objective (intercept unpenalised)", higher_is_better=False)

        X = rng.normal(size=(n_ls, 50), chunks=(2 * chunk, 50))
        y = X @ np.linspace(-1, 1, 50) + 2.0 + rng.normal(size=n_ls, chunks=2 * chunk)
        X, y = dask.persist(X, y)
        wait([X, y])

        def lstsq(X, y):
            X1 = da.concatenate([X, da.ones((X.shape[0], 1), chunks=(X.chunks[0], 1))], axis=1).rechunk({1: -1})
            x = da.linalg.lstsq(X1, y)[0].compute()
            return x[:-1], x[-1]

        row("LinearRegression (TSQR, intercept)",
            lambda X, y: LinearRegression(solver="qr").fit(X, y), lstsq, [X, y],
            reference_name="dask.array.linalg.lstsq", size=f"{n_ls}x50", target=1.0,
            quality=lambda m: _rss(X, y, *((m.coef_, m.intercept_) if hasattr(m, "coef_") else m)),
            quality_name="residual sum of squares", higher_is_better=False)
    return rows
