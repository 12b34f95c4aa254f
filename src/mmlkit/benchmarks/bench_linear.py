"""W2–W4: LogisticRegression (L2, lbfgs), Ridge and Lasso against scikit-learn, same data, one process."""

from __future__ import annotations

import numpy as np

from mmlkit._bench import compare
from mmlkit.datasets import make_classification, make_regression


def _logistic(smoke):
    from sklearn.linear_model import LogisticRegression as SkLogistic

    from mmlkit.models import LogisticRegression
    from mmlkit.models.logistic import logistic_objective

    n, d = (2_000, 20) if smoke else (50_000, 100)
    X, y = make_classification(n, d, n_informative=d // 2, n_redundant=d // 10, flip_y=0.05, random_state=0)
    return compare(
        "LogisticRegression (L2, lbfgs)",
        lambda: LogisticRegression(C=1.0, max_iter=1000).fit(X, y),
        lambda: SkLogistic(C=1.0, max_iter=1000).fit(X, y),
        reference_name="sklearn.linear_model.LogisticRegression",
        size=f"{n}x{d}",
        quality=lambda m: logistic_objective(X, y, m.coef_, m.intercept_, 1.0, "l2"),
        quality_name="objective C·Σℓ + ½‖w‖²",
        higher_is_better=False,
        repeat=1 if smoke else 3,
        target=1.0,
    )


def _ridge(smoke):
    from sklearn.linear_model import Ridge as SkRidge

    from mmlkit.models import Ridge

    n, d = (5_000, 20) if smoke else (200_000, 200)
    X, y = make_regression(n, d, n_informative=d // 2, noise=5.0, random_state=0)

    def objective(m):
        r = y - m.predict(X)
        return float(r @ r + 1.0 * m.coef_ @ m.coef_)

    return compare(
        "Ridge (cholesky)",
        lambda: Ridge(alpha=1.0).fit(X, y),
        lambda: SkRidge(alpha=1.0).fit(X, y),
        reference_name="sklearn.linear_model.Ridge",
        size=f"{n}x{d}",
        quality=objective,
        quality_name="objective ‖y−Xw−b‖² + α‖w‖²",
        higher_is_better=False,
        repeat=1 if smoke else 3,
        target=1.0,
    )


def _lasso(smoke):
    from sklearn.linear_model import Lasso as SkLasso

    from mmlkit.models import Lasso
    from mmlkit.models.coordinate_descent import enet_objective

    n, d = (1_000, 50) if smoke else (10_000, 500)
    X, y = make_regression(n, d, n_informative=d // 10, noise=10.0, random_state=0)
    alpha = 1.0
    return compare(
        "Lasso (coordinate descent)",
        lambda: Lasso(alpha=alpha).fit(X, y),
        lambda: SkLasso(alpha=alpha).fit(X, y),
        reference_name="sklearn.linear_model.Lasso",
        size=f"{n}x{d}",
        quality=lambda m: enet_objective(X, y, m.coef_, m.intercept_, alpha, 1.0),
        quality_name="objective (1/2n)‖r‖² + α‖w‖₁",
        higher_is_better=False,
        repeat=1 if smoke else 7,   # a fit takes tens of milliseconds: more turns steady the minimum
        target=1.0,
    )


def run(smoke: bool = False):
    np.seterr(all="ignore")
    return [_logistic(smoke), _ridge(smoke), _lasso(smoke)]


if __name__ == "__main__":
    for row in run():
        print(f"{row.name:34s} {row.size:12s} ours {row.ours_s:8.3f}s  ref {row.ref_s:8.3f}s  "
              f"ratio {row.ratio:5.2f} (target {row.target})  "
              f"quality {row.ours_quality:.10g} vs {row.ref_quality:.10g}")
