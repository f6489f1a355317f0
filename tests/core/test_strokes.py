"""The stroke rasteriser: one path from strokes to the 28x28 input for drawing, training
and evaluation, independent of drawing size and brush."""

import numpy as np
import pytest
import torch

from digitpad import strokes as rasteriser
from digitpad.preprocess import BOX_SIZE, INPUT_SIZE
from digitpad.samples import SAMPLES, sample
from digitpad.strokes import PenStroke, Rasteriser, rasterise, segment_ink


def on_pad(strokes, size=1.0, corner=(0.0, 0.0), width=22.0):
    """A unit-box sample drawn on a 280-px pad at ``size`` of it, from ``corner``."""
    return [PenStroke.of(np.asarray(s) * 280 * size + corner, width=width) for s in strokes]


def centre_of_mass(image):
    index = np.arange(INPUT_SIZE)
    mass = image.sum()
    return (image.sum(1) @ index) / mass, (image.sum(0) @ index) / mass


def test_the_same_strokes_at_any_size_and_brush_give_the_same_input():
    seven = sample(7).strokes
    tiny_fat = rasterise(on_pad(seven, 0.25, (20, 150), width=48), surface=280)
    huge_thin = rasterise(on_pad(seven, 0.9, (10, 5), width=6), surface=280)
    assert tiny_fat.has_digit and huge_thin.has_digit
    assert np.abs(tiny_fat.model_input - huge_thin.model_input).max() < 1e-4


def test_the_input_is_made_like_mnist():
    for handwritten in SAMPLES:
        steps = rasterise(on_pad(handwritten.strokes), surface=280)
        centred = steps.centred
        assert centred.shape == (INPUT_SIZE, INPUT_SIZE) and 0 <= centred.min() and centred.max() <= 1
        cy, cx = centre_of_mass(centred)
        assert abs(cy - 14) <= 0.5 + 1e-4 and abs(cx - 14) <= 0.5 + 1e-4, handwritten.name
        rows = np.flatnonzero(centred.max(1) > 0.1)
        cols = np.flatnonzero(centred.max(0) > 0.1)
        # The longer side fills the 20-px box (within the soft edge).
        longer = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
        assert BOX_SIZE - 1 <= longer <= BOX_SIZE + 1, handwritten.name
        assert steps.model_input.dtype == np.float32


def test_an_eraser_stroke_takes_ink_away_in_order():
    line = PenStroke.of([[40, 140], [240, 140]])
    column = PenStroke.of([[140, 40], [140, 240]])
    eraser = PenStroke.of([[140, 100], [140, 180]], width=40, erase=True)
    both = rasterise([line, column], surface=280).centred
    erased = rasterise([line, column, eraser], surface=280).centred
    assert erased.sum() < both.sum() - 5
    # Ink drawn after the eraser stays.
    redrawn = rasterise([line, column, eraser, PenStroke.of([[140, 100], [140, 180]])], surface=280).centred
    assert redrawn.sum() > erased.sum() + 3


def test_pressure_widens_the_pen():
    points = [[40, 140], [240, 140], [240, 200]]
    light = rasterise([PenStroke.of(points, factors=[0.5, 0.5, 0.5])], surface=280).centred
    heavy = rasterise([PenStroke.of(points, factors=[1.5, 1.5, 1.5])], surface=280).centred
    assert heavy.sum() > 1.5 * light.sum()


def test_empty_and_tiny_drawings_are_no_digit():
    assert rasterise([], surface=280).reason == "empty"
    assert rasterise([PenStroke.of([[10, 10], [14, 12]])], surface=280).reason == "too small to be a digit"
    only_erased = rasterise([PenStroke.of([[10, 10], [200, 200]], erase=True)], surface=280)
    assert not only_erased.has_digit


def test_a_lone_point_among_strokes_is_a_dot():
    line = PenStroke.of([[40, 40], [40, 240]])
    with_dot = rasterise([line, PenStroke.of([[200, 140]])], surface=280).centred
    assert with_dot.sum() > rasterise([line, PenStroke.of([[200, 140], [200, 140]])], surface=280).centred.sum() - 1e-3
    assert (with_dot > 0.5).sum() > (rasterise([line], surface=280).centred > 0.5).sum()


@pytest.mark.parametrize("spread, length", [(24, 1.0), (24, 6.0), (40, 1.0)])
def test_the_windowed_ink_equals_the_ink_measured_at_every_pixel(spread, length):
    # Short segments inside the field (the disc around each middle), long ones and ones
    # reaching outside the field (every pixel): the same ink, to float rounding.
    generator = torch.Generator().manual_seed(1)
    starts = torch.rand(3, 40, 2, generator=generator) * spread + (14 - spread / 2)
    ends = starts + (torch.rand(3, 40, 2, generator=generator) - 0.5) * length
    half = torch.rand(3, 40, generator=generator) + 0.8
    half[:, ::7] = 0  # no segment
    edges = torch.tensor([0.8, 1.0, 1.5])
    windowed = segment_ink(starts, ends, half, edges)
    pixels = rasteriser._PIXELS.expand(3, 40, -1, -1)
    everywhere = rasteriser._pen_ink(starts, ends, half, edges, pixels).amax(1).view(3, 28, 28)
    assert windowed.shape == (3, 28, 28)
    assert (everywhere > 0).sum() > 100
    assert torch.allclose(windowed, everywhere, atol=1e-6, rtol=0)


