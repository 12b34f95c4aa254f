"""The operations networks are built from, as functions of tensors.

The two that dominate training time are fused primitives with hand-written
derivative rules: :func:`linear` (x Wᵀ + b in one node, skipping ∂/∂x when the
input needs no gradient) and :func:`cross_entropy` (log-softmax and the
negative log-likelihood in one node, whose gradient is softmax − onehot).
Their rules use raw NumPy in an ordinary backward pass and differentiable
Tensor operations when ``create_graph=True``, so higher derivatives still work.
Everything else is composed from :mod:`mmlkit.autodiff` operations.

As in PyTorch, values are not inspected: NaN in the input or the logits
propagates to the loss (the shapes, the class indices of ``cross_entropy`` and
the probabilities of ``binary_cross_entropy`` are checked). :func:`mmlkit.nn.fit`
rejects non-finite training data before the first step.
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from mmlkit import autodiff as ad
from mmlkit._validation import Interval, Options, check_random_state, validate_args
from mmlkit.autodiff import Tensor, is_grad_enabled, primitive
from mmlkit.autodiff._statistics import unit_scale
from mmlkit.autodiff._tensor import _owned

__all__ = [
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "dropout", "gelu",
    "layer_norm", "linear", "log_softmax", "mse_loss", "relu", "scaled_dot_product_attention", "sigmoid",
    "softmax", "tanh",
]

relu, sigmoid, tanh, gelu = ad.relu, ad.sigmoid, ad.tanh, ad.gelu
softmax, log_softmax = ad.softmax, ad.log_softmax

_REDUCTION = {"reduction": [Options(("mean", "sum", "none"))]}
_RATE = [Interval(numbers.Real, 0.0, 1.0)]


@primitive
def _linear(x, W, b):
    out = x @ W.T
    if b is not None:
        out += b
    return out


@functools.lru_cache(maxsize=64)
def _zero_row(n, dtype):
    """A read-only row of ``n`` zeros: ``np.maximum`` against a broadcast array runs its vector
    loop, about twice as fast as against the scalar 0 (the same values, NaN kept)."""
    z = np.zeros(n, dtype=dtype)
    z.flags.writeable = False
    return z


@_linear.defvjp
def _linear_vjp(g, ans, x, W, b):
    if is_grad_enabled():  # create_graph: stay differentiable
        return _linear_grads_recorded(g, x, W, b)
    return _linear_grads(g.data, x, W, b)


def _linear_grads_recorded(g, x, W, b):
    needs_x = isinstance(x, Tensor) and x.requires_grad
    gx = g @ W if needs_x else None
    gW = ad.transpose(g.reshape(-1, g.shape[-1])) @ ad.as_tensor(x).reshape(-1, W.shape[-1])
    gb = None if b is None else g.reshape(-1, g.shape[-1]).sum(axis=0)
    return gx, gW, gb


def _linear_grads(G, x, W, b):
    """∂x = G W, ∂W = Gᵀx, ∂b = Σ G over the batch, from the raw cotangent G (an ordinary backward)."""
    needs_x = isinstance(x, Tensor) and x.requires_grad
    Wd = W.data if isinstance(W, Tensor) else W
    xd = x.data if isinstance(x, Tensor) else x
    G2 = G.reshape(-1, G.shape[-1])
    x2 = xd.reshape(-1, Wd.shape[1])
    gx = G @ Wd if needs_x else None
    # ∂W in W's own memory order, so the optimizer's elementwise update runs over matching strides:
    # a weight stored as the transpose of a C-ordered (in, out) block (Linear's) gets (xᵀG)ᵀ, the same
    # product with the operands' roles swapped, which BLAS also runs faster at these shapes
    gW = (x2.T @ G2).T if _transposed(Wd) else G2.T @ x2
    gW = _owned(gW)  # new arrays, held nowhere else: a leaf adopts them
    gb = None if b is None else _owned(G2.sum(axis=0))
    return gx, gW, gb


def _transposed(W):
    """Whether W is stored as the transpose of a C-ordered array (F-ordered, and not also C-ordered)."""
    flags = W.flags
    return flags.f_contiguous and not flags.c_contiguous


@primitive
def _linear_relu(x, W, b):
    out = x @ W.T
    if b is not None:
        out += b
    # in place: the affine output is never seen
    return np.maximum(out, _zero_row(out.shape[-1], out.dtype), out=out)


@_linear_relu.defvjp
def _linear_relu_vjp(g, ans, x, W, b):
    mask = ans.data > 0  # relu(z) > 0 exactly where z > 0 (NaN: neither), so z need not be kept
    if is_grad_enabled():
        return _linear_grads_recorded(g * mask, x, W, b)
    return _linear_grads(np.multiply(g.data, mask), x, W, b)


def linear(x, weight, bias=None) -> Tensor:
    r"""Affine map y = x Wᵀ + b (PyTorch's layout: ``weight`` is (out_features, in_features)).

    One recorded node. Backward: ∂x = g W, ∂W = gᵀx, ∂b = Σ g over the batch,
    each a single matrix product; ∂x is skipped when x needs no gradient (the
    first layer), saving a third of the backward flops there.

    Parameters
    ----------
    x : Tensor (..., in_features)
    weight : Tensor (out_features, in_features)
    bias : Tensor (out_features,), optional
    """
    return _linear(x, weight, bias)


def _targets(target, n_classes):
    t = target.data if isinstance(target, Tensor) else np.asarray(target)
    if t.dtype.kind not in "iu":
        if t.dtype.kind == "f" and np.all(t == np.round(t)):
            t = t.astype(np.int64)
        else:
            raise ValueError("target must hold integer class indices")
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        raise ValueError(f"target must hold class indices in [0, {n_classes - 1}], got {t.min()}..{t.max()}")
    return t


@primitive
def _softmax_xent(logits, target, weight_sum, saved):
    """Σᵢ (logsumexp(zᵢ) − z_{i,yᵢ}) / weight_sum, keeping e^{z − max} and its row sums in ``saved``
    for the rule (the softmax is then one division away, not recomputed).

    Worked on the transpose (classes × samples, C-ordered): the max and the sum over a row of a
    few classes become reductions over the leading axis, which NumPy runs as vector passes.
    """
    zT = logits.T.copy()  # always a new C-ordered array (shifted and exponentiated in place below)
    zT -= zT.max(axis=0)
    picked = zT[target, np.arange(len(target))]
    e = np.exp(zT, out=zT)
    total = e.sum(axis=0)
    saved["e"], saved["total"] = e, total
    return np.asarray((np.log(total) - picked).sum() / weight_sum, dtype=logits.dtype)


@_softmax_xent.defvjp
def _softmax_xent_vjp(g, ans, logits, target, weight_sum, saved):
    if is_grad_enabled():
        p = ad.softmax(logits, axis=1)
        onehot = np.zeros(logits.shape, dtype=logits.dtype)
        onehot[np.arange(len(target)), target] = 1
        return (p - onehot) * (g / weight_sum), None, None, None
    pT = saved["e"] / saved["total"]  # softmax(z)ᵀ, a new array
    pT[target, np.arange(len(target))] -= 1
    pT *= g.data / weight_sum
    return pT.T, None, None, None


@validate_args({**_REDUCTION, "label_smoothing": [Interval(numbers.Real, 0.0, 1.0, closed="left")]})
def cross_entropy(logits, target, reduction="mean", label_smoothing=0.0) -> Tensor:
    r"""Cross-entropy from logits: ℓ = −log softmax(z)_y = logsumexp(z) − z_y.

    Parameters
    ----------
    logits : Tensor (n, k)
        Unnormalised class scores.
    target : array_like (n,) of int
        Class indices.
    reduction : {"mean", "sum", "none"}, default="mean"
    label_smoothing : float in [0, 1), default=0.0
        Mix the one-hot target with the uniform distribution, as PyTorch does.

    Notes
    -----
    Stable for any logits: the max is subtracted before exponentiating. With
    ``reduction`` "mean"/"sum" and no smoothing it is one fused node whose
    gradient is (softmax(z) − onehot(y)) / n — no log-softmax tensor is stored.
    """
    logits = ad.as_tensor(logits)
    if logits.ndim != 2:
        raise ValueError(f"logits must be 2-D (n_samples, n_classes), got shape {logits.shape}")
    t = _targets(target, logits.shape[1])
    if len(t) != logits.shape[0]:
        raise ValueError(f"target has {len(t)} entries but logits has {logits.shape[0]} rows")
    if reduction != "none" and label_smoothing == 0.0:
        return _softmax_xent(logits, t, float(len(t)) if reduction == "mean" else 1.0, {})
    logp = ad.log_softmax(logits, axis=1)
    per = -logp[np.arange(len(t)), t]
    if label_smoothing:
        per = (1 - label_smoothing) * per - label_smoothing * logp.mean(axis=1)
    return _reduce(per, reduction)


def _reduce(per, reduction):
    if reduction == "mean":
        return per.mean()
    if reduction == "sum":
        return per.sum()
    return per


@validate_args(_REDUCTION)
def mse_loss(input, target, reduction="mean") -> Tensor:
    """Mean squared error (1/n) Σ (ŷᵢ − yᵢ)² (``reduction`` "mean", "sum" or "none")."""
    input = ad.as_tensor(input)
    target = target if isinstance(target, Tensor) else np.asarray(target, dtype=input.dtype)
    if tuple(np.shape(target)) != tuple(input.shape):
        raise ValueError(f"target shape {np.shape(target)} must equal input shape {input.shape}")
    d = input - target
    return _reduce(d * d, reduction)


@validate_args(_REDUCTION)
def binary_cross_entropy(input, target, reduction="mean") -> Tensor:
    r"""Binary cross-entropy of probabilities: −[y log p + (1 − y) log(1 − p)].

    As PyTorch, each log is clamped at −100 so p ∈ {0, 1} gives a finite loss.
    Prefer :func:`binary_cross_entropy_with_logits`, which is exact for any logit.
    """
    p = ad.as_tensor(input)
    if not np.all((p.data >= 0) & (p.data <= 1)):  # NaN fails too, as in PyTorch
        raise ValueError("input must hold probabilities in [0, 1] (no NaN)")
    y = np.asarray(target.data if isinstance(target, Tensor) else target, dtype=p.dtype)
    if y.shape != p.shape:
        raise ValueError(f"target shape {y.shape} must equal input shape {p.shape}")
    return _reduce(_bce(p, y), reduction)


@primitive
def _bce(p, y):
    with np.errstate(divide="ignore"):
        return -(y * np.maximum(np.log(p), -100.0) + (1 - y) * np.maximum(np.log1p(-p), -100.0))


@_bce.defvjp
def _bce_vjp(g, ans, p, y):
    # PyTorch's rule: g (p − y) / max(p (1 − p), 1e-12), finite at p ∈ {0, 1}
    if is_grad_enabled():
        return g * (p - y) / ad.maximum(p * (1 - p), 1e-12), None
    pd = p.data
    return g.data * (pd - y) / np.maximum(pd * (1 - pd), 1e-12), None


@validate_args(_REDUCTION)
def binary_cross_entropy_with_logits(input, target, reduction="mean") -> Tensor:
    r"""Binary cross-entropy from logits z, stable for any z.

    ℓ = max(z, 0) − z·y + log(1 + e^{−|z|}), which equals
    −[y log σ(z) + (1 − y) log(1 − σ(z))] without overflow.
    """
    z = ad.as_tensor(input)
    y = np.asarray(target.data if isinstance(target, Tensor) else target, dtype=z.dtype)
    if y.shape != z.shape:
        raise ValueError(f"target shape {y.shape} must equal input shape {z.shape}")
    per = ad.relu(z) - z * y + ad.log1p(ad.exp(-ad.abs(z)))
    return _reduce(per, reduction)


@validate_args({"p": _RATE})
def dropout(x, p=0.5, training=True, random_state=None) -> Tensor:
    """Inverted dropout: zero each entry with probability p, scale the rest by 1/(1 − p)."""
    if not training or p == 0.0:
        return ad.as_tensor(x)
    x = ad.as_tensor(x)
    if p == 1.0:
        return x * np.zeros(x.shape, dtype=x.dtype)
    rng = check_random_state(random_state)
    mask = (rng.random(x.shape) >= p).astype(x.dtype) / np.asarray(1 - p, dtype=x.dtype)
    return x * mask


def layer_norm(x, normalized_shape, weight=None, bias=None, eps=1e-5) -> Tensor:
    r"""Layer normalisation over the last ``len(normalized_shape)`` axes.

    y = (x − μ) / √(σ² + ε) · γ + β with μ, σ² the mean and biased variance
    over those axes (Ba et al., 2016).
    """
    x = ad.as_tensor(x)
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    if tuple(x.shape[-len(shape):]) != shape:
        raise ValueError(f"the last dimensions of x {x.shape} must equal normalized_shape {shape}")
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    # (x − μ)/√(σ² + ε) = (c·x − c·μ)/√(c²σ² + c²ε) for the power of two c ≤ 1 that brings a
    # large slice to unit size: exact, and σ² cannot overflow. (Where σ² would underflow, ε ≫ σ².)
    c = np.minimum(unit_scale(x.data, axes)[0], 1)
    scaled = x * c
    centred = scaled - scaled.mean(axis=axes, keepdims=True)
    var = (centred * centred).mean(axis=axes, keepdims=True)
    y = centred / ad.sqrt(var + (eps * c) * c)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


@validate_args({"dropout_p": _RATE, "is_causal": ["boolean"], "training": ["boolean"],
                "return_weights": ["boolean"]})
def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False,
                                 training=False, random_state=None, return_weights=False):
    r"""Attention(Q, K, V) = softmax(Q Kᵀ / √d + M) V.

    Parameters
    ----------
    query : Tensor (..., L, d)
    key : Tensor (..., S, d)
    value : Tensor (..., S, d_v)
    attn_mask : array (L, S) or broadcastable, optional
        Boolean (True = may attend, as ``torch.nn.functional.scaled_dot_product_attention``)
        or additive float mask M.
    is_causal : bool, default=False
        Mask out the future: position i attends to j ≤ i.

    Returns
    -------
    Tensor (..., L, d_v), and the weights (..., L, S) when ``return_weights``.
    """
    q, k, v = ad.as_tensor(query), ad.as_tensor(key), ad.as_tensor(value)
    d = q.shape[-1]
    scores = (q @ ad.swapaxes(k, -1, -2)) * (1.0 / math.sqrt(d))
    L, S = scores.shape[-2], scores.shape[-1]
    bias = np.zeros((L, S), dtype=scores.dtype)
    if is_causal:
        bias = np.where(np.tril(np.ones((L, S), dtype=bool)), bias, -np.inf).astype(scores.dtype)
    if attn_mask is not None:
        m = np.asarray(attn_mask.data if isinstance(attn_mask, Tensor) else attn_mask)
        bias = bias + (np.where(m, 0.0, -np.inf) if m.dtype == bool else m).astype(scores.dtype)
    if is_causal or attn_mask is not None:
        scores = scores + bias
    weights = ad.softmax(scores, axis=-1)
    if dropout_p and training:
        weights = dropout(weights, dropout_p, training=True, random_state=random_state)
    out = weights @ v
    return (out, weights) if return_weights else out
