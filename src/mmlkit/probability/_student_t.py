"""Student's t distribution: cdf, sf and quantiles (incomplete beta function and its inverse).

Part of the kernels gathered in :mod:`mmlkit.probability._functions` (see there for
the conventions: ufunc-like broadcasting, no validation, each tail computed directly).
"""

from __future__ import annotations

import numpy as np
from scipy import special as sc

from ._normal import (
    normal_cdf,
    normal_ppf,
)
from ._special import (
    _TABLE_MIN_SIZE,
    _out,
    _piecewise,
    _tail_quantile,
    _two_prod_err,
)

__all__ = ["t_cdf", "t_sf", "t_ppf", "t_isf"]


def _t_tail(t2, df):
    """P(T > |t|) from t² and ν, accurate in all three regimes (see :func:`t_cdf`)."""
    half_df = 0.5 * df  # before broadcasting: per-ν constants are computed once per ν
    log_beta = sc.betaln(half_df, 0.5)
    t2, df, half_df, log_beta = np.broadcast_arrays(t2, df, half_df, log_beta)
    den = df + t2
    far = t2 > df
    centre = (t2 < 0.45) & ~far
    # One betainc call with per-element arguments: I_y(½, ν/2) at y = t²/(ν+t²)
    # in the centre, I_x(ν/2, ½) at x = ν/(ν+t²) elsewhere.
    x = np.where(centre, t2, df) / den
    val = np.array(sc.betainc(np.where(centre, 0.5, half_df), np.where(centre, half_df, 0.5), x))
    # Between the centre and t² = ν, x > ½ is near 1 and its rounding (half an
    # ulp) is amplified by about ν/2 in I_x: harmless (< 1e-14) for ν ≤ 100,
    # corrected to first order above that.
    mid = ~far & ~centre & (df > 100.0)
    if mid.any():
        # exact residual δ = ν/(ν+t²) − x (error-free sum and product), then
        # I(x + δ) ≈ I(x) + δ x^{a−1}(1−x)^{−½}/B(a, ½)
        nu, xm, dm, t2m = df[mid], x[mid], den[mid], t2[mid]
        den_err = t2m - (dm - nu)  # ν + t² = dm + den_err exactly (|ν| ≥ t² here)
        resid = (nu - xm * dm) - _two_prod_err(xm, dm)  # ν − xm·dm exactly
        delta = (resid - xm * den_err) / dm
        log_dens = (half_df[mid] - 1.0) * np.log(xm) - 0.5 * np.log(t2m / dm) - log_beta[mid]
        val[mid] = val[mid] + delta * np.exp(log_dens)
    val *= 0.5
    return np.where(centre, 0.5 - val, val)


def t_cdf(t, df):
    r"""Cdf of Student's t distribution with ``df`` degrees of freedom.

    Parameters
    ----------
    t : array_like
        Points.
    df : array_like
        Degrees of freedom (> 0, need not be an integer; ``inf`` gives the
        normal cdf). Broadcasts against ``t``.

    Notes
    -----
    With x = ν/(ν + t²), the tail beyond |t| is P(T > |t|) = ½ I_x(ν/2, ½),
    I the regularised incomplete beta function, and P(T ≤ t) is the tail for
    t < 0 and one minus it for t ≥ 0. When t² > ν, x < ½ is formed with full
    precision and used directly. Near the centre (t² < 0.45, where the tail
    exceeds ¼ for every ν) x rounds towards 1, so the complementary argument
    y = t²/(ν + t²) is formed instead and the tail is ½ − ½ I_y(½, ν/2). In
    between, x is near 1 and its rounding error is amplified by about ν/2;
    for ν > 100 it is removed by a first-order correction
    I(x + δ) ≈ I(x) + δ f(x) with the exact residual δ = ν/(ν + t²) − fl(x)
    from error-free arithmetic (Dekker's product) and the beta density f
    (for ν ≤ 100 the amplified rounding stays below 1e-14). All elements share
    one vectorised ``betainc`` call: one incomplete beta per element.

    Examples
    --------
    >>> round(float(t_cdf(2.0, 5)), 6)
    0.94903
    """
    t = np.asarray(t, dtype=float)
    df = np.asarray(df, dtype=float)
    inf_df = np.isinf(df)
    with np.errstate(divide="ignore", invalid="ignore"):
        tail = _t_tail(t * t, np.where(inf_df, 1.0, df) if inf_df.any() else df)
    out = np.where(t < 0, tail, 1.0 - tail)
    if inf_df.any():
        out = np.where(inf_df, normal_cdf(t), out)
    if not np.all(df > 0):
        out = np.where(df > 0, out, np.nan)
    return _out(out)


