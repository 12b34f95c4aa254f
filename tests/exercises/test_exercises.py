"""The exercise catalogue, the grading engine's behaviour, and the ``mmlkit exercises`` command line."""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from pathlib import Path

import numpy as np
import pytest

from mmlkit import cli
from mmlkit.exercises import MODULES, CheckResult, check, exercises, get
from mmlkit.exercises.cli import stub_source

EXERCISES = exercises()
KEYS = [ex.key for ex in EXERCISES]
SOLUTIONS = Path(inspect.getfile(get("vectors.project").reference)).parent

#: SPEC §7's table: these names, with exactly these signatures.
REQUIRED = {
    "vectors.project": "(u, v)",
    "vectors.cosine_similarity": "(u, v)",
    "decompositions.gram_schmidt": "(A)",
    "decompositions.power_iteration": "(A, n_iter=1000)",
    "decompositions.pca": "(X, k)",
    "calculus.numerical_gradient": "(f, x, h=1e-05)",
    "calculus.backprop_mlp": "(W1, b1, W2, b2, X, y)",
    "optimization.gradient_descent": "(grad, x0, lr, n_steps)",
    "optimization.adam_step": "(x, g, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08)",
    "probability.bayes_posterior": "(prior, likelihood)",
    "probability.normal_logpdf": "(x, mu, sigma)",
    "statistics.welch_t": "(a, b)",
    "statistics.pearson_r": "(x, y)",
    "information.entropy": "(p, base=2)",
    "information.kl_divergence": "(p, q)",
    "information.softmax": "(z)",
    "models.kmeans_step": "(X, centers)",
    "models.logistic_loss_grad": "(w, b, X, y)",
    "models.ridge_fit": "(X, y, alpha)",
    "neural.softmax_cross_entropy_grad": "(logits, y)",
    "neural.attention": "(Q, K, V, mask=None)",
    "evaluation.precision_recall_f1": "(y_true, y_pred)",
    "evaluation.roc_auc": "(y_true, scores)",
}


def test_at_least_five_exercises_per_module_and_fifty_in_all():
    assert len(EXERCISES) >= 50
    assert len(set(KEYS)) == len(KEYS)
    for module in MODULES:
        assert len(exercises(module)) >= 5, module


@pytest.mark.parametrize("key", list(REQUIRED))
def test_required_exercise_has_the_specified_signature(key):
    assert get(key).signature == key.split(".")[1] + REQUIRED[key]


@pytest.mark.parametrize("key", KEYS)
def test_reference_solution_passes(key):
    ex = get(key)
    result = check(ex.reference, key)
    assert result.passed, result.message
    assert len(ex.hints) >= 2 and ex.tolerance and ex.cases[0][0] == "the example"


@pytest.mark.parametrize("module", MODULES)
def test_stubs_report_not_started(module):
    namespace: dict = {}
    exec(compile(stub_source(module), f"{module}.py", "exec"), namespace)  # noqa: S102 - our own stub text
    for ex in exercises(module):
        stub = namespace[ex.name]
        assert str(inspect.signature(stub)) == str(inspect.signature(ex.reference))
        assert ex.task.split()[0] in stub.__doc__ and "Formula:" in stub.__doc__ and ">>> " in stub.__doc__
        result = check(stub, ex.key)
        assert result.status == "not started" and not result.passed
        assert "not started" in result.message and "Traceback" not in result.message


def test_stubs_never_contain_the_solutions():
    for module in MODULES:
        text = stub_source(module)
        assert text.count("\n    raise NotImplementedError\n") == len(exercises(module))
        for ex in exercises(module):
            body = inspect.getsource(ex.reference).splitlines()[1:]
            code = [line.strip() for line in body if len(line.strip()) > 12 and not line.strip().startswith("#")]
            leaked = [line for line in code if line in text]
            assert not leaked, (ex.key, leaked)


