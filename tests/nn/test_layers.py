"""Every layer's outputs and gradients equal PyTorch's given the same weights.

float64 to 1e-10 and float32 to 1e-5, as the issue asks.
"""

import numpy as np
import pytest
import torch

from mmlkit import nn
from mmlkit.autodiff import hessian, tensor

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}
TORCH = {np.float64: torch.float64, np.float32: torch.float32}
DTYPES = [np.float64, np.float32]


def copy_weights(ours, theirs):
    """Load our parameters into the torch module (names line up by construction)."""
    sd = {k: torch.from_numpy(v.copy()) for k, v in ours.state_dict().items()}
    theirs.load_state_dict(sd)


def compare(ours, theirs, x, dtype, upstream=None, **kwargs):
    """Forward both, backprop the same random cotangent, compare outputs and every gradient."""
    xt = torch.tensor(x, requires_grad=True)
    xo = tensor(x, requires_grad=True)
    out_o = ours(xo, **kwargs)
    out_t = theirs(xt, **kwargs)
    out_o = out_o[0] if isinstance(out_o, tuple) else out_o
    out_t = out_t[0] if isinstance(out_t, tuple) else out_t
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), **TOL[dtype])
    assert out_o.data.dtype == dtype
    g = np.random.default_rng(1).standard_normal(out_o.shape).astype(dtype) if upstream is None else upstream
    out_o.backward(g)
    out_t.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), **TOL[dtype])
    theirs_grads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, theirs_grads[name].grad.numpy(), **TOL[dtype], err_msg=name)
        assert p.grad.data.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (1, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(dtype, shape, bias):
    ours = nn.Linear(3, 4, bias=bias, dtype=dtype, random_state=0)
    theirs = torch.nn.Linear(3, 4, bias=bias, dtype=TORCH[dtype])
    copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    compare(ours, theirs, x, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("ours, theirs", [
    (nn.ReLU(), torch.nn.ReLU()), (nn.Sigmoid(), torch.nn.Sigmoid()), (nn.Tanh(), torch.nn.Tanh()),
    (nn.GELU(), torch.nn.GELU()), (nn.Softmax(dim=-1), torch.nn.Softmax(dim=-1)),
    (nn.Softmax(dim=0), torch.nn.Softmax(dim=0)), (nn.Identity(), torch.nn.Identity()),
])
def test_activations(dtype, ours, theirs):
    x = (np.random.default_rng(2).standard_normal((6, 5)) * 3).astype(dtype)
    compare(ours, theirs, x, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, normalized", [((4, 6), 6), ((2, 3, 6), 6), ((2, 3, 4), (3, 4))])
def test_layer_norm(dtype, shape, normalized):
    ours = nn.LayerNorm(normalized, dtype=dtype)
    rng = np.random.default_rng(3)
    for p in ours.parameters():
        p.data[...] = rng.standard_normal(p.shape)
    theirs = torch.nn.LayerNorm(normalized, dtype=TORCH[dtype])
    copy_weights(ours, theirs)
    compare(ours, theirs, rng.standard_normal(shape).astype(dtype) * 2 + 1, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_embedding(dtype):
    ours = nn.Embedding(7, 3, dtype=dtype, random_state=0)
    theirs = torch.nn.Embedding(7, 3, dtype=TORCH[dtype])
    copy_weights(ours, theirs)
    idx = np.array([[0, 3, 3], [6, 1, 3]])
    out = ours(idx)
    ref = theirs(torch.from_numpy(idx))
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **TOL[dtype])
    g = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    out.backward(g)
    ref.backward(torch.from_numpy(g))
    np.testing.assert_allclose(ours.weight.grad.data, theirs.weight.grad.numpy(), **TOL[dtype])  # repeats add
    with pytest.raises(ValueError, match="Embedding indices must lie in"):
        ours(np.array([7]))
    with pytest.raises(ValueError, match="must be integers"):
        ours(np.array([0.5]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_mlp_matches_torch_sequential(dtype):
    ours = nn.MLP((5, 8, 6, 3), activation="tanh", dtype=dtype, random_state=0)
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 6), torch.nn.Tanh(),
                                 torch.nn.Linear(6, 3)).to(TORCH[dtype])
    copy_weights(ours, theirs)
    compare(ours, theirs, np.random.default_rng(4).standard_normal((10, 5)).astype(dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dropout", [0.0, 0.25])
def test_relu_mlp_fused_forward_equals_layer_by_layer(dtype, dropout):
    """MLP fuses Linear → ReLU into one node: outputs, .grad of every parameter and of the input, and the
    second derivative through it are those of calling the layers one by one, bit for bit; a ReLU whose input
    is exactly 0 or NaN gets the same subgradient (0) and the NaN propagates."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((9, 5)).astype(dtype)
    x[0, :] = 0.0
    x[1, 2] = np.nan

    def run(forward):
        model = nn.MLP((5, 8, 6, 3), dropout=dropout, dtype=dtype, random_state=0)
        for m in model:
            if isinstance(m, nn.Linear):
                m.bias.data[:2] = 0.0
                m.weight.data[:2] = 0.0   # rows whose pre-activation is exactly 0
        xt = tensor(x, requires_grad=True)
        out = forward(model, xt)
        out.backward(np.arange(out.data.size, dtype=dtype).reshape(out.shape))
        return out.data, xt.grad.data, [p.grad.data for p in model.parameters()]

    fused, plain = run(nn.MLP.forward), run(nn.Sequential.forward)
    np.testing.assert_array_equal(fused[0], plain[0])
    np.testing.assert_array_equal(fused[1], plain[1])
    for a, b in zip(fused[2], plain[2]):
        np.testing.assert_array_equal(a, b)
    assert np.isnan(fused[0][1]).all() and np.isfinite(fused[0][2:]).all()
    # higher derivatives through the fused node (create_graph)
    model = nn.MLP((3, 4, 1), activation="relu", dtype=dtype, random_state=1)
    z = rng.standard_normal(3).astype(dtype)
    h_fused = np.asarray(hessian(lambda v: (model(v) ** 2).sum())(z))
    h_plain = np.asarray(hessian(lambda v: (nn.Sequential.forward(model, v) ** 2).sum())(z))
    np.testing.assert_array_equal(h_fused, h_plain)
    assert np.abs(h_plain).max() > 0
    with pytest.raises(ValueError, match="in_features = 5"):
        nn.MLP((5, 4, 3), dtype=dtype)(np.ones((2, 4), dtype=dtype))  # the fused path checks its input too


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mask_kind", [None, "bool", "float", "padding", "causal"])
def test_multihead_attention(dtype, mask_kind):
    E, h, L = 8, 2, 5
    ours = nn.MultiHeadAttention(E, h, dtype=dtype, random_state=0)
    theirs = torch.nn.MultiheadAttention(E, h, batch_first=True, dtype=TORCH[dtype])
    copy_weights(ours, theirs)
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, L, E)).astype(dtype)
    kwargs = {}
    if mask_kind == "bool":
        kwargs["attn_mask"] = np.triu(np.ones((L, L), dtype=bool), 1)
    elif mask_kind == "float":
        kwargs["attn_mask"] = rng.standard_normal((L, L)).astype(dtype)
    elif mask_kind == "padding":
        pad = np.zeros((3, L), dtype=bool)
        pad[1, -2:] = True
        kwargs["key_padding_mask"] = pad
    xo, xt = tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    if mask_kind == "causal":
        out_o, w_o = ours(xo, is_causal=True)
        tmask = torch.nn.Transformer.generate_square_subsequent_mask(L, dtype=TORCH[dtype])
        out_t, w_t = theirs(xt, xt, xt, attn_mask=tmask, is_causal=True)
    else:
        out_o, w_o = ours(xo, **kwargs)
        tk = {k: torch.from_numpy(v) for k, v in kwargs.items()}
        out_t, w_t = theirs(xt, xt, xt, **tk)
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), **TOL[dtype])
    np.testing.assert_allclose(w_o, w_t.detach().numpy(), **TOL[dtype])
    g = rng.standard_normal(out_o.shape).astype(dtype)
    out_o.backward(g)
    out_t.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), **TOL[dtype])
    tg = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.data, tg[name].grad.numpy(), **TOL[dtype], err_msg=name)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_transformer_block(dtype, norm_first, activation):
    ours = nn.TransformerBlock(8, 2, dim_feedforward=16, dropout=0.0, activation=activation, norm_first=norm_first,
                               dtype=dtype, random_state=0)
    theirs = torch.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, activation=activation,
                                              norm_first=norm_first, batch_first=True, dtype=TORCH[dtype])
    rng = np.random.default_rng(6)
    for p in ours.parameters():
        p.data[...] = rng.standard_normal(p.shape) * 0.3
    copy_weights(ours, theirs)
    theirs.eval()  # no dropout; torch's fast path is off while gradients are recorded
    compare(ours, theirs, rng.standard_normal((2, 4, 8)).astype(dtype), dtype)
    assert ours.last_attention.shape == (2, 4, 4)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sparse", [False, True])
def test_graph_conv_matches_torch_formula(dtype, sparse):
    import scipy.sparse as sp

    from mmlkit.datasets import load_karate_club

    A = load_karate_club().adjacency
    A_hat = nn.normalized_adjacency(sp.csr_matrix(A) if sparse else A)
    ours = nn.GraphConv(34, 4, dtype=dtype, random_state=0)
    ours.bias.data[...] = np.arange(4)
    H = np.eye(34, dtype=dtype)
    Ht = torch.tensor(H, requires_grad=True)
    W = torch.tensor(ours.lin.weight.data, requires_grad=True)
    b = torch.tensor(ours.bias.data, requires_grad=True)
    A_dense = A_hat.toarray() if sparse else A_hat
    ref = torch.from_numpy(A_dense.astype(dtype)) @ (Ht @ W.T) + b
    Ho = tensor(H, requires_grad=True)
    out = ours(Ho, A_hat)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), **TOL[dtype])
    g = np.random.default_rng(0).standard_normal(out.shape).astype(dtype)
    out.backward(g)
    ref.backward(torch.from_numpy(g))
    np.testing.assert_allclose(Ho.grad.data, Ht.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(ours.lin.weight.grad.data, W.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(ours.bias.grad.data, b.grad.numpy(), **TOL[dtype])


def test_normalized_adjacency_properties():
    A = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float)
    A_hat = nn.normalized_adjacency(A)
    np.testing.assert_allclose(A_hat, A_hat.T)
    eig = np.linalg.eigvalsh(A_hat)
    assert eig.max() == pytest.approx(1.0) and eig.min() >= -1 - 1e-12
    with pytest.raises(ValueError, match="square adjacency"):
        nn.normalized_adjacency(np.ones((2, 3)))
    with pytest.raises(ValueError, match="positive degree"):
        nn.normalized_adjacency(np.zeros((2, 2)), add_self_loops=False)


def test_second_derivatives_through_fused_linear_match_torch():
    lin = nn.Linear(3, 2, random_state=0)
    W, b = lin.weight.data, lin.bias.data

    def f(x):
        return nn.functional.cross_entropy(lin(x.reshape(1, 3)) * 1.0, np.array([1])) + (x * x * x).sum()

    H = hessian(f)(np.array([0.3, -0.2, 0.5]))

    def tf(x):
        z = x.reshape(1, 3) @ torch.from_numpy(W).T + torch.from_numpy(b)
        return torch.nn.functional.cross_entropy(z, torch.tensor([1])) + (x ** 3).sum()

    Ht = torch.func.hessian(tf)(torch.tensor([0.3, -0.2, 0.5], dtype=torch.float64))
    np.testing.assert_allclose(H, Ht.numpy(), rtol=1e-10, atol=1e-12)


def test_dropout_train_and_eval_modes():
    d = nn.Dropout(0.25, random_state=0)
    x = np.ones((200, 50))
    out = d(tensor(x)).data
    kept = out != 0
    assert abs(kept.mean() - 0.75) < 0.02
    np.testing.assert_allclose(out[kept], 1 / 0.75)
    d.eval()
    np.testing.assert_array_equal(d(tensor(x)).data, x)
    with pytest.raises(ValueError, match=r"p must be a float in the range \[0, 1\]"):
        nn.Dropout(1.5)


def test_bad_construction_raises():
    with pytest.raises(ValueError, match="embed_dim .* divisible by num_heads"):
        nn.MultiHeadAttention(10, 3)
    with pytest.raises(ValueError, match=r"in_features must be an int in the range \[1"):
        nn.Linear(0, 2)
    with pytest.raises(ValueError, match="sizes must list at least"):
        nn.MLP((3,))
    with pytest.raises(ValueError, match="activation must be one of"):
        nn.MLP((3, 2), activation="swish")
    with pytest.raises(ValueError, match="Sequential takes Modules"):
        nn.Sequential(nn.ReLU(), 3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mask", [None, "bool", "float", "causal"])
def test_scaled_dot_product_attention_matches_torch(dtype, mask):
    rng = np.random.default_rng(8)
    q, k, v = (rng.standard_normal((2, 3, 4, 5)).astype(dtype) for _ in range(3))
    kwargs_o, kwargs_t = {}, {}
    if mask == "bool":  # True = may attend, as torch.nn.functional's convention
        m = rng.uniform(size=(4, 4)) < 0.7
        np.fill_diagonal(m, True)
        kwargs_o["attn_mask"], kwargs_t["attn_mask"] = m, torch.from_numpy(m)
    elif mask == "float":
        m = rng.standard_normal((4, 4)).astype(dtype)
        kwargs_o["attn_mask"], kwargs_t["attn_mask"] = m, torch.from_numpy(m)
    elif mask == "causal":
        kwargs_o["is_causal"] = kwargs_t["is_causal"] = True
    ins_o = [tensor(a, requires_grad=True) for a in (q, k, v)]
    ins_t = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    out_o = nn.scaled_dot_product_attention(*ins_o, **kwargs_o)
    out_t = torch.nn.functional.scaled_dot_product_attention(*ins_t, **kwargs_t)
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), **TOL[dtype])
    g = rng.standard_normal(out_o.shape).astype(dtype)
    out_o.backward(g)
    out_t.backward(torch.from_numpy(g))
    for a, b in zip(ins_o, ins_t):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), **TOL[dtype])
