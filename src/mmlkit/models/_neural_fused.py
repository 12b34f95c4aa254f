"""The MLP estimators' training step with the chain rule written out by hand.

:class:`FusedEpoch` runs the same mini-batch epoch as the estimators' textbook
path (the network built from ``mmlkit.nn`` layers, differentiated by
``mmlkit.autodiff``), with backpropagation derived once for the stack
Linear → activation → … → Linear → loss, in NumPy, into arrays allocated once
per fit and reused by every batch. On the small batches MLPs are trained with,
the cost of a step is the number of NumPy calls, not their arithmetic: this
path makes about 25 per batch where the recorded graph makes hundreds of
Python-level operations. The two paths give the same weights to rounding
(tests/models/test_neural.py compares them).

Backpropagation, for hidden layers A_ℓ = f(A_{ℓ−1} C_ℓ + b_ℓ), A_0 = X_batch,
output Z = A_{L−1} C_L + b_L and a loss whose gradient in Z is δ_L = P − Y
(softmax or sigmoid with cross-entropy, identity with squared error):

    ∂C_ℓ = (A_{ℓ−1}ᵀ δ_ℓ + α C_ℓ) / b,   ∂b_ℓ = (1/b) Σ_rows δ_ℓ,
    δ_{ℓ−1} = (δ_ℓ C_ℓᵀ) ⊙ f′(A_{ℓ−1}),

with f′ read from the activation's output (relu: 1[A > 0]; tanh: 1 − A²;
logistic: A(1 − A); identity: 1), as scikit-learn's hand-written backprop does.
"""

from __future__ import annotations

import numpy as np
from scipy import special

__all__ = ["FlatNetwork", "FusedEpoch", "FORWARD", "clip_bounds"]

#: Each hidden activation, applied in place to its pre-activation array.
FORWARD = {"relu": lambda a: np.maximum(a, 0, out=a), "tanh": lambda a: np.tanh(a, out=a),
           "logistic": lambda a: special.expit(a, out=a), "identity": lambda a: a}


def _relu_back(delta, a):
    np.sign(a, out=a)      # a = relu(z) ≥ 0: sign(a) = 1[z > 0] (NaN stays NaN)
    delta *= a


def _tanh_back(delta, a):
    np.square(a, out=a)    # 1 − tanh²
    np.subtract(1, a, out=a)
    delta *= a


def _logistic_back(delta, a):
    delta *= a             # σ (1 − σ), in two in-place passes
    np.subtract(1, a, out=a)
    delta *= a


#: δ ← δ ⊙ f′, f′ computed from the activation's output ``a`` (which is overwritten).
BACKWARD = {"relu": _relu_back, "tanh": _tanh_back, "logistic": _logistic_back, "identity": lambda delta, a: None}


def clip_bounds(dtype):
    """Bounds of one sample's reported cross-entropy: the probability clipped to [ε, 1 − ε] (scikit-learn's
    log-loss), so −log(1 − ε) ≤ ℓ ≤ −log ε, ε the dtype's machine epsilon."""
    eps = float(np.finfo(dtype).eps)
    return -np.log1p(-eps), -np.log(eps)


class FlatNetwork:
    """The weights C_ℓ (fan_in, fan_out) and biases b_ℓ of a Linear stack, as views of one flat array.

    One array lets the optimizer update every parameter with a handful of
    elementwise passes (as many as for one parameter), and the L2 penalty is
    one dot product over the leading ``n_coef`` entries (the weights).
    """

    def __init__(self, widths, dtype):
        self.widths = tuple(widths)
        self.shapes = list(zip(self.widths[:-1], self.widths[1:]))
        self.n_coef = sum(a * b for a, b in self.shapes)
        self.theta = np.zeros(self.n_coef + sum(self.widths[1:]), dtype=dtype)
        self.coefs, self.intercepts = self.views(self.theta)

    def views(self, flat):
        """(coefs, intercepts): per-layer views of ``flat``, an array laid out as ``theta``."""
        coefs, intercepts, i, j = [], [], 0, self.n_coef
        for a, b in self.shapes:
            coefs.append(flat[i:i + a * b].reshape(a, b))
            intercepts.append(flat[j:j + b])
            i, j = i + a * b, j + b
        return coefs, intercepts


