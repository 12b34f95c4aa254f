"""Peak memory of a fit and predict on the shipped datasets: no more than scikit-learn's.

The bench's own calls (``mmlkit bench small``), measured by tracemalloc, which
sees every NumPy buffer either side allocates for these estimators (their
scikit-learn counterparts do their work in NumPy too; SVC and TSNE, whose
references ``malloc`` in compiled code, are left out as in the bench). Both
sides are warmed up first, so imports and caches are not counted. tracemalloc
counts every thread of the process, so the whole table is measured once, in a
fresh interpreter with no other threads (a test session's Dask clients and
thread pools would otherwise add to whichever peak they overlap).
"""

import json
import subprocess
import sys

import pytest

from mmlkit.benchmarks.bench_small import ESTIMATORS as BENCH_ESTIMATORS
from mmlkit.benchmarks.bench_small import MALLOC_REFERENCES

ESTIMATORS = tuple(name for name in BENCH_ESTIMATORS if name not in MALLOC_REFERENCES)
DATASETS = ("iris", "wine", "breast_cancer", "digits")

_CHILD = """
import json, sys, tracemalloc, warnings
import numpy as np
from mmlkit import datasets
from mmlkit.benchmarks.bench_small import _call, _cases

def peak(call):
    call()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

names, sets = json.loads(sys.argv[1])
cases = {case[0]: case for case in _cases()}
out = {}
warnings.simplefilter("ignore")   # the references' convergence warnings on unscaled data
for data_name in sets:
    ds = getattr(datasets, "load_" + data_name)()
    X, y = np.ascontiguousarray(ds.data, dtype=float), np.asarray(ds.target)
    for name in names:
        _, ours, ref, params, task = cases[name]
        out[name + "/" + data_name] = [peak(_call(cls, params, task, X, y)) for cls in (ours, ref)] + [X.nbytes]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def peaks():
    """{"name/dataset": [ours, scikit-learn's, X's size]} in bytes, from one fresh interpreter."""
    args = json.dumps([ESTIMATORS, DATASETS])
    done = subprocess.run([sys.executable, "-c", _CHILD, args], capture_output=True, text=True, timeout=900,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_peak_memory_at_most_sklearns(peaks, name, dataset):
    ours, ref, size = peaks[f"{name}/{dataset}"]
    # the peaks include small Python objects (a Generator, a few dicts) whose sizes vary by some hundred
    # bytes from run to run: half a KiB of slack, which is a tenth of the smallest X (iris, 4.8 kB)
    assert ours <= ref + 512, f"{name} on {dataset}: peak {ours / size:.3f} × X, scikit-learn's {ref / size:.3f} × X"
