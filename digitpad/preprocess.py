"""From a drawing or an image file to the network's 28x28 input, the way MNIST was made.

MNIST's recipe: crop to the ink, scale the longer side to 20 px with anti-aliasing, then
place the 20x20 box in a 28x28 field so that the centre of mass sits at the centre. Every
step is returned so the app can show what the network really sees.
"""

from __future__ import annotations

import math
import stat
import warnings
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
    """A 2-D float32 array in 0..1, ink high. Integers are scaled by their type's range
    (uint8 255 and uint16 65535 map to 1), floats are clipped; colour is reduced to luma
    after scaling, so an RGB image reads like its greyscale copy."""
    array = np.asarray(image)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"expected an image of numbers, got {array.dtype}")
    if array.ndim == 3 and array.shape[2] in (1, 2, 3, 4):
        channels = array.shape[2]
        if array.size == 0:
            raise ValueError(f"expected a 2-D image, got shape {array.shape}")
        scaled = _unit_range(array[..., :3] if channels >= 3 else array[..., :1])
        return _luma(scaled) if channels >= 3 else scaled[..., 0]
    if array.ndim != 2 or array.size == 0:
        raise ValueError(f"expected a 2-D image, got shape {array.shape}")
    return _unit_range(array)


# ITU-R 601-2 luma, the weights Pillow's convert("L") uses.
LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def _luma(rgb: np.ndarray) -> np.ndarray:
    return np.clip(rgb @ LUMA, 0.0, 1.0).astype(np.float32, copy=False)


def _unit_range(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    if array.dtype.kind == "f":  # clipped before the cast, so huge values do not overflow it
        array = np.nan_to_num(array, nan=0.0, posinf=1.0, neginf=0.0)
    return np.clip(array, 0, 1).astype(np.float32)


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

    Transparent backgrounds use alpha as ink (the last channel of grey+alpha or RGBA).
    Otherwise the border tells the background: a light border means dark ink on light
    paper, which is inverted. The background level is then subtracted so paper grey or
    JPEG noise does not count as ink.
    """
    pixels = np.asarray(pixels)
    if pixels.ndim == 3 and pixels.shape[2] in (2, 4):
        alpha = as_ink(pixels[..., -1])
        if alpha.min() < 0.9:
            return alpha
        pixels = pixels[..., :-1]
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


# The formats a digit comes in. Pillow otherwise tries every format it knows, EPS among
# them, which hands the file to Ghostscript.
IMAGE_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP")
FORMAT_NAMES = "PNG, JPEG, BMP, GIF, TIFF or WebP"
# Larger images are refused before a pixel is decoded (JPEGs after decoding at 1/2 to
# 1/8 scale); a digit needs a few megapixels at most.
MAX_IMAGE_PIXELS = 16_000_000
# Decoded images are reduced by a whole factor to about this many pixels: plenty for a
# 20-pixel box, and the rest of the recipe stays fast.
WORKING_PIXELS = 2_000_000


def load_image(path) -> np.ndarray:
    """An image file (PNG, JPEG, BMP, GIF, TIFF, WebP) as an ink-high float32 array in 0..1.

    Any mode and bit depth reads like its greyscale copy; other formats, files too large
    and files that are not regular files are refused with an ImageFileError.
    """
    path = Path(path)
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            kind = "a folder" if path.is_dir() else "not a regular file"
            raise ImageFileError(f"{path}: {kind}, not an image")
        # Pillow warns of its bomb limit (ours is lower) and of damaged tags it skips: the
        # reading, or one clear error, is all a damaged file gets.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path, formats=IMAGE_FORMATS) as img:
                pixels = _decoded_pixels(path, img)
    except FileNotFoundError:
        raise ImageFileError(f"{path}: no such file") from None
    except PermissionError:
        raise ImageFileError(f"{path}: cannot read: permission denied") from None
    except Image.UnidentifiedImageError:
        raise ImageFileError(f"{path}: not a supported image ({FORMAT_NAMES})") from None
    except Image.DecompressionBombError:
        raise ImageFileError(f"{path}: too large (over {MAX_IMAGE_PIXELS // 10**6} megapixels)") from None
    except ImageFileError:
        raise
    except Exception as exc:  # decoders raise many kinds for damaged data; all mean "unreadable"
        raise ImageFileError(f"{path}: not a readable image ({_first_line(exc)})") from None
    return ink_from_pixels(pixels)


def _decoded_pixels(path: Path, img: Image.Image) -> np.ndarray:
    """Grey (H, W), grey+alpha (H, W, 2) or 0..1 float (H, W) pixels, reduced in size."""
    width, height = img.size
    if img.format == "JPEG" and width * height > WORKING_PIXELS:
        factor = math.sqrt(width * height / WORKING_PIXELS)
        img.draft(img.mode, (max(1, int(width / factor)), max(1, int(height / factor))))
        width, height = img.size  # the JPEG decoder's own downscaling, while decoding
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageFileError(f"{path}: too large ({width}x{height} pixels; at most "
                             f"{MAX_IMAGE_PIXELS // 10**6} megapixels)")
    img.load()
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        img = img.convert("I" if img.mode.startswith("I;16") else img.mode).convert("F")
    elif img.has_transparency_data:
        img = img.convert("RGBA").convert("LA")
    elif img.mode == "LAB":
        img = img.getchannel("L")  # lightness; Pillow has no LAB to grey conversion
    elif img.mode != "L":
        img = img.convert("L")
    factor = math.ceil(math.sqrt(width * height / WORKING_PIXELS))
    if factor > 1:
        img = img.reduce(factor)
    pixels = np.asarray(img)
    if img.mode == "F":  # no fixed range: stretch the values found to 0..1
        pixels = np.nan_to_num(pixels.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        low, high = float(pixels.min()), float(pixels.max())
        pixels = ((pixels - low) / (high - low) if high > low else pixels * 0).astype(np.float32)
    return pixels


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
