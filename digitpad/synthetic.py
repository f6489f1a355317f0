"""Drawings that are not digits, made like the canvas makes them: random scribbles and
letters. They measure how well digitpad says "this does not look like a digit"."""

from __future__ import annotations

import string
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

CANVAS_SIZE = 280
PEN_WIDTH = 18  # a canvas pen: about a tenth of the digit's height, as in MNIST
LETTERS = string.ascii_uppercase + string.ascii_lowercase
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/System/Library/Fonts",
             "/Library/Fonts", "C:/Windows/Fonts")


def render_strokes(strokes, size: int = CANVAS_SIZE, width: int = PEN_WIDTH) -> np.ndarray:
    """Polylines of (x, y) points drawn with a round pen: a float32 ink-high canvas."""
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    radius = width / 2
    for points in strokes:
        points = [tuple(map(float, p)) for p in points]
        if len(points) > 1:
            draw.line(points, fill=255, width=width, joint="curve")
        for x, y in (points[0], points[-1]):  # round caps
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(image, np.float32) / 255.0


def _smooth_path(rng: np.random.Generator, size: int) -> np.ndarray:
    """A wandering pen path: a random walk whose heading turns smoothly."""
    count = int(rng.integers(20, 70))
    turn = rng.normal(0.0, rng.uniform(0.1, 0.6), count).cumsum()  # curvature wanders
    heading = rng.uniform(0, 2 * np.pi) + turn
    step = rng.uniform(4.0, 10.0)
    path = np.cumsum(np.stack([np.cos(heading), np.sin(heading)], axis=1) * step, axis=0)
    path += rng.uniform(0.25, 0.75, 2) * size - path.mean(axis=0)
    return np.clip(path, 10, size - 10)


def scribble(rng: np.random.Generator, size: int = CANVAS_SIZE) -> np.ndarray:
    """One to four random strokes: smooth loops, zig-zags or jabs."""
    strokes = []
    for _ in range(int(rng.integers(1, 5))):
        if rng.random() < 0.7:
            strokes.append(_smooth_path(rng, size))
        else:
            strokes.append(rng.uniform(0.1, 0.9, (int(rng.integers(3, 9)), 2)) * size)
    return render_strokes(strokes, size)


def scribbles(count: int, seed: int = 0, size: int = CANVAS_SIZE) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [scribble(rng, size) for _ in range(count)]


def font_files() -> list[Path]:
    """TrueType/OpenType fonts installed here, sorted by name (may be empty)."""
    found: set[Path] = set()
    for folder in map(Path, FONT_DIRS):
        if folder.is_dir():
            for pattern in ("*.ttf", "*.otf"):
                found.update(folder.rglob(pattern))
    return sorted(found, key=lambda p: p.name)


def load_fonts(size: int, limit: int | None = None) -> list[ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    """Installed fonts at ``size`` px, skipping symbol fonts that lack the Latin
    alphabet; Pillow's own font when none is installed."""
    fonts: list[ImageFont.FreeTypeFont | ImageFont.ImageFont] = []
    for path in font_files():
        try:
            font = ImageFont.truetype(str(path), size)
        except OSError:
            continue
        if "math" not in path.name.lower():
            fonts.append(font)
        if limit is not None and len(fonts) == limit:
            break
    return fonts or [ImageFont.load_default(size=size)]


def letter(char: str, font, size: int = CANVAS_SIZE) -> np.ndarray:
    """``char`` drawn in ``font``, centred on an ink-high canvas."""
    image = Image.new("L", (size, size), 0)
    ImageDraw.Draw(image).text((size / 2, size / 2), char, fill=255, font=font, anchor="mm")
    return np.asarray(image, np.float32) / 255.0


def letters(fonts=None, chars: str = LETTERS, size: int = CANVAS_SIZE) -> list[tuple[str, np.ndarray]]:
    """Every character of ``chars`` in every font: (char, canvas) pairs."""
    fonts = fonts if fonts is not None else load_fonts(int(size * 0.7))
    return [(char, letter(char, font, size)) for font in fonts for char in chars]
