"""Synthetic data sets for demonstrations and tests.

Each generator takes ``random_state`` (int, Generator or None) and returns
``(X, y)``: float64 features (n_samples, n_features) and a target.
"""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit._validation import IncreasingPair, Interval, as_float_array, check_random_state, validate_args


def _shuffled(rng, shuffle, *arrays):
    if not shuffle:
        return arrays
    order = rng.permutation(len(arrays[0]))
    return tuple(a[order] for a in arrays)


#: constraints shared by the generators' tables
_COUNT = [Interval(numbers.Integral, 1, None)]
_AT_LEAST_0 = [Interval(numbers.Integral, 0, None)]
_NOISE = [None, Interval(numbers.Real, 0.0, None)]
_COMMON = {"shuffle": ["boolean"], "random_state": ["random_state"]}


def _check_counts(n_samples, name="n_samples", parts=None):
    """An int ≥ 1, or a sequence of ``parts`` ints ≥ 0 with a positive sum (per-part counts)."""
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        return n_samples  # checked by the generator's table
    if np.ndim(n_samples) != 1:
        raise ValueError(f"{name} must be an int or a sequence of ints, got {n_samples!r}")
    counts = list(n_samples)
    for i, c in enumerate(counts):
        if isinstance(c, bool) or not isinstance(c, numbers.Integral) or c < 0:
            raise ValueError(f"{name}[{i}] must be an int >= 0, got {c!r}")
    if parts is not None and len(counts) != parts:
        raise ValueError(f"{name} must be an int or a sequence of {parts} ints, got {n_samples!r}")
    if sum(counts) == 0:
        raise ValueError(f"{name} must ask for at least one sample, got {n_samples!r}")
    return np.asarray(counts, dtype=int)


def _split_counts(n_samples: int, parts: int) -> np.ndarray:
    counts = np.full(parts, n_samples // parts)
    counts[: n_samples % parts] += 1
    return counts


@validate_args({"n_samples": [*_COUNT, "array-like"], "n_features": _COUNT,
                "centers": [None, *_COUNT, "array-like"],
                "cluster_std": [Interval(numbers.Real, 0.0, None), "array-like"],
                "center_box": [IncreasingPair()], "return_centers": ["boolean"], **_COMMON})
def make_blobs(n_samples=100, n_features=2, centers=None, cluster_std=1.0, center_box=(-10.0, 10.0),
               shuffle=True, random_state=None, return_centers=False):
    """Isotropic Gaussian blobs: xᵢ ~ N(μ_{yᵢ}, σ²_{yᵢ} I).

    ``n_samples`` is a total split evenly over the centers, or a list of
    per-center counts. ``centers`` is a count (default 3, drawn uniformly in
    ``center_box``) or an array of shape (k, n_features).
    """
    rng = check_random_state(random_state)
    n_samples = _check_counts(n_samples)
    if isinstance(n_samples, numbers.Integral):
        if centers is None:
            centers = 3
        if isinstance(centers, numbers.Integral):
            centers = rng.uniform(center_box[0], center_box[1], size=(centers, n_features))
        else:
            centers = as_float_array(centers, "centers", ndim=2)
        counts = _split_counts(n_samples, len(centers))
    else:
        counts = n_samples
        if centers is None:
            centers = rng.uniform(center_box[0], center_box[1], size=(len(counts), n_features))
        else:
            centers = as_float_array(centers, "centers", ndim=2)
        if len(centers) != len(counts):
            raise ValueError(f"centers has {len(centers)} rows but n_samples lists {len(counts)} counts")
    std = np.broadcast_to(as_float_array(cluster_std, "cluster_std", ndim=(0, 1)), (len(centers),))
    if (std < 0).any():
        raise ValueError(f"cluster_std must be non-negative, got {cluster_std!r}")
    y = np.repeat(np.arange(len(centers)), counts)
    X = centers[y] + rng.standard_normal((len(y), centers.shape[1])) * std[y, None]
    X, y = _shuffled(rng, shuffle, X, y)
    return (X, y, centers) if return_centers else (X, y)


def _two_class_sizes(n_samples):
    """(outer, inner) sizes of a two-class generator: an int is split in halves (the outer
    one gets the odd sample), a pair is taken as it is."""
    n_samples = _check_counts(n_samples, parts=2)
    if isinstance(n_samples, numbers.Integral):
        return n_samples - n_samples // 2, n_samples // 2
    return n_samples


def _two_class_points(rng, X, n_out, n_in, noise, shuffle):
    """Label the first ``n_out`` rows 0 and the next ``n_in`` 1, add Gaussian ``noise``, shuffle."""
    y = np.r_[np.zeros(n_out, dtype=np.int64), np.ones(n_in, dtype=np.int64)]
    if noise is not None:
        X = X + rng.normal(scale=noise, size=X.shape)
    return _shuffled(rng, shuffle, X, y)


@validate_args({"n_samples": [*_COUNT, "array-like"], "noise": _NOISE, **_COMMON})
def make_moons(n_samples=100, *, shuffle=True, noise=None, random_state=None):
    """Two interleaving half circles (class 0 on top, class 1 below), with Gaussian ``noise``."""
    rng = check_random_state(random_state)
    n_out, n_in = _two_class_sizes(n_samples)
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n_in)
    X = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)], np.c_[1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]])
    return _two_class_points(rng, X, n_out, n_in, noise, shuffle)


