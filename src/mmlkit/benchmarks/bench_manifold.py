"""t-SNE of 1,000 digits against scikit-learn, each method against the same method.

Same perplexity (30), max_iter (1000), learning rate ("auto"), PCA init and
early exaggeration on both sides; quality is the trustworthiness of the
embedding with 5 neighbours (higher is better). Two rows: the exact O(n²)
gradient on both sides, and Barnes–Hut (the default of both: k-NN affinities,
a quadtree for the repulsive forces, angle 0.5). One repeat: a run lasts
seconds and is not noise dominated.
"""

from __future__ import annotations

from sklearn.manifold import TSNE as SkTSNE
from sklearn.manifold import trustworthiness

from mmlkit._bench import compare
from mmlkit.datasets import load_digits
from mmlkit.models import TSNE


def run(smoke: bool = False):
    n = 120 if smoke else 1_000
    max_iter = 250 if smoke else 1_000
    X = load_digits().data[:n]
    kw = dict(perplexity=30.0, max_iter=max_iter, init="pca", learning_rate="auto", random_state=0)

    def quality(E):
        return trustworthiness(X, E, n_neighbors=5)

    rows = [compare(f"TSNE {method}", lambda m=method: TSNE(method=m, **kw).fit_transform(X),
                    lambda m=method: SkTSNE(method=m, **kw).fit_transform(X),
                    reference_name=f"sklearn.manifold.TSNE(method='{method}')", size=f"{n} digits",
                    quality=quality, quality_name="trustworthiness(5)", repeat=1, target=1.0)
            for method in ("exact", "barnes_hut")]
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, f"ratio={row.ratio:.2f}")
