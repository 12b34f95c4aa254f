"""The robustness sweep (issue 20): every public name, tried as a hostile user would.

The list of names is built from each subpackage's ``__all__``; every name is
swept by a row of one of the tables below, swept as an estimator (anything
with ``get_params`` and ``fit``), or listed in ``NOT_SWEPT``/``NOT_SWEPT_NAMES``
/``SWEPT_ELSEWHERE`` with the reason — so a new public name fails
``test_every_public_name_is_accounted_for`` until someone decides how to sweep
it. Each family is generated from its table, never written case by case:

- ``ARRAY_FUNCTIONS`` (functions of array data): bad data (NaN, inf, empty,
  wrong ndim) raises ``ValueError``/``TypeError``/``LinAlgError`` naming the
  argument; the caller's arrays are never modified; the scale-invariant ones
  give the same answer at ×1e±300 (the scale-equivariant ones times the scale).
- ``PARAMETERS`` (functions and classes of parameters: autodiff transforms, nn
  modules, calculus, datasets, rl, explain, distributions): Hypothesis draws bad
  values of each parameter's kind and the call must raise naming it.
- ``BAD_INPUTS`` (wrong shapes, NaN, unfitted models, objects of the wrong kind).
- ``KERNELS`` (distribution functions: NaN outside their domain, as ufuncs) and
  ``TENSOR_OPS`` (autodiff operations: NaN propagates, the input is kept).
- Scale (Hypothesis over the exponent k, |k| ≤ 300): location-scale statistics,
  distribution fits, integrals and derivatives, the multivariate normal,
  explanations of a rescaled problem, reductions and their gradients.
- Estimators (pickle, ``clone``, determinism), ``OBJECTS`` outside scikit-learn's
  API (pickle, seeded rebuild), generators' determinism, quantiles outside
  [0, 1], divergent integrals (warn), and ``THREADED`` work equal to sequential.

Hypothesis runs few, derandomized examples (``max_examples`` 5–10) on top of
the profile of ``tests/conftest.py``, so the file stays fast and deterministic.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from sklearn.base import clone, is_regressor

SUBPACKAGES = ["linalg", "autodiff", "calculus", "probability", "stats", "information", "optim", "nn", "models",
               "preprocessing", "evaluation", "explain", "topology", "rl", "generative", "datasets"]
BAD_INPUT_ERRORS = (ValueError, TypeError, np.linalg.LinAlgError)
RNG = np.random.default_rng(0)
X1 = RNG.normal(size=12)                      # a 1-D sample
X1B = RNG.normal(0.5, 2.0, size=10)           # a second sample
X2 = RNG.normal(size=(12, 3))                 # a data matrix
SPD = X2.T @ X2 + np.eye(3)                   # symmetric positive definite
SQ = RNG.normal(size=(4, 4)) + 4 * np.eye(4)  # square, well conditioned
P = np.array([0.2, 0.3, 0.5])                 # a probability vector
Q = np.array([0.3, 0.3, 0.4])
LABELS = np.array([0, 1, 1, 0, 2, 2, 1, 0, 0, 1, 2, 2])
Y_BIN = np.array([0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0])
SCORE = np.linspace(0.05, 0.95, 12)[RNG.permutation(12)]


def public_names():
    for sub in SUBPACKAGES:
        module = importlib.import_module(f"mmlkit.{sub}")
        for name in module.__all__:
            yield sub, name, getattr(module, name)


def _mod(sub):
    return importlib.import_module(f"mmlkit.{sub}")


# name → (call, data, scale) — ``call(*data)`` is a valid small call; ``data`` are the
# arrays the sweep corrupts, one at a time; ``scale`` is "invariant", "equivariant"
# (the result scales with the data), or None (no scale property to check).
ARRAY_FUNCTIONS = {
    # stats
    "stats.mean": (lambda x: _mod("stats").mean(x), [X1], "equivariant"),
    "stats.var": (lambda x: _mod("stats").var(x), [X1], None),
    "stats.std": (lambda x: _mod("stats").std(x), [X1], "equivariant"),
    "stats.sem": (lambda x: _mod("stats").sem(x), [X1], "equivariant"),
    "stats.zscore": (lambda x: _mod("stats").zscore(x), [X1], "invariant"),
    "stats.iqr": (lambda x: _mod("stats").iqr(x), [X1], "equivariant"),
    "stats.median": (lambda x: _mod("stats").median(x), [X1], "equivariant"),
    "stats.quantile": (lambda x: _mod("stats").quantile(x, 0.3), [X1], "equivariant"),
    "stats.mode": (lambda x: _mod("stats").mode(x).mode, [np.round(X1)], None),
    "stats.skew": (lambda x: _mod("stats").skew(x), [X1], "invariant"),
    "stats.kurtosis": (lambda x: _mod("stats").kurtosis(x), [X1], "invariant"),
    "stats.describe": (lambda x: _mod("stats").describe(x).skewness, [X1], "invariant"),
    "stats.covariance": (lambda x: _mod("stats").covariance(x), [X2], None),
    "stats.rankdata": (lambda x: _mod("stats").rankdata(x), [X1], "invariant"),
    "stats.pearsonr": (lambda x, y: _mod("stats").pearsonr(x, y).statistic, [X1[:10], X1B], "invariant"),
    "stats.spearmanr": (lambda x, y: _mod("stats").spearmanr(x, y).statistic, [X1[:10], X1B], "invariant"),
    "stats.acf": (lambda x: _mod("stats").acf(x, 4), [X1], "invariant"),
    "stats.ttest_1samp": (lambda x: _mod("stats").ttest_1samp(x).statistic, [X1], "invariant"),
    "stats.ttest_ind": (lambda a, b: _mod("stats").ttest_ind(a, b).statistic, [X1, X1B], "invariant"),
    "stats.ttest_rel": (lambda a, b: _mod("stats").ttest_rel(a, b).statistic, [X1[:10], X1B], "invariant"),
    "stats.ztest": (lambda a, b: _mod("stats").ztest(a, b).statistic, [X1, X1B], "invariant"),
    "stats.f_oneway": (lambda a, b: _mod("stats").f_oneway(a, b).statistic, [X1, X1B], "invariant"),
    "stats.chisquare": (lambda f: _mod("stats").chisquare(f).statistic, [np.array([5.0, 8.0, 7.0])], None),
    "stats.chi2_contingency": (lambda t: _mod("stats").chi2_contingency(t).statistic,
                               [np.array([[10.0, 5.0], [4.0, 12.0]])], None),
    "stats.mcnemar": (lambda t: _mod("stats").mcnemar(t).statistic, [np.array([[10.0, 5.0], [4.0, 12.0]])], None),
    "stats.confidence_interval": (lambda x: _mod("stats").confidence_interval(x).low, [X1], "equivariant"),
    "stats.bootstrap_ci": (lambda x: _mod("stats").bootstrap_ci(x, np.mean, n_resamples=50, random_state=0).low,
                           [X1], "equivariant"),
    "stats.permutation_test": (lambda a, b: _mod("stats").permutation_test(
        (a, b), lambda u, v: np.mean(u) - np.mean(v), vectorized=False, n_resamples=50, random_state=0).pvalue,
        [X1, X1B], "invariant"),
    # information
    "information.entropy": (lambda p: _mod("information").entropy(p), [P], None),
    "information.cross_entropy": (lambda p, q: _mod("information").cross_entropy(p, q), [P, Q], None),
    "information.kl_divergence": (lambda p, q: _mod("information").kl_divergence(p, q), [P, Q], None),
    "information.js_divergence": (lambda p, q: _mod("information").js_divergence(p, q), [P, Q], None),
    "information.mutual_information": (lambda x, y: _mod("information").mutual_information(x, y),
                                       [LABELS.astype(float), Y_BIN.astype(float)], None),
    "information.joint_entropy": (lambda x, y: _mod("information").joint_entropy(x, y),
                                  [LABELS.astype(float), Y_BIN.astype(float)], None),
    "information.conditional_entropy": (lambda x, y: _mod("information").conditional_entropy(x, y),
                                        [LABELS.astype(float), Y_BIN.astype(float)], None),
    "information.gaussian_entropy": (lambda c: _mod("information").gaussian_entropy(c), [SPD], None),
    "information.gaussian_kl": (lambda m, c: _mod("information").gaussian_kl(m, c, np.zeros(3), np.eye(3)),
                                [np.ones(3), SPD], None),
    # linalg
    **{f"linalg.{n}": (lambda A, n=n: getattr(_mod("linalg"), n)(A), [SQ], None)
       for n in ("det", "inv", "eig", "eigvals", "lu", "qr", "svd", "svdvals", "hessenberg", "cond", "matrix_rank",
                 "pinv", "orth", "null_space", "gram_schmidt")},
    **{f"linalg.{n}": (lambda A, n=n: getattr(_mod("linalg"), n)(A), [SPD], None)
       for n in ("cholesky", "eigh", "eigvalsh", "is_positive_definite", "power_iteration")},
    "linalg.norm": (lambda x: _mod("linalg").norm(x), [X1], "equivariant"),
    "linalg.solve": (lambda A, b: _mod("linalg").solve(A, b), [SQ, X1[:4]], None),
    "linalg.solve_triangular": (lambda A, b: _mod("linalg").solve_triangular(A, b, lower=True),
                                [np.tril(SQ), X1[:4]], None),
    "linalg.lstsq": (lambda A, b: _mod("linalg").lstsq(A, b)[0], [X2, X1], None),
    "linalg.dot": (lambda a, b: _mod("linalg").dot(a, b), [X1, X1], None),
    "linalg.outer": (lambda a, b: _mod("linalg").outer(a, b), [X1[:3], X1B[:3]], None),
    "linalg.cross": (lambda a, b: _mod("linalg").cross(a, b), [X1[:3], X1B[:3]], None),
    "linalg.angle": (lambda a, b: _mod("linalg").angle(a, b), [X1[:3], X1B[:3]], "invariant"),
    "linalg.project": (lambda a, b: _mod("linalg").project(a, b), [X1[:3], X1B[:3]], "equivariant"),
    # topology
    "topology.vietoris_rips": (lambda X: _mod("topology").vietoris_rips(X)[1], [X2], "equivariant"),
    # generative
    "generative.energy_distance": (lambda X, Y: _mod("generative").energy_distance(X, Y), [X2, X2[::-1] + 1],
                                   "equivariant"),
    "generative.mmd_rbf": (lambda X, Y: _mod("generative").mmd_rbf(X, Y), [X2, X2[::-1] + 1], "invariant"),
    "generative.gaussian_kl_standard": (lambda m, lv: _mod("generative").gaussian_kl_standard(m, lv),
                                        [X2, 0.1 * X2], None),
    # preprocessing functions
    "preprocessing.chi2": (lambda X, y: _mod("preprocessing").chi2(X, y)[0], [np.abs(X2), Y_BIN], "equivariant"),
    "preprocessing.f_classif": (lambda X, y: _mod("preprocessing").f_classif(X, y)[0], [X2, Y_BIN], "invariant"),
    # evaluation metrics
    "evaluation.mean_squared_error": (lambda a, b: _mod("evaluation").mean_squared_error(a, b), [X1, X1[::-1]], None),
    "evaluation.mean_absolute_error": (lambda a, b: _mod("evaluation").mean_absolute_error(a, b), [X1, X1[::-1]],
                                       "equivariant"),
    "evaluation.root_mean_squared_error": (lambda a, b: _mod("evaluation").root_mean_squared_error(a, b),
                                           [X1, X1[::-1]], "equivariant"),
    "evaluation.r2_score": (lambda a, b: _mod("evaluation").r2_score(a, b), [X1, X1[::-1]], "invariant"),
    "evaluation.roc_auc_score": (lambda y, s: _mod("evaluation").roc_auc_score(y, s), [Y_BIN, SCORE], "invariant"),
    "evaluation.average_precision_score": (lambda y, s: _mod("evaluation").average_precision_score(y, s),
                                           [Y_BIN, SCORE], "invariant"),
    "evaluation.auc": (lambda x, y: _mod("evaluation").auc(x, y), [np.sort(SCORE), SCORE], None),
    "evaluation.corrected_resampled_ttest": (lambda a, b: _mod("evaluation").corrected_resampled_ttest(
        a, b, 80, 20).statistic, [X1, X1B[:10].tolist() + [0.1, 0.2]], "invariant"),
}

#: Arguments that may legitimately hold NaN or ±inf (the functions document what they do with it).
NAN_ALLOWED = {"stats.mode"}
#: Functions for which another number of dimensions is valid input (axis reductions, batches).
ANY_NDIM = {"stats.mean", "stats.var", "stats.std", "stats.sem", "stats.zscore", "stats.iqr", "stats.median",
            "stats.quantile", "stats.mode", "stats.skew", "stats.kurtosis", "stats.describe", "stats.chi2_contingency",
            "stats.ttest_1samp", "stats.ttest_ind", "stats.ttest_rel", "stats.chisquare", "information.entropy",
            "information.cross_entropy", "information.kl_divergence", "information.js_divergence",
            "permutation_test"}

# name → reason it is not swept here.
NOT_SWEPT = {
    "optim": "optimizers and projections of callables: tests/optim (parameter checks, projection scale)",
}
NOT_SWEPT_NAMES = {
    "linalg.eigvals": "swept",
    "stats.mle": "fits a distribution by name: tests/stats",
    "topology.betti_curve": "functions of diagrams: tests/topology",
    "topology.bottleneck_distance": "functions of diagrams: tests/topology",
    "topology.persistence_entropy": "functions of diagrams: tests/topology",
    "topology.persistence_landscape": "functions of diagrams: tests/topology",
    "topology.total_persistence": "functions of diagrams: tests/topology",
    "generative.noise_schedule": "takes counts and variances: tests/generative (bad parameters)",
    "preprocessing.mutual_info_classif": "k-NN estimator with random_state: tests/preprocessing",
    "preprocessing.train_test_split": "splits any arrays (no numerical content): tests/preprocessing",
}


def _accounted(sub, name, obj):
    key = f"{sub}.{name}"
    if key in ARRAY_FUNCTIONS or key in NOT_SWEPT_NAMES or sub in NOT_SWEPT:
        return True
    if any(k == key or k.startswith(key + ".") for k in (*PARAMETERS, *BAD_INPUTS, *OBJECTS)) \
            or key in SWEPT_ELSEWHERE:
        return True
    if sub in PARAMETER_SWEPT:  # every name of these subpackages is swept by a table row or listed
        return False
    if inspect.isclass(obj):  # estimators (swept below) and result / helper classes
        return True
    return sub == "evaluation"  # scorers, CV helpers and label metrics: tests/evaluation


#: names of the parameter-swept subpackages covered elsewhere, with the reason
_RESULT = "a result record (a dataclass or named tuple, no parameters to check)"
_ACTIVATION = "a parameterless activation module (its forward is the swept Tensor operation)"
SWEPT_ELSEWHERE = {
    **{f"probability.{n}": "swept as a distribution kernel (test_kernel_outside_its_domain_gives_nan)"
       for n in ("beta_quantile", "binom_cdf", "binom_sf", "chi2_cdf", "chi2_isf", "chi2_ppf", "chi2_sf", "f_cdf",
                 "f_ppf", "f_sf", "gamma_quantile", "normal_cdf", "normal_isf", "normal_logcdf", "normal_logsf",
                 "normal_ppf", "normal_sf", "poisson_cdf", "poisson_sf", "t_cdf", "t_isf", "t_ppf", "t_sf")},
    **{f"autodiff.{n}": "swept as a Tensor operation (test_tensor_operation_propagates_nan_and_keeps_the_input)"
       for n in ("abs", "add", "arctan", "as_tensor", "astype", "broadcast_to", "clip", "concatenate", "cos",
                 "cosh", "cumsum", "diagonal", "divide", "dot", "einsum", "erf", "exp", "expand_dims", "expm1",
                 "flatten", "gelu", "getitem", "index_add", "log", "log1p", "log_softmax", "logsumexp", "matmul",
                 "max", "maximum", "mean", "min", "minimum", "multiply", "negative", "norm", "ones_like", "outer",
                 "pow", "power", "relu", "reshape", "sigmoid", "sin", "sinh", "softmax", "softplus", "sqrt",
                 "square", "squeeze", "stack", "subtract", "sum", "swapaxes", "tan", "tanh", "trace",
                 "transpose", "where", "zeros_like")},
    "autodiff.Primitive": "made by the swept autodiff.primitive",
    "autodiff.enable_grad": "a context manager without parameters", "autodiff.no_grad": "as enable_grad",
    "autodiff.is_grad_enabled": "a query without parameters",
    "autodiff.ones": "a constructor of a shape (NumPy's checks)", "autodiff.zeros": "as ones",
    "calculus.IntegrationResult": _RESULT, "calculus.MonteCarloResult": _RESULT,
    **{f"nn.{n}": _ACTIVATION for n in ("GELU", "Identity", "ReLU", "Sigmoid", "Tanh")},
    "nn.Module": "the base class of the swept layers", "nn.ModuleList": "a container of Modules",
    "nn.Sequential": "a container of Modules (rejects non-Modules: tests/nn)", "nn.History": _RESULT,
    "nn.Parameter": "a Tensor constructor (as autodiff.tensor)",
    "nn.functional": "a module: its losses and attention are swept under nn.*",
    "nn.init": "a module: its initialisers are swept under nn.*",
    **{f"explain.{n}": _RESULT for n in ("Explanation", "LimeExplanation", "PartialDependence",
                                         "PermutationImportance", "Sensitivity")},
    "rl.BanditResult": _RESULT, "rl.ReinforceResult": _RESULT,
    "datasets.Dataset": _RESULT, "datasets.Graph": _RESULT,
    **{f"datasets.{n}": "a loader without parameters (tests/datasets checks the tables)"
       for n in ("load_breast_cancer", "load_digits", "load_iris", "load_karate_club", "load_wine")},
}
#: subpackages swept name by name (a class is not accounted for just by being a class)
PARAMETER_SWEPT = {"autodiff", "nn", "rl", "explain", "datasets", "calculus", "probability"}


def test_every_public_name_is_accounted_for():
    missing = [f"{s}.{n}" for s, n, o in public_names() if not _accounted(s, n, o)]
    assert not missing, f"public names neither swept nor listed in NOT_SWEPT: {missing}"
    names = {f"{s}.{n}" for s, n, _ in public_names()}
    stale = sorted(set(SWEPT_ELSEWHERE) - names)
    assert not stale, f"SWEPT_ELSEWHERE lists names that are not public: {stale}"
    assert len(list(public_names())) > 350  # the lists come from __all__, not from this file


#: Data argument names where the sweep's call packs them differently from the signature.
DATA_NAMES = {"stats.permutation_test": ["data[0]", "data[1]"]}


def _param_names(key, n_data):
    """The names a message may use for the data arguments: the function's parameter names."""
    if key in DATA_NAMES:
        return DATA_NAMES[key]
    sub, name = key.split(".")
    fn = getattr(_mod(sub), name)
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return [None] * n_data
    names = [p.name for p in params]
    return (names + [None] * n_data)[:n_data]


