"""VAE training on the digits: mmlkit vs the same network in PyTorch (same data, sizes, optimizer, epochs)."""

import numpy as np
import torch

from mmlkit._bench import compare
from mmlkit.datasets import load_digits
from mmlkit.generative import VAE


class TorchVAE(torch.nn.Module):
    def __init__(self, d=64, h=128, k=2):
        super().__init__()
        self.enc = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.ReLU())
        self.mu, self.logvar = torch.nn.Linear(h, k), torch.nn.Linear(h, k)
        self.dec = torch.nn.Sequential(torch.nn.Linear(k, h), torch.nn.ReLU(), torch.nn.Linear(h, d))

    def elbo(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        rec = -torch.nn.functional.binary_cross_entropy_with_logits(self.dec(z), x, reduction="none").sum(1)
        kl = 0.5 * (mu**2 + logvar.exp() - logvar - 1).sum(1)
        return rec - kl


def train_torch(X, epochs, batch=64, seed=0):
    torch.manual_seed(seed)
    model = TorchVAE().double()  # float64 on both sides
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    tX = torch.from_numpy(X)
    for _ in range(epochs):
        for idx in torch.randperm(len(tX)).split(batch):
            opt.zero_grad()
            loss = -model.elbo(tX[idx]).mean()
            loss.backward()
            opt.step()
    return model


def run(smoke=False):
    X = load_digits().data / 16
    order = np.random.default_rng(0).permutation(len(X))
    train, held = X[order[:1400]], X[order[1400:]]
    epochs = 1 if smoke else 20
    repeat = 1 if smoke else 2

    def held_elbo_torch(model):
        with torch.no_grad():
            return float(model.elbo(torch.from_numpy(held)).mean())

    return [compare(f"VAE on digits, {epochs} epochs (latent 2, hidden 128)",
                    lambda: VAE(epochs=epochs, random_state=0).fit(train),
                    lambda: train_torch(train, epochs), reference_name="torch eager", size="1400×64",
                    quality=lambda m: (m.elbo(held, random_state=0).mean() if isinstance(m, VAE)
                                       else held_elbo_torch(m)),
                    quality_name="held-out ELBO (nats)", repeat=repeat)]
