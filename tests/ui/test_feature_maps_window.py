"""The feature-map and parameters docks inside the main window: a digit drawn with real
mouse events shows up in both, new weights refresh both, and no hooks leak."""

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from digitpad.capture import hook_count
from digitpad.models import create_model
from digitpad.samples import sample
from digitpad.ui.canvas import draw_strokes
from digitpad.ui.panels.parameters import COLUMNS, TREE_SHAPE
from digitpad.weights import save_weights

from .panel_support import pixels_of_tile
from .window_support import show_maps_and_parameters


@pytest.fixture
def window(window):
    """The window with its feature maps and parameters docks both on screen."""
    show_maps_and_parameters(window)
    return window


def draw(window, strokes, qtbot):
    before = window.session.prediction
    draw_strokes(window.canvas, strokes)
    qtbot.waitUntil(lambda: window.session.prediction is not before)
    QApplication.processEvents()


def assert_shows(panel, prediction):
    assert panel.layers, "no layer shown"
    for layer in panel.layers:
        maps = prediction.feature_maps[layer.name]
        for channel in range(maps.shape[0]):
            np.testing.assert_array_equal(pixels_of_tile(layer.image, channel), maps[channel])


def test_both_docks_are_in_the_window_and_the_view_menu(window):
    names = [panel.objectName() for panel in window.panels]
    assert {"feature_maps", "parameters"} <= set(names)
    toggles = [action.text() for action in window.view_menu.actions()]
    assert "Feature maps" in toggles and "Parameters" in toggles
    assert window.feature_maps.isVisible() and window.parameters.isVisible()


def test_a_digit_drawn_with_the_mouse_fills_both_docks(window, qtbot):
    draw(window, sample(7).strokes, qtbot)
    prediction = window.session.prediction
    assert prediction.digit == 7
    assert_shows(window.feature_maps, prediction)
    # The captured maps are conv1's real output for the network's input.
    x = torch.from_numpy(prediction.model_input)[None, None]
    with torch.no_grad():
        conv1 = window.session.classifier.model.conv1(x)[0].numpy()
    np.testing.assert_array_equal(pixels_of_tile(window.feature_maps.layers[0].image, 3), conv1[3])
    np.testing.assert_array_equal(window.feature_maps.input_image.values, prediction.model_input)
    tree = window.parameters.tree_items
    assert tree["conv1"].text(TREE_SHAPE) == "[1, 16, 26, 26]" and tree["pool"].text(TREE_SHAPE) == "[1, 16, 13, 13]"

    draw(window, sample(7, 1).strokes, qtbot)  # a crossbar: the same items show new values
    assert_shows(window.feature_maps, window.session.prediction)


def test_editing_scale_in_the_dock_reclassifies_the_drawing(window, qtbot):
    draw(window, sample(4).strokes, qtbot)
    loaded = window.session.classifier.model.scale.item()
    unscaled = window.session.prediction.logits / loaded
    window.parameters.select("scale")
    window.parameters.scalar_spin.setValue(0.25)
    expected = np.exp(0.25 * unscaled - (0.25 * unscaled).max())
    expected /= expected.sum()
    np.testing.assert_allclose(window.session.prediction.probabilities, expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(window.probabilities.bars.opts["height"], expected, rtol=1e-4, atol=1e-6)
    assert window.isWindowModified()
    window.parameters.scalar_reset.click()
    np.testing.assert_allclose(window.session.prediction.logits, unscaled * loaded, rtol=1e-5)


def test_loading_new_weights_refreshes_both_docks(window, qtbot, tmp_path):
    draw(window, sample(2).strokes, qtbot)
    levels_before = window.feature_maps.layers[0].range
    torch.manual_seed(3)
    deep = save_weights(tmp_path / "deep.pt", create_model("DeepCNN"), arch="DeepCNN")
    assert window.load_weights(deep)
    params = window.parameters
    qtbot.waitUntil(lambda: not params.stale)  # the table is built a turn later
    named = list(window.session.classifier.model.named_parameters())
    assert [params.table.item(row, 0).text() for row in range(len(named))] == [n for n, _ in named]
    assert params.tree.topLevelItem(0).text(0) == "DeepCNN"
    assert [layer.name for layer in window.feature_maps.layers] == ["block1.0", "block2.0"]
    assert_shows(window.feature_maps, window.session.prediction)  # the drawing, read by the new model
    assert params.tree_items["block2.3"].text(TREE_SHAPE) == "[1, 64, 7, 7]"

    torch.manual_seed(4)
    simple = save_weights(tmp_path / "simple.pt", create_model("SimpleCNN"), arch="SimpleCNN")
    assert window.load_weights(simple)
    qtbot.waitUntil(lambda: not params.stale)
    conv1 = window.session.classifier.model.conv1.weight.detach().double()
    row = params.row_of("conv1.weight")
    mean = params.table.item(row, COLUMNS.index("mean")).data(Qt.ItemDataRole.UserRole)
    assert mean == pytest.approx(conv1.mean().item())
    assert window.feature_maps.layers[0].range != levels_before  # recalibrated for new weights
    assert_shows(window.feature_maps, window.session.prediction)
    np.testing.assert_array_equal(pixels_of_tile(params.picture_image, 0),
                                  conv1[0, 0].float().numpy())


def test_no_hooks_leak_across_architecture_switches_and_devices(window, qtbot):
    draw(window, sample(0).strokes, qtbot)
    retired = []
    for i in range(10):
        retired.append(window.session.classifier.model)
        window.set_architecture("DeepCNN" if i % 2 == 0 else "SimpleCNN")
        window.set_device("cuda" if i % 3 == 0 else "cpu", report=False)
        capture = window.session.classifier.capture
        assert hook_count(window.session.classifier.model) == capture.handle_count
        assert capture.handle_count == len(list(window.session.classifier.model.modules()))
        assert sum(hook_count(model) for model in retired if model is not window.session.classifier.model) == 0
        assert_shows(window.feature_maps, window.session.prediction)


def test_a_dock_behind_a_tab_builds_for_a_new_network_only_when_it_comes_forward(window, qtbot):
    from .window_support import bring_forward

    maps = window.feature_maps
    window.network_view.raise_()  # the default: the feature maps a tab behind the network view
    qtbot.waitUntil(lambda: not maps.on_screen())
    simple_layers = maps.shown_layers()
    window.set_architecture("DeepCNN")
    # Nothing measured or laid out for a dock nobody sees: the switch costs nothing here.
    assert maps.waiting is window.session.classifier and maps.shown_layers() == simple_layers
    draw(window, sample(8).strokes, qtbot)  # a frame while hidden must not reach the old tiles
    bring_forward(maps, qtbot)
    assert maps.shown_layers() == ["block1.0", "block2.0"]
    assert maps._drawn is window.session.prediction  # the latest frame drawn as it came forward
