"""Inputs that fix the colour levels of the feature maps: a batch of typical digits.

The levels come from what a layer outputs over many digits, once per model, so that a
colour means the same value in every frame. MNIST's test digits are used when a local
copy exists; otherwise digits sketched here as thick polylines, put through the same
MNIST recipe as a drawing.
"""

from __future__ import annotations

import functools

import numpy as np

from ..data import DataError, load_mnist, local_mnist_dir
from ..preprocess import normalise, preprocess

CALIBRATION_COUNT = 64

# Each digit as strokes of (x, y) points in a unit box, y down: rough, but with the
# stroke widths, curves and crossings of handwriting.
_ELLIPSE = [(0.5 + 0.3 * np.sin(t), 0.5 - 0.4 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 25)]
_TOP_LOOP = [(0.5 + 0.2 * np.sin(t), 0.28 - 0.18 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 19)]
_BOTTOM_LOOP = [(0.5 + 0.25 * np.sin(t), 0.68 - 0.22 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 19)]
_NINE_LOOP = [(0.48 + 0.22 * np.sin(t), 0.32 - 0.2 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 19)]
SKETCHES: dict[int, list[list[tuple[float, float]]]] = {
    0: [_ELLIPSE],
    1: [[(0.35, 0.25), (0.52, 0.1), (0.52, 0.9)]],
    2: [[(0.25, 0.3), (0.35, 0.14), (0.55, 0.1), (0.72, 0.2), (0.72, 0.38), (0.25, 0.88), (0.78, 0.88)]],
    3: [[(0.25, 0.15), (0.7, 0.15), (0.45, 0.45), (0.7, 0.58), (0.72, 0.8), (0.5, 0.9), (0.25, 0.84)]],
    4: [[(0.62, 0.9), (0.62, 0.1), (0.2, 0.65), (0.8, 0.65)]],
    5: [[(0.75, 0.12), (0.32, 0.12), (0.28, 0.45), (0.6, 0.42), (0.75, 0.6), (0.7, 0.82),
         (0.5, 0.9), (0.25, 0.82)]],
    6: [[(0.7, 0.12), (0.42, 0.32), (0.28, 0.62), (0.38, 0.88), (0.62, 0.88), (0.72, 0.68),
         (0.6, 0.52), (0.38, 0.55), (0.3, 0.66)]],
    7: [[(0.22, 0.12), (0.78, 0.12), (0.42, 0.9)]],
    8: [_TOP_LOOP, _BOTTOM_LOOP],
    9: [_NINE_LOOP, [(0.7, 0.32), (0.64, 0.9)]],
}


def sketch(digit: int, size: int = 64, width: float = 0.09, shear: float = 0.0) -> np.ndarray:
    """``digit`` drawn as ink (float32 0..1, ink high) on a ``size`` square, strokes
    ``width`` of the size thick, slanted by ``shear`` (x moves by shear * (0.5 - y))."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    points = np.stack([xs.ravel(), ys.ravel()], axis=1) + 0.5
    distance = np.full(points.shape[0], np.inf, np.float32)
    for stroke in SKETCHES[digit]:
        path = np.array([(x + shear * (0.5 - y), y) for x, y in stroke], np.float32) * size
        for start, end in zip(path[:-1], path[1:]):
            distance = np.minimum(distance, _distance_to_segment(points, start, end))
    radius = width * size / 2
    # A one-pixel soft edge, like an anti-aliased brush.
    ink = np.clip(radius + 0.5 - distance, 0.0, 1.0)
    return ink.reshape(size, size)


def _distance_to_segment(points: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    direction = end - start
    length2 = float(direction @ direction) or 1.0
    t = np.clip((points - start) @ direction / length2, 0.0, 1.0)
    nearest = start + t[:, None] * direction
    return np.linalg.norm(points - nearest, axis=1)


@functools.lru_cache(maxsize=1)
def sketched_inputs() -> np.ndarray:
    """Model inputs (N, 28, 28) of every sketch at a few widths and slants."""
    inputs = [
        preprocess(sketch(digit, width=width, shear=shear)).model_input
        for digit in SKETCHES
        for width in (0.07, 0.11)
        for shear in (-0.2, 0.0, 0.2)
    ]
    return np.stack(inputs)


@functools.lru_cache(maxsize=1)
def calibration_inputs(count: int = CALIBRATION_COUNT) -> np.ndarray:
    """``count`` model inputs (N, 28, 28): MNIST test digits if found, else the sketches."""
    folder = local_mnist_dir()
    if folder is not None:
        try:
            return normalise(load_mnist(folder, "test").images[:count] / np.float32(255.0))
        except DataError:
            pass  # a damaged copy: the sketches still give sensible levels
    return sketched_inputs()
