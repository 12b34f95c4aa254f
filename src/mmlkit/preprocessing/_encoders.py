"""Feature construction: one-hot encoding of categories and polynomial features."""

from __future__ import annotations

import numbers
from itertools import combinations, combinations_with_replacement

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from mmlkit._dask import dask_unsupported
from mmlkit._validation import Interval, Options, validate_data, validate_params
from mmlkit.preprocessing._data import _input_names

__all__ = ["OneHotEncoder", "PolynomialFeatures"]


@dask_unsupported
class OneHotEncoder(TransformerMixin, BaseEstimator):
    """Encode categorical columns as one indicator column per category.

    Parameters
    ----------
    categories : "auto" or list of array_like, default="auto"
        ``"auto"``: the sorted unique values of each column; otherwise the
        categories of column j are ``categories[j]``.
    drop : {None, "first", "if_binary"}, default=None
        Drop one indicator per feature (the first category; or only for
        features with exactly two categories) to avoid collinearity.
    sparse_output : bool, default=False
        Return a SciPy CSR matrix instead of a dense array (scikit-learn's
        default is True; dense is the friendlier default for small data).
    dtype : numpy dtype, default=np.float64
    handle_unknown : {"error", "ignore"}, default="error"
        What to do with a category not seen in ``fit``: raise, or encode the
        feature as all zeros.

    Attributes
    ----------
    categories_ : list of ndarray
        Categories of each feature, sorted.
    drop_idx_ : ndarray of shape (n_features,) or None
        Index in ``categories_[j]`` of the dropped category (None where none is).

    Notes
    -----
    Row i gets a 1 in column offsetⱼ + k when xᵢⱼ is the k-th category of
    feature j. Lookup by binary search in the sorted categories, O(n d log c).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import OneHotEncoder
    >>> enc = OneHotEncoder().fit(np.array([["a"], ["b"], ["a"]]))
    >>> enc.transform(np.array([["b"]]))
    array([[0., 1.]])
    >>> enc.get_feature_names_out()
    array(['x0_a', 'x0_b'], dtype=object)
    """

    _parameter_constraints = {
        "categories": [Options(("auto",)), list],
        "drop": [None, Options(("first", "if_binary"))],
        "sparse_output": ["boolean"],
        "handle_unknown": [Options(("error", "ignore"))],
    }

    def __init__(self, *, categories="auto", drop=None, sparse_output=False, dtype=np.float64,
                 handle_unknown="error"):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    def _validate(self, X, *, reset):
        X = validate_data(self, X, reset=reset, dtype=None)
        if X.dtype.kind == "O":
            kinds = {type(v) for v in X.ravel()}
            if len(kinds) > 1 and not all(issubclass(k, (numbers.Number, np.number)) for k in kinds):
                raise ValueError("X must hold one type per column set, got mixed types "
                                 f"{sorted(k.__name__ for k in kinds)}")
        if X.dtype.kind == "f" and np.isnan(X).any():
            raise ValueError("X must not contain NaN; impute missing values first (SimpleImputer)")
        return X

    def fit(self, X, y=None):
        """Learn the categories of every column.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Numbers or strings.
        y : ignored

        Returns
        -------
        self
        """
        validate_params(self)
        X = self._validate(X, reset=True)
        d = X.shape[1]
        if isinstance(self.categories, str) and self.categories == "auto":
            self.categories_ = [np.unique(X[:, j]) for j in range(d)]
        else:
            if len(self.categories) != d:
                raise ValueError(f"categories must have one entry per feature ({d}), got {len(self.categories)}")
            self.categories_ = []
            for j, given in enumerate(self.categories):
                cats = np.asarray(given)
                if cats.dtype.kind != "O" and not np.array_equal(cats, np.sort(cats)):
                    raise ValueError(f"categories[{j}] must be sorted for numeric features")
                self.categories_.append(cats)
                if self.handle_unknown == "error":
                    unknown = ~np.isin(X[:, j], cats)
                    if unknown.any():
                        raise ValueError(f"Found unknown categories {np.unique(X[unknown, j])} in column {j} "
                                         "during fit")
        if self.drop == "first":
            self.drop_idx_ = np.zeros(d, dtype=object)
        elif self.drop == "if_binary":
            self.drop_idx_ = np.array([0 if c.size == 2 else None for c in self.categories_], dtype=object)
        else:
            self.drop_idx_ = None
        return self

    def _kept(self, j):
        """Boolean mask of the categories of feature j that get a column."""
        keep = np.ones(self.categories_[j].size, dtype=bool)
        if self.drop_idx_ is not None and self.drop_idx_[j] is not None:
            keep[self.drop_idx_[j]] = False
        return keep

    def _codes(self, column, j):
        """Category index of every entry of one column, and whether it was found."""
        cats = self.categories_[j]
        order = np.argsort(cats, kind="stable")
        pos = np.searchsorted(cats[order], column)
        pos = np.clip(pos, 0, cats.size - 1)
        codes = order[pos]
        found = cats[codes] == column
        return codes, found

    def transform(self, X):
        """One-hot encode X.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray or scipy.sparse.csr_matrix of shape (n_samples, n_encoded_features)
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        n, d = X.shape
        rows, cols = [], []
        offset = 0
        for j in range(d):
            codes, found = self._codes(X[:, j], j)
            if not found.all() and self.handle_unknown == "error":
                raise ValueError(f"Found unknown categories {np.unique(X[~found, j])} in column {j} during transform")
            keep = self._kept(j)
            new_index = np.cumsum(keep) - 1
            use = found & keep[codes]
            rows.append(np.flatnonzero(use))
            cols.append(offset + new_index[codes[use]])
            offset += int(keep.sum())
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        if self.sparse_output:
            data = np.ones(rows.size, dtype=self.dtype)
            return sp.csr_matrix((data, (rows, cols)), shape=(n, offset))
        out = np.zeros((n, offset), dtype=self.dtype)
        out[rows, cols] = 1
        return out

    def inverse_transform(self, X):
        """Recover the categories from indicator columns (None for an all-zero block).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_encoded_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features), dtype object
        """
        check_is_fitted(self)
        X = X.toarray() if sp.issparse(X) else np.asarray(X)
        n = X.shape[0]
        out = np.empty((n, len(self.categories_)), dtype=object)
        offset = 0
        for j, cats in enumerate(self.categories_):
            keep = self._kept(j)
            block = X[:, offset:offset + keep.sum()]
            offset += int(keep.sum())
            kept = cats[keep]
            has = block.sum(axis=1) > 0
            values = np.empty(n, dtype=object)
            values[has] = kept[np.argmax(block[has], axis=1)]
            if self.drop_idx_ is not None and self.drop_idx_[j] is not None:
                values[~has] = cats[self.drop_idx_[j]]
            else:
                values[~has] = None
            out[:, j] = values
        if X.shape[1] != offset:
            raise ValueError(f"X must have {offset} columns, got {X.shape[1]}")
        return out

    def get_feature_names_out(self, input_features=None):
        """``<feature>_<category>`` for every output column.

        Parameters
        ----------
        input_features : array_like of str, optional

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self)
        names = _input_names(self, input_features)
        out = [f"{names[j]}_{c}" for j, cats in enumerate(self.categories_) for c in cats[self._kept(j)]]
        return np.asarray(out, dtype=object)


