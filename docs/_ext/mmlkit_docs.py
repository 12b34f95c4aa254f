"""Sphinx glue for mmlkit's documentation site.

- :func:`write_api_pages` writes one reference page per public subpackage, listing every name of its
  ``__all__`` in an autosummary table; autosummary then writes a stub page per name. A name added to
  an ``__all__`` appears in the reference at the next build, with no edit here.
- :func:`write_tour_examples` writes one gallery example per tour section
  (``mmlkit/tour/sections/*.py``): the section's own code, run in its quick mode, so every tour
  figure is in the gallery with the code that draws it.
- :func:`figure_scraper` lets sphinx-gallery collect the figures mmlkit draws: ``mmlkit.viz`` builds
  ``Figure`` objects that are not attached to pyplot, which Matplotlib's own scraper cannot see.
- The ``mmlkit-lab`` directive names a lab notebook (and says so when this version has none by that
  name); the ``autodoc-process-docstring`` hook adds "Used in the course" links to every API page
  that a course page cites.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList

#: Tour section → the course page that teaches it.
TOUR_COURSE = {
    "linalg": "decompositions",
    "calculus": "calculus",
    "optimization": "optimization",
    "probability": "probability",
    "statistics": "statistics",
    "information": "information",
    "models_supervised": "models",
    "models_unsupervised": "models",
    "models_kernels": "models",
    "neural": "neural",
    "evaluation": "evaluation",
    "topology": "topology",
    "rl": "rl",
    "generative": "generative",
}

#: Subpackage → the course pages that teach it (shown at the top of its reference page).
MODULE_COURSE = {
    "linalg": ["vectors", "decompositions"],
    "autodiff": ["calculus"],
    "calculus": ["calculus"],
    "optim": ["optimization"],
    "probability": ["probability"],
    "stats": ["statistics"],
    "information": ["information"],
    "models": ["models"],
    "preprocessing": ["models"],
    "nn": ["neural"],
    "evaluation": ["evaluation"],
    "explain": ["explanations"],
    "topology": ["topology"],
    "rl": ["rl"],
    "generative": ["generative"],
    "viz": [],
    "datasets": [],
}


def _write_if_changed(path: Path, text: str) -> None:
    """Rewrite only on change, so that Sphinx's incremental build does not reread every page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def public_modules() -> list[ModuleType]:
    """Every public module directly under ``mmlkit`` that declares an ``__all__``, in name order."""
    import mmlkit

    found = []
    for info in pkgutil.iter_modules(mmlkit.__path__):
        if info.name.startswith("_") or info.name == "cli":
            continue
        module = importlib.import_module(f"mmlkit.{info.name}")
        if getattr(module, "__all__", None):
            found.append(module)
    return found


def _first_line(module: ModuleType) -> str:
    doc = (module.__doc__ or "").strip()
    return doc.splitlines()[0].strip() if doc else ""


def write_api_pages(srcdir: Path) -> list[str]:
    """Write ``api/<module>.rst`` for every public module; return the page names."""
    api = srcdir / "api"
    pages = []
    for module in public_modules():
        name = module.__name__
        short = name.split(".", 1)[1]
        names = sorted(set(module.__all__), key=lambda n: (n.lower(), n))
        lines = [f".. _api-{short}:", "", name, "=" * len(name), "", f".. automodule:: {name}",
                 "   :no-members:", "   :no-index:", ""]
        course = MODULE_COURSE.get(short)
        if course:
            links = ", ".join(f":doc:`/course/{page}`" for page in course)
            lines += [f".. seealso:: The course: {links}.", ""]
        lines += [f".. currentmodule:: {name}", "", ".. autosummary::", "   :toctree: generated/",
                  "   :nosignatures:", ""]
        lines += [f"   {n}" for n in names]
        lines.append("")
        _write_if_changed(api / f"{name}.rst", "\n".join(lines))
        pages.append(name)
    index = ["API reference", "=============", "",
             "Every public name of every subpackage, one page each, generated from the docstrings (the ",
             "formula under *Notes*, the shapes under *Parameters*, an example that runs as a doctest in ",
             "the test suite).", "", ".. list-table::", "   :header-rows: 1", "   :widths: 25 75", "",
             "   * - module", "     - what it holds"]
    for module in public_modules():
        index += [f"   * - :doc:`{module.__name__}`", f"     - {_first_line(module) or ' '}"]
    index += ["", ".. toctree::", "   :hidden:", ""] + [f"   {p}" for p in pages] + [""]
    _write_if_changed(api / "index.rst", "\n".join(index))
    return pages


