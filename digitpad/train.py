"""Training digitpad's networks, as a generator of progress events.

    config = TrainConfig(arch="SimpleCNN", epochs=10)
    for event in train(config, load_mnist(folder, "train"), load_mnist(folder, "test"), out="my.pt"):
        print(event)

Fast by design: the training set lives on the device as one uint8 tensor, each batch is an
index into a random permutation, and augmentation runs batched on the device
(``digitpad.augment``): no DataLoader, no per-sample transforms. AdamW with a one-cycle
learning rate and an exponential moving average of the weights, which is what gets tested
and saved; optionally distillation from a teacher network, which sees the same augmented
batch. The CLI draws the events as a progress bar, the app iterates the same generator in
a worker thread. Stopping between steps, by ``cancelled()`` returning True or by
closing the generator, writes nothing; a finished run writes its weights atomically with
their provenance.
"""

from __future__ import annotations

import copy
import functools
import math
import platform
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata as package_metadata
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import __version__
from .augment import Augmentation, model_inputs
from .data import Digits
from .evaluate import accuracy
from .fileio import check_writable
from .memory import reuse_freed_memory
from .models import DEFAULT_ARCH, SimpleCNN, arch_name, create_model, fresh_copy
from .pendata import POLYLINES_VERSION, PenBank, PenDigits, PenVariation
from .preprocess import INPUT_SIZE, MNIST_MEAN, MNIST_STD
from .weights import WeightsError, load_model, save_weights

# The weight average spans about this fraction of all steps: the settling end of the run.
AVERAGE_SPAN = 0.1
# On a CPU the inputs of this many steps are made at once: the per-operation cost of
# augmenting and rendering (hundreds of small tensor operations a call) is paid once for
# all of them, while their numbers (a few MB) stay in the cache.
BATCHES_AHEAD = 8


@dataclass(frozen=True)
class TrainConfig:
    arch: str = DEFAULT_ARCH
    epochs: int = 10
    batch_size: int = 128
    lr: float = 0.01  # the peak of the one-cycle schedule
    weight_decay: float = 1e-4
    label_smoothing: float = 0.0
    seed: int = 0
    device: str = "cpu"
    augmentation: Augmentation | None = field(default_factory=Augmentation)
    # The share of the digits distorted; the rest are used as they are, so a small network
    # still learns MNIST's own digits well while it learns the distorted ones.
    augment_share: float = 0.5
    # Weights file(s) of trained networks to distil from; with several, the student learns
    # their averaged softened outputs (an ensemble reads better than any one of them).
    teacher: str | tuple[str, ...] | None = None
    temperature: float = 4.0  # softens both networks' outputs for distillation
    distill_weight: float = 0.9  # share of the distillation term in the loss
    average: bool = True  # keep and save an exponential moving average of the weights
    # Forward passes in bfloat16 (weights and optimizer stay float32): about twice as fast
    # on CPUs with native bfloat16 (AVX512-BF16, AMX), much slower on CPUs without.
    bfloat16: bool = False
    report_every: int = 10  # steps between StepEvents
    # Share of each batch drawn from pen data (``train``'s ``pen_set``), rendered on the fly
    # by the pad's rasteriser with random variations; the rest is MNIST.
    pen_share: float = 0.0
    pen_variation: PenVariation = field(default_factory=PenVariation)
    # Share of each batch drawn from MNIST's training digits turned into strokes
    # (``train``'s ``stroke_set``), rendered like the pen data: MNIST's writers drawn
    # with a pen, the way the pad and the drawn-digit evaluation see them.
    stroke_share: float = 0.0


@dataclass(frozen=True)
class StepEvent:
    epoch: int  # 1-based, like step
    epochs: int
    step: int
    steps: int
    loss: float  # mean over this epoch so far
    accuracy: float  # on this epoch's (augmented) batches so far
    images_per_second: float
    # The network being trained, paused while the caller holds the event: copy what you
    # need (the app shows its weights evolving) before asking for the next event. The
    # result is the moving average of these weights unless TrainConfig.average is off.
    model: nn.Module | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class EpochEvent:
    epoch: int
    epochs: int
    loss: float
    accuracy: float
    test_accuracy: float | None  # None without a test set
    seconds: float  # training time of this epoch, test excluded
    images_per_second: float
    pen_accuracy: float | None = None  # on the pen validation drawings, if given


