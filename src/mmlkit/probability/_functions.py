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

import numpy as np
from scipy import special as sc

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

_SQRT2 = np.sqrt(2.0)


def _out(a):
    """0-d arrays become NumPy scalars, as ufuncs return them."""
    return a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a


# --------------------------------------------------------------------------- normal
def normal_cdf(x):
    r"""Standard normal cdf Φ(x).

    Parameters
    ----------
    x : array_like
        Points, any shape.

    Returns
    -------
    ndarray or float
        Φ(x), same shape as ``x``.

    Notes
    -----
    Φ(x) = ½ erfc(−x/√2). The complementary error function keeps full relative
    precision in the lower tail (Φ(−37) ≈ 5.7e-300), where ``½(1 + erf(x/√2))``
    would round to zero below x ≈ −8. Cost: one ``erfc`` per element.

    Examples
    --------
    >>> round(float(normal_cdf(1.959963984540054)), 6)
    0.975
    """
    return _out(0.5 * sc.erfc(np.multiply(x, -1.0 / _SQRT2)))


def normal_sf(x):
    r"""Standard normal survival function 1 − Φ(x) = Φ(−x) = ½ erfc(x/√2).

    Accurate far into the upper tail. ``x`` is array_like of any shape.

    Examples
    --------
    >>> float(normal_sf(0.0))
    0.5
    """
    return _out(0.5 * sc.erfc(np.multiply(x, 1.0 / _SQRT2)))


def normal_logcdf(x):
    r"""log Φ(x), accurate for all x (no underflow at x = −40 or −1e5).

    Notes
    -----
    For x < 0, Φ(x) = ½ erfcx(−x/√2) e^{−x²/2} with erfcx(z) = e^{z²} erfc(z)
    the scaled complementary error function, so
    log Φ(x) = log(½ erfcx(−x/√2)) − x²/2 never underflows. For x ≥ 0,
    log Φ(x) = log1p(−½ erfc(x/√2)).

    Examples
    --------
    >>> round(float(normal_logcdf(-40.0)), 4)
    -804.6084
    """
    x = np.asarray(x, dtype=float)
    neg = np.minimum(x, 0.0)
    lower = np.log(0.5 * sc.erfcx(neg * (-1.0 / _SQRT2))) - 0.5 * neg * neg
    upper = np.log1p(-0.5 * sc.erfc(np.maximum(x, 0.0) / _SQRT2))
    return _out(np.where(x < 0, lower, upper))


def normal_logsf(x):
    r"""log(1 − Φ(x)) = log Φ(−x), accurate for all x."""
    return normal_logcdf(np.negative(x))


def normal_ppf(q):
    r"""Standard normal quantile Φ⁻¹(q).

    Parameters
    ----------
    q : array_like
        Probabilities in [0, 1], any shape. ``ppf(0) = -inf``, ``ppf(1) = inf``,
        outside [0, 1] gives ``nan``.

    Notes
    -----
    Φ⁻¹(q) = −√2 erfc⁻¹(2q) for q < ½ and √2 erfc⁻¹(2(1 − q)) for q ≥ ½. The
    subtraction 1 − q is exact for q ≥ ½ (Sterbenz), and erfc⁻¹ of a small
    argument is accurate, so both tails keep full precision:
    ``normal_ppf(1e-12)`` = −7.034483825...

    Examples
    --------
    >>> round(float(normal_ppf(0.975)), 6)
    1.959964
    """
    q = np.asarray(q, dtype=float)
    tail = np.minimum(q, 1.0 - q)  # the smaller tail; outside [0, 1] it is negative → nan
    tail *= 2.0
    z = sc.erfcinv(tail)
    z *= np.sign(q - 0.5) * _SQRT2  # sign(0) = 0 gives ppf(½) = 0; nan stays nan
    return _out(z)