def write_scaling_costs(srcdir: Path) -> None:
    """Copy the cost model of ``mmlkit._dask``'s docstring into ``scaling_costs.inc``.

    The docstring is the one place the passes and bytes per estimator are written;
    the Scaling page includes this copy, so the two cannot drift apart.
    """
    from mmlkit import _dask

    doc = inspect.cleandoc(_dask.__doc__)
    start = doc.index("The cost model\n")
    body = doc[start:].split("\n", 2)[2]  # drop the heading and its underline
    _write_if_changed(srcdir / "scaling_costs.inc", body.strip() + "\n")


_DOCSTRING = re.compile(r'\A(?:[ \t]*#[^\n]*\n)*[ \t]*[rRuU]?("""|\'\'\')(.*?)\1[ \t]*\n', re.DOTALL)


_INLINE_MATH = re.compile(r"\$([^$]+)\$")


def write_tour_examples(srcdir: Path) -> list[str]:
    """Write ``gallery/tour/plot_tour_<section>.py`` for every tour section; return their names."""
    from mmlkit.tour import discover_sections

    out = srcdir / "gallery" / "tour"
    _write_if_changed(out / "GALLERY_HEADER.rst", (
        "The tour's figures\n------------------\n\n"
        "Every figure of ``mmlkit tour``, with the code that draws it: each example below is one tour\n"
        "section (``mmlkit/tour/sections/<name>.py``) run in its quick mode, exactly as\n"
        "``mmlkit tour --quick`` runs it.\n"))
    written = []
    for section in discover_sections():
        short = section.__name__.rsplit(".", 1)[1]
        source = Path(section.__file__).read_text(encoding="utf-8")
        match = _DOCSTRING.match(source)
        body = source[match.end():] if match else source
        intro = match.group(2).strip() if match else section.TITLE
        # The tour writes FORMULA as LaTeX, one display equation a line, and $…$ inline in SUMMARY.
        formula = "\n\n".join("   " + line for line in section.FORMULA.splitlines() if line.strip())
        summary = _INLINE_MATH.sub(lambda m: f":math:`{m.group(1)}`", section.SUMMARY)
        course = TOUR_COURSE.get(short)
        course_line = f"The course page: :doc:`/course/{course}`. " if course else ""
        title = f"Tour: {section.TITLE}"
        text = "\n".join([
            'r"""', title, "=" * len(title), "", intro, "", summary, "", "The mathematics:", "", ".. math::", "",
            formula, "",
            (f"{course_line}This example is the tour section ``mmlkit.tour.sections.{short}`` (its source, "
            "unchanged, is the first code block); ``mmlkit tour`` runs it at full size."),
            '"""', "", body.rstrip(), "", "", "# %%",
            "# Run the section in its quick mode; each figure follows with its caption.", "",
            "showcase = run(quick=True)",
            "label, value = showcase.key_number", 'print(f"{label}: {value}")',
            "for caption, _ in showcase.figures:", "    print(caption)", "for note in showcase.notes:",
            "    print(note)", ""])
        # Written generated-from notice as a comment so that the file says where it comes from.
        text = f"# Generated by docs/_ext/mmlkit_docs.py from mmlkit/tour/sections/{short}.py.\n" + text
        name = f"plot_tour_{section.ORDER:03d}_{short}.py"
        _write_if_changed(out / name, text)
        written.append(name)
    for stale in out.glob("plot_tour_*.py"):
        if stale.name not in written:
            stale.unlink()
    return written


def read_benchmarks(path: Path) -> tuple[str, list[dict]]:
    """The stored benchmark table: its ``# recorded ...`` line and its rows."""
    import csv

    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("#") else ""
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    return header, rows


def _fmt_seconds(text: str) -> str:
    t = float(text)
    return f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


def _fmt_quality(row: dict) -> str:
    if not row["quality_name"] or row["ours_quality"] == "":
        return ""
    return f"{row['quality_name']}: {float(row['ours_quality']):.4g} / {float(row['ref_quality']):.4g}"


