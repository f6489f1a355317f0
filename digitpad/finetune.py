""""That was a 7": teach the network one corrected drawing without wrecking it.

A few optimiser steps on batches that mix copies of the drawing, distorted by the
trainer's augmentation (``digitpad.augment``), with a replay of MNIST training digits, so
the model learns the correction without forgetting the rest. The work happens on a copy; the caller swaps the copy in
(``Classifier.set_model``), so the live model is never half updated, and keeps
``previous_state`` to undo.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .augment import Augmentation, augment, model_inputs
from .data import Digits
from .models import IMAGE_SIZE, NUM_CLASSES, cpu_state_dict, fresh_copy, softmax
from .preprocess import MNIST_MEAN, MNIST_STD

MAX_STEPS = 40
MIN_STEPS = 3
COPIES = 8  # augmented copies of the drawing in each batch
REPLAY = 56  # MNIST training digits in each batch
DISTILLATION = 1.0  # weight of keeping the replayed digits' answers as they were
# (SGD learning rate, probability for the label at which to stop), gentler each attempt
ATTEMPTS = ((1e-3, 0.7), (5e-4, 0.6), (2.5e-4, 0.5))
# When the first attempt cannot learn the drawing (a confident network, large logits):
# bolder steps, tried in turn until one does.
BOLDER = ((2e-3, 0.6), (4e-3, 0.5))
GUARD_SIZE = 1000  # training digits that measure what a correction costs
GUARD_TOLERANCE = 0.003  # accuracy on them an attempt may lose before a gentler one
AUGMENTATION = Augmentation()  # the distortions the shipped weights were trained with


@dataclass
class Correction:
    model: nn.Module  # the fine-tuned copy, in eval mode, to swap in
    previous_state: dict[str, torch.Tensor]  # the weights before, on the CPU, for undo
    label: int
    before: np.ndarray  # (10,) probabilities for the drawing before
    after: np.ndarray  # (10,) and after
    steps: int  # optimiser steps taken
    guard_accuracy: tuple[float, float]  # on GUARD_SIZE training digits, before and after

    @property
    def learnt(self) -> bool:
        """Whether the drawing now reads as ``label`` (False: MAX_STEPS were not enough)."""
        return int(self.after.argmax()) == self.label

    def restore(self) -> nn.Module:
        """A model with the weights from before the correction (to undo it)."""
        model = fresh_copy(self.model)
        model.load_state_dict(self.previous_state)
        return model.eval()


def distorted_copies(drawing: torch.Tensor, count: int, generator: torch.Generator) -> torch.Tensor:
    """``count`` copies of a (1, 1, 28, 28) model input, each distorted by the trainer's
    augmentation, so the correction is learnt for the drawing's near neighbours too."""
    ink = (drawing.cpu() * MNIST_STD + MNIST_MEAN).expand(count, -1, -1, -1)
    return (augment(ink, AUGMENTATION, generator) - MNIST_MEAN) / MNIST_STD


