"""Hostile and unlucky image files (issue 17, cases 1 and 2, and the pixel bomb)."""

import struct
import zlib

import numpy as np
import pytest
from PIL import EpsImagePlugin, Image

from digitpad.preprocess import MAX_IMAGE_PIXELS, WORKING_PIXELS, ImageFileError, as_ink, load_image

from .conftest import digit_pixels

# (format, suffix, how to make the variant from the 8-bit grey source image)
VARIANTS = {
    "png-L": ("PNG", "png", lambda g: g),
    "png-RGB": ("PNG", "png", lambda g: g.convert("RGB")),
    "png-RGBA-opaque": ("PNG", "png", lambda g: g.convert("RGBA")),
    "png-LA-opaque": ("PNG", "png", lambda g: g.convert("LA")),
    "png-P": ("PNG", "png", lambda g: g.convert("RGB").convert("P")),
    "png-1": ("PNG", "png", lambda g: g.convert("1", dither=Image.Dither.NONE)),
    "png-16bit": ("PNG", "png", lambda g: Image.fromarray(np.asarray(g).astype(np.uint16) * 257)),
    "jpeg-L": ("JPEG", "jpg", lambda g: g),
    "jpeg-RGB": ("JPEG", "jpg", lambda g: g.convert("RGB")),
    "jpeg-CMYK": ("JPEG", "jpg", lambda g: g.convert("CMYK")),
    "webp-RGB": ("WEBP", "webp", lambda g: g.convert("RGB")),
    "webp-RGBA": ("WEBP", "webp", lambda g: g.convert("RGBA")),
    "tiff-I": ("TIFF", "tif", lambda g: g.convert("I")),
    "tiff-I-16bit": ("TIFF", "tif", lambda g: Image.fromarray(np.asarray(g).astype(np.int32) * 257)),
    "tiff-F": ("TIFF", "tif", lambda g: g.convert("F")),
    "tiff-CMYK": ("TIFF", "tif", lambda g: g.convert("CMYK")),
    "tiff-YCbCr": ("TIFF", "tif", lambda g: g.convert("RGB")),
    "bmp-RGB": ("BMP", "bmp", lambda g: g.convert("RGB")),
    "bmp-P": ("BMP", "bmp", lambda g: g.convert("RGB").convert("P")),
    "gif-P": ("GIF", "gif", lambda g: g.convert("P")),
}


def reading(reader, path):
    probabilities = reader(load_image(path))
    assert probabilities is not None, f"{path.name}: no digit"
    return probabilities


@pytest.mark.parametrize("ink", [0, 64], ids=["black-ink", "dark-grey-ink"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_mode_reads_like_its_greyscale_copy(tmp_path, reader, variant, ink):
    fmt, suffix, make = VARIANTS[variant]
    grey = Image.fromarray(digit_pixels(7, ink=ink))
    grey.save(tmp_path / "grey.png")
    variant_path = tmp_path / f"variant.{suffix}"
    make(grey).save(variant_path, format=fmt)
    expected = reading(reader, tmp_path / "grey.png")
    assert expected.argmax() == 7
    with Image.open(variant_path) as img:  # lossy formats: compare with what was stored
        if img.mode in ("RGB", "CMYK", "P", "1", "L", "RGBA", "LA") and fmt in ("JPEG", "WEBP"):
            img.convert("L").save(tmp_path / "stored-grey.png")
            expected = reading(reader, tmp_path / "stored-grey.png")
    got = reading(reader, variant_path)
    assert got.argmax() == expected.argmax() == 7
    np.testing.assert_allclose(got, expected, atol=0.01)


def test_coloured_ink_on_coloured_paper_reads_like_its_greyscale_copy(tmp_path, reader):
    grey = digit_pixels(7)
    rgb = np.where(grey[..., None] < 128, np.array([40, 30, 140], np.uint8),
                   np.array([250, 240, 200], np.uint8))
    Image.fromarray(rgb.astype(np.uint8), "RGB").save(tmp_path / "colour.png")
    Image.fromarray(rgb.astype(np.uint8), "RGB").convert("L").save(tmp_path / "grey.png")
    got, expected = reading(reader, tmp_path / "colour.png"), reading(reader, tmp_path / "grey.png")
    assert got.argmax() == 7
    np.testing.assert_allclose(got, expected, atol=0.01)


def test_ink_on_a_transparent_background_reads_as_the_digit(tmp_path, reader):
    for mode in ("RGBA", "LA"):
        alpha = 255 - digit_pixels(7)
        image = Image.new(mode, (280, 280))
        image.putalpha(Image.fromarray(alpha))
        image.save(tmp_path / f"{mode}.png")
        assert reading(reader, tmp_path / f"{mode}.png").argmax() == 7


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32, np.float64, np.int64, bool])
def test_rgb_arrays_scale_before_they_average(dtype):
    grey = np.zeros((8, 8), np.float64)
    grey[2:6, 3:5] = 1.0
    top = {np.uint8: 255, np.uint16: 65535}.get(dtype, 1)
    rgb = np.repeat((grey * top)[..., None], 3, axis=2).astype(dtype)
    np.testing.assert_allclose(as_ink(rgb), grey, atol=1e-6)


