"""Evidence maps: which parts of the drawing pushed a class's logit up or down.

When a model's logits are a scaled linear layer of a captured map ``h`` (SimpleCNN:
``logit_c = scale * (W_c . h) + scale * b_c``), the logit splits exactly into one term per
position: ``scale * sum_channels(W_c * h)``, and those terms add up to
``logit_c - scale * b_c``. That split comes from the classifier's own forward pass, so it
costs a dot product. Other models get Grad-CAM on the rectified map after their last Conv2d or
gradient saliency, from the gradient the classifier took in the same forward pass when it
was asked for (``Explainer.gradient_requests``), else from one pass of the classifier
with it. Every result says which method made it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from weakref import WeakKeyDictionary

import numpy as np
import torch
import torch.nn as nn

from .anatomy import ModelAnatomy, anatomy, scale_of
from .classifier import Classifier, GradientRequest, Prediction
from .preprocess import BLANK_INPUT, INPUT_SIZE

EXACT = "exact"
GRAD_CAM = "grad-cam"
SALIENCY = "saliency"
METHODS = (EXACT, GRAD_CAM, SALIENCY)
@dataclass(frozen=True)
class Evidence:
    """Evidence for one class. Positive values pushed the class's logit up, negative down.

    ``grid`` is at the resolution of the map it was computed on (13x13 for SimpleCNN's
    exact split, the last conv's size for Grad-CAM, 28x28 for saliency). ``input_map`` is
    the same evidence on the 28x28 model input; ``on_source()`` puts it on the drawing.
    For ``exact``, ``grid.sum() == input_map.sum() == logit - bias_term``.
    """

    method: str  # "exact", "grad-cam" or "saliency"
    target: int  # the class explained
    layer: str  # the module whose map it is built on ("" for the input itself)
    grid: np.ndarray  # (H, W) float32
    input_map: np.ndarray  # (28, 28) float32
    logit: float  # the class's logit in the forward pass explained
    bias_term: float | None = None  # exact: scale * b_c, the part no position explains
    channel_totals: np.ndarray | None = None  # exact: (C,) each channel's share of the logit
    input_rect: tuple[float, float, float, float] | None = None  # see Preprocessed.input_rect
    source_shape: tuple[int, int] | None = None  # (height, width) of the drawing

    def on_source(self) -> np.ndarray:
        """``input_map`` resampled onto the drawing's pixels (zero where the 28x28 input
        does not reach), to overlay on the user's own strokes."""
        if self.input_rect is None or self.source_shape is None:
            raise ValueError("this evidence has no drawing to be placed on")
        x, y, width, height = self.input_rect
        along_rows = _resample(self.input_map, self.source_shape[0], y, height / INPUT_SIZE)
        return _resample(along_rows.T, self.source_shape[1], x, width / INPUT_SIZE).T.copy()


def _resample(array: np.ndarray, length: int, origin: float, step: float) -> np.ndarray:
    """Linear interpolation of ``array``'s 28 rows onto ``length`` rows: row i samples
    input coordinate ``(i + 0.5 - origin) / step``; rows outside the input are zero.
    (Two gathers rather than a matrix product: no BLAS threads to wake for a small job.)"""
    edge = (np.arange(length) + 0.5 - origin) / step  # in input pixels, edges at 0 and 28
    centre = np.clip(edge - 0.5, 0.0, INPUT_SIZE - 1.0)
    low = np.floor(centre).astype(int)
    high = np.minimum(low + 1, INPUT_SIZE - 1)
    frac = (centre - low).astype(np.float32)[:, None]
    inside = np.flatnonzero((edge >= 0) & (edge < INPUT_SIZE))  # one run of rows
    resampled = np.zeros((length, *array.shape[1:]), np.float32)
    if inside.size:  # only those rows are worked out: this runs every frame
        rows = slice(inside[0], inside[-1] + 1)
        part = frac[rows]
        resampled[rows] = array[low[rows]] * (1 - part) + array[high[rows]] * part
    return resampled


