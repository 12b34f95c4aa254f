"""Exercises · neural networks: cross-entropy gradients, attention, backprop through a layer, normalisation, graphs."""

from __future__ import annotations

from functools import partial

import numpy as np

from mmlkit.exercises._core import Exercise, Fail, against, as_array, close, unpack

E = partial(Exercise, "neural")


def _ce_args(g):
    return g.st.tuples(g.sizes(1, 5), g.sizes(2, 4)).flatmap(lambda s: g.st.tuples(
        g.mat(s, -10, 10), g.labels(s[0], s[1])))


def _ce_oracle(logits, y):
    import mmlkit.autodiff as ad
    import mmlkit.nn.functional as F

    t = ad.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(t, y)
    loss.backward()
    return float(loss.numpy()), t.grad.numpy() if hasattr(t.grad, "numpy") else np.asarray(t.grad)


def _judge_ce(got, args):
    loss_e, d_e = _ce_oracle(*args)
    loss, d = unpack(got, ("loss", "dlogits"))
    loss = as_array("loss", loss, ())
    if not np.isfinite(loss):
        raise Fail("the loss is finite for large logits (use log-sum-exp)", f"got {float(loss)}",
                   expected=loss_e, got=loss)
    close("loss = mean over rows of −log softmax(logits)[y] (mmlkit.nn.functional.cross_entropy)", loss, loss_e,
          rtol=1e-9, atol=1e-12)
    d = as_array("dlogits", d, d_e.shape)
    close("dlogits = (softmax(logits) − onehot(y)) / n", d, d_e, rtol=1e-9, atol=1e-12)


def _attn_args(g):
    def build(s):
        lq, lk, d, dv, masked = s
        mask = g.hnp.arrays(bool, (lq, lk)).map(lambda m: m | (np.arange(lk)[None, :] == (np.arange(lq)[:, None] % lk)))
        return g.st.tuples(g.mat((lq, d), -3, 3), g.mat((lk, d), -3, 3), g.mat((lk, dv), -3, 3),
                           mask if masked else g.st.none())

    return g.st.tuples(g.sizes(1, 3), g.sizes(1, 4), g.sizes(1, 3), g.sizes(1, 2), g.st.booleans()).flatmap(build)


def _attn_oracle(Q, K, V, mask):
    import mmlkit.nn as nn

    return nn.scaled_dot_product_attention(Q, K, V, attn_mask=mask).numpy()


def _judge_attn(got, args):
    Q, K, V, mask = args
    ref = _attn_oracle(*args)
    out = as_array("the output", got, ref.shape)
    if mask is not None and not np.allclose(out, ref, rtol=1e-9, atol=1e-12):
        if np.allclose(out, _attn_oracle(Q, K, V, None), rtol=1e-9, atol=1e-12):
            raise Fail("masked positions (mask False) get zero weight", "your output ignores the mask",
                       expected=ref, got=got)
        if (~mask).any(axis=1).all() and np.allclose(out, _attn_oracle(Q, K, V, ~mask), rtol=1e-9, atol=1e-12):
            raise Fail("mask True means 'may attend' (as torch)", "your output attends exactly where mask is False",
                       expected=ref, got=got)
    close("softmax(QKᵀ/√d + mask) V, softmax over the keys (equals mmlkit.nn.scaled_dot_product_attention)",
          out, ref, rtol=1e-9, atol=1e-12)


def _lin_args(g):
    return g.st.tuples(g.sizes(1, 4), g.sizes(1, 3), g.sizes(1, 3)).flatmap(lambda s: g.st.tuples(
        g.mat((s[0], s[1])), g.mat((s[2], s[1])), g.mat((s[0], s[2]))))


def _ln_oracle(x, eps):
    import mmlkit.nn.functional as F

    return F.layer_norm(x, x.shape[-1:], eps=eps).numpy()


def _adj_args(g):
    def sym(M):
        U = np.triu(M, 1)
        return (U + U.T).astype(float)

    return g.sizes(1, 6).flatmap(lambda n: g.hnp.arrays(bool, (n, n))).map(lambda M: (sym(M),))


def _adj_oracle(A):
    import mmlkit.nn as nn

    return nn.normalized_adjacency(A)


