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


# ------------------------------------------------------------------ the same, as pen strokes

# What the pad reads is strokes (digitpad.strokes), so the check is measured on strokes
# too: scribbles of five kinds and letters of a small stroke font, in a unit box, y down.
SCRIBBLE_KINDS = ("random strokes", "random walk", "zigzag", "spiral", "filled blob")


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
         points: int = 24) -> list[tuple[float, float]]:
    """Points on an ellipse from angle ``start`` to ``end`` (degrees, 0 = right, 90 = down)."""
    angles = np.radians(np.linspace(start, end, points))
    return [(cx + rx * float(np.cos(a)), cy + ry * float(np.sin(a))) for a in angles]


# A Hershey-like single-stroke font: each letter is a list of polylines in a unit box
# (x right, y down; capitals fill it, lower case the lower part with ascenders/descenders).
STROKE_LETTERS: dict[str, list[list[tuple[float, float]]]] = {
    "A": [[(0, 1), (0.5, 0), (1, 1)], [(0.22, 0.6), (0.78, 0.6)]],
    "E": [[(0.9, 0), (0, 0), (0, 1), (0.9, 1)], [(0, 0.5), (0.7, 0.5)]],
    "F": [[(0.9, 0), (0, 0), (0, 1)], [(0, 0.5), (0.7, 0.5)]],
    "H": [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]],
    "K": [[(0, 0), (0, 1)], [(0.9, 0), (0, 0.6)], [(0.28, 0.42), (1, 1)]],
    "M": [[(0, 1), (0, 0), (0.5, 0.65), (1, 0), (1, 1)]],
    "N": [[(0, 1), (0, 0), (1, 1), (1, 0)]],
    "R": [[(0, 1), (0, 0), (0.65, 0), *_arc(0.65, 0.25, 0.3, 0.25, -90, 90, 12), (0, 0.5)],
          [(0.45, 0.5), (1, 1)]],
    "T": [[(0, 0), (1, 0)], [(0.5, 0), (0.5, 1)]],
    "V": [[(0, 0), (0.5, 1), (1, 0)]],
    "W": [[(0, 0), (0.25, 1), (0.5, 0.35), (0.75, 1), (1, 0)]],
    "X": [[(0, 0), (1, 1)], [(1, 0), (0, 1)]],
    "Y": [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]],
    "C": [_arc(0.55, 0.5, 0.45, 0.5, -45, -315)],
    "D": [[(0, 0), (0, 1), (0.45, 1), *_arc(0.45, 0.5, 0.5, 0.5, 90, -90), (0, 0)]],
    "G": [[*_arc(0.5, 0.5, 0.5, 0.5, -40, -360), (0.55, 0.5)]],
    "P": [[(0, 1), (0, 0), (0.6, 0), *_arc(0.6, 0.27, 0.35, 0.27, -90, 90, 12), (0, 0.54)]],
    "a": [[*_arc(0.45, 0.7, 0.42, 0.3, -10, -370), (0.87, 0.4), (0.87, 1)]],
    "e": [[(0.05, 0.7), (0.95, 0.7), *_arc(0.5, 0.7, 0.45, 0.3, 0, -300)]],
    "h": [[(0, 0), (0, 1)], [(0, 0.6), *_arc(0.45, 0.68, 0.45, 0.28, -160, 0, 10), (0.9, 1)]],
    "k": [[(0, 0), (0, 1)], [(0.8, 0.4), (0, 0.78)], [(0.3, 0.66), (0.85, 1)]],
    "m": [[(0, 1), (0, 0.4)], [(0, 0.55), *_arc(0.25, 0.6, 0.25, 0.2, -180, 0, 8), (0.5, 1)],
          [(0.5, 0.6), *_arc(0.75, 0.6, 0.25, 0.2, -180, 0, 8), (1, 1)]],
    "n": [[(0, 1), (0, 0.4)], [(0, 0.6), *_arc(0.45, 0.65, 0.45, 0.25, -180, 0, 10), (0.9, 1)]],
    "r": [[(0, 1), (0, 0.4)], [(0, 0.65), *_arc(0.45, 0.65, 0.45, 0.25, -180, -60, 8)]],
    "t": [[(0.4, 0.1), (0.4, 0.9), (0.7, 1)], [(0.05, 0.4), (0.8, 0.4)]],
    "w": [[(0, 0.4), (0.25, 1), (0.5, 0.55), (0.75, 1), (1, 0.4)]],
    "x": [[(0, 0.4), (1, 1)], [(1, 0.4), (0, 1)]],
    "y": [[(0, 0.3), (0.5, 0.75)], [(1, 0.3), (0.3, 1.2)]],
    "f": [[*_arc(0.75, 0.15, 0.3, 0.15, 0, -180, 8), (0.45, 1.1)], [(0.1, 0.45), (0.8, 0.45)]],
    "s": [[*_arc(0.5, 0.55, 0.35, 0.15, -20, -270, 10), *_arc(0.5, 0.85, 0.35, 0.15, -90, 160, 10)]],
    "z": [[(0, 0.4), (1, 0.4), (0, 1), (1, 1)]],
}


