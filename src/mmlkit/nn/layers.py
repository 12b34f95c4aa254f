"""Layers: affine maps, activations, dropout, normalisation, embeddings, and the MLP."""

from __future__ import annotations

import math
import numbers

import numpy as np

from mmlkit import autodiff as ad
from mmlkit._validation import Interval, Options, check_random_state, validate_args
from mmlkit.nn import functional as F
from mmlkit.nn import init
from mmlkit.nn.module import Module, Parameter, Sequential

__all__ = ["Dropout", "Embedding", "GELU", "Identity", "LayerNorm", "Linear", "MLP", "ReLU", "Sigmoid",
           "Softmax", "Tanh"]

#: constraints shared by the layers' parameter tables
_SIZE = [Interval(numbers.Integral, 1, None)]
_RATE = [Interval(numbers.Real, 0.0, 1.0)]
_AXIS = [Interval(numbers.Integral, None, None)]


class Linear(Module):
    r"""y = x Wᵀ + b, with ``weight`` of shape (out_features, in_features) as in PyTorch.

    Initialised as ``torch.nn.Linear``: W, b ~ U(−1/√in, 1/√in) (Kaiming-uniform with a = √5).

    Parameters
    ----------
    in_features, out_features : int
    bias : bool, default=True
    dtype : numpy dtype, default=np.float64
    random_state : int, Generator or None
    """

    @validate_args({"in_features": _SIZE, "out_features": _SIZE, "bias": ["boolean"],
                    "random_state": ["random_state"]})
    def __init__(self, in_features, out_features, bias=True, dtype=np.float64, random_state=None):
        super().__init__()
        rng = check_random_state(random_state)
        self.in_features, self.out_features = in_features, out_features
        # stored as the transpose of a C-ordered (in, out) array: x Wᵀ then multiplies by a C-ordered
        # matrix, the layout BLAS runs fastest (the values and the (out, in) shape are torch's)
        self.weight = Parameter(np.zeros((in_features, out_features)).T, dtype=dtype)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), random_state=rng)
        if bias:
            bound = 1 / math.sqrt(in_features)
            self.bias = Parameter(rng.uniform(-bound, bound, out_features), dtype=dtype)
        else:
            self.bias = None

    def forward(self, x):
        self._check_input(x)
        return F.linear(x, self.weight, self.bias)

    def _check_input(self, x):
        shape = getattr(x, "shape", None) or np.shape(x)
        if len(shape) == 0 or shape[-1] != self.in_features:
            raise ValueError(f"{type(self).__name__}({self.extra_repr()}) expects inputs whose last dimension is "
                             f"in_features = {self.in_features}, got an input of shape {tuple(shape)}")

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class _Activation(Module):
    fn = None

    def forward(self, x):
        return type(self).fn(x)


class ReLU(_Activation):
    """max(x, 0)."""

    fn = staticmethod(ad.relu)


class Sigmoid(_Activation):
    """σ(x) = 1 / (1 + e^{−x})."""

    fn = staticmethod(ad.sigmoid)


class Tanh(_Activation):
    """tanh(x)."""

    fn = staticmethod(ad.tanh)


class GELU(_Activation):
    """x·Φ(x), the exact (erf) form."""

    fn = staticmethod(ad.gelu)


class Identity(_Activation):
    """The identity map."""

    fn = staticmethod(lambda x: x)


class Softmax(Module):
    """softmax along ``dim``: eˣⁱ / Σⱼ eˣʲ."""

    @validate_args({"dim": _AXIS})
    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return ad.softmax(x, axis=self.dim)


class Dropout(Module):
    """Zero entries with probability p in training mode (scaling the rest by 1/(1 − p)); identity in eval mode."""

    @validate_args({"p": _RATE, "random_state": ["random_state"]})
    def __init__(self, p=0.5, random_state=None):
        super().__init__()
        self.p = p
        self._rng = check_random_state(random_state)

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self._rng)

    def extra_repr(self):
        return f"p={self.p}"


class LayerNorm(Module):
    """Layer normalisation over the trailing ``normalized_shape`` with learnable γ (ones) and β (zeros)."""

    @validate_args({"normalized_shape": [*_SIZE, "int-sequence"],
                    "eps": [Interval(numbers.Real, 0.0, None, closed="neither")],
                    "elementwise_affine": ["boolean"]})
    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, dtype=np.float64):
        super().__init__()
        self.normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.eps = eps
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape), dtype=dtype)
            self.bias = Parameter(np.zeros(self.normalized_shape), dtype=dtype)
        else:
            self.weight = self.bias = None

    def forward(self, x):
        shape = tuple(getattr(x, "shape", None) or np.shape(x))
        k = len(self.normalized_shape)
        if shape[len(shape) - k:] != self.normalized_shape:
            raise ValueError(f"LayerNorm(normalized_shape={self.normalized_shape}) expects inputs whose trailing "
                             f"dimensions are {self.normalized_shape}, got an input of shape {shape}")
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class Embedding(Module):
    """A lookup table: row i of ``weight`` (num_embeddings, embedding_dim) for token i; W ~ N(0, 1)."""

    @validate_args({"num_embeddings": _SIZE, "embedding_dim": _SIZE, "random_state": ["random_state"]})
    def __init__(self, num_embeddings, embedding_dim, dtype=np.float64, random_state=None):
        super().__init__()
        rng = check_random_state(random_state)
        self.num_embeddings = num_embeddings
        self.weight = Parameter(rng.standard_normal((num_embeddings, embedding_dim)), dtype=dtype)

    def forward(self, idx):
        idx = np.asarray(idx.data if isinstance(idx, ad.Tensor) else idx)
        if idx.dtype.kind not in "iu":
            raise ValueError(f"Embedding indices must be integers, got dtype {idx.dtype}")
        if idx.size and (idx.min() < 0 or idx.max() >= self.num_embeddings):
            raise ValueError(f"Embedding indices must lie in [0, {self.num_embeddings - 1}]")
        return self.weight[idx]


_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "sigmoid": Sigmoid, "gelu": GELU, "identity": Identity}


class MLP(Sequential):
    """A multilayer perceptron: Linear → activation → … → Linear.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``(784, 256, 128, 10)``.
    activation : {"relu", "tanh", "sigmoid", "gelu", "identity"}, default="relu"
    dropout : float, default=0.0
        Dropout after each hidden activation.
    dtype, random_state
        As for :class:`Linear`.
    """

    @validate_args({"activation": [Options(_ACTIVATIONS)], "dropout": _RATE, "random_state": ["random_state"]})
    def __init__(self, sizes, activation="relu", dropout=0.0, dtype=np.float64, random_state=None):
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes must list at least an input and an output width, got {sizes}")
        rng = check_random_state(random_state)
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Linear(a, b, dtype=dtype, random_state=rng))
            if i < len(sizes) - 2:
                layers.append(_ACTIVATIONS[activation]())
                if dropout:
                    layers.append(Dropout(dropout, random_state=rng))
        super().__init__(*layers)

    def forward(self, x):
        """The layers in order; a ``Linear`` followed by a ``ReLU`` is one fused node (the same values and
        gradients, with the affine output rectified in place: one array and one node fewer per layer)."""
        mods = list(self._modules.values())
        i = 0
        while i < len(mods):
            m = mods[i]
            if type(m) is Linear and i + 1 < len(mods) and type(mods[i + 1]) is ReLU:
                m._check_input(x)
                x = F._linear_relu(x, m.weight, m.bias)
                i += 2
            else:
                x = m(x)
                i += 1
        return x