EXERCISES = [
    E(name="softmax_cross_entropy_grad", title="Softmax cross-entropy: loss and gradient",
      task="For logits (n, c) and integer labels y (n,), return (loss, dlogits): the mean over rows of the "
           "cross-entropy of softmax(logits) against y, and its gradient with respect to the logits. "
           "Stable for logits of 1000.",
      formula="L = (1/n) Σ_i [logsumexp(z_i) − z_{i, y_i}];  ∂L/∂z = (softmax(z) − onehot(y)) / n",
      returns="tuple (float, ndarray (n, c))",
      args=_ce_args,
      cases=[("the example", (np.array([[2.0, 0.0], [0.0, 0.0]]), np.array([0, 1]))),
             ("large logits", (np.array([[1000.0, 0.0, -1000.0], [500.0, 1000.0, 0.0]]), np.array([2, 1])))],
      judge=_judge_ce,
      hints=("log softmax(z)_y = z_y − logsumexp(z); compute logsumexp after subtracting the row max.",
             "The gradient of the per-row loss is softmax(z) − onehot(y): subtract 1 at the true class.",
             "The loss is a mean over the n rows, so the gradient is divided by n as well."),
      tolerance="rtol 1e-9 against mmlkit.nn.functional.cross_entropy and its autodiff gradient"),
    E(name="attention", title="Scaled dot-product attention",
      task="Return softmax(QKᵀ/√d) V for Q (Lq, d), K (Lk, d), V (Lk, dv). mask, if given, is a boolean "
           "(Lq, Lk) array, True where attending is allowed (as torch's scaled_dot_product_attention); "
           "every row allows at least one key.",
      formula="A = softmax_over_keys(QKᵀ/√d, with −∞ where mask is False);  out = A V",
      returns="ndarray of shape (Lq, dv)",
      args=_attn_args,
      cases=[("the example", (np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]),
                              np.array([[1.0], [2.0]]), None)),
             ("a causal mask", (np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [0.5], [-1.0]]),
                                np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.tril(np.ones((3, 3), bool)))),
             ("large scores", (np.array([[30.0, 30.0]]), np.array([[30.0, 30.0], [-30.0, 29.0]]),
                               np.array([[1.0], [5.0]]), None))],
      judge=_judge_attn,
      hints=("Scores are Q @ K.T divided by √d, where d is the last dimension of Q (and K).",
             "Each query's weights are a softmax over the keys: the last axis of the (Lq, Lk) scores.",
             "Masked-out scores become −inf (np.where(mask, scores, -np.inf)); True means 'may attend'."),
      tolerance="rtol 1e-9 against mmlkit.nn.scaled_dot_product_attention"),
    E(name="linear_backward", title="Backpropagation through a linear layer",
      task="The layer computes out = X Wᵀ + b for X (n, in), W (out, in), b (out,). Given dout = ∂L/∂out "
           "(n, out), return (dX, dW, db), each of its variable's shape.",
      formula="dX = dout W;  dW = doutᵀ X;  db = Σ_rows dout",
      returns="tuple of arrays of shapes (n, in), (out, in), (out,)",
      args=_lin_args,
      cases=[("the example", (np.array([[1.0, 2.0]]), np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
                              np.array([[1.0, -1.0, 2.0]]))),
             ("several rows", (np.array([[1.0], [2.0], [3.0]]), np.array([[2.0]]), np.array([[1.0], [1.0], [-1.0]])))],
      judge=against(lambda X, W, dout: (dout @ W, dout.T @ X, dout.sum(axis=0)), "is correct", rtol=1e-12,
                    atol=1e-12, names=("dX", "dW", "db"),
                    props=("dX = dout W", "dW = doutᵀ X, of W's shape (out, in)", "db = dout summed over the rows")),
      hints=("Check shapes: each gradient has the shape of its variable.",
             "out_nj = Σ_k X_nk W_jk + b_j, so ∂L/∂W_jk = Σ_n dout_nj X_nk: dW = dout.T @ X (not X.T @ dout).",
             "b is added to every row, so its gradient sums dout over the rows (not the mean)."),
      tolerance="rtol 1e-12"),
    E(name="layer_norm", title="Layer normalisation (no learned scale or shift)",
      task="Normalise x over its last axis: subtract the mean and divide by the standard deviation "
           "(the biased variance, ddof = 0, plus eps inside the square root).",
      formula="y = (x − mean(x)) / sqrt(var(x) + eps), mean and var over the last axis",
      returns="ndarray of x's shape",
      args=lambda g: g.st.tuples(g.st.one_of(g.vec(g.sizes(1, 5)), g.st.tuples(g.sizes(1, 3), g.sizes(1, 4)).flatmap(
          g.mat)), g.st.sampled_from([1e-5, 1e-2])),
      cases=[("the example", (np.array([1.0, 2.0, 3.0]), 1e-5)),
             ("rows of a matrix", (np.array([[1.0, 1.0, 4.0], [0.0, -2.0, 2.0]]), 1e-5)),
             ("a constant row", (np.array([[3.0, 3.0]]), 1e-5))],
      judge=against(_ln_oracle, "equals mmlkit.nn.functional.layer_norm(x, x.shape[-1:], eps=eps)", rtol=1e-9,
                    atol=1e-9),
      hints=("Normalise each row (the last axis) on its own: axis=-1 with keepdims=True.",
             "Layer norm uses the biased variance x.var(axis=-1) (ddof = 0), like PyTorch.",
             "eps goes inside the square root: np.sqrt(var + eps), so a constant row gives 0, not NaN."),
      tolerance="rtol 1e-9, atol 1e-9"),
    E(name="normalized_adjacency", title="The normalised adjacency of a graph convolution (GCN)",
      task="Given the symmetric 0/1 adjacency matrix A of an undirected graph (no self-loops), add self-loops "
           "and normalise symmetrically by the degrees.",
      formula="Â = A + I;  D̂ = diag(Σ_j Â_ij);  return D̂^{−1/2} Â D̂^{−1/2}",
      returns="ndarray of shape (n, n)",
      args=_adj_args,
      cases=[("the example", (np.array([[0.0, 1.0], [1.0, 0.0]]),)),
             ("a path of three nodes", (np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]),)),
             ("an isolated node", (np.array([[0.0, 0.0], [0.0, 0.0]]),))],
      judge=against(_adj_oracle, "equals mmlkit.nn.normalized_adjacency(A) (self-loops added; symmetric "
                    "D^{-1/2} (A+I) D^{-1/2})", rtol=1e-12, atol=1e-14),
      hints=("Every node keeps its own features: add the identity before normalising.",
             "The degrees are the row sums of A + I, not of A.",
             "Normalise on both sides by 1/sqrt(degree): Â / np.sqrt(np.outer(d, d)) (not D⁻¹Â, which is not "
             "symmetric)."),
      tolerance="rtol 1e-12"),
]
