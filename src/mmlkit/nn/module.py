"""``Module``: parameters and sub-modules registered by assignment, as in PyTorch."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import numpy as np

from mmlkit.autodiff import Tensor, tensor

__all__ = ["Module", "ModuleList", "Parameter", "Sequential"]


def Parameter(data, dtype=None) -> Tensor:  # noqa: N802  (reads like torch.nn.Parameter)
    """A trainable tensor: ``requires_grad=True``. Assigning it to a Module attribute registers it."""
    return tensor(np.array(data, dtype=dtype, copy=True), requires_grad=True)


class Module:
    """Base class of every layer and network.

    Assigning a Tensor that requires grad to an attribute registers it as a
    parameter; assigning a Module registers it as a child. ``__call__`` runs
    :meth:`forward`. Parameters are float64 unless the layer was built with
    ``dtype=np.float32`` (or converted with :meth:`astype`).

    Examples
    --------
    >>> import numpy as np
    >>> from mmlkit import nn
    >>> class Affine(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.w = nn.Parameter(np.ones(3))
    ...     def forward(self, x):
    ...         return x @ self.w
    >>> [name for name, _ in Affine().named_parameters()]
    ['w']
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ before assigning")
        for registry in (self._parameters, self._modules, self._buffers):
            registry.pop(name, None)
        if isinstance(value, Tensor) and value.requires_grad:
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name: str, value: np.ndarray) -> None:
        """A non-trainable array saved in ``state_dict`` (e.g. a fixed adjacency matrix)."""
        self._buffers[name] = value
        object.__setattr__(self, name, value)

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # --- traversal ---------------------------------------------------------------------------

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every descendant, with dotted names."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator[Module]:
        return (m for _, m in self.named_modules())

    def children(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """Every parameter with its dotted name (``"0.weight"``, ``"attn.out_proj.bias"``)."""
        seen = set()
        for mod_name, module in self.named_modules(prefix):
            for name, p in module._parameters.items():
                if id(p) not in seen:
                    seen.add(id(p))
                    yield (f"{mod_name}.{name}" if mod_name else name), p

    def parameters(self) -> Iterator[Tensor]:
        return (p for _, p in self.named_parameters())

    def num_parameters(self) -> int:
        """The number of trainable scalars."""
        return int(sum(p.data.size for p in self.parameters()))

    # --- modes, gradients, dtype --------------------------------------------------------------

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout active); returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout off); returns self."""
        return self.train(False)

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = None

    def astype(self, dtype) -> Module:
        """Convert every parameter and buffer to ``dtype`` in place (e.g. ``np.float32``); returns self."""
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None
        for m in self.modules():
            for name, b in m._buffers.items():
                if isinstance(b, np.ndarray) and b.dtype.kind == "f":
                    m.register_buffer(name, b.astype(dtype))
        return self

    # --- state ---------------------------------------------------------------------------------

    def state_dict(self) -> OrderedDict:
        """Copies of every parameter and buffer array, by dotted name."""
        state = OrderedDict((name, p.data.copy()) for name, p in self.named_parameters())
        for mod_name, m in self.named_modules():
            for name, b in m._buffers.items():
                state[f"{mod_name}.{name}" if mod_name else name] = np.array(b, copy=True)
        return state

    def load_state_dict(self, state: dict, strict: bool = True) -> None:
        """Copy arrays from ``state`` into the parameters and buffers (shapes must match)."""
        own = dict(self.named_parameters())
        buffers = {(f"{mn}.{n}" if mn else n): (m, n) for mn, m in self.named_modules() for n in m._buffers}
        if strict:
            missing = (set(own) | set(buffers)) - set(state)
            unexpected = set(state) - set(own) - set(buffers)
            if missing or unexpected:
                raise ValueError(f"state_dict mismatch: missing {sorted(missing)}, unexpected {sorted(unexpected)}")
        for name, value in state.items():
            value = np.asarray(value)
            if name in own:
                p = own[name]
                if value.shape != p.data.shape:
                    raise ValueError(f"state_dict[{name!r}] has shape {value.shape}, the parameter {p.data.shape}")
                p.data[...] = value
            elif name in buffers:
                m, n = buffers[name]
                m.register_buffer(n, value.copy())

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__}({self.extra_repr()}"]
        for name, child in self._modules.items():
            body = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {body}")
        return lines[0] + ")" if len(lines) == 1 else "\n".join(lines) + "\n)"


class ModuleList(Module):
    """A list of sub-modules whose parameters are registered (named "0", "1", …)."""

    def __init__(self, modules=()):
        super().__init__()
        for m in modules:
            self.append(m)

    def append(self, m: Module) -> ModuleList:
        if not isinstance(m, Module):
            raise ValueError(f"{type(self).__name__} takes Modules, got {type(m).__name__} at position {len(self)}")
        setattr(self, str(len(self._modules)), m)
        return self

    def __getitem__(self, i):
        return list(self._modules.values())[i]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())


class Sequential(ModuleList):
    """Modules applied in order: ``Sequential(Linear(4, 8), ReLU(), Linear(8, 1))``."""

    def __init__(self, *modules: Module):
        super().__init__(modules)

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x
