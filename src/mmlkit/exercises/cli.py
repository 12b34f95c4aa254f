"""``mmlkit exercises``: list, start (write stubs), check, hint and solution.

Progress (hints taken, checks failed and passed, solutions revealed) is kept in ``DIR/progress.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import sys
import textwrap
import traceback
from pathlib import Path

from mmlkit.exercises import MODULES

DEFAULT_DIR = "mmlkit-exercises"
_MODULES_TEXT = "modules: " + ", ".join(MODULES)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``exercises`` sub-commands to ``parser`` (the ``mmlkit exercises`` parser)."""
    parser.description = ("Practice with feedback: write the functions, get graded on generated inputs. "
                          + _MODULES_TEXT + ". `mmlkit exercises list` shows every exercise name.")
    sub = parser.add_subparsers(dest="action", required=True, metavar="{list,start,check,hint,solution}")
    p = sub.add_parser("list", help="list the exercises (of one module)", description=_MODULES_TEXT)
    p.add_argument("module", nargs="?", metavar="MODULE", help=_MODULES_TEXT)
    p.add_argument("--dir", default=DEFAULT_DIR, help="your exercise folder, for the progress column")
    p = sub.add_parser("start", help="write stub files DIR/MODULE.py to fill in", description=_MODULES_TEXT)
    p.add_argument("module", nargs="?", metavar="MODULE", help="one module (default: all ten); " + _MODULES_TEXT)
    p.add_argument("--dir", default=DEFAULT_DIR, help=f"where to write (default: ./{DEFAULT_DIR}/)")
    p.add_argument("--force", action="store_true", help="overwrite existing files (your work is lost)")
    p = sub.add_parser("check", help="grade your functions (exit 0 only if all pass)",
                       description="MODULE or MODULE.NAME; " + _MODULES_TEXT)
    p.add_argument("target", nargs="?", metavar="MODULE[.NAME]", help="default: every module started in DIR")
    p.add_argument("--dir", default=DEFAULT_DIR, help=f"your exercise folder (default: ./{DEFAULT_DIR}/)")
    for action, text in (("hint", "the next hint of the ladder (one more each call)"),
                         ("solution", "the reference solution, after a failed check")):
        p = sub.add_parser(action, help=text, description="MODULE.NAME; " + _MODULES_TEXT)
        p.add_argument("target", metavar="MODULE.NAME")
        p.add_argument("--dir", default=DEFAULT_DIR, help=f"your exercise folder (default: ./{DEFAULT_DIR}/)")


def run(args: argparse.Namespace) -> int:
    """Dispatch ``mmlkit exercises ACTION``; return the exit code (0 ok, 1 failed check, 2 usage error)."""
    try:
        actions = {"list": _list, "start": _start, "check": _check, "hint": _hint, "solution": _solution}
        return actions[args.action](args)
    except _UsageError as exc:
        print(f"mmlkit exercises {args.action}: {exc}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mmlkit exercises")
    configure(parser)
    return run(parser.parse_args(argv))


class _UsageError(Exception):
    pass


# ---------------------------------------------------------------- names and progress


def _module(name: str | None) -> str | None:
    if name is not None and name not in MODULES:
        raise _UsageError(f"unknown module {name!r}; valid modules: {', '.join(MODULES)}")
    return name


def _exercise(key: str):
    from mmlkit.exercises import exercises, get

    module, dot, name = key.partition(".")
    _module(module)
    if not dot or not name:
        raise _UsageError(f"expected MODULE.NAME, got {key!r}; valid names in {module}: "
                          + ", ".join(ex.key for ex in exercises(module)))
    try:
        return get(key)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None


def _load_progress(directory: Path) -> dict:
    path = directory / "progress.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for k in ("hints", "status"):
        data.setdefault(k, {})
    for k in ("failed", "revealed"):
        data.setdefault(k, [])
    return data


