"""Optimizer trajectories equal torch.optim's, step for step (float64, rtol 1e-10)."""

import numpy as np
import pytest
import torch

from mmlkit import optim
from mmlkit.autodiff import tensor


def Param(value):  # noqa: N802  (reads like a class)
    """A leaf parameter; the optimizers read its ``.data`` and ``.grad`` (an array is enough)."""
    return tensor(np.array(value, dtype=np.float64), requires_grad=True)


def logistic_problem(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 5))
    y = (rng.uniform(size=40) < 0.5).astype(float)
    w0 = rng.standard_normal(5)
    b0 = rng.standard_normal(1)
    return X, y, w0, b0


def np_grads(X, y, w, b):
    z = X @ w + b
    r = 1 / (1 + np.exp(-z)) - y
    return X.T @ r / len(y), np.array([r.mean()])


def torch_loss(X, y, w, b):
    z = X @ w + b
    return torch.nn.functional.binary_cross_entropy_with_logits(z, y)


CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True, eps=1e-6)),
]


def run_both(name, kwargs, seed, steps=50, schedule=None):
    X, y, w0, b0 = logistic_problem(seed)
    w, b = Param(w0), Param(b0)
    ours = getattr(optim, name)([w, b], **kwargs)
    tw = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    theirs = getattr(torch.optim, name)([tw, tb], **kwargs)
    sched_ours = sched_theirs = None
    if schedule:
        sname, skw = schedule
        sched_ours = getattr(optim, sname)(ours, **skw)
        sched_theirs = getattr(torch.optim.lr_scheduler, sname)(theirs, **skw)
    tX, ty = torch.tensor(X), torch.tensor(y)
    for _ in range(steps):
        w.grad, b.grad = np_grads(X, y, w.data, b.data)
        ours.step()
        theirs.zero_grad()
        torch_loss(tX, ty, tw, tb).backward()
        theirs.step()
        if schedule:
            sched_ours.step()
            sched_theirs.step()
            np.testing.assert_allclose(sched_ours.get_last_lr(), sched_theirs.get_last_lr(), rtol=1e-12)
        np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(b.data, tb.detach().numpy(), rtol=1e-10, atol=1e-13)
    return w.data


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CONFIGS)])
def test_trajectory_equals_torch(name, kwargs, seed):
    w = run_both(name, kwargs, seed)
    assert np.all(np.isfinite(w))


@pytest.mark.parametrize("schedule", [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.95)),
    ("CosineAnnealingLR", dict(T_max=20, eta_min=0.001)),
    ("LinearLR", dict(start_factor=0.1, end_factor=1.0, total_iters=10)),
])
@pytest.mark.parametrize("name, kwargs", [("SGD", dict(lr=0.1, momentum=0.9)), ("Adam", dict(lr=0.05))])
def test_scheduled_trajectory_equals_torch(name, kwargs, schedule):
    run_both(name, kwargs, seed=3, schedule=schedule)


