"""Pen strokes to the network's 28x28 input: the one rasteriser behind live drawing,
training on pen data and the drawn-digit evaluation.

Strokes are vectors, so the input need not depend on how big the digit was drawn or with
which brush. Like MNIST: the ink's bounding box is fitted into the 20-px box, the strokes
are drawn there with a pen as wide as MNIST's strokes are in that box, and the centre of
mass goes to the centre of the 28x28 field. Each pixel's ink comes from its distance to
the nearest stroke segment (a round pen with a soft, one-pixel edge), computed for whole
batches of drawings at once with torch, on any device.

Coordinates: x to the right, y down, in any unit (the pad's logical pixels, tablet units).
In the 28x28 field pixel (row, col) has its centre at (x, y) = (col, row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from .preprocess import BOX_SIZE, INPUT_SIZE, Preprocessed, normalise

# Ink per unit of stroke length in MNIST's 28x28 digits, divided by their skeleton length:
# median 2.6 px, 5-95 % 1.7-4.3 px. The live pen is the median; training draws the range.
PEN_WIDTH = 2.6
PEN_WIDTHS = (1.7, 4.0)
EDGE = 1.0  # px over which ink fades at the stroke's edge (anti-aliasing)
# Points closer than this, in field pixels, add nothing a pixel could show.
SEGMENT_SPACING = 0.7
CENTRE = INPUT_SIZE / 2  # MNIST's centre of mass sits at pixel (14, 14)
MAX_SHIFT = (INPUT_SIZE - BOX_SIZE) // 2
# A drawing whose longer side (centre lines) is under this share of the surface it was
# drawn on is a speck, not a digit; see ``rasterise``.
MIN_EXTENT_FRACTION = 0.06

_PIXELS = torch.stack(torch.meshgrid(torch.arange(INPUT_SIZE, dtype=torch.float32),
                                     torch.arange(INPUT_SIZE, dtype=torch.float32),
                                     indexing="ij"), dim=-1).view(-1, 2).flip(-1)  # (784, 2) x, y


@dataclass(frozen=True)
class PenStroke:
    """One pen-down to pen-up: (N, 2) points, a width factor per point (pressure; None
    for all 1), the nominal width in the drawing's own units (only an eraser's width
    counts: the ink's width is MNIST's) and whether it erases."""

    points: np.ndarray
    factors: np.ndarray | None = None
    width: float = 1.0
    erase: bool = False

    @staticmethod
    def of(points, factors=None, width: float = 1.0, erase: bool = False) -> PenStroke:
        points = np.asarray(points, np.float32).reshape(-1, 2)
        if factors is not None:
            factors = np.asarray(factors, np.float32).reshape(-1)
            if len(factors) != len(points):
                raise ValueError(f"{len(points)} points but {len(factors)} width factors")
        return PenStroke(points, factors, float(width), bool(erase))


def as_strokes(strokes) -> list[PenStroke]:
    """PenStrokes from PenStrokes or plain (N, 2) point arrays."""
    return [s if isinstance(s, PenStroke) else PenStroke.of(s) for s in strokes]


# ------------------------------------------------------------------ the batched core


def segment_ink(starts: torch.Tensor, ends: torch.Tensor, half_widths: torch.Tensor,
                edge: torch.Tensor | float = EDGE) -> torch.Tensor:
    """Ink (B, 28, 28) in 0..1 of B drawings of S segments each: ``starts``/``ends``
    (B, S, 2) in field pixels, ``half_widths`` (B, S), where 0 or less is no segment.
    A pixel is as inky as it is close to the nearest segment's edge: fully inside, 1;
    half an ``edge`` outside, 0; linear between (``edge`` may be one per drawing, (B,)).

    Short, thin segments (training's pen data) are measured only against the pixels
    within their reach, a few dozen rather than all 784: the same numbers, far less work.
    """
    count, segments = half_widths.shape
    edges = torch.as_tensor(edge, dtype=starts.dtype, device=starts.device).expand(count)
    if segments == 0:
        return starts.new_zeros(count, INPUT_SIZE, INPUT_SIZE)
    longest = float(((ends - starts).abs().amax(-1) * (half_widths > 0)).amax())
    reach = float(half_widths.amax()) + 0.5 * float(edges.amax()) + longest / 2
    radius = int(np.ceil(reach + 0.5))
    if (2 * radius + 1) ** 2 * 2 >= INPUT_SIZE**2:
        pixels = _PIXELS.to(starts.device).expand(count, segments, -1, -1)  # every pixel
        index = None
    else:  # the window of pixels around each segment's middle
        middle = ((starts + ends) / 2).round_()
        pixels = middle.unsqueeze(2) + _window(radius, starts.device)  # (B, S, W, 2)
        inside = ((pixels >= 0) & (pixels <= INPUT_SIZE - 1)).all(-1)
        index = torch.where(inside, pixels[..., 1] * INPUT_SIZE + pixels[..., 0],
                            INPUT_SIZE**2).long().view(count, -1)  # outside: a spare slot
    ink = _pen_ink(starts, ends, half_widths, edges, pixels)  # (B, S, W)
    if index is None:
        return ink.amax(1).view(count, INPUT_SIZE, INPUT_SIZE)
    field = ink.new_zeros(count, INPUT_SIZE**2 + 1)
    field.scatter_reduce_(1, index, ink.view(count, -1), reduce="amax")
    return field[:, :-1].view(count, INPUT_SIZE, INPUT_SIZE)


def _pen_ink(starts, ends, half_widths, edges, pixels) -> torch.Tensor:
    """Each segment's ink at the given pixels (B, S, W, 2): 0..1 by distance."""
    direction = (ends - starts).unsqueeze(2)  # (B, S, 1, 2)
    length2 = (direction * direction).sum(-1).clamp_min(1e-12)
    to_pixel = pixels - starts.unsqueeze(2)
    along = ((to_pixel * direction).sum(-1) / length2).clamp_(0, 1)
    away = to_pixel - along.unsqueeze(-1) * direction
    outside = torch.linalg.vector_norm(away, dim=-1) - half_widths.unsqueeze(-1)
    ink = (0.5 - outside / edges.view(-1, 1, 1)).clamp_(0, 1)
    return ink.masked_fill_((half_widths <= 0).unsqueeze(-1), 0.0)


def _window(radius: int, device) -> torch.Tensor:
    steps = torch.arange(-radius, radius + 1, dtype=torch.float32, device=device)
    dy, dx = torch.meshgrid(steps, steps, indexing="ij")
    return torch.stack([dx.reshape(-1), dy.reshape(-1)], dim=-1)


def centre_shifts(ink: torch.Tensor) -> torch.Tensor:
    """Whole-pixel (dx, dy) per image (B, 2) that put its centre of mass on (14, 14),
    as MNIST did. Fitted drawings fill the 20-px box in the middle, so at most
    ``MAX_SHIFT`` px keeps their ink in the field."""
    index = torch.arange(INPUT_SIZE, dtype=ink.dtype, device=ink.device)
    mass = ink.sum((1, 2)).clamp_min(1e-6)
    centre = torch.stack([ink.sum(1) @ index, ink.sum(2) @ index], dim=1) / mass.unsqueeze(1)
    return (CENTRE - centre).round_().clamp_(-MAX_SHIFT, MAX_SHIFT)


def shift_images(ink: torch.Tensor, shifts: torch.Tensor) -> torch.Tensor:
    """Each image (B, 28, 28) moved by its whole-pixel (dx, dy), zeros coming in."""
    count = ink.shape[0]
    theta = torch.zeros(count, 2, 3, dtype=ink.dtype, device=ink.device)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, :, 2] = -2 * shifts.to(ink.dtype) / INPUT_SIZE
    grid = F.affine_grid(theta, [count, 1, INPUT_SIZE, INPUT_SIZE], align_corners=False)
    # Whole-pixel moves sample exactly at pixel centres: nearest is exact, no blur.
    return F.grid_sample(ink.unsqueeze(1), grid, mode="nearest", padding_mode="zeros",
                         align_corners=False)[:, 0]