def _corruptions(x):
    x = np.asarray(x, dtype=float)
    out = {}
    for what, value in (("nan", np.nan), ("inf", np.inf)):
        bad = x.copy()
        bad.flat[min(1, bad.size - 1)] = value
        out[what] = bad
    out["empty"] = x[:0] if x.ndim == 1 else x[:0, :]
    out["ndim"] = x[None] if x.ndim == 2 else x.reshape(1, 1, -1)
    return out


def _cases():
    for key, (_call, data, _) in ARRAY_FUNCTIONS.items():
        for i in range(len(data)):
            for kind in ("nan", "inf", "empty", "ndim"):
                if (kind in ("nan", "inf") and key in NAN_ALLOWED) or (kind == "ndim" and key in ANY_NDIM):
                    continue  # documented NaN handling / any number of dimensions is valid input
                yield pytest.param(key, i, kind, id=f"{key}-arg{i}-{kind}")


@pytest.mark.parametrize(("key", "i", "kind"), list(_cases()))
def test_bad_data_raises_a_clear_error(key, i, kind):
    call, data, _ = ARRAY_FUNCTIONS[key]
    args = list(data)
    args[i] = _corruptions(data[i])[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            call(*args)
        except BAD_INPUT_ERRORS as err:
            message = str(err)
        else:
            if kind == "ndim" and np.ndim(data[i]) == 1 and key.startswith("linalg."):
                return  # a 1 × n matrix is a valid input of the vector functions' 2-D forms
            pytest.fail(f"{key} accepted {kind} data in argument {i}")
    name = _param_names(key, len(data))[i]
    if name is not None:
        # the message names the argument (or says what was wrong with it, for the label metrics)
        assert name in message or kind in ("empty", "ndim"), f"{key}: {message!r} does not name {name!r}"


@pytest.mark.parametrize("key", sorted(ARRAY_FUNCTIONS))
def test_caller_arrays_are_not_modified(key):
    call, data, _ = ARRAY_FUNCTIONS[key]
    copies = [np.array(d, copy=True) for d in data]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call(*data)
    for before, after in zip(copies, data):
        np.testing.assert_array_equal(np.asarray(after), before)


def _scale_cases():
    for key, (_, _, scale) in ARRAY_FUNCTIONS.items():
        if scale is None:
            continue
        for s in (1e-300, 1e300):
            yield pytest.param(key, s, id=f"{key}-{s:g}")


def _as_array(v):
    if isinstance(v, (list, tuple)):
        return [np.asarray(t, dtype=float) for t in v]
    return [np.asarray(v, dtype=float)]


@pytest.mark.parametrize(("key", "s"), list(_scale_cases()))
def test_scale_gives_the_same_answer(key, s):
    call, data, scale = ARRAY_FUNCTIONS[key]
    # labels and probability-like arguments are not data to scale
    scaled = [np.asarray(d) * s if np.asarray(d).dtype.kind == "f" else d for d in data]
    if key in ("evaluation.roc_auc_score", "evaluation.average_precision_score"):
        scaled = [data[0], data[1] * s]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref, got = call(*data), call(*scaled)
    factor = s if scale == "equivariant" else 1.0
    for r, g in zip(_as_array(ref), _as_array(got)):
        # scaling by 10**±300 rounds each datum once; these statistics are well conditioned here
        np.testing.assert_allclose(g / factor, r, rtol=1e-9, atol=1e-12)


# ----------------------------------------------------------------------------- estimators
def _estimators():
    for sub, name, obj in public_names():
        if inspect.isclass(obj) and hasattr(obj, "get_params") and hasattr(obj, "fit") \
                and not inspect.isabstract(obj):
            yield f"{sub}.{name}", obj


FAST = {  # small settings so that the sweep stays fast
    "models.MLPClassifier": {"hidden_layer_sizes": (4,), "max_iter": 20},
    "models.MLPRegressor": {"hidden_layer_sizes": (4,), "max_iter": 20},
    "models.TSNE": {"n_iter": 250, "perplexity": 3.0},
    "models.SpectralClustering": {"n_clusters": 2},
    "models.KMeans": {"n_clusters": 2, "n_init": 1},
    "models.GaussianMixture": {"n_components": 2},
    "preprocessing.SelectKBest": {"k": 2},
}
SKIP_ESTIMATORS = {
    "evaluation.GridSearchCV": "a meta-estimator (needs an estimator and a grid): tests/evaluation",
    "evaluation.RandomizedSearchCV": "a meta-estimator: tests/evaluation",
    "generative.VAE": "trains a network for seconds: tests/generative",
    "generative.DiffusionModel": "trains a network for seconds: tests/generative",
}


def _make(key, cls):
    params = dict(FAST.get(key, {}))
    accepted = cls().get_params() if _default_constructible(cls) else {}
    params = {k: v for k, v in params.items() if k in accepted}
    if "random_state" in accepted:
        params["random_state"] = 0
    if key == "models.TSNE" and "max_iter" in accepted:
        params.pop("n_iter", None)
        params["max_iter"] = 250
    return cls(**params)


def _default_constructible(cls):
    try:
        cls()
    except TypeError:
        return False
    return True


def _fit_output(est, key):
    X = np.abs(X2) if key.endswith(("MultinomialNB", "BernoulliNB")) else X2
    y = X1 if is_regressor(est) else Y_BIN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = est.fit(X, y)
        for method in ("predict_proba", "predict", "transform"):
            if hasattr(fitted, method):
                try:
                    return fitted, X, method, np.asarray(getattr(fitted, method)(X))
                except (AttributeError, NotImplementedError):
                    continue
        if hasattr(fitted, "embedding_"):
            return fitted, X, None, np.asarray(fitted.embedding_)
        if hasattr(fitted, "labels_"):
            return fitted, X, None, np.asarray(fitted.labels_)
    return fitted, X, None, None


def _estimator_params():
    for key, cls in _estimators():
        if key not in SKIP_ESTIMATORS:  # the meta-estimators: their pickle/clone tests are in tests/evaluation
            yield pytest.param(key, cls, id=key)


@pytest.mark.parametrize(("key", "cls"), list(_estimator_params()))
def test_estimator_pickle_clone_and_determinism(key, cls):
    est = _make(key, cls)
    fitted, X, method, out = _fit_output(est, key)
    # determinism under a fixed random_state
    _, _, _, out2 = _fit_output(_make(key, cls), key)
    # equal up to the reordering of sums that threaded BLAS kernels may do between runs
    tol = dict(rtol=1e-10, atol=1e-12)
    if out is not None:
        np.testing.assert_allclose(out2, out, **tol)
    # a pickle round trip predicts the same
    restored = pickle.loads(pickle.dumps(fitted))
    if method is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.testing.assert_allclose(np.asarray(getattr(restored, method)(X)), out, **tol)
    # clone gives an unfitted estimator with the same parameters, fitting to the same result
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    _, _, _, out3 = _fit_output(twin, key)
    if out is not None:
        np.testing.assert_allclose(out3, out, **tol)


def _scaled_estimator_params():
    for s in (1e300, 1e-300):
        for p in _estimator_params():
            key, cls = p.values
            yield pytest.param(key, cls, s, id=f"{key}-{s:g}")


@pytest.mark.parametrize(("key", "cls", "s"), list(_scaled_estimator_params()))
def test_estimator_at_any_scale_is_finite_or_a_clear_error(key, cls, s):
    """X·s (and a regressor's y·s): the fit gives finite outputs or raises a ValueError that says why,
    never a silent NaN or inf, and no overflow inside the fit (RuntimeWarnings are errors here)."""
    from mmlkit.exceptions import ConvergenceWarning

    est = _make(key, cls)
    X = np.abs(X2) if key.endswith(("MultinomialNB", "BernoulliNB")) else X2
    y = X1 * s if is_regressor(est) else Y_BIN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("error", RuntimeWarning)
        try:
            fitted = est.fit(X * s, y)
        except ValueError as exc:
            assert str(exc), key
            return
        outputs = [np.asarray(getattr(fitted, m)(X * s)) for m in ("predict", "predict_proba", "transform")
                   if _has_method(fitted, m)]
    outputs += [np.asarray(getattr(fitted, a)) for a in ("labels_", "embedding_") if hasattr(fitted, a)]
    for out in outputs:
        assert np.all(np.isfinite(out)), f"{key} at ×{s:g}: non-finite output"


def _has_method(est, name):
    try:
        getattr(est, name)   # scikit-learn's available_if raises AttributeError where a method does not apply
    except AttributeError:
        return False
    return True


# =========================================================================== the parameter sweep
# Functions of callables, counts and parameters (autodiff transforms, nn modules, distributions,
# calculus, rl, explain, datasets): each row of ``PARAMETERS`` is a small valid call
# ``call(**valid)`` and the kind of each parameter it checks; Hypothesis draws bad values of that
# kind and the call must raise ``ValueError``/``TypeError`` naming the parameter.
def _ad():
    return _mod("autodiff")


def _nn():
    return _mod("nn")


def _pr():
    return _mod("probability")


def _fit_linear():
    from mmlkit.models import LinearRegression
    return LinearRegression().fit(X2, X1)


def _fit_logistic():
    from mmlkit.models import LogisticRegression
    return LogisticRegression().fit(X2, Y_BIN)


def _sq(x):
    return (x ** 2).sum()


def _nn_fit(X=X2, y=X1[:, None], **kw):
    model = _nn().Linear(3, 1, random_state=0)
    kw = {"model": model, "loss": _nn().mse_loss, "optimizer": _mod("optim").SGD(model.parameters(), lr=0.1), **kw}
    return _nn().fit(X=X, y=y, progress=False, **kw)


_NAN, _INF = float("nan"), float("inf")
#: kind → the bad values Hypothesis draws for a parameter of that kind
KINDS = {
    "count": st.one_of(st.integers(-3, 0), st.sampled_from([2.5, _NAN, "3", True])),        # int >= 1
    "nonneg_int": st.one_of(st.integers(-3, -1), st.sampled_from([2.5, _NAN, "3"])),         # int >= 0
    "positive": st.one_of(st.floats(max_value=0.0), st.sampled_from([_NAN, _INF, "1"])),     # real > 0
    "nonneg": st.one_of(st.floats(max_value=-1e-300), st.sampled_from([_NAN, _INF, "1"])),  # real >= 0
    "real": st.sampled_from([_NAN, _INF, -_INF, "1"]),                                       # finite real
    "prob": st.one_of(st.floats(max_value=-1e-300), st.floats(min_value=1.0 + 1e-12),
                      st.sampled_from([_NAN, "0.5"])),                                       # in [0, 1]
    "prob_left": st.one_of(st.floats(max_value=-1e-300), st.floats(min_value=1.0),
                           st.sampled_from([_NAN, "0.5"])),                                  # in [0, 1)
    "prob_right": st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0 + 1e-12),
                            st.sampled_from([_NAN, "0.5"])),                                 # in (0, 1]
    "open01": st.one_of(st.floats(max_value=0.0), st.floats(min_value=1.0),
                        st.sampled_from([_NAN, "0.5"])),                                     # in (0, 1)
    "callable": st.sampled_from([None, 3, "f", np.ones(2)]),
    "callable_or_none": st.sampled_from([3, "f", np.ones(2)]),
    "option": st.sampled_from(["no-such-option", 3, None]),
    "random_state": st.sampled_from(["seed", -1, 1.5, object()]),
    "bool": st.sampled_from(["yes", 2, None]),
    "argnums": st.sampled_from([1.5, "a", (0, "b"), None, 7]),
    "axis": st.sampled_from([1.5, "a", (0, "b"), None]),
    "optimizer": st.sampled_from(["sgd", None, 3]),
}

