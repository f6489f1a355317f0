import json

import numpy as np
import pytest
from PIL import Image

from digitpad import export
from digitpad.classifier import Classifier
from digitpad.explain import Explainer
from digitpad.export import ExportError, export_reading, mosaic
from digitpad.synthetic import render_strokes
from digitpad.uncertainty import softmax_uncertainty


@pytest.fixture
def reading(simple_model):
    classifier = Classifier(simple_model)
    explainer = Explainer(classifier)
    explainer.anatomy()
    drawing = render_strokes([[(60, 50), (170, 50), (100, 200)]], size=200)
    prediction = classifier.classify(drawing)
    return prediction, explainer.explain(prediction)


def test_one_call_writes_every_picture_and_the_numbers(tmp_path, reading):
    prediction, evidence = reading
    folder = tmp_path / "out" / "one"
    paths = export_reading(folder, prediction, evidence=evidence,
                           uncertainty=softmax_uncertainty(prediction.logits), info={"arch": "SimpleCNN"})
    names = [p.name for p in paths]
    assert names == ["canvas.png", "input.png", "features_conv1.png", "features_pool.png",
                     "evidence.png", "evidence_canvas.png", "probabilities.json"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(names)  # no temporary files left

    canvas = np.asarray(Image.open(folder / "canvas.png"))
    np.testing.assert_array_equal(canvas, np.round((1 - prediction.steps.image) * 255).astype(np.uint8))
    seen = np.asarray(Image.open(folder / "input.png"))
    np.testing.assert_array_equal(seen, np.round(prediction.steps.centred * 255).astype(np.uint8))
    # 16 conv1 maps of 26x26, tripled to 78 px, in a 4x4 grid with 2 px gaps.
    assert Image.open(folder / "features_conv1.png").size == (4 * 80 - 2, 4 * 80 - 2)
    assert Image.open(folder / "evidence_canvas.png").size == (200, 200)

    picture = np.asarray(Image.open(folder / "evidence.png")).astype(int)
    assert picture.shape == (280, 280, 3)
    row, col = np.unravel_index(evidence.input_map.argmax(), (28, 28))
    red, green, blue = picture[row * 10 + 5, col * 10 + 5]
    assert red > 200 and red > green + 100 and red > blue + 100  # strongest evidence for: red
    if evidence.input_map.min() < 0:
        row, col = np.unravel_index(evidence.input_map.argmin(), (28, 28))
        red, _, blue = picture[row * 10 + 5, col * 10 + 5]
        assert blue > red  # against: blue

    record = json.loads((folder / "probabilities.json").read_text())
    assert record["digit"] == prediction.digit
    np.testing.assert_allclose(record["probabilities"], prediction.probabilities, atol=1e-6)
    assert record["evidence"]["method"] == "exact"
    assert record["evidence"]["total"] == pytest.approx(evidence.logit - evidence.bias_term, abs=1e-3)
    assert record["uncertainty"]["entropy"] == pytest.approx(
        softmax_uncertainty(prediction.logits).entropy, abs=1e-6)
    assert record["info"] == {"arch": "SimpleCNN"}


def test_mosaic_shares_one_scale_across_channels():
    maps = np.stack([np.zeros((4, 4)), np.full((4, 4), 0.5), np.ones((4, 4))]).astype(np.float32)
    sheet = np.asarray(mosaic(maps))
    zoom = 14  # 4 px tiles grow to 56
    assert sheet.shape == (2 * 56 + 2, 2 * 56 + 2)
    assert sheet[0, 0] == 0 and sheet[0, 58] == 128 and sheet[58, 0] == 255
    assert zoom * 4 == export.TILE_MIN


def test_a_drawing_without_a_digit_exports_the_canvas_and_says_why(tmp_path, simple_model):
    prediction = Classifier(simple_model).classify(np.zeros((60, 60)))
    paths = export_reading(tmp_path, prediction)
    assert [p.name for p in paths] == ["canvas.png", "probabilities.json"]
    record = json.loads((tmp_path / "probabilities.json").read_text())
    assert record["digit"] is None and record["reason"] == "empty"


def test_a_failed_write_keeps_the_old_file_and_names_the_new_one(tmp_path, reading, monkeypatch):
    prediction, evidence = reading
    export_reading(tmp_path, prediction)
    old = (tmp_path / "input.png").read_bytes()

    def broken_save(self, handle, format=None):
        handle.write(b"half a PNG")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", broken_save)
    with pytest.raises(ExportError, match="No space left on the disk: cannot save .*canvas.png"):
        export_reading(tmp_path, prediction)
    assert (tmp_path / "input.png").read_bytes() == old
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_folder_that_cannot_be_made_is_reported(tmp_path, reading):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match="cannot create"):
        export_reading(blocker / "sub", reading[0])