def fit_transform(low: np.ndarray, high: np.ndarray, pen_width: float = PEN_WIDTH):
    """Scale and offset mapping drawing units to field pixels so that the box ``low``..
    ``high`` (centre lines), widened by the pen, fills the 20-px box; centred."""
    extent = float(max(high[0] - low[0], high[1] - low[1]))
    scale = (BOX_SIZE - pen_width) / max(extent, 1e-6)
    offset = (INPUT_SIZE - 1) / 2 - scale * (np.asarray(low, np.float64) + high) / 2
    return scale, offset


# ------------------------------------------------------------------ one drawing


@dataclass
class _Rendered:
    key: tuple
    count: int
    ink: torch.Tensor  # (28, 28), the first ``count`` strokes, before centring


@dataclass
class Rasteriser:
    """Turns one drawing's strokes into the network's input, as ``rasterise`` does, and
    remembers the ink of the strokes it rendered last: while a drawing grows inside its
    box only the new strokes are drawn, so a long drawing does not slow each update."""

    pen_width: float = PEN_WIDTH
    _cache: _Rendered | None = field(default=None, repr=False)

    def __call__(self, strokes: Sequence[PenStroke], *, surface: float | None = None,
                 min_extent: float | None = None, image: np.ndarray | None = None) -> Preprocessed:
        """The steps from ``strokes`` to the model input (see ``rasterise``)."""
        strokes = as_strokes(strokes)
        drawn = [s.points for s in strokes if not s.erase and len(s.points)]
        shown = image if image is not None else np.zeros((1, 1), np.float32)
        if not drawn:
            return Preprocessed(image=shown, reason="empty")
        points = np.concatenate(drawn)
        low, high = points.min(0), points.max(0)
        if min_extent is None:
            min_extent = MIN_EXTENT_FRACTION * surface if surface else 0.0
        extent = float(max(high - low))
        if extent <= 0 or extent < min_extent:
            bbox = (float(low[1]), float(low[0]), float(high[1]), float(high[0]))
            return Preprocessed(image=shown, bbox=bbox, reason="too small to be a digit")
        scale, offset = fit_transform(low, high, self.pen_width)
        ink = self._ink(strokes, scale, offset)
        shift = centre_shifts(ink.unsqueeze(0))
        centred = shift_images(ink.unsqueeze(0), shift)[0].numpy()
        return _steps(shown, ink.numpy(), centred, low, high, scale, offset, shift[0].numpy())

    def _ink(self, strokes: list[PenStroke], scale: float, offset: np.ndarray) -> torch.Tensor:
        key = (scale, float(offset[0]), float(offset[1]))
        cache = self._cache
        done = len(strokes) - 1  # the last stroke may still be growing
        if cache is not None and cache.key == key and cache.count <= done:
            ink, start = cache.ink, cache.count
        else:
            ink, start = torch.zeros(INPUT_SIZE, INPUT_SIZE), 0
        ink = draw_in_order(ink, strokes[start:done], scale, offset, self.pen_width)
        self._cache = _Rendered(key, done, ink)
        return draw_in_order(ink, strokes[done:], scale, offset, self.pen_width)

    def forget(self) -> None:
        self._cache = None


