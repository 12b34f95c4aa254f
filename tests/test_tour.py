"""The quick tour runs every section and its report shows every figure."""

import re

from rich.console import Console

from mmlkit.tour import discover_sections, run_tour


def test_quick_tour_writes_every_section_and_figure(tmp_path):
    results = run_tour(tmp_path, quick=True, console=Console(file=open(tmp_path / "log.txt", "w")))
    failed = {r.name: r.error for r in results if r.error}
    assert not failed, failed
    html = (tmp_path / "index.html").read_text()
    sections = discover_sections()
    assert len(results) == len(sections)
    for module in sections:
        name = module.__name__.rsplit(".", 1)[-1]
        assert f"id='{name}'" in html
    n_figures = sum(len(r.showcase.figures) for r in results)
    assert len(re.findall(r"src='data:image/png;base64,[A-Za-z0-9+/=]{200,}'", html)) == n_figures
    assert n_figures >= len(results)
