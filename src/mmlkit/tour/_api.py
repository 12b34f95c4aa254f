"""The contract between the tour runner and its sections.

A section is a module in ``mmlkit.tour.sections`` defining

    TITLE: str        # "Linear algebra"
    ORDER: int        # position in the tour (10, 20, ...)
    FORMULA: str      # the mathematics it illustrates, in plain Unicode
    SUMMARY: str      # two or three sentences for the report
    def run(quick: bool) -> Showcase

``run`` builds its figures with Matplotlib (``mmlkit.viz`` where a function
fits) and must finish in a few seconds when ``quick`` is true.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from matplotlib.figure import Figure


@dataclass
class Showcase:
    """What one tour section produced.

    figures : list of (caption, Figure)
    key_number : (label, formatted value) shown in the results table
    notes : extra lines of text for the report (optional)
    """

    figures: list[tuple[str, Figure]]
    key_number: tuple[str, str]
    notes: list[str] = field(default_factory=list)
