"""Out of core, in the client's memory budget, and under joblib's dask backend."""

import logging
import os
import sys
import tracemalloc

import cloudpickle
import dask
import dask.array as da
import joblib
import numpy as np
import pytest
from distributed import Client, LocalCluster

from mmlkit.evaluation import GridSearchCV, RandomizedSearchCV, cross_validate
from mmlkit.models import PCA, KMeans, LinearRegression, LogisticRegression, Ridge
from mmlkit.preprocessing import StandardScaler

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module

N_ROWS, N_COLS, BLOCK = 720_000, 50, 10_000     # 294 MB of float64 on disk, 4 MB blocks
MEMORY_LIMIT = 280e6                            # per worker: one that has imported dask.array holds ~150 MB


def _load(path, start, stop):
    X = np.memmap(path, dtype=np.float64, mode="r", shape=(N_ROWS, N_COLS + 1))
    out = np.array(X[start:stop])
    del X
    return out


@pytest.fixture(scope="module")
def on_disk(tmp_path_factory):
    """X (720,000 × 50) and y = Xw + 3 exactly, as one np.memmap file, written block by block."""
    path = tmp_path_factory.mktemp("ooc") / "data.f8"
    w = np.linspace(-2.0, 2.0, N_COLS)
    rng = np.random.default_rng(0)
    mm = np.memmap(path, dtype=np.float64, mode="w+", shape=(N_ROWS, N_COLS + 1))
    for start in range(0, N_ROWS, 90_000):
        X = rng.normal(size=(90_000, N_COLS)) + 1.0
        mm[start:start + 90_000, :-1] = X
        mm[start:start + 90_000, -1] = X @ w + 3.0
    mm.flush()
    del mm
    return str(path), w


def test_out_of_core_fit_within_worker_memory_limit(on_disk):
    path, w = on_disk
    assert os.path.getsize(path) > MEMORY_LIMIT
    blocks = [da.from_delayed(dask.delayed(_load)(path, s, min(s + BLOCK, N_ROWS)),
                              shape=(min(BLOCK, N_ROWS - s), N_COLS + 1), dtype=np.float64)
              for s in range(0, N_ROWS, BLOCK)]
    Z = da.concatenate(blocks, axis=0)
    X, y = Z[:, :-1], Z[:, -1]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
                      dashboard_address=None, memory_limit=MEMORY_LIMIT, silence_logs=logging.ERROR) as cluster, \
            Client(cluster, set_as_default=False) as client, dask.config.set(scheduler=client):
        pids = client.run(os.getpid)
        model = LinearRegression(solver="qr").fit(X, y)
        assert client.run(os.getpid) == pids  # no worker was killed and restarted
        limits = {w_["memory_limit"] for w_ in client.scheduler_info()["workers"].values()}
    assert limits == {int(MEMORY_LIMIT)}
    np.testing.assert_allclose(model.coef_, w, rtol=1e-9, atol=1e-10)   # y is exactly linear in X
    np.testing.assert_allclose(model.intercept_, 3.0, rtol=1e-9)


@pytest.mark.parametrize("make", [
    lambda: LinearRegression(), lambda: Ridge(), lambda: StandardScaler(), lambda: PCA(3),
    lambda: KMeans(3, init=np.zeros((3, 20)) + np.arange(3)[:, None], tol=1e3),
])
def test_client_never_holds_x(on_cluster, make):
    """tracemalloc sees NumPy's buffers: the client's peak stays far below X's 64 MB during a fit."""
    rng = da.random.default_rng(0)
    X = rng.normal(size=(400_000, 20), chunks=(50_000, 20))
    y = X[:, 0] * 2.0 + rng.normal(size=400_000, chunks=50_000)
    X, y = dask.persist(X, y)   # on the workers' memory, not the client's
    tracemalloc.start()
    try:
        make().fit(X, y)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < X.nbytes / 40, f"client peak {peak / 1e6:.1f} MB for X of {X.nbytes / 1e6:.0f} MB"


def test_model_selection_identical_under_dask_joblib_backend(on_cluster):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 4))
    y = (X @ [1.0, -1.0, 0.5, 0.0] + 0.5 * rng.normal(size=240) > 0).astype(int)
    grid = {"C": [0.1, 10.0]}

    def run():
        cv = cross_validate(LogisticRegression(), X, y, cv=3, n_jobs=2)
        gs = GridSearchCV(LogisticRegression(), grid, cv=2, n_jobs=2).fit(X, y)
        rs = RandomizedSearchCV(Ridge(), {"alpha": [0.01, 0.1, 1.0, 10.0]}, n_iter=2, cv=2, n_jobs=2,
                                random_state=0).fit(X, y.astype(float))
        return cv["test_score"], gs.cv_results_["mean_test_score"], gs.best_params_, \
            rs.cv_results_["mean_test_score"], rs.best_params_

    local = run()
    with joblib.parallel_backend("dask", client=on_cluster):
        remote = run()
    for a, b in zip(local, remote):
        if isinstance(a, dict):
            assert a == b
        else:
            np.testing.assert_array_equal(a, b)
