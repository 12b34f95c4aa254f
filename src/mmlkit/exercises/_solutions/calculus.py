"""Reference solutions: calculus."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def backprop_mlp(W1, b1, W2, b2, X, y):
    n = X.shape[0]
    H = np.tanh(X @ W1.T + b1)
    out = H @ W2.T + b2
    d_out = (out - y) / n  # ∂L/∂out for L = ½·mean over rows of ‖out − y‖²
    dW2 = d_out.T @ H
    db2 = d_out.sum(axis=0)
    d_pre = (d_out @ W2) * (1 - H**2)
    dW1 = d_pre.T @ X
    db1 = d_pre.sum(axis=0)
    return dW1, db1, dW2, db2


def second_derivative(f, x, h=1e-4):
    return (f(x + h) - 2 * f(x) + f(x - h)) / h**2


def trapezoid(y, x):
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))


def simpson(f, a, b, n=100):
    x = np.linspace(a, b, n + 1)
    y = f(x)
    h = (b - a) / n
    return float(h / 3 * (y[0] + y[-1] + 4 * y[1:-1:2].sum() + 2 * y[2:-1:2].sum()))