def t_sf(t, df):
    r"""Survival function of Student's t: P(T > t) = cdf(−t) by symmetry."""
    return t_cdf(np.negative(t), df)


def _t_abs_quantile_closed(p, nu):
    """|t| with P(T > |t|) = p ≤ ½ in closed form for ν = 1, 2, 4 (Shaw 2006).

    Each is written so that neither tail cancels: u = 1 − 2p, s = 2√(p(1−p)).
    """
    u = 1.0 - 2.0 * p
    if nu == 1.0:  # Cauchy: |t| = cot(πp) = tan(πu/2)
        return np.where(p < 0.25, 1.0 / np.tan(np.pi * p), np.tan(0.5 * np.pi * u))
    s = 2.0 * np.sqrt(p * (1.0 - p))
    if nu == 2.0:  # |t| = u / √(2p(1−p))
        return u / (s / np.sqrt(2.0))
    # ν = 4: t² = 4(cos(θ/3) − s)/s with θ = atan2(u, s); cos(θ/3) − s is
    # rewritten as u²/(1+s) − 2 sin²(θ/6) so that it does not cancel near p = ½
    theta = np.arctan2(u, s)
    return 2.0 * np.sqrt((u * u / (1.0 + s) - 2.0 * np.sin(theta / 6.0) ** 2) / s)


def _t_abs_quantile(p, df, p_split):
    """|t| with P(T > |t|) = p for p ≤ ½ (arrays of equal shape).

    ``p_split`` is the tail at t² = ν, which separates the far regime of
    _t_tail from the others (computed by the caller once per distinct ν).
    """
    far = p < p_split
    centre = ~far & (p > 0.25)
    mid = ~far & ~centre
    # far: x = ν/(ν+t²) < ½ from ½ I_x(ν/2, ½) = p; centre: y = t²/(ν+t²) from
    # I_y(½, ν/2) = 1 − 2p (exact for p ≥ ¼); mid: y from the complementary inverse
    v = _piecewise(
        (far, centre, mid),
        (lambda p_, df_: sc.betaincinv(0.5 * df_, 0.5, 2.0 * p_),
         lambda p_, df_: sc.betaincinv(0.5, 0.5 * df_, 1.0 - 2.0 * p_),
         lambda p_, df_: sc.betainccinv(0.5, 0.5 * df_, 2.0 * p_)),
        p, df,
    )
    half_df = 0.5 * df
    tiny = far & (p < 1e-20) & (v > 1e-280)
    if tiny.any():
        # betaincinv loses digits for tiny p with large ν: one Newton step on
        # log I_x(ν/2, ½) = log 2p (only these elements) restores them.
        xs, a_s, ps = v[tiny], half_df[tiny], p[tiny]
        log_i = np.log(sc.betainc(a_s, 0.5, xs))
        log_dens = (a_s - 1) * np.log(xs) - 0.5 * np.log1p(-xs) - sc.betaln(a_s, 0.5)
        v[tiny] = xs - (log_i - np.log(2.0 * ps)) * np.exp(log_i - log_dens)
    num, den = np.where(far, 1.0 - v, v), np.where(far, v, 1.0 - v)
    t = np.array(np.sqrt(df * num) / np.sqrt(den))  # a writable array, also when 0-d
    under = far & (v < 1e-280)
    if under.any():
        # x is (near-)subnormal for astronomically small p with small ν: there the
        # leading term of the tail, p ≈ c ν^((ν−1)/2) |t|^(−ν), inverts to rounding.
        nu = df[under]
        log_c = sc.gammaln(0.5 * (nu + 1)) - sc.gammaln(0.5 * nu) - 0.5 * np.log(np.pi * nu)
        t[under] = np.exp((log_c + 0.5 * (nu - 1) * np.log(nu) - np.log(p[under])) / nu)
    return t


