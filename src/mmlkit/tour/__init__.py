"""``mmlkit tour``: one showcase per module, a results table and an HTML report."""

from __future__ import annotations

import importlib
import pkgutil
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from mmlkit.tour._api import Showcase
from mmlkit.tour.report import write_report

__all__ = ["Showcase", "SectionResult", "discover_sections", "run_tour"]


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


def discover_sections(only: list[str] | None = None) -> list[ModuleType]:
    """Import every module in ``mmlkit.tour.sections``, sorted by ``ORDER``."""
    from mmlkit.tour import sections

    modules = []
    for info in pkgutil.iter_modules(sections.__path__):
        if info.name.startswith("_") or (only and info.name not in only):
            continue
        modules.append(importlib.import_module(f"{sections.__name__}.{info.name}"))
    return sorted(modules, key=lambda m: (m.ORDER, m.__name__))


def run_tour(
    out: str | Path = "mmlkit-tour",
    *,
    quick: bool = False,
    only: list[str] | None = None,
    console=None,
) -> list[SectionResult]:
    """Run every section, print a results table and write ``out/index.html``.

    A section that raises is reported as failed in the table and the report;
    the others still run. Returns the per-section results.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    console = console or Console()
    modules = discover_sections(only)
    results: list[SectionResult] = []
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=console, transient=False,
    ) as progress:
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
                time.perf_counter() - start, error,
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
    plt.close("all")
    console.print(f"report written to [bold]{path}[/bold]")
    return results
