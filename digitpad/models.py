"""The networks digitpad shows, and a registry of them by name."""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

NUM_CLASSES = 10


class SimpleCNN(nn.Module):
    """The lesson's network, unchanged: one conv layer, ReLU, 2x2 max-pool, a linear head
    and a trainable output scale."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(16 * 13 * 13, 10)
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


ARCHITECTURES: dict[str, Callable[[], nn.Module]] = {
    "SimpleCNN": SimpleCNN,
    "DeepCNN": DeepCNN,
}
DEFAULT_ARCH = "SimpleCNN"


def create_model(arch: str = DEFAULT_ARCH) -> nn.Module:
    """A freshly initialised model of the named architecture."""
    try:
        factory = ARCHITECTURES[arch]
    except KeyError:
        known = ", ".join(ARCHITECTURES)
        raise ValueError(f"unknown architecture {arch!r}; known: {known}") from None
    return factory()


def arch_name(model: nn.Module) -> str:
    """The registry name of a model built from the registry (its class name otherwise)."""
    for name, factory in ARCHITECTURES.items():
        if type(model) is factory:
            return name
    return type(model).__name__


def guess_arch(keys) -> str | None:
    """The architecture whose state_dict has exactly these keys, if exactly one does."""
    keys = set(keys)
    matches = [name for name in ARCHITECTURES if set(create_model(name).state_dict()) == keys]
    return matches[0] if len(matches) == 1 else None
