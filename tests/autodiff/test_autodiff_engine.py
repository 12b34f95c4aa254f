"""The engine's semantics: accumulation, graph freeing, no_grad, in-place checks, dtypes, deep graphs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import mmlkit.autodiff as ad
from mmlkit.autodiff import Tensor, no_grad, primitive, tensor


def test_small_expression_matches_torch():
    x, y = tensor(1.5, requires_grad=True), tensor(-0.7, requires_grad=True)
    f = x * y + ad.sin(x)
    f.backward()
    tx = torch.tensor(1.5, requires_grad=True, dtype=torch.float64)
    ty = torch.tensor(-0.7, requires_grad=True, dtype=torch.float64)
    (tx * ty + torch.sin(tx)).backward()
    assert np.isclose(x.grad.item(), tx.grad.item(), rtol=1e-14)
    assert np.isclose(y.grad.item(), ty.grad.item(), rtol=1e-14)


def test_reused_node_accumulates_every_path():
    x = tensor([1.0, 2.0], requires_grad=True)
    a = x * x  # used three times below
    y = (a + a * a + ad.exp(a)).sum()
    y.backward()
    xv = np.array([1.0, 2.0])
    expected = 2 * xv + 4 * xv ** 3 + np.exp(xv ** 2) * 2 * xv
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-13)


def test_grad_accumulates_across_backward_calls_like_torch():
    x = tensor([1.0, -2.0], requires_grad=True)
    for _ in range(3):
        (x ** 2).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3 * 2 * np.array([1.0, -2.0]))


def test_leaf_grads_do_not_alias_each_other():
    x, y = tensor([1.0], requires_grad=True), tensor([2.0], requires_grad=True)
    (x + y).sum().backward()
    x.grad.data[...] = 7.0
    assert y.grad.item() == 1.0


def test_second_backward_through_freed_graph_raises():
    x = tensor(2.0, requires_grad=True)
    y = ad.exp(x) * x
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = tensor(2.0, requires_grad=True)
    y = ad.exp(x) * x
    y.backward(retain_graph=True)
    y.backward()
    assert np.isclose(x.grad.item(), 2 * (np.exp(2) * 3))


def test_create_graph_gives_differentiable_grad():
    x = tensor(0.3, requires_grad=True)
    y = ad.sin(x) * x
    y.backward(create_graph=True)
    g = x.grad
    assert g.requires_grad
    x.grad = None
    g.backward()
    assert np.isclose(x.grad.item(), 2 * np.cos(0.3) - 0.3 * np.sin(0.3))


def test_backward_needs_gradient_for_non_scalar_and_checks_its_shape():
    x = tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with pytest.raises(RuntimeError, match="one-element"):
        y.backward()
    with pytest.raises(ValueError, match="shape"):
        y.backward(np.ones(3))
    y.backward(np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.data, [3.0, 30.0])


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tensor(1.0).backward()


def test_no_grad_records_nothing_and_allows_optimizer_updates():
    w = tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    assert ad.is_grad_enabled()
    with no_grad():
        assert not ad.is_grad_enabled()
        y = w * 2
        w -= 0.1 * w.grad
        w.data -= 0.0 * w.grad.data  # raw-array updates are allowed too
        w[0] = w[0] * 1.0
    assert ad.is_grad_enabled()
    assert not y.requires_grad and y.is_leaf
    np.testing.assert_allclose(w.data, [0.8, 1.6])
    assert w.requires_grad and w.is_leaf


def test_no_grad_as_decorator_and_set_grad_enabled():
    @no_grad()
    def f(x):
        return x * 2

    assert not f(tensor(1.0, requires_grad=True)).requires_grad
    with ad.set_grad_enabled(False):
        assert not ad.is_grad_enabled()
        with ad.enable_grad():
            assert ad.is_grad_enabled()
    assert ad.is_grad_enabled()


def test_inplace_on_leaf_requiring_grad_while_recording_raises():
    w = tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        w += 1.0
    with pytest.raises(RuntimeError, match="in-place"):
        w[0] = 3.0


def test_inplace_change_of_saved_input_is_detected():
    x = tensor([1.0, 2.0], requires_grad=True)
    a = x * 1.0
    y = ad.exp(a)  # saves its output
    z = (a * a).sum()  # saves a
    with no_grad():
        a.mul_(2.0)
    with pytest.raises(RuntimeError, match="in-place"):
        z.backward()
    with pytest.raises(RuntimeError, match="in-place"):
        with no_grad():
            y.add_(1.0)
        y.sum().backward()


def test_inplace_before_recording_is_fine():
    x = tensor([1.0, 2.0], requires_grad=True)
    c = tensor([1.0, 1.0])
    c += 1.0
    c.zero_()
    c.fill_(2.0)
    c.copy_(np.array([3.0, 4.0]))
    (x * c).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0, 4.0])
    assert c._version > 0


def test_float32_is_preserved_end_to_end():
    x = tensor(np.ones((3, 2), np.float32), requires_grad=True)
    W = tensor(np.ones((2, 4), np.float32), requires_grad=True)
    y = ad.softmax(ad.tanh(x @ W) * 2.0 + 1, axis=-1)
    y = ad.logsumexp(y, axis=1).mean() + ad.norm(x) + (x ** 2).sum() + np.float64(1.5) * x.sum()
    y = y + (2.0 ** x).sum() + ad.maximum(x, 0.5).sum() + ad.where(x.data > 0, x, 0.0).sum() + ad.var(x)
    assert y.dtype == np.float32
    (g,) = ad.gradients(y, [x], create_graph=True)
    assert g.dtype == np.float32 and ad.gradients(g.sum(), [x], retain_graph=True)[0].dtype == np.float32
    y.backward()
    assert x.grad.dtype == np.float32 and W.grad.dtype == np.float32
    assert ad.grad(lambda t: (t * 2.0).sum())(np.ones(2, np.float32)).dtype == np.float32


def test_mixed_dtypes_promote_like_torch_and_grads_keep_leaf_dtype():
    a = tensor(np.ones(2, np.float32), requires_grad=True)
    b = tensor(np.ones(2, np.float64), requires_grad=True)
    y = (a * b).sum()
    assert y.dtype == np.float64
    y.backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_ten_thousand_op_chain_forward_and_backward():
    x = tensor(0.5, requires_grad=True)
    y = x
    for _ in range(5000):
        y = ad.sin(y) + 0.001 * y  # 3 ops per step: 15,000 nodes
    y.backward()
    # derivative by the chain rule, computed numerically alongside
    v, d = 0.5, 1.0
    for _ in range(5000):
        d *= np.cos(v) + 0.001
        v = np.sin(v) + 0.001 * v
    assert np.isclose(y.item(), v) and np.isclose(x.grad.item(), d, rtol=1e-10)


def test_indexing_scatter_adds_repeated_indices():
    x = tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    idx = np.array([0, 0, 2, 2, 2])
    (x[1, idx] * 1.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0, 0], [2, 0, 3]])
    x.grad = None
    x[x.data > 2].sum().backward()
    np.testing.assert_allclose(x.grad.data, [[0, 0, 0], [1, 1, 1]])
    x.grad = None
    x[Tensor([1.0]), 1:].sum().backward()  # tensor indices are unwrapped
    np.testing.assert_allclose(x.grad.data, [[0, 0, 0], [0, 1, 1]])


def test_comparisons_are_boolean_arrays_and_reflected_ops_work():
    x = tensor([1.0, -2.0], requires_grad=True)
    assert isinstance(x > 0, np.ndarray) and (x > 0).dtype == bool
    assert (x == x).all() and not (x != x).any() and (x <= 1.0).all() and (x >= -2).all() and (x < 2).all()
    y = (2.0 - x) * (3.0 / (1.0 + x ** 2)) + 2 ** x + np.array([1.0, 1.0]) @ x - (-x)
    y.sum().backward()
    xv = np.array([1.0, -2.0])
    # the scalar a@x is broadcast over 2 entries
    expected = -3.0 / (1 + xv ** 2) + (2 - xv) * (-6 * xv / (1 + xv ** 2) ** 2) + np.log(2) * 2 ** xv + 2 + 1
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)


def test_numpy_ufuncs_dispatch_to_differentiable_versions():
    x = tensor([0.5, 1.0], requires_grad=True)
    y = np.exp(x) * np.ones(2) + np.sin(x)
    assert isinstance(y, Tensor)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, np.exp([0.5, 1.0]) + np.cos([0.5, 1.0]))


def test_tensor_attributes_and_conversions():
    t = tensor([[1, 2, 3], [4, 5, 6]])
    assert t.dtype == np.float64 and t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert t.T.shape == (3, 2) and t.reshape(3, 2).shape == (3, 2) and t.transpose(1, 0).shape == (3, 2)
    assert float(tensor(2.0)) == 2.0 and tensor([3.0]).item() == 3.0 and t.numpy() is t.data
    assert [r.shape for r in t] == [(3,), (3,)] and t.tolist()[1] == [4.0, 5.0, 6.0]
    assert "Tensor(" in repr(t) and "requires_grad" in repr(tensor(1.0, requires_grad=True))
    d = tensor(1.0, requires_grad=True) * 2
    assert d.op == "multiply" and not d.detach().requires_grad and d.detach().data is d.data
    assert Tensor([1.0], dtype=np.float32).dtype == np.float32
    src = np.array([1.0, 2.0])
    tensor(src).data[0] = 9.0
    assert src[0] == 1.0  # the caller's array is copied
    assert t.argmax() == 5 and t.argmin(axis=1).tolist() == [0, 0]
    with pytest.raises(ValueError, match="one element"):
        t.item()
    with pytest.raises(TypeError):
        len(tensor(1.0))
    with pytest.raises(ValueError):
        tensor(["a", "b"])
    with pytest.raises(ValueError):
        tensor([1j])


def test_errors_name_the_argument():
    x = tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match="axis"):
        ad.sum(x, axis=3)
    with pytest.raises(ValueError, match="permutation"):
        ad.transpose(x, (0, 0))
    with pytest.raises(ValueError, match="squeeze"):
        ad.squeeze(x, 0)
    with pytest.raises(ValueError, match="ddof"):
        ad.var(x, axis=0, ddof=2)
    with pytest.raises(ValueError, match="ord"):
        ad.norm(x, ord=-1)
    with pytest.raises(ValueError, match="explicit"):
        ad.einsum("ij,jk", x, x.T)
    with pytest.raises(ValueError, match="1-D and 2-D"):
        ad.dot(ad.tensor(np.ones((2, 2, 2))), x)
    with pytest.raises(ValueError, match="at least one"):
        ad.concatenate([])
    with pytest.raises(ValueError, match="at least one"):
        ad.stack([])


def test_user_primitive_with_rule_and_higher_order():
    @primitive
    def cube(x):
        return x ** 3

    @cube.defvjp
    def _(g, ans, x):
        return g * 3 * x ** 2

    x = tensor([2.0, -1.0], requires_grad=True)
    cube(x).sum().backward()
    np.testing.assert_allclose(x.grad.data, [12.0, 3.0])
    np.testing.assert_allclose(ad.hessian(lambda t: cube(t).sum())(np.array([2.0, -1.0])), np.diag([12.0, -6.0]))
    assert cube(tensor(2.0)).item() == 8.0 and repr(cube) == "<primitive cube>"


def test_user_primitive_with_several_arguments_constants_and_batched_fallback():
    @primitive(name="fused_linear")
    def linear(x, W, b, scale=1.0):
        return scale * (x @ W.T + b)

    def rule(g, ans, x, W, b, scale=1.0):
        return g @ W * scale, (g.mT @ x) * scale, g.sum(-2) * scale  # batch-aware

    ad.defvjp(linear, rule)
    rng = np.random.default_rng(0)
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    jac = ad.jacobian(lambda W: linear(x, W, b, scale=2.0))(W)  # loops over the batch
    ref = ad.jacobian(lambda W: 2.0 * (ad.tensor(x) @ W.T + b))(W)
    np.testing.assert_allclose(jac, ref, rtol=1e-13)
    linear.defvjp(rule, batched=True)  # the rule handles batches natively (g @ W broadcasts)
    jac_w = ad.jacobian(lambda xx: linear(xx, W, b))(x)
    np.testing.assert_allclose(jac_w, ad.jacobian(lambda xx: xx @ W.T + b)(x), rtol=1e-13)


def test_missing_rule_error_names_the_primitive():
    @primitive
    def floor_op(x):
        return np.floor(x)

    x = tensor([1.5], requires_grad=True)
    y = floor_op(x).sum()
    with pytest.raises(NotImplementedError, match="floor_op"):
        y.backward()
    with pytest.raises(ValueError, match="Primitive"):
        ad.defvjp(lambda x: x, lambda g, ans, x: g)


def test_rule_returning_wrong_number_of_gradients_is_reported():
    @primitive
    def mul2(a, b):
        return a * b

    mul2.defvjp(lambda g, ans, a, b: g * b)
    with pytest.raises(ValueError, match="mul2"):
        mul2(tensor(1.0, requires_grad=True), tensor(2.0)).backward()
    mul2.defvjp(lambda g, ans, a, b: (ad.sum(g * b), None))  # wrong shape for a
    with pytest.raises(ValueError, match="shape"):
        ad.sum(mul2(tensor([1.0, 2.0], requires_grad=True), tensor(2.0))).backward()


def test_gradients_function_like_torch_autograd_grad():
    x = tensor([1.0, 2.0], requires_grad=True)
    unused = tensor([5.0], requires_grad=True)
    y = (x ** 3).sum()
    gx, gu = ad.gradients(y, [x, unused], retain_graph=True)
    np.testing.assert_allclose(gx.data, 3 * np.array([1.0, 4.0]))
    np.testing.assert_allclose(gu.data, [0.0])
    assert x.grad is None
    with pytest.raises(RuntimeError, match="not used"):
        ad.gradients(y, [unused], allow_unused=False)
    with pytest.raises(ValueError, match="one entry per output"):
        ad.gradients([y, y], [x], grad_outputs=[1.0])


@given(st.lists(st.floats(-2, 2), min_size=1, max_size=6), st.integers(0, 3))
def test_property_polynomial_gradient_matches_closed_form(coeffs, power):
    x0 = np.linspace(-1, 1, 4)
    x = tensor(x0, requires_grad=True)
    y = sum((c * x ** (k + power) for k, c in enumerate(coeffs)), tensor(0.0))
    y.sum().backward()
    expected = sum(c * (k + power) * x0 ** (k + power - 1) if k + power else 0 * x0 for k, c in enumerate(coeffs))
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-10, atol=1e-10)


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**16))
def test_property_broadcast_gradient_sums_over_broadcast_axes(m, n, seed):
    rng = np.random.default_rng(seed)
    a = tensor(rng.standard_normal((m, 1)), requires_grad=True)
    b = tensor(rng.standard_normal(n), requires_grad=True)
    (a * b).sum().backward()
    np.testing.assert_allclose(a.grad.data, np.full((m, 1), b.data.sum()), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.grad.data, np.full(n, a.data.sum()), rtol=1e-12, atol=1e-12)


def test_numpy_functions_dispatch_and_non_differentiable_ones_act_on_data():
    x = tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
    y = np.sum(np.concatenate([x, np.exp(x)], axis=0)) + np.linalg.norm(x) + np.max(x) + np.mean(np.stack([x, x]))
    y = y + np.dot(x[0], x[1]) + np.einsum("ij->", x) + np.where(x.data > 0, x, 0.0).sum() + np.clip(x, 0, 1).sum()
    assert isinstance(y, Tensor)
    y.backward()
    X = torch.tensor(x.data, requires_grad=True)
    Y = (torch.cat([X, torch.exp(X)]).sum() + torch.linalg.norm(X) + X.max() + torch.stack([X, X]).mean()
         + X[0] @ X[1] + X.sum() + torch.where(X > 0, X, 0.0).sum() + torch.clamp(X, 0, 1).sum())
    Y.backward()
    np.testing.assert_allclose(x.grad.data, X.grad.numpy(), rtol=1e-12)
    finite = np.isfinite(x)
    assert isinstance(finite, np.ndarray) and finite.all()
    assert isinstance(np.sign(x), np.ndarray)
    assert isinstance(np.sum(x, dtype=np.float32), np.floating)  # NumPy-only keyword: plain result


def test_retain_grad_fills_non_leaf_grads_and_requires_grad_rules():
    x = tensor([1.0, 2.0], requires_grad=True)
    h = x * 3.0
    h.retain_grad()
    x.retain_grad()  # a leaf: a no-op, it gets .grad anyway
    (h ** 2).sum().backward()
    np.testing.assert_allclose(h.grad.data, 2 * h.data)
    np.testing.assert_allclose(x.grad.data, 18 * x.data)
    with pytest.raises(RuntimeError, match="does not require grad"):
        tensor(1.0).retain_grad()
    with pytest.raises(RuntimeError, match="leaf"):
        h.requires_grad_(False)
    leaf = tensor([1.0]).requires_grad_()
    assert leaf.requires_grad and leaf.is_leaf


def test_factories_and_cumsum_jacobians():
    z = ad.zeros((2, 3), dtype=np.float32, requires_grad=True)
    assert z.dtype == np.float32 and z.requires_grad and z.is_leaf and not z.data.any()
    assert ad.ones(2).tolist() == [1.0, 1.0] and ad.ones_like(z).dtype == np.float32
    assert ad.zeros_like(np.arange(3)).dtype == np.float64
    x = np.random.default_rng(0).standard_normal(5)
    J = ad.jacobian(lambda t: ad.cumsum(t) ** 2, mode="rev")(x)
    np.testing.assert_allclose(J, ad.jacobian(lambda t: ad.cumsum(t) ** 2, mode="fwd")(x), rtol=1e-13)
    np.testing.assert_allclose(J, 2 * np.cumsum(x)[:, None] * np.tril(np.ones((5, 5))), rtol=1e-13)
    with pytest.raises(ValueError, match="axis"):
        ad.cumsum(x, axis=(0,))
    with pytest.raises(ValueError, match="square"):
        ad.trace(np.ones((2, 3)))


_RANDOM_OPS = [
    ("sin", ad.sin, torch.sin), ("tanh", ad.tanh, torch.tanh), ("sigmoid", ad.sigmoid, torch.sigmoid),
    ("square", lambda a: a * a, lambda a: a * a), ("softplus", ad.softplus, torch.nn.functional.softplus),
    ("exp_neg", lambda a: ad.exp(-a * a), lambda a: torch.exp(-a * a)),
]
_RANDOM_BINARY = [
    ("add", lambda a, b: a + b, lambda a, b: a + b), ("mul", lambda a, b: a * b, lambda a, b: a * b),
    ("sub", lambda a, b: a - b, lambda a, b: a - b),
    ("div", lambda a, b: a / (1.0 + b * b), lambda a, b: a / (1.0 + b * b)),
    ("max", ad.maximum, torch.maximum),
]


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=25),
       st.integers(0, 2**16))
def test_property_random_expression_graphs_match_torch(program, seed):
    """Random DAGs (nodes re-used freely) over broadcasting shapes: gradients equal torch's."""
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (3, 1)]
    arrays = [rng.standard_normal(s) for s in shapes]
    ours = [tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    pool_o, pool_t = list(ours), list(theirs)
    for is_binary, i, j in program:
        a_o, a_t = pool_o[i % len(pool_o)], pool_t[i % len(pool_t)]
        if is_binary:
            _, fo, ft = _RANDOM_BINARY[j % len(_RANDOM_BINARY)]
            b_o, b_t = pool_o[(i + j) % len(pool_o)], pool_t[(i + j) % len(pool_t)]
            pool_o.append(fo(a_o, b_o))
            pool_t.append(ft(a_t, b_t))
        else:
            _, fo, ft = _RANDOM_OPS[j % len(_RANDOM_OPS)]
            pool_o.append(fo(a_o))
            pool_t.append(ft(a_t))
    out_o = sum((ad.sum(p) for p in pool_o[3:]), tensor(0.0))
    out_t = sum(p.sum() for p in pool_t[3:])
    out_o.backward()
    out_t.backward()
    for o, t in zip(ours, theirs):
        assert (o.grad is None) == (t.grad is None)  # unused inputs get no gradient, as in torch
        if o.grad is not None:
            np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=1e-10, atol=1e-12)


