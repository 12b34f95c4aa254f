"""Losses equal torch.nn.functional's, values and gradients, including extreme inputs."""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

from mmlkit import nn
from mmlkit.autodiff import tensor

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-6)}


def both(fn_ours, fn_torch, x, *args, dtype=np.float64, **kwargs):
    xo, xt = tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    lo = fn_ours(xo, *args, **kwargs)
    lt = fn_torch(xt, *[torch.from_numpy(np.asarray(a)) for a in args], **kwargs)
    np.testing.assert_allclose(lo.data, lt.detach().numpy(), **TOL[dtype])
    assert lo.data.dtype == dtype
    g = np.ones(lo.shape, dtype=dtype)
    lo.backward(g)
    lt.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("scale", [1.0, 100.0])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_cross_entropy(dtype, reduction, scale, smoothing):
    rng = np.random.default_rng(0)
    logits = (rng.standard_normal((7, 4)) * scale).astype(dtype)  # scale 100: softmax saturates, still stable
    target = rng.integers(0, 4, 7)
    both(nn.cross_entropy, TF.cross_entropy, logits, target, dtype=dtype, reduction=reduction,
         label_smoothing=smoothing)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_and_binary_losses(dtype, reduction):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, 3)).astype(dtype)
    y = rng.standard_normal((5, 3)).astype(dtype)
    both(nn.mse_loss, TF.mse_loss, x, y, dtype=dtype, reduction=reduction)
    labels = (rng.uniform(size=(5, 3)) < 0.5).astype(dtype)
    both(nn.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, x * 50, labels, dtype=dtype,
         reduction=reduction)
    probs = rng.uniform(0.01, 0.99, size=(5, 3)).astype(dtype)
    both(nn.binary_cross_entropy, TF.binary_cross_entropy, probs, labels, dtype=dtype, reduction=reduction)


def test_binary_cross_entropy_clamps_like_torch_at_0_and_1():
    p = np.array([0.0, 1.0, 0.5])
    y = np.array([1.0, 0.0, 1.0])
    ours = nn.binary_cross_entropy(tensor(p), y, reduction="none").data
    ref = TF.binary_cross_entropy(torch.from_numpy(p), torch.from_numpy(y), reduction="none").numpy()
    np.testing.assert_allclose(ours, ref)
    assert np.isfinite(ours).all()


@pytest.mark.parametrize("call, match", [
    (lambda: nn.cross_entropy(tensor(np.zeros((2, 3))), [0, 3]), r"class indices in \[0, 2\]"),
    (lambda: nn.cross_entropy(tensor(np.zeros((2, 3))), [0.5, 1]), "integer class indices"),
    (lambda: nn.cross_entropy(tensor(np.zeros(3)), [0]), "logits must be 2-D"),
    (lambda: nn.cross_entropy(tensor(np.zeros((2, 3))), [0]), "target has 1 entries"),
    (lambda: nn.cross_entropy(tensor(np.zeros((2, 3))), [0, 1], reduction="avg"), "reduction must be one of"),
    (lambda: nn.mse_loss(tensor(np.zeros(3)), np.zeros(4)), "target shape"),
    (lambda: nn.binary_cross_entropy(tensor(np.array([1.5])), [1.0]), r"probabilities in \[0, 1\]"),
])
def test_loss_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("shape", [(1, 3), (4, 1), (1, 1), (5, 3)])
@pytest.mark.parametrize("layout", ["C", "F"])
def test_cross_entropy_fused_node_leaves_logits_alone_and_matches_torch_twice(shape, layout):
    """The fused node works on a copy (one row or one column is both C- and F-ordered: a view would be
    shifted in place), and the probabilities it keeps for the rule serve a second backward
    (retain_graph) unchanged; with a single class every gradient is 0."""
    rng = np.random.default_rng(sum(shape))
    x = np.asarray(rng.standard_normal(shape) * 30, order=layout)
    target = rng.integers(0, shape[1], shape[0])
    xo, xt = tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    before = xo.data.copy()
    lo, lt = nn.cross_entropy(xo, target), TF.cross_entropy(xt, torch.from_numpy(target))
    np.testing.assert_array_equal(xo.data, before)
    np.testing.assert_allclose(lo.data, lt.detach().numpy(), rtol=1e-12)
    lo.backward(retain_graph=True)
    lo.backward()
    lt.backward(retain_graph=True)
    lt.backward()
    np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-15)
    np.testing.assert_array_equal(xo.data, before)
