"""Tour: the chain rule made visible on a computational graph; Taylor polynomials; step-size trade-off."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Calculus and autodiff"
ORDER = 30
LAB = ("calculus",)
API = ("mmlkit.calculus", "mmlkit.autodiff")
FORMULA = (r"\text{forward: } v_i = \varphi_i(\text{parents}) \qquad \text{backward: } \bar v_j = \sum_{i:\, j \to i} \bar v_i \frac{\partial \varphi_i}{\partial v_j}, \quad \bar v_{\text{out}} = 1" "\n"
           r"f(x) \approx \sum_k \frac{f^{(k)}(x_0)}{k!} (x - x_0)^k \qquad \int_a^b f \approx \sum_i w_i f(x_i)")
SUMMARY = ("Learning is differentiation. Reverse-mode automatic differentiation runs the program forward, "
           "recording each operation, then sweeps the chain rule backward so every intermediate value "
           "learns its adjoint ∂f/∂v — the whole gradient for the price of a few forward passes. The same "
           "engine gives exact Taylor coefficients of any order, checked here against finite differences, "
           "whose error trades truncation against rounding.")


def run(quick: bool) -> Showcase:
    import mmlkit.autodiff as ad
    from mmlkit.calculus import derivative, quad, taylor
    from mmlkit.viz.calculus import computational_graph, finite_difference_error, taylor_approximations

    def f(x, y):
        return x * y + ad.sin(x)

    graph = computational_graph(f, 1.5, 2.0)

    def g(x):
        return ad.sin(x) * ad.exp(-0.2 * x)

    orders = (1, 3, 5, 9) if quick else (1, 2, 3, 5, 7, 9, 13)
    taylor_fig = taylor_approximations(g, 0.5, orders=orders, xlim=(-4.0, 5.0))
    fd_fig = finite_difference_error(np.exp, 1.0, float(np.exp(1.0)))

    # key number: how well the engine's derivatives agree with high-order finite differences
    p = taylor(g, 0.5, 4)
    fd = [derivative(lambda x: np.sin(x) * np.exp(-0.2 * x), 0.5, n=k) for k in range(1, 5)]
    agreement = float(np.max(np.abs(p.derivatives[1:] - fd) / np.maximum(1.0, np.abs(fd))))
    rng = np.random.default_rng(0)
    A = rng.standard_normal((60 if quick else 300, 20))
    h = ad.hessian(lambda x: ad.sum(ad.softplus(A @ x)) + 0.5 * ad.sum(x * x))(np.zeros(20))
    gauss, err = quad(lambda x: np.exp(-x * x), -np.inf, np.inf)
    notes = [
        f"∂f/∂x and ∂f/∂y of f = x·y + sin x at (1.5, 2): {2.0 + np.cos(1.5):.6f} and 1.5 "
        "(read them off the adjoints v̄ of the graph's two input nodes, x and y).",
        f"Taylor derivatives f⁽¹⁻⁴⁾(0.5) by autodiff vs 4th-order finite differences: "
        f"max relative gap {agreement:.1e}.",
        f"Hessian of Σ softplus(Ax) + ½‖x‖² (20×20) by forward-over-reverse: symmetric to "
        f"{np.abs(h - h.T).max():.0e}, smallest eigenvalue {np.linalg.eigvalsh(h)[0]:.3f} ≥ 1.",
        f"$\\int_{{-\\infty}}^{{\\infty}} e^{{-x^2}}\\, dx$ by adaptive Gauss–Kronrod: {gauss:.12f} (√π = {np.sqrt(np.pi):.12f}, "
        f"estimated error {err:.0e}).",
    ]
    return Showcase(
        figures=[
            ("The chain rule made visible: f(x, y) = x·y + sin x with forward values v and backward "
             "adjoints v̄ = ∂f/∂v on every node", graph),
            ("Taylor polynomials of rising order close in on $\\sin(x)\\, e^{-x/5}$ around $x_0 = 0.5$", taylor_fig),
            ("Finite differences: truncation falls with h, rounding grows — the complex step has no "
             "cancellation", fd_fig),
        ],
        key_number=("autodiff vs finite differences (max rel. gap)", f"{agreement:.1e}"),
        notes=notes,
    )
