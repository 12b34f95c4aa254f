"""W6 KMeans k=10 on 100,000×20 and W16 SpectralClustering on 3,000 moons, against scikit-learn.

Same data, same n_init / max_iter / tol on both sides, each library's default
algorithm unless a row names one; quality is the inertia (lower is better) and
the adjusted Rand index against the true moons.
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
    repeat = 1 if smoke else 5   # each fit is a fraction of a second: five turns each steady the minimum
    n = 2_000 if smoke else 100_000
    # Overlapping blobs (std 4 around centres in [-10, 10]^20): Lloyd needs a few dozen iterations.
    X, _ = make_blobs(n, n_features=20, centers=10, cluster_std=4.0, random_state=0)
    # Lloyd's iterations alone, from the same initial centres: identical result on both
    # sides. Our default computes them with Hamerly's bounds; plain Lloyd is shown too,
    # and against scikit-learn's own bounded variant (Elkan's).
    init = X[np.random.default_rng(1).choice(n, 10, replace=False)]
    kw = dict(init=init, max_iter=300, tol=1e-4)
    rows = []
    for ours_alg, ref_alg, target in (("hamerly", "lloyd", 1.0), ("lloyd", "lloyd", None),
                                      ("hamerly", "elkan", None)):
        rows.append(compare(
            f"KMeans k=10 from the same init ({ours_alg} vs {ref_alg})",
            lambda a=ours_alg: KMeans(10, algorithm=a, **kw).fit(X),
            lambda a=ref_alg: skc.KMeans(10, n_init=1, algorithm=a, **kw).fit(X),
            reference_name="sklearn.cluster.KMeans", size=f"{n}x20",
            quality=lambda m: m.inertia_, quality_name="inertia", higher_is_better=False,
            repeat=repeat, target=target))
    # The whole estimator: k-means++ seeding (each side its own random stream) and Lloyd.
    kw_pp = dict(n_init=10, max_iter=300, tol=1e-4, random_state=0)
    rows.append(compare(
        "KMeans k=10 (k-means++, n_init=10)",
        lambda: KMeans(10, **kw_pp).fit(X),
        lambda: skc.KMeans(10, **kw_pp).fit(X),
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
