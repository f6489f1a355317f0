"""Inputs that fix the colour levels of the feature maps: a batch of typical digits.

The levels come from what a layer outputs over many digits, once per model, so that a
colour means the same value in every frame. MNIST's test digits are used when a local
copy exists; otherwise the handwritten samples of ``digitpad.samples``, inked here in
numpy at two pen widths and put through the same MNIST recipe as a drawing.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw

from .data import DataError, load_mnist, local_mnist_dir
from .preprocess import normalise, preprocess
from .samples import SAMPLES

if TYPE_CHECKING:
    from .classifier import Calibration, Classifier

CALIBRATION_COUNT = 64
MAX_CALIBRATIONS = 4  # the networks of a session: switching back costs nothing
INK_SIZE = 96  # px: the MNIST recipe shrinks the ink to 20 px anyway
SUPERSAMPLE = 2
PEN_WIDTHS = (0.06, 0.1)  # of the pad's side: a thin and a broad pen


def ink(strokes, size: int = INK_SIZE, width: float = 0.08) -> np.ndarray:
    """Strokes of (x, y) points in a unit box drawn as ink (float32 0..1, ink high) on a
    ``size`` square with a round pen ``width`` of the side across; drawn at twice the
    size and averaged down, for anti-aliased edges."""
    side = SUPERSAMPLE * size
    pen = width * side
    canvas = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    for stroke in strokes:
        points = [(float(x), float(y)) for x, y in np.asarray(stroke) * side]
        draw.line(points, fill=255, width=round(pen), joint="curve")
        for x, y in (points[0], points[-1]):  # round pen ends
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    small = canvas.resize((size, size), Image.Resampling.BOX)
    return np.asarray(small, np.float32) / np.float32(255.0)


@functools.lru_cache(maxsize=1)
def sample_inputs() -> np.ndarray:
    """Model inputs (N, 28, 28) of every handwritten sample at each pen width."""
    return np.stack([preprocess(ink(sample.strokes, width=width)).model_input
                     for sample in SAMPLES for width in PEN_WIDTHS])


@functools.lru_cache(maxsize=1)
def calibration_inputs(count: int = CALIBRATION_COUNT) -> np.ndarray:
    """``count`` model inputs (N, 28, 28): MNIST test digits if found, else the samples."""
    folder = local_mnist_dir()
    if folder is not None:
        try:
            return normalise(load_mnist(folder, "test").images[:count] / np.float32(255.0))
        except DataError:
            pass  # a damaged copy: the samples still give sensible levels
    return sample_inputs()


_calibrations: OrderedDict[tuple, Calibration] = OrderedDict()


def calibrated(classifier: Classifier) -> Calibration:
    """``classifier``'s colour levels over ``calibration_inputs()``. One pass per weights
    and set of captured modules, kept for the last few: every panel that shows levels,
    and every switch back to a network, reuses it (DeepCNN's pass takes 0.1-0.3 s)."""
    from .uncertainty import model_fingerprint  # it needs the classifier module first

    key = (classifier.arch, model_fingerprint(classifier.model),
           tuple(classifier.capture.module_names))
    calibration = _calibrations.pop(key, None)
    if calibration is None:
        calibration = classifier.calibrate(calibration_inputs())
    _calibrations[key] = calibration
    while len(_calibrations) > MAX_CALIBRATIONS:
        _calibrations.popitem(last=False)
    return calibration
