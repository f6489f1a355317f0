"""Property-based tests of the parsers of outside data: arrays and image files, weights
files, imported digit exports. Whatever comes in ends in a reading or a clear error
(ImageFileError, ValueError, WeightsError, CollectionError), never another exception.

The examples per test come from the Hypothesis profile: a short budget in the normal run
(``hostile``), a long one with ``make fuzz`` (``--hypothesis-profile=fuzz``)."""

import io

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from digitpad.classifier import Classifier
from digitpad.models import SimpleCNN
from digitpad.preprocess import WORKING_PIXELS, ImageFileError, load_image, preprocess
from digitpad.weights import WeightsError, load_model, save_weights

from .conftest import digit_pixels

pytestmark = pytest.mark.fuzz

DTYPES = st.one_of(hnp.boolean_dtypes(), hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(),
                   hnp.floating_dtypes(), hnp.complex_number_dtypes(), hnp.datetime64_dtypes(),
                   st.just(np.dtype("U3")), st.just(np.dtype(object)))
SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=40)


@pytest.fixture(scope="module")
def classifier():
    torch.manual_seed(0)
    return Classifier(SimpleCNN(), capture_types=())


def check_reading(classifier, ink):
    prediction = classifier.classify(ink)
    if prediction.has_digit:
        assert np.isfinite(prediction.probabilities).all()
        assert prediction.model_input.shape == (28, 28)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(array=hnp.arrays(DTYPES, SHAPES))
def test_any_array_is_a_reading_or_a_value_error(classifier, array):
    try:
        steps = preprocess(array)
    except ValueError:
        return
    assert steps.image.dtype == np.float32 and steps.image.ndim == 2
    assert np.isfinite(steps.image).all() and steps.image.min() >= 0 and steps.image.max() <= 1
    check_reading(classifier, array)


def encoded(fmt: str, mode: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(digit_pixels(7, size=48, width=4)).convert(mode).save(buffer, format=fmt)
    return buffer.getvalue()


VALID_IMAGES = [("PNG", "L"), ("PNG", "RGBA"), ("PNG", "P"), ("JPEG", "RGB"), ("GIF", "P"),
                ("BMP", "RGB"), ("TIFF", "I"), ("WEBP", "RGB")]


@st.composite
def mutated(draw, original: bytes):
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and data:
            data[at] = draw(st.sampled_from([0, 0xFF, 0x7F, 0x80, draw(st.integers(0, 255))]))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "truncate":
            del data[at:]
    return bytes(data)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), which=st.sampled_from(VALID_IMAGES))
def test_mutated_image_files_read_or_fail_clearly(classifier, scratch, data, which):
    fmt, mode = which
    content = data.draw(mutated(encoded(fmt, mode)))
    path = scratch / f"mutated.{fmt.lower()}"
    path.write_bytes(content)
    try:
        ink = load_image(path)
    except ImageFileError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return
    assert ink.dtype == np.float32 and ink.ndim == 2 and ink.size <= WORKING_PIXELS
    assert np.isfinite(ink).all() and ink.min() >= 0 and ink.max() <= 1
    check_reading(classifier, ink)


def weights_bytes(suffix: str) -> bytes:
    import tempfile
    from pathlib import Path

    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as folder:
        path = save_weights(Path(folder) / f"w{suffix}", SimpleCNN(), metadata={"epochs": 1})
        return path.read_bytes()


VALID_WEIGHTS = {suffix: weights_bytes(suffix) for suffix in (".pt", ".safetensors")}


@st.composite
def mutated_weights(draw, original: bytes):
    """Mutations aimed at the structure too: the zip's headers and the pickle sit at the
    start and the end, the safetensors header at the start."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 6))):
        region = draw(st.sampled_from(["head", "tail", "anywhere"]))
        span = min(len(data), 4096)
        if not data:
            break
        at = {"head": draw(st.integers(0, span - 1)),
              "tail": len(data) - 1 - draw(st.integers(0, span - 1)),
              "anywhere": draw(st.integers(0, len(data) - 1))}[region]
        kind = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate"]))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set":
            data[at] = draw(st.integers(0, 255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 8))]
        else:
            del data[at:]
    return bytes(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), suffix=st.sampled_from([".pt", ".safetensors", ".bin"]))
def test_mutated_weights_files_load_or_fail_clearly(scratch, data, suffix):
    original = VALID_WEIGHTS[".safetensors" if suffix == ".safetensors" else ".pt"]
    content = data.draw(mutated_weights(original))
    path = scratch / f"mutated{suffix}"
    path.write_bytes(content)
    try:
        loaded = load_model(path)
    except WeightsError as exc:
        assert "\n" not in str(exc)
        return
    x = torch.zeros(1, 1, 28, 28)
    with torch.no_grad():
        assert loaded.model(x).shape == (1, 10)
    for tensor in loaded.model.state_dict().values():
        assert torch.isfinite(tensor).all()


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    """A few kept drawings exported in each format: {format: (path, {file name: bytes})}."""
    from digitpad.collection import Collection, export_idx, export_json, export_png_folder
    from digitpad.samples import SAMPLES

    folder = tmp_path_factory.mktemp("exports")
    with Collection(folder / "kept.sqlite") as kept:
        for sample in SAMPLES[:3]:
            kept.add([s * 280 for s in sample.strokes], sample.digit)
        drawings = kept.drawings()
    made = {"json": export_json(drawings, folder / "digits.json"),
            "png": export_png_folder(drawings, folder / "png"),
            "idx": export_idx(drawings, folder / "idx")[0].parent}
    return {fmt: (path, {p.name: p.read_bytes() for p in ([path] if path.is_file() else sorted(path.iterdir()))})
            for fmt, path in made.items()}


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), fmt=st.sampled_from(["json", "png", "idx"]))
def test_mutated_digit_exports_import_or_fail_clearly(exports, tmp_path, data, fmt):
    from digitpad.collection import CollectionError, read_drawings_from

    original, files = exports[fmt]
    name = data.draw(st.sampled_from(sorted(files)))
    target = tmp_path / f"case-{fmt}"
    if original.is_file():
        target.parent.mkdir(exist_ok=True)
        path = target.with_suffix(original.suffix)
        path.write_bytes(data.draw(mutated(files[name])))
    else:
        target.mkdir(exist_ok=True)
        for other, content in files.items():
            (target / other).write_bytes(data.draw(mutated(content)) if other == name else content)
        path = target
    try:
        drawings = read_drawings_from(path, fmt)
    except CollectionError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        return
    for drawing in drawings:
        assert 0 <= drawing.label <= 9
        assert drawing.model_input.shape == (28, 28) and np.isfinite(drawing.model_input).all()