def correct(model: nn.Module, model_input: np.ndarray, label: int, replay: Digits, *,
            seed: int = 0) -> Correction:
    """Fine-tune a copy of ``model`` so ``model_input`` (28x28) reads as ``label``.

    Each step trains on COPIES jittered copies of the drawing and REPLAY random digits of
    ``replay`` (MNIST's training split), and keeps the copy's answers on those digits close
    to the original's (distillation). It stops once the drawing reads as ``label`` with
    the attempt's target probability. If that cost more than GUARD_TOLERANCE of accuracy
    on GUARD_SIZE other training digits, it tries again more gently (smaller steps, a
    lower target), and returns the attempt that fixed the drawing at the least cost. When
    the first attempt cannot make the drawing read as ``label`` within MAX_STEPS, bolder
    steps are tried (BOLDER); when none can, the result says so (``learnt`` is False) and
    the caller should not swap it in.
    BatchNorm statistics are kept.
    """
    if not 0 <= int(label) < NUM_CLASSES:
        raise ValueError(f"label must be a digit 0-9, got {label!r}")
    if len(replay) < GUARD_SIZE:
        raise ValueError(f"need at least {GUARD_SIZE} replay digits, got {len(replay)}: "
                         "fine-tuning on one drawing alone would wreck the model")
    label = int(label)
    device = next(model.parameters()).device
    drawing = torch.from_numpy(np.asarray(model_input, np.float32)).view(1, 1, IMAGE_SIZE, IMAGE_SIZE).to(device)
    teacher = fresh_copy(model).to(device).eval()
    guard = np.random.default_rng(seed).choice(len(replay), GUARD_SIZE, replace=False)
    guard_inputs = model_inputs(torch.from_numpy(replay.images[guard]))
    guard_before = _accuracy(teacher, guard_inputs, replay.labels[guard])

    best = None
    for attempt, (learning_rate, target) in enumerate(ATTEMPTS):
        tuned, steps = _fine_tune(teacher, drawing, label, replay, learning_rate, target, seed + attempt)
        after = _probabilities(tuned, drawing)
        guard_after = _accuracy(tuned, guard_inputs, replay.labels[guard])
        # Fixing the drawing comes first, then the smallest cost.
        rank = (after.argmax() != label, guard_before - guard_after)
        if best is None or rank < best[0]:
            best = (rank, tuned, steps, after, guard_after)
        if rank[0] or rank[1] <= GUARD_TOLERANCE:
            break  # good enough, or not learnt at all: gentler steps would not learn it either
    for offset, (learning_rate, target) in enumerate(BOLDER if best[0][0] else ()):
        tuned, steps = _fine_tune(teacher, drawing, label, replay, learning_rate, target,
                                  seed + len(ATTEMPTS) + offset)
        after = _probabilities(tuned, drawing)
        guard_after = _accuracy(tuned, guard_inputs, replay.labels[guard])
        best = ((after.argmax() != label, guard_before - guard_after), tuned, steps, after, guard_after)
        if not best[0][0]:
            break
    _, tuned, steps, after, guard_after = best
    return Correction(model=tuned, previous_state=cpu_state_dict(model), label=label,
                      before=_probabilities(teacher, drawing), after=after, steps=steps,
                      guard_accuracy=(guard_before, guard_after))


def _fine_tune(teacher: nn.Module, drawing: torch.Tensor, label: int, replay: Digits,
               learning_rate: float, target: float, seed: int) -> tuple[nn.Module, int]:
    device = drawing.device
    generator = torch.Generator().manual_seed(seed)
    tuned = fresh_copy(teacher).to(device)
    optimizer = torch.optim.SGD(tuned.parameters(), lr=learning_rate, momentum=0.9)
    targets = torch.cat([torch.full((COPIES,), label), torch.zeros(REPLAY, dtype=torch.long)])
    steps = 0
    while steps < MAX_STEPS:
        if steps >= MIN_STEPS and _probabilities(tuned, drawing)[label] >= target:
            break
        picks = torch.randint(len(replay), (REPLAY,), generator=generator).numpy()
        replayed = model_inputs(torch.from_numpy(replay.images[picks]))
        targets[COPIES:] = torch.from_numpy(replay.labels[picks])
        batch = torch.cat([distorted_copies(drawing, COPIES, generator), replayed]).to(device)
        with torch.no_grad():
            old = F.log_softmax(teacher(batch[COPIES:]), dim=1)
        _train_mode(tuned)
        optimizer.zero_grad(set_to_none=True)
        logits = tuned(batch)
        new = F.log_softmax(logits[COPIES:], dim=1)
        loss = (F.cross_entropy(logits, targets.to(device))
                + DISTILLATION * F.kl_div(new, old, log_target=True, reduction="batchmean"))
        loss.backward()
        optimizer.step()
        steps += 1
    tuned.eval()
    for parameter in tuned.parameters():
        parameter.grad = None
    return tuned, steps


def _accuracy(model: nn.Module, inputs: torch.Tensor, labels: np.ndarray) -> float:
    device = next(model.parameters()).device
    with torch.no_grad():
        predicted = model(inputs.to(device)).argmax(dim=1).cpu().numpy()
    return float((predicted == labels).mean())


def _train_mode(model: nn.Module) -> None:
    """Train mode (dropout on) with BatchNorm frozen: one odd batch must not move the
    running statistics every other drawing depends on."""
    model.train()
    for module in model.modules():
        if isinstance(module, nn.modules.batchnorm._BatchNorm):
            module.eval()


def _probabilities(model: nn.Module, drawing: torch.Tensor) -> np.ndarray:
    was_training = model.training
    model.eval()
    with torch.no_grad():
        logits = model(drawing)[0].float().cpu().numpy()
    model.train(was_training)
    return softmax(logits)
