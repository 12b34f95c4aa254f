"""Every estimator declares its parameters' constraints, and bad values fail in ``fit`` with a clear message.

One table per estimator (``_parameter_constraints``) checked by ``mmlkit._validation.validate_params``
at the start of ``fit``: these tests walk every public estimator of models, preprocessing and
evaluation, check that the table covers its constructor, and try a bad value of every kind.
"""

import inspect

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression as SkLinearRegression

from mmlkit import evaluation, models, preprocessing
from mmlkit.exceptions import InvalidParameterError, NotFittedError

# constructor arguments that are not hyper-parameters of a value: nested estimators, grids, dtypes and the
# caller's input (checked where they are used, with their own messages)
_UNCONSTRAINED = {"estimator", "param_grid", "param_distributions", "scoring", "cv", "dtype"}


def _estimators():
    for module in (models, preprocessing, evaluation):
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and hasattr(obj, "get_params") and hasattr(obj, "fit"):
                yield obj


@pytest.mark.parametrize("cls", list(_estimators()), ids=lambda c: c.__name__)
def test_every_constructor_parameter_has_a_constraint(cls):
    params = set(inspect.signature(cls.__init__).parameters) - {"self"}
    missing = params - set(cls._parameter_constraints) - _UNCONSTRAINED
    assert not missing, f"{cls.__name__} has no constraint for {sorted(missing)}"
    # and every default satisfies its own constraint (the defaults are valid parameters)
    defaults = {k: p.default for k, p in inspect.signature(cls.__init__).parameters.items()
                if p.default is not inspect.Parameter.empty and k in cls._parameter_constraints}
    from mmlkit._validation import validate_params
    validate_params(defaults, cls._parameter_constraints, owner=cls.__name__)


_X = np.random.default_rng(0).normal(size=(30, 3))
_y_class = (_X[:, 0] > 0).astype(int)
_y_reg = _X @ [1.0, -2.0, 0.5]

# (estimator, bad keyword arguments, regex the message must match); issue 20's "accepted bad input"
# items are the first rows
BAD = [
    (models.GaussianMixture, {"max_iter": -1}, r"max_iter must be an int in the range \[0, inf\)"),
    (models.MLPRegressor, {"momentum": 2}, r"momentum must be a float in the range \[0, 1\]"),
    (preprocessing.MinMaxScaler, {"feature_range": (0, np.inf)}, "feature_range must be a pair"),
    (preprocessing.MinMaxScaler, {"feature_range": (1, 0)}, "feature_range must be a pair"),
    (preprocessing.MinMaxScaler, {"clip": 1}, "clip must be True or False"),
    (preprocessing.RobustScaler, {"quantile_range": (10, 120)}, r"quantile_range must be .* within \[0, 100\]"),
    (preprocessing.StandardScaler, {"with_mean": "no"}, "with_mean must be True or False"),
    (preprocessing.SimpleImputer, {"missing_values": "?"}, "missing_values must be None or a float"),
    (preprocessing.SimpleImputer, {"fill_value": np.nan}, "fill_value"),
    (preprocessing.PolynomialFeatures, {"include_bias": None}, "include_bias must be True or False"),
    (preprocessing.OneHotEncoder, {"handle_unknown": "warn"}, "handle_unknown must be one of"),
    (preprocessing.SelectKBest, {"k": -1}, "k must be one of {'all'} or an int"),
    (models.LinearRegression, {"solver": "lsqr"}, r"solver must be one of \{'svd', 'normal', 'qr', 'gd'\}"),
    (models.LinearRegression, {"tol": -1.0}, "tol"),
    (models.Ridge, {"alpha": -1.0}, r"alpha must be a float in the range \[0, inf\)"),
    (models.Ridge, {"fit_intercept": "yes"}, "fit_intercept must be True or False"),
    (models.BayesianLinearRegression, {"alpha_init": 0.0}, "alpha_init must be None or a float"),
    (models.Lasso, {"alpha": 0.0}, r"alpha must be a float in the range \(0, inf\)"),
    (models.ElasticNet, {"l1_ratio": 1.5}, r"l1_ratio must be a float in the range \[0, 1\]"),
    (models.ElasticNet, {"precompute": "always"}, "precompute must be one of {'auto'} or True or False"),
    (models.LogisticRegression, {"penalty": "elasticnet"}, "penalty must be one of {'l2', 'l1'} or None"),
    (models.LogisticRegression, {"C": np.inf}, "C must be a float"),
    (models.GaussianNB, {"var_smoothing": -1e-9}, "var_smoothing"),
    (models.MultinomialNB, {"alpha": -1.0}, "alpha"),
    (models.BernoulliNB, {"binarize": "half"}, "binarize must be None or a float"),
    (models.KMeans, {"n_init": "many"}, "n_init must be one of {'auto'} or an int"),
    (models.KMeans, {"random_state": -3}, "random_state must be None, an int >= 0"),
    (models.SpectralClustering, {"gamma": 0.0}, r"gamma must be a float in the range \(0, inf\)"),
    (models.PCA, {"n_components": 1.5}, "n_components must be None or one of {'mle'}"),
    (models.PCA, {"whiten": 0}, "whiten must be True or False"),
    (models.KernelPCA, {"kernel": "cosine"}, "kernel must be one of .* or a callable"),
    (models.KernelRidge, {"degree": -1}, "degree"),
    (models.TSNE, {"early_exaggeration": 0.5}, r"early_exaggeration must be a float in the range \[1, inf\)"),
    (models.MLPClassifier, {"beta_1": 1.0}, r"beta_1 must be a float in the range \[0, 1\)"),
    (models.MLPClassifier, {"validation_fraction": 1.0}, "validation_fraction"),
    (models.SVC, {"max_iter": 0}, r"max_iter must be one of \{-1\} or an int in the range \[1, inf\)"),
    (models.SVC, {"kernel": np.dot}, "kernel must be one of"),
    (models.SVC, {"class_weight": "auto"}, "class_weight must be None or one of {'balanced'}"),
    (models.GaussianMixture, {"covariance_type": "none"}, "covariance_type must be one of"),
    (evaluation.GridSearchCV, {"return_train_score": "yes"}, "return_train_score must be True or False"),
]


