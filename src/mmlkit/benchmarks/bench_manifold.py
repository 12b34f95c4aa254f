"""t-SNE of 1,000 digits against scikit-learn, exact gradient on both sides and vs Barnes–Hut.

Same perplexity (30), max_iter (1000), learning rate ("auto"), PCA init and
early exaggeration on both sides; quality is the trustworthiness of the
embedding with 5 neighbours (higher is better). scikit-learn's default method
is Barnes–Hut (O(n log n) per iteration, approximate), so it is reported as a
second reference. One repeat: a run lasts seconds and is not noise dominated.
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

    ours = lambda: TSNE(**kw).fit_transform(X)  # noqa: E731
    rows = [compare("TSNE exact", ours, lambda: SkTSNE(method="exact", **kw).fit_transform(X),
                    reference_name="sklearn.manifold.TSNE(method='exact')", size=f"{n} digits",
                    quality=quality, quality_name="trustworthiness(5)", repeat=1, target=1.0)]
    rows.append(compare("TSNE exact vs Barnes-Hut", ours, lambda: SkTSNE(**kw).fit_transform(X),
                        reference_name="sklearn.manifold.TSNE (barnes_hut)", size=f"{n} digits",
                        quality=quality, quality_name="trustworthiness(5)", repeat=1, target=1.0))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, f"ratio={row.ratio:.2f}")
