"""Every public function and class of these subpackages checks its parameters through one constraint table.

A function's table is given by ``mmlkit._validation.validate_args`` (stored as
``func._parameter_constraints``, checked on every call before the body runs); a class's is
its ``_parameter_constraints``, checked at construction (optimizers, schedulers, samplers: as
torch checks at construction) or at the start of ``fit`` (the generative models, as the
estimators). These tests walk the ``__all__`` of each subpackage and check that each table
names real parameters, that every default satisfies its table, that every scalar-defaulted
parameter has an entry, and that a bad value of every constrained parameter, generated from
the table itself, raises ``InvalidParameterError`` naming it.
"""

from __future__ import annotations

import inspect
import math
import numbers

import numpy as np
import pytest

from mmlkit import evaluation, explain, generative, information, models, optim, stats, topology
from mmlkit._validation import (
    IncreasingPair,
    Interval,
    Options,
    SequenceOf,
    TupleOf,
    _constraint,
    validate_params,
)
from mmlkit.autodiff import tensor
from mmlkit.exceptions import InvalidParameterError

MODULES = (optim, stats, evaluation, generative, information, topology)
# In models, preprocessing and explain the estimators' tables are tested by tests/models/test_parameters.py;
# here the functions and methods with a table of their own.
EXTRA = (models.GaussianMixture.sample, explain.permutation_importance, explain.partial_dependence,
         explain.shapley_values, explain.KernelShap.explain)

# Scalar-defaulted parameters that need no entry: axes are checked against the array's dimensions in the
# body, and these others are names of the caller's data, passed through, or documented as free.
NOT_CONSTRAINED = {
    "axis",            # an index into the data's dimensions, checked where the shape is known
    "pos_label",       # a label of the caller's data, checked against the labels present
    "popmean",         # any real number; an array of them is allowed too (checked by as_float_array)
    "center",          # project_ball's centre: a number or an array (checked when projecting)
}


def _public_functions():
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj
            elif inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if inspect.isfunction(member) and hasattr(member, "_parameter_constraints"):
                        yield f"{module.__name__}.{name}.{attr}", member
    for func in EXTRA:
        yield f"{func.__module__}.{func.__qualname__}", func


def _table_classes():
    """Non-estimator classes with a table checked by ``validate_params``."""
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) and "_parameter_constraints" in vars(obj) and not hasattr(obj, "get_params") \
                    and obj not in (optim.Optimizer, optim.LRScheduler):  # bases: their tables serve subclasses
                yield obj


FUNCTIONS = dict(_public_functions())
TABLED = {k: f for k, f in FUNCTIONS.items() if hasattr(f, "_parameter_constraints")}
CLASSES = list(_table_classes())


# ------------------------------------------------------------------------------- values from a table

_POOL = [None, "bad", True, -1, 0, 1, 2, 0.5, -0.5, 1.5, -np.inf, np.inf, np.nan, 1e300, (), (1, 2, 3),
         (0.5, 0.5), [1.0], len]


def _bad_values(constraints):
    """Values that satisfy none of ``constraints``: the ones just past each bound, then a fixed pool."""
    checks = [_constraint(c) for c in constraints]
    candidates = []
    for c in checks:
        if isinstance(c, Interval):
            for bound, step in ((c.low, -1), (c.high, 1)):
                if bound is not None:
                    candidates += [bound, bound + step, bound + step * 0.5]
            candidates.append(2.5 if c.kind is numbers.Integral else "1.0")
    candidates += _POOL
    bad = []
    for v in candidates:
        if not any(c.is_satisfied_by(v) for c in checks) and not any(v is b for b in bad):
            bad.append(v)
    return bad


def _good_value(constraints):
    """A value that satisfies the table (for required parameters next to the one made bad)."""
    for c in map(_constraint, constraints):
        if isinstance(c, Interval):
            low = c.low if c.low is not None else (c.high - 1 if c.high is not None else 0)
            for v in (low, low + 1, low + 0.5, (low + c.high) / 2 if c.high is not None else low + 2):
                v = int(v) if c.kind is numbers.Integral and float(v).is_integer() else v
                if c.is_satisfied_by(v):
                    return v
        if isinstance(c, Options):
            return c.options[0]
        for v in (True, len, 0, [1.0], (), (0.25, 0.75)):
            if c.is_satisfied_by(v):
                return v
    raise AssertionError(f"no good value found for {constraints}")


def _defaults(func):
    return {k: p.default for k, p in inspect.signature(func).parameters.items()
            if p.default is not inspect.Parameter.empty}


# ------------------------------------------------------------------------------------- the functions


