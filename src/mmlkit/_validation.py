"""Input checks shared by every mmlkit module.

Each check names the argument it rejects and says what was expected, so an
error points at the caller's mistake. Checks never modify their input: array
conversions return a new array whenever the dtype or layout changes, and the
caller's array is otherwise only read.

Validation happens once, at the public boundary; internal helpers trust their
inputs.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "NON_NEGATIVE",
    "NON_NEGATIVE_INT",
    "POSITIVE",
    "POSITIVE_INT",
    "REAL",
    "IncreasingPair",
    "Interval",
    "Options",
    "SequenceOf",
    "TupleOf",
    "as_float_array",
    "check_classification_labels",
    "check_consistent_length",
    "check_finite",
    "check_int_sequence",
    "check_ndim",
    "check_nonempty",
    "check_probability_vector",
    "check_random_state",
    "check_sample_weight",
    "check_square",
    "check_symmetric",
    "validate_args",
    "validate_data",
    "validate_params",
]

_FLOAT_DTYPES = (np.float64, np.float32)


def check_random_state(random_state) -> np.random.Generator:
    """Turn ``random_state`` (None, int or Generator) into a ``numpy.random.Generator``.

    ``None`` gives a freshly seeded generator; an int seeds a new one (same seed,
    same stream); a Generator is returned as is, so callers can share a stream.
    A legacy ``RandomState`` is accepted and wrapped (it seeds a new Generator
    from its stream), because scikit-learn's utilities pass those around.
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (numbers.Integral, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got {random_state}")
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    raise ValueError(
        "random_state must be None, an int or a numpy.random.Generator, "
        f"got {type(random_state).__name__}"
    )


def as_float_array(
    x,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    finite: bool = True,
    nonempty: bool = True,
    dtype=None,
    copy: bool = False,
) -> np.ndarray:
    """Convert ``x`` to a floating-point ndarray and check it.

    Parameters
    ----------
    x : array_like
        The input.
    name : str
        The argument's name, used in error messages.
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions.
    finite : bool, default=True
        Reject NaN and infinity.
    nonempty : bool, default=True
        Reject arrays with no elements.
    dtype : numpy dtype, optional
        Force this dtype. By default float32 and float64 input keep their dtype
        and anything else becomes float64.
    copy : bool, default=False
        Always return a copy (use when the result will be modified in place).
    """
    if isinstance(x, np.ndarray) and x.dtype == object or _is_ragged(x):
        raise ValueError(f"{name} must be a numeric array, got a ragged or object sequence")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric array: {exc}") from None
    if arr.dtype.kind in "OSUV":
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must be real, got complex dtype {arr.dtype}")
    target = np.dtype(dtype) if dtype is not None else (arr.dtype if arr.dtype in _FLOAT_DTYPES else np.float64)
    arr = np.array(arr, dtype=target, copy=True) if copy else np.asarray(arr, dtype=target)
    if ndim is not None:
        check_ndim(arr, name, ndim)
    if nonempty:
        check_nonempty(arr, name)
    if finite:
        check_finite(arr, name)
    return arr


def _is_ragged(x) -> bool:
    if not isinstance(x, (list, tuple)) or not x:
        return False
    lengths = {len(row) if isinstance(row, (list, tuple, np.ndarray)) else -1 for row in x}
    return len(lengths) > 1


def check_ndim(x: np.ndarray, name: str, ndim: int | Sequence[int]) -> None:
    """Raise ``ValueError`` unless ``x.ndim`` is ``ndim`` (or one of them)."""
    allowed = (ndim,) if isinstance(ndim, numbers.Integral) else tuple(ndim)
    if np.ndim(x) not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {want}, got an array of shape {np.shape(x)}")


def check_nonempty(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``x`` has no elements."""
    if np.size(x) == 0:
        raise ValueError(f"{name} must not be empty, got an array of shape {np.shape(x)}")


def check_finite(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``x`` holds NaN or infinity."""
    x = np.asarray(x)
    if x.dtype.kind in "fc" and not np.isfinite(x).all():
        what = "NaN" if np.isnan(x).any() else "infinity"
        raise ValueError(f"{name} must be finite, but it contains {what}")


def check_consistent_length(*arrays_and_names) -> None:
    """Check that arrays agree in their first dimension.

    Call as ``check_consistent_length((X, "X"), (y, "y"))``.
    """
    pairs = [(a, n) for a, n in arrays_and_names if a is not None]
    lengths = {n: np.shape(a)[0] for a, n in pairs}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise ValueError(f"inputs must have the same number of samples: {detail}")


def check_square(A: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless ``A`` is a square 2-D array."""
    if np.ndim(A) != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {np.shape(A)}")


def check_symmetric(A: np.ndarray, name: str, *, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    """Raise ``ValueError`` unless ``A`` is square and equal to its transpose."""
    check_square(A, name)
    if not A.size:
        return
    # ‖A − Aᵀ‖_max ≤ rtol·‖A‖_max + atol, one block row at a time against the block column it
    # mirrors (np.allclose, or even A − Aᵀ whole, would build n×n temporaries read across the grain:
    # 4× slower, more than a Cholesky factorisation costs)
    n = A.shape[0]
    scale = max(float(A.max()), -float(A.min()))
    worst = 0.0
    for i in range(0, n, 64):
        j = min(i + 64, n)
        D = A[i:j, :j] - A[:j, i:j].T
        worst = max(worst, float(D.max()), -float(D.min()))
    if worst > rtol * scale + atol * max(scale, 1.0):
        raise ValueError(f"{name} must be symmetric (A == A.T within rtol={rtol:g})")


def check_probability_vector(p, name: str, *, axis: int = -1, atol: float = 1e-8) -> np.ndarray:
    """Check that ``p`` holds probabilities summing to one along ``axis``.

    Returns ``p`` as a float array. Entries must be finite, in [0, 1], and each
    slice along ``axis`` must sum to 1 within ``atol``.
    """
    p = as_float_array(p, name)
    if (p < 0).any() or (p > 1).any():
        raise ValueError(f"{name} must contain probabilities in [0, 1]")
    sums = p.sum(axis=axis)
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"{name} must sum to 1 along axis {axis}, got sums {np.round(sums, 6)}")
    return p


def check_sample_weight(sample_weight, n: int, *, name: str = "sample_weight", allow_scalar: bool = False,
                        require_positive_sum: bool = False) -> np.ndarray | None:
    """``None``, or a finite, non-negative float64 vector with one weight per sample.

    Parameters
    ----------
    sample_weight : None, array_like of shape (n,) or float
        The weights (a scalar, when ``allow_scalar``, weighs every sample alike).
    n : int
        The number of samples.
    name : str, default="sample_weight"
        The argument's name, used in error messages.
    allow_scalar : bool, default=False
        Accept one real number for every sample.
    require_positive_sum : bool, default=False
        Reject weights that are zero for every sample (nothing to fit).
    """
    if sample_weight is None:
        return None
    if allow_scalar and isinstance(sample_weight, numbers.Real) and not isinstance(sample_weight, bool):
        sample_weight = np.full(n, float(sample_weight))
    w = as_float_array(sample_weight, name, ndim=1, dtype=np.float64, nonempty=False)
    if w.shape[0] != n:
        raise ValueError(f"{name} must have {n} entries (one per sample), got {w.shape[0]}")
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative, got a minimum of {w.min():g}")
    if require_positive_sum and not (w > 0).any():
        raise ValueError(f"{name} is zero for every sample: nothing to fit")
    return w


def check_classification_labels(y, name: str = "y") -> None:
    """Reject targets that are not class labels, as scikit-learn's classifiers do.

    A float target whose values are not all integers is a regression target
    (feeding it to a classifier is almost always a mistake); NaN and infinity are
    no labels; an object array may mix ints with ints only.
    """
    y = np.asarray(y)
    if y.dtype.kind == "f":
        if not np.isfinite(y).all():
            raise ValueError(f"{name} must hold class labels, but it contains NaN or infinity")
        if not np.all(y == np.round(y)):
            raise ValueError(
                f"Unknown label type: continuous. {name} must hold class labels "
                "(integers or strings), not continuous values"
            )
    if y.dtype.kind == "c":
        raise ValueError(f"{name} must hold class labels, got complex values")
    if y.dtype.kind == "O":
        kinds = {type(v) for v in y.ravel()}
        if len(kinds) > 1 and not all(issubclass(k, numbers.Integral) for k in kinds):
            raise ValueError(f"Unknown label type: mixed types {sorted(k.__name__ for k in kinds)} in {name}")


def check_int_sequence(s, name: str, *, what: str = "integers") -> np.ndarray:
    """A non-empty 1-D array of non-negative integers (state indices, symbols) as ``intp``.

    Floats that are whole numbers are accepted; anything else is rejected with a
    message naming ``name`` and ``what`` the entries stand for.
    """
    arr = np.asarray(s)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of {what}, got shape {arr.shape}")
    if arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.intp)
        else:
            raise ValueError(f"{name} must contain integer {what}, got dtype {arr.dtype}")
    if (arr < 0).any():
        raise ValueError(f"{name} must contain non-negative {what}")
    return arr.astype(np.intp)


# ---------------------------------------------------------------------------- parameter constraints
#
# Each estimator declares ``_parameter_constraints = {"name": [constraint, ...]}``;
# a parameter is valid when it satisfies any one of its constraints. A constraint
# is an ``Interval``, an ``Options``, an ``IncreasingPair``, a ``TupleOf``, a ``SequenceOf``, a type,
# ``None`` or one of the strings "boolean", "random_state", "array-like", "callable", "cv_object",
# "nan", "inf". ``validate_params`` checks them once, at the start of ``fit`` (public functions:
# ``validate_args``, on every call), and raises ``InvalidParameterError`` (a ValueError and a
# TypeError) whose message names the parameter and lists what was expected.


class Interval:
    """Real or integer numbers between ``low`` and ``high`` (``None``: unbounded).

    ``closed`` is "both", "left", "right" or "neither". Booleans, NaN and
    infinity never satisfy an interval.
    """

    def __init__(self, kind, low, high, *, closed: str = "both"):
        if closed not in ("both", "left", "right", "neither"):  # a table's own mistake, not a user's
            raise ValueError(f"closed must be one of 'both', 'left', 'right', 'neither'; got {closed!r}")
        self.kind, self.low, self.high, self.closed = kind, low, high, closed
        self._low_open = closed not in ("both", "left")
        self._high_open = closed not in ("both", "right")

    def is_satisfied_by(self, value) -> bool:
        kind = type(value)
        if kind is float:  # the common cases first, without the slower ABC checks
            if self.kind is numbers.Integral or value - value != 0:  # an int is asked for, or not finite
                return False
        elif kind is not int:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, self.kind):
                return False
            if not isinstance(value, numbers.Integral) and not math.isfinite(value):
                return False
        low, high = self.low, self.high
        if low is not None and (value < low or (self._low_open and value == low)):
            return False
        return high is None or not (value > high or (self._high_open and value == high))

    def __str__(self) -> str:
        kind = "an int" if self.kind is numbers.Integral else "a float"
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return f"{kind} in the range {left}{low}, {high}{right}"


class Options:
    """One of a fixed set of values (strings, usually).

    With ``kind`` (a type such as ``numbers.Real``), a value of that kind that
    equals an option satisfies it (``Options((0.0, 1.0), kind=Real)`` accepts 0,
    0.0 and 1; booleans never); without, non-strings must be the option itself.
    """

    def __init__(self, options, *, kind=None):
        self.options, self.kind = tuple(options), kind

    def is_satisfied_by(self, value) -> bool:
        if self.kind is not None:
            return (isinstance(value, self.kind) and not isinstance(value, (bool, np.bool_))
                    and value in self.options)
        return any(value is o or (isinstance(value, str) and isinstance(o, str) and value == o)
                   for o in self.options)

    def __str__(self) -> str:
        return f"one of {{{', '.join(map(repr, self.options))}}}"


class IncreasingPair:
    """A pair ``(a, b)`` of finite real numbers with ``a < b`` inside ``[low, high]``."""

    def __init__(self, low=None, high=None):
        self.low, self.high = low, high

    def is_satisfied_by(self, value) -> bool:
        if not (isinstance(value, (tuple, list)) or isinstance(value, np.ndarray) and value.ndim == 1) \
                or len(value) != 2:
            return False
        real = Interval(numbers.Real, self.low, self.high)
        return all(real.is_satisfied_by(v) for v in value) and value[0] < value[1]

    def __str__(self) -> str:
        bounds = f" within [{self.low:g}, {self.high:g}]" if self.low is not None and self.high is not None else ""
        return f"a pair (min, max) of finite numbers with min < max{bounds}"


class TupleOf:
    """A tuple (or list) of fixed length whose entries satisfy one constraint each.

    ``TupleOf(Interval(Real, 0, 1, closed="left"), Interval(Real, 0, 1, closed="left"))``
    is Adam's ``betas``: a pair of numbers in [0, 1).
    """

    def __init__(self, *constraints):
        self.constraints = tuple(_constraint(c) for c in constraints)

    def is_satisfied_by(self, value) -> bool:
        return (isinstance(value, (tuple, list)) and len(value) == len(self.constraints)
                and all(c.is_satisfied_by(v) for c, v in zip(self.constraints, value)))

    def __str__(self) -> str:
        what = "a pair" if len(self.constraints) == 2 else f"a tuple of {len(self.constraints)}"
        return f"{what} ({', '.join(map(str, self.constraints))})"


class SequenceOf:
    """A tuple or list (of any length) whose every entry satisfies ``constraint``: layer widths, say."""

    def __init__(self, constraint):
        self.constraint = _constraint(constraint)

    def is_satisfied_by(self, value) -> bool:
        return isinstance(value, (tuple, list)) and all(self.constraint.is_satisfied_by(v) for v in value)

    def __str__(self) -> str:
        return f"a tuple or list whose entries are each {self.constraint}"


class _Test:
    def __init__(self, test, text):
        self.is_satisfied_by, self.text = test, text

    def __str__(self) -> str:
        return self.text


def _is_random_state(v) -> bool:
    if v is None or isinstance(v, (np.random.Generator, np.random.RandomState)):
        return True
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_)) and v >= 0


def _is_cv(v) -> bool:
    if v is None or hasattr(v, "split") and hasattr(v, "get_n_splits"):
        return True
    if isinstance(v, numbers.Integral):
        return not isinstance(v, (bool, np.bool_)) and v >= 2
    return hasattr(v, "__iter__") and not isinstance(v, (str, bytes))


def _is_array_like(v) -> bool:
    return not isinstance(v, (str, bytes)) and (hasattr(v, "__len__") or hasattr(v, "__array__"))


_NAMED = {
    "boolean": _Test(lambda v: isinstance(v, (bool, np.bool_)), "True or False"),
    "random_state": _Test(_is_random_state, "None, an int >= 0 or a numpy.random.Generator"),
    "array-like": _Test(_is_array_like, "an array-like"),
    "callable": _Test(callable, "a callable"),
    "cv_object": _Test(_is_cv, "None, an int >= 2 (folds), a splitter with split and get_n_splits, "
                               "or an iterable of (train, test) index pairs"),
    "nan": _Test(lambda v: isinstance(v, numbers.Real) and v != v, "np.nan"),
    "inf": _Test(lambda v: isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) and v == math.inf,
                 "np.inf"),
}


#: Shorthands for the constraints most tables need (read: "a float > 0", "an int >= 1", ...).
REAL = Interval(numbers.Real, None, None)
POSITIVE = Interval(numbers.Real, 0, None, closed="neither")
NON_NEGATIVE = Interval(numbers.Real, 0, None)
POSITIVE_INT = Interval(numbers.Integral, 1, None)
NON_NEGATIVE_INT = Interval(numbers.Integral, 0, None)


def _constraint(c):
    if c is None:
        return _Test(lambda v: v is None, "None")
    if isinstance(c, str):
        return _NAMED[c]
    if isinstance(c, type):
        return _Test(lambda v: isinstance(v, c), f"an instance of {c.__name__}")
    return c


# ---------------------------------------------------------------------------- array parameters


class ArrayInterval(Interval):
    """Real numbers, or arrays of them, every element inside an interval (distribution parameters).

    ``convert(value, name, owner)`` checks a parameter and returns it as a float
    (Python and NumPy scalars, on a fast path of a few comparisons) or a float64
    ndarray (checked elementwise); ``integer=True`` also asks for whole numbers,
    ``scalar=True`` rejects arrays. NaN and infinity never satisfy it.
    """

    def __init__(self, low=None, high=None, *, closed: str = "both", integer: bool = False, scalar: bool = False):
        super().__init__(numbers.Real, low, high, closed=closed)
        self.integer, self.scalar = integer, scalar
        self._lo = -math.inf if low is None else float(low)
        self._hi = math.inf if high is None else float(high)
        self._lo_open = low is None or closed in ("right", "neither")
        self._hi_open = high is None or closed in ("left", "neither")

    def _inside(self, a):
        """Elementwise: finite, inside the interval, whole where asked (``a`` a float ndarray)."""
        ok = np.isfinite(a)
        if self.low is not None:
            ok &= (a > self._lo) if self._lo_open else (a >= self._lo)
        if self.high is not None:
            ok &= (a < self._hi) if self._hi_open else (a <= self._hi)
        if self.integer:
            ok &= a == np.floor(a)
        return ok

    def is_satisfied_by(self, value) -> bool:
        try:
            self.convert(value, "value")
        except ValueError:
            return False
        return True

    def convert(self, value, name: str, owner: str | None = None):
        """``value`` as a float or float64 ndarray; ``InvalidParameterError`` naming ``name`` otherwise."""
        kind = type(value)
        if kind is float or kind is int or kind is np.float64:  # the scalar fast path
            v = float(value)
            if ((v > self._lo) if self._lo_open else (v >= self._lo)) and \
                    ((v < self._hi) if self._hi_open else (v <= self._hi)) and v - v == 0.0 and \
                    (not self.integer or v.is_integer()):  # v - v == 0: finite
                return v
        elif not isinstance(value, (bool, np.bool_, str, bytes)):
            try:
                arr = np.asarray(value, dtype=np.float64)
            except (TypeError, ValueError):
                arr = None
            if arr is not None and (arr.ndim == 0 or not self.scalar) and bool(np.all(self._inside(arr))):
                return float(arr) if arr.ndim == 0 else arr
        from mmlkit.exceptions import InvalidParameterError

        what = str(self) if self.scalar else f"{self} (or an array of them)"
        if self.integer:
            what = what.replace("a float", "a whole number")
        where = f" (a parameter of {owner})" if owner else ""
        raise InvalidParameterError(f"{name} must be {what}, got {value!r}{where}")


#: "int-sequence": a tuple or list of ints (axes, argnums, a normalised shape)
_NAMED["int-sequence"] = _Test(lambda v: isinstance(v, (tuple, list)) and all(
    isinstance(a, numbers.Integral) and not isinstance(a, (bool, np.bool_)) for a in v), "a tuple of ints")


def validate_params(params, constraints: dict | None = None, *, owner: str | None = None) -> None:
    """Check parameters against their declared constraints.

    Parameters
    ----------
    params : estimator or dict
        An estimator (its ``get_params(deep=False)`` are checked against its
        class's ``_parameter_constraints``) or a ``{name: value}`` dict.
    constraints : dict, optional
        ``{name: [constraint, ...]}``; required when ``params`` is a dict.
        Parameters without an entry are not checked.
    owner : str, optional
        Who owns the parameters, for the message (the estimator's class name
        by default).

    Raises
    ------
    mmlkit.exceptions.InvalidParameterError
        A ``ValueError`` (and ``TypeError``) naming the first parameter that
        satisfies none of its constraints and listing them.
    """
    if not isinstance(params, dict):
        owner = owner or type(params).__name__
        if constraints is None:   # the class's table: its checks are built once per class
            checks = _class_checks(type(params))
        else:
            checks = {name: [_constraint(c) for c in allowed] for name, allowed in constraints.items()}
        # get_params(deep=False), without its inspect.signature on every fit
        params = {name: getattr(params, name) for name in _param_names(type(params))}
    else:
        checks = {name: [_constraint(c) for c in allowed] for name, allowed in constraints.items()}
    for name, allowed in checks.items():
        if name in params:
            _check_one(name, params[name], allowed, owner)


@functools.cache
def _param_names(cls) -> tuple:
    return tuple(cls._get_param_names())


def _class_checks(cls) -> dict:
    """``{name: [check, ...]}`` from ``cls._parameter_constraints``, cached on the class itself."""
    table = cls._parameter_constraints
    cached = cls.__dict__.get("_parameter_checks")
    if cached is None or cached[0] is not table:   # a subclass's own table, or one replaced since
        cached = (table, {name: [_constraint(c) for c in allowed] for name, allowed in table.items()})
        cls._parameter_checks = cached
    return cached[1]


def _check_one(name, value, checks, owner) -> None:
    """Raise ``InvalidParameterError`` unless ``value`` satisfies one of ``checks``."""
    for c in checks:
        if c.is_satisfied_by(value):
            return
    from mmlkit.exceptions import InvalidParameterError

    want = " or ".join(map(str, checks))
    where = f" (a parameter of {owner})" if owner else ""
    raise InvalidParameterError(f"{name} must be {want}, got {value!r}{where}")


_CACHEABLE = frozenset({int, float, str, bool, type(None)})


def validate_args(constraints: dict):
    """Decorate a public function so its arguments are checked against a table.

    The function's own constraint table, ``{name: [constraint, ...]}`` in the
    vocabulary of :func:`validate_params`, is stored as
    ``func._parameter_constraints`` and checked on every call before the body
    runs; arguments left at their defaults are not checked (a test checks that
    every default satisfies its table). Arrays are checked by the body, where
    their shapes are known.

    Examples
    --------
    >>> @validate_args({"k": [Interval(numbers.Integral, 1, None)]})
    ... def top(x, k=1):
    ...     return sorted(x)[-k:]
    >>> top([3, 1, 2], k=2)
    [2, 3]
    >>> top([3, 1, 2], k=0)
    Traceback (most recent call last):
    ...
    mmlkit.exceptions.InvalidParameterError: k must be an int in the range [1, inf), got 0 (a parameter of top)
    """

    def decorate(func):
        signature = inspect.signature(func)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:
            raise TypeError(f"{func.__qualname__} has no parameter(s) {sorted(unknown)} to constrain")
        positional = [name for name, p in signature.parameters.items()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        checks = {name: [_constraint(c) for c in allowed] for name, allowed in constraints.items()}
        # A method's errors name the class it was called on ("Dropout", "EpsilonGreedy.reset"),
        # not where it happens to be defined ("Dropout.__init__", "_Agent.reset").
        is_method = positional[:1] == ["self"]
        label = "" if func.__name__ == "__init__" else f".{func.__name__}"

        def owner(args):
            return f"{type(args[0]).__name__}{label}" if is_method and args else func.__qualname__

        # positional arguments before the first constrained one need no check: a call that gives no
        # more than those (``entropy(p)``) goes straight to the body
        n_free = next((i for i, name in enumerate(positional) if name in checks), len(positional))
        by_position = [(i, name, checks[name]) for i, name in enumerate(positional) if name in checks]
        # Plain scalars (a base, a ddof, an option string) found valid once are remembered, so a call
        # repeated in a loop pays one dictionary lookup per argument; bounded, and only immutable
        # built-in scalars, so no caller object is kept alive.
        accepted: dict = {}

        def check(name, value, allowed, args):
            kind = type(value)
            if kind in _CACHEABLE:
                if (name, kind, value) in accepted:
                    return
                _check_one(name, value, allowed, owner(args))
                if len(accepted) < 1024:
                    accepted[name, kind, value] = True
            else:
                _check_one(name, value, allowed, owner(args))

        @functools.wraps(func)
        def checked(*args, **kwargs):
            n = len(args)
            if n > n_free:
                # Binding by position is a lookup in a precomputed list, not inspect.Signature.bind:
                # this runs on every call of small, hot functions.
                for i, name, allowed in by_position:
                    if i < n:
                        check(name, args[i], allowed, args)
            elif not kwargs:
                return func(*args)
            for name, value in kwargs.items():
                allowed = checks.get(name)
                if allowed is not None:
                    check(name, value, allowed, args)
            return func(*args, **kwargs)

        checked._parameter_constraints = constraints
        return checked

    return decorate


_FAST_DATA_KWARGS = frozenset({"dtype", "reset", "ensure_min_samples", "multi_output", "y_numeric",
                               "accept_sparse", "ensure_all_finite", "copy"})


def validate_data(estimator, X="no_validation", y="no_validation", **kwargs):
    """scikit-learn's ``validate_data``, with its checks done directly for a plain float64 array.

    The common case, a finite float64 ``numpy.ndarray`` X of shape (n, d) (and a
    1-D numeric or string y of length n), is checked here in a few
    microseconds: X is returned as is (no copy, as scikit-learn returns it),
    ``n_features_in_`` is set on ``reset`` and compared otherwise. Everything
    else (other types, dtypes or keywords, data frames, a fitted
    ``feature_names_in_``, and every input scikit-learn would reject) goes to
    ``sklearn.utils.validation.validate_data``, so conversions, warnings and
    error messages are exactly scikit-learn's. On data of a few hundred rows,
    its generic dispatch (data-frame detection, array-API namespaces) costs
    more than many fits.
    """
    fast = _fast_validate_data(estimator, X, y, kwargs)
    if fast is not None:
        return fast[0] if fast[1] is None else fast
    from sklearn.utils.validation import validate_data as sklearn_validate_data

    return sklearn_validate_data(estimator, X, y, **kwargs)


def _fast_validate_data(estimator, X, y, kwargs):
    """``(X, y)`` (y None when not given) when the fast path applies and every check passes, else None."""
    if type(X) is not np.ndarray or X.ndim != 2 or X.dtype != np.float64 or not kwargs.keys() <= _FAST_DATA_KWARGS:
        return None
    dtype = kwargs.get("dtype", "numeric")
    if isinstance(dtype, (list, tuple)) and dtype:   # a list keeps X's dtype when X has one of them
        dtype = np.float64 if any(t is np.float64 for t in dtype) else None
    if not (dtype is np.float64 or (isinstance(dtype, str) and dtype == "numeric")):
        return None
    if kwargs.get("copy", False) is not False or kwargs.get("ensure_all_finite", True) not in (True, "allow-nan"):
        return None
    n, d = X.shape
    if n < max(1, kwargs.get("ensure_min_samples", 1)) or d < 1 or not math.isfinite(X.sum()):
        return None
    reset = kwargs.get("reset", True)
    if not reset and (getattr(estimator, "n_features_in_", None) != d or hasattr(estimator, "feature_names_in_")):
        return None                     # scikit-learn's message (or its feature-name warning)
    if isinstance(y, str) and y == "no_validation":
        y = None
    elif not _plain_target(y, n, kwargs):   # (y=None goes to scikit-learn: "requires y to be passed")
        return None
    if reset:
        estimator.n_features_in_ = d
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    return X, y


def _plain_target(y, n, kwargs) -> bool:
    """y is a finite numeric (or, unless ``y_numeric``, string) ndarray of n rows that scikit-learn
    would pass through unchanged: 1-D, or 2-D with ``multi_output``."""
    if type(y) is not np.ndarray or y.ndim == 0 or y.shape[0] != n:
        return False
    if not (y.ndim == 1 or (y.ndim == 2 and kwargs.get("multi_output", False) and y.shape[1] >= 1)):
        return False
    if y.dtype.kind not in ("biuf" if kwargs.get("y_numeric", False) else "biufU"):
        return False
    return y.dtype.kind != "f" or math.isfinite(y.sum())