#: name → (call, valid keyword arguments, {parameter: kind})
PARAMETERS = {
    # autodiff transforms: the function, argnums and the checker's tolerances
    **{f"autodiff.{t}": (lambda _t=t, **kw: getattr(_ad(), _t)(**kw)(np.ones(3)), {"f": _sq, "argnums": 0},
                         {"f": "callable", "argnums": "argnums"})
       for t in ("grad", "value_and_grad", "jacobian", "hessian")},
    "autodiff.hvp": (lambda **kw: _ad().hvp(**kw), {"f": _sq, "x": np.ones(3), "v": np.ones(3)}, {"f": "callable"}),
    "autodiff.jvp": (lambda **kw: _ad().jvp(**kw), {"f": _sq, "primals": (np.ones(3),), "tangents": (np.ones(3),)},
                     {"f": "callable"}),
    "autodiff.vjp": (lambda f: _ad().vjp(f, np.ones(3)), {"f": _sq}, {"f": "callable"}),
    "autodiff.check_grad": (lambda f, **kw: _ad().check_grad(f, np.ones(3), **kw),
                            {"f": _sq, "rtol": 1e-5, "atol": 1e-7, "n_directions": 2, "eps": 1e-6,
                             "random_state": 0},
                            {"f": "callable", "rtol": "positive", "atol": "nonneg", "n_directions": "count",
                             "eps": "positive", "random_state": "random_state"}),
    "autodiff.primitive": (lambda **kw: _ad().primitive(**kw), {"fun": np.sin}, {"fun": "callable_or_none"}),
    "autodiff.set_grad_enabled": (lambda **kw: _ad().set_grad_enabled(**kw), {"mode": True}, {"mode": "bool"}),
    "autodiff.std": (lambda **kw: _ad().std(_ad().tensor(X1), **kw), {"ddof": 1}, {"ddof": "nonneg_int"}),
    "autodiff.var": (lambda **kw: _ad().var(_ad().tensor(X1), **kw), {"ddof": 1}, {"ddof": "nonneg_int"}),
    # nn: layers' sizes and rates, initialisers, losses' options, the training loop
    "nn.Linear": (lambda **kw: _nn().Linear(**kw), {"in_features": 3, "out_features": 2, "random_state": 0},
                  {"in_features": "count", "out_features": "count", "bias": "bool", "random_state": "random_state"}),
    "nn.GraphConv": (lambda **kw: _nn().GraphConv(**kw), {"in_features": 3, "out_features": 2, "random_state": 0},
                     {"in_features": "count", "out_features": "count", "random_state": "random_state"}),
    "nn.Embedding": (lambda **kw: _nn().Embedding(**kw), {"num_embeddings": 5, "embedding_dim": 2},
                     {"num_embeddings": "count", "embedding_dim": "count"}),
    "nn.MLP": (lambda **kw: _nn().MLP(**kw), {"sizes": [3, 4, 2], "dropout": 0.1, "activation": "relu"},
               {"dropout": "prob", "activation": "option"}),
    "nn.Dropout": (lambda **kw: _nn().Dropout(**kw), {"p": 0.5}, {"p": "prob", "random_state": "random_state"}),
    "nn.LayerNorm": (lambda **kw: _nn().LayerNorm(**kw), {"normalized_shape": 3, "eps": 1e-5},
                     {"normalized_shape": "count", "eps": "positive"}),
    "nn.Softmax": (lambda **kw: _nn().Softmax(**kw), {"dim": -1}, {"dim": "axis"}),
    "nn.MultiHeadAttention": (lambda **kw: _nn().MultiHeadAttention(**kw), {"embed_dim": 4, "num_heads": 2},
                              {"embed_dim": "count", "num_heads": "count", "dropout": "prob"}),
    "nn.TransformerBlock": (lambda **kw: _nn().TransformerBlock(**kw),
                            {"d_model": 4, "nhead": 2, "dim_feedforward": 8},
                            {"d_model": "count", "nhead": "count", "dim_feedforward": "count", "dropout": "prob",
                             "activation": "option", "layer_norm_eps": "positive"}),
    **{f"nn.{n}": (lambda _n=n, **kw: getattr(_nn(), _n)(_ad().zeros((3, 2)), **kw), {"random_state": 0},
                   {"gain": "nonneg", "random_state": "random_state"})
       for n in ("xavier_normal_", "xavier_uniform_")},
    **{f"nn.{n}": (lambda _n=n, **kw: getattr(_nn(), _n)(_ad().zeros((3, 2)), **kw), {"random_state": 0},
                   {"mode": "option", "nonlinearity": "option", "a": "real", "random_state": "random_state"})
       for n in ("kaiming_normal_", "kaiming_uniform_")},
    **{f"nn.{n}": (lambda _n=n, **kw: getattr(_nn(), _n)(_ad().tensor(SCORE), _ad().tensor(Y_BIN * 1.0), **kw), {},
                   {"reduction": "option"})
       for n in ("mse_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits")},
    "nn.cross_entropy": (lambda **kw: _nn().cross_entropy(_ad().tensor(X2), LABELS, **kw), {},
                         {"reduction": "option", "label_smoothing": "prob"}),
    "nn.scaled_dot_product_attention": (
        lambda **kw: _nn().scaled_dot_product_attention(_ad().tensor(X2), _ad().tensor(X2), _ad().tensor(X2), **kw),
        {}, {"dropout_p": "prob", "is_causal": "bool"}),
    "nn.normalized_adjacency": (lambda **kw: _nn().normalized_adjacency(np.ones((3, 3)) - np.eye(3), **kw), {},
                                {"add_self_loops": "bool"}),
    "nn.fit": (_nn_fit, {"epochs": 1, "batch_size": 4, "random_state": 0},
               {"model": "callable", "loss": "callable", "optimizer": "optimizer", "epochs": "count",
                "batch_size": "count", "validation_split": "prob_left", "patience": "count", "min_delta": "nonneg",
                "shuffle": "bool", "random_state": "random_state"}),
    # calculus: the integrand, the limits, the numbers of nodes and the tolerances
    "calculus.derivative": (lambda **kw: _mod("calculus").derivative(**kw), {"f": np.sin, "x": 0.3},
                            {"f": "callable", "n": "count", "method": "option", "h": "positive",
                             "accuracy": "count"}),
    **{f"calculus.{n}": (lambda _n=n, **kw: getattr(_mod("calculus"), _n)(**kw), {"f": np.sin, "a": 0.0, "b": 1.0},
                         {"f": "callable", "a": "real", "b": "real", "n": "count"})
       for n in ("trapezoid", "simpson", "gauss_legendre")},
    "calculus.quad": (lambda **kw: _mod("calculus").quad(**kw), {"f": np.sin, "a": 0.0, "b": 1.0},
                      {"f": "callable", "epsabs": "nonneg", "epsrel": "nonneg", "limit": "count"}),
    "calculus.nquad": (lambda **kw: _mod("calculus").nquad(**kw),
                       {"f": lambda x, y: x * y, "ranges": [(0.0, 1.0), (0.0, 1.0)]},
                       {"f": "callable", "epsabs": "nonneg", "epsrel": "nonneg", "limit": "count"}),
    "calculus.monte_carlo": (lambda **kw: _mod("calculus").monte_carlo(**kw),
                             {"f": lambda x: x, "bounds": [(0.0, 1.0)], "n": 100, "random_state": 0},
                             {"f": "callable", "n": "count", "random_state": "random_state"}),
    **{f"calculus.{n}": (lambda _n=n, **kw: getattr(_mod("calculus"), _n)(**kw), {"f": _sq, "x": np.ones(2)},
                         {"f": "callable", "h": "positive"})
       for n in ("gradient_fd", "jacobian_fd", "hessian_fd")},
    "calculus.taylor": (lambda **kw: _mod("calculus").taylor(**kw), {"f": _sq, "x0": 0.0, "order": 3},
                        {"f": "callable", "x0": "real", "order": "nonneg_int"}),
    "calculus.gauss_legendre_nodes": (lambda **kw: _mod("calculus").gauss_legendre_nodes(**kw), {"n": 4},
                                      {"n": "count"}),
    "calculus.finite_difference_weights": (lambda **kw: _mod("calculus").finite_difference_weights(**kw),
                                           {"offsets": [-1, 0, 1], "n": 1}, {"n": "nonneg_int"}),
    # datasets: counts, noise levels, fractions and seeds
    "datasets.make_blobs": (lambda **kw: _mod("datasets").make_blobs(**kw), {"n_samples": 20, "random_state": 0},
                            {"n_samples": "count", "n_features": "count", "centers": "count",
                             "cluster_std": "nonneg", "shuffle": "bool", "random_state": "random_state"}),
    **{f"datasets.{n}": (lambda _n=n, **kw: getattr(_mod("datasets"), _n)(**kw), {"n_samples": 20, "random_state": 0},
                         {"n_samples": "count", "noise": "nonneg", "random_state": "random_state",
                          **({"shuffle": "bool"} if n == "make_moons" else {"hole": "bool"})})
       for n in ("make_moons", "make_swiss_roll")},
    "datasets.make_circles": (lambda **kw: _mod("datasets").make_circles(**kw), {"n_samples": 20, "random_state": 0},
                              {"n_samples": "count", "noise": "nonneg", "factor": "open01",
                               "random_state": "random_state"}),
    "datasets.make_regression": (lambda **kw: _mod("datasets").make_regression(**kw),
                                 {"n_samples": 20, "n_features": 4, "n_informative": 2, "random_state": 0},
                                 {"n_samples": "count", "n_features": "count", "n_informative": "nonneg_int",
                                  "n_targets": "count", "bias": "real", "noise": "nonneg", "coef": "bool",
                                  "random_state": "random_state"}),
    "datasets.make_classification": (lambda **kw: _mod("datasets").make_classification(**kw),
                                     {"n_samples": 30, "n_features": 5, "random_state": 0},
                                     {"n_samples": "count", "n_features": "count", "n_informative": "count",
                                      "n_redundant": "nonneg_int", "n_repeated": "nonneg_int",
                                      "n_classes": "count", "n_clusters_per_class": "count", "flip_y": "prob",
                                      "class_sep": "positive", "random_state": "random_state"}),
    # rl: bandits, agents, environments, the simulation loop and REINFORCE
    "rl.EpsilonGreedy": (lambda **kw: _mod("rl").EpsilonGreedy(**kw), {"epsilon": 0.1}, {"epsilon": "prob"}),
    "rl.UCB1": (lambda **kw: _mod("rl").UCB1(**kw), {"c": 2.0}, {"c": "nonneg"}),
    "rl.ThompsonSampling": (lambda **kw: _mod("rl").ThompsonSampling(**kw), {},
                            {"prior": "option", "alpha": "positive", "beta": "positive", "mu0": "real",
                             "tau0": "positive", "sigma": "positive"}),
    "rl.BernoulliBandit": (lambda **kw: _mod("rl").BernoulliBandit(**kw), {"means": [0.2, 0.7]}, {}),
    "rl.GaussianBandit": (lambda **kw: _mod("rl").GaussianBandit(**kw), {"means": [0.2, 0.7]}, {"sigma": "positive"}),
    "rl.CartPole": (lambda **kw: _mod("rl").CartPole(**kw), {"max_steps": 10}, {"max_steps": "count"}),
    "rl.Corridor": (lambda **kw: _mod("rl").Corridor(**kw), {"length": 4}, {"length": "count", "max_steps": "count",
                                                                          "slip": "prob"}),
    "rl.simulate": (lambda **kw: _mod("rl").simulate(_mod("rl").BernoulliBandit([0.2, 0.7]),
                                                      _mod("rl").EpsilonGreedy(), **kw),
                    {"horizon": 5, "n_runs": 2, "random_state": 0},
                    {"horizon": "count", "n_runs": "count", "random_state": "random_state"}),
    "rl.reinforce": (lambda **kw: _mod("rl").reinforce(**kw), {"n_iterations": 2, "batch_size": 2, "random_state": 0},
                     {"n_iterations": "count", "batch_size": "count", "lr": "positive", "gamma": "prob",
                      "baseline": "bool", "hidden": "count", "random_state": "random_state"}),
    # explain: explainers' options on a fitted model
    "explain.permutation_importance": (lambda **kw: _mod("explain").permutation_importance(
        _fit_linear(), X2, X1, **kw), {"n_repeats": 2, "random_state": 0},
        {"n_repeats": "count", "max_samples": "prob_right", "random_state": "random_state"}),
    "explain.lime_tabular": (lambda **kw: _mod("explain").lime_tabular(_fit_logistic(), X2, X2[0], **kw),
                             {"num_samples": 50, "random_state": 0},
                             {"num_samples": "count", "num_features": "count", "kernel_width": "positive",
                              "alpha": "nonneg", "discretizer": "option", "random_state": "random_state"}),
    "explain.partial_dependence": (lambda **kw: _mod("explain").partial_dependence(_fit_linear(), X2, [0], **kw),
                                   {"grid_resolution": 5},
                                   {"grid_resolution": "count", "kind": "option", "response_method": "option"}),
    "explain.fgsm": (lambda **kw: _mod("explain").fgsm(_fit_logistic(), X2, Y_BIN, **kw), {"eps": 0.1},
                     {"eps": "nonneg"}),
    "explain.pgd": (lambda **kw: _mod("explain").pgd(_fit_logistic(), X2, Y_BIN, **kw), {"eps": 0.1, "steps": 2},
                    {"eps": "nonneg", "steps": "count", "step_size": "positive", "norm": "option",
                     "random_state": "random_state"}),
    "explain.input_sensitivity": (lambda **kw: _mod("explain").input_sensitivity(_fit_logistic(), X2[:3], **kw), {},
                                  {"method": "option", "output": "option", "step": "positive"}),
    "explain.shapley_values": (lambda **kw: _mod("explain").shapley_values(_fit_linear(), X2[:2], X2[:4], **kw), {},
                               {"max_features": "count"}),
    # probability: distributions' parameters, conjugate priors, Markov models
    **{f"probability.{n}": (lambda _n=n, **kw: getattr(_pr(), _n)(**kw), valid, kinds) for n, valid, kinds in (
        ("Normal", {"mu": 0.0, "sigma": 1.0}, {"mu": "real", "sigma": "positive"}),
        ("Uniform", {"low": 0.0, "high": 1.0}, {"low": "real", "high": "real"}),
        ("Exponential", {"rate": 1.0}, {"rate": "positive"}),
        ("Gamma", {"shape": 2.0, "rate": 1.0}, {"shape": "positive", "rate": "positive"}),
        ("Beta", {"a": 2.0, "b": 3.0}, {"a": "positive", "b": "positive"}),
        ("StudentT", {"df": 3.0}, {"df": "positive", "mu": "real", "sigma": "positive"}),
        ("ChiSquared", {"df": 3.0}, {"df": "positive"}),
        ("Bernoulli", {"p": 0.3}, {"p": "prob"}),
        ("Binomial", {"n": 5, "p": 0.3}, {"n": "nonneg_int", "p": "prob"}),
        ("Poisson", {"rate": 2.0}, {"rate": "nonneg"}),
        ("Geometric", {"p": 0.3}, {"p": "prob"}),
        ("NegativeBinomial", {"n": 3, "p": 0.4}, {"n": "positive", "p": "prob"}),
        ("BetaBinom", {"n": 5, "a": 2.0, "b": 3.0}, {"n": "nonneg_int", "a": "positive", "b": "positive"}),
        ("BetaBinomial", {"a": 1.0, "b": 1.0}, {"a": "positive", "b": "positive"}),
        ("NormalNormal", {"mu0": 0.0, "tau0": 1.0, "sigma": 1.0},
         {"mu0": "real", "tau0": "positive", "sigma": "positive"}),
        ("GammaPoisson", {"shape": 1.0, "rate": 1.0}, {"shape": "positive", "rate": "positive"}),
    )},
    **{f"probability.{n}.interval": (lambda _n=n, **kw: getattr(_pr(), _n)().interval(**kw), {"level": 0.9},
                                     {"level": "prob"}) for n in ("Normal", "Exponential")},
    **{f"probability.{n}.sample": (lambda _n=n, **kw: getattr(_pr(), _n)().sample(**kw), {"size": 3, "random_state": 0},
                                   {"random_state": "random_state"}) for n in ("Normal", "Exponential")},
    "probability.MarkovChain.sample": (lambda **kw: _pr().MarkovChain(np.array([[0.9, 0.1], [0.5, 0.5]])).sample(**kw),
                                       {"n": 5, "random_state": 0}, {"n": "count", "random_state": "random_state"}),
    "probability.MarkovChain.n_step": (lambda **kw: _pr().MarkovChain(np.array([[0.9, 0.1], [0.5, 0.5]])).n_step(**kw),
                                       {"n": 5}, {"n": "nonneg_int"}),
    "probability.MarkovChain.stationary": (
        lambda **kw: _pr().MarkovChain(np.array([[0.9, 0.1], [0.5, 0.5]])).stationary(**kw), {},
        {"method": "option"}),
    "probability.MarkovChain.fit": (lambda **kw: _pr().MarkovChain.fit(**kw), {"sequences": [[0, 1, 1, 0]]},
                                    {"n_states": "count", "pseudo_count": "nonneg"}),
    "probability.BayesianNetwork.fit": (lambda **kw: _pr().BayesianNetwork([("a", "b")], {"a": 2, "b": 2}).fit(
        {"a": np.array([0, 1, 1]), "b": np.array([1, 0, 1])}, **kw), {}, {"pseudo_count": "nonneg"}),
    "probability.MultivariateNormal.cdf": (lambda **kw: _pr().MultivariateNormal(np.zeros(2), SPD[:2, :2]).cdf(
        np.zeros(2), **kw), {}, {"abseps": "positive"}),
}