@pytest.mark.parametrize("name", sorted(TABLED))
def test_function_table_names_real_parameters_and_defaults_satisfy_it(name):
    func = TABLED[name]
    table = func._parameter_constraints
    params = inspect.signature(inspect.unwrap(func)).parameters
    assert set(table) <= set(params), f"{name}: the table names {sorted(set(table) - set(params))}"
    defaults = {k: v for k, v in _defaults(inspect.unwrap(func)).items() if k in table}
    validate_params(defaults, table, owner=name)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_scalar_defaulted_parameter_has_a_constraint(name):
    func = FUNCTIONS[name]
    table = getattr(func, "_parameter_constraints", {})
    scalar = {k for k, v in _defaults(func).items()
              if isinstance(v, (bool, numbers.Number, str)) and not (isinstance(v, float) and math.isnan(v))}
    missing = scalar - set(table) - NOT_CONSTRAINED
    assert not missing, f"{name} has no constraint for {sorted(missing)}"


def _cases():
    for name, func in sorted(TABLED.items()):
        for param in func._parameter_constraints:
            yield pytest.param(name, param, id=f"{name}-{param}")


@pytest.mark.parametrize("name, param", list(_cases()))
def test_bad_value_of_each_constrained_parameter_raises_naming_it(name, param):
    func = TABLED[name]
    table = func._parameter_constraints
    signature = inspect.signature(inspect.unwrap(func))
    # the table is checked before the body runs: unconstrained required arguments may be anything
    required = {k: (_good_value(table[k]) if k in table else None) for k, p in signature.parameters.items()
                if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    bad_values = _bad_values(table[param])
    assert bad_values, f"{name}: no value violates {param}'s constraints"
    for bad in bad_values:
        with pytest.raises(InvalidParameterError, match=f"^{param} must be .* got .* \\(a parameter of ") as info:
            func(**{**required, param: bad})
        assert func.__qualname__.split(".")[0] in str(info.value)


# --------------------------------------------------------------------------------------- the classes


def _param():
    return tensor(np.array([1.0, -2.0]), requires_grad=True)


X_GEN = np.random.default_rng(0).uniform(size=(8, 3))


def _construct(cls, **kwargs):
    """Build (and for the generative models, start to fit) ``cls`` with ``kwargs`` and what it needs besides."""
    if issubclass(cls, optim.Optimizer):
        return cls([_param()], **kwargs)
    if issubclass(cls, optim.LRScheduler):
        required = {k: _good_value(cls._parameter_constraints[k]) for k, p in inspect.signature(cls).parameters.items()
                    if p.default is inspect.Parameter.empty and k != "optimizer"}
        required["optimizer"] = optim.SGD([_param()], lr=0.1)
        return cls(**{**required, **kwargs})
    if cls is evaluation.ParameterSampler:
        return cls({"a": [1, 2, 3]}, **{"n_iter": 2, **kwargs})
    if cls in (generative.DiffusionModel, generative.VAE):
        small = {"n_iter": 1} if cls is generative.DiffusionModel else {"epochs": 1}
        return cls(**{"hidden": (4,), **small, **kwargs}).fit(X_GEN)
    return cls(**kwargs)


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_class_table_names_real_parameters_and_defaults_satisfy_it(cls):
    table = cls._parameter_constraints
    params = set(inspect.signature(cls).parameters)
    assert set(table) <= params, f"{cls.__name__}: the table names {sorted(set(table) - params)}"
    defaults = {k: v for k, v in _defaults(cls).items() if k in table}
    validate_params(defaults, table, owner=cls.__name__)
    scalar = {k for k, v in _defaults(cls).items() if isinstance(v, (bool, numbers.Number, str))}
    assert not scalar - set(table), f"{cls.__name__} has no constraint for {sorted(scalar - set(table))}"
    _construct(cls)  # the defaults construct (and fit)


@pytest.mark.parametrize("cls, param", [(c, p) for c in CLASSES for p in c._parameter_constraints],
                         ids=lambda v: getattr(v, "__name__", v))
def test_bad_value_of_each_class_parameter_raises_naming_it(cls, param):
    bad_values = _bad_values(cls._parameter_constraints[param])
    assert bad_values
    for bad in bad_values:
        with pytest.raises(InvalidParameterError, match=f"^{param} must be .* \\(a parameter of {cls.__name__}\\)"):
            _construct(cls, **{param: bad})


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW],
                         ids=lambda c: c.__name__)
def test_param_groups_added_later_are_checked_by_the_same_table(cls):
    opt = cls([_param()])
    for param, constraints in cls._parameter_constraints.items():
        for bad in _bad_values(constraints):
            with pytest.raises(InvalidParameterError, match=f"^{param} must be .*a parameter of {cls.__name__}"):
                opt.add_param_group({"params": [_param()], param: bad})
    assert len(opt.param_groups) == 1  # nothing half-added
    good = {"lr": 0.5}
    opt.add_param_group({"params": [_param()], **good})
    assert opt.param_groups[1]["lr"] == 0.5


