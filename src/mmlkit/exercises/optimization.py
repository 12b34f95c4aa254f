"""Exercises · optimization: gradient descent, Adam, momentum, projections, Newton's method."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, Fn, against, as_array, close

E = partial(Exercise, "optimization")

_A = np.array([[3.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 2.0]])


def _grads():
    return [
        Fn("lambda x: 2 * (x - 1)", lambda x: 2 * (x - 1)),
        Fn("lambda x: A[:n, :n] @ x  (A = [[3, .5, 0], [.5, 1, .2], [0, .2, 2]])", lambda x: _A[:x.size, :x.size] @ x),
        Fn("lambda x: 4 * x ** 3", lambda x: 4 * x**3),
        Fn("np.tanh", np.tanh),
    ]


def _gd_oracle(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    for _ in range(n_steps):
        x = x - lr * grad(x)
    return x


def _adam_args(g):
    def build(n):
        return g.st.tuples(g.vec(n), g.vec(n), g.vec(n, -1, 1), g.vec(n, 0, 4), g.st.integers(1, 50),
                           g.st.sampled_from([1e-3, 0.01, 0.1]), g.st.sampled_from([0.9, 0.5]),
                           g.st.sampled_from([0.999, 0.99]), g.st.sampled_from([1e-8, 1e-6]))

    return g.with_n(build, 1, 4)


def _adam_oracle(x, g, m, v, t, lr, beta1, beta2, eps):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    return x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def _judge_adam(got, args):
    from mmlkit.exercises._core import unpack

    x_e, m_e, v_e = _adam_oracle(*args)
    x, m, v = unpack(got, ("x", "m", "v"))
    close("m = β1·m + (1 − β1)·g", m, m_e, rtol=1e-12, atol=1e-300)
    close("v = β2·v + (1 − β2)·g²", v, v_e, rtol=1e-12, atol=1e-300)
    close("x = x − lr·m̂/(√v̂ + eps) with the bias corrections m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)", x, x_e,
          rtol=1e-10, atol=1e-14)


def _judge_simplex(got, args):
    (y,) = args
    import mmlkit.optim as opt

    p = as_array("the projection", got, y.shape)
    ref = opt.project_simplex()(y)
    if (p < -1e-12).any():
        raise Fail("the projection is non-negative", f"min {p.min():.3g}", expected=ref, got=got)
    if abs(p.sum() - 1) > 1e-9:
        raise Fail("the projection sums to 1", f"sum {p.sum():.12g}", expected=ref, got=got)
    close("p is the closest point of the simplex to y (equals mmlkit.optim.project_simplex()(y))", p, ref,
          rtol=1e-9, atol=1e-10)


EXERCISES = [
    E(name="gradient_descent", title="Gradient descent",
      task="Starting from x0, take exactly n_steps steps of gradient descent with learning rate lr, using the "
           "function grad(x) that returns ∇f(x); return the final x (x0 itself when n_steps = 0). Do not modify x0.",
      formula="x_{t+1} = x_t − lr · ∇f(x_t),  t = 0, …, n_steps − 1",
      returns="ndarray of x0's shape",
      args=lambda g: g.st.tuples(g.st.sampled_from(_grads()), g.vec(g.sizes(1, 3), -2, 2),
                                 g.st.sampled_from([0.01, 0.05, 0.1, 0.2]), g.st.integers(0, 20)),
      cases=[("the example", (_grads()[0], np.array([3.0, -1.0]), 0.25, 2)),
             ("zero steps", (_grads()[1], np.array([1.0, 2.0]), 0.1, 0)),
             ("one step", (_grads()[2], np.array([1.0]), 0.1, 1))],
      judge=against(_gd_oracle, "x after exactly n_steps steps of x ← x − lr·∇f(x)", rtol=1e-10, atol=1e-12),
      hints=("Copy x0 into a float array first (never update x0 in place: x -= ... would change the caller's array).",
             "Loop exactly n_steps times: range(n_steps). Each step moves against the gradient: minus, not plus.",
             "x = np.array(x0, dtype=float); for _ in range(n_steps): x = x - lr * grad(x)"),
      tolerance="rtol 1e-10 (one step more or less fails)"),
    E(name="adam_step", title="One step of Adam",
      task="Return (x, m, v) after one Adam step at iteration t (t counts from 1) with gradient g, first and "
           "second moment estimates m and v, and PyTorch's defaults. eps is added to √v̂ (outside the root).",
      formula="m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;  m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ);  "
              "x ← x − lr · m̂ / (√v̂ + eps)",
      returns="tuple of 3 arrays of x's shape",
      args=_adam_args,
      cases=[("the example", (np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), np.zeros(2), 1,
                              1e-3, 0.9, 0.999, 1e-8)),
             ("tiny gradients", (np.array([1.0, -1.0]), np.array([1e-10, -3e-12]), np.zeros(2), np.zeros(2), 1,
                                 1e-3, 0.9, 0.999, 1e-8)),
             ("a later step", (np.array([0.3]), np.array([2.0]), np.array([0.4]), np.array([1.5]), 10,
                               0.01, 0.9, 0.999, 1e-8))],
      judge=_judge_adam,
      hints=("Update both moving averages first, then correct their bias, then step.",
             "The bias corrections divide by 1 − β1ᵗ and 1 − β2ᵗ with t starting at 1 (t = 0 would divide by 0). "
             "Without them the first steps are √(1−β2)/(1−β1) ≈ 0.32 times too small... or too large.",
             "eps goes outside the square root: m̂ / (np.sqrt(v̂) + eps); with tiny gradients np.sqrt(v̂ + eps) "
             "gives a very different step."),
      tolerance="m, v to rtol 1e-12; x to rtol 1e-10"),
    E(name="momentum_step", title="One step of SGD with momentum (PyTorch's convention)",
      task="Return (x, buf) after one step of SGD with momentum: the velocity buffer accumulates the raw "
           "gradient (no dampening), and x moves by lr times the new buffer.",
      formula="buf ← momentum · buf + g;  x ← x − lr · buf",
      returns="tuple of 2 arrays of x's shape",
      args=lambda g: g.with_n(lambda n: g.st.tuples(g.vec(n), g.vec(n), g.vec(n), g.st.sampled_from([0.01, 0.1]),
                                                    g.st.sampled_from([0.9, 0.5, 0.0])), 1, 4),
      cases=[("the example", (np.array([1.0, 1.0]), np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1, 0.9))],
      judge=against(lambda x, g, buf, lr, mu: (x - lr * (mu * buf + g), mu * buf + g), "is correct",
                    rtol=1e-12, atol=1e-14, names=("x", "buf"),
                    props=("x = x − lr·buf with the *new* buf", "buf = momentum·buf + g (no dampening)"),
                    order=(1, 0)),
      hints=("Update the buffer first, then use the updated buffer to move x.",
             "PyTorch does not damp the gradient: buf = momentum * buf + g, not momentum * buf + (1 − momentum) * g.",
             "buf = momentum * buf + g; return x - lr * buf, buf"),
      tolerance="rtol 1e-12"),
    E(name="project_simplex", title="Euclidean projection onto the probability simplex",
      task="Return the point p of the simplex {p ≥ 0, Σ p = 1} closest to y in Euclidean distance.",
      formula="p = max(y − θ, 0) with θ chosen so that Σ p = 1 (sort y decreasingly; θ = (Σ_{i≤ρ} u_i − 1)/ρ "
              "for the largest ρ with u_ρ > (Σ_{i≤ρ} u_i − 1)/ρ)",
      returns="ndarray of y's shape",
      args=lambda g: g.vec(g.sizes(1, 6), -3, 3).map(lambda y: (y,)),
      cases=[("the example", (np.array([0.5, 0.9, -1.0]),)),
             ("already in the simplex", (np.array([0.2, 0.3, 0.5]),)),
             ("large negative entries", (np.array([-5.0, -7.0, -5.0]),))],
      judge=_judge_simplex,
      hints=("Clipping at 0 and rescaling to sum 1 is not the closest point; neither is a softmax.",
             "The answer shifts every coordinate by the same θ and clips at zero: p = max(y − θ, 0). Find θ.",
             "Sort y decreasingly (u), cumsum minus 1 divided by 1..n; ρ is the last index where u exceeds that."),
      tolerance="rtol 1e-9, atol 1e-10 against mmlkit.optim.project_simplex"),
    E(name="newton_step", title="One step of Newton's method",
      task="Given the gradient g and the (positive definite) Hessian H of f at x, return the Newton update. "
           "Solve the linear system rather than inverting H.",
      formula="x_new = x − H⁻¹ g   (solve H d = g, then x − d)",
      returns="ndarray of x's shape",
      args=lambda g: g.with_n(lambda n: g.st.tuples(g.vec(n), g.spd(n), g.vec(n)), 1, 4),
      cases=[("the example", (np.array([2.0, 1.0]), np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 1.0]))),
             ("a non-diagonal Hessian", (np.array([1.0, -1.0]), np.array([[2.0, 1.0], [1.0, 2.0]]),
                                         np.array([0.0, 0.0])))],
      judge=against(lambda g, H, x: x - np.linalg.solve(H, g), "x_new = x − H⁻¹g", rtol=1e-7, atol=1e-9),
      hints=("Newton's method minimises the local quadratic model f(x) + gᵀd + ½ dᵀHd over the step d.",
             "Setting its gradient to zero gives H d = −g: the step is minus H⁻¹g, not −Hg, not −g/diag(H).",
             "return x - np.linalg.solve(H, g)"),
      tolerance="rtol 1e-7 (H has condition number up to 1e3)"),
]
