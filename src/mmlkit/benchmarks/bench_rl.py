"""Bandit simulation and REINFORCE against reference implementations.

- ``simulate`` (UCB1, all runs advanced together by array operations) against the
  same algorithm written the usual way, one run at a time; quality = mean final
  regret (same seeds are not shared, so the two agree statistically, not exactly).
- ``reinforce`` on the corridor against the same algorithm (linear softmax
  policy, batch-mean baseline, Adam) in PyTorch; quality = the greedy policy's
  return (the optimum is −(length − 1)).
"""

from __future__ import annotations

import numpy as np
import torch

from mmlkit._bench import compare
from mmlkit.rl import UCB1, BernoulliBandit, Corridor, reinforce, simulate


def _ucb1_loop(means, horizon, n_runs, seed):
    rng = np.random.default_rng(seed)
    means = np.asarray(means)
    gaps = means.max() - means
    final = np.empty(n_runs)
    for run in range(n_runs):
        counts, values, regret = np.zeros(means.size), np.zeros(means.size), 0.0
        for t in range(horizon):
            a = t if t < means.size else int(np.argmax(values + np.sqrt(2 * np.log(t + 1) / counts)))
            r = float(rng.random() < means[a])
            counts[a] += 1
            values[a] += (r - values[a]) / counts[a]
            regret += gaps[a]
        final[run] = regret
    return final


def _torch_reinforce(env, n_iterations, batch_size, lr, seed):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)            # tiny tensors: threading only adds overhead
    try:
        return _torch_reinforce_body(env, n_iterations, batch_size, lr, seed)
    finally:
        torch.set_num_threads(threads)


def _torch_reinforce_body(env, n_iterations, batch_size, lr, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    policy = torch.nn.Linear(env.n_features, env.n_actions, dtype=torch.float64)
    opt = torch.optim.Adam(policy.parameters(), lr=lr)
    for _ in range(n_iterations):
        states, alive = env.reset(batch_size, rng), np.ones(batch_size, bool)
        logps, rews, masks = [], [], []
        for _ in range(env.max_steps):
            if not alive.any():
                break
            logits = policy(torch.from_numpy(env.observe(states)))
            dist = torch.distributions.Categorical(logits=logits)
            a = dist.sample()
            nxt, r, done = env.step(states, a.numpy(), rng)
            logps.append(dist.log_prob(a))
            rews.append(np.where(alive, r, 0.0))
            masks.append(alive.copy())
            states, alive = np.where(alive, nxt, states), alive & ~done
        rews, masks = np.array(rews), np.array(masks)
        G = np.cumsum(rews[::-1], axis=0)[::-1]
        G = G - (G * masks).sum(1, keepdims=True) / np.maximum(masks.sum(1, keepdims=True), 1)
        loss = -(torch.stack(logps) * torch.from_numpy(np.where(masks, G, 0.0))).sum() / batch_size
        opt.zero_grad()
        loss.backward()
        opt.step()
    states, ret = env.reset(1, rng), 0.0
    for _ in range(env.max_steps):
        with torch.no_grad():
            a = policy(torch.from_numpy(env.observe(states))).argmax(1).numpy()
        states, r, done = env.step(states, a, rng)
        ret += r[0]
        if done[0]:
            break
    return ret


def run(smoke: bool = False):
    horizon, n_runs = (200, 5) if smoke else (2000, 50)
    means = [0.2, 0.4, 0.5, 0.7]
    rows = [compare("simulate UCB1 (vectorised runs)",
                    lambda: simulate(BernoulliBandit(means), UCB1(), horizon=horizon, n_runs=n_runs,
                                     random_state=0).regret[:, -1],
                    lambda: _ucb1_loop(means, horizon, n_runs, 0), reference_name="one run at a time (NumPy)",
                    size=f"T={horizon}, {n_runs} runs", quality=lambda r: float(np.mean(r)),
                    quality_name="mean final regret", higher_is_better=False, repeat=1)]
    env = Corridor(length=4, max_steps=20) if smoke else Corridor(length=8)
    n_it = 5 if smoke else 150
    rows.append(compare("reinforce (corridor, baseline)",
                        lambda: reinforce(env, n_iterations=n_it, batch_size=16, lr=0.05, random_state=0).greedy_return,
                        lambda: _torch_reinforce(env, n_it, 16, 0.05, 0), reference_name="torch REINFORCE",
                        size=f"{n_it} updates x 16 episodes", quality=float, quality_name="greedy return",
                        repeat=1))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row, f"ratio={row.ratio:.2f}")
