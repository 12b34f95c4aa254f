"""Exercises · calculus and autodiff: finite differences, backpropagation, quadrature."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fn, against, close, unpack

E = partial(Exercise, "calculus")


def _fns(g):
    A = np.array([[2.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 3.0]])
    return [
        g.Fn("lambda x: np.sum(x ** 2)", lambda x: float(np.sum(x**2)), lambda x: 2 * x),
        g.Fn("lambda x: np.sum(np.sin(x))", lambda x: float(np.sum(np.sin(x))), np.cos),
        g.Fn("lambda x: np.log(1 + np.sum(x ** 2))", lambda x: float(np.log1p(np.sum(x**2))),
             lambda x: 2 * x / (1 + np.sum(x**2))),
        g.Fn("lambda x: np.sum(np.exp(x)) + x[0] ** 3", lambda x: float(np.sum(np.exp(x)) + x[0] ** 3),
             lambda x: np.exp(x) + 3 * x[0] ** 2 * (np.arange(x.size) == 0)),
        g.Fn("lambda x: x @ A[:n, :n] @ x / 2  (A symmetric)",
             lambda x: float(x @ A[:x.size, :x.size] @ x / 2), lambda x: A[:x.size, :x.size] @ x),
    ]


class _FnOnly:
    Fn = Fn


def _gen_fns():
    return _fns(_FnOnly)


def _judge_numgrad(got, args):
    f, x, h = args
    close("the gradient matches the exact one (central differences: error O(h²))", got, f.grad(x),
          rtol=1e-6, atol=1e-7)


def _mlp_args(g):
    def build(s):
        n, d, hdim, o = s
        return g.st.tuples(g.mat((hdim, d), -2, 2), g.vec(hdim, -1, 1), g.mat((o, hdim), -2, 2), g.vec(o, -1, 1),
                           g.mat((n, d), -3, 3), g.mat((n, o), -3, 3))

    return g.st.tuples(g.sizes(1, 5), g.sizes(1, 3), g.sizes(1, 4), g.sizes(1, 2)).flatmap(build)


def _mlp_oracle(W1, b1, W2, b2, X, y):
    import mmlkit.autodiff as ad

    def loss(W1, b1, W2, b2):
        out = ad.matmul(ad.tanh(ad.matmul(X, ad.transpose(W1)) + b1), ad.transpose(W2)) + b2
        return 0.5 * ad.sum((out - y) ** 2) / X.shape[0]

    return ad.grad(loss, argnums=(0, 1, 2, 3))(W1, b1, W2, b2)


def _judge_mlp(got, args):
    expected = _mlp_oracle(*args)
    parts = unpack(got, ("dW1", "db1", "dW2", "db2"))
    for name, g_, e in zip(("dW2", "db2", "dW1", "db1"), (parts[2], parts[3], parts[0], parts[1]),
                           (expected[2], expected[3], expected[0], expected[1])):
        close(f"{name} equals ∂L/∂{name[1:]} (mmlkit.autodiff.grad)", g_, e, rtol=1e-7, atol=1e-10)


def _scalar_fns(g):
    return [
        g.Fn("np.sin", np.sin, extra=lambda x: -np.sin(x)),
        g.Fn("np.exp", np.exp, extra=np.exp),
        g.Fn("lambda x: x ** 3", lambda x: x**3, extra=lambda x: 6 * x),
        g.Fn("lambda x: np.log(1 + x ** 2)", lambda x: np.log1p(x**2),
             extra=lambda x: 2 * (1 - x**2) / (1 + x**2) ** 2),
    ]


def _judge_d2(got, args):
    f, x, h = args
    close("equals f''(x) (central second difference: error O(h²))", got, f.extra(x), rtol=1e-5, atol=1e-5)


def _trap_args(g):
    return g.with_n(lambda n: g.st.tuples(g.vec(n), g.vec(n, 0.01, 2.0)).map(
        lambda t: (t[0], np.round(np.cumsum(t[1]) - 1.0, 6))), 2, 8)


def _simpson_args(g):
    fns = [g.Fn("np.sin", np.sin), g.Fn("np.exp", np.exp), g.Fn("lambda x: x ** 4", lambda x: x**4),
           g.Fn("lambda x: 1 / (1 + x ** 2)", lambda x: 1 / (1 + x**2))]
    return g.st.tuples(g.st.sampled_from(fns), g.floats(-2, 0), g.floats(0.5, 3),
                       g.st.integers(1, 10).map(lambda k: 2 * k))


def _simpson_oracle(f, a, b, n):
    import mmlkit.calculus as calc

    return calc.simpson(f, a, b, n)


EXERCISES = [
    E(name="numerical_gradient", title="The gradient by central differences",
      task="Return the gradient of the scalar function f at x (a float vector), one coordinate at a time, by "
           "central differences with step h.",
      formula="∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h)   (error O(h²); the forward difference is O(h))",
      returns="ndarray of x's shape",
      args=lambda g: g.st.tuples(g.st.sampled_from(_fns(g)), g.vec(g.sizes(1, 3), -2, 2), g.st.just(1e-5)),
      cases=[("the example", (_gen_fns()[0], np.array([1.0, -2.0]), 1e-5)),
             ("a cubic term", (_gen_fns()[3], np.array([1.5, 0.0, -1.0]), 1e-5))],
      judge=_judge_numgrad,
      hints=("Perturb one coordinate at a time: e_i is the i-th unit vector, scaled by h.",
             "Central differences step both ways: (f(x + h e_i) − f(x − h e_i)) / (2h). The forward difference "
             "(f(x + h e_i) − f(x)) / h is 1e-5 off for a curved f and fails.",
             "Build e = np.zeros_like(x); e[i] = h for each i; never perturb all coordinates at once."),
      tolerance="rtol 1e-6, atol 1e-7 against the exact gradient"),
    E(name="backprop_mlp", title="Backpropagation through a one-hidden-layer network",
      task="For the network out = tanh(X W1ᵀ + b1) W2ᵀ + b2 and the loss L = ½ · mean over the n rows of "
           "‖out − y‖², return the gradients (dW1, db1, dW2, db2), each of its parameter's shape.",
      formula="H = tanh(X W1ᵀ + b1);  δ = (out − y)/n;  dW2 = δᵀH, db2 = Σ_rows δ;  "
              "δ_h = (δ W2) ⊙ (1 − H²);  dW1 = δ_hᵀ X, db1 = Σ_rows δ_h",
      returns="tuple of 4 arrays with the shapes of W1, b1, W2, b2",
      args=_mlp_args,
      cases=[("the example", (np.array([[1.0, -1.0]]), np.array([0.5]), np.array([[2.0]]), np.array([0.0]),
                              np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0], [0.0]]))),
             ("saturated tanh units", (np.array([[20.0, 0.0], [0.0, 0.1]]), np.array([0.0, 0.0]),
                                       np.array([[1.0, -1.0]]), np.array([0.3]),
                                       np.array([[1.0, 2.0], [-1.0, 0.5], [0.2, -3.0]]),
                                       np.array([[0.0], [1.0], [2.0]])))],
      judge=_judge_mlp,
      hints=("Run the forward pass and keep H; then go backwards, one layer at a time (the chain rule).",
             "∂L/∂out = (out − y)/n: the ½ cancels the 2 of the square, and the mean brings 1/n. "
             "The bias gradients sum δ over the rows.",
             "tanh'(a) = 1 − tanh(a)² = 1 − H²: multiply (δ W2) by it elementwise before dW1 = δ_hᵀ X."),
      tolerance="rtol 1e-7, atol 1e-10 against mmlkit.autodiff.grad", max_examples=25),
    E(name="second_derivative", title="The second derivative by central differences",
      task="Return f''(x) for a scalar function f at the float x by the central second difference with step h.",
      formula="f''(x) ≈ (f(x + h) − 2 f(x) + f(x − h)) / h²",
      returns="float",
      args=lambda g: g.st.tuples(g.st.sampled_from(_scalar_fns(g)), g.floats(-2, 2), g.st.just(1e-4)),
      cases=[("the example", (Fn("lambda x: x ** 3", lambda x: x**3, extra=lambda x: 6 * x), 1.0, 1e-4))],
      judge=_judge_d2,
      hints=("Expand f(x ± h) in Taylor series: the odd terms cancel in f(x + h) + f(x − h).",
             "f(x + h) + f(x − h) = 2 f(x) + h² f''(x) + O(h⁴): subtract 2 f(x), divide by h² (not h).",
             "return (f(x + h) - 2 * f(x) + f(x - h)) / h ** 2"),
      tolerance="rtol 1e-5, atol 1e-5 against the exact f''"),
    E(name="trapezoid", title="The trapezoidal rule on samples",
      task="Given samples y[i] = f(x[i]) at increasing, not necessarily evenly spaced points x, return the "
           "trapezoidal approximation of ∫ f dx over [x[0], x[-1]].",
      formula="∫ f ≈ Σ_i (x[i+1] − x[i]) · (y[i] + y[i+1]) / 2",
      returns="float",
      args=_trap_args,
      cases=[("the example", (np.array([0.0, 1.0, 4.0]), np.array([0.0, 1.0, 2.0]))),
             ("uneven spacing", (np.array([1.0, 3.0, -2.0, 0.5]), np.array([0.0, 0.1, 1.0, 3.0])))],
      judge=against(lambda y, x: float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2)),
                    "equals Σ (x[i+1] − x[i])(y[i] + y[i+1])/2", rtol=1e-9, atol=1e-9),
      hints=("Each interval [x[i], x[i+1]] contributes the area of a trapezoid.",
             "The spacing changes from interval to interval: use np.diff(x), not x[1] − x[0].",
             "return np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2)"),
      tolerance="rtol 1e-9, atol 1e-9"),
    E(name="simpson", title="Composite Simpson's rule",
      task="Return Simpson's approximation of ∫_a^b f(x) dx with n (even) subintervals of width h = (b − a)/n; "
           "f is vectorised (accepts an array).",
      formula="∫ f ≈ h/3 · [f(x_0) + 4 f(x_1) + 2 f(x_2) + 4 f(x_3) + … + 4 f(x_{n−1}) + f(x_n)]",
      returns="float",
      args=_simpson_args,
      cases=[("the example", (Fn("np.sin", np.sin), 0.0, np.pi, 2)),
             ("a quartic", (Fn("lambda x: x ** 4", lambda x: x**4), 0.0, 1.0, 4))],
      judge=against(_simpson_oracle, "equals mmlkit.calculus.simpson(f, a, b, n)", rtol=1e-10, atol=1e-12),
      hints=("Simpson fits a parabola through each pair of subintervals; the weights are 1, 4, 2, 4, …, 4, 1.",
             "The odd-indexed points get weight 4, the interior even-indexed ones 2, and the sum is multiplied "
             "by h/3.",
             "x = np.linspace(a, b, n + 1); y = f(x); h/3 * (y[0] + y[-1] + 4*y[1:-1:2].sum() + 2*y[2:-1:2].sum())"),
      tolerance="rtol 1e-10 against mmlkit.calculus.simpson"),
]
