"""The ``mmlkit`` command line: ``tour``, ``bench``, ``lab`` and ``exercises`` (and ``--version``).

Every command's ``--help`` lists the names it accepts; an unknown name is an
error (exit status 2, the valid names in the message), never an empty result;
a command that needs an optional extra that is not installed names the extra
and the ``pip install`` command that brings it.
"""

import argparse
import importlib
import importlib.util
import pkgutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

#: The optional extras and what each brings: the message for a command that needs one.
EXTRAS = {
    "lab": "the interactive marimo notebooks",
    "bench": "the reference libraries the benchmarks compare against (PyTorch, SHAP, ripser, LIME)",
}

#: `mmlkit tour --quick`, every section and the report, in CPU seconds of one process (the quick tour limits BLAS
#: to one thread). Measured on the shared 2-core machine: 19.6, 18.5, 23.0 and 20.7 s of CPU; wall time 52 s and
#: 47 s at load average 6-7, 81 s and 75 s at load average 12-13 (other jobs sharing the two cores).
QUICK_TOUR_CPU_S = 25
#: The wall-time promise holds on a 2-core machine that the tour does not share with other busy jobs.
QUICK_TOUR_BOUND_S = 60


def install_hint(extra: str) -> str:
    """``pip install "mmlkit[extra]"``: the command that installs an optional extra."""
    return f'pip install "mmlkit[{extra}]"'


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mmlkit")
    except PackageNotFoundError:  # a source tree on sys.path, never installed
        return "unknown (not installed)"


# --- names ---------------------------------------------------------------------------------------------------


def tour_sections() -> list[str]:
    """The tour's section names (``mmlkit tour --only NAME``), in file order."""
    from mmlkit.tour import section_names

    return section_names()


def benchmark_topics(directory: str | Path | None = None) -> list[str]:
    """The benchmark topics: the package's ``mmlkit.benchmarks.bench_<topic>`` or ``directory``'s files."""
    if directory is not None:
        return sorted(p.stem.removeprefix("bench_") for p in Path(directory).glob("bench_*.py"))
    from mmlkit import benchmarks

    return sorted(m.name.removeprefix("bench_") for m in pkgutil.iter_modules(benchmarks.__path__)
                  if m.name.startswith("bench_"))


#: The benchmarks whose rows ``mmlkit bench TOPIC --only NAME,...`` can select: the module attribute naming them
#: (their ``run`` takes ``only=``).
SELECTABLE_ROWS = {"small": "ESTIMATORS"}


def benchmark_rows(topic: str) -> list[str]:
    """The row names ``mmlkit bench TOPIC --only`` accepts (empty for a benchmark without ``--only``)."""
    if topic not in SELECTABLE_ROWS:
        return []
    return list(getattr(importlib.import_module(f"mmlkit.benchmarks.bench_{topic}"), SELECTABLE_ROWS[topic]))


def lab_notebooks() -> list[str]:
    """The lab's notebook names (``mmlkit lab NAME``)."""
    from mmlkit.lab import notebooks

    return list(notebooks())


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "(none)"


# --- bench ---------------------------------------------------------------------------------------------------


