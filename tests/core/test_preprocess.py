import numpy as np
import pytest
from PIL import Image

from digitpad.data import load_mnist
from digitpad.preprocess import MNIST_MEAN, MNIST_STD, ImageFileError, denormalise, load_image, preprocess


def stroke_image(size=280, rows=slice(40, 240), cols=slice(130, 150), value=1.0):
    image = np.zeros((size, size), np.float32)
    image[rows, cols] = value
    return image


def test_recipe_steps_for_a_vertical_bar():
    result = preprocess(stroke_image())
    assert result.has_digit
    assert result.bbox == (40, 130, 240, 150)
    assert result.cropped.shape == (200, 20)
    assert result.boxed.shape == (20, 2)  # longer side scaled to 20 px
    assert result.centred.shape == result.model_input.shape == (28, 28)
    rows, cols = np.nonzero(result.centred > 0.5)
    assert rows.min() == 4 and rows.max() == 23  # 20 rows, centred vertically
    assert 12 <= cols.min() and cols.max() <= 15
    np.testing.assert_allclose(result.model_input, (result.centred - MNIST_MEAN) / MNIST_STD, atol=1e-6)
    np.testing.assert_allclose(denormalise(result.model_input), result.centred, atol=1e-6)


def test_centre_of_mass_lands_at_the_centre():
    image = np.zeros((100, 100), np.float32)
    image[10:60, 10:30] = 1.0  # a block off in the corner, heavier on one side
    image[10:20, 30:60] = 1.0
    centred = preprocess(image).centred
    total = centred.sum()
    cy = (centred.sum(axis=1) * np.arange(28)).sum() / total
    cx = (centred.sum(axis=0) * np.arange(28)).sum() / total
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5  # where MNIST puts it


def test_uint8_and_float_inputs_agree():
    as_float = stroke_image()
    as_uint8 = (as_float * 255).astype(np.uint8)
    np.testing.assert_allclose(preprocess(as_float).model_input, preprocess(as_uint8).model_input, atol=1e-5)


@pytest.mark.parametrize("image, reason", [
    (np.zeros((280, 280), np.float32), "empty"),
    (np.full((280, 280), 0.05, np.float32), "empty"),  # faint noise is not ink
    (stroke_image(rows=slice(100, 105), cols=slice(100, 105)), "too small to be a digit"),
    (stroke_image(rows=slice(0, 1), cols=slice(0, 1)), "too small to be a digit"),
])
def test_no_digit_is_never_a_prediction(image, reason):
    result = preprocess(image)
    assert not result.has_digit
    assert result.model_input is None and result.reason == reason


@pytest.mark.parametrize("image", [
    np.ones((280, 280), np.float32),  # a huge stroke covering everything
    stroke_image(rows=slice(0, 280), cols=slice(0, 20)),  # touching three edges
    stroke_image(rows=slice(270, 280), cols=slice(0, 280)),  # a flat line on the edge
    np.eye(280, dtype=np.float32),  # a one-pixel diagonal
    np.ones((1, 500), np.float32),  # a degenerate image shape
    np.full((50, 30), np.nan, np.float32),
])
def test_awkward_drawings_do_not_crash(image):
    result = preprocess(image)
    if result.has_digit:
        assert np.isfinite(result.model_input).all()
        assert result.model_input.shape == (28, 28)
        assert max(result.boxed.shape) == 20


def test_the_min_extent_can_be_set_by_the_caller():
    dot = stroke_image(rows=slice(100, 120), cols=slice(100, 120))
    assert preprocess(dot).has_digit
    assert not preprocess(dot, min_extent=30).has_digit


def test_rejects_non_images():
    with pytest.raises(ValueError, match="2-D image"):
        preprocess(np.zeros((2, 3, 4, 5)))


def test_mnist_digits_pass_through_almost_unchanged(mnist_dir):
    """MNIST digits were made with this recipe, so re-applying it keeps them nearly as they are."""
    test = load_mnist(mnist_dir, "test")
    correlations = []
    for image in test.images[:300]:
        centred = preprocess(image).centred
        original = image.astype(np.float32) / 255
        correlations.append(np.corrcoef(centred.ravel(), original.ravel())[0, 1])
    assert np.percentile(correlations, 5) > 0.99


def save(path, pixels, mode=None):
    Image.fromarray(pixels, mode).save(path)
    return path


def test_image_files_of_either_polarity_read_the_same(tmp_path):
    ink = (stroke_image(size=200, rows=slice(30, 170), cols=slice(90, 110)) * 255).astype(np.uint8)
    light_on_dark = load_image(save(tmp_path / "a.png", ink))
    dark_on_light = load_image(save(tmp_path / "b.png", 255 - ink))
    rgb = load_image(save(tmp_path / "c.jpg", np.stack([255 - ink] * 3, axis=2)))
    rgba = np.zeros((200, 200, 4), np.uint8)
    rgba[..., 3] = ink  # strokes on a transparent background
    transparent = load_image(save(tmp_path / "d.png", rgba))
    reference = preprocess(light_on_dark).model_input
    for image in (dark_on_light, transparent):
        np.testing.assert_allclose(preprocess(image).model_input, reference, atol=1e-5)
    assert np.abs(preprocess(rgb).model_input - reference).mean() < 0.1  # JPEG is lossy


def test_grey_paper_is_not_ink(tmp_path):
    paper = np.full((100, 100), 200, np.uint8)
    paper[20:80, 45:55] = 30
    image = load_image(save(tmp_path / "scan.png", paper))
    assert image[0, 0] == 0.0 and image[50, 50] == 1.0


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n\x00\x00"])
def test_unreadable_image_files_raise_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageFileError, match="bad.png: not a (readable|supported) image"):
        load_image(path)
    with pytest.raises(ImageFileError, match="no such file"):
        load_image(tmp_path / "missing.png")
