"""Denoising diffusion probabilistic models (Ho, Jain & Abbeel, 2020) on low-dimensional data."""

from __future__ import annotations

import math
import numbers

import numpy as np

from mmlkit._validation import (
    POSITIVE,
    POSITIVE_INT,
    Interval,
    Options,
    SequenceOf,
    as_float_array,
    check_random_state,
    validate_args,
    validate_params,
)
from mmlkit.autodiff import no_grad, tensor
from mmlkit.nn import MLP, mse_loss
from mmlkit.optim import Adam

__all__ = ["DiffusionModel", "noise_schedule"]


_HIDDEN = SequenceOf(POSITIVE_INT)  # hidden-layer widths
_VARIANCE = Interval(numbers.Real, 0, 1, closed="neither")  # a variance βₜ in (0, 1)


@validate_args({"n_steps": [POSITIVE_INT], "kind": [Options(("linear", "cosine"))], "beta_start": [_VARIANCE],
                "beta_end": [_VARIANCE]})
def noise_schedule(n_steps, kind="linear", beta_start=1e-4, beta_end=0.02):
    r"""The variances β₁…β_T of the forward process and their running products.

    "linear": βₜ evenly spaced from ``beta_start`` to ``beta_end`` (scaled by
    1000/T so any T matches Ho et al.'s T = 1000 schedule); "cosine": ᾱₜ =
    cos²(π/2 · (t/T + s)/(1 + s)) / cos²(π/2 · s/(1 + s)), s = 0.008 (Nichol &
    Dhariwal, 2021), βₜ clipped at 0.999.

    Returns ``(beta, alpha, alpha_bar)``, each of shape (T,), with αₜ = 1 − βₜ
    and ᾱₜ = Πₛ≤ₜ αₛ. Each βₜ is a variance of the forward step, so it must
    lie in (0, 1): ``0 < beta_start ≤ beta_end < 1`` (and the rescaled start below 1).
    """
    if kind == "linear":
        validate_params({"beta_end": beta_end}, {"beta_end": [Interval(numbers.Real, beta_start, 1, closed="left")]},
                        owner="noise_schedule")  # the schedule increases
        scale = 1000.0 / n_steps
        if scale * beta_start >= 1.0:
            raise ValueError(f"beta_start * 1000 / n_steps must be < 1 (a variance βₜ in (0, 1)), "
                             f"got {scale * beta_start:g} for beta_start={beta_start!r}, n_steps={n_steps}")
        beta = np.linspace(scale * beta_start, min(scale * beta_end, 0.999), n_steps)
    else:
        s = 0.008
        t = np.arange(n_steps + 1) / n_steps
        f = np.cos((t + s) / (1 + s) * math.pi / 2) ** 2
        beta = np.clip(1 - f[1:] / f[:-1], 0.0, 0.999)
    alpha = 1.0 - beta
    return beta, alpha, np.cumprod(alpha)