def test_check_is_reproducible_and_reports_the_shrunk_input():
    def project(u, v):
        return (u @ v) / np.linalg.norm(v) * v

    first, second = check(project, "vectors.project"), check(project, "vectors.project")
    assert first.message == second.message
    assert "shrunk" in first.message and "expected" in first.message and "got" in first.message
    # Shrunk: short vectors of small round numbers, not 17-digit noise.
    assert re.search(r"u = array\(\[[0-9., -]{1,12}\]\)", first.message), first.message


def test_learner_exception_is_their_error_with_their_line(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(textwrap.dedent("""\
        import numpy as np


        def softmax(z):
            e = np.exp(z - z.max())
            return e / e.sum(axis=-1, keepdims=True)[5]
        """), encoding="utf-8")
    namespace: dict = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102 - test fixture
    result = check(namespace["softmax"], "information.softmax")
    assert result.status == "error" and not result.passed
    assert "IndexError" in result.message
    assert f'File "{path}", line 6' in result.message and "[5]" in result.message
    assert "hypothesis" not in result.message.lower().replace("shrunk by hypothesis", "")


def test_learner_warnings_do_not_escape():
    def entropy(p, base=2):
        return float(-np.nansum(p * np.log(p)) / np.log(base))  # log(0) warns; nansum drops 0·(−inf)

    assert check(entropy, "information.entropy").passed


def test_unknown_names_are_errors_listing_the_valid_ones():
    with pytest.raises(ValueError, match="vectors, decompositions"):
        check(len, "nope.thing")
    with pytest.raises(ValueError, match="vectors.project"):
        check(len, "vectors.nope")


def test_result_repr_for_notebooks():
    result = check(lambda z: z, "information.softmax")
    assert isinstance(result, CheckResult) and not result
    assert "information.softmax: failed" in repr(result)
    html = result._repr_html_()
    assert "information.softmax" in html and "<pre" in html


# ---------------------------------------------------------------- the command line


def _run(capsys, *argv):
    code = cli.main(["exercises", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_shows_every_exercise(capsys):
    code, out, _ = _run(capsys, "list")
    assert code == 0
    assert all(key in out for key in KEYS)
    assert f"{len(KEYS)} exercises in 10 module(s)" in out


def test_help_lists_the_modules(capsys):
    for argv in (["exercises", "--help"], ["exercises", "check", "--help"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 0
        out = capsys.readouterr().out
        assert all(m in out for m in MODULES)


@pytest.mark.parametrize("argv", [("list", "nope"), ("start", "nope"), ("check", "nope"), ("hint", "nope.x"),
                                  ("hint", "vectors.nope"), ("hint", "vectors"), ("solution", "nope.project")])
def test_unknown_names_exit_2_with_the_valid_names(capsys, tmp_path, argv):
    code, _, err = _run(capsys, *argv, "--dir", tmp_path)
    assert code == 2
    assert "vectors" in err and ("decompositions" in err or "vectors.project" in err)


def test_check_without_files_is_an_error(capsys, tmp_path):
    code, _, err = _run(capsys, "check", "--dir", tmp_path / "empty")
    assert code == 2 and "start" in err


def test_start_then_check(capsys, tmp_path):
    folder = tmp_path / "ex"
    code, out, _ = _run(capsys, "start", "information", "--dir", folder)
    assert code == 0 and (folder / "information.py").exists() and (folder / "progress.json").exists()
    assert not (folder / "vectors.py").exists()

    code, out, _ = _run(capsys, "check", "information", "--dir", folder)
    assert code == 1 and out.count("not started") == len(exercises("information"))

    # A second start keeps the learner's work.
    (folder / "information.py").write_text((SOLUTIONS / "information.py").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    code, out, _ = _run(capsys, "start", "information", "--dir", folder)
    assert "kept" in out
    code, out, _ = _run(capsys, "check", "information", "--dir", folder)
    assert code == 0, out
    assert f"{len(exercises('information'))} of {len(exercises('information'))} passed" in out
    code, out, _ = _run(capsys, "check", "information.softmax", "--dir", folder)
    assert code == 0 and "1 of 1 passed" in out
    code, out, _ = _run(capsys, "check", "--dir", folder)  # every started module
    assert code == 0
    progress = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
    assert progress["status"]["information.entropy"] == "passed"


def test_start_all_modules_and_check_the_references(capsys, tmp_path):
    code, _, _ = _run(capsys, "start", "--dir", tmp_path)
    assert code == 0 and sorted(p.stem for p in tmp_path.glob("*.py")) == sorted(MODULES)
    for module in ("decompositions", "evaluation"):
        (tmp_path / f"{module}.py").write_text((SOLUTIONS / f"{module}.py").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    code, out, _ = _run(capsys, "check", "decompositions", "--dir", tmp_path)
    assert code == 0, out
    code, out, _ = _run(capsys, "check", "--dir", tmp_path)
    n_done = len(exercises("decompositions")) + len(exercises("evaluation"))
    assert code == 1 and "not started" in out and f"{n_done} of {len(EXERCISES)} passed" in out


def test_check_reports_a_wrong_function_a_missing_one_and_a_broken_file(capsys, tmp_path):
    _run(capsys, "start", "vectors", "--dir", tmp_path)
    path = tmp_path / "vectors.py"
    source = path.read_text(encoding="utf-8")
    path.write_text(source.replace('    """\n    raise NotImplementedError', '    """\n    return u', 1)
                    + "\ndel cosine_similarity\n", encoding="utf-8")
    code, out, _ = _run(capsys, "check", "vectors", "--dir", tmp_path)
    assert code == 1
    assert "✗ vectors.project: failed property" in out and "no function cosine_similarity" in out
    path.write_text("def project(u, v):\n    return u +\n", encoding="utf-8")
    code, out, _ = _run(capsys, "check", "vectors", "--dir", tmp_path)
    assert code == 1 and "SyntaxError" in out and "line 2" in out


def test_learner_error_in_a_checked_file_names_the_file_and_line(capsys, tmp_path):
    _run(capsys, "start", "information", "--dir", tmp_path)
    path = tmp_path / "information.py"
    text = path.read_text(encoding="utf-8").replace(
        "def softmax(z):", "def softmax(z):\n    return undefined_name + z\n\n\ndef _unused(z):", 1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    return undefined_name + z") + 1
    code, out, _ = _run(capsys, "check", "information.softmax", "--dir", tmp_path)
    assert code == 1
    assert "NameError" in out and f'File "{path}", line {line}' in out


def test_hint_ladder_and_solution_after_a_failed_check(capsys, tmp_path):
    ex = get("statistics.zscore")
    _run(capsys, "start", "statistics", "--dir", tmp_path)
    outs = [_run(capsys, "hint", ex.key, "--dir", tmp_path) for _ in range(len(ex.hints) + 1)]
    assert all(code == 0 for code, _, _ in outs)
    assert [out.count("hint ") for _, out, _ in outs[:-1]] == list(range(1, len(ex.hints) + 1))
    assert "last hint" in outs[-1][1]
    assert json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))["hints"][ex.key] == len(ex.hints)

    code, _, err = _run(capsys, "solution", ex.key, "--dir", tmp_path)
    assert code == 1 and "failed" in err  # not before a failed attempt
    _run(capsys, "check", ex.key, "--dir", tmp_path)  # a stub: "not started" is not an attempt
    assert _run(capsys, "solution", ex.key, "--dir", tmp_path)[0] == 1

    path = tmp_path / "statistics.py"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "def zscore(X):", "def zscore(X):\n    return (X - X.mean(axis=1, keepdims=True))\n\n\ndef _old(X):", 1),
        encoding="utf-8")
    assert _run(capsys, "check", ex.key, "--dir", tmp_path)[0] == 1
    code, out, _ = _run(capsys, "solution", ex.key, "--dir", tmp_path)
    assert code == 0 and "def zscore(X):" in out and "import numpy as np" in out
    namespace: dict = {}
    exec(out, namespace)  # noqa: S102 - the revealed solution runs as printed
    assert check(namespace["zscore"], ex.key).passed
    progress = json.loads((tmp_path / "progress.json").read_text(encoding="utf-8"))
    assert ex.key in progress["failed"] and ex.key in progress["revealed"]


def test_mmlkit_help_lists_exercises(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert re.search(r"exercises\s", capsys.readouterr().out)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_notebook_has_a_graded_your_turn_cell(module):
    from mmlkit.lab import NOTEBOOK_DIR

    source = (NOTEBOOK_DIR / f"{module}.py").read_text(encoding="utf-8")
    assert "## Your turn" in source
    keys = re.findall(r'_check\((_\w+), "([\w.]+)"\)', source)
    assert keys, "no graded cell"
    for fn, key in keys:
        assert get(key).module == module and f"def {fn}(" in source


def test_a_notebook_cell_grades_the_function_it_defines(tmp_path):
    """Script mode runs the your-turn cell; with a correct body the cell's output is a passed result."""
    import runpy
    import warnings

    from mmlkit.lab import NOTEBOOK_DIR

    source = (NOTEBOOK_DIR / "information.py").read_text(encoding="utf-8")
    body = "        e = np.exp(z - z.max(axis=-1, keepdims=True))\n        return e / e.sum(axis=-1, keepdims=True)"
    path = tmp_path / "information.py"
    path.write_text(source.replace("        raise NotImplementedError", body), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outputs, _ = runpy.run_path(str(path))["app"].run()
    results = [o for o in outputs if isinstance(o, CheckResult)]
    assert [r.status for r in results] == ["passed"]


def test_the_console_command_exit_codes(tmp_path):
    """``python -m mmlkit exercises …`` in a fresh process: 0 for list, 2 for an unknown module, 1 for stubs."""
    import os
    import subprocess
    import sys

    import mmlkit

    env = dict(os.environ, PYTHONPATH=str(Path(mmlkit.__file__).parents[1]))

    def run(*argv):
        return subprocess.run([sys.executable, "-m", "mmlkit", "exercises", *argv], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    listed = run("list")
    assert listed.returncode == 0 and "vectors.project" in listed.stdout
    unknown = run("check", "nope")
    assert unknown.returncode == 2 and "vectors" in unknown.stderr
    assert run("start", "vectors").returncode == 0
    assert (tmp_path / "mmlkit-exercises" / "vectors.py").exists()
    stubs = run("check", "vectors.project")
    assert stubs.returncode == 1 and "not started" in stubs.stdout


@pytest.mark.parametrize(("key", "wrong", "words"), [
    ("models.kmeans_step", lambda X, centers: None, "`return` missing"),
    ("evaluation.kfold_indices", lambda n, k: 5, "could not be read"),
    ("information.softmax", lambda z: "abc", "number or array"),
])
def test_outputs_of_the_wrong_kind_are_failures_not_crashes(key, wrong, words):
    result = check(wrong, key)
    assert result.status == "failed" and words in result.message


def test_optimizer_step_oracles_match_mmlkit_optim():
    """adam_step and momentum_step are graded against formulas; these equal mmlkit.optim's Adam and SGD."""
    import mmlkit.autodiff as ad
    import mmlkit.optim as optim
    from mmlkit.exercises.optimization import _adam_oracle

    grads = [np.array([0.5, -1.0]), np.array([1e-10, 3.0]), np.array([-2.0, 0.25])]
    for make, step in [
        (lambda p: optim.Adam([p], lr=0.1, betas=(0.8, 0.99), eps=1e-6),
         lambda x, g, s, t: _adam_oracle(x, g, s[0], s[1], t, 0.1, 0.8, 0.99, 1e-6)),
        (lambda p: optim.SGD([p], lr=0.1, momentum=0.9),
         lambda x, g, s, t: (x - 0.1 * (0.9 * s[0] + g), 0.9 * s[0] + g, None)),
    ]:
        param = ad.tensor(np.array([1.0, 2.0]), requires_grad=True)
        opt = make(param)
        x, state = np.array([1.0, 2.0]), (np.zeros(2), np.zeros(2))
        for t, g in enumerate(grads, 1):
            param.grad = g
            opt.step()
            x, *state = step(x, g, state, t)
            np.testing.assert_allclose(param.numpy(), x, rtol=1e-12)