def test_drawings_without_segments_have_no_ink():
    starts = torch.rand(2, 5, 2) * 20 + 4
    assert torch.equal(segment_ink(starts, starts + 1, torch.zeros(2, 5)), torch.zeros(2, 28, 28))
    half = torch.zeros(2, 5)
    half[1, 2] = 1.0
    ink = segment_ink(starts, starts + 1, half)
    assert ink[0].sum() == 0 and ink[1].sum() > 1


def test_a_growing_drawing_reuses_what_it_rendered_and_reads_the_same():
    cached = Rasteriser()
    drawing = []
    for stroke in on_pad(sample(8).strokes) + on_pad(sample(1).strokes, 0.5, (60, 60)):
        for end in range(1, len(stroke.points) + 1, 7):
            growing = drawing + [PenStroke.of(stroke.points[:end])]
            assert np.array_equal(cached(growing, surface=280).centred,
                                  rasterise(growing, surface=280).centred)
        drawing.append(stroke)
    assert cached._inks and cached._inks[-1][0] == len(drawing) - 1  # the ink below the last stroke


def test_input_rect_puts_the_input_back_on_the_drawing():
    steps = rasterise(on_pad(sample(4).strokes), surface=280)
    x, y, width, height = steps.input_rect
    assert width == pytest.approx(height)
    # The drawing's ink box, mapped into the input, is where the input's ink is.
    points = np.concatenate([s * 280 for s in sample(4).strokes])
    cols = (points[:, 0] - x) / width * INPUT_SIZE - 0.5
    rows = (points[:, 1] - y) / height * INPUT_SIZE - 0.5
    inked = np.argwhere(steps.centred > 0.5)
    assert abs(rows.min() - inked[:, 0].min()) <= 1.5 and abs(rows.max() - inked[:, 0].max()) <= 1.5
    assert abs(cols.min() - inked[:, 1].min()) <= 1.5 and abs(cols.max() - inked[:, 1].max()) <= 1.5


def test_one_drawing_in_numpy_is_the_batched_torch_path():
    rng = np.random.default_rng(3)
    for trial in range(20):
        count = int(rng.integers(1, 60))
        starts = (rng.uniform(3, 25, (count, 2))).astype(np.float32)
        ends = (starts + rng.normal(0, 0.6 if trial % 2 else 4.0, (count, 2))).astype(np.float32)
        half = rng.uniform(0.8, 2.0, count).astype(np.float32)
        half[rng.uniform(size=count) < 0.1] = 0
        edge = float(rng.uniform(0.8, 1.5))
        one = rasteriser.drawing_ink(starts, ends, half, edge)
        batch = segment_ink(torch.from_numpy(starts)[None], torch.from_numpy(ends)[None],
                            torch.from_numpy(half)[None], torch.tensor([edge]))[0].numpy()
        assert np.abs(one - batch).max() < 1e-5
        shifts = rasteriser.centre_shifts(torch.from_numpy(one)[None])
        assert np.array_equal(rasteriser.centre_shift(one), shifts[0].numpy())
        assert np.array_equal(rasteriser.shifted(one, shifts[0].numpy()),
                              rasteriser.shift_images(torch.from_numpy(one)[None], shifts)[0].numpy())


def test_many_strokes_give_the_segments_and_ink_each_stroke_gives_alone(monkeypatch):
    # Strokes are grouped by length and segments drawn in chunks for speed (a box change
    # on a pad of thousands of strokes draws them all again); neither may change the ink.
    rng = np.random.default_rng(5)
    drawing = [PenStroke.of(rng.normal(0, 20, (int(n), 2)).cumsum(0) + 200,
                            rng.uniform(0.5, 1.5, int(n)) if n % 3 == 0 else None)
               for n in rng.integers(1, 12, 3000)]
    scale, offset = 0.04, np.array([2.0, 3.0])
    together = np.concatenate(rasteriser.stroke_segments(drawing, scale, offset, 2.6)[:2], axis=1)
    alone = np.concatenate([np.concatenate(rasteriser.stroke_segments([s], scale, offset, 2.6)[:2], axis=1)
                            for s in drawing])
    assert len(together) == len(alone) > rasteriser.INK_CHUNK
    assert np.array_equal(together[np.lexsort(together.T)], alone[np.lexsort(alone.T)])
    chunked = rasteriser.drawing_ink(*rasteriser.stroke_segments(drawing, scale, offset, 2.6))
    monkeypatch.setattr(rasteriser, "INK_CHUNK", 10**9)
    whole = rasteriser.drawing_ink(*rasteriser.stroke_segments(drawing, scale, offset, 2.6))
    assert np.array_equal(chunked, whole) and whole.max() == 1.0 and whole.min() < 1.0
