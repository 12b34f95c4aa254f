"""Dask collections: recognised without importing Dask, validated, and reduced block by block.

mmlkit never imports Dask unless it is handed a Dask collection, and never
starts a cluster: a fit on a ``dask.array.Array`` runs under whatever scheduler
is current (the threaded default, or a ``distributed.Client``).

The cost model
--------------
A fit on Dask input is written as *statistics per row block + combine*: a
function maps one row block of X (and the matching block of y) to a small
statistic — a count, a mean, a Gram matrix, an R factor, a gradient — and an
associative ``combine`` merges two statistics into the statistic of their
union. The blocks are reduced in a tree (``split_every`` at a time), on the
workers, and only the root reaches the client. So for a fit with ``p`` passes
whose statistic has ``s`` numbers:

* work on the workers: ``p`` reads of X, the flops of the per-block statistic;
* traffic: ``s`` numbers per block up the tree, ``s`` numbers to the client per
  pass, independent of ``n`` (the client never holds X);
* latency: ``log_{split_every}(n_blocks)`` levels of combine per pass.

With hundreds of workers the per-block work stays the same and the tree gets
one level deeper per factor ``split_every``; what limits scaling is ``s``
(``d²`` for a Gram matrix) times the number of passes (one for least squares,
tens for L-BFGS or Lloyd).

Scale: data beyond 2^±256 are fitted in exact power-of-two units, as in memory
(:mod:`mmlkit._scaling`). The first pass of every fit returns each block's
max|x| (and max|y|) beside its statistic (one or two numbers more per block);
when that calls for units, statistics that lost nothing to over- or underflow
(data within about 2^±450; TSQR's R factor, which is scale-safe; a mixture's
data mean) are rescaled exactly, and only the others (squares beyond float64:
data at 1e±300) are recomputed with the blocks divided by 2**e on the workers,
one more pass (the "+1 beyond 2^±256" below). Every later pass reads its
blocks in those units. Ordinary data pay no extra pass.

Per estimator (d features, t targets, K classes or clusters; numbers each block
sends up the tree):

=========================  ==============================  ===========================
estimator                  passes over X                   numbers per block and pass
=========================  ==============================  ===========================
LinearRegression, Ridge    1 (+1 beyond 2^±256 for the     (d + t)² + d + t + 1
                           Gram solvers; TSQR: none)
Lasso, ElasticNet          1 (then descent on the client)  (d + t)² + d + t + 1
                           (+1 beyond 2^±256)
StandardScaler             1                               4d
MinMaxScaler               1                               2d + 1
GaussianNB                 1 (+1 beyond 2^±256)            K(2d + 1)
PCA (full, TSQR)           1                               d² + d + 1
PCA (randomized)           2 + iterated_power              s² + ds  (s = k + oversamples)
                           (+1 beyond 2^±256)
KMeans                     5 rounds (k-means||; the first  2k(d + 2) + 1 a round (+ 3d
                           with the moments; +1 beyond     in the first); about
                           2^±256) + 1 for the weights     10k(d + 1) for the weights;
                           + 1 a Lloyd iteration + 1 for   k(2d + 6) + 256(d + 3) + 3
                           the final inertia (the last     a Lloyd pass; 1 the last
                           two often settled on the
                           client, see below)
GaussianMixture            1 (+1 beyond 2^±256, tied)      K(d² + d + 1) + 1 (full);
                           + init + 1 per EM iteration     K(2d + 1) + 1 (diag, spherical);
                                                           K(d + 1) + 1 (tied)
LogisticRegression         1 for the labels + 1 per        K + 1 (labels and counts);
                           loss+gradient evaluation        K(d + 1) + 1
  (newton)                 + 1 per Hessian                 (K(d + 1))²
linalg.qr / lstsq / svd    1 for R (2 with a lazy Q or U;  n²  (n columns)
                           +1 if R overflowed on the way,
                           data near float64's largest)
=========================  ==============================  ===========================

A fit that makes many passes over data persisted on a ``distributed`` cluster
(KMeans) runs each pass as one task per worker, over the blocks that worker
holds, instead of one task per block and a merge tree: the scheduler's cost per
pass no longer grows with the number of blocks, and each worker sends its
merged statistic straight to the client (``s`` numbers per worker and pass).
There KMeans's k-means|| rounds also keep per-row state on the workers from
one pass to the next (each row's nearest candidate so far and its distance): a
round measures the rows against only the 2k or so candidates the round before
added, not against all of them, and none of that state travels.

A KMeans Lloyd pass also sends the 256 rows nearest to a tie between two
centres, and a bound that every other row's gap exceeds. When the centres move
by less than half that bound no other row can change cluster: the client
relabels those rows itself and ends the run without another pass, taking the
final inertia from each cluster's sum and Σ D², and skipping an iteration that
could only confirm the labels (the same labels, iterations and inertia). On
well-separated clusters this saves one or two of the Lloyd passes.

Chunking: X must be chunked along rows only. An X chunked across columns is
rechunked to whole rows (``X.rechunk({1: -1})``), which moves data once; chunk
it by rows when it is created to avoid that.
"""

