"""Generative models: denoising diffusion (a stochastic process run backwards) and the VAE."""

from mmlkit.generative.diffusion import DiffusionModel, noise_schedule
from mmlkit.generative.metrics import energy_distance, mmd_rbf
from mmlkit.generative.vae import VAE, gaussian_kl_standard

__all__ = ["VAE", "DiffusionModel", "energy_distance", "gaussian_kl_standard", "mmd_rbf", "noise_schedule"]
