"""W6 KMeans k=10 on 100,000×20 and W16 SpectralClustering on 3,000 moons, against scikit-learn.

Same data, same n_init / max_iter / tol on both sides; quality is the inertia
(lower is better) and the adjusted Rand index against the true moons.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn import cluster as skc
from sklearn.metrics import adjusted_rand_score

from mmlkit._bench import compare
from mmlkit.datasets import make_blobs, make_moons
from mmlkit.models import KMeans, SpectralClustering


def run(smoke: bool = False):
    repeat = 1 if smoke else 3
    n = 2_000 if smoke else 100_000
    # Overlapping blobs (std 4 around centres in [-10, 10]^20): Lloyd needs a few dozen iterations.
    X, _ = make_blobs(n, n_features=20, centers=10, cluster_std=4.0, random_state=0)
    # Lloyd alone, from the same initial centres: identical work and result on both sides.
    init = X[np.random.default_rng(1).choice(n, 10, replace=False)]
    rows = [compare(
        "KMeans k=10 (Lloyd from the same init)",
        lambda: KMeans(10, init=init, max_iter=300, tol=1e-4).fit(X),
        lambda: skc.KMeans(10, init=init, n_init=1, max_iter=300, tol=1e-4).fit(X),
        reference_name="sklearn.cluster.KMeans", size=f"{n}x20",
        quality=lambda m: m.inertia_, quality_name="inertia", higher_is_better=False,
        repeat=repeat, target=1.0)]
    # The whole estimator: k-means++ seeding (each side its own random stream) and Lloyd.
    kw = dict(n_init=10, max_iter=300, tol=1e-4, random_state=0)
    rows.append(compare(
        "KMeans k=10 (k-means++, n_init=10)",
        lambda: KMeans(10, **kw).fit(X),
        lambda: skc.KMeans(10, algorithm="lloyd", **kw).fit(X),
        reference_name="sklearn.cluster.KMeans", size=f"{n}x20",
        quality=lambda m: m.inertia_, quality_name="inertia", higher_is_better=False,
        repeat=min(repeat, 2), target=1.0))

    m = 300 if smoke else 3_000
    Xm, ym = make_moons(m, noise=0.05, random_state=0)
    for affinity in ("nearest_neighbors", "rbf"):
        kw = dict(affinity=affinity, gamma=1.0, n_neighbors=10, n_init=10, random_state=0)

        def reference(kw=kw):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # "graph is not fully connected"
                return skc.SpectralClustering(2, **kw).fit(Xm)

        rows.append(compare(
            f"SpectralClustering ({affinity})",
            lambda kw=kw: SpectralClustering(2, **kw).fit(Xm), reference,
            reference_name="sklearn.cluster.SpectralClustering", size=f"{m} moons",
            quality=lambda model: adjusted_rand_score(ym, model.labels_), quality_name="ARI",
            repeat=repeat, target=1.0))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, f"ratio={row.ratio:.2f}")
