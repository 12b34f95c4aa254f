"""Multilayer perceptrons as scikit-learn estimators, trained on mmlkit's autodiff engine and optimizers."""

from __future__ import annotations

import math
import numbers
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from mmlkit._buffers import with_small_buffers
from mmlkit._dask import dask_unsupported
from mmlkit._validation import Interval, Options, check_classification_labels, check_random_state, validate_params
from mmlkit.autodiff import as_tensor, no_grad
from mmlkit.exceptions import ConvergenceWarning
from mmlkit.models._neural_fused import FORWARD, FlatNetwork, FusedEpoch, clip_bounds
from mmlkit.nn import functional as F
from mmlkit.nn.layers import Identity, Linear, ReLU, Sigmoid, Tanh
from mmlkit.nn.module import Parameter, Sequential
from mmlkit.optim import SGD, Adam

__all__ = ["MLPClassifier", "MLPRegressor"]

_ACTIVATIONS = {"relu": ReLU, "tanh": Tanh, "logistic": Sigmoid, "identity": Identity}
#: Each activation's forward ufunc, written into its input (prediction only: nothing is recorded).
_IN_PLACE = {layer: FORWARD[name] for name, layer in _ACTIVATIONS.items()}


class _BaseMLP(BaseEstimator):
    """Shared training loop: mini-batches, L2 penalty, Adam or SGD, early stopping."""

    #: "fused": the hand-derived training step (``_neural_fused``); "autodiff": the recorded graph.
    #: The same weights to rounding; the textbook path is kept beside the fast one and tested equal to it.
    _engine = "fused"

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None)],
        "activation": [Options(tuple(_ACTIVATIONS))],
        "solver": [Options(("adam", "sgd"))],
        "alpha": [Interval(Real, 0, None)],
        "batch_size": [Options(("auto",)), Interval(Integral, 1, None)],
        "learning_rate": [Options(("constant", "invscaling", "adaptive"))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None)],
        "max_iter": [Interval(Integral, 1, None)],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None)],
        "verbose": ["boolean", Interval(Integral, 0, None)],
        "momentum": [Interval(Real, 0, 1)],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None)],
    }

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=1e-4,
                 batch_size="auto", learning_rate="constant", learning_rate_init=1e-3, power_t=0.5, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, momentum=0.9, nesterovs_momentum=True,
                 early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    # --- subclass hooks: the output layer and its loss -------------------------------------------

    def _encode_targets(self, y):
        raise NotImplementedError

    def _loss(self, out, target):
        """(loss Tensor to differentiate, the batch's reported data loss as scikit-learn reports it)."""
        raise NotImplementedError

    def _fused_loss(self):
        """The output layer and loss, as :class:`FusedEpoch` names them."""
        raise NotImplementedError

    def _validation_score(self, X, target):
        raise NotImplementedError

    # ----------------------------------------------------------------------------------------------

    def _check_params(self):
        validate_params(self)
        sizes = (self.hidden_layer_sizes,) if isinstance(self.hidden_layer_sizes, numbers.Integral) \
            else tuple(self.hidden_layer_sizes)
        if any(not isinstance(h, numbers.Integral) or isinstance(h, bool) or h < 1 for h in sizes):
            raise ValueError(f"hidden_layer_sizes must hold positive ints, got {self.hidden_layer_sizes}")
        return sizes

    def _build(self, n_features, n_outputs, sizes, dtype, rng):
        """The network, Glorot-initialised as scikit-learn does: U(−b, b), b = √(k / (fan_in + fan_out)).

        Returns the :class:`FlatNetwork` holding every weight and bias in one array and
        the ``mmlkit.nn`` Sequential whose Linear layers hold views of it (a weight
        W = Cᵀ is the (out, in) view of the (in, out) block C).
        """
        net = FlatNetwork([n_features, *sizes, n_outputs], dtype)
        factor = 2.0 if self.activation == "logistic" else 6.0
        layers = []
        for i, ((a, b), C, c0) in enumerate(zip(net.shapes, net.coefs, net.intercepts)):
            bound = np.sqrt(factor / (a + b))
            C[...] = rng.uniform(-bound, bound, (a, b))
            c0[...] = rng.uniform(-bound, bound, b)
            lin = Linear(a, b, dtype=dtype, random_state=0)
            lin.weight.data, lin.bias.data = C.T, c0
            layers.append(lin)
            if i < len(net.shapes) - 1:
                layers.append(_ACTIVATIONS[self.activation]())
        return net, Sequential(*layers)

    def _split(self, X, target, rng):
        """(X, target, X_val, target_val): the validation split of ``early_stopping`` (else no split)."""
        if not self.early_stopping:
            return X, target, None, None
        n = X.shape[0]
        order = rng.permutation(n)
        n_val = max(1, int(self.validation_fraction * n))
        if n - n_val < 1:
            raise ValueError("validation_fraction leaves no training samples")
        val, train = order[:n_val], order[n_val:]
        return X[train], target[train], X[val], target[val]

    def _trainer(self, net, batch):
        """(parameters for the optimizer, epoch function): the fused path or the textbook one."""
        if self._engine == "fused":
            theta = Parameter(np.empty(0, dtype=net.theta.dtype))
            theta.data = net.theta   # the optimizer updates the flat array itself
            theta.grad = np.empty_like(net.theta)
            epoch = FusedEpoch(net, self.activation, self._fused_loss(), self.alpha, batch, theta.grad)
            return [theta], epoch.run
        params = list(self.model_.parameters())
        weights = [m.weight for m in self.model_ if isinstance(m, Linear)]
        return params, lambda *args: self._autodiff_epoch(*args, params, weights)

    def _fit(self, X, y):
        sizes = self._check_params()
        rng = check_random_state(self.random_state)
        target = self._encode_targets(y)
        net, self.model_ = self._build(X.shape[1], self._n_outputs, sizes, X.dtype, rng)
        X, target, X_val, t_val = self._split(X, target, rng)
        n = X.shape[0]
        batch = min(200, n) if self.batch_size == "auto" else min(self.batch_size, n)
        params, run_epoch = self._trainer(net, batch)
        # the bias and softmax broadcasts run through NumPy's ufunc buffer, 8192 values allocated whole:
        # for batches smaller than that, small buffers keep it a fraction of the batch's arrays
        buffer_size = batch * max(net.widths)
        opt = self._optimizer(params)
        step = self._stepper(opt)
        self.loss_curve_, self.validation_scores_ = [], [] if self.early_stopping else None
        self.best_loss_, best_score, best_state = np.inf, -np.inf, None
        no_improve, self.t_ = 0, 0
        converged = False
        for epoch in range(self.max_iter):
            order = rng.permutation(n) if self.shuffle else None
            with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported just below
                total = with_small_buffers(buffer_size, run_epoch, X, target, order, batch, step)
            if self.solver == "sgd" and self.learning_rate == "invscaling":  # per epoch, as scikit-learn
                _set_sgd_lr(opt, self.learning_rate_init / (self.t_ + 1) ** self.power_t)
            self.loss_ = total / n
            if not np.isfinite(self.loss_):
                # A network is not scale-equivariant: at extreme scales its float arithmetic
                # overflows; say so instead of returning NaN weights.
                raise ValueError(
                    f"{type(self).__name__}: the training loss became {self.loss_} at epoch {epoch + 1} "
                    f"(max |X| = {_amax(X):.3g}{self._target_scale(target)}): the data are too large "
                    "(or the learning rate too high) for the network's float arithmetic; standardise "
                    "X and y (e.g. with StandardScaler) or lower learning_rate_init")
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print(f"Iteration {epoch + 1}, loss = {self.loss_:.8f}")
            if self.early_stopping:
                score = self._validation_score(X_val, t_val)
                self.validation_scores_.append(score)
                if score > best_score:
                    best_state = self.model_.state_dict()
                no_improve = no_improve + 1 if score < best_score + self.tol else 0
                best_score = max(best_score, score)
            else:
                no_improve = no_improve + 1 if self.loss_ > self.best_loss_ - self.tol else 0
                self.best_loss_ = min(self.best_loss_, self.loss_)
            if no_improve > self.n_iter_no_change:
                if self.solver == "sgd" and self.learning_rate == "adaptive" and opt.param_groups[0]["lr"] > 1e-6:
                    _set_sgd_lr(opt, opt.param_groups[0]["lr"] / 5.0)
                    no_improve = 0
                    continue
                converged = True
                break
        self.n_iter_ = epoch + 1
        opt.zero_grad()   # the trained network keeps no gradient arrays (a copy of every weight)
        if self.early_stopping:
            self.best_validation_score_ = best_score
            self.best_loss_ = None
            if best_state is not None:
                self.model_.load_state_dict(best_state)
        if not converged:
            warnings.warn(f"{type(self).__name__}: stochastic optimizer stopped at max_iter={self.max_iter} "
                          "without converging", ConvergenceWarning, stacklevel=3)
        return self._set_layer_attributes()

    def _set_layer_attributes(self):
        """``coefs_``, ``intercepts_``, ``n_layers_`` from the trained network; returns self.

        Views of the network's own arrays, not copies (as in scikit-learn, the parameters
        predict uses): one set of weights in memory.
        """
        linears = [m for m in self.model_ if isinstance(m, Linear)]
        self.coefs_ = [m.weight.data.T for m in linears]
        self.intercepts_ = [m.bias.data for m in linears]
        self.n_layers_ = len(linears) + 1
        return self

    def _target_scale(self, target):
        return ""

    def _optimizer(self, params):
        if self.solver == "adam":
            return Adam(params, lr=self.learning_rate_init, betas=(self.beta_1, self.beta_2), eps=self.epsilon)
        return SGD(params, lr=self.learning_rate_init, momentum=self.momentum,
                   nesterov=self.nesterovs_momentum and self.momentum > 0)

    def _stepper(self, opt):
        """``step(b)``: the optimizer's update after a batch of b rows, with scikit-learn's Adam.

        scikit-learn's Adam adds ε to √vₜ before the bias correction, torch's (mmlkit.optim's)
        after it: ε/√(1 − β₂ᵗ) in torch's form is ε in scikit-learn's, so it is set each step.
        """
        group, t = opt.param_groups[0], 0

        def step(b):
            nonlocal t
            if self.solver == "adam":
                t += 1
                group["eps"] = self.epsilon / math.sqrt(1.0 - self.beta_2 ** t)
            opt.step()
            self.t_ += b
        return step

    def _autodiff_epoch(self, X, target, order, batch, step, params, weights):
        """One pass over the mini-batches in ``order`` (None: in order) through the recorded graph
        (the textbook path: ``mmlkit.nn`` layers, ``backward``); returns Σ b · (batch loss)."""
        total = 0.0
        for start in range(0, X.shape[0], batch):
            idx = slice(start, start + batch) if order is None else order[start:start + batch]
            Xb, tb = X[idx], target[idx]
            for p in params:
                p.grad = None
            loss, reported = self._loss(self.model_(as_tensor(Xb)), tb)
            loss.backward()
            penalty, b = 0.0, Xb.shape[0]
            if self.alpha:
                scale = self.alpha / b
                for W in weights:  # ∂/∂W of (α / 2b)‖W‖²
                    W.grad.data += scale * W.data
                    penalty += 0.5 * scale * float(np.vdot(W.data, W.data))
            step(b)
            total += (reported + penalty) * b
        return total

    def _raw(self, X):
        """The network's output on already-validated X, without recording a graph.

        X is shared, not copied, and each hidden activation is applied in place to
        its layer's new pre-activation array (the same ufunc, so the same values as
        the layer's own forward): one (n, width) array per layer instead of two.
        """
        with no_grad():
            # Each layer's ``+= bias`` broadcasts through NumPy's buffer (8192 values, allocated whole):
            # small buffers keep that transient a fraction of the layer's output.
            return with_small_buffers(0, self._forward_in_place, X)

    def _forward_in_place(self, X):
        h, fresh = as_tensor(X), False
        for layer in self.model_:
            in_place = _IN_PLACE.get(type(layer))
            if fresh and in_place is not None:
                in_place(h.data)
            else:
                h, fresh = layer(h), isinstance(layer, Linear)
        return h.data

    def _forward(self, X):
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported just below
            out = self._raw(X.astype(self.model_[0].weight.dtype, copy=False))
        if not np.all(np.isfinite(out)):
            raise ValueError(f"{type(self).__name__}: the network's output overflows on X (max |X| = "
                             f"{_amax(X):.3g}); X is far outside the scale the network was trained on "
                             "(standardise X as for fit, e.g. with StandardScaler)")
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


