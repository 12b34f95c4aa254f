"""Classical hypothesis tests: t, z, χ² and McNemar.

Each returns a small named result (``statistic``, ``pvalue``, ``df`` where a
reference distribution has degrees of freedom, and for location tests
``confidence_interval(level)``). ``alternative`` is ``"two-sided"``,
``"less"`` or ``"greater"`` as in SciPy: ``"less"`` means the true location
(or difference) is below the null value.

The one-sample and two-sample t-tests are built to be cheap on small
samples (a few array reductions and one call to the t distribution), since
they are often run thousands of times inside simulations and CV loops.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mmlkit._validation import REAL, Options, as_float_array, validate_args
from mmlkit.probability._functions import binom_cdf, chi2_sf, f_sf, normal_cdf, normal_sf, t_cdf, t_sf
from mmlkit.stats._results import ALTERNATIVE, DDOF, ChiSquareResult, TestResult, TTestResult, ZTestResult
from mmlkit.stats._scaled import centred, common, exponent

__all__ = ["chi2_contingency", "chisquare", "f_oneway", "mcnemar", "ttest_1samp", "ttest_ind", "ttest_rel", "ztest"]


# ----------------------------------------------------------------------------- helpers
def _fast_1d(a):
    """``a`` itself when it is already a 1-D float64 ndarray (the lean path), else None."""
    return a if type(a) is np.ndarray and a.ndim == 1 and a.dtype == np.float64 else None


def _moments_1d(a: np.ndarray, name: str):
    """n, mean, scaled unbiased variance ``v`` and exponent ``E`` (variance ``v · 4**E``) of a 1-D sample.

    Python floats and ``E = 0`` on the lean path (two passes); when the sum
    overflows or the variance leaves [1e-150, 1e150] (where squares, or the
    squared variances of Welch's degrees of freedom, may over- or underflow),
    the moments are recomputed on deviations rescaled by a power of two (:func:`~mmlkit.stats._scaled.centred`).
    """
    n = a.shape[0]
    if n < 2:
        raise ValueError(f"{name} needs at least 2 observations, got {n}")
    total = float(np.add.reduce(a))
    if math.isfinite(total):
        m = total / n
        d = a - m
        with np.errstate(over="ignore", under="ignore"):
            v = float(d @ d) / (n - 1)
        if 1e-150 <= v <= 1e150:
            return n, m, v, 0
    m, d, E = centred(a, None, name)  # raises on NaN or infinity
    return n, m, float(d @ d) / (n - 1), E


def _sample(a, name: str, axis: int) -> np.ndarray:
    """A finite float sample with observations along axis 0."""
    a = as_float_array(a, name, dtype=np.float64, finite=False)
    if a.ndim == 0:
        raise ValueError(f"{name} must be an array of observations, got a scalar")
    if not isinstance(axis, (numbers.Integral, np.integer)) or not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis={axis!r} is out of range for {name} with {a.ndim} dimension(s)")
    return np.moveaxis(a, axis, 0)


def _mean_var(a: np.ndarray, name: str):
    """n, mean, scaled unbiased variance and exponent along axis 0 (see :func:`_moments_1d`)."""
    if a.ndim == 1:
        return _moments_1d(a, name)
    n = a.shape[0]
    if n < 2:
        raise ValueError(f"{name} needs at least 2 observations, got {n}")
    m, d, E = centred(a, 0, name)
    return n, m, np.einsum("i...,i...->...", d, d) / (n - 1), E


def _t_pvalue(t, df, alternative):
    if alternative == "two-sided":
        p = 2.0 * t_sf(abs(t) if isinstance(t, float) else np.abs(t), df)
        return min(p, 1.0) if np.ndim(p) == 0 else np.minimum(p, 1.0)
    if alternative == "greater":
        return t_sf(t, df)
    return t_cdf(t, df)


def _z_pvalue(z, alternative):
    if alternative == "two-sided":
        return 2.0 * normal_sf(np.abs(z))
    if alternative == "greater":
        return normal_sf(z)
    return normal_cdf(z)


def _sum_sq(d):
    return float(d @ d)


def _floats(*xs):
    return tuple(float(x) if np.ndim(x) == 0 else x for x in xs)


def _nonzero_se(se, what: str):
    if (se == 0) if isinstance(se, float) else np.any(np.asarray(se) == 0):
        raise ValueError(f"{what} has zero variance: the t statistic is undefined")


# ----------------------------------------------------------------------------- t-tests
@validate_args(ALTERNATIVE)
def ttest_1samp(a, popmean=0.0, alternative: str = "two-sided", axis: int = 0) -> TTestResult:
    """One-sample Student's t-test of H₀: the population mean equals ``popmean``.

    Parameters
    ----------
    a : array_like of shape (n,) or (n, ...)
        Sample (observations along ``axis``), n ≥ 2.
    popmean : float or array_like, default=0.0
        The mean under the null hypothesis (broadcasts over the other axes).
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
    axis : int, default=0
        The axis of observations; the test runs independently over the others.

    Returns
    -------
    TTestResult
        ``statistic`` t, ``pvalue``, ``df = n − 1``; ``confidence_interval(level)``
        is the interval for the population mean, ``estimate`` the sample mean.

    Raises
    ------
    ValueError
        On fewer than 2 observations, non-finite data, or a constant sample.

    Notes
    -----
    ``t = (x̄ − μ₀) / (s/√n)`` with ``s² = Σ (xᵢ − x̄)² / (n − 1)``; under H₀
    (normal data) t ~ t_{n−1}. O(n).

    Examples
    --------
    >>> res = ttest_1samp([5.1, 4.9, 5.6, 5.8, 6.0], popmean=5.0)
    >>> round(res.statistic, 4), res.df
    (2.3041, 4.0)
    """
    a = _sample(a, "a", axis)
    n, m, v, E = _mean_var(a, "a")
    se = np.sqrt(v / n) if np.ndim(v) else math.sqrt(v / n)
    _nonzero_se(se, "a")
    df = float(n - 1)
    # t in the rescaled units (the standard error is se · 2**E)
    t = (m - popmean) / se if np.ndim(E) == 0 and E == 0 else np.ldexp(m - popmean, -E) / se
    se = se if np.ndim(E) == 0 and E == 0 else np.ldexp(se, E)
    p = _t_pvalue(t, df, alternative)
    t, p, m, se = _floats(t, p, m, se)
    return TTestResult(t, p, df, m, se, alternative)


@validate_args(ALTERNATIVE)
def ttest_rel(a, b, alternative: str = "two-sided", axis: int = 0) -> TTestResult:
    """Paired-sample t-test of H₀: the mean difference ``a − b`` is zero.

    Parameters
    ----------
    a, b : array_like of shape (n,) or (n, ...)
        Paired measurements (same shape), n ≥ 2.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
    axis : int, default=0
        The axis of observations.

    Returns
    -------
    TTestResult
        ``df = n − 1``; ``estimate`` is the mean difference and
        ``confidence_interval(level)`` its interval.

    Notes
    -----
    The one-sample t-test on the differences ``dᵢ = aᵢ − bᵢ``:
    ``t = d̄ / (s_d/√n)``. Pairing removes the between-subject variance. O(n).

    Examples
    --------
    >>> round(ttest_rel([1.0, 2.0, 3.0, 4.0], [1.1, 2.3, 2.9, 4.6]).statistic, 4)
    -1.507
    """
    a, b = _sample(a, "a", axis), _sample(b, "b", axis)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape (paired samples), got {a.shape} and {b.shape}")
    # the differences of the samples rescaled by a common power of two cannot overflow
    e = exponent(max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0))))
    if not 0 < abs(e) < 1000:  # the common scale is harmless (or the data are not finite: let ttest_1samp say so)
        return ttest_1samp(a - b, 0.0, alternative=alternative, axis=0)
    res = ttest_1samp(np.ldexp(a, -e) - np.ldexp(b, -e), 0.0, alternative=alternative, axis=0)
    return TTestResult(res.statistic, res.pvalue, res.df, _floats(np.ldexp(res.estimate, e))[0],
                       _floats(np.ldexp(res.standard_error, e))[0], alternative)


@validate_args({**ALTERNATIVE, "equal_var": ["boolean"]})
def ttest_ind(a, b, equal_var: bool = True, alternative: str = "two-sided", axis: int = 0) -> TTestResult:
    """Two-sample t-test of H₀: equal population means (pooled or Welch).

    Parameters
    ----------
    a : array_like of shape (n₁,) or (n₁, ...)
        First sample, n₁ ≥ 2.
    b : array_like of shape (n₂,) or (n₂, ...)
        Second sample, n₂ ≥ 2 (the other axes must match ``a``'s).
    equal_var : bool, default=True
        True: Student's test with the pooled variance; False: Welch's test
        with the Welch–Satterthwaite degrees of freedom.
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
        ``"less"``: mean(a) < mean(b) under the alternative.
    axis : int, default=0
        The axis of observations.

    Returns
    -------
    TTestResult
        ``statistic``, ``pvalue``, ``df``; ``estimate = x̄₁ − x̄₂`` with its
        ``confidence_interval(level)``.

    Notes
    -----
    ``t = (x̄₁ − x̄₂) / SE``. Pooled: ``s_p² = ((n₁−1)s₁² + (n₂−1)s₂²)/(n₁+n₂−2)``,
    ``SE = s_p √(1/n₁ + 1/n₂)``, ``ν = n₁ + n₂ − 2``. Welch:
    ``SE² = s₁²/n₁ + s₂²/n₂``, ``ν = SE⁴ / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1))``.
    O(n₁ + n₂).

    Examples
    --------
    >>> res = ttest_ind([1.0, 2.0, 3.0, 4.0], [3.0, 4.0, 5.0, 6.0, 7.0], equal_var=False)
    >>> round(res.statistic, 4), round(res.df, 4)
    (-2.6112, 6.9808)
    """
    fa, fb = _fast_1d(a), _fast_1d(b)
    if fa is not None and fb is not None and axis in (0, -1):
        # the lean path for two 1-D float64 samples: Python floats throughout
        n1, m1, v1, E1 = _moments_1d(fa, "a")
        n2, m2, v2, E2 = _moments_1d(fb, "b")
        if E1 == E2 == 0:
            df, se = _two_sample_se(n1, v1, n2, v2, equal_var, math.sqrt)
            est = m1 - m2
            t = est / se
            return TTestResult(t, float(_t_pvalue(t, df, alternative)), df, est, se, alternative)
        return _ttest_ind_scaled(n1, m1, v1, E1, n2, m2, v2, E2, equal_var, alternative)
    a, b = _sample(a, "a", axis), _sample(b, "b", axis)
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"a and b must agree on all axes but the observation axis, got {a.shape} and {b.shape}")
    n1, m1, v1, E1 = _mean_var(a, "a")
    n2, m2, v2, E2 = _mean_var(b, "b")
    return _ttest_ind_scaled(n1, m1, v1, E1, n2, m2, v2, E2, equal_var, alternative)


def _two_sample_se(n1, v1, n2, v2, equal_var, sqrt):
    """Degrees of freedom and standard error of x̄₁ − x̄₂ (pooled or Welch)."""
    if equal_var:
        df = n1 + n2 - 2.0
        se = sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / df * (1.0 / n1 + 1.0 / n2))
    else:
        w1, w2 = v1 / n1, v2 / n2
        se2 = w1 + w2
        _nonzero_se(se2, "a and b together")
        df = se2 * se2 / (w1 * w1 / (n1 - 1) + w2 * w2 / (n2 - 1))
        se = sqrt(se2)
    _nonzero_se(se, "a and b together")
    return df, se


def _ttest_ind_scaled(n1, m1, v1, E1, n2, m2, v2, E2, equal_var, alternative):
    """The two-sample test on variances ``vᵢ · 4**Eᵢ``, computed at the common exponent."""
    v1, v2, E = common(v1, E1, v2, E2)
    sqrt = math.sqrt if np.ndim(v1) == 0 else np.sqrt
    df, se = _two_sample_se(n1, v1, n2, v2, equal_var, sqrt)
    est = m1 - m2
    t = np.ldexp(est, -E) / se
    p = _t_pvalue(float(t) if np.ndim(t) == 0 else t, df, alternative)
    t, p, est, se, df = _floats(t, p, est, np.ldexp(se, E), df)
    return TTestResult(t, p, df, est, se, alternative)


# ----------------------------------------------------------------------------- z-test
def _z_moments(x, name, estimate_var, ddof):
    """n, mean, scaled variance and exponent (the variance is ``v · 4**E``; 0 when σ is known)."""
    n = x.size
    if estimate_var and n - ddof <= 0:
        raise ValueError(f"{name} needs more than ddof={ddof} observations")
    m, d, E = centred(x, None, name)
    return n, m, (float(d @ d) / (n - ddof) if estimate_var else 0.0), E


@validate_args({**ALTERNATIVE, **DDOF, "value": [REAL],
                "usevar": [Options(("pooled", "unequal"))]})
def ztest(x1, x2=None, value: float = 0.0, sigma=None, alternative: str = "two-sided",
          usevar: str = "pooled", ddof: int = 1) -> ZTestResult:
    """z-test for a mean (one sample) or a difference of means (two samples).

    Parameters
    ----------
    x1 : array_like of shape (n₁,)
        First sample.
    x2 : array_like of shape (n₂,), optional
        Second sample; without it the test is one-sample.
    value : float, default=0.0
        The mean (one sample) or difference ``μ₁ − μ₂`` under H₀.
    sigma : float or (float, float), optional
        Known population standard deviation(s). When None, the sample
        standard deviations (with ``ddof``) stand in, as in statsmodels'
        ``ztest`` (a large-sample test).
    alternative : {"two-sided", "less", "greater"}, default="two-sided"
    usevar : {"pooled", "unequal"}, default="pooled"
        Two samples without ``sigma``: pool the variances or not.
    ddof : int, default=1
        Degrees of freedom correction of the estimated variances.

    Returns
    -------
    ZTestResult
        ``statistic`` z, ``pvalue``, ``estimate`` and ``confidence_interval(level)``
        from normal quantiles.

    Notes
    -----
    One sample: ``z = (x̄ − value)/(σ/√n)``. Two samples:
    ``z = (x̄₁ − x̄₂ − value)/√(σ₁²/n₁ + σ₂²/n₂)`` (with the pooled
    estimate ``s_p²(1/n₁ + 1/n₂)`` when ``usevar="pooled"``). z ~ N(0, 1)
    under H₀. O(n).

    Examples
    --------
    >>> round(ztest([2.0, 4.0, 3.0, 5.0], value=3.0, sigma=1.0).statistic, 6)
    1.0
    """
    x1 = as_float_array(x1, "x1", ndim=1)
    sig = None if sigma is None else np.broadcast_to(as_float_array(sigma, "sigma", ndim=(0, 1)), (2,))
    if sig is not None and (sig <= 0).any():
        raise ValueError("sigma must be positive")

    n1, m1, v1, E1 = _z_moments(x1, "x1", sigma is None, ddof)
    E = 0  # the standard error is se · 2**E
    if x2 is None:
        est = m1
        if sig is not None:
            se = float(sig[0]) / math.sqrt(n1)
        else:
            se, E = math.sqrt(v1 / n1), E1
    else:
        x2 = as_float_array(x2, "x2", ndim=1)
        n2, m2, v2, E2 = _z_moments(x2, "x2", sigma is None, ddof)
        est = m1 - m2
        if sig is not None:
            se = math.hypot(float(sig[0]) / math.sqrt(n1), float(sig[1]) / math.sqrt(n2))
        else:
            v1, v2, E = (float(v) for v in common(v1, E1, v2, E2))
            E = int(E)
            if usevar == "pooled":
                vp = ((n1 - ddof) * v1 + (n2 - ddof) * v2) / (n1 + n2 - 2 * ddof)
                se = math.sqrt(vp * (1.0 / n1 + 1.0 / n2))
            else:
                se = math.sqrt(v1 / n1 + v2 / n2)
    if se == 0:
        raise ValueError("the samples have zero variance: the z statistic is undefined")
    z = float(np.ldexp(est - value, -E)) / se
    se = float(np.ldexp(se, E))
    return ZTestResult(z, float(_z_pvalue(z, alternative)), None, est, se, alternative)


# ----------------------------------------------------------------------------- χ² tests
@validate_args(DDOF)
def chisquare(f_obs, f_exp=None, ddof: int = 0, axis: int = 0) -> TestResult:
    """Pearson's χ² goodness-of-fit test, as ``scipy.stats.chisquare``.

    Parameters
    ----------
    f_obs : array_like of shape (k,) or (k, ...)
        Observed frequencies in each category (along ``axis``).
    f_exp : array_like, optional
        Expected frequencies (broadcast against ``f_obs``); uniform by
        default. Totals must match the observed totals (relative 1e-8).
    ddof : int, default=0
        Extra degrees of freedom lost (parameters estimated from the data):
        the reference distribution has ``k − 1 − ddof`` degrees of freedom.
    axis : int, default=0
        The axis of categories.

    Returns
    -------
    TestResult
        ``statistic``, ``pvalue`` (χ² upper tail), ``df``.

    Notes
    -----
    ``X² = Σᵢ (Oᵢ − Eᵢ)² / Eᵢ``, asymptotically χ²_{k−1−ddof} under H₀.
    O(k).

    Examples
    --------
    >>> chisquare([16, 18, 16, 14, 12, 12]).statistic
    2.0
    """
    obs = as_float_array(f_obs, "f_obs")
    if obs.ndim == 0:
        raise ValueError("f_obs must be an array of frequencies, got a scalar")
    if (obs < 0).any():
        raise ValueError("f_obs must contain non-negative frequencies")
    if not -obs.ndim <= axis < obs.ndim:
        raise ValueError(f"axis={axis!r} is out of range for f_obs with {obs.ndim} dimension(s)")
    k = obs.shape[axis]
    if f_exp is None:
        exp = np.broadcast_to(obs.mean(axis=axis, keepdims=True), obs.shape)
    else:
        exp = as_float_array(f_exp, "f_exp")
        if (exp <= 0).any():
            raise ValueError("f_exp must contain positive expected frequencies")
        try:
            obs, exp = np.broadcast_arrays(obs, exp)
        except ValueError:
            raise ValueError(f"f_obs and f_exp must broadcast, got shapes {obs.shape} and {exp.shape}") from None
        so, se = obs.sum(axis=axis), exp.sum(axis=axis)
        if not np.allclose(so, se, rtol=1e-8, atol=0.0):
            raise ValueError(
                "f_obs and f_exp must have the same total along axis (relative tolerance 1e-8); "
                f"got {np.round(so, 6)} and {np.round(se, 6)}"
            )
    df = k - 1 - ddof
    if df <= 0:
        raise ValueError(f"no degrees of freedom left: k - 1 - ddof = {df}")
    stat = np.sum((obs - exp) ** 2 / exp, axis=axis)
    p = chi2_sf(stat, df)
    stat, p = _floats(stat, p)
    return TestResult(stat, p, float(df))


def _expected_table(observed: np.ndarray) -> np.ndarray:
    """Expected counts under independence: the outer product of the margins / total^(d−1)."""
    total = observed.sum()
    expected = np.ones(())
    for ax in range(observed.ndim):
        others = tuple(i for i in range(observed.ndim) if i != ax)
        margin = observed.sum(axis=others)
        expected = np.multiply.outer(expected, margin)
    return expected / total ** (observed.ndim - 1)


@validate_args({"correction": ["boolean"]})
def chi2_contingency(observed, correction: bool = True) -> ChiSquareResult:
    """χ² test of independence in a contingency table, as ``scipy.stats.chi2_contingency``.

    Parameters
    ----------
    observed : array_like of shape (r, c) (or any number of dimensions)
        Table of observed counts.
    correction : bool, default=True
        Apply Yates' continuity correction when there is exactly one degree
        of freedom (a 2 × 2 table): each |O − E| is reduced by ½ (never
        past zero).

    Returns
    -------
    ChiSquareResult
        ``statistic``, ``pvalue``, ``df`` and ``expected_freq``.

    Raises
    ------
    ValueError
        On negative counts or a zero in the expected table (an empty row
        or column).

    Notes
    -----
    ``Eᵢⱼ = rᵢ cⱼ / N``; ``X² = Σ (Oᵢⱼ − Eᵢⱼ)² / Eᵢⱼ`` ~ χ² with
    ``ν = Π dₖ − Σ dₖ + D − 1`` degrees of freedom ((r−1)(c−1) for a
    2-D table). O(size of the table).

    Examples
    --------
    >>> res = chi2_contingency([[10, 20], [20, 10]])
    >>> round(res.statistic, 4), res.df
    (5.4, 1.0)
    """
    obs = as_float_array(observed, "observed")
    if obs.ndim < 1:
        raise ValueError("observed must be a table of counts, got a scalar")
    if (obs < 0).any():
        raise ValueError("observed must contain non-negative counts")
    expected = _expected_table(obs)
    if (expected == 0).any():
        raise ValueError("observed has an empty margin (a row or column of zeros): "
                         "the expected frequencies contain zero")
    df = obs.size - sum(obs.shape) + obs.ndim - 1
    if df == 0:
        return ChiSquareResult(0.0, 1.0, 0.0, expected)
    if correction and df == 1:
        diff = expected - obs
        obs = obs + np.sign(diff) * np.minimum(0.5, np.abs(diff))
    stat = float(np.sum((obs - expected) ** 2 / expected))
    return ChiSquareResult(stat, float(chi2_sf(stat, df)), float(df), expected)


@validate_args({"exact": ["boolean"], "correction": ["boolean"]})
def mcnemar(table, exact: bool = True, correction: bool = True) -> TestResult:
    """McNemar's test of marginal homogeneity in a paired 2 × 2 table.

    Parameters
    ----------
    table : array_like of shape (2, 2)
        Paired outcomes: ``table[i, j]`` counts pairs with first result i and
        second result j. Only the discordant cells b = table[0, 1] and
        c = table[1, 0] matter.
    exact : bool, default=True
        True: the exact binomial test (b ~ Bin(b + c, ½) under H₀);
        False: the χ² approximation with one degree of freedom.
    correction : bool, default=True
        Continuity correction of the χ² statistic (ignored when exact).

    Returns
    -------
    TestResult
        Exact: ``statistic = min(b, c)``, ``df = None``. Asymptotic:
        ``statistic = (|b − c| − 1)² / (b + c)`` (without the −1 when
        ``correction=False``), ``df = 1``.

    Notes
    -----
    Exact two-sided p-value: ``min(1, 2 P(Bin(b + c, ½) ≤ min(b, c)))``
    (the binomial is symmetric, so this equals SciPy's ``binomtest``).
    Used to compare two classifiers on the same test set. O(1).

    Examples
    --------
    >>> res = mcnemar([[50, 3], [12, 35]])
    >>> res.statistic, round(res.pvalue, 6)
    (3.0, 0.035156)
    """
    t = as_float_array(table, "table", ndim=2)
    if t.shape != (2, 2):
        raise ValueError(f"table must be a 2 x 2 table, got shape {t.shape}")
    if (t < 0).any() or not np.all(t == np.round(t)):
        raise ValueError("table must contain non-negative integer counts")
    b, c = float(t[0, 1]), float(t[1, 0])
    n = b + c
    if exact:
        k = min(b, c)
        p = 1.0 if n == 0 else min(1.0, 2.0 * float(binom_cdf(k, n, 0.5)))
        return TestResult(k, p, None)
    if n == 0:
        raise ValueError("table has no discordant pairs (b + c = 0): the chi-squared statistic is undefined")
    diff = abs(b - c) - (1.0 if correction else 0.0)
    stat = diff * diff / n
    return TestResult(stat, float(chi2_sf(stat, 1.0)), 1.0)


# ----------------------------------------------------------------------------- one-way ANOVA
def f_oneway(*samples) -> TestResult:
    """One-way analysis of variance: H₀ says every group has the same mean.

    Parameters
    ----------
    *samples : array_like of shape (n_i,)
        Two or more groups of observations (each n_i ≥ 1, N > k in total).

    Returns
    -------
    TestResult
        ``statistic`` F, ``pvalue`` (upper tail of F_{k−1, N−k}) and
        ``df = (k − 1, N − k)``.

    Raises
    ------
    ValueError
        On fewer than two groups, an empty group, no residual degrees of
        freedom, or zero within-group variance.

    Notes
    -----
    With group means x̄ᵢ and grand mean x̄:
    ``F = [Σᵢ nᵢ (x̄ᵢ − x̄)² / (k − 1)] / [Σᵢ Σⱼ (xᵢⱼ − x̄ᵢ)² / (N − k)]``,
    the between-group over the within-group mean square. It generalises the
    pooled two-sample t-test (F = t² for k = 2). O(N).

    Examples
    --------
    >>> res = f_oneway([1.0, 2.0, 3.0], [2.0, 3.0, 4.0], [5.0, 6.0, 7.0])
    >>> round(res.statistic, 4), res.df
    (13.0, (2.0, 6.0))
    """
    if len(samples) < 2:
        raise ValueError(f"f_oneway needs at least two samples, got {len(samples)}")
    groups = [as_float_array(g, f"samples[{i}]", ndim=1) for i, g in enumerate(samples)]
    k = len(groups)
    sizes = np.array([g.size for g in groups], dtype=float)
    N = sizes.sum()
    if N - k <= 0:
        raise ValueError("f_oneway needs more observations than groups (no within-group degrees of freedom)")
    # the data rescaled by powers of two (exact): first so the sums cannot overflow,
    # then so that the deviations' largest magnitude is about 1 (their squares cannot under- or overflow)
    e1 = exponent(max(float(np.max(np.abs(g), initial=0.0)) for g in groups))
    groups = [np.ldexp(g, -e1) for g in groups]
    means = np.array([g.mean() for g in groups])
    grand = float(sizes @ means) / N
    within = [g - m for g, m in zip(groups, means)]
    between = means - grand
    e2 = exponent(max([float(np.max(np.abs(between)))] + [float(np.max(np.abs(w), initial=0.0)) for w in within]))
    between = np.ldexp(between, -e2)
    ss_between = float(sizes @ between**2)
    ss_within = float(sum(_sum_sq(np.ldexp(w, -e2)) for w in within))
    if ss_within == 0:
        raise ValueError("the samples have zero within-group variance: the F statistic is undefined")
    dfn, dfd = float(k - 1), float(N - k)
    F = (ss_between / dfn) / (ss_within / dfd)
    return TestResult(F, float(f_sf(F, dfn, dfd)), (dfn, dfd))
