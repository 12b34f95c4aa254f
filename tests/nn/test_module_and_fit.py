"""Module bookkeeping, initialisers, and fit()."""

import numpy as np
import pytest
import torch

from mmlkit import nn, optim
from mmlkit.datasets import make_moons


def test_named_parameters_state_dict_round_trip_and_modes():
    model = nn.Sequential(nn.Linear(3, 4, random_state=0), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 2, random_state=1))
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "3.weight", "3.bias"]
    assert model.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2
    state = model.state_dict()
    other = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 2))
    other.load_state_dict(state)
    for (_, a), (_, b) in zip(model.named_parameters(), other.named_parameters()):
        np.testing.assert_array_equal(a.data, b.data)
    state["0.weight"][...] = 0  # a state_dict is a copy
    assert np.any(model[0].weight.data != 0)
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(ValueError, match="state_dict mismatch"):
        other.load_state_dict({"0.weight": np.zeros((4, 3))})
    with pytest.raises(ValueError, match="has shape"):
        other.load_state_dict({**model.state_dict(), "0.weight": np.zeros((3, 3))})
    assert model.astype(np.float32)[0].weight.dtype == np.float32


def test_linear_init_matches_torch_distribution():
    w = nn.Linear(400, 300, random_state=0).weight.data
    bound = 1 / np.sqrt(400)
    assert np.abs(w).max() <= bound and np.isclose(w.std(), bound / np.sqrt(3), rtol=0.02)


@pytest.mark.parametrize("name, fn, var", [
    ("xavier_uniform", nn.xavier_uniform_, 2 / (300 + 200)),
    ("xavier_normal", nn.xavier_normal_, 2 / (300 + 200)),
    ("kaiming_uniform", lambda t, random_state: nn.kaiming_uniform_(t, nonlinearity="relu", random_state=random_state),
     2 / 200),
    ("kaiming_normal", lambda t, random_state: nn.kaiming_normal_(t, nonlinearity="relu", random_state=random_state),
     2 / 200),
])
def test_initialisers_have_the_stated_variance(name, fn, var):
    W = np.zeros((300, 200))
    fn(W, random_state=0)
    assert np.isclose(W.var(), var, rtol=0.03), name
    T = torch.empty(300, 200, dtype=torch.float64)
    getattr(torch.nn.init, name + "_")(T, **({"nonlinearity": "relu"} if "kaiming" in name else {}))
    assert np.isclose(W.var(), T.var().item(), rtol=0.05)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        fn(np.zeros(5), random_state=0)


def test_fit_learns_two_moons_with_validation_and_early_stopping():
    X, y = make_moons(400, noise=0.1, random_state=0)
    model = nn.MLP((2, 32, 32, 2), random_state=0)
    opt = optim.Adam(model.parameters(), lr=0.01)
    history = nn.fit(model, nn.cross_entropy, opt, X, y, epochs=60, batch_size=32, validation_split=0.25,
                     early_stopping=True, patience=10, progress=False, random_state=0,
                     metric=lambda out, t: (out.argmax(1) == t).mean())
    assert history.loss[-1] < history.loss[0] / 5
    assert max(history.val_metric) > 0.97
    assert len(history.val_loss) == len(history.loss)
    model.eval()
    from mmlkit.autodiff import tensor

    acc = (model(tensor(X)).data.argmax(1) == y).mean()
    assert acc > 0.97


def test_fit_with_scheduler_float32_and_errors():
    X = np.random.default_rng(0).standard_normal((64, 3)).astype(np.float32)
    y = X @ np.array([1.0, -2.0, 0.5], dtype=np.float32)
    model = nn.Linear(3, 1, dtype=np.float32, random_state=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    sched = optim.StepLR(opt, step_size=5, gamma=0.5)
    h = nn.fit(model, lambda out, t: nn.mse_loss(out.reshape(-1), t), opt, X, y, epochs=20, batch_size=16,
               scheduler=sched, progress=True, random_state=0)
    assert h.loss[-1] < 1e-3 and model.weight.dtype == np.float32
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.5**4)
    with pytest.raises(ValueError, match="inputs must have the same number of samples"):
        nn.fit(model, nn.mse_loss, opt, X, y[:10], progress=False)
    with pytest.raises(ValueError, match=r"epochs must be an int in the range \[1"):
        nn.fit(model, nn.mse_loss, opt, X, y, epochs=0, progress=False)
