"""Tour: the persistent homology of a noisy circle against a blob."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Topology: the shape of data"
ORDER = 110
LAB = ("topology",)
API = ("mmlkit.topology",)
FORMULA = (r"\mathrm{VR}_r(X) = \{\sigma \subseteq X : d(u, v) \le r \text{ for all } u, v \in \sigma\} \qquad H_q(\mathrm{VR}_r) \text{ as } r \text{ grows}" "\n"
           r"\text{a bar } [b, d) \text{ per class: born at scale } b, \text{ dead at } d; \qquad d_B(D, D') \le 2 \max_i \|x_i - x'_i\|")
SUMMARY = ("Grow a ball around every point and watch the union: components merge (H0 bars end) and loops "
           "open and close (H1 bars). A noisy circle has one H1 bar far longer than the rest — the hole "
           "survives across scales — while a Gaussian blob only has short-lived noise. The computation is "
           "Ripser's: a minimum spanning tree for H0, then a cohomology reduction with clearing and "
           "apparent pairs, matching ripser's diagrams exactly.")


def run(quick: bool) -> Showcase:
    from mmlkit.topology import bottleneck_distance, persistence_entropy, vietoris_rips
    from mmlkit.viz.topology import point_cloud_persistence

    rng = np.random.default_rng(0)
    n = 120 if quick else 300
    t = rng.uniform(0, 2 * np.pi, n)
    circle = np.c_[np.cos(t), np.sin(t)] + 0.08 * rng.standard_normal((n, 2))
    blob = 0.6 * rng.standard_normal((n, 2))
    d_circle, d_blob = vietoris_rips(circle), vietoris_rips(blob)
    pers = lambda dgm: dgm[:, 1] - dgm[:, 0] if len(dgm) else np.zeros(1)  # noqa: E731
    top_c, top_b = pers(d_circle[1]).max(), pers(d_blob[1]).max()
    second_c = np.sort(pers(d_circle[1]))[-2] if len(d_circle[1]) > 1 else 0.0
    return Showcase(
        figures=[
            (f"A noisy circle ({n} points): one H1 bar of persistence {top_c:.2f}, the next only "
             f"{second_c:.2f}", point_cloud_persistence(circle, d_circle, title="noisy circle")),
            (f"A Gaussian blob: every H1 bar is short (longest {top_b:.2f})",
             point_cloud_persistence(blob, d_blob, title="Gaussian blob")),
        ],
        key_number=("longest H1 bar, circle / blob", f"{top_c:.2f} / {top_b:.2f}"),
        notes=[f"Bottleneck distance between the two H1 diagrams: "
               f"{bottleneck_distance(d_circle[1], d_blob[1]):.3f}; H1 persistence entropy "
               f"{persistence_entropy(d_circle[1]):.2f} (circle) vs {persistence_entropy(d_blob[1]):.2f} (blob)."],
    )
