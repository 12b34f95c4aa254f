"""Figures for calculus and automatic differentiation.

- :func:`computational_graph` — an expression's graph with forward values and
  backward adjoints on every node (the chain rule made visible).
- :func:`taylor_approximations` — Taylor polynomials of rising order closing in on f.
- :func:`finite_difference_error` — the error of difference quotients against the
  step h: truncation falls with h, rounding grows as h shrinks.
"""

from __future__ import annotations

import inspect

import numpy as np
from matplotlib.patches import FancyBboxPatch

from mmlkit.viz._style import CMAP, PALETTE, new_figure

__all__ = ["computational_graph", "finite_difference_error", "taylor_approximations"]

_OP_SYMBOL = {"add": "+", "subtract": "−", "multiply": "×", "divide": "÷", "power": "^",
              "negative": "−x", "matmul": "@"}


def _trace(f, inputs, names):
    """Run f on fresh leaves; return (nodes parents-first, output, adjoints, labels)."""
    from mmlkit.autodiff import Tensor, enable_grad, gradients, tensor
    from mmlkit.autodiff._engine import _toposort

    with enable_grad():
        leaves = [tensor(v, requires_grad=True) for v in inputs]
        out = f(*leaves)
        if not isinstance(out, Tensor) or out.size != 1:
            raise ValueError("f must return a one-element Tensor built from its inputs")
        nodes = _toposort([out])
        adjoints = gradients(out.reshape(()) if out.ndim else out, nodes, retain_graph=True)
    labels = {}
    for leaf, name in zip(leaves, names):
        labels[id(leaf)] = name
    return leaves, nodes, out, adjoints, labels


def _local_partials(node):
    """∂node/∂parent for each parent of a scalar node (None where not scalar)."""
    from mmlkit.autodiff import gradients

    if node._vjp is None or node.size != 1 or any(p.size != 1 for p in node._parents):
        return [None] * len(node._parents)
    parts = gradients(node.reshape(()), list(node._parents), retain_graph=True)
    return [f"{float(g.data):.3g}" for g in parts]


def _fmt(a) -> str:
    a = np.asarray(a)
    return f"{float(a):.3g}" if a.size == 1 else f"shape {a.shape}"


def computational_graph(f, *inputs, names=None, title: str | None = None):
    """Draw the computational graph of f at ``inputs``, with values (forward) and adjoints (backward).

    Parameters
    ----------
    f : callable
        A scalar expression of its arguments written with :mod:`mmlkit.autodiff`
        operations, e.g. ``lambda x, y: x * y + ad.sin(x)``.
    *inputs : float
        The point at which to evaluate.
    names : sequence of str, optional
        Names for the inputs; default f's parameter names.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One box per node (inputs on the left, the output on the right) showing
        the operation, its value v and its adjoint v̄ = ∂f/∂v; arrows follow the data
        and carry the local derivative ∂child/∂parent (for scalar graphs).

    Notes
    -----
    Forward pass: values left to right. Backward pass: v̄ = Σ over consumers c of
    c̄ · ∂c/∂v (the adjoint at the arrow's head times the arrow's label), right to
    left — the adjoints of the inputs are the gradient.

    Examples
    --------
    >>> import mmlkit.autodiff as ad
    >>> fig = computational_graph(lambda x, y: x * y + ad.sin(x), 1.0, 2.0)
    """
    if not callable(f):
        raise ValueError(f"f must be callable, got {type(f).__name__}")
    if not inputs:
        raise ValueError("computational_graph needs at least one input value")
    if names is None:
        try:
            names = list(inspect.signature(f).parameters)[: len(inputs)]
        except (TypeError, ValueError):
            names = []
        if len(names) != len(inputs):
            names = [f"x{i}" for i in range(len(inputs))]
    leaves, nodes, out, adjoints, labels = _trace(f, inputs, list(names))

    # depth = longest path from an input; nodes in a column are spread vertically
    depth = {}
    for node in nodes:
        depth[id(node)] = 1 + max((depth[id(p)] for p in node._parents), default=-1)
    columns: dict = {}
    for node in nodes:
        columns.setdefault(depth[id(node)], []).append(node)
    pos = {}
    for d in sorted(columns):
        col = columns[d]
        if d > 0:  # barycentre ordering: a node sits near the mean height of its inputs
            col.sort(key=lambda n: -np.mean([pos[id(p)][1] for p in n._parents]))
        for k, node in enumerate(col):
            pos[id(node)] = (d, (len(col) - 1) / 2 - k)
    n_cols = max(columns) + 1
    height = max(len(c) for c in columns.values())

    fig, ax = new_figure(width=max(6.0, 2.3 * n_cols), height=max(3.2, 1.6 * height))
    ax.set_axis_off()
    ax.grid(False)
    w, h = 0.62, 0.5
    for node in nodes:
        x1, y1 = pos[id(node)]
        locals_ = _local_partials(node) if out.size == 1 else [None] * len(node._parents)
        for p, dp in zip(node._parents, locals_):
            x0, y0 = pos[id(p)]
            ax.annotate("", xy=(x1 - w / 2, y1), xytext=(x0 + w / 2, y0),
                        arrowprops=dict(arrowstyle="-|>", color="0.45", lw=1.3, shrinkA=2, shrinkB=2))
            if dp is not None:  # the local derivative ∂child/∂parent the backward pass multiplies by
                xm, ym = 0.5 * (x0 + w / 2 + x1 - w / 2), 0.5 * (y0 + y1)
                ax.text(xm, ym + 0.07, f"∂ = {dp}", ha="center", va="bottom", fontsize=7.5, color="0.3",
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    for node, adj in zip(nodes, adjoints):
        x, y = pos[id(node)]
        is_leaf = node._vjp is None
        is_out = node is out
        colour = PALETTE[0] if is_leaf else PALETTE[3] if is_out else PALETTE[2]
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                    fc=colour, ec="none", alpha=0.14))
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                    fc="none", ec=colour, lw=1.6))
        name = labels.get(id(node)) or _OP_SYMBOL.get(node.op, node.op)
        if is_out:
            name = f"f = {name}"
        ax.text(x, y + 0.12, name, ha="center", va="center", fontsize=11, fontweight="bold", color=colour)
        ax.text(x, y - 0.03, f"v = {_fmt(node.data)}", ha="center", va="center", fontsize=8.5)
        ax.text(x, y - 0.16, f"v̄ = {_fmt(adj.data)}", ha="center", va="center", fontsize=8.5, color=PALETTE[3])
    ax.set_xlim(-0.6, n_cols - 0.4)
    ax.set_ylim(-height / 2 - 0.1, height / 2 + 0.1)
    ax.set_aspect("equal")
    grad_text = ", ".join(f"∂f/∂{labels[id(leaf)]} = {_fmt(adjoints[nodes.index(leaf)].data)}"
                          for leaf in leaves if leaf in nodes)
    ax.set_title(title or f"forward values v, backward adjoints v̄:  {grad_text}")
    return fig


