"""Real data shipped inside the package, and synthetic data generators.

Loaders read package files (no network) and return a :class:`Dataset`;
generators take ``random_state`` and return ``(X, y)``.
"""

from mmlkit.datasets._generators import (
    make_blobs,
    make_circles,
    make_classification,
    make_moons,
    make_regression,
    make_swiss_roll,
)
from mmlkit.datasets._loaders import (
    Dataset,
    Graph,
    load_breast_cancer,
    load_digits,
    load_iris,
    load_karate_club,
    load_wine,
)

__all__ = [
    "Dataset", "Graph", "load_breast_cancer", "load_digits", "load_iris", "load_karate_club", "load_wine",
    "make_blobs", "make_circles", "make_classification", "make_moons", "make_regression", "make_swiss_roll",
]
