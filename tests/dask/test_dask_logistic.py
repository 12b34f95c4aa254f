"""LogisticRegression on Dask reaches the in-memory optimum: objective to rtol 1e-8.

The Dask fit runs the very same solvers (L-BFGS, Newton, proximal gradient) on a
problem whose loss, gradient and Hessian are sums over row blocks computed on
the workers; only the order of the sums differs, so the iterates agree to
rounding and the objectives far inside 1e-8.
"""

import warnings

import dask.array as da
import numpy as np
import pytest

from mmlkit.datasets import load_iris
from mmlkit.models import LogisticRegression
from mmlkit.models.logistic import logistic_objective


def as_dask(a, chunks=211):
    return da.from_array(a, chunks=(chunks,) + a.shape[1:])


def _data(name, seed):
    if name == "iris":
        X, y = load_iris()
        return X, np.array(["setosa", "versicolor", "virginica"])[y]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(1500, 5)) * [1, 10, 0.1, 1, 3] + 2
    score = X @ [1, -0.2, 5, 0, 0.3] + rng.normal(size=1500)
    return X, (score > np.median(score)).astype(int)


@pytest.mark.parametrize("solver, penalty", [("lbfgs", "l2"), ("lbfgs", None), ("newton", "l2"), ("newton", "l1"),
                                             ("gd", "l1")])
@pytest.mark.parametrize("name", ["binary", "iris"])
def test_logistic_objective_equals_in_memory(threaded, solver, penalty, name):
    X, y = _data(name, 0)
    kwargs = {"solver": solver, "penalty": penalty, "C": 0.5, "max_iter": 300 if solver != "gd" else 150}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unpenalised iris problem is separable: both stop at max_iter
        a = LogisticRegression(**kwargs).fit(X, y)
        b = LogisticRegression(**kwargs).fit(as_dask(X, 400), as_dask(y, 400))
    fa = logistic_objective(X, y, a.coef_, a.intercept_, C=0.5, penalty=penalty)
    fb = logistic_objective(X, y, b.coef_, b.intercept_, C=0.5, penalty=penalty)
    np.testing.assert_allclose(fb, fa, rtol=1e-8)
    np.testing.assert_array_equal(b.classes_, a.classes_)


def test_logistic_on_cluster_outputs_are_lazy(on_cluster):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1200, 4))
    y = (X @ [1.0, -1.0, 0.5, 0.0] + rng.normal(size=1200) > 0).astype(int)
    Xd = as_dask(X, 500).persist()
    a = LogisticRegression(solver="lbfgs").fit(X, y)
    b = LogisticRegression(solver="lbfgs").fit(Xd, as_dask(y, 500))
    np.testing.assert_allclose(logistic_objective(X, y, b.coef_, b.intercept_),
                               logistic_objective(X, y, a.coef_, a.intercept_), rtol=1e-8)
    for method, shape in [("decision_function", (Xd.chunks[0],)), ("predict_proba", (Xd.chunks[0], (2,))),
                          ("predict", (Xd.chunks[0],)), ("predict_log_proba", (Xd.chunks[0], (2,)))]:
        out = getattr(b, method)(Xd)
        assert isinstance(out, da.Array) and out.chunks == shape
        np.testing.assert_allclose(out.compute(), getattr(b, method)(X), rtol=1e-12)
    assert isinstance(b.coef_, np.ndarray)


def test_logistic_bad_dask_input(threaded):
    X, y = _data("binary", 0)
    with pytest.raises(ValueError, match="at least 2 classes"):
        LogisticRegression().fit(as_dask(X), as_dask(np.zeros(len(y), dtype=int)))
    with pytest.raises(ValueError, match="continuous"):
        LogisticRegression().fit(as_dask(X), as_dask(X[:, 0]))
    X[10, 0] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        LogisticRegression().fit(as_dask(X), as_dask(y))
