"""Function transforms against torch.func and HIPS autograd; check_grad; composition."""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
import torch
import torch.func as tf
from hypothesis import given
from hypothesis import strategies as st

import mmlkit.autodiff as ad
from mmlkit.exceptions import GradientCheckError


def _problem(seed, m=7, n=4):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n)), rng.standard_normal(n)


def ours_loss(A):
    return lambda x: ad.sum(ad.softplus(A @ x)) + 0.5 * ad.sum(x * x) + ad.sum(ad.sin(x) * ad.tanh(x))


def torch_loss(A):
    At = torch.tensor(A)
    softplus = torch.nn.functional.softplus
    return lambda x: softplus(At @ x).sum() + 0.5 * (x * x).sum() + (torch.sin(x) * torch.tanh(x)).sum()


def ours_vec(A):
    return lambda x: ad.tanh(A @ x) * ad.exp(-x[0])


def torch_vec(A):
    At = torch.tensor(A)
    return lambda x: torch.tanh(At @ x) * torch.exp(-x[0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_grad_value_and_hessian_against_torch_func(seed):
    A, x = _problem(seed)
    f, ft = ours_loss(A), torch_loss(A)
    xt = torch.tensor(x)
    value, g = ad.value_and_grad(f)(x)
    assert isinstance(value, np.ndarray) and isinstance(g, np.ndarray)
    np.testing.assert_allclose(value, ft(xt).item(), rtol=1e-13)
    np.testing.assert_allclose(g, tf.grad(ft)(xt).numpy(), rtol=1e-12)
    np.testing.assert_allclose(ad.grad(f)(x), g)
    H = ad.hessian(f)(x)
    np.testing.assert_allclose(H, tf.hessian(ft)(xt).numpy(), rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(H, H.T, atol=1e-12)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
@pytest.mark.parametrize("seed", [0, 3])
def test_jacobian_both_modes_against_torch_func(mode, seed):
    A, x = _problem(seed)
    J = ad.jacobian(ours_vec(A), mode=mode)(x)
    ref = (tf.jacrev if mode == "rev" else tf.jacfwd)(torch_vec(A))(torch.tensor(x)).numpy()
    assert J.shape == (7, 4)
    np.testing.assert_allclose(J, ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_jacobian_of_matrix_function_has_out_shape_plus_in_shape(mode):
    X = np.random.default_rng(1).standard_normal((3, 2))
    J = ad.jacobian(lambda X: ad.softmax(X @ X.T, axis=1), mode=mode)(X)
    ref = tf.jacrev(lambda X: torch.softmax(X @ X.T, dim=1))(torch.tensor(X)).numpy()
    assert J.shape == (3, 3, 3, 2)
    np.testing.assert_allclose(J, ref, rtol=1e-11, atol=1e-13)


def test_jacobian_float32_and_argnums_tuple():
    A, x = _problem(4)
    A32, x32 = A.astype(np.float32), x.astype(np.float32)
    J = ad.jacobian(ours_vec(A32))(x32)
    assert J.dtype == np.float32
    f = lambda W, v: ad.tanh(W @ v)  # noqa: E731
    JW, Jv = ad.jacobian(f, argnums=(0, 1))(A, x)
    rW, rv = tf.jacrev(lambda W, v: torch.tanh(W @ v), argnums=(0, 1))(torch.tensor(A), torch.tensor(x))
    np.testing.assert_allclose(JW, rW.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(Jv, rv.numpy(), rtol=1e-12, atol=1e-14)
    JWf, Jvf = ad.jacobian(f, argnums=(0, 1), mode="fwd")(A, x)
    np.testing.assert_allclose(JWf, rW.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(Jvf, rv.numpy(), rtol=1e-12, atol=1e-14)


def test_vjp_and_jvp_against_torch_func():
    A, x = _problem(5)
    rng = np.random.default_rng(0)
    u, v = rng.standard_normal(7), rng.standard_normal(4)
    y, pullback = ad.vjp(ours_vec(A), x)
    ty, tpull = tf.vjp(torch_vec(A), torch.tensor(x))
    np.testing.assert_allclose(y, ty.numpy(), rtol=1e-14)
    (gu,) = pullback(u)
    np.testing.assert_allclose(gu, tpull(torch.tensor(u))[0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(pullback(2 * u)[0], 2 * gu, rtol=1e-13)  # callable again, linear
    y2, jv = ad.jvp(ours_vec(A), (x,), (v,))
    _, tjv = tf.jvp(torch_vec(A), (torch.tensor(x),), (torch.tensor(v),))
    np.testing.assert_allclose(y2, y)
    np.testing.assert_allclose(jv, tjv.numpy(), rtol=1e-12, atol=1e-14)


def test_vjp_and_jvp_with_several_primals():
    f = lambda a, b: ad.sin(a) * b  # noqa: E731
    a, b = np.array([0.3, 1.2]), np.array([2.0, -1.0])
    _, pull = ad.vjp(f, a, b)
    ga, gb = pull(np.ones(2))
    np.testing.assert_allclose(ga, np.cos(a) * b)
    np.testing.assert_allclose(gb, np.sin(a))
    _, jv = ad.jvp(f, (a, b), (np.ones(2), np.zeros(2)))
    np.testing.assert_allclose(jv, np.cos(a) * b)


def test_hvp_against_torch_func_and_autograd():
    A, x = _problem(6)
    v = np.random.default_rng(1).standard_normal(4)
    hv = ad.hvp(ours_loss(A), x, v)
    ft = torch_loss(A)
    ref = tf.jvp(tf.grad(ft), (torch.tensor(x),), (torch.tensor(v),))[1].numpy()
    np.testing.assert_allclose(hv, ref, rtol=1e-11)
    np.testing.assert_allclose(hv, ad.hessian(ours_loss(A))(x) @ v, rtol=1e-11)

    def g(x):
        return anp.sum(anp.logaddexp(0.0, anp.dot(A, x))) + 0.5 * anp.sum(x * x) + anp.sum(anp.sin(x) * anp.tanh(x))

    np.testing.assert_allclose(hv, autograd.hessian_vector_product(g)(x, v), rtol=1e-11)


def test_grad_argnums_and_nesting_give_higher_derivatives():
    f = lambda x, y: ad.sin(x) * y ** 2  # noqa: E731
    x, y = np.array(0.4), np.array(1.5)
    gx, gy = ad.grad(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose([gx, gy], [np.cos(0.4) * 2.25, np.sin(0.4) * 3.0])
    d3 = ad.grad(ad.grad(ad.grad(lambda x: ad.sin(x) * x)))(x)
    np.testing.assert_allclose(d3, -3 * np.sin(0.4) - 0.4 * np.cos(0.4), rtol=1e-13)
    mixed = ad.grad(lambda y: ad.grad(f, 0)(x, y))(y)  # ∂²f/∂y∂x
    np.testing.assert_allclose(mixed, np.cos(0.4) * 3.0, rtol=1e-13)
    third = ad.jacobian(ad.hessian(lambda x: ad.sum(x ** 4)))(np.array([1.0, 2.0]))
    expected = np.zeros((2, 2, 2))
    expected[0, 0, 0], expected[1, 1, 1] = 24.0, 48.0
    np.testing.assert_allclose(third, expected)


def test_transforms_of_constant_functions_give_zeros():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(ad.grad(lambda x: ad.tensor(3.0))(x), [0.0, 0.0])
    np.testing.assert_allclose(ad.jacobian(lambda x: ad.tensor(np.ones(3)))(x), np.zeros((3, 2)))
    np.testing.assert_allclose(ad.jacobian(lambda x: ad.tensor(np.ones(3)), mode="fwd")(x), np.zeros((3, 2)))
    np.testing.assert_allclose(ad.hessian(lambda x: ad.sum(x) * 2.0)(x), np.zeros((2, 2)))
    np.testing.assert_allclose(ad.hvp(lambda x: ad.sum(x), x, x), [0.0, 0.0])
    np.testing.assert_allclose(ad.jvp(lambda x: ad.tensor(1.0), (x,), (x,))[1], 0.0)


def test_check_grad_passes_on_correct_rules_and_raises_on_a_wrong_one():
    A, x = _problem(7)
    err = ad.check_grad(ours_vec(A), x)
    assert 0 <= err < 1e-6
    assert ad.check_grad(lambda a, b: ad.sum(a * ad.exp(b)), x, x[::-1]) < 1e-6

    @ad.primitive
    def bad_sin(x):
        return np.sin(x)

    bad_sin.defvjp(lambda g, ans, x: g * ad.sin(x))  # wrong: should be cos
    with pytest.raises(GradientCheckError, match="relative error"):
        ad.check_grad(lambda t: ad.sum(bad_sin(t)), x)
    assert issubclass(GradientCheckError, AssertionError)


def test_check_grad_agrees_with_autograd_check_grads_on_the_same_function():
    from autograd.test_util import check_grads

    def f_np(x):
        return anp.sum(anp.tanh(x) ** 2 / (1 + x ** 2))

    x = np.random.default_rng(3).standard_normal(5)
    check_grads(f_np, modes=["rev"], order=2)(x)  # the oracle accepts it ...
    assert ad.check_grad(lambda t: ad.sum(ad.tanh(t) ** 2 / (1 + t ** 2)), x) < 1e-6  # ... and so do we
    g = ad.grad(lambda t: ad.sum(ad.tanh(t) ** 2 / (1 + t ** 2)))
    assert ad.check_grad(lambda t: g(t), x) < 1e-6  # second order, through the gradient


def test_transform_input_errors():
    f = lambda x: ad.sum(x ** 2)  # noqa: E731
    x = np.ones(3)
    with pytest.raises(ValueError, match="argnums"):
        ad.grad(f, argnums=2)(x)
    with pytest.raises(ValueError, match="argnums"):
        ad.grad(f, argnums=())(x)
    with pytest.raises(ValueError, match="scalar"):
        ad.grad(lambda x: x * 2)(x)
    with pytest.raises(ValueError, match="mode"):
        ad.jacobian(f, mode="sideways")
    with pytest.raises(ValueError, match="tangent"):
        ad.jvp(f, (x,), (np.ones(2),))
    with pytest.raises(ValueError, match="tangents must match"):
        ad.jvp(f, (x,), ())
    with pytest.raises(ValueError, match="shape"):
        ad.hvp(f, x, np.ones(2))
    with pytest.raises(ValueError, match="shape"):
        ad.vjp(lambda x: x * 2, x)[1](np.ones(2))
    with pytest.raises(ValueError, match="at least one"):
        ad.vjp(f)
    with pytest.raises(ValueError, match="argnums must be an int"):
        ad.hessian(f, argnums=(0,))
    with pytest.raises(ValueError, match="at least one"):
        ad.check_grad(f)
    with pytest.raises(ValueError, match="must return"):
        ad.grad(lambda x: "nope")(x)
    with pytest.raises(ValueError, match="one Tensor"):
        ad.jacobian(lambda x: (x, x * 2))(x)


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**16))
def test_property_reverse_and_forward_jacobians_agree(m, n, seed):
    rng = np.random.default_rng(seed)
    A, x = rng.standard_normal((m, n)), rng.standard_normal(n)
    f = lambda x: ad.sigmoid(A @ x) * ad.cos(ad.sum(x))  # noqa: E731
    np.testing.assert_allclose(ad.jacobian(f)(x), ad.jacobian(f, mode="fwd")(x), rtol=1e-11, atol=1e-13)


@given(st.integers(0, 2**16), st.floats(-3, 3), st.floats(-3, 3))
def test_property_vjp_is_linear_and_adjoint_to_jvp(seed, a, b):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((3, 4))
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    u1, u2 = rng.standard_normal(3), rng.standard_normal(3)
    f = lambda x: ad.tanh(A @ x) ** 2  # noqa: E731
    _, pull = ad.vjp(f, x)
    np.testing.assert_allclose(pull(a * u1 + b * u2)[0], a * pull(u1)[0] + b * pull(u2)[0], atol=1e-11)
    _, jv = ad.jvp(f, (x,), (v,))
    np.testing.assert_allclose(u1 @ jv, pull(u1)[0] @ v, rtol=1e-10, atol=1e-12)  # ⟨u, Jv⟩ = ⟨Jᵀu, v⟩


def _many_ops(lib):
    """One function through (nearly) every primitive, for batched-rule checks."""
    if lib == "ours":
        m = ad
        cat, stk, sw = ad.concatenate, ad.stack, ad.swapaxes

        def lse(x, a):
            return ad.logsumexp(x, axis=a)
    else:
        m = torch
        cat, stk = (lambda xs, axis: torch.cat(xs, dim=axis)), (lambda xs, axis: torch.stack(xs, dim=axis))
        sw = torch.swapaxes

        def lse(x, a):
            return torch.logsumexp(x, dim=a)

    def f(x):  # x of shape (3, 4)
        a = m.tanh(x) * m.sigmoid(x[:, ::-1] if lib == "ours" else torch.flip(x, [1]))
        b = cat([a, m.exp(-x * x)], axis=0)  # (6, 4)
        c = stk([b[:3], b[3:]], axis=1)  # (3, 2, 4)
        d = sw(c, 0, 2).reshape(4, 6) @ b  # (4, 4)
        e = m.where(x[0] > 0, d[0], d[1] * 2.0)  # (4,)
        s = m.softmax(d, dim=1) if lib != "ours" else ad.softmax(d, axis=1)
        ls = m.log_softmax(x, dim=0) if lib != "ours" else ad.log_softmax(x, axis=0)
        mx = (torch.amax(x, dim=1) if lib != "ours" else ad.max(x, axis=1))
        v = (torch.var(x, dim=0, correction=0) if lib != "ours" else ad.var(x, axis=0))
        ein = (torch.einsum("ij,kj->ik", x, a) if lib != "ours" else ad.einsum("ij,kj->ik", x, a))
        idx = x[[0, 2, 0], 1]
        return cat([e, lse(s, 0), ls.reshape(-1), mx, v, ein.reshape(-1), idx, m.sqrt(x * x + 1.0).sum(0)], axis=0)

    return f


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_batched_rules_of_every_primitive_jacobian_against_torch(mode):
    x = np.random.default_rng(8).standard_normal((3, 4))
    J = ad.jacobian(_many_ops("ours"), mode=mode)(x)
    ref = tf.jacrev(_many_ops("torch"))(torch.tensor(x)).numpy()
    np.testing.assert_allclose(J, ref, rtol=1e-10, atol=1e-12)


def test_batched_second_order_rules_hessian_against_torch():
    x = np.random.default_rng(9).standard_normal((3, 4))
    w = np.random.default_rng(10).standard_normal(43)
    H = ad.hessian(lambda t: ad.sum(_many_ops("ours")(t) * w))(x)
    ref = tf.hessian(lambda t: (_many_ops("torch")(t) * torch.tensor(w)).sum())(torch.tensor(x)).numpy()
    assert H.shape == (3, 4, 3, 4)
    np.testing.assert_allclose(H, ref, rtol=1e-9, atol=1e-11)


def test_hessian_is_jacobian_of_grad_in_every_composition():
    A, x = _problem(11)
    f = ours_loss(A)
    H = ad.hessian(f)(x)
    np.testing.assert_allclose(ad.jacobian(ad.grad(f))(x), H, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ad.jacobian(ad.grad(f), mode="fwd")(x), H, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ad.jacobian(ad.jacobian(f))(x), H, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(np.stack([ad.hvp(f, x, e) for e in np.eye(4)]), H, rtol=1e-12, atol=1e-13)
    taylor_like = ad.grad(lambda t: ad.sum(ad.grad(f)(t) * x))(x)  # ∇(∇f·x) = H x
    np.testing.assert_allclose(taylor_like, H @ x, rtol=1e-12)


@pytest.mark.parametrize("m,n", [(7, 3), (3, 7)])
def test_jacobian_auto_mode_picks_a_mode_and_agrees_with_both(m, n):
    rng = np.random.default_rng(12)
    A, x = rng.standard_normal((m, n)), rng.standard_normal(n)
    f = lambda x: ad.tanh(A @ x) ** 2  # noqa: E731
    J = ad.jacobian(f)(x)
    np.testing.assert_allclose(J, ad.jacobian(f, mode="rev")(x), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(J, ad.jacobian(f, mode="fwd")(x), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(J, tf.jacrev(lambda x: torch.tanh(torch.tensor(A) @ x) ** 2)(torch.tensor(x)).numpy(),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("mode", ["rev", "fwd"])
def test_jacobian_through_separated_advanced_indices(mode):
    x = np.random.default_rng(13).standard_normal((3, 4, 5))
    f = lambda t: t[[0, 2], :, [1, 4]] ** 2  # noqa: E731  (NumPy moves the advanced axes first)
    J = ad.jacobian(f, mode=mode)(x)
    ref = tf.jacrev(lambda t: t[[0, 2], :, [1, 4]] ** 2)(torch.tensor(x)).numpy()
    np.testing.assert_allclose(J, ref, rtol=1e-13)
    H = ad.hessian(lambda t: ad.sum(f(t) ** 2))(x)
    Href = tf.hessian(lambda t: ((t[[0, 2], :, [1, 4]] ** 2) ** 2).sum())(torch.tensor(x)).numpy()
    np.testing.assert_allclose(H, Href, rtol=1e-12, atol=1e-12)