@lru_cache(maxsize=32)  # a handful of map sizes, asked for every frame
def spread_matrix(cells: int, size: int = INPUT_SIZE) -> np.ndarray:
    """(size, cells) weights that spread each cell of a map over the input pixels near its
    receptive-field centre, each cell's weights summing to 1, so totals are kept.

    A map of ``cells`` cells on a ``size`` input has stride ``size // cells`` with the grid
    centred: SimpleCNN's 13 pooled cells sit at 1.5, 3.5, ..., 25.5 (3x3 valid conv, 2x2
    pool); DeepCNN's 7 and 14 cell maps at 1.5 + 4k and 0.5 + 2k. Read-only: it is shared.
    """
    if cells == size:
        identity = np.eye(size)
        identity.setflags(write=False)
        return identity
    stride = size // cells
    first = (size - 1 - stride * (cells - 1)) / 2
    position = np.clip((np.arange(size) - first) / stride, 0.0, cells - 1.0)
    low = np.floor(position).astype(int)
    high = np.minimum(low + 1, cells - 1)
    frac = position - low
    weights = np.zeros((size, cells))
    np.add.at(weights, (np.arange(size), low), 1.0 - frac)
    np.add.at(weights, (np.arange(size), high), frac)
    weights /= weights.sum(axis=0, keepdims=True)
    weights.setflags(write=False)
    return weights


def to_input(grid: np.ndarray) -> np.ndarray:
    """A (H, W) map on the 28x28 input, totals kept (see ``spread_matrix``)."""
    rows = spread_matrix(grid.shape[0])
    cols = spread_matrix(grid.shape[1])
    return (rows @ grid.astype(np.float64) @ cols.T).astype(np.float32)