@dask_unsupported
class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """All monomials of the features up to a degree.

    Parameters
    ----------
    degree : int or tuple (min_degree, max_degree), default=2
    interaction_only : bool, default=False
        Only products of distinct features (x₀x₁, not x₀²).
    include_bias : bool, default=True
        Include the constant column 1 (degree 0).

    Attributes
    ----------
    powers_ : ndarray of shape (n_output_features, n_features)
        Exponent of each input feature in each output column.
    n_output_features_ : int

    Notes
    -----
    For degree p and d features the output has C(d + p, p) columns (with the
    bias), in scikit-learn's order: by degree, then lexicographically. Each
    column is the product of its parent column (one degree lower) and one
    input feature, so the cost is O(n) per output column.

    A monomial beyond the largest finite value of X's dtype (|x| ≳ 1e154 at
    degree 2 in float64) has no representation: ``transform`` then raises a
    ``ValueError`` naming X and the degree rather than return ``inf``. A
    monomial below the smallest subnormal (x² for |x| ≲ 1e-162) is returned
    as 0 (or a subnormal): that is the dtype's correctly rounded value of the
    product, not an error.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.preprocessing import PolynomialFeatures
    >>> PolynomialFeatures(2).fit_transform(np.array([[2.0, 3.0]]))
    array([[1., 2., 3., 4., 6., 9.]])
    """

    _parameter_constraints = {
        "degree": [Interval(numbers.Integral, 0, None), tuple],
        "interaction_only": ["boolean"],
        "include_bias": ["boolean"],
    }

    def __init__(self, degree=2, *, interaction_only=False, include_bias=True):
        self.degree = degree
        self.interaction_only = interaction_only
        self.include_bias = include_bias

    def _degrees(self):
        deg = self.degree
        if isinstance(deg, numbers.Integral) and not isinstance(deg, bool) and deg >= 0:
            return 0, int(deg)
        if (isinstance(deg, tuple) and len(deg) == 2 and all(isinstance(v, numbers.Integral) for v in deg)
                and 0 <= deg[0] <= deg[1]):
            return int(deg[0]), int(deg[1])
        raise ValueError(f"degree must be a non-negative int or a tuple (min_degree, max_degree), got {deg!r}")

    def _combinations(self, d):
        low, high = self._degrees()
        pick = combinations if self.interaction_only else combinations_with_replacement
        start = max(low, 1)
        combos = [c for k in range(start, high + 1) for c in pick(range(d), k)]
        if self.include_bias and (low == 0):
            combos = [()] + combos
        return combos

    def fit(self, X, y=None):
        """Work out the monomials.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        validate_params(self)
        low, high = self._degrees()
        if high == 0 and not self.include_bias:
            raise ValueError("degree=0 with include_bias=False gives no output features")
        X = validate_data(self, X, reset=True, dtype=[np.float64, np.float32])
        d = X.shape[1]
        combos = self._combinations(d)
        powers = np.zeros((len(combos), d), dtype=np.int64)
        for i, c in enumerate(combos):
            np.add.at(powers[i], list(c), 1)
        self.powers_ = powers
        self.n_output_features_ = len(combos)
        if X.size:   # |x_j| < 2^e_j bounds every monomial; only near float's limit are they formed
            e = np.frexp(np.maximum(X.max(axis=0), -X.min(axis=0)))[1]
            if (powers @ e).max(initial=0) >= np.finfo(X.dtype).maxexp - 1:
                self.transform(X)   # raises the ValueError when X's own monomials overflow
        return self

    def transform(self, X):
        """Evaluate the monomials.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_output_features)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        combos = self._combinations(X.shape[1])
        out = np.empty((X.shape[0], len(combos)), dtype=X.dtype)
        column = {(): None}
        try:
            with np.errstate(over="raise"):
                for i, c in enumerate(combos):
                    if not c:
                        out[:, i] = 1.0
                    elif c[:-1] in column and column[c[:-1]] is not None:
                        np.multiply(out[:, column[c[:-1]]], X[:, c[-1]], out=out[:, i])
                    else:
                        out[:, i] = np.prod(X[:, list(c)], axis=1)
                    column[c] = i
        except FloatingPointError:
            raise ValueError(f"X's polynomial features of degree {self.degree!r} overflow {X.dtype} "
                             f"(max |x| = {float(np.max(np.abs(X))):.3g}); rescale X first") from None
        return out

    def get_feature_names_out(self, input_features=None):
        """Monomial names such as ``x0^2 x1``.

        Parameters
        ----------
        input_features : array_like of str, optional

        Returns
        -------
        ndarray of str
        """
        check_is_fitted(self)
        names = _input_names(self, input_features)
        out = []
        for row in self.powers_:
            terms = [names[j] if p == 1 else f"{names[j]}^{p}" for j, p in enumerate(row) if p]
            out.append(" ".join(terms) if terms else "1")
        return np.asarray(out, dtype=object)
