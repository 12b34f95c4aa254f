"""Policy gradients: REINFORCE with a baseline, on a small environment shipped in NumPy."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from mmlkit._validation import Interval, check_random_state, validate_args

_COUNT = [Interval(numbers.Integral, 1, None)]

__all__ = ["CartPole", "Corridor", "ReinforceResult", "reinforce"]


class Corridor:
    """A corridor of ``length`` cells: start at the left end, reach the right end.

    Actions: 0 = left (a wall at cell 0), 1 = right. Every step costs −1; the
    episode ends at cell ``length − 1`` or after ``max_steps`` steps. The optimal
    policy always goes right, for a return of −(length − 1). With ``slip`` > 0
    the chosen move is reversed with that probability (the optimal policy is
    still "always right", and episodes get longer).

    Batches of episodes run at once: states are int arrays of shape (n_episodes,).

    Parameters
    ----------
    length : int, default=6
        Number of cells (>= 2).
    max_steps : int, default=50
        Episode time limit.
    slip : float, default=0.0
        Probability that a move goes the other way, in [0, 0.5).

    Examples
    --------
    >>> env = Corridor(length=4)
    >>> s = env.reset(2)
    >>> env.step(s, np.array([1, 0]), np.random.default_rng(0))
    (array([1, 0]), array([-1., -1.]), array([False, False]))
    """

    n_actions = 2

    @validate_args({"length": [Interval(numbers.Integral, 2, None)], "max_steps": _COUNT,
                    "slip": [Interval(numbers.Real, 0, 0.5, closed="left")]})
    def __init__(self, length: int = 6, max_steps: int = 50, slip: float = 0.0):
        self.length, self.max_steps, self.slip = length, max_steps, slip

    @property
    def n_features(self) -> int:
        return self.length

    @property
    def optimal_return(self) -> float:
        """Return of the optimal deterministic policy (no slip): −(length − 1)."""
        return -float(self.length - 1)

    def reset(self, n_episodes: int, rng=None) -> np.ndarray:
        """Initial states (all at cell 0), shape (n_episodes,); ``rng`` is unused."""
        return np.zeros(n_episodes, dtype=int)

    def observe(self, states: np.ndarray) -> np.ndarray:
        """One-hot features of the states, shape (n_episodes, length)."""
        return np.eye(self.length)[states]

    def step(self, states, actions, rng):
        """Advance each episode: returns (next states, rewards, done), each (n_episodes,)."""
        move = np.where(actions == 1, 1, -1)
        if self.slip:
            move = np.where(rng.random(move.shape) < self.slip, -move, move)
        nxt = np.clip(states + move, 0, self.length - 1)
        return nxt, -np.ones(states.shape), nxt == self.length - 1


class CartPole:
    """The classic cart-pole (Barto, Sutton & Anderson 1983), with gym's CartPole-v1 constants.

    A pole hinged on a cart; push the cart left (action 0) or right (action 1)
    with a force of ``force_mag``. Reward +1 per step until the pole leans more
    than 12° or the cart leaves [−2.4, 2.4], or ``max_steps`` pass (the optimal
    return is ``max_steps``). States are (n_episodes, 4) arrays (x, ẋ, θ, θ̇);
    the features are the state itself.

    Parameters
    ----------
    max_steps : int, default=500
        Episode time limit.

    Notes
    -----
    With total mass M = m_c + m_p, half-length l and temp = (F + m_p l θ̇² sin θ)/M:
    θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos² θ / M)),
    ẍ = temp − m_p l θ̈ cos θ / M, integrated by explicit Euler with τ = 0.02 s.

    Examples
    --------
    >>> env = CartPole()
    >>> s = env.reset(3, np.random.default_rng(0))
    >>> nxt, r, done = env.step(s, np.array([0, 1, 1]), None)
    >>> nxt.shape, r.tolist(), done.tolist()
    ((3, 4), [1.0, 1.0, 1.0], [False, False, False])
    """

    n_actions = 2
    n_features = 4
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold, x_threshold = 12 * 2 * np.pi / 360, 2.4

    @validate_args({"max_steps": _COUNT})
    def __init__(self, max_steps: int = 500):
        self.max_steps = max_steps

    @property
    def optimal_return(self) -> float:
        """Balancing until the time limit: ``max_steps``."""
        return float(self.max_steps)

    def reset(self, n_episodes: int, rng=None) -> np.ndarray:
        """Initial states, each coordinate uniform on [−0.05, 0.05]; shape (n_episodes, 4)."""
        return check_random_state(rng).uniform(-0.05, 0.05, (n_episodes, 4))

    def observe(self, states: np.ndarray) -> np.ndarray:
        """The features are the state, shape (n_episodes, 4)."""
        return np.asarray(states, dtype=float)

    def step(self, states, actions, rng):
        """One Euler step for every episode: returns (next states, rewards, done)."""
        x, x_dot, theta, theta_dot = np.asarray(states, dtype=float).T
        force = np.where(actions == 1, self.force_mag, -self.force_mag)
        total = self.masscart + self.masspole
        pole_ml = self.masspole * self.length
        cos, sin = np.cos(theta), np.sin(theta)
        temp = (force + pole_ml * theta_dot ** 2 * sin) / total
        theta_acc = (self.gravity * sin - cos * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * cos ** 2 / total))
        x_acc = temp - pole_ml * theta_acc * cos / total
        nxt = np.stack([x + self.tau * x_dot, x_dot + self.tau * x_acc,
                        theta + self.tau * theta_dot, theta_dot + self.tau * theta_acc], axis=1)
        done = (np.abs(nxt[:, 0]) > self.x_threshold) | (np.abs(nxt[:, 2]) > self.theta_threshold)
        return nxt, np.ones(len(nxt)), done


@dataclass
class ReinforceResult:
    """What :func:`reinforce` returns.

    policy : mmlkit.nn.Module — maps features (n, n_features) to action logits (n, n_actions)
    returns : ndarray (n_iterations,) — mean undiscounted return of each batch
    greedy_return : float — return of the final policy acting greedily (argmax action)
    """

    policy: object
    returns: np.ndarray
    greedy_return: float


def _rollout(env, policy, n_episodes, rng, greedy=False):
    """Run a batch of episodes; returns features, actions, rewards, alive masks, each (T, n_episodes, ...)."""
    from mmlkit.autodiff import no_grad, softmax

    states = env.reset(n_episodes, rng)
    alive = np.ones(n_episodes, dtype=bool)
    feats, acts, rews, masks = [], [], [], []
    for _ in range(env.max_steps):
        if not alive.any():
            break
        x = env.observe(states)
        with no_grad():
            probs = softmax(policy(x), axis=-1).data
        if greedy:
            a = np.argmax(probs, axis=1)
        else:          # inverse-CDF sampling of each row's categorical distribution
            a = (rng.random((n_episodes, 1)) > np.cumsum(probs, axis=1)).sum(axis=1)
            a = np.minimum(a, probs.shape[1] - 1)
        nxt, r, done = env.step(states, a, rng)
        feats.append(x)
        acts.append(a)
        rews.append(np.where(alive, r, 0.0))
        masks.append(alive.copy())
        keep = alive.reshape((-1,) + (1,) * (np.ndim(states) - 1))
        states = np.where(keep, nxt, states)
        alive &= ~done
    return np.array(feats), np.array(acts), np.array(rews), np.array(masks)


@validate_args({"n_iterations": _COUNT, "batch_size": _COUNT,
                "lr": [Interval(numbers.Real, 0, None, closed="neither")],
                "gamma": [Interval(numbers.Real, 0, 1, closed="right")], "baseline": ["boolean"],
                "hidden": [None, *_COUNT], "random_state": ["random_state"]})
def reinforce(env=None, n_iterations: int = 200, batch_size: int = 16, lr: float = 0.05, gamma: float = 1.0,
              baseline: bool = True, hidden: int | None = None, random_state=None) -> ReinforceResult:
    """Train a softmax policy with REINFORCE (Monte-Carlo policy gradient), optionally with a baseline.

    Parameters
    ----------
    env : Corridor, CartPole or compatible, default=None
        Environment with ``reset``, ``observe``, ``step``, ``n_features``,
        ``n_actions`` and ``max_steps``; ``Corridor()`` when None.
    n_iterations : int, default=200
        Policy updates (one batch of episodes each).
    batch_size : int, default=16
        Episodes per update.
    lr : float, default=0.05
        Adam learning rate.
    gamma : float, default=1.0
        Discount factor in (0, 1].
    baseline : bool, default=True
        Subtract the batch mean of the return-to-go at each time step
        (it lowers the gradient's variance without biasing it).
    hidden : int, optional
        Width of one tanh hidden layer; None gives a linear policy (on the
        corridor's one-hot features, a table of logits per state).
    random_state : None, int or Generator, default=None
        Seeds the initial weights and the episodes.

    Returns
    -------
    ReinforceResult

    Notes
    -----
    The policy-gradient theorem: ∇J(θ) = E[Σ_t ∇ log π_θ(a_t | s_t) (G_t − b_t)]
    with G_t = Σ_{k≥t} γ^{k−t} r_k and any baseline b_t independent of a_t. Each
    update minimises the surrogate loss −(1/B) Σ_episodes Σ_t log π(a_t|s_t)(G_t − b_t)
    by automatic differentiation (:mod:`mmlkit.autodiff`) and one Adam step
    (:mod:`mmlkit.optim`). Cost per update O(B · T · cost of the policy).

    Examples
    --------
    >>> res = reinforce(Corridor(length=4), n_iterations=60, random_state=0)
    >>> res.greedy_return
    -3.0
    """
    from mmlkit.autodiff import log_softmax, tensor
    from mmlkit.nn import MLP
    from mmlkit.optim import Adam

    env = Corridor() if env is None else env
    for attr in ("reset", "observe", "step", "n_features", "n_actions", "max_steps"):
        if not hasattr(env, attr):
            raise ValueError(f"env must provide {attr!r} (see Corridor), got {env!r}")
    rng = check_random_state(random_state)

    sizes = [env.n_features] + ([hidden] if hidden else []) + [env.n_actions]
    policy = MLP(sizes, activation="tanh", random_state=rng)
    opt = Adam(policy.parameters(), lr=lr)
    mean_returns = np.empty(n_iterations)
    for it in range(n_iterations):
        feats, acts, rews, masks = _rollout(env, policy, batch_size, rng)
        T = rews.shape[0]
        discount = gamma ** np.arange(T)[:, None]
        # G_t = Σ_{k>=t} γ^{k-t} r_k, by a reversed cumulative sum of discounted rewards
        G = np.cumsum((rews * discount)[::-1], axis=0)[::-1] / discount
        if baseline:
            b = (G * masks).sum(axis=1, keepdims=True) / np.maximum(masks.sum(axis=1, keepdims=True), 1)
            G = G - b
        weights = np.where(masks, G, 0.0).reshape(-1)                    # (T * B,)
        onehot = np.eye(env.n_actions)[acts.reshape(-1)]
        logp = log_softmax(policy(feats.reshape(T * batch_size, -1)), axis=-1)
        loss = -((logp * tensor(onehot)).sum(axis=1) * tensor(weights)).sum() / batch_size
        opt.zero_grad()
        loss.backward()
        opt.step()
        mean_returns[it] = rews.sum(axis=0).mean()
    _, _, rews, _ = _rollout(env, policy, 1, rng, greedy=True)
    return ReinforceResult(policy=policy, returns=mean_returns, greedy_return=float(rews.sum()))
