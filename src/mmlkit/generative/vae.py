"""The variational autoencoder (Kingma & Welling, 2014) with a Gaussian encoder and a Bernoulli decoder."""

from __future__ import annotations

import numpy as np

from mmlkit import autodiff as ad
from mmlkit._validation import (
    POSITIVE,
    POSITIVE_INT,
    SequenceOf,
    as_float_array,
    check_random_state,
    validate_args,
    validate_params,
)
from mmlkit.autodiff import no_grad, tensor
from mmlkit.nn import MLP, Linear, Module
from mmlkit.nn.functional import binary_cross_entropy_with_logits
from mmlkit.optim import Adam

__all__ = ["VAE", "gaussian_kl_standard"]


def gaussian_kl_standard(mu, logvar):
    r"""KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σⱼ (μⱼ² + σⱼ² − log σⱼ² − 1), per row.

    Works on arrays and on autodiff Tensors (rows in the first axis).
    """
    if isinstance(mu, ad.Tensor):
        return 0.5 * (mu * mu + ad.exp(logvar) - logvar - 1.0).sum(axis=-1)
    mu = as_float_array(mu, "mu", ndim=(1, 2))
    logvar = as_float_array(logvar, "logvar", ndim=(1, 2))
    if mu.shape != logvar.shape:
        raise ValueError(f"mu and logvar must have the same shape, got {mu.shape} and {logvar.shape}")
    return 0.5 * np.sum(mu * mu + np.exp(logvar) - logvar - 1.0, axis=-1)


class _Encoder(Module):
    def __init__(self, d, hidden, latent, rng):
        super().__init__()
        self.body = MLP((d, *hidden), activation="relu", random_state=rng) if hidden else None
        width = hidden[-1] if hidden else d
        self.mu = Linear(width, latent, random_state=rng)
        self.logvar = Linear(width, latent, random_state=rng)

    def forward(self, x):
        h = ad.relu(self.body(x)) if self.body is not None else x
        return self.mu(h), self.logvar(h)


