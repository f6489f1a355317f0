"""From a drawing or an image file to the network's 28x28 input, the way MNIST was made.

MNIST's recipe: crop to the ink, scale the longer side to 20 px with anti-aliasing, then
place the 20x20 box in a 28x28 field so that the centre of mass sits at the centre. Every
step is returned so the app can show what the network really sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
INPUT_SIZE = 28
BOX_SIZE = 20
# Pixels at least this inky (0..1) count when cropping; fainter anti-aliasing fringes
# still go into the scaled digit.
INK_THRESHOLD = 0.1
# A mark whose longer side is under this fraction of the image's longer side is a speck.
MIN_EXTENT_FRACTION = 0.06


@dataclass(frozen=True)
class Preprocessed:
    """The steps from an image to the model input; ``model_input`` is None for no digit."""

    image: np.ndarray  # the source, float32 0..1, ink high
    cropped: np.ndarray | None = None  # the ink's bounding box
    boxed: np.ndarray | None = None  # scaled so the longer side is 20 px
    centred: np.ndarray | None = None  # 28x28, 0..1, centre of mass at the centre
    model_input: np.ndarray | None = None  # 28x28 float32, normalised with MNIST's mean/std
    bbox: tuple[int, int, int, int] | None = None  # top, left, bottom, right (exclusive)
    offset: tuple[int, int] | None = None  # row, column of ``boxed`` in the 28x28 input
    reason: str | None = None  # why there is no digit

    @property
    def has_digit(self) -> bool:
        return self.model_input is not None

    @property
    def input_rect(self) -> tuple[float, float, float, float] | None:
        """(x, y, width, height) in source pixels that the 28x28 input covers: draw a
        28x28 overlay there and it lies on the source's strokes (cropping, scaling and
        centring undone). None without a digit."""
        if self.offset is None:
            return None
        top, left, bottom, right = self.bbox
        row, col = self.offset
        step_y = (bottom - top) / self.boxed.shape[0]  # source pixels per input pixel
        step_x = (right - left) / self.boxed.shape[1]
        return (left - col * step_x, top - row * step_y, INPUT_SIZE * step_x, INPUT_SIZE * step_y)


def as_ink(image) -> np.ndarray:
    """A 2-D float32 array in 0..1, ink high. uint8 maps 255 to 1; floats are clipped."""
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] in (1, 3, 4):
        array = array[..., :3].mean(axis=2) if array.shape[2] >= 3 else array[..., 0]
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D image, got shape {array.shape}")
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    array = np.nan_to_num(array.astype(np.float32, copy=False), nan=0.0, posinf=1.0, neginf=0.0)
    return np.clip(array, 0.0, 1.0)


def ink_bbox(ink: np.ndarray, threshold: float = INK_THRESHOLD):
    """(top, left, bottom, right) of pixels at least ``threshold`` inky, or None."""
    rows = np.flatnonzero((ink >= threshold).any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero((ink[rows[0] : rows[-1] + 1] >= threshold).any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _resize(array: np.ndarray, height: int, width: int) -> np.ndarray:
    # Pillow's resize widens its filter when shrinking, which is the anti-aliasing we need.
    resized = Image.fromarray(array, mode="F").resize((width, height), Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.float32)


def _centre_of_mass(array: np.ndarray) -> tuple[float, float]:
    total = float(array.sum())
    if total <= 0.0:
        return (array.shape[0] - 1) / 2, (array.shape[1] - 1) / 2
    rows = array.sum(axis=1)
    cols = array.sum(axis=0)
    cy = float(rows @ np.arange(array.shape[0], dtype=np.float32)) / total
    cx = float(cols @ np.arange(array.shape[1], dtype=np.float32)) / total
    return cy, cx


def preprocess(image, *, min_extent: float | None = None) -> Preprocessed:
    """The MNIST recipe applied to ``image`` (any size, ink high).

    ``min_extent`` is the smallest longer side, in source pixels, that counts as a digit;
    by default 6 % of the image's longer side (at least 2 px).
    """
    ink = as_ink(image)
    bbox = ink_bbox(ink)
    if bbox is None:
        return Preprocessed(image=ink, reason="empty")
    top, left, bottom, right = bbox
    height, width = bottom - top, right - left
    if min_extent is None:
        min_extent = max(2.0, MIN_EXTENT_FRACTION * max(ink.shape))
    if max(height, width) < min_extent:
        return Preprocessed(image=ink, bbox=bbox, reason="too small to be a digit")

    cropped = ink[top:bottom, left:right]
    factor = BOX_SIZE / max(height, width)
    box_h = min(BOX_SIZE, max(1, round(height * factor)))
    box_w = min(BOX_SIZE, max(1, round(width * factor)))
    boxed = np.clip(_resize(np.ascontiguousarray(cropped), box_h, box_w), 0.0, 1.0)

    cy, cx = _centre_of_mass(boxed)
    centre = INPUT_SIZE / 2  # MNIST digits have their centre of mass at pixel (14, 14)
    row = min(max(round(centre - cy), 0), INPUT_SIZE - box_h)
    col = min(max(round(centre - cx), 0), INPUT_SIZE - box_w)
    centred = np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)
    centred[row : row + box_h, col : col + box_w] = boxed

    model_input = (centred - MNIST_MEAN) / MNIST_STD
    return Preprocessed(
        image=ink,
        cropped=cropped,
        boxed=boxed,
        centred=centred,
        model_input=model_input.astype(np.float32, copy=False),
        bbox=bbox,
        offset=(row, col),
    )


def normalise(centred: np.ndarray) -> np.ndarray:
    """MNIST-style 0..1 images to model input (the inverse of ``denormalise``)."""
    return ((np.asarray(centred, np.float32) - MNIST_MEAN) / MNIST_STD).astype(np.float32)


# Blank paper as model input, to the bit (float32), as ``preprocess`` makes it.
BLANK_INPUT = float(normalise(np.zeros(1))[0])


def denormalise(model_input: np.ndarray) -> np.ndarray:
    return np.asarray(model_input, np.float32) * MNIST_STD + MNIST_MEAN


def ink_from_pixels(pixels: np.ndarray) -> np.ndarray:
    """Grey or RGB(A) pixels of a photo or scan to ink-high 0..1, whatever the polarity.

    Transparent backgrounds use alpha as ink. Otherwise the border tells the background:
    a light border means dark ink on light paper, which is inverted. The background level
    is then subtracted so paper grey or JPEG noise does not count as ink.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim == 3 and pixels.shape[2] == 4:
        alpha = pixels[..., 3].astype(np.float32) / 255.0
        if alpha.min() < 0.9:
            return alpha
        pixels = pixels[..., :3]
    grey = as_ink(pixels)
    border = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    background = float(np.median(border))
    if background > 0.5:
        grey = 1.0 - grey
        background = 1.0 - background
    peak = float(grey.max())
    if peak - background < 1e-3:
        return np.zeros_like(grey)
    return np.clip((grey - background) / (peak - background), 0.0, 1.0)


class ImageFileError(ValueError):
    """An image file that cannot be read."""


def load_image(path) -> np.ndarray:
    """An image file (PNG, JPEG, ...) as an ink-high float32 array in 0..1."""
    path = Path(path)
    try:
        with Image.open(path) as img:
            img.load()
            if img.mode not in ("L", "RGB", "RGBA"):
                img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
            pixels = np.asarray(img)
    except FileNotFoundError:
        raise ImageFileError(f"{path}: no such file") from None
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageFileError(f"{path}: not a readable image ({exc})") from None
    return ink_from_pixels(pixels)
