"""The quick tour runs every section and its report shows every figure."""

import io
import re

import pytest
from rich.console import Console

from mmlkit import cli
from mmlkit.tour import discover_sections, resolve_sections, run_tour, section_names


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


# --- the command line -----------------------------------------------------------------------------------------

def test_tour_help_lists_every_section(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["tour", "--help"])
    assert info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert all(name in out for name in section_names())
    assert f"within {cli.QUICK_TOUR_BOUND_S} s" in out


@pytest.mark.parametrize("only", [["foo"], ["linalg", "foo"], ["linalg", "modles"]])
def test_tour_rejects_an_unknown_section_and_writes_nothing(tmp_path, capsys, only):
    with pytest.raises(SystemExit) as info:
        cli.main(["tour", "--quick", "--out", str(tmp_path / "out"), "--only", *only])
    assert info.value.code == 2
    err = capsys.readouterr().err
    bad = only[-1]
    assert repr(bad) in err and all(name in err for name in section_names())
    assert not (tmp_path / "out").exists()


def test_tour_only_with_no_name_is_an_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["tour", "--only"])
    assert info.value.code == 2


def test_resolve_sections_expands_a_family_and_keeps_order():
    assert resolve_sections(["linalg", "models"]) == ["linalg", "models_kernels", "models_supervised",
                                                      "models_unsupervised"]
    assert resolve_sections(["rl", "rl", "linalg"]) == ["rl", "linalg"]
    with pytest.raises(ValueError, match="choose from: calculus"):
        discover_sections(["nope"])


def test_tour_only_runs_the_named_sections(tmp_path):
    results = run_tour(tmp_path, quick=True, only=["information", "statistics"],
                       console=Console(file=io.StringIO()))
    assert sorted(r.name for r in results) == ["information", "statistics"]
    assert not any(r.error for r in results)


def test_tour_leaves_the_users_matplotlib_state_alone(tmp_path):
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend()
    fig = plt.figure()
    rc_before = dict(matplotlib.rcParams)
    try:
        run_tour(tmp_path, quick=True, only=["information"], console=Console(file=io.StringIO()))
        assert plt.fignum_exists(fig.number)
        assert plt.get_fignums() == [fig.number]
        assert matplotlib.get_backend() == backend
        assert dict(matplotlib.rcParams) == rc_before
    finally:
        plt.close(fig)


def test_version_comes_from_the_package_metadata(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"mmlkit {version('mmlkit')}"
