import os

# GUI tests run headless everywhere; set before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import torch

from digitpad.data import local_mnist_dir

# Tests that use these take seconds each: a window, trained weights, the MNIST sets, a
# subprocess. They are marked slow, so `make test-fast` (-m "not slow") leaves them out.
SLOW_FIXTURES = {"window", "chinese_window", "trained_weights", "mnist_dir", "mnist_train",
                 "mnist_test", "simple_weights", "simple_model"}


def pytest_collection_modifyitems(config, items):
    slow = pytest.mark.slow
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(slow)
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


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """The digit check's cache (digitpad.checkcache) in a folder of this run, never the
    user's; shared by the run's tests as the app's runs share the user's."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("DIGITPAD_CACHE_DIR")
    os.environ["DIGITPAD_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("DIGITPAD_CACHE_DIR", None)
    else:
        os.environ["DIGITPAD_CACHE_DIR"] = previous
