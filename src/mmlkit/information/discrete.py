"""Entropy, divergences and mutual information of discrete distributions.

Conventions: ``0 · log 0 = 0``; ``p log(p / 0) = ∞`` for ``p > 0``; results
are in nats unless ``base`` is given (``base=2`` gives bits). Probability
vectors lie along ``axis`` (default: the last), so a batch of distributions
is one call.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy.special import entr, rel_entr, xlogy

from mmlkit._validation import Interval, as_float_array, check_consistent_length, validate_args

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "joint_entropy",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
]


#: ``base``: a logarithm base, positive and not 1 (or None for nats); ``axis``: an axis index.
_BASE = {"base": [Interval(numbers.Real, 0, 1, closed="neither"), Interval(numbers.Real, 1, None, closed="neither"),
                  None]}
_AXIS = {"axis": [Interval(numbers.Integral, None, None)]}


def _log_base(base) -> float:
    """The divisor that turns nats into units of ``base`` (1 for nats); ``base`` checked by ``_BASE``."""
    return 1.0 if base is None else math.log(base)


def _probabilities(p, name: str, axis: int, atol: float = 1e-8) -> np.ndarray:
    p = as_float_array(p, name)
    if p.ndim == 0:
        raise ValueError(f"{name} must be an array of probabilities, got a scalar")
    # entries may exceed 1 by rounding (a marginal of a normalised table sums to 1 + 1 ulp): the same
    # tolerance as the sums
    if (p < 0).any() or (p > 1 + atol).any():
        raise ValueError(f"{name} must contain probabilities in [0, 1]")
    try:
        sums = p.sum(axis=axis)
    except np.exceptions.AxisError:
        raise ValueError(f"axis={axis} is out of range for {name} of shape {p.shape}") from None
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"{name} must sum to 1 along axis {axis}, got sums {np.round(sums, 6)}")
    return p


def _pair(p, q, axis):
    p = _probabilities(p, "p", axis)
    q = _probabilities(q, "q", axis)
    try:
        np.broadcast_shapes(p.shape, q.shape)
    except ValueError:
        raise ValueError(f"p and q must have broadcastable shapes, got {p.shape} and {q.shape}") from None
    return p, q


@validate_args({**_BASE, **_AXIS})
def entropy(p, base=None, *, axis: int = -1):
    """Shannon entropy H(p) of a discrete distribution.

    Parameters
    ----------
    p : array_like of shape (..., k, ...)
        Probabilities, summing to 1 along ``axis``.
    base : float, optional
        Logarithm base; ``None`` (natural log, nats) by default, 2 for bits.
    axis : int, default=-1
        The axis holding each distribution.

    Returns
    -------
    float or ndarray
        The entropy of each distribution (the input shape without ``axis``).

    Notes
    -----
    ``H(p) = −Σᵢ pᵢ log pᵢ`` with ``0 log 0 = 0``; ``0 ≤ H(p) ≤ log k``,
    with equality on the right exactly for the uniform distribution. O(k).

    Examples
    --------
    >>> entropy([0.5, 0.5], base=2)
    1.0
    """
    p = _probabilities(p, "p", axis)
    h = entr(p).sum(axis=axis) / _log_base(base)
    return h if np.ndim(h) else float(h)


@validate_args({**_BASE, **_AXIS})
def cross_entropy(p, q, base=None, *, axis: int = -1):
    """Cross-entropy H(p, q): the expected code length under q of symbols drawn from p.

    Parameters
    ----------
    p, q : array_like of shape (..., k, ...)
        Probability vectors along ``axis`` (shapes broadcast).
    base : float, optional
        Logarithm base (nats when None).
    axis : int, default=-1
        The axis holding each distribution.

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``H(p, q) = −Σᵢ pᵢ log qᵢ = H(p) + KL(p ‖ q)``; ``∞`` when some
    ``qᵢ = 0 < pᵢ``. It is the log-loss of a classifier predicting q for
    labels distributed as p. O(k).

    Examples
    --------
    >>> round(cross_entropy([1.0, 0.0], [0.5, 0.5], base=2), 12)
    1.0
    """
    p, q = _pair(p, q, axis)
    h = -xlogy(p, q).sum(axis=axis) / _log_base(base)
    return h if np.ndim(h) else float(h)


@validate_args({**_BASE, **_AXIS})
def kl_divergence(p, q, base=None, *, axis: int = -1):
    """Kullback–Leibler divergence KL(p ‖ q).

    Parameters
    ----------
    p, q : array_like of shape (..., k, ...)
        Probability vectors along ``axis`` (shapes broadcast).
    base : float, optional
        Logarithm base (nats when None).
    axis : int, default=-1
        The axis holding each distribution.

    Returns
    -------
    float or ndarray
        ``inf`` where some ``qᵢ = 0 < pᵢ``.

    Notes
    -----
    ``KL(p ‖ q) = Σᵢ pᵢ log(pᵢ / qᵢ)`` with ``0 log(0/q) = 0``. By Gibbs'
    inequality KL ≥ 0 with equality iff p = q; it is not symmetric. O(k).

    Examples
    --------
    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1]), 6)
    0.510826
    """
    p, q = _pair(p, q, axis)
    # KL ≥ 0 (Gibbs); a sum of terms of both signs can round to −1e-17 when p ≈ q
    d = np.maximum(rel_entr(p, q).sum(axis=axis), 0.0) / _log_base(base)
    return d if np.ndim(d) else float(d)


@validate_args({**_BASE, **_AXIS})
def js_divergence(p, q, base=None, *, axis: int = -1):
    """Jensen–Shannon divergence: the symmetrised, bounded KL divergence.

    Parameters
    ----------
    p, q : array_like of shape (..., k, ...)
        Probability vectors along ``axis`` (shapes broadcast).
    base : float, optional
        Logarithm base (nats when None); in bits JS ∈ [0, 1].
    axis : int, default=-1
        The axis holding each distribution.

    Returns
    -------
    float or ndarray

    Notes
    -----
    ``JS(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m)`` with ``m = ½(p + q)``. It is
    symmetric, finite (≤ log 2) and its square root is a metric (SciPy's
    ``jensenshannon`` returns that square root). O(k).

    Examples
    --------
    >>> js_divergence([1.0, 0.0], [0.0, 1.0], base=2)
    1.0
    """
    p, q = _pair(p, q, axis)
    m = 0.5 * (p + q)
    d = 0.5 * np.maximum(rel_entr(p, m).sum(axis=axis) + rel_entr(q, m).sum(axis=axis), 0.0) / _log_base(base)
    return d if np.ndim(d) else float(d)


def _check_labels(arr: np.ndarray, name: str) -> None:
    """Reject NaN (a missing label: NaN ≠ NaN, so each would count as its own class) and infinities."""
    if arr.dtype.kind in "fc":
        bad = not np.isfinite(arr).all()
    elif arr.dtype == object:
        bad = any(isinstance(v, float) and not math.isfinite(v) for v in arr)
    else:
        return
    if bad:
        raise ValueError(f"{name} must hold discrete labels, but it contains NaN or infinity")


def _joint(joint_or_x, y, name="joint"):
    """A 2-D joint probability table, from a table or from two paired samples."""
    if y is None:
        joint = as_float_array(joint_or_x, name, ndim=2)
        if (joint < 0).any() or not np.isclose(joint.sum(), 1.0, rtol=0.0, atol=1e-8):
            raise ValueError(f"{name} must be a joint probability table: non-negative entries summing to 1")
        return joint
    x, y = np.asarray(joint_or_x), np.asarray(y)
    for arr, nm in ((x, f"{name} (the sample of X)"), (y, "y")):
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{nm} must be a non-empty 1-D sample of discrete values, got shape {arr.shape}")
        _check_labels(arr, nm)
    check_consistent_length((x, "x"), (y, "y"))
    _, xi = np.unique(x, return_inverse=True)
    _, yi = np.unique(y, return_inverse=True)
    nx, ny = xi.max() + 1, yi.max() + 1
    counts = np.bincount(xi * ny + yi, minlength=nx * ny).reshape(nx, ny)
    return counts / x.size


@validate_args(_BASE)
def joint_entropy(joint, y=None, base=None):
    """Joint entropy H(X, Y) from a joint table or from two paired discrete samples.

    Parameters
    ----------
    joint : array_like of shape (n_x, n_y), or of shape (n,)
        ``joint[i, j] = Pr(X = i, Y = j)``; or, when ``y`` is given, the sample of X.
    y : array_like of shape (n,), optional
        The sample of Y, paired with ``joint`` (the empirical joint is used).
    base : float, optional
        Logarithm base (nats when None).

    Returns
    -------
    float

    Notes
    -----
    ``H(X, Y) = −Σᵢⱼ p(i, j) log p(i, j)``. O(n_x n_y) (plus O(n log n) to
    tabulate samples).
    """
    P = _joint(joint, y)
    return float(entr(P).sum() / _log_base(base))


@validate_args(_BASE)
def conditional_entropy(joint, y=None, base=None):
    """Conditional entropy H(Y | X): the uncertainty left in Y once X is known.

    Parameters
    ----------
    joint : array_like of shape (n_x, n_y), or of shape (n,)
        ``joint[i, j] = Pr(X = i, Y = j)`` (rows are X); or, when ``y`` is
        given, the sample of X.
    y : array_like of shape (n,), optional
        The sample of Y, paired with ``joint``.
    base : float, optional
        Logarithm base (nats when None).

    Returns
    -------
    float

    Notes
    -----
    ``H(Y | X) = −Σᵢⱼ p(i, j) log p(j | i) = H(X, Y) − H(X)``; 0 when Y is a
    function of X, H(Y) when they are independent. O(n_x n_y).

    Examples
    --------
    >>> conditional_entropy([[0.5, 0.0], [0.0, 0.5]])
    0.0
    """
    P = _joint(joint, y)
    px = P.sum(axis=1, keepdims=True)
    # p(i, j) log(p(i, j) / p(i)) is rel_entr(p(i, j), p(i)); H(Y|X) is minus its sum
    return float(max(0.0, -rel_entr(P, px).sum()) / _log_base(base))


@validate_args(_BASE)
def mutual_information(joint, y=None, base=None):
    """Mutual information I(X; Y) from a joint table or from two paired discrete samples.

    Parameters
    ----------
    joint : array_like of shape (n_x, n_y), or of shape (n,)
        ``joint[i, j] = Pr(X = i, Y = j)``; or, when ``y`` is given, the
        sample of X (any hashable discrete labels).
    y : array_like of shape (n,), optional
        The sample of Y, paired with ``joint``; the empirical (plug-in)
        joint distribution is used.
    base : float, optional
        Logarithm base (nats when None).

    Returns
    -------
    float
        ``I(X; Y) ≥ 0``, with equality iff X and Y are independent.

    Notes
    -----
    ``I(X; Y) = Σᵢⱼ p(i, j) log[p(i, j) / (p(i) p(j))] = KL(p_XY ‖ p_X ⊗ p_Y)
    = H(Y) − H(Y | X)``. From samples this is the plug-in estimate (as
    scikit-learn's ``mutual_info_score``), biased upwards for small n.
    O(n_x n_y).

    Examples
    --------
    >>> round(mutual_information([0, 0, 1, 1], [0, 0, 1, 1], base=2), 12)
    1.0
    """
    P = _joint(joint, y)
    px, py = P.sum(axis=1, keepdims=True), P.sum(axis=0, keepdims=True)
    # log p(i,j) − log p(i) − log p(j), not log of the product p(i) p(j), which underflows for tiny margins
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(P > 0, P * (np.log(P) - np.log(px) - np.log(py)), 0.0)
    return float(max(0.0, terms.sum()) / _log_base(base))
