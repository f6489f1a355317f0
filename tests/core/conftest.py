"""Trained weights for the core tests: the shipped files when they exist, else a
SimpleCNN trained briefly on part of MNIST (about 10 s on two CPU cores), once a session."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from digitpad.data import load_mnist
from digitpad.models import create_model
from digitpad.preprocess import normalise
from digitpad.weights import load_model, save_weights, shipped_weights_path

QUICK_SAMPLES = 24_000
QUICK_BATCH = 64


@pytest.fixture(scope="session")
def mnist_train(mnist_dir):
    return load_mnist(mnist_dir, "train")


@pytest.fixture(scope="session")
def mnist_test(mnist_dir):
    return load_mnist(mnist_dir, "test")


def quick_train(train, arch: str, samples: int, seed: int = 0):
    """One pass of Adam over the first ``samples`` training digits."""
    torch.manual_seed(seed)
    model = create_model(arch).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    images = torch.from_numpy(normalise(train.images[:samples] / np.float32(255))).unsqueeze(1)
    labels = torch.from_numpy(train.labels[:samples])
    for start in range(0, samples, QUICK_BATCH):
        optimizer.zero_grad()
        F.cross_entropy(model(images[start : start + QUICK_BATCH]), labels[start : start + QUICK_BATCH]).backward()
        optimizer.step()
    return model.eval()


@pytest.fixture(scope="session")
def simple_weights(tmp_path_factory, mnist_train):
    """A weights file for a trained SimpleCNN."""
    shipped = shipped_weights_path("SimpleCNN")
    if shipped.is_file():
        return shipped
    path = tmp_path_factory.mktemp("weights") / "simplecnn-quick.pt"
    save_weights(path, quick_train(mnist_train, "SimpleCNN", QUICK_SAMPLES),
                 metadata={"trained": f"1 epoch on {QUICK_SAMPLES} digits, for tests"})
    return path


@pytest.fixture
def simple_model(simple_weights):
    """A fresh trained SimpleCNN for each test (tests may edit or hook it)."""
    return load_model(simple_weights).model.eval()
