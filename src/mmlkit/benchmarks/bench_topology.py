"""W14: Vietoris–Rips persistence (maxdim 1) of 400 points on a noisy circle against ripser.

Both sides start from the point cloud (distances included). Quality is the
persistence of the most persistent H1 bar — the circle's loop — which must be
the same for both (ripser works in float32, so the two agree to ~1e-7).
Also: the exact bottleneck distance against persim on two H1 diagrams.
"""

from __future__ import annotations

import numpy as np
import persim
import ripser

from mmlkit._bench import compare
from mmlkit.topology import bottleneck_distance, vietoris_rips


def _noisy_circle(n, seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, 2 * np.pi, n)
    return np.c_[np.cos(t), np.sin(t)] + 0.1 * rng.standard_normal((n, 2))


def _top_h1(dgms):
    """Persistence of the longest H1 bar, births and deaths taken at ripser's float32 precision."""
    h1 = np.asarray(dgms[1]).astype(np.float32).astype(np.float64)
    return float((h1[:, 1] - h1[:, 0]).max()) if len(h1) else 0.0


def run(smoke: bool = False):
    n = 60 if smoke else 400
    repeat = 1 if smoke else 3
    X = _noisy_circle(n, 0)
    rows = [compare("vietoris_rips maxdim=1", lambda: vietoris_rips(X, maxdim=1),
                    lambda: ripser.ripser(X, maxdim=1)["dgms"], reference_name="ripser.ripser",
                    size=f"n={n} noisy circle", quality=_top_h1, quality_name="top H1 persistence",
                    repeat=repeat, target=1.5)]
    A = vietoris_rips(_noisy_circle(n, 1))[1]
    B = vietoris_rips(_noisy_circle(n, 2))[1]
    rows.append(compare("bottleneck_distance (H1)", lambda: bottleneck_distance(A, B),
                        lambda: persim.bottleneck(A, B), reference_name="persim.bottleneck",
                        size=f"{len(A)}+{len(B)} points", quality=float, quality_name="d_B",
                        higher_is_better=False, repeat=repeat))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, f"ratio={row.ratio:.2f}")
