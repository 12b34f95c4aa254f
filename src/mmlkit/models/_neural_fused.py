"""The MLP estimators' training step with the chain rule written out by hand.

:class:`FusedEpoch` runs the same mini-batch epoch as the estimators' textbook
path (the network built from ``mmlkit.nn`` layers, differentiated by
``mmlkit.autodiff``), with backpropagation derived once for the stack
Linear → activation → … → Linear → loss, in NumPy, into arrays allocated once
per fit and reused by every batch. On the small batches MLPs are trained with,
the cost of a step is the number of NumPy calls, not their arithmetic: this
path makes about 30 per batch (and the optimizer about a dozen, over all the
parameters at once) where the recorded graph makes hundreds of Python-level
operations. The two paths give the same weights to rounding
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

#: The L2 term's gradient α C is added in pieces of this many values (a scratch that size, not a copy of C).
_CHUNK = 8192

#: Each hidden activation, applied in place to its pre-activation array.
FORWARD = {"relu": lambda a: np.maximum(a, 0, out=a), "tanh": lambda a: np.tanh(a, out=a),
           "logistic": lambda a: special.expit(a, out=a), "identity": lambda a: a}


def _relu_back(g, a):
    np.sign(a, out=a)      # a = relu(z) ≥ 0: sign(a) = 1[z > 0] (NaN stays NaN)
    a *= g


def _tanh_back(g, a):
    np.square(a, out=a)    # 1 − tanh²
    np.subtract(1, a, out=a)
    a *= g


def _logistic_back(g, a):
    g *= a                 # σ (1 − σ), in three in-place passes
    np.subtract(1, a, out=a)
    a *= g


#: a ← g ⊙ f′, f′ computed from the activation's output ``a``, which it overwrites (g may be overwritten too).
BACKWARD = {"relu": _relu_back, "tanh": _tanh_back, "logistic": _logistic_back,
            "identity": lambda g, a: np.copyto(a, g)}


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
    grad : ndarray
        The flat gradient array (``net.theta``'s layout) the optimizer reads.

    Notes
    -----
    Memory, allocated once: one (batch, width) array per layer (A_ℓ forward,
    then δ_ℓ written over it backward), a (batch, widest hidden) scratch for
    δ C_ℓᵀ, a (batch, n_features) array for the gathered rows when shuffling,
    and a scratch of at most 8192 values for the L2 term. Cost per batch of b
    rows: three matrix products per layer, O(b Σ_ℓ d_ℓ d_{ℓ+1}).
    """

    def __init__(self, net, activation, loss, alpha, batch, grad):
        self.net, self.loss, self.alpha = net, loss, alpha
        self.forward, self.backward = FORWARD[activation], BACKWARD[activation]
        dtype = net.theta.dtype
        self.grad = grad
        self.gcoefs, self.gintercepts = net.views(grad)
        # each layer's output, then (backward) its δ, written over it; one scratch for δ C_ℓᵀ
        self.acts = [np.empty((batch, w), dtype=dtype) for w in net.widths[1:]]
        self.scratch = np.empty(batch * max(net.widths[1:-1], default=0), dtype=dtype)
        self.rows = None   # the gathered rows of a shuffled batch, allocated on first use
        self.penalty = np.empty(min(net.n_coef, _CHUNK), dtype=dtype)
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
                if self.rows is None:
                    self.rows = np.empty((batch, X.shape[1]), dtype=X.dtype)
                Xb = np.take(X, idx, axis=0, out=self.rows[:len(idx)], mode="clip")   # clip: no buffered copy
                tb = target[idx]
            b = Xb.shape[0]
            total += self._batch(Xb, tb) * b
            step(b)
        return total

    def _batch(self, Xb, tb):
        """Forward, loss, backward on one batch; the gradient lands in ``grad``. Returns the batch loss.

        Memory: one (b, width) array per layer, holding A_ℓ on the way forward and δ_ℓ on the way
        back (δ_ℓ is computed from f′(A_ℓ) once A_ℓ has served in ∂C_{ℓ+1}), and one scratch.
        """
        b, net = Xb.shape[0], self.net
        acts = [a[:b] for a in self.acts]
        h = Xb
        for k, (C, c0, a) in enumerate(zip(net.coefs, net.intercepts, acts)):
            np.matmul(h, C, out=a)
            a += c0
            if k < len(acts) - 1:
                self.forward(a)
            h = a
        data_term = self._output(acts[-1], tb)
        for k in range(len(acts) - 1, -1, -1):
            below, delta = (Xb if k == 0 else acts[k - 1]), acts[k]
            np.matmul(below.T, delta, out=self.gcoefs[k])
            np.sum(delta, axis=0, out=self.gintercepts[k])
            if k:
                g = self.scratch[:below.size].reshape(below.shape)
                np.matmul(delta, net.coefs[k].T, out=g)
                self.backward(g, below)   # δ_{k−1} = (δ_k C_kᵀ) ⊙ f′(A_{k−1}), over A_{k−1}
        W = net.theta[:net.n_coef]
        penalty = 0.0
        if self.alpha:   # ∂C += α C, through a scratch of at most _CHUNK values
            for i in range(0, net.n_coef, _CHUNK):
                Wi = W[i:i + _CHUNK]
                self.grad[i:i + len(Wi)] += np.multiply(Wi, self.alpha, out=self.penalty[:len(Wi)])
            penalty = 0.5 * self.alpha * float(np.dot(W, W)) / b
        self.grad /= b
        return data_term + penalty

    def _output(self, z, t):
        """δ_L = ∂(Σ loss)/∂z, written over z; returns the batch's reported mean data loss."""
        b = z.shape[0]
        if self.loss == "squared":   # ½‖z − y‖², reported per output as scikit-learn does
            np.subtract(z, t, out=z)
            flat = z.reshape(-1)
            return 0.5 * float(np.dot(flat, flat)) / z.size
        if self.loss == "logistic":  # ℓ = log(1 + e^z) − y z, δ = σ(z) − y
            zf = z[:, 0]
            per = np.logaddexp(0, zf)
            per -= t * zf
            special.expit(z, out=z)
            zf -= t
        else:                        # ℓ = logsumexp(z) − z_y, δ = softmax(z) − onehot(y)
            rows = np.arange(b)
            z -= z.max(axis=1, keepdims=True)
            zy = z[rows, t]
            np.exp(z, out=z)
            s = z.sum(axis=1)
            z /= s[:, None]
            z[rows, t] -= 1
            per = np.log(s)
            per -= zy
        np.clip(per, *self.clip, out=per)
        return float(per.sum()) / b
