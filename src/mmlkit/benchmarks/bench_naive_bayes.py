"""W9: GaussianNB fit + predict against scikit-learn, same data, one process."""

from __future__ import annotations

import numpy as np

from mmlkit._bench import compare
from mmlkit.datasets import make_classification


def run(smoke: bool = False):
    from sklearn.naive_bayes import GaussianNB as SkGaussianNB

    from mmlkit.models import GaussianNB

    n, d = (5_000, 10) if smoke else (100_000, 50)
    X, y = make_classification(n, d, n_informative=d // 2, n_classes=3, random_state=0)
    return [compare(
        "GaussianNB (fit + predict)",
        lambda: GaussianNB().fit(X, y).predict(X),
        lambda: SkGaussianNB().fit(X, y).predict(X),
        reference_name="sklearn.naive_bayes.GaussianNB",
        size=f"{n}x{d}",
        quality=lambda pred: float(np.mean(pred == y)),
        quality_name="training accuracy",
        higher_is_better=True,
        repeat=1 if smoke else 3,
        target=1.0,
    )]


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:34s} {row.size:12s} ours {row.ours_s:8.3f}s  ref {row.ref_s:8.3f}s  "
              f"ratio {row.ratio:5.2f} (target {row.target})  quality {row.ours_quality:.6f} vs {row.ref_quality:.6f}")
