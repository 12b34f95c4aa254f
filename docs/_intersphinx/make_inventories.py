"""Write the intersphinx inventories the documentation links through, without the network.

The documentation builds offline, so it cannot download NumPy's, SciPy's, scikit-learn's or
PyTorch's ``objects.inv``, and no package on PyPI ships them. This script writes equivalent
inventories from the installed packages themselves: every public function and class of the modules
listed below, pointing to the page that project's own autosummary gives it (the URL scheme each
project has used for years, e.g. ``reference/generated/numpy.linalg.svd.html``). Run it again after
upgrading one of the packages::

    python docs/_intersphinx/make_inventories.py

Only names are listed (functions and classes, as ``py:function`` / ``py:class``), which is what the
site links to: a See Also entry, a course page's ``:func:`numpy.linalg.svd```, a gallery example's
code.
"""

from __future__ import annotations

import importlib
import inspect
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

PROJECTS = {
    "numpy": ("NumPy", "reference/generated/{name}.html#{name}",
              ["numpy", "numpy.linalg", "numpy.random", "numpy.fft"]),
    "scipy": ("SciPy", "reference/generated/{name}.html#{name}",
              ["scipy.linalg", "scipy.special", "scipy.stats", "scipy.optimize", "scipy.integrate", "scipy.sparse",
               "scipy.spatial.distance"]),
    "sklearn": ("scikit-learn", "modules/generated/{name}.html#{name}",
                ["sklearn.base", "sklearn.linear_model", "sklearn.cluster", "sklearn.decomposition", "sklearn.mixture",
                 "sklearn.naive_bayes", "sklearn.svm", "sklearn.metrics", "sklearn.model_selection",
                 "sklearn.preprocessing", "sklearn.neural_network", "sklearn.manifold", "sklearn.kernel_ridge",
                 "sklearn.inspection", "sklearn.feature_selection", "sklearn.impute", "sklearn.pipeline",
                 "sklearn.datasets"]),
    "torch": ("PyTorch", "generated/{name}.html#{name}",
              ["torch", "torch.nn", "torch.nn.functional", "torch.optim", "torch.optim.lr_scheduler",
               "torch.autograd", "torch.func"]),
}


def _public(module):
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    for name in sorted(set(names)):
        if name.startswith("_"):
            continue
        try:
            obj = getattr(module, name)
        except Exception:  # noqa: BLE001, S112 - a lazy attribute that fails to import is simply not listed
            continue
        if inspect.isclass(obj):
            yield name, "py:class"
        elif callable(obj) and not inspect.ismodule(obj):
            yield name, "py:function"


def write(key: str) -> int:
    project, uri, modules = PROJECTS[key]
    top = importlib.import_module(key)
    entries = {}
    for modname in modules:
        module = importlib.import_module(modname)
        for name, role in _public(module):
            full = f"{modname}.{name}"
            entries[full] = f"{full} {role} 1 {uri.format(name=full)} -"
    header = (f"# Sphinx inventory version 2\n# Project: {project}\n# Version: {getattr(top, '__version__', '')}\n"
              "# The remainder of this file is compressed using zlib.\n")
    body = "\n".join(entries[k] for k in sorted(entries)) + "\n"
    (HERE / f"{key}.inv").write_bytes(header.encode() + zlib.compress(body.encode()))
    return len(entries)


if __name__ == "__main__":
    for key in PROJECTS:
        print(key, write(key))