def _parameter_cases():
    for key, (_, _, kinds) in PARAMETERS.items():
        for param in kinds:
            yield pytest.param(key, param, id=f"{key}-{param}")


@pytest.mark.parametrize(("key", "param"), list(_parameter_cases()))
@settings(max_examples=5, derandomize=True, database=None)
@given(data=st.data())
def test_bad_parameter_raises_naming_it(key, param, data):
    call, valid, kinds = PARAMETERS[key]
    bad = data.draw(KINDS[kinds[param]], label=param)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(BAD_INPUT_ERRORS) as info:
            call(**{**valid, param: bad})
    assert "keyword argument" not in str(info.value), f"{key}: the table's call is wrong: {info.value!r}"
    assert param in str(info.value), f"{key}({param}={bad!r}): {info.value!r} does not name {param!r}"


# ------------------------------------------------------------------ distribution kernels: the ufunc convention
# The distribution functions of ``mmlkit.probability`` document NumPy's ufunc convention: a parameter
# outside its domain, or a NaN argument, gives NaN — never a finite number.
KERNELS = {  # name → (valid arguments, {argument: values outside its domain})
    "beta_quantile": ({"q": 0.3, "a": 2.0, "b": 3.0}, {"q": [-0.1, 1.5], "a": [-1.0, 0.0], "b": [-1.0, 0.0]}),
    "binom_cdf": ({"k": 2.0, "n": 5.0, "p": 0.3}, {"n": [-1.0, 1.5], "p": [-0.1, 1.5]}),
    "binom_sf": ({"k": 2.0, "n": 5.0, "p": 0.3}, {"n": [-1.0, 1.5], "p": [-0.1, 1.5]}),
    "chi2_cdf": ({"x": 1.0, "df": 3.0}, {"df": [-1.0]}),
    "chi2_sf": ({"x": 1.0, "df": 3.0}, {"df": [-1.0]}),
    "chi2_ppf": ({"q": 0.3, "df": 3.0}, {"q": [-0.1, 1.5], "df": [-1.0, 0.0]}),
    "chi2_isf": ({"q": 0.3, "df": 3.0}, {"q": [-0.1, 1.5], "df": [-1.0, 0.0]}),
    "f_cdf": ({"x": 1.0, "dfn": 3.0, "dfd": 4.0}, {"dfn": [-1.0, 0.0], "dfd": [-1.0, 0.0]}),
    "f_sf": ({"x": 1.0, "dfn": 3.0, "dfd": 4.0}, {"dfn": [-1.0, 0.0], "dfd": [-1.0, 0.0]}),
    "f_ppf": ({"q": 0.3, "dfn": 3.0, "dfd": 4.0}, {"q": [-0.1, 1.5], "dfn": [-1.0, 0.0], "dfd": [-1.0, 0.0]}),
    "gamma_quantile": ({"q": 0.3, "shape": 2.0}, {"q": [-0.1, 1.5], "shape": [-1.0, 0.0]}),
    "normal_cdf": ({"x": 1.0}, {}), "normal_sf": ({"x": 1.0}, {}), "normal_logcdf": ({"x": 1.0}, {}),
    "normal_logsf": ({"x": 1.0}, {}),
    "normal_ppf": ({"q": 0.3}, {"q": [-0.1, 1.5]}), "normal_isf": ({"q": 0.3}, {"q": [-0.1, 1.5]}),
    "poisson_cdf": ({"k": 2.0, "mu": 2.0}, {"mu": [-1.0]}),
    "poisson_sf": ({"k": 2.0, "mu": 2.0}, {"mu": [-1.0]}),
    "t_cdf": ({"t": 1.0, "df": 3.0}, {"df": [-1.0, 0.0]}), "t_sf": ({"t": 1.0, "df": 3.0}, {"df": [-1.0, 0.0]}),
    "t_ppf": ({"q": 0.3, "df": 3.0}, {"q": [-0.1, 1.5], "df": [-1.0, 0.0]}),
    "t_isf": ({"q": 0.3, "df": 3.0}, {"q": [-0.1, 1.5], "df": [-1.0, 0.0]}),
}


