"""Image files: stroke widths far from MNIST's are drawn again with MNIST's pen."""

import numpy as np

from digitpad.drawn import Replay, pixel_picture
from digitpad.pictures import MNIST_WIDTHS, read_picture, stroke_width
from digitpad.preprocess import preprocess
from digitpad.samples import sample
from digitpad.strokes import PenStroke


def picture(digit: int, brush: float) -> np.ndarray:
    strokes = [PenStroke.of(np.asarray(s) * 200 + 40) for s in sample(digit).strokes]
    return pixel_picture(Replay(strokes, 0.7, brush))


def test_mnist_digits_are_read_as_they_are(mnist_test):
    for image in mnist_test.images[:50]:
        steps = preprocess(image)
        if MNIST_WIDTHS[0] <= stroke_width(steps.boxed) <= MNIST_WIDTHS[1]:
            assert np.array_equal(read_picture(image).model_input, steps.model_input)


def test_a_hairline_and_a_marker_reach_the_network_alike():
    hairline, marker = picture(3, 2), picture(3, 48)
    assert stroke_width(preprocess(hairline).boxed) < MNIST_WIDTHS[0]
    assert stroke_width(preprocess(marker).boxed) > MNIST_WIDTHS[1]
    thin, fat = read_picture(hairline), read_picture(marker)
    for steps in (thin, fat):
        assert MNIST_WIDTHS[0] <= stroke_width(steps.boxed) <= MNIST_WIDTHS[1]
    # The pixel recipe leaves them far apart; redrawn, they nearly agree.
    before = np.abs(preprocess(hairline).centred - preprocess(marker).centred).mean()
    after = np.abs(thin.centred - fat.centred).mean()
    assert after < 0.5 * before


def test_the_redrawn_input_still_lies_on_the_picture():
    marker = picture(7, 48)
    steps = read_picture(marker)
    x, y, width, height = steps.input_rect
    # The pen's path (the marker's centre line), mapped into the input, is where the
    # input's ink is.
    path = np.concatenate([np.asarray(s) * 200 + 40 for s in sample(7).strokes])
    cols = (path[:, 0] - x) / width * 28 - 0.5
    rows = (path[:, 1] - y) / height * 28 - 0.5
    inked = np.argwhere(steps.centred > 0.5)
    for mapped, axis in ((rows, 0), (cols, 1)):
        assert abs(mapped.min() - inked[:, axis].min()) <= 1.5
        assert abs(mapped.max() - inked[:, axis].max()) <= 1.5
