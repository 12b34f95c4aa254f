"""W7 GaussianMixture k=5, full covariances, on 20,000×10, against scikit-learn.

Same data and the same n_init / max_iter / tol / reg_covar on both sides; quality is
the mean log-likelihood of the training data (higher is better). Two rows: EM from
the same initial parameters (identical work), and the whole estimator with its
k-means initialisation (each side its own k-means).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from mmlkit._bench import compare
from mmlkit.datasets import make_blobs
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models import GaussianMixture


def _quiet(fit):
    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return fit()
    return run


def run(smoke: bool = False):
    repeat = 1 if smoke else 3
    n = 1_000 if smoke else 20_000
    # Overlapping anisotropic blobs, so EM has real work to do.
    X, _ = make_blobs(n, n_features=10, centers=5, cluster_std=3.0, random_state=0)
    X = X @ np.random.default_rng(0).normal(size=(10, 10))
    kw = dict(covariance_type="full", tol=1e-3, max_iter=100, reg_covar=1e-6)
    # A deliberately plain start: equal weights, five data rows as means, the data precision.
    means = X[np.random.default_rng(1).choice(n, 5, replace=False)]
    precision = np.linalg.inv(np.cov(X.T))
    init = dict(weights_init=np.full(5, 0.2), means_init=means, precisions_init=np.stack([precision] * 5))
    rows = [compare(
        "GaussianMixture k=5 full (EM from the same init)",
        _quiet(lambda: GaussianMixture(5, **kw, **init).fit(X)),
        _quiet(lambda: SkGaussianMixture(5, **kw, **init).fit(X)),
        reference_name="sklearn.mixture.GaussianMixture", size=f"{n}x10",
        quality=lambda m: m.score(X), quality_name="mean log-likelihood",
        repeat=repeat, target=1.0)]
    rows.append(compare(
        "GaussianMixture k=5 full (k-means init, n_init=1)",
        _quiet(lambda: GaussianMixture(5, random_state=0, **kw).fit(X)),
        _quiet(lambda: SkGaussianMixture(5, random_state=0, **kw).fit(X)),
        reference_name="sklearn.mixture.GaussianMixture", size=f"{n}x10",
        quality=lambda m: m.score(X), quality_name="mean log-likelihood",
        repeat=repeat, target=1.0))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, f"ratio={row.ratio:.2f}")