@dataclass(frozen=True)
class DoneEvent:
    model: nn.Module  # trained, on the CPU, in eval mode
    test_accuracy: float | None
    metadata: dict
    path: Path | None  # where the weights were written, if anywhere
    seconds: float  # training time of all epochs


Event = StepEvent | EpochEvent | DoneEvent


def train(config: TrainConfig, train_set: Digits, test_set: Digits | None = None, *,
          out=None, model: nn.Module | None = None, cancelled: Callable[[], bool] | None = None,
          command: str | None = None, pen_set: PenDigits | None = None,
          pen_validation: PenDigits | None = None, pen_record: dict | None = None,
          stroke_set: PenDigits | None = None) -> Iterator[Event]:
    """Train, yielding progress; the last event is a DoneEvent unless cancelled.

    ``model`` continues training from that model's weights (it is not changed itself);
    otherwise a fresh ``config.arch`` is built from ``config.seed``. ``out`` is written at
    the end, with ``command`` (the command line, if any) among its metadata.
    ``pen_set``: drawings mixed into every batch (``config.pen_share`` of it);
    ``pen_validation``: drawings read after every epoch; ``pen_record``: what the
    metadata says of the pen data (source, citation, split); ``stroke_set``: MNIST's
    training digits as strokes (``pendata.mnist_strokes``), ``config.stroke_share`` of
    every batch.
    """
    out = None if out is None else Path(out)
    if out is not None:
        check_writable(out, error=WeightsError)  # now, not after the training
    device = torch.device(config.device)
    if device.type == "cpu":
        reuse_freed_memory()  # every batch's activations in pages already touched
    torch.manual_seed(config.seed)  # initial weights and dropout
    generator = torch.Generator(device).manual_seed(config.seed)  # batches and augmentation
    student = fresh_copy(model) if model is not None else create_model(config.arch)
    student = student.to(device, memory_format=torch.channels_last)
    teacher_files = [load_model(path) for path in teacher_paths(config)]
    teacher = Teachers([loaded.model for loaded in teacher_files], config.temperature).to(
        device, memory_format=torch.channels_last) if teacher_files else None

    images = torch.from_numpy(np.array(train_set.images, np.uint8)).to(device)
    labels = torch.from_numpy(np.array(train_set.labels, np.int64)).to(device)
    pens = PenBank(pen_set, device) if pen_set is not None and config.pen_share > 0 else None
    pen_batch = round(config.batch_size * config.pen_share) if pens is not None else 0
    drawn = PenBank(stroke_set, device) if stroke_set is not None and config.stroke_share > 0 else None
    stroke_batch = round(config.batch_size * config.stroke_share) if drawn is not None else 0
    batch_size = min(config.batch_size - pen_batch - stroke_batch, len(labels))  # of MNIST digits
    if batch_size < 1:
        raise TrainingError("the pen and stroke shares leave no room for MNIST's digits in a batch")
    steps = len(labels) // batch_size  # the remainder changes every epoch
    sources = [(bank, _Cycle(len(bank), generator, device), count)
               for bank, count in ((pens, pen_batch), (drawn, stroke_batch)) if bank is not None and count > 0]
    batch_maker = _Batches(images, labels, batch_size, sources, config, generator,
                           ahead=BATCHES_AHEAD if device.type == "cpu" else 1)
    pen_check = PenBank(pen_validation, device) if pen_validation is not None else None
    optimizer = torch.optim.AdamW(student.parameters(), lr=config.lr, weight_decay=config.weight_decay,
                                  fused=device.type in ("cuda", "cpu") or None)  # one kernel per tensor
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, config.lr, total_steps=config.epochs * steps)
    average = WeightAverage(student, config.epochs * steps) if config.average else None
    trained = average.module if average is not None else student  # what is tested and saved
    test_images, test_labels = _on_device(test_set, device)

    test_accuracy, total_seconds = None, 0.0
    for epoch in range(1, config.epochs + 1):
        student.train()
        order = torch.randperm(len(labels), generator=generator, device=device)
        loss_sum = torch.zeros((), device=device)
        correct = torch.zeros((), device=device, dtype=torch.long)
        start = time.perf_counter()
        batches = batch_maker.epoch(order, steps)
        for step in range(1, steps + 1):
            inputs, targets = next(batches)
            with torch.autocast(device.type, torch.bfloat16, enabled=config.bfloat16):
                logits = training_forward(student)(inputs)
                loss = F.cross_entropy(logits, targets, label_smoothing=config.label_smoothing)
                if teacher is not None:
                    with torch.no_grad():
                        teacher_logits = teacher(inputs)
                    loss = (1 - config.distill_weight) * loss + config.distill_weight * distillation_loss(
                        logits, teacher_logits, config.temperature)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            if average is not None:
                average.update()
            loss_sum += loss.detach() * len(targets)
            correct += (logits.argmax(1) == targets).sum()
            if cancelled is not None and cancelled():
                return
            if step % config.report_every == 0 or step == steps:
                seen = step * (batch_size + pen_batch + stroke_batch)
                _check_finite(loss_sum.item(), epoch, step)  # synced here anyway, not every step
                event = StepEvent(epoch, config.epochs, step, steps, loss_sum.item() / seen,
                                  correct.item() / seen, seen / _seconds_since(start, device), student)
                paused = time.perf_counter()
                yield event
                start += time.perf_counter() - paused  # the caller's time is not training time
        seconds = _seconds_since(start, device)
        total_seconds += seconds
        if test_images is not None:
            test_accuracy = accuracy(trained, test_images, test_labels)
        pen_accuracy = pen_bank_accuracy(trained, pen_check) if pen_check is not None else None
        seen = steps * (batch_size + pen_batch + stroke_batch)
        yield EpochEvent(epoch, config.epochs, loss_sum.item() / seen, correct.item() / seen,
                         test_accuracy, seconds, seen / seconds, pen_accuracy)

    trained = trained.to("cpu", memory_format=torch.contiguous_format).eval()
    if not all(torch.isfinite(t).all() for t in trained.state_dict().values() if t.is_floating_point()):
        raise TrainingError("training diverged: the weights are not finite; nothing was written "
                            "(try a smaller learning rate)")
    metadata = provenance(config, arch_name(trained), device, command=command, teachers=teacher_files,
                          train_images=len(labels), test_accuracy=test_accuracy, seconds=total_seconds)
    if pens is not None:
        metadata["pen_data"] = {**(pen_record or {}), "drawings": len(pens), "share": config.pen_share,
                                "variation": asdict(config.pen_variation),
                                "validation_accuracy": pen_accuracy}
    if drawn is not None:
        metadata["mnist_strokes"] = {
            "source": "MNIST's training digits, skeletons traced into strokes (digitpad.pendata."
                      f"digit_strokes, version {POLYLINES_VERSION}), rendered with the pen data's variations",
            "drawings": len(drawn), "share": config.stroke_share}
    if out is not None:
        save_weights(out, trained, metadata=metadata)
    yield DoneEvent(trained, test_accuracy, metadata, out, total_seconds)


