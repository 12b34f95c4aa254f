"""The contract between the tour runner and its sections.

A section is a module in ``mmlkit.tour.sections`` defining

    TITLE: str        # "Linear algebra"
    ORDER: int        # position in the tour (10, 20, ...)
    LAB: tuple        # the lab notebooks that go further ("vectors", ...): `mmlkit lab NAME`
    API: tuple        # the modules it uses ("mmlkit.linalg", ...), linked to the API reference
    FORMULA: str      # the mathematics it illustrates: LaTeX, one display line per text line
    SUMMARY: str      # two or three sentences for the report ($...$ is inline LaTeX)
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

    Captions and notes are plain text in which ``$...$`` marks inline LaTeX:
    the report typesets it as MathML (offline; no script, no web font).
    """

    figures: list[tuple[str, Figure]]
    key_number: tuple[str, str]
    notes: list[str] = field(default_factory=list)
