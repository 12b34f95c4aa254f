"""Dask is recognised without being imported, and estimators that do not run on it say so."""

import subprocess
import sys

import dask.array as da
import numpy as np
import pytest

import mmlkit.models
from mmlkit._dask import is_dask_collection
from mmlkit.preprocessing import OneHotEncoder, RobustScaler


def test_import_mmlkit_never_imports_dask():
    code = ("import sys, numpy as np, mmlkit, mmlkit.models, mmlkit.preprocessing, mmlkit.linalg\n"
            "from mmlkit.models import Ridge\n"
            "X = np.random.default_rng(0).normal(size=(50, 3))\n"
            "Ridge().fit(X, X[:, 0]).predict(X); mmlkit.linalg.qr(X)\n"
            "assert not any(m == 'dask' or m.startswith(('dask.', 'distributed')) for m in sys.modules), "
            "sorted(m for m in sys.modules if 'dask' in m)\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_detection():
    X = np.ones((4, 2))
    assert is_dask_collection(da.from_array(X))
    assert not is_dask_collection(X)
    assert not is_dask_collection([[1.0]])


DASK_ESTIMATORS = {"LinearRegression", "Ridge", "Lasso", "ElasticNet", "LogisticRegression", "PCA", "KMeans",
                   "GaussianNB"}


@pytest.mark.parametrize("name", sorted(set(mmlkit.models.__all__) - DASK_ESTIMATORS))
def test_every_other_estimator_raises_type_error_naming_dask(name):
    X = da.from_array(np.abs(np.random.default_rng(0).normal(size=(20, 3))), chunks=10)
    y = da.from_array(np.arange(20) % 2, chunks=10)
    with pytest.raises(TypeError, match="Dask"):
        getattr(mmlkit.models, name)().fit(X, y)


@pytest.mark.parametrize("make", [RobustScaler, OneHotEncoder])
def test_unsupported_transformers_raise_type_error(make):
    X = da.from_array(np.random.default_rng(0).normal(size=(20, 3)), chunks=10)
    with pytest.raises(TypeError, match="Dask"):
        make().fit(X)
    model = make().fit(X.compute())
    with pytest.raises(TypeError, match="Dask"):
        model.transform(X)
