"""How sure the network is, and whether the drawing looks like a digit at all.

Softmax confidence and entropy say how the network splits its vote, but a network is
often confident about things it has never seen. "Does this look like a digit" is asked
in the network's own feature space instead: the deepest feature map (SimpleCNN's pooled
16x13x13 map, the map its linear head reads), average-pooled 2x2 and L2-normalised, is
compared with the same features of 10,000 MNIST training digits; the distance to the
nearest one (one minus cosine similarity: the deep nearest-neighbour out-of-distribution
score with k = 1) is large for scribbles and letters. The threshold is the 99th
percentile of that distance on 5,000 held-out training digits, so about 1 % of those
(and 2-3 % of digits drawn on the pad by unseen writers) are rejected. All digits go
through the canvas preprocessing first, as a drawing would.

The statistics depend on the weights: ``DigitCheck.fit`` computes them from the weights
and ``ReferenceDigits`` (the preprocessed MNIST digits), deterministically;
``DigitCheck.is_current(model)`` says when edited weights call for a refit.
``digitpad.checkcache`` keeps both on disk, keyed by the weights' content and
CHECK_RECIPE, so a later run need not fit again. benchmarks/ood_rates.py measures it all.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .anatomy import anatomy
from .capture import FeatureCapture
from .classifier import Prediction
from .data import Digits
from .models import fresh_copy
from .preprocess import preprocess

BANK_SIZE = 10_000  # training digits remembered (the first ones of the training split)
CALIBRATION_SIZE = 5_000  # the next ones, held out to set the threshold
# The share of held-out digits the threshold rejects. 1 %, not 0.5 %: on the pad's strokes
# of unseen writers (benchmarks/ood_rates.py) it keeps about 97-98 % of real digits and
# rejects more scribbles and letters (SimpleCNN: 42 -> 49 % and 60 -> 65 %).
FALSE_REJECT_TARGET = 0.01
FEATURE_POOL = 2  # average-pool the map so a shift by a pixel or two matters less
BATCH = 1000
# Everything above that shapes the fitted statistics, and a version for the code that
# uses them: a cached check (digitpad.checkcache) is keyed by it. Bump CHECK_VERSION with
# any change to how the reference digits are made or the features computed.
CHECK_VERSION = 1
CHECK_RECIPE = (f"digit check v{CHECK_VERSION}: bank {BANK_SIZE}, calibration {CALIBRATION_SIZE}, "
                f"false reject {FALSE_REJECT_TARGET}, pool {FEATURE_POOL}")


class FitCancelled(Exception):
    """``DigitCheck.fit`` stopped early because it was asked to."""


@dataclass(frozen=True)
class Uncertainty:
    """The confidence meter's readings for one prediction."""

    confidence: float  # the top softmax probability
    entropy: float  # of the softmax, divided by log(10): 0 sure, 1 a uniform guess
    energy: float  # -logsumexp(logits); higher means less like the training data
    distance: float | None = None  # 1 - cosine similarity to the nearest training digit
    threshold: float | None = None  # distances above it do not look like a digit
    nearest_index: int | None = None  # that digit's index in MNIST's training split
    nearest_label: int | None = None

    @property
    def looks_like_digit(self) -> bool | None:
        """None when there are no statistics to judge by."""
        if self.distance is None:
            return None
        return self.distance <= self.threshold


def softmax_uncertainty(logits: np.ndarray) -> Uncertainty:
    logits = np.asarray(logits, np.float64)
    top = logits.max()
    log_total = top + math.log(np.exp(logits - top).sum())
    probabilities = np.exp(logits - log_total)
    entropy = -float((probabilities * np.log(np.maximum(probabilities, 1e-300))).sum())
    return Uncertainty(confidence=float(probabilities.max()),
                       entropy=entropy / math.log(len(logits)), energy=-float(log_total))


