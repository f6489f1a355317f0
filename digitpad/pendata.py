"""Digits as pen strokes, for training and the drawn-digit evaluation.

Two sources, both rendered by ``digitpad.strokes`` exactly as the pad's drawings are:

- UNIPEN train_r01_v07 category 1a: 15,953 digits written on tablets by 268 writers at
  17 institutions (Guyon et al., ICPR 1994; CC BY 4.0), from ``../shared/data/unipen-1a``
  or ``$DIGITPAD_UNIPEN``. It is split by writer, so validation measures writers that
  training never saw.
- MNIST's own digits turned into strokes (``digit_strokes``): each digit enlarged, its
  filled-in loops opened, its skeleton traced into polylines between its ends and forks;
  the same for the evaluation and for training.

``PenBank`` holds many drawings packed for the rasteriser and renders random variations
of a batch of them at once (pen width, slant, rotation, aspect, jitter, point spacing).
"""

from __future__ import annotations

import hashlib
import math
import os
from collections.abc import Callable, Generator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import torch

from .data import DataError
from .preprocess import BOX_SIZE, INPUT_SIZE
from .strokes import EDGE, PEN_WIDTH, PEN_WIDTHS, centre_shifts, segment_ink, shift_images

T = TypeVar("T")

UNIPEN_FILE = "unipen_1a_strokes.npz"
UNIPEN_FLAGS = "unipen_1a_flags.npz"
UNIPEN_CITATION = ("UNIPEN train_r01_v07, category 1a (isolated digits): I. Guyon, L. Schomaker, "
                   "R. Plamondon, M. Liberman, S. Janet, \"UNIPEN project of on-line data exchange "
                   "and recognizer benchmarks\", ICPR 1994; doi:10.5281/zenodo.1195803; CC BY 4.0, "
                   "the UNIPEN Consortium")
VALIDATION_SHARE = 0.2
SPLIT_SEED = 0
# Points along each stroke, in units of the drawing's longer side: under one field pixel.
RESAMPLE_SPACING = 1 / 24


@dataclass(frozen=True)
class PenDigits:
    """Drawings as strokes: ``strokes[i]`` is a list of (N, 2) float32 arrays, y down."""

    strokes: list[list[np.ndarray]]
    labels: np.ndarray  # (N,) int64
    writers: np.ndarray  # (N,) str, "contributor/writer"; empty strings when unknown

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index) -> PenDigits:
        index = np.asarray(index)
        return PenDigits([self.strokes[i] for i in index], self.labels[index], self.writers[index])


def unipen_dir() -> Path | None:
    """The UNIPEN folder on this machine: $DIGITPAD_UNIPEN or a checkout's
    ``../shared/data/unipen-1a``."""
    candidates = []
    if os.environ.get("DIGITPAD_UNIPEN"):
        candidates.append(Path(os.environ["DIGITPAD_UNIPEN"]))
    candidates.append(Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "unipen-1a")
    for folder in candidates:
        if (folder / UNIPEN_FILE).is_file():
            return folder
    return None


def load_unipen(folder=None) -> PenDigits:
    """Every UNIPEN digit not flagged as a duplicate or a label conflict (15,466)."""
    folder = Path(folder) if folder is not None else unipen_dir()
    if folder is None:
        raise DataError("UNIPEN pen data not found: set $DIGITPAD_UNIPEN to the folder "
                        f"holding {UNIPEN_FILE}")
    try:
        with np.load(folder / UNIPEN_FILE, allow_pickle=False) as data:
            points, stroke_offsets = data["points"], data["stroke_offsets"]
            sample_offsets, labels = data["sample_stroke_offsets"], data["labels"]
            writers = np.char.add(np.char.add(data["contributor"].astype(str), "/"),
                                  data["writer"].astype(str))
        keep = np.ones(len(labels), bool)
        flags_file = folder / UNIPEN_FLAGS
        if flags_file.is_file():
            with np.load(flags_file, allow_pickle=False) as flags:
                keep = ~flags["duplicate_of_earlier"] & ~flags["label_conflict"]
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"{folder}: not the UNIPEN digit files ({exc})") from None
    strokes = []
    for digit in np.flatnonzero(keep):
        first, last = sample_offsets[digit], sample_offsets[digit + 1]
        strokes.append([points[stroke_offsets[j]:stroke_offsets[j + 1]].astype(np.float32)
                        for j in range(first, last)])
    return PenDigits(strokes, labels[keep].astype(np.int64), writers[keep])


