"""What-if edits: a kernel element changed or a channel zeroed in the docks acts on the
live model as recomputing the model with the edit predicts; edits are marked; one action
restores the loaded weights exactly; saving asks which weights to save."""

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from digitpad.explain import Explainer
from digitpad.samples import sample
from digitpad.weights import load_model, read_weights

from .insight_support import draw_each
from .panel_support import pixels_of_tile
from .window_support import show_maps_and_parameters


@pytest.fixture
def window(window):
    """The window with its feature maps and parameters docks both on screen."""
    show_maps_and_parameters(window)
    return window


def reading_of(model, prediction):
    """Probabilities and conv1 maps of ``model`` for the input ``prediction`` read."""
    x = torch.from_numpy(prediction.model_input).view(1, 1, 28, 28)
    with torch.no_grad():
        maps = model.conv1(x)
        probabilities = torch.softmax(model(x), dim=1)
    return probabilities[0].numpy(), maps[0].numpy()


def click(qtbot, view, item, y: int, x: int) -> None:
    """Left-click pixel (y, x) of ``item`` in the pyqtgraph ``view`` with the mouse."""
    qtbot.wait(20)  # the layout settles
    centre = view.mapFromScene(item.mapToScene(QPointF(x + 0.5, y + 0.5)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_editing_a_kernel_element_reads_the_drawing_with_the_edited_model(window, qtbot, trained_weights):
    draw_each(window, sample(2).strokes, qtbot)
    panel = window.parameters
    panel.select("conv1.weight")
    image = panel.picture_image
    y0, x0 = image.mosaic.tile_origin(6)
    click(qtbot, panel.picture, image, y0 + 1, x0 + 2)
    assert panel.cell == (6, 0, 1, 2) and panel.cell_editor.isVisible()
    assert panel.cell_name.text() == "conv1.weight[6, 0, 1, 2]"
    live = window.session.classifier.model.conv1.weight
    assert panel.cell_spin.value() == pytest.approx(live[6, 0, 1, 2].item(), abs=1e-4)

    panel.cell_spin.setValue(2.5)
    assert live[6, 0, 1, 2].item() == 2.5
    edited = load_model(trained_weights).model.eval()
    with torch.no_grad():
        edited.conv1.weight[6, 0, 1, 2] = 2.5
    probabilities, maps = reading_of(edited, window.session.prediction)
    np.testing.assert_allclose(window.session.prediction.probabilities, probabilities, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(window.session.prediction.feature_maps["conv1"], maps, rtol=1e-5, atol=1e-6)
    shown = window.feature_maps.layer("conv1").image
    np.testing.assert_allclose(pixels_of_tile(shown, 6), maps[6], rtol=1e-5, atol=1e-6)
    evidence = Explainer(window.session.classifier).explain(window.session.prediction)
    np.testing.assert_allclose(window.evidence.evidence_item.values, evidence.input_map, atol=1e-6)
    assert pixels_of_tile(image, 6)[1, 2] == 2.5  # the kernel picture, in place

    # Marked: the row (in the next turn), the title, the status bar; Restore is offered.
    qtbot.waitUntil(lambda: not panel.refresh_due())
    name = panel.table.item(panel.row_of("conv1.weight"), 0)
    assert name.font().italic() and not panel.table.item(panel.row_of("fc.weight"), 0).font().italic()
    assert window.isWindowModified() and window.restore_act.isEnabled()
    assert window.edited_badge.isVisible() and window.edited_badge.text() == "edited: conv1.weight"


def test_zeroing_a_channel_zeroes_its_feature_map(window, qtbot):
    draw_each(window, sample(8).strokes, qtbot)
    assert np.abs(window.session.prediction.feature_maps["conv1"][5]).max() > 0
    actions = window.feature_maps.map_actions("conv1", 5)
    assert [a.text() for a in actions] == ["Zero channel 5 of conv1 (weights and bias)"]
    assert window.feature_maps.map_actions("pool", 5) == []  # pooling has no weights
    actions[0].trigger()
    maps = window.session.prediction.feature_maps["conv1"]
    assert not maps[5].any() and np.abs(maps[4]).max() > 0
    assert not pixels_of_tile(window.feature_maps.layer("conv1").image, 5).any()
    model = window.session.classifier.model
    assert not model.conv1.weight[5].any() and model.conv1.bias[5].item() == 0
    assert window.session.state.loaded.edited() == {"conv1.weight", "conv1.bias"}

    # The same from a kernel's menu in the parameters dock, and its cell editor.
    panel = window.parameters
    panel.select("conv1.weight")
    spot = panel.picture_image.mosaic.locate(*panel.picture_image.mosaic.tile_origin(9))
    panel.select_cell(spot)
    panel.zero_button.click()
    assert not window.session.prediction.feature_maps["conv1"][9].any()
    assert panel.cell_spin.value() == 0.0
    [action] = panel.tile_actions(spot)
    assert action.text() == "Zero channel 9 of conv1 (weights and bias)"


def test_restore_returns_the_loaded_weights_exactly(window, qtbot, trained_weights):
    draw_each(window, sample(4).strokes, qtbot)
    before = window.session.prediction.logits.copy()  # probabilities of a sure reading barely move
    panel = window.parameters
    window.feature_maps.zero_channel("conv1", 3)
    panel.select("scale")
    panel.scalar_spin.setValue(0.25)
    panel.select("fc.weight")
    panel.view_choice.setCurrentIndex(panel.view_choice.findData(2))  # channel 2: elements
    spot = panel.picture_image.mosaic.locate(5, 7)
    panel.select_cell(spot)
    assert panel.cell == (0, (2 * 13 + 5) * 13 + 7)
    panel.cell_spin.setValue(-1.0)
    assert window.session.state.loaded.edited() == {"conv1.weight", "conv1.bias", "scale", "fc.weight"}
    assert not np.allclose(window.session.prediction.logits, before)

    window.restore_act.trigger()
    loaded = load_model(trained_weights).model.state_dict()
    for name, value in window.session.classifier.model.state_dict().items():
        assert torch.equal(value, loaded[name]), name
    np.testing.assert_array_equal(window.session.prediction.logits, before)
    assert not window.isWindowModified() and not window.restore_act.isEnabled()
    assert not window.edited_badge.isVisible()
    qtbot.waitUntil(lambda: not panel.refresh_due())
    assert not any(panel.table.item(row, 0).font().italic() for row in range(4))
    assert panel.cell_spin.value() == pytest.approx(loaded["fc.weight"][panel.cell].item(), abs=1e-4)


def test_saving_with_edits_asks_which_weights(window, qtbot, tmp_path, monkeypatch, trained_weights):
    answers, asked = [], []

    def answer(box):
        asked.append(box.text())
        choice = answers.pop(0)
        if choice == "Cancel":
            box.button(QMessageBox.StandardButton.Cancel).click()
        else:
            next(b for b in box.buttons() if b.text() == choice).click()

    monkeypatch.setattr(QMessageBox, "exec", answer)
    paths = iter(tmp_path / f"{name}.pt" for name in ("plain", "loaded", "edited"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(next(paths)), ""))
    loaded = load_model(trained_weights).model.state_dict()

    window.save_as_act.trigger()  # nothing edited: no question
    assert not asked and (tmp_path / "plain.pt").is_file()

    window.feature_maps.zero_channel("conv1", 0)
    answers.append("Cancel")
    window.save_as_act.trigger()
    assert "conv1.bias, conv1.weight" in asked[-1] and not (tmp_path / "loaded.pt").exists()

    answers.append("Save As Loaded")
    window.save_as_act.trigger()
    saved = read_weights(tmp_path / "loaded.pt").state_dict
    assert all(torch.equal(saved[k], v) for k, v in loaded.items())
    assert window.isWindowModified()  # the live model keeps its edits

    answers.append("Save Edited")
    window.save_as_act.trigger()
    saved = read_weights(tmp_path / "edited.pt").state_dict
    assert not saved["conv1.weight"][0].any()
    assert all(torch.equal(saved[k], v) for k, v in window.session.classifier.model.state_dict().items())
    assert not window.isWindowModified() and window.session.state.loaded.edited() == frozenset()
    assert len(asked) == 3


def test_weights_changed_here_are_compared_with_those_loaded(window, trained_weights, qtbot):
    # As after Correct It: a fine-tuned copy goes live, "modified" since the file.
    tuned = load_model(trained_weights).model.eval()
    with torch.no_grad():
        tuned.fc.bias.add_(0.25)
    source = window.session.state.source
    window.session.install(tuned, source.path, source.metadata, modified=True)
    assert window.session.state.loaded.edited() == {"fc.bias"}
    assert window.isWindowModified() and window.edited_badge.text() == "edited: fc.bias"
    qtbot.waitUntil(lambda: not window.parameters.stale)  # its table is built a turn later
    assert window.parameters.table.item(window.parameters.row_of("fc.bias"), 0).font().italic()
    window.restore_act.trigger()
    loaded = load_model(trained_weights).model.state_dict()
    assert all(torch.equal(v, loaded[k]) for k, v in window.session.classifier.model.state_dict().items())
    assert not window.isWindowModified()