from __future__ import annotations

import functools
import inspect
import sys

import numpy as np

from mmlkit._scaling import abs_max

__all__ = [
    "as_dask_array",
    "dask_unsupported",
    "is_dask_collection",
    "map_rows",
    "reduce_blocks",
]

_SPLIT_EVERY = 8


def is_dask_collection(x) -> bool:
    """Whether ``x`` is a Dask collection, decided without importing Dask.

    A Dask object's class lives in a ``dask.*`` module; if Dask has never been
    imported, nothing can be a Dask collection.
    """
    if "dask" not in sys.modules:
        return False
    module = type(x).__module__ or ""
    return (module == "dask" or module.startswith("dask.")) and hasattr(x, "__dask_graph__")


def any_dask(*xs) -> bool:
    """Whether any of ``xs`` is a Dask collection."""
    return any(is_dask_collection(x) for x in xs)


def _dask_array_module():
    try:
        import dask.array as da
    except ImportError as exc:  # pragma: no cover - a Dask collection implies Dask is installed
        raise ImportError('Dask input needs the dask extra: pip install "mmlkit[dask]"') from exc
    return da


def as_dask_array(x, name: str, *, ndim: int | tuple = 2, rows=None, numeric: bool = True):
    """Check a Dask array (or wrap a NumPy array) and return it as float64, chunked by rows.

    Mirrors :func:`mmlkit._validation.as_float_array` for lazy arrays: the number
    of dimensions, emptiness and the dtype are checked here, without computing
    anything; finiteness is checked inside the first pass over the data (see
    :func:`reduce_blocks`), raising the same ``ValueError`` as in memory.
    An X chunked across columns is rechunked to whole rows. ``rows`` gives the
    row chunks to align a target ``y`` with X's blocks. ``numeric=False``
    keeps the dtype (class labels).
    """
    da = _dask_array_module()
    if not isinstance(x, da.Array):
        if is_dask_collection(x):
            raise TypeError(f"{name} must be a dask.array.Array chunked by rows, got {type(x).__module__}."
                            f"{type(x).__name__}; convert a Dask DataFrame with .to_dask_array(lengths=True)")
        arr = np.asarray(x)
        x = da.from_array(arr, chunks=rows if rows is not None else "auto")
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if x.ndim not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {want}, got an array of shape {x.shape}")
    if any(np.isnan(c) for c in x.chunks[0]):
        raise ValueError(f"{name} has unknown chunk sizes along its rows; call {name}.compute_chunk_sizes() first")
    if x.size == 0:
        raise ValueError(f"{name} must not be empty, got an array of shape {x.shape}")
    if numeric:
        kind = x.dtype.kind
        if kind in "OSUVMm":
            raise ValueError(f"{name} must be numeric, got dtype {x.dtype}")
        if kind == "c":
            raise ValueError(f"{name} must be real, got complex dtype {x.dtype}")
        if x.dtype != np.float64:
            x = x.astype(np.float64)
    if x.ndim == 2 and len(x.chunks[1]) > 1:
        x = x.rechunk({1: -1})
    if rows is not None and x.chunks[0] != tuple(rows):
        x = x.rechunk({0: tuple(rows)})
    return x


