"""Gradient-based optimizers over autodiff parameters, with PyTorch's semantics.

Usage is PyTorch's::

    opt = Adam(model.parameters(), lr=1e-3)
    for X, y in batches:
        opt.zero_grad()
        loss(model(X), y).backward()
        opt.step()

Each update is written exactly as ``torch.optim`` writes it (the same order of
operations, so trajectories agree to rounding), and it runs in place on the
parameter arrays: no graph is recorded and no new parameter arrays are made.
Parameters may be float32 or float64; state arrays take the parameter's dtype.
"""

from __future__ import annotations

import copy
import math
import numbers

import numpy as np

from mmlkit._validation import NON_NEGATIVE, REAL, Interval, TupleOf, validate_params
from mmlkit.autodiff import Tensor

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW"]


def _grad_array(p):
    g = p.grad
    if g is None or isinstance(g, np.ndarray):
        return g
    return g.data


#: Below this many entries an elementwise update runs on the calling thread. A hand-off to the pool costs
#: 30-50 µs, and the slices' ufunc calls then take turns at the GIL: on a 2-core machine Adam's update of
#: 200,000 float32 entries took 260 µs on one thread and 380 µs on two, of 500,000 entries 620 µs against
#: 400 µs (medians of many steps).
_PARALLEL_MIN = 1 << 18