def test_param_groups_and_state_dict_round_trip():
    X, y, w0, b0 = logistic_problem(5)
    w, b = Param(w0), Param(b0)
    opt = optim.Adam([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.01)
    assert [g["lr"] for g in opt.param_groups] == [0.01, 0.5]
    for _ in range(3):
        w.grad, b.grad = np_grads(X, y, w.data, b.data)
        opt.step()
    saved = opt.state_dict()
    w2, b2 = Param(w.data), Param(b.data)
    opt2 = optim.Adam([{"params": [w2]}, {"params": [b2], "lr": 0.5}], lr=0.01)
    opt2.load_state_dict(saved)
    for _ in range(3):
        w.grad, b.grad = np_grads(X, y, w.data, b.data)
        w2.grad, b2.grad = np_grads(X, y, w2.data, b2.data)
        opt.step()
        opt2.step()
    np.testing.assert_array_equal(w.data, w2.data)
    np.testing.assert_array_equal(b.data, b2.data)


def test_zero_grad_and_skipping_params_without_grad():
    w = Param([1.0, 2.0])
    opt = optim.SGD([w], lr=0.1)
    opt.step()  # no gradient yet: nothing moves
    np.testing.assert_array_equal(w.data, [1.0, 2.0])
    w.grad = np.array([1.0, 1.0])
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(w.grad, [0.0, 0.0])
    opt.zero_grad()
    assert w.grad is None


def test_float32_parameters_stay_float32():
    w = Param(np.ones(3, dtype=np.float32))
    w.data = w.data.astype(np.float32)
    opt = optim.Adam([w], lr=0.1)
    w.grad = np.ones(3, dtype=np.float32)
    opt.step()
    assert w.data.dtype == np.float32


@pytest.mark.parametrize("make, match", [
    (lambda p: optim.SGD([p], lr=-1.0), r"lr must be a float in the range \[0, inf\), got -1.0 \(a parameter of SGD\)"),
    (lambda p: optim.SGD([p], lr=0.1, nesterov=True), "nesterov"),
    (lambda p: optim.Adam([p], betas=(1.0, 0.9)), r"betas must be a pair \(a float in the range \[0, 1\), "
                                                  r"a float in the range \[0, 1\)\), got \(1.0, 0.9\)"),
    (lambda p: optim.RMSprop([p], alpha=1.5), r"alpha must be a float in the range \[0, 1\], got 1.5"),
    (lambda p: optim.SGD([], lr=0.1), "params must not be empty"),
    (lambda p: optim.StepLR(optim.SGD([p], lr=0.1), step_size=0), r"step_size must be an int in the range "
                                                                    r"\[1, inf\), got 0 \(a parameter of StepLR\)"),
])
def test_bad_hyperparameters_raise(make, match):
    with pytest.raises(ValueError, match=match):
        make(Param([1.0]))


def test_warmup_is_linear_lr_from_start_factor():
    w = Param([1.0])
    ours = optim.warmup(optim.SGD([w], lr=0.2), warmup_iters=4, start_factor=0.01)
    t = torch.zeros(1, requires_grad=True)
    theirs = torch.optim.lr_scheduler.LinearLR(torch.optim.SGD([t], lr=0.2), start_factor=0.01, end_factor=1.0,
                                               total_iters=4)
    for _ in range(6):
        np.testing.assert_allclose(ours.get_last_lr(), theirs.get_last_lr(), rtol=1e-12)
        ours.step()
        theirs.optimizer.step()
        theirs.step()
    assert ours.get_last_lr() == [pytest.approx(0.2)]


_HYPER_CASES = [
    ("SGD", dict(lr=-0.1)), ("SGD", dict(lr=0.0)), ("SGD", dict(lr=0.1, momentum=-0.5)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)), ("SGD", dict(lr=0.1, nesterov=True)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=-1e-3)), ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("Adam", dict(lr=-1e-3)), ("Adam", dict(betas=(1.0, 0.999))), ("Adam", dict(betas=(0.9, 1.0))),
    ("Adam", dict(betas=(-0.1, 0.999))), ("Adam", dict(betas=(0.0, 0.0))), ("Adam", dict(eps=-1e-8)),
    ("Adam", dict(eps=0.0)), ("Adam", dict(weight_decay=-0.1)), ("AdamW", dict(weight_decay=-0.1)),
    ("AdamW", dict(betas=(0.9, 1.5))), ("AdamW", dict(lr=0.0, amsgrad=True)),
    ("Adagrad", dict(lr=-0.1)), ("Adagrad", dict(lr_decay=-0.1)), ("Adagrad", dict(eps=-1.0)),
    ("Adagrad", dict(initial_accumulator_value=-1.0)), ("Adagrad", dict(weight_decay=-1.0)),
    ("RMSprop", dict(lr=-0.1)), ("RMSprop", dict(alpha=-0.1)), ("RMSprop", dict(alpha=0.0)),
    ("RMSprop", dict(eps=-1.0)), ("RMSprop", dict(momentum=-0.1)), ("RMSprop", dict(weight_decay=-0.1)),
    ("RMSprop", dict(momentum=0.9, centered=True)),
]