def _load_benchmark(topic: str, directory: Path | None) -> ModuleType:
    if directory is None:
        return importlib.import_module(f"mmlkit.benchmarks.bench_{topic}")
    path = directory / f"bench_{topic}.py"
    spec = importlib.util.spec_from_file_location(f"mmlkit_bench_{topic}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _missing_module(exc: ModuleNotFoundError) -> str:
    return (exc.name or str(exc)).split(".")[0]


def _fmt_quality(value) -> str:
    return "" if value is None else f"{value:.6g}"


def _run_benchmarks(topics: list[str], directory: Path | None, smoke: bool, status, only=None) -> Iterator:
    """Yield ``(topic, rows, missing_module)`` per topic: rows, or the reference module that is missing."""
    for topic in topics:
        try:
            with status(f"benchmark {topic}"):
                module = _load_benchmark(topic, directory)
                rows = module.run(smoke=smoke) if only is None else module.run(smoke=smoke, only=only)
        except ModuleNotFoundError as exc:  # a reference library of the `bench` extra is not installed
            yield topic, [], _missing_module(exc)
            continue
        yield topic, rows, None


def _check_only(only: list[str], topics: list[str]) -> list[str]:
    """``--only``'s names split at commas, checked against the rows of ``topics`` (``SystemExit`` if wrong)."""
    names = [n.strip() for part in only for n in part.split(",") if n.strip()]
    cannot = [t for t in topics if t not in SELECTABLE_ROWS]
    if cannot or not topics:
        raise SystemExit(f"mmlkit bench: --only selects rows of {_names(list(SELECTABLE_ROWS))} only, "
                         f"not of {_names(cannot) if topics else 'every benchmark'}")
    known = [row for topic in topics for row in benchmark_rows(topic)]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise SystemExit(f"mmlkit bench: unknown row(s) {_names(unknown)} for --only; choose from: {_names(known)}")
    return names


def bench(names: list[str], *, smoke: bool = False, directory: str | None = None, cpu_time: bool = False,
          only: list[str] | None = None) -> list:
    """Run the benchmarks and print the side-by-side table; return the rows.

    A benchmark whose reference library is not installed is skipped with one
    line naming the missing module and the ``bench`` extra; the others still run.
    Raises ``SystemExit`` with the known topics for an unknown name, and with the
    known rows for an unknown ``only`` name (``only``: row names, commas allowed,
    for the benchmarks of :data:`SELECTABLE_ROWS`).
    """
    import time

    from rich.console import Console
    from rich.table import Table

    from mmlkit import _bench

    folder = None
    if directory is not None:
        folder = Path(directory)
        if not folder.is_dir():
            raise SystemExit(f"mmlkit bench: --dir {directory!r} is not a folder")
    known = benchmark_topics(folder)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"mmlkit bench: unknown benchmark(s) {', '.join(unknown)}; choose from: {_names(known)}")
    topics = list(dict.fromkeys(names)) or known
    if only is not None:
        only = _check_only(only, topics if names else list(SELECTABLE_ROWS))
        topics = topics if names else list(SELECTABLE_ROWS)

    _bench.TIMER = time.process_time if cpu_time else time.perf_counter
    console = Console() if sys.stdout.isatty() else Console(width=170)
    table = Table(title="mmlkit vs the reference libraries" + (" (smoke sizes)" if smoke else ""))
    for col in ("benchmark", "size", "mmlkit", "reference", "ratio", "target", "quality (ours / ref)"):
        table.add_column(col, justify="right" if col in ("mmlkit", "ratio", "target") else "left")
    rows, skipped = [], []
    for topic, results, missing in _run_benchmarks(topics, folder, smoke, console.status, only):
        if missing:
            skipped.append((topic, missing))
            continue
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
    if rows:
        console.print(table)
    for topic, missing in skipped:
        console.print(f"skipped {topic}: its reference needs {missing}, which is not installed "
                      f"({install_hint('bench')})", highlight=False, markup=False)
    return rows


# --- the parser ----------------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 78, indent: str = "  ") -> str:
    import textwrap

    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)


