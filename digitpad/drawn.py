"""The drawn-digit evaluation: how well a network reads digits as people draw them.

Pen digits from writers the network never saw (UNIPEN's held-out writers) and MNIST's
test digits turned into strokes are replayed as drawings on the pad: each at a size
between 25 % and 90 % of the pad, at a random place inside it, with a brush between the
smallest and the largest the pad offers, its points spaced as pointer events arrive.
Every drawing then goes through the pad's own path (``digitpad.strokes.Rasteriser``) and
the network. Accuracy is reported overall, per size, per brush, per digit and per set,
with the most common confusions.

``path="pixels"`` instead paints the strokes with the brush on a 280-px pad and reads the
picture through the pixel recipe (``digitpad.preprocess``): how the app read drawings
before the strokes were rasterised, kept for comparison.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from .evaluate import confusion_matrix
from .models import NUM_CLASSES
from .pendata import PenDigits, finished, tracing_mnist, unipen_split
from .preprocess import preprocess
from .strokes import PenStroke, Rasteriser

PAD = 280  # logical pixels of the pad (digitpad.ui.canvas.LOGICAL_SIZE)
BRUSHES = (6, 48)  # the pad's smallest and largest brush, logical pixels
SIZES = (0.25, 0.90)  # the drawing's longer side, as a share of the pad
POINTER_STEP = 0.5  # logical pixels between pointer positions on a 560-px pad
MIN_POINT_DISTANCE = 0.5  # the pad drops closer points (canvas.MIN_POINT_DISTANCE)
BUCKETS = 4
SEED = 0
BATCH = 500


@dataclass(frozen=True)
class DrawnSet:
    name: str
    digits: PenDigits


@dataclass(frozen=True)
class Replay:
    """One drawing as it would arrive on the pad."""

    strokes: list[PenStroke]
    size: float  # share of the pad
    brush: float  # logical pixels


@dataclass
class DrawnEvaluation:
    count: int
    accuracy: float
    per_class: np.ndarray  # (10,) accuracy of each true digit
    confusion: np.ndarray
    per_set: dict[str, float]
    per_size: list[tuple[str, float, int]]  # (bucket, accuracy, count)
    per_brush: list[tuple[str, float, int]]
    path: str
    labels: np.ndarray = field(repr=False)
    predictions: np.ndarray = field(repr=False)

    def top_confusions(self, count: int = 8) -> list[tuple[int, int, int]]:
        """(true, read as, times), most frequent first."""
        off = self.confusion.copy()
        np.fill_diagonal(off, 0)
        order = np.argsort(off, axis=None)[::-1][:count]
        return [(int(i // NUM_CLASSES), int(i % NUM_CLASSES), int(off.flat[i]))
                for i in order if off.flat[i] > 0]

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "drawings": self.count,
            "accuracy": self.accuracy,
            "per_digit": [float(a) for a in self.per_class],
            "per_set": self.per_set,
            "per_size": [{"size": b, "accuracy": a, "drawings": n} for b, a, n in self.per_size],
            "per_brush": [{"brush": b, "accuracy": a, "drawings": n} for b, a, n in self.per_brush],
            "confusions": [{"true": t, "read": r, "count": n} for t, r, n in self.top_confusions()],
            "confusion": self.confusion.tolist(),
            "sizes": list(SIZES), "brushes": list(BRUSHES), "seed": SEED,
        }


def drawn_sets(unipen_folder=None, mnist_test=None, mnist_count: int | None = None,
               cache_folder=None) -> list[DrawnSet]:
    """The held-out UNIPEN writers and, given MNIST's test Digits, its first
    ``mnist_count`` digits (all by default) as strokes, kept traced in ``cache_folder``
    (``pendata.strokes_cache()`` for the user's) when one is given."""
    return finished(making_drawn_sets(unipen_folder, mnist_test, mnist_count, cache_folder))


def making_drawn_sets(unipen_folder=None, mnist_test=None, mnist_count: int | None = None,
                      cache_folder=None) -> Generator[float, None, list[DrawnSet]]:
    """``drawn_sets`` as a generator: yields the share of MNIST's digits traced (the
    slow part the first time: about 40 s for 10,000) and returns the sets."""
    sets = [DrawnSet("unipen-validation", unipen_split(unipen_folder)[1])]
    if mnist_test is not None:
        images, labels = mnist_test.images[:mnist_count], mnist_test.labels[:mnist_count]
        sets.append(DrawnSet("mnist-strokes", (yield from tracing_mnist(images, labels, cache_folder))))
    return sets


def replays(digits: PenDigits, rng: np.random.Generator) -> list[Replay]:
    """Each drawing placed on the pad at a random size, place and brush, its points
    where pointer events would put them."""
    out = []
    for drawing in digits.strokes:
        every = np.concatenate(drawing)
        low, high = every.min(0), every.max(0)
        extent = max(float((high - low).max()), 1e-6)
        size = rng.uniform(*SIZES)
        brush = rng.uniform(*BRUSHES)
        scale = size * PAD / extent
        room = PAD - (high - low) * scale
        corner = rng.uniform(0, 1, 2) * room
        strokes = []
        for stroke in drawing:
            points = (stroke - low) * scale + corner
            points = np.round(points / POINTER_STEP) * POINTER_STEP
            strokes.append(PenStroke.of(_pointer_points(points), width=brush))
        out.append(Replay(strokes, size, brush))
    return out


def _pointer_points(points: np.ndarray) -> np.ndarray:
    """Drop points the pad would drop (closer than MIN_POINT_DISTANCE to the last)."""
    keep, last = [0], points[0]
    for i in range(1, len(points)):
        if abs(points[i, 0] - last[0]) + abs(points[i, 1] - last[1]) >= MIN_POINT_DISTANCE:
            keep.append(i)
            last = points[i]
    return points[keep]


def pixel_picture(replay: Replay) -> np.ndarray:
    """The replay painted with its round brush on the 280-px pad (ink high, 0..1)."""
    from PIL import Image, ImageDraw

    supersample = 2
    side = PAD * supersample
    picture = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(picture)
    pen = replay.brush * supersample
    for stroke in replay.strokes:
        points = [(float(x), float(y)) for x, y in stroke.points * supersample]
        if len(points) > 1:
            draw.line(points, fill=255, width=max(1, round(pen)), joint="curve")
        for x, y in points:  # round ends and joints
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    small = picture.resize((PAD, PAD), Image.Resampling.BOX)
    return np.asarray(small, np.float32) / np.float32(255.0)


def model_inputs(replays_: list[Replay], path: str = "strokes") -> tuple[np.ndarray, np.ndarray]:
    """(inputs (N, 28, 28) float32, has_digit (N,) bool) as the pad would make them."""
    rasterise = Rasteriser()
    inputs = np.zeros((len(replays_), 28, 28), np.float32)
    found = np.zeros(len(replays_), bool)
    for i, replay in enumerate(replays_):
        if path == "strokes":
            rasterise.forget()  # each drawing on a fresh pad
            steps = rasterise(replay.strokes, surface=PAD)
        else:
            steps = preprocess(pixel_picture(replay))
        if steps.has_digit:
            inputs[i], found[i] = steps.model_input, True
    return inputs, found


@torch.no_grad()
def read(model: nn.Module, inputs: np.ndarray, found: np.ndarray, device="cpu") -> np.ndarray:
    """The digit read in each input; -1 where the pad found no digit."""
    model.eval()
    predictions = np.full(len(inputs), -1, np.int64)
    for start in range(0, len(inputs), BATCH):
        batch = torch.from_numpy(inputs[start:start + BATCH]).unsqueeze(1).to(device)
        predictions[start:start + BATCH] = model(batch).argmax(1).cpu().numpy()
    predictions[~found] = -1
    return predictions


def evaluate_drawn(model: nn.Module, sets: list[DrawnSet], *, path: str = "strokes",
                   device="cpu", prepared=None) -> DrawnEvaluation:
    """Accuracy of ``model`` on the drawn sets (a drawing with no digit found counts as
    wrong). ``prepared``: the result of ``prepare(sets, path)``, to read the same drawings
    with several models."""
    labels, sizes, brushes, names, inputs, found = prepared if prepared is not None else prepare(sets, path)
    model = model.to(device)
    predictions = read(model, inputs, found, device)
    right = predictions == labels
    confusion = confusion_matrix(labels[found], predictions[found])
    per_class = np.array([right[labels == d].mean() if (labels == d).any() else 0.0
                          for d in range(NUM_CLASSES)])
    return DrawnEvaluation(
        count=len(labels),
        accuracy=float(right.mean()) if len(labels) else 0.0,
        per_class=per_class,
        confusion=confusion,
        per_set={s.name: float(right[names == s.name].mean()) for s in sets},
        per_size=_buckets(sizes, right, SIZES, "{:.0%}-{:.0%}"),
        per_brush=_buckets(brushes, right, BRUSHES, "{:.0f}-{:.0f} px"),
        path=path,
        labels=labels,
        predictions=predictions,
    )


def prepare(sets: list[DrawnSet], path: str = "strokes"):
    """Every set's drawings replayed (fixed seed) and made into model inputs."""
    rng = np.random.default_rng(SEED)
    all_replays, labels, names = [], [], []
    for drawn_set in sets:
        all_replays += replays(drawn_set.digits, rng)
        labels.append(drawn_set.digits.labels)
        names += [drawn_set.name] * len(drawn_set.digits)
    inputs, found = model_inputs(all_replays, path)
    sizes = np.array([r.size for r in all_replays])
    brushes = np.array([r.brush for r in all_replays])
    return (np.concatenate(labels) if labels else np.zeros(0, np.int64), sizes, brushes,
            np.array(names), inputs, found)


def _buckets(values, right, bounds, label) -> list[tuple[str, float, int]]:
    edges = np.linspace(bounds[0], bounds[1], BUCKETS + 1)
    out = []
    for low, high in zip(edges[:-1], edges[1:]):
        chosen = (values >= low) & (values <= high if high == edges[-1] else values < high)
        out.append((label.format(low, high), float(right[chosen].mean()) if chosen.any() else 0.0,
                    int(chosen.sum())))
    return out
