import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="mmlkit lab · classical models")


@app.cell
def _():
    import marimo as mo
    import numpy as np

    from mmlkit.datasets import make_blobs, make_moons
    from mmlkit.models import SVC, GaussianMixture, KMeans
    from mmlkit.viz import CMAP_DIVERGING, PALETTE, cluster_comparison, gmm_ellipses, new_figure
    return (CMAP_DIVERGING, GaussianMixture, KMeans, PALETTE, SVC, cluster_comparison, gmm_ellipses, make_blobs,
            make_moons, mo, new_figure, np)


@app.cell
def _(mo):
    mo.md(r"""
    # Classical models: kernels, margins and mixtures

    ## 1. The support vector machine and its kernel width

    A soft-margin SVM finds the separating function with the widest margin, allowing violations at a price
    $C$. In the dual it only ever sees inner products, so a **kernel** replaces them with similarities in an
    implicit feature space:

    $$f(x) = \sum_{i \in \text{SV}} \alpha_i y_i\, k(x_i, x) + b, \qquad
    k(x, x') = \exp\!\big(-\gamma\,\lVert x - x'\rVert^2\big),$$

    with $0 \le \alpha_i \le C$. The RBF width $1/\sqrt{\gamma}$ is how far one training point's influence
    reaches: small $\gamma$ gives a nearly linear boundary (underfitting), large $\gamma$ wraps each point
    (overfitting). `mmlkit.models.SVC` solves the dual by SMO.
    """)
    return


@app.cell
def _(mo):
    log_gamma = mo.ui.slider(-2.0, 2.0, step=0.25, value=0.0, label="log₁₀ γ", show_value=True)
    log_C = mo.ui.slider(-2.0, 3.0, step=0.5, value=0.0, label="log₁₀ C", show_value=True)
    mo.hstack([log_gamma, log_C], justify="start")
    return log_C, log_gamma


@app.cell
def _(make_moons):
    X_moons, y_moons = make_moons(200, noise=0.25, random_state=0)
    X_test, y_test = make_moons(400, noise=0.25, random_state=1)
    return X_moons, X_test, y_moons, y_test


@app.cell
def _(CMAP_DIVERGING, PALETTE, SVC, X_moons, X_test, log_C, log_gamma, mo, new_figure, np, y_moons, y_test):
    _gamma, _C = 10.0 ** log_gamma.value, 10.0 ** log_C.value
    _svc = SVC(kernel="rbf", gamma=_gamma, C=_C).fit(X_moons, y_moons)
    _xx, _yy = np.meshgrid(np.linspace(-1.8, 2.8, 120), np.linspace(-1.3, 1.8, 90))
    _f = _svc.decision_function(np.c_[_xx.ravel(), _yy.ravel()]).reshape(_xx.shape)
    _fig, _ax = new_figure(width=6.4, height=4.4)
    _lim = max(np.abs(_f).max(), 1e-9)
    _ax.contourf(_xx, _yy, _f, levels=20, cmap=CMAP_DIVERGING, vmin=-_lim, vmax=_lim, alpha=0.55)
    _ax.contour(_xx, _yy, _f, levels=[-1, 0, 1], colors="k", linestyles=["--", "-", "--"], linewidths=1)
    _ax.scatter(*X_moons.T, c=np.where(y_moons == 1, PALETTE[3], PALETTE[0]), s=14, edgecolor="white", lw=0.4)
    _ax.scatter(*X_moons[_svc.support_].T, s=60, facecolor="none", edgecolor="k", lw=0.7,
                label=f"{len(_svc.support_)} support vectors")
    _ax.set(title=f"RBF SVC, γ = {_gamma:.3g}, C = {_C:.3g}: boundary f = 0, margins f = ±1",
            xlabel="x₁", ylabel="x₂")
    _ax.legend(loc="lower left")
    _ax.grid(False)
    mo.vstack([_fig, mo.md(f"training accuracy **{_svc.score(X_moons, y_moons):.3f}**, "
                           f"test accuracy **{_svc.score(X_test, y_test):.3f}** "
                           f"({len(_svc.support_)} of {len(y_moons)} points are support vectors)")])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## 2. Clustering: k-means against a Gaussian mixture

    k-means minimises the within-cluster sum of squares $\sum_i \lVert x_i - \mu_{c(i)}\rVert^2$, which
    assumes round clusters of equal size. A Gaussian mixture fits
    $p(x) = \sum_k \pi_k\, \mathcal N(x \mid \mu_k, \Sigma_k)$ by EM, alternating responsibilities
    $r_{ik} \propto \pi_k \mathcal N(x_i\mid\mu_k,\Sigma_k)$ (E-step) with weighted means and covariances
    (M-step), and so can follow stretched clusters. Below, three long parallel clusters: k-means cuts them
    across, the mixture (best of five EM runs) finds them. Choose the number of clusters.
    """)
    return


@app.cell
def _(mo):
    n_clusters = mo.ui.slider(1, 6, step=1, value=3, label="number of clusters K", show_value=True)
    n_clusters
    return (n_clusters,)


@app.cell
def _(make_blobs, np):
    # Three parallel, elongated clusters: long along one direction, close across it.
    _X, _ = make_blobs(300, centers=np.array([[0.0, -2.5], [0.0, 0.0], [0.0, 2.5]]), cluster_std=0.5,
                       random_state=1)
    X_blobs = np.c_[5 * _X[:, 0], _X[:, 1]] @ np.array([[0.8, 0.6], [-0.6, 0.8]])  # stretch, then rotate
    return (X_blobs,)


@app.cell
def _(GaussianMixture, KMeans, X_blobs, cluster_comparison, gmm_ellipses, mo, n_clusters):
    _km = KMeans(n_clusters.value, n_init=3, random_state=0).fit(X_blobs)
    _gm = GaussianMixture(n_clusters.value, covariance_type="full", n_init=5, init_params="k-means++",
                          random_state=0).fit(X_blobs)
    mo.vstack([
        cluster_comparison(X_blobs, {f"k-means, K = {n_clusters.value}": _km.labels_,
                                     f"Gaussian mixture, K = {n_clusters.value}": _gm.predict(X_blobs)}),
        gmm_ellipses(X_blobs, [("fitted mixture (2σ ellipses)", _gm.means_, _gm.covariances_)]),
        mo.md(f"k-means inertia {_km.inertia_:.1f}; mixture BIC {_gm.bic(X_blobs):.1f} "
              "(lower is better: try K = 3)"),
    ])
    return


@app.cell
def _(mo):
    mo.md(r"""
    ## Your turn: `kmeans_step`

    Write one step of Lloyd's algorithm, `(new_centers, labels)`; an empty cluster keeps its centre:

    $$\ell_i = \arg\min_j \lVert x_i - c_j \rVert^2, \qquad c_j \leftarrow \operatorname{mean}\{x_i : \ell_i = j\}$$

    Replace `raise NotImplementedError` in the cell below with your code: the cell grades your function on
    generated inputs, awkward ones included, and shows the first property that fails, on the smallest input
    that breaks it. In a terminal, `mmlkit exercises start models` gives you the other exercises of this
    module, and `mmlkit exercises hint models.kmeans_step` a hint.
    """)
    return


@app.cell
def _(np):
    from mmlkit.exercises import check as _check

    def _kmeans_step(X, centers):
        # Your turn (the leading underscore keeps the name local to this cell). NumPy is `np`.
        raise NotImplementedError

    _check(_kmeans_step, "models.kmeans_step")
    return


if __name__ == "__main__":
    app.run()
