"""Bad input gets a clear error, never a silent wrong answer (engine edge cases)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from mmlkit import autodiff as ad
from mmlkit.autodiff import tensor
from mmlkit.autodiff._tensor import _node


# -- NumPy interoperability: np.array(t) never aliases unless allowed ---------------
def test_np_array_copy_true_copies_and_default_follows_numpy():
    t = tensor([1.0, 2.0])
    c = np.array(t, copy=True)
    c[0] = 9.0
    assert t.data[0] == 1.0
    a = np.array(t)  # np.array copies by default (copy=True)
    a[0] = 9.0
    assert t.data[0] == 1.0
    assert np.asarray(t) is t.data  # asarray: copy=None, no conversion needed -> shared, as for ndarrays


def test_np_array_dtype_and_copy_false():
    t = tensor([1.0, 2.0])
    assert np.asarray(t, dtype=np.float32).dtype == np.float32
    assert np.shares_memory(np.array(t, copy=False), t.data)
    with pytest.raises(ValueError, match="copy"):
        np.array(t, dtype=np.float32, copy=False)
    assert not np.shares_memory(t.__array__(copy=True), t.data)


# -- wrongly shaped gradients raise, never reshape ---------------------------------------
def _bad_rule(shape):
    return lambda g, node: (ad.ones(shape),)


def test_wrong_shaped_gradient_to_a_leaf_raises():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = _node(x.data * 2, "bad", (x,), _bad_rule((2, 3)))
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2, 3\)"):
        y.sum().backward()


def test_wrong_shaped_gradient_to_an_input_raises_in_gradients():
    x = tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = _node(x.data * 2, "bad", (x,), _bad_rule((3, 1)))
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(3, 1\)"):
        ad.gradients(y.sum(), [x])


def test_grad_set_to_a_wrong_shape_raises_on_accumulation():
    x = tensor([1.0, 2.0], requires_grad=True)
    x.grad = tensor([0.0])
    with pytest.raises(ValueError, match=r"\.grad"):
        (x * x).sum().backward()


# -- arguments of the wrong type ----------------------------------------------------
def test_gradients_of_arrays_is_a_type_error_naming_inputs():
    t = tensor(np.ones(3), requires_grad=True)
    with pytest.raises(TypeError, match="inputs must be Tensors.*ndarray"):
        ad.gradients(t.sum(), [np.ones(3)])
    with pytest.raises(TypeError, match="outputs must be Tensors"):
        ad.gradients(np.ones(1), [t])


# -- subgradients where the norm or std is zero (as torch) ----------------------------
@pytest.mark.parametrize("n", [1, 3, 7])
def test_norm_and_std_gradients_at_zero_are_zero_as_torch(n):
    z = np.zeros(n)
    np.testing.assert_array_equal(ad.grad(ad.norm)(z), np.zeros(n))
    np.testing.assert_array_equal(ad.grad(lambda x: ad.norm(x, ord=3))(z), np.zeros(n))
    c = np.full(n, 2.5)
    np.testing.assert_array_equal(ad.grad(ad.std)(c), np.zeros(n))
    tz = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    torch.linalg.vector_norm(tz).backward()
    np.testing.assert_array_equal(tz.grad.numpy(), np.zeros(n))


def test_norm_gradient_at_zero_along_an_axis():
    x = np.array([[0.0, 0.0], [3.0, 4.0]])
    g = ad.grad(lambda t: ad.norm(t, axis=1).sum())(x)
    np.testing.assert_allclose(g, [[0.0, 0.0], [0.6, 0.8]], rtol=1e-15)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("p", [2, 3, 1.5])
def test_norm_and_std_derivatives_match_torch_away_from_zero(seed, p):
    x = np.random.default_rng(seed).standard_normal(5)
    tx = torch.tensor(x)
    np.testing.assert_allclose(ad.grad(lambda t: ad.norm(t, ord=p))(x),
                               torch.func.grad(lambda t: torch.linalg.vector_norm(t, ord=p))(tx).numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(ad.hessian(lambda t: ad.norm(t, ord=p))(x),
                               torch.func.hessian(lambda t: torch.linalg.vector_norm(t, ord=p))(tx).numpy(),
                               rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ad.hessian(lambda t: ad.std(t, ddof=1))(x),
                               torch.func.hessian(lambda t: t.std())(tx).numpy(), rtol=1e-10, atol=1e-14)


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=6))
def test_norm_gradient_is_finite_everywhere(values):
    g = ad.grad(ad.norm)(np.array(values))
    assert np.all(np.isfinite(g))


# -- out-of-range axes: ValueError naming the axis -------------------------------------
T = np.ones((2, 3))


@pytest.mark.parametrize("call, name", [
    (lambda: ad.swapaxes(T, 0, 5), "axis2"),
    (lambda: ad.swapaxes(T, -3, 1), "axis1"),
    (lambda: ad.transpose(T, (0, 3)), "axes"),
    (lambda: tensor(T).transpose(2, 0), "axes"),
    (lambda: ad.sum(T, axis=4), "axis"),
    (lambda: ad.mean(T, axis=(0, -3)), "axis"),
    (lambda: ad.softmax(T, axis=2), "axis"),
    (lambda: ad.expand_dims(T, 4), "axis"),
    (lambda: ad.squeeze(T, 3), "axis"),
    (lambda: ad.concatenate([T, T], axis=2), "axis"),
    (lambda: ad.stack([T, T], axis=4), "axis"),
    (lambda: ad.cumsum(T, axis=-3), "axis"),
    (lambda: ad.max(T, axis=2), "axis"),
    (lambda: ad.logsumexp(T, axis=5), "axis"),
    (lambda: ad.var(T, axis=2), "axis"),
])
def test_out_of_range_axes_raise_value_error_naming_the_axis(call, name):
    with pytest.raises(ValueError, match=rf"{name}=?-?\d* ?.*out of bounds|{name}"):
        call()


def test_swapaxes_in_range_agrees_with_numpy():
    x = np.arange(24.0).reshape(2, 3, 4)
    for a, b in [(0, 2), (-1, 0), (1, -2)]:
        np.testing.assert_array_equal(ad.swapaxes(x, a, b).data, np.swapaxes(x, a, b))
    np.testing.assert_array_equal(ad.stack([x, x], axis=-1).data, np.stack([x, x], axis=-1))


# -- the rule table ------------------------------------------------------------------
def test_a_binary_primitive_without_a_rule_names_itself():
    from mmlkit.autodiff._math import _binary

    hypot = _binary("hypot", np.hypot, lambda g, ans, a, b: g * a / ans, None,
                    "hypot", "first operand only", ("hypot(tensor([3.0]), 4.0)", "Tensor([5.])"))
    a = tensor([3.0], requires_grad=True)
    b = tensor([4.0], requires_grad=True)
    hypot(a, 4.0).sum().backward()
    np.testing.assert_allclose(a.grad.data, [0.6])
    with pytest.raises(NotImplementedError, match="'hypot' has no derivative rule for its second operand"):
        hypot(a, b).sum().backward()


@pytest.mark.parametrize("name", ["__add__", "__radd__", "__sub__", "__mul__", "__truediv__", "__pow__",
                                  "__matmul__", "__rmatmul__", "__neg__", "__getitem__", "__setitem__",
                                  "__iadd__", "__lt__", "__eq__"])
def test_operators_are_defined_in_the_tensor_class_body(name):
    import inspect

    assert name in ad.Tensor.__dict__
    assert inspect.getsourcefile(ad.Tensor.__dict__[name]).endswith("_tensor.py")


@pytest.mark.parametrize("seed", range(3))
def test_binary_rules_broadcast_and_batch(seed):
    """Jacobians (batched cotangents) through every binary rule with broadcasting equal torch's."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.5, 2.0, (3, 1)), rng.uniform(0.5, 2.0, (4,))

    def f(x, y, lib):
        mx = lib.maximum if lib is ad else torch.maximum
        return (x + y) * (x - y) / (x ** y) + (mx(x, y) @ (y * 2.0)).reshape(3, 1)

    jac = ad.jacobian(lambda x, y: f(x, y, ad), argnums=(0, 1))(a, b)
    ref = torch.func.jacrev(lambda x, y: f(x, y, torch), argnums=(0, 1))(torch.tensor(a), torch.tensor(b))
    for j, r in zip(jac, ref):
        np.testing.assert_allclose(j, r.numpy(), rtol=1e-12)


