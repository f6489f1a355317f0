import os

# GUI tests run headless everywhere; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import torch

from digitpad.data import local_mnist_dir


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def mnist_dir():
    folder = local_mnist_dir()
    if folder is None:
        pytest.skip("MNIST not found (set DIGITPAD_DATA or place it at ../shared/data/mnist)")
    return folder.resolve()  # tests may chdir or link to it