def build_parser() -> argparse.ArgumentParser:
    """The ``mmlkit`` argument parser; each subcommand's epilog lists the names it accepts."""
    parser = argparse.ArgumentParser(prog="mmlkit", description="The mathematics of machine learning.")
    parser.add_argument("--version", action="version", version=f"mmlkit {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    sections = tour_sections()
    p_tour = sub.add_parser(
        "tour", help="run one showcase per module and write an HTML report", formatter_class=raw,
        epilog="sections:\n" + _wrap(_names(sections))
        + "\n\n'models' selects every models_* section. Example: mmlkit tour --quick --only linalg models",
    )
    p_tour.add_argument("--out", default="mmlkit-tour", help="report folder (default: ./mmlkit-tour/)")
    p_tour.add_argument("--quick", action="store_true",
                        help=f"small sizes: about {QUICK_TOUR_CPU_S} s of CPU time, so within {QUICK_TOUR_BOUND_S} s "
                             "on a 2-core machine (longer while other jobs share its cores)")
    p_tour.add_argument("--only", nargs="+", metavar="SECTION", help="run only these sections (listed below)")

    topics = benchmark_topics()
    p_bench = sub.add_parser(
        "bench", help="benchmarks side by side with the reference libraries", formatter_class=raw,
        epilog="benchmarks:\n" + _wrap(_names(topics))
        + "".join(f"\n\n--only rows of {t}:\n" + _wrap(_names(benchmark_rows(t))) for t in SELECTABLE_ROWS)
        + f"\n\nThe references come with the bench extra: {install_hint('bench')}\n"
        "A benchmark whose reference is missing is skipped with a one-line note.",
    )
    p_bench.add_argument("names", nargs="*", metavar="TOPIC", help="benchmark topics (default: all; listed below)")
    p_bench.add_argument("--smoke", action="store_true", help="tiny sizes, to check the benchmarks run")
    p_bench.add_argument("--dir", help="an external folder of bench_<topic>.py files (default: the package's)")
    p_bench.add_argument("--only", nargs="+", metavar="NAME",
                         help="run only these rows (commas or spaces; e.g. mmlkit bench small --only SVC,KMeans); "
                              "listed below")
    p_bench.add_argument("--cpu-time", action="store_true",
                         help="time with process CPU time (steadier on a loaded machine; sums BLAS threads)")

    books = lab_notebooks()
    p_lab = sub.add_parser(
        "lab", help="open the interactive marimo lab", formatter_class=raw,
        epilog="notebooks:\n" + _wrap(_names(books)) + f"\n\nThe lab needs the lab extra: {install_hint('lab')}",
    )
    p_lab.add_argument("name", nargs="?", metavar="NOTEBOOK", help="one notebook (default: the index; listed below)")
    p_lab.add_argument("--run", action="store_true", help="serve the notebooks read-only as apps (no editor)")
    p_lab.add_argument("--dir", default="mmlkit-lab", help="where edit mode keeps your copies (default: ./mmlkit-lab)")
    p_lab.add_argument("--port", type=int, help="port on 127.0.0.1 to serve on (default: a free one)")
    p_lab.add_argument("--no-browser", "--headless", dest="no_browser", action="store_true",
                       help="only print the address; do not open a web browser")

    p_exercises = sub.add_parser("exercises", help="practice with feedback: stubs to fill in, graded by properties")
    from mmlkit.exercises.cli import configure as _configure_exercises

    _configure_exercises(p_exercises)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "tour":
        from mmlkit.tour import resolve_sections, run_tour

        try:
            only = resolve_sections(args.only) if args.only else None
        except ValueError as exc:
            parser.exit(2, f"mmlkit tour: {exc}\n")
        results = run_tour(args.out, quick=args.quick, only=only)
        return 1 if any(r.error for r in results) else 0
    if args.command == "bench":
        bench(args.names, smoke=args.smoke, directory=args.dir, cpu_time=args.cpu_time, only=args.only)
        return 0
    if args.command == "exercises":
        from mmlkit.exercises.cli import run as _run_exercises

        return _run_exercises(args)
    if args.command == "lab":
        books = lab_notebooks()
        if args.name is not None and args.name.removesuffix(".py") not in books:
            parser.exit(2, f"mmlkit lab: no notebook {args.name!r}; choose from: {_names(books)}\n")
        if importlib.util.find_spec("marimo") is None:
            parser.exit(1, f"mmlkit lab needs the lab extra ({EXTRAS['lab']}): {install_hint('lab')}\n")
        from mmlkit.lab import open_lab

        return open_lab(args.name, mode="run" if args.run else "edit", directory=args.dir, port=args.port,
                        open_browser=not args.no_browser)
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover - argparse rejects it first
    return 2


if __name__ == "__main__":
    sys.exit(main())