def write_benchmark_table(srcdir: Path) -> None:
    """Render ``_data/benchmarks.csv`` as ``benchmarks_table.inc`` (reST), one table per topic."""
    header, rows = read_benchmarks(srcdir / "_data" / "benchmarks.csv")
    out = [f"*Table {header}.*", ""]
    topics = sorted({row["topic"] for row in rows})
    for topic in topics:
        out += [topic, "~" * len(topic), "", ".. list-table::", "   :header-rows: 1", "   :class: mmlkit-bench", "",
                "   * - benchmark", "     - size", "     - mmlkit", "     - reference", "     - time",
                "     - ratio", "     - quality (mmlkit / reference)"]
        for row in rows:
            if row["topic"] != topic:
                continue
            cells = [row["name"], row["size"], _fmt_seconds(row["ours_s"]), row["reference"],
                     _fmt_seconds(row["ref_s"]), f"{float(row['ratio']):.2f}", _fmt_quality(row)]
            out.append("   * - " + (_escape_prose(cells[0]) or " "))
            out += ["     - " + (_escape_prose(c) if c else " ") for c in cells[1:]]
        out.append("")
    _write_if_changed(srcdir / "benchmarks_table.inc", "\n".join(out))


# --------------------------------------------------------------------------------------------- scraper

def _figures_in(value, depth: int = 0):
    from matplotlib.figure import Figure

    if isinstance(value, Figure):
        yield value
    elif depth < 3 and isinstance(value, (list, tuple)):
        for item in value:
            yield from _figures_in(item, depth + 1)
    elif depth < 2 and hasattr(value, "figures") and isinstance(value.figures, (list, tuple)):
        yield from _figures_in(value.figures, depth + 1)


_SEEN: dict[str, set[int]] = {}


def figure_scraper(block, block_vars, gallery_conf, **kwargs):
    """Save every new ``Figure`` the example's globals hold (alone, in a list or in a Showcase)."""
    from sphinx_gallery.scrapers import figure_rst

    src = str(block_vars.get("src_file"))
    seen = _SEEN.setdefault(src, set())
    images = []
    for value in list(block_vars["example_globals"].values()):
        for fig in _figures_in(value):
            if id(fig) in seen:
                continue
            seen.add(id(fig))
            path = next(block_vars["image_path_iterator"])
            fig.savefig(path, dpi=90)
            images.append(path)
    return figure_rst(images, gallery_conf["src_dir"])


# ------------------------------------------------------------------------------ docstrings as reST

#: Inline literals, roles and interpreted text: left as they are.
_LITERAL = re.compile(r"(``.+?``|:[\w:]+:`[^`]*`|`[^`]*`_{0,2})")
#: A trailing underscore (``coef_``) would be read as a reference to a target: escaped.
_TRAILING_UNDERSCORE = re.compile(r"(?<=\w)_(?=[\s.,;:)\]}'\"/]|$)")


#: A starred name in a shape, ``(*size, d)`` or ``(n, *shape)``, would open an emphasis: escaped.
_STARRED = re.compile(r"(?:(?<=\()|(?<=, ))\*(?=\w+[,)])")
#: numpydoc's section names: a header needs a blank line above it.
_SECTIONS = {"Parameters", "Returns", "Yields", "Raises", "Warns", "Attributes", "Methods", "Notes", "Examples",
             "References", "See Also", "Other Parameters", "Warnings"}


def _escape_prose(text: str) -> str:
    parts = _LITERAL.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside literals
        part = _TRAILING_UNDERSCORE.sub(r"\\_", parts[i].replace("|", r"\|"))
        parts[i] = _STARRED.sub(r"\\*", part)
    return "".join(parts)


def escape_docstring(lines: list[str]) -> None:
    """Make plain-Unicode formulas safe for reST, in place.

    The docstrings write mathematics in Unicode as a reader would (``|x|``, ``‖x‖₂``, ``coef_``);
    reST would read ``|x|`` as a substitution and ``coef_`` as a link. Outside literal blocks,
    directives, doctest blocks and inline literals, ``|`` and a word's trailing ``_`` are escaped.
    """
    # A section header straight under the summary (a docstring built from a template) starts its section.
    for i in range(len(lines) - 2, 0, -1):
        if (lines[i].strip() in _SECTIONS and set(lines[i + 1].strip()) == {"-"}
                and lines[i - 1].strip()):
            lines.insert(i, "")
    literal_indent = None
    in_doctest = False
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if literal_indent is not None:
            if stripped and indent <= literal_indent:
                literal_indent = None
            else:
                continue
        if not stripped:
            in_doctest = False
            continue
        if stripped.startswith(">>>") or in_doctest:
            in_doctest = True
            continue
        if stripped.startswith(("+-", "+=")):
            continue
        if stripped.startswith(".. "):
            literal_indent = indent
            continue
        lines[i] = line[:indent] + _escape_prose(stripped)
        if stripped.endswith("::"):
            literal_indent = indent


