"""Multi-head self-attention and the transformer encoder block (PyTorch's parameter layout)."""

from __future__ import annotations

import numbers

import numpy as np

from mmlkit import autodiff as ad
from mmlkit._validation import Interval, Options, check_random_state, validate_args
from mmlkit.nn import functional as F
from mmlkit.nn import init
from mmlkit.nn.layers import _RATE, _SIZE, Dropout, LayerNorm, Linear
from mmlkit.nn.module import Module, Parameter

__all__ = ["MultiHeadAttention", "TransformerBlock"]


class MultiHeadAttention(Module):
    r"""Multi-head attention, laid out as ``torch.nn.MultiheadAttention(batch_first=True)``.

    headᵢ = softmax((Q W_Qⁱ)(K W_Kⁱ)ᵀ / √d_h + M) (V W_Vⁱ),  out = concat(head₁…head_h) W_Oᵀ

    Parameters
    ----------
    embed_dim : int
        Model width E (divisible by ``num_heads``); d_h = E / h.
    num_heads : int
    dropout : float, default=0.0
        Dropout on the attention weights (training mode only).
    bias : bool, default=True
    dtype, random_state
        As for :class:`~mmlkit.nn.Linear`.

    Attributes
    ----------
    in_proj_weight : (3E, E)   W_Q, W_K, W_V stacked, as PyTorch
    in_proj_bias : (3E,)
    out_proj : Linear(E, E)
    """

    @validate_args({"embed_dim": _SIZE, "num_heads": _SIZE, "dropout": _RATE, "bias": ["boolean"],
                    "random_state": ["random_state"]})
    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, dtype=np.float64, random_state=None):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        rng = check_random_state(random_state)
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.dropout = dropout
        self._rng = rng
        self.in_proj_weight = Parameter(np.zeros((3 * embed_dim, embed_dim)), dtype=dtype)
        init.xavier_uniform_(self.in_proj_weight, random_state=rng)
        self.in_proj_bias = Parameter(np.zeros(3 * embed_dim), dtype=dtype) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype, random_state=rng)
        if bias:
            self.out_proj.bias.data[...] = 0.0

    def _split(self, x):  # (N, L, E) -> (N, h, L, d_h)
        n, length, _ = x.shape
        return ad.transpose(x.reshape(n, length, self.num_heads, self.head_dim), (0, 2, 1, 3))

    def forward(self, query, key=None, value=None, attn_mask=None, key_padding_mask=None, need_weights=True,
                average_attn_weights=True, is_causal=False):
        """Attend from ``query`` (N, L, E) to ``key``/``value`` (N, S, E) (self-attention when omitted).

        ``attn_mask`` (L, S): boolean True = *not allowed* (PyTorch's convention for this
        module) or an additive float mask. ``key_padding_mask`` (N, S): True marks padding.
        Returns ``(output (N, L, E), weights)``; weights are (N, L, S) averaged over heads,
        (N, h, L, S) with ``average_attn_weights=False``, or None without ``need_weights``.
        """
        q = ad.as_tensor(query)
        k = q if key is None else ad.as_tensor(key)
        v = k if value is None else ad.as_tensor(value)
        if q.ndim != 3 or q.shape[-1] != self.embed_dim:
            raise ValueError(f"query must have shape (batch, length, {self.embed_dim}), got {q.shape}")
        E = self.embed_dim
        W, b = self.in_proj_weight, self.in_proj_bias
        Wq, Wk, Wv = W[:E], W[E:2 * E], W[2 * E:]
        bq, bk, bv = (None, None, None) if b is None else (b[:E], b[E:2 * E], b[2 * E:])
        Q = self._split(F.linear(q, Wq, bq))
        K = self._split(F.linear(k, Wk, bk))
        V = self._split(F.linear(v, Wv, bv))
        L, S = q.shape[1], k.shape[1]
        mask = np.zeros((q.shape[0], 1, L, S), dtype=q.dtype)
        if attn_mask is not None:
            m = np.asarray(attn_mask)
            mask = mask + (np.where(m, -np.inf, 0.0) if m.dtype == bool else m).astype(q.dtype)
        if key_padding_mask is not None:
            pad = np.asarray(key_padding_mask, dtype=bool)
            mask = mask + np.where(pad[:, None, None, :], -np.inf, 0.0).astype(q.dtype)
        if is_causal:
            mask = mask + np.where(np.triu(np.ones((L, S), dtype=bool), 1), -np.inf, 0.0).astype(q.dtype)
        use_mask = attn_mask is not None or key_padding_mask is not None or is_causal
        out, weights = F.scaled_dot_product_attention(
            Q, K, V, attn_mask=mask if use_mask else None, dropout_p=self.dropout, training=self.training,
            random_state=self._rng, return_weights=True)
        n = q.shape[0]
        out = ad.transpose(out, (0, 2, 1, 3)).reshape(n, L, E)
        out = self.out_proj(out)
        if not need_weights:
            return out, None
        w = weights.detach().data
        return out, (w.mean(axis=1) if average_attn_weights else w)


class TransformerBlock(Module):
    r"""A transformer encoder layer, as ``torch.nn.TransformerEncoderLayer(batch_first=True)``.

    Post-norm (default):  x ← LN₁(x + SA(x)),  x ← LN₂(x + FF(x));
    pre-norm (``norm_first=True``): x ← x + SA(LN₁(x)), x ← x + FF(LN₂(x));
    FF(x) = W₂ act(W₁x + b₁) + b₂.

    The attention weights of the last forward pass are kept in ``last_attention``
    (N, L, S) for plotting.
    """

    @validate_args({"d_model": _SIZE, "nhead": _SIZE, "dim_feedforward": _SIZE, "dropout": _RATE,
                    "activation": [Options(("relu", "gelu"))],
                    "layer_norm_eps": [Interval(numbers.Real, 0.0, None, closed="neither")],
                    "norm_first": ["boolean"], "random_state": ["random_state"]})
    def __init__(self, d_model, nhead, dim_feedforward=2048, dropout=0.1, activation="relu", layer_norm_eps=1e-5,
                 norm_first=False, dtype=np.float64, random_state=None):
        super().__init__()
        rng = check_random_state(random_state)
        self.self_attn = MultiHeadAttention(d_model, nhead, dropout=dropout, dtype=dtype, random_state=rng)
        self.linear1 = Linear(d_model, dim_feedforward, dtype=dtype, random_state=rng)
        self.linear2 = Linear(dim_feedforward, d_model, dtype=dtype, random_state=rng)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, dtype=dtype)
        self.dropout1 = Dropout(dropout, random_state=rng)
        self.dropout2 = Dropout(dropout, random_state=rng)
        self.dropout = Dropout(dropout, random_state=rng)
        self.norm_first = norm_first
        self._act = ad.relu if activation == "relu" else ad.gelu
        self.last_attention = None

    def _sa(self, x, src_mask, src_key_padding_mask, is_causal):
        out, w = self.self_attn(x, attn_mask=src_mask, key_padding_mask=src_key_padding_mask, is_causal=is_causal)
        object.__setattr__(self, "last_attention", w)
        return self.dropout1(out)

    def _ff(self, x):
        return self.dropout2(self.linear2(self.dropout(self._act(self.linear1(x)))))

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        x = ad.as_tensor(src)
        if self.norm_first:
            x = x + self._sa(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            return x + self._ff(self.norm2(x))
        x = self.norm1(x + self._sa(x, src_mask, src_key_padding_mask, is_causal))
        return self.norm2(x + self._ff(x))