def writer_split(digits: PenDigits, share: float = VALIDATION_SHARE, seed: int = SPLIT_SEED):
    """(train, validation) index arrays: writers (sorted, then shuffled with ``seed``)
    go whole to one side, about ``share`` of the writers to validation."""
    writers = np.unique(digits.writers)
    order = np.random.default_rng(seed).permutation(len(writers))
    held_out = set(writers[order[: round(share * len(writers))]])
    validation = np.array([w in held_out for w in digits.writers])
    return np.flatnonzero(~validation), np.flatnonzero(validation)


def split_record(digits: PenDigits, validation: np.ndarray) -> dict:
    """What a weights file records of the split: the rule, the sizes and a hash of the
    held-out writers, so anyone can check they split the same way."""
    held_out = sorted(set(digits.writers[validation]))
    return {
        "rule": f"writers (contributor/writer) sorted, shuffled by numpy default_rng({SPLIT_SEED}), "
                f"the first {VALIDATION_SHARE:.0%} held out",
        "train_digits": int(len(digits) - len(validation)),
        "validation_digits": int(len(validation)),
        "validation_writers": len(held_out),
        "validation_writers_sha256": hashlib.sha256("\n".join(held_out).encode()).hexdigest(),
    }


def unipen_split(folder=None) -> tuple[PenDigits, PenDigits, dict]:
    """UNIPEN's writer-disjoint training and validation digits, and the split's record."""
    digits = load_unipen(folder)
    train_index, validation_index = writer_split(digits)
    return digits.subset(train_index), digits.subset(validation_index), split_record(digits, validation_index)


# ------------------------------------------------------------------ MNIST as strokes


def skeleton_strokes(image: np.ndarray, threshold: float = 0.3) -> list[np.ndarray]:
    """A digit image (H, W; ink high) as strokes: its one-pixel skeleton, one segment
    between each pair of 8-neighbouring skeleton pixels (x, y in pixels). Isolated
    skeleton pixels become dots."""
    from skimage.morphology import skeletonize

    ink = np.asarray(image, np.float32)
    if ink.dtype == np.uint8 or ink.max() > 1.0:
        ink = ink / 255.0
    skeleton = skeletonize(ink >= threshold)
    rows, cols = np.nonzero(skeleton)
    if rows.size == 0:
        return []
    at = {(r, c): i for i, (r, c) in enumerate(zip(rows, cols))}
    linked = np.zeros(rows.size, bool)
    strokes = []
    for i, (r, c) in enumerate(zip(rows, cols)):
        # Each pair once: the neighbours after this pixel in reading order.
        for dr, dc in ((0, 1), (1, -1), (1, 0), (1, 1)):
            j = at.get((r + dr, c + dc))
            if j is not None:
                strokes.append(np.array([[c, r], [c + dc, r + dr]], np.float32))
                linked[i] = linked[j] = True
    strokes += [np.array([[c, r]], np.float32) for (r, c), done in zip(zip(rows, cols), linked) if not done]
    return strokes


_NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))
# Bump when digit_strokes changes, so cached strokes are made again.
POLYLINES_VERSION = 2


def skeleton_polylines(image: np.ndarray, threshold: float = 0.3) -> list[np.ndarray]:
    """A digit image (H, W; ink high) as pen-like strokes: its skeleton traced into
    polylines that run between the skeleton's ends and forks (x, y in pixels). Fewer,
    longer strokes than ``skeleton_strokes`` for the same ink, so training renders them
    at about the cost of a pen digit."""
    from skimage.morphology import skeletonize

    return traced_skeleton(skeletonize(_ink(image) >= threshold))


