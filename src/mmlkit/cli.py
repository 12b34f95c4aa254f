"""The ``mmlkit`` command line: ``tour``, ``bench`` and ``lab``."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path


def _benchmark_dir(explicit: str | None) -> Path:
    """Where ``benchmarks/`` lives: ``--dir``, the working directory, or the source checkout."""
    candidates = [Path(explicit)] if explicit else [
        Path.cwd() / "benchmarks",
        Path(__file__).resolve().parents[2] / "benchmarks",
    ]
    for path in candidates:
        if path.is_dir():
            return path
    raise SystemExit(
        "mmlkit bench: no benchmarks/ folder found; run it from an mmlkit checkout or pass --dir"
    )


def _load_benchmarks(directory: Path, names: list[str]):
    files = sorted(directory.glob("bench_*.py"))
    wanted = [f for f in files if not names or f.stem.removeprefix("bench_") in names]
    missing = set(names) - {f.stem.removeprefix("bench_") for f in files}
    if missing:
        known = ", ".join(f.stem.removeprefix("bench_") for f in files)
        raise SystemExit(f"mmlkit bench: unknown benchmark(s) {', '.join(sorted(missing))}; known: {known}")
    for path in wanted:
        spec = importlib.util.spec_from_file_location(f"mmlkit_bench_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield path.stem.removeprefix("bench_"), module


def _fmt_quality(value) -> str:
    return "" if value is None else f"{value:.6g}"


def bench(names: list[str], *, smoke: bool = False, directory: str | None = None, cpu_time: bool = False) -> list:
    """Run the benchmarks and print the side-by-side table; return the rows."""
    import time

    from rich.console import Console
    from rich.table import Table

    from mmlkit import _bench

    _bench.TIMER = time.process_time if cpu_time else time.perf_counter
    console = Console() if sys.stdout.isatty() else Console(width=170)
    table = Table(title="mmlkit vs the reference libraries" + (" (smoke sizes)" if smoke else ""))
    for col in ("benchmark", "size", "mmlkit", "reference", "ratio", "target", "quality (ours / ref)"):
        table.add_column(col, justify="right" if col in ("mmlkit", "ratio", "target") else "left")
    rows = []
    for topic, module in _load_benchmarks(_benchmark_dir(directory), names):
        with console.status(f"benchmark {topic}"):
            results = module.run(smoke=smoke)
        for c in results:
            rows.append(c)
            ok = c.target is None or c.ratio <= c.target
            quality = (f"{c.quality_name}: {_fmt_quality(c.ours_quality)} / {_fmt_quality(c.ref_quality)}"
                       if c.quality_name else "")
            if getattr(c, "ours_peak", None) is not None:   # peak memory, ours / reference
                quality += f"{'; ' if quality else ''}peak {c.ours_peak:.3g} / {c.ref_peak:.3g} {c.memory_unit}"
            table.add_row(
                c.name, c.size, f"{c.ours_s * 1e3:.2f} ms", f"{c.reference} {c.ref_s * 1e3:.2f} ms",
                f"[{'green' if ok else 'yellow'}]{c.ratio:.2f}×", "" if c.target is None else f"≤ {c.target:g}×",
                quality,
            )
    console.print(table)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mmlkit", description="The mathematics of machine learning.")
    sub = parser.add_subparsers(dest="command", required=True)

    p_tour = sub.add_parser("tour", help="run one showcase per module and write an HTML report")
    p_tour.add_argument("--out", default="mmlkit-tour", help="report folder (default: ./mmlkit-tour/)")
    p_tour.add_argument("--quick", action="store_true", help="small sizes; finishes within a minute")
    p_tour.add_argument("--only", nargs="*", help="run only these sections (module names)")

    p_bench = sub.add_parser("bench", help="benchmarks side by side with the reference libraries")
    p_bench.add_argument("names", nargs="*", help="benchmark topics (default: all)")
    p_bench.add_argument("--smoke", action="store_true", help="tiny sizes, to check the benchmarks run")
    p_bench.add_argument("--dir", help="the benchmarks/ folder (default: ./benchmarks or the checkout's)")
    p_bench.add_argument("--cpu-time", action="store_true",
                         help="time with process CPU time (steadier on a loaded machine; sums BLAS threads)")

    p_lab = sub.add_parser("lab", help="open the interactive marimo lab")
    p_lab.add_argument("name", nargs="?", help="one notebook (default: the index)")
    p_lab.add_argument("--run", action="store_true", help="serve the notebooks read-only as apps (no editor)")
    p_lab.add_argument("--dir", default="mmlkit-lab", help="where edit mode keeps your copies (default: ./mmlkit-lab)")

    p_exercises = sub.add_parser("exercises", help="practice with feedback: stubs to fill in, graded by properties")
    from mmlkit.exercises.cli import configure as _configure_exercises

    _configure_exercises(p_exercises)

    args = parser.parse_args(argv)
    if args.command == "tour":
        from mmlkit.tour import run_tour

        results = run_tour(args.out, quick=args.quick, only=args.only)
        return 1 if any(r.error for r in results) else 0
    if args.command == "bench":
        bench(args.names, smoke=args.smoke, directory=args.dir, cpu_time=args.cpu_time)
        return 0
    if args.command == "exercises":
        from mmlkit.exercises.cli import run as _run_exercises

        return _run_exercises(args)
    from mmlkit.lab import open_lab

    return open_lab(args.name, mode="run" if args.run else "edit", directory=args.dir)


if __name__ == "__main__":
    sys.exit(main())
