import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · optimization")


@app.cell
def _():
    import warnings

    import marimo as mo
    import numpy as np

    from mmlkit.exceptions import ConvergenceWarning
    from mmlkit.optim import minimize
    from mmlkit.viz import loss_curves, new_figure, optimization_paths
    return ConvergenceWarning, loss_curves, minimize, mo, new_figure, np, optimization_paths, warnings


@app.cell
def _(mo):
    mo.md(r"""
    # Optimization: walking downhill

    Every model learns by minimising a loss. **Gradient descent** steps against the gradient,

    $$x_{k+1} = x_k - \alpha\, \nabla f(x_k),$$

    and on a quadratic bowl $f(x) = \tfrac12 x^\top A x$ it converges only when the learning rate satisfies
    $\alpha < 2/\lambda_{\max}(A)$; the speed is set by the condition number
    $\kappa = \lambda_{\max}/\lambda_{\min}$. **Momentum** remembers the previous step,
    $v_{k+1} = \beta v_k + \nabla f(x_k),\; x_{k+1} = x_k - \alpha v_{k+1}$, and cuts across the valley;
    **Adam** rescales each coordinate by a running estimate of its gradient's size.

    Below, `mmlkit.optim.minimize(f, x0, method, lr=α)` on the bowl with $\lambda = 10$ and $0.5$
    ($\kappa = 20$, so the step limit is $2/10 = 0.2$). Push the learning rate past 0.2 and gradient descent
    diverges.
    """)
    return


@app.cell
def _(mo):
    lr = mo.ui.slider(0.01, 0.25, step=0.01, value=0.08, label="learning rate α", show_value=True)
    beta = mo.ui.slider(0.0, 0.95, step=0.05, value=0.7, label="momentum β", show_value=True)
    n_steps = mo.ui.slider(10, 200, step=10, value=60, label="steps", show_value=True)
    mo.hstack([lr, beta, n_steps], justify="start")
    return beta, lr, n_steps


@app.cell
def _(np):
    A = np.diag([10.0, 0.5])

    def bowl(v):
        """f(v) = ½ vᵀAv, vectorised over a leading axis of size 2 (for the contour grid)."""
        return 0.5 * (A[0, 0] * v[0] ** 2 + A[1, 1] * v[1] ** 2)

    def bowl_fg(v):
        return bowl(v), A @ v

    x0 = np.array([-1.8, 1.6])
    return bowl, bowl_fg, x0


@app.cell
def _(ConvergenceWarning, beta, bowl, bowl_fg, loss_curves, lr, minimize, mo, n_steps, new_figure, np,
      optimization_paths, warnings, x0):
    _runs = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        _runs["gradient descent"] = minimize(bowl_fg, x0, "gd", jac=True, lr=lr.value, max_iter=n_steps.value,
                                             tol=1e-12)
        _runs[f"momentum (β = {beta.value:.2f})"] = minimize(bowl_fg, x0, "momentum", jac=True, lr=lr.value,
                                                            momentum=beta.value, max_iter=n_steps.value,
                                                            tol=1e-12)
        _runs["adam"] = minimize(bowl_fg, x0, "adam", jac=True, lr=lr.value * 3, max_iter=n_steps.value,
                                 tol=1e-12)
    _paths = {_k: np.clip(_r.path, -4, 4) for _k, _r in _runs.items()}
    _fig, _axes = new_figure(1, 2, width=5.0, height=4.4)
    optimization_paths(bowl, _paths, xlim=(-2.2, 2.2), ylim=(-2.2, 2.2), log_levels=False,
                       title=f"α = {lr.value:.2f} on ½(10x² + 0.5y²)", ax=_axes[0])
    loss_curves({_k: np.maximum([bowl(_p) for _p in _r.path], 1e-16) for _k, _r in _runs.items()},
                title="f(xₖ) against iteration", ax=_axes[1])
    _axes[1].set_ylim(1e-12, 1e3)
    _verdict = ("**diverges** (α > 2/λmax = 0.2)" if lr.value > 0.2 else "converges")
    mo.vstack([_fig, mo.md(f"Gradient descent {_verdict}; final losses: " + ", ".join(
        f"{_k}: {bowl(_r.x):.2e}" for _k, _r in _runs.items()))])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Curvature: Newton and quasi-Newton

    Newton's method rescales the gradient by the inverse Hessian, $x_{k+1} = x_k - [\nabla^2 f(x_k)]^{-1}
    \nabla f(x_k)$, which removes the conditioning problem entirely; BFGS and L-BFGS build that curvature
    from gradients alone. On Rosenbrock's banana valley $f(x, y) = (1-x)^2 + 100(y - x^2)^2$ the gradient
    methods crawl while BFGS needs a few dozen steps. Gradients come from `mmlkit.autodiff` when `jac` is
    not given.
    """)
    return


@app.cell
def _(mo):
    method = mo.ui.dropdown(["bfgs", "lbfgs", "cg", "adam", "gd"], value="bfgs", label="method")
    method
    return (method,)


@app.cell
def _(ConvergenceWarning, method, minimize, mo, np, optimization_paths, warnings):
    def rosen(v):
        return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2

    _kw = {"gd": {"lr": 1e-3}, "adam": {"lr": 0.05}}.get(method.value, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        _res = minimize(rosen, np.array([-1.2, 1.0]), method.value, max_iter=1500, tol=1e-8, **_kw)
    mo.vstack([
        optimization_paths(rosen, {method.value: _res}, xlim=(-1.6, 1.6), ylim=(-0.6, 1.6),
                           title=f"{method.value} on Rosenbrock"),
        mo.md(f"`minimize(rosen, [-1.2, 1], '{method.value}')`: x = ({_res.x[0]:.5f}, {_res.x[1]:.5f}), "
              f"f = {_res.fun:.2e}, {_res.nit} iterations, success = {_res.success}"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `gradient_descent`

    Write $x$ after exactly `n_steps` steps of gradient descent:

    $$x_{t+1} = x_t - \eta\, \nabla f(x_t)$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start optimization` gives you the other exercises of this
    module, and `mmlkit exercises hint optimization.gradient_descent` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _gradient_descent(grad, x0, lr, n_steps):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_gradient_descent, "optimization.gradient_descent")
    return


if __name__ == "__main__":
    app.run()
