"""The tour's self-contained HTML report: figures inlined as base64 PNG."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; color: #1d2330;
       background: #f7f7f5; }
header { background: #1d2330; color: #f7f7f5; padding: 2rem 3rem; }
header h1 { margin: 0 0 .3rem 0; font-weight: 600; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 2rem 4rem; }
section { background: #fff; border-radius: 10px; padding: 1.2rem 1.6rem; margin: 1.5rem 0;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { margin-top: 0; }
.formula { font-family: 'STIX Two Math', 'Cambria Math', serif; font-size: 1.15rem; background: #f1f3f8;
           padding: .6rem 1rem; border-left: 3px solid #3b6fb6; white-space: pre-wrap; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: .92rem; }
table { border-collapse: collapse; }
td, th { padding: .3rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }
.error { color: #b00020; }
nav a { margin-right: 1rem; }
"""


def figure_to_base64(fig) -> str:
    """PNG-encode a Matplotlib figure as base64 text."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def write_report(results, out: Path, *, quick: bool) -> Path:
    """Write ``out/index.html`` for a list of ``SectionResult`` and return its path."""
    out.mkdir(parents=True, exist_ok=True)
    esc = html.escape
    rows, sections = [], []
    for r in results:
        label, value = r.showcase.key_number if r.showcase else ("failed", r.error or "")
        rows.append(f"<tr><td><a href='#{esc(r.name)}'>{esc(r.title)}</a></td><td>{esc(label)}</td>"
                    f"<td>{esc(value)}</td><td>{r.seconds:.2f} s</td></tr>")
        body = [f"<section id='{esc(r.name)}' class='tour-section'><h2>{esc(r.title)}</h2>",
                f"<p>{esc(r.summary)}</p>", f"<div class='formula'>{esc(r.formula)}</div>"]
        if r.error:
            body.append(f"<p class='error'>This section failed: {esc(r.error)}</p>")
        else:
            for caption, fig in r.showcase.figures:
                body.append(f"<figure><img alt='{esc(caption)}' src='data:image/png;base64,"
                            f"{figure_to_base64(fig)}'><figcaption>{esc(caption)}</figcaption></figure>")
            body.extend(f"<p>{esc(note)}</p>" for note in r.showcase.notes)
        body.append("</section>")
        sections.append("\n".join(body))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mmlkit tour</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body><header><h1>mmlkit tour{' (quick)' if quick else ''}</h1>
<p>The mathematics of machine learning, one showcase per module.</p></header>
<main><section><h2>Results</h2><table><tr><th>section</th><th>key number</th><th>value</th><th>time</th></tr>
{''.join(rows)}</table></section>
{''.join(sections)}
</main></body></html>
"""
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
