"""W15: the autodiff engine against PyTorch (torch.func and eager autograd).

Rows (targets are time ratios ours / torch):

- Hessian of f(x) = Σ log(1 + exp(Ax)) + ½‖x‖², A 1000×200, float64:
  ``mmlkit.autodiff.hessian`` (forward-over-reverse, one batched pass over the
  identity basis) vs ``torch.func.hessian`` (jacfwd(jacrev)). Target ≤ 1.0.
- Jacobian of x ↦ tanh(Ax), ℝ²⁰⁰ → ℝ¹⁰⁰⁰ vs ``torch.func.jacrev``, target ≤ 1.0,
  twice: ``jacobian(mode="rev")`` (1000 cotangents in one batched backward
  pass: the same 1000×1000×200 product jacrev does, so parity is the ceiling)
  and the default ``mode="auto"``, which sees 200 inputs < 1000 outputs and
  pushes 200 tangents forward instead (a 200×200×1000 product).
- A chain of 1,000 small elementwise ops (vectors of 64), forward and backward,
  vs PyTorch eager autograd. Target ≤ 1.5.
- One training step of a 2-layer MLP (forward, softmax cross-entropy, backward)
  vs PyTorch eager, for context (no target).

Quality: the largest absolute deviation from a closed-form (or float64 NumPy)
derivative, for both libraries. Threads: both sides run on ONE thread — NumPy's
BLAS limited with threadpoolctl, ``torch.set_num_threads(1)`` (restored after) —
so neither gains from cores the other cannot use, and timings on a shared
machine are not dominated by thread contention.
"""

from __future__ import annotations

import numpy as np

from mmlkit._bench import compare

THREADS = 1


def run(smoke: bool = False):
    import torch
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    try:
        with threadpool_limits(limits=THREADS, user_api="blas"):
            return _rows(smoke)
    finally:
        torch.set_num_threads(previous)


def _rows(smoke):
    repeat = 1 if smoke else 5
    rng = np.random.default_rng(0)
    return [*_derivative_rows(rng, smoke, repeat), _chain_row(rng, smoke, repeat), _mlp_row(rng, smoke, repeat)]


def _derivative_rows(rng, smoke, repeat):
    """Hessian and Jacobians against torch.func."""
    import torch
    import torch.func as tf

    import mmlkit.autodiff as ad

    threads = THREADS
    rows = []
    # --- Hessian -------------------------------------------------------------
    m, n = (50, 10) if smoke else (1000, 200)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    x0 = rng.standard_normal(n)
    At, xt = torch.tensor(A), torch.tensor(x0)
    s = 1.0 / (1.0 + np.exp(-(A @ x0)))
    H_exact = (A.T * (s * (1 - s))) @ A + np.eye(n)

    def f(x):
        return ad.sum(ad.softplus(A @ x)) + 0.5 * ad.sum(x * x)

    def ft(x):
        return torch.nn.functional.softplus(At @ x).sum() + 0.5 * (x * x).sum()

    hess_ours, hess_torch = ad.hessian(f), tf.hessian(ft)
    rows.append(compare(
        "Hessian Σlog(1+exp(Ax)) + ½‖x‖²", lambda: hess_ours(x0), lambda: hess_torch(xt).numpy(),
        reference_name="torch.func.hessian", size=f"A {m}×{n}, float64, threads={threads}",
        quality=lambda H: float(np.abs(H - H_exact).max()), quality_name="max |H − H_exact|",
        higher_is_better=False, repeat=repeat, target=1.0))

    # --- Jacobian --------------------------------------------------------------
    J_exact = (1 - np.tanh(A @ x0) ** 2)[:, None] * A
    jac_torch = tf.jacrev(lambda x: torch.tanh(At @ x))
    for mode in ("rev", "auto"):
        jac_ours = ad.jacobian(lambda x: ad.tanh(A @ x), mode=mode)
        rows.append(compare(
            f"Jacobian of tanh(Ax) (mode={mode!r})", lambda: jac_ours(x0), lambda: jac_torch(xt).numpy(),
            reference_name="torch.func.jacrev", size=f"ℝ^{n} → ℝ^{m}, float64, threads={threads}",
            quality=lambda J: float(np.abs(J - J_exact).max()), quality_name="max |J − J_exact|",
            higher_is_better=False, repeat=repeat, target=1.0))
    return rows


