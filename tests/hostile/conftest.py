"""Shared makings of the hostile-inputs suite: every file it feeds digitpad is made here,
at test time, in a temporary folder; nothing hostile is committed."""

import contextlib
import os
import pickle
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from digitpad.classifier import Classifier
from digitpad.samples import sample
from digitpad.weights import load_model, shipped_weights_path


def digit_pixels(digit: int = 7, size: int = 280, ink: int = 0, paper: int = 255,
                 width: int = 18) -> np.ndarray:
    """A sample digit drawn with a round pen: uint8 grey, ``ink`` strokes on ``paper``."""
    image = Image.new("L", (size, size), paper)
    draw = ImageDraw.Draw(image)
    for stroke in sample(digit).strokes:
        points = [tuple(p) for p in (stroke * size).tolist()]
        draw.line(points, fill=ink, width=width, joint="curve")
        for x, y in points[:: max(1, len(points) // 20)] + [points[-1]]:
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=ink)
    return np.asarray(image)


@pytest.fixture(scope="session")
def shipped_model():
    path = shipped_weights_path("SimpleCNN")
    if not path.is_file():
        pytest.skip("no shipped SimpleCNN weights")
    return load_model(path).model.eval()


@pytest.fixture(scope="session")
def reader(shipped_model):
    """probabilities(ink array) with the shipped SimpleCNN, None for no digit."""
    classifier = Classifier(shipped_model, capture_types=())

    def probabilities(ink):
        prediction = classifier.classify(ink)
        return prediction.probabilities

    return probabilities


@pytest.fixture
def public_tmp():
    """A temporary folder that user ``nobody`` can reach (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="digitpad-hostile-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def as_ordinary_user(function):
    """``function()``'s result (or its exception, as text) computed by a forked copy of this
    process that runs as user ``nobody`` when the tests run as root: root may read and write
    anywhere, so permission checks can only be seen without it."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, run, report, leave without running any cleanup
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            try:
                result = function()
            except Exception as exc:
                result = f"{type(exc).__name__}: {exc}"
            os.write(write_end, pickle.dumps(result))
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


@contextlib.contextmanager
def tiny_disk(folder, size_kb=256):
    """A real, nearly full file system: a tmpfs mounted at ``folder`` (root only)."""
    folder.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)],
                            capture_output=True)
    if result.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder, leave_bytes):
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    (folder / "filler").write_bytes(bytes(max(0, free - leave_bytes)))


# Property-based tests: a short budget in every run, a long one with `make fuzz`.
try:
    from hypothesis import settings as hypothesis_settings

    hypothesis_settings.register_profile("hostile", max_examples=40, deadline=None)
    hypothesis_settings.register_profile("fuzz", max_examples=3000, deadline=None)
    hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hostile"))
except ImportError:  # pragma: no cover - hypothesis is in the test extra
    pass