def check_dask_xy(X, y=None, *, y_numeric: bool = True, multi_output: bool = False):
    """X as a float64 Dask array chunked by rows and y aligned with X's row blocks."""
    X = as_dask_array(X, "X")
    if y is None:
        return X, None
    if np.shape(y)[0] != X.shape[0]:
        raise ValueError(f"inputs must have the same number of samples: X has {X.shape[0]}, y has {np.shape(y)[0]}")
    y = as_dask_array(y, "y", ndim=(1, 2) if multi_output else 1, rows=X.chunks[0], numeric=y_numeric)
    return X, y


def _finite_then(fn, names, allow_nan=False):
    """``fn`` with a finiteness check of its float array arguments first (the first pass's guard)."""
    from mmlkit._validation import check_finite

    @functools.wraps(fn)
    def checked(*blocks_and_args):
        for block, name in zip(blocks_and_args, names):
            if not (isinstance(block, np.ndarray) and block.dtype.kind == "f"):
                continue
            if not allow_nan:
                check_finite(block, name)
            elif np.isinf(block).any():
                raise ValueError(f"Input {name} contains infinity or a value too large for dtype('float64').")
        return fn(*blocks_and_args)

    return checked


def _in_units(fn, units, *blocks_and_args):
    """``fn`` on the first ``len(units)`` arguments divided by ``2**e`` (exact), the rest as given."""
    k = len(units)
    blocks = [np.ldexp(b, -e) if e else b for b, e in zip(blocks_and_args[:k], units)]
    return fn(*blocks, *blocks_and_args[k:])


def _scaled(fn, units):
    if units is None or not any(units):
        return fn
    return functools.partial(_in_units, fn, tuple(int(e) for e in units))


def _with_max(fn, k, keeping, *blocks_and_args):
    tops = np.array([abs_max(b) for b in blocks_and_args[:k]])
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        out = fn(*blocks_and_args)
    return ((out[0], tops), out[1]) if keeping else (out, tops)


def _merge_with_max(combine, a, b):
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        return combine(a[0], b[0]), np.maximum(a[1], b[1])


def _maxed(fn, combine, k, with_max, keeping=False):
    if not with_max:
        return fn, combine
    return functools.partial(_with_max, fn, k, keeping), functools.partial(_merge_with_max, combine)


def _fold(combine, *parts):
    out = parts[0]
    for part in parts[1:]:
        out = combine(out, part)
    return out


def reduce_blocks(fn, arrays, combine, *, args=(), block_args=None, names=None, check_finite=False,
                  split_every=_SPLIT_EVERY, by_worker=False, units=None, with_max=False):
    """``combine``-reduce ``fn(x_block, y_block, ..., *args)`` over aligned row blocks; computed.

    ``arrays`` are Dask arrays with the same row chunks (and a single column
    chunk). ``args`` (small NumPy arrays or scalars: current weights, centres)
    enter the graph once and reach every block; ``block_args`` holds one more
    argument per block (a seed, say), passed after ``args``. The partial results are merged
    in a tree on the workers, ``split_every`` at a time; the root is returned
    to the caller. With ``check_finite`` each float block is checked for NaN
    and infinity first (a ``ValueError`` naming the argument, as in memory;
    ``"allow-nan"``: infinity only).

    ``by_worker``: for a fit that makes many passes over data already persisted
    on a ``distributed`` cluster, run one task per worker over the blocks that
    worker holds (merged there, in block order) instead of one task per block
    plus a merge tree, and merge the workers' results on the client: a pass
    then costs a few tasks whatever the number of blocks, and one statistic
    per worker reaches the client. The merge order follows where the blocks
    live, so floating-point sums may differ in their last bits from the tree's.
    ``True`` looks the blocks up now; a fit making many passes looks them up
    once with :func:`block_placement` and passes its result. Otherwise (no
    client, or data not persisted: a placement of None) the tree is used.

    Scale: ``units`` (one int per array) has each block divided by ``2**e``
    (exactly) on the worker before ``fn`` sees it, so a fit at an extreme
    scale runs in power-of-two units without a rescaled copy of the data.
    ``with_max`` returns ``(result, tops)`` instead, ``tops`` the largest
    magnitude of each float array (0 for the others), merged beside the
    statistic: a fit's first pass learns the data's scale at no extra pass.
    Over- and underflow in that pass are silent (a statistic at an extreme
    scale is recomputed in units).
    """
    import dask

    fn = _scaled(fn, units)
    fn, combine = _maxed(fn, combine, len(arrays), with_max)
    if check_finite:
        names = names or ["X", "y", "sample_weight"][: len(arrays)]
        fn = _finite_then(fn, names, allow_nan=check_finite == "allow-nan")
    extra = [()] * len(arrays[0].chunks[0]) if block_args is None else [(a,) for a in block_args]
    placement = block_placement(arrays) if by_worker is True else by_worker
    if placement:
        return _reduce_by_worker(*placement, fn, combine, args, extra)
    blocks = [np.asarray(a.to_delayed(), dtype=object).reshape(len(a.chunks[0])) for a in arrays]
    task = dask.delayed(fn, pure=False)
    shared = [dask.delayed(a) if isinstance(a, np.ndarray) else a for a in args]
    parts = [task(*row, *shared, *more) for row, more in zip(zip(*blocks), extra)]
    merge = dask.delayed(functools.partial(_fold, combine), pure=False)
    while len(parts) > 1:
        parts = [merge(*parts[i:i + split_every]) for i in range(0, len(parts), split_every)]
    (result,) = dask.compute(parts[0])
    return result