def test_arrays_that_are_not_numbers_are_refused():
    for bad in (np.array([["a"]]), np.zeros((4, 4), complex), np.zeros((4, 4, 5))):
        with pytest.raises(ValueError):
            as_ink(bad)


# ---------------------------------------------------------------- formats not meant to be read


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 28 28\n0 0 moveto 28 28 lineto stroke\nshowpage\n"


@pytest.mark.parametrize("name", ["digit.eps", "digit.png", "digit.jpg"])
def test_eps_is_refused_without_running_ghostscript(tmp_path, monkeypatch, name):
    def ghostscript(*args, **kwargs):
        raise AssertionError("Ghostscript was run")

    monkeypatch.setattr(EpsImagePlugin, "Ghostscript", ghostscript)
    monkeypatch.setattr(EpsImagePlugin, "has_ghostscript", lambda: True)
    path = tmp_path / name
    path.write_bytes(EPS)
    with pytest.raises(ImageFileError, match=f"{name}: not a supported image \\(PNG, JPEG"):
        load_image(path)


@pytest.mark.parametrize("fmt,suffix", [("PDF", "png"), ("ICO", "png"), ("PCX", "bmp"),
                                        ("TGA", "png"), ("PPM", "png")])
def test_other_formats_are_not_supported_images(tmp_path, fmt, suffix):
    path = tmp_path / f"digit.{suffix}"
    Image.fromarray(digit_pixels(7, size=64)).convert("RGB").save(path, format=fmt)
    with pytest.raises(ImageFileError, match="not a supported image"):
        load_image(path)


def test_special_files_are_refused_without_reading(tmp_path):
    import os

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)  # opening it to read would wait for a writer for ever
    with pytest.raises(ImageFileError, match="pipe.png: not a regular file"):
        load_image(fifo)
    with pytest.raises(ImageFileError, match="a folder"):
        load_image(tmp_path)
    with pytest.raises(ImageFileError, match="not a regular file"):
        load_image("/dev/zero")


# ---------------------------------------------------------------- pixel bombs


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` grey pixels: what a 500 KB file of 169
    megapixels of one colour looks like to the header reader."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compressobj().compress(b"\x00" * 10_000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [13_000, 5_000])
def test_too_many_pixels_are_refused_before_decoding(tmp_path, side):
    assert side * side > MAX_IMAGE_PIXELS
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(side, side))
    with pytest.raises(ImageFileError, match=f"too large \\({side}x{side} pixels; at most 16 megapixels"):
        load_image(path)


def test_pillow_bomb_limit_is_a_clear_error(tmp_path):
    path = tmp_path / "bigger.png"
    path.write_bytes(png_header_only(20_000, 20_000))  # over Pillow's own limit
    with pytest.raises(ImageFileError, match="too large"):
        load_image(path)


def test_large_images_are_reduced_while_decoding_and_read_the_same(tmp_path, reader):
    grey = Image.fromarray(digit_pixels(7))
    grey.save(tmp_path / "small.png")
    expected = reading(reader, tmp_path / "small.png")
    big = grey.resize((6000, 6000), Image.Resampling.BILINEAR)  # 36 MP: only as a JPEG
    big.save(tmp_path / "big.jpg", quality=90)
    big.resize((3000, 3000)).save(tmp_path / "big.png")  # 9 MP PNG: reduced after decoding
    for name in ("big.jpg", "big.png"):
        ink = load_image(tmp_path / name)
        assert ink.size <= WORKING_PIXELS
        got = reading(reader, tmp_path / name)
        assert got.argmax() == 7
        np.testing.assert_allclose(got, expected, atol=0.02)