@validate_args({"n_samples": [*_COUNT, "array-like"], "noise": _NOISE,
                "factor": [Interval(numbers.Real, 0.0, 1.0, closed="neither")], **_COMMON})
def make_circles(n_samples=100, *, shuffle=True, noise=None, random_state=None, factor=0.8):
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor`` (0 < factor < 1)."""
    rng = check_random_state(random_state)
    n_out, n_in = _two_class_sizes(n_samples)
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n_in, endpoint=False)
    X = np.vstack([np.c_[np.cos(t_out), np.sin(t_out)], factor * np.c_[np.cos(t_in), np.sin(t_in)]])
    return _two_class_points(rng, X, n_out, n_in, noise, shuffle)


@validate_args({"n_samples": _COUNT, "n_features": _COUNT, "n_informative": _AT_LEAST_0, "n_targets": _COUNT,
                "bias": [Interval(numbers.Real, None, None)], "noise": [Interval(numbers.Real, 0.0, None)],
                "coef": ["boolean"], **_COMMON})
def make_regression(n_samples=100, n_features=100, *, n_informative=10, n_targets=1, bias=0.0,
                    noise=0.0, shuffle=True, coef=False, random_state=None):
    """A linear model y = X w + b + ε with ``n_informative`` non-zero weights.

    X ~ N(0, I); the informative weights are 100·U(0, 1); ε ~ N(0, noise²).
    Returns ``(X, y)`` or ``(X, y, w)`` when ``coef`` is true.
    """
    rng = check_random_state(random_state)
    n_informative = min(n_features, n_informative)
    X = rng.standard_normal((n_samples, n_features))
    w = np.zeros((n_features, n_targets))
    w[:n_informative] = 100.0 * rng.uniform(size=(n_informative, n_targets))
    y = X @ w + bias
    if noise > 0:
        y = y + rng.normal(scale=noise, size=y.shape)
    if shuffle:
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
        cols = rng.permutation(n_features)
        X, w = X[:, cols], w[cols]
    if n_targets == 1:
        y, w = y.ravel(), w.ravel()
    return (X, y, w) if coef else (X, y)


@validate_args({"n_samples": _COUNT, "n_features": _COUNT, "n_informative": _COUNT,
                "n_redundant": _AT_LEAST_0, "n_repeated": _AT_LEAST_0,
                "n_classes": [Interval(numbers.Integral, 2, None)],
                "n_clusters_per_class": _COUNT, "weights": [None, "array-like"],
                "flip_y": [Interval(numbers.Real, 0.0, 1.0)],
                "class_sep": [Interval(numbers.Real, 0.0, None, closed="neither")], **_COMMON})
def make_classification(n_samples=100, n_features=20, *, n_informative=2, n_redundant=2, n_repeated=0,
                        n_classes=2, n_clusters_per_class=2, weights=None, flip_y=0.01, class_sep=1.0,
                        shuffle=True, random_state=None):
    """Gaussian clusters on the vertices of a hypercube, after Guyon (2003).

    Each class is ``n_clusters_per_class`` Gaussian clusters placed on vertices
    of a hypercube of side 2·``class_sep`` in the ``n_informative`` subspace,
    each given a random covariance; ``n_redundant`` features are random linear
    combinations of the informative ones, ``n_repeated`` copy columns, the rest
    is noise; a fraction ``flip_y`` of labels is reassigned at random.
    """
    if n_informative + n_redundant + n_repeated > n_features:
        raise ValueError("n_informative + n_redundant + n_repeated must be <= n_features")
    if n_classes * n_clusters_per_class > 2**n_informative:
        raise ValueError("n_classes * n_clusters_per_class must be <= 2**n_informative")
    rng = check_random_state(random_state)
    n_clusters = n_classes * n_clusters_per_class
    if weights is None:
        weights = np.full(n_classes, 1.0 / n_classes)
    weights = as_float_array(weights, "weights", ndim=1)
    if len(weights) != n_classes or (weights < 0).any() or weights.sum() == 0:
        raise ValueError(f"weights must hold {n_classes} non-negative class proportions")
    cluster_share = np.repeat(weights / weights.sum(), n_clusters_per_class) / n_clusters_per_class
    counts = np.floor(cluster_share * n_samples).astype(int)
    counts[: n_samples - counts.sum()] += 1
    # distinct hypercube vertices, one per cluster
    vertex_ids = rng.choice(2**n_informative, size=n_clusters, replace=False)
    bits = (vertex_ids[:, None] >> np.arange(n_informative)) & 1
    centroids = (2.0 * bits - 1.0) * class_sep
    X = np.zeros((n_samples, n_features))
    y = np.repeat(np.arange(n_clusters) % n_classes, counts)
    cluster_of = np.repeat(np.arange(n_clusters), counts)
    informative = rng.standard_normal((n_samples, n_informative))
    for k in range(n_clusters):  # loop over clusters (few), not samples
        rows = cluster_of == k
        A = 2.0 * rng.uniform(size=(n_informative, n_informative)) - 1.0
        informative[rows] = informative[rows] @ A + centroids[k]
    X[:, :n_informative] = informative
    if n_redundant:
        B = 2.0 * rng.uniform(size=(n_informative, n_redundant)) - 1.0
        X[:, n_informative:n_informative + n_redundant] = informative @ B
    if n_repeated:
        n_used = n_informative + n_redundant
        src = rng.integers(0, n_used, size=n_repeated)
        X[:, n_used:n_used + n_repeated] = X[:, src]
    n_useful = n_informative + n_redundant + n_repeated
    X[:, n_useful:] = rng.standard_normal((n_samples, n_features - n_useful))
    if flip_y > 0:
        flip = rng.uniform(size=n_samples) < flip_y
        y[flip] = rng.integers(0, n_classes, size=flip.sum())
    if shuffle:
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
        X = X[:, rng.permutation(n_features)]
    return X, y


@validate_args({"n_samples": _COUNT, "noise": [Interval(numbers.Real, 0.0, None)],
                "random_state": ["random_state"], "hole": ["boolean"]})
def make_swiss_roll(n_samples=100, *, noise=0.0, random_state=None, hole=False):
    """The swiss roll: t ~ U(1.5π, 4.5π), x = (t cos t, 21·U(0,1), t sin t) + noise; returns (X, t).

    Take columns 0 and 2 for the 2-D roll used by the diffusion showcase.
    """
    rng = check_random_state(random_state)
    t = 1.5 * np.pi * (1 + 2 * rng.uniform(size=n_samples))
    height = 21 * rng.uniform(size=n_samples)
    if hole:
        keep = ~((t > 2.5 * np.pi) & (t < 3.5 * np.pi) & (height > 7) & (height < 14))
        t, height = t[keep], height[keep]
    X = np.c_[t * np.cos(t), height, t * np.sin(t)]
    if noise:
        X = X + noise * rng.standard_normal(X.shape)
    return X, t
