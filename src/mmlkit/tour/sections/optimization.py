"""Tour: optimizers racing on Rosenbrock and an ill-conditioned bowl; Lagrange; a fairness constraint."""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit.exceptions import ConvergenceWarning
from mmlkit.tour._api import Showcase

TITLE = "Optimization"
ORDER = 40
LAB = ("optimization",)
API = ("mmlkit.optim",)
FORMULA = (r"x_{k+1} = x_k - \alpha_k B_k^{-1} \nabla f(x_k) \quad (B = I\text{: gradient descent; } B = \nabla^2 f\text{: Newton; BFGS builds } B \text{ from gradients)}" "\n"
           r"\min f(x) \ \text{ s.t. } g(x) = 0 \quad \Rightarrow \quad \nabla f(x^*) = \lambda \nabla g(x^*)")
SUMMARY = ("Every model learns by minimising something. Seven methods race down Rosenbrock's curved valley and "
           "an ill-conditioned bowl; curvature information (Newton, BFGS, L-BFGS, CG) turns thousands of steps "
           "into tens. With a constraint, the gradients of objective and constraint line up at the optimum, "
           "and the multiplier λ is their ratio — the price of the constraint. The last panel trains a logistic "
           "regression under a fairness constraint (equal positive rates in two groups) by the augmented Lagrangian.")


