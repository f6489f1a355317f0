"""Forward hooks that keep the latest output of named modules: the feature maps."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
import torch.nn as nn

DEFAULT_TYPES: tuple[type[nn.Module], ...] = (nn.Conv2d,)
# The stages a feature-map view can show: each convolution and what ReLU and pooling make of it.
FEATURE_MAP_TYPES: tuple[type[nn.Module], ...] = (nn.Conv2d, nn.ReLU, nn.MaxPool2d)


class FeatureCapture:
    """Owns forward hooks on the modules of one model, found through ``named_modules()``.

    Hooks go on every module of ``types`` (Conv2d by default) and on any module named in
    ``names``. Each hook keeps a detached copy of its module's latest output; ``outputs()``
    hands them over on the CPU. With ``record_shapes`` every module (the model itself
    as ``""``) gets one hook that notes the shape of its output, so ``output_shapes()``
    tells how data flows through the whole nesting; only the hooked types are copied.
    With ``keep_graph`` the hooks keep the output itself, still in the autograd graph, for
    gradients with respect to a layer (Grad-CAM); ``keep_graph_of(names)`` does that for
    the next forward passes for a few modules only, beside the detached copies, so one
    pass serves both the views and a gradient (``graph_outputs()``).
    ``attach`` to another model, ``close()`` or leaving a ``with`` block removes every
    handle, so nothing stale keeps firing.
    """

    def __init__(
        self,
        model: nn.Module | None = None,
        *,
        types: Iterable[type[nn.Module]] = DEFAULT_TYPES,
        names: Iterable[str] = (),
        record_shapes: bool = False,
        keep_graph: bool = False,
    ):
        self.types = tuple(types)
        self.names = tuple(names)
        self.record_shapes = record_shapes
        self.keep_graph = keep_graph
        self._handles: list[torch.utils.hooks.RemovableHandle] = []
        self._latest: dict[str, torch.Tensor] = {}
        self._graph_names: frozenset[str] = frozenset()
        self._graph: dict[str, torch.Tensor] = {}
        self._shapes: dict[str, tuple[int, ...]] = {}
        self.module_names: list[str] = []
        self.model: nn.Module | None = None
        if model is not None:
            self.attach(model)

    def attach(self, model: nn.Module) -> None:
        """Move every hook to ``model``."""
        self.close()
        self.model = model
        for name, module in model.named_modules():
            captured = bool(name) and (isinstance(module, self.types) or name in self.names)
            if captured or self.record_shapes:
                self._handles.append(module.register_forward_hook(self._make_hook(name, captured)))
            if captured:
                self.module_names.append(name)

    def _make_hook(self, name: str, captured: bool):
        def hook(module, inputs, output):
            if self.record_shapes and isinstance(output, torch.Tensor):
                self._shapes[name] = tuple(output.shape)
            if captured:
                # A copy, so a later in-place op (ReLU(inplace=True)) cannot change what we show.
                self._latest[name] = output if self.keep_graph else output.detach().clone()
                if name in self._graph_names:
                    self._graph[name] = output

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

    def output_shapes(self) -> dict[str, tuple[int, ...]]:
        """The output shape of every module the last forward ran (with ``record_shapes``),
        by module name, the model itself as ``""``."""
        return dict(self._shapes)

    def keep_graph_of(self, names) -> None:
        """From the next forward on, also keep these modules' outputs as they are, in the
        autograd graph (``()``: none, and the graph kept so far is let go)."""
        self._graph_names = frozenset(names)
        self._graph.clear()

    def graph_outputs(self) -> dict[str, torch.Tensor]:
        """The outputs kept in the graph (see ``keep_graph_of``) by the latest forward."""
        return dict(self._graph)

    def clear(self) -> None:
        self._latest.clear()
        self._graph.clear()
        self._shapes.clear()

    def close(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self._latest.clear()
        self._graph.clear()
        self._shapes.clear()
        self.module_names = []
        self.model = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


PERCENTILE_SAMPLES = 1 << 18


def display_range(values: torch.Tensor, percentile: float = 99.9) -> tuple[float, float]:
    """Colour levels for ``values``: ``(0, high)`` when none is negative (after a ReLU),
    else ``(-high, high)`` so zero sits in the middle of a diverging colour map. ``high``
    is the ``percentile`` of the magnitudes, so a few outliers do not dim the rest."""
    magnitudes = values.detach().abs().flatten().float().cpu().numpy()
    if magnitudes.size == 0:
        return (0.0, 1.0)
    # An evenly strided sample is as good for a percentile and keeps this fast.
    magnitudes = magnitudes[:: max(1, magnitudes.size // PERCENTILE_SAMPLES)]
    high = float(np.percentile(magnitudes, percentile))
    if not high > 0.0:  # all zero (or NaN): any non-empty range will do
        high = 1.0
    return (0.0, high) if bool((values >= 0).all()) else (-high, high)


def hook_count(model: nn.Module) -> int:
    """Forward hooks registered on all of ``model``'s modules (to prove none leak)."""
    return sum(len(module._forward_hooks) for module in model.modules())
