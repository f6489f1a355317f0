"""Values drawn through colour indices (ColouredImage): the colours on screen are the
colour table's at the values' places, NaN is transparent, and the mosaic keeps its
tiles' values for reading back."""

from __future__ import annotations

import numpy as np

from digitpad.ui.mosaic import (
    COLOURS,
    NAN_INDEX,
    ColouredImage,
    Mosaic,
    MosaicImage,
    colour_indices,
    diverging_lut,
    indexed_lut,
)


def test_levels_map_to_the_first_and_last_colour_and_nan_to_transparent():
    values = np.array([[-3.0, -1.0, 0.0], [1.0, 5.0, np.nan]], np.float32)
    indices = colour_indices(values, (-1.0, 1.0))
    assert indices.dtype == np.uint8
    assert indices.tolist() == [[0, 0, (COLOURS - 1) // 2], [COLOURS - 1, COLOURS - 1, NAN_INDEX]]
    lut = indexed_lut(diverging_lut())
    assert lut.shape == (256, 4) and lut[NAN_INDEX, 3] == 0 and (lut[:COLOURS, 3] == 255).all()
    np.testing.assert_array_equal(lut[0, :3], diverging_lut()[0])
    np.testing.assert_array_equal(lut[COLOURS - 1, :3], diverging_lut()[-1])


def test_flat_levels_give_one_colour_and_a_reused_buffer_is_filled_in_place():
    values = np.full((4, 4), 2.0, np.float32)
    first = colour_indices(values, (2.0, 2.0))
    assert (first == 0).all()
    again = colour_indices(values * 0 + 1.0, (0.0, 1.0), out=first)
    assert again is first and (first == COLOURS - 1).all()


def test_the_picture_drawn_has_the_colours_of_the_values(qapp):
    lut = diverging_lut()
    item = ColouredImage(lut)
    values = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    values[1, 2] = np.nan
    item.show_values(values, (-1.0, 1.0))
    assert item.values is values and item.shown_levels == (-1.0, 1.0)
    item.render()
    picture = item.qimage
    assert (picture.width(), picture.height()) == (4, 3)  # row-major: rows are y
    for y in range(3):
        for x in range(4):
            colour = picture.pixelColor(x, y)
            if np.isnan(values[y, x]):
                assert colour.alpha() == 0
                continue
            expected = lut[int(np.round((values[y, x] + 1) / 2 * (len(lut) - 1)))]
            got = (colour.red(), colour.green(), colour.blue())
            assert np.abs(np.array(got, int) - expected.astype(int)).max() <= 8, (x, y)
            assert colour.alpha() == 255


def test_a_mosaic_image_keeps_its_tiles_values_and_draws_its_gaps_transparent(qapp):
    tiles = np.arange(2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3)
    item = MosaicImage(Mosaic(2, (3, 3)), (0.0, 17.0))
    item.show_tiles(tiles)
    item.render()  # what a paint does first
    np.testing.assert_array_equal(item.values[:, :3], tiles[0])
    np.testing.assert_array_equal(item.values[:, 4:], tiles[1])
    assert item.image.dtype == np.uint8 and (item.image[:, 3] == NAN_INDEX).all()
    item.show_empty()
    item.render()
    assert np.isnan(item.values).all() and (item.image == NAN_INDEX).all()
