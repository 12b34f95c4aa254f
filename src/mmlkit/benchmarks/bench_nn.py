"""W1: a 784-256-128-10 ReLU MLP, softmax cross-entropy, float32, batch 128, Adam 1e-3 — mmlkit vs PyTorch eager.

Both sides train the same architecture from the same initial weights on the
same data and batch order; one epoch is timed (best of ``repeat``), and the
training accuracy after three epochs is the quality figure. The last row
measures the float32 matmul throughput both libraries reach on this machine,
so the epoch time can be read as a fraction of the achievable peak.

The two sides take turns, and each timed epoch starts after an untimed pause
of ``SETTLE_S``: NumPy's OpenBLAS keeps its worker threads spinning for about a
tenth of a second after its last product, so an epoch timed straight after
mmlkit's shares a core with them (torch's OpenMP threads sleep within a
millisecond, so mmlkit's epoch after torch's is hardly affected). On the shared
2-core machine torch's epoch took 250-265 ms alone, 305-360 ms right after
mmlkit's, 253-278 ms after a 0.2 s pause.
"""

import time

import numpy as np
import torch

from mmlkit import nn, optim
from mmlkit._bench import Comparison, compare
from mmlkit.autodiff import as_tensor, no_grad, tensor

SIZES = (784, 256, 128, 10)

#: untimed seconds before each timed epoch (``compare``'s ``settle_s``), for the other side's BLAS threads to go idle
SETTLE_S = 0.3


def _data(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, SIZES[0])).astype(np.float32)
    W = rng.standard_normal((SIZES[0], SIZES[-1])).astype(np.float32)
    return X, (X @ W).argmax(1)


def _torch_model(ours):
    layers = []
    for m in ours:
        if isinstance(m, nn.Linear):
            lin = torch.nn.Linear(m.in_features, m.out_features, dtype=torch.float32)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(m.weight.data))
                lin.bias.copy_(torch.from_numpy(m.bias.data))
            layers.append(lin)
        else:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def epoch_flops(n):
    """Forward 2n·Σ in·out, backward ∂W 2n·Σ in·out, ∂x for all but the first layer."""
    per = [a * b for a, b in zip(SIZES[:-1], SIZES[1:])]
    return 2 * n * (2 * sum(per) + sum(per[1:]))


def _blas_threads():
    """The threads NumPy's BLAS runs its products on (what mmlkit's matrix products get)."""
    from threadpoolctl import threadpool_info

    counts = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    return max(counts) if counts else 1


def run(smoke=False):
    # A fair race: torch's intra-op pool gets as many threads as NumPy's BLAS (on a 2-core machine, 2 each).
    threads = _blas_threads()
    torch.set_num_threads(threads)
    n = 512 if smoke else 20_000
    batch = 128
    X, y = _data(n)
    order = np.random.default_rng(1).permutation(n)
    repeat = 1 if smoke else 3

    def make_ours():
        model = nn.MLP(SIZES, dtype=np.float32, random_state=0)
        return model, optim.Adam(model.parameters(), lr=1e-3)

    ours_model, ours_opt = make_ours()
    torch_model = _torch_model(ours_model)
    torch_opt = torch.optim.Adam(torch_model.parameters(), lr=1e-3)
    tX, ty = torch.from_numpy(X), torch.from_numpy(y)
    t_order = torch.from_numpy(order)

    def ours_epoch():
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            ours_opt.zero_grad()
            loss = nn.cross_entropy(ours_model(as_tensor(X[idx])), y[idx])  # one gather, as tX[idx]
            loss.backward()
            ours_opt.step()
        return ours_model

    def torch_epoch():
        for s in range(0, n, batch):
            idx = t_order[s:s + batch]
            torch_opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(torch_model(tX[idx]), ty[idx])
            loss.backward()
            torch_opt.step()
        return torch_model

    def ours_accuracy(model):
        with no_grad():
            return float((model(tensor(X)).data.argmax(1) == y).mean())

    def torch_accuracy(model):
        with torch.no_grad():
            return float((model(tX).argmax(1) == ty).float().mean())

    # both sides have trained `repeat` (+1 warm-up) epochs before the accuracy is read; top up to 3 in total
    row = compare("W1 MLP epoch (float32, Adam, batch 128)", ours_epoch, torch_epoch,
                  reference_name=f"torch eager ({threads} threads)", size=f"{n}×784", repeat=repeat,
                  target=0.6, settle_s=0.0 if smoke else SETTLE_S)
    done = repeat + (1 if repeat > 1 else 0)
    for _ in range(max(0, 3 - done)):
        ours_epoch(), torch_epoch()
    rows = [Comparison(**{**row.__dict__, "quality_name": "train accuracy after ≥3 epochs",
                          "ours_quality": ours_accuracy(ours_model), "ref_quality": torch_accuracy(torch_model)})]

    # the machine's float32 matmul peak as each library reaches it
    k = 256 if smoke else 2048
    A = np.random.default_rng(0).standard_normal((k, k)).astype(np.float32)
    tA = torch.from_numpy(A)
    peak = compare("float32 matmul (peak reference)", lambda: A @ A, lambda: tA @ tA, reference_name="torch",
                   size=f"{k}²", repeat=repeat)
    gflops = lambda s: 2 * k**3 / s / 1e9  # noqa: E731
    rows.append(Comparison(**{**peak.__dict__, "quality_name": "GFLOP/s",
                              "ours_quality": gflops(peak.ours_s), "ref_quality": gflops(peak.ref_s)}))
    frac = epoch_flops(n) / row.ours_s / 1e9 / max(gflops(peak.ours_s), gflops(peak.ref_s))
    rows.append(Comparison(name="W1 epoch, fraction of float32 matmul peak", size=f"{n}×784", ours_s=row.ours_s,
                           ref_s=row.ref_s, reference="torch eager", quality_name="fraction of peak (ours / torch)",
                           ours_quality=frac, ref_quality=frac * row.ours_s / row.ref_s))
    return rows


if __name__ == "__main__":
    t = time.perf_counter()
    for r in run():
        print(r)
    print(f"{time.perf_counter() - t:.1f} s")
