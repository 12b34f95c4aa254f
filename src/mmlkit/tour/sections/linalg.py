"""Tour: a matrix as a map of the plane, and the SVD compressing handwritten digits."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Linear algebra"
ORDER = 10
LAB = ("vectors", "decompositions")
API = ("mmlkit.linalg",)
FORMULA = (r"A v = \lambda v \qquad A = U \Sigma V^\top, \quad A v_i = \sigma_i u_i" "\n"
           r"A_k = \sum_{i \le k} \sigma_i u_i v_i^\top \ \text{ minimises } \|A - B\|_F \text{ over rank-}k\ B \ \text{(Eckart–Young)}")
SUMMARY = ("A matrix maps the unit circle to an ellipse: its singular vectors are the circle's radii that "
           "land on the ellipse's axes, stretched by σᵢ, while its eigenvectors are the directions it only "
           "scales. Truncating the SVD of the 8 × 8 digit images keeps the directions of largest variance: "
           "a handful of components already draws a recognisable digit. Every decomposition here is "
           "mmlkit's own (Householder, Francis QR, Golub–Kahan), checked against LAPACK.")


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_digits
    from mmlkit.viz.linalg import low_rank_reconstructions, singular_value_spectrum, transformation_circle

    A = np.array([[1.5, 0.8], [0.2, 1.0]])
    circle = transformation_circle(A)
    digits = load_digits()
    images = digits.images[:300] if quick else digits.images
    ranks = (1, 2, 4, 8)
    recon = low_rank_reconstructions(images, ranks, index=0)
    spectrum = singular_value_spectrum(images.reshape(len(images), -1) - images.reshape(len(images), -1).mean(0),
                                       mark=8)
    w, _ = circle.eig
    s = circle.svd[1]
    captured8 = recon.captured[-1]
    return Showcase(
        figures=[
            (f"A = [[1.5, 0.8], [0.2, 1.0]] maps the unit circle onto an ellipse with semi-axes σ = "
             f"{s[0]:.2f}, {s[1]:.2f}. Its singular vectors (solid) are orthogonal before and after the map; "
             f"its eigenvectors (dashed, λ = {w[0]:.2f}, {w[1]:.2f}) are not orthogonal.", circle),
            (f"A digit rebuilt from the top k singular directions of {len(images)} centred 8 × 8 digit images "
             "(relative error in each title)", recon),
            ("Singular values of the centred digit matrix and the share of variance the first k carry", spectrum),
        ],
        key_number=("variance captured by rank 8", f"{captured8:.1%}"),
        notes=["Rank-k errors for digit 0: " + ", ".join(f"k={k}: {e:.1%}" for k, e in zip(ranks, recon.errors))],
    )
