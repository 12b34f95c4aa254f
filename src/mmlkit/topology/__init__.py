"""Topological data analysis: Vietoris–Rips persistent homology and its summaries.

- :func:`vietoris_rips` — persistence diagrams of H0 and H1 (Ripser's algorithm:
  minimum spanning tree, then persistent cohomology with clearing and apparent pairs);
- :func:`bottleneck_distance` — the exact bottleneck distance between diagrams;
- :func:`persistence_landscape`, :func:`total_persistence`,
  :func:`persistence_entropy`, :func:`betti_curve` — vectors and numbers from diagrams.

Examples
--------
>>> import numpy as np
>>> from mmlkit.topology import vietoris_rips
>>> t = np.linspace(0, 2 * np.pi, 30, endpoint=False)
>>> h0, h1 = vietoris_rips(np.c_[np.cos(t), np.sin(t)])
>>> h1.shape                       # the circle's one loop
(1, 2)
"""

from mmlkit.topology.diagrams import (
    betti_curve,
    bottleneck_distance,
    persistence_entropy,
    persistence_landscape,
    total_persistence,
)
from mmlkit.topology.rips import vietoris_rips

__all__ = ["betti_curve", "bottleneck_distance", "persistence_entropy", "persistence_landscape",
           "total_persistence", "vietoris_rips"]