def _owned_primitive():
    """A primitive whose rule hands back a fresh array for x and the caller-visible array `seen` for y."""
    seen = {}

    @primitive
    def f(x, y):
        return x * y

    @f.defvjp
    def _(g, ans, x, y):
        gy = g.data * x.data
        seen["gy"] = gy          # someone else keeps the cotangent of y
        return g.data * y.data, gy

    return f, seen


def test_leaf_grad_never_shares_a_cotangent_others_hold():
    """A leaf's .grad is its own array: a cotangent a rule, the caller or another leaf can still see is copied,
    and later accumulation never writes into a shared array."""
    f, seen = _owned_primitive()
    x, y = tensor([1.0, 2.0], requires_grad=True), tensor([3.0, 4.0], requires_grad=True)
    f(x, y).backward(np.ones(2), retain_graph=True)
    assert not np.shares_memory(y.grad.data, seen["gy"])   # held by the rule's closure: copied
    kept = seen["gy"].copy()
    f(x, y).backward(np.ones(2))                            # accumulates into y.grad in place
    np.testing.assert_array_equal(seen["gy"], kept)
    np.testing.assert_array_equal(x.grad.data, [6.0, 8.0])
    np.testing.assert_array_equal(y.grad.data, [2.0, 4.0])
    # a seed the caller passes in stays the caller's
    z = tensor([1.0, 1.0], requires_grad=True)
    seed = np.array([5.0, 7.0])
    (z * 1.0).backward(seed)
    z.grad.data += 1
    np.testing.assert_array_equal(seed, [5.0, 7.0])


