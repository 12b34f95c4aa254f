"""The lab in a real browser: ``marimo run`` a notebook, move a slider in headless Chromium, see the figure change.

Uses Debian's Chromium (``apt-get install chromium``) driven by Playwright's Python API with that executable;
Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mmlkit.lab import notebooks

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: The notebook under test: its first slider is the softmax temperature, which redraws one figure.
NOTEBOOK = "information"
SERVER_START_S = 90
RENDER_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _marimo_run(target, folder):
    """``marimo run TARGET --headless`` on a free port of 127.0.0.1, its log in ``folder``;
    yields (port, token) once it listens, and stops it afterwards."""
    port, token = _free_port(), secrets.token_urlsafe(12)
    log = (folder / "server.log").open("w")
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marimo", "run", str(target), "--headless", "--host", "127.0.0.1",
         "--port", str(port), "--token-password", token, "--no-sandbox"],
        stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"marimo run exited with {proc.returncode}:\n{Path(log.name).read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"marimo run did not listen on port {port} within {SERVER_START_S} s")
                time.sleep(0.2)
        yield port, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def marimo_app(tmp_path_factory):
    """``marimo run NOTEBOOK --headless`` on a free port of 127.0.0.1; yields the app's URL."""
    with _marimo_run(notebooks()[NOTEBOOK], tmp_path_factory.mktemp("marimo")) as (port, token):
        yield f"http://127.0.0.1:{port}/?access_token={token}"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"the browser test needs Debian's Chromium at {CHROMIUM}: apt-get install -y chromium "
                    "(Playwright's own browser downloads are not used)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _figure_sources(page) -> list[str]:
    """The ``src`` of every image in the app (marimo renders Matplotlib figures as PNG data URLs)."""
    return page.locator("img").evaluate_all("els => els.map(e => e.getAttribute('src') || '')")


def _wait_for(condition, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}")


def test_slider_redraws_the_figure(marimo_app, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    page.goto(marimo_app)

    # Three figures: binary entropy, the softmax bars (below the temperature slider), the two Gaussians' KL.
    def all_rendered():
        sources = _figure_sources(page)
        return sources if len(sources) >= 3 and all(s.startswith("data:image/png") for s in sources) else None

    before = _wait_for(all_rendered, RENDER_TIMEOUT_MS / 1000, "the notebook's three figures")
    page.screenshot(path=tmp_path / "before.png", full_page=True)

    slider = page.get_by_role("slider").first
    slider.scroll_into_view_if_needed()
    value_before = slider.get_attribute("aria-valuenow")
    slider.focus()
    # PageUp moves a slider ten steps at once (temperature 1.00 → 1.50 in steps of 0.05): one change, one
    # rerun. Ten ArrowRight presses queue ten reruns, which a loaded CI machine may not drain in time.
    page.keyboard.press("PageUp")
    _wait_for(lambda: slider.get_attribute("aria-valuenow") != value_before, 10, "the slider to move")
    assert float(slider.get_attribute("aria-valuenow")) == pytest.approx(1.5)

    # Wait for the rerun to finish (the markdown under the figure reports the new temperature).
    page.get_by_text("At T = 1.50:").wait_for()

    def redrawn():
        sources = _figure_sources(page)
        changed = [i for i, (a, b) in enumerate(zip(before, sources)) if a != b]
        return changed if len(sources) == len(before) and changed else None

    changed = _wait_for(redrawn, RENDER_TIMEOUT_MS / 1000, "the softmax figure to be redrawn")
    page.screenshot(path=tmp_path / "after.png", full_page=True)
    # Only the figure that depends on the temperature is recomputed; the other two stay as they were.
    assert changed == [1], f"expected only the softmax figure (index 1) to change, got {changed}"
    page.close()


@pytest.fixture(scope="module")
def marimo_folder(tmp_path_factory):
    """``marimo run`` over the whole notebook folder (as ``mmlkit lab --run`` does); yields (base URL, token)."""
    folder = next(iter(notebooks().values())).parent
    with _marimo_run(folder, tmp_path_factory.mktemp("marimo_all")) as (port, token):
        yield f"http://127.0.0.1:{port}/", token


@pytest.mark.parametrize("name", list(notebooks()))
def test_every_notebook_renders_in_the_browser(marimo_folder, browser, name):
    """Each of the lab's notebooks, opened in Chromium as `mmlkit lab --run` serves it, renders its typeset
    formulas, its figures and its controls, and shows no error."""
    base, token = marimo_folder
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(RENDER_TIMEOUT_MS)
    try:
        page.goto(f"{base}?file={name}.py&access_token={token}")
        if name == "index":
            page.get_by_text("mmlkit lab rl").first.wait_for()
            assert "read-only view" in page.inner_text("body")
            assert "Edit any cell" not in page.inner_text("body")
            return

        def rendered():
            sources = _figure_sources(page)
            figures = [s for s in sources if s.startswith("data:image/png")]
            return figures if figures and page.get_by_role("slider").count() + page.locator("select").count() else None

        _wait_for(rendered, RENDER_TIMEOUT_MS / 1000, f"{name}'s figures and controls")
        text = page.inner_text("body")
        assert "Traceback" not in text and "An internal error" not in text, text[-2000:]
        assert page.locator(".katex, mjx-container, math").count() > 0, f"{name}: no typeset formula"
        assert page.locator("[data-status='error'], .marimo-error").count() == 0
    finally:
        page.close()
