"""What fit() shows and returns: a progress bar that stays with the metric, a History that reads in one line,
and layers that name themselves and the width they expect when given the wrong one."""

import io
import re

import numpy as np
import pytest

from mmlkit import nn, optim
from mmlkit.datasets import make_moons


def accuracy(outputs, y):
    return float(np.mean(outputs.argmax(axis=1) == y))


def _moons(n=120):
    X, y = make_moons(n, noise=0.1, random_state=0)
    return X, y


def _model():
    return nn.Sequential(nn.Linear(2, 16, random_state=0), nn.ReLU(), nn.Linear(16, 2, random_state=1))


def test_fit_records_the_metric_on_training_and_validation_data():
    X, y = _moons()
    model = _model()
    h = nn.fit(model, nn.cross_entropy, optim.Adam(model.parameters(), lr=0.05), X, y, epochs=6, batch_size=16,
               validation_split=0.25, metric=accuracy, progress=False, random_state=0)
    assert len(h.metric) == len(h.val_metric) == len(h.loss) == 6
    assert all(0.0 <= m <= 1.0 for m in h.metric + h.val_metric)
    assert h.metric[-1] > 0.7
    assert h.metric_name == "accuracy"


def test_fit_metric_is_the_metric_of_the_epochs_outputs_in_batch_order():
    """With a zero learning rate the weights never move: the training metric equals the metric of the model."""
    X, y = _moons(64)
    model = _model()
    h = nn.fit(model, nn.cross_entropy, optim.SGD(model.parameters(), lr=0.0), X, y, epochs=2, batch_size=10,
               metric=accuracy, progress=False, random_state=0)
    from mmlkit.autodiff import no_grad, tensor

    with no_grad():
        expected = accuracy(model(tensor(X)).data, y)
    assert h.metric == [pytest.approx(expected)] * 2


def test_history_repr_is_one_short_line():
    h = nn.History(loss=[0.9, 0.5, 0.6], val_loss=[1.0, 0.7, 0.8], metric=[0.5, 0.8, 0.7], val_metric=[0.4, 0.6, 0.5],
                   best_epoch=1, metric_name="accuracy")
    text = repr(h)
    assert text == ("History(epochs=3, loss=0.6 (best 0.5), val_loss=0.8 (best 0.7), accuracy=0.7 (best 0.8), "
                    "val_accuracy=0.5 (best 0.6), best_epoch=1)")
    long = nn.History(loss=list(np.linspace(1, 0, 500)))
    assert len(repr(long)) < 80 and "epochs=500" in repr(long)


def test_progress_bar_stays_after_training_and_shows_the_metric(monkeypatch):
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=140)
    import rich.progress

    real = rich.progress.Progress
    monkeypatch.setattr(rich.progress, "Progress", lambda *a, **k: real(*a, **{**k, "console": console}))
    X, y = _moons(40)
    model = _model()
    nn.fit(model, nn.cross_entropy, optim.Adam(model.parameters(), lr=0.05), X, y, epochs=3, batch_size=20,
           validation_split=0.25, metric=accuracy, random_state=0)
    out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    last = [line for line in out.splitlines() if "3/3" in line]
    assert last, out                                   # the finished bar is still there
    assert "accuracy" in last[-1] and "val accuracy" in last[-1] and "loss" in last[-1]


@pytest.mark.parametrize(("layer", "x", "match"), [
    (nn.Linear(4, 3), np.zeros((5, 3)), r"Linear\(in_features=4, out_features=3, bias=True\) expects inputs whose "
                                        r"last dimension is in_features = 4, got an input of shape \(5, 3\)"),
    (nn.Linear(4, 3), np.float64(1.0), r"in_features = 4, got an input of shape \(\)"),
    (nn.LayerNorm(8), np.zeros((2, 6)), r"LayerNorm\(normalized_shape=\(8,\)\) expects .* \(8,\), got .* \(2, 6\)"),
])
def test_wrong_input_width_names_the_layer_and_the_expected_width(layer, x, match):
    with pytest.raises(ValueError, match=match):
        layer(x)


def test_wrong_width_inside_a_network_names_the_layer():
    model = _model()
    with pytest.raises(ValueError, match=r"Linear\(in_features=2, out_features=16"):
        model(np.zeros((3, 5)))
