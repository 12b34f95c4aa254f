"""Oracle tolerances from error bounds, not from one machine's rounding.

Two implementations of the same mathematics (ours and an oracle) agree only to
the error each makes, and that error depends on the CPU's kernels (FMA or not,
vector width, BLAS blocking and summation order). A tolerance is therefore
written as the bound of the algorithms' error analysis, with a safety factor
of 16-64 over the bound's constant, never as the difference one CPU happened to
give. ``eps`` is the unit roundoff of float64 (2.2e-16).

Imported as ``from _tolerances import ...``: ``tests/conftest.py`` puts this
folder on ``sys.path`` (the suite runs with ``--import-mode=importlib``).
"""

import numpy as np

EPS = np.finfo(np.float64).eps


def label_margin(scores, labels):
    """How far each sample is from a tie: best score − second best (scores larger = better).

    ``labels`` are the chosen column indices. Exact equality of labels from two
    implementations is only a fact of the data when every margin exceeds both
    implementations' rounding error on the scores.
    """
    scores = np.asarray(scores, dtype=float)
    top2 = np.sort(scores, axis=1)[:, -2:]
    assert np.array_equal(np.take_along_axis(scores, np.asarray(labels)[:, None], 1)[:, 0], top2[:, 1])
    return top2[:, 1] - top2[:, 0]


def assert_within(actual, desired, tol):
    """|actual − desired| ≤ tol elementwise, ``tol`` an array of per-element bounds
    (``np.testing.assert_allclose`` takes only a scalar atol)."""
    actual, desired = np.asarray(actual, dtype=float), np.asarray(desired, dtype=float)
    err = np.abs(actual - desired)
    bad = ~(err <= tol)
    assert not bad.any(), (f"{bad.sum()} of {bad.size} elements off by more than their bound; "
                           f"worst error/bound = {np.max(err / np.broadcast_to(tol, err.shape)):.3g}")