@pytest.mark.parametrize("name, kwargs", _HYPER_CASES)
def test_hyperparameters_accepted_and_rejected_as_torch_does(name, kwargs):
    """Construction succeeds or raises ValueError exactly when torch.optim's does."""
    try:
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)
        torch_ok = True
    except ValueError:
        torch_ok = False
    if torch_ok:
        getattr(optim, name)([Param([0.0, 0.0])], **kwargs)
    else:
        with pytest.raises(ValueError, match="|".join(kwargs)):
            getattr(optim, name)([Param([0.0, 0.0])], **kwargs)


def test_rmsprop_alpha_above_one_rejected_where_torch_accepts():
    """The one deliberate difference: alpha > 1 gives the running average a negative weight."""
    torch.optim.RMSprop([torch.zeros(1, requires_grad=True)], alpha=1.5)
    with pytest.raises(ValueError, match=r"alpha must be a float in the range \[0, 1\]"):
        optim.RMSprop([Param([0.0])], alpha=1.5)


@pytest.mark.parametrize("cls", [optim.SGD, optim.Adam, optim.AdamW, optim.Adagrad, optim.RMSprop])
@pytest.mark.parametrize("params, exc", [
    ([np.ones(3)], TypeError),                   # arrays: not Tensors (failed at step() before)
    (np.ones(3), TypeError),                     # an array, not an iterable of parameters
    (Param([1.0, 2.0]), TypeError),              # one Tensor, not an iterable of them (torch: TypeError)
    ([[1.0, 2.0]], TypeError),
    ([tensor([1.0])], ValueError),               # requires_grad=False
    ([Param([1.0]) * 2.0], ValueError),          # a non-leaf
    (5, TypeError),
])
def test_bad_params_raise_at_construction_naming_params(cls, params, exc):
    with pytest.raises(exc, match="params"):
        cls(params, lr=0.1)


def test_repeated_parameter_rejected_as_torch_does():
    w, t = Param([1.0]), torch.zeros(1, requires_grad=True)
    with pytest.raises(ValueError):
        torch.optim.SGD([{"params": [t]}, {"params": [t]}], lr=0.1)
    with pytest.raises(ValueError, match="params must be distinct"):
        optim.SGD([{"params": [w]}, {"params": [w]}], lr=0.1)


def test_parameter_group_may_hold_a_single_tensor_as_torch():
    w = Param([1.0, 2.0])
    opt = optim.SGD([{"params": w, "lr": 0.5}], lr=0.1)
    w.grad = np.array([1.0, 1.0])
    opt.step()
    np.testing.assert_array_equal(w.data, [0.5, 1.5])


