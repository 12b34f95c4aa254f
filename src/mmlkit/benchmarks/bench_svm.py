"""W8: SVC (rbf) against scikit-learn's libsvm, fit and predict.

Rows (target ratio ours / scikit-learn ≤ 1.0):

- W8 SVC rbf fit, 5,000 × 20 (``make_classification``, C = 1, gamma = "scale",
  tol = 1e-3, both with a 200 MB kernel cache and shrinking).
- W8 SVC rbf predict, 5,000 training points, 5,000 queries.

libsvm is C++; ours is SMO with every iteration one set of O(n) vectorised
NumPy operations and kernel rows computed on demand into an LRU cache.
Quality: held-out accuracy (higher is better). Both sides on one thread (one BLAS
thread, none of mmlkit's row-block threads).
"""

from __future__ import annotations

import numpy as np

from mmlkit._bench import compare

THREADS = 1


def run(smoke: bool = False):
    from threadpoolctl import threadpool_limits

    from mmlkit._threads import limit

    # Like for like: one BLAS thread on both sides, and no row-block threads of ours.
    with threadpool_limits(limits=THREADS, user_api="blas"), limit(THREADS):
        return _rows(smoke)


def _rows(smoke):
    from sklearn.svm import SVC as SkSVC

    from mmlkit.datasets import make_classification
    from mmlkit.models import SVC

    n, d = (300, 20) if smoke else (5000, 20)
    X, y = make_classification(2 * n, d, n_informative=5, random_state=0)
    Xtr, ytr, Xte, yte = X[:n], y[:n], X[n:], y[n:]
    repeat = 1 if smoke else 5   # each fit is a fraction of a second: five turns each steady the minimum
    accuracy = lambda model: float(np.mean(model.predict(Xte) == yte))  # noqa: E731
    rows = [compare("W8 SVC rbf fit", lambda: SVC().fit(Xtr, ytr), lambda: SkSVC().fit(Xtr, ytr),
                    reference_name="sklearn SVC (libsvm)", size=f"{n}×{d}", quality=accuracy,
                    quality_name="test accuracy", repeat=repeat, target=1.0)]
    ours, ref = SVC().fit(Xtr, ytr), SkSVC().fit(Xtr, ytr)
    rows.append(compare("W8 SVC rbf predict", lambda: ours.predict(Xte), lambda: ref.predict(Xte),
                        reference_name="sklearn SVC (libsvm)", size=f"train {n}×{d}, {n} queries",
                        quality=lambda pred: float(np.mean(pred == yte)), quality_name="test accuracy",
                        repeat=repeat, target=1.0))
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:25s} {row.size:32s} ours {row.ours_s:8.3f}s  ref {row.ref_s:8.3f}s  "
              f"ratio {row.ratio:5.2f}  {row.quality_name}: {row.ours_quality:.4f} vs {row.ref_quality:.4f}")
