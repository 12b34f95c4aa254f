"""``mmlkit lab`` on the command line: names in --help, unknown names, the missing extra, --port/--no-browser,
and SIGTERM stopping the marimo server it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import mmlkit.lab as lab
from mmlkit import cli

SRC = Path(lab.__file__).resolve().parents[2]


def test_lab_help_lists_every_notebook_and_the_extra(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["lab", "--help"])
    assert info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert all(name in out for name in lab.notebooks())
    assert 'pip install "mmlkit[lab]"' in out and "--port" in out and "--no-browser" in out


def test_lab_rejects_an_unknown_notebook_before_starting_anything(monkeypatch, capsys):
    monkeypatch.setattr(lab.subprocess, "Popen", lambda *a, **k: pytest.fail("marimo must not start"))
    with pytest.raises(SystemExit) as info:
        cli.main(["lab", "no_such_notebook"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "'no_such_notebook'" in err and all(name in err for name in lab.notebooks())


def test_lab_without_marimo_names_the_extra(monkeypatch, capsys):
    real_find_spec = cli.importlib.util.find_spec
    monkeypatch.setattr(cli.importlib.util, "find_spec",
                        lambda name, *a: None if name == "marimo" else real_find_spec(name, *a))
    with pytest.raises(SystemExit) as info:
        cli.main(["lab", "vectors"])
    assert info.value.code == 1
    assert 'pip install "mmlkit[lab]"' in capsys.readouterr().err


def test_lab_passes_port_and_no_browser(monkeypatch):
    seen = {}
    monkeypatch.setattr(lab, "open_lab", lambda name, **kw: seen.update(kw, name=name) or 0)
    assert cli.main(["lab", "rl", "--run", "--port", "2719", "--no-browser"]) == 0
    assert seen == {"name": "rl", "mode": "run", "directory": "mmlkit-lab", "port": 2719, "open_browser": False}
    assert cli.main(["lab", "--headless"]) == 0
    assert seen["open_browser"] is False and seen["name"] is None and seen["port"] is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM and process groups are POSIX")
def test_sigterm_to_the_lab_stops_the_marimo_server(tmp_path):
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(SRC), MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1")
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "mmlkit", "lab", "vectors", "--run", "--no-browser",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 90
        while not _listening(port):
            assert proc.poll() is None, (tmp_path / "lab.log").read_text()
            assert time.monotonic() < deadline, "marimo did not start listening within 90 s"
            time.sleep(0.3)
        children += [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        assert children, "mmlkit lab started no child process"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) is not None
        deadline = time.monotonic() + 15
        while (_listening(port) or any(_alive(c) for c in children)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _listening(port), "the marimo server still listens after SIGTERM"
        assert not any(_alive(c) for c in children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in children:  # never leave a server behind, even when the test fails
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
