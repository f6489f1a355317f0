"""Image files: strokes much thinner than MNIST's are drawn again with MNIST's pen."""

import numpy as np

from digitpad.drawn import Replay, pixel_picture
from digitpad.pictures import THIN_BELOW, read_picture, stroke_width
from digitpad.preprocess import preprocess
from digitpad.samples import sample
from digitpad.strokes import PenStroke


def picture(digit: int, brush: float) -> np.ndarray:
    strokes = [PenStroke.of(np.asarray(s) * 200 + 40) for s in sample(digit).strokes]
    return pixel_picture(Replay(strokes, 0.7, brush))


def test_mnist_digits_are_read_as_they_are(mnist_test):
    kept = 0
    for image in mnist_test.images[:100]:
        steps = preprocess(image)
        if stroke_width(steps.cropped) >= THIN_BELOW:
            kept += 1
            assert np.array_equal(read_picture(image).model_input, steps.model_input)
    assert kept >= 90  # nearly all of MNIST is left alone


def test_the_width_is_measured_in_the_box():
    for brush, low, high in ((3, 0.1, 0.8), (18, 1.5, 3.6), (48, 3.5, 8.0)):
        assert low < stroke_width(preprocess(picture(3, brush)).cropped) < high, brush


def test_a_hairline_reaches_the_network_like_a_pen_stroke():
    hairline, pen, marker = picture(3, 3), picture(3, 18), picture(3, 48)
    thin = read_picture(hairline)
    assert not np.array_equal(thin.model_input, preprocess(hairline).model_input)
    # As a picture the hairline has a fraction of a pen stroke's ink; redrawn, about as much,
    # in the same place.
    pen_ink = preprocess(pen).centred
    assert preprocess(hairline).centred.sum() < 0.5 * pen_ink.sum()
    assert abs(thin.centred.sum() - pen_ink.sum()) < 0.25 * pen_ink.sum()
    before = np.abs(preprocess(hairline).centred - pen_ink).mean()
    assert np.abs(thin.centred - pen_ink).mean() < 0.8 * before
    # Fat strokes keep the pixel recipe: it reads them better than their skeletons.
    assert np.array_equal(read_picture(marker).model_input, preprocess(marker).model_input)


def test_the_redrawn_input_still_lies_on_the_picture():
    hairline = picture(7, 3)
    steps = read_picture(hairline)
    x, y, width, height = steps.input_rect
    # The pen's path, mapped into the input, is where the input's ink is.
    path = np.concatenate([np.asarray(s) * 200 + 40 for s in sample(7).strokes])
    cols = (path[:, 0] - x) / width * 28 - 0.5
    rows = (path[:, 1] - y) / height * 28 - 0.5
    inked = np.argwhere(steps.centred > 0.5)
    for mapped, axis in ((rows, 0), (cols, 1)):
        assert abs(mapped.min() - inked[:, axis].min()) <= 1.5
        assert abs(mapped.max() - inked[:, axis].max()) <= 1.5