def training_forward(model: nn.Module) -> Callable[[torch.Tensor], torch.Tensor]:
    """How the trainer runs ``model`` on a batch: the module itself, or for a SimpleCNN
    that nothing hooks, the same function in a cheaper order (``simple_cnn_logits``). The
    module, its state_dict and what a hook sees stay the lesson's SimpleCNN."""
    if type(model) is SimpleCNN and not _hooked(model):
        return functools.partial(simple_cnn_logits, model)
    return model


def simple_cnn_logits(model: SimpleCNN, inputs: torch.Tensor) -> torch.Tensor:
    """``model(inputs)`` with the max-pool before the ReLU: ReLU is monotonic, so the two
    commute and the logits and weight gradients are the same, while the ReLU (and its
    backward pass) handles a quarter of the values. About 1.5x faster forward and
    backward on a CPU."""
    conv, pool = model.conv1, model.pool
    maps = F.conv2d(inputs, conv.weight, conv.bias, conv.stride, conv.padding, conv.dilation, conv.groups)
    pooled = F.max_pool2d(maps, pool.kernel_size, pool.stride, pool.padding, pool.dilation,
                          ceil_mode=pool.ceil_mode).relu_()
    return F.linear(pooled.flatten(1), model.fc.weight, model.fc.bias) * model.scale


def _hooked(model: nn.Module) -> bool:
    """Whether anything would see ``model``'s calls: hooks on it or its modules, or
    hooks on every module."""
    from torch.nn.modules import module as torch_module

    if any(getattr(torch_module, name, None) for name in (
            "_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks",
            "_global_backward_pre_hooks")):
        return True
    return any(m._forward_hooks or m._forward_pre_hooks or m._backward_hooks or m._backward_pre_hooks
               for m in model.modules())


