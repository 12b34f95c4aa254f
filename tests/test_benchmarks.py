"""Every benchmark still runs (smoke sizes). Times are never asserted on."""

import importlib
import math
import sys
from pathlib import Path

import pytest

import mmlkit.benchmarks
from mmlkit import cli
from mmlkit._bench import Comparison

BENCH_DIR = Path(mmlkit.benchmarks.__file__).parent
TOPICS = cli.benchmark_topics()


def test_benchmarks_ship_inside_the_package():
    assert BENCH_DIR.name == "benchmarks" and BENCH_DIR.parent.name == "mmlkit"
    assert TOPICS == sorted(p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py"))
    assert {"linalg", "nn", "stats", "topology"} <= set(TOPICS)


@pytest.mark.parametrize("topic", TOPICS)
def test_benchmark_smoke(topic):
    module = importlib.import_module(f"mmlkit.benchmarks.bench_{topic}")
    rows = module.run(smoke=True)
    assert rows, f"bench_{topic} produced no comparisons"
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


class _NotInstalled:
    """A meta-path finder that makes ``import name`` fail exactly as for a package that is not installed."""

    def __init__(self, name):
        self.name = name

    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name or fullname.startswith(self.name + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def _hide_module(monkeypatch, name):
    """Make ``import name`` fail as if it were not installed (restored after the test)."""
    for mod in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(sys, "meta_path", [_NotInstalled(name), *sys.meta_path])
    for topic in TOPICS:  # re-import the benchmark modules so their top-level imports run again
        monkeypatch.delitem(sys.modules, f"mmlkit.benchmarks.bench_{topic}", raising=False)


def test_bench_without_a_reference_prints_the_rows_it_can_and_one_line_per_skip(monkeypatch, capsys):
    _hide_module(monkeypatch, "torch")
    rows = cli.bench(["nn", "naive_bayes", "rl"], smoke=True)
    out = capsys.readouterr().out
    assert rows and all(isinstance(r, Comparison) for r in rows)
    assert "Traceback" not in out and "naive" in out.lower()
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 2, out
    for topic, line in zip(["nn", "rl"], skipped):
        assert line.startswith(f"skipped {topic}:") and "torch" in line and 'pip install "mmlkit[bench]"' in line


def test_bench_with_every_reference_missing_prints_only_the_notes(monkeypatch, capsys):
    _hide_module(monkeypatch, "torch")
    assert cli.bench(["nn"], smoke=True) == []
    out = capsys.readouterr().out
    assert out.strip().splitlines() == [
        'skipped nn: its reference needs torch, which is not installed (pip install "mmlkit[bench]")']


def test_bench_rejects_an_unknown_topic_and_lists_the_known(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["bench", "--smoke", "linalg", "no_such_topic"])
    message = str(info.value.code)
    assert "no_such_topic" in message and all(t in message for t in TOPICS)


def test_bench_help_lists_every_topic_and_the_extra(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["bench", "--help"])
    assert info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert all(t in out for t in TOPICS) and 'pip install "mmlkit[bench]"' in out


def test_bench_runs_an_external_folder(tmp_path, capsys):
    (tmp_path / "bench_toy.py").write_text(
        "from mmlkit._bench import compare\n"
        "def run(smoke=False):\n"
        "    return [compare('toy', lambda: 1, lambda: 2, reference_name='ref', repeat=1)]\n")
    rows = cli.bench([], smoke=True, directory=str(tmp_path))
    assert [r.name for r in rows] == ["toy"]
    with pytest.raises(SystemExit, match="choose from: toy"):
        cli.bench(["linalg"], directory=str(tmp_path))
    with pytest.raises(SystemExit, match="not a folder"):
        cli.bench([], directory=str(tmp_path / "missing"))


def test_compare_without_warmup_makes_only_the_timed_calls():
    """warmup=False (the caller warmed both sides up on smaller data): repeat calls each, all timed."""
    import mmlkit._bench as bench

    calls = []
    row = bench.compare("x", lambda: calls.append("ours"), lambda: calls.append("ref"), reference_name="r",
                        repeat=2, warmup=False)
    assert calls == ["ours", "ref"] * 2
    assert row.ours_s >= 0 and row.ref_s >= 0


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="peak RSS is read from Linux's /proc")
def test_bench_small_resident_memory_sees_what_tracemalloc_cannot():
    # libsvm's kernel cache is malloc'd by compiled code: tracemalloc misses it, the
    # resident-set measure (a fresh interpreter per side) does not.
    from mmlkit.benchmarks import bench_small

    names = [case[0] for case in bench_small._memory_cases(*bench_small._memory_data(300))]
    svc = names.index("SVC")
    ours, ref = (bench_small._rss_peak_in_child(svc, side, 1000) for side in (0, 1))
    assert ours > 0 and ref > 0
    X, y, _ = bench_small._memory_data(1000)
    from sklearn.svm import SVC

    from mmlkit._bench import peak_memory

    assert ref > 2 * peak_memory(lambda: SVC().fit(X, y)) / X.nbytes


def test_compare_with_a_budget_takes_between_min_repeat_and_repeat_turns():
    import mmlkit._bench as bench

    def turns(**kw):
        calls = []
        row = bench.compare("x", lambda: calls.append("ours"), lambda: calls.append("ref"), reference_name="r",
                            warmup=False, **kw)
        assert calls == ["ours", "ref"] * row.runs
        return row.runs

    assert turns(repeat=25, budget_s=0.0, min_repeat=3) == 3        # budget spent: the minimum
    assert turns(repeat=5, budget_s=1e9, min_repeat=3) == 5         # budget left: up to repeat
    assert turns(repeat=2, budget_s=0.0, min_repeat=3) == 2         # the minimum never exceeds repeat
    assert turns(repeat=4) == 4                                      # no budget: exactly repeat


def test_compare_with_a_budget_stops_once_the_budget_is_spent():
    import time

    import mmlkit._bench as bench

    row = bench.compare("x", lambda: time.sleep(0.02), lambda: time.sleep(0.02), reference_name="r", warmup=False,
                        repeat=25, budget_s=0.15, min_repeat=2)
    assert 2 <= row.runs <= 5          # 40 ms a turn: the fourth turn starts after ≥ 0.12 s, none after 0.15 s


def test_bench_small_rows_can_be_selected_by_name():
    from mmlkit.benchmarks import bench_small

    assert [case[0] for case in bench_small._cases()] == list(bench_small.ESTIMATORS)
    assert bench_small.selected() == bench_small.ESTIMATORS
    assert bench_small.selected("KMeans, SVC") == ("SVC", "KMeans")       # table order
    assert bench_small.selected(["SVC", "KMeans,PCA"]) == ("SVC", "KMeans", "PCA")
    with pytest.raises(ValueError, match="Foo.*choose from: LinearRegression"):
        bench_small.selected("SVC,Foo")
    rows = bench_small.run(smoke=True, only="GaussianNB")
    assert [r.name for r in rows] == ["GaussianNB", "GaussianNB fit, peak memory"]
    assert rows[0].ours_peak is not None and rows[0].runs == 1


def test_bench_only_is_checked_and_listed(capsys):
    from mmlkit.benchmarks.bench_small import ESTIMATORS

    with pytest.raises(SystemExit) as info:
        cli.main(["bench", "small", "--smoke", "--only", "SVC,NoSuchModel"])
    message = str(info.value.code)
    assert "NoSuchModel" in message and all(name in message for name in ESTIMATORS)
    with pytest.raises(SystemExit, match="--only selects rows of small only, not of stats"):
        cli.main(["bench", "small", "stats", "--only", "SVC"])
    with pytest.raises(SystemExit) as info:
        cli.main(["bench", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--only" in out and all(name in out for name in ESTIMATORS)


def test_compare_settle_sleeps_untimed_before_every_timed_call(monkeypatch):
    """settle_s: a pause before each timed call (the other side's BLAS threads go idle), outside the timing."""
    import mmlkit._bench as bench

    events = []
    monkeypatch.setattr(bench.time, "sleep", lambda s: events.append(("sleep", s)))
    row = bench.compare("x", lambda: events.append("ours"), lambda: events.append("ref"), reference_name="r",
                        repeat=2, settle_s=0.25)
    assert events == ["ours", "ref"] + [("sleep", 0.25), "ours", ("sleep", 0.25), "ref"] * 2
    assert row.ours_s < 0.25 and row.ref_s < 0.25
    events.clear()
    bench.compare("x", lambda: events.append("ours"), lambda: events.append("ref"), reference_name="r", repeat=2)
    assert events == ["ours", "ref"] * 3                 # no pause by default
