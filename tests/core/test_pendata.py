"""Pen data for training and the drawn-digit evaluation: UNIPEN split by writer, MNIST
as strokes, and batches rendered by the same rasteriser as the pad."""

import numpy as np
import pytest
import torch

from digitpad.pendata import (
    NO_VARIATION,
    POLYLINES_VERSION,
    PenBank,
    PenDigits,
    PenVariation,
    digit_strokes,
    load_unipen,
    mnist_strokes,
    skeleton_polylines,
    skeleton_strokes,
    unipen_dir,
    writer_split,
)
from digitpad.strokes import rasterise


def straight_digits() -> PenDigits:
    """Drawings of straight strokes only, in tablet-like units, y down."""
    seven = [np.array([[0, 0], [300, 0]], np.float32), np.array([[300, 0], [120, 500]], np.float32)]
    one = [np.array([[50, 0], [50, 400]], np.float32)]
    four = [np.array([[200, 0], [0, 300]], np.float32), np.array([[0, 300], [260, 300]], np.float32),
            np.array([[200, 0], [200, 450]], np.float32)]
    return PenDigits([seven, one, four], np.array([7, 1, 4]), np.array(["a/x", "a/y", "b/x"]))


def test_a_batch_renders_as_the_pad_renders_each_drawing():
    digits = straight_digits()
    bank = PenBank(digits)
    batch = bank.render(torch.arange(len(digits)))
    for i, drawing in enumerate(digits.strokes):
        # Resampling straight strokes moves no ink: the same pixels as the pad's path.
        assert np.abs(batch[i].numpy() - rasterise(drawing).centred).max() < 1e-4


def test_variations_change_the_drawing_but_keep_it_fitted_and_centred():
    bank = PenBank(straight_digits())
    generator = torch.Generator().manual_seed(0)
    index = torch.tensor([0, 1, 2] * 8)
    varied = bank.render(index, PenVariation(sparse=0.5), generator)
    plain = bank.render(index, NO_VARIATION)
    assert (varied - plain).abs().amax() > 0.3
    grid = torch.arange(28.0)
    mass = varied.sum((1, 2))
    assert ((varied.sum(2) @ grid / mass - 14).abs() <= 0.5 + 1e-4).all()
    assert ((varied.sum(1) @ grid / mass - 14).abs() <= 0.5 + 1e-4).all()
    assert varied.amax() <= 1 and varied.amin() >= 0


def test_the_split_keeps_each_writer_on_one_side():
    writers = np.array([f"c{i % 7}/w{i % 23}" for i in range(500)])
    digits = PenDigits([[np.zeros((2, 2), np.float32)]] * 500, np.arange(500) % 10, writers)
    train, validation = writer_split(digits)
    assert not set(writers[train]) & set(writers[validation])
    assert len(train) + len(validation) == 500
    assert 0.1 < len(set(writers[validation])) / len(set(writers)) < 0.3
    again = writer_split(digits)
    assert np.array_equal(again[1], validation)


@pytest.mark.skipif(unipen_dir() is None, reason="UNIPEN data not found (../shared/data/unipen-1a "
                    "or $DIGITPAD_UNIPEN)")
def test_unipen_loads_without_its_flagged_duplicates():
    digits = load_unipen()
    assert len(digits) == 15_466
    assert np.bincount(digits.labels).tolist() == [1575, 1697, 1606, 1549, 1572, 1486, 1465, 1495,
                                                   1527, 1494]
    assert len(set(digits.writers)) >= 268
    train, validation = writer_split(digits)
    assert 0.15 < len(validation) / len(digits) < 0.35


def test_a_skeleton_becomes_strokes_that_draw_the_digit_again():
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 12:15] = 255  # a thick "1"
    image[4:7, 8:15] = 255
    strokes = skeleton_strokes(image)
    assert strokes and all(len(s) in (1, 2) for s in strokes)
    redrawn = rasterise(strokes).centred > 0.5
    assert redrawn.sum() > 30
    points = np.concatenate(strokes)
    assert points[:, 1].max() - points[:, 1].min() >= 15  # spans the digit's height


def test_mnist_digits_become_stroke_digits(mnist_test):
    digits = mnist_strokes(mnist_test.images[:20], mnist_test.labels[:20])
    assert len(digits) == 20 and np.array_equal(digits.labels, mnist_test.labels[:20])
    rendered = PenBank(digits).render(torch.arange(20))
    original = torch.from_numpy(mnist_test.images[:20] / 255.0).float()
    overlap = ((rendered > 0.5) & (original > 0.5)).sum((1, 2)) / (original > 0.5).sum((1, 2))
    assert overlap.median() > 0.5  # the same digit, redrawn with the pad's pen


