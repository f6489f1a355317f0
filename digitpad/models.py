"""The networks digitpad shows, one registry of them by name (``MODEL_SPECS``: builder,
display name, shipped weights file), and the helpers every layer uses on a model: copies
of it and of its weights, and the softmax of its logits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 10
IMAGE_SIZE = 28  # the model input is IMAGE_SIZE x IMAGE_SIZE


class SimpleCNN(nn.Module):
    """The lesson's network, unchanged: one conv layer, ReLU, 2x2 max-pool, a linear head
    and a trainable output scale."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 13 * 13, NUM_CLASSES)
        self.scale = nn.Parameter(torch.tensor(1.0))

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = x.flatten(1)
        return self.fc(x) * self.scale


def conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    """Conv -> BatchNorm -> ReLU -> 2x2 max-pool, as one nested module."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
        nn.MaxPool2d(2),
    )


class DeepCNN(nn.Module):
    """A deeper net of two conv layers in ``nn.Sequential`` blocks: modules nested in
    modules, so every view of digitpad has to find layers generically."""

    def __init__(self):
        super().__init__()
        self.block1 = conv_block(1, 32)  # 28x28 -> 14x14
        self.block2 = conv_block(32, 64)  # 14x14 -> 7x7
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128),
            nn.ReLU(),
            nn.Dropout(0.3),
            nn.Linear(128, NUM_CLASSES),
        )

    def forward(self, x):
        return self.classifier(self.block2(self.block1(x)))


@dataclass(frozen=True)
class NetworkSource:
    """Where a network the user opened comes from: a Python file and the class or factory
    in it (``kind`` "python"), or an ONNX file (``kind`` "onnx", ``name`` empty), and the
    SHA-256 of the file's bytes as they were read."""

    kind: str
    file: str  # the file's name, as weights files record it
    name: str
    sha256: str

    def as_metadata(self) -> dict:
        return {"kind": self.kind, "file": self.file, "class": self.name, "sha256": self.sha256}

    @property
    def reference(self) -> str:
        """How the command line names it: ``net.py:Net``, or ``net.onnx``."""
        return f"{self.file}:{self.name}" if self.name else self.file


@dataclass(frozen=True)
class ModelSpec:
    """A network digitpad knows: its registry ``name`` (saved in weights files),
    ``builder`` (a fresh model), the ``display_name`` shown in menus and the file of its
    shipped weights in ``models/`` (None: none ship). ``source``: where a network the
    user opened comes from (None for those digitpad ships)."""

    name: str
    builder: Callable[[], nn.Module]
    display_name: str
    shipped_file: str | None = None
    source: NetworkSource | None = None


MODEL_SPECS: dict[str, ModelSpec] = {spec.name: spec for spec in (
    ModelSpec("SimpleCNN", SimpleCNN, "SimpleCNN", "simplecnn.pt"),
    ModelSpec("DeepCNN", DeepCNN, "DeepCNN", "deepcnn.pt"),
)}
ARCHITECTURES: dict[str, Callable[[], nn.Module]] = {
    name: spec.builder for name, spec in MODEL_SPECS.items()}
DEFAULT_ARCH = next(iter(MODEL_SPECS))
# A model built from a registered spec whose class alone does not name it (an ONNX import
# is a GraphModule of a class of its own) carries its registry name in this attribute.
NETWORK_TAG = "_digitpad_network"


def register_spec(spec: ModelSpec) -> None:
    """Add (or replace) a network in the registry, so everything that builds or names
    models by registry name knows it: copies, training, weights files."""
    MODEL_SPECS[spec.name] = spec
    ARCHITECTURES[spec.name] = spec.builder


def unregister_spec(name: str) -> None:
    """Forget a network the user opened (the shipped ones stay)."""
    if MODEL_SPECS.get(name) is not None and MODEL_SPECS[name].source is not None:
        del MODEL_SPECS[name]
        del ARCHITECTURES[name]


def tag_model(model: nn.Module, name: str) -> nn.Module:
    """Mark ``model`` as built from the registered network ``name``."""
    model.__dict__[NETWORK_TAG] = name
    return model


def spec_of(arch: str) -> ModelSpec:
    """The registry entry of ``arch`` (ValueError for an unknown name)."""
    try:
        return MODEL_SPECS[arch]
    except KeyError:
        known = ", ".join(MODEL_SPECS)
        raise ValueError(f"unknown architecture {arch!r}; known: {known}") from None


def create_model(arch: str = DEFAULT_ARCH) -> nn.Module:
    """A freshly initialised model of the named architecture."""
    return spec_of(arch).builder()


def arch_name(model: nn.Module) -> str:
    """The registry name of a model built from the registry (its class name otherwise)."""
    tagged = model.__dict__.get(NETWORK_TAG)
    if tagged in MODEL_SPECS:
        return tagged
    for name, factory in ARCHITECTURES.items():
        if type(model) is factory:
            return name
    return type(model).__name__


def display_name(model: nn.Module) -> str:
    """How the interface names ``model``'s network: its registry display name."""
    name = arch_name(model)
    return MODEL_SPECS[name].display_name if name in MODEL_SPECS else name


def file_stem(arch: str) -> str:
    """A file name stem for weights of ``arch``: the registry name, or for a network the
    user opened its file and class (``lenet5-lenet5``), never a colon or hash."""
    spec = MODEL_SPECS.get(arch)
    if spec is None or spec.source is None:
        return arch.lower()
    stem = spec.source.file.rpartition(".")[0] or spec.source.file
    return "-".join(part for part in (stem, spec.source.name) if part).lower()


def guess_arch(keys) -> str | None:
    """The architecture whose state_dict has exactly these keys, if exactly one does."""
    keys = set(keys)
    matches = [name for name in ARCHITECTURES if set(create_model(name).state_dict()) == keys]
    return matches[0] if len(matches) == 1 else None


def fresh_copy(model: nn.Module) -> nn.Module:
    """A new model of the same architecture with the same weights, without its hooks."""
    duplicate = create_model(arch_name(model))
    duplicate.load_state_dict(model.state_dict())
    return duplicate


def cpu_state_dict(model: nn.Module, parameters_only: bool = False) -> dict[str, torch.Tensor]:
    """Detached CPU copies of ``model``'s state (or of its parameters alone), safe to keep
    while the model changes or trains on another device."""
    items = model.named_parameters() if parameters_only else model.state_dict().items()
    return {name: value.detach().to("cpu", copy=True, memory_format=torch.contiguous_format)
            for name, value in items}


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities from one row of logits, as float32."""
    shifted = np.exp(logits - logits.max())
    return (shifted / shifted.sum()).astype(np.float32)
