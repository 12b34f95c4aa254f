"""``mmlkit lab``: the interactive marimo notebooks, one per module.

Each notebook explains a concept with its formula, computes it with mmlkit's
own functions and lets you move the parameter that matters with a slider.
``mmlkit lab`` opens the index; ``mmlkit lab NAME`` opens one notebook (see
:data:`CATALOGUE` for the names). The notebooks are ordinary marimo files in
``mmlkit/lab/notebooks/`` and also run as scripts (``python vectors.py``).
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import webbrowser
from pathlib import Path

__all__ = ["CATALOGUE", "NOTEBOOK_DIR", "notebooks", "open_lab", "workspace"]

NOTEBOOK_DIR = Path(__file__).parent / "notebooks"

#: The fourteen notebooks in reading order: name (file stem) → (title, what it lets you play with).
CATALOGUE: dict[str, tuple[str, str]] = {
    "vectors": ("Vectors & matrices",
                "projection onto a line; a 2×2 matrix's action on the unit circle, its eigen- and singular vectors"),
    "decompositions": ("Decompositions",
                       "LU, QR, Cholesky, eigh and SVD; PCA reconstruction of a digit from k components"),
    "calculus": ("Calculus & autodiff",
                 "Taylor polynomials of rising order; a computational graph's forward values and adjoints; "
                 "finite-difference error"),
    "optimization": ("Optimization",
                     "learning rate and momentum on an ill-conditioned loss surface; BFGS, CG, Adam on Rosenbrock"),
    "probability": ("Probability",
                    "Bayes' rule for a diagnostic test; prior strength in Beta–Binomial updating"),
    "statistics": ("Statistics",
                   "confidence-interval coverage against sample size; a permutation test against Welch's t"),
    "information": ("Information theory",
                    "entropy; softmax temperature; KL divergence between two Gaussians as they move"),
    "models": ("Classical models",
               "the kernel width and C of an RBF SVM; k-means against a Gaussian mixture"),
    "neural": ("Neural networks & geometric deep learning",
               "universal approximation by width; attention sharpness; message passing over k hops of a graph"),
    "evaluation": ("Evaluation, trust and robustness",
                   "a ROC curve as the classes separate; an FGSM attack on a digit as ε grows"),
    "explanations": ("Explanations",
                     "one prediction's Shapley values as a waterfall, row by row; Kernel SHAP's error as it "
                     "samples more coalitions"),
    "topology": ("Topology: the shape of data",
                 "persistent homology of a noisy circle as the noise and the number of points change"),
    "rl": ("Reinforcement learning",
           "ε-greedy, UCB1 and Thompson sampling: regret as ε and the gap between the best arms change"),
    "generative": ("Generative models",
                   "the diffusion forward process step by step, linear against cosine schedule; a small DDPM "
                   "trained for more and more iterations"),
}


def notebooks() -> dict[str, Path]:
    """The lab's notebooks by name (file stem): the index first, then :data:`CATALOGUE`'s order.

    Returns
    -------
    dict of str to pathlib.Path
        Every ``*.py`` file in :data:`NOTEBOOK_DIR` not starting with ``_``.

    Examples
    --------
    >>> from mmlkit.lab import notebooks
    >>> list(notebooks())[:3]
    ['index', 'vectors', 'decompositions']
    """
    found = {p.stem: p for p in NOTEBOOK_DIR.glob("*.py") if not p.name.startswith("_")}
    order = ["index", *CATALOGUE]
    return dict(sorted(found.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def workspace(directory: str | Path = "mmlkit-lab") -> Path:
    """A folder holding your own copies of the lab's notebooks, to edit freely.

    Notebooks missing from ``directory`` are copied from the package; ones
    already there (perhaps edited by you) are left alone. Delete a file to get
    the original back.

    Parameters
    ----------
    directory : str or pathlib.Path, default="mmlkit-lab"
        Created if needed.

    Returns
    -------
    pathlib.Path
        ``directory``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for path in notebooks().values():
        target = directory / path.name
        if not target.exists():
            shutil.copyfile(path, target)
    return directory


