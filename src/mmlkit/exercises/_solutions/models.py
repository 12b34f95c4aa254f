"""Reference solutions: classical models."""

import numpy as np


def kmeans_step(X, centers):
    d2 = ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    labels = np.argmin(d2, axis=1)
    new = centers.astype(float).copy()
    for j in range(len(centers)):
        if np.any(labels == j):  # an empty cluster keeps its centre
            new[j] = X[labels == j].mean(axis=0)
    return new, labels


def logistic_loss_grad(w, b, X, y):
    z = X @ w + b
    loss = np.mean(np.logaddexp(0.0, z) - y * z)  # −[y log σ(z) + (1 − y) log(1 − σ(z))], stably
    p = 0.5 * (1 + np.tanh(z / 2))  # σ(z) without overflow
    r = (p - y) / len(y)
    return float(loss), X.T @ r, float(r.sum())


def ridge_fit(X, y, alpha):
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean  # centring removes the (unpenalised) intercept
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y_mean - x_mean @ w)


def linear_regression(X, y):
    A = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return coef[:-1], float(coef[-1])


def gmm_responsibilities(x, weights, means, sigmas):
    log_p = (np.log(weights) - np.log(sigmas) - 0.5 * np.log(2 * np.pi)
             - 0.5 * ((x[:, None] - means) / sigmas) ** 2)
    log_p -= log_p.max(axis=1, keepdims=True)  # log-sum-exp: no underflow far from every component
    p = np.exp(log_p)
    return p / p.sum(axis=1, keepdims=True)


def single_linkage(X, k):
    n = len(X)
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    D = np.sqrt(((X[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    edges = sorted((D[i, j], i, j) for i in range(n) for j in range(i + 1, n))
    clusters = n
    for _, i, j in edges:  # Kruskal: merge the closest pair of clusters until k are left
        if clusters == k:
            break
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[ri] = rj
            clusters -= 1
    roots = [find(i) for i in range(n)]
    return np.unique(roots, return_inverse=True)[1]