def pen_inputs(ink: torch.Tensor) -> torch.Tensor:
    """Rendered pen ink (B, 28, 28) as network inputs, like ``augment.model_inputs``."""
    batch = (ink.unsqueeze(1) - MNIST_MEAN) / MNIST_STD
    return batch.contiguous(memory_format=torch.channels_last)


@torch.no_grad()
def pen_bank_accuracy(model: nn.Module, bank: PenBank, batch_size: int = 1000) -> float:
    """Share of a PenBank's drawings, rendered without variation, that ``model`` reads."""
    was_training = model.training
    model.eval()
    right = 0
    for start in range(0, len(bank), batch_size):
        index = torch.arange(start, min(start + batch_size, len(bank)), device=bank.device)
        right += (model(pen_inputs(bank.render(index))).argmax(1) == bank.labels[index]).sum().item()
    model.train(was_training)
    return right / max(len(bank), 1)


class _Batches:
    """The training batches of an epoch: ``batch_size`` MNIST digits in the epoch's order,
    a share of them distorted, followed by each source's ``count`` drawings (pen data,
    MNIST's digits as strokes), rendered with random variations; ``ahead`` steps' worth
    made in one go. Every digit and drawing draws its own random numbers, so the batches
    have the same distribution however many are made at once."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, batch_size: int,
                 sources: list[tuple[PenBank, _Cycle, int]], config: TrainConfig,
                 generator: torch.Generator, ahead: int = 1):
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.sources, self.config, self.generator = sources, config, generator
        self.ahead = max(1, ahead)

    def epoch(self, order: torch.Tensor, steps: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """(inputs (B, 1, 28, 28) channels-last, targets (B,)) for each of ``steps``."""
        config, size = self.config, self.batch_size
        for first in range(0, steps, self.ahead):
            count = min(self.ahead, steps - first)
            index = order[first * size : (first + count) * size]
            parts = [model_inputs(self.images[index], config.augmentation, self.generator,
                                  config.augment_share).view(count, size, 1, INPUT_SIZE, INPUT_SIZE)]
            targets = [self.labels[index].view(count, size)]
            for bank, cycle, share in self.sources:
                chosen = cycle.take(count * share)
                ink = bank.render(chosen, config.pen_variation, self.generator)
                parts.append(pen_inputs(ink).view(count, share, 1, INPUT_SIZE, INPUT_SIZE))
                targets.append(bank.labels[chosen].view(count, share))
            inputs, labels = torch.cat(parts, dim=1), torch.cat(targets, dim=1)
            for step in range(count):
                yield inputs[step].contiguous(memory_format=torch.channels_last), labels[step]


class _Cycle:
    """Indices 0..n-1 in a fresh random order each time round, ``take`` at a time."""

    def __init__(self, count: int, generator: torch.Generator, device):
        self.count, self.generator, self.device = count, generator, device
        self.order, self.at = self._shuffled(), 0

    def _shuffled(self) -> torch.Tensor:
        return torch.randperm(self.count, generator=self.generator, device=self.device)

    def take(self, size: int) -> torch.Tensor:
        parts = []
        while size > 0:
            if self.at == self.count:
                self.order, self.at = self._shuffled(), 0
            part = self.order[self.at : self.at + size]
            self.at += len(part)
            size -= len(part)
            parts.append(part)
        return torch.cat(parts)


class TrainingError(ValueError):
    """Training that cannot go on (it diverged); nothing was written."""


def _check_finite(loss_sum: float, epoch: int, step: int) -> None:
    # A NaN or infinite loss never recovers: stop before such weights reach a file.
    if not math.isfinite(loss_sum):
        raise TrainingError(f"training diverged: the loss is not finite at epoch {epoch}, step "
                            f"{step}; nothing was written (try a smaller learning rate)")


def teacher_paths(config: TrainConfig) -> tuple[str, ...]:
    if not config.teacher:
        return ()
    return (config.teacher,) if isinstance(config.teacher, str) else tuple(config.teacher)


class Teachers(nn.Module):
    """One or several trained networks as one teacher. Several give
    ``T * log(mean_i softmax(z_i / T))``: logits whose softened outputs at temperature T are
    the networks' softened outputs averaged, so ``distillation_loss`` needs no change."""

    def __init__(self, networks: list[nn.Module], temperature: float):
        super().__init__()
        self.networks = nn.ModuleList(networks)
        self.temperature = temperature
        self.eval()  # dropout off and BatchNorm's statistics fixed, whatever the student does

    def forward(self, x):
        if len(self.networks) == 1:
            return self.networks[0](x)
        softened = torch.stack([F.log_softmax(net(x).float() / self.temperature, dim=1)
                                for net in self.networks])
        return self.temperature * (torch.logsumexp(softened, dim=0) - math.log(len(self.networks)))