def taylor_approximations(f, x0: float, orders=(1, 2, 3, 5, 8), xlim=None, title: str | None = None):
    """Plot f and its Taylor polynomials of rising order around x₀.

    Parameters
    ----------
    f : callable
        Written with :mod:`mmlkit.autodiff` operations (elementwise), e.g. ``ad.sin``.
    x0 : float
        Expansion point.
    orders : sequence of int, default=(1, 2, 3, 5, 8)
    xlim : (float, float), optional
        Plot range; default x₀ ± 3.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        f in black, one curve per order (light to dark as the order rises), x₀ marked.

    Notes
    -----
    pₙ(x) = Σₖ₌₀ⁿ f⁽ᵏ⁾(x₀)/k! (x − x₀)ᵏ, coefficients from
    :func:`mmlkit.calculus.taylor` (exact derivatives by autodiff).

    Examples
    --------
    >>> import mmlkit.autodiff as ad
    >>> fig = taylor_approximations(ad.sin, 0.0, orders=(1, 3, 5))
    """
    import matplotlib as mpl

    from mmlkit.autodiff import no_grad, tensor
    from mmlkit.calculus import taylor

    orders = [int(k) for k in orders]
    if not orders or min(orders) < 0:
        raise ValueError(f"orders must be non-negative integers, got {orders}")
    lo, hi = (x0 - 3.0, x0 + 3.0) if xlim is None else xlim
    xs = np.linspace(lo, hi, 400)
    with no_grad():
        ys = np.asarray(f(tensor(xs)).data, dtype=float)
    span = np.nanmax(ys) - np.nanmin(ys)
    ylim = (np.nanmin(ys) - 0.35 * span - 0.1, np.nanmax(ys) + 0.35 * span + 0.1)
    polys = taylor(f, x0, max(orders))
    cmap = mpl.colormaps[CMAP]
    fig, ax = new_figure(width=6.5, height=4.2)
    ax.plot(xs, ys, color="black", lw=2.6, label="f(x)", zorder=5)
    for i, k in enumerate(sorted(orders)):
        from mmlkit.calculus import TaylorPolynomial

        p = TaylorPolynomial(polys.coefficients[: k + 1], x0)
        ax.plot(xs, p(xs), color=cmap(0.15 + 0.75 * i / max(1, len(orders) - 1)), lw=1.6,
                label=f"order {k}")
    ax.plot([x0], [polys.coefficients[0]], "o", color=PALETTE[3], zorder=6, label="x₀")
    ax.set_ylim(*ylim)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best", ncol=2, fontsize=8)
    ax.set_title(title or f"Taylor polynomials around x₀ = {x0:g}")
    return fig


def finite_difference_error(f, x: float, exact: float, methods=("forward", "central", "complex_step"),
                            steps=None, title: str | None = None):
    """Log–log plot of |difference quotient − f'(x)| against the step h, per method.

    Parameters
    ----------
    f : callable
        NumPy function (complex-capable for the complex step).
    x : float
    exact : float
        The true derivative f'(x).
    methods : sequence of str, default=("forward", "central", "complex_step")
    steps : array_like, optional
        Default 10⁻¹⁶ … 10⁻¹.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Forward differences err by O(h) + O(ε/h), central by O(h²) + O(ε/h): a V whose
    bottom is the best step; the complex step has no cancellation, so its error
    stays at rounding level as h → 0.

    Examples
    --------
    >>> import numpy as np
    >>> fig = finite_difference_error(np.exp, 1.0, np.exp(1.0))
    """
    from mmlkit.calculus import derivative

    hs = np.logspace(-16, -1, 61) if steps is None else np.asarray(steps, dtype=float)
    fig, ax = new_figure(width=6.0, height=4.0)
    for i, m in enumerate(methods):
        acc = {"central": 2}.get(m, 1)
        errs = np.array([abs(derivative(f, x, method=m, h=h, accuracy=acc) - exact) for h in hs])
        ax.loglog(hs, np.maximum(errs, 1e-17), "--" if m == "complex_step" else "-",
                  color=PALETTE[i % len(PALETTE)], label=m.replace("_", " "))
    ax.set_xlabel("step h")
    ax.set_ylabel("|error|")
    ax.legend()
    ax.set_title(title or "finite differences: truncation vs rounding")
    return fig
