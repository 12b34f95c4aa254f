"""mmlkit: the mathematics of machine learning, from first principles, on NumPy.

Submodules are imported on first use (``mmlkit.linalg``, ``mmlkit.autodiff``,
...), so ``import mmlkit`` stays fast.
"""

from __future__ import annotations

import importlib

from mmlkit._version import __version__

_SUBMODULES = (
    "autodiff", "calculus", "datasets", "evaluation", "exceptions", "exercises", "explain", "generative",
    "information", "linalg", "models", "nn", "optim", "preprocessing", "probability", "rl",
    "stats", "topology", "viz",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'mmlkit' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
