"""The main window reading digits drawn with real mouse events, and its drawing controls."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from digitpad.classifier import Prediction
from digitpad.preprocess import preprocess
from digitpad.samples import SAMPLES, sample
from digitpad.ui.canvas import LOGICAL_SIZE
from digitpad.ui.panels.probabilities import SURE, UNSURE

from .conftest import ink
from .window_support import draw, shown_digit


def test_the_window_has_its_named_parts(window):
    for name in ("canvas", "prediction", "model_input", "probabilities"):
        assert window.findChild(QWidget, name) is not None, name
    assert window.centralWidget().isAncestorOf(window.canvas)
    assert [panel.objectName() for panel in window.panels] == [
        "probabilities", "network_input", "feature_maps", "parameters", "network_view",
        "uncertainty", "evidence", "timeline", "training", "correction", "evaluation", "my_digits"]


def test_reads_most_sample_digits_drawn_with_the_mouse(window, qtbot):
    wrong = []
    for handwritten in SAMPLES:
        window.canvas.clear()
        draw(window, handwritten.strokes, qtbot)
        if shown_digit(window) != str(handwritten.digit):
            wrong.append(f"{handwritten.name} read as {shown_digit(window)}")
    assert len(wrong) <= 0.1 * len(SAMPLES), wrong


def test_the_display_shows_the_prediction_of_the_drawing(window, qtbot):
    window.network_input.raise_()  # in front of the evidence
    draw(window, sample(2).strokes, qtbot)
    prediction = window.session.prediction
    expected = window.session.classifier.classify_strokes(window.canvas.pen_strokes(), surface=LOGICAL_SIZE)
    assert np.allclose(prediction.probabilities, expected.probabilities, atol=1e-6)
    assert shown_digit(window) == str(prediction.digit) == "2"
    panel = window.probabilities
    assert np.allclose(panel.bars.opts["height"], prediction.probabilities)
    assert panel.bars.opts["brushes"][2] == SURE
    # The percentage never wraps away from its number (it did in Chinese at 800x600).
    assert f"{100 * prediction.confidence:.0f}\u00a0%" in panel.confidence_label.text()
    assert " %" not in panel.confidence_label.text()
    assert np.array_equal(window.network_input.input_item.image, prediction.model_input)


def test_the_chart_is_updated_in_place(window, qtbot):
    bars, item = window.probabilities.bars, window.network_input.input_item
    draw(window, sample(5).strokes, qtbot)
    draw(window, sample(1).strokes, qtbot)
    assert window.probabilities.bars is bars and window.network_input.input_item is item
    assert window.probabilities.plot.listDataItems().count(bars) == 1


def test_an_empty_pad_invites_drawing_instead_of_guessing(window, qtbot):
    assert not window.session.prediction.has_digit
    assert not shown_digit(window).isdigit()
    assert "Draw a digit" in window.probabilities.confidence_label.text()
    assert not np.any(window.probabilities.bars.opts["height"])
    draw(window, sample(3).strokes, qtbot)
    assert shown_digit(window) == "3"
    window.clear_act.trigger()
    QApplication.processEvents()
    assert not shown_digit(window).isdigit()
    assert "Draw a digit" in window.probabilities.confidence_label.text()


def test_a_low_confidence_reading_is_marked_unsure(window):
    probabilities = np.full(10, 0.04, np.float32)
    probabilities[[3, 5]] = [0.45, 0.23]
    steps = preprocess(window.canvas.image())
    unsure = Prediction(steps=steps, probabilities=probabilities, logits=np.log(probabilities))
    assert unsure.unsure
    window.probabilities.show_prediction(unsure)
    assert shown_digit(window) == "3"
    assert "Unsure" in window.probabilities.confidence_label.text()
    assert "5 at 23\u00a0%" in window.probabilities.confidence_label.text()
    assert UNSURE in window.findChild(QLabel, "prediction").styleSheet()
    assert window.probabilities.bars.opts["brushes"][3] == UNSURE


@pytest.mark.parametrize("digit, confidence", [(3, 0.45), (3, 0.99), (9, 0.99)])
def test_the_value_of_the_top_bar_stays_inside_the_chart(window, digit, confidence):
    probabilities = np.full(10, (1 - confidence) / 9, np.float32)
    probabilities[digit] = confidence
    steps = preprocess(window.canvas.image())
    window.probabilities.show_prediction(
        Prediction(steps=steps, probabilities=probabilities, logits=np.log(probabilities)))
    QApplication.processEvents()
    panel = window.probabilities
    assert panel.top_value.textItem.toPlainText() == f"{100 * confidence:.0f} %"
    chart = panel.plot.getViewBox().sceneBoundingRect()
    assert chart.contains(panel.top_value.sceneBoundingRect())


def test_undo_redo_and_clear_from_the_edit_menu(window, qtbot):
    draw(window, sample(4).strokes, qtbot)
    assert shown_digit(window) == "4"
    window.undo_act.trigger()  # the stem goes
    window.undo_act.trigger()  # and the rest
    QApplication.processEvents()
    assert window.canvas.is_empty() and not window.session.prediction.has_digit
    window.redo_act.trigger()
    window.redo_act.trigger()
    qtbot.waitUntil(lambda: shown_digit(window) == "4", timeout=2000)
    window.clear_act.trigger()
    QApplication.processEvents()
    assert window.canvas.is_empty()


def test_standard_keys_reach_the_actions(window, qtbot):
    window.activateWindow()
    window.canvas.setFocus()
    qtbot.waitActive(window)
    assert window.undo_act.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.open_act.shortcut() == QKeySequence(QKeySequence.StandardKey.Open)
    assert window.save_as_act.shortcut() == QKeySequence(QKeySequence.StandardKey.SaveAs)
    draw(window, sample(7).strokes, qtbot)
    QTest.keySequence(window, QKeySequence(QKeySequence.StandardKey.Undo))
    QApplication.processEvents()
    assert window.canvas.is_empty()
    QTest.keySequence(window, QKeySequence(QKeySequence.StandardKey.Redo))
    qtbot.waitUntil(lambda: shown_digit(window) == "7", timeout=2000)
    QTest.keyClick(window, Qt.Key.Key_Escape)
    QApplication.processEvents()
    assert window.canvas.is_empty()
    size = window.canvas.brush_size
    QTest.keyClick(window, Qt.Key.Key_BracketRight)
    assert window.canvas.brush_size == size + 2 == window.brush_slider.value()
    QTest.keyClick(window, Qt.Key.Key_BracketLeft)
    QTest.keyClick(window, Qt.Key.Key_BracketLeft)
    assert window.canvas.brush_size == size - 2 == window.brush_slider.value()
    QTest.keyClick(window, Qt.Key.Key_E)
    assert window.canvas.eraser and window.eraser_act.isChecked()


def test_the_brush_slider_sets_the_brush(window):
    window.brush_slider.setValue(30)
    assert window.canvas.brush_size == 30


def test_erasing_changes_the_reading(window, qtbot):
    draw(window, sample(8, 1).strokes, qtbot)  # two loops
    assert shown_digit(window) == "8"
    lower_loop = sample(8, 1).strokes[1]
    window.eraser_act.setChecked(True)
    draw(window, [lower_loop], qtbot)
    assert ink(window.canvas.image()[170:]) < 50
    assert shown_digit(window) != "8"


def test_preprocessing_steps_on_demand(window, qtbot):
    steps_view = window.network_input.steps_view
    assert not steps_view.isVisible()
    draw(window, sample(6).strokes, qtbot)
    window.steps_act.trigger()
    assert steps_view.isVisible()
    steps = window.session.prediction.steps
    shown = [item.image for item in window.network_input.step_items]
    for image, expected in zip(shown, (steps.cropped, steps.boxed, steps.centred)):
        assert np.array_equal(image, expected)
    assert shown[1].shape[0] == 20 or shown[1].shape[1] == 20
    assert shown[2].shape == (28, 28)


def test_docks_close_and_come_back_from_the_view_menu(window, qtbot):
    dock = window.probabilities
    toggle = dock.toggleViewAction()
    assert toggle in window.view_menu.actions()
    toggle.trigger()
    assert not dock.isVisible()
    draw(window, sample(9).strokes, qtbot)  # classified while the dock is closed
    toggle.trigger()
    assert dock.isVisible()
    assert shown_digit(window) == "9"  # it catches up on showing


@pytest.mark.parametrize("size", [(1280, 800), (900, 600)])
def test_the_window_lays_out_at_common_sizes(window, qtbot, size):
    window.resize(*size)
    QApplication.processEvents()
    pad = window.canvas.pad_rect()
    assert pad.width() >= 300
    assert window.probabilities.width() >= 250


def test_the_toolbar_undo_and_redo_keep_their_labels_and_tell_details_in_tooltips(window, qtbot):
    from PySide6.QtWidgets import QToolBar

    from digitpad.samples import sample

    from .window_support import draw

    bar = window.findChild(QToolBar, "drawing_toolbar")
    undo, redo = bar.widgetForAction(window.undo_tool_act), bar.widgetForAction(window.redo_tool_act)
    clear = bar.widgetForAction(window.clear_act)
    widths, clear_x = (undo.width(), redo.width()), clear.x()
    draw(window, sample(3).strokes, qtbot)
    window.canvas.clear()
    window.undo_act.trigger()
    assert undo.text() == "Undo" and redo.text() == "Redo"
    assert "Stroke" in window.undo_tool_act.toolTip() and "Clear" in window.redo_tool_act.toolTip()
    assert window.undo_act.text() == "&Undo Stroke"  # the menu keeps the details
    assert (undo.width(), redo.width()) == widths and clear.x() == clear_x
    window.undo_tool_act.trigger()
    assert window.redo_act.text() == "&Redo Stroke"


def test_the_architectures_are_a_named_submenu(window):
    assert window.arch_menu.title() == "&Architecture"
    assert window.arch_menu.menuAction() in window.menuBar().actions()[3].menu().actions()
    assert [a.text() for a in window.arch_menu.actions()] == [
        a.text() for a in window.arch_group.actions()]