def draw_in_order(ink: torch.Tensor, strokes: Sequence[PenStroke], scale: float, offset,
                  pen_width: float = PEN_WIDTH) -> torch.Tensor:
    """``ink`` (28, 28) with ``strokes`` drawn over it in order: runs of pen strokes in one
    pass, each eraser stroke taking ink away after what came before it."""
    run: list[PenStroke] = []
    for stroke in list(strokes) + [None]:
        if stroke is not None and not stroke.erase:
            run.append(stroke)
            continue
        if run:
            ink = torch.maximum(ink, _draw(run, scale, offset, pen_width))
            run = []
        if stroke is not None:  # an eraser: its own width, in the drawing's scale
            ink = ink * (1 - _draw([stroke], scale, offset, stroke.width * scale))
    return ink


def _draw(strokes: Sequence[PenStroke], scale: float, offset, width: float) -> torch.Tensor:
    starts, ends, half = stroke_segments(strokes, scale, offset, width)
    return segment_ink(torch.from_numpy(starts)[None], torch.from_numpy(ends)[None],
                       torch.from_numpy(half)[None])[0]


def stroke_segments(strokes: Sequence[PenStroke], scale: float, offset, width: float):
    """Segment starts, ends (S, 2) in field pixels and half widths (S,) of ``strokes``,
    their points thinned to about ``SEGMENT_SPACING`` px; a lone point is a dot."""
    starts, ends, halves = [], [], []
    for stroke in strokes:
        points = stroke.points.astype(np.float32) * np.float32(scale) + np.asarray(offset, np.float32)
        factors = stroke.factors if stroke.factors is not None else np.ones(len(points), np.float32)
        keep = _thin(points)
        points, factors = points[keep], factors[keep]
        if len(points) == 1:
            points, factors = np.repeat(points, 2, 0), np.repeat(factors, 2)
        starts.append(points[:-1])
        ends.append(points[1:])
        halves.append(width / 2 * (factors[:-1] + factors[1:]) / 2)
    if not starts:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32), np.zeros(0, np.float32)
    return (np.concatenate(starts), np.concatenate(ends),
            np.concatenate(halves).astype(np.float32))