def normal_isf(q):
    r"""Inverse survival function: the x with 1 − Φ(x) = q, i.e. −Φ⁻¹(q)."""
    return _out(np.negative(normal_ppf(q)))


# --------------------------------------------------------------------------- Student t
def _piecewise(masks, funcs, *args):
    """Evaluate ``funcs[i]`` on the elements where ``masks[i]`` holds, each element once.

    ``masks`` partition the broadcast shape of ``args``. Used where different
    formulas are accurate in different regions and each is a costly special
    function, so evaluating all of them everywhere would multiply the cost.
    """
    args = np.broadcast_arrays(*args)
    shape = args[0].shape
    out = np.empty(shape)
    for mask, func in zip(masks, funcs):
        mask = np.broadcast_to(mask, shape)
        if mask.all():
            out[...] = func(*args)
            return out
        if mask.any():
            out[mask] = func(*(a[mask] for a in args))
    return out


_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitting constant


def _two_prod_err(a, b):
    """The rounding error of a*b: a*b − fl(a*b) exactly (Dekker), without FMA."""
    p = a * b
    ca, cb = _SPLIT * a, _SPLIT * b
    ah = ca - (ca - a)
    bh = cb - (cb - b)
    al, bl = a - ah, b - bh
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl


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


# --------------------------------------------------------------------------- fast quantiles
# For many quantiles of one distribution, inverting the incomplete gamma or beta
# function element by element (several forward evaluations each) is the slow
# part. Instead: tabulate exact quantiles once at 2049 nodes in normal-score
# space, interpolate log x linearly (error ~1e-6), and finish with one Halley
# step on the forward function — cubic convergence takes 1e-6 to rounding.
# Elements outside the table, or whose step was not small, fall back to the
# direct inverse, so the result is never worse than the direct method.
_TABLE_MIN_SIZE = 20_000
_Z_NODES = np.linspace(-8.5, 0.0, 2049)  # tail probabilities Φ(z) from ~1e-17 to ½
_P_NODES = 0.5 * sc.erfc(-_Z_NODES / _SQRT2)
_INV_DZ = (_Z_NODES.size - 1) / (_Z_NODES[-1] - _Z_NODES[0])


def _tail_quantile(p, tail, log_pdf, dlog_pdf, direct, *, decreasing=False, encode=None, decode=None):
    """x with tail(x) = p for tail probabilities p ≤ ½ (1-D array), by table + Halley steps.

    ``tail`` is the function inverted (a cdf, or an sf with ``decreasing``),
    ``log_pdf`` and ``dlog_pdf`` the log-density and its x-derivative, and
    ``direct`` the elementwise inverse used for the table and the fallback.
    The table interpolates u = encode(x, z) (default log x) linearly in the
    normal score z, and x = decode(u, z). One Halley step takes the
    interpolation error (≲1e-5) to rounding; where
    the first step was larger than 1e-5 relative (strongly curved tables, e.g.
    shapes ≪ 1) a second step is taken on those elements; where it was larger
    than 1e-3 the direct inverse is used.
    """
    if encode is None:
        encode, decode = (lambda x, z: np.log(x)), (lambda u, z: np.exp(u))
    node_x = direct(_P_NODES)
    z = -_SQRT2 * sc.erfcinv(2.0 * p)  # Φ⁻¹(p) ≤ 0
    inside = (z >= _Z_NODES[0]) & (p > 0) & (p <= 0.5)
    sign = -1.0 if decreasing else 1.0

    def halley(x0, p_):
        # h = tail(x) − p with h′ = ±f and h″ = ±f·(log f)′: Newton step r = h/h′, then Halley
        r = sign * (tail(x0) - p_) / np.exp(log_pdf(x0))
        return x0 - r / (1.0 - 0.5 * r * dlog_pdf(x0))

    with np.errstate(all="ignore"):
        # linear interpolation on the uniform grid of nodes (no binary search)
        u_nodes = encode(node_x, _Z_NODES)
        pos = np.clip((z - _Z_NODES[0]) * _INV_DZ, 0.0, _Z_NODES.size - 1.000001)
        j = pos.astype(np.intp)
        w = pos - j
        x0 = decode(u_nodes[j] + w * (u_nodes[j + 1] - u_nodes[j]), z)
        x = halley(x0, p)
        step = np.abs(x - x0) / x0
        again = inside & (step > 1e-5) & (step <= 1e-3)
        if again.any():
            x1 = x[again]
            x[again] = x2 = halley(x1, p[again])
            step[again] = np.abs(x2 - x1) / x1 * 1e2  # the second step must be ≤ 1e-5 too
        ok = inside & (step <= 1e-3) & (x > 0)
    if not ok.all():
        bad = ~ok
        x[bad] = direct(p[bad])
    return x


