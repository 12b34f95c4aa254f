"""Row-block parallelism for the models whose passes over the data are independent
row by row (k-means' assignment step).

NumPy releases the GIL inside its array operations, so Python threads running
the same vectorised code on disjoint row blocks use several cores; each block
is large enough that the interpreter's share of the work stays small.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import pairwise

__all__ = ["limit", "map_blocks", "row_blocks"]

MIN_ROWS_PER_THREAD = 8192    # below this a thread's start-up and the GIL hand-offs cost more than they save

_THREAD_PREFIX = "mmlkit-rows"
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_limit: ContextVar[int | None] = ContextVar("mmlkit_thread_limit", default=None)
_in_block: ContextVar[bool] = ContextVar("mmlkit_in_block", default=False)  # the caller is running a block


def _n_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))   # the CPUs this process may run on (containers, taskset)
    except AttributeError:                    # macOS, Windows
        return os.cpu_count() or 1


@contextmanager
def limit(n_threads: int) -> Iterator[None]:
    """Within the block, split work over at most ``n_threads`` threads (1: none at all).

    For like-for-like timings against a single-threaded reference, or to leave
    cores to other work.
    """
    if not isinstance(n_threads, int) or n_threads < 1:
        raise ValueError(f"n_threads must be a positive integer, got {n_threads!r}")
    token = _limit.set(n_threads)
    try:
        yield
    finally:
        _limit.reset(token)


def _executor() -> ThreadPoolExecutor:
    """One pool per process: a pool inherited through fork() has no live threads."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        _pool, _pool_pid = ThreadPoolExecutor(max_workers=_n_cpus(), thread_name_prefix=_THREAD_PREFIX), os.getpid()
    return _pool


def row_blocks(n_rows: int, work: int | None = None, min_work: int | None = None) -> list[slice]:
    """Contiguous row ranges covering ``n_rows``, one per thread.

    As many as there are CPUs, but each with at least ``min_work`` units of
    ``work``: by default rows, ``MIN_ROWS_PER_THREAD`` of them. A caller may
    count only the rows that really need computing, or count its work in
    other units (distances, say). Small jobs get a single range and run on
    the calling thread.
    """
    work = n_rows if work is None else work
    min_work = MIN_ROWS_PER_THREAD if min_work is None else min_work
    n_threads = min(_n_cpus(), _limit.get() or _n_cpus())
    n_blocks = max(1, min(n_threads, n_rows, work // min_work))
    edges = [n_rows * i // n_blocks for i in range(n_blocks + 1)]
    return [slice(a, b) for a, b in pairwise(edges)]


def map_blocks(fn, blocks: list[slice]) -> list:
    """``[fn(block) for block in blocks]``, the blocks run on the thread pool when there are several.

    The calling thread runs the first block itself while the pool runs the others
    (one hand-off fewer, and the caller's core is not left idle). Called from one of
    the pool's own threads it runs them all in place: a task waiting on tasks queued
    behind it could otherwise wait forever.
    """
    if len(blocks) == 1 or _in_block.get() or threading.current_thread().name.startswith(_THREAD_PREFIX):
        return [fn(b) for b in blocks]
    pool = _executor()
    futures = [pool.submit(fn, b) for b in blocks[1:]]
    token = _in_block.set(True)  # a map_blocks inside the caller's block runs in place too: the cores are busy
    try:
        first = fn(blocks[0])
    except BaseException:
        for f in futures:   # the caller's error wins; what has not started need not run
            f.cancel()
        wait(futures)       # and nothing still running may outlive the call (it writes the caller's arrays)
        raise
    finally:
        _in_block.reset(token)
    return [first, *(f.result() for f in futures)]