class Explainer:
    """Evidence maps for the predictions of one Classifier.

    ``explain(prediction, target)`` uses the exact split when the classifier's model has
    one, from the maps captured in that very prediction (the Explainer asks the classifier
    to capture the head's input map), else Grad-CAM. ``method`` forces one of
    ``METHODS``. Grad-CAM and saliency read the gradient in the prediction when it was
    classified with ``gradient_requests(target, method)``; otherwise the classifier reads
    the same input again with that request. No hook of its own, no ``.grad`` left on
    any parameter.
    """

    def __init__(self, classifier: Classifier):
        self.classifier = classifier
        self._anatomies: WeakKeyDictionary[nn.Module, ModelAnatomy] = WeakKeyDictionary()

    def anatomy(self) -> ModelAnatomy:
        model = self.classifier.model
        if model not in self._anatomies:
            self._anatomies[model] = anatomy(model)
            found = self._anatomies[model]
            self.classifier.watch([name for name in (found.linear_source, found.last_map,
                                                     found.grad_cam_layer) if name])
        return self._anatomies[model]

    @property
    def exact_available(self) -> bool:
        return self.anatomy().linear_source is not None

    def gradient_requests(self, target: int | None = None, method: str | None = None,
                          layer: str | None = None) -> tuple[GradientRequest, ...]:
        """What ``explain(prediction, target, method, layer)`` needs from the forward pass:
        classify with these and it reads them from the prediction, with no pass of its own."""
        if method not in (None, *METHODS):
            raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
        found = self.anatomy()
        if method == EXACT or (method is None and found.linear_source is not None):
            return ()
        layer = (layer or found.grad_cam_layer) if method in (None, GRAD_CAM) else None
        return (GradientRequest(target, layer or ""),)

    def explain(self, prediction: Prediction, target: int | None = None,
                method: str | None = None, layer: str | None = None) -> Evidence:
        """``layer``: the module Grad-CAM weighs (a convolution, say); None: the rectified
        map after the last convolution."""
        if not prediction.has_digit:
            raise ValueError("nothing to explain: the prediction has no digit")
        if method not in (None, *METHODS):
            raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
        target = prediction.digit if target is None else int(target)
        if not 0 <= target < len(prediction.logits):
            raise ValueError(f"no class {target}")
        found = self.anatomy()
        evidence = None
        if method in (None, EXACT) and found.linear_source is not None:
            evidence = self._exact(prediction, target, found)
        if evidence is None and method == EXACT:
            raise ValueError(f"{type(self.classifier.model).__name__}'s logits are not a "
                             "scaled linear function of one map, so no exact split exists")
        if evidence is None:
            evidence = self._gradients(prediction, target, found, method or GRAD_CAM, layer)
        steps = prediction.steps
        return _placed(evidence, steps.input_rect, steps.image.shape)

    # -------------------------------------------------------------------- exact

    def _exact(self, prediction: Prediction, target: int, found: ModelAnatomy) -> Evidence | None:
        h = prediction.feature_maps.get(found.linear_source)
        if h is None:  # captured from the next classification on (see anatomy())
            h = self._recapture(prediction, found.linear_source)
        head = dict(self.classifier.model.named_modules())[found.head]
        weight = head.weight.detach().double().cpu().numpy()
        bias = head.bias.detach().double().cpu().numpy() if head.bias is not None else 0.0
        h = np.asarray(h, np.float64)
        linear = weight @ h.reshape(-1) + bias
        scale = scale_of(torch.from_numpy(prediction.logits.astype(np.float64)),
                          torch.from_numpy(linear))
        if scale is None:  # the model changed since the probe; do not claim exactness
            return None
        terms = scale * weight[target].reshape(h.shape) * h
        grid = terms.sum(axis=0)
        bias_term = scale * (bias[target] if np.ndim(bias) else bias)
        return Evidence(
            method=EXACT, target=target, layer=found.linear_source,
            grid=grid.astype(np.float32), input_map=to_input(grid),
            logit=float(prediction.logits[target]), bias_term=float(bias_term),
            channel_totals=terms.sum(axis=(1, 2)).astype(np.float32),
        )

    def _recapture(self, prediction: Prediction, name: str) -> np.ndarray:
        self.classifier.watch([name])
        return self.classifier.classify_steps(prediction.steps).feature_maps[name]

    # -------------------------------------------------------------------- gradients

    def _gradients(self, prediction: Prediction, target: int, found: ModelAnatomy,
                   method: str, chosen: str | None = None) -> Evidence:
        """Grad-CAM on the rectified map after the last conv (or on ``chosen``, a layer the
        user picked), or saliency, from the gradient of the target's logit taken in the
        prediction's own forward pass (or, not asked for then, in a pass of the classifier
        with it). Grad-CAM's map is ``sum_k alpha_k A_k`` with ``alpha_k`` the mean gradient
        over channel k's positions, left signed (no final ReLU) so the legend can show what
        lowers the logit too."""
        layer = (chosen or found.grad_cam_layer) if method == GRAD_CAM else None
        if layer and layer not in dict(self.classifier.model.named_modules()):
            raise ValueError(f"the model has no module {layer!r}")
        if method == GRAD_CAM and layer is None:
            method = SALIENCY  # no conv layer to weigh
        module = layer or ""
        source = prediction
        if (target, module) not in source.gradients or (layer and layer not in source.feature_maps):
            source = self.classifier.classify_steps(
                prediction.steps, gradients=[GradientRequest(target, module)])
        gradient = torch.from_numpy(source.gradients[(target, module)])
        if layer:
            activation = torch.from_numpy(source.feature_maps[layer])
            if activation.dim() != 3:
                raise ValueError(f"{layer} outputs shape {tuple(activation.shape)}, not channel maps: "
                                 "Grad-CAM needs a convolution's (or a later) map")
            alpha = gradient.mean(dim=(1, 2))  # one weight per channel
            grid = (alpha[:, None, None] * activation).sum(dim=0)
        else:
            x = torch.from_numpy(source.model_input)
            # Gradient x (input - blank input): signed, and zero where there is no ink.
            grid = gradient[0] * (x - BLANK_INPUT)
        grid_values = grid.float().numpy()
        return Evidence(method=method, target=target, layer=module, grid=grid_values,
                        input_map=to_input(grid_values), logit=float(source.logits[target]))


def _placed(evidence: Evidence, rect, shape) -> Evidence:
    return replace(evidence, input_rect=rect, source_shape=tuple(shape))