def traced_skeleton(skeleton: np.ndarray) -> list[np.ndarray]:
    """A one-pixel skeleton (H, W bool) traced into polylines between its ends and forks,
    then round what is left (closed loops); an isolated pixel is a dot (x, y in pixels)."""
    rows, cols = np.nonzero(skeleton)
    on = set(zip(rows.tolist(), cols.tolist()))
    near: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for r, c in on:
        linked = []
        for dr, dc in _NEIGHBOURS:
            if (r + dr, c + dc) not in on:
                continue
            # A diagonal step beside a skeleton pixel at its corner is a shortcut across a
            # staircase: the path goes through the corner pixel instead.
            if dr and dc and ((r + dr, c) in on or (r, c + dc) in on):
                continue
            linked.append((r + dr, c + dc))
        near[(r, c)] = linked
    walked: set[frozenset] = set()  # segments drawn, as {pixel, pixel}
    dots: set[tuple[int, int]] = set()
    lines = []
    # Ends and forks first, so open strokes run whole; then what is left (closed loops).
    for start in sorted(p for p, linked in near.items() if len(linked) != 2) + sorted(on):
        if not near[start] and start not in dots:  # an isolated pixel: a dot, once
            dots.add(start)
            lines.append(np.array([[start[1], start[0]]], np.float32))
        for first in near[start]:
            if frozenset((start, first)) in walked:
                continue
            path = [start, first]
            walked.add(frozenset(path))
            while len(near[path[-1]]) == 2:
                step = next((q for q in near[path[-1]] if frozenset((path[-1], q)) not in walked), None)
                if step is None:
                    break
                walked.add(frozenset((path[-1], step)))
                path.append(step)
            lines.append(np.array([[c, r] for r, c in path], np.float32))
    return lines


# MNIST digits are traced enlarged: at 28 px a skeleton is a staircase with spurs, and
# a loop that the ink filled in (a small 9's or 8's head) thins to a line, so the strokes
# are no longer the digit (measured: DeepCNN misread 1.3 % of MNIST's test digits as
# strokes whatever its training, most of them filled loops).
TRACE_ENLARGEMENT = 4
# Ink thicker than this many times the digit's own typical stroke is a filled loop: its
# middle is opened so the skeleton runs round it, as the pen did.
FILLED_LOOP = 1.6
TRACE_TOLERANCE = 0.25  # px of the 28-px digit: points closer to a straight line are dropped


def digit_strokes(image: np.ndarray, threshold: float = 0.3) -> list[np.ndarray]:
    """An MNIST-like digit (H, W; ink high) as the strokes a pen drew it with (x, y in the
    image's pixels): the digit enlarged, filled loops opened, its skeleton traced into
    polylines and each polyline simplified."""
    from scipy import ndimage
    from skimage.measure import approximate_polygon
    from skimage.morphology import skeletonize

    enlarged = ndimage.zoom(_ink(image), TRACE_ENLARGEMENT, order=1, grid_mode=True, mode="grid-constant")
    ink = enlarged >= threshold
    skeleton = skeletonize(ink)
    if not skeleton.any():
        return []
    depth = ndimage.distance_transform_edt(ink)
    half_width = float(np.median(depth[skeleton]))
    thick = depth > FILLED_LOOP * half_width
    parts, count = ndimage.label(thick)
    if count:
        # Only a thick place the size of a pen's dot or more: a joint is a little thicker too.
        areas = ndimage.sum(thick, parts, np.arange(1, count + 1))
        filled = np.isin(parts, 1 + np.flatnonzero(areas >= half_width**2))
        if filled.any():
            skeleton = skeletonize(ink & ~filled)
    tolerance = TRACE_TOLERANCE * TRACE_ENLARGEMENT
    lines = [approximate_polygon(line, tolerance) if len(line) > 2 else line for line in traced_skeleton(skeleton)]
    # A pixel's centre in the enlarged image back to the original's pixel coordinates.
    offset = (TRACE_ENLARGEMENT - 1) / (2 * TRACE_ENLARGEMENT)
    return [(np.asarray(line, np.float32) / TRACE_ENLARGEMENT - offset).astype(np.float32) for line in lines]