def _time_features(t, n_steps, dim=16):
    """Sinusoidal embedding of the step t ∈ {0..T−1} (as in transformers' positions)."""
    freqs = np.exp(-math.log(1000.0) * np.arange(dim // 2) / (dim // 2))
    angles = (t[:, None] / n_steps * 1000.0) * freqs[None, :] / 10.0
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


class DiffusionModel:
    r"""A DDPM: noise data step by step, learn to undo one step, then generate by ancestral sampling.

    Forward process (fixed): q(xₜ | xₜ₋₁) = N(√αₜ xₜ₋₁, βₜ I), which has the closed form

        q(xₜ | x₀) = N(√ᾱₜ x₀, (1 − ᾱₜ) I),   i.e.  xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε,  ε ~ N(0, I).

    Reverse process (learned): a denoiser ε_θ(xₜ, t) — an :class:`mmlkit.nn.MLP`
    on [xₜ, embedding(t)] — is trained on the simple loss E‖ε − ε_θ(xₜ, t)‖²,
    and sampling runs, from x_T ~ N(0, I),

        xₜ₋₁ = (xₜ − βₜ/√(1 − ᾱₜ) · ε_θ(xₜ, t)) / √αₜ + σₜ z,   σₜ² = β̃ₜ = βₜ(1 − ᾱₜ₋₁)/(1 − ᾱₜ).

    Data are standardised per feature before training and mapped back after sampling.

    Parameters
    ----------
    n_steps : int, default=100
        T, the number of noising steps.
    schedule : {"linear", "cosine"}, default="linear"
    hidden : tuple of int, default=(128, 128, 128)
        Widths of the denoiser MLP.
    n_iter : int, default=3000
        Training steps (mini-batches).
    batch_size : int, default=256
    lr : float, default=2e-3
        Adam's learning rate (cosine-decayed to 0 over training).
    random_state : int, Generator or None

    Attributes
    ----------
    beta_, alpha_, alpha_bar_ : ndarray (T,)
    denoiser_ : mmlkit.nn.MLP
    loss_curve_ : list of float
        Training loss, averaged over blocks of 50 steps.

    Examples
    --------
    >>> from mmlkit.datasets import make_moons
    >>> X, _ = make_moons(500, noise=0.05, random_state=0)
    >>> model = DiffusionModel(n_steps=50, hidden=(64, 64), n_iter=100, random_state=0).fit(X)
    >>> model.sample(10, random_state=0).shape
    (10, 2)
    """

    _parameter_constraints = {"n_steps": [POSITIVE_INT], "schedule": [Options(("linear", "cosine"))],
                              "hidden": [_HIDDEN], "n_iter": [POSITIVE_INT], "batch_size": [POSITIVE_INT],
                              "lr": [POSITIVE], "random_state": ["random_state"]}

    def __init__(self, n_steps=100, schedule="linear", hidden=(128, 128, 128), n_iter=3000, batch_size=256, lr=2e-3,
                 random_state=None):
        self.n_steps = n_steps
        self.schedule = schedule
        self.hidden = hidden
        self.n_iter = n_iter
        self.batch_size = batch_size
        self.lr = lr
        self.random_state = random_state

    def q_sample(self, x0, t, noise):
        """xₜ = √ᾱₜ x₀ + √(1 − ᾱₜ) ε, for per-row steps ``t`` (n,) (in standardised units)."""
        ab = self.alpha_bar_[t][:, None]
        return np.sqrt(ab) * x0 + np.sqrt(1 - ab) * noise

    def _eps(self, x, t):
        inp = np.concatenate([x, _time_features(t, self.n_steps)], axis=1).astype(self._dtype)
        return self.denoiser_(tensor(inp))

    def fit(self, X):
        """Train the denoiser on data X (n_samples, n_features); returns self."""
        X = as_float_array(X, "X", ndim=2)
        validate_params({name: getattr(self, name) for name in self._parameter_constraints},
                        self._parameter_constraints, owner=type(self).__name__)
        rng = check_random_state(self.random_state)
        self.beta_, self.alpha_, self.alpha_bar_ = noise_schedule(self.n_steps, self.schedule)
        self.mean_, self.scale_ = X.mean(axis=0), X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        Z = (X - self.mean_) / self.scale_
        d = X.shape[1]
        self._dtype = np.float64
        self.denoiser_ = MLP((d + 16, *self.hidden, d), activation="gelu", random_state=rng)
        opt = Adam(self.denoiser_.parameters(), lr=self.lr)
        self.loss_curve_, block = [], []
        for step in range(self.n_iter):
            opt.param_groups[0]["lr"] = self.lr * 0.5 * (1 + math.cos(math.pi * step / self.n_iter))
            idx = rng.integers(0, len(Z), size=min(self.batch_size, len(Z)))
            t = rng.integers(0, self.n_steps, size=len(idx))
            noise = rng.standard_normal((len(idx), d))
            opt.zero_grad()
            loss = mse_loss(self._eps(self.q_sample(Z[idx], t, noise), t), noise)
            loss.backward()
            opt.step()
            block.append(float(loss.data))
            if len(block) == 50 or step == self.n_iter - 1:
                self.loss_curve_.append(float(np.mean(block)))
                block = []
        self.n_features_in_ = d
        return self

    @validate_args({"n_samples": [POSITIVE_INT], "return_trajectory": ["boolean"]})
    def sample(self, n_samples, random_state=None, return_trajectory=False):
        """Ancestral sampling from x_T ~ N(0, I) down to x₀.

        Returns samples (n_samples, n_features) in data units; with
        ``return_trajectory`` also the list of x_T, …, x₀ (each (n_samples, n_features)).
        """
        if not hasattr(self, "denoiser_"):
            raise ValueError("this DiffusionModel is not fitted yet; call fit(X) first")
        rng = check_random_state(random_state)
        x = rng.standard_normal((n_samples, self.n_features_in_))
        trajectory = [x * self.scale_ + self.mean_] if return_trajectory else None
        with no_grad():
            for t in range(self.n_steps - 1, -1, -1):
                eps = self._eps(x, np.full(n_samples, t)).data
                b, a, ab = self.beta_[t], self.alpha_[t], self.alpha_bar_[t]
                x = (x - b / np.sqrt(1 - ab) * eps) / np.sqrt(a)
                if t > 0:
                    var = b * (1 - self.alpha_bar_[t - 1]) / (1 - ab)
                    x = x + np.sqrt(var) * rng.standard_normal(x.shape)
                if return_trajectory:
                    trajectory.append(x * self.scale_ + self.mean_)
        out = x * self.scale_ + self.mean_
        return (out, trajectory) if return_trajectory else out

    def loss(self, X, random_state=None):
        """The training objective E‖ε − ε_θ(xₜ, t)‖² on X, one noise draw per row."""
        rng = check_random_state(random_state)
        Z = (as_float_array(X, "X", ndim=2) - self.mean_) / self.scale_
        t = rng.integers(0, self.n_steps, size=len(Z))
        noise = rng.standard_normal(Z.shape)
        with no_grad():
            return float(mse_loss(self._eps(self.q_sample(Z, t, noise), t), noise).data)

