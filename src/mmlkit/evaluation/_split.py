"""Cross-validation splitters: K-fold and stratified K-fold.

Each splitter yields ``(train_index, test_index)`` pairs of integer arrays,
the protocol scikit-learn's model-selection tools also accept.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from mmlkit._validation import Interval, check_random_state, validate_args, validate_params
from mmlkit.evaluation._checks import as_label_array

__all__ = ["KFold", "StratifiedKFold", "check_cv"]


def _num_samples(X):
    if hasattr(X, "shape") and len(X.shape) > 0:
        return int(X.shape[0])
    try:
        return len(X)
    except TypeError:
        raise ValueError(f"X must be an array-like with a first dimension, got {type(X).__name__}") from None


class _BaseKFold:
    _parameter_constraints = {
        "n_splits": [Interval(numbers.Integral, 2, None)],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        validate_params({"n_splits": n_splits, "shuffle": shuffle, "random_state": random_state},
                        self._parameter_constraints, owner=type(self).__name__)
        if not shuffle and random_state is not None:
            raise ValueError("random_state has no effect unless shuffle=True; leave it None")
        self.n_splits = int(n_splits)
        self.shuffle = bool(shuffle)
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        """The number of (train, test) pairs ``split`` yields."""
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Yield ``(train_index, test_index)`` for each fold.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Only its length is used.
        y : array_like of shape (n_samples,), optional
            Class labels (required by stratified splitters).
        groups : ignored
            Present for compatibility.
        """
        n = _num_samples(X)
        if self.n_splits > n:
            raise ValueError(f"n_splits={self.n_splits} cannot be greater than the number of "
                             f"samples: n_samples={n}")
        folds = self._test_folds(n, y)
        index = np.arange(n)
        for k in range(self.n_splits):
            test = folds == k
            yield index[~test], index[test]

    def __repr__(self):
        return (f"{type(self).__name__}(n_splits={self.n_splits}, random_state={self.random_state!r}, "
                f"shuffle={self.shuffle})")


class KFold(_BaseKFold):
    """K consecutive folds; each is the test set once.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (≥ 2).
    shuffle : bool, default=False
        Shuffle the samples before cutting them into folds.
    random_state : int, Generator or None, default=None
        Seed for the shuffle (only with ``shuffle=True``).

    Notes
    -----
    The first n mod K folds hold ⌊n/K⌋ + 1 samples, the rest ⌊n/K⌋, in order
    (as scikit-learn's KFold). O(n) per split.

    Examples
    --------
    >>> [test.tolist() for _, test in KFold(3).split(range(5))]
    [[0, 1], [2, 3], [4]]
    """

    def _test_folds(self, n, y):
        sizes = np.full(self.n_splits, n // self.n_splits)
        sizes[: n % self.n_splits] += 1
        folds = np.repeat(np.arange(self.n_splits), sizes)
        if self.shuffle:
            out = np.empty(n, dtype=np.int64)
            out[check_random_state(self.random_state).permutation(n)] = folds
            return out
        return folds


class StratifiedKFold(_BaseKFold):
    """K folds that keep each class's share as in the whole data.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (≥ 2).
    shuffle : bool, default=False
        Shuffle each class's fold assignment (otherwise samples of a class go
        to folds in contiguous blocks, keeping the data order).
    random_state : int, Generator or None, default=None
        Seed for the shuffle (only with ``shuffle=True``).

    Notes
    -----
    Classes are numbered by first appearance; the samples, sorted by class, are
    dealt round-robin to the folds, which fixes how many of each class every
    fold receives (counts differ by at most one between folds). Then each class's
    samples fill those quotas in order. Identical to scikit-learn's splits for
    ``shuffle=False``; O(n + K·C).

    Examples
    --------
    >>> y = [0, 0, 0, 1, 1, 1]
    >>> [test.tolist() for _, test in StratifiedKFold(3).split(y, y)]
    [[0, 3], [1, 4], [2, 5]]
    """

    def split(self, X, y=None, groups=None):
        if y is None:
            raise ValueError("y is required by StratifiedKFold (class labels to stratify on)")
        return super().split(X, y, groups)

    def _test_folds(self, n, y):
        y = as_label_array(y, "y")
        if y.shape[0] != n:
            raise ValueError(f"y must have one label per sample: X has {n}, y has {y.shape[0]}")
        if y.dtype.kind == "f" and np.any(y != np.round(y)):
            raise ValueError("y must hold class labels for StratifiedKFold, got continuous values")
        _, first, inverse = np.unique(y, return_index=True, return_inverse=True)
        # Re-number classes by order of first appearance.
        code = np.argsort(np.argsort(first))[inverse.reshape(-1)]
        n_classes = first.size
        counts = np.bincount(code, minlength=n_classes)
        if np.all(self.n_splits > counts):
            raise ValueError(f"n_splits={self.n_splits} cannot be greater than the number of "
                             "members in each class")
        if self.n_splits > counts.min():
            warnings.warn(f"The least populated class in y has only {counts.min()} members, "
                          f"which is less than n_splits={self.n_splits}", UserWarning, stacklevel=3)
        # allocation[k, c]: how many of class c go to fold k (round robin over the sorted codes).
        ordered = np.sort(code)
        fold_of_position = np.arange(n) % self.n_splits
        allocation = np.zeros((self.n_splits, n_classes), dtype=np.int64)
        np.add.at(allocation, (fold_of_position, ordered), 1)
        rng = check_random_state(self.random_state) if self.shuffle else None
        folds = np.empty(n, dtype=np.int64)
        for c in range(n_classes):
            blocks = np.repeat(np.arange(self.n_splits), allocation[:, c])
            if rng is not None:
                rng.shuffle(blocks)
            folds[code == c] = blocks
        return folds


@validate_args({"cv": ["cv_object"], "classifier": ["boolean"]})
def check_cv(cv=5, y=None, *, classifier=False):
    """Turn ``cv`` into a splitter.

    Parameters
    ----------
    cv : int, splitter, iterable or None, default=5
        Number of folds, an object with ``split``/``get_n_splits``, or an
        iterable of (train, test) index pairs; None means 5.
    y : array_like of shape (n_samples,), optional
        Targets (to decide on stratification).
    classifier : bool, default=False
        Whether the estimator is a classifier.

    Returns
    -------
    splitter

    Notes
    -----
    An int gives ``StratifiedKFold(cv)`` for a classifier with class labels
    and ``KFold(cv)`` otherwise, as scikit-learn's ``check_cv``.

    Examples
    --------
    >>> check_cv(3, [0, 1, 0, 1, 0, 1], classifier=True)
    StratifiedKFold(n_splits=3, random_state=None, shuffle=False)
    """
    if cv is None:
        cv = 5
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if classifier and y is not None:
            y_arr = np.asarray(y)
            if y_arr.ndim == 1 and (y_arr.dtype.kind in "biuUSO" or np.all(y_arr == np.round(y_arr))):
                return StratifiedKFold(int(cv))
        return KFold(int(cv))
    if hasattr(cv, "split") and hasattr(cv, "get_n_splits"):
        return cv
    if hasattr(cv, "__iter__") and not isinstance(cv, str):
        return _CVIterable(cv)
    raise ValueError(f"cv must be an int, a splitter with split/get_n_splits, or an iterable of "
                     f"(train, test) index pairs; got {cv!r}")


class _CVIterable:
    def __init__(self, cv):
        self.pairs = [(np.asarray(tr), np.asarray(te)) for tr, te in cv]

    def get_n_splits(self, X=None, y=None, groups=None):
        return len(self.pairs)

    def split(self, X=None, y=None, groups=None):
        yield from self.pairs
