"""Two networks side by side: a second network that reads every drawing beside the live
one, and the paired statistics that say whether one reads a test set better than the other.

``SecondNetwork`` takes a model already loaded and validated (shipped weights, a weights
file, or any network a later source provides) and reads the very model input the live
network read, so a drawing is rasterised once for both. Its classifier captures nothing
unless a view asks (the evidence dock's explainer), so it adds one small forward pass to
the live path.

On a test set both networks read the same digits, so their results are paired: ``b``
counts the digits the first reads right and the second wrong, ``c`` the reverse, and
McNemar's test asks whether ``b`` and ``c`` differ by more than chance. With few
discordant pairs (``b + c < EXACT_BELOW``) it is the exact two-sided binomial test,
otherwise the chi-square test with continuity correction, ``(|b - c| - 1)² / (b + c)``
on one degree of freedom. No SciPy needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch.nn as nn

from .classifier import Classifier, Prediction
from .models import arch_name, spec_of
from .weights import WeightsError, load_model, shipped_weights_path

EXACT_BELOW = 25  # b + c below this: the exact binomial test; the chi-square is too rough there
EXACT_TEST = "exact binomial"
CHI_SQUARE_TEST = "chi-square with continuity correction"
CHANCE_LEVEL = 0.05


# ------------------------------------------------------------------ McNemar's test


@dataclass(frozen=True)
class McNemar:
    """McNemar's test on paired right/wrong results: ``b`` first right and second wrong,
    ``c`` first wrong and second right; ``statistic`` is the chi-square (None for the
    exact test)."""

    b: int
    c: int
    p_value: float
    method: str  # EXACT_TEST or CHI_SQUARE_TEST
    statistic: float | None = None

    @property
    def more_than_chance(self) -> bool:
        return self.p_value < CHANCE_LEVEL

    def as_dict(self) -> dict:
        return {"b": self.b, "c": self.c, "p_value": self.p_value, "test": self.method,
                "statistic": self.statistic, "more_than_chance": self.more_than_chance}


def binomial_p_value(b: int, c: int) -> float:
    """Two-sided exact p-value of ``b`` successes in ``b + c`` fair coin tosses: twice
    the smaller tail, at most 1 (the binomial is symmetric at one half)."""
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**n)


def chi_square_p_value(statistic: float) -> float:
    """The upper tail of the chi-square distribution with one degree of freedom."""
    return math.erfc(math.sqrt(max(statistic, 0.0) / 2))


def mcnemar(b: int, c: int) -> McNemar:
    """McNemar's test on the discordant counts ``b`` and ``c`` (see the module's words)."""
    b, c = int(b), int(c)
    if b < 0 or c < 0:
        raise ValueError("counts cannot be negative")
    if b + c < EXACT_BELOW:
        return McNemar(b, c, binomial_p_value(b, c), EXACT_TEST)
    statistic = (abs(b - c) - 1) ** 2 / (b + c)
    return McNemar(b, c, chi_square_p_value(statistic), CHI_SQUARE_TEST, statistic)


# ------------------------------------------------------------------ paired results


@dataclass(frozen=True)
class PairedResults:
    """Two networks' readings of the same digits. A reading of -1 (no digit found) is
    wrong for both."""

    labels: np.ndarray  # (N,) the true digits
    first: np.ndarray  # (N,) what the first network read
    second: np.ndarray  # (N,) what the second network read

    @property
    def count(self) -> int:
        return len(self.labels)

    @property
    def first_accuracy(self) -> float:
        return float((self.first == self.labels).mean()) if self.count else 0.0

    @property
    def second_accuracy(self) -> float:
        return float((self.second == self.labels).mean()) if self.count else 0.0

    @property
    def b(self) -> int:
        """First right, second wrong."""
        return int(((self.first == self.labels) & (self.second != self.labels)).sum())

    @property
    def c(self) -> int:
        """First wrong, second right."""
        return int(((self.first != self.labels) & (self.second == self.labels)).sum())

    @property
    def disagreements(self) -> np.ndarray:
        """Indices of the digits the two read differently (both may be wrong), those
        one of them reads right first."""
        differ = np.flatnonzero(self.first != self.second)
        one_right = (self.first[differ] == self.labels[differ]) | (self.second[differ] == self.labels[differ])
        return np.concatenate([differ[one_right], differ[~one_right]])

    @property
    def test(self) -> McNemar:
        return mcnemar(self.b, self.c)

    def as_dict(self) -> dict:
        return {"count": self.count, "first_accuracy": self.first_accuracy,
                "second_accuracy": self.second_accuracy,
                "disagreements": int((self.first != self.second).sum()),
                "mcnemar": self.test.as_dict()}


def paired(labels, first_predictions, second_predictions) -> PairedResults:
    labels = np.asarray(labels, np.int64)
    first = np.asarray(first_predictions, np.int64)
    second = np.asarray(second_predictions, np.int64)
    if not labels.shape == first.shape == second.shape or labels.ndim != 1:
        raise ValueError("labels and both networks' readings must be the same length")
    return PairedResults(labels, first, second)


@dataclass(frozen=True)
class Comparison:
    """Both networks' evaluations on one test set (``Evaluation``, ``DrawnEvaluation`` or
    ``CollectionEvaluation``: anything with ``predictions`` and ``accuracy``) and their
    pairing."""

    first: object
    second: object
    pairs: PairedResults

    @classmethod
    def of(cls, first, second, labels) -> Comparison:
        return cls(first, second, paired(labels, first.predictions, second.predictions))


def compare_mnist(first_model: nn.Module, second_model: nn.Module, digits, device="cpu") -> Comparison:
    """Both networks on MNIST digits (``digitpad.evaluate.evaluate`` each), paired on
    the digits as they are."""
    from .evaluate import evaluate

    first = evaluate(first_model, digits, device)
    second = evaluate(second_model, digits, device)
    return Comparison.of(first, second, digits.labels)


def compare_drawn(first_model: nn.Module, second_model: nn.Module, sets, device="cpu",
                  prepared=None) -> Comparison:
    """Both networks on the same replayed drawings (``digitpad.drawn``): the drawings
    are made once."""
    from .drawn import evaluate_drawn, prepare

    prepared = prepare(sets) if prepared is None else prepared
    first = evaluate_drawn(first_model, sets, device=device, prepared=prepared)
    second = evaluate_drawn(second_model, sets, device=device, prepared=prepared)
    return Comparison.of(first, second, first.labels)


# ------------------------------------------------------------------ the second network


class SecondNetwork:
    """A network that reads every drawing beside the live one.

    It takes a model already validated (``from_file`` and ``shipped`` load one fully
    first and raise ``WeightsError`` on any problem); ``name`` says what it is in the
    views. Its classifier owns its hooks; ``close()`` removes every one.
    """

    def __init__(self, model: nn.Module, name: str, *, path=None, metadata: dict | None = None,
                 device: str = "cpu"):
        self.classifier = Classifier(model, capture_types=())  # maps only when a view asks
        if device != "cpu":
            self.classifier.set_device(device)
        self.name = name
        self.path = Path(path).resolve() if path is not None else None
        self.metadata = dict(metadata or {})

    @classmethod
    def from_file(cls, path, *, device: str = "cpu") -> SecondNetwork:
        """The weights in ``path`` (any architecture the file names or its keys fit)."""
        loaded = load_model(path)
        return cls(loaded.model, f"{Path(path).name} ({spec_of(loaded.arch).display_name})",
                   path=path, metadata=loaded.file.metadata, device=device)

    @classmethod
    def shipped(cls, arch: str, *, device: str = "cpu") -> SecondNetwork:
        """``arch``'s shipped weights; ``WeightsError`` when there are none."""
        path = shipped_weights_path(arch)
        if not path.is_file():
            raise WeightsError(f"digitpad has no shipped weights for {arch} (looked for {path})")
        loaded = load_model(path, arch=arch)
        return cls(loaded.model, spec_of(arch).display_name, path=path,
                   metadata=loaded.file.metadata, device=device)

    @property
    def model(self) -> nn.Module:
        return self.classifier.model

    @property
    def arch(self) -> str:
        return arch_name(self.model)

    def read(self, prediction: Prediction) -> Prediction:
        """Read the model input the live network read in ``prediction``."""
        return self.classifier.classify_steps(prediction.steps)

    def set_device(self, device: str):
        return self.classifier.set_device(device)

    def close(self) -> None:
        self.classifier.close()