def _amax(a):
    return float(np.max(np.abs(a))) if np.size(a) else 0.0


def _set_sgd_lr(opt, lr):
    """Change SGD's rate keeping scikit-learn's velocity v = −η·buf fixed.

    PyTorch's momentum buffer holds gradients (step = η·buf); scikit-learn's
    velocity holds parameter steps (v ← μv − ηg). Rescaling the buffer by
    η_old/η_new when the rate changes makes the two updates identical.
    """
    group = opt.param_groups[0]
    ratio = group["lr"] / lr
    for state in opt.state.values():
        if state.get("momentum_buffer") is not None:
            state["momentum_buffer"] *= ratio
    group["lr"] = lr


@dask_unsupported
class MLPClassifier(ClassifierMixin, _BaseMLP):
    r"""A multilayer perceptron classifier trained by mini-batch Adam or SGD.

    Objective (scikit-learn's): the mean cross-entropy over a batch plus an L2
    penalty on the weights (not the biases),

        L(W) = −(1/b) Σᵢ log softmax(f(xᵢ))_{yᵢ} + (α / 2b) Σ_ℓ ‖W_ℓ‖²_F,

    with a single sigmoid output for two classes. f is Linear → activation → …
    → Linear, initialised Glorot-uniform. Training stops when the training loss
    (or, with ``early_stopping``, the validation accuracy) fails to improve by
    ``tol`` for ``n_iter_no_change`` epochs; otherwise a ConvergenceWarning at
    ``max_iter`` epochs. Cost per epoch: O(n Σ_ℓ d_ℓ d_{ℓ+1}).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
    solver : {"adam", "sgd"}, default="adam"
    alpha : float, default=1e-4
        L2 penalty strength.
    batch_size : int or "auto", default="auto"
        "auto" means min(200, n_samples).
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        Schedule for ``solver="sgd"``.
    learning_rate_init, power_t, max_iter, shuffle, random_state, tol, verbose, momentum,
    nesterovs_momentum, early_stopping, validation_fraction, beta_1, beta_2, epsilon, n_iter_no_change
        As in ``sklearn.neural_network.MLPClassifier``.

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
    coefs_ : list of (fan_in, fan_out) arrays
    intercepts_ : list of arrays
    loss_curve_ : list of float
    n_iter_ : int
    model_ : mmlkit.nn.Sequential
        The trained network itself.

    Notes
    -----
    The loss recorded in ``loss_curve_`` (and compared with ``tol``) is
    scikit-learn's: each sample's log-loss with its probability clipped to
    [ε, 1 − ε], ε the machine epsilon of X's dtype, so that a saturated,
    misclassified sample counts −log ε ≈ 36 and not more; the gradient is that of
    the unclipped loss, δ = softmax(z) − onehot(y). Adam is scikit-learn's too:
    w ← w − η √(1 − β₂ᵗ)/(1 − β₁ᵗ) · mₜ / (√vₜ + ε), ε added before the bias
    correction (mmlkit.optim.Adam, PyTorch's form, with ε/√(1 − β₂ᵗ) in its place).
    From the same initial weights the training trajectory is scikit-learn's to
    rounding (tests/models/test_neural.py).

    Each mini-batch step is backpropagation written out by hand
    (``mmlkit.models._neural_fused``: two matrix products per layer, into
    buffers reused by every batch, one optimizer update over all the parameters
    held in one flat array); the same step through the ``mmlkit.nn`` network
    ``model_`` and ``mmlkit.autodiff`` (the textbook path) gives the same
    weights to rounding.

    Examples
    --------
    >>> from mmlkit.datasets import load_iris
    >>> X, y = load_iris()
    >>> clf = MLPClassifier((32,), max_iter=500, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and class labels y (n_samples,)."""
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32))
        check_classification_labels(y)
        self.classes_, _ = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"MLPClassifier needs at least 2 classes in y; got {len(self.classes_)} class")
        self._n_outputs = 1 if len(self.classes_) == 2 else len(self.classes_)
        self.n_outputs_ = self._n_outputs
        self.out_activation_ = "logistic" if self._n_outputs == 1 else "softmax"
        return self._fit(X, y)

    def _encode_targets(self, y):
        codes = np.searchsorted(self.classes_, y)
        return codes.astype(np.float64) if self._n_outputs == 1 else codes

    def _fused_loss(self):
        return "logistic" if self._n_outputs == 1 else "softmax"

    def _loss(self, out, target):
        if self._n_outputs == 1:
            per = F.binary_cross_entropy_with_logits(out.reshape(-1), target.astype(out.dtype), reduction="none")
        else:
            per = F.cross_entropy(out, target, reduction="none")
        # the gradient is the unclipped loss's (scikit-learn's too); the report clips as its log-loss does
        return per.mean(), float(np.clip(per.data, *clip_bounds(out.dtype)).mean())

    def _validation_score(self, X, target):
        out = self._raw(X)
        pred = (out.ravel() > 0).astype(int) if self._n_outputs == 1 else out.argmax(axis=1)
        return float(np.mean(pred == target.astype(int)))

    def predict_proba(self, X):
        """Class probabilities (n_samples, n_classes): softmax, or [1 − σ, σ] for two classes."""
        z = self._forward(X).astype(np.float64)
        if self._n_outputs == 1:
            p = 0.5 * (1 + np.tanh(0.5 * z.ravel()))
            return np.c_[1 - p, p]
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        """log predict_proba, computed stably from the logits."""
        z = self._forward(X).astype(np.float64)
        if self._n_outputs == 1:
            z = z.ravel()
            return np.c_[-np.logaddexp(0, z), -np.logaddexp(0, -z)]
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def predict(self, X):
        """The most probable class for each row."""
        z = self._forward(X)
        idx = (z.ravel() > 0).astype(int) if self._n_outputs == 1 else z.argmax(axis=1)
        return self.classes_[idx]


