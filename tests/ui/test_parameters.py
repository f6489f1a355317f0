"""The parameters dock: the table is named_parameters(), pictures hold the tensors' values,
scalar edits act on the live model as softmax(scale * logits) says, and the module tree
shows the nesting with output shapes."""

import numpy as np
import pytest
import torch
from PySide6 import QtCore

from digitpad.models import create_model
from digitpad.params import format_shape
from digitpad.ui.panels.parameter_views import ALL, SUM
from digitpad.ui.panels.parameters import COLUMNS, TREE_COUNT, TREE_SHAPE, ParametersPanel
from digitpad.weights import load_model, save_weights

from .panel_support import ARCHES, drawn, hover, make_classifier, pixels_of_tile, shown


@pytest.fixture
def panel(qtbot):
    return shown(qtbot, ParametersPanel(), 560, 760)


def cell(panel, row, column):
    return panel.table.item(row, COLUMNS.index(column))


def choose(panel, data):
    panel.view_choice.setCurrentIndex(panel.view_choice.findData(data))


@pytest.mark.parametrize("arch", ARCHES)
def test_table_is_named_parameters_with_a_total_row(panel, arch):
    classifier = make_classifier(arch)
    classifier.model.get_parameter(next(iter(dict(classifier.model.named_parameters())))
                                   ).requires_grad_(False)
    panel.set_classifier(classifier)
    named = list(classifier.model.named_parameters())
    assert panel.table.rowCount() == len(named) + 1
    for row, (name, p) in enumerate(named):
        values = p.detach().double()
        assert cell(panel, row, "name").text() == name
        assert cell(panel, row, "shape").text() == format_shape(p.shape)
        assert cell(panel, row, "numel").data(QtCore.Qt.ItemDataRole.UserRole) == p.numel()
        assert cell(panel, row, "dtype").text() == "float32"
        assert cell(panel, row, "device").text() == "cpu"
        assert cell(panel, row, "requires_grad").text() == str(p.requires_grad)
        for column, expected in (("mean", values.mean()), ("std", values.std(correction=0)),
                                 ("min", values.min()), ("max", values.max())):
            shown = cell(panel, row, column).data(QtCore.Qt.ItemDataRole.UserRole)
            assert shown == pytest.approx(expected.item(), rel=1e-9, abs=1e-12)
            assert cell(panel, row, column).text() == f"{shown:.4g}"
    total_row = len(named)
    total = sum(p.numel() for _, p in named)
    trainable = sum(p.numel() for _, p in named if p.requires_grad)
    assert cell(panel, total_row, "name").text() == "total"
    assert cell(panel, total_row, "numel").text() == f"{total:,}"
    assert cell(panel, total_row, "requires_grad").text() == f"{trainable:,} trainable"
    assert trainable < total


def test_loading_new_weights_refreshes_table_and_tree(panel, tmp_path, qtbot):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    before = cell(panel, 1, "mean").data(QtCore.Qt.ItemDataRole.UserRole)
    torch.manual_seed(7)
    path = save_weights(tmp_path / "deep.pt", create_model("DeepCNN"), arch="DeepCNN")
    classifier.set_model(load_model(path).model)
    panel.set_classifier(classifier)
    assert panel.stale  # a new model: built in the next event-loop turn
    qtbot.waitUntil(lambda: not panel.stale)
    assert cell(panel, 0, "name").text() == "block1.0.weight"
    assert panel.tree.topLevelItem(0).text(0) == "DeepCNN"
    torch.manual_seed(8)
    path = save_weights(tmp_path / "simple.pt", create_model("SimpleCNN"), arch="SimpleCNN")
    classifier.set_model(load_model(path).model)
    panel.set_classifier(classifier)
    qtbot.waitUntil(lambda: not panel.stale)
    after = cell(panel, 1, "mean").data(QtCore.Qt.ItemDataRole.UserRole)
    assert after == pytest.approx(classifier.model.conv1.weight.double().mean().item())
    assert after != before


