import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · decompositions")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    import mmlkit.linalg as la
    from mmlkit.datasets import load_digits
    from mmlkit.models import PCA
    from mmlkit.viz import low_rank_reconstructions, new_figure, singular_value_spectrum
    return PCA, la, load_digits, low_rank_reconstructions, mo, new_figure, np, singular_value_spectrum


@app.cell
def _(mo):
    mo.md(r"""
    # Decompositions: a matrix taken apart

    Every factorisation writes a matrix as a product of simpler ones, each exposing something:

    | factorisation | form | what it is for |
    |---|---|---|
    | LU (partial pivoting) | $A = PLU$ | solving $Ax = b$ |
    | QR (Householder) | $A = QR$, $Q^\top Q = I$ | least squares, the QR eigenvalue algorithm |
    | Cholesky | $A = LL^\top$ for SPD $A$ | Gaussians, Newton steps |
    | eigen (symmetric) | $A = V\Lambda V^\top$ | covariance, quadratic forms |
    | SVD | $A = U\Sigma V^\top$ | rank, pseudo-inverse, PCA, compression |

    The SVD is the most revealing: by the Eckart–Young theorem, keeping the $k$ largest singular values
    gives the best rank-$k$ approximation in both the spectral and the Frobenius norm,

    $$A_k = \sum_{i=1}^{k} \sigma_i u_i v_i^\top, \qquad
    \lVert A - A_k\rVert_F^2 = \sum_{i>k} \sigma_i^2 .$$
    """)
    return


@app.cell
def _(la, mo, np):
    _rng = np.random.default_rng(0)
    _A = _rng.standard_normal((6, 4))
    _S = _A.T @ _A + np.eye(4)
    _P, _L, _U = la.lu(_S)
    _Q, _R = la.qr(_A)
    _C = la.cholesky(_S)
    _w, _V = la.eigh(_S)
    _Uu, _s, _Vt = la.svd(_A)
    _rows = [
        ("`la.lu(S)`", np.abs(_P @ _L @ _U - _S).max()),
        ("`la.qr(A)`", np.abs(_Q @ _R - _A).max()),
        ("`la.cholesky(S)`", np.abs(_C @ _C.T - _S).max()),
        ("`la.eigh(S)`", np.abs(_V @ np.diag(_w) @ _V.T - _S).max()),
        ("`la.svd(A)`", np.abs(_Uu * _s @ _Vt - _A).max()),
    ]
    mo.md("Each of mmlkit's own factorisations rebuilds its matrix to rounding error "
          "(a random 6×4 matrix `A` and the SPD matrix `S = AᵀA + I`):\n\n"
          "| call | max reconstruction error |\n|---|---|\n"
          + "\n".join(f"| {_name} | {_err:.1e} |" for _name, _err in _rows))
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## PCA: the SVD of centred data

    For a data matrix $X$ (rows are samples) with column means $\bar x$, PCA is the SVD of the centred data
    $X - \mathbf{1}\bar x^\top = U\Sigma V^\top$. The rows of $V^\top$ are the principal directions; projecting
    a sample on the first $k$ and mapping back,

    $$\hat x = \bar x + V_k V_k^\top (x - \bar x),$$

    is the best $k$-dimensional linear reconstruction, and component $i$ explains a fraction
    $\sigma_i^2 / \sum_j \sigma_j^2$ of the variance. Below, `mmlkit.models.PCA` on the 1 797 handwritten
    8×8 digits: choose how many components to keep.
    """)
    return


@app.cell
def _(mo):
    k = mo.ui.slider(1, 40, step=1, value=8, label="number of components k", show_value=True)
    digit = mo.ui.slider(0, 29, step=1, value=0, label="which digit", show_value=True)
    mo.hstack([k, digit], justify="start")
    return digit, k


@app.cell
def _(PCA, load_digits):
    digits = load_digits()
    X = digits.data
    pca_full = PCA().fit(X)
    return X, pca_full


@app.cell
def _(PCA, X, digit, k, mo, new_figure, np, pca_full, singular_value_spectrum):
    _pca = PCA(n_components=k.value).fit(X)
    _x = X[digit.value : digit.value + 1]
    _x_hat = _pca.inverse_transform(_pca.transform(_x))
    _err = np.linalg.norm(_x - _x_hat) / np.linalg.norm(_x)
    _fig, _axes = new_figure(1, 2, width=2.6, height=2.8)
    for _ax, _img, _title in [(_axes[0], _x, "original"), (_axes[1], _x_hat, f"k = {k.value}")]:
        _ax.imshow(_img.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        _ax.set(title=_title, xticks=[], yticks=[])
        _ax.grid(False)
    _spectrum = singular_value_spectrum(X - X.mean(axis=0), mark=k.value)
    mo.vstack([
        mo.hstack([_fig, _spectrum], justify="start"),
        mo.md(f"Explained variance with k = {k.value}: "
              f"**{_pca.explained_variance_ratio_.sum():.1%}** · relative reconstruction error of this digit: "
              f"**{_err:.1%}** · the full spectrum has {pca_full.n_components_} components."),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## The same truncation, one image at a time

    The SVD of the centred stack of digits, truncated at growing ranks and rebuilt (`low_rank_reconstructions`):
    a handful of components already carry the digit's identity.
    """)
    return


@app.cell
def _(X, digit, low_rank_reconstructions):
    low_rank_reconstructions(X[:200].reshape(-1, 8, 8), ranks=(1, 3, 6, 12, 24), index=digit.value)
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `gram_schmidt`

    Write Gram–Schmidt: $Q$ with orthonormal columns spanning $A$'s, $R = Q^\top A$ with a positive diagonal
    (it is graded on an ill-conditioned $A$ too):

    $$q_k = \frac{r_k}{\lVert r_k \rVert}, \qquad r_k = a_k - \sum_{j<k} (q_j \cdot a_k)\, q_j$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start decompositions` gives you the other exercises of this
    module, and `mmlkit exercises hint decompositions.gram_schmidt` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _gram_schmidt(A):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_gram_schmidt, "decompositions.gram_schmidt")
    return


if __name__ == "__main__":
    app.run()
