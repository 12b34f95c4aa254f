"""Shared machinery for the distribution classes: the parameter tables' intervals and a base class."""

from __future__ import annotations

import functools
import warnings

import numpy as np

from .. import exceptions  # its sklearn-derived names resolve on first use
from .._validation import ArrayInterval, as_float_array, check_random_state

__all__ = ["Distribution", "DiscreteDistribution", "Parameterised"]


#: The intervals the distributions' parameter tables (``_parameter_constraints``) are built from;
#: each checks a scalar on a fast path and an array elementwise (see ``ArrayInterval``).
REAL = ArrayInterval()
POSITIVE = ArrayInterval(0.0, None, closed="neither")
NONNEGATIVE = ArrayInterval(0.0, None)
PROBABILITY = ArrayInterval(0.0, 1.0)
OPEN_PROBABILITY = ArrayInterval(0.0, 1.0, closed="right")  # (0, 1]: a success probability that must be > 0
COUNT = ArrayInterval(0.0, None, integer=True)
POSITIVE_COUNT = ArrayInterval(0.0, None, closed="neither", integer=True)
#: for the classes whose parameters are single numbers
REAL_SCALAR = ArrayInterval(scalar=True)
POSITIVE_SCALAR = ArrayInterval(0.0, None, closed="neither", scalar=True)
COUNT_SCALAR = ArrayInterval(0.0, None, integer=True, scalar=True)


class Parameterised:
    """Parameters declared in one table, ``_parameter_constraints = {name: ArrayInterval}``.

    ``self._param(name, value)`` checks ``value`` against the table's entry and
    returns it as a float (scalars) or a float64 ndarray (arrays, checked
    elementwise); a bad value raises ``InvalidParameterError`` naming the
    parameter, the class and the interval expected.
    """

    _parameter_constraints: dict = {}

    def _param(self, name, value):
        return self._parameter_constraints[name].convert(value, name, type(self).__name__)


def points(x):
    """Evaluation points as a float ndarray (NaN propagates, as in a ufunc)."""
    return np.asarray(x, dtype=float)


def out(a):
    """0-d arrays become NumPy scalars, as ufuncs return them."""
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


def fit_data(data, name="data"):
    """1-D finite, non-empty sample for ``fit``."""
    return as_float_array(data, name, ndim=1)


def newton(step, x0, *, tol=1e-13, max_iter=100, what="fit"):
    """Iterate ``x ← x − step(x)`` until the relative step is below ``tol``.

    ``step`` returns the Newton step (f/f′) for scalar or array ``x``; the
    iteration is elementwise. Warns ``ConvergenceWarning`` at ``max_iter``.
    """
    x = x0
    for _ in range(max_iter):
        dx = step(x)
        x = x - dx
        if np.all(np.abs(dx) <= tol * np.maximum(np.abs(x), 1e-300)):
            return x
    warnings.warn(f"{what}: Newton iteration stopped at max_iter={max_iter} before reaching "
                  f"tol={tol:g}", exceptions.ConvergenceWarning, stacklevel=3)
    return x


_POINTS = """
    Parameters
    ----------
    {arg} : array_like
        {what}, any shape; broadcast against the parameters' ``batch_shape``.

    Returns
    -------
    ndarray or float
        {ret}
"""

#: Docstrings given to subclass methods that define none, so every method is documented once.
_METHOD_DOCS = {
    "pdf": "Probability density f(x) (0 outside the support)." + _POINTS.format(
        arg="x", what="Points", ret="f(x), broadcast shape of x and the parameters."),
    "logpdf": "Log-density log f(x) (−inf outside the support), computed in log space." + _POINTS.format(
        arg="x", what="Points", ret="log f(x)."),
    "pmf": "Probability mass P(X = k) (0 off the integer support)." + _POINTS.format(
        arg="k", what="Points", ret="P(X = k)."),
    "logpmf": "Log of the probability mass, log P(X = k) (−inf off the support)." + _POINTS.format(
        arg="k", what="Points", ret="log P(X = k)."),
    "cdf": "Cumulative distribution function F(x) = P(X ≤ x)." + _POINTS.format(
        arg="x", what="Points", ret="F(x)."),
    "sf": "Survival function 1 − F(x) = P(X > x), computed directly (accurate in the upper tail)."
          + _POINTS.format(arg="x", what="Points", ret="1 − F(x)."),
    "ppf": "Quantile function F⁻¹(q) (for discrete distributions the smallest k with F(k) ≥ q)."
           + _POINTS.format(arg="q", what="Probabilities in [0, 1]", ret="F⁻¹(q); ValueError for q outside [0, 1]."),
    "isf": "Inverse survival function: the x with 1 − F(x) = q (accurate for small q)." + _POINTS.format(
        arg="q", what="Probabilities in [0, 1]", ret="F⁻¹(1 − q)."),
    "logcdf": "log F(x)." + _POINTS.format(arg="x", what="Points", ret="log F(x)."),
    "logsf": "log(1 − F(x))." + _POINTS.format(arg="x", what="Points", ret="log(1 − F(x))."),
    "mean": "The mean E[X]; an array of ``batch_shape`` for array parameters.",
    "var": "The variance Var[X]; an array of ``batch_shape`` for array parameters.",
    "entropy": "The differential (continuous) or Shannon (discrete) entropy in nats.",
}