def _kernel_cases():
    for name, (valid, domain) in KERNELS.items():
        for arg in valid:  # NaN in every argument
            yield pytest.param(name, arg, _NAN, id=f"{name}-{arg}-nan")
        for arg, values in domain.items():
            for v in values:
                yield pytest.param(name, arg, v, id=f"{name}-{arg}={v:g}")


@pytest.mark.parametrize(("name", "arg", "value"), list(_kernel_cases()))
def test_kernel_outside_its_domain_gives_nan(name, arg, value):
    valid, _ = KERNELS[name]
    fn = getattr(_pr(), name)
    assert np.isfinite(fn(**valid))
    got = fn(**{**valid, arg: value})
    assert np.isnan(got), f"{name}({arg}={value!r}) = {got!r}, not NaN"
    # and elementwise: one bad entry of an array gives NaN there only
    arr = fn(**{**valid, arg: np.array([valid[arg], value])})
    assert np.isfinite(arr[0]) and np.isnan(arr[1]), f"{name}: {arr!r}"


# ------------------------------------------------------------------ Tensor operations: NumPy's semantics
# The autodiff operations follow NumPy (and PyTorch): values are not checked, NaN propagates to the
# entries it touches (never a silent finite number elsewhere), and the caller's array is never modified.
TENSOR_OPS = {
    **{n: (lambda x, n=n: getattr(_ad(), n)(x)) for n in (
        "abs", "arctan", "cos", "cosh", "erf", "exp", "expm1", "gelu", "negative", "relu", "sigmoid", "sin", "sinh",
        "softplus", "square", "tan", "tanh", "flatten")},
    **{n: (lambda x, n=n: getattr(_ad(), n)(_ad().abs(x) + 1.0)) for n in ("log", "log1p", "sqrt")},
    **{n: (lambda x, n=n: getattr(_ad(), n)(x, x)) for n in ("add", "subtract", "multiply", "maximum", "minimum")},
    "divide": lambda x: _ad().divide(x, _ad().abs(x) + 1.0),
    "pow": lambda x: _ad().pow(x, 2.0), "power": lambda x: _ad().power(x, 2.0),
    "matmul": lambda x: _ad().matmul(x, _ad().tensor(np.eye(3))),
    "dot": lambda x: _ad().dot(x[4], x[1]), "outer": lambda x: _ad().outer(x[4], x[1]),
    "einsum": lambda x: _ad().einsum("ij->i", x),
    **{n: (lambda x, n=n: getattr(_ad(), n)(x, axis=1)) for n in (
        "sum", "mean", "max", "min", "logsumexp", "softmax", "log_softmax", "cumsum", "std", "var", "norm")},
    "clip": lambda x: _ad().clip(x, -0.5, 0.5), "where": lambda x: _ad().where(x.data > 0, x, -x),
    "reshape": lambda x: _ad().reshape(x, (3, 12)), "transpose": lambda x: _ad().transpose(x),
    "swapaxes": lambda x: _ad().swapaxes(x, 0, 1), "squeeze": lambda x: _ad().squeeze(x[None]),
    "expand_dims": lambda x: _ad().expand_dims(x, 0), "broadcast_to": lambda x: _ad().broadcast_to(x, (2, 12, 3)),
    "concatenate": lambda x: _ad().concatenate([x, x]), "stack": lambda x: _ad().stack([x, x]),
    "getitem": lambda x: _ad().getitem(x, (slice(None), 1)), "diagonal": lambda x: _ad().diagonal(x[3:6]),
    "trace": lambda x: _ad().trace(x[3:6]), "astype": lambda x: _ad().astype(x, np.float32),
    "as_tensor": lambda x: _ad().as_tensor(x), "tensor": lambda x: _ad().tensor(x.data),
    "ones_like": lambda x: _ad().ones_like(x) * x, "zeros_like": lambda x: _ad().zeros_like(x) + x,
    "index_add": lambda x: _ad().index_add(x, np.arange(12), (12, 3)),
}