def _elementwise(math_fn, arrays, coefs):
    """``math_fn(*arrays, *coefs)``; for a large parameter, on contiguous slices run by the thread pool.

    Every operation is elementwise, so the slices are independent and the result is bit for bit the
    one-thread result (PyTorch's CPU kernels split their elementwise loops over threads the same way).
    """
    w = arrays[0]
    if w.size < _PARALLEL_MIN or not (w.flags.c_contiguous or w.flags.f_contiguous) or not all(
            x is None or (x.shape == w.shape and x.strides == w.strides) for x in arrays):
        math_fn(*arrays, *coefs)
        return
    from mmlkit._threads import map_blocks, row_blocks

    # every array laid out as w (C- or F-ordered): the same element at the same offset in each
    flat = [None if x is None else x.reshape(-1, order="A") for x in arrays]
    blocks = row_blocks(w.size, min_work=_PARALLEL_MIN // 2)
    map_blocks(lambda sl: math_fn(*[None if x is None else x[sl] for x in flat], *coefs), blocks)


class Optimizer:
    """Base class: parameter groups, per-parameter state, ``zero_grad`` and ``state_dict``.

    Parameters
    ----------
    params : iterable of Tensor, or iterable of dict
        The parameters to optimise, or parameter groups: dicts with a
        ``"params"`` list and per-group overrides of the defaults (``lr``, …).
    defaults : dict
        The hyperparameters every group starts from.

    Each class declares its hyperparameters' constraints in ``_parameter_constraints``;
    every parameter group is checked against it when it is added (at construction and
    by :meth:`add_param_group`), as torch checks at construction.
    """

    _parameter_constraints: dict = {"lr": [NON_NEGATIVE]}

    def __init__(self, params, defaults: dict):
        if isinstance(params, (Tensor, np.ndarray, dict)) or not hasattr(params, "__iter__"):
            raise TypeError("params must be an iterable of Tensors or of parameter-group dicts "
                            f"(model.parameters(), [w, b]), got {type(params).__name__}")
        params = list(params)
        if not params:
            raise ValueError("params must not be empty: the optimizer has nothing to optimise")
        n_dicts = sum(isinstance(p, dict) for p in params)
        if n_dicts not in (0, len(params)):
            raise TypeError("params must hold either Tensors or parameter-group dicts, not both")
        groups = params if n_dicts else [{"params": params}]
        self.defaults = dict(defaults)
        self.param_groups: list[dict] = []
        self.state: dict[int, dict] = {}
        self._scratch: dict = {}  # per dtype: work space the in-place updates reuse (not state)
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict) -> None:
        """Add a group of parameters with its own hyperparameters."""
        if not isinstance(group, dict) or "params" not in group:
            raise TypeError(f"a parameter group must be a dict with a 'params' entry, got {group!r:.80}")
        group = dict(group)
        ps = group["params"]
        group["params"] = [ps] if isinstance(ps, Tensor) else list(ps)
        seen = {id(q) for g in self.param_groups for q in g["params"]}
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"params must be autodiff Tensors (requires_grad=True), got "
                                f"{type(p).__name__}: wrap arrays with mmlkit.autodiff.tensor(a, requires_grad=True)")
            if not p.requires_grad:
                raise ValueError("params must be Tensors with requires_grad=True")
            if not p.is_leaf:
                raise ValueError("params must be leaf Tensors (made by the user, not computed): "
                                 "an optimizer cannot update a non-leaf Tensor")
            if id(p) in seen:
                raise ValueError("params must be distinct: a parameter appears twice "
                                 "(in one group or in two)")
            seen.add(id(p))
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check_group(group)
        group.setdefault("initial_lr", group["lr"])
        self.param_groups.append(group)

    def _check_group(self, group: dict) -> None:
        validate_params(group, self._parameter_constraints, owner=type(self).__name__)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the accumulated gradients (``None``, as PyTorch's default, or zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    _grad_array(p)[...] = 0

    def step(self) -> None:
        """Update every parameter that has a gradient."""
        for group in self.param_groups:
            for p in group["params"]:
                g = _grad_array(p)
                if g is None:
                    continue
                state = self.state.setdefault(id(p), {})
                self._update(p.data, g, state, group)

    def _update(self, w: np.ndarray, g: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    def _work(self, like: np.ndarray, k: int = 1) -> list[np.ndarray]:
        """``k`` scratch arrays shaped and ordered like ``like``: views into one buffer per dtype, kept
        between steps, so an update writes its intermediate results with ``out=`` and allocates nothing."""
        size = like.size
        buf = self._scratch.get(like.dtype)
        if buf is None or buf.size < k * size:
            buf = self._scratch[like.dtype] = np.empty(k * size, dtype=like.dtype)
        # in like's memory order (an F-ordered weight gets F-ordered scratch): passes over matching strides
        order = "F" if like.flags.f_contiguous and not like.flags.c_contiguous else "C"
        return [buf[i * size:(i + 1) * size].reshape(like.shape, order=order) for i in range(k)]

    def state_dict(self) -> dict:
        """The optimizer's state and hyperparameters (parameters referred to by position)."""
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        return {
            "state": {index[k]: copy.deepcopy(v) for k, v in self.state.items() if k in index},
            "param_groups": [{**{k: v for k, v in g.items() if k != "params"},
                              "params": [index[id(p)] for p in g["params"]]} for g in self.param_groups],
        }

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what :meth:`state_dict` saved, onto this optimizer's parameters."""
        params = [p for g in self.param_groups for p in g["params"]]
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups) or any(
                len(s["params"]) != len(g["params"]) for s, g in zip(saved, self.param_groups)):
            raise ValueError("state_dict does not match this optimizer's parameter groups")
        for group, saved_group in zip(self.param_groups, saved):
            group.update({k: v for k, v in saved_group.items() if k != "params"})
        self.state = {id(params[i]): copy.deepcopy(v) for i, v in state_dict["state"].items()}

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={v}" for k, v in self.defaults.items())
        return f"{type(self).__name__}({hyper})"


class SGD(Optimizer):
    r"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay.

    Notes
    -----
    With g ← ∇L + λw (weight decay λ), momentum μ, dampening τ:

        b₁ = g,  bₜ = μ bₜ₋₁ + (1 − τ) g
        g ← g + μ bₜ  (Nesterov)   or   g ← bₜ
        w ← w − η g

    as ``torch.optim.SGD``: momentum is *not* damped by (1 − μ) unless
    ``dampening`` says so. A parameter of 262,144 entries or more is updated
    in contiguous slices on the thread pool (bit for bit the one-thread result).

    Examples
    --------
    >>> from mmlkit.autodiff import tensor
    >>> w = tensor([1.0, -2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1, momentum=0.9)
    >>> (w * w).sum().backward(); opt.step()
    >>> w.data
    array([ 0.8, -1.6])
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                 maximize=False):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov, maximize=maximize))

    _parameter_constraints = {"lr": [NON_NEGATIVE], "momentum": [NON_NEGATIVE], "dampening": [REAL],
                              "weight_decay": [NON_NEGATIVE], "nesterov": ["boolean"], "maximize": ["boolean"]}

    def _check_group(self, group):
        super()._check_group(group)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("nesterov momentum requires momentum > 0 and dampening = 0")

    def _update(self, w, g, state, group):
        buf, first = None, False
        if group["momentum"]:
            buf = state.get("momentum_buffer")
            if first := buf is None:
                buf = state["momentum_buffer"] = np.empty_like(w)  # filled with the first step's g
        _elementwise(_sgd_math, (w, g, buf), (first, group["maximize"], group["weight_decay"], group["momentum"],
                                              group["dampening"], group["nesterov"], group["lr"]))