def _use_table(q, *params):
    return np.size(q) >= _TABLE_MIN_SIZE and all(np.size(v) == 1 and float(v) > 0 for v in params)


def gamma_quantile(q, shape):
    r"""Quantile of the standard gamma distribution (rate 1): P⁻¹(shape, q).

    Parameters
    ----------
    q : array_like
        Probabilities in [0, 1].
    shape : array_like
        Shape k > 0; broadcasts with ``q``.

    Notes
    -----
    Small inputs, array shapes and shapes below 1 call ``gammaincinv``
    directly. For 20 000 or more probabilities with one shape ≥ 1, exact quantiles are tabulated at 2049
    normal scores, log x is interpolated and one Halley step on P(k, x) − q
    (or Q(k, x) − (1 − q) in the upper half, so upper tails stay accurate)
    finishes: one ``gammainc`` per element instead of an iterative inverse,
    about 4× faster, with the direct inverse as fallback.
    """
    q = np.asarray(q, dtype=float)
    # for shape < 1 the upper incomplete gamma is several times slower than its
    # inverse's internal iteration, so the direct inverse is used there
    if not _use_table(q, shape) or float(shape) < 1.0:
        return _out(sc.gammaincinv(shape, q))
    k = float(shape)
    log_gamma_k = sc.gammaln(k)
    flat = q.ravel()
    out = np.empty(flat.shape)

    def log_pdf(x):
        return (k - 1.0) * np.log(x) - x - log_gamma_k

    def dlog_pdf(x):
        return (k - 1.0) / x - 1.0

    upper = flat > 0.5
    lower = ~upper
    if lower.any():
        out[lower] = _tail_quantile(flat[lower], lambda x: sc.gammainc(k, x), log_pdf, dlog_pdf,
                                    lambda p_: sc.gammaincinv(k, p_))
    if upper.any():
        out[upper] = _tail_quantile(1.0 - flat[upper], lambda x: sc.gammaincc(k, x), log_pdf, dlog_pdf,
                                    lambda p_: sc.gammainccinv(k, p_), decreasing=True)
    return _out(out.reshape(q.shape))


def _beta_inverse(a, b, q):
    """betaincinv with its far lower tail repaired.

    For tiny q, I_x(a, b) = x^a/(a B(a, b)) · (1 + O(x)), so
    x₀ = (q a B(a, b))^{1/a} is the quantile to rounding once x₀ < 1e-20.
    ``betaincinv`` (and SciPy's own beta quantile) fail there for some shapes
    (nan, or a wrong constant), so those elements take x₀.
    """
    x = np.array(sc.betaincinv(a, b, q))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        log_c = np.log(a) + sc.betaln(a, b)
        prod = q * np.exp(log_c)
        # a power of the product keeps full precision; logs of 1e-300 would lose ~1e-13
        normal = np.isfinite(prod) & (prod > 1e-300)
        x0 = np.where(normal, np.power(np.where(normal, prod, 1.0), 1.0 / a), np.exp((np.log(q) + log_c) / a))
    tiny = (x0 < 1e-20) & (q > 0)
    if np.any(tiny):
        x = np.where(tiny, x0, x)
    return x