def test_leaf_adopts_only_a_rules_own_new_arrays():
    """nn.linear's rule hands its new ∂W, ∂b to the engine as owned: a leaf keeps them without a copy, yet
    accumulation stays correct, a shared weight (two uses, summed) is its own array, and a gradient returned
    by ``gradients`` is the caller's, never adopted by a later backward."""
    from mmlkit.nn import functional as F

    rng = np.random.default_rng(1)
    W = tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = tensor(rng.standard_normal(3), requires_grad=True)
    x = rng.standard_normal((5, 4))
    g = rng.standard_normal((5, 3))
    F.linear(x, W, b).backward(g)
    first = W.grad.data.copy()
    np.testing.assert_allclose(first, g.T @ x, rtol=1e-12)
    F.linear(x, W, b).backward(g)                         # in place into the adopted array
    np.testing.assert_allclose(W.grad.data, 2 * first, rtol=1e-12)
    np.testing.assert_allclose(b.grad.data, 2 * g.sum(0), rtol=1e-12)
    V = tensor(rng.standard_normal((4, 4)), requires_grad=True)   # used twice: the sum is a new array
    F.linear(F.linear(x, V), V).sum().backward()
    assert V.grad.data.base is None and np.all(np.isfinite(V.grad.data))
    (gW,) = ad.gradients(F.linear(x, W, b).sum(), [W])
    held = gW.data.copy()
    leaf = tensor(np.zeros((3, 4)), requires_grad=True)
    leaf.backward(gW)                                     # the caller's tensor is copied, not adopted
    leaf.grad.data += 1
    np.testing.assert_array_equal(gW.data, held)


def test_grads_accumulate_over_repeated_backward_passes():
    """.grad after k backward passes is k times the gradient."""
    rng = np.random.default_rng(0)
    W = tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = tensor(rng.standard_normal(3), requires_grad=True)
    x = rng.standard_normal((5, 4))
    for k in range(1, 4):
        ((ad.as_tensor(x) @ W.T + b) ** 2).sum().backward()
        expected = k * 2 * (x @ W.data.T + b.data).T @ x
        np.testing.assert_allclose(W.grad.data, expected, rtol=1e-12)
