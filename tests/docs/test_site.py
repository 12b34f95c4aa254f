"""The documentation site: it builds with warnings as errors, and a reader's browser sees it work.

One test builds the site exactly as the README says (``python -m sphinx -W --keep-going -b html docs
OUT``, into a temporary folder) and then checks what a reader would: every public name has an API
page, the course and the gallery are all there, no page loads anything from the network, and in
Debian's Chromium (driven by Playwright, as the lab's browser test does) the formulas of a course
page are typeset — no raw LaTeX in the visible text — and the search finds a word.

It is one test, not several, because the build writes generated sources into ``docs/`` (API stubs,
the gallery's pages): under ``pytest -n 2`` two workers must not build at once. The build takes two
to three minutes on two cores. It needs the ``docs`` extra (``pip install -e ".[docs]"``).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BUILD_TIMEOUT_S = 900
COURSE_PAGES = ["vectors", "decompositions", "calculus", "optimization", "probability", "statistics", "information",
                "models", "neural", "evaluation", "explanations", "topology", "rl", "generative"]
#: Raw LaTeX that must never reach the reader.
RAW_LATEX = ["\\frac", "_{", "^{", "$$", "\\(", "\\[", "\\begin{", "\\mathbb", "\\sum"]
#: A script, stylesheet, frame or image taken from the network.
REMOTE = re.compile(r"<(?:script|link|iframe|img|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
                    re.IGNORECASE)


def _build(out: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-d", str(out / "doctrees"),
         str(DOCS), str(out / "html")],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once (warnings are errors) and return the HTML folder.

    ``MMLKIT_DOCS_SITE=docs/_build/html`` checks a site built beforehand instead (a quick rerun of the
    checks while writing the docs; CI leaves it unset, so the build itself is tested).
    """
    prebuilt = os.environ.get("MMLKIT_DOCS_SITE")
    if prebuilt:
        return Path(prebuilt).resolve()
    out = tmp_path_factory.mktemp("site")
    start = time.monotonic()
    result = _build(out)
    seconds = time.monotonic() - start
    assert result.returncode == 0, (
        f"the documentation build failed (sphinx -W, {seconds:.0f} s):\n"
        f"{result.stdout[-4000:]}\n{result.stderr[-8000:]}")
    print(f"documentation built in {seconds:.0f} s")
    return out / "html"


@pytest.fixture(scope="module")
def server(site):
    """Serve the built site on a free port of 127.0.0.1, as a reader's static host would."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _check_reference(site: Path) -> None:
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from mmlkit_docs import public_modules
    finally:
        sys.path.pop(0)
    missing = [f"{m.__name__}.{name}" for m in public_modules() for name in m.__all__
               if not (site / "api" / "generated" / f"{m.__name__}.{name}.html").exists()]
    assert not missing, f"public names without an API page: {missing}"


def _check_pages(site: Path) -> None:
    for page in COURSE_PAGES:
        html = (site / "course" / f"{page}.html").read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", "", html)
        assert html.count('class="math') >= 3, f"course/{page}: fewer than three formulas"
        assert "mmlkit exercises" in text, f"course/{page}: no exercises"
        assert "mmlkit lab" in text, f"course/{page}: no lab notebook"
        assert "/api/generated/mmlkit." in html, f"course/{page}: no link to the API"
        assert ".png" in html, f"course/{page}: no figure"
    scaling = re.sub(r"<[^>]+>", "", (site / "scaling.html").read_text(encoding="utf-8"))
    for row in ("LinearRegression, Ridge", "GaussianMixture", "k-means||", "numbers per block and pass"):
        assert row in scaling, f"scaling: the cost model lacks {row!r}"
    pages = sorted(site.rglob("*.html"))
    with_math = [p for p in pages if 'class="math' in p.read_text(encoding="utf-8")]
    assert len(with_math) >= 20, f"only {len(with_math)} pages carry typeset formulas"
    examples = sorted(site.glob("auto_examples/**/plot_*.html"))
    assert len(examples) >= 14, f"only {len(examples)} gallery examples"
    from mmlkit.tour import discover_sections

    for section in discover_sections():
        short = section.__name__.rsplit(".", 1)[1]
        assert any(p.stem.endswith(f"_{short}") and "plot_tour_" in p.stem for p in examples), \
            f"tour section {short} has no gallery example"
    remote = {str(p.relative_to(site)): REMOTE.findall(p.read_text(encoding="utf-8"))[:3] for p in pages}
    remote = {k: v for k, v in remote.items() if v}
    assert not remote, f"pages load resources from the network: {remote}"
    assert (site / "_static" / "mathjax" / "tex-svg.js").exists()


def _check_browser(server: str) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"the browser test needs Debian's Chromium at {CHROMIUM}: apt-get install -y chromium "
                    "(Playwright's own browser downloads are not used)")
    from playwright.sync_api import sync_playwright

    offsite: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith((server, "data:", "blob:")):
            route.continue_()
        else:
            offsite.append(url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", guard)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            page.goto(f"{server}/course/decompositions.html", wait_until="load")
            # MathJax typesets asynchronously: wait until every formula is an SVG and no TeX is left.
            page.wait_for_function(
                "() => document.querySelectorAll('mjx-container svg').length >= 5 && "
                "document.querySelectorAll('.math').length > 0 && "
                "[...document.querySelectorAll('.math')].every(e => e.querySelector('mjx-container'))",
                timeout=60_000)
            text = page.inner_text("main")
            leaked = [s for s in RAW_LATEX if s in text]
            assert not leaked, f"raw LaTeX in the rendered page: {leaked}"
            assert "Eckart" in text and "Householder" in text
            n_formulas = page.locator("mjx-container").count()
            assert n_formulas >= 5, f"only {n_formulas} typeset formulas"

            # Sphinx's own search (the index is built with the site): a word of one course page.
            page.goto(f"{server}/search.html?q=Eckart", wait_until="load")
            page.wait_for_function(
                "() => { const s = document.querySelector('#search-results .search-summary, .search-summary');"
                " return s && /found/i.test(s.textContent); }", timeout=60_000)
            hrefs = page.eval_on_selector_all("#search-results li a, ul.search li a", "els => els.map(e => e.href)")
            assert any("course/decompositions.html" in h for h in hrefs), f"search for 'Eckart' found {hrefs}"
            assert not errors, f"JavaScript errors: {errors}"
        finally:
            browser.close()
    assert not offsite, f"the pages asked the network for {offsite[:5]}"


def test_site_builds_and_reads_offline(site, server):
    _check_reference(site)
    _check_pages(site)
    _check_browser(server)
