"""The evidence dock shows exactly what digitpad.explain computes, on the user's strokes,
with the numbers that add up to the logit; on the pad too when asked."""

import re

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from digitpad.explain import EXACT, GRAD_CAM, SALIENCY, Explainer
from digitpad.samples import sample
from digitpad.ui.canvas import LOGICAL_SIZE
from digitpad.ui.panels.evidence import LUT_SIZE, coloured, evidence_lut, peak_of

from .insight_support import draw_each
from .window_support import bring_forward

SPLIT = re.compile(r"logit\((\d)\) = <b>([+-]\d+\.\d\d)</b> cells <b>([+-]\d+\.\d\d)</b> "
                   r"bias = <b>(-?\d+\.\d\d)</b>")


def expected(window, target=None, method=None):
    return Explainer(window.session.classifier).explain(window.session.prediction, target, method)


def test_the_dock_shows_the_exact_split_and_its_sum(window, qtbot):
    panel = window.evidence
    assert panel.isVisible()  # in front of its tab group by default
    items = panel.drawing_item, panel.evidence_item
    draw_each(window, sample(3).strokes, qtbot)
    evidence = expected(window)
    assert evidence.method == EXACT and evidence.target == window.session.prediction.digit == 3
    values = evidence.input_map  # stretched over the part of the drawing it covers
    np.testing.assert_array_equal(panel.evidence_item.values, values)
    assert panel.evidence_item.shown_levels == pytest.approx([-peak_of(values), peak_of(values)])
    placed = panel.evidence_item.mapRectToParent(panel.evidence_item.boundingRect())
    assert placed.getRect() == pytest.approx(evidence.input_rect)
    np.testing.assert_array_equal(panel.drawing_item.values, window.session.prediction.steps.image)
    assert (panel.drawing_item, panel.evidence_item) == items  # updated in place

    caption = panel.caption.text()
    assert "<b>exact</b>: logit = scale·(W·h + b) over 13×13 cells of <i>pool</i>" in caption
    digit, cells, bias, logit = SPLIT.search(caption).groups()
    assert int(digit) == 3
    assert cells == f"{evidence.grid.sum():+.2f}" and bias == f"{evidence.bias_term:+.2f}"
    assert logit == f"{window.session.prediction.logits[3]:.2f}"
    assert float(cells) + float(bias) == pytest.approx(float(logit), abs=0.011)
    assert evidence.grid.sum() + evidence.bias_term == pytest.approx(evidence.logit, rel=1e-4)
    top = np.argsort(-np.abs(evidence.channel_totals))[0]
    assert f"channels {top} {evidence.channel_totals[top]:+.1f}" in caption


def test_any_digit_and_any_method(window, qtbot):
    panel = window.evidence
    draw_each(window, sample(7).strokes, qtbot)
    panel.choose(target=1)
    evidence = expected(window, 1)
    assert panel.evidence.target == 1 and panel.evidence.logit == pytest.approx(
        float(window.session.prediction.logits[1]))
    np.testing.assert_array_equal(panel.evidence_item.values, evidence.input_map)
    assert "logit(1) = " in panel.caption.text()

    for method, label in ((GRAD_CAM, "<b>Grad-CAM</b> on <i>pool</i>"),
                          (SALIENCY, "<b>saliency</b>")):
        panel.choose(target=1, method=method)
        evidence = expected(window, 1, method)
        assert panel.evidence.method == method
        np.testing.assert_allclose(panel.evidence_item.values, evidence.input_map, atol=1e-6)
        assert label in panel.caption.text() and "cells" not in panel.caption.text()

    panel.choose()  # back to the digit read, best method
    assert panel.evidence.target == 7 and panel.evidence.method == EXACT


