"""Information theory: entropy, divergences and mutual information.

Discrete measures take probability vectors (or joint tables, or paired
samples); the Gaussian measures are the closed forms for multivariate normal
distributions. Every measure takes ``base`` (``None`` for nats, ``2`` for bits).
"""

from mmlkit.information.discrete import (
    conditional_entropy,
    cross_entropy,
    entropy,
    joint_entropy,
    js_divergence,
    kl_divergence,
    mutual_information,
)
from mmlkit.information.gaussian import gaussian_entropy, gaussian_kl

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "gaussian_entropy",
    "gaussian_kl",
    "joint_entropy",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
]
