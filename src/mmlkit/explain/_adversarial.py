"""Robustness of differentiable models: adversarial examples (FGSM, PGD) and input sensitivity.

Gradients with respect to the *input* come from mmlkit's autodiff engine, so
any model whose forward pass is written in ``mmlkit.autodiff`` operations is
supported: an ``mmlkit.nn`` module, a function of a Tensor, an object with a
``forward`` method, a fitted ``mmlkit.models`` MLP (through its network), or a
linear model exposing ``coef_`` and ``intercept_`` (e.g. ``LogisticRegression``),
whose logits are rebuilt as X Wᵀ + b.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from mmlkit import autodiff as ad
from mmlkit._validation import Interval, Options, as_float_array, check_random_state, validate_args
from mmlkit.explain._common import evaluate

__all__ = ["Sensitivity", "differentiable_forward", "fgsm", "input_sensitivity", "pgd"]


_EPS = {"eps": [Interval(numbers.Real, 0.0, None)], "targeted": ["boolean"]}


def differentiable_forward(model):
    """The model's forward pass as a function of a Tensor (logits for classifiers).

    Parameters
    ----------
    model : object
        A function of a Tensor, an ``mmlkit.nn`` module, an object with
        ``forward``, a fitted linear model with ``coef_``/``intercept_``, or a
        fitted ``mmlkit.models`` MLP (its network ``model_``).

    Returns
    -------
    callable
        ``forward(X: Tensor) -> Tensor`` of shape (n,) or (n, k).

    Notes
    -----
    Checked in this order: ``coef_``/``intercept_`` (logits X Wᵀ + b), a fitted
    network ``model_``, a ``forward`` method, a plain callable.

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit.autodiff import tensor
    >>> class Linear:
    ...     coef_, intercept_ = np.array([[2.0, -1.0]]), np.array([0.5])
    >>> differentiable_forward(Linear())(tensor(np.ones((1, 2)))).numpy()
    array([1.5])
    """
    if hasattr(model, "coef_") and hasattr(model, "intercept_"):
        W = np.atleast_2d(np.asarray(model.coef_, dtype=np.float64))
        b = np.atleast_1d(np.asarray(model.intercept_, dtype=np.float64))

        def linear(X):
            Z = X @ W.T + b
            return Z[:, 0] if W.shape[0] == 1 else Z

        return linear
    net = getattr(model, "model_", None)  # a fitted mmlkit MLP keeps its nn network here
    if net is not None and callable(net):
        return net
    if hasattr(model, "forward") and callable(model.forward):
        return model
    if callable(model) and not hasattr(model, "fit"):
        return model
    raise ValueError(f"model must be differentiable with mmlkit.autodiff: a function of a Tensor, "
                     f"an nn module, or a linear model with coef_ and intercept_; got {type(model).__name__}")


def _label_index(model, y, n):
    y = np.asarray(y)
    if y.ndim == 0:
        y = np.full(n, y)
    if y.shape != (n,):
        raise ValueError(f"y must hold one label per row of X ({n}), got shape {y.shape}")
    classes = getattr(model, "classes_", None)
    if classes is not None:
        classes = np.asarray(classes)
        idx = np.searchsorted(classes, y)
        if (idx >= classes.size).any() or (classes[np.minimum(idx, classes.size - 1)] != y).any():
            raise ValueError(f"y must hold the model's classes {classes.tolist()}")
        return idx
    if y.dtype.kind not in "biu" and not np.all(y == np.round(y)):
        raise ValueError("y must hold integer class indices for a model without classes_")
    return y.astype(int)


def _loss_fn(forward, idx):
    """Summed cross-entropy from logits (binary if the forward returns one logit per row)."""
    def loss(X):
        Z = forward(X)
        shape = Z.shape
        if len(shape) == 1 or shape[1] == 1:
            z = Z.reshape(-1) if len(shape) == 2 else Z
            t = idx.astype(np.float64)
            if not np.isin(idx, (0, 1)).all():
                raise ValueError("y must be 0/1 for a model with a single output")
            return ad.sum(ad.softplus(z) - z * t)
        onehot = np.eye(shape[1])[idx]
        return -ad.sum(ad.log_softmax(Z, axis=1) * onehot)

    return loss


def _clip(X, clip):
    if clip is None:
        return X
    lo, hi = clip
    return np.clip(X, lo, hi)


def _prepare(model, X, y, eps):
    X = as_float_array(X, "X", ndim=(1, 2))
    single = X.ndim == 1
    X = np.atleast_2d(X)
    forward = differentiable_forward(model)
    idx = _label_index(model, y, X.shape[0])
    return X, single, ad.grad(_loss_fn(forward, idx))


@validate_args(_EPS)
def fgsm(model, X, y, eps, *, targeted=False, clip=None):
    """Fast gradient sign method: one step of size ε along the sign of the loss gradient.

    Parameters
    ----------
    model : differentiable model
        See :func:`differentiable_forward`; its output is read as logits.
    X : array_like of shape (n_samples, n_features) or (n_features,)
        Inputs to perturb.
    y : array_like of shape (n_samples,)
        True labels (or, with ``targeted=True``, the labels to push towards).
    eps : float
        Size of the L∞ perturbation.
    targeted : bool, default=False
        Decrease the loss of ``y`` instead of increasing it.
    clip : tuple (low, high), optional
        Keep the result in the valid input range (e.g. pixel values).

    Returns
    -------
    ndarray, same shape as ``X``

    Notes
    -----
    x′ = x + ε · sign(∇ₓ L(f(x), y)) (Goodfellow et al. 2015): the L∞-bounded
    step that increases the linearised loss most. For a linear model the
    gradient's sign is sign(±w), so a tiny ε on every pixel adds up to a
    large change in the logit. One forward and one backward pass.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> clf = LogisticRegression().fit(X, y)
    >>> fgsm(clf, X[:1], y[:1], eps=0.5)
    array([[0.5]])
    """
    X, single, g = _prepare(model, X, y, eps)
    step = np.sign(g(X))
    adv = _clip(X - eps * step if targeted else X + eps * step, clip)
    return adv[0] if single else adv


@validate_args({**_EPS, "steps": [Interval(numbers.Integral, 1, None)],
                "step_size": [None, Interval(numbers.Real, 0.0, None, closed="neither")],
                "norm": [Options(("inf", "2"))], "random_start": ["boolean"], "random_state": ["random_state"]})
def pgd(model, X, y, eps, *, steps=10, step_size=None, norm="inf", random_start=False,
        targeted=False, clip=None, random_state=None):
    """Projected gradient descent attack: iterated gradient steps projected onto the ε-ball.

    Parameters
    ----------
    model : differentiable model
        See :func:`differentiable_forward`.
    X : array_like of shape (n_samples, n_features) or (n_features,)
        Inputs to perturb.
    y : array_like of shape (n_samples,)
        True labels (or target labels with ``targeted=True``).
    eps : float
        Radius of the allowed perturbation.
    steps : int, default=10
        Number of iterations.
    step_size : float or None, default=None
        Step length; None means 2.5·ε/steps (Madry et al.).
    norm : {"inf", "2"}, default="inf"
        The perturbation ball: L∞ (sign steps, clipping) or L2 (normalised
        gradient steps, radial projection).
    random_start : bool, default=False
        Start from a uniform random point of the ball.
    targeted : bool, default=False
        Minimise the loss of ``y`` instead of maximising it.
    clip : tuple (low, high), optional
        Valid input range, enforced after every step.
    random_state : int, Generator or None, default=None
        Seed for ``random_start``.

    Returns
    -------
    ndarray, same shape as ``X``

    Notes
    -----
    δ ← Π_{‖δ‖≤ε}(δ + α · s(∇ₓL(x + δ))), with s = sign for L∞ and g/‖g‖₂ for
    L2 (Madry et al. 2018). Each row is attacked independently; cost: ``steps``
    forward/backward passes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> clf = LogisticRegression().fit(X, y)
    >>> float(np.abs(pgd(clf, X, y, eps=0.3) - X).max()) <= 0.3 + 1e-12
    True
    """
    X, single, g = _prepare(model, X, y, eps)
    if step_size is None:
        step_size = 2.5 * eps / steps
    sign = -1.0 if targeted else 1.0

    def project(delta):
        if norm == "inf":
            return np.clip(delta, -eps, eps)
        r = np.linalg.norm(delta, axis=1, keepdims=True)
        return delta * np.minimum(1.0, eps / np.maximum(r, 1e-300))

    delta = np.zeros_like(X)
    if random_start:
        rng = check_random_state(random_state)
        if norm == "inf":
            delta = rng.uniform(-eps, eps, X.shape)
        else:
            u = rng.normal(size=X.shape)
            u /= np.linalg.norm(u, axis=1, keepdims=True)
            delta = u * eps * rng.random((X.shape[0], 1)) ** (1.0 / X.shape[1])
        delta = _clip(X + delta, clip) - X
    for _ in range(steps):
        grad = g(X + delta)
        if norm == "inf":
            direction = np.sign(grad)
        else:
            direction = grad / np.maximum(np.linalg.norm(grad, axis=1, keepdims=True), 1e-300)
        delta = project(delta + sign * step_size * direction)
        delta = _clip(X + delta, clip) - X
    adv = X + delta
    return adv[0] if single else adv


@dataclass(frozen=True)
class Sensitivity:
    """Per-row input sensitivity of a model.

    Shapes: ``jacobian`` (n, k, d); ``frobenius_norm``, ``spectral_norm``,
    ``condition_number`` (n,).
    """

    jacobian: np.ndarray
    frobenius_norm: np.ndarray
    spectral_norm: np.ndarray
    condition_number: np.ndarray


@validate_args({"method": [Options(("auto", "autodiff", "finite_difference"))], "output": [Options(("raw", "proba"))],
                "step": [None, Interval(numbers.Real, 0.0, None, closed="neither")]})
def input_sensitivity(model, X, *, method="auto", output="raw", step=None):
    """Jacobians of a model's outputs with respect to its inputs, their norms and condition numbers.

    Parameters
    ----------
    model : differentiable model or callable
        For ``method="autodiff"`` a model accepted by :func:`differentiable_forward`;
        for ``"finite_difference"`` any ``f(X (m, d)) -> (m,)`` or ``(m, k)``
        (an estimator contributes ``predict_proba`` or ``predict``).
    X : array_like of shape (n_samples, n_features)
        Points at which to measure.
    method : {"auto", "autodiff", "finite_difference"}, default="auto"
        "auto" uses autodiff when the model is differentiable, else central
        differences.
    output : {"raw", "proba"}, default="raw"
        With autodiff: differentiate the forward output (logits), or its
        sigmoid/softmax.
    step : float or None, default=None
        Finite-difference step; None means ε^{1/3}·max(1, |x|) per coordinate.

    Returns
    -------
    Sensitivity

    Notes
    -----
    Jᵢ = ∂f/∂x at xᵢ (k × d). ‖J‖_F and ‖J‖₂ = σ_max(J) bound how far the output
    moves per unit input change; the relative condition number
    κ(x) = ‖J‖₂ ‖x‖ / ‖f(x)‖ is the amplification of relative errors.
    Autodiff: k reverse passes over the whole batch (rows are independent, so
    one pass per output gives every row's gradient). Finite differences: one
    batched call on 2·n·d perturbed rows.

    Examples
    --------
    >>> import numpy as np
    >>> s = input_sensitivity(lambda X: X @ np.array([[3.0], [4.0]]), np.ones((2, 2)),
    ...                       method="finite_difference")
    >>> np.round(s.spectral_norm, 6)
    array([5., 5.])
    """
    X = as_float_array(X, "X", ndim=2)
    n, d = X.shape
    if method == "auto":
        method = "autodiff" if _is_differentiable(model, X) else "finite_difference"
    if method == "autodiff":
        forward = differentiable_forward(model)

        def f(Z):
            out = forward(Z)
            if output == "proba":
                out = ad.sigmoid(out) if len(out.shape) == 1 else ad.softmax(out, axis=1)
            return out

        values, pullback = ad.vjp(f, X)
        values = np.asarray(values)
        F = values.reshape(n, -1)
        k = F.shape[1]
        J = np.empty((n, k, d))
        for j in range(k):  # one reverse pass per output, all rows at once
            e = np.zeros_like(F)
            e[:, j] = 1.0
            J[:, j, :] = pullback(e.reshape(values.shape))[0]
    else:
        if output != "raw":
            raise ValueError("output='proba' needs method='autodiff'; pass predict_proba as the model instead")
        if hasattr(model, "fit"):
            func = model.predict_proba if hasattr(model, "predict_proba") else model.predict
        elif callable(model):
            func = model
        else:
            raise ValueError(f"model must be callable or an estimator, got {type(model).__name__}")
        # the step follows each feature's own scale (its largest |value|; 1 for an all-zero feature)
        typical = np.max(np.abs(X), axis=0)
        h = np.finfo(np.float64).eps ** (1 / 3) * np.maximum(np.abs(X), np.where(typical > 0, typical, 1.0)) \
            if step is None else np.full_like(X, step)
        E = np.eye(d)
        plus = (X[:, None, :] + h[:, :, None] * E[None]).reshape(-1, d)
        minus = (X[:, None, :] - h[:, :, None] * E[None]).reshape(-1, d)
        out = evaluate(func, np.vstack([plus, minus]), "model")
        out = out.reshape(2, n, d, -1)
        J = np.moveaxis((out[0] - out[1]) / (2 * h[:, :, None]), 2, 1)  # (n, k, d)
        F = evaluate(func, X, "model").reshape(n, -1)
    fro = np.linalg.norm(J, axis=(1, 2))
    spec = np.linalg.svd(J, compute_uv=False)[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        cond = spec * _row_norms(X) / _row_norms(F)
    return Sensitivity(J, fro, spec, cond)


def _row_norms(A):
    """‖row‖₂ of each row, each scaled by a power of two first: no overflow or underflow at any scale."""
    A = np.asarray(A, dtype=float).reshape(len(A), -1)
    e = np.frexp(np.max(np.abs(A), axis=1))[1]
    return np.ldexp(np.linalg.norm(np.ldexp(A, -e[:, None]), axis=1), e)


def _is_differentiable(model, X):
    if (hasattr(model, "coef_") and hasattr(model, "intercept_") or hasattr(model, "forward")
            or callable(getattr(model, "model_", None))):
        return True
    if not callable(model) or hasattr(model, "fit"):
        return False
    try:
        return isinstance(model(ad.tensor(X[:1])), ad.Tensor)
    except Exception:  # a NumPy-only black box rejects Tensors in its own way
        return False
