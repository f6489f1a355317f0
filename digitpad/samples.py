"""Pen strokes of handwritten digits, written the ways people write them.

The app's ``--screenshot``, the UI tests and the benchmarks draw these on the canvas with
real pointer events, so they exercise the same path as a hand. Qt-free.

A sample is one or more strokes, each an (N, 2) array of (x, y) points in a unit box
(x to the right, y down, 0..1), evenly spaced along the pen's path in the order the pen
moves. The digits sit inside the canvas guide (about 0.14..0.86) and are about 0.64 tall.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Distance between successive points, in unit-box lengths: about 2 px of a 280 px pad,
# the spacing of mouse events on a steady stroke.
POINT_SPACING = 0.008


@dataclass(frozen=True)
class Sample:
    digit: int
    style: str  # how it is written, e.g. "open top"
    strokes: tuple[np.ndarray, ...]  # each (N, 2), unit box, in pen order

    @property
    def name(self) -> str:
        return f"{self.digit} ({self.style})"

    @property
    def point_count(self) -> int:
        return sum(len(stroke) for stroke in self.strokes)


# ------------------------------------------------------------------ pen-path building blocks


def _arc(cx, cy, rx, ry, start, end, steps=48):
    """Points on an ellipse from angle ``start`` to ``end`` in degrees; 0 points right and
    angles grow clockwise on screen (y is down)."""
    angles = np.radians(np.linspace(start, end, steps))
    return np.stack([cx + rx * np.cos(angles), cy + ry * np.sin(angles)], axis=1)


def _smooth(*points, steps=16):
    """A Catmull-Rom curve through the control points, as a hand moves through them."""
    p = np.asarray(points, dtype=np.float64)
    padded = np.concatenate([p[:1], p, p[-1:]])
    t = np.linspace(0.0, 1.0, steps, endpoint=False)[:, None]
    pieces = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        pieces.append(
            0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                   + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
        )
    pieces.append(p[-1:])
    return np.concatenate(pieces)


def _line(*points):
    return np.asarray(points, dtype=np.float64)


def _resample(path: np.ndarray, spacing: float = POINT_SPACING) -> np.ndarray:
    """Points every ``spacing`` along the path (ends kept), like a steady pen."""
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    keep = np.concatenate([[True], steps > 1e-9])
    path, distance = path[keep], np.concatenate([[0.0], np.cumsum(steps[steps > 1e-9])])
    if len(path) == 1:
        return path.copy()
    count = max(2, int(np.ceil(distance[-1] / spacing)) + 1)
    targets = np.linspace(0.0, distance[-1], count)
    return np.stack([np.interp(targets, distance, path[:, axis]) for axis in (0, 1)], axis=1)


def _stroke(*parts, slant=0.0):
    """One pen-down stroke through consecutive parts; ``slant`` leans it to the right."""
    path = np.concatenate(parts)
    path = path + np.stack([slant * (0.5 - path[:, 1]), np.zeros(len(path))], axis=1)
    return _resample(path)


def _sample(digit, style, *strokes):
    return Sample(digit, style, tuple(strokes))


# ------------------------------------------------------------------ the digits


def _zeros():
    return [
        _sample(0, "round, anticlockwise", _stroke(_arc(0.5, 0.5, 0.2, 0.31, 265, -100, 80))),
        _sample(0, "narrow, clockwise, slanted",
                _stroke(_arc(0.5, 0.5, 0.15, 0.32, 250, 620, 80), slant=0.15)),
        _sample(0, "wide, overlapping",
                _stroke(_arc(0.5, 0.5, 0.24, 0.3, 300, -80, 80))),
    ]


def _ones():
    return [
        _sample(1, "plain stroke", _stroke(_line((0.52, 0.18), (0.48, 0.82)))),
        _sample(1, "with a flag", _stroke(_line((0.40, 0.31), (0.54, 0.18), (0.53, 0.82)))),
        _sample(1, "slanted", _stroke(_line((0.5, 0.18), (0.5, 0.82)), slant=0.25)),
        _sample(1, "flag and base", _stroke(_line((0.40, 0.31), (0.53, 0.18), (0.53, 0.82))),
                _stroke(_line((0.40, 0.82), (0.66, 0.82)))),
    ]


def _twos():
    neck = [(0.31, 0.33), (0.37, 0.22), (0.50, 0.17), (0.63, 0.22), (0.67, 0.33),
            (0.62, 0.46), (0.50, 0.60)]
    return [
        _sample(2, "curved neck, flat base",
                _stroke(_smooth(*neck, (0.32, 0.80)), _line((0.32, 0.80), (0.70, 0.80)))),
        _sample(2, "looped base",
                _stroke(_smooth(*neck, (0.36, 0.76), (0.40, 0.70), (0.46, 0.74), (0.40, 0.81),
                                (0.32, 0.81), (0.46, 0.80), (0.70, 0.80)))),
        _sample(2, "straight diagonal, slanted",
                _stroke(_smooth((0.32, 0.30), (0.40, 0.20), (0.53, 0.17), (0.64, 0.24),
                                (0.64, 0.37)),
                        _line((0.64, 0.37), (0.30, 0.81), (0.72, 0.80)), slant=0.12)),
    ]


def _threes():
    lower = [(0.62, 0.54), (0.67, 0.66), (0.60, 0.78), (0.46, 0.82), (0.32, 0.76)]
    return [
        _sample(3, "two round bumps",
                _stroke(_smooth((0.33, 0.25), (0.45, 0.18), (0.60, 0.20), (0.65, 0.31),
                                (0.59, 0.43), (0.47, 0.48), *lower))),
        _sample(3, "flat top",
                _stroke(_line((0.33, 0.19), (0.66, 0.19), (0.47, 0.44)),
                        _smooth((0.47, 0.44), (0.60, 0.48), *lower))),
        _sample(3, "narrow, slanted",
                _stroke(_smooth((0.36, 0.24), (0.46, 0.18), (0.58, 0.21), (0.61, 0.31),
                                (0.55, 0.42), (0.46, 0.47), (0.58, 0.54), (0.63, 0.66),
                                (0.56, 0.78), (0.45, 0.82), (0.35, 0.77)), slant=0.18)),
    ]


def _fours():
    return [
        _sample(4, "closed top", _stroke(_line((0.58, 0.18), (0.30, 0.60), (0.72, 0.60))),
                _stroke(_line((0.58, 0.19), (0.58, 0.84)))),
        _sample(4, "open top", _stroke(_line((0.35, 0.18), (0.32, 0.56), (0.70, 0.56))),
                _stroke(_line((0.62, 0.20), (0.62, 0.84)))),
        _sample(4, "open top, slanted", _stroke(_line((0.38, 0.19), (0.31, 0.54), (0.72, 0.53))),
                _stroke(_line((0.65, 0.24), (0.60, 0.84)))),
    ]


def _fives():
    belly = [(0.34, 0.46), (0.48, 0.42), (0.62, 0.49), (0.66, 0.63), (0.58, 0.78), (0.44, 0.82),
             (0.32, 0.76)]
    return [
        _sample(5, "bar last", _stroke(_line((0.37, 0.18), (0.34, 0.46)), _smooth(*belly)),
                _stroke(_line((0.37, 0.18), (0.66, 0.17)))),
        _sample(5, "one stroke", _stroke(_line((0.66, 0.18), (0.37, 0.18), (0.34, 0.46)),
                                         _smooth(*belly))),
        _sample(5, "round belly, slanted",
                _stroke(_line((0.38, 0.19), (0.35, 0.44)),
                        _smooth((0.35, 0.44), (0.50, 0.40), (0.65, 0.50), (0.67, 0.66),
                                (0.56, 0.80), (0.40, 0.81), (0.31, 0.72)), slant=0.15),
                _stroke(_line((0.38, 0.19), (0.68, 0.19)), slant=0.15)),
    ]


def _sixes():
    loop = [(0.38, 0.76), (0.50, 0.82), (0.62, 0.76), (0.65, 0.63), (0.57, 0.53), (0.45, 0.53),
            (0.36, 0.62)]
    return [
        _sample(6, "curved back",
                _stroke(_smooth((0.62, 0.18), (0.48, 0.26), (0.38, 0.42), (0.34, 0.60), *loop))),
        _sample(6, "straight back",
                _stroke(_line((0.58, 0.17), (0.38, 0.55)),
                        _smooth((0.38, 0.55), (0.35, 0.66), *loop))),
        _sample(6, "small loop, slanted",
                _stroke(_smooth((0.60, 0.18), (0.47, 0.30), (0.39, 0.48), (0.37, 0.66),
                                (0.42, 0.79), (0.52, 0.82), (0.61, 0.75), (0.61, 0.65),
                                (0.52, 0.60), (0.41, 0.66)), slant=0.12)),
    ]


def _sevens():
    return [
        _sample(7, "plain", _stroke(_line((0.30, 0.20), (0.70, 0.20), (0.46, 0.82)))),
        _sample(7, "crossed", _stroke(_line((0.30, 0.20), (0.70, 0.20), (0.46, 0.82))),
                _stroke(_line((0.42, 0.52), (0.68, 0.50)))),
        _sample(7, "hooked top, curved stem",
                _stroke(_line((0.31, 0.29), (0.31, 0.20), (0.70, 0.20)),
                        _smooth((0.70, 0.20), (0.58, 0.42), (0.51, 0.62), (0.49, 0.82)))),
    ]


def _eights():
    s_and_back = [(0.63, 0.25), (0.52, 0.18), (0.39, 0.22), (0.37, 0.35), (0.50, 0.47),
                  (0.63, 0.57), (0.65, 0.71), (0.55, 0.81), (0.42, 0.81), (0.34, 0.71),
                  (0.38, 0.57), (0.50, 0.47), (0.61, 0.37), (0.63, 0.25)]
    return [
        _sample(8, "one stroke", _stroke(_smooth(*s_and_back))),
        _sample(8, "two loops", _stroke(_arc(0.5, 0.33, 0.13, 0.15, 90, 450, 60)),
                _stroke(_arc(0.5, 0.65, 0.16, 0.17, 270, 630, 60))),
        _sample(8, "one stroke, slanted", _stroke(_smooth(*s_and_back), slant=0.18)),
    ]


def _nines():
    loop = [(0.64, 0.29), (0.55, 0.19), (0.41, 0.21), (0.35, 0.33), (0.42, 0.45), (0.56, 0.45),
            (0.64, 0.32)]
    return [
        _sample(9, "loop and straight stem", _stroke(_smooth(*loop), _line((0.64, 0.32), (0.62, 0.82)))),
        _sample(9, "curled stem", _stroke(_smooth(*loop, (0.63, 0.55), (0.58, 0.74), (0.47, 0.82),
                                                  (0.38, 0.78)))),
        _sample(9, "loop, then stem", _stroke(_arc(0.5, 0.33, 0.14, 0.13, 0, -360, 60)),
                _stroke(_line((0.64, 0.22), (0.62, 0.84)))),
    ]


SAMPLES: tuple[Sample, ...] = tuple(
    sample
    for family in (_zeros, _ones, _twos, _threes, _fours, _fives, _sixes, _sevens, _eights, _nines)
    for sample in family()
)


def samples_of(digit: int) -> list[Sample]:
    """Every style of ``digit``, the most common first."""
    found = [sample for sample in SAMPLES if sample.digit == digit]
    if not found:
        raise ValueError(f"no samples of {digit!r}; digits are 0-9")
    return found


def sample(digit: int, style: int = 0) -> Sample:
    return samples_of(digit)[style]


def varied_strokes(sample: Sample, rng: np.random.Generator, size: float = 280.0,
                   pressure: bool = False) -> list:
    """The sample's strokes as a different hand might draw them on a ``size``-px pad:
    turned, slanted, stretched, shifted and a little shaky, all at random from ``rng``.
    With ``pressure``, (points, factors) pairs: a width factor per point, as a tablet gives."""
    angle = np.radians(rng.uniform(-12, 12))
    slant, aspect, scale = rng.uniform(-0.2, 0.2), rng.uniform(0.85, 1.15), rng.uniform(0.7, 1.1)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    shape = turn @ np.array([[aspect, slant], [0.0, 1.0]]) * scale
    shift = rng.uniform(-0.08, 0.08, 2)
    drawn = []
    for stroke in sample.strokes:
        points = (stroke - 0.5) @ shape.T + 0.5 + shift + rng.normal(0, 0.002, stroke.shape)
        points = (points * size).astype(np.float32)
        if pressure:
            factors = np.clip(1 + 0.3 * np.sin(np.linspace(0, np.pi * rng.uniform(1, 3), len(points))),
                              0.3, 2).astype(np.float32)
            drawn.append((points, factors))
        else:
            drawn.append(points)
    return drawn