def _ink(image: np.ndarray) -> np.ndarray:
    """A digit image as float32 ink in 0..1."""
    ink = np.asarray(image, np.float32)
    if np.asarray(image).dtype == np.uint8 or ink.max() > 1.0:
        ink = ink / 255.0
    return ink


def strokes_cache() -> Path:
    """The user cache folder for MNIST digits traced into strokes."""
    from .data import cache_dir

    return cache_dir().parent / "strokes"


def mnist_strokes(images: np.ndarray, labels: np.ndarray, cache_folder=None) -> PenDigits:
    """MNIST digits (N, 28, 28) as the strokes a pen drew them with (``digit_strokes``),
    for training and the drawn-digit evaluation; digits with no skeleton are left out.
    Tracing takes about 4 ms a digit (minutes for 60,000), so with ``cache_folder`` the
    result is kept there, keyed by the images' hash and the tracing's version
    (``tracing_mnist`` reports progress)."""
    return finished(tracing_mnist(images, labels, cache_folder))


def tracing_mnist(images: np.ndarray, labels: np.ndarray, cache_folder=None) -> Generator[float, None, PenDigits]:
    """``mnist_strokes`` as a generator: yields the share of the digits traced now and
    then, and returns the digits (for a worker thread that shows progress)."""
    images = np.ascontiguousarray(images, np.uint8)
    labels = np.asarray(labels, np.int64)
    key = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()[:16]
    cached = Path(cache_folder) / f"mnist-strokes-v{POLYLINES_VERSION}-{key}.npz" if cache_folder else None
    if cached is not None and cached.is_file():
        try:
            return _unpacked(cached)
        except (OSError, KeyError, ValueError, EOFError):
            pass  # a damaged cache is made again
    drawings, kept = [], []
    for i, image in enumerate(images):
        drawing = digit_strokes(image)
        if drawing:
            drawings.append(drawing)
            kept.append(i)
        if (i + 1) % 500 == 0 or i + 1 == len(images):
            yield (i + 1) / len(images)
    digits = PenDigits(drawings, labels[np.asarray(kept, np.int64)], np.full(len(kept), "mnist"))
    if cached is not None:
        _store(digits, cached)
        for stale in cached.parent.glob(f"mnist-strokes-v*-{key}.npz"):  # an older tracing's
            if stale != cached:
                stale.unlink(missing_ok=True)
    return digits


def finished(steps: Generator[float, None, T], report: Callable[[float], None] | None = None) -> T:
    """Run a generator that yields progress to its end, passing each share to ``report``;
    its return value."""
    while True:
        try:
            share = next(steps)
        except StopIteration as end:
            return end.value
        if report is not None:
            report(share)


def _store(digits: PenDigits, path: Path) -> None:
    """Save drawings like UNIPEN's file (points, stroke and drawing offsets), atomically;
    a cache that cannot be written is simply not kept."""
    strokes = [stroke for drawing in digits.strokes for stroke in drawing]
    stroke_offsets = np.cumsum([0] + [len(s) for s in strokes])
    drawing_offsets = np.cumsum([0] + [len(d) for d in digits.strokes])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".part")
        with open(temporary, "wb") as file:
            np.savez(file, points=np.concatenate(strokes), stroke_offsets=stroke_offsets,
                     drawing_offsets=drawing_offsets, labels=digits.labels)
        os.replace(temporary, path)
    except OSError:
        pass


