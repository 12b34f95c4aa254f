"""The L-BFGS memory: the compact representation (the fast path) against the two-loop recursion (the textbook)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from _tolerances import EPS
from mmlkit.optim import minimize
from mmlkit.optim._lbfgs import LBFGSMemory


def _spd(rng, n, cond):
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (Q * np.geomspace(1.0, cond, n)) @ Q.T


@st.composite
def histories(draw):
    """A memory of m pairs fed a history of (s, y = A s) with A SPD, some clears, often past wrapping the ring."""
    n = draw(st.integers(1, 12))
    m = draw(st.integers(1, 8))
    cond = draw(st.sampled_from([1.0, 10.0, 1e3]))
    events = draw(st.lists(st.sampled_from(["pair"] * 9 + ["clear"]), min_size=1, max_size=25))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    A = _spd(rng, n, cond) * 10.0 ** draw(st.integers(-6, 6))
    memory = LBFGSMemory(m, n)
    for event in events + ["pair"]:
        if event == "clear":
            memory.clear()
        else:
            s = rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3)
            y = A @ s
            memory.push(s, y, float(s @ y))
    return memory, A, cond, rng.standard_normal(n)


@given(histories())
def test_compact_equals_two_loop(history):
    memory, A, cond, g = history
    fast, textbook = memory.times(g), memory.two_loop(g)
    # Both are k ≤ m BFGS updates of γI applied to g; each update's rounding is O(ε) relative to the
    # vectors it combines, amplified at most by the curvature spread κ(A) of the pairs. Bound: 64·(k + 1)·κ·ε
    # of the largest vector met, ‖g‖·max(γ, 1/λ_min(A)) (H's eigenvalues lie between A's inverse extremes
    # and γ).
    k = len(memory)
    lam = np.linalg.eigvalsh(A)
    scale = np.max(np.abs(g)) * max(1.0 / lam[0], 1.0 / lam[-1])
    np.testing.assert_allclose(fast, textbook, rtol=0, atol=64 * (k + 1) * cond * EPS * scale)


@given(histories())
def test_secant_equation_and_symmetry(history):
    """H y = s for the newest pair (every BFGS update keeps it), and H is symmetric: uᵀ(Hv) = vᵀ(Hu)."""
    memory, A, cond, g = history
    order = memory._order()
    newest = (memory.k - 1 + memory.head) % memory.m if order is not None else memory.k - 1
    s, y = memory.pairs[2 * newest], memory.pairs[2 * newest + 1]
    lam = np.linalg.eigvalsh(A)
    bound = 64 * (memory.k + 1) * cond * EPS
    np.testing.assert_allclose(memory.times(y), s, rtol=0, atol=bound * np.max(np.abs(y)) / lam[0])
    u = np.random.default_rng(0).standard_normal(g.size)
    lhs, rhs = float(u @ memory.times(g)), float(g @ memory.times(u))
    assert abs(lhs - rhs) <= bound * np.linalg.norm(u) * np.linalg.norm(g) / lam[0]


def test_exact_inverse_after_n_conjugate_pairs():
    """n pairs along A-conjugate directions of a quadratic: H is A⁻¹ exactly (to rounding)."""
    rng = np.random.default_rng(3)
    A = _spd(rng, 6, 50.0)
    memory = LBFGSMemory(10, 6)
    _, V = np.linalg.eigh(A)
    for s in V.T:
        memory.push(s, A @ s, float(s @ A @ s))
    g = rng.standard_normal(6)
    np.testing.assert_allclose(memory.times(g), np.linalg.solve(A, g), rtol=1e-12, atol=1e-14)


def test_empty_memory_is_the_identity():
    memory = LBFGSMemory(3, 4)
    g = np.arange(4.0)
    out = memory.times(g)
    np.testing.assert_array_equal(out, g)
    assert not np.shares_memory(out, g)


@pytest.mark.parametrize("memory_size", [1, 3, 10])
def test_minimize_with_the_textbook_direction_gives_the_same_minimum(monkeypatch, memory_size):
    """minimize(method="lbfgs") driven by the two-loop recursion reaches the same point to rounding."""
    rng = np.random.default_rng(memory_size)
    X = rng.standard_normal((200, 8))
    y = (X @ rng.standard_normal(8) + rng.standard_normal(200) > 0).astype(float)

    def fg(w):
        z = X @ w
        return np.sum(np.logaddexp(0, z) - y * z) + 0.5 * w @ w, X.T @ (0.5 * (1 + np.tanh(0.5 * z)) - y) + w

    fast = minimize(fg, np.zeros(8), "lbfgs", jac=True, tol=1e-8, memory=memory_size)
    monkeypatch.setattr(LBFGSMemory, "times", LBFGSMemory.two_loop)
    textbook = minimize(fg, np.zeros(8), "lbfgs", jac=True, tol=1e-8, memory=memory_size)
    assert fast.success and textbook.success
    # f is 1-strongly convex (Hessian ≥ I), so ‖x − x*‖₂ ≤ ‖∇f(x)‖₂ for each
    bound = np.linalg.norm(fast.grad) + np.linalg.norm(textbook.grad)
    assert np.linalg.norm(fast.x - textbook.x) <= bound
    assert abs(fast.fun - textbook.fun) <= 64 * EPS * abs(textbook.fun) + bound**2