def distillation_loss(student_logits, teacher_logits, temperature: float) -> torch.Tensor:
    """KL divergence between the softened outputs, scaled by T^2 so its gradients keep
    their size whatever the temperature (Hinton et al., 2015)."""
    return F.kl_div(F.log_softmax(student_logits / temperature, dim=1),
                    F.log_softmax(teacher_logits / temperature, dim=1),
                    reduction="batchmean", log_target=True) * temperature**2


class WeightAverage:
    """An exponential moving average of a model's weights and BatchNorm statistics over the
    last ``AVERAGE_SPAN`` of the steps: smoother than the last step's weights.

    Like ``torch.optim.swa_utils.AveragedModel`` with an EMA, without its per-step host to
    device copy, which makes every CUDA step wait for the one before."""

    def __init__(self, model: nn.Module, total_steps: int):
        self.decay = 1 - 1 / max(1.0, AVERAGE_SPAN * total_steps)
        self.module = copy.deepcopy(model)  # not a fresh model: that would draw random numbers
        self._pairs = list(zip(self.module.state_dict().values(), model.state_dict().values()))
        self._started = False

    @torch.no_grad()
    def update(self) -> None:
        for average, current in self._pairs:
            if self._started and average.is_floating_point():
                average.lerp_(current, 1 - self.decay)
            else:  # the first step, and counters (BatchNorm's num_batches_tracked)
                average.copy_(current)
        self._started = True


def _on_device(digits: Digits | None, device) -> tuple[torch.Tensor | None, torch.Tensor | None]:
    if digits is None:
        return None, None
    return (torch.from_numpy(np.array(digits.images, np.uint8)).to(device),
            torch.from_numpy(np.array(digits.labels, np.int64)).to(device))


def _seconds_since(start: float, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)  # the queued kernels belong to this interval
    return max(time.perf_counter() - start, 1e-9)


def device_description(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{device} ({torch.cuda.get_device_name(device)})"
    threads = torch.get_num_threads()
    return f"cpu ({platform.machine()}, {threads} thread{'s' if threads != 1 else ''})"


def provenance(config: TrainConfig, arch: str, device: torch.device, *, command, teachers,
               train_images: int, test_accuracy: float | None, seconds: float) -> dict:
    """What a weights file records about how it was made (``teachers``: their LoadedModels;
    one is recorded as ``teacher``, several as ``teacher["ensemble"]``)."""
    described = [{"file": Path(path).name, "arch": loaded.arch,
                  "test_accuracy": loaded.file.metadata.get("test_accuracy")}
                 for path, loaded in zip(teacher_paths(config), teachers or [])]
    distilling = {"temperature": config.temperature, "weight": config.distill_weight}
    return {
        "command": command,
        "arch": arch,
        "seed": config.seed,
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "lr": config.lr,
        "weight_decay": config.weight_decay,
        "label_smoothing": config.label_smoothing,
        "bfloat16": config.bfloat16,
        "weight_average": f"exponential, over the last {AVERAGE_SPAN:.0%} of steps" if config.average else None,
        "augmentation": asdict(config.augmentation) if config.augmentation else None,
        "augment_share": config.augment_share if config.augmentation else None,
        "teacher": (None if not described else {**described[0], **distilling} if len(described) == 1
                    else {"ensemble": described, **distilling}),
        "train_images": train_images,
        "test_accuracy": test_accuracy,
        "train_seconds": round(seconds, 2),
        "device": device_description(device),
        "versions": {"digitpad": __version__, "torch": torch.__version__,
                     "torchvision": _installed_version("torchvision"), "numpy": np.__version__,
                     "python": platform.python_version()},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }



def _installed_version(package: str) -> str | None:
    try:
        return package_metadata.version(package)
    except package_metadata.PackageNotFoundError:
        return None