def beta_quantile(q, a, b):
    r"""Quantile of the beta distribution: I⁻¹_q(a, b).

    Parameters
    ----------
    q : array_like
        Probabilities in [0, 1].
    a, b : array_like
        Shape parameters > 0; broadcast with ``q``.

    Notes
    -----
    Small inputs and array shapes call ``betaincinv`` directly. For 20 000 or
    more probabilities with scalar (a, b), the lower half is solved by a table
    of exact quantiles, interpolation of log x and one Halley step on
    I_x(a, b) − q; where the quantile is at least ½ the reflection
    1 − X ~ Beta(b, a) is used instead, so both tails are solved where they are
    small (and quantiles below ½ never come from 1 − x′). One ``betainc`` per
    element instead of an iterative inverse (several times faster), with the
    direct inverse as fallback. In the far lower tail, where x₀ =
    (q a B(a, b))^{1/a} < 1e-20, the leading term of the series is the answer
    to rounding and is used (``betaincinv`` returns nan there for some shapes).
    """
    q = np.asarray(q, dtype=float)
    # a = 1, b = 1 and a = b = ½ have closed-form inverses inside betaincinv already
    if not _use_table(q, a, b) or float(a) == 1 or float(b) == 1 or float(a) == float(b) == 0.5:
        return _out(_beta_inverse(np.asarray(a, dtype=float), np.asarray(b, dtype=float), q))
    a, b = float(a), float(b)
    flat = q.ravel()
    out = np.empty(flat.shape)

    def solve(p, a_, b_):  # lower-tail quantile of Beta(a_, b_)
        log_beta = sc.betaln(a_, b_)
        return _tail_quantile(
            p, lambda x: sc.betainc(a_, b_, x),
            lambda x: (a_ - 1.0) * np.log(x) + (b_ - 1.0) * np.log1p(-x) - log_beta,
            lambda x: (a_ - 1.0) / x - (b_ - 1.0) / (1.0 - x),
            lambda p_: _beta_inverse(a_, b_, p_),
        )

    # q ≤ ½: solve the lower tail directly. q ≥ max(½, I_½(a, b)): the answer is
    # ≥ ½, so 1 − x is found as a lower-tail quantile of Beta(b, a) without loss.
    # In between (skewed shapes: q > ½ yet x < ½) the direct inverse is used.
    lower = flat <= 0.5
    upper = flat >= max(0.5, float(sc.betainc(a, b, 0.5)))
    rest = ~lower & ~upper
    if lower.any():
        out[lower] = solve(flat[lower], a, b)
    if upper.any():
        out[upper] = 1.0 - solve(1.0 - flat[upper], b, a)
    if rest.any():
        out[rest] = sc.betaincinv(a, b, flat[rest])
    return _out(out.reshape(q.shape))


# --------------------------------------------------------------------------- chi-squared
def chi2_cdf(x, df):
    r"""Cdf of the χ² distribution: P(χ²_k ≤ x) = P(k/2, x/2).

    ``P`` is the regularised lower incomplete gamma function. Points below 0
    have cdf 0. ``x`` and ``df`` broadcast.

    Examples
    --------
    >>> round(float(chi2_cdf(3.841458820694124, 1)), 6)
    0.95
    """
    x = np.asarray(x, dtype=float)
    return _out(sc.gammainc(0.5 * np.asarray(df, dtype=float), 0.5 * np.maximum(x, 0.0)))


def chi2_sf(x, df):
    r"""Survival function of χ²: Q(k/2, x/2), the regularised upper incomplete gamma.

    Computed directly (not as 1 − cdf), so tiny p-values keep their digits.

    Examples
    --------
    >>> round(float(chi2_sf(3.841458820694124, 1)), 6)
    0.05
    """
    x = np.asarray(x, dtype=float)
    return _out(sc.gammaincc(0.5 * np.asarray(df, dtype=float), 0.5 * np.maximum(x, 0.0)))


