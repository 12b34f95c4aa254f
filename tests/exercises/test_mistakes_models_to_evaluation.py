"""Typical mistakes (models, neural, evaluation) are caught, with the failed property named."""

from __future__ import annotations

import numpy as np
import pytest

from _exercise_checks import assert_mistake_caught
from mmlkit.exercises import check

# ---------------------------------------------------------------- models


def kmeans_empty_nan(X, centers):
    labels = np.argmin(((X[:, None] - centers[None]) ** 2).sum(2), axis=1)
    return np.array([X[labels == j].mean(axis=0) for j in range(len(centers))]), labels


def kmeans_argmax(X, centers):
    labels = np.argmax(((X[:, None] - centers[None]) ** 2).sum(2), axis=1)
    new = centers.copy()
    for j in range(len(centers)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return new, labels


def kmeans_wrong_axis(X, centers):
    labels = np.argmin(((X[:, None] - centers[None]) ** 2).sum(1), axis=1) % len(centers)
    new = centers.copy()
    for j in range(len(centers)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return new, labels


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def logistic_sum_not_mean(w, b, X, y):
    z = X @ w + b
    p = _sigmoid(z)
    return float(np.mean(np.logaddexp(0, z) - y * z)), X.T @ (p - y), float(np.sum(p - y))


def logistic_sign(w, b, X, y):
    z = X @ w + b
    p = _sigmoid(z)
    return float(np.mean(np.logaddexp(0, z) - y * z)), X.T @ (y - p) / len(y), float(np.mean(y - p))


def logistic_naive_log(w, b, X, y):
    z = X @ w + b
    p = _sigmoid(z)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(loss), X.T @ (p - y) / len(y), float(np.mean(p - y))


def ridge_penalises_intercept(X, y, alpha):
    A = np.column_stack([X, np.ones(len(X))])
    coef = np.linalg.solve(A.T @ A + alpha * np.eye(A.shape[1]), A.T @ y)
    return coef[:-1], float(coef[-1])


def ridge_no_intercept(X, y, alpha):
    return np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y), 0.0


def ridge_alpha_over_n(X, y, alpha):
    Xc, yc = X - X.mean(0), y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc + alpha / len(y) * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(y.mean() - X.mean(0) @ w)


def ols_no_intercept(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0], 0.0


def ols_centre_x_only(X, y):
    Xc = X - X.mean(0)
    w = np.linalg.lstsq(Xc, y, rcond=None)[0]
    return w, float(-X.mean(0) @ w)


def gmm_variance(x, weights, means, sigmas):
    log_p = np.log(weights) - 0.5 * np.log(sigmas) - 0.5 * (x[:, None] - means) ** 2 / sigmas
    p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
    return p / p.sum(axis=1, keepdims=True)


def gmm_underflow(x, weights, means, sigmas):
    p = weights * np.exp(-0.5 * ((x[:, None] - means) / sigmas) ** 2) / sigmas
    return p / p.sum(axis=1, keepdims=True)


def gmm_unnormalised(x, weights, means, sigmas):
    return weights * np.exp(-0.5 * ((x[:, None] - means) / sigmas) ** 2) / (sigmas * np.sqrt(2 * np.pi))


def linkage_complete(X, k):
    labels = np.arange(len(X))
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(2))
    while len(np.unique(labels)) > k:
        u = np.unique(labels)
        pairs = [(D[np.ix_(labels == a, labels == b)].max(), a, b) for i, a in enumerate(u) for b in u[i + 1:]]
        _, a, b = min(pairs)
        labels[labels == b] = a
    return labels


def linkage_one_merge_short(X, k):
    from mmlkit.exercises._solutions.models import single_linkage

    return single_linkage(X, min(k + 1, len(X)))


# ---------------------------------------------------------------- neural


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def ce_no_mean_in_grad(logits, y):
    n = len(y)
    lp = _log_softmax(logits)
    d = np.exp(lp)
    d[np.arange(n), y] -= 1
    return float(-lp[np.arange(n), y].mean()), d


