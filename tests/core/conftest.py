"""Trained weights for the core tests: the shipped files when they exist, else a
SimpleCNN trained for one epoch on part of MNIST (about 97 %, some 10 s on two CPU cores),
once a session."""

import pytest

from digitpad.data import Digits, load_mnist
from digitpad.train import TrainConfig, train
from digitpad.weights import load_model, shipped_weights_path

QUICK_SAMPLES = 24_000


@pytest.fixture(scope="session")
def mnist_train(mnist_dir):
    return load_mnist(mnist_dir, "train")


@pytest.fixture(scope="session")
def mnist_test(mnist_dir):
    return load_mnist(mnist_dir, "test")


@pytest.fixture(scope="session")
def simple_weights(tmp_path_factory, mnist_train):
    """A weights file for a trained SimpleCNN."""
    shipped = shipped_weights_path("SimpleCNN")
    if shipped.is_file():
        return shipped
    path = tmp_path_factory.mktemp("weights") / "simplecnn-quick.pt"
    config = TrainConfig(arch="SimpleCNN", epochs=1, batch_size=64, augmentation=None)
    subset = Digits(mnist_train.images[:QUICK_SAMPLES], mnist_train.labels[:QUICK_SAMPLES])
    for _ in train(config, subset, out=path):
        pass
    return path


@pytest.fixture
def simple_model(simple_weights):
    """A fresh trained SimpleCNN for each test (tests may edit or hook it)."""
    return load_model(simple_weights).model.eval()