def _chain_row(rng, smoke, repeat):
    """A chain of small ops, forward and backward, against torch eager autograd."""
    import torch

    import mmlkit.autodiff as ad

    steps = 25 if smoke else 250  # 4 ops per step
    v0 = rng.standard_normal(64)

    def chain_ours():
        x = ad.tensor(v0, requires_grad=True)
        y = x
        for _ in range(steps):
            y = ad.sin(ad.tanh(y * 0.9 + 0.1))
        y.sum().backward()
        return x.grad.data

    def chain_torch():
        x = torch.tensor(v0, requires_grad=True)
        y = x
        for _ in range(steps):
            y = torch.sin(torch.tanh(y * 0.9 + 0.1))
        y.sum().backward()
        return x.grad.numpy()

    def chain_exact():
        y, d = v0.copy(), np.ones_like(v0)
        for _ in range(steps):
            t = np.tanh(y * 0.9 + 0.1)
            d = d * np.cos(t) * (1 - t * t) * 0.9
            y = np.sin(t)
        return d

    g_exact = chain_exact()
    return compare(
        f"chain of {4 * steps} small ops, forward + backward", chain_ours, chain_torch,
        reference_name="torch eager autograd", size=f"{4 * steps} ops on vectors of 64",
        quality=lambda g: float(np.abs(g - g_exact).max()), quality_name="max |∇ − ∇_exact|",
        higher_is_better=False, repeat=repeat, target=1.5)


def _mlp_row(rng, smoke, repeat):
    """An MLP training step (context) against torch eager autograd."""
    import torch

    import mmlkit.autodiff as ad

    b, d_in, hidden, k = (32, 20, 16, 5) if smoke else (256, 100, 256, 10)
    X = rng.standard_normal((b, d_in)).astype(np.float32)
    labels = rng.integers(0, k, b)
    W1 = (rng.standard_normal((d_in, hidden)) * 0.1).astype(np.float32)
    W2 = (rng.standard_normal((hidden, k)) * 0.1).astype(np.float32)
    onehot = np.eye(k, dtype=np.float32)[labels]

    def step_ours():
        w1, w2 = ad.tensor(W1, requires_grad=True), ad.tensor(W2, requires_grad=True)
        logits = ad.relu(X @ w1) @ w2
        loss = -ad.sum(ad.log_softmax(logits, axis=1) * onehot) / b
        loss.backward()
        return np.concatenate([w1.grad.data.ravel(), w2.grad.data.ravel()])

    def step_torch():
        w1, w2 = torch.tensor(W1, requires_grad=True), torch.tensor(W2, requires_grad=True)
        logits = torch.relu(torch.from_numpy(X) @ w1) @ w2
        loss = torch.nn.functional.cross_entropy(logits, torch.from_numpy(labels))
        loss.backward()
        return np.concatenate([w1.grad.numpy().ravel(), w2.grad.numpy().ravel()])

    ref = step_torch()
    return compare(
        "MLP step (relu, log-softmax loss), float32", step_ours, step_torch,
        reference_name="torch eager autograd", size=f"batch {b}, {d_in}→{hidden}→{k}",
        quality=lambda g: float(np.abs(g - ref).max()), quality_name="max |∇ − ∇_torch|",
        higher_is_better=False, repeat=repeat)


if __name__ == "__main__":  # pragma: no cover
    for row in run():
        print(f"{row.name:45s} {row.size:35s} ours {row.ours_s * 1e3:8.2f} ms  ref {row.ref_s * 1e3:8.2f} ms  "
              f"ratio {row.ratio:5.2f} (target {row.target})  quality {row.ours_quality:.1e} / {row.ref_quality:.1e}")
