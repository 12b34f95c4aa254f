"""Tour: EM for a Gaussian mixture, spectral clustering vs k-means on moons, t-SNE of digits."""

from __future__ import annotations

import warnings

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Classical models: unsupervised"
ORDER = 85
LAB = ("models",)
API = ("mmlkit.models",)
FORMULA = (r"\text{EM: } r_{ik} = \frac{\pi_k \mathcal{N}(x_i \mid \mu_k, \Sigma_k)}{\sum_j \pi_j \mathcal{N}(x_i \mid \mu_j, \Sigma_j)}, \qquad \mu_k = \frac{\sum_i r_{ik} x_i}{\sum_i r_{ik}}" "\n"
           r"\text{spectral: eigenvectors of } L = I - D^{-1/2} W D^{-1/2}, \text{ then } k\text{-means}" "\n"
           r"\text{t-SNE: } \min_Y \mathrm{KL}(P \,\|\, Q), \qquad q_{ij} \propto (1 + \|y_i - y_j\|^2)^{-1}")
SUMMARY = ("Without labels, structure has to come from the data's geometry. EM fits a Gaussian mixture by "
           "alternating soft assignments and weighted means, never lowering the likelihood; k-means is its "
           "hard, spherical limit and so cuts the two moons straight across, while spectral clustering "
           "clusters the eigenvectors of a neighbour graph's Laplacian and follows the moons' shape. t-SNE "
           "matches neighbour probabilities to place the 64-dimensional digits on a page.")


def _agreement(labels, truth):
    """Fraction of points whose cluster agrees with the class, best over label swaps (2 clusters)."""
    same = float(np.mean(labels == truth))
    return max(same, 1.0 - same)


def _neighbour_preservation(X, E, k=10):
    """Mean fraction of each point's k nearest neighbours in X that stay among its k nearest in E."""
    from mmlkit._pairwise import squared_distances

    def knn(A):
        D = squared_distances(A)
        np.fill_diagonal(D, np.inf)
        return np.argpartition(D, k, axis=1)[:, :k]

    a, b = knn(X), knn(E)
    return float(np.mean([np.intersect1d(r, s).size / k for r, s in zip(a, b)]))


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_digits, make_blobs, make_moons
    from mmlkit.exceptions import ConvergenceWarning
    from mmlkit.models import TSNE, GaussianMixture, KMeans, SpectralClustering
    from mmlkit.viz.clustering import cluster_comparison, embedding_scatter, gmm_ellipses

    # 1. EM on anisotropic 2-D blobs, from random responsibilities, one step per warm-started fit.
    X, _ = make_blobs(450, centers=3, cluster_std=[1.0, 1.6, 0.6], random_state=5)
    X = X @ np.array([[0.8, -0.4], [0.3, 0.9]])
    gm = GaussianMixture(3, init_params="random", max_iter=1, warm_start=True, random_state=1)
    snapshots, bounds, wanted = [], [], {1, 3, 8, 40}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for it in range(1, 41):
            gm.fit(X)
            bounds.append(gm.lower_bound_)
            if it in wanted:
                snapshots.append((f"EM iteration {it}", gm.means_.copy(), gm.covariances_.copy()))
    em_fig = gmm_ellipses(X, snapshots)

    # 2. Moons: k-means' straight cut vs the spectral clustering of a 10-nearest-neighbour graph.
    Xm, ym = make_moons(250 if quick else 1000, noise=0.06, random_state=0)
    km = KMeans(2, n_init=10, random_state=0).fit(Xm)
    sc = SpectralClustering(2, affinity="nearest_neighbors", n_neighbors=10, random_state=0).fit(Xm)
    acc_km, acc_sc = _agreement(km.labels_, ym), _agreement(sc.labels_, ym)
    moons_fig = cluster_comparison(Xm, {
        f"k-means ({acc_km:.0%} agree with the moons)": km.labels_,
        f"spectral, kNN graph ({acc_sc:.0%})": sc.labels_,
    })

    # 3. t-SNE of the 8×8 digits.
    digits = load_digits()
    n = 300 if quick else 1500
    Xd, yd = digits.data[:n], digits.target[:n]
    ts = TSNE(perplexity=30, max_iter=300 if quick else 1000, random_state=0)
    E = ts.fit_transform(Xd)
    kept = _neighbour_preservation(Xd, E)
    tsne_fig = embedding_scatter(E, yd, title=f"t-SNE of {n} digits (KL = {ts.kl_divergence_:.2f})")

    monotone = bool(np.all(np.diff(bounds) >= -1e-10))
    notes = [
        f"EM lower bound (mean log-likelihood) from {bounds[0]:.3f} to {bounds[-1]:.3f} over {len(bounds)} "
        f"iterations; never decreased: {monotone}.",
        f"Moons: k-means agrees with the true moons on {acc_km:.1%} of points, spectral clustering on "
        f"{acc_sc:.1%}.",
        f"t-SNE keeps {kept:.1%} of each digit's 10 nearest neighbours in 64-D among its 10 nearest in 2-D.",
    ]
    return Showcase(
        figures=[
            ("EM for a 3-component Gaussian mixture: from random responsibilities the 2σ ellipses "
             "find the three elongated clusters", em_fig),
            ("Two moons: k-means can only cut with a straight line; spectral clustering follows the "
             "neighbour graph", moons_fig),
            ("t-SNE of the 8×8 digits, coloured by the true digit (never seen by t-SNE)", tsne_fig),
        ],
        key_number=("moons: spectral vs k-means agreement", f"{acc_sc:.0%} vs {acc_km:.0%}"),
        notes=notes,
    )
