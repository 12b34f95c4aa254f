"""Figures that make the mathematics visible. Every function returns a Matplotlib ``Figure``.

One module per topic (``viz/linalg.py``, ``viz/probability.py``, ...); each
lists its figure functions in ``__all__`` and they are all re-exported here.
All figures share the look set in ``viz._style``.
"""

import importlib
import pkgutil

from mmlkit.viz._style import CMAP, CMAP_DIVERGING, PALETTE, new_figure, style

# the look, public so notebooks and user code can build figures that match
__all__: list[str] = ["CMAP", "CMAP_DIVERGING", "PALETTE", "new_figure", "style"]

for _info in pkgutil.iter_modules(__path__):
    if _info.name.startswith("_"):
        continue
    _module = importlib.import_module(f"{__name__}.{_info.name}")
    for _name in getattr(_module, "__all__", ()):
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)

del importlib, pkgutil
