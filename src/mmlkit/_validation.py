"""Input checks shared by every mmlkit module.

Each check names the argument it rejects and says what was expected, so an
error points at the caller's mistake. Checks never modify their input: array
conversions return a new array whenever the dtype or layout changes, and the
caller's array is otherwise only read.

Validation happens once, at the public boundary; internal helpers trust their
inputs.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "as_float_array",
    "check_consistent_length",
    "check_finite",
    "check_in",
    "check_ndim",
    "check_nonempty",
    "check_probability_vector",
    "check_random_state",
    "check_scalar",
    "check_square",
    "check_symmetric",
]

_FLOAT_DTYPES = (np.float64, np.float32)


def check_random_state(random_state) -> np.random.Generator:
    """Turn ``random_state`` (None, int or Generator) into a ``numpy.random.Generator``.

    ``None`` gives a freshly seeded generator; an int seeds a new one (same seed,
    same stream); a Generator is returned as is, so callers can share a stream.
    A legacy ``RandomState`` is accepted and wrapped (it seeds a new Generator
    from its stream), because scikit-learn's utilities pass those around.
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (numbers.Integral, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"random_state must be a non-negative int, got {random_state}")
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    raise ValueError(
        "random_state must be None, an int or a numpy.random.Generator, "
        f"got {type(random_state).__name__}"
    )


def as_float_array(
    x,
    name: str,
    *,
    ndim: int | Sequence[int] | None = None,
    finite: bool = True,
    nonempty: bool = True,
    dtype=None,
    copy: bool = False,
) -> np.ndarray:
    """Convert ``x`` to a floating-point ndarray and check it.

    Parameters
    ----------
    x : array_like
        The input.
    name : str
        The argument's name, used in error messages.
    ndim : int or sequence of int, optional
        Allowed numbers of dimensions.
    finite : bool, default=True
        Reject NaN and infinity.
    nonempty : bool, default=True
        Reject arrays with no elements.
    dtype : numpy dtype, optional
        Force this dtype. By default float32 and float64 input keep their dtype
        and anything else becomes float64.
    copy : bool, default=False
        Always return a copy (use when the result will be modified in place).
    """
    if isinstance(x, np.ndarray) and x.dtype == object or _is_ragged(x):
        raise ValueError(f"{name} must be a numeric array, got a ragged or object sequence")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a numeric array: {exc}") from None
    if arr.dtype.kind in "OSUV":
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}")
    if arr.dtype.kind == "c":
        raise ValueError(f"{name} must be real, got complex dtype {arr.dtype}")
    target = np.dtype(dtype) if dtype is not None else (arr.dtype if arr.dtype in _FLOAT_DTYPES else np.float64)
    arr = np.array(arr, dtype=target, copy=True) if copy else np.asarray(arr, dtype=target)
    if ndim is not None:
        check_ndim(arr, name, ndim)
    if nonempty:
        check_nonempty(arr, name)
    if finite:
        check_finite(arr, name)
    return arr


def _is_ragged(x) -> bool:
    if not isinstance(x, (list, tuple)) or not x:
        return False
    lengths = {len(row) if isinstance(row, (list, tuple, np.ndarray)) else -1 for row in x}
    return len(lengths) > 1


def check_ndim(x: np.ndarray, name: str, ndim: int | Sequence[int]) -> None:
    """Raise ``ValueError`` unless ``x.ndim`` is ``ndim`` (or one of them)."""
    allowed = (ndim,) if isinstance(ndim, numbers.Integral) else tuple(ndim)
    if np.ndim(x) not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {want}, got an array of shape {np.shape(x)}")


def check_nonempty(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``x`` has no elements."""
    if np.size(x) == 0:
        raise ValueError(f"{name} must not be empty, got an array of shape {np.shape(x)}")


def check_finite(x: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``x`` holds NaN or infinity."""
    x = np.asarray(x)
    if x.dtype.kind in "fc" and not np.isfinite(x).all():
        what = "NaN" if np.isnan(x).any() else "infinity"
        raise ValueError(f"{name} must be finite, but it contains {what}")


def check_consistent_length(*arrays_and_names) -> None:
    """Check that arrays agree in their first dimension.

    Call as ``check_consistent_length((X, "X"), (y, "y"))``.
    """
    pairs = [(a, n) for a, n in arrays_and_names if a is not None]
    lengths = {n: np.shape(a)[0] for a, n in pairs}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise ValueError(f"inputs must have the same number of samples: {detail}")


def check_square(A: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` unless ``A`` is a square 2-D array."""
    if np.ndim(A) != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {np.shape(A)}")


def check_symmetric(A: np.ndarray, name: str, *, rtol: float = 1e-10, atol: float = 1e-12) -> None:
    """Raise ``ValueError`` unless ``A`` is square and equal to its transpose."""
    check_square(A, name)
    if not A.size:
        return
    # one pass over A − Aᵀ against the largest entry: ‖A − Aᵀ‖_max ≤ rtol·‖A‖_max + atol
    # (np.allclose would build several n×n temporaries, costing more than a Cholesky factorisation)
    scale = float(np.max(np.abs(A)))
    if float(np.max(np.abs(A - A.T))) > rtol * scale + atol * max(scale, 1.0):
        raise ValueError(f"{name} must be symmetric (A == A.T within rtol={rtol:g})")


def check_probability_vector(p, name: str, *, axis: int = -1, atol: float = 1e-8) -> np.ndarray:
    """Check that ``p`` holds probabilities summing to one along ``axis``.

    Returns ``p`` as a float array. Entries must be finite, in [0, 1], and each
    slice along ``axis`` must sum to 1 within ``atol``.
    """
    p = as_float_array(p, name)
    if (p < 0).any() or (p > 1).any():
        raise ValueError(f"{name} must contain probabilities in [0, 1]")
    sums = p.sum(axis=axis)
    if not np.allclose(sums, 1.0, rtol=0.0, atol=atol):
        raise ValueError(f"{name} must sum to 1 along axis {axis}, got sums {np.round(sums, 6)}")
    return p


def check_scalar(
    value,
    name: str,
    *,
    kind: type | tuple = numbers.Real,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
):
    """Check a scalar parameter's type and range; return it unchanged.

    ``kind`` is ``numbers.Integral`` for counts and ``numbers.Real`` for
    continuous parameters. Booleans are rejected where a number is expected.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        want = "an int" if kind is numbers.Integral else "a real number"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    if isinstance(value, numbers.Real) and not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value!r}")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value!r}")
    return value


def check_in(value, name: str, options: Iterable) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``options``."""
    options = tuple(options)
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
