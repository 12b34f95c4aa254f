"""Small named results returned by the tests and estimators of ``mmlkit.stats``.

They are plain classes with ``__slots__`` (cheap to build: a t-test on 30
numbers must cost microseconds) and a readable ``repr``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import NamedTuple

from mmlkit._validation import Interval, Options, validate_args
from mmlkit.probability._functions import normal_ppf, t_ppf

__all__ = [
    "ConfidenceInterval",
    "TestResult",
    "TTestResult",
    "ZTestResult",
]

_ALTERNATIVES = ("two-sided", "less", "greater")


#: Constraint tables shared by the public functions of ``mmlkit.stats`` (checked by ``validate_args``).
ALTERNATIVE = {"alternative": [Options(_ALTERNATIVES)]}
LEVEL = {"level": [Interval(Real, 0, 1, closed="neither")]}
DDOF = {"ddof": [Interval(Integral, 0, None)]}


def _plain(value) -> str:
    """``repr`` with NumPy scalars shown as plain Python numbers (``0.5``, not ``np.float64(0.5)``)."""
    if hasattr(value, "ndim") and getattr(value, "ndim", 1) == 0 and hasattr(value, "item"):
        value = value.item()
    elif hasattr(value, "tolist") and hasattr(value, "ndim"):
        return f"array({value.tolist()!r})"
    return repr(value)


class ConfidenceInterval(NamedTuple):
    """A confidence interval ``(low, high)`` (one end infinite for one-sided intervals)."""

    low: float
    high: float

    def __repr__(self) -> str:
        return f"ConfidenceInterval(low={_plain(self.low)}, high={_plain(self.high)})"


class TestResult:
    """Result of a hypothesis test.

    Attributes
    ----------
    statistic : float or ndarray
        The test statistic.
    pvalue : float or ndarray
        The p-value under the null hypothesis.
    df : float, ndarray or None
        Degrees of freedom of the reference distribution, where defined.
    """

    __test__ = False  # not a pytest test class
    __slots__ = ("statistic", "pvalue", "df")

    def __init__(self, statistic, pvalue, df=None):
        self.statistic = statistic
        self.pvalue = pvalue
        self.df = df

    def _fields(self):
        return {"statistic": self.statistic, "pvalue": self.pvalue, "df": self.df}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={_plain(v)}" for k, v in self._fields().items() if v is not None)
        return f"{type(self).__name__}({inner})"

    def __iter__(self):  # unpack as ``statistic, pvalue = result`` like SciPy's results
        return iter((self.statistic, self.pvalue))


class _LocationResult(TestResult):
    __slots__ = ("estimate", "standard_error", "alternative")

    def __init__(self, statistic, pvalue, df, estimate, standard_error, alternative):
        super().__init__(statistic, pvalue, df)
        self.estimate = estimate
        self.standard_error = standard_error
        self.alternative = alternative

    def _critical(self, q):
        raise NotImplementedError

    @validate_args(LEVEL)
    def confidence_interval(self, level: float = 0.95) -> ConfidenceInterval:
        """The confidence interval for the estimated location at ``level``.

        Parameters
        ----------
        level : float, default=0.95
            Confidence level in (0, 1).

        Returns
        -------
        ConfidenceInterval
            ``estimate ± c · standard_error`` with c the reference
            distribution's quantile; one-sided (one infinite end) when the test
            was one-sided, as in SciPy.
        """
        est, se = self.estimate, self.standard_error
        if self.alternative == "two-sided":
            c = self._critical(0.5 + 0.5 * level)
            return ConfidenceInterval(est - c * se, est + c * se)
        c = self._critical(level)
        if self.alternative == "less":
            return ConfidenceInterval(est * 0 - math.inf, est + c * se)
        return ConfidenceInterval(est - c * se, est * 0 + math.inf)


class TTestResult(_LocationResult):
    """Result of a t-test: ``statistic``, ``pvalue``, ``df`` and ``confidence_interval(level)``.

    ``estimate`` is the sample mean (one-sample), the mean difference
    (paired) or the difference of means (two-sample); ``standard_error`` its
    standard error. The interval uses Student's t with ``df`` degrees of freedom.
    """

    __slots__ = ()

    def _critical(self, q):
        return t_ppf(q, self.df)

    def _fields(self):
        fields = super()._fields()
        fields["estimate"] = self.estimate
        if self.estimate is not None and self.standard_error is not None:
            low, high = self.confidence_interval(0.95)
            fields["confidence_interval_95"] = _Raw(f"({_plain(low)}, {_plain(high)})")
        return fields


class _Raw(str):
    """Text shown as is in a result's repr."""

    def __repr__(self) -> str:
        return str(self)


class ZTestResult(_LocationResult):
    """Result of a z-test: ``statistic``, ``pvalue`` and ``confidence_interval(level)`` (normal quantiles)."""

    __slots__ = ()

    def _critical(self, q):
        return normal_ppf(q)

    def _fields(self):
        return {"statistic": self.statistic, "pvalue": self.pvalue}


class ChiSquareResult(TestResult):
    """Result of a χ² test: ``statistic``, ``pvalue``, ``df`` and the ``expected_freq`` table."""

    __slots__ = ("expected_freq",)

    def __init__(self, statistic, pvalue, df, expected_freq):
        super().__init__(statistic, pvalue, df)
        self.expected_freq = expected_freq