def _current_client():
    """The ``distributed.Client`` that Dask computes on now, or None (threaded scheduler, no Dask.distributed)."""
    if "distributed" not in sys.modules:
        return None
    import dask.base
    from distributed import Client

    client = getattr(dask.base.get_scheduler(), "__self__", None)
    return client if isinstance(client, Client) else None


def block_placement(arrays):
    """Where the row blocks of persisted Dask arrays live: (client, {worker: [block numbers]},
    per-array block futures) when every block of every array is a future held on the current
    client's cluster; None otherwise (the threaded scheduler, or data not persisted)."""
    client = _current_client()
    if client is None:
        return None
    from dask.core import flatten
    from distributed import futures_of, wait

    futures = []
    for a in arrays:
        held = {f.key: f for f in futures_of(a)}
        keys = list(flatten(a.__dask_keys__()))
        if len(keys) != len(a.chunks[0]) or any(key not in held for key in keys):
            return None
        futures.append([held[key] for key in keys])
    wait(futures[0])                                 # placed once computed
    who_has = client.who_has(futures[0])
    groups = {}
    for i, f in enumerate(futures[0]):
        holders = who_has.get(f.key) or [None]
        groups.setdefault(holders[0], []).append(i)
    return client, groups, futures


def _reduce_group(fn, combine, args, items):
    """On a worker: ``fn`` over its blocks, merged in block order."""
    out = None
    for row, more in items:
        part = fn(*row, *args, *more)
        out = part if out is None else combine(out, part)
    return out


def _reduce_by_worker(client, groups, futures, fn, combine, args, extra):
    tasks = []
    for worker, numbers in groups.items():
        items = [(tuple(f[i] for f in futures), extra[i]) for i in numbers]
        where = {} if worker is None else {"workers": [worker], "allow_other_workers": True}
        tasks.append(client.submit(_reduce_group, fn, combine, args, items, pure=False, **where))
    return _fold(combine, *client.gather(tasks))


def reduce_blocks_keeping(fn, arrays, combine, token, *, args=(), block_args=None, check_finite=False,
                          by_worker=False, units=None, with_max=False):
    """:func:`reduce_blocks` of ``fn(x_block, ..., *args, *block_arg, state) -> (statistic, new state)``
    for a fit whose passes can reuse per-row state of the pass before (a k-means|| row's nearest
    candidate so far), kept where the rows are.

    The state is a cache: ``fn`` must give the same statistic, to the bit, from
    a state of None (it then recomputes what the state held). On data persisted
    on a cluster (``by_worker`` a :func:`block_placement`), each worker keeps
    its blocks' states in its own memory under ``token`` (a string naming the
    fit) between passes; a block whose state is missing there (a restarted
    worker, a task run elsewhere) starts from None. Only the merged statistic
    reaches the client, in one task per worker and pass. :func:`forget_kept`
    drops a token's states. Otherwise (the threaded scheduler, data not
    persisted) every block starts from None and nothing is kept. ``units`` and
    ``with_max`` as in :func:`reduce_blocks`.
    """
    placement = block_placement(arrays) if by_worker is True else by_worker
    if not placement:
        return reduce_blocks(functools.partial(_stateless, fn), arrays, combine, args=args,
                             block_args=block_args, check_finite=check_finite, units=units, with_max=with_max)
    client, groups, futures = placement
    fn, combine = _maxed(_scaled(fn, units), combine, len(arrays), with_max, keeping=True)
    if check_finite:
        fn = _finite_then(fn, ["X", "y", "sample_weight"][: len(arrays)])
    extra = [()] * len(arrays[0].chunks[0]) if block_args is None else [(a,) for a in block_args]
    tasks = []
    for worker, numbers in groups.items():
        items = [((token, i), tuple(f[i] for f in futures), extra[i]) for i in numbers]
        where = {} if worker is None else {"workers": [worker], "allow_other_workers": True}
        tasks.append(client.submit(_reduce_group_keeping, fn, combine, args, items, pure=False, **where))
    return _fold(combine, *client.gather(tasks))


