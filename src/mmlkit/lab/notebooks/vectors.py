import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · vectors & matrices")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import mmlkit.linalg as la
    from mmlkit.viz import PALETTE, new_figure, transformation_circle
    return PALETTE, la, mo, new_figure, np, transformation_circle


@app.cell
def _(mo):
    mo.md(r"""
    # Vectors & matrices: the language of data

    A data point is a vector $x \in \mathbb{R}^d$; a data set is a matrix; a linear model, a layer
    of a network, a covariance — all are matrices acting on vectors. Two ideas carry most of the weight:

    * the **inner product** $\langle u, v\rangle = u^\top v = \lVert u\rVert\,\lVert v\rVert \cos\theta$,
      which measures length, angle and similarity;
    * a **matrix as a map** $x \mapsto Ax$, which stretches, rotates and shears space.

    This notebook computes everything with `mmlkit.linalg` (`dot`, `norm`, `angle`, `project`, `eig`,
    `svd`, `det`).
    """)
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 1. Projection: the closest point on a line

    The projection of $u$ onto $v$ is the vector along $v$ closest to $u$:

    $$\operatorname{proj}_v u = \frac{u^\top v}{v^\top v}\, v, \qquad
    u - \operatorname{proj}_v u \;\perp\; v .$$

    Least squares, PCA and Gram–Schmidt are all built from this one step. Turn $v$ around and watch the
    residual stay at a right angle.
    """)
    return


@app.cell
def _(mo):
    theta = mo.ui.slider(0, 180, step=5, value=30, label="direction of v (degrees)", show_value=True)
    theta
    return (theta,)


@app.cell
def _(PALETTE, la, mo, new_figure, np, theta):
    _u = np.array([1.5, 1.8])
    _v = np.array([np.cos(np.radians(theta.value)), np.sin(np.radians(theta.value))]) * 1.3
    _p = la.project(_u, _v)
    _fig, _ax = new_figure(width=4.6, height=4.2)
    _ax.axline((0, 0), _v, color="0.7", lw=1, ls="--")
    # The projection first (wide), so that v stays visible on top of it.
    for _vec, _c, _name, _lw in [(_p, PALETTE[2], r"proj$_v$ u", 5), (_u, PALETTE[0], "u", 2),
                                 (_v, PALETTE[1], "v", 2)]:
        _ax.annotate("", _vec, (0, 0), arrowprops=dict(arrowstyle="-|>", color=_c, lw=_lw, alpha=0.9))
        _ax.text(*(_vec * (1.1 if _name != "v" else 0.5) + (0, 0.12 if _name == "v" else 0)), _name, color=_c,
                 fontsize=11)
    _ax.plot([_u[0], _p[0]], [_u[1], _p[1]], color=PALETTE[3], lw=1.5, ls=":", label="residual u − proj")
    _ax.set(xlim=(-2.6, 2.6), ylim=(-0.6, 2.8), aspect="equal", title="projection of u onto v")
    _ax.legend(loc="lower left")
    mo.hstack([_fig, mo.md(
        f"""
        | quantity | value |
        |---|---|
        | $u^\\top v$ (`la.dot`) | {la.dot(_u, _v):.3f} |
        | angle (`la.angle`) | {np.degrees(la.angle(_u, _v)):.1f}° |
        | $\\lVert u - \\mathrm{{proj}}_v u\\rVert$ (`la.norm`) | {la.norm(_u - _p):.3f} |
        | residual $\\cdot\\, v$ | {la.dot(_u - _p, _v):.1e} |
        """)], justify="start", align="center")
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. A matrix acting on the unit circle

    A $2\times 2$ matrix maps the unit circle to an ellipse. Its **eigenvectors** are the directions it only
    stretches, $A v = \lambda v$; its **singular vectors** give the ellipse's axes, $A v_i = \sigma_i u_i$;
    and the area scales by $|\det A| = \sigma_1\sigma_2 = |\lambda_1\lambda_2|$.
    Set the entries of

    $$A = \begin{pmatrix} a & b \\ c & d \end{pmatrix}$$

    and watch. A symmetric matrix ($b = c$) has orthogonal eigenvectors that coincide with its singular
    vectors; a rotation-like matrix ($b = -c$) has no real eigenvectors at all.
    """)
    return


@app.cell
def _(mo):
    a = mo.ui.slider(-2.0, 2.0, step=0.1, value=1.5, label="a", show_value=True)
    b = mo.ui.slider(-2.0, 2.0, step=0.1, value=0.5, label="b", show_value=True)
    c = mo.ui.slider(-2.0, 2.0, step=0.1, value=0.5, label="c", show_value=True)
    d = mo.ui.slider(-2.0, 2.0, step=0.1, value=0.8, label="d", show_value=True)
    mo.hstack([mo.vstack([a, b]), mo.vstack([c, d])], justify="start")
    return a, b, c, d


@app.cell
def _(a, b, c, d, la, mo, np, transformation_circle):
    A = np.array([[a.value, b.value], [c.value, d.value]])
    _eigvals, _ = la.eig(A)
    _sigma = la.svd(A)[1]
    _lam = ", ".join(f"{_l:.3g}" if np.isreal(_l) else f"{_l:.3g}" for _l in np.atleast_1d(_eigvals))
    mo.vstack([
        transformation_circle(A),
        mo.md(f"eigenvalues (`la.eig`): {_lam} · singular values (`la.svd`): "
              f"{_sigma[0]:.3g}, {_sigma[1]:.3g} · det (`la.det`): {la.det(A):.3g}"),
    ])
    return (A,)


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `project`

    Write the orthogonal projection of $u$ onto the line spanned by $v$:

    $$\operatorname{proj}_v u = \frac{u \cdot v}{v \cdot v}\, v$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start vectors` gives you the other exercises of this
    module, and `mmlkit exercises hint vectors.project` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _project(u, v):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_project, "vectors.project")
    return


if __name__ == "__main__":
    app.run()
