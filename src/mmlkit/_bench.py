"""Side-by-side benchmarking: our routine and its oracle, same data, one process.

A benchmark module in ``mmlkit/benchmarks/`` (named ``bench_<topic>.py``) defines

    def run(smoke: bool = False) -> list[Comparison]

and builds each row with :func:`compare`. ``smoke=True`` means tiny sizes and a
single repeat, so CI can check that every benchmark still runs; timings from a
smoke run mean nothing and nothing ever asserts on a time.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Comparison", "best_time", "compare", "peak_memory"]


@dataclass(frozen=True)
class Comparison:
    """One row of the benchmark table.

    ``ratio`` is ours / reference: below 1 means mmlkit is faster.
    ``higher_is_better`` says how to read the quality figures.
    """

    name: str
    size: str
    ours_s: float
    ref_s: float
    reference: str
    quality_name: str = ""
    ours_quality: float | None = None
    ref_quality: float | None = None
    higher_is_better: bool = True
    target: float | None = None
    ours_peak: float | None = None
    ref_peak: float | None = None
    memory_unit: str = ""
    runs: int = 0

    @property
    def ratio(self) -> float:
        return self.ours_s / self.ref_s if self.ref_s > 0 else float("inf")


#: The clock every comparison uses: wall time by default; ``mmlkit bench --cpu-time`` switches to
#: process CPU time, steadier on a loaded machine (but it adds up the time of every BLAS thread).
TIMER: Callable[[], float] = time.perf_counter


def best_time(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Run ``fn`` ``repeat`` times; return the fastest time (by :data:`TIMER`) and the last result.

    The minimum is the figure least disturbed by other load on the machine.
    """
    best, result = float("inf"), None
    gc.collect()  # once per side: a collection inside the loop would cost more than small timed calls
    for _ in range(max(1, repeat)):
        start = TIMER()
        result = fn()
        best = min(best, TIMER() - start)
    return best, result


def peak_memory(fn: Callable[[], Any]) -> int:
    """Peak bytes newly allocated (NumPy arrays included) during one call of ``fn``, by tracemalloc.

    The result of ``fn`` is dropped before the trace stops; what was allocated
    before the call (the data) does not count.
    """
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return max(0, peak - base)


def _settle(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def compare(
    name: str,
    ours: Callable[[], Any],
    reference: Callable[[], Any],
    *,
    reference_name: str,
    size: str = "",
    quality: Callable[[Any], float] | None = None,
    quality_name: str = "",
    higher_is_better: bool = True,
    repeat: int = 3,
    target: float | None = None,
    memory: bool = False,
    memory_unit: float = 1.0,
    memory_unit_name: str = "bytes",
    warmup: bool = True,
    budget_s: float | None = None,
    min_repeat: int = 3,
    settle_s: float = 0.0,
) -> Comparison:
    """Time ``ours`` and ``reference`` alike and score each result with ``quality``.

    After one untimed call each, the two take ``repeat`` turns (ours, reference,
    ours, …); each side's fastest run is its time. With ``budget_s`` the number
    of turns adapts: they stop once both ``min_repeat`` turns are done and the
    turns have taken ``budget_s`` seconds of wall time (both sides together), and
    at ``repeat`` turns at the latest, so fast calls still take many turns and a
    slow one takes ``min_repeat``; the figure is the same fastest run.

    Parameters
    ----------
    name : str
        What is measured, e.g. ``"qr (householder)"``.
    ours, reference : callable
        Zero-argument callables doing the same work on the same data.
    reference_name : str
        The oracle, e.g. ``"numpy.linalg.qr"``.
    size : str
        The problem size, for the table (``"n=512"``).
    quality : callable, optional
        Maps a callable's result to a number (accuracy, residual, objective).
    target : float, optional
        The ratio the issue asks for; shown beside the measured ratio.
    memory : bool
        Also measure each side's peak allocation during one (untimed) call with
        :func:`peak_memory`, divided by ``memory_unit`` (e.g. ``X.nbytes``,
        named ``memory_unit_name``, e.g. ``"× X"``).
    warmup : bool
        Make the untimed first call of each side (when ``repeat > 1``); a caller
        that has warmed both up on smaller data already passes False.
    budget_s : float, optional
        Wall-clock seconds of turns after which no new turn starts (once
        ``min_repeat`` turns are done); None: exactly ``repeat`` turns.
    min_repeat : int
        The fewest turns under ``budget_s`` (capped by ``repeat``).
    settle_s : float
        Untimed seconds of sleep before every timed call. NumPy's OpenBLAS keeps
        its worker threads spinning for about a tenth of a second after its last
        product, so a call timed straight after a multi-threaded BLAS call of the
        other side shares a core with them; a library with its own thread pool
        (torch's OpenMP) pays for that (W1: torch's epoch 250–265 ms alone,
        305–360 ms right after mmlkit's, 253–278 ms after a 0.2 s pause).

    The row's ``runs`` is the number of turns taken.
    """
    # One untimed call each first, so import and cache warm-up cost is excluded. Then the
    # two sides take turns, so a slow spell of a shared machine falls on both alike.
    if repeat > 1 and warmup:
        ours(), reference()
    t_ours = t_ref = float("inf")
    turns, most = 0, max(1, repeat)
    least = most if budget_s is None else min(max(1, min_repeat), most)
    # Each timed call starts after a garbage collection. A full one walks every object of the
    # imported libraries (≈ 0.1 s with scikit-learn loaded: more than the call timed), so the
    # objects alive now are frozen out of it for this row's calls and handed back after.
    gc.collect()
    gc.freeze()
    try:
        start = time.perf_counter()
        while turns < most and (turns < least or time.perf_counter() - start < budget_s):
            _settle(settle_s)
            t, r_ours = best_time(ours, 1)
            t_ours = min(t_ours, t)
            _settle(settle_s)
            t, r_ref = best_time(reference, 1)
            t_ref = min(t_ref, t)
            turns += 1
        peaks = (None, None)
        if memory:
            peaks = (peak_memory(ours) / memory_unit, peak_memory(reference) / memory_unit)
    finally:
        gc.unfreeze()
    return Comparison(
        name=name,
        size=size,
        ours_s=t_ours,
        ref_s=t_ref,
        reference=reference_name,
        quality_name=quality_name,
        ours_quality=None if quality is None else float(quality(r_ours)),
        ref_quality=None if quality is None else float(quality(r_ref)),
        higher_is_better=higher_is_better,
        target=target,
        ours_peak=peaks[0],
        ref_peak=peaks[1],
        memory_unit=memory_unit_name if memory else "",
        runs=turns,
    )
