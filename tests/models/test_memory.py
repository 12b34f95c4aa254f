"""Peak memory of a fit and predict on the shipped datasets: no more than scikit-learn's.

The bench's own calls (``mmlkit bench small``), measured by tracemalloc, which
sees every NumPy buffer either side allocates for these estimators (their
scikit-learn counterparts do their work in NumPy too). Both sides are warmed up
first, so imports and caches are not counted.
"""

import tracemalloc
import warnings

import numpy as np
import pytest

from mmlkit.benchmarks.bench_small import _call, _cases
from mmlkit.datasets import load_breast_cancer, load_digits, load_iris, load_wine

ESTIMATORS = ("Ridge", "Lasso", "ElasticNet", "GaussianNB", "BernoulliNB", "KernelRidge", "MLPClassifier",
              "MLPRegressor", "SpectralClustering", "PCA")
DATASETS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer, "digits": load_digits}


def _peak(call):
    call()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("dataset", DATASETS)
@pytest.mark.parametrize("name", ESTIMATORS)
def test_peak_memory_at_most_sklearns(name, dataset):
    ds = DATASETS[dataset]()
    X, y = np.ascontiguousarray(ds.data, dtype=float), np.asarray(ds.target)
    (_, ours, ref, params, task), = [case for case in _cases() if case[0] == name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the references' convergence warnings on unscaled data
        peaks = [_peak(_call(cls, params, task, X, y)) for cls in (ours, ref)]
    assert peaks[0] <= peaks[1], f"{name} on {dataset}: peak {peaks[0] / X.nbytes:.3f} × X, " \
                                 f"scikit-learn's {peaks[1] / X.nbytes:.3f} × X"