class FusedEpoch:
    """One epoch of mini-batch training of a :class:`FlatNetwork`, forward and backward by hand.

    Parameters
    ----------
    net : FlatNetwork
    activation : {"relu", "tanh", "logistic", "identity"}
    loss : {"softmax", "logistic", "squared"}
        The output layer and its loss: softmax with cross-entropy (targets are
        class indices), a single sigmoid with binary cross-entropy (targets 0/1,
        float), or identity with half the squared error (targets (n, k)).
    alpha : float
        L2 penalty strength.
    batch : int
        The largest batch (buffers are this many rows).
    n_features : int
    grad : ndarray
        The flat gradient array (``net.theta``'s layout) the optimizer reads.
    """

    def __init__(self, net, activation, loss, alpha, batch, grad):
        self.net, self.loss, self.alpha = net, loss, alpha
        self.forward, self.backward = FORWARD[activation], BACKWARD[activation]
        dtype = net.theta.dtype
        self.grad = grad
        self.gcoefs, self.gintercepts = net.views(grad)
        self.acts = [np.empty((batch, w), dtype=dtype) for w in net.widths[1:]]
        self.deltas = [np.empty((batch, w), dtype=dtype) for w in net.widths[1:]]
        self.rows = np.empty((batch, net.widths[0]), dtype=dtype)
        self.penalty = np.empty(net.n_coef, dtype=dtype)
        self.clip = clip_bounds(dtype)

    def run(self, X, target, order, batch, step):
        """Train on X's rows in ``order`` (None: in order, no copies), ``batch`` at a time, calling
        ``step(b)`` after each batch's gradient is in ``grad``; returns Σ_batches b · (batch loss)."""
        total = 0.0
        for start in range(0, X.shape[0], batch):
            if order is None:
                Xb, tb = X[start:start + batch], target[start:start + batch]
            else:
                idx = order[start:start + batch]
                Xb = np.take(X, idx, axis=0, out=self.rows[:len(idx)], mode="clip")
                tb = target[idx]
            b = Xb.shape[0]
            total += self._batch(Xb, tb) * b
            step(b)
        return total

    def _batch(self, Xb, tb):
        """Forward, loss, backward on one batch; the gradient lands in ``grad``. Returns the batch loss."""
        b, net = Xb.shape[0], self.net
        acts = [a[:b] for a in self.acts]
        deltas = [d[:b] for d in self.deltas]
        h = Xb
        for k, (C, c0, a) in enumerate(zip(net.coefs, net.intercepts, acts)):
            np.matmul(h, C, out=a)
            a += c0
            if k < len(acts) - 1:
                self.forward(a)
            h = a
        data_term = self._output(acts[-1], tb, deltas[-1])
        for k in range(len(acts) - 1, -1, -1):
            below = Xb if k == 0 else acts[k - 1]
            np.matmul(below.T, deltas[k], out=self.gcoefs[k])
            np.sum(deltas[k], axis=0, out=self.gintercepts[k])
            if k:
                np.matmul(deltas[k], net.coefs[k].T, out=deltas[k - 1])
                self.backward(deltas[k - 1], acts[k - 1])
        W = net.theta[:net.n_coef]
        penalty = 0.0
        if self.alpha:
            np.multiply(W, self.alpha, out=self.penalty)
            self.grad[:net.n_coef] += self.penalty
            penalty = 0.5 * self.alpha * float(np.dot(W, W)) / b
        self.grad /= b
        return data_term + penalty

    def _output(self, z, t, delta):
        """δ_L = ∂(Σ loss)/∂z into ``delta``; returns the batch's reported mean data loss."""
        b = z.shape[0]
        if self.loss == "squared":   # ½‖z − y‖², reported per output as scikit-learn does
            np.subtract(z, t, out=delta)
            flat = delta.reshape(-1)
            return 0.5 * float(np.dot(flat, flat)) / delta.size
        if self.loss == "logistic":  # ℓ = log(1 + e^z) − y z, δ = σ(z) − y
            zf, tf = z[:, 0], t
            per = np.logaddexp(0, zf)
            per -= tf * zf
            special.expit(z, out=delta)
            delta[:, 0] -= tf
        else:                        # ℓ = logsumexp(z) − z_y, δ = softmax(z) − onehot(y)
            rows = np.arange(b)
            np.subtract(z, z.max(axis=1, keepdims=True), out=delta)
            zy = delta[rows, t]
            np.exp(delta, out=delta)
            s = delta.sum(axis=1)
            delta /= s[:, None]
            delta[rows, t] -= 1
            per = np.log(s)
            per -= zy
        np.clip(per, *self.clip, out=per)
        return float(per.sum()) / b