def _unpacked(path: Path) -> PenDigits:
    with np.load(path, allow_pickle=False) as data:
        points, stroke_offsets = data["points"], data["stroke_offsets"]
        drawing_offsets, labels = data["drawing_offsets"], data["labels"]
    strokes = [points[a:b] for a, b in zip(stroke_offsets[:-1], stroke_offsets[1:])]
    drawings = [strokes[a:b] for a, b in zip(drawing_offsets[:-1], drawing_offsets[1:])]
    if len(drawings) != len(labels):
        raise ValueError("drawings and labels differ in number")
    return PenDigits(drawings, labels.astype(np.int64), np.full(len(labels), "mnist"))


# ------------------------------------------------------------------ rendering in batches


@dataclass(frozen=True)
class PenVariation:
    """Random ranges for rendering pen data; each drawing draws uniformly within them."""

    pen_width: tuple[float, float] = PEN_WIDTHS  # field pixels
    edge: tuple[float, float] = (0.8, 1.5)  # field pixels of anti-aliased edge
    rotation: float = 10.0  # degrees, +/-
    shear: float = 0.25  # horizontal shear factor, +/- (slant)
    aspect: float = 0.15  # relative change of width against height, +/-
    jitter: float = 0.006  # point noise, in units of the drawing's longer side
    sparse: float = 0.3  # share of drawings whose points are thinned (fast strokes)

    def __str__(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in asdict(self).items())


NO_VARIATION = PenVariation(pen_width=(PEN_WIDTH, PEN_WIDTH), edge=(EDGE, EDGE), rotation=0.0,
                            shear=0.0, aspect=0.0, jitter=0.0, sparse=0.0)


class PenBank:
    """Drawings packed as tensors for the rasteriser: each drawing's strokes resampled
    along their length and normalised to its box (centre 0, longer side 1), one row of
    points per drawing, with a flag per point saying whether a segment joins it to the
    next point."""

    def __init__(self, digits: PenDigits, device="cpu"):
        rows = [_packed(drawing) for drawing in digits.strokes]
        width = max(len(points) for points, _ in rows)
        count = len(rows)
        points = np.zeros((count, width, 2), np.float32)
        joined = np.zeros((count, width), bool)
        lengths = np.zeros(count, np.int64)
        for i, (row, links) in enumerate(rows):
            points[i, : len(row)] = row
            joined[i, : len(row)] = links
            lengths[i] = len(row)
        self.device = torch.device(device)
        self.points = torch.from_numpy(points).to(self.device)
        self.joined = torch.from_numpy(joined).to(self.device)
        self.lengths = torch.from_numpy(lengths).to(self.device)
        self.labels = torch.from_numpy(np.asarray(digits.labels, np.int64)).to(self.device)

    def __len__(self) -> int:
        return len(self.labels)

    def render(self, index: torch.Tensor, variation: PenVariation = NO_VARIATION,
               generator: torch.Generator | None = None) -> torch.Tensor:
        """Ink (B, 28, 28), 0..1, of the drawings at ``index``, each varied at random
        within ``variation`` (none by default), fitted, drawn and centred like a drawing
        on the pad."""
        count = len(index)
        used = int(self.lengths[index].amax()) if count else 1
        points = self.points[index, :used].clone()
        joined = self.joined[index, :used - 1] if used > 1 else self.joined[index, :0]
        draw = _Draws(count, generator, self.device)
        if variation.sparse > 0:
            # Some drawings keep only every other point, as a fast stroke gives: an odd
            # point inside a stroke (its ends stay) moves onto the point before it.
            thin = draw.uniform(0, 1) < variation.sparse
            odd = torch.arange(used, device=self.device) % 2 == 1
            inner = torch.zeros_like(points[..., 0], dtype=torch.bool)
            inner[:, 1:-1] = joined[:, :-1] & joined[:, 1:]
            drop = thin.view(-1, 1) & odd.view(1, -1) & inner
            previous = torch.cat([points[:, :1], points[:, :-1]], dim=1)
            points = torch.where(drop.unsqueeze(-1), previous, points)
        points = points @ draw.linear_maps(variation).transpose(1, 2)
        if variation.jitter > 0:
            points = points + variation.jitter * torch.randn(points.shape, generator=generator,
                                                             device=self.device)
        width = draw.uniform(*variation.pen_width)
        edge = draw.uniform(*variation.edge)
        valid = torch.arange(used, device=self.device).view(1, -1) < self.lengths[index].view(-1, 1)
        starts, ends, half = fitted_segments(points, joined, valid, width)
        ink = segment_ink(starts, ends, half, edge)
        return shift_images(ink, centre_shifts(ink))


