"""Row blocks and the thread pool behind the row-parallel passes."""

import os
from itertools import pairwise

import pytest

import mmlkit._threads as threads


@pytest.mark.parametrize("n_rows", [0, 1, 100, 8_192 * 3 + 5, 1_000_003])
@pytest.mark.parametrize("n_cpus", [1, 2, 7])
def test_row_blocks_partition_the_rows(monkeypatch, n_rows, n_cpus):
    monkeypatch.setattr(threads, "_n_cpus", lambda: n_cpus)
    blocks = threads.row_blocks(n_rows)
    assert blocks[0].start == 0 and blocks[-1].stop == n_rows
    assert all(a.stop == b.start for a, b in pairwise(blocks))
    assert 1 <= len(blocks) <= n_cpus
    if len(blocks) > 1:
        assert min(b.stop - b.start for b in blocks) >= threads.MIN_ROWS_PER_THREAD


def test_row_blocks_follow_the_work_not_the_rows(monkeypatch):
    monkeypatch.setattr(threads, "_n_cpus", lambda: 4)
    assert len(threads.row_blocks(10**6)) == 4
    assert len(threads.row_blocks(10**6, work=100)) == 1
    assert len(threads.row_blocks(10**6, work=2 * threads.MIN_ROWS_PER_THREAD)) == 2


def test_row_blocks_in_other_units_of_work(monkeypatch):
    monkeypatch.setattr(threads, "_n_cpus", lambda: 8)
    assert len(threads.row_blocks(3_000, work=3_000**2, min_work=2**20)) == 8
    assert len(threads.row_blocks(500, work=500**2, min_work=2**20)) == 1
    assert len(threads.row_blocks(3, work=10**9, min_work=1)) == 3      # never an empty range


def test_map_blocks_keeps_order_and_uses_threads(monkeypatch):
    import threading

    monkeypatch.setattr(threads, "_n_cpus", lambda: 3)
    blocks = [slice(0, 5), slice(5, 9), slice(9, 20)]
    names = []

    def fn(b):
        names.append(threading.current_thread().name)
        return b.stop - b.start

    assert threads.map_blocks(fn, blocks) == [5, 4, 11]
    here = threading.current_thread().name
    assert here in names and names.count(here) == 1              # the caller runs one block itself …
    assert sum(name.startswith("mmlkit") for name in names) == 2  # … and the pool the others
    assert threads.map_blocks(fn, blocks[:1]) == [5]            # a single block runs here
    assert names[-1] == threading.current_thread().name


def test_a_forked_child_gets_a_fresh_pool(monkeypatch):
    pool = threads._executor()
    monkeypatch.setattr(threads, "_pool", pool)                  # restored after the test
    monkeypatch.setattr(threads, "_pool_pid", threads._pool_pid)
    assert threads._executor() is pool
    monkeypatch.setattr(os, "getpid", lambda: -1)                # as seen from a fork() child
    assert threads._executor() is not pool


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX-only")
def test_map_blocks_works_in_a_forked_child(monkeypatch):
    """A pool inherited through fork() has no threads: the child must not hang on it."""
    import signal

    monkeypatch.setattr(threads, "_n_cpus", lambda: 2)
    blocks = [slice(0, 3), slice(3, 10)]
    assert threads.map_blocks(lambda b: b.stop, blocks) == [3, 10]   # the parent's pool is live
    pid = os.fork()
    if pid == 0:                                                     # child: exit 0 on success
        signal.alarm(20)                                             # a hang ends in SIGALRM
        os._exit(0 if threads.map_blocks(lambda b: b.stop, blocks) == [3, 10] else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_limit_caps_the_blocks_and_restores(monkeypatch):
    monkeypatch.setattr(threads, "_n_cpus", lambda: 4)
    with threads.limit(1):
        assert len(threads.row_blocks(10**6)) == 1
        with threads.limit(3):
            assert len(threads.row_blocks(10**6)) == 3
        assert len(threads.row_blocks(10**6)) == 1
    assert len(threads.row_blocks(10**6)) == 4


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2"])
def test_limit_rejects_a_bad_count(bad):
    with pytest.raises(ValueError, match="n_threads"), threads.limit(bad):
        pass


def test_map_blocks_nested_in_a_pool_thread_runs_in_place(monkeypatch):
    """A block that maps blocks itself must not wait on a pool it is occupying."""
    import threading

    monkeypatch.setattr(threads, "_n_cpus", lambda: 2)
    blocks = [slice(0, 2), slice(2, 4)]

    def outer(b):
        inner = threads.map_blocks(lambda c: threading.current_thread().name, blocks)
        assert len(set(inner)) == 1 and inner[0] == threading.current_thread().name
        return b.stop

    assert threads.map_blocks(outer, blocks) == [2, 4]


def test_map_blocks_waits_for_every_block_when_the_callers_block_fails(monkeypatch):
    """An error in the caller's own block is raised only once no other block is still running
    (they write the caller's arrays), and a block's error reaches the caller."""
    import threading
    import time

    monkeypatch.setattr(threads, "_n_cpus", lambda: 2)
    started, done = threading.Event(), threading.Event()

    def fn(b):
        if b.start == 0:
            assert started.wait(30)   # the pool's block is running when the caller's fails
            raise RuntimeError("first block")
        started.set()
        time.sleep(0.05)
        done.set()
        return 1

    with pytest.raises(RuntimeError, match="first block"):
        threads.map_blocks(fn, [slice(0, 1), slice(1, 2)])
    assert done.is_set()

    def fails_later(b):
        if b.start == 1:
            raise ValueError("second block")
        return 0

    with pytest.raises(ValueError, match="second block"):
        threads.map_blocks(fails_later, [slice(0, 1), slice(1, 2)])


def test_nested_map_blocks_from_the_callers_block_and_the_pools_do_not_deadlock(monkeypatch):
    monkeypatch.setattr(threads, "_n_cpus", lambda: 2)
    inner = [slice(0, 1), slice(1, 2), slice(2, 3)]

    def outer(b):
        return sum(threads.map_blocks(lambda s: s.start, inner)) + b.start

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as users:             # several callers at once, each nesting
        results = list(users.map(lambda _: threads.map_blocks(outer, [slice(0, 1), slice(10, 11)]), range(8),
                                 timeout=30))
    assert results == [[3, 13]] * 8
