"""Forward hooks that keep the latest output of named modules: the feature maps."""

from __future__ import annotations

from typing import Iterable

import torch
import torch.nn as nn

DEFAULT_TYPES: tuple[type[nn.Module], ...] = (nn.Conv2d,)


class FeatureCapture:
    """Owns forward hooks on the modules of one model, found through ``named_modules()``.

    Hooks go on every module of ``types`` (Conv2d by default) and on any module named in
    ``names``. Each hook keeps a detached copy of its module's latest output; ``outputs()``
    hands them over on the CPU. ``attach`` to another model, ``close()`` or leaving a
    ``with`` block removes every handle, so nothing stale keeps firing.
    """

    def __init__(
        self,
        model: nn.Module | None = None,
        *,
        types: Iterable[type[nn.Module]] = DEFAULT_TYPES,
        names: Iterable[str] = (),
    ):
        self.types = tuple(types)
        self.names = tuple(names)
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._latest: dict[str, torch.Tensor] = {}
        self.module_names: list[str] = []
        self.model: nn.Module | None = None
        if model is not None:
            self.attach(model)

    def attach(self, model: nn.Module) -> None:
        """Move every hook to ``model``."""
        self.close()
        self.model = model
        for name, module in model.named_modules():
            if name and (isinstance(module, self.types) or name in self.names):
                self._handles.append(module.register_forward_hook(self._make_hook(name)))
                self.module_names.append(name)

    def _make_hook(self, name: str):
        def hook(module, inputs, output):
            # A copy, so a later in-place op (ReLU(inplace=True)) cannot change what we show.
            self._latest[name] = output.detach().clone()

        return hook

    @property
    def handle_count(self) -> int:
        return len(self._handles)

    def latest(self) -> dict[str, torch.Tensor]:
        """The latest outputs as they are, on the model's device (no copy)."""
        return dict(self._latest)

    def outputs(self) -> dict[str, torch.Tensor]:
        """The latest output of each hooked module, in module order, as CPU tensors."""
        return {
            name: self._latest[name].cpu() for name in self.module_names if name in self._latest
        }

    def clear(self) -> None:
        self._latest.clear()

    def close(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._latest.clear()
        self.module_names = []
        self.model = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def hook_count(model: nn.Module) -> int:
    """Forward hooks registered on all of ``model``'s modules (to prove none leak)."""
    return sum(len(module._forward_hooks) for module in model.modules())