def _thin(points: np.ndarray) -> np.ndarray:
    """Indices of points at least SEGMENT_SPACING apart along the path, ends kept."""
    if len(points) <= 2:
        return np.arange(len(points))
    keep, last = [0], points[0]
    for index in range(1, len(points) - 1):
        if abs(points[index, 0] - last[0]) + abs(points[index, 1] - last[1]) >= SEGMENT_SPACING:
            keep.append(index)
            last = points[index]
    keep.append(len(points) - 1)
    return np.asarray(keep)


def _steps(image, ink, centred, low, high, scale, offset, shift) -> Preprocessed:
    """Preprocessed steps for the panels: ``boxed`` is the fitted box before centring,
    ``bbox`` the drawing-unit rectangle that box covers, so ``input_rect`` maps the 28x28
    input back onto the drawing."""
    half = BOX_SIZE / 2
    centre = (np.asarray(low, np.float64) + high) / 2 * scale + offset  # in field pixels
    left, top = centre - half + 0.5  # pixel edges of the 20-px box
    box = ink[max(0, int(round(top))):int(round(top)) + BOX_SIZE,
              max(0, int(round(left))):int(round(left)) + BOX_SIZE]
    # Drawing units of the box's edges: field x = drawing x * scale + offset.
    x0, y0 = (np.array([round(left), round(top)]) - 0.5 - offset) / scale
    bbox = (float(y0), float(x0), float(y0 + box.shape[0] / scale), float(x0 + box.shape[1] / scale))
    row, col = round(top) + shift[1], round(left) + shift[0]
    cropped = None
    if image is not None and image.ndim == 2 and image.shape[0] > 1:
        t, l, b, r = (int(np.clip(round(v), 0, image.shape[i % 2])) for i, v in enumerate(bbox))
        cropped = image[t:b, l:r] if b > t and r > l else None
    return Preprocessed(image=image, cropped=cropped, boxed=np.ascontiguousarray(box),
                        centred=centred.astype(np.float32), model_input=normalise(centred),
                        bbox=bbox, offset=(float(row), float(col)))


def rasterise(strokes, *, surface: float | None = None, min_extent: float | None = None,
              pen_width: float = PEN_WIDTH, image: np.ndarray | None = None) -> Preprocessed:
    """The MNIST recipe for strokes: fit the pen strokes' box into the 20-px box, draw
    every stroke (erasers in their order) with MNIST's pen, centre by mass.

    ``strokes``: PenStrokes or (N, 2) point arrays. A drawing smaller than
    ``min_extent`` (drawing units; by default 6 % of ``surface``, the side of what it was
    drawn on) is "too small to be a digit". ``image`` is shown as the source step.
    """
    return Rasteriser(pen_width)(strokes, surface=surface, min_extent=min_extent, image=image)
