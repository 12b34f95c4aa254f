"""Random train/test splits, optionally stratified."""

from __future__ import annotations

import math
import numbers

import numpy as np

from mmlkit._validation import check_random_state

__all__ = ["train_test_split"]


def _n_train_test(n, test_size, train_size):
    """scikit-learn's sizing: float test → ceil(t·n), float train → floor(s·n), ints as given."""
    if test_size is None and train_size is None:
        test_size = 0.25
    for name, size in (("test_size", test_size), ("train_size", train_size)):
        if size is None:
            continue
        if isinstance(size, bool) or not isinstance(size, numbers.Real):
            raise ValueError(f"{name} must be a float in (0, 1) or an int in [1, n_samples), got {size!r}")
        if isinstance(size, numbers.Integral):
            if not 0 < size < n:
                raise ValueError(f"{name}={size} must be an int in [1, {n - 1}] for n_samples={n}")
        elif not 0.0 < size < 1.0:
            raise ValueError(f"{name}={size} must be a float in the open interval (0, 1)")
    if (isinstance(test_size, float) and isinstance(train_size, float) and test_size + train_size > 1.0):
        raise ValueError(f"test_size + train_size = {test_size + train_size} must be <= 1")
    n_test = None if test_size is None else (
        math.ceil(test_size * n) if isinstance(test_size, float) else int(test_size))
    n_train = None if train_size is None else (
        math.floor(train_size * n) if isinstance(train_size, float) else int(train_size))
    if n_train is None:
        n_train = n - n_test
    if n_test is None:
        n_test = n - n_train
    if n_train + n_test > n:
        raise ValueError(f"train ({n_train}) and test ({n_test}) sizes exceed n_samples={n}")
    if n_train == 0 or n_test == 0:
        raise ValueError(f"with n_samples={n}, test_size={test_size} and train_size={train_size} one of "
                         "the sets would be empty; adjust the sizes")
    return n_train, n_test


def _approximate_mode(counts, n_draws, rng):
    """Integer allocation of ``n_draws`` proportional to ``counts`` (largest remainders, random ties).

    Never allocates more than a class has.
    """
    continuous = counts * (n_draws / counts.sum())
    floored = np.floor(continuous).astype(np.int64)
    need = n_draws - int(floored.sum())
    if need > 0:
        remainder = continuous - floored
        # Break ties at random: shuffle, then order by remainder (stable).
        perm = rng.permutation(counts.size)
        order = perm[np.argsort(-remainder[perm], kind="stable")]
        room = order[floored[order] < counts[order]]
        floored[room[:need]] += 1
    return floored


def _take(a, idx):
    if hasattr(a, "iloc"):
        return a.iloc[idx]
    if hasattr(a, "shape"):
        return a[idx]
    return [a[i] for i in idx]


def train_test_split(*arrays, test_size=None, train_size=None, random_state=None, shuffle=True, stratify=None):
    """Split arrays into random train and test subsets.

    Parameters
    ----------
    *arrays : sequence of array_like, each of length n_samples
        Lists, NumPy arrays, SciPy sparse matrices or pandas objects.
    test_size : float or int, optional
        Fraction (0, 1) of the samples (rounded up) or a count. Default 0.25
        when ``train_size`` is also None, else the complement.
    train_size : float or int, optional
        Fraction (rounded down) or count; default the complement of the test set.
    random_state : int, Generator or None, default=None
    shuffle : bool, default=True
        Shuffle before splitting; ``False`` takes the first n_train samples.
    stratify : array_like of shape (n_samples,), optional
        Class labels: each class keeps its proportion in both sets (up to
        rounding by largest remainders).

    Returns
    -------
    list of length 2·len(arrays)
        ``[a_train, a_test, b_train, b_test, ...]``.

    Notes
    -----
    Sizes follow scikit-learn (n_test = ⌈t·n⌉, n_train = ⌊s·n⌋). With
    ``stratify`` the training counts per class are the largest-remainder
    allocation of n_train over the class counts, the test counts that of
    n_test over what is left; each class's members are shuffled and dealt out.
    O(n).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import train_test_split
    >>> X_train, X_test = train_test_split(np.arange(10), test_size=0.3, random_state=0)
    >>> len(X_train), len(X_test)
    (7, 3)
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    lengths = {a.shape[0] if hasattr(a, "shape") else len(a) for a in arrays}
    if len(lengths) > 1:
        raise ValueError(f"all arrays must have the same number of samples, got lengths {sorted(lengths)}")
    n = lengths.pop()
    if n == 0:
        raise ValueError("arrays must not be empty")
    n_train, n_test = _n_train_test(n, test_size, train_size)
    if not shuffle:
        if stratify is not None:
            raise ValueError("stratify requires shuffle=True")
        train, test = np.arange(n_train), np.arange(n_train, n_train + n_test)
    else:
        rng = check_random_state(random_state)
        if stratify is None:
            perm = rng.permutation(n)
            test, train = perm[:n_test], perm[n_test:n_test + n_train]
        else:
            labels = np.asarray(stratify)
            if labels.shape[0] != n:
                raise ValueError(f"stratify must have n_samples={n} labels, got {labels.shape[0]}")
            classes, y = np.unique(labels, return_inverse=True, axis=0 if labels.ndim > 1 else None)
            y = y.ravel()
            counts = np.bincount(y)
            if counts.min() < 2:
                raise ValueError("The least populated class in stratify has only 1 member; every class "
                                 "needs at least 2 to appear in both sets")
            if n_train < classes.shape[0] or n_test < classes.shape[0]:
                raise ValueError(f"train ({n_train}) and test ({n_test}) sizes must be at least the number "
                                 f"of classes ({classes.shape[0]})")
            n_i = _approximate_mode(counts, n_train, rng)
            t_i = _approximate_mode(counts - n_i, n_test, rng)
            order = np.argsort(y, kind="stable")
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            train_parts, test_parts = [], []
            for k in range(counts.size):  # one slice per class
                members = rng.permutation(order[starts[k]:starts[k] + counts[k]])
                train_parts.append(members[:n_i[k]])
                test_parts.append(members[n_i[k]:n_i[k] + t_i[k]])
            train = rng.permutation(np.concatenate(train_parts))
            test = rng.permutation(np.concatenate(test_parts))
    out = []
    for a in arrays:
        out.extend([_take(a, train), _take(a, test)])
    return out
