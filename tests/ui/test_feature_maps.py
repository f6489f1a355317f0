"""The feature-map dock shows exactly what the core's hooks captured, with fixed levels,
items made once, hover and click, and no hooks left behind across model changes."""

import numpy as np
import pytest
import torch
import torch.nn as nn
from PySide6 import QtCore

from digitpad.calibration import calibration_inputs, ink
from digitpad.capture import FEATURE_MAP_TYPES, hook_count
from digitpad.models import create_model
from digitpad.samples import SAMPLES
from digitpad.ui.panels.feature_maps import ALL_STAGES, FeatureMapsPanel
from digitpad.weights import load_model, save_weights

from .panel_support import ARCHES, drawn, hover, make_classifier, pixels_of_tile, shown


@pytest.fixture
def panel(qtbot):
    return shown(qtbot, FeatureMapsPanel(), 460, 720)


def stage(panel, which):
    panel.stage_choice.setCurrentIndex(panel.stage_choice.findData(which))


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("all_stages", [False, True])
def test_mosaics_hold_exactly_the_captured_maps(panel, arch, all_stages):
    classifier = make_classifier(arch)
    panel.set_classifier(classifier)
    if all_stages:
        stage(panel, ALL_STAGES)
    prediction = classifier.classify(drawn(7))
    panel.show_prediction(prediction)

    modules = dict(classifier.model.named_modules())
    expected = [n for n, m in modules.items()
                if isinstance(m, FEATURE_MAP_TYPES if all_stages else nn.Conv2d)
                and prediction.feature_maps[n].ndim == 3]
    assert [layer.name for layer in panel.layers] == expected
    for layer in panel.layers:
        maps = prediction.feature_maps[layer.name]
        shown = layer.image.values  # what the ImageItem draws
        assert shown.dtype == np.float32
        for channel in range(maps.shape[0]):
            np.testing.assert_array_equal(pixels_of_tile(layer.image, channel), maps[channel])
        # Everything else is gap or empty cell: NaN, drawn transparent.
        assert np.isnan(shown).sum() == shown.size - maps.size
    # And the captured maps are the real module outputs for this input.
    first = panel.layers[0]
    x = torch.from_numpy(prediction.model_input)[None, None]
    with torch.no_grad():
        direct = modules[first.name](x)[0].numpy()
    for channel in range(direct.shape[0]):
        np.testing.assert_array_equal(pixels_of_tile(first.image, channel), direct[channel])
    np.testing.assert_array_equal(panel.input_image.values, prediction.model_input)


def test_titles_name_layer_type_and_output_shape(panel):
    panel.set_classifier(make_classifier("SimpleCNN"))
    stage(panel, ALL_STAGES)
    titles = [item.text for item in panel.plots.ci.items if hasattr(item, "text")]
    assert any("conv1" in t and "Conv2d" in t and "[1, 16, 26, 26]" in t for t in titles)
    assert any("pool" in t and "MaxPool2d" in t and "[1, 16, 13, 13]" in t for t in titles)
    # SimpleCNN calls F.relu: the panel says where the ReLU went.
    assert "ReLU as a function" in panel.status.text()


def test_levels_are_fixed_per_layer_from_calibration(panel):
    classifier = make_classifier("DeepCNN")
    panel.set_classifier(classifier)
    stage(panel, ALL_STAGES)
    ranges = classifier.feature_ranges(calibration_inputs())
    items = [layer.image for layer in panel.layers]
    for digit in (1, 7, 8):
        panel.show_prediction(classifier.classify(drawn(digit)))
        for layer, item in zip(panel.layers, items):
            assert layer.image is item  # the same ImageItem, updated in place
            r = ranges[layer.name]
            assert item.shown_levels == (r.low, r.high)
            if isinstance(classifier.model.get_submodule(layer.name), nn.Conv2d):
                assert r.low == -r.high  # zero in the middle of the diverging map