@dask_unsupported
class MLPRegressor(RegressorMixin, _BaseMLP):
    r"""A multilayer perceptron regressor trained by mini-batch Adam or SGD.

    Objective (scikit-learn's): half the mean squared error plus an L2 penalty,

        L(W) = (1/2b) Σᵢ ‖f(xᵢ) − yᵢ‖² + (α / 2b) Σ_ℓ ‖W_ℓ‖²_F,

    with an identity output layer. Parameters, attributes and stopping rules as
    :class:`MLPClassifier` (the validation score is R²). The loss recorded in
    ``loss_curve_`` is scikit-learn's, the squared error averaged over the
    outputs as well: (1/2bk) Σᵢ ‖f(xᵢ) − yᵢ‖² for k outputs (the gradient is that
    of the objective above, as in scikit-learn).

    A network is not scale-equivariant: where X or y are so large that its
    float arithmetic overflows, ``fit`` (or ``predict``) raises ``ValueError``
    instead of returning NaN; standardise the data (``StandardScaler``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(-1, 1, 200)[:, None]
    >>> reg = MLPRegressor((32,), max_iter=2000, learning_rate_init=0.01, tol=1e-6, random_state=0)
    >>> reg = reg.fit(X, X.ravel() ** 2)
    >>> reg.score(X, X.ravel() ** 2) > 0.95
    True
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def fit(self, X, y):
        """Train on X (n_samples, n_features) and targets y (n_samples,) or (n_samples, n_targets)."""
        X, y = validate_data(self, X, y, dtype=(np.float64, np.float32), multi_output=True, y_numeric=True)
        self._y_1d = y.ndim == 1
        self._n_outputs = 1 if y.ndim == 1 else y.shape[1]
        self.n_outputs_ = self._n_outputs
        self.out_activation_ = "identity"
        return self._fit(X, y.astype(X.dtype))

    def _encode_targets(self, y):
        return y.reshape(len(y), -1)

    def _target_scale(self, target):
        return f", max |y| = {_amax(target):.3g}"

    def _fused_loss(self):
        return "squared"

    def _loss(self, out, target):
        # the gradient is that of ½‖f(x) − y‖² per row (scikit-learn's); the report averages over the outputs too
        loss = 0.5 * F.mse_loss(out, target) * float(self._n_outputs)
        return loss, float(loss.data) / self._n_outputs

    def _validation_score(self, X, target):
        pred = self._raw(X)
        ss_res = ((target - pred) ** 2).sum(axis=0)
        ss_tot = ((target - target.mean(axis=0)) ** 2).sum(axis=0)
        return float(np.mean(1 - ss_res / np.where(ss_tot == 0, 1, ss_tot)))

    def predict(self, X):
        """Predicted targets, (n_samples,) or (n_samples, n_targets) as y was."""
        out = self._forward(X)
        return out.ravel() if self._y_1d else out
