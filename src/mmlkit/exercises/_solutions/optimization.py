"""Reference solutions: optimization."""

import numpy as np


def gradient_descent(grad, x0, lr, n_steps):
    x = np.array(x0, dtype=float)
    for _ in range(n_steps):
        x = x - lr * grad(x)
    return x


def adam_step(x, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def momentum_step(x, g, buf, lr, momentum=0.9):
    buf = momentum * buf + g
    return x - lr * buf, buf


def project_simplex(y):
    u = np.sort(y)[::-1]
    css = np.cumsum(u) - 1.0
    k = np.arange(1, len(y) + 1)
    rho = np.nonzero(u - css / k > 0)[0][-1]
    theta = css[rho] / (rho + 1)
    return np.maximum(y - theta, 0.0)


def newton_step(g, H, x):
    return x - np.linalg.solve(H, g)
