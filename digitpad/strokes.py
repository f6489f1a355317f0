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

import functools
import math
import operator
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
    """
    count = half_widths.shape[0]
    edges = torch.as_tensor(edge, dtype=starts.dtype, device=starts.device).expand(count)
    drawing, segment = (half_widths > 0).nonzero(as_tuple=True)  # padding costs nothing
    return packed_segment_ink(starts[drawing, segment], ends[drawing, segment],
                              half_widths[drawing, segment], edges[drawing], drawing, count)


def packed_segment_ink(starts: torch.Tensor, ends: torch.Tensor, half_widths: torch.Tensor,
                       edges: torch.Tensor, drawing: torch.Tensor, count: int) -> torch.Tensor:
    """``segment_ink`` of segments listed one per row, for ``count`` drawings: ``starts``/
    ``ends`` (M, 2), ``half_widths`` (M,) > 0, ``edges`` (M,) and ``drawing`` (M,), the
    drawing each segment belongs to.

    Short, thin segments (training's pen data) are measured only against the pixels
    within their reach (a disc of a few dozen around each segment's middle) rather than
    all 784: the same numbers, far less work. Every pair of segment and pixel costs a
    dozen flat tensor operations, x and y apart (a last axis of two reduces slowly), and
    one scatter of the maximum into a field padded by the disc's radius, so no pixel
    needs a bounds check."""
    device = starts.device
    if len(half_widths) == 0:
        return starts.new_zeros(count, INPUT_SIZE, INPUT_SIZE)
    direction = ends - starts
    length2 = direction[:, 0] * direction[:, 0] + direction[:, 1] * direction[:, 1]
    middle = ((starts + ends) / 2).round_()
    # A pixel gets ink only nearer than half + edge / 2 to the segment, so nearer than
    # that plus half the length to its middle, plus half a diagonal to the rounded one.
    bounds = torch.stack([(half_widths + 0.5 * edges + 0.5 * length2.sqrt()).amax(),
                          middle.amin(), middle.amax()]).tolist()  # one sync
    reach = bounds[0] + 0.5**0.5 + 1e-3
    radius = int(math.ceil(reach))
    if (2 * radius + 1) ** 2 * 2 >= INPUT_SIZE**2 or bounds[1] < 0 or bounds[2] > INPUT_SIZE - 1:
        margin = 0  # long segments, or some outside the field: every pixel
        window = _PIXELS.to(device)
        middle = torch.zeros_like(middle)
    else:
        margin = radius
        window = _disc(reach, device)
    side = INPUT_SIZE + 2 * margin
    window_x, window_y = window[:, 0].view(1, -1), window[:, 1].view(1, -1)
    # From the segment's start to each pixel, x and y: (M, W) each.
    to_x = (middle[:, 0] - starts[:, 0]).view(-1, 1) + window_x
    to_y = (middle[:, 1] - starts[:, 1]).view(-1, 1) + window_y
    inverse = 1 / length2.clamp_min(1e-12)
    along = (to_x * (direction[:, 0] * inverse).view(-1, 1)).addcmul_(
        to_y, (direction[:, 1] * inverse).view(-1, 1)).clamp_(0, 1)
    to_x.addcmul_(along, direction[:, 0].view(-1, 1), value=-1)
    to_y.addcmul_(along, direction[:, 1].view(-1, 1), value=-1)
    distance = to_x.mul_(to_x).addcmul_(to_y, to_y).sqrt_()
    # 0.5 - (distance - half) / edge, as one multiply-add; clamped after the maximum,
    # which is the same (clamping is monotonic) on far fewer numbers.
    ink = torch.addcmul(((half_widths + 0.5 * edges) / edges).view(-1, 1), distance,
                        (-1 / edges).view(-1, 1))
    corner = drawing * (side * side) + (middle[:, 1].long() + margin) * side + middle[:, 0].long() + margin
    index = corner.view(-1, 1) + (window_y * side + window_x).long()
    field = ink.new_zeros(count * side * side)
    field.scatter_reduce_(0, index.view(-1), ink.view(-1), reduce="amax")
    field = field.view(count, side, side)[:, margin:margin + INPUT_SIZE, margin:margin + INPUT_SIZE]
    return field.clamp_(max=1)


@functools.lru_cache(maxsize=32)
def _disc_cpu(radius_squared: float) -> torch.Tensor:
    radius = int(math.ceil(radius_squared**0.5))
    square = _window(radius, "cpu")
    return square[(square * square).sum(-1) < radius_squared].contiguous()


def _disc(reach: float, device) -> torch.Tensor:
    """(W, 2) whole-pixel offsets (x, y) nearer than ``reach`` to (0, 0); a few sizes
    cached (``reach`` rounded up to a tenth)."""
    return _disc_cpu(math.ceil(reach * 10) ** 2 / 100).to(device)


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


# The rasteriser keeps the ink of the strokes below the one in progress every
# INK_CHECKPOINT_EVERY strokes (the latest KEPT_INK_CHECKPOINTS, 3 KB each), so an undo
# draws at most that many strokes again, however many the drawing has.
INK_CHECKPOINT_EVERY = 16
KEPT_INK_CHECKPOINTS = 8


@dataclass
class Rasteriser:
    """Turns one drawing's strokes into the network's input, as ``rasterise`` does, and
    remembers what it read last: the strokes (by identity), the running box of their
    points and their ink at checkpoints. A call then only handles what changed at the end
    of the drawing, a new point or stroke, or an undone stroke: its cost does not grow
    with the strokes below (but for one comparison of references, at C speed), unless
    the drawing's box grows and every stroke must be drawn at the new scale."""

    pen_width: float = PEN_WIDTH
    _strokes: list[PenStroke] = field(default_factory=list, repr=False)
    # Running minimum and maximum of the pen strokes' points: row i covers strokes[:i + 1].
    _low: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.float64), repr=False)
    _high: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), np.float64), repr=False)
    _ink_key: tuple | None = field(default=None, repr=False)
    # (strokes drawn, their ink before centring), oldest first, all for ``_ink_key``.
    _inks: list[tuple[int, np.ndarray]] = field(default_factory=list, repr=False)

    def __call__(self, strokes: Sequence[PenStroke], *, surface: float | None = None,
                 min_extent: float | None = None, image: np.ndarray | None = None) -> Preprocessed:
        """The steps from ``strokes`` to the model input (see ``rasterise``)."""
        strokes = as_strokes(strokes)
        self._follow(strokes)
        shown = image if image is not None else np.zeros((1, 1), np.float32)
        if not strokes or not np.isfinite(self._low[-1, 0]):
            return Preprocessed(image=shown, reason="empty")
        low, high = self._low[-1].astype(np.float32), self._high[-1].astype(np.float32)
        if min_extent is None:
            min_extent = MIN_EXTENT_FRACTION * surface if surface else 0.0
        extent = float(max(high - low))
        if extent <= 0 or extent < min_extent:
            bbox = (float(low[1]), float(low[0]), float(high[1]), float(high[0]))
            return Preprocessed(image=shown, bbox=bbox, reason="too small to be a digit")
        scale, offset = fit_transform(low, high, self.pen_width)
        ink = self._ink(strokes, scale, offset)
        shift = centre_shift(ink)
        return _steps(shown, ink, shifted(ink, shift), low, high, scale, offset, shift)

    def _follow(self, strokes: list[PenStroke]) -> None:
        """Take ``strokes`` as the drawing: keep what is known of the strokes it shares
        (the same objects, in order) with the last, work out the rest."""
        known = self._strokes
        shared = min(len(known), len(strokes))
        same = list(map(operator.is_, known[:shared], strokes[:shared]))
        if False in same:
            shared = same.index(False)
        low, high = self._low[:shared], self._high[:shared]
        if shared < len(strokes):
            rows = len(strokes) - shared
            new_low, new_high = np.full((rows, 2), np.inf), np.full((rows, 2), -np.inf)
            for row, stroke in enumerate(strokes[shared:]):
                if not stroke.erase and len(stroke.points):
                    new_low[row], new_high[row] = stroke.points.min(0), stroke.points.max(0)
            if shared:
                new_low[0], new_high[0] = np.minimum(new_low[0], low[-1]), np.maximum(new_high[0], high[-1])
            low = np.concatenate([low, np.minimum.accumulate(new_low)])
            high = np.concatenate([high, np.maximum.accumulate(new_high)])
        self._strokes, self._low, self._high = list(strokes), low, high
        self._inks = [(count, ink) for count, ink in self._inks if count <= shared]

    def _ink(self, strokes: list[PenStroke], scale: float, offset: np.ndarray) -> np.ndarray:
        key = (scale, float(offset[0]), float(offset[1]))
        if key != self._ink_key:  # another box: every stroke drawn again at its scale
            self._ink_key, self._inks = key, []
        done = len(strokes) - 1  # the last stroke may still be growing
        start, ink = 0, np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)
        for count, kept in reversed(self._inks):
            if count <= done:
                start, ink = count, kept
                break
        # Far behind (a new box, a long drawing read the first time): in one go up to the
        # earliest checkpoint that will be kept, then checkpoint by checkpoint.
        every = INK_CHECKPOINT_EVERY
        first_kept = max(0, done - done % every - every * (KEPT_INK_CHECKPOINTS - 1))
        inks = dict(self._inks)
        while start < done:
            stop = first_kept if start < first_kept else min(done, (start // every + 1) * every)
            ink = draw_in_order(ink, strokes[start:stop], scale, offset, self.pen_width)
            start = stop
            inks[start] = ink
        checkpoints = sorted(count for count in inks if count % every == 0)
        keep = set(checkpoints[-KEPT_INK_CHECKPOINTS:]) | {done}
        self._inks = [(count, inks[count]) for count in sorted(inks) if count in keep]
        return draw_in_order(ink, strokes[done:], scale, offset, self.pen_width)

    def forget(self) -> None:
        self._strokes, self._ink_key, self._inks = [], None, []
        self._low, self._high = self._low[:0], self._high[:0]


def draw_in_order(ink: np.ndarray, strokes: Sequence[PenStroke], scale: float, offset,
                  pen_width: float = PEN_WIDTH) -> np.ndarray:
    """``ink`` (28, 28) with ``strokes`` drawn over it in order: runs of pen strokes in one
    pass, each eraser stroke taking ink away after what came before it."""
    run: list[PenStroke] = []
    for stroke in list(strokes) + [None]:
        if stroke is not None and not stroke.erase:
            run.append(stroke)
            continue
        if run:
            ink = np.maximum(ink, drawing_ink(*stroke_segments(run, scale, offset, pen_width)))
            run = []
        if stroke is not None:  # an eraser: its own width, in the drawing's scale
            ink = ink * (1 - drawing_ink(*stroke_segments([stroke], scale, offset, stroke.width * scale)))
    return ink


# ------------------------------------------------------------------ the same, one drawing in NumPy
# One drawing at a time (the pad, as you draw) costs a few dozen tiny array operations,
# which NumPy runs several times faster than torch. The arithmetic is the batched path's,
# operation for operation (tests hold them equal).


# Segments handled per pass of ``drawing_ink``: a long drawing's arrays, a window of
# pixels per segment, then stay in the CPU's cache (twice as fast as one pass at 20,000).
INK_CHUNK = 1024


def drawing_ink(starts: np.ndarray, ends: np.ndarray, half_widths: np.ndarray,
                edge: float = EDGE) -> np.ndarray:
    """``segment_ink`` for one drawing: (S, 2) starts and ends, (S,) half widths."""
    if len(starts) > INK_CHUNK:
        return functools.reduce(np.maximum, (
            _chunk_ink(starts[i:i + INK_CHUNK], ends[i:i + INK_CHUNK], half_widths[i:i + INK_CHUNK], edge)
            for i in range(0, len(starts), INK_CHUNK)))
    return _chunk_ink(starts, ends, half_widths, edge)


def _chunk_ink(starts: np.ndarray, ends: np.ndarray, half_widths: np.ndarray, edge: float) -> np.ndarray:
    field = np.zeros(INPUT_SIZE * INPUT_SIZE + 1, np.float32)
    drawn = half_widths > 0
    if not drawn.any():
        return field[:-1].reshape(INPUT_SIZE, INPUT_SIZE)
    starts, ends, half_widths = starts[drawn], ends[drawn], half_widths[drawn]
    longest = float(np.abs(ends - starts).max())
    radius = int(np.ceil(float(half_widths.max()) + 0.5 * edge + longest / 2 + 0.5))
    # x and y apart: NumPy reduces a last axis of two slowly.
    if (2 * radius + 1) ** 2 * 2 >= INPUT_SIZE**2:
        pixel_x, pixel_y = _PIXELS_NP[None, :, 0], _PIXELS_NP[None, :, 1]
        index = None
    else:
        window = _window_np(radius)
        middle = np.round((starts + ends) / 2)
        pixel_x = middle[:, 0:1] + window[:, 0]
        pixel_y = middle[:, 1:2] + window[:, 1]
        inside = (pixel_x >= 0) & (pixel_x <= INPUT_SIZE - 1) & (pixel_y >= 0) & (pixel_y <= INPUT_SIZE - 1)
        index = np.where(inside, pixel_y * INPUT_SIZE + pixel_x, INPUT_SIZE**2).astype(np.int64)
    direction_x, direction_y = (ends[:, 0] - starts[:, 0])[:, None], (ends[:, 1] - starts[:, 1])[:, None]
    length2 = np.maximum(direction_x * direction_x + direction_y * direction_y, np.float32(1e-12))
    to_x, to_y = pixel_x - starts[:, 0:1], pixel_y - starts[:, 1:2]
    along = np.clip((to_x * direction_x + to_y * direction_y) / length2, 0, 1)
    to_x -= along * direction_x
    to_y -= along * direction_y
    outside = np.sqrt(to_x * to_x + to_y * to_y) - half_widths[:, None]
    ink = np.clip(0.5 - outside / np.float32(edge), 0, 1).astype(np.float32)
    if index is None:
        return ink.max(0).reshape(INPUT_SIZE, INPUT_SIZE)
    np.maximum.at(field, index.ravel(), ink.ravel())
    return field[:-1].reshape(INPUT_SIZE, INPUT_SIZE)


def centre_shift(ink: np.ndarray) -> np.ndarray:
    """``centre_shifts`` for one image: whole-pixel (dx, dy)."""
    index = np.arange(INPUT_SIZE, dtype=np.float32)
    mass = max(float(ink.sum()), 1e-6)
    centre = np.array([ink.sum(0) @ index, ink.sum(1) @ index], np.float32) / np.float32(mass)
    return np.clip(np.round(CENTRE - centre), -MAX_SHIFT, MAX_SHIFT)


def shifted(ink: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """``shift_images`` for one image: moved by whole pixels (dx, dy), zeros coming in."""
    dx, dy = int(shift[0]), int(shift[1])
    out = np.zeros_like(ink)
    rows, cols = slice(max(dy, 0), INPUT_SIZE + min(dy, 0)), slice(max(dx, 0), INPUT_SIZE + min(dx, 0))
    out[rows, cols] = ink[max(-dy, 0):INPUT_SIZE - max(dy, 0), max(-dx, 0):INPUT_SIZE - max(dx, 0)]
    return out


_PIXELS_NP = _PIXELS.numpy()


@functools.lru_cache(maxsize=16)
def _window_np(radius: int) -> np.ndarray:
    return _window(radius, "cpu").numpy()


def stroke_segments(strokes: Sequence[PenStroke], scale: float, offset, width: float):
    """Segment starts, ends (S, 2) in field pixels and half widths (S,) of ``strokes``,
    their points thinned to about ``SEGMENT_SPACING`` px; a lone point is a dot.

    Strokes with the same number of points are handled as one array, so thousands of
    short strokes cost a few array operations rather than a Python loop each; a stroke's
    segments do not depend on the strokes beside it."""
    by_length: dict[int, list[PenStroke]] = {}
    for stroke in strokes:
        by_length.setdefault(len(stroke.points), []).append(stroke)
    parts = [_same_length_segments(group, scale, offset, width) for group in by_length.values()]
    if not parts:
        return np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32), np.zeros(0, np.float32)
    starts, ends, halves = zip(*parts)
    return np.concatenate(starts), np.concatenate(ends), np.concatenate(halves).astype(np.float32)


def _same_length_segments(strokes: list[PenStroke], scale: float, offset, width: float):
    """``stroke_segments`` of strokes that all have the same number of points."""
    points = np.stack([stroke.points for stroke in strokes]).astype(np.float32)
    points = points * np.float32(scale) + np.asarray(offset, np.float32)  # (n, length, 2)
    count, length = points.shape[:2]
    if all(stroke.factors is None for stroke in strokes):
        factors = np.ones((count, length), np.float32)
    else:
        factors = np.stack([stroke.factors if stroke.factors is not None
                            else np.ones(length, np.float32) for stroke in strokes])
    if length == 1:  # dots
        return points[:, 0], points[:, 0], (width / 2 * (factors[:, 0] + factors[:, 0]) / 2)
    # Where the path has gone on by another SEGMENT_SPACING (city-block length), ends kept.
    steps = np.abs(np.diff(points, axis=1)).sum(2)
    travelled = np.concatenate([np.zeros((count, 1)), np.cumsum(steps, axis=1)], axis=1)
    stretch = np.floor(travelled / SEGMENT_SPACING)
    keep = np.diff(stretch, axis=1, prepend=-1.0) > 0
    keep[:, -1] = True
    row, column = np.nonzero(keep)  # row by row, in order along each stroke
    joined = row[1:] == row[:-1]
    first, second = (row[:-1][joined], column[:-1][joined]), (row[1:][joined], column[1:][joined])
    halves = width / 2 * (factors[first] + factors[second]) / 2
    return points[first], points[second], halves


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