def _sgd_math(w, g, buf, first, maximize, wd, mu, dampening, nesterov, lr):
    if maximize:
        g = -g
    if wd:
        g = g + wd * w
    if buf is not None:
        if first:
            buf[...] = g
        else:
            buf *= mu
            buf += (1 - dampening) * g
        g = g + mu * buf if nesterov else buf
    w -= lr * g


class Adagrad(Optimizer):
    r"""Adagrad: per-coordinate steps shrinking with the accumulated squared gradient.

    Notes
    -----
    sₜ = sₜ₋₁ + g²,   w ← w − η̃ₜ g / (√sₜ + ε),   η̃ₜ = η / (1 + (t − 1)·lr_decay).
    A parameter of 262,144 entries or more is updated in contiguous slices on
    the thread pool (bit for bit the one-thread result).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0,
                 eps=1e-10, maximize=False):
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps,
                                      maximize=maximize))

    _parameter_constraints = {"lr": [NON_NEGATIVE], "lr_decay": [NON_NEGATIVE], "weight_decay": [NON_NEGATIVE],
                              "initial_accumulator_value": [NON_NEGATIVE], "eps": [NON_NEGATIVE],
                              "maximize": ["boolean"]}

    def _update(self, w, g, state, group):
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(w, group["initial_accumulator_value"])
        state["step"] += 1
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        _elementwise(_adagrad_math, (w, g, state["sum"]),
                     (group["maximize"], group["weight_decay"], clr, group["eps"]))


def _adagrad_math(w, g, total, maximize, wd, clr, eps):
    if maximize:
        g = -g
    if wd:
        g = g + wd * w
    total += g * g
    w -= clr * (g / (np.sqrt(total) + eps))


class RMSprop(Optimizer):
    r"""RMSprop, optionally centred and with momentum.

    Notes
    -----
    vₜ = α vₜ₋₁ + (1 − α) g²;  centred: ḡₜ = α ḡₜ₋₁ + (1 − α) g and the
    denominator is √(vₜ − ḡₜ²) + ε, else √vₜ + ε.  With momentum μ:
    bₜ = μ bₜ₋₁ + g/denom, w ← w − η bₜ; without, w ← w − η g/denom.
    A parameter of 262,144 entries or more is updated in contiguous slices on
    the thread pool (bit for bit the one-thread result).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False,
                 maximize=False):
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    _parameter_constraints = {"lr": [NON_NEGATIVE], "alpha": [Interval(numbers.Real, 0, 1)], "eps": [NON_NEGATIVE],
                              "weight_decay": [NON_NEGATIVE], "momentum": [NON_NEGATIVE], "centered": ["boolean"],
                              "maximize": ["boolean"]}

    def _update(self, w, g, state, group):
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(w)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(w)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(w)
        state["step"] += 1
        arrays = (w, g, state["square_avg"], state["grad_avg"] if group["centered"] else None,
                  state["momentum_buffer"] if group["momentum"] > 0 else None)
        _elementwise(_rmsprop_math, arrays, (group["maximize"], group["weight_decay"], group["alpha"], group["eps"],
                                               group["momentum"], group["lr"]))


def _rmsprop_math(w, g, sq, ga, buf, maximize, wd, alpha, eps, momentum, lr):
    if maximize:
        g = -g
    if wd:
        g = g + wd * w
    sq *= alpha
    sq += (1 - alpha) * (g * g)
    if ga is not None:  # centred
        ga += (1 - alpha) * (g - ga)  # torch's lerp
        avg = np.sqrt(sq - ga * ga) + eps
    else:
        avg = np.sqrt(sq) + eps
    if buf is not None:
        buf *= momentum
        buf += g / avg
        w -= lr * buf
    else:
        w -= lr * (g / avg)


