"""Fixtures for the app's tests: real weights, settings kept away from the user's, a window."""

from __future__ import annotations

import gc

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PySide6.QtCore import QSettings

from digitpad.data import load_mnist
from digitpad.models import SimpleCNN
from digitpad.preprocess import normalise
from digitpad.weights import save_weights, shipped_weights_path

QUICK_TRAIN_IMAGES = 10_000
QUICK_TRAIN_EPOCHS = 2


def train_quick_weights(mnist_dir, path):
    """SimpleCNN after two epochs on 10k MNIST images (about 97 % on the test set): good
    enough to read drawn digits, and made in seconds."""
    torch.manual_seed(0)
    digits = load_mnist(mnist_dir, "train")
    images = torch.from_numpy(normalise(digits.images[:QUICK_TRAIN_IMAGES] / 255.0)).unsqueeze(1)
    labels = torch.from_numpy(digits.labels[:QUICK_TRAIN_IMAGES])
    model = SimpleCNN()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    model.train()
    for _ in range(QUICK_TRAIN_EPOCHS):
        for batch in torch.randperm(len(labels)).split(64):
            optimizer.zero_grad()
            F.cross_entropy(model(images[batch]), labels[batch]).backward()
            optimizer.step()
    return save_weights(path, model, metadata={"note": "quick test weights",
                                               "epochs": QUICK_TRAIN_EPOCHS})


@pytest.fixture(scope="session")
def trained_weights(tmp_path_factory, mnist_dir):
    """The shipped SimpleCNN weights when the checkout has them, else quickly trained ones."""
    shipped = shipped_weights_path("SimpleCNN")
    if shipped.is_file():
        return shipped
    return train_quick_weights(mnist_dir, tmp_path_factory.mktemp("weights") / "quick.pt")


@pytest.fixture(scope="session", autouse=True)
def no_automatic_garbage_collection():
    """As in the app (digitpad.ui.app.collect_garbage_in_event_loop): an automatic collection
    inside a Qt call can destroy a previous test's window while Qt holds a lock its
    destructor needs, and the run hangs."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def collect_garbage_after_each_test(no_automatic_garbage_collection):
    yield
    gc.collect()  # between tests, where no Qt call is running


@pytest.fixture(autouse=True)
def private_settings(tmp_path, monkeypatch):
    """Every test gets its own settings file, never the user's."""
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("DIGITPAD_SETTINGS", str(path))
    return path


@pytest.fixture(autouse=True)
def private_digits(tmp_path, monkeypatch):
    """Every test gets its own My Digits file, never the user's."""
    path = tmp_path / "my-digits.sqlite"
    monkeypatch.setenv("DIGITPAD_DIGITS_DB", str(path))
    return path


@pytest.fixture(autouse=True)
def private_data_and_quiet_quit(tmp_path, monkeypatch):
    """Autosaves go to the test's own folder, and closing a window with changed weights
    discards them instead of waiting for an answer (tests that ask override this)."""
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setenv("DIGITPAD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kwargs: QMessageBox.StandardButton.Discard)


@pytest.fixture
def settings(private_settings):
    return QSettings(str(private_settings), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings, trained_weights):
    from digitpad.ui.main_window import MainWindow

    win = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def ink(image: np.ndarray) -> int:
    return int((image > 64).sum())