def ce_unstable(logits, y):
    n = len(y)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    d = p.copy()
    d[np.arange(n), y] -= 1
    return float(-np.log(p[np.arange(n), y]).mean()), d / n


def ce_plus_onehot(logits, y):
    n = len(y)
    lp = _log_softmax(logits)
    d = np.exp(lp)
    d[np.arange(n), y] += 1
    return float(-lp[np.arange(n), y].mean()), d / n


def _softmax(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attention_unscaled(Q, K, V, mask=None):
    s = Q @ K.T
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    return _softmax(s) @ V


def attention_mask_inverted(Q, K, V, mask=None):
    s = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        s = np.where(mask, -1e30, s)
    return _softmax(s) @ V


def attention_wrong_axis(Q, K, V, mask=None):
    s = Q @ K.T / np.sqrt(Q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -1e30)
    return _softmax(s, axis=0) @ V


def linear_dw_transposed(X, W, dout):
    return dout @ W, X.T @ dout, dout.sum(axis=0)


def linear_db_mean(X, W, dout):
    return dout @ W, dout.T @ X, dout.mean(axis=0)


def ln_unbiased(x, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(x.var(axis=-1, ddof=1, keepdims=True) + eps) if x.shape[-1] > 1 else x * 0


def ln_eps_outside(x, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    return (x - mu) / (x.std(axis=-1, keepdims=True) + eps)


def ln_wrong_axis(x, eps=1e-5):
    return (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)


def adj_no_self_loops(A):
    d = A.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(A / np.sqrt(np.outer(d, d)))


def adj_row_normalised(A):
    A_hat = A + np.eye(len(A))
    return A_hat / A_hat.sum(axis=1, keepdims=True)


# ---------------------------------------------------------------- evaluation


def _counts(t, p):
    return np.sum((p == 1) & (t == 1)), np.sum((p == 1) & (t == 0)), np.sum((p == 0) & (t == 1))


def prf_swapped(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    r = tp / (tp + fp) if tp + fp else 0.0
    p = tp / (tp + fn) if tp + fn else 0.0
    return float(p), float(r), float(2 * p * r / (p + r)) if p + r else 0.0


def prf_nan_when_undefined(y_true, y_pred):
    tp, fp, fn = _counts(y_true, y_pred)
    with np.errstate(invalid="ignore", divide="ignore"):
        p, r = np.float64(tp) / (tp + fp), np.float64(tp) / (tp + fn)
        return float(p), float(r), float(2 * p * r / (p + r))


def auc_ties_zero(y_true, scores):
    pos, neg = scores[y_true == 1], scores[y_true == 0]
    return float((pos[:, None] > neg[None, :]).mean())


def auc_ties_one(y_true, scores):
    pos, neg = scores[y_true == 1], scores[y_true == 0]
    return float((pos[:, None] >= neg[None, :]).mean())


def cm_transposed(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    np.add.at(C, (y_pred, y_true), 1)
    return C


def cm_fancy_index(y_true, y_pred, n_classes):
    C = np.zeros((n_classes, n_classes), dtype=int)
    C[y_true, y_pred] += 1
    return C


def kfold_last_takes_rest(n, k):
    size = n // k
    folds = []
    for i in range(k):
        test = np.arange(i * size, n if i == k - 1 else (i + 1) * size)
        folds.append((np.setdiff1d(np.arange(n), test), test))
    return folds


def kfold_drops_remainder(n, k):
    size = n // k
    return [(np.setdiff1d(np.arange(k * size), np.arange(i * size, (i + 1) * size)),
             np.arange(i * size, (i + 1) * size)) for i in range(k)]


def r2_no_one_minus(y_true, y_pred):
    return float(np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2))


def r2_mean_of_prediction(y_true, y_pred):
    den = np.sum((y_true - y_pred.mean()) ** 2)
    return float(1 - np.sum((y_true - y_pred) ** 2) / den)


MISTAKES = [
    ("models.kmeans_step", kmeans_empty_nan, "empty cluster keeps its centre"),
    ("models.kmeans_step", kmeans_argmax, "nearest centre"),
    ("models.kmeans_step", kmeans_wrong_axis, "nearest centre"),
    ("models.logistic_loss_grad", logistic_sum_not_mean, "dw = Xᵀ(σ(z) − y)/n"),
    ("models.logistic_loss_grad", logistic_sign, "dw = Xᵀ(σ(z) − y)/n"),
    ("models.logistic_loss_grad", logistic_naive_log, "mean log-loss"),
    ("models.ridge_fit", ridge_penalises_intercept, "intercept not penalised"),
    ("models.ridge_fit", ridge_no_intercept, "intercept not penalised"),
    ("models.ridge_fit", ridge_alpha_over_n, "intercept not penalised"),
    ("models.linear_regression", ols_no_intercept, "LinearRegression().coef_"),
    ("models.linear_regression", ols_centre_x_only, "intercept_"),
    ("models.gmm_responsibilities", gmm_variance, "r_ik ∝ π_k N"),
    ("models.gmm_responsibilities", gmm_underflow, "log space"),
    ("models.gmm_responsibilities", gmm_unnormalised, "sums to 1"),
    ("models.single_linkage", linkage_complete, "single linkage's"),
    ("models.single_linkage", linkage_one_merge_short, "exactly k clusters"),
    ("neural.softmax_cross_entropy_grad", ce_no_mean_in_grad, "dlogits"),
    ("neural.softmax_cross_entropy_grad", ce_unstable, "finite for large logits"),
    ("neural.softmax_cross_entropy_grad", ce_plus_onehot, "dlogits"),
    ("neural.attention", attention_unscaled, "QKᵀ/√d"),
    ("neural.attention", attention_mask_inverted, "may attend"),
    ("neural.attention", attention_wrong_axis, "softmax over the keys"),
    ("neural.linear_backward", linear_dw_transposed, "W's shape"),
    ("neural.linear_backward", linear_db_mean, "summed over the rows"),
    ("neural.layer_norm", ln_unbiased, "layer_norm"),
    ("neural.layer_norm", ln_eps_outside, "layer_norm"),
    ("neural.layer_norm", ln_wrong_axis, "layer_norm"),
    ("neural.normalized_adjacency", adj_no_self_loops, "self-loops added"),
    ("neural.normalized_adjacency", adj_row_normalised, "self-loops added"),
    ("evaluation.precision_recall_f1", prf_swapped, "precision"),
    ("evaluation.precision_recall_f1", prf_nan_when_undefined, "0 when"),
    ("evaluation.roc_auc", auc_ties_zero, "½ P(tie)"),
    ("evaluation.roc_auc", auc_ties_one, "½ P(tie)"),
    ("evaluation.confusion_matrix", cm_transposed, "rows: true class"),
    ("evaluation.confusion_matrix", cm_fancy_index, "rows: true class"),
    ("evaluation.kfold_indices", kfold_last_takes_rest, "first n % k folds"),
    ("evaluation.kfold_indices", kfold_drops_remainder, "partition"),
    ("evaluation.r2_score", r2_no_one_minus, "r2_score"),
    ("evaluation.r2_score", r2_mean_of_prediction, "r2_score"),
]


@pytest.mark.parametrize(("key", "wrong", "prop"), MISTAKES, ids=[f"{k}-{f.__name__}" for k, f, _ in MISTAKES])
def test_mistake_is_caught(key, wrong, prop):
    assert_mistake_caught(key, wrong, prop)


def test_cluster_labels_are_judged_up_to_a_permutation():
    from mmlkit.exercises import get

    reference = get("models.single_linkage").reference
    assert check(lambda X, k: 10 * (k - 1 - reference(X, k)) + 3, "models.single_linkage").passed
