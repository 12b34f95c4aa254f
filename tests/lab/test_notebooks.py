"""Every lab notebook runs headless as a script, passes marimo's static check, and is listed in the index."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from mmlkit.lab import CATALOGUE, NOTEBOOK_DIR, notebooks, open_lab

NOTEBOOKS = notebooks()
RUNNER = Path(__file__).with_name("_run_notebooks.py")
#: All notebooks together: about 5 s of CPU for the imports plus a second or two each.
RUN_TIMEOUT_S = 240


def _env():
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    env.pop("PYTHONPATH", None)
    return env


@contextmanager
def _exclusive(lock_path: Path):
    """Hold an exclusive lock on ``lock_path`` (POSIX); without fcntl, no lock (each worker runs its own)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with lock_path.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def script_runs(tmp_path_factory):
    """Run every notebook as a script in one fresh subprocess; name → {"ok", "seconds", "error"}.

    In script mode marimo executes every cell in dependency order with the controls at their default
    values and raises the first cell's exception, which the runner records with its traceback. Under
    pytest-xdist the workers share one run (the first to take the lock runs it, the others read its report).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by all workers of this session
    report = root / "lab_notebook_report.json"
    with _exclusive(root / "lab_notebook_report.lock"):
        if not report.exists():
            cwd = root / "lab_scripts"
            cwd.mkdir(exist_ok=True)
            proc = subprocess.run([sys.executable, str(RUNNER), str(report), *map(str, NOTEBOOKS.values())],
                                  cwd=cwd, env=_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
            assert report.exists(), f"the notebook runner crashed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
        by_path = json.loads(report.read_text(encoding="utf-8"))
    return {name: by_path[str(path)] for name, path in NOTEBOOKS.items()}


def test_the_lab_has_an_index_and_the_fourteen_topics():
    assert list(NOTEBOOKS) == ["index", *CATALOGUE]
    assert len(CATALOGUE) == 14
    assert {"explanations", "topology", "rl", "generative"} <= set(CATALOGUE)
    assert all(path.parent == NOTEBOOK_DIR for path in NOTEBOOKS.values())


@pytest.mark.parametrize("name", list(NOTEBOOKS))
def test_notebook_runs_headless(name, script_runs):
    result = script_runs[name]
    assert result["ok"], f"{name}.py failed after {result['seconds']:.1f} s:\n{result['error'][-4000:]}"


def test_notebooks_pass_marimo_check():
    """marimo's static check: valid notebook format, no variable defined in two cells, no cycles."""
    result = subprocess.run([sys.executable, "-m", "marimo", "check", "--strict", *map(str, NOTEBOOKS.values())],
                            capture_output=True, text=True, env=_env(), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_module_notebook_explains_and_has_controls(name):
    """Each module notebook states formulas (LaTeX in mo.md), calls mmlkit, and offers a control."""
    source = NOTEBOOKS[name].read_text(encoding="utf-8")
    assert re.search(r"\$\$.+?\$\$", source, flags=re.S), "no display formula"
    assert re.search(r"^\s+(from|import) mmlkit", source, flags=re.M), "does not use mmlkit"
    assert re.search(r"mo\.ui\.(slider|dropdown)\(", source), "no interactive control"
    assert "if __name__ == \"__main__\":\n    app.run()" in source


def test_index_links_every_notebook():
    from mmlkit.lab import CATALOGUE as catalogue

    source = NOTEBOOKS["index"].read_text(encoding="utf-8")
    assert "?file={_name}.py" in source and "CATALOGUE" in source
    assert {p.stem for p in NOTEBOOK_DIR.glob("*.py")} == {"index", *catalogue}


def test_open_lab_rejects_unknown_notebook(capsys):
    assert open_lab("no_such_notebook", open_browser=False) == 2
    err = capsys.readouterr().err
    assert "no_such_notebook" in err and "vectors" in err


def test_open_lab_rejects_unknown_mode(capsys):
    assert open_lab("vectors", mode="present", open_browser=False) == 2
    assert "mode" in capsys.readouterr().err


@pytest.mark.parametrize(("name", "mode", "file"), [(None, "edit", "index.py"), ("models", "run", "models.py"),
                                                    ("vectors.py", "edit", "vectors.py")])
def test_open_lab_serves_the_folder_and_opens_the_notebook(monkeypatch, capsys, tmp_path, name, mode, file):
    """marimo serves a whole notebook folder on 127.0.0.1 with a token; the URL names the notebook.

    The editor works on copies in a workspace folder, never on the installed package's files.
    """
    import mmlkit.lab as lab

    calls = []

    class FakeServer:
        def __init__(self, cmd, env, **kwargs):
            calls.append((cmd, env))

        def poll(self):
            return None

        def wait(self):
            return 0

    opened = []
    monkeypatch.setattr(lab.subprocess, "Popen", FakeServer)
    monkeypatch.setattr(lab, "_wait_for_port", lambda port, proc, timeout: True)
    monkeypatch.setattr(lab.webbrowser, "open", opened.append)
    workspace = tmp_path / "my-lab"
    assert lab.open_lab(name, mode=mode, port=2718, directory=workspace) == 0
    (cmd, env), = calls
    assert cmd[1:4] == ["-m", "marimo", mode]
    if mode == "edit":
        assert cmd[4] == str(workspace)
        assert sorted(p.name for p in workspace.iterdir()) == sorted(p.name for p in NOTEBOOKS.values())
    else:
        assert cmd[4] == str(NOTEBOOK_DIR) and not workspace.exists()
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "2718"
    token = cmd[cmd.index("--token-password") + 1]
    assert len(token) >= 16
    assert opened == [f"http://127.0.0.1:2718/?file={file}&access_token={token}"]
    assert opened[0] in capsys.readouterr().out
    assert env["_MARIMO_CONFIG_OVERLOAD_RUNTIME_AUTO_INSTANTIATE"] == "true"


def test_workspace_copies_missing_notebooks_and_keeps_edits(tmp_path):
    from mmlkit.lab import workspace

    folder = workspace(tmp_path / "lab")
    edited = folder / "vectors.py"
    edited.write_text("# my edits\n", encoding="utf-8")
    (folder / "models.py").unlink()
    workspace(folder)
    assert edited.read_text(encoding="utf-8") == "# my edits\n"
    assert (folder / "models.py").read_text(encoding="utf-8") == NOTEBOOKS["models"].read_text(encoding="utf-8")


def test_index_says_edit_only_in_the_editor():
    source = NOTEBOOKS["index"].read_text(encoding="utf-8")
    assert 'mo.app_meta().mode == "edit"' in source
    assert source.count("Edit any cell") == 1 and "read-only view" in source