def open_lab(name: str | None = None, *, mode: str = "edit", port: int | None = None,
             open_browser: bool = True, directory: str | Path = "mmlkit-lab") -> int:
    """Serve the lab with marimo and open the index (or one notebook) in the browser.

    marimo serves a whole folder of notebooks on 127.0.0.1 (so the index's
    links to the other notebooks work), protected by a random access token.
    In ``"edit"`` mode that folder is your :func:`workspace` (``./mmlkit-lab``
    by default), so edits never touch the installed package; ``"run"`` serves
    the package's notebooks read-only.

    Parameters
    ----------
    name : str, optional
        A notebook's name (a key of :func:`notebooks`); default the index.
    mode : {"edit", "run"}, default="edit"
        ``"edit"``: the marimo editor (code visible and editable); ``"run"``:
        the notebooks as read-only apps.
    port : int, optional
        Port to serve on; default a free one.
    open_browser : bool, default=True
        Open the notebook's address in the default web browser.
    directory : str or pathlib.Path, default="mmlkit-lab"
        The workspace for ``"edit"`` mode.

    Returns
    -------
    int
        marimo's exit code (after you stop it with Ctrl-C); 1 when marimo is
        missing, 2 for an unknown notebook name or mode.
    """
    import importlib.util

    if importlib.util.find_spec("marimo") is None:
        print('mmlkit lab needs the lab extra (marimo): pip install "mmlkit[lab]"', file=sys.stderr)
        return 1
    if mode not in ("edit", "run"):
        print(f"mmlkit lab: mode must be 'edit' or 'run', got {mode!r}", file=sys.stderr)
        return 2
    books = notebooks()
    name = "index" if name is None else name.removesuffix(".py")
    if name not in books:
        print(f"mmlkit lab: no notebook {name!r}; choose from {', '.join(books) or 'none'}", file=sys.stderr)
        return 2
    port = _free_port() if port is None else int(port)
    token = secrets.token_urlsafe(16)
    folder = NOTEBOOK_DIR
    if mode == "edit":
        folder = workspace(directory)
        print(f"mmlkit lab: your copies of the notebooks are in {folder}/ (edits are saved there)")
    cmd = [sys.executable, "-m", "marimo", mode, str(folder), "--headless", "--host", "127.0.0.1",
           "--port", str(port), "--token-password", token]
    url = f"http://127.0.0.1:{port}/?file={books[name].name}&access_token={token}"
    # The lab's notebooks are the package's own code: run them on opening, as `marimo run` does, rather than
    # showing stale cells (marimo's editor does not auto-run a notebook unless configured to; this is the
    # environment override marimo reads for that setting).
    env = dict(os.environ, _MARIMO_CONFIG_OVERLOAD_RUNTIME_AUTO_INSTANTIATE="true")
    # marimo runs in its own process group, so stopping the lab (Ctrl-C, or SIGTERM from a service manager or
    # `kill`) stops marimo and everything it started instead of leaving a server listening on the port.
    proc = subprocess.Popen(cmd, env=env, **_new_group())
    previous = _on_sigterm()
    try:
        if _wait_for_port(port, proc, timeout=60.0):
            print(f"mmlkit lab: {url}  (Ctrl-C to stop)", flush=True)
            if open_browser:
                webbrowser.open(url)
        return proc.wait()
    except (KeyboardInterrupt, _Terminated):
        _stop(proc)
        return proc.wait()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(Exception):
    """Raised in the main thread by the SIGTERM handler, to leave ``proc.wait()`` and clean up."""


def _new_group() -> dict:
    if os.name == "posix":
        return {"start_new_session": True}
    return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}  # pragma: no cover - Windows


def _on_sigterm():
    """Make SIGTERM raise :class:`_Terminated` (main thread only); return the previous handler, or None."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None

    def on_term(signum, frame):
        raise _Terminated

    return signal.signal(signal.SIGTERM, on_term)


def _stop(proc, timeout: float = 10.0) -> None:
    """Terminate the marimo server and its process group; kill it if it does not stop within ``timeout``."""
    if proc.poll() is not None:
        return
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGTERM)
        else:  # pragma: no cover - Windows
            proc.terminate()
    except (ProcessLookupError, PermissionError, AttributeError):
        proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
