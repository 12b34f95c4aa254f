"""Classical models as scikit-learn-compatible estimators.

Each estimator is mmlkit's own implementation of its algorithm; it inherits
scikit-learn's ``BaseEstimator`` and mixins so it drops into pipelines, grid
searches and ``cross_validate``. Estimators are imported on first use.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "LinearRegression": "linear",
    "Ridge": "linear",
    "BayesianLinearRegression": "linear",
    "Lasso": "coordinate_descent",
    "ElasticNet": "coordinate_descent",
    "LogisticRegression": "logistic",
    "GaussianNB": "naive_bayes",
    "MultinomialNB": "naive_bayes",
    "BernoulliNB": "naive_bayes",
    "GaussianMixture": "mixture",
    "KMeans": "cluster",
    "SpectralClustering": "cluster",
    "PCA": "decomposition",
    "KernelPCA": "decomposition",
    "SVC": "svm",
    "KernelRidge": "kernel_ridge",
    "TSNE": "manifold",
    "MLPClassifier": "neural",
    "MLPRegressor": "neural",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'mmlkit.models' has no attribute {name!r}")


def __dir__():
    return __all__
