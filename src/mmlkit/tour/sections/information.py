"""Tour: entropy of a coin, the asymmetry of KL divergence, mutual information on real data."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Information theory"
ORDER = 70
LAB = ("information",)
API = ("mmlkit.information",)
FORMULA = (r"H(p) = -\sum_i p_i \log p_i \qquad \mathrm{KL}(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i} \ge 0" "\n"
           r"I(X; Y) = \mathrm{KL}(p_{XY} \,\|\, p_X\, p_Y) = H(Y) - H(Y \mid X)")
SUMMARY = ("Entropy measures surprise: a fair coin carries one bit, a certain one none. The KL divergence "
           "is the extra code length paid for believing q when the truth is p — the quantity every "
           "cross-entropy loss minimises — and it is not symmetric: a narrow P inside a wide Q costs far "
           "less than the reverse. Mutual information ranks the iris measurements by how much each "
           "tells about the species.")


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_iris
    from mmlkit.information import entropy, mutual_information
    from mmlkit.viz.information import binary_entropy, kl_asymmetry, mutual_information_bars

    coin_fig = binary_entropy(base=2)
    kl_fig = kl_asymmetry(0.0, 1.0, 1.0, 2.0)

    iris = load_iris()
    n_bins = 8
    # plug-in MI of each feature, discretised into equal-frequency bins, with the species
    edges = np.quantile(iris.data, np.linspace(0, 1, n_bins + 1)[1:-1], axis=0)
    binned = [np.searchsorted(edges[:, j], iris.data[:, j], side="right") for j in range(iris.data.shape[1])]
    mi = np.array([mutual_information(col, iris.target, base=2) for col in binned])
    names = list(iris.feature_names)
    mi_fig = mutual_information_bars(names, mi, target="species")
    h_species = entropy(np.bincount(iris.target) / iris.target.size, base=2)
    kl_pq, kl_qp = kl_fig.kl
    return Showcase(
        figures=[
            ("Entropy of a coin against P(heads): one bit at p = ½, none at certainty", coin_fig),
            ("KL(P‖Q) vs KL(Q‖P) for P = N(0, 1), Q = N(1, 2²): the integrands and their (closed-form) "
             "integrals", kl_fig),
            (f"Mutual information between each iris measurement ({n_bins} equal-frequency bins) and the "
             f"species (entropy {h_species:.3f} bits)", mi_fig),
        ],
        key_number=("KL(P‖Q) / KL(Q‖P)", f"{kl_pq:.3f} / {kl_qp:.3f} nats"),
        notes=[f"Most informative feature: {names[int(np.argmax(mi))]} with {mi.max():.3f} of "
               f"{h_species:.3f} bits of species entropy."],
    )
