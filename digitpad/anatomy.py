"""A model's anatomy, found by running it once on a probe input: its linear head, the map
that head reads when the logits are exactly ``s * (W h + b)``, the last convolution and
the deepest map. The evidence dock (``digitpad.explain``) and the digit check
(``digitpad.uncertainty``) both use it, for any architecture."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

from .capture import FeatureCapture
from .preprocess import INPUT_SIZE

# How far the logits may stray from scale * (W h + b), relative to their size, for the
# split to count as exact (float32 sums in a different order).
EXACT_TOLERANCE = 1e-4


@dataclass(frozen=True)
class ModelAnatomy:
    """Where a model's maps are, found once by running it on a probe input."""

    head: str | None  # the last nn.Linear
    linear_source: str | None  # the module whose output that head reads, when logits = s(Wh+b)
    last_conv: str | None  # the last nn.Conv2d, for Grad-CAM
    last_map: str | None  # the last leaf module with a (C, H, W) output: its deepest map
    # The rectified map after the last conv (its activation, else the deepest map after it),
    # for Grad-CAM: weighing the raw conv output, before BatchNorm's shift and the ReLU,
    # flips the map's sign (Selvaraju et al. and Captum's LayerGradCam use rectified maps).
    grad_cam_layer: str | None = None


def probe_outputs(model: nn.Module) -> dict[str, torch.Tensor]:
    """Every module's output for one seeded random 28x28 input, in the order they ran;
    the model's own output under the key ``""``. The hooks are gone when this returns."""
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(1, 1, INPUT_SIZE, INPUT_SIZE, generator=generator).to(device)
    with FeatureCapture(model, types=(nn.Module,)) as capture, torch.no_grad():
        logits = model(x)
        outputs = capture.latest()  # in call order: a module's hook fires when it returns
    outputs[""] = logits
    return outputs


def anatomy(model: nn.Module) -> ModelAnatomy:
    """Find the head, the map it reads if exactly linear, the last conv and last map."""
    modules = dict(model.named_modules())
    was_training = model.training
    model.eval()
    try:
        outputs = probe_outputs(model)
    finally:
        model.train(was_training)
    logits = outputs.pop("")
    heads = [name for name, m in modules.items() if isinstance(m, nn.Linear)]
    convs = [name for name, m in modules.items() if isinstance(m, nn.Conv2d)]
    spatial = [name for name, t in outputs.items()
               if t.dim() == 4 and not list(modules[name].children())]
    head = heads[-1] if heads else None
    source = _linear_source(modules, outputs, logits, head) if head else None
    last_conv = convs[-1] if convs else None
    last_map = spatial[-1] if spatial else None
    return ModelAnatomy(head=head, linear_source=source, last_conv=last_conv, last_map=last_map,
                        grad_cam_layer=_rectified_after(modules, spatial, last_conv, last_map))


ACTIVATIONS = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.GELU, nn.SiLU, nn.Softplus)


def _rectified_after(modules, spatial, last_conv, last_map) -> str | None:
    """The first activation module with a spatial output after ``last_conv``, else the
    deepest map when it comes after that conv (a pool of a functional ReLU), else the conv."""
    if last_conv is None:
        return None
    names = list(modules)
    after = names[names.index(last_conv) + 1:]
    for name in after:
        if name in spatial and isinstance(modules[name], ACTIVATIONS):
            return name
    return last_map if last_map in after else last_conv


def _linear_source(modules, outputs, logits, head: str) -> str | None:
    """The last spatial map ``h`` with ``logits == s * head(flatten(h))`` on the probe."""
    layer = modules[head]
    head_out = outputs.get(head)
    if head_out is None or head_out.shape != logits.shape:
        return None
    if scale_of(logits[0].double(), head_out[0].double()) is None:
        return None
    for name in reversed(list(outputs)):
        h = outputs[name]
        if name == head or h.dim() != 4 or h[0].numel() != layer.in_features:
            continue
        with torch.no_grad():
            recomputed = layer(h.flatten(1))
        if torch.allclose(recomputed, head_out, rtol=1e-4, atol=1e-5):
            return name
    return None


def scale_of(logits: torch.Tensor, linear: torch.Tensor) -> float | None:
    """The scalar s with logits == s * linear, if there is one (least squares, checked)."""
    norm = float(linear @ linear)
    scale = float(logits @ linear) / norm if norm > 0 else 0.0
    error = float((logits - scale * linear).abs().max())
    return scale if error <= EXACT_TOLERANCE * (1.0 + float(logits.abs().max())) else None