def _save_progress(directory: Path, data: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "progress.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# ---------------------------------------------------------------- stubs


def stub_source(module: str) -> str:
    """The text of the stub file ``MODULE.py``: one function per exercise, each raising NotImplementedError."""
    from mmlkit.exercises import exercises

    parts = [f'"""mmlkit exercises · {module}.\n\nReplace each `raise NotImplementedError` with your code, then run\n'
             f'    mmlkit exercises check {module}\n(or `check {module}.NAME` for one function; '
             f'`mmlkit exercises hint {module}.NAME` for a hint).\n"""\n\nimport numpy as np\n']
    for ex in exercises(module):
        ind = textwrap.TextWrapper(width=96, initial_indent="    ", subsequent_indent="        ",
                                   break_on_hyphens=False)
        formula = [line for part in ex.formula.split(";  ") for line in ind.wrap(part)]
        doc = [f"{ex.title}.", "", *textwrap.wrap(ex.task, 96), "", "Formula:", *formula, "",
               f"Signature: {ex.signature} -> {ex.returns}", "", "Example:",
               *("    " + line for line in ex.example_text().splitlines()), "",
               *textwrap.wrap(f"Graded on generated inputs, awkward ones included; tolerance: {ex.tolerance}.", 96),
               f"Check: mmlkit exercises check {ex.key}"]
        body = "\n".join(("    " + line).rstrip() for line in doc).replace("\\", "\\\\").replace('"""', r'\"\"\"')
        parts.append(f'\n\ndef {ex.signature}:\n    """{body.lstrip()}\n    """\n    raise NotImplementedError\n')
    return "".join(parts)


def _start(args) -> int:
    module = _module(args.module)
    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    for m in [module] if module else MODULES:
        path = directory / f"{m}.py"
        if path.exists() and not args.force:
            print(f"kept {path} (it exists; --force overwrites it)")
            continue
        path.write_text(stub_source(m), encoding="utf-8")
        print(f"wrote {path}")
    if not (directory / "progress.json").exists():
        _save_progress(directory, _load_progress(directory))
    first = module or MODULES[0]
    print(f"Next: edit {directory / (first + '.py')}, then `mmlkit exercises check {first} --dir {directory}`")
    return 0


# ---------------------------------------------------------------- list, check, hint, solution


def _list(args) -> int:
    from mmlkit.exercises import exercises

    module = _module(args.module)
    progress = _load_progress(Path(args.dir))
    exs = exercises(module)
    current = None
    for ex in exs:
        if ex.module != current:
            current = ex.module
            print(f"\n{current}")
        status = progress["status"].get(ex.key, "")
        print(f"  {ex.key:<45} {ex.title}" + (f"  [{status}]" if status else ""))
    print(f"\n{len(exs)} exercises in {len({ex.module for ex in exs})} module(s). "
          "Start with `mmlkit exercises start MODULE`.")
    return 0


def _load_file(path: Path):
    spec = importlib.util.spec_from_file_location(f"mmlkit_exercise_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(args) -> int:
    from mmlkit.exercises import check, exercises

    directory = Path(args.dir)
    target = args.target
    if target is None:
        modules = [m for m in MODULES if (directory / f"{m}.py").exists()]
        if not modules:
            raise _UsageError(f"no exercise files in {directory}/; run `mmlkit exercises start --dir {directory}`")
        selected = [ex for m in modules for ex in exercises(m)]
    elif "." in target:
        selected = [_exercise(target)]
    else:
        selected = exercises(_module(target))
    progress = _load_progress(directory)
    n_passed = 0
    loaded: dict = {}
    for ex in selected:
        path = directory / f"{ex.module}.py"
        if ex.module not in loaded:
            if not path.exists():
                raise _UsageError(f"{path} does not exist; run `mmlkit exercises start {ex.module} --dir {directory}`")
            try:
                loaded[ex.module] = _load_file(path)
            except Exception as exc:  # noqa: BLE001 - the learner's file does not import: show where
                frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
                line = getattr(exc, "lineno", None) or (frames[-1].lineno if frames else "?")
                print(f"✗ {path} does not run: {type(exc).__name__}: {exc} (line {line})")
                return 1
        func = getattr(loaded[ex.module], ex.name, None)
        if func is None:
            print(f"✗ {ex.key}: no function {ex.name} in {path}")
            progress["status"][ex.key] = "missing"
            continue
        result = check(func, ex.key)
        print(result.message)
        progress["status"][ex.key] = result.status
        if result.passed:
            n_passed += 1
        elif result.status != "not started" and ex.key not in progress["failed"]:
            progress["failed"].append(ex.key)
    _save_progress(directory, progress)
    print(f"\n{n_passed} of {len(selected)} passed.")
    return 0 if n_passed == len(selected) else 1


def _hint(args) -> int:
    ex = _exercise(args.target)
    directory = Path(args.dir)
    progress = _load_progress(directory)
    level = min(progress["hints"].get(ex.key, 0) + 1, len(ex.hints))
    progress["hints"][ex.key] = level
    _save_progress(directory, progress)
    for i, hint in enumerate(ex.hints[:level], 1):
        print(textwrap.fill(hint, width=100, initial_indent=f"hint {i}/{len(ex.hints)}: ", subsequent_indent="    "))
    if level == len(ex.hints):
        print(f"(that was the last hint; after a failed check, `mmlkit exercises solution {ex.key}` shows a solution)")
    return 0


def _solution(args) -> int:
    ex = _exercise(args.target)
    directory = Path(args.dir)
    progress = _load_progress(directory)
    if ex.key not in progress["failed"]:
        print(f"mmlkit exercises solution: the solution of {ex.key} is revealed after a check of your attempt has "
              f"failed; try it first (`mmlkit exercises check {ex.key} --dir {directory}`), and "
              f"`mmlkit exercises hint {ex.key}` for a hint.", file=sys.stderr)
        return 1
    if ex.key not in progress["revealed"]:
        progress["revealed"].append(ex.key)
        _save_progress(directory, progress)
    imports = [line for line in inspect.getsource(inspect.getmodule(ex.reference)).splitlines()
               if line.startswith(("import ", "from "))]
    print(f"# A reference solution of {ex.key}\n" + "\n".join(imports) + f"\n\n\n{inspect.getsource(ex.reference)}")
    return 0