def pooled_features(maps: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) maps to (N, D) unit vectors, the space distances are measured in."""
    pooled = F.avg_pool2d(maps.float(), FEATURE_POOL) if min(maps.shape[2:]) >= FEATURE_POOL else maps
    return F.normalize(pooled.flatten(1), dim=1)


def model_fingerprint(model: nn.Module) -> tuple[float, ...]:
    """A cheap summary of the weights that changes when any of them does."""
    with torch.no_grad():
        return tuple(float(p.detach().double().sum()) + float(p.detach().double().square().sum())
                     for p in model.parameters())


@dataclass(frozen=True)
class ReferenceDigits:
    """MNIST training digits put through the canvas preprocessing, as the model inputs a
    drawing of them would give. They do not depend on the weights: make them once and
    refit ``DigitCheck`` from them whenever the weights change."""

    bank_inputs: np.ndarray  # (N, 28, 28) the digits distances are measured to
    bank_labels: np.ndarray  # (N,)
    calibration_inputs: np.ndarray  # (M, 28, 28) held-out digits that set the threshold

    @classmethod
    def from_mnist(cls, train: Digits, *, bank_size: int = BANK_SIZE,
                   calibration_size: int = CALIBRATION_SIZE) -> ReferenceDigits:
        """The first ``bank_size`` training digits and the next ``calibration_size``."""
        if len(train) < bank_size + calibration_size:
            raise ValueError(f"need {bank_size + calibration_size} training digits, got {len(train)}")
        inputs = np.stack([preprocess(image).model_input
                           for image in train.images[: bank_size + calibration_size]])
        return cls(bank_inputs=inputs[:bank_size], bank_labels=train.labels[:bank_size].copy(),
                   calibration_inputs=inputs[bank_size:])


@dataclass(frozen=True)
class DigitCheck:
    """Fitted statistics of "looks like a digit" for one set of weights."""

    feature: str  # the module whose map is compared (the Classifier must capture it)
    bank: torch.Tensor  # (N, D) features of MNIST training digits, unit length
    bank_labels: np.ndarray  # (N,)
    threshold: float
    fingerprint: tuple[float, ...]

    @classmethod
    def fit(cls, model: nn.Module, reference: ReferenceDigits, *,
            false_reject: float = FALSE_REJECT_TARGET,
            cancelled: Callable[[], bool] | None = None) -> DigitCheck:
        """Remember the reference digits' features; set the threshold so that
        ``false_reject`` of the held-out ones are rejected. Raises FitCancelled between
        batches once ``cancelled()`` is true (the app refits after every edit)."""
        feature = anatomy(model).last_map
        if feature is None:
            raise ValueError(f"{type(model).__name__} has no spatial feature map to compare")
        check = cls(feature=feature,
                    bank=_features_of(model, feature, reference.bank_inputs, cancelled),
                    bank_labels=reference.bank_labels, threshold=math.inf,
                    fingerprint=model_fingerprint(model))
        held_out = check.nearest(_features_of(model, feature, reference.calibration_inputs,
                                              cancelled))[0]
        return replace(check, threshold=float(np.quantile(held_out, 1.0 - false_reject)))

    def is_current(self, model: nn.Module) -> bool:
        """False once ``model``'s weights differ from those the check was fitted on."""
        return model_fingerprint(model) == self.fingerprint

    def nearest(self, features: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
        """(distance, bank index) of the nearest training digit for each feature row."""
        distances, indices = [], []
        for start in range(0, len(features), BATCH):
            similarity = features[start : start + BATCH] @ self.bank.T
            best, index = similarity.max(dim=1)
            distances.append(1.0 - best)
            indices.append(index)
        return torch.cat(distances).numpy(), torch.cat(indices).numpy()

    def distances(self, maps) -> np.ndarray:
        """Distances for a batch of (N, C, H, W) maps of ``feature``."""
        return self.nearest(pooled_features(torch.as_tensor(maps)))[0]

    def scores(self, model: nn.Module, model_inputs: np.ndarray) -> np.ndarray:
        """Distances for a stack of 28x28 model inputs of ``model`` (for measurements)."""
        return self.nearest(_features_of(model, self.feature, model_inputs))[0]

    def assess(self, prediction: Prediction) -> Uncertainty:
        """The meter's readings, using the map captured in ``prediction``'s forward pass
        (the Classifier must ``watch([check.feature])``)."""
        maps = prediction.feature_maps.get(self.feature)
        if maps is None:
            raise ValueError(f"the prediction has no {self.feature!r} map: "
                             f"call classifier.watch([{self.feature!r}]) first")
        distance, index = self.nearest(pooled_features(torch.from_numpy(maps[None])))
        return replace(softmax_uncertainty(prediction.logits), distance=float(distance[0]),
                       threshold=self.threshold, nearest_index=int(index[0]),
                       nearest_label=int(self.bank_labels[index[0]]))


def assess(prediction: Prediction, check: DigitCheck | None = None) -> Uncertainty:
    """Confidence, entropy and energy; with ``check``, whether it looks like a digit."""
    if not prediction.has_digit:
        raise ValueError("no digit to assess")
    if check is not None:
        return check.assess(prediction)
    return softmax_uncertainty(prediction.logits)


def _features_of(model: nn.Module, feature: str, model_inputs: np.ndarray,
                 cancelled: Callable[[], bool] | None = None) -> torch.Tensor:
    """Features of many inputs, computed on a channels-last CPU copy of ``model``: CPU
    convolutions run about twice as fast that way, and a live model's hooks stay quiet."""
    quiet = fresh_copy(model).eval().to(memory_format=torch.channels_last)
    chunks = []
    with FeatureCapture(quiet, types=(), names=(feature,)) as capture, torch.no_grad():
        for start in range(0, len(model_inputs), BATCH):
            if cancelled is not None and cancelled():
                raise FitCancelled("the digit check's fit was cancelled")
            x = torch.from_numpy(np.ascontiguousarray(model_inputs[start : start + BATCH], np.float32))
            quiet(x.unsqueeze(1).contiguous(memory_format=torch.channels_last))
            chunks.append(pooled_features(capture.outputs()[feature]))
    return torch.cat(chunks)
