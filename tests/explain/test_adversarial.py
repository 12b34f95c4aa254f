"""FGSM, PGD and input sensitivity on differentiable mmlkit models (oracle: PyTorch autograd)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from mmlkit.datasets import load_iris, make_classification
from mmlkit.explain import differentiable_forward, fgsm, input_sensitivity, pgd
from mmlkit.models import LogisticRegression, MLPClassifier


@pytest.fixture(scope="module")
def binary_model():
    X, y = make_classification(120, 6, random_state=0)
    return LogisticRegression(max_iter=200).fit(X, y), X, y


@pytest.fixture(scope="module")
def multiclass_model():
    X, y = load_iris()
    return LogisticRegression(max_iter=300).fit(X, y), X, y


@pytest.fixture(scope="module")
def mlp_model():
    X, y = make_classification(150, 5, n_informative=3, n_classes=3, random_state=1)
    return MLPClassifier((8,), activation="tanh", max_iter=300, random_state=0).fit(X, y), X, y


def _torch_logits(model):
    if hasattr(model, "coef_"):
        W = torch.tensor(model.coef_, dtype=torch.float64)
        b = torch.tensor(model.intercept_, dtype=torch.float64)
        return lambda x: x @ W.T + b
    Ws = [torch.tensor(w, dtype=torch.float64) for w in model.coefs_]
    bs = [torch.tensor(b, dtype=torch.float64) for b in model.intercepts_]

    def net(x):
        for i, (W, b) in enumerate(zip(Ws, bs)):
            x = x @ W + b
            if i < len(Ws) - 1:
                x = torch.tanh(x)
        return x

    return net


def _torch_grad(model, X, y):
    x = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    z = _torch_logits(model)(x)
    t = torch.tensor(np.searchsorted(model.classes_, y))
    if z.shape[1] == 1:
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z[:, 0], t.double(), reduction="sum")
    else:
        loss = torch.nn.functional.cross_entropy(z, t, reduction="sum")
    loss.backward()
    return x.grad.numpy()


@pytest.mark.parametrize("which", ["binary_model", "multiclass_model", "mlp_model"])
def test_fgsm_matches_torch(which, request):
    model, X, y = request.getfixturevalue(which)
    g = _torch_grad(model, X[:20], y[:20])
    for eps in (0.01, 0.3):
        np.testing.assert_allclose(fgsm(model, X[:20], y[:20], eps), X[:20] + eps * np.sign(g), atol=1e-12)
    targeted = fgsm(model, X[:20], y[:20], 0.1, targeted=True)
    np.testing.assert_allclose(targeted, X[:20] - 0.1 * np.sign(g), atol=1e-12)


def test_fgsm_lowers_accuracy_and_respects_clip(multiclass_model):
    model, X, y = multiclass_model
    adv = fgsm(model, X, y, 0.5)
    assert model.score(adv, y) < model.score(X, y) - 0.2
    clipped = fgsm(model, X, y, 0.5, clip=(0.0, 7.0))
    assert clipped.min() >= 0.0 and clipped.max() <= 7.0
    single = fgsm(model, X[0], y[0], 0.1)
    np.testing.assert_allclose(single, fgsm(model, X[:1], y[:1], 0.1)[0])


@pytest.mark.parametrize("norm", ["inf", "2"])
@pytest.mark.parametrize("targeted", [False, True])
def test_pgd_matches_torch_iteration(mlp_model, norm, targeted):
    model, X, y = mlp_model
    X, y = X[:15], y[:15]
    eps, alpha, steps = 0.4, 0.15, 5
    delta = np.zeros_like(X)
    for _ in range(steps):  # the same iteration, with torch's gradients
        g = _torch_grad(model, X + delta, y)
        if norm == "inf":
            step = np.sign(g)
        else:
            step = g / np.linalg.norm(g, axis=1, keepdims=True)
        delta = delta + (-alpha if targeted else alpha) * step
        if norm == "inf":
            delta = np.clip(delta, -eps, eps)
        else:
            delta *= np.minimum(1, eps / np.linalg.norm(delta, axis=1, keepdims=True))
    ours = pgd(model, X, y, eps, steps=steps, step_size=alpha, norm=norm, targeted=targeted)
    np.testing.assert_allclose(ours, X + delta, atol=1e-10)


@given(st.floats(0.01, 1.0), st.integers(0, 100))
def test_pgd_stays_in_the_ball_and_ascends_the_loss(eps, seed):
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(3, 4)), rng.normal(size=3)

    def f(x):
        return x @ W.T + b

    X = rng.normal(size=(6, 4))
    y = rng.integers(0, 3, 6)
    adv = pgd(f, X, y, eps, steps=8, random_start=True, random_state=seed)
    assert np.abs(adv - X).max() <= eps + 1e-12
    adv2 = pgd(f, X, y, eps, steps=8, norm="2", random_start=True, random_state=seed)
    assert np.linalg.norm(adv2 - X, axis=1).max() <= eps + 1e-9

    def loss(Z):
        z = Z @ W.T + b
        z = z - z.max(axis=1, keepdims=True)
        return -(z[np.arange(6), y] - np.log(np.exp(z).sum(axis=1))).sum()

    # the loss is convex in x and every L∞ step from δ = 0 moves each coordinate along the
    # gradient's sign (or not at all), so each step cannot lower the loss
    plain = pgd(f, X, y, eps, steps=8)
    assert loss(plain) >= loss(fgsm(f, X, y, 2.5 * eps / 8)) - 1e-9 >= loss(X) - 2e-9


def test_input_sensitivity_matches_torch_jacobian(mlp_model):
    model, X, _ = mlp_model
    sens = input_sensitivity(model, X[:7])
    net = _torch_logits(model)
    J = torch.func.vmap(torch.func.jacrev(lambda x: net(x[None])[0]))(torch.tensor(X[:7])).numpy()
    np.testing.assert_allclose(sens.jacobian, J, atol=1e-10)
    np.testing.assert_allclose(sens.spectral_norm, np.linalg.norm(J, 2, axis=(1, 2)), rtol=1e-10)
    np.testing.assert_allclose(sens.frobenius_norm, np.linalg.norm(J, axis=(1, 2)), rtol=1e-10)
    proba = input_sensitivity(model, X[:7], output="proba")
    fd = input_sensitivity(model.predict_proba, X[:7], method="finite_difference")
    np.testing.assert_allclose(proba.jacobian, fd.jacobian, atol=1e-6)


def test_input_sensitivity_linear_model(binary_model):
    model, X, _ = binary_model
    sens = input_sensitivity(model, X[:5])
    np.testing.assert_allclose(sens.jacobian, np.broadcast_to(model.coef_, (5, 1, 6)), atol=1e-12)
    z = X[:5] @ model.coef_[0] + model.intercept_[0]
    np.testing.assert_allclose(sens.condition_number,
                               np.linalg.norm(model.coef_) * np.linalg.norm(X[:5], axis=1) / np.abs(z))
    # a NumPy-only function falls back to central differences
    blackbox = input_sensitivity(lambda Z: np.tanh(Z @ model.coef_[0])[:, None], X[:3])
    exact = (1 - np.tanh(X[:3] @ model.coef_[0]) ** 2)[:, None] * model.coef_[0]
    np.testing.assert_allclose(blackbox.jacobian[:, 0], exact, atol=1e-7)


def test_differentiable_forward_and_errors(binary_model):
    model, X, y = binary_model
    assert callable(differentiable_forward(model))
    with pytest.raises(ValueError, match="differentiable"):
        fgsm(object(), X, y, 0.1)
    with pytest.raises(ValueError, match="eps"):
        fgsm(model, X, y, -0.1)
    with pytest.raises(ValueError, match="classes"):
        fgsm(model, X[:2], np.array([7, 7]), 0.1)
    with pytest.raises(ValueError, match="one label per row"):
        fgsm(model, X[:3], y[:2], 0.1)
    with pytest.raises(ValueError, match="norm"):
        pgd(model, X, y, 0.1, norm="1")
    with pytest.raises(ValueError, match="steps"):
        pgd(model, X, y, 0.1, steps=0)
    with pytest.raises(ValueError, match="method"):
        input_sensitivity(model, X, method="symbolic")
    with pytest.raises(ValueError, match="output='proba' needs"):
        input_sensitivity(lambda Z: Z, X, method="finite_difference", output="proba")
    with pytest.raises(ValueError, match="0/1"):
        fgsm(lambda x: x[:, 0], X[:2], np.array([0, 2]), 0.1)


def test_fgsm_on_an_nn_module_matches_torch():
    from mmlkit import nn

    rng = np.random.default_rng(0)
    net = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))
    X, y = rng.normal(size=(10, 4)), rng.integers(0, 3, 10)
    tnet = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 3)).double()
    with torch.no_grad():
        for t, m in zip((tnet[0], tnet[2]), (net[0], net[2])):
            t.weight.copy_(torch.tensor(np.asarray(m.weight.data)))
            t.bias.copy_(torch.tensor(np.asarray(m.bias.data)))
    x = torch.tensor(X, requires_grad=True)
    torch.nn.functional.cross_entropy(tnet(x), torch.tensor(y), reduction="sum").backward()
    np.testing.assert_allclose(fgsm(net, X, y, 0.2), X + 0.2 * np.sign(x.grad.numpy()), atol=1e-12)
