"""Distribution functions as plain vectorised kernels.

These are the cumulative distribution functions, survival functions and
quantiles that the distribution classes in :mod:`mmlkit.probability` and the
tests in :mod:`mmlkit.stats` share (one implementation). Each is built from the
special functions of :mod:`scipy.special` — the error function, the regularised
incomplete gamma and beta functions and their inverses — never from SciPy's
ready-made distribution functions.

Every function broadcasts its arguments like a NumPy ufunc and returns a NumPy
float (0-d input) or an ndarray. They do no validation: parameters outside
their domain (``df <= 0``, ``p`` outside [0, 1], ``q`` outside [0, 1]) give
``nan``, as ufuncs do. The public distribution classes validate first.

Accuracy. Each tail is computed directly rather than as ``1 - other tail``,
so small probabilities keep full relative precision far into the tails:
``normal_cdf(-37)`` is about 5.7e-300 to the last digits, ``normal_ppf(1e-300)``
is exact to rounding, and ``chi2_sf(2000, 3)`` does not collapse to zero
until the true value underflows.
"""

from __future__ import annotations

from ._incomplete import (
    binom_cdf,
    binom_sf,
    chi2_cdf,
    chi2_isf,
    chi2_ppf,
    chi2_sf,
    f_cdf,
    f_ppf,
    f_sf,
    poisson_cdf,
    poisson_sf,
)
from ._normal import normal_cdf, normal_isf, normal_logcdf, normal_logsf, normal_ppf, normal_sf
from ._quantiles import beta_quantile, gamma_quantile
from ._student_t import t_cdf, t_isf, t_ppf, t_sf

__all__ = [
    "beta_quantile",
    "binom_cdf",
    "binom_sf",
    "chi2_cdf",
    "chi2_isf",
    "chi2_ppf",
    "chi2_sf",
    "f_cdf",
    "f_ppf",
    "f_sf",
    "gamma_quantile",
    "normal_cdf",
    "normal_isf",
    "normal_logcdf",
    "normal_logsf",
    "normal_ppf",
    "normal_sf",
    "poisson_cdf",
    "poisson_sf",
    "t_cdf",
    "t_isf",
    "t_ppf",
    "t_sf",
]