def forget_kept(token):
    """Drop the states :func:`reduce_blocks_keeping` keeps on the workers under ``token`` (if any)."""
    client = _current_client()
    if client is not None:
        client.run(_forget_kept, token)


_KEPT = {}   # in each worker process: {(token, block number): state} of the fits running there


def _stateless(fn, *blocks_and_args):
    return fn(*blocks_and_args, None)[0]


def _reduce_group_keeping(fn, combine, args, items):
    """On a worker: ``fn`` over its blocks, each with its kept state, merged in block order."""
    out = None
    for key, row, more in items:
        part, state = fn(*row, *args, *more, _KEPT.pop(key, None))
        if state is not None:
            _KEPT[key] = state
        out = part if out is None else combine(out, part)
    return out


def _forget_kept(token):
    for key in [key for key in _KEPT if key[0] == token]:
        _KEPT.pop(key, None)


def map_rows(method, X, *args, **kwargs):
    """``method`` applied to each row block of the Dask array X, lazily, keeping X's row chunks.

    ``method`` is a bound method of a fitted estimator (``predict``,
    ``transform``, ...): it is called once on one row of zeros here, which
    checks that the model is fitted and that X has the right number of
    features, and tells the shape and dtype of the output; each block of X then
    goes through the same in-memory method on a worker.
    """
    X = as_dask_array(X, "X")
    probe = np.asarray(method(np.zeros((1, X.shape[1])), *args, **kwargs))
    fn = functools.partial(_call_on_block, method, args, kwargs)
    if probe.ndim == 1:
        return X.map_blocks(fn, dtype=probe.dtype, drop_axis=1, chunks=(X.chunks[0],),
                            meta=np.empty((0,), probe.dtype))
    return X.map_blocks(fn, dtype=probe.dtype, chunks=(X.chunks[0], (probe.shape[1],)),
                        meta=np.empty((0, 0), probe.dtype))


def _call_on_block(method, args, kwargs, block):
    return method(block, *args, **kwargs)


_SUPPORTED = (
    "LinearRegression, Ridge, Lasso, ElasticNet, LogisticRegression, PCA, KMeans, GaussianNB, "
    "GaussianMixture, StandardScaler, MinMaxScaler"
)
_GUARDED = ("fit", "partial_fit", "fit_transform", "fit_predict", "predict", "predict_proba",
            "predict_log_proba", "decision_function", "transform", "inverse_transform", "score_samples", "score")


def dask_unsupported(cls):
    """Class decorator: the estimator's data methods raise ``TypeError`` on Dask input.

    Without it a Dask array would be silently pulled into the client's memory
    by ``numpy.asarray``; the error names the estimators that do run on Dask.
    """
    for name in _GUARDED:
        method = inspect.getattr_static(cls, name, None)
        if inspect.isfunction(method):
            setattr(cls, name, _rejecting(cls.__name__, name, method))
    return cls


def _rejecting(owner: str, name: str, method):
    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        if any(is_dask_collection(a) for a in (*args, *kwargs.values())):
            raise TypeError(f"{owner}.{name} does not accept Dask arrays; compute the data into memory "
                            f"(X.compute()) or use an estimator that runs on Dask: {_SUPPORTED}")
        return method(self, *args, **kwargs)

    return guarded