@pytest.mark.parametrize("name", sorted(TENSOR_OPS))
def test_tensor_operation_propagates_nan_and_keeps_the_input(name):
    data = X2.copy()
    data[4, 1] = np.nan
    before = data.copy()
    x = _ad().tensor(data, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = TENSOR_OPS[name](x)
        out = np.asarray(y.data if hasattr(y, "data") else y, dtype=float)
        assert np.isnan(out).any(), f"{name}: NaN in the input vanished from the output"
        if np.size(out) > 1 and name not in ("ones_like", "zeros_like"):
            assert np.isfinite(out).any(), f"{name}: one NaN spoilt every entry"
        if y.requires_grad:
            (y.sum() if y.data.ndim else y).backward()
    np.testing.assert_array_equal(data, before)  # the caller's array is never modified


# ------------------------------------------------------------------ bad data for the parameter-swept subpackages
# name → (call, valid keyword arguments, [(argument, bad value, the name the message must hold or None)]):
# each bad value replaces one valid argument and must raise ValueError/TypeError naming it (None: any
# message, for an unfitted model's NotFittedError, which names the estimator).
def _T():
    return _ad().tensor(X2.copy(), requires_grad=True)


def _lin():
    from mmlkit.models import LinearRegression
    return LinearRegression().fit(X2, X1)


def _log():
    from mmlkit.models import LogisticRegression
    return LogisticRegression().fit(X2, Y_BIN)


def _unfitted():
    from mmlkit.models import LinearRegression
    return LinearRegression()


X2_NAN = np.where(np.arange(X2.size).reshape(X2.shape) == 4, np.nan, X2)
X2_WIDE = np.ones((12, 4))  # a feature more than the models were fitted on
_MODEL = [("X", X2_WIDE, None), ("X", X2_NAN, "X")]  # wrong number of features; NaN
BAD_INPUTS = {
    "explain.permutation_importance": (lambda **kw: _mod("explain").permutation_importance(**kw),
                                       {"estimator": _lin(), "X": X2, "y": X1, "n_repeats": 2, "random_state": 0},
                                       [*_MODEL, ("estimator", _unfitted(), None), ("y", X1[:5], "y")]),
    "explain.shapley_values": (lambda **kw: _mod("explain").shapley_values(**kw),
                               {"model": _lin(), "X": X2[:2], "background": X2[:4]},
                               [*_MODEL, ("model", _unfitted(), None), ("background", X2_WIDE, "background")]),
    "explain.KernelShap": (lambda **kw: _mod("explain").KernelShap(kw.pop("model"), kw.pop("background")).explain(
        **kw), {"model": _lin(), "X": X2[:2], "background": X2[:4], "nsamples": 20, "random_state": 0},
        [*_MODEL, ("model", _unfitted(), None), ("background", X2_NAN, "background")]),
    "explain.lime_tabular": (lambda **kw: _mod("explain").lime_tabular(**kw),
                             {"model": _log(), "X_train": X2, "x": X2[0], "num_samples": 50, "random_state": 0},
                             [("x", np.ones(4), "x"), ("x", X2_NAN[1], "x"), ("X_train", X2_NAN, "X_train")]),
    "explain.partial_dependence": (lambda **kw: _mod("explain").partial_dependence(**kw),
                                   {"estimator": _lin(), "X": X2, "features": [0], "grid_resolution": 5},
                                   [*_MODEL, ("estimator", _unfitted(), None), ("features", [5], "features")]),
    "explain.fgsm": (lambda **kw: _mod("explain").fgsm(**kw), {"model": _log(), "X": X2, "y": Y_BIN, "eps": 0.1},
                     [*_MODEL, ("y", Y_BIN[:5], "y")]),
    "explain.pgd": (lambda **kw: _mod("explain").pgd(**kw), {"model": _log(), "X": X2, "y": Y_BIN, "eps": 0.1,
                                                             "steps": 2}, [*_MODEL, ("y", Y_BIN[:5], "y")]),
    "explain.input_sensitivity": (lambda **kw: _mod("explain").input_sensitivity(**kw), {"model": _log(), "X": X2[:3]},
                                  [*_MODEL, ("model", "a model", "model")]),
    "explain.differentiable_forward": (lambda **kw: _mod("explain").differentiable_forward(**kw), {"model": _log()},
                                       [("model", "a model", "model")]),
    "nn.Linear.forward": (lambda x: _nn().Linear(3, 2, random_state=0)(x), {"x": _ad().tensor(X2)},
                          [("x", _ad().tensor(X2_WIDE), "in_features"), ("x", np.array([["a"] * 3]), None)]),
    "nn.LayerNorm.forward": (lambda x: _nn().LayerNorm(3)(x), {"x": _ad().tensor(X2)},
                             [("x", _ad().tensor(X2_WIDE), "normalized_shape")]),
    "nn.Embedding.forward": (lambda idx: _nn().Embedding(5, 2)(idx), {"idx": np.array([0, 4])},
                             [("idx", np.array([0.5]), "indices"), ("idx", np.array([7]), "indices")]),
    "nn.mse_loss": (lambda **kw: _nn().mse_loss(**kw), {"input": _ad().tensor(X1), "target": X1},
                    [("target", X1[:5], "target")]),
    "nn.cross_entropy": (lambda **kw: _nn().cross_entropy(**kw), {"logits": _ad().tensor(X2), "target": LABELS},
                         [("target", LABELS[:5], "target"), ("target", LABELS + 5, "target"),
                          ("target", LABELS + 0.5, "target"), ("logits", _ad().tensor(X1), "logits")]),
    "nn.binary_cross_entropy": (lambda **kw: _nn().binary_cross_entropy(**kw),
                                {"input": _ad().tensor(SCORE), "target": Y_BIN * 1.0},
                                [("input", _ad().tensor(SCORE + 1), "input"), ("input", _ad().tensor(
                                    np.r_[np.nan, SCORE[1:]]), "input"), ("target", Y_BIN[:5] * 1.0, "target")]),
    "nn.normalized_adjacency": (lambda **kw: _nn().normalized_adjacency(**kw), {"A": np.ones((3, 3))},
                                [("A", np.ones((3, 4)), "A"), ("A", np.full((3, 3), np.nan), "A")]),
    "nn.fit": (_nn_fit, {"epochs": 1, "batch_size": 4, "random_state": 0},
               [("X", X2_NAN, "X"), ("y", np.full((12, 1), np.nan), "y"), ("y", X1[:5, None], "y")]),
    "calculus.trapezoid": (lambda **kw: _mod("calculus").trapezoid(**kw), {"f": np.sin, "a": 0.0, "b": 1.0},
                           [("f", lambda x: 1 / x, "f"), ("a", _NAN, "a"), ("b", _INF, "b")]),
    "calculus.simpson": (lambda **kw: _mod("calculus").simpson(**kw), {"f": np.sin, "a": 0.0, "b": 1.0},
                         [("f", lambda x: np.log(x), "f"), ("n", 3, "n")]),
    "calculus.gauss_legendre": (lambda **kw: _mod("calculus").gauss_legendre(**kw), {"f": np.sin, "a": 0.0, "b": 1.0},
                                [("f", lambda x: np.full_like(x, np.nan), "f")]),
    "calculus.quad": (lambda **kw: _mod("calculus").quad(**kw), {"f": np.sin, "a": 0.0, "b": 1.0},
                      [("a", _NAN, "a"), ("b", "1", "b"), ("f", lambda x: np.full_like(x, np.nan), "f")]),
    "calculus.quad.overflow": (lambda **kw: _mod("calculus").quad(b=np.inf, **kw),
                               {"f": lambda x: np.exp(-x), "a": 0.0}, [("f", np.exp, "f")]),
    "autodiff.tensor": (lambda **kw: _ad().tensor(**kw), {"data": X1}, [("data", "abc", "data"),
                                                                         ("data", [[1.0, 2.0], [3.0]], "data")]),
    "autodiff.Tensor": (lambda **kw: _ad().Tensor(**kw), {"data": X1}, [("data", [object()], "data")]),
    "autodiff.gradients": (lambda **kw: _ad().gradients(**kw), {"outputs": _sq(_T()), "inputs": []},
                           [("inputs", [np.ones(3)], "inputs")]),
    "autodiff.defvjp": (lambda **kw: _ad().defvjp(**kw), {"prim": _ad().primitive(np.sin), "rule": lambda g, ans, x: g},
                        [("prim", 3, "prim")]),
    "calculus.monte_carlo": (lambda **kw: _mod("calculus").monte_carlo(**kw),
                             {"f": lambda x: x, "bounds": [(0.0, 1.0)], "n": 10, "random_state": 0},
                             [("bounds", [(1.0, 0.0)], "bounds"), ("bounds", [(0.0, _NAN)], "bounds")]),
    "calculus.derivative": (lambda **kw: _mod("calculus").derivative(**kw), {"f": np.sin, "x": 0.3},
                            [("x", _NAN, "x"), ("h", -1.0, "h")]),
    "calculus.taylor": (lambda **kw: _mod("calculus").taylor(**kw), {"f": _sq, "x0": 0.0, "order": 2},
                        [("f", lambda x: 3.0, "f")]),
    **{f"rl.{n}": (lambda _n=n, **kw: getattr(_mod("rl"), _n)(**kw), {"means": [0.2, 0.7]},
                   [("means", [], "means"), ("means", [_NAN, 0.5], "means"), ("means", [[0.2, 0.3]], "means")])
       for n in ("BernoulliBandit", "GaussianBandit")},
    "rl.BernoulliBandit.means": (lambda **kw: _mod("rl").BernoulliBandit(**kw), {"means": [0.2, 0.7]},
                                 [("means", [1.5, 0.2], "means")]),
    **{f"rl.{n}.reset": (lambda _n=n, **kw: getattr(_mod("rl"), _n)().reset(**kw), {"n_runs": 2, "n_arms": 3},
                         [("n_arms", 0, "n_arms"), ("n_runs", 0, "n_runs")])
       for n in ("EpsilonGreedy", "UCB1", "ThompsonSampling")},
    "rl.simulate.objects": (lambda **kw: _mod("rl").simulate(horizon=3, n_runs=2, **kw),
                            {"env": _mod("rl").BernoulliBandit([0.2, 0.5]), "agent": _mod("rl").UCB1()},
                            [("env", "env", "env"), ("agent", "agent", "agent")]),
    "rl.reinforce.env": (lambda **kw: _mod("rl").reinforce(n_iterations=1, **kw), {"env": None},
                         [("env", "env", "env")]),
    "probability.MultivariateNormal": (lambda **kw: _pr().MultivariateNormal(**kw), {"mean": np.zeros(3), "cov": SPD},
                                       [("mean", np.r_[_NAN, 0, 0], "mean"), ("mean", np.zeros(2), "mean"),
                                        ("cov", -SPD, "cov"), ("cov", SPD + np.triu(np.ones((3, 3)), 1), "cov"),
                                        ("cov", np.eye(2), "cov")]),
    "probability.Dirichlet": (lambda **kw: _pr().Dirichlet(**kw), {"alpha": [1.0, 2.0]},
                              [("alpha", [1.0, -1.0], "alpha"), ("alpha", [_NAN, 1.0], "alpha"),
                               ("alpha", [[1.0, 2.0]], "alpha")]),
    "probability.Categorical": (lambda **kw: _pr().Categorical(**kw), {"p": P},
                                [("p", [0.5, 0.6], "p"), ("p", [-0.1, 1.1], "p"), ("p", [_NAN, 1.0], "p")]),
    "probability.bayes_rule": (lambda **kw: _pr().bayes_rule(**kw), {"prior": P, "likelihood": Q},
                               [("prior", [0.5, _NAN, 0.5], "prior"), ("likelihood", [0.1, 0.2], "likelihood"),
                                ("likelihood", [-0.1, 0.2, 0.3], "likelihood")]),
    "probability.DirichletMultinomial": (lambda **kw: _pr().DirichletMultinomial(**kw), {"alpha": [1.0, 1.0]},
                                         [("alpha", [1.0, 0.0], "alpha"), ("alpha", [_NAN, 1.0], "alpha")]),
    "probability.MarkovChain": (lambda **kw: _pr().MarkovChain(**kw), {"P": [[0.9, 0.1], [0.5, 0.5]]},
                                [("P", [[0.9, 0.2], [0.5, 0.5]], "P"), ("P", [[0.9, 0.1]], "P"),
                                 ("P", [[_NAN, 1.0], [0.5, 0.5]], "P")]),
    **{f"probability.{n}.fit": (lambda _n=n, **kw: getattr(_pr(), _n).fit(**kw), {"data": [1.0, 2.0, 2.0, 3.0]},
                                [("data", [], "data"), ("data", [1.0, _NAN], "data"), ("data", [[1.0, 2.0]], "data")])
       for n in ("Normal", "Exponential", "Gamma", "Poisson", "Geometric", "StudentT", "Uniform")},
}


def _bad_input_cases():
    for key, (_, _, problems) in BAD_INPUTS.items():
        for i, (arg, _, _) in enumerate(problems):
            yield pytest.param(key, i, id=f"{key}-{arg}{i}")


@pytest.mark.parametrize(("table", "key"), [("PARAMETERS", k) for k in sorted(PARAMETERS)]
                         + [("BAD_INPUTS", k) for k in sorted(BAD_INPUTS)])
def test_table_call_is_valid(table, key):
    """Each table's own call succeeds, so that a bad parameter or input is the only reason for an error."""
    call, valid, _ = globals()[table][key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call(**valid)


@pytest.mark.parametrize(("key", "i"), list(_bad_input_cases()))
def test_bad_input_raises_naming_it(key, i):
    call, valid, problems = BAD_INPUTS[key]
    arg, bad, name = problems[i]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(BAD_INPUT_ERRORS) as info:
            call(**{**valid, arg: bad})
    assert "keyword argument" not in str(info.value), f"{key}: the table's call is wrong: {info.value!r}"
    assert name is None or name in str(info.value), f"{key}({arg}=...): {info.value!r} does not name {name!r}"


@pytest.mark.parametrize("key", sorted(set(BAD_INPUTS) | set(PARAMETERS)))
def test_valid_calls_leave_the_caller_arrays_alone(key):
    call, valid, _ = BAD_INPUTS[key] if key in BAD_INPUTS else PARAMETERS[key]
    arrays = {k: np.array(v, copy=True) for k, v in valid.items() if isinstance(v, np.ndarray)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call(**valid)
    for k, before in arrays.items():
        np.testing.assert_array_equal(valid[k], before, err_msg=f"{key} modified its argument {k}")


# ------------------------------------------------------------------ distributions: quantiles, arrays, scale
#: name → valid parameters; (location, scale) names for the location-scale families, else None
DISTRIBUTIONS = {
    "Normal": ({"mu": 0.5, "sigma": 2.0}, ("mu", "sigma")),
    "StudentT": ({"df": 3.0, "mu": 0.5, "sigma": 2.0}, ("mu", "sigma")),
    "Uniform": ({"low": -1.0, "high": 2.0}, ("low", "high")),
    "Exponential": ({"rate": 1.5}, ("", "1/rate")),
    "Gamma": ({"shape": 2.5, "rate": 1.5}, ("", "1/rate")),
    "Beta": ({"a": 2.0, "b": 3.0}, None), "ChiSquared": ({"df": 3.0}, None),
    "Bernoulli": ({"p": 0.3}, None), "Binomial": ({"n": 5, "p": 0.3}, None), "Poisson": ({"rate": 2.0}, None),
    "Geometric": ({"p": 0.3}, None), "NegativeBinomial": ({"n": 3, "p": 0.4}, None),
    "BetaBinom": ({"n": 5, "a": 2.0, "b": 3.0}, None), "Categorical": ({"p": [0.2, 0.3, 0.5]}, None),
}


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
@settings(max_examples=8, derandomize=True, database=None)
@given(q=st.one_of(st.floats(max_value=-1e-300), st.floats(min_value=1.0 + 1e-12)))
def test_quantile_outside_0_1_raises_naming_q(name, q):
    dist = getattr(_pr(), name)(**DISTRIBUTIONS[name][0])
    for method in ("ppf", "isf"):
        with pytest.raises(ValueError, match="q must"):
            getattr(dist, method)(q)
        with pytest.raises(ValueError, match="q must"):
            getattr(dist, method)(np.array([0.5, q]))


def _array_parameter_cases():
    for key, (_, _valid, kinds) in PARAMETERS.items():
        sub, _, name = key.partition(".")
        if sub == "probability" and name in DISTRIBUTIONS and name != "Categorical":
            for param in kinds:
                yield pytest.param(name, param, id=f"{name}-{param}")


@pytest.mark.parametrize(("name", "param"), list(_array_parameter_cases()))
def test_array_parameter_with_one_bad_entry_raises_naming_it(name, param):
    valid = DISTRIBUTIONS[name][0]
    bad = {"real": _NAN, "positive": -1.0, "nonneg": -1.0, "prob": 1.5, "nonneg_int": 2.5}[
        PARAMETERS[f"probability.{name}"][2][param]]
    good = valid.get(param, 1.0)
    if name != "BetaBinom":  # its parameters are single numbers: an array is refused, naming it
        getattr(_pr(), name)(**{**valid, param: np.array([good, good])})
    with pytest.raises(ValueError, match=param):
        getattr(_pr(), name)(**{**valid, param: np.array([good, bad])})


@pytest.mark.parametrize("name", [n for n, (_, ls) in DISTRIBUTIONS.items() if ls])
@settings(max_examples=10, derandomize=True, database=None)
@given(k=st.integers(-300, 300))
def test_location_scale_family_statistics_scale(name, k):
    """X ~ D(loc, scale) ⇒ sX ~ D(s·loc, s·scale): means, quantiles and the cdf follow any float scale."""
    valid, (loc, scale) = DISTRIBUTIONS[name]
    s = 10.0 ** k
    scaled = dict(valid)
    if scale == "1/rate":
        scaled["rate"] = valid["rate"] / s
    else:
        scaled[loc], scaled[scale] = valid[loc] * s, valid[scale] * s
    d, ds = getattr(_pr(), name)(**valid), getattr(_pr(), name)(**scaled)
    q = np.array([0.01, 0.3, 0.5, 0.9])
    x = d.ppf(q)
    # one rounding per scaled parameter and a few per formula: relative 1e-12 is generous
    np.testing.assert_allclose(ds.mean() / s, d.mean(), rtol=1e-12)
    np.testing.assert_allclose(ds.std() / s, d.std(), rtol=1e-12)
    np.testing.assert_allclose(ds.ppf(q) / s, x, rtol=1e-12)
    np.testing.assert_allclose(ds.cdf(x * s), d.cdf(x), rtol=1e-11)
    np.testing.assert_allclose(ds.logpdf(x * s) + np.log(s), d.logpdf(x), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(ds.entropy() - np.log(s), d.entropy(), rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_sampling_is_deterministic_under_a_seed(name):
    dist = getattr(_pr(), name)(**DISTRIBUTIONS[name][0])
    a, b = dist.sample(20, random_state=3), dist.sample(20, random_state=3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, dist.sample(20, random_state=4))


# ------------------------------------------------------------------ generators: determinism, the caller's arrays
GENERATORS = {
    "make_blobs": {"n_samples": 30, "centers": np.array([[0.0, 0.0], [3.0, 3.0]]), "cluster_std": np.array([1.0, 0.5])},
    "make_moons": {"n_samples": 30, "noise": 0.1}, "make_circles": {"n_samples": 30, "noise": 0.1},
    "make_regression": {"n_samples": 30, "n_features": 4, "noise": 0.5},
    "make_classification": {"n_samples": 30, "n_features": 5, "weights": np.array([0.3, 0.7])},
    "make_swiss_roll": {"n_samples": 30, "noise": 0.1},
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_is_deterministic_and_keeps_the_caller_arrays(name):
    kw = GENERATORS[name]
    before = {k: v.copy() for k, v in kw.items() if isinstance(v, np.ndarray)}
    make = getattr(_mod("datasets"), name)
    a, b, c = make(**kw, random_state=7), make(**kw, random_state=7), make(**kw, random_state=8)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    for k, v in before.items():
        np.testing.assert_array_equal(kw[k], v)


# ------------------------------------------------------------------ threads
def _threaded_equals_sequential(work, n=4):
    from concurrent.futures import ThreadPoolExecutor
    sequential = [work(i) for i in range(n)]
    with ThreadPoolExecutor(n) as pool:
        threaded = list(pool.map(work, range(n)))
    for s, t in zip(sequential, threaded):
        np.testing.assert_array_equal(t, s)


THREADED = {  # independent work from several threads gives, bit for bit, the sequential results
    "nn.fit": lambda i: _nn_fit(epochs=2, random_state=i).loss,
    "rl.reinforce": lambda i: _mod("rl").reinforce(n_iterations=3, batch_size=2, random_state=i).returns,
    "rl.simulate": lambda i: _mod("rl").simulate(_mod("rl").BernoulliBandit([0.2, 0.7]), _mod("rl").ThompsonSampling(),
                                                 horizon=20, n_runs=3, random_state=i).regret,
    "probability.sample": lambda i: _pr().Gamma(2.0, 1.5).sample(50, random_state=i),
    "calculus.quad": lambda i: _mod("calculus").quad(lambda x: np.exp(-i * x * x), -np.inf, np.inf).value,
    "autodiff.hessian": lambda i: _ad().hessian(lambda x: (x ** 3).sum() * i)(np.arange(3.0)),
    "explain.permutation_importance": lambda i: _mod("explain").permutation_importance(
        _fit_linear(), X2, X1, n_repeats=2, random_state=i).importances,
    "datasets.make_classification": lambda i: _mod("datasets").make_classification(30, 5, random_state=i)[0],
}


@pytest.mark.parametrize("key", sorted(THREADED))
def test_threads_give_the_sequential_results(key):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _threaded_equals_sequential(THREADED[key])


# ------------------------------------------------------------------ integrals that diverge warn
DIVERGENT = {  # integrand, a, b
    "1/x^2 on [0, 1]": (lambda x: 1 / x ** 2, 0.0, 1.0), "1/x on [0, 1]": (lambda x: 1 / x, 0.0, 1.0),
    "x on [0, inf)": (lambda x: x, 0.0, np.inf), "1/x on [1, inf)": (lambda x: 1 / x, 1.0, np.inf),
    "sin on [0, inf)": (np.sin, 0.0, np.inf),
}
CONVERGENT = {  # integrable singularities and infinite ranges: value, no warning
    "1/sqrt(x) on [0, 1]": (lambda x: 1 / np.sqrt(x), 0.0, 1.0, 2.0), "log on [0, 1]": (np.log, 0.0, 1.0, -1.0),
    "1/(1+x^2) on R": (lambda x: 1 / (1 + x * x), -np.inf, np.inf, np.pi),
}


@pytest.mark.parametrize("key", sorted(DIVERGENT))
def test_divergent_integral_warns(key):
    from mmlkit.exceptions import ConvergenceWarning
    f, a, b = DIVERGENT[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.warns(ConvergenceWarning):
            _mod("calculus").quad(f, a, b)


@pytest.mark.parametrize("key", sorted(CONVERGENT))
def test_convergent_singular_integral_is_quiet_and_right(key):
    f, a, b, value = CONVERGENT[key]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = _mod("calculus").quad(f, a, b)
    assert abs(got.value - value) <= 1e-9 * abs(value) and got.error < 1e-7


# ------------------------------------------------------------------ fits and numerical calculus at any scale
FIT_SCALE = {  # distribution → rtol of its fit at data × 10^k against the fit at the data, scaled back
    "Normal": 1e-12, "Exponential": 1e-12, "Gamma": 1e-10, "Uniform": 1e-12,
    "StudentT": 1e-6,  # ECME stops on a relative log-likelihood gain of 1e-13: μ, σ are fixed to ~1e-7
}
_POSITIVE_SAMPLE = np.random.default_rng(5).gamma(2.0, 1.5, size=60)


@pytest.mark.parametrize("name", sorted(FIT_SCALE))
@settings(max_examples=6, derandomize=True, database=None)
@given(k=st.sampled_from([-300, 300]) | st.integers(-300, 300))
def test_fit_is_scale_equivariant(name, k):
    s = 10.0 ** k
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d0, d1 = getattr(_pr(), name).fit(_POSITIVE_SAMPLE), getattr(_pr(), name).fit(_POSITIVE_SAMPLE * s)
    np.testing.assert_allclose(d1.mean() / s, d0.mean(), rtol=FIT_SCALE[name])
    np.testing.assert_allclose(d1.std() / s, d0.std(), rtol=FIT_SCALE[name])


@settings(max_examples=8, derandomize=True, database=None)
@given(k=st.sampled_from([-300, 300]) | st.integers(-300, 300))
def test_integrals_and_derivatives_of_a_scaled_function_scale(k):
    """∫ s·f = s ∫ f and (s·f)' = s f' for any float scale s (quad asked for relative accuracy: epsabs=0)."""
    C, s = _mod("calculus"), 10.0 ** k
    g = lambda x: np.exp(-x * x)  # noqa: E731
    sg = lambda x: s * np.exp(-x * x)  # noqa: E731
    for rule in (C.trapezoid, C.simpson, C.gauss_legendre):
        np.testing.assert_allclose(rule(sg, -3.0, 2.0) / s, rule(g, -3.0, 2.0), rtol=1e-13)
    np.testing.assert_allclose(C.quad(sg, -np.inf, np.inf, epsabs=0).value / s, np.sqrt(np.pi), rtol=1e-10)
    a, b = (C.monte_carlo(f, [(0.0, 1.0)], n=200, random_state=0) for f in (g, sg))
    np.testing.assert_allclose([b.estimate / s, b.stderr / s], [a.estimate, a.stderr], rtol=1e-13)
    # finite differences amplify the one rounding of s·f by about 1/h: relative 1e-9
    np.testing.assert_allclose(C.derivative(sg, 0.3) / s, C.derivative(g, 0.3), rtol=1e-9)
    np.testing.assert_allclose(C.gradient_fd(lambda x: s * (x ** 2).sum(), np.array([1.0, 2.0])) / s,
                               C.gradient_fd(lambda x: (x ** 2).sum(), np.array([1.0, 2.0])), rtol=1e-9)


@settings(max_examples=8, derandomize=True, database=None)
@given(k=st.sampled_from([-150, 150]) | st.integers(-150, 150))
def test_multivariate_normal_at_any_scale(k):
    """X ~ N(0, Σ) ⇒ sX ~ N(0, s²Σ): log-density shifts by d log s, the cdf is unchanged (|k| ≤ 150: s²Σ is a float)."""
    s = 10.0 ** k
    x = np.array([[0.5, -0.2], [-1.0, 0.3]])
    m0 = _pr().MultivariateNormal(np.zeros(2), SPD[:2, :2])
    m1 = _pr().MultivariateNormal(np.zeros(2), SPD[:2, :2] * s * s)
    np.testing.assert_allclose(m1.logpdf(x * s) + 2 * np.log(s), m0.logpdf(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(m1.cdf(x * s), m0.cdf(x), rtol=1e-12)
    np.testing.assert_allclose(m1.mahalanobis(x * s), m0.mahalanobis(x), rtol=1e-12)


# ------------------------------------------------------------------ explanations at any scale
_W = np.array([1.0, -2.0, 0.5])


def _model(Z):
    """A smooth non-linear model of three features (a plain callable: the explainers accept one)."""
    return Z @ _W + 0.3 * Z[:, 0] * Z[:, 1] / (1.0 + np.abs(Z[:, 2]))


EXPLAIN_SCALE = {  # name → (explain(model, X) -> array, "equivariant" (scales with the model) or "invariant", rtol)
    "shapley_values": (lambda m, X: _mod("explain").shapley_values(m, X[:2], X).values, "equivariant", 1e-12),
    "KernelShap": (lambda m, X: _mod("explain").KernelShap(m, X).explain(X[:2], nsamples=40, random_state=0).values,
                   "equivariant", 1e-12),
    "partial_dependence": (lambda m, X: _mod("explain").partial_dependence(m, X, [0], grid_resolution=5).average,
                           "equivariant", 1e-12),
    # finite differences: a step of ε^(1/3) of each feature's scale, rounding amplified ~1/h
    "input_sensitivity": (lambda m, X: np.r_[[getattr(_mod("explain").input_sensitivity(
        m, X[:2], method="finite_difference"), a) for a in ("frobenius_norm", "condition_number")]], "invariant", 1e-9),
    "lime_tabular": (lambda m, X: _mod("explain").lime_tabular(m, X, X[0], num_samples=100, random_state=0,
                                                               discretize_continuous=False).coef, "equivariant", 1e-12),
    # the quartile bins' spread carries lime's absolute 1e-11 (in each feature's power-of-two units)
    "lime_tabular-discretized": (lambda m, X: _mod("explain").lime_tabular(m, X, X[0], num_samples=100,
                                                                           random_state=0).coef, "equivariant", 1e-8),
}


@pytest.mark.parametrize("name", sorted(EXPLAIN_SCALE))
@settings(max_examples=5, derandomize=True, database=None)
@given(k=st.sampled_from([-300, 300]) | st.integers(-300, 300))
def test_explanation_of_a_rescaled_problem_rescales(name, k):
    """The same model in units 10^k (data × s, output × s) is explained in those units."""
    explain, kind, rtol = EXPLAIN_SCALE[name]
    s = 10.0 ** k
    X = X2[:8]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow or underflow on the way
        ref, got = explain(_model, X), explain(lambda Z: s * _model(Z / s), X * s)
    factor = s if kind == "equivariant" else 1.0
    np.testing.assert_allclose(got / factor, ref, rtol=rtol, atol=1e-12 * np.abs(ref).max())


# ------------------------------------------------------------------ autodiff and nn reductions at any scale
SCALED_REDUCTIONS = {  # name → (f of a Tensor, power of s in f(s x) = s^p f(x))
    "autodiff.norm": (lambda t: _ad().norm(t), 1), "autodiff.std": (lambda t: _ad().std(t), 1),
    "autodiff.sum": (lambda t: _ad().sum(t), 1), "autodiff.mean": (lambda t: _ad().mean(t), 1),
    "autodiff.max": (lambda t: _ad().max(t), 1), "autodiff.abs": (lambda t: _ad().abs(t).sum(), 1),
    "nn.LayerNorm": (lambda t: (_nn().LayerNorm(3, eps=1e-300)(t) * _ad().tensor(np.arange(3.0))).sum(), 0),
}


@pytest.mark.parametrize("name", sorted(SCALED_REDUCTIONS))
@settings(max_examples=6, derandomize=True, database=None, phases=(Phase.explicit, Phase.generate))  # no shrinking
@given(k=st.sampled_from([-300, 300]) | st.integers(-300, 300))
def test_reduction_and_its_gradient_at_any_scale(name, k):
    """f(s x) = s^p f(x) and ∇f(s x) = s^(p−1) ∇f(x): values and gradients at any float scale."""
    f, p = SCALED_REDUCTIONS[name]
    s = 10.0 ** k
    if name == "nn.LayerNorm" and k < 0:
        s = 1.0 / s  # ε caps LayerNorm's invariance below: x × 10^k with k ≥ 0 only
    x = X2[:4]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        v0, g0 = _ad().value_and_grad(f)(x)
        v1, g1 = _ad().value_and_grad(f)(x * s)
    np.testing.assert_allclose(v1 / s ** p if p else v1, v0, rtol=1e-12, atol=1e-12 * abs(v0))
    np.testing.assert_allclose(g1 * s if p == 0 else g1, g0, rtol=1e-11, atol=1e-12 * np.abs(g0).max())


# ------------------------------------------------------------------ objects outside scikit-learn's estimator API
_SEQ = np.array([0, 1, 2, 1, 0, 0, 2, 1, 1, 0, 2, 2, 1, 0])
#: name → (build the object (seeded), what to compare): a pickle round trip gives the same output,
#: and building it again under the same seeds gives the same output too
OBJECTS = {
    **{f"probability.{n}": (lambda n=n: getattr(_pr(), n)(**DISTRIBUTIONS[n][0]),
                            lambda d: np.r_[d.cdf(np.r_[X1, 2.0]), d.mean(), d.var(), d.sample(5, random_state=1)])
       for n in DISTRIBUTIONS},
    "probability.HiddenMarkovModel": (lambda: _pr().HiddenMarkovModel(2, max_iter=20, random_state=0).fit(_SEQ),
                                      lambda m: np.r_[m.score(_SEQ), m.predict_proba(_SEQ).ravel(),
                                                      m.sample(5, random_state=1)[0]]),
    "probability.MarkovChain": (lambda: _pr().MarkovChain.fit([_SEQ], pseudo_count=1.0),
                                lambda m: np.r_[m.stationary(), m.sample(8, random_state=1)]),
    "probability.BayesianNetwork": (lambda: _pr().BayesianNetwork([("a", "b")], {"a": 2, "b": 2}).fit(
        {"a": Y_BIN, "b": 1 - Y_BIN}), lambda m: np.r_[m.query("b"), m.query("a", {"b": 1})]),
    "probability.MultivariateNormal": (lambda: _pr().MultivariateNormal(np.ones(3), SPD),
                                       lambda m: np.r_[m.logpdf(X2), m.sample(3, random_state=1).ravel()]),
    "probability.Dirichlet": (lambda: _pr().Dirichlet([1.0, 2.0, 3.0]),
                              lambda m: np.r_[m.logpdf(P), m.sample(3, random_state=1).ravel()]),
    **{f"probability.{n}": (lambda n=n, a=a, data=data: getattr(_pr(), n)(*a).update(data),
                            lambda m: np.r_[m.credible_interval(0.9)])
       for n, a, data in (("BetaBinomial", (1.0, 1.0), Y_BIN), ("NormalNormal", (0.0, 1.0, 1.0), X1),
                          ("GammaPoisson", (1.0, 1.0), LABELS), ("DirichletMultinomial", ([1.0, 1.0, 1.0],), LABELS))},
    "nn.MLP": (lambda: _nn().MLP([3, 4, 2], random_state=0), lambda m: m(_ad().tensor(X2)).data),
    "nn.TransformerBlock": (lambda: _nn().TransformerBlock(4, 2, 8, dropout=0.0, random_state=0),
                            lambda m: m(_ad().tensor(np.linspace(-1, 1, 24).reshape(2, 3, 4))).data),
    "calculus.TaylorPolynomial": (lambda: _mod("calculus").taylor(lambda t: _ad().exp(t), 0.0, 4),
                                  lambda p: p(np.linspace(-1, 1, 5))),
}


@pytest.mark.parametrize("key", sorted(OBJECTS))
def test_object_pickles_and_rebuilds_to_the_same_output(key):
    build, use = OBJECTS[key]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obj = build()
        out = np.asarray(use(obj), dtype=float)
        np.testing.assert_array_equal(np.asarray(use(pickle.loads(pickle.dumps(obj))), dtype=float), out)
        np.testing.assert_array_equal(np.asarray(use(build()), dtype=float), out)