def chi2_ppf(q, df):
    r"""Quantile of χ²: x = 2 P⁻¹(k/2, q), P⁻¹ the inverse regularised lower incomplete gamma.

    Computed by :func:`gamma_quantile`, which solves each tail where it is
    small, so upper quantiles are as accurate as lower ones. Cost: one inverse
    incomplete gamma per element, or for large arrays with one df a table plus
    one Halley step (one ``gammainc`` per element).

    Examples
    --------
    >>> round(float(chi2_ppf(0.95, 1)), 6)
    3.841459
    """
    return _out(2.0 * gamma_quantile(q, 0.5 * np.asarray(df, dtype=float)))


def chi2_isf(q, df):
    r"""Inverse survival function of χ²: the x with Q(k/2, x/2) = q (small q stays accurate)."""
    return _out(2.0 * sc.gammainccinv(0.5 * np.asarray(df, dtype=float), q))


# --------------------------------------------------------------------------- F
def _betainc_complement(a, b, x):
    """1 − I_x(a, b) to full relative precision for x ≤ ½ (arrays of equal shape).

    Plain subtraction where I_x ≤ ½ (no cancellation); elsewhere the
    complementary function ``betaincc``, evaluated only on those elements.
    """
    a, b, x = np.broadcast_arrays(a, b, x)
    v = sc.betainc(a, b, x)
    res = np.array(1.0 - v)  # writable, also when 0-d
    big = v > 0.5
    if big.any():
        res[big] = sc.betaincc(a[big], b[big], x[big])
    return res


def _f_parts(x, dfn, dfd):
    x = np.maximum(np.asarray(x, dtype=float), 0.0)
    dfn = np.asarray(dfn, dtype=float)
    dfd = np.asarray(dfd, dtype=float)
    nx = dfn * x
    den = nx + dfd
    # y = d₁x/(d₁x + d₂) and z = 1 − y = d₂/(d₁x + d₂), each formed directly
    return np.broadcast_arrays(nx / den, dfd / den, 0.5 * dfn, 0.5 * dfd)


def f_cdf(x, dfn, dfd):
    r"""Cdf of the F distribution: I_y(d₁/2, d₂/2) with y = d₁x/(d₁x + d₂).

    Where y > ½ the complement z = d₂/(d₁x + d₂) is formed directly and the cdf
    is 1 − I_z(d₂/2, d₁/2), by subtraction where I_z ≤ ½ and by ``betaincc``
    elsewhere, so no digits cancel.

    Examples
    --------
    >>> round(float(f_cdf(1.0, 4, 4)), 6)
    0.5
    """
    y, z, a, b = _f_parts(x, dfn, dfd)
    low = y <= 0.5
    return _out(_piecewise((low, ~low), (lambda y_, z_, a_, b_: sc.betainc(a_, b_, y_),
                                         lambda y_, z_, a_, b_: _betainc_complement(b_, a_, z_)),
                           y, z, a, b))


def f_sf(x, dfn, dfd):
    r"""Survival function of the F distribution (the F-test p-value).

    Notes
    -----
    P(F > x) = I_z(d₂/2, d₁/2) with z = d₂/(d₂ + d₁x), formed directly (not as
    1 − y), so tiny p-values for large x keep full relative precision. Where
    z > ½ (small x) the complementary form 1 − I_y(d₁/2, d₂/2) avoids the
    rounding of z near 1 (by subtraction where I_y ≤ ½, ``betaincc`` elsewhere).

    Examples
    --------
    >>> round(float(f_sf(1.0, 4, 4)), 6)
    0.5
    """
    y, z, a, b = _f_parts(x, dfn, dfd)
    low = z <= 0.5
    return _out(_piecewise((low, ~low), (lambda y_, z_, a_, b_: sc.betainc(b_, a_, z_),
                                         lambda y_, z_, a_, b_: _betainc_complement(a_, b_, y_)),
                           y, z, a, b))


