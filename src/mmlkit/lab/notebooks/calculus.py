import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · calculus & autodiff")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import mmlkit.autodiff as ad
    from mmlkit.calculus import derivative, taylor
    from mmlkit.viz import computational_graph, finite_difference_error, taylor_approximations
    return ad, computational_graph, derivative, finite_difference_error, mo, np, taylor, taylor_approximations


@app.cell
def _(mo):
    mo.md(r"""
    # Calculus & autodiff: how change propagates

    Learning is following derivatives. A smooth function looks, near a point $x_0$, like its
    **Taylor polynomial**

    $$T_n(x) = \sum_{k=0}^{n} \frac{f^{(k)}(x_0)}{k!}\,(x - x_0)^k ,$$

    and the derivatives $f^{(k)}(x_0)$ need not be derived by hand: `mmlkit.calculus.taylor` gets them
    exactly from the reverse-mode engine `mmlkit.autodiff`, differentiating its own derivative rules
    again and again.
    """)
    return


@app.cell
def _(ad, mo):
    functions = {
        "sin(x)": ad.sin,
        "exp(x)": ad.exp,
        "log(1 + x²)": lambda x: ad.log(1 + x * x),
        "tanh(2x)": lambda x: ad.tanh(2 * x),
        "1 / (1 + x²)  (radius of convergence 1)": lambda x: 1 / (1 + x * x),
    }
    fname = mo.ui.dropdown(list(functions), value="sin(x)", label="f")
    order = mo.ui.slider(0, 12, step=1, value=3, label="Taylor order n", show_value=True)
    x0 = mo.ui.slider(-2.0, 2.0, step=0.25, value=0.0, label="expansion point x₀", show_value=True)
    mo.hstack([fname, order, x0], justify="start")
    return fname, functions, order, x0


@app.cell
def _(fname, functions, mo, order, taylor, taylor_approximations, x0):
    _f = functions[fname.value]
    _poly = taylor(_f, x0.value, order.value)
    _orders = sorted({max(order.value - 2, 0), order.value})
    _coeffs = ", ".join(f"{_c:.4g}" for _c in _poly.coefficients)
    mo.vstack([
        taylor_approximations(_f, x0.value, orders=_orders, xlim=(x0.value - 3, x0.value + 3),
                              title=f"{fname.value} and its Taylor polynomials at x₀ = {x0.value}"),
        mo.md(f"`taylor(f, {x0.value}, {order.value}).coefficients` = [{_coeffs}]"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Reverse mode: one backward pass for the whole gradient

    `mmlkit.autodiff` records each operation on a `Tensor` and then applies the chain rule backwards:
    every node receives its **adjoint** $\bar v = \partial f / \partial v$ and passes
    $\bar v \,\partial v / \partial u$ to each input $u$. Below is the graph of

    $$f(x, y) = x\,y + \sin x$$

    with forward values and backward adjoints; move the point and watch both sweeps.
    """)
    return


@app.cell
def _(mo):
    px = mo.ui.slider(-3.0, 3.0, step=0.5, value=1.0, label="x", show_value=True)
    py = mo.ui.slider(-3.0, 3.0, step=0.5, value=2.0, label="y", show_value=True)
    mo.hstack([px, py], justify="start")
    return px, py


@app.cell
def _(ad, computational_graph, mo, np, px, py):
    _f = lambda x, y: x * y + ad.sin(x)  # noqa: E731
    _gx, _gy = ad.grad(_f, argnums=(0, 1))(px.value, py.value)
    mo.vstack([
        computational_graph(_f, px.value, py.value, names=["x", "y"]),
        mo.md(f"`ad.grad(f, argnums=(0, 1))({px.value}, {py.value})` = ({float(_gx):.4f}, {float(_gy):.4f}); "
              f"by hand: ∂f/∂x = y + cos x = {py.value + np.cos(px.value):.4f}, ∂f/∂y = x = {px.value:.4f}"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Finite differences and their two errors

    Without autodiff one differentiates numerically. The central difference
    $\frac{f(x+h) - f(x-h)}{2h}$ has truncation error $O(h^2)$, but rounding error $O(\varepsilon/h)$ grows
    as $h$ shrinks, so there is a best step near $\varepsilon^{1/3}$. The complex step
    $\operatorname{Im} f(x + ih)/h$ has no subtraction and so no cancellation
    (`mmlkit.calculus.derivative(f, x, method=...)`).
    """)
    return


@app.cell
def _(derivative, finite_difference_error, mo, np):
    _f = lambda x: np.exp(x) * np.sin(x)  # noqa: E731
    _exact = np.exp(1.0) * (np.sin(1.0) + np.cos(1.0))
    mo.vstack([
        finite_difference_error(_f, 1.0, _exact, title="d/dx eˣ sin x at x = 1"),
        mo.md(f"`derivative(f, 1.0, method='complex_step')` error: "
              f"{abs(derivative(_f, 1.0, method='complex_step') - _exact):.1e}"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `numerical_gradient`

    Write the gradient of $f$ at $x$ by central differences:

    $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start calculus` gives you the other exercises of this
    module, and `mmlkit exercises hint calculus.numerical_gradient` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _numerical_gradient(f, x, h=1e-5):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_numerical_gradient, "calculus.numerical_gradient")
    return


if __name__ == "__main__":
    app.run()
