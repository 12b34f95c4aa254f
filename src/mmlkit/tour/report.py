"""The tour's self-contained HTML report: figures inlined as PNG, formulas typeset as MathML.

Everything renders offline: the formulas are converted from LaTeX to MathML
when the report is written (browsers render MathML Core natively: no script,
no web font, no network), and the figures are base64 PNG data URLs.
"""

from __future__ import annotations

import base64
import html
import inspect
import io
import os
import re
from pathlib import Path

__all__ = ["DOCS_URL", "figure_to_base64", "tex_to_mathml", "typeset", "write_report"]

#: Where the API reference lives (the Sphinx site's ``html`` folder), relative to the report folder or an
#: absolute URL; the environment variable ``MMLKIT_DOCS_URL`` overrides it, and a site built in the source
#: checkout (``docs/_build/html``) is used when it exists. Each module's page is
#: ``{docs}/api/mmlkit.<module>.html``.
DOCS_URL = "../docs/_build/html"

_CSS = """
:root { --ink: #1d2330; --accent: #3b6fb6; --paper: #f7f7f5; }
html { scroll-behavior: smooth; }
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; color: var(--ink);
       background: var(--paper); }
header { background: var(--ink); color: var(--paper); padding: 1.6rem 2rem 1.6rem 17rem; }
header h1 { margin: 0 0 .3rem 0; font-weight: 600; }
nav.toc { position: fixed; top: 0; left: 0; bottom: 0; width: 15rem; overflow-y: auto; background: #fff;
          border-right: 1px solid #e3e3e0; padding: 1rem .8rem; box-sizing: border-box; font-size: .9rem; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .6rem 0; }
nav.toc ol { padding-left: 1.2rem; margin: 0; }
nav.toc li { margin: .3rem 0; }
nav.toc a { color: var(--ink); text-decoration: none; }
nav.toc a:hover { color: var(--accent); text-decoration: underline; }
main { max-width: 1100px; margin: 0 auto 0 15rem; padding: 1rem 2rem 4rem; }
section { background: #fff; border-radius: 10px; padding: 1.2rem 1.6rem; margin: 1.5rem 0;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { margin-top: 0; }
.formula { background: #f1f3f8; padding: .4rem 1rem; border-left: 3px solid var(--accent); overflow-x: auto; }
.formula math { font-size: 1.15rem; margin: .35rem 0; }
math { font-family: 'STIX Two Math', 'Latin Modern Math', 'Cambria Math', math; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .92rem; }
table { border-collapse: collapse; }
td, th { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
.error { color: #b00020; }
.links { font-size: .9rem; color: #444; border-top: 1px solid #eee; padding-top: .6rem; margin-top: 1rem; }
.links code { background: #f1f3f8; padding: .05rem .3rem; border-radius: 3px; }
.links a { margin-right: .8rem; }
details pre { background: #f6f8fa; padding: .8rem; overflow-x: auto; font-size: .82rem; max-height: 40rem; }
a.top { float: right; font-size: .85rem; }
@media (max-width: 900px) { nav.toc { position: static; width: auto; border-right: 0; }
                            main { margin-left: auto; } header { padding-left: 2rem; } }
"""


def figure_to_base64(fig) -> str:
    """PNG-encode a Matplotlib figure as base64 text."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def tex_to_mathml(tex: str, *, display: bool = False) -> str:
    """LaTeX to a MathML ``<math>`` element (block when ``display``), at report time, offline."""
    from latex2mathml.converter import convert

    return convert(tex, display="block" if display else "inline")


_INLINE = re.compile(r"\$([^$]+)\$")


def typeset(text: str) -> str:
    """HTML for plain text in which ``$...$`` is inline LaTeX: the text escaped, the math as MathML."""
    parts, last = [], 0
    for match in _INLINE.finditer(text):
        parts.append(html.escape(text[last:match.start()]))
        parts.append(tex_to_mathml(match.group(1)))
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _docs_url() -> str:
    if os.environ.get("MMLKIT_DOCS_URL"):
        return os.environ["MMLKIT_DOCS_URL"].rstrip("/")
    built = Path(__file__).resolve().parents[3] / "docs" / "_build" / "html"
    if (built / "api").is_dir():
        return built.as_uri()
    return DOCS_URL.rstrip("/")


def _links(r) -> str:
    """The section's lab notebooks, API pages and the code that drew its figures."""
    module = r.module
    esc = html.escape
    labs = getattr(module, "LAB", ()) if module else ()
    apis = getattr(module, "API", ()) if module else ()
    docs = _docs_url()
    parts = []
    if labs:
        parts.append("Try it in the lab: " + ", ".join(f"<code>mmlkit lab {esc(n)}</code>" for n in labs))
    if apis:
        parts.append("API: " + " ".join(f"<a href='{esc(docs)}/api/{esc(m)}.html'>{esc(m)}</a>" for m in apis))
    out = f"<div class='links'>{' · '.join(parts)}</div>" if parts else ""
    if module is not None:
        try:
            source = inspect.getsource(module)
        except (OSError, TypeError):  # pragma: no cover - frozen or source-less install
            source = None
        if source:
            out += (f"<details><summary>The code that drew these figures "
                    f"(<code>{esc(module.__name__)}</code>)</summary><pre><code>{esc(source)}</code></pre></details>")
    return out


def write_report(results, out: Path, *, quick: bool) -> Path:
    """Write ``out/index.html`` for a list of ``SectionResult`` and return its path."""
    out.mkdir(parents=True, exist_ok=True)
    esc = html.escape
    rows, sections, toc = [], [], []
    for r in results:
        label, value = r.showcase.key_number if r.showcase else ("failed", r.error or "")
        rows.append(f"<tr><td><a href='#{esc(r.name)}'>{esc(r.title)}</a></td><td>{typeset(label)}</td>"
                    f"<td>{esc(value)}</td><td>{r.seconds:.2f} s</td></tr>")
        toc.append(f"<li><a href='#{esc(r.name)}'>{esc(r.title)}</a></li>")
        formula = "".join(tex_to_mathml(line, display=True) for line in r.formula.splitlines() if line.strip())
        body = [f"<section id='{esc(r.name)}' class='tour-section'><a class='top' href='#top'>back to top ↑</a>"
                f"<h2>{esc(r.title)}</h2>",
                f"<p>{typeset(r.summary)}</p>", f"<div class='formula'>{formula}</div>"]
        if r.error:
            body.append(f"<p class='error'>This section failed: {esc(r.error)}</p>")
        else:
            for caption, fig in r.showcase.figures:
                alt = _INLINE.sub(lambda m: m.group(1), caption)
                body.append(f"<figure><img alt='{esc(alt)}' src='data:image/png;base64,"
                            f"{figure_to_base64(fig)}'><figcaption>{typeset(caption)}</figcaption></figure>")
            body.extend(f"<p>{typeset(note)}</p>" for note in r.showcase.notes)
        body.append(_links(r))
        body.append("</section>")
        sections.append("\n".join(body))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mmlkit tour</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body id="top"><nav class="toc" aria-label="contents"><h2>Contents</h2><ol>
<li><a href='#results'>Results</a></li>{''.join(toc)}</ol></nav>
<header><h1>mmlkit tour{' (quick)' if quick else ''}</h1>
<p>The mathematics of machine learning, one showcase per module.</p></header>
<main><section id="results"><h2>Results</h2>
<table><tr><th>section</th><th>key number</th><th>value</th><th>time</th></tr>
{''.join(rows)}</table></section>
{''.join(sections)}
</main></body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
