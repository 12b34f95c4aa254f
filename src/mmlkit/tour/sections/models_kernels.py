"""Tour: SVM margins and support vectors (linear vs rbf), PCA of the digits with its scree plot."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Classical models: kernels and decompositions"
ORDER = 82
LAB = ("models", "decompositions")
API = ("mmlkit.models",)
FORMULA = (r"\text{SVM dual: } \min_\alpha \tfrac12 \alpha^\top Q \alpha - \mathbf{1}^\top \alpha \ \text{ s.t. } 0 \le \alpha_i \le C,\ y^\top \alpha = 0, \quad Q_{ij} = y_i y_j k(x_i, x_j); \quad f(x) = \sum_i y_i \alpha_i k(x_i, x) - \rho" "\n"
           r"\text{PCA: } \max_{\|w\| = 1} w^\top S w, \quad S = \frac{\tilde X^\top \tilde X}{n - 1} = V \Lambda V^\top; \quad \tilde X = U \Sigma V^\top, \quad \lambda_k = \frac{\sigma_k^2}{n - 1}")
SUMMARY = ("A support vector machine keeps only the points that touch or cross its margin: the rest have "
           "αᵢ = 0 and could be deleted without changing the classifier. With a linear kernel the boundary is a "
           "line and the margins f = ±1 are parallel to it; an RBF kernel bends them around the moons. Both are "
           "fitted by our SMO solver (libsvm's second-order working set, kernel cache and shrinking). PCA of the "
           "8×8 digits: two directions of largest variance already separate several digits, and the scree plot "
           "shows how many of the 64 directions carry most of the variance.")


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_digits, make_moons
    from mmlkit.models import PCA, SVC
    from mmlkit.viz._style import new_figure
    from mmlkit.viz.models import pca_projection, scree_plot, svm_margins

    X, y = make_moons(120 if quick else 300, noise=0.2, random_state=0)
    fig, axes = new_figure(1, 2, width=5.0, height=4.3)
    notes = []
    accuracy = {}
    for ax, kernel in zip(axes, ("linear", "rbf")):
        svc = SVC(kernel=kernel, C=1.0).fit(X, y)
        accuracy[kernel] = float(svc.score(X, y))
        svm_margins(svc, X, y, ax=ax, title=f"{kernel} kernel: {svc.support_.size} support vectors, "
                                             f"training accuracy {accuracy[kernel]:.2f}",
                    resolution=70 if quick else 200)
        notes.append(f"SVC {kernel}: {svc.support_.size} support vectors of {y.size}, per class "
                     f"{svc.n_support_.tolist()}, SMO iterations {int(svc.n_iter_[0])}.")

    digits = load_digits()
    Xd, yd = digits.data, digits.target
    if quick:
        Xd, yd = Xd[:400], yd[:400]
    pca = PCA().fit(Xd)
    Z = pca.transform(Xd)[:, :2]
    fig_proj = pca_projection(Z, yd, explained_variance_ratio=pca.explained_variance_ratio_,
                              title="Digits on their first two principal axes")
    fig_scree = scree_plot(pca.explained_variance_ratio_, n_show=40, title="Digits: explained variance by component")
    k90 = int(np.searchsorted(np.cumsum(pca.explained_variance_ratio_), 0.9) + 1)
    notes.append(f"PCA of {Xd.shape[0]} digits (64 pixels): {k90} components hold 90% of the variance; the first "
                 f"two hold {100 * pca.explained_variance_ratio_[:2].sum():.1f}%.")
    return Showcase(
        figures=[("SVM margins and support vectors: linear vs RBF kernel on the moons", fig),
                 ("PCA projection of the digits, coloured by digit", fig_proj),
                 ("Scree plot of the digits' principal components", fig_scree)],
        key_number=("digit PCA: components for 90% variance", str(k90)),
        notes=notes,
    )