_BETA = Interval(numbers.Real, 0, 1, closed="left")  # a decay rate in [0, 1)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), with the AMSGrad variant.

    Notes
    -----
    mₜ = β₁mₜ₋₁ + (1 − β₁)g,   vₜ = β₂vₜ₋₁ + (1 − β₂)g²,
    w ← w − (η / (1 − β₁ᵗ)) · mₜ / (√vₜ / √(1 − β₂ᵗ) + ε);
    AMSGrad uses max(v₁, …, vₜ) in place of vₜ. ``weight_decay`` adds λw to the
    gradient (L2 regularisation); see :class:`AdamW` for decoupled decay.

    Cost per step: 11 elementwise passes over each parameter, in place (one
    scratch array is reused, nothing is allocated); a parameter of 262,144
    entries or more is updated in slices on the thread pool.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False,
                 maximize=False):
        betas = tuple(betas) if isinstance(betas, (list, tuple)) else betas  # anything else: rejected by the table
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))

    _parameter_constraints = {"lr": [NON_NEGATIVE], "betas": [TupleOf(_BETA, _BETA)], "eps": [NON_NEGATIVE],
                              "weight_decay": [NON_NEGATIVE], "amsgrad": ["boolean"], "maximize": ["boolean"]}

    _decoupled = False

    def _update(self, w, g, state, group):
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(w)
            state["exp_avg_sq"] = np.zeros_like(w)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(w)
        state["step"] += 1
        g = self._decayed(w, g, group)
        if g.strides != w.strides and (w.flags.c_contiguous or w.flags.f_contiguous):
            # a gradient laid out unlike its parameter: copied once into the parameter's order, as the
            # passes over mismatched strides run several times slower
            g = np.array(g, order="F" if w.flags.f_contiguous and not w.flags.c_contiguous else "C")
        arrays = (w, g, state["exp_avg"], state["exp_avg_sq"], self._work(w, 1)[0],
                  state["max_exp_avg_sq"] if group["amsgrad"] else None)
        _elementwise(_adam_math, arrays, self._coefs(group, state["step"]))

    def _decayed(self, w, g, group):
        """The gradient after ``maximize`` and L2 decay (decoupled decay shrinks ``w`` itself)."""
        if group["maximize"]:
            g = -g
        lr, wd = group["lr"], group["weight_decay"]
        if wd:
            if self._decoupled:
                w *= 1 - lr * wd
            else:
                g = g + wd * w
        return g

    @staticmethod
    def _coefs(group, t):
        b1, b2 = group["betas"]
        bias2_sqrt = math.sqrt(1 - b2**t)
        return b1, b2, -group["lr"] / (1 - b1**t) * bias2_sqrt, group["eps"] * bias2_sqrt


def _adam_math(w, g, m, v, a, vmax, b1, b2, step, eps):
    """torch's single-tensor Adam in place, with one scratch array ``a`` (nothing is allocated):
    11 passes over the parameter (12 with AMSGrad).

    torch divides by the bias correction √(1 − β₂ᵗ) inside the denominator; here it multiplies
    out of it, ``step`` = −η√(1 − β₂ᵗ)/(1 − β₁ᵗ) and ``eps`` = ε√(1 − β₂ᵗ):

        η/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε) = η√(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε√(1 − β₂ᵗ)),

    the same value, without a division pass. :func:`_adam_textbook` is the formula as written.
    """
    np.subtract(g, m, out=a)      # m.lerp_(g, 1 − β₁) = m + (1 − β₁)(g − m)
    a *= 1 - b1
    m += a
    v *= b2                       # v.mul_(β₂).addcmul_(g, g, value=1 − β₂)
    np.multiply(g, g, out=a)
    a *= 1 - b2
    v += a
    if vmax is not None:          # AMSGrad: the running maximum of v
        np.maximum(vmax, v, out=vmax)
        v = vmax
    np.sqrt(v, out=a)             # √v + ε√(1 − β₂ᵗ)
    a += eps
    np.divide(m, a, out=a)        # w.addcdiv_(m, denom, value=step)
    a *= step
    w += a


def _adam_textbook(w, g, m, v, t, lr, b1, b2, eps, vmax=None):
    """One Adam step as Kingma & Ba write it, on new arrays: (w, m, v, vmax) after step ``t``.

    The reference :func:`_adam_math` is tested against (same values to rounding).
    """
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    if vmax is not None:
        vmax = np.maximum(vmax, v)
    m_hat = m / (1 - b1**t)
    v_hat = (v if vmax is None else vmax) / (1 - b2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v, vmax


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Notes
    -----
    w ← w(1 − ηλ) before the Adam step, instead of adding λw to the gradient.
    """

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False,
                 maximize=False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                         maximize=maximize)
