"""``fit``: mini-batch training with a progress bar, validation and early stopping."""

from __future__ import annotations

import copy
import numbers
from dataclasses import dataclass, field

import numpy as np

from mmlkit._validation import (
    Interval,
    as_float_array,
    check_consistent_length,
    check_random_state,
    validate_args,
)
from mmlkit.autodiff import no_grad, tensor
from mmlkit.nn.module import Module
from mmlkit.optim.optimizers import Optimizer

__all__ = ["History", "fit"]


@dataclass
class History:
    """Per-epoch records of a :func:`fit` run.

    ``loss`` is the mean training loss over each epoch's batches; ``val_loss``
    the loss on the held-out data (empty without validation); ``metric`` the
    optional metric on each epoch's training batches (as the model saw them
    while training) and ``val_metric`` on the held-out data; ``best_epoch`` the
    epoch whose weights were kept; ``stopped_early`` whether patience ran out.
    Its repr is one line: the epochs run and the last and best values.
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    metric: list[float] = field(default_factory=list)
    val_metric: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    metric_name: str = "metric"

    def __repr__(self) -> str:
        parts = [f"epochs={len(self.loss)}"]
        for name, values, lower in [("loss", self.loss, True), ("val_loss", self.val_loss, True),
                                    (self.metric_name, self.metric, False),
                                    (f"val_{self.metric_name}", self.val_metric, False)]:
            if values:
                best = min(values) if lower else max(values)
                parts.append(f"{name}={values[-1]:.4g} (best {best:.4g})")
        if self.best_epoch is not None:
            parts.append(f"best_epoch={self.best_epoch}")
        if self.stopped_early:
            parts.append("stopped_early=True")
        return f"History({', '.join(parts)})"


def _evaluate(model, loss, X, y, batch_size, metric):
    """Mean loss (and metric) over X in batches, without recording a graph."""
    was_training = model.training
    model.eval()
    total, preds = 0.0, []
    with no_grad():
        for start in range(0, len(X), batch_size):
            out = model(tensor(X[start:start + batch_size]))
            total += float(loss(out, y[start:start + batch_size]).data) * min(batch_size, len(X) - start)
            if metric is not None:
                preds.append(out.data)
    model.train(was_training)
    value = None if metric is None else float(metric(np.concatenate(preds), y))
    return total / len(X), value


@validate_args({
    "model": [Module], "loss": ["callable"], "optimizer": [Optimizer],
    "epochs": [Interval(numbers.Integral, 1, None)], "batch_size": [Interval(numbers.Integral, 1, None)],
    "validation_split": [Interval(numbers.Real, 0.0, 1.0, closed="left")], "shuffle": ["boolean"],
    "early_stopping": ["boolean"], "patience": [Interval(numbers.Integral, 1, None)],
    "min_delta": [Interval(numbers.Real, 0.0, None)], "restore_best": ["boolean"], "metric": [None, "callable"],
    "progress": ["boolean"], "random_state": ["random_state"],
})
def fit(model, loss, optimizer, X, y, epochs=10, batch_size=32, *, validation_split=0.0, validation_data=None,
        shuffle=True, early_stopping=False, patience=5, min_delta=0.0, restore_best=True, metric=None,
        scheduler=None, progress=True, random_state=None, dtype=None):
    r"""Train ``model`` by mini-batch gradient descent; returns a :class:`History`.

    Each epoch shuffles the training rows, and for each batch runs
    ``optimizer.zero_grad(); loss(model(X_b), y_b).backward(); optimizer.step()``.

    Parameters
    ----------
    model : Module
    loss : callable
        ``loss(output, y_batch) -> scalar Tensor`` (e.g. :func:`~mmlkit.nn.cross_entropy`).
    optimizer : mmlkit.optim.Optimizer
        Built over ``model.parameters()``.
    X : array_like (n, ...)
        Inputs; cast to the model's dtype unless ``dtype`` says otherwise.
    y : array_like (n, ...)
        Targets, passed to ``loss`` unchanged (integer classes or float values).
    epochs : int, default=10
    batch_size : int, default=32
    validation_split : float in [0, 1), default=0.0
        Hold out this fraction of the rows (after a seeded shuffle) for validation.
    validation_data : (X_val, y_val), optional
        Explicit validation set (takes precedence over ``validation_split``).
    shuffle : bool, default=True
    early_stopping : bool, default=False
        Stop when the validation loss (the training loss without validation data)
        has not improved by ``min_delta`` for ``patience`` epochs; with
        ``restore_best`` the best epoch's weights are put back.
    metric : callable, optional
        ``metric(outputs, y) -> float`` on NumPy arrays, recorded each epoch on the
        training batches (``History.metric``) and on the validation data
        (``History.val_metric``), and shown in the progress bar.
    scheduler : LRScheduler, optional
        Stepped once per epoch.
    progress : bool, default=True
        Show a Rich progress bar with the current losses.
    random_state : int, Generator or None
        Seeds the shuffling and the validation split.
    dtype : numpy dtype, optional
        The dtype of the input batches (default: that of the model's first parameter).
    """
    params = list(model.parameters())
    if dtype is None:
        dtype = params[0].data.dtype if params else np.float64
    X = as_float_array(X, "X", dtype=dtype)
    y = np.asarray(y)
    if y.dtype.kind == "f" and not np.isfinite(y).all():
        raise ValueError("y must be finite, but it contains NaN or infinity")
    check_consistent_length((X, "X"), (y, "y"))
    rng = check_random_state(random_state)
    X, y, X_val, y_val = _split_validation(X, y, validation_data, validation_split, rng, dtype)
    metric_name = getattr(metric, "__name__", "metric") if metric is not None else "metric"
    if metric_name == "<lambda>":
        metric_name = "metric"
    history = History(metric_name=metric_name)
    best, best_state, waited = np.inf, None, 0
    n = len(X)
    bar = _progress(progress, epochs)
    model.train()
    try:
        for epoch in range(epochs):
            order = rng.permutation(n) if shuffle else np.arange(n)
            mean_loss, outputs = _train_epoch(model, loss, optimizer, X, y, order, batch_size, metric is not None)
            history.loss.append(mean_loss)
            if metric is not None:
                history.metric.append(float(metric(np.concatenate(outputs), y[order])))
            if scheduler is not None:
                scheduler.step()
            monitored = history.loss[-1]
            if X_val is not None:
                val_loss, val_metric = _evaluate(model, loss, X_val, y_val, max(batch_size, 256), metric)
                history.val_loss.append(val_loss)
                if val_metric is not None:
                    history.val_metric.append(val_metric)
                monitored = val_loss
            if monitored < best - min_delta:
                best, waited, history.best_epoch = monitored, 0, epoch
                if early_stopping and restore_best:
                    best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
            if bar is not None:
                bar[0].update(bar[1], advance=1, description=_describe(history, metric_name))
            if early_stopping and waited >= patience:
                history.stopped_early = True
                break
    finally:
        if bar is not None:
            bar[0].stop()
    if best_state is not None and history.stopped_early:
        model.load_state_dict(best_state)
    return history


def _split_validation(X, y, validation_data, validation_split, rng, dtype):
    """(X, y, X_val, y_val): the training rows and the validation set (None, None without one)."""
    if validation_data is not None:
        X_val = as_float_array(validation_data[0], "validation_data[0]", dtype=dtype)
        y_val = np.asarray(validation_data[1])
    elif validation_split > 0:
        order = rng.permutation(len(X))
        n_val = max(1, int(round(validation_split * len(X))))
        if n_val >= len(X):
            raise ValueError("validation_split leaves no training rows")
        X_val, y_val = X[order[:n_val]], y[order[:n_val]]
        X, y = X[order[n_val:]], y[order[n_val:]]
    else:
        X_val = y_val = None
    return X, y, X_val, y_val


def _train_epoch(model, loss, optimizer, X, y, order, batch_size, keep_outputs):
    """One pass of mini-batch steps over the rows in ``order``: (mean loss, batch outputs)."""
    running, outputs = 0.0, []
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        optimizer.zero_grad()
        out = model(tensor(X[idx]))
        batch_loss = loss(out, y[idx])
        batch_loss.backward()
        optimizer.step()
        running += float(batch_loss.data) * len(idx)
        if keep_outputs:
            outputs.append(np.array(out.data))
    return running / len(order), outputs


def _describe(history, metric_name):
    """The progress bar's text: the latest losses and metric values."""
    desc = f"loss {history.loss[-1]:.4f}"
    if history.metric:
        desc += f" · {metric_name} {history.metric[-1]:.4f}"
    if history.val_loss:
        desc += f" · val loss {history.val_loss[-1]:.4f}"
    if history.val_metric:
        desc += f" · val {metric_name} {history.val_metric[-1]:.4f}"
    return desc


def _progress(enabled, epochs):
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("[bold]training[/bold] {task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), transient=False)  # the finished bar stays, with the last losses
    bar.start()
    return bar, bar.add_task("", total=epochs)