def test_updates_create_no_graphics_items(panel, qtbot):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    panel.show_prediction(classifier.classify(drawn(3)))
    qtbot.wait(1)
    before = len(panel.plots.scene().items())
    for handwritten in SAMPLES:
        panel.show_prediction(classifier.classify(ink(handwritten.strokes, size=280)))
    qtbot.wait(1)
    assert len(panel.plots.scene().items()) == before


def test_no_digit_shows_the_empty_state(panel):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    panel.show_prediction(classifier.classify(drawn(2)))
    empty = classifier.classify(np.zeros((280, 280), np.float32))
    assert not empty.has_digit
    panel.show_prediction(empty)
    assert all(np.isnan(layer.image.values).all() for layer in panel.layers)
    assert np.isnan(panel.input_image.values).all()
    assert "No digit" in panel.status.text()


def viewport_point(panel, item, y, x) -> QtCore.QPoint:
    """Where pixel (y, x) of ``item`` is on the screen of the panel's graphics view."""
    return panel.plots.mapFromScene(item.mapToScene(QtCore.QPointF(x + 0.5, y + 0.5)))


def test_hover_reads_layer_channel_position_and_value(panel, qtbot):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    prediction = classifier.classify(drawn(4))
    panel.show_prediction(prediction)
    layer = panel.layers[0]
    y0, x0 = layer.image.mosaic.tile_origin(5)
    hover(qtbot, panel.plots, layer.image, y0 + 12, x0 + 9)
    value = prediction.feature_maps["conv1"][5, 12, 9]
    assert panel.readout.text() == f"conv1 · channel 5 · y 12, x 9 · value {value:.4g}"


def test_click_enlarges_a_map_beside_the_input_and_it_stays_live(panel, qtbot):
    classifier = make_classifier("DeepCNN")
    panel.set_classifier(classifier)
    panel.show_prediction(classifier.classify(drawn(5)))
    qtbot.wait(20)
    layer = panel.layers[1]  # block2.0
    y0, x0 = layer.image.mosaic.tile_origin(37)
    qtbot.mouseClick(panel.plots.viewport(), QtCore.Qt.MouseButton.LeftButton,
                     pos=viewport_point(panel, layer.image, y0 + 3, x0 + 4))
    assert panel.selected == ("block2.0", 37)
    assert "block2.0 · channel 37" in panel.zoom_title.text
    later = classifier.classify(drawn(6))
    panel.show_prediction(later)
    np.testing.assert_array_equal(panel.zoom_image.values, later.feature_maps["block2.0"][37])
    assert panel.zoom_image.shown_levels == layer.image.shown_levels


def test_hidden_panel_catches_up_when_shown(panel):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    panel.hide()
    prediction = classifier.classify(drawn(9))
    panel.show_prediction(prediction)
    panel.show()
    np.testing.assert_array_equal(pixels_of_tile(panel.layers[0].image, 0),
                                  prediction.feature_maps["conv1"][0])


def test_no_hooks_leak_across_reloads_arch_switches_and_devices(panel, tmp_path):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    stage(panel, ALL_STAGES)
    files = {}
    for arch in ARCHES:
        torch.manual_seed(1)
        files[arch] = save_weights(tmp_path / f"{arch}.pt", create_model(arch), arch=arch)
    retired = []
    for i in range(24):
        arch = list(ARCHES)[i % 2]
        retired.append(classifier.model)
        classifier.set_model(load_model(files[arch]).model)
        classifier.set_device("cuda" if i % 3 == 0 else "cpu")  # falls back without CUDA
        panel.set_classifier(classifier)
        panel.show_prediction(classifier.classify(drawn(i % 10)))
        assert hook_count(classifier.model) == classifier.capture.handle_count
        assert classifier.capture.handle_count == len(list(classifier.model.modules()))
        assert sum(hook_count(model) for model in retired) == 0
        assert panel.layers[0].name == ("conv1" if arch == "SimpleCNN" else "block1.0")
    assert panel.stage_choice.currentData() == ALL_STAGES
    classifier.close()
    assert hook_count(classifier.model) == 0
