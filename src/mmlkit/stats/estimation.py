"""Estimation with uncertainty: confidence intervals for a mean, maximum likelihood."""

from __future__ import annotations

import math

import numpy as np

from mmlkit._validation import POSITIVE, Options, as_float_array, validate_args
from mmlkit.probability._functions import normal_ppf, t_ppf
from mmlkit.stats._results import LEVEL, ConfidenceInterval
from mmlkit.stats._scaled import centred

__all__ = ["confidence_interval", "mle"]


@validate_args({**LEVEL, "method": [Options(("t", "z"))],
                "sigma": [POSITIVE, None]})
def confidence_interval(data, level: float = 0.95, method: str = "t", sigma=None) -> ConfidenceInterval:
    """Confidence interval for the population mean.

    Parameters
    ----------
    data : array_like of shape (n,)
        The sample.
    level : float, default=0.95
        Confidence level in (0, 1).
    method : {"t", "z"}, default="t"
        ``"t"``: Student's t with n − 1 degrees of freedom and the sample
        standard deviation (ddof=1). ``"z"``: normal quantiles, with the known
        ``sigma`` if given, else the sample standard deviation (a
        large-sample interval).
    sigma : float, optional
        Known population standard deviation (``method="z"`` only).

    Returns
    -------
    ConfidenceInterval
        ``(low, high)``.

    Notes
    -----
    ``x̄ ± c · s/√n`` with ``c = t_{n−1}⁻¹((1 + level)/2)`` or
    ``c = Φ⁻¹((1 + level)/2)``. Under normal data the t interval covers the
    mean with probability exactly ``level``. O(n).

    Examples
    --------
    >>> lo, hi = confidence_interval([4.9, 5.1, 5.0, 5.2, 4.8])
    >>> round(lo, 4), round(hi, 4)
    (4.8037, 5.1963)
    """
    x = as_float_array(data, "data", ndim=1)
    n = x.size
    m, d, E = centred(x, None, "data")  # deviations rescaled by 2**-E: no scale over- or underflows
    if sigma is not None:
        if method != "z":
            raise ValueError("sigma (a known standard deviation) needs method='z'")
        s = float(sigma)
    else:
        if n < 2:
            raise ValueError("data needs at least 2 observations to estimate the standard deviation")
        s = float(np.ldexp(math.sqrt(float(d @ d) / (n - 1)), E))
    q = 0.5 + 0.5 * level
    c = float(t_ppf(q, n - 1)) if method == "t" else float(normal_ppf(q))
    half = c * s / math.sqrt(n)
    return ConfidenceInterval(m - half, m + half)


def mle(distribution, data, **fit_kwargs):
    """Maximum-likelihood fit of a distribution family to data.

    Parameters
    ----------
    distribution : class or instance from ``mmlkit.probability``
        A distribution family with a ``fit`` classmethod (``Normal``,
        ``Exponential``, ``Gamma``, ``Poisson``, ...); an instance stands for
        its class.
    data : array_like
        Observations (shape as the family's ``fit`` expects).
    **fit_kwargs
        Passed on to ``fit`` (e.g. the known number of trials ``n`` of a
        ``Binomial``).

    Returns
    -------
    distribution instance
        The fitted distribution, ``distribution.fit(data, **fit_kwargs)``.

    Notes
    -----
    ``θ̂ = argmax_θ Σᵢ log p(xᵢ | θ)``; each family's ``fit`` documents its
    estimator (closed form where one exists, Newton's method otherwise).

    Examples
    --------
    >>> from mmlkit.probability import Normal
    >>> float(mle(Normal, [1.0, 2.0, 3.0]).mean())
    2.0
    """
    cls = distribution if isinstance(distribution, type) else type(distribution)
    fit = getattr(cls, "fit", None)
    if not callable(fit):
        raise ValueError(f"distribution must be a distribution class with a fit method, got {cls.__name__}")
    return fit(np.asarray(data) if not isinstance(data, np.ndarray) else data, **fit_kwargs)