def test_conv1_is_sixteen_3x3_kernels_on_a_zero_centred_diverging_map(panel):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    panel.select("conv1.weight")
    image = panel.picture_image
    weights = classifier.model.conv1.weight.detach().numpy()
    assert image.mosaic.count == 16 and (image.mosaic.tile_h, image.mosaic.tile_w) == (3, 3)
    for k in range(16):
        np.testing.assert_array_equal(pixels_of_tile(image, k), weights[k, 0])
    assert np.isnan(image.values).sum() == image.values.size - 144  # gaps between kernels
    m = np.abs(weights).max()
    assert tuple(image.shown_levels) == pytest.approx((-m, m))
    middle = image.colours[len(image.colours) // 2]
    assert min(middle[:3]) > 200  # zero is (near) white, ends are coloured
    assert not panel.view_choice.isVisible()


def test_deep_conv_weights_by_input_channel_or_all(panel):
    classifier = make_classifier("DeepCNN")
    panel.set_classifier(classifier)
    panel.select("block2.0.weight")
    weights = classifier.model.block2[0].weight.detach().numpy()  # (64, 32, 3, 3)
    assert panel.view_choice.count() == 33
    choose(panel, 5)
    for k in (0, 17, 63):
        np.testing.assert_array_equal(pixels_of_tile(panel.picture_image, k), weights[k, 5])
    choose(panel, ALL)
    image = panel.picture_image
    assert (image.mosaic.rows, image.mosaic.columns) == (64, 32)
    np.testing.assert_array_equal(pixels_of_tile(image, 10 * 32 + 7), weights[10, 7])


def test_fc_weight_as_ten_templates_shaped_like_the_pooled_maps(panel):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    panel.select("fc.weight")
    # Before any forward pass the input shape is unknown: the weight is a matrix.
    assert panel.picture_image.mosaic.count == 1
    assert panel.picture_image.values.shape == (10, 2704)
    panel.show_prediction(classifier.classify(drawn(3)))
    assert panel.current == "fc.weight"
    templates = classifier.model.fc.weight.detach().numpy().reshape(10, 16, 13, 13)
    image = panel.picture_image
    assert panel.view_choice.currentData() == SUM
    for digit in range(10):
        np.testing.assert_allclose(pixels_of_tile(image, digit), templates[digit].sum(0), rtol=1e-6)
    assert panel.view.labels == [str(d) for d in range(10)]
    choose(panel, 3)
    for digit in range(10):
        np.testing.assert_array_equal(pixels_of_tile(panel.picture_image, digit), templates[digit, 3])


def test_deep_linear_layers_template_or_matrix(panel):
    classifier = make_classifier("DeepCNN")
    panel.set_classifier(classifier)
    panel.show_prediction(classifier.classify(drawn(3)))
    panel.select("classifier.1.weight")  # 128 x 3136 = 128 x (64, 7, 7)
    weights = classifier.model.classifier[1].weight.detach().numpy().reshape(128, 64, 7, 7)
    choose(panel, 63)
    assert panel.picture_image.mosaic.count == 128
    np.testing.assert_array_equal(pixels_of_tile(panel.picture_image, 100), weights[100, 63])
    panel.select("classifier.4.weight")  # 10 x 128: no map has 128 values per channel grid
    np.testing.assert_array_equal(panel.picture_image.values,
                                  classifier.model.classifier[4].weight.detach().numpy())


def test_biases_are_bars(panel):
    classifier = make_classifier("DeepCNN")
    panel.set_classifier(classifier)
    panel.select("block1.1.bias")  # a BatchNorm bias: 1-D like any bias
    np.testing.assert_array_equal(panel.bars.opts["height"],
                                  classifier.model.block1[1].bias.detach().numpy())


def test_hover_on_a_kernel_reads_its_element(panel, qtbot):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    panel.select("conv1.weight")
    image = panel.picture_image
    y0, x0 = image.mosaic.tile_origin(6)
    hover(qtbot, panel.picture, image, y0 + 1, x0 + 2)
    value = classifier.model.conv1.weight[6, 0, 1, 2].item()
    assert panel.readout.text() == f"conv1.weight[6, 0] · y 1, x 2 · value {value:.4g}"


def test_editing_scale_acts_like_softmax_of_scale_times_logits(panel, qtbot):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    drawing = drawn(2)
    seen = []
    panel.parameters_edited.connect(lambda: seen.append(classifier.classify(drawing)))
    loaded = classifier.model.scale.item()
    unscaled = classifier.classify(drawing).logits / loaded

    panel.select("scale")
    assert panel.stack.currentIndex() == 1  # the editor, not a picture
    with qtbot.waitSignal(panel.parameters_edited):
        panel.scalar_spin.setValue(3.5)
    assert classifier.model.scale.item() == pytest.approx(3.5)
    expected = np.exp(3.5 * unscaled - (3.5 * unscaled).max())
    np.testing.assert_allclose(seen[-1].probabilities, expected / expected.sum(), rtol=1e-4, atol=1e-6)
    assert cell(panel, panel.row_of("scale"), "mean").data(QtCore.Qt.ItemDataRole.UserRole) == 3.5

    panel.scalar_slider.setValue(panel.scalar_slider.maximum() // 2)  # the middle is zero
    assert classifier.model.scale.item() == pytest.approx(0.0)
    np.testing.assert_allclose(seen[-1].probabilities, np.full(10, 0.1), rtol=1e-5)

    panel.scalar_reset.click()
    assert classifier.model.scale.item() == pytest.approx(loaded)
    np.testing.assert_allclose(seen[-1].logits, unscaled * loaded, rtol=1e-5)
    # A device change (same model) keeps the loaded value for Reset.
    panel.scalar_spin.setValue(-1.0)
    classifier.set_device("cpu")
    panel.set_classifier(classifier)
    panel.select("scale")
    panel.scalar_reset.click()
    assert classifier.model.scale.item() == pytest.approx(loaded)


def test_module_tree_shows_nesting_parameter_counts_and_output_shapes(panel):
    classifier = make_classifier("DeepCNN")
    panel.set_classifier(classifier)
    root = panel.tree.topLevelItem(0)
    assert [root.child(i).text(0) for i in range(root.childCount())] == [
        "block1", "block2", "classifier"]
    block1 = panel.tree_items["block1"]
    assert [block1.child(i).text(1) for i in range(block1.childCount())] == [
        "Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d"]
    conv = panel.tree_items["block1.0"]
    assert [conv.child(i).text(0) for i in range(conv.childCount())] == ["weight", "bias"]
    assert panel.tree_items["classifier.1"].text(TREE_COUNT) == f"{128 * 3136 + 128:,}"
    assert root.text(TREE_COUNT) == f"{sum(p.numel() for p in classifier.model.parameters()):,}"
    assert panel.tree_items["block2.3"].text(TREE_SHAPE) == "—"  # no forward pass yet
    panel.show_prediction(classifier.classify(drawn(8)))
    assert panel.tree_items["block1.0"].text(TREE_SHAPE) == "[1, 32, 28, 28]"
    assert panel.tree_items["block2.3"].text(TREE_SHAPE) == "[1, 64, 7, 7]"
    assert panel.tree_items["classifier.0"].text(TREE_SHAPE) == "[1, 3136]"
    assert root.text(TREE_SHAPE) == "[1, 10]"


def test_simple_tree_and_clicking_a_parameter_leaf_selects_it(panel, qtbot):
    classifier = make_classifier("SimpleCNN")
    panel.set_classifier(classifier)
    panel.show_prediction(classifier.classify(drawn(1)))
    root = panel.tree.topLevelItem(0)
    assert [root.child(i).text(0) for i in range(root.childCount())] == [
        "scale", "conv1", "pool", "fc"]
    assert panel.tree_items["pool"].text(TREE_SHAPE) == "[1, 16, 13, 13]"
    panel.tabs.setCurrentIndex(1)
    leaf = panel.tree_items["fc"].child(1)
    qtbot.mouseClick(panel.tree.viewport(), QtCore.Qt.MouseButton.LeftButton,
                     pos=panel.tree.visualItemRect(leaf).center())
    assert panel.current == "fc.bias"
    assert panel.table.selectionModel().selectedRows()[0].row() == panel.row_of("fc.bias")
