"""How well a network reads digits: accuracy overall and per class, the confusion matrix,
and accuracy on a perturbed copy of the test set that looks more like people's drawings
(shifted, scaled, rotated, slanted, thicker or thinner strokes)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn as nn

from .augment import Augmentation, augment, model_inputs
from .data import Digits
from .memory import reuse_freed_memory
from .models import NUM_CLASSES

# People draw with every pen width, slant and tilt. Their drawings go through the MNIST
# recipe (digitpad.preprocess) like MNIST did, which undoes most shifts and size changes,
# so those stay small here.
PERTURBATION = Augmentation(rotation=15.0, scale=0.15, shear=0.3, shift=1.5, thickness=1.0)
PERTURBATION_SEED = 0
EVAL_BATCH = 1000


@dataclass(frozen=True)
class Evaluation:
    count: int
    accuracy: float
    per_class: np.ndarray  # (10,) accuracy of each true digit
    confusion: np.ndarray  # (10, 10) counts; rows: true digit, columns: predicted
    perturbed_accuracy: float
    perturbation: Augmentation
    predictions: np.ndarray  # (N,) the digit read in each image, for finding examples

    def as_dict(self) -> dict:
        return {
            "images": self.count,
            "accuracy": self.accuracy,
            "per_class": [float(a) for a in self.per_class],
            "confusion": self.confusion.tolist(),
            "perturbed_accuracy": self.perturbed_accuracy,
            "perturbation": asdict(self.perturbation),
            "perturbation_seed": PERTURBATION_SEED,
        }


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor, batch_size: int = EVAL_BATCH) -> torch.Tensor:
    """The digit ``model`` reads in each uint8 image (N, 28, 28), on the images' device."""
    was_training = model.training
    model.eval()
    try:
        return torch.cat([model(model_inputs(images[start : start + batch_size])).argmax(1)
                          for start in range(0, len(images), batch_size)])
    finally:
        model.train(was_training)


def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    return (predict(model, images) == labels).sum().item() / max(len(labels), 1)


def perturbed_copy(images: np.ndarray, aug: Augmentation = PERTURBATION,
                   seed: int = PERTURBATION_SEED) -> np.ndarray:
    """The uint8 images distorted by ``aug``; made on the CPU, so the same on every device."""
    generator = torch.Generator().manual_seed(seed)
    batch = torch.from_numpy(np.array(images, np.uint8)).unsqueeze(1).float().div_(255)
    distorted = augment(batch, aug, generator)[:, 0]
    return distorted.mul_(255).round_().clamp_(0, 255).to(torch.uint8).numpy()


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """Counts of (true digit, predicted digit) pairs, true digits as rows."""
    pairs = np.asarray(labels, np.int64) * NUM_CLASSES + np.asarray(predictions, np.int64)
    return np.bincount(pairs, minlength=NUM_CLASSES**2).reshape(NUM_CLASSES, NUM_CLASSES)


def evaluate(model: nn.Module, digits: Digits, device="cpu",
             perturbation: Augmentation = PERTURBATION) -> Evaluation:
    """Accuracy of ``model`` on ``digits`` as they are and perturbed (fixed seed)."""
    if torch.device(device).type == "cpu":
        reuse_freed_memory()
    model = model.to(device)
    images = torch.from_numpy(np.array(digits.images, np.uint8)).to(device)
    predictions = predict(model, images).cpu().numpy()
    confusion = confusion_matrix(digits.labels, predictions)
    per_class = np.diag(confusion) / np.maximum(confusion.sum(axis=1), 1)
    perturbed = torch.from_numpy(perturbed_copy(digits.images, perturbation)).to(device)
    perturbed_predictions = predict(model, perturbed).cpu().numpy()
    return Evaluation(
        count=len(digits),
        accuracy=float(np.trace(confusion) / max(len(digits), 1)),
        per_class=per_class,
        confusion=confusion,
        perturbed_accuracy=float((perturbed_predictions == digits.labels).mean()),
        perturbation=perturbation,
        predictions=predictions,
    )
