"""Make ``linalg_cases`` (the shared test matrices of this folder) importable.

The suite runs with ``--import-mode=importlib``, which puts no test folder on
``sys.path``; this conftest, loaded before the test modules beside it, adds this
one. The helper's name is unique across the suite, so nothing can shadow it.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
