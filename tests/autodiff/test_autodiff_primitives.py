"""Every primitive's first and second derivatives against PyTorch and HIPS autograd.

For a primitive y = f(x₁, …, xₖ) we compare, on random data:
  first order   ∂/∂xᵢ ⟨W, f(x)⟩                      (a vector–Jacobian product)
  second order  ∂/∂xⱼ Σᵢ ⟨Vᵢ, ∂/∂xᵢ ⟨W, f(x)⟩⟩        (a Hessian–vector product)
computed by our engine (``create_graph=True``) and by ``torch.autograd.grad``, over
broadcasting shapes, in float64 (rtol 1e-9) and float32 (rtol 2e-4).
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import mmlkit.autodiff as ad
from mmlkit.autodiff import gradients

TOL = {np.float64: dict(rtol=1e-9, atol=1e-10), np.float32: dict(rtol=2e-4, atol=2e-4)}
DTYPES = [np.float64, np.float32]


def _domain(kind, rng, shape, dtype):
    if kind == "pos":
        x = rng.uniform(0.5, 2.0, shape)
    elif kind == "unit":
        x = rng.uniform(-0.8, 0.8, shape)
    else:
        x = rng.standard_normal(shape)
        x = np.where(np.abs(x) < 0.05, x + 0.2, x)  # keep kinks (relu, abs) away from 0
    return np.asarray(x, dtype=dtype)


def _compare(ours, theirs, arrays, dtype, seed):
    """Compare first and second derivatives of ⟨W, f(x)⟩ (ours vs torch)."""
    rng = np.random.default_rng(seed + 1000)
    xs = [ad.tensor(a, requires_grad=True) for a in arrays]
    y = ours(*xs)
    assert y.dtype == dtype, f"dtype changed to {y.dtype}"
    W = rng.standard_normal(y.shape).astype(dtype)
    g1 = gradients((y * W).sum(), xs, create_graph=True)
    Vs = [rng.standard_normal(a.shape).astype(dtype) for a in arrays]
    inner = sum(((g * v).sum() for g, v in zip(g1, Vs)), ad.tensor(np.zeros((), dtype)))
    g2 = gradients(inner, xs) if inner.requires_grad else [np.zeros_like(a) for a in arrays]

    txs = [torch.tensor(a, requires_grad=True) for a in arrays]
    ty = theirs(*txs)
    tg1 = torch.autograd.grad((ty * torch.tensor(W)).sum(), txs, create_graph=True, allow_unused=True)
    tg1 = [torch.zeros_like(t) if g is None else g for g, t in zip(tg1, txs)]
    tinner = sum((g * torch.tensor(v)).sum() for g, v in zip(tg1, Vs))
    if tinner.requires_grad:
        tg2 = torch.autograd.grad(tinner, txs, allow_unused=True)
        tg2 = [torch.zeros_like(t) if g is None else g for g, t in zip(tg2, txs)]
    else:
        tg2 = [torch.zeros_like(t) for t in txs]

    np.testing.assert_allclose(y.data, ty.detach().numpy(), **TOL[dtype])
    for a, b in zip(g1, tg1):
        assert a.dtype == dtype
        np.testing.assert_allclose(a.data, b.detach().numpy(), **TOL[dtype])
    for a, b in zip(g2, tg2):
        np.testing.assert_allclose(np.asarray(a.data if isinstance(a, ad.Tensor) else a), b.numpy(force=True),
                                   **TOL[dtype])


UNARY = [
    ("exp", ad.exp, torch.exp, "normal"),
    ("log", ad.log, torch.log, "pos"),
    ("log1p", ad.log1p, torch.log1p, "pos"),
    ("expm1", ad.expm1, torch.expm1, "normal"),
    ("sqrt", ad.sqrt, torch.sqrt, "pos"),
    ("square", ad.square, torch.square, "normal"),
    ("sin", ad.sin, torch.sin, "normal"),
    ("cos", ad.cos, torch.cos, "normal"),
    ("tan", ad.tan, torch.tan, "unit"),
    ("sinh", ad.sinh, torch.sinh, "normal"),
    ("cosh", ad.cosh, torch.cosh, "normal"),
    ("arctan", ad.arctan, torch.atan, "normal"),
    ("tanh", ad.tanh, torch.tanh, "normal"),
    ("sigmoid", ad.sigmoid, torch.sigmoid, "normal"),
    ("softplus", ad.softplus, F.softplus, "normal"),
    ("relu", ad.relu, torch.relu, "normal"),
    ("abs", ad.abs, torch.abs, "normal"),
    ("erf", ad.erf, torch.erf, "normal"),
    ("gelu", ad.gelu, F.gelu, "normal"),
    ("negative", ad.negative, torch.neg, "normal"),
    ("clip", lambda x: ad.clip(x, -0.5, 0.7), lambda x: torch.clamp(x, -0.5, 0.7), "normal"),
    ("reciprocal", lambda x: 1.0 / x, torch.reciprocal, "pos"),
    ("pow_scalar", lambda x: x ** 3, lambda x: x ** 3, "normal"),
    ("pow_half", lambda x: x ** 0.5, lambda x: x ** 0.5, "pos"),
    ("rsub", lambda x: 2.0 - x, lambda x: 2.0 - x, "normal"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
@pytest.mark.parametrize("name,ours,theirs,kind", UNARY, ids=[u[0] for u in UNARY])
def test_unary_against_torch(name, ours, theirs, kind, shape, dtype):
    rng = np.random.default_rng(abs(hash((name, shape))) % 2**32)
    _compare(ours, theirs, [_domain(kind, rng, shape, dtype)], dtype, seed=len(shape))


BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (3,)), ((5, 1), (1, 2))]
BINARY = [
    ("add", ad.add, torch.add, "normal"),
    ("subtract", ad.subtract, torch.sub, "normal"),
    ("multiply", ad.multiply, torch.mul, "normal"),
    ("divide", ad.divide, torch.div, "pos"),
    ("power", ad.power, torch.pow, "pos"),
    ("maximum", ad.maximum, torch.maximum, "normal"),
    ("minimum", ad.minimum, torch.minimum, "normal"),
    ("where", lambda a, b: ad.where(a.data > b.data, a * b, a + b),
     lambda a, b: torch.where(a > b, a * b, a + b), "normal"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize("name,ours,theirs,kind", BINARY, ids=[b[0] for b in BINARY])
def test_binary_broadcasting_against_torch(name, ours, theirs, kind, shapes, dtype):
    rng = np.random.default_rng(7)
    arrays = [_domain(kind, rng, s, dtype) for s in shapes]
    _compare(ours, theirs, arrays, dtype, seed=3)


MATMUL_SHAPES = [((3, 4), (4, 2)), ((4,), (4, 3)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_against_torch(shapes, dtype):
    rng = np.random.default_rng(11)
    arrays = [rng.standard_normal(s).astype(dtype) for s in shapes]
    _compare(lambda a, b: a @ b, torch.matmul, arrays, dtype, seed=5)


AXES = [None, 0, -1, (0, 2)]
REDUCTIONS = [
    ("sum", lambda x, ax, k: ad.sum(x, ax, k), lambda x, ax, k: x.sum(dim=ax, keepdim=k) if ax is not None else x.sum()),
    ("mean", lambda x, ax, k: ad.mean(x, ax, k), lambda x, ax, k: x.mean(dim=ax, keepdim=k) if ax is not None else x.mean()),
    ("max", lambda x, ax, k: ad.max(x, ax, k), lambda x, ax, k: torch.amax(x, dim=ax if ax is not None else tuple(range(x.ndim)), keepdim=k)),
    ("min", lambda x, ax, k: ad.min(x, ax, k), lambda x, ax, k: torch.amin(x, dim=ax if ax is not None else tuple(range(x.ndim)), keepdim=k)),
    ("logsumexp", lambda x, ax, k: ad.logsumexp(x, ax, k), lambda x, ax, k: torch.logsumexp(x, dim=ax if ax is not None else tuple(range(x.ndim)), keepdim=k)),
    ("var", lambda x, ax, k: ad.var(x, ax, keepdims=k), lambda x, ax, k: torch.var(x, dim=ax, keepdim=k, correction=0)),
    ("std1", lambda x, ax, k: ad.std(x, ax, ddof=1, keepdims=k), lambda x, ax, k: torch.std(x, dim=ax, keepdim=k, correction=1)),
    ("norm", lambda x, ax, k: ad.norm(x, axis=ax, keepdims=k), lambda x, ax, k: torch.linalg.vector_norm(x, dim=ax, keepdim=k)),
    ("norm1", lambda x, ax, k: ad.norm(x, ord=1, axis=ax, keepdims=k), lambda x, ax, k: torch.linalg.vector_norm(x, ord=1, dim=ax, keepdim=k)),
    ("norm3", lambda x, ax, k: ad.norm(x, ord=3, axis=ax, keepdims=k), lambda x, ax, k: torch.linalg.vector_norm(x, ord=3, dim=ax, keepdim=k)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name,ours,theirs", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions_against_torch(name, ours, theirs, axis, keepdims, dtype):
    x = np.random.default_rng(2).standard_normal((3, 4, 5)).astype(dtype)
    _compare(lambda t: ours(t, axis, keepdims), lambda t: theirs(t, axis, keepdims), [x], dtype, seed=1)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax_family_against_torch(name, axis, dtype):
    x = np.random.default_rng(4).standard_normal((3, 4, 5)).astype(dtype) * 3
    ours = getattr(ad, name)
    theirs = getattr(torch, name)
    _compare(lambda t: ours(t, axis), lambda t: theirs(t, dim=axis), [x], dtype, seed=2)


SHAPE_OPS = [
    ("reshape", lambda x: x.reshape(4, 6) ** 2, lambda x: x.reshape(4, 6) ** 2),
    ("transpose", lambda x: ad.transpose(x, (2, 0, 1)) * ad.tensor(np.arange(24.0, dtype=x.dtype).reshape(4, 2, 3)),
     lambda x: x.permute(2, 0, 1) * torch.arange(24.0, dtype=x.dtype).reshape(4, 2, 3)),
    ("T", lambda x: x.T ** 2, lambda x: x.permute(2, 1, 0) ** 2),
    ("swapaxes", lambda x: ad.sin(ad.swapaxes(x, 0, 2)), lambda x: torch.sin(x.transpose(0, 2))),
    ("expand_dims", lambda x: ad.expand_dims(x, 1) ** 2, lambda x: x.unsqueeze(1) ** 2),
    ("squeeze", lambda x: ad.squeeze(x[:, :1], 1) ** 3, lambda x: x[:, :1].squeeze(1) ** 3),
    ("broadcast_to", lambda x: ad.broadcast_to(x[:1], (5, 3, 4)) ** 2, lambda x: x[:1].expand(5, 3, 4) ** 2),
    ("slice", lambda x: x[1:, ::2, -1] ** 2, lambda x: x[1:, ::2, -1] ** 2),
    ("int_array", lambda x: x[[0, 1, 0], 2] ** 2, lambda x: x[[0, 1, 0], 2] ** 2),
    ("bool_mask", lambda x: x[x.data > 0] ** 2, lambda x: x[x > 0] ** 2),
    ("ellipsis", lambda x: x[..., 1] ** 3, lambda x: x[..., 1] ** 3),
    ("concatenate", lambda x: ad.concatenate([x, x ** 2], axis=1), lambda x: torch.cat([x, x ** 2], dim=1)),
    ("stack", lambda x: ad.stack([x, ad.sin(x)], axis=-1) ** 2, lambda x: torch.stack([x, torch.sin(x)], dim=-1) ** 2),
    ("flatten", lambda x: ad.flatten(x) ** 2, lambda x: x.flatten() ** 2),
    ("outer", lambda x: ad.outer(x[0, 0], x[1, 1]) ** 2, lambda x: torch.outer(x[0, 0], x[1, 1]) ** 2),
    ("dot", lambda x: ad.dot(x[0], x[1].T) ** 2, lambda x: (x[0] @ x[1].T) ** 2),
    ("einsum", lambda x: ad.einsum("ijk,ilk->jl", x, x ** 2), lambda x: torch.einsum("ijk,ilk->jl", x, x ** 2)),
    ("einsum_sum_index", lambda x: ad.einsum("ijk->i", x) ** 2, lambda x: torch.einsum("ijk->i", x) ** 2),
    ("cumsum", lambda x: ad.cumsum(x, axis=1) ** 2, lambda x: torch.cumsum(x, dim=1) ** 2),
    ("cumsum_flat", lambda x: ad.cumsum(x) ** 2, lambda x: torch.cumsum(x.flatten(), dim=0) ** 2),
    ("diagonal", lambda x: ad.diagonal(x[:, :3, :3]) ** 3, lambda x: torch.diagonal(x[:, :3, :3], dim1=-2, dim2=-1) ** 3),
    ("trace", lambda x: ad.trace(x[:, :3, 1:]) ** 2, lambda x: torch.diagonal(x[:, :3, 1:], dim1=-2, dim2=-1).sum(-1) ** 2),
    ("astype", lambda x: ad.astype(x, np.float64).astype(x.dtype) ** 2, lambda x: x.double().to(x.dtype) ** 2),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,ours,theirs", SHAPE_OPS, ids=[s[0] for s in SHAPE_OPS])
def test_shape_and_indexing_ops_against_torch(name, ours, theirs, dtype):
    x = np.random.default_rng(6).standard_normal((2, 3, 4)).astype(dtype)
    _compare(ours, theirs, [x], dtype, seed=4)


# --- HIPS autograd: second derivatives of elementwise functions -----------------------

AUTOGRAD_PAIRS = [
    (ad.exp, anp.exp), (ad.log, anp.log), (ad.sqrt, anp.sqrt), (ad.tanh, anp.tanh),
    (ad.sin, anp.sin), (ad.cos, anp.cos), (ad.log1p, anp.log1p), (ad.expm1, anp.expm1),
    (ad.arctan, anp.arctan), (ad.sinh, anp.sinh),
    (ad.softplus, lambda x: anp.logaddexp(0.0, x)),
    (ad.sigmoid, lambda x: 0.5 * (anp.tanh(x / 2) + 1)),
]


@pytest.mark.parametrize("ours,theirs", AUTOGRAD_PAIRS, ids=[p[0].__name__ for p in AUTOGRAD_PAIRS])
def test_elementwise_derivatives_up_to_third_order_against_autograd(ours, theirs):
    x = np.random.default_rng(0).uniform(0.3, 1.5, 7)
    ref = theirs
    mine = ours
    for _ in range(3):
        ref = autograd.elementwise_grad(ref)
        mine = ad.grad(lambda t, f=mine: ad.sum(f(t)))
        mine_vals = mine(x)
        np.testing.assert_allclose(mine_vals, ref(x), rtol=1e-10, atol=1e-12)
        mine = _elementwise(mine)


def _elementwise(gradient_fn):
    """Turn a gradient function (NumPy in/out, Tensor-polymorphic) back into an elementwise one."""
    return lambda t: gradient_fn(t)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hessians_of_compositions_against_autograd(seed):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((6, 4))
    x = rng.standard_normal(4)

    def ours(x):
        z = A @ x
        return ad.logsumexp(z) + ad.sum(ad.softplus(z) * ad.tanh(z)) + ad.norm(x) ** 3

    def theirs(x):
        z = anp.dot(A, x)
        m = anp.max(z)
        return (anp.log(anp.sum(anp.exp(z - m))) + m + anp.sum(anp.logaddexp(0.0, z) * anp.tanh(z))
                + anp.sqrt(anp.sum(x * x)) ** 3)

    np.testing.assert_allclose(ad.grad(ours)(x), autograd.grad(theirs)(x), rtol=1e-10)
    np.testing.assert_allclose(ad.hessian(ours)(x), autograd.hessian(theirs)(x), rtol=1e-9, atol=1e-11)
