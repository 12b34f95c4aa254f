"""A real two-process ``distributed.LocalCluster`` for the Dask tests, one per test session.

Under ``pytest -n 2`` each xdist worker starts its own cluster (ports chosen by
the OS, dashboard off, logs silenced), so the sessions never share one.
"""

import logging

import dask
import pytest
from distributed import Client, LocalCluster


@pytest.fixture(scope="session")
def cluster():
    with dask.config.set({"distributed.admin.tick.limit": "10s", "distributed.worker.daemon": False}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               scheduler_port=0, dashboard_address=None, silence_logs=logging.ERROR)
    yield cluster
    cluster.close()


@pytest.fixture(scope="session")
def client(cluster):
    client = Client(cluster, set_as_default=False)
    yield client
    client.close()


@pytest.fixture
def on_cluster(client):
    """Run the test's Dask computations on the two worker processes."""
    with client.as_current(), dask.config.set(scheduler=client):
        yield client


@pytest.fixture
def threaded():
    """Run the test's Dask computations on Dask's threaded scheduler, no client."""
    with dask.config.set(scheduler="threads"):
        yield