@pytest.mark.parametrize("name, kwargs", [("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01, amsgrad=True)),
                                          ("Adam", dict(lr=0.01, weight_decay=0.1, maximize=True)),
                                          ("SGD", dict(lr=0.01, momentum=0.9, nesterov=True, weight_decay=0.1)),
                                          ("SGD", dict(lr=0.01, momentum=0.5, dampening=0.3, maximize=True)),
                                          ("SGD", dict(lr=0.01)),
                                          ("Adagrad", dict(lr=0.01, lr_decay=0.1, weight_decay=0.1,
                                                           initial_accumulator_value=0.5)),
                                          ("RMSprop", dict(lr=0.01, centered=True, momentum=0.9, maximize=True)),
                                          ("RMSprop", dict(lr=0.01, weight_decay=0.1))])
def test_large_parameter_update_on_threads_equals_torch_and_the_serial_update(monkeypatch, name, kwargs):
    """A parameter big enough to be updated in slices on the thread pool (forced to four CPUs here) follows
    torch.optim's trajectory, and equals the one-thread update bit for bit (every operation is elementwise)."""
    from mmlkit import _threads
    from mmlkit.optim import optimizers

    monkeypatch.setattr(_threads, "_n_cpus", lambda: 4)
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal((300, 301))
    grads = [rng.standard_normal(w0.shape) for _ in range(4)]

    def ours(parallel_min):
        monkeypatch.setattr(optimizers, "_PARALLEL_MIN", parallel_min)
        w = Param(w0)
        opt = getattr(optim, name)([w], **kwargs)
        for g in grads:
            w.grad = g
            opt.step()
        return w.data

    threaded, serial = ours(1 << 16), ours(10**9)
    np.testing.assert_array_equal(threaded, serial)
    tw = torch.tensor(w0, requires_grad=True)
    theirs = getattr(torch.optim, name)([tw], **kwargs)
    for g in grads:
        tw.grad = torch.tensor(g)
        theirs.step()
    np.testing.assert_allclose(threaded, tw.detach().numpy(), rtol=1e-10, atol=1e-13)


def test_large_updates_from_several_threads_at_once_equal_the_serial_updates(monkeypatch):
    """Several optimizers stepping large parameters from several user threads at once share the one thread
    pool (each caller runs one slice itself): every trajectory equals its one-thread run bit for bit, and
    nothing deadlocks."""
    from concurrent.futures import ThreadPoolExecutor

    from mmlkit import _threads
    from mmlkit.optim import optimizers

    monkeypatch.setattr(_threads, "_n_cpus", lambda: 4)
    monkeypatch.setattr(optimizers, "_PARALLEL_MIN", 1 << 16)
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((4, 70_000)).astype(np.float32)
    grads = rng.standard_normal((5, 4, 70_000)).astype(np.float32)
    configs = [("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01, amsgrad=True)),
               ("SGD", dict(lr=0.01, momentum=0.9)), ("RMSprop", dict(lr=0.01, centered=True))] * 2

    def run(i):
        name, kwargs = configs[i]
        w = Param(w0[i % 4])
        opt = getattr(optim, name)([w], **kwargs)
        for g in grads[:, i % 4]:
            w.grad = g
            opt.step()
        return w.data

    with ThreadPoolExecutor(max_workers=len(configs)) as users:
        threaded = list(users.map(run, range(len(configs)), timeout=60))
    monkeypatch.setattr(optimizers, "_PARALLEL_MIN", 10**9)
    for i, got in enumerate(threaded):
        np.testing.assert_array_equal(got, run(i))


ADAM_CONFIGS = [dict(lr=0.01), dict(lr=0.02, betas=(0.8, 0.99), eps=1e-6), dict(lr=0.01, amsgrad=True),
                dict(lr=0.01, weight_decay=0.1, maximize=True), dict(lr=0.0, betas=(0.0, 0.5))]


@pytest.mark.parametrize("kwargs", ADAM_CONFIGS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", [0, 1])
def test_adam_in_place_update_equals_the_textbook_formula(kwargs, dtype, seed):
    """The in-place update (bias corrections folded into two scalars, one scratch array) gives what
    Kingma & Ba's formula gives, m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), w − η m̂/(√v̂ + ε), to rounding."""
    from mmlkit.optim.optimizers import _adam_textbook

    rng = np.random.default_rng(seed)
    shapes = [(7, 5), (5,), (3, 4, 2), (1,)]
    params = [Param(rng.standard_normal(s)) for s in shapes]
    for p in params:
        p.data = p.data.astype(dtype)
    opt = optim.Adam(params, **kwargs)
    b1, b2 = kwargs.get("betas", (0.9, 0.999))
    eps, lr, wd = kwargs.get("eps", 1e-8), kwargs["lr"], kwargs.get("weight_decay", 0.0)
    ref = [[p.data.astype(np.float64), 0.0, 0.0, 0.0 if kwargs.get("amsgrad") else None] for p in params]
    scales = 10.0 ** rng.integers(-3, 2, len(params))   # a gradient scale per parameter, from 1e-3 to 10
    for t in range(1, 8):
        grads = [(rng.standard_normal(p.shape) * c).astype(dtype) for p, c in zip(params, scales)]
        for p, g, r in zip(params, grads, ref):
            p.grad = g
            g64 = -g.astype(np.float64) if kwargs.get("maximize") else g.astype(np.float64)
            r[:] = _adam_textbook(r[0], g64 + wd * r[0], r[1], r[2], t, lr, b1, b2, eps, r[3])
        opt.step()
        # a few roundings of the operands per step: relative to each quantity's own scale (w is O(1))
        u = 1e-14 if dtype == np.float64 else 1e-6
        for p, r, c in zip(params, ref, scales):
            assert p.data.dtype == dtype
            np.testing.assert_allclose(p.data, r[0], rtol=u, atol=u)
            np.testing.assert_allclose(opt.state[id(p)]["exp_avg"], r[1], rtol=u, atol=u * c)
            np.testing.assert_allclose(opt.state[id(p)]["exp_avg_sq"], r[2], rtol=u, atol=u * c * c)


def _mixed_params(rng, dtype=np.float64):
    """Parameters F- and C-ordered (a transposed weight, as Linear stores its W), small and large."""
    arrays = [rng.standard_normal((6, 4)).T, rng.standard_normal(4), rng.standard_normal((3, 2, 2)),
              rng.standard_normal((300, 301)).T, rng.standard_normal(1)]
    params = []
    for a in arrays:
        p = Param(a)
        p.data = np.array(a, dtype=dtype)   # keeps a's memory order
        params.append(p)
    assert params[0].data.flags.f_contiguous and not params[0].data.flags.c_contiguous
    return params


@pytest.mark.parametrize("name, kwargs", [("Adam", dict(lr=0.01)), ("AdamW", dict(lr=0.01, amsgrad=True)),
                                          ("Adam", dict(lr=0.01, weight_decay=0.1, maximize=True))])
def test_adam_memory_order_does_not_change_the_trajectory(monkeypatch, name, kwargs):
    """F-ordered parameters (scratch in their order) and gradients laid out unlike their parameter (copied
    into its order first) follow, bit for bit, the trajectory of C-ordered copies with C-ordered gradients;
    the state entries keep each parameter's shape and order. The large one is also updated on threads."""
    from mmlkit.optim import optimizers

    monkeypatch.setattr(optimizers, "_PARALLEL_MIN", 1 << 16)
    rng = np.random.default_rng(3)
    w0 = _mixed_params(rng)
    grads = [[rng.standard_normal(p.shape) for p in w0] for _ in range(5)]
    grads[1][0] = np.ascontiguousarray(grads[1][0])   # a C-ordered gradient for an F-ordered parameter
    grads[2][2] = np.asfortranarray(grads[2][2])       # an F-ordered gradient for a C-ordered parameter

    def run(as_given):
        params = [Param(p.data if as_given else np.ascontiguousarray(p.data)) for p in w0]
        opt = getattr(optim, name)(params, **kwargs)
        for gs in grads:
            for p, g in zip(params, gs):
                p.grad = g if as_given else np.ascontiguousarray(g)
            opt.step()
        return params, opt

    (mixed, opt), (plain, _) = run(True), run(False)
    assert mixed[0].data.flags.f_contiguous and not mixed[0].data.flags.c_contiguous
    for a, b in zip(mixed, plain):
        np.testing.assert_array_equal(a.data, b.data)
    state = opt.state[id(mixed[0])]["exp_avg"]
    assert state.shape == mixed[0].shape and state.flags.f_contiguous


def test_adam_state_survives_state_dict_missing_grads_and_replaced_state():
    """load_state_dict (new arrays), a step where one parameter has no gradient (its own step count then
    differs), and a moment estimate replaced by hand are all taken into account: the trajectory is
    torch's throughout."""
    rng = np.random.default_rng(4)
    shapes = [(4, 3), (3,), (2, 5)]
    init = [rng.standard_normal(s) for s in shapes]
    ours = [Param(a) for a in init]
    theirs = [torch.tensor(a, requires_grad=True) for a in init]
    opt, topt = optim.Adam(ours, lr=0.05), torch.optim.Adam(theirs, lr=0.05)
    for step in range(12):
        skip = 1 if step in (4, 5) else None
        for i, (p, tp) in enumerate(zip(ours, theirs)):
            g = rng.standard_normal(p.shape)
            p.grad = None if i == skip else g
            tp.grad = None if i == skip else torch.tensor(g)
        opt.step()
        topt.step()
        if step == 7:   # a fresh optimizer from the saved state
            saved = opt.state_dict()
            opt = optim.Adam(ours, lr=0.05)
            opt.load_state_dict(saved)
        if step == 9:   # a moment estimate replaced by a new array, in both
            opt.state[id(ours[2])]["exp_avg"] = opt.state[id(ours[2])]["exp_avg"] * 0.5
            topt.state[theirs[2]]["exp_avg"].mul_(0.5)
        for p, tp in zip(ours, theirs):
            np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-10, atol=1e-13)