def stroke_letter(char: str) -> list[np.ndarray]:
    """``char`` of STROKE_LETTERS as (N, 2) float32 point arrays."""
    return [np.asarray(line, np.float32) for line in STROKE_LETTERS[char]]


def _walk(rng: np.random.Generator) -> np.ndarray:
    return _smooth_path(rng, 1000) / 1000.0


def scribble_strokes(kind: str, rng: np.random.Generator) -> list[np.ndarray]:
    """One scribble of ``kind`` (one of SCRIBBLE_KINDS) as strokes in a unit box."""
    if kind == "random strokes":  # one to four jabs between random points
        return [rng.uniform(0, 1, (int(rng.integers(3, 9)), 2))
                for _ in range(int(rng.integers(1, 5)))]
    if kind == "random walk":
        return [_walk(rng) for _ in range(int(rng.integers(1, 3)))]
    if kind == "zigzag":
        teeth = int(rng.integers(3, 10))
        x = np.linspace(0, 1, teeth + 1)
        y = np.where(np.arange(teeth + 1) % 2 == 0, 0.0, 1.0) * rng.uniform(0.3, 1.0)
        line = np.stack([x, y], axis=1)
        return [line if rng.random() < 0.5 else line[:, ::-1]]
    if kind == "spiral":
        turns = rng.uniform(1.5, 4.0)
        angle = np.linspace(0, turns * 2 * np.pi, int(turns * 40))
        radius = angle / angle[-1] * 0.5
        return [np.stack([0.5 + radius * np.cos(angle), 0.5 + radius * rng.uniform(0.6, 1.0) * np.sin(angle)], 1)]
    if kind == "filled blob":  # hatching to and fro over an ellipse: a patch of ink
        rows = int(rng.integers(6, 14))
        y = np.linspace(-1, 1, rows)
        half = np.sqrt(np.maximum(1 - y**2, 0.05)) * rng.uniform(0.5, 1.0)
        ends = np.stack([-half, half], axis=1)
        ends[1::2] = ends[1::2, ::-1]  # every other row drawn back
        line = np.stack([ends.reshape(-1), np.repeat(y, 2)], axis=1)
        return [0.5 + 0.5 * line]
    raise ValueError(f"no scribble kind {kind!r}: one of {', '.join(SCRIBBLE_KINDS)}")


def glyph_strokes(char: str, font, size: int = 64) -> list[np.ndarray]:
    """``char`` in ``font`` as strokes: the glyph drawn at ``size`` px and thinned to its
    skeleton (digitpad.pendata.skeleton_strokes), as a pen would trace it."""
    from .pendata import skeleton_strokes

    return skeleton_strokes(letter(char, font, size))