def fitted_segments(points: torch.Tensor, joined: torch.Tensor, valid: torch.Tensor,
                    width: torch.Tensor):
    """Segments in field pixels of drawings (B, P, 2) fitted like ``strokes.fit_transform``
    (the box of the valid points, widened by the pen, fills the 20-px box, centred)."""
    far = torch.finfo(points.dtype).max
    low = torch.where(valid.unsqueeze(-1), points, far).amin(1)
    high = torch.where(valid.unsqueeze(-1), points, -far).amax(1)
    extent = (high - low).amax(1).clamp_min(1e-6)
    scale = ((BOX_SIZE - width) / extent).view(-1, 1, 1)
    offset = (INPUT_SIZE - 1) / 2 - scale * ((low + high) / 2).unsqueeze(1)
    placed = points * scale + offset
    half = torch.where(joined, (width / 2).view(-1, 1), 0.0)
    return placed[:, :-1], placed[:, 1:], half


class _Draws:
    def __init__(self, count, generator, device):
        self.count, self.generator, self.device = count, generator, device

    def uniform(self, low: float, high: float) -> torch.Tensor:
        return low + (high - low) * torch.rand(self.count, generator=self.generator, device=self.device)

    def linear_maps(self, variation: PenVariation) -> torch.Tensor:
        """(B, 2, 2): rotate, slant, stretch; the identity without variation."""
        angle = self.uniform(-1, 1) * math.radians(variation.rotation)
        shear = self.uniform(-1, 1) * variation.shear
        aspect = torch.exp(self.uniform(-1, 1) * math.log1p(variation.aspect))
        cos, sin = torch.cos(angle), torch.sin(angle)
        # x' = aspect * (cos x - sin y + shear y'), y' = sin x + cos y (slant after rotation)
        return torch.stack([
            torch.stack([aspect * (cos + shear * sin), aspect * (-sin + shear * cos)], dim=1),
            torch.stack([sin, cos], dim=1),
        ], dim=1)


def _packed(drawing: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One drawing's strokes, normalised (centre 0, longer side 1) and resampled, as one
    row of points and flags (True: a segment joins this point to the next)."""
    every = np.concatenate(drawing)
    low, high = every.min(0), every.max(0)
    extent = max(float((high - low).max()), 1e-6)
    rows, links = [], []
    for stroke in drawing:
        points = _resample((stroke - (low + high) / 2) / extent, RESAMPLE_SPACING)
        if len(points) == 1:
            points = np.repeat(points, 2, 0)  # a dot: a segment of no length
        rows.append(points)
        flags = np.ones(len(points), bool)
        flags[-1] = False
        links.append(flags)
    return np.concatenate(rows).astype(np.float32), np.concatenate(links)


def _resample(path: np.ndarray, spacing: float) -> np.ndarray:
    """Points every ``spacing`` along the path, ends kept; pen-down repeats dropped."""
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    moved = np.concatenate([[True], steps > 1e-9])
    path = path[moved]
    if len(path) == 1:
        return path
    distance = np.concatenate([[0.0], np.cumsum(steps[steps > 1e-9])])
    count = max(2, int(np.ceil(distance[-1] / spacing)) + 1)
    targets = np.linspace(0.0, distance[-1], count)
    return np.stack([np.interp(targets, distance, path[:, axis]) for axis in (0, 1)], axis=1)