# -------------------------------------------------------------------- the constraints this layer added


@pytest.mark.parametrize("constraint, good, bad", [
    (TupleOf(Interval(numbers.Real, 0, 1, closed="left"), Interval(numbers.Real, 0, 1, closed="left")),
     [(0.9, 0.999), [0, 0.5]], [(1.0, 0.9), (0.9,), 0.9, (0.9, np.nan), "ab"]),
    (SequenceOf(Interval(numbers.Integral, 1, None)), [(), (3,), [4, 5]], [(0,), (2.0,), 3, "ab", (True,)]),
    (Options((0.0, 1.0), kind=numbers.Real), [0, 1, 0.0, np.float64(1.0)], [True, 0.5, "0", None]),
    (IncreasingPair(0, 1), [(0.05, 0.95)], [(0.5, 0.5), (0, 2)]),
])
def test_new_constraints_accept_and_reject(constraint, good, bad):
    assert all(constraint.is_satisfied_by(v) for v in good)
    assert not any(constraint.is_satisfied_by(v) for v in bad)
    assert str(constraint)


def test_inf_constraint_and_messages():
    c = _constraint("inf")
    assert c.is_satisfied_by(np.inf) and c.is_satisfied_by(float("inf"))
    assert not any(c.is_satisfied_by(v) for v in (-np.inf, 1e308, True, "inf", None))
    with pytest.raises(InvalidParameterError, match=r"^max_edge must be a float in the range \[0, inf\) or np.inf, "
                                                    r"got -1.0 \(a parameter of vietoris_rips\)"):
        topology.vietoris_rips(np.zeros((3, 2)), max_edge=-1.0)
    with pytest.raises(InvalidParameterError, match=r"^betas must be a pair \(a float in the range \[0, 1\), "
                                                    r"a float in the range \[0, 1\)\), got \(0.9, 1.0\)"):
        optim.Adam([_param()], betas=(0.9, 1.0))


def test_relations_between_parameters_are_checked_in_the_body():
    """Constraints that depend on another argument or on the data: the same message, from the body."""
    g = np.array([2.0, -4.0])
    fg = lambda z: (float(z @ z), 2 * z)  # noqa: E731
    with pytest.raises(InvalidParameterError, match=r"^c2 must be a float in the range \(0.5, 1\)"):
        optim.strong_wolfe(fg, np.array([1.0, -2.0]), -g, 5.0, g, c1=0.5, c2=0.4)
    with pytest.raises(InvalidParameterError, match=r"^beta_end must be a float in the range \[0.01, 1\)"):
        generative.noise_schedule(100, beta_start=0.01, beta_end=0.001)
    with pytest.raises(InvalidParameterError, match=r"^nlags must be an int in the range \[0, 4\], got 5"):
        stats.acf([1.0, 3.0, 2.0, 5.0, 4.0], nlags=5)
    with pytest.raises(InvalidParameterError, match=r"^max_samples must be an int in the range \[1, 3\]"):
        X, y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([1.0, 2.0, 4.0])
        explain.permutation_importance(models.LinearRegression().fit(X, y), X, y, max_samples=4)


def test_a_call_without_constrained_arguments_skips_the_table():
    """``entropy(p)`` goes straight to the body: the hot path costs one length comparison."""
    p = [0.25, 0.75]
    assert information.entropy(p) == information.entropy(p, base=None) == information.entropy.__wrapped__(p)
    with pytest.raises(InvalidParameterError, match="base must be"):
        information.entropy(p, 1)  # positionally given: checked


def test_valid_scalars_are_remembered_and_nothing_else():
    """The per-function memo of valid built-in scalars: a bad value raises every time, arrays are checked."""
    for _ in range(3):
        assert stats.var([1.0, 2.0, 4.0], ddof=1) == pytest.approx(7 / 3)
        with pytest.raises(InvalidParameterError, match="ddof must be"):
            stats.var([1.0, 2.0, 4.0], ddof=-1)
        with pytest.raises(InvalidParameterError, match="ddof must be"):
            stats.var([1.0, 2.0, 4.0], ddof=True)  # equal to 1 and hashed alike, but a bool
        with pytest.raises(InvalidParameterError, match="ddof must be"):
            stats.var([1.0, 2.0, 4.0], ddof=1.0)  # equal to 1, but a float
        w = np.array([1.0, 3.0])  # unhashable: checked, never remembered
        assert evaluation.mean_squared_error([[1.0, 2.0]], [[1.0, 3.0]], multioutput=w) == pytest.approx(0.75)