def _rosen(v):
    x, y = v[0], v[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def _rosen_fg(v):
    x, y = v
    return _rosen(v), np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def _race(fg, x0, f_star, methods, max_iter):
    from mmlkit.optim import minimize

    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for name, kw in methods.items():
            method = kw.pop("method", name)
            results[name] = minimize(fg, x0, method, jac=True, tol=1e-8, max_iter=max_iter, **kw)
    losses = {name: [fg(x)[0] - f_star for x in r.path] for name, r in results.items()}
    return results, losses


def _fairness(quick):
    """Logistic regression with and without E[ŷ | group a] = E[ŷ | group b]."""
    from mmlkit.autodiff import log, sigmoid
    from mmlkit.autodiff import sum as ad_sum
    from mmlkit.optim import minimize, minimize_constrained

    rng = np.random.default_rng(0)
    n = 300 if quick else 1000
    group = rng.uniform(size=n) < 0.5
    X = rng.standard_normal((n, 2)) + np.where(group[:, None], [0.9, 0.0], [-0.9, 0.0])
    y = (0.8 * X[:, 0] + X[:, 1] + 0.5 * rng.standard_normal(n) > 0).astype(float)
    Xb = np.c_[X, np.ones(n)]

    def nll(w):
        p = sigmoid(Xb @ w)
        return -ad_sum(y * log(p + 1e-12) + (1 - y) * log(1 - p + 1e-12)) / n + 1e-3 * (w[:2] * w[:2]).sum()

    def parity_gap(w):
        p = sigmoid(Xb @ w)
        return (p * group).sum() / group.sum() - (p * ~group).sum() / (~group).sum()

    free = minimize(nll, np.zeros(3), "lbfgs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fair = minimize_constrained(nll, free.x, eq=[parity_gap], tol=1e-7)

    def summary(w):
        score = 1 / (1 + np.exp(-(Xb @ w)))
        pred = score > 0.5
        return dict(acc=(pred == y).mean(), rate_a=pred[group].mean(), rate_b=pred[~group].mean(),
                    gap=score[group].mean() - score[~group].mean())

    return X, y, group, free.x, fair, summary(free.x), summary(fair.x)


def run(quick: bool) -> Showcase:
    from mmlkit.optim import lagrange_solve
    from mmlkit.viz import lagrange_geometry, loss_curves, optimization_paths
    from mmlkit.viz._style import PALETTE, new_figure

    max_iter = 2000 if quick else 20000
    methods = {"gd": {"lr": 1e-3}, "momentum": {"lr": 2e-4, "momentum": 0.9}, "adam": {"lr": 0.05},
               "newton": {"hess": lambda v: np.array([[2 - 400 * (v[1] - 3 * v[0] ** 2), -400 * v[0]],
                                                       [-400 * v[0], 200.0]])},
               "bfgs": {}, "lbfgs": {}, "cg": {}}
    rosen_results, rosen_losses = _race(_rosen_fg, np.array([-1.2, 1.0]), 0.0, methods, max_iter)
    figures = [("Seven optimizers on Rosenbrock's banana valley, from (−1.2, 1)",
                optimization_paths(_rosen, rosen_results, xlim=(-1.6, 1.6), ylim=(-0.6, 1.6))),
               ("f(xₖ) − f* against iteration: curvature information wins by orders of magnitude",
                loss_curves(rosen_losses, title="Rosenbrock: loss against iteration"))]

    A = np.array([[10.0, 0.0], [0.0, 0.5]])  # condition number 20 in the plotted plane
    quad = lambda v: 0.5 * (A[0, 0] * v[0] ** 2 + A[1, 1] * v[1] ** 2)  # noqa: E731
    quad_fg = lambda v: (quad(v), A @ v)  # noqa: E731
    q_results, q_losses = _race(quad_fg, np.array([-1.8, 1.6]), 0.0,
                                {"gd": {"lr": 0.18}, "momentum": {"lr": 0.05, "momentum": 0.7},
                                 "cg": {}, "newton": {"hess": lambda v: A}}, 400)
    figures.append(("An ill-conditioned bowl (κ = 20): gradient descent zig-zags, momentum and CG cut across, "
                    "Newton jumps straight to the minimum",
                    optimization_paths(quad, q_results, xlim=(-2, 2), ylim=(-2, 2), log_levels=False,
                                       title="ill-conditioned quadratic")))

    # min x₁ + x₂ on the circle x₁² + x₂² = 2:  x* = (−1, −1), λ = −1/2
    res = lagrange_solve(lambda x: x[0] + x[1], np.array([-0.5, -1.5]), eq=lambda x: x[0] ** 2 + x[1] ** 2 - 2)
    lam = float(res.multipliers["eq"][0])
    figures.append(("$\\min\\ x_1 + x_2$ on the circle $x_1^2 + x_2^2 = 2$, solved by Newton on the KKT system",
                    lagrange_geometry(lambda v: v[0] + v[1], lambda v: v[0] ** 2 + v[1] ** 2 - 2, res.x,
                                      np.array([1.0, 1.0]), 2 * res.x, lam)))

    X, y, group, w_free, fair, s_free, s_fair = _fairness(quick)
    fig, ax = new_figure(width=8.5, height=5)
    # colour = the true label, marker = the group
    ax.scatter(X[group, 0], X[group, 1], s=10, c=np.where(y[group] > 0, PALETTE[0], PALETTE[3]), marker="o",
               alpha=0.6)
    ax.scatter(X[~group, 0], X[~group, 1], s=14, c=np.where(y[~group] > 0, PALETTE[0], PALETTE[3]), marker="^",
               alpha=0.6)
    for marker, color, label in [("o", "0.45", "group a (circles)"), ("^", "0.45", "group b (triangles)"),
                                 ("s", PALETTE[0], "label 1 (blue)"), ("s", PALETTE[3], "label 0 (orange)")]:
        ax.scatter([], [], s=20, marker=marker, color=color, label=label)
    xs = np.linspace(X[:, 0].min(), X[:, 0].max(), 10)
    for w, style, label in [(w_free, "-", f"unconstrained: positive rates {s_free['rate_a']:.2f} / "
                                           f"{s_free['rate_b']:.2f}, accuracy {s_free['acc']:.2f}"),
                            (fair.x, "--", f"equal-rate constraint: {s_fair['rate_a']:.2f} / "
                                           f"{s_fair['rate_b']:.2f}, accuracy {s_fair['acc']:.2f}")]:
        ax.plot(xs, -(w[0] * xs + w[2]) / w[1], "k" + style, lw=2, label=label)
    ax.set(ylim=(X[:, 1].min(), X[:, 1].max()), xlabel="feature 1", ylabel="feature 2",
           title="logistic regression with a demographic-parity constraint")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    figures.append(("Fairness as a constraint (colour: the true label; marker: the group): equal mean scores for "
                    "both groups, found by "
                    f"the augmented Lagrangian; multiplier λ = {fair.multipliers['eq'][0]:.3f}", fig))

    steps = {name: r.nit for name, r in rosen_results.items()}
    return Showcase(
        figures=figures,
        key_number=("Rosenbrock iterations: BFGS vs gradient descent", f"{steps['bfgs']} vs {steps['gd']}"),
        notes=[f"Lagrange: x* = ({res.x[0]:.4f}, {res.x[1]:.4f}), λ = {lam:.4f}, ∇f = λ∇g to "
               f"{np.max(np.abs(np.ones(2) - lam * 2 * res.x)):.1e}.",
               f"Fairness: score gap {s_free['gap']:+.3f} → {s_fair['gap']:+.1e}, accuracy "
               f"{s_free['acc']:.3f} → {s_fair['acc']:.3f}."],
    )
