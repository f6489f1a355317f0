"""One model on one device, classifying drawings: the single forward pass every view reads."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from .capture import FeatureCapture, display_range
from .models import NUM_CLASSES, arch_name, softmax
from .preprocess import Preprocessed, preprocess
from .strokes import Rasteriser

log = logging.getLogger("digitpad")

# Below this top probability a reading is shown as unsure.
UNSURE_BELOW = 0.6


@dataclass(frozen=True)
class GradientRequest:
    """A gradient to take in the forward pass that makes a prediction, so a view that
    needs one (Grad-CAM, saliency) runs no pass of its own: of the logit of class
    ``target`` (None: the class the prediction reads) with respect to the output of the
    module named ``module`` (found through ``named_modules()``), or, for ``""``, with
    respect to the model input."""

    target: int | None
    module: str = ""


@dataclass(frozen=True)
class Prediction:
    """Everything one classification produced: every panel draws from this one object."""

    steps: Preprocessed
    probabilities: np.ndarray | None = None  # (10,) float32, sums to 1
    logits: np.ndarray | None = None  # (10,) float32
    feature_maps: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (C, H, W)
    # name -> output shape of every module this forward ran, batch included (the model
    # itself as ""); empty unless the Classifier records shapes.
    output_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # (class, module) -> the gradient of that class's logit with respect to the module's
    # output ("" the input), batch left out, from this very forward pass: one per
    # GradientRequest asked for with it, its target resolved to a class.
    gradients: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)

    @property
    def has_digit(self) -> bool:
        return self.probabilities is not None

    @property
    def digit(self) -> int | None:
        return int(self.probabilities.argmax()) if self.has_digit else None

    @property
    def confidence(self) -> float:
        return float(self.probabilities.max()) if self.has_digit else 0.0

    @property
    def unsure(self) -> bool:
        return self.has_digit and self.confidence < UNSURE_BELOW

    @property
    def model_input(self) -> np.ndarray | None:
        return self.steps.model_input


@dataclass(frozen=True)
class FeatureRange:
    """What a captured module outputs for one input, and the colour levels that show it."""

    shape: tuple[int, ...]  # one input's output, batch left out
    low: float
    high: float


@dataclass(frozen=True)
class Calibration:
    """Fixed colour levels for one model: each captured module's, and the logits'."""

    ranges: dict[str, FeatureRange]
    logit_levels: tuple[float, float]


@dataclass(frozen=True)
class DeviceStatus:
    device: str  # where the model is now
    message: str = ""  # why a requested device was not taken, if it was not


def cuda_unavailable_reason() -> str | None:
    """None when CUDA can be used, else a sentence saying why not."""
    if not torch.backends.cuda.is_built():
        return "this PyTorch build has no CUDA support"
    try:
        if not torch.cuda.is_available():
            return "no CUDA device was found (or its driver is missing)"
    except Exception as exc:  # a broken driver can raise here
        return f"CUDA failed to start: {exc}"
    return None


class Classifier:
    """Holds the model, its device and the feature capture.

    ``classify(image)`` preprocesses, runs the model once (``eval`` mode, no autograd) and
    returns a Prediction with the feature maps of that very call. Given ``gradients``
    (``GradientRequest``), that one call runs with autograd and the prediction also holds
    those gradients, each from one backward pass through the graph of that call.
    """

    def __init__(self, model: nn.Module, device: str = "cpu", *, capture_types=None,
                 capture_names=(), record_shapes=False):
        kwargs = {} if capture_types is None else {"types": capture_types}
        self.capture = FeatureCapture(names=capture_names, record_shapes=record_shapes, **kwargs)
        self._rasterise = Rasteriser()
        self.device = torch.device("cpu")
        self.model = model
        self._graph: _CudaGraphForward | _EagerCudaForward | None = None
        self._watched: tuple[str, ...] = tuple(capture_names)  # asked for by views, for every model
        self.shown_outputs: tuple[str, ...] = ()  # asked for by the user, for this model only
        self.set_model(model)
        if device != "cpu":
            self.set_device(device)

    @property
    def arch(self) -> str:
        return arch_name(self.model)

    # --------------------------------------------------------------- model and device

    def set_model(self, model: nn.Module) -> None:
        """Swap in a model (already validated); hooks move to it, the old ones go."""
        self._graph = None
        model.eval()
        self.model = model.to(self.device)
        self.shown_outputs = ()  # the user's picks were modules of the model before
        self.capture.names = self._watched
        self.capture.attach(self.model)

    def set_device(self, device: str) -> DeviceStatus:
        """Move the model to ``device`` ("cpu", "cuda" or "cuda:N"). When CUDA cannot be
        used the model stays where it is and the status says why."""
        try:
            target = torch.device(device)
        except (RuntimeError, TypeError):
            return DeviceStatus(str(self.device), f"unsupported device {device!r}")
        if target.type == "cuda":
            reason = cuda_unavailable_reason()
            if reason is not None:
                return DeviceStatus(str(self.device), reason)
            try:
                moved = self.model.to(target)
                torch.cuda.synchronize(target)
            except Exception as exc:  # out of memory, a busy or failing device
                self.model.to(self.device)
                return DeviceStatus(str(self.device), f"moving the model to {target} failed: {exc}")
        elif target.type == "cpu":
            moved = self.model.to(target)
        else:
            return DeviceStatus(str(self.device), f"unsupported device {device!r}")
        self.model = moved
        self.device = target
        self._graph = None
        return DeviceStatus(str(self.device))

    def watch(self, names) -> None:
        """Also capture the outputs of these modules from now on (for instance the map a
        linear head reads, which evidence maps and the digit check use)."""
        new = tuple(name for name in names if name not in self._watched)
        if new:
            self._watched += new
            self._hook(self._watched + self.shown_outputs)

    def show_output(self, name: str, shown: bool = True) -> None:
        """Capture (or stop capturing) the output of module ``name`` of this model, on the
        user's demand: its forward hook is added, or removed, now."""
        if name not in dict(self.model.named_modules()):
            raise ValueError(f"the model has no module {name!r}")
        others = tuple(n for n in self.shown_outputs if n != name)
        self.shown_outputs = others + ((name,) if shown else ())
        self._hook(self._watched + self.shown_outputs)

    def _hook(self, names: tuple[str, ...]) -> None:
        self.capture.names = tuple(dict.fromkeys(names))
        self.capture.attach(self.model)
        self._graph = None

    def invalidate(self) -> None:
        """Call after changing parameters in place, so cached device state is rebuilt."""
        self._graph = None

    def close(self) -> None:
        self.capture.close()

    # --------------------------------------------------------------- inference

    def classify(self, image, *, min_extent: float | None = None,
                 gradients: Iterable[GradientRequest] = ()) -> Prediction:
        """Classify a drawing (any size, ink high)."""
        steps = preprocess(image, min_extent=min_extent)
        return self.classify_steps(steps, gradients=gradients)

    def classify_strokes(self, strokes, *, surface: float | None = None,
                         image: np.ndarray | None = None,
                         gradients: Iterable[GradientRequest] = ()) -> Prediction:
        """Classify a drawing given as pen strokes (see ``digitpad.strokes.rasterise``);
        ``image`` is the drawing as shown, kept as the first step for the views. The
        ink of strokes already rendered is reused while the drawing grows."""
        return self.classify_steps(self._rasterise(strokes, surface=surface, image=image),
                                   gradients=gradients)

    def classify_steps(self, steps: Preprocessed,
                       gradients: Iterable[GradientRequest] = ()) -> Prediction:
        if not steps.has_digit:
            return Prediction(steps=steps)
        requests = tuple(dict.fromkeys(gradients))  # each once, in order
        if requests:
            return self._classify_with_gradients(steps, requests)
        if self.device.type == "cuda":
            logits, maps, shapes = self._forward_cuda(steps.model_input)
        else:
            logits, maps, shapes = self._forward_cpu(steps.model_input)
        probabilities = softmax(logits)
        return Prediction(steps=steps, probabilities=probabilities, logits=logits,
                          feature_maps=maps, output_shapes=shapes)

    def _classify_with_gradients(self, steps: Preprocessed,
                                 requests: tuple[GradientRequest, ...]) -> Prediction:
        """The one forward pass with autograd on: the hooks copy every map as in any pass
        and keep the requested modules' outputs in the graph; then one backward pass per
        class asked about gives every gradient of that class's logit."""
        modules = dict(self.model.named_modules())
        names = {request.module for request in requests if request.module}
        unknown = sorted(name for name in names if name not in modules)
        if unknown:
            raise ValueError(f"{type(self.model).__name__} has no module named "
                             f"{', '.join(map(repr, unknown))}")
        self.watch([name for name in names if name not in self.capture.module_names])
        model_input = steps.model_input
        # The input always requires grad, so the graph exists even with frozen parameters.
        x = torch.from_numpy(model_input).view(1, 1, *model_input.shape).to(self.device)
        x.requires_grad_(True)
        self.capture.clear()
        self.capture.keep_graph_of(names)
        try:
            with torch.enable_grad():  # the backward passes too: indexing is recorded
                return self._forward_and_backward(steps, x, requests)
        finally:
            self.capture.keep_graph_of(())  # let the graph go
            self.capture.clear()

    def _forward_and_backward(self, steps: Preprocessed, x: torch.Tensor,
                              requests: tuple[GradientRequest, ...]) -> Prediction:
        output = self.model(x)
        kept = self.capture.graph_outputs()
        logits = output[0].detach().cpu().numpy().astype(np.float32, copy=False)
        probabilities = softmax(logits)
        digit = int(probabilities.argmax())  # what Prediction.digit says
        by_target: dict[int, list[str]] = {}
        for request in requests:
            target = digit if request.target is None else int(request.target)
            if not 0 <= target < len(logits):
                raise ValueError(f"no class {target}")
            if request.module not in by_target.setdefault(target, []):
                by_target[target].append(request.module)
        gradients = {}
        for index, (target, wrt) in enumerate(by_target.items()):
            inputs = [kept[name] if name else x for name in wrt]
            grads = torch.autograd.grad(output[0, target], inputs, allow_unused=True,
                                        retain_graph=index < len(by_target) - 1)
            for name, tensor, grad in zip(wrt, inputs, grads):
                grad = torch.zeros_like(tensor) if grad is None else grad  # unused: no effect
                gradients[(target, name)] = grad[0].detach().float().cpu().numpy()
        maps = {name: t[0].numpy() for name, t in self.capture.outputs().items()}
        shapes = self.capture.output_shapes()
        return Prediction(steps=steps, probabilities=probabilities, logits=logits,
                          feature_maps=maps, output_shapes=shapes, gradients=gradients)

    def _forward_cpu(self, model_input: np.ndarray):
        x = torch.from_numpy(model_input).view(1, 1, *model_input.shape)
        self.capture.clear()
        with torch.no_grad():
            logits = self.model(x)
        maps = {name: t[0].numpy() for name, t in self.capture.outputs().items()}
        return logits[0].numpy().astype(np.float32, copy=False), maps, self.capture.output_shapes()

    def _forward_cuda(self, model_input: np.ndarray):
        if self._graph is None or self._graph.shape != model_input.shape:
            try:
                self._graph = _CudaGraphForward(self.model, self.capture, self.device, model_input.shape)
            except Exception:  # a model or driver the graph cannot capture: run eagerly
                log.warning("CUDA graph capture failed; running the model eagerly", exc_info=True)
                self._graph = _EagerCudaForward(self.model, self.capture, self.device)
        return self._graph(model_input)

    def feature_ranges(self, model_inputs: np.ndarray, percentile: float = 99.9
                       ) -> dict[str, FeatureRange]:
        """Each captured module's output shape and fixed colour levels, from one batch of
        28x28 model inputs (say a few hundred MNIST digits), so that a colour means the
        same value in every frame. See ``capture.display_range`` for the levels."""
        return self.calibrate(model_inputs, percentile).ranges

    def calibrate(self, model_inputs: np.ndarray, percentile: float = 99.9) -> Calibration:
        """``feature_ranges`` and the logits' levels, from one pass over the batch."""
        x = torch.from_numpy(np.ascontiguousarray(model_inputs, np.float32)).unsqueeze(1)
        self.capture.clear()
        with torch.no_grad():
            logits = self.model(x.to(self.device)).float().cpu()
        outputs = self.capture.outputs()
        self.capture.clear()
        ranges = {name: FeatureRange(tuple(t.shape[1:]), *display_range(t, percentile))
                  for name, t in outputs.items()}
        return Calibration(ranges, display_range(logits, percentile))

    def logits_batch(self, model_inputs: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Logits for a stack of 28x28 model inputs, in batches (no feature maps)."""
        out = []
        with torch.no_grad():
            for start in range(0, len(model_inputs), batch_size):
                x = torch.from_numpy(np.ascontiguousarray(model_inputs[start : start + batch_size]))
                x = x.unsqueeze(1).to(self.device)
                out.append(self.model(x).float().cpu().numpy())
        self.capture.clear()
        return np.concatenate(out) if out else np.zeros((0, NUM_CLASSES), np.float32)


class _EagerCudaForward:
    shape = None

    def __init__(self, model, capture, device):
        self.model, self.capture, self.device = model, capture, device

    def __call__(self, model_input):
        x = torch.from_numpy(model_input).view(1, 1, *model_input.shape).to(self.device)
        self.capture.clear()
        with torch.no_grad():
            logits = self.model(x)
        maps = {name: t[0].numpy() for name, t in self.capture.outputs().items()}
        return logits[0].cpu().numpy(), maps, self.capture.output_shapes()


class _CudaGraphForward:
    """Batch-1 inference on CUDA as one graph replay and one copy each way.

    A tiny model spends most of an eager CUDA call launching kernels and waiting on
    separate copies. Here the forward, the hooks' copies and the packing of logits and
    feature maps into one flat buffer are captured once as a CUDA graph; a call then
    copies the input from pinned memory, replays the graph, and copies one buffer back.
    """

    def __init__(self, model, capture: FeatureCapture, device, shape):
        self.shape = tuple(shape)
        self.device = device
        self.host_in = torch.zeros((1, 1, *self.shape), pin_memory=True)
        self.static_in = self.host_in.to(device)
        with torch.no_grad():
            side = torch.cuda.Stream(device)
            side.wait_stream(torch.cuda.current_stream(device))
            with torch.cuda.stream(side):
                for _ in range(3):  # warm up kernels and the allocator outside the graph
                    model(self.static_in)
            torch.cuda.current_stream(device).wait_stream(side)
            capture.clear()
            self.graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(self.graph):
                logits = model(self.static_in)
                maps = capture.latest()
                names = [n for n in capture.module_names if n in maps]
                parts = [logits.float().flatten()] + [maps[n].float().flatten() for n in names]
                self.static_out = torch.cat(parts)
        self.layout = [(None, tuple(logits.shape[1:]))] + [(n, tuple(maps[n].shape[1:])) for n in names]
        # Replays run no Python hooks: the shapes are those the captured forward recorded.
        self.shapes = capture.output_shapes()
        self.host_out = torch.empty(self.static_out.shape, pin_memory=True)

    def __call__(self, model_input):
        self.host_in.view(self.shape).copy_(torch.from_numpy(model_input))
        self.static_in.copy_(self.host_in, non_blocking=True)
        self.graph.replay()
        self.host_out.copy_(self.static_out, non_blocking=True)
        torch.cuda.current_stream(self.device).synchronize()
        flat = self.host_out.numpy().copy()  # the pinned buffer is reused by the next call
        offset, maps, logits = 0, {}, None
        for name, shape in self.layout:
            size = int(np.prod(shape))
            chunk = flat[offset : offset + size].reshape(shape)
            offset += size
            if name is None:
                logits = chunk
            else:
                maps[name] = chunk
        return logits, maps, dict(self.shapes)
