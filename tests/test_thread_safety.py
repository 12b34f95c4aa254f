"""The autodiff engine and the models built on it are safe to use from several threads.

Gradient mode is per thread (as in PyTorch): ``no_grad()`` in one thread
leaves recording on in the others, and a new thread starts with it on. Fits
and backward passes run concurrently give, bit for bit, what they give run one
after the other. Interleavings are forced with barriers and events, so each
test fails deterministically on an engine with process-global state.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from mmlkit import autodiff as ad
from mmlkit.autodiff import no_grad, tensor
from mmlkit.models import MLPClassifier

N_THREADS = 4
TIMEOUT = 30  # seconds: a wait that long means a deadlock, not a slow machine


def _run_threads(target, n=N_THREADS):
    """Run ``target(i)`` on ``n`` threads; return the results, re-raising any thread's error."""
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(target, range(n), timeout=TIMEOUT))


def test_no_grad_in_one_thread_leaves_recording_on_in_another():
    inside = threading.Event()   # thread A is inside no_grad()
    recorded = threading.Event()  # thread B has recorded its operation
    seen = {}

    def a():
        with no_grad():
            inside.set()
            assert recorded.wait(TIMEOUT)
            seen["a"] = ad.is_grad_enabled()
            seen["a_op"] = (tensor([1.0], requires_grad=True) * 2).requires_grad

    def b():
        assert inside.wait(TIMEOUT)
        seen["b"] = ad.is_grad_enabled()
        x = tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        seen["b_op"] = y.requires_grad
        y.backward()
        seen["b_grad"] = x.grad.data.copy()
        recorded.set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert seen == {"a": False, "a_op": False, "b": True, "b_op": True, "b_grad": seen["b_grad"]}
    np.testing.assert_array_equal(seen["b_grad"], [2.0, 4.0])
    assert ad.is_grad_enabled()


def test_a_new_thread_starts_with_recording_on():
    out = []
    with no_grad():
        t = threading.Thread(target=lambda: out.append(ad.is_grad_enabled()))
        t.start()
        t.join(TIMEOUT)
        assert not ad.is_grad_enabled()
    assert out == [True]
    assert ad.is_grad_enabled()


def test_set_grad_enabled_call_is_per_thread():
    switched = threading.Event()
    checked = threading.Event()
    seen = []

    def a():
        ad.set_grad_enabled(False)  # the plain-call form, never restored in this thread
        switched.set()
        assert checked.wait(TIMEOUT)

    def b():
        assert switched.wait(TIMEOUT)
        seen.append(ad.is_grad_enabled())
        checked.set()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert seen == [True]
    assert ad.is_grad_enabled()


def _second_order(seed):
    """A Hessian-vector product and a batched Jacobian: exercise create_graph and batch axes."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((5, 3))
    x0 = rng.standard_normal(3)

    def f(x):
        h = ad.tanh(ad.matmul(W, x))
        return (h * h).sum() + ad.logsumexp(h)

    hv = ad.hvp(f, x0, np.ones(3))
    jac = ad.jacobian(lambda x: ad.softmax(ad.matmul(W, x)))(x0)
    g = ad.grad(f)(x0)
    return np.concatenate([np.ravel(hv), np.ravel(jac), np.ravel(g)])


def test_backward_passes_from_several_threads_match_sequential_bit_for_bit():
    expected = [_second_order(i) for i in range(N_THREADS)]
    barrier = threading.Barrier(N_THREADS, timeout=TIMEOUT)

    def work(i):
        barrier.wait()  # all passes start together
        out = [_second_order(i) for _ in range(5)]
        return out

    for i, runs in enumerate(_run_threads(work)):
        for r in runs:
            np.testing.assert_array_equal(r, expected[i])


def test_backward_while_another_thread_holds_no_grad_and_updates_in_place():
    """One thread runs optimizer-style in-place updates under no_grad while others differentiate."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 4))
    w0 = rng.standard_normal(4)

    def loss_grad():
        w = tensor(w0, requires_grad=True)
        loss = (ad.tanh(tensor(X) @ w) ** 2).mean()
        loss.backward()
        return w.grad.data.copy()

    expected = loss_grad()
    started = threading.Barrier(N_THREADS, timeout=TIMEOUT)

    def work(i):
        started.wait()
        if i == 0:
            p = tensor(np.ones(4), requires_grad=True)
            for _ in range(200):
                with no_grad():
                    p -= 0.01 * p  # in-place: advances the shared version counter
            return p.data.copy()
        return [loss_grad() for _ in range(20)]

    results = _run_threads(work)
    np.testing.assert_allclose(results[0], np.full(4, 0.99 ** 200), rtol=1e-12)
    for runs in results[1:]:
        for g in runs:
            np.testing.assert_array_equal(g, expected)


def test_in_place_change_from_another_thread_is_still_detected():
    """The version counter is shared: a tensor changed in place by thread B after thread A
    recorded an operation on it makes A's backward raise, as in one thread."""
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = (x * x).sum()  # recorded in this thread

    def b():
        with no_grad():
            x.mul_(2.0)  # allowed under no_grad, and stamped

    t = threading.Thread(target=b)
    t.start()
    t.join(TIMEOUT)
    with pytest.raises(RuntimeError, match="modified by an in-place operation"):
        y.backward()


def test_retain_grad_is_per_tensor():
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def work(i):
        x = tensor([1.0, 2.0], requires_grad=True)
        h = x * 3.0
        if i == 0:
            h.retain_grad()
        barrier.wait()
        (h * h).sum().backward()
        return None if h.grad is None else h.grad.data.copy()

    r0, r1 = _run_threads(work, 2)
    np.testing.assert_array_equal(r0, [6.0, 12.0])
    assert r1 is None


def _blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(c, 0.7, (40, 3)) for c in (-2.0, 0.0, 2.0)])
    y = np.repeat([0, 1, 2], 40)
    return X, y


@pytest.mark.filterwarnings("ignore::mmlkit.exceptions.ConvergenceWarning")
def test_mlp_fits_from_several_threads_match_sequential_bit_for_bit():
    X, y = _blobs()
    ref = MLPClassifier((16,), max_iter=30, random_state=0).fit(X, y)
    barrier = threading.Barrier(N_THREADS, timeout=TIMEOUT)

    def work(i):
        barrier.wait()
        return [MLPClassifier((16,), max_iter=30, random_state=0).fit(X, y) for _ in range(3)]

    for fits in _run_threads(work):
        for m in fits:
            assert m.n_iter_ == ref.n_iter_
            assert m.loss_curve_ == ref.loss_curve_
            for a, b in zip(m.coefs_, ref.coefs_):
                np.testing.assert_array_equal(a, b)
            for a, b in zip(m.intercepts_, ref.intercepts_):
                np.testing.assert_array_equal(a, b)
            np.testing.assert_array_equal(m.predict_proba(X), ref.predict_proba(X))
