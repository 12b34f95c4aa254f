"""REINFORCE reaches the corridor's optimal return; the gradient estimator is unbiased."""

import numpy as np
import pytest
import torch

from mmlkit.rl import Corridor, reinforce


@pytest.mark.parametrize("seed", range(2))
@pytest.mark.parametrize("baseline", [True, False])
def test_reinforce_reaches_the_optimal_return(seed, baseline):
    env = Corridor(length=6)
    res = reinforce(env, n_iterations=120, batch_size=16, lr=0.05, baseline=baseline, random_state=seed)
    assert res.greedy_return == env.optimal_return
    assert res.returns[-10:].mean() >= env.optimal_return - 0.5
    assert res.returns[:5].mean() < env.optimal_return - 3        # it started far from it


def test_reinforce_with_hidden_layer_and_slip():
    env = Corridor(length=5, slip=0.1)
    res = reinforce(env, n_iterations=150, hidden=8, random_state=0)
    assert res.greedy_return <= -4.0
    assert res.returns[-20:].mean() >= -4.0 / (1 - 2 * 0.1) - 1.0


def test_baseline_reduces_gradient_variance():
    """Same policy, many batches: the baseline keeps the mean gradient and shrinks its spread."""
    from mmlkit.autodiff import log_softmax, tensor
    from mmlkit.nn import MLP
    from mmlkit.rl.policy_gradient import _rollout

    env = Corridor(length=4, max_steps=20)
    policy = MLP([4, 2], random_state=0)
    rng = np.random.default_rng(0)
    grads = {True: [], False: []}
    for _ in range(150):
        feats, acts, rews, masks = _rollout(env, policy, 8, rng)
        G = np.cumsum(rews[::-1], axis=0)[::-1]
        for use_b in (True, False):
            g = G - (G * masks).sum(1, keepdims=True) / np.maximum(masks.sum(1, keepdims=True), 1) if use_b else G
            w = np.where(masks, g, 0.0).reshape(-1)
            T = rews.shape[0]
            logp = log_softmax(policy(feats.reshape(T * 8, -1)), axis=-1)
            loss = -((logp * tensor(np.eye(2)[acts.reshape(-1)])).sum(axis=1) * tensor(w)).sum() / 8
            for p in policy.parameters():
                p.grad = None
            loss.backward()
            grads[use_b].append(np.concatenate([np.asarray(p.grad.data).ravel() for p in policy.parameters()]))
    with_b, without = np.array(grads[True]), np.array(grads[False])
    assert with_b.var(axis=0).sum() < without.var(axis=0).sum()


def test_surrogate_loss_gradient_matches_torch():
    """The score-function gradient Σ ∇log π(a|s) w through our autodiff equals torch's."""
    from mmlkit.autodiff import log_softmax, tensor
    from mmlkit.nn import Linear

    rng = np.random.default_rng(1)
    x, a, w = rng.standard_normal((12, 5)), rng.integers(0, 3, 12), rng.standard_normal(12)
    lin = Linear(5, 3, random_state=0)
    loss = -((log_softmax(lin(x), axis=-1) * tensor(np.eye(3)[a])).sum(axis=1) * tensor(w)).sum()
    loss.backward()
    W = torch.tensor(lin.weight.data, requires_grad=True)
    b = torch.tensor(lin.bias.data, requires_grad=True)
    tl = -(torch.log_softmax(torch.tensor(x) @ W.T + b, -1)[torch.arange(12), torch.tensor(a)] * torch.tensor(w)).sum()
    tl.backward()
    np.testing.assert_allclose(lin.weight.grad.data, W.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(lin.bias.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_corridor_dynamics():
    env = Corridor(length=3, max_steps=10)
    rng = np.random.default_rng(0)
    s = env.reset(3)
    s, r, done = env.step(s, np.array([0, 1, 1]), rng)
    np.testing.assert_array_equal(s, [0, 1, 1])          # the wall at cell 0
    s, r, done = env.step(s, np.array([1, 1, 0]), rng)
    np.testing.assert_array_equal(s, [1, 2, 0])
    np.testing.assert_array_equal(done, [False, True, False])
    np.testing.assert_array_equal(r, [-1, -1, -1])
    np.testing.assert_array_equal(env.observe(np.array([2])), [[0, 0, 1]])


@pytest.mark.parametrize("kwargs, match", [
    ({"n_iterations": 0}, "n_iterations"), ({"batch_size": 0}, "batch_size"), ({"lr": 0.0}, "lr"),
    ({"gamma": 0.0}, "gamma"), ({"gamma": 1.5}, "gamma"), ({"hidden": 0}, "hidden"), ({"env": object()}, "env"),
])
def test_reinforce_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        reinforce(**kwargs)


@pytest.mark.parametrize("kwargs, match", [({"length": 1}, "length"), ({"max_steps": 0}, "max_steps"),
                                           ({"slip": 0.5}, "slip")])
def test_corridor_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Corridor(**kwargs)


def _gym_step(state, action):
    """gym's CartPole-v1 step, written out for one scalar state (the reference formulas)."""
    x, x_dot, theta, theta_dot = state
    g, mc, mp, l, fm, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    force = fm if action == 1 else -fm
    costheta, sintheta = np.cos(theta), np.sin(theta)
    temp = (force + mp * l * theta_dot ** 2 * sintheta) / (mc + mp)
    thetaacc = (g * sintheta - costheta * temp) / (l * (4.0 / 3.0 - mp * costheta ** 2 / (mc + mp)))
    xacc = temp - mp * l * thetaacc * costheta / (mc + mp)
    return np.array([x + tau * x_dot, x_dot + tau * xacc, theta + tau * theta_dot, theta_dot + tau * thetaacc])


def test_cartpole_step_matches_the_classic_equations():
    from mmlkit.rl import CartPole

    env = CartPole()
    rng = np.random.default_rng(0)
    states = rng.uniform(-0.2, 0.2, (6, 4))
    actions = rng.integers(0, 2, 6)
    nxt, r, done = env.step(states, actions, rng)
    for s, a, n in zip(states, actions, nxt):
        np.testing.assert_allclose(n, _gym_step(s, a), rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(r, 1.0)
    tipped = np.array([[0.0, 0.0, 0.21, 0.0], [2.39, 1.0, 0.0, 0.0]])
    assert env.step(tipped, np.array([1, 1]), rng)[2].all()     # pole past 12°, cart past 2.4


def test_cartpole_hand_controller_balances_and_reinforce_learns_it():
    from mmlkit.rl import CartPole

    env = CartPole(max_steps=100)
    rng = np.random.default_rng(1)
    s, alive = env.reset(20, rng), np.ones(20, bool)
    for _ in range(500):                           # a linear PD controller keeps it up
        s, _, done = env.step(s, (s[:, 2] + 0.5 * s[:, 3] > 0).astype(int), rng)
        alive &= ~done
    assert alive.all()
    res = reinforce(env, n_iterations=40, batch_size=8, lr=0.05, random_state=0)
    assert res.greedy_return == env.optimal_return
    assert res.returns[-5:].mean() > 2 * res.returns[:5].mean()


def test_cartpole_bad_input():
    from mmlkit.rl import CartPole

    with pytest.raises(ValueError, match="max_steps"):
        CartPole(max_steps=0)
