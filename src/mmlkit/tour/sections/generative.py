"""Tour: a DDPM turning noise into two moons, and a VAE on the digits."""

from __future__ import annotations

import numpy as np

from mmlkit.tour._api import Showcase

TITLE = "Generative models: diffusion and the VAE"
ORDER = 130
LAB = ("generative",)
API = ("mmlkit.generative",)
FORMULA = (r"q(x_t \mid x_0) = \mathcal{N}(\sqrt{\bar\alpha_t}\, x_0, (1 - \bar\alpha_t) I), \qquad \min_\theta \mathbb{E} \left\| \varepsilon - \varepsilon_\theta(\sqrt{\bar\alpha_t}\, x_0 + \sqrt{1 - \bar\alpha_t}\, \varepsilon, t) \right\|^2" "\n"
           r"\log p(x) \ge \mathbb{E}_q[\log p(x \mid z)] - \mathrm{KL}(q(z \mid x) \,\|\, \mathcal{N}(0, I)), \qquad z = \mu + \sigma \odot \varepsilon")
SUMMARY = ("Generation as a stochastic process run backwards: a denoising diffusion model learns to predict "
           "the noise added to data, then walks pure Gaussian noise back to the data distribution one small "
           "step at a time. A variational autoencoder squeezes 8×8 digits through a 2-D latent space, trained "
           "on the evidence lower bound whose KL term is available in closed form.")


def run(quick: bool) -> Showcase:
    from mmlkit.datasets import load_digits, make_moons
    from mmlkit.generative import VAE, DiffusionModel, energy_distance
    from mmlkit.viz import diffusion_snapshots, image_grid
    from mmlkit.viz._style import PALETTE, new_figure

    X, _ = make_moons(1500, noise=0.05, random_state=0)
    train, held = X[:1000], X[1000:]
    # Quick: a narrower network on smaller batches (about 3 s of CPU; energy distance 0.010 against the
    # held-out halves' 0.025, and the two moons are visible at t = 0).
    ddpm = DiffusionModel(n_steps=100, n_iter=2500 if quick else 4000, lr=3e-3 if quick else 2e-3,
                          hidden=(64, 64, 64) if quick else (128, 128, 128), batch_size=128 if quick else 256,
                          random_state=0).fit(train)
    samples, trajectory = ddpm.sample(500, random_state=1, return_trajectory=True)
    quality = energy_distance(samples, held)
    baseline = energy_distance(held[:250], held[250:])
    figures = [(f"Ancestral sampling from pure noise (t = 100) to data (t = 0); energy distance to held-out "
                f"data {quality:.4f} (two halves of the held-out data: {baseline:.4f})",
                diffusion_snapshots(trajectory, [100, 60, 30, 10, 0], data=held, title="DDPM on two moons"))]

    digits = load_digits()
    D = digits.data / 16
    order = np.random.default_rng(0).permutation(len(D))
    d_train, d_held = D[order[:1400]], D[order[1400:]]
    vae = VAE(latent_dim=2, epochs=15 if quick else 60, lr=4e-3 if quick else 2e-3, random_state=0).fit(
        d_train, validation_data=d_held)
    originals = d_held[:10]
    figures.append(("VAE reconstructions of held-out digits (top: original, middle: reconstruction) and "
                    "samples $z \\sim \\mathcal{N}(0, I)$ decoded (bottom). A caveat: with a 2-D latent space and "
                    f"{vae.epochs} epochs the samples are blurry averages, and some are not clearly any digit — the "
                    "decoder outputs the mean pixel intensities, and a 2-D code cannot hold every digit's detail",
                    image_grid([originals, vae.reconstruct(originals), vae.sample(10, random_state=0)],
                               row_labels=["data", "reconstruction", "samples"])))
    mu, _ = vae.encode(D)
    fig, ax = new_figure(width=5.5, height=4.8)
    for digit in range(10):
        pts = mu[digits.target == digit]
        ax.scatter(pts[:, 0], pts[:, 1], s=5, color=PALETTE[digit % len(PALETTE)] if digit < 8 else
                   ("0.4" if digit == 8 else "#8c564b"), label=str(digit), alpha=0.7)
    ax.set(xlabel="$z_1$", ylabel="$z_2$", title="the VAE's 2-D latent space (posterior means)")
    ax.legend(markerscale=3, fontsize=7, ncol=2)
    figures.append(("Posterior means of every digit in the 2-D latent space: similar digits land together", fig))
    elbo = vae.history_["val_elbo"][-1]
    return Showcase(figures=figures,
                    key_number=("DDPM energy distance / held-out baseline", f"{quality:.4f} / {baseline:.4f}"),
                    notes=[f"VAE held-out ELBO after training: {elbo:.1f} nats per digit."])
