"""Reference solutions: statistics."""

import numpy as np


def welch_t(a, b):
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    t = (np.mean(a) - np.mean(b)) / np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return float(t), float(df)


def pearson_r(x, y):
    xc, yc = x - x.mean(), y - y.mean()
    return float(np.clip(xc @ yc / np.sqrt((xc @ xc) * (yc @ yc)), -1.0, 1.0))


def standard_error(x):
    return float(np.std(x, ddof=1) / np.sqrt(len(x)))


def rankdata(x):
    order = np.argsort(x, kind="stable")
    xs = x[order]
    ranks = np.empty(len(x))
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1  # ties share the average of their positions (1-based)
        i = j + 1
    return ranks


def zscore(X):
    return (X - X.mean(axis=0)) / X.std(axis=0)