@pytest.mark.parametrize("module", ["_shape", "_indexing", "_math", "_engine", "_methods", "_statistics",
                                    "_products", "_primitive", "transforms", "_tensor"])
def test_every_submodule_imports_first_in_a_fresh_process(module):
    """The operator modules and _tensor import each other; any entry point must work."""
    import subprocess
    import sys

    code = (f"import mmlkit.autodiff.{module}; import mmlkit.autodiff as ad; "
            "x = ad.tensor([1.0, 2.0], requires_grad=True); (x[[0, 1]] @ x).backward(); print(x.grad.data)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[2. 4.]"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_norm_std_var_are_exact_at_the_ends_of_the_float_range(dtype):
    """Formed on power-of-two-scaled slices: ‖(3, 4)·s‖ = 5s exactly, per row, where x·x would over- or underflow."""
    big, tiny = (1e300, 1e-300) if dtype == np.float64 else (1e30, 1e-30)
    x = ad.tensor(np.array([[3.0 * big, 4.0 * big], [3.0 * tiny, 4.0 * tiny], [0.0, 0.0]], dtype=dtype),
                  requires_grad=True)
    rtol = 4 * np.finfo(dtype).eps
    n = ad.norm(x, axis=1)
    assert n.data.dtype == dtype
    np.testing.assert_allclose(n.data, np.array([5.0 * big, 5.0 * tiny, 0.0], dtype=dtype), rtol=rtol)
    n.sum().backward()
    np.testing.assert_allclose(x.grad, np.array([[0.6, 0.8], [0.6, 0.8], [0.0, 0.0]], dtype=dtype), rtol=1e-6)
    s = ad.std(x, axis=1)
    np.testing.assert_allclose(s.data, np.array([0.5 * big, 0.5 * tiny, 0.0], dtype=dtype), rtol=rtol)
    v = ad.var(ad.tensor(np.array([1e-160, 3e-160])))
    assert v.data == pytest.approx(1e-320, rel=1e-3)   # a subnormal result, rounded once
    np.testing.assert_allclose(ad.norm(ad.tensor([3e-200, 4e-200]), ord=3).data, (27 + 64) ** (1 / 3) * 1e-200,
                               rtol=1e-14)
