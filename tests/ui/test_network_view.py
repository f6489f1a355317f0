"""The network view: every layer big enough to read in the default window, live from the
one forward pass, values read under the pointer, zoom, colour bars true to the data,
kernel edits, model switches without leaked hooks, nothing done while hidden."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QKeySequence, QWheelEvent
from PySide6.QtWidgets import QApplication

from digitpad.calibration import calibration_inputs
from digitpad.capture import FEATURE_MAP_TYPES, hook_count
from digitpad.classifier import Classifier
from digitpad.samples import sample
from digitpad.ui.panels.network_layout import Block, arrange
from digitpad.ui.panels.network_view import NetworkViewPanel

from .panel_support import drawn, hover, make_classifier, pixels_of_tile, shown
from .window_support import draw

CONV1_MAP_PX = 48
KERNEL_ELEMENT_PX = 12


def panel_with(qtbot, classifier, width=420, height=700, digit=7):
    panel = shown(qtbot, NetworkViewPanel(), width, height)
    panel.set_classifier(classifier)
    prediction = classifier.classify(drawn(digit))
    panel.show_prediction(prediction)
    QApplication.processEvents()
    return panel, prediction


def rect_of_pixel(panel, key: str, index: int, y: int, x: int) -> QRect:
    block = panel.block(key)
    ty, tx = block.image.mosaic.tile_origin(index)
    scene = block.image.mapRectToScene(QRect(tx + x, ty + y, 1, 1).toRectF())
    return panel.canvas.mapFromScene(scene).boundingRect()


def rest_on(qtbot, panel, key: str, index: int, y: int, x: int) -> None:
    """Scroll pixel (y, x) of tile ``index`` of block ``key`` into view and hover it."""
    block = panel.block(key)
    ty, tx = block.image.mosaic.tile_origin(index)
    panel.canvas.ensureVisible(block.image.mapRectToScene(QRect(tx + x, ty + y, 1, 1).toRectF()))
    QApplication.processEvents()
    hover(qtbot, panel.canvas, block.image, ty + y, tx + x)


# ---------------------------------------------------------------------- the default window

def test_in_the_default_window_conv1_maps_and_kernel_elements_are_big(window, qtbot):
    """At 1280x800 the network view is in front, and every conv1 map is at least 48 px
    and every kernel element at least 12 px, all of them inside the visible viewport."""
    assert window.size().width() == 1280 and window.size().height() == 800
    panel = window.network_view
    draw(window, sample(7).strokes, qtbot)
    assert panel.on_screen()
    viewport = panel.canvas.viewport()
    visible = viewport.rect()
    top_left = viewport.mapTo(window, QPoint(0, 0))
    assert window.rect().contains(QRect(top_left, visible.size()))
    for channel in range(16):
        tile = panel.tile_rect("maps:conv1", channel)
        assert min(tile.width(), tile.height()) >= CONV1_MAP_PX, (channel, tile)
        assert visible.contains(tile), (channel, tile, visible)
        kernel = panel.tile_rect("kernels:conv1", channel)
        assert visible.contains(kernel), (channel, kernel, visible)
        for y in range(3):
            for x in range(3):
                element = rect_of_pixel(panel, "kernels:conv1", channel, y, x)
                assert min(element.width(), element.height()) >= KERNEL_ELEMENT_PX
    # What is shown is that very prediction, from the window's one forward pass.
    prediction = window.session.prediction
    for channel in range(16):
        np.testing.assert_array_equal(
            pixels_of_tile(panel.block("maps:conv1").image, channel),
            prediction.feature_maps["conv1"][channel])
    weight = window.session.classifier.model.conv1.weight.detach().numpy()
    np.testing.assert_array_equal(pixels_of_tile(panel.block("kernels:conv1").image, 4),
                                  weight[4, 0])


def test_the_view_is_in_the_view_menu_with_its_full_window_mode(window):
    panel = window.network_view
    actions = window.view_menu.actions()
    assert panel.toggleViewAction() in actions and panel.full_window_action in actions
    assert panel.toggleViewAction().text() == "Network view"
    assert panel.full_window_action.shortcut() == QKeySequence(QKeySequence.StandardKey.FullScreen)


def test_full_window_mode_leaves_the_network_beside_the_pad_and_restores_the_docks(window, qtbot):
    panel = window.network_view
    before = {p.objectName() for p in window.panels if p.isVisible()}
    panel.full_window_action.trigger()
    QApplication.processEvents()
    assert [p.objectName() for p in window.panels if p.isVisible()] == ["network_view"]
    assert panel.width() > 2 * window.width() // 3
    assert window.canvas.pad_rect().width() >= 300  # still room to draw
    draw(window, sample(3).strokes, qtbot)  # and it follows the drawing
    np.testing.assert_array_equal(pixels_of_tile(panel.block("maps:pool").image, 2),
                                  window.session.prediction.feature_maps["pool"][2])
    # The whole network at once, its conv1 maps still big. (Docked, the West tab bar now
    # takes 26 px of the left column, so the docked view scrolls and fills its width with
    # tiles a little bigger than the one-row layout here: no longer "at least as big".)
    wide = panel.tile_rect("maps:conv1")
    assert min(wide.width(), wide.height()) >= CONV1_MAP_PX
    assert not panel.canvas.verticalScrollBar().isVisible()
    assert panel.canvas.viewport().rect().contains(wide)
    panel.full_window_action.trigger()
    QApplication.processEvents()
    assert {p.objectName() for p in window.panels if p.isVisible()} == before
    assert panel.on_screen() and not panel.full_window_action.isChecked()


def test_closing_the_view_in_full_window_mode_brings_the_other_docks_back(window):
    panel = window.network_view
    panel.full_window_action.trigger()
    panel.close()
    QApplication.processEvents()
    assert not panel.isVisible() and not panel.full_window_action.isChecked()
    assert window.probabilities.isVisible() and window.evidence.isVisible()


# ---------------------------------------------------------------------- live, and idle when hidden

def test_hidden_behind_a_tab_it_draws_nothing_and_catches_up_when_shown(window, qtbot):
    panel = window.network_view
    draw(window, sample(1).strokes, qtbot)
    frames, shown_before = panel.frames_drawn, pixels_of_tile(panel.block("maps:conv1").image, 0).copy()
    window.feature_maps.raise_()
    QApplication.processEvents()
    assert not panel.on_screen()
    window.canvas.clear()
    draw(window, sample(8).strokes, qtbot)
    assert panel.frames_drawn == frames  # no work at all while hidden
    np.testing.assert_array_equal(pixels_of_tile(panel.block("maps:conv1").image, 0), shown_before)
    # A model switch while hidden is not built until the view is shown.
    window.set_architecture("DeepCNN")
    assert panel.stale and panel.block("maps:conv1")
    panel.raise_()
    QApplication.processEvents()
    assert not panel.stale and "maps:block2.0" in [b.key for b in panel.blocks]
    prediction = window.session.prediction
    np.testing.assert_array_equal(pixels_of_tile(panel.block("maps:block2.3").image, 9),
                                  prediction.feature_maps["block2.3"][9])
    # The hidden linear layer was watched from the switch on, so it shows at once too.
    np.testing.assert_array_equal(panel.block("vector:classifier.1").values.reshape(-1)[:128],
                                  prediction.feature_maps["classifier.1"])


def test_drawing_runs_no_forward_pass_of_its_own(qtbot):
    classifier = make_classifier("SimpleCNN")
    panel, _ = panel_with(qtbot, classifier)
    calls = []
    handle = classifier.model.register_forward_pre_hook(lambda module, args: calls.append(1))
    try:
        prediction = classifier.classify(drawn(4))
        assert len(calls) == 1
        panel.show_prediction(prediction)
        panel.weights_edited(frozenset())
        assert len(calls) == 1  # the view only reads what the one pass captured
    finally:
        handle.remove()
    np.testing.assert_array_equal(panel.block("logits").values[0, 0], prediction.logits)
    np.testing.assert_array_equal(panel.block("probabilities").values[0, 0],
                                  prediction.probabilities)
    np.testing.assert_array_equal(panel.block("input").image.values, prediction.model_input)


def test_it_follows_architecture_switches_without_leaking_hooks(window, qtbot):
    panel = window.network_view
    draw(window, sample(0).strokes, qtbot)
    retired = []
    for arch in ("DeepCNN", "SimpleCNN", "DeepCNN"):
        retired.append(window.session.classifier.model)
        window.set_architecture(arch)
        QApplication.processEvents()
        model = window.session.classifier.model
        capture = window.session.classifier.capture
        assert hook_count(model) == capture.handle_count == len(list(model.modules()))
        assert sum(hook_count(m) for m in retired if m is not model) == 0
        convs = [n for n, m in model.named_modules() if isinstance(m, nn.Conv2d)]
        keys = [block.key for block in panel.blocks]
        assert keys[0] == "input" and keys[-2:] == ["logits", "probabilities"]
        for conv in convs:
            assert keys.index(f"kernels:{conv}") + 1 == keys.index(f"maps:{conv}")
        prediction = window.session.prediction
        for block in panel.blocks:
            if block.kind == "maps":
                np.testing.assert_array_equal(block.values, prediction.feature_maps[block.layer])
    # DeepCNN's hidden linear layer is watched through the same capture: its output shows.
    hidden = panel.block("vector:classifier.1")
    np.testing.assert_array_equal(hidden.values.reshape(-1)[:128],
                                  window.session.prediction.feature_maps["classifier.1"])


# ---------------------------------------------------------------------- reading values

def test_hovering_reads_the_value_its_layer_channel_row_and_column(qtbot):
    classifier = make_classifier("SimpleCNN")
    panel, prediction = panel_with(qtbot, classifier)
    rest_on(qtbot, panel, "maps:conv1", 5, 10, 12)
    expected = float(prediction.feature_maps["conv1"][5, 10, 12])
    reading = panel.reading
    assert (reading.layer, reading.channel, reading.row, reading.column) == ("conv1", 5, 10, 12)
    assert reading.value == expected
    text = panel.readout.text()
    assert "conv1" in text and "channel 5" in text and "row 10, col 12" in text
    assert f"{expected:.4g}" in text
    assert panel.colour_bar.name == "conv1" and panel.colour_bar.marker == expected

    rest_on(qtbot, panel, "kernels:conv1", 3, 2, 1)
    weight = classifier.model.conv1.weight.detach()
    assert panel.reading.value == float(weight[3, 0, 2, 1])
    assert "conv1.weight[3, 0, 2, 1]" in panel.readout.text()

    rest_on(qtbot, panel, "probabilities", 0, 0, 7)
    assert (panel.reading.layer, panel.reading.channel) == ("probabilities", 7)
    assert panel.reading.value == float(prediction.probabilities[7])

    # The pointer stays while the drawing changes: the reading follows the new pass.
    rest_on(qtbot, panel, "maps:pool", 2, 6, 6)
    later = classifier.classify(drawn(2))
    panel.show_prediction(later)
    assert panel.reading.value == float(later.feature_maps["pool"][2, 6, 6])


def test_colour_bars_use_the_levels_the_pictures_are_drawn_with(qtbot):
    classifier = make_classifier("DeepCNN")
    panel, prediction = panel_with(qtbot, classifier)
    calibrated = classifier.feature_ranges(calibration_inputs())
    for block in panel.blocks:
        assert block.image.shown_levels == pytest.approx(block.levels)  # what is drawn
        if block.kind == "maps":
            r = calibrated[block.layer]
            assert block.levels == pytest.approx((r.low, r.high))
        elif block.kind == "kernels":
            biggest = classifier.model.get_submodule(block.layer).weight.detach().abs().max().item()
            assert block.levels == pytest.approx((-biggest, biggest))
    assert panel.block("probabilities").levels == (0.0, 1.0)
    for key, index, y, x in (("maps:block1.3", 4, 3, 3), ("kernels:block2.0", 7, 1, 1),
                             ("input", 0, 14, 14)):
        rest_on(qtbot, panel, key, index, y, x)
        block = panel.block(key)
        assert panel.colour_bar.levels == pytest.approx(block.levels)
        np.testing.assert_array_equal(panel.colour_bar.lut, block.image.colours)
        low, high = panel.colour_bar.levels
        bar = panel.colour_bar.bar_rect()
        marker = panel.colour_bar.position_of(panel.reading.value, bar)
        fraction = min(max((panel.reading.value - low) / (high - low), 0.0), 1.0)
        assert marker == pytest.approx(bar.left() + fraction * bar.width())


# ---------------------------------------------------------------------- zoom

def test_zoom_scales_every_tile_and_keeps_the_point_under_the_pointer(qtbot):
    panel, prediction = panel_with(qtbot, make_classifier("SimpleCNN"))
    canvas = panel.canvas
    before = panel.tile_rect("maps:conv1", 0)
    panel.zoom_in_action.trigger()
    assert canvas.zoom == pytest.approx(1.25) and panel.zoom_label.text() == "125 %"
    assert panel.tile_rect("maps:conv1", 0).width() == pytest.approx(1.25 * before.width(), abs=1.5)

    pointer = QPointF(canvas.viewport().width() / 2 + 40, 180)
    under = canvas.mapToScene(pointer.toPoint())
    wheel = QWheelEvent(pointer, canvas.viewport().mapToGlobal(pointer), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.ControlModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(canvas.viewport(), wheel)
    assert canvas.zoom == pytest.approx(1.25 ** 3)
    after = canvas.mapFromScene(under)
    assert abs(after.x() - pointer.x()) <= 2 and abs(after.y() - pointer.y()) <= 2
    assert panel.tile_rect("maps:conv1", 0).width() == pytest.approx(1.25 ** 3 * before.width(),
                                                                      abs=2)
    # Zoomed in, the value under the pointer is still exact.
    rest_on(qtbot, panel, "maps:conv1", 9, 20, 3)
    assert panel.reading.value == float(prediction.feature_maps["conv1"][9, 20, 3])

    plain = QWheelEvent(pointer, canvas.viewport().mapToGlobal(pointer), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    scrolled = canvas.verticalScrollBar().value()
    QApplication.sendEvent(canvas.viewport(), plain)
    assert canvas.zoom == pytest.approx(1.25 ** 3)  # a plain wheel scrolls
    assert canvas.verticalScrollBar().value() > scrolled
    panel.fit_action.trigger()
    assert canvas.zoom == 1.0
    assert panel.tile_rect("maps:conv1", 0).width() == pytest.approx(before.width(), abs=1)


def test_a_wider_view_lays_out_again_without_new_images(qtbot):
    panel, _ = panel_with(qtbot, make_classifier("SimpleCNN"), 420, 700)
    input_image = panel.block("input").image
    panel.resize(1000, 700)
    QApplication.processEvents()
    assert panel.block("input").image is input_image  # the same item, moved
    wide = panel.tile_rect("maps:conv1", 15)
    assert wide.width() >= CONV1_MAP_PX and panel.canvas.viewport().rect().contains(wide)


# ---------------------------------------------------------------------- what-if edits

def test_clicking_a_kernel_element_edits_the_weight_through_the_session_path(window, qtbot):
    panel = window.network_view
    draw(window, sample(4).strokes, qtbot)
    block = panel.block("kernels:conv1")
    rect = rect_of_pixel(panel, "kernels:conv1", 6, 1, 2)
    qtbot.wait(20)
    qtbot.mouseClick(panel.canvas.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.cell_editor.isVisible() and panel.cell[1] == (6, 0, 1, 2)
    model = window.session.classifier.model
    assert panel.cell_spin.value() == pytest.approx(float(model.conv1.weight.detach()[6, 0, 1, 2]), abs=1e-4)
    panel.cell_spin.setValue(2.5)
    assert float(model.conv1.weight.detach()[6, 0, 1, 2]) == 2.5
    assert window.isWindowModified() and "conv1.weight" in window.session.live().edited()
    # The drawing was read again with the edit: conv1's channel 6 as the model computes it.
    prediction = window.session.prediction
    x = torch.from_numpy(prediction.model_input).view(1, 1, 28, 28)
    with torch.no_grad():
        expected = model.conv1(x)[0, 6].numpy()
    np.testing.assert_allclose(prediction.feature_maps["conv1"][6], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(pixels_of_tile(panel.block("maps:conv1").image, 6),
                                  prediction.feature_maps["conv1"][6])
    assert pixels_of_tile(block.image, 6)[1, 2] == 2.5
    # The parameters dock hears of it as of its own edits (its numbers in the next turn).
    qtbot.waitUntil(lambda: not window.parameters.refresh_due())
    row = window.parameters.row_of("conv1.weight")
    assert window.parameters.table.item(row, 0).font().italic()

    actions = panel.tile_actions(panel.block("maps:conv1"), panel.cell[2])
    assert len(actions) == 1
    actions[0].trigger()
    assert not window.session.prediction.feature_maps["conv1"][6].any()
    assert panel.tile_actions(panel.block("maps:pool"), panel.cell[2]) == []


def test_a_map_clicked_picks_the_input_channel_of_the_next_kernels(qtbot):
    classifier = make_classifier("DeepCNN")
    panel, _ = panel_with(qtbot, classifier)
    kernels = panel.block("kernels:block2.0")
    weight = classifier.model.get_submodule("block2.0").weight.detach().numpy()
    np.testing.assert_array_equal(kernels.values, weight[:, 0])
    pool = panel.block("maps:block1.3")
    panel._clicked(pool, pool.image.mosaic.locate(*pool.image.mosaic.tile_origin(5)))
    assert kernels.input_channel == 5 and "input channel 5" in kernels.title
    np.testing.assert_array_equal(pixels_of_tile(kernels.image, 63), weight[63, 5])


# ---------------------------------------------------------------------- any network

class Custom(nn.Module):
    """Nested, oddly named, 5x5 and strided convolutions, a hidden linear layer."""

    def __init__(self):
        super().__init__()
        self.stem = nn.ModuleDict({"edges": nn.Conv2d(1, 6, 5), "act": nn.ReLU()})
        self.deeper = nn.Sequential(nn.Conv2d(6, 10, 3, stride=2), nn.ReLU(), nn.MaxPool2d(2))
        self.hidden = nn.Linear(10 * 5 * 5, 24)
        self.out = nn.Linear(24, 10)

    def forward(self, x):
        x = self.deeper(self.stem["act"](self.stem["edges"](x)))
        return self.out(torch.relu(self.hidden(x.flatten(1))))


def test_any_module_with_convolutions_is_shown(qtbot):
    torch.manual_seed(0)
    classifier = Classifier(Custom(), capture_types=FEATURE_MAP_TYPES, record_shapes=True)
    panel, prediction = panel_with(qtbot, classifier, 600, 700)
    keys = [block.key for block in panel.blocks]
    assert keys == ["input", "kernels:stem.edges", "maps:stem.edges", "maps:stem.act",
                    "kernels:deeper.0", "maps:deeper.0", "maps:deeper.1", "maps:deeper.2",
                    "vector:hidden", "logits", "probabilities"]
    assert panel.block("kernels:stem.edges").tile == (5, 5)
    for block in panel.blocks:
        if block.kind == "maps":
            np.testing.assert_array_equal(block.values, prediction.feature_maps[block.layer])
    np.testing.assert_array_equal(panel.block("vector:hidden").values.reshape(-1)[:24],
                                  prediction.feature_maps["hidden"])


# ---------------------------------------------------------------------- the layout itself

def test_blocks_of_one_group_share_columns_and_respect_their_minimum_sizes():
    kernels = Block(16, (3, 3), 12.5, 30.0, "grid")
    maps = Block(16, (26, 26), 46 / 26, 170 / 26, "grid")
    pool = Block(16, (13, 13), 46 / 13, 170 / 13, "grid")
    probabilities = Block(1, (1, 10), 20.0, 44.0)
    for width in (160, 300, 401, 640, 1200):
        result = arrange([kernels, maps, pool, probabilities], width, 10_000, 16, 10)
        k, m, p, _ = result.placements
        assert k.columns == m.columns == p.columns
        assert k.scale * 4 == pytest.approx(m.scale * 27) == pytest.approx(p.scale * 14)  # one pitch
        assert k.scale >= 12.5 and m.scale * 26 >= 48 and p.scale * 13 >= 46
        assert all(place.x >= 0 and place.x + place.width <= width + 1e-6
                   for place in result.placements)
    # A short view keeps the minimum sizes and scrolls; a tall one grows the blocks.
    short = arrange([kernels, maps, pool], 401, 100, 16, 10)
    tall = arrange([kernels, maps, pool], 401, 3000, 16, 10)
    assert short.height > 100 and short.magnify == 1.0
    assert tall.height <= 3000 and tall.placements[1].scale > short.placements[1].scale


def test_the_layer_list_scrolls_a_deep_network_to_the_chosen_layer(qtbot):
    panel, _ = panel_with(qtbot, make_classifier("DeepCNN"), 420, 600)
    choices = [panel.jump_choice.itemData(i) for i in range(panel.jump_choice.count())]
    assert choices == [block.key for block in panel.blocks]
    assert not panel.canvas.viewport().rect().contains(panel.tile_rect("maps:block2.3", 0))
    panel.scroll_to("maps:block2.3")
    assert panel.canvas.viewport().rect().contains(panel.tile_rect("maps:block2.3", 0))