def _escape_docstring(app, what, name, obj, options, lines):
    escape_docstring(lines)


# ---------------------------------------------------------------------------------------- directives

class LabDirective(Directive):
    """``.. mmlkit-lab:: NAME``: how to open the lab notebook NAME, checked against the lab's catalogue."""

    required_arguments = 1
    option_spec: ClassVar[dict] = {"exercises": directives.unchanged}

    def run(self):
        from mmlkit.lab import CATALOGUE

        name = self.arguments[0]
        exercises = self.options.get("exercises", name)
        if name in CATALOGUE:
            title, what = CATALOGUE[name]
            lab = [f"**Lab** — *{title}*: {what}. Open it with", "", ".. code-block:: bash", "",
                   "   pip install \"mmlkit[lab]\"    # marimo", f"   mmlkit lab {name}", ""]
        else:
            lab = [("**Lab** — this version's lab has no notebook of its own for this topic yet; "
                   "``mmlkit lab`` lists the notebooks it has."), ""]
        text = [".. admonition:: Practise", "   :class: tip", ""]
        if exercises == "-":
            body = lab + [("**Exercises** — this topic has no exercise set of its own; ``mmlkit exercises list`` "
                          "shows the sets there are."), ""]
        else:
            body = lab + [("**Exercises** — functions to write yourself, graded against mmlkit's own "
                          "implementation on generated inputs:"), "", ".. code-block:: bash", "",
                          f"   mmlkit exercises start {exercises}   # copies stubs into ./mmlkit-exercises/",
                          f"   mmlkit exercises check {exercises}", ""]
        text += ["   " + line if line else "" for line in body]
        node = nodes.container()
        self.state.nested_parse(StringList(text), self.content_offset, node)
        return node.children


# --------------------------------------------------------------------------------- course ↔ API links

_ROLE = re.compile(r":(?:func|class|meth|obj|data|attr):`~?(mmlkit\.[\w.]+)`")
_LISTED = re.compile(r"^\s{3,}~?(mmlkit\.[\w.]+)\s*$", re.MULTILINE)


def course_usage(srcdir: Path) -> dict[str, list[tuple[str, str]]]:
    """Full API name → [(course page, its title)] for every name a course page cites."""
    usage: dict[str, list[tuple[str, str]]] = {}
    for page in sorted((srcdir / "course").glob("*.rst")):
        if page.stem == "index":
            continue
        text = page.read_text(encoding="utf-8")
        title = next((line.strip() for line, under in zip(text.splitlines(), text.splitlines()[1:])
                      if line.strip() and set(under.strip()) == {"="}), page.stem)
        for name in set(_ROLE.findall(text)) | set(_LISTED.findall(text)):
            usage.setdefault(name, []).append((page.stem, title))
    return usage


def _add_course_links(app, what, name, obj, options, lines):
    usage = app.env.mmlkit_course_usage if hasattr(app.env, "mmlkit_course_usage") else {}
    pages = usage.get(name)
    if not pages or what not in ("function", "class", "data", "module"):
        return
    links = ", ".join(f":doc:`{title} </course/{stem}>`" for stem, title in pages)
    lines += ["", ".. rubric:: Used in the course", "", links, ""]


def _skip_foreign_members(app, what, name, obj, skip, options):
    """A class page lists mmlkit's methods, inherited ones included, but not scikit-learn's own
    (``get_params``, ``set_output``, the metadata-routing ``set_*_request``): those are documented
    by scikit-learn, in its own cross-references."""
    module = getattr(obj, "__module__", None) or getattr(getattr(obj, "fget", None), "__module__", None) or ""
    if what == "class" and module.split(".")[0] in ("sklearn", "builtins", "abc"):
        return True
    return None


def _on_builder_inited(app):
    app.env.mmlkit_course_usage = course_usage(Path(app.srcdir))


def setup(app):
    app.add_directive("mmlkit-lab", LabDirective)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("autodoc-skip-member", _skip_foreign_members)
    # Before numpydoc (priority 500) parses the sections.
    app.connect("autodoc-process-docstring", _escape_docstring, priority=400)
    # After numpydoc (priority 500) has turned the docstring into reST.
    app.connect("autodoc-process-docstring", _add_course_links, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
