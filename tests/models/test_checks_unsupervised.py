"""scikit-learn's estimator checks for the unsupervised models (mixture, cluster, manifold)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from mmlkit.models import TSNE, GaussianMixture, KMeans, SpectralClustering

# Small settings keep the suite fast; the checks use a few dozen samples, so t-SNE
# needs a perplexity below that (scikit-learn's own checks use the same values).
ESTIMATORS = [
    GaussianMixture(n_init=2, max_iter=5),
    GaussianMixture(covariance_type="diag", n_init=2, max_iter=5),
    KMeans(n_clusters=2, n_init=2, max_iter=5),
    SpectralClustering(n_clusters=2, n_init=2),
    SpectralClustering(n_clusters=2, affinity="nearest_neighbors", n_neighbors=5, n_init=2),
    TSNE(perplexity=2, max_iter=250),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check, monkeypatch):
    # The array-API check (run with NumPy inputs for estimators without array-API
    # support) is skipped unless this variable is set; set it for this check only.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)