def test_a_traced_skeleton_draws_the_same_ink_with_fewer_strokes(mnist_test):
    for image in mnist_test.images[:30]:
        segments, lines = skeleton_strokes(image), skeleton_polylines(image)
        assert len(lines) < len(segments)
        # Every pixel pair the segments join is a step of some traced line, or a diagonal
        # shortcut beside a corner pixel that the lines pass through instead.
        ink_segments = rasterise(segments).centred
        ink_lines = rasterise(lines).centred
        assert np.abs(ink_segments - ink_lines).mean() < 0.02


def test_a_closed_loop_and_a_dot_are_traced():
    image = np.zeros((28, 28), np.uint8)
    image[5:20, 5] = image[5:20, 15] = 255
    image[5, 5:16] = image[19, 5:16] = 255  # a square ring, one pixel wide
    image[25, 25] = 255  # a lone dot
    lines = skeleton_polylines(image)
    loop = max(lines, key=len)
    assert len(loop) >= 40 and np.array_equal(loop[0], loop[-1])  # once round, closed
    assert any(len(line) == 1 and tuple(line[0]) == (25, 25) for line in lines)


def closed(line: np.ndarray) -> bool:
    return len(line) > 3 and np.array_equal(line[0], line[-1])


def enclosed_pixels(strokes) -> int:
    """Background pixels the rendered ink closes in: the holes of loops."""
    from scipy import ndimage

    ink = rasterise(strokes).model_input > 0.5
    return int((ndimage.binary_fill_holes(ink) & ~ink).sum())


@pytest.mark.parametrize("radius", [4.5, 5.0, 5.5])
def test_a_loop_the_ink_filled_in_reaches_the_network_as_a_loop(radius):
    # A small 9 whose head the ink filled: a solid disc on a stem, as MNIST often has it.
    rows, cols = np.mgrid[:28, :28]
    image = np.zeros((28, 28), np.uint8)
    image[(rows - 8) ** 2 + (cols - 13) ** 2 <= radius**2] = 255
    image[8:25, 16:19] = 255
    assert enclosed_pixels(skeleton_polylines(image)) == 0  # thinned to a line through the blob
    lines = digit_strokes(image)
    assert enclosed_pixels(lines) >= 8
    points = np.concatenate(lines)
    assert points[:, 1].max() >= 22 and points[:, 1].min() <= 6  # the stem and the head


def test_an_evenly_thick_stroke_gets_no_loop():
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 11:16] = 255  # a fat 1, five pixels wide all the way
    image[4:7, 7:16] = 255  # its flag
    lines = digit_strokes(image)
    assert lines and not any(closed(line) for line in lines) and enclosed_pixels(lines) == 0
    points = np.concatenate(lines)
    assert points[:, 1].max() - points[:, 1].min() >= 15
    assert all(len(line) <= 6 for line in lines)  # straight runs are simplified to few points


def test_mnist_strokes_are_cached(mnist_test, tmp_path, monkeypatch):
    made = mnist_strokes(mnist_test.images[:40], mnist_test.labels[:40], cache_folder=tmp_path)
    assert len(made) == 40 and len(list(tmp_path.glob("*.npz"))) == 1
    kept = next(tmp_path.glob("*.npz"))
    older = tmp_path / kept.name.replace(f"-v{POLYLINES_VERSION}-", "-v0-")  # an older tracing's
    monkeypatch.setattr("digitpad.pendata.digit_strokes", lambda image: pytest.fail("traced again"))
    again = mnist_strokes(mnist_test.images[:40], mnist_test.labels[:40], cache_folder=tmp_path)
    assert np.array_equal(again.labels, made.labels)
    assert all(np.array_equal(a, b) for x, y in zip(made.strokes, again.strokes) for a, b in zip(x, y))
    next(tmp_path.glob("*.npz")).write_bytes(b"damaged")
    monkeypatch.undo()
    older.write_bytes(kept.read_bytes())
    rebuilt = mnist_strokes(mnist_test.images[:40], mnist_test.labels[:40], cache_folder=tmp_path)
    assert len(rebuilt) == 40
    assert [f.name for f in tmp_path.glob("*.npz")] == [kept.name]  # the older one is gone
