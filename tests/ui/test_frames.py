"""What one pointer move costs, as mechanisms (the times are benchmarks/ui_latency.py's):
one forward pass per reading serves every dock, Grad-CAM included, and a dock behind a
tab computes and repaints nothing until it is shown."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from digitpad.explain import GRAD_CAM, SALIENCY, Explainer
from digitpad.samples import sample

from .insight_support import draw_each


def count_calls(panel, name: str) -> list:
    """Record each call of ``panel``'s method ``name`` (its arguments) and still make it."""
    calls = []
    method = getattr(panel, name)

    def recorded(*args):
        calls.append(args)
        return method(*args)

    setattr(panel, name, recorded)
    return calls


def count_forwards(window) -> list:
    """One entry per run of the live model (a test's own hook, removed with the model)."""
    calls = []
    window.session.model.register_forward_hook(lambda *_: calls.append(1))
    return calls


def readings(window) -> list:
    predictions = []
    window.session.prediction_changed.connect(predictions.append)
    return predictions


def test_one_forward_pass_per_reading_serves_grad_cam_too(window, qtbot):
    window.set_architecture("DeepCNN")
    # The network view's blocks come a turn after the switch, with the new network's
    # one-off calibration pass: not a reading.
    qtbot.waitUntil(lambda: not window.network_view.stale)
    panel = window.evidence
    assert panel.on_screen()
    forwards, predictions = count_forwards(window), readings(window)
    draw_each(window, sample(5).strokes, qtbot)
    with_digit = [p for p in predictions if p.has_digit]
    assert with_digit and len(forwards) == len(with_digit)  # the evidence ran the model 0 times
    latest = window.session.prediction
    assert set(latest.gradients) == {(latest.digit, "block2.2")}
    # The very map the separate computation gives, read from the shared pass.
    separate = Explainer(window.session.classifier).explain(
        window.session.classifier.classify_steps(latest.steps))
    assert panel.evidence.method == GRAD_CAM and panel.evidence.target == latest.digit
    np.testing.assert_allclose(panel.evidence.grid, separate.grid, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(panel.evidence_item.values, separate.input_map, atol=1e-6)

    # Another class and method: the next reading's one pass takes that gradient instead.
    panel.choose(target=2, method=SALIENCY)
    forwards.clear()
    predictions.clear()
    draw_each(window, [[(0.2, 0.9), (0.8, 0.9)]], qtbot)
    assert len(forwards) == len(predictions)
    assert set(window.session.prediction.gradients) == {(2, "")}
    assert panel.evidence.method == SALIENCY and panel.evidence.target == 2


def test_the_simple_network_takes_no_gradients_for_its_exact_split(window, qtbot):
    predictions = readings(window)
    draw_each(window, sample(3).strokes, qtbot)
    assert window.evidence.evidence.method == "exact"
    assert all(p.gradients == {} for p in predictions)


def test_docks_behind_tabs_cost_nothing_and_catch_up_when_shown(window, qtbot):
    window.set_architecture("DeepCNN")
    window.tabifyDockWidget(window.parameters, window.feature_maps)
    window.parameters.raise_()
    window.network_input.raise_()  # the evidence goes behind the input's tab
    qtbot.waitUntil(lambda: not window.evidence.on_screen() and not window.feature_maps.on_screen())
    shown = count_calls(window.evidence, "show_prediction")
    explained = count_calls(window.evidence.explainer, "explain")
    drawn = count_calls(window.feature_maps, "_draw")
    forwards, predictions = count_forwards(window), readings(window)
    draw_each(window, sample(4).strokes, qtbot)
    assert predictions and shown == [] and explained == [] and drawn == []
    assert all(p.gradients == {} for p in predictions)  # no Grad-CAM for a hidden dock
    assert len(forwards) == len([p for p in predictions if p.has_digit])

    latest = window.session.prediction
    window.evidence.raise_()
    qtbot.waitUntil(lambda: len(shown) == 1)
    QApplication.processEvents()
    assert shown == [(latest,)] and len(explained) == 1  # once, on the newest drawing
    expected = Explainer(window.session.classifier).explain(latest)
    np.testing.assert_array_equal(window.evidence.evidence.grid, expected.grid)
    np.testing.assert_allclose(window.evidence.evidence_item.values, expected.input_map, atol=1e-6)

    window.feature_maps.raise_()
    qtbot.waitUntil(lambda: len(drawn) == 1)
    QApplication.processEvents()
    assert len(drawn) == 1
    layer = window.feature_maps.layers[0]
    np.testing.assert_array_equal(layer.image.mosaic.tile(0), latest.feature_maps[layer.name][0])


def test_the_charts_axes_stay_out_of_the_bars_repaint(window):
    """The grid is lines of its own: an axis with a grid is as big as the chart, so every
    reading's bars repainted it whole, labels and all."""
    from PySide6.QtWidgets import QGraphicsLineItem

    for plot in (window.probabilities.plot, window.correction.plot):
        left = plot.getAxis("left")
        assert left.grid is False
        assert left.boundingRect().width() < plot.getViewBox().boundingRect().width() / 4
        lines = [item for item in plot.getViewBox().addedItems if isinstance(item, QGraphicsLineItem)]
        assert sorted(line.line().y1() for line in lines) == [0.5, 1.0]


def test_the_drawing_is_pictured_once_per_reading(window, qtbot):
    """The canvas announces each change with its picture; the reading uses that one."""
    pictures = count_calls(window.canvas, "image")
    predictions = readings(window)
    draw_each(window, sample(7).strokes, qtbot)
    assert predictions and len(pictures) == len(predictions)
