"""Shared makings of the hostile-inputs suite: every file it feeds digitpad is made here,
at test time, in a temporary folder; nothing hostile is committed."""

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
