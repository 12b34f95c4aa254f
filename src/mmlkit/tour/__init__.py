"""``mmlkit tour``: one showcase per module, a results table and an HTML report."""

import importlib
import pkgutil
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from mmlkit.tour._api import Showcase
from mmlkit.tour.report import write_report

__all__ = ["Showcase", "SectionResult", "discover_sections", "resolve_sections", "run_tour", "section_names"]


@dataclass
class SectionResult:
    """A section's module, what it produced (or the error it raised), and its time."""

    name: str
    title: str
    formula: str
    summary: str
    showcase: Showcase | None
    seconds: float
    error: str | None = None
    module: ModuleType | None = None


def section_names() -> list[str]:
    """The names of the tour's sections (module names in ``mmlkit.tour.sections``), sorted."""
    from mmlkit.tour import sections

    return sorted(info.name for info in pkgutil.iter_modules(sections.__path__) if not info.name.startswith("_"))


def resolve_sections(only: list[str]) -> list[str]:
    """Expand and check section names: ``"models"`` selects every ``models_*`` section.

    Raises
    ------
    ValueError
        For a name that matches no section; the message lists the valid names.
    """
    known = section_names()
    chosen, unknown = [], []
    for name in only:
        matches = [s for s in known if s == name or s.startswith(name + "_")]
        if not matches:
            unknown.append(name)
        chosen.extend(m for m in matches if m not in chosen)
    if unknown:
        raise ValueError(f"unknown section(s) {', '.join(map(repr, unknown))}; choose from: {', '.join(known)}")
    return chosen


def discover_sections(only: list[str] | None = None) -> list[ModuleType]:
    """Import the tour's sections (all, or ``only`` these names), sorted by ``ORDER``.

    An unknown name in ``only`` raises ``ValueError`` listing the valid names.
    """
    from mmlkit.tour import sections

    names = resolve_sections(only) if only else section_names()
    modules = [importlib.import_module(f"{sections.__name__}.{name}") for name in names]
    return sorted(modules, key=lambda m: (m.ORDER, m.__name__))


def _one_blas_thread():
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def run_tour(
    out: str | Path = "mmlkit-tour",
    *,
    quick: bool = False,
    only: list[str] | None = None,
    console=None,
) -> list[SectionResult]:
    """Run every section, print a results table and write ``out/index.html``.

    A section that raises is reported as failed in the table and the report;
    the others still run. Returns the per-section results. The figures are
    ``matplotlib.figure.Figure`` objects drawn off pyplot, so the caller's
    Matplotlib backend, rc settings and open figures are left alone. An
    unknown name in ``only`` raises ``ValueError`` listing the valid names.

    The quick tour runs with BLAS limited to one thread: its matrices are
    small, and on a loaded machine BLAS threads spin-waiting for a core cost
    more than they save (the DDPM section ran several times slower).
    """
    from contextlib import nullcontext

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    console = console or Console()
    modules = discover_sections(only)
    results: list[SectionResult] = []
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=console, transient=False,
    ) as progress, _one_blas_thread() if quick else nullcontext():
        task = progress.add_task("tour", total=len(modules))
        for module in modules:
            name = module.__name__.rsplit(".", 1)[-1]
            progress.update(task, description=f"tour: {module.TITLE}")
            start = time.perf_counter()
            showcase, error = None, None
            try:
                showcase = module.run(quick)
            except Exception as exc:  # a broken section must not hide the others
                error = f"{type(exc).__name__}: {exc}"
            results.append(SectionResult(
                name, module.TITLE, module.FORMULA, module.SUMMARY, showcase,
                time.perf_counter() - start, error, module,
            ))
            progress.advance(task)

    table = Table(title="mmlkit tour" + (" (quick)" if quick else ""))
    for col in ("section", "key number", "value", "time"):
        table.add_column(col, justify="right" if col in ("value", "time") else "left")
    for r in results:
        label, value = r.showcase.key_number if r.showcase else ("failed", r.error or "")
        style = "red" if r.error else None
        table.add_row(r.title, label, value, f"{r.seconds:.2f} s", style=style)
    console.print(table)

    path = write_report(results, Path(out), quick=quick)
    console.print(f"report written to [bold]{path}[/bold]")
    return results