def check_probabilities(q, name="q"):
    """``q`` unchanged after checking it lies in [0, 1] (NaN passes through, as in a ufunc).

    Raises ``ValueError`` naming ``name`` otherwise: a quantile of a
    probability outside [0, 1] does not exist, and returning NaN (or, worse, a
    number) would hide the caller's mistake.
    """
    if type(q) is float:  # the lean scalar path
        if q < 0.0 or q > 1.0:
            raise ValueError(f"{name} must be a probability in [0, 1], got {q!r}")
        return q
    a = np.asarray(q)
    if a.dtype.kind in "biuf":
        if np.any(a < 0) or np.any(a > 1):
            bad = a[(a < 0) | (a > 1)].ravel()[0]
            raise ValueError(f"{name} must hold probabilities in [0, 1], got {bad!r}")
    return q


def _checking_q(fn):
    """Wrap a ``ppf``/``isf`` method so that it checks its argument with :func:`check_probabilities`."""

    @functools.wraps(fn)
    def method(self, q):
        return fn(self, check_probabilities(q))

    method._checks_q = True
    return method


class Distribution(Parameterised):
    """Base class: the methods every distribution shares.

    Subclasses implement ``logpdf`` (or ``logpmf``), ``cdf``, ``sf``, ``ppf``,
    ``mean``, ``var``, ``entropy``, ``_sample(rng, shape)`` and the classmethod
    ``fit``; ``std``, ``interval``, ``isf``, ``logcdf`` and ``sample`` come from here.
    """

    #: parameter names, in constructor order (for repr and broadcasting)
    _params: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, doc in _METHOD_DOCS.items():
            fn = cls.__dict__.get(name)
            if callable(fn) and not fn.__doc__:
                fn.__doc__ = doc
        for name in ("ppf", "isf"):  # every quantile method checks q once, here
            fn = cls.__dict__.get(name)
            if callable(fn) and not getattr(fn, "_checks_q", False):
                setattr(cls, name, _checking_q(fn))

    def __repr__(self):
        args = ", ".join(f"{p}={getattr(self, p)!r}" for p in self._params)
        return f"{type(self).__name__}({args})"

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """The broadcast shape of the parameters (``()`` for scalar parameters)."""
        return np.broadcast_shapes(*(np.shape(getattr(self, p)) for p in self._params))

    def std(self):
        """Standard deviation, √var()."""
        return out(np.sqrt(self.var()))

    def logcdf(self, x):
        """log cdf(x)."""
        with np.errstate(divide="ignore"):
            return out(np.log(self.cdf(x)))

    def logsf(self, x):
        """log sf(x) = log(1 − cdf(x))."""
        with np.errstate(divide="ignore"):
            return out(np.log(self.sf(x)))

    @_checking_q
    def isf(self, q):
        """Inverse survival function: ppf(1 − q)."""
        return self.ppf(1.0 - points(q))

    def median(self):
        """The median, ppf(½)."""
        return self.ppf(0.5)

    def interval(self, level=0.95):
        """The central interval holding probability ``level``: (ppf((1−level)/2), ppf((1+level)/2))."""
        level = OPEN_PROBABILITY.convert(level, "level", f"{type(self).__name__}.interval")
        return self.ppf(0.5 * (1.0 - level)), self.ppf(0.5 * (1.0 + level))

    def sample(self, size=None, random_state=None):
        """Draw samples.

        Parameters
        ----------
        size : int or tuple of int, optional
            Output shape; it must end with the parameters' ``batch_shape``
            (``None`` gives one draw per parameter set).
        random_state : None, int or numpy.random.Generator, default=None
            Source of randomness.

        Returns
        -------
        ndarray or float
            Samples of shape ``size`` (or ``batch_shape``).
        """
        rng = check_random_state(random_state)
        shape = self.batch_shape if size is None else ((size,) if np.ndim(size) == 0 else tuple(size))
        return out(self._sample(rng, shape))


class DiscreteDistribution(Distribution):
    """Base for distributions on the integers: ``pmf``/``logpmf`` and a search-based ``ppf``."""

    def pmf(self, k):
        """Probability mass at ``k``: exp(logpmf(k))."""
        return out(np.exp(self.logpmf(k)))

    def _ppf_search(self, q, guess, low):
        """Smallest integer k ≥ low with cdf(k) ≥ q, by stepping from ``guess``.

        The loop runs over steps (typically a handful from a normal-approximation
        guess), each step vectorised over all elements.
        """
        q = points(q)
        q, guess = np.broadcast_arrays(q, guess)
        k = np.maximum(np.floor(np.nan_to_num(guess, nan=low, posinf=low, neginf=low)), low)
        for _ in range(10_000):  # move up while cdf(k) < q
            up = self.cdf(k) < q
            if not up.any():
                break
            k = np.where(up, k + np.maximum(1.0, np.floor(0.5 * np.abs(k - guess))), k)
        for _ in range(10_000):  # move down while cdf(k - 1) ≥ q
            down = (k > low) & (self.cdf(k - 1) >= q)
            if not down.any():
                break
            k = np.where(down, k - 1, k)
        return k
