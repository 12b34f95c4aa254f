"""W11/W12: distribution methods against scipy.stats.

W11: array calls (pdf, logpdf, cdf, ppf) on 10⁶ points, target ratio 1.0.
W12: one scalar ``Normal(0, 1).cdf(x)`` — construction plus call — against
``scipy.stats.norm.cdf(x)``, target ratio 0.2.

Quality: the largest relative error of each result against SciPy's, so SciPy
scores 0 against itself. Values below 1e-300 are ignored, and |SciPy| is
floored at 1e-3 in the denominator, because quantiles pass through 0 at q = ½
where a relative error means nothing (and where SciPy's own t quantile for
ν = 4 is off by ~1e-9 relative; ours is exact there, see the tests).
"""

from __future__ import annotations

import numpy as np
import scipy.stats as st

from mmlkit._bench import compare
from mmlkit.probability import Beta, ChiSquared, Gamma, Normal, StudentT


def _max_rel_error(ours, ref):
    ours, ref = np.asarray(ours, float), np.asarray(ref, float)
    keep = np.isfinite(ref) & (np.abs(ref) > 1e-300)
    if not keep.any():
        return 0.0
    return float(np.max(np.abs(ours[keep] - ref[keep]) / np.maximum(np.abs(ref[keep]), 1e-3)))


def run(smoke: bool = False):
    n = 1_000 if smoke else 1_000_000
    repeat = 1 if smoke else 3
    rng = np.random.default_rng(0)
    q = rng.uniform(1e-12, 1 - 1e-12, n)
    cases = [
        ("Normal", Normal(1.0, 2.0), st.norm(1.0, 2.0), rng.normal(1.0, 4.0, n)),
        ("Gamma", Gamma(2.5, 0.5), st.gamma(2.5, scale=2.0), rng.gamma(2.5, 2.0, n)),
        ("Beta", Beta(2.0, 5.0), st.beta(2.0, 5.0), rng.beta(2.0, 5.0, n)),
        ("StudentT(ν=4)", StudentT(4.0, 0.5, 1.5), st.t(4.0, 0.5, 1.5), 0.5 + 3.0 * rng.standard_t(4.0, n)),
        ("StudentT(ν=7.5)", StudentT(7.5, 0.5, 1.5), st.t(7.5, 0.5, 1.5), 0.5 + 3.0 * rng.standard_t(7.5, n)),
        ("ChiSquared", ChiSquared(3.0), st.chi2(3.0), rng.chisquare(3.0, n)),
    ]
    rows = []
    # smoke: the special-function methods only (each compare() pays two gc.collect passes)
    methods = ("cdf", "ppf") if smoke else ("pdf", "logpdf", "cdf", "ppf")
    for name, ours, ref, x in cases:
        for method in methods:
            arg = q if method == "ppf" else x
            ref_val = getattr(ref, method)(arg)
            rows.append(compare(
                f"W11 {name}.{method}",
                lambda m=getattr(ours, method), a=arg: m(a),  # noqa: B008 (bind now)
                lambda m=getattr(ref, method), a=arg: m(a),  # noqa: B008
                reference_name=f"scipy.stats.{ref.dist.name}.{method}",
                size=f"n={n:,}",
                quality=lambda r, rv=ref_val: _max_rel_error(r, rv),
                quality_name="max rel err vs SciPy",
                higher_is_better=False,
                repeat=repeat,
                target=1.0,
            ))

    # W12: one scalar call, construction included; timed over a batch of calls
    calls = 10 if smoke else 2_000
    xs = [float(v) for v in rng.normal(0.0, 2.0, calls)]
    ref_vals = st.norm.cdf(xs)

    def ours_scalar():
        return [Normal(0, 1).cdf(v) for v in xs]

    def ref_scalar():
        return [st.norm.cdf(v) for v in xs]

    rows.append(compare(
        "W12 Normal(0, 1).cdf(x), scalar",
        ours_scalar,
        ref_scalar,
        reference_name="scipy.stats.norm.cdf",
        size=f"{calls:,} calls",
        quality=lambda r: _max_rel_error(r, ref_vals),
        quality_name="max rel err vs SciPy",
        higher_is_better=False,
        repeat=repeat,
        target=0.2,
    ))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:34s} {row.size:>14s} ours {row.ours_s * 1e3:9.3f} ms  ref {row.ref_s * 1e3:9.3f} ms  "
              f"ratio {row.ratio:5.2f} (target {row.target})  err {row.ours_quality:.1e}")
