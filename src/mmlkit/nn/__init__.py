"""Neural networks on the autodiff engine: modules, layers, attention, graph convolution, losses, ``fit``.

PyTorch's names and layouts (``Linear(in_features, out_features)`` with
``weight`` of shape (out, in); ``MultiHeadAttention`` with a stacked
``in_proj_weight``), so weights carry over and outputs can be compared.
"""

from mmlkit.nn import functional, init
from mmlkit.nn.attention import MultiHeadAttention, TransformerBlock
from mmlkit.nn.functional import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    scaled_dot_product_attention,
)
from mmlkit.nn.graph import GraphConv, normalized_adjacency
from mmlkit.nn.init import kaiming_normal_, kaiming_uniform_, xavier_normal_, xavier_uniform_
from mmlkit.nn.layers import (
    GELU,
    MLP,
    Dropout,
    Embedding,
    Identity,
    LayerNorm,
    Linear,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from mmlkit.nn.module import Module, ModuleList, Parameter, Sequential
from mmlkit.nn.training import History, fit

__all__ = [
    "GELU", "MLP", "Dropout", "Embedding", "GraphConv", "History", "Identity", "LayerNorm", "Linear", "Module",
    "ModuleList", "MultiHeadAttention", "Parameter", "ReLU", "Sequential", "Sigmoid", "Softmax", "Tanh",
    "TransformerBlock", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "fit",
    "functional", "init", "kaiming_normal_", "kaiming_uniform_", "mse_loss", "normalized_adjacency",
    "scaled_dot_product_attention", "xavier_normal_", "xavier_uniform_",
]
