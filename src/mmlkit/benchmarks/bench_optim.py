"""mmlkit.optim.minimize vs scipy.optimize.minimize on the same objective and gradient."""

import numpy as np
import scipy.optimize as so

from mmlkit._bench import compare
from mmlkit.optim import minimize


def logistic_objective(n, d, seed=0, lam=1.0):
    """The L2-regularised logistic loss (W2) with its gradient, shared by both sides."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d)
    y = (X @ w_true + rng.standard_normal(n) > 0).astype(float)

    def fg(w):
        z = X @ w
        p = 0.5 * (1 + np.tanh(0.5 * z))
        return np.sum(np.logaddexp(0, z) - y * z) + 0.5 * lam * w @ w, X.T @ (p - y) + lam * w

    return fg, d


def run(smoke=False):
    repeat = 1 if smoke else 3
    rows = []
    n, d = (500, 10) if smoke else (50_000, 100)
    fg, d = logistic_objective(n, d)
    x0 = np.zeros(d)

    def ours():
        return minimize(fg, x0, "lbfgs", jac=True, tol=1e-5)

    def ref():
        return so.minimize(fg, x0, jac=True, method="L-BFGS-B", options={"gtol": 1e-5, "ftol": 0.0})

    # per-iteration cost: time each whole solve, then divide by its iteration count
    c = compare("lbfgs per iteration (W2 logistic)", ours, ref, reference_name="scipy L-BFGS-B",
                size=f"{n}×{d}", quality=lambda r: r.fun, quality_name="objective", higher_is_better=False,
                repeat=repeat, target=1.0)
    r_ours, r_ref = ours(), ref()
    rows.append(type(c)(**{**c.__dict__, "ours_s": c.ours_s / max(r_ours.nit, 1),
                           "ref_s": c.ref_s / max(r_ref.nit, 1)}))
    rows.append(compare("lbfgs whole solve (W2 logistic)", ours, ref, reference_name="scipy L-BFGS-B",
                        size=f"{n}×{d}", quality=lambda r: r.nfev, quality_name="function evaluations",
                        higher_is_better=False, repeat=repeat))
    for m, sm in [("bfgs", "BFGS"), ("cg", "CG")]:
        k = 10 if smoke else 100
        x0r = np.tile([-1.2, 1.0], k // 2)
        rows.append(compare(f"{m} Rosenbrock", lambda: minimize(lambda x: (so.rosen(x), so.rosen_der(x)), x0r, m,
                                                                  jac=True, tol=1e-5),
                            lambda: so.minimize(so.rosen, x0r, jac=so.rosen_der, method=sm, options={"gtol": 1e-5}),
                            reference_name=f"scipy {sm}", size=f"n={k}", quality=lambda r: r.nfev,
                            quality_name="function evaluations", higher_is_better=False, repeat=repeat))
    return rows