def _t_abs_quantile_table(p, nu, p_split):
    """|t| for tail probabilities p ≤ ½ of one ν, by a table of exact quantiles and a Halley step.

    Near p = ½, |t| ≈ c·|z| with z the normal score, so the table holds the
    smooth ratio |t|/|z| (its limit at z = 0 is c = φ(0)/f_ν(0)).
    """
    log_norm = sc.gammaln(0.5 * (nu + 1)) - sc.gammaln(0.5 * nu) - 0.5 * np.log(np.pi * nu)
    c = np.exp(-0.5 * np.log(2 * np.pi) - log_norm)
    nu_arr = np.asarray(nu)
    flat = p.ravel()

    def direct(p_):
        return _t_abs_quantile(p_, np.broadcast_to(nu_arr, p_.shape), np.broadcast_to(p_split, p_.shape))

    x = _tail_quantile(
        flat,
        lambda x_: _t_tail(x_ * x_, nu_arr),
        lambda x_: log_norm - 0.5 * (nu + 1.0) * np.log1p(x_ * x_ / nu),
        lambda x_: -(nu + 1.0) * x_ / (nu + x_ * x_),
        direct,
        decreasing=True,
        encode=lambda x_, z: np.where(z < 0, x_ / np.where(z < 0, -z, 1.0), c),
        decode=lambda u, z: -u * z,
    )
    return x.reshape(p.shape)


def t_ppf(q, df):
    r"""Quantile of Student's t distribution.

    Parameters
    ----------
    q : array_like
        Probabilities in [0, 1].
    df : array_like
        Degrees of freedom (> 0; ``inf`` gives the normal quantile).

    Notes
    -----
    For the tail probability p = min(q, 1 − q) (1 − q is exact for q ≥ ½),
    solve ½ I_x(ν/2, ½) = p for x = ν/(ν + t²) with ``betaincinv`` and take
    |t| = √(ν(1 − x)/x) when the answer has t² > ν (x < ½, accurate); otherwise
    solve I_y(½, ν/2) = 1 − 2p for y = 1 − x = t²/(ν + t²) (with the
    complementary inverse ``betainccinv`` at 2p unless p > ¼, where 1 − 2p is
    exact) and take |t| = √(νy/(1 − y)). Where x underflows
    (p below ~1e-300 with ν ≈ 1) the asymptotic tail c ν^((ν−1)/2) |t|^(−ν)
    is inverted. Cost: one inverse incomplete beta per element. For ν = 1, 2
    and 4 the quantile has a closed form (Shaw 2006), used when all of ``df``
    is one of them: cot(πp), (1 − 2p)/√(2p(1 − p)), and the trigonometric
    solution of the quartic for ν = 4, each arranged to avoid cancellation.
    For 20 000 or more probabilities with one other ν, exact quantiles are
    tabulated at 2049 normal scores z (as |t|/|z|, smooth through the centre)
    and each element is finished by one Halley step on the tail function: one
    incomplete beta per element instead of an inverse.

    Examples
    --------
    >>> round(float(t_ppf(0.975, 10)), 6)
    2.228139
    """
    q = np.asarray(q, dtype=float)
    df = np.asarray(df, dtype=float)
    inf_df = np.isinf(df)
    if inf_df.any():
        df = np.where(inf_df, 1.0, df)
    p_split = 0.5 * sc.betainc(0.5 * df, 0.5, 0.5)  # once per ν, before broadcasting
    q, df, p_split, inf_df = np.broadcast_arrays(q, df, p_split, inf_df)
    lower = q < 0.5
    p = np.where(lower, q, 1.0 - q)
    scalar_df = df.size > 0 and np.all(df == df.flat[0]) and df.flat[0] > 0
    with np.errstate(divide="ignore", over="ignore"):
        if scalar_df and df.flat[0] in (1.0, 2.0, 4.0):
            absval = _t_abs_quantile_closed(p, float(df.flat[0]))
        elif scalar_df and p.size >= _TABLE_MIN_SIZE:
            absval = _t_abs_quantile_table(p, float(df.flat[0]), float(p_split.flat[0]))
        else:
            absval = _t_abs_quantile(p, df, p_split)
    out = np.where(lower, -absval, absval)
    if inf_df.any():
        out = np.where(inf_df, normal_ppf(q), out)
    out = np.where((q >= 0) & (q <= 1), out, np.nan)
    return _out(out)


def t_isf(q, df):
    r"""Inverse survival function of Student's t: the t with P(T > t) = q."""
    return _out(np.negative(t_ppf(q, df)))
