"""What-if edits of a live model's parameters, and the way back to the weights as loaded.

The edits are small writes into the parameters in place: one element (a cell of a 3x3
kernel, a weight of the head), or a whole output channel of a layer zeroed, weights and
bias, which silences that channel's feature map. ``LoadedWeights`` keeps a copy of every
parameter as it was loaded, tells which ones differ now and puts them back exactly.
After any edit call ``Classifier.invalidate()`` and classify again.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from .models import cpu_state_dict


class LoadedWeights:
    """A snapshot of ``model``'s parameters (on the CPU), taken when it was loaded."""

    def __init__(self, model: nn.Module, values: dict[str, torch.Tensor] | None = None):
        self.model = model
        # ``values``: parameters loaded earlier, for a changed copy of that model
        self._values = cpu_state_dict(model, parameters_only=True) if values is None else values

    def compared_with(self, model: nn.Module) -> LoadedWeights | None:
        """The same loaded weights, compared from now on with ``model`` (a changed copy of
        the model, say fine-tuned); None if its parameters do not match them."""
        shapes = {name: p.shape for name, p in model.named_parameters()}
        if shapes != {name: v.shape for name, v in self._values.items()}:
            return None
        return LoadedWeights(model, self._values)

    def loaded(self, name: str) -> torch.Tensor:
        """Parameter ``name`` as loaded (a CPU tensor; do not modify it)."""
        return self._values[name]

    def edited_elements(self, name: str) -> np.ndarray:
        """A boolean mask, shaped like the parameter, of the elements that differ."""
        now = self.model.get_parameter(name).detach().cpu()
        return (now != self._values[name]).numpy()

    def edited(self) -> frozenset[str]:
        """The names of the parameters that differ from the loaded ones."""
        return frozenset(name for name, p in self.model.named_parameters()
                         if not torch.equal(p.detach().cpu(), self._values[name]))

    def restore(self) -> frozenset[str]:
        """Put every edited parameter back, bit for bit; returns their names."""
        edited = self.edited()
        with torch.no_grad():
            for name in edited:
                self.model.get_parameter(name).copy_(self._values[name])
        return edited

    def loaded_copy(self) -> nn.Module:
        """A new model of the same class holding the loaded weights (the live one keeps its
        edits): for saving the weights as they were."""
        as_loaded = type(self.model)()
        with torch.no_grad():
            for name, p in as_loaded.named_parameters():
                p.copy_(self._values[name])
        for name, buffer in self.model.named_buffers():
            as_loaded.get_buffer(name).copy_(buffer.detach().cpu())
        return as_loaded.eval()


def set_element(model: nn.Module, name: str, index: tuple[int, ...], value: float) -> None:
    """Write ``value`` into element ``index`` of parameter ``name``."""
    parameter = model.get_parameter(name)
    if len(index) != parameter.ndim:
        raise ValueError(f"{name} has {parameter.ndim} dimensions, got index {index}")
    with torch.no_grad():
        parameter[tuple(int(i) for i in index)] = float(value)


def zero_channel(model: nn.Module, layer: str, channel: int) -> list[str]:
    """Zero output channel ``channel`` of ``layer`` (a convolution or linear layer): its
    weights and its bias, so the channel outputs zero whatever the input. Returns the
    names of the parameters changed."""
    module = model.get_submodule(layer)
    if not isinstance(module, (nn.Conv2d, nn.Linear)):
        raise ValueError(f"{layer} is a {type(module).__name__}: only convolutions and "
                         "linear layers have output channels of their own to zero")
    if not 0 <= channel < module.weight.shape[0]:
        raise ValueError(f"{layer} has {module.weight.shape[0]} output channels, not {channel + 1}")
    changed = []
    with torch.no_grad():
        for leaf in ("weight", "bias"):
            parameter = getattr(module, leaf)
            if parameter is not None:
                parameter[channel] = 0.0
                changed.append(f"{layer}.{leaf}" if layer else leaf)
    return changed
