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
