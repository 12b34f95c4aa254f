"""Every benchmark still runs (smoke sizes). Times are never asserted on."""

import importlib.util
import math
from pathlib import Path

import pytest

from mmlkit._bench import Comparison

BENCH_DIR = Path(__file__).resolve().parents[1] / "benchmarks"
FILES = sorted(BENCH_DIR.glob("bench_*.py"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_benchmark_smoke(path):
    spec = importlib.util.spec_from_file_location(f"smoke_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.run(smoke=True)
    assert rows, f"{path.name} produced no comparisons"
    for row in rows:
        assert isinstance(row, Comparison)
        assert row.ours_s > 0 and row.ref_s > 0
        for q in (row.ours_quality, row.ref_quality):
            assert q is None or math.isfinite(q), f"{row.name}: quality {q} is not finite"


def test_compare_alternates_the_sides_and_keeps_each_fastest_run(monkeypatch):
    import mmlkit._bench as bench

    clock = iter(range(1000))
    monkeypatch.setattr(bench, "TIMER", lambda: next(clock))
    calls = []
    ours_costs, ref_costs = iter([0, 5, 2, 9]), iter([0, 4, 7, 3])   # first entry: the untimed warm-up

    def ours():
        calls.append("ours")
        for _ in range(next(ours_costs)):
            next(clock)
        return "a"

    def reference():
        calls.append("ref")
        for _ in range(next(ref_costs)):
            next(clock)
        return "b"

    row = bench.compare("x", ours, reference, reference_name="r", repeat=3,
                        quality=lambda res: {"a": 1.0, "b": 2.0}[res])
    assert calls == ["ours", "ref"] * 4
    assert (row.ours_s, row.ref_s) == (3, 4)          # one tick to read the clock, plus the cost
    assert (row.ours_quality, row.ref_quality) == (1.0, 2.0)


def test_compare_memory_measures_each_sides_peak_in_the_given_unit():
    import numpy as np

    import mmlkit._bench as bench

    def ours():
        a = np.ones(1_000_000)     # 8 MB, freed again before the call returns
        return float(a.sum())

    def reference():
        return 0.0

    row = bench.compare("x", ours, reference, reference_name="r", repeat=1, memory=True, memory_unit=8_000_000,
                        memory_unit_name="× X")
    assert 1.0 <= row.ours_peak < 1.1
    assert row.ref_peak < 0.01
    assert row.memory_unit == "× X"
    assert bench.compare("x", ours, reference, reference_name="r", repeat=1).ours_peak is None