def _case_id(value):
    """A stable test id (no object addresses, so every xdist worker collects the same names)."""
    if isinstance(value, dict):
        return ",".join(f"{k}={getattr(v, '__name__', v)!s}" for k, v in value.items())
    return getattr(value, "__name__", None) or str(value)


@pytest.mark.parametrize("cls, kwargs, match", BAD, ids=_case_id)
def test_bad_parameter_raises_naming_it(cls, kwargs, match):
    extra = {"param_grid": {"fit_intercept": [True]}} if cls is evaluation.GridSearchCV else {}
    est = cls(SkLinearRegression(), **extra, **kwargs) if cls is evaluation.GridSearchCV else cls(**kwargs)
    y = _y_reg if "Regress" in cls.__name__ or cls in (models.Ridge, models.Lasso, models.ElasticNet,
                                                        models.KernelRidge, evaluation.GridSearchCV) else _y_class
    with pytest.raises(InvalidParameterError, match=match) as info:
        est.fit(np.abs(_X) if cls is models.MultinomialNB else _X, y)
    assert cls.__name__ in str(info.value)  # the message says whose parameter it is


def test_kfold_checks_its_parameters_at_construction():
    with pytest.raises(ValueError, match="shuffle must be True or False, got 1"):
        evaluation.KFold(3, shuffle=1)
    with pytest.raises(ValueError, match=r"n_splits must be an int in the range \[2, inf\)"):
        evaluation.StratifiedKFold(1)


def test_search_predict_before_fit_is_not_fitted_error():
    search = evaluation.GridSearchCV(SkLinearRegression(), {"fit_intercept": [True, False]})
    for method in ("predict", "predict_proba", "decision_function", "transform"):
        with pytest.raises(NotFittedError, match=f"not fitted yet: call fit before {method}"):
            getattr(search, method)(_X)
    with pytest.raises(NotFittedError):
        search.score(_X, _y_reg)
    fitted = evaluation.GridSearchCV(SkLinearRegression(), {"fit_intercept": [True]}, refit=False).fit(_X, _y_reg)
    with pytest.raises(AttributeError, match="refit=True"):
        fitted.predict(_X)