def f_ppf(q, dfn, dfd):
    r"""Quantile of the F distribution.

    With y = I⁻¹(d₁/2, d₂/2; q), x = d₂ y / (d₁ (1 − y)); in the upper half the
    complementary inverse 1 − y = I⁻¹(d₂/2, d₁/2; 1 − q) is used so that
    1 − y does not cancel.
    """
    q = np.asarray(q, dtype=float)
    dfn = np.asarray(dfn, dtype=float)
    dfd = np.asarray(dfd, dtype=float)
    upper = q > 0.5
    y = sc.betaincinv(0.5 * dfn, 0.5 * dfd, q)
    w = sc.betaincinv(0.5 * dfd, 0.5 * dfn, 1.0 - q)  # w = 1 - y
    y, w = np.where(upper, 1.0 - w, y), np.where(upper, w, 1.0 - y)
    return _out(dfd * y / (dfn * w))


# --------------------------------------------------------------------------- discrete
def binom_cdf(k, n, p):
    r"""Cdf of the binomial distribution: P(X ≤ k) for X ~ Binomial(n, p).

    Parameters
    ----------
    k : array_like
        Points; non-integers are floored. k < 0 gives 0 and k ≥ n gives 1.
    n : array_like
        Number of trials (non-negative integers).
    p : array_like
        Success probability in [0, 1].

    Notes
    -----
    P(X ≤ k) = I_{1−p}(n − k, k + 1) = 1 − I_p(k + 1, n − k), computed at p
    (so that no 1 − p is rounded) as a subtraction where I_p ≤ ½ and with the
    complementary function ``betaincc`` elsewhere.

    Examples
    --------
    >>> round(float(binom_cdf(3, 10, 0.5)), 6)
    0.171875
    """
    k = np.floor(np.asarray(k, dtype=float))
    n = np.asarray(n, dtype=float)
    p = np.asarray(p, dtype=float)
    inside = (k >= 0) & (k < n)
    kk = np.where(inside, k, 0.0)
    nk = np.where(inside, n - k, 1.0)
    val = _betainc_complement(kk + 1.0, nk, p)
    out = np.where(inside, val, np.where(k < 0, 0.0, 1.0))
    out = np.where((p >= 0) & (p <= 1), out, np.nan)
    return _out(out)


def binom_sf(k, n, p):
    r"""Survival function of the binomial: P(X > k) = I_p(k + 1, n − k)."""
    k = np.floor(np.asarray(k, dtype=float))
    n = np.asarray(n, dtype=float)
    p = np.asarray(p, dtype=float)
    inside = (k >= 0) & (k < n)
    kk = np.where(inside, k, 0.0)
    nk = np.where(inside, n - k, 1.0)
    val = sc.betainc(kk + 1.0, nk, p)
    out = np.where(inside, val, np.where(k < 0, 1.0, 0.0))
    out = np.where((p >= 0) & (p <= 1), out, np.nan)
    return _out(out)


def poisson_cdf(k, mu):
    r"""Cdf of the Poisson distribution: P(X ≤ k) = Q(⌊k⌋ + 1, μ), k ≥ 0.

    ``Q`` is the regularised upper incomplete gamma function.
    """
    k = np.floor(np.asarray(k, dtype=float))
    mu = np.asarray(mu, dtype=float)
    val = sc.gammaincc(np.maximum(k, 0.0) + 1.0, mu)
    return _out(np.where(k < 0, 0.0, val))


def poisson_sf(k, mu):
    r"""Survival function of the Poisson distribution: P(X > k) = P(⌊k⌋ + 1, μ)."""
    k = np.floor(np.asarray(k, dtype=float))
    mu = np.asarray(mu, dtype=float)
    val = sc.gammainc(np.maximum(k, 0.0) + 1.0, mu)
    return _out(np.where(k < 0, 1.0, val))