class VAE:
    r"""A variational autoencoder for data in [0, 1] (e.g. the 8×8 digits scaled by 1/16).

    Model: z ~ N(0, I) in ℝᵏ, x | z ~ Bernoulli(σ(g_θ(z))) per pixel; inference
    network q_φ(z | x) = N(μ_φ(x), diag σ²_φ(x)). Training maximises the evidence
    lower bound

        ELBO(x) = E_{q(z|x)}[log p(x | z)] − KL(q(z | x) ‖ p(z)) ≤ log p(x),

    with the KL term in closed form, ½ Σ (μ² + σ² − log σ² − 1), and the
    expectation estimated by one reparameterised draw z = μ + σ ⊙ ε, ε ~ N(0, I),
    so that gradients flow through μ and σ (the reparameterisation trick).
    Encoder and decoder are :class:`mmlkit.nn.MLP` networks trained with Adam.

    Parameters
    ----------
    latent_dim : int, default=2
    hidden : tuple of int, default=(128,)
        Hidden widths of the encoder (the decoder mirrors them).
    epochs : int, default=50
    batch_size : int, default=64
    lr : float, default=1e-3
    random_state : int, Generator or None

    Attributes
    ----------
    encoder_, decoder_ : Module
    history_ : dict
        Per-epoch ``"train_elbo"`` (mean over the epoch's batches) and, when
        ``fit`` gets ``validation_data``, ``"val_elbo"``.

    Examples
    --------
    >>> from mmlkit.datasets import load_digits
    >>> X = load_digits().data / 16
    >>> vae = VAE(epochs=2, random_state=0).fit(X)
    >>> vae.reconstruct(X[:3]).shape
    (3, 64)
    """

    _parameter_constraints = {"latent_dim": [POSITIVE_INT], "hidden": [SequenceOf(POSITIVE_INT)],
                              "epochs": [POSITIVE_INT], "batch_size": [POSITIVE_INT], "lr": [POSITIVE],
                              "random_state": ["random_state"]}

    def __init__(self, latent_dim=2, hidden=(128,), epochs=50, batch_size=64, lr=1e-3, random_state=None):
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state

    def _elbo_terms(self, x, eps):
        """Per-row reconstruction log-likelihood and KL, as Tensors."""
        mu, logvar = self.encoder_(x)
        z = mu + ad.exp(0.5 * logvar) * eps
        logits = self.decoder_(z)
        rec = -binary_cross_entropy_with_logits(logits, x.data, reduction="none").sum(axis=1)
        return rec, gaussian_kl_standard(mu, logvar)

    def fit(self, X, validation_data=None):
        """Train on X (n_samples, n_features) with values in [0, 1]; returns self."""
        X = self._check_X(X, "X")
        validate_params({name: getattr(self, name) for name in self._parameter_constraints},
                        self._parameter_constraints, owner=type(self).__name__)
        rng = check_random_state(self.random_state)
        d, k = X.shape[1], self.latent_dim
        hidden = tuple(self.hidden)
        self.encoder_ = _Encoder(d, hidden, k, rng)
        self.decoder_ = MLP((k, *hidden[::-1], d), activation="relu", random_state=rng)
        params = list(self.encoder_.parameters()) + list(self.decoder_.parameters())
        opt = Adam(params, lr=self.lr)
        X_val = None if validation_data is None else self._check_X(validation_data, "validation_data")
        self.history_ = {"train_elbo": [], "val_elbo": []}
        self.n_features_in_ = d
        for _ in range(self.epochs):
            order = rng.permutation(len(X))
            total = 0.0
            for start in range(0, len(X), self.batch_size):
                xb = tensor(X[order[start:start + self.batch_size]])
                rec, kl = self._elbo_terms(xb, rng.standard_normal((xb.shape[0], k)))
                loss = -(rec - kl).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
                total -= float(loss.data) * xb.shape[0]
            self.history_["train_elbo"].append(total / len(X))
            if X_val is not None:
                self.history_["val_elbo"].append(float(self.elbo(X_val, random_state=rng).mean()))
        return self

    def _check_X(self, X, name):
        X = as_float_array(X, name, ndim=2)
        if X.min() < 0 or X.max() > 1:
            raise ValueError(f"{name} must hold values in [0, 1] (Bernoulli likelihood); scale the data first")
        if hasattr(self, "n_features_in_") and name != "X" and X.shape[1] != self.n_features_in_:
            raise ValueError(f"{name} has {X.shape[1]} features, the model {self.n_features_in_}")
        return X

    def _check_fitted(self):
        if not hasattr(self, "encoder_"):
            raise ValueError("this VAE is not fitted yet; call fit(X) first")

    def encode(self, X):
        """The posterior's mean and log-variance, each (n_samples, latent_dim)."""
        self._check_fitted()
        with no_grad():
            mu, logvar = self.encoder_(tensor(self._check_X(X, "X_encode")))
        return mu.data, logvar.data

    def decode(self, Z):
        """Pixel probabilities σ(g(z)) for latent codes Z (n, latent_dim)."""
        self._check_fitted()
        Z = as_float_array(Z, "Z", ndim=2)
        with no_grad():
            logits = self.decoder_(tensor(Z)).data
        return 0.5 * (1 + np.tanh(0.5 * logits))

    def reconstruct(self, X):
        """Decode the posterior means: x̂ = σ(g(μ(x)))."""
        return self.decode(self.encode(X)[0])

    @validate_args({"n_samples": [POSITIVE_INT]})
    def sample(self, n_samples, random_state=None):
        """Pixel probabilities of n_samples draws z ~ N(0, I) pushed through the decoder."""
        return self.decode(check_random_state(random_state).standard_normal((n_samples, self.latent_dim)))

    def kl_divergence(self, X):
        """Closed-form KL(q(z | x) ‖ N(0, I)) per row."""
        mu, logvar = self.encode(X)
        return gaussian_kl_standard(mu, logvar)

    def kl_monte_carlo(self, X, n_samples=1000, random_state=None):
        """Monte-Carlo estimate E_q[log q(z | x) − log p(z)] per row, to check the closed form."""
        mu, logvar = self.encode(X)
        rng = check_random_state(random_state)
        eps = rng.standard_normal((n_samples, *mu.shape))
        z = mu + np.exp(0.5 * logvar) * eps
        log_q = -0.5 * np.sum(eps**2 + logvar + np.log(2 * np.pi), axis=-1)
        log_p = -0.5 * np.sum(z**2 + np.log(2 * np.pi), axis=-1)
        return (log_q - log_p).mean(axis=0)

    def elbo(self, X, n_samples=1, random_state=None):
        """The ELBO per row, with ``n_samples`` reparameterised draws for the reconstruction term."""
        self._check_fitted()
        X = self._check_X(X, "X_elbo")
        rng = check_random_state(random_state)
        total = np.zeros(len(X))
        with no_grad():
            for _ in range(n_samples):  # a few draws of the expectation, each vectorised over rows
                rec, kl = self._elbo_terms(tensor(X), rng.standard_normal((len(X), self.latent_dim)))
                total += rec.data - kl.data
        return total / n_samples