def test_without_an_exact_split_it_says_which_method(window, qtbot):
    window.set_architecture("DeepCNN")
    panel = window.evidence
    exact_item = panel.method_choice.model().item(panel.method_choice.findData(EXACT))
    assert not exact_item.isEnabled()
    draw_each(window, sample(5).strokes, qtbot)
    assert panel.evidence.method == GRAD_CAM and panel.evidence.layer == "block2.2"
    np.testing.assert_allclose(panel.evidence_item.values, expected(window).input_map, atol=1e-6)
    assert "<b>Grad-CAM</b> on <i>block2.2</i>" in panel.caption.text()


def test_the_colours_are_the_lut_entries_of_the_values():
    lut = evidence_lut()
    values = np.linspace(-1.5, 1.5, 280 * 280, dtype=np.float32).reshape(280, 280)
    rgba = coloured(values, 1.0, lut)
    assert rgba.shape == (280, 280, 4) and rgba.dtype == np.uint8
    expected = np.clip((values + 1.0) * (LUT_SIZE / 2), 0, LUT_SIZE - 1).astype(np.intp)
    np.testing.assert_array_equal(rgba, lut[expected])
    assert (rgba[0, 0] == lut[0]).all() and (rgba[-1, -1] == lut[-1]).all()  # beyond the peak
    assert (coloured(np.zeros((3, 5), np.float32), 1.0, lut) == lut[LUT_SIZE // 2]).all()


def test_the_map_on_the_pad_lies_under_the_strokes(window, qtbot):
    panel = window.evidence
    draw_each(window, sample(0).strokes, qtbot)
    assert window.canvas.overlay() is None
    panel.on_pad.setChecked(True)
    values = panel.evidence.on_source()
    overlay = window.canvas.overlay()
    np.testing.assert_array_equal(overlay, coloured(values, peak_of(values), panel.lut))

    # Where the evidence is strongest for the digit and there is no ink, the pad is red.
    no_ink = window.session.prediction.steps.image < 0.02
    y, x = np.unravel_index(np.argmax(np.where(no_ink, values, -np.inf)), values.shape)
    assert values[y, x] > 0.5 * peak_of(values)
    point = window.canvas.to_widget(QPointF(x + 0.5, y + 0.5) * (LOGICAL_SIZE / values.shape[0]))
    colour = window.canvas.grab().toImage().pixelColor(point.toPoint())
    assert colour.red() > colour.blue() + 40

    # It follows the drawing even with the dock behind another tab.
    window.network_input.raise_()
    qtbot.waitUntil(lambda: not panel.on_screen())
    draw_each(window, sample(1).strokes, qtbot)
    assert window.canvas.overlay().shape == overlay.shape
    assert not np.array_equal(window.canvas.overlay(), overlay)
    panel.toggleViewAction().trigger()  # the dock closed: the pad is plain again
    assert window.canvas.overlay() is None
    panel.toggleViewAction().trigger()
    assert window.canvas.overlay() is not None
    panel.on_pad.setChecked(False)
    assert window.canvas.overlay() is None


def test_the_maps_it_captures_leave_the_feature_dock_and_hooks_as_they_were(window, qtbot):
    from digitpad.capture import hook_count
    from digitpad.ui.panels.feature_maps import ALL_STAGES

    simple = window.session.classifier.model
    window.set_architecture("DeepCNN")
    classifier, deep = window.session.classifier, window.session.classifier.model
    assert hook_count(simple) == 0
    assert hook_count(deep) == classifier.capture.handle_count
    classifier.watch(["block1.1"])  # a BatchNorm2d map, as a view might ask for
    bring_forward(window.feature_maps, qtbot)
    window.feature_maps.set_classifier(classifier)
    stages = window.feature_maps.stage_choice
    stages.setCurrentIndex(stages.findData(ALL_STAGES))
    assert window.feature_maps.shown_layers() == [
        "block1.0", "block1.2", "block1.3", "block2.0", "block2.2", "block2.3"]
    window.set_architecture("SimpleCNN")
    assert hook_count(deep) == 0
