"""Compare two networks in the app: both read every drawing, both charts and both evidence
maps show them, a disagreement is flagged, the Evaluate dock measures both with McNemar's
test, a bad file changes nothing and stopping leaves no trace of the second network."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from digitpad.compare import SecondNetwork
from digitpad.evaluate import predict
from digitpad.models import fresh_copy
from digitpad.samples import sample
from digitpad.ui import teaching
from digitpad.ui.canvas import PlacedImage
from digitpad.ui.panels.evaluation import MAX_DISAGREEMENTS

from .window_support import draw, same_state, state_of

TIMEOUT_MS = 180_000


def biased_copy(model, digit: int = 7, by: float = 200.0):
    """A copy whose fc bias strongly favours ``digit``."""
    copy = fresh_copy(model)
    with torch.no_grad():
        copy.fc.bias[digit] += by
    return copy


def hook_count(model) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def settle(qtbot, ms: int = 50) -> None:
    qtbot.wait(ms)
    QApplication.processEvents()


@pytest.fixture
def comparing(window, qtbot):
    """The window comparing its live SimpleCNN with a copy that reads most things as 7,
    a 3 on the pad."""
    biased = biased_copy(window.session.model)
    window.compare_with(SecondNetwork(biased, "biased copy"))
    draw(window, sample(3, 0).strokes, qtbot)
    return window


def test_both_networks_read_in_one_step_and_the_chart_shows_both(comparing, qtbot):
    window = comparing
    live, second = window.session.prediction, window.session.second_prediction
    assert second is not None and second.steps is live.steps
    assert live.digit == 3 and second.digit == 7
    panel = window.probabilities
    assert panel.second_bars.isVisible()
    # Side by side: each network's probabilities in its own bars, left and right of each digit.
    assert np.allclose(panel.bars.opts["height"], live.probabilities)
    assert np.allclose(panel.second_bars.opts["height"], second.probabilities)
    assert (np.asarray(panel.second_bars.opts["x"]) > np.asarray(panel.bars.opts["x"])).all()
    assert "biased copy" in panel.second_reading.text() and ">7<" in panel.second_reading.text()
    # Overlaid: the second's outlines over the live bars, the same probabilities.
    panel.chart_layout.setCurrentIndex(panel.chart_layout.findData("over"))
    assert np.allclose(panel.second_bars.opts["x"], panel.bars.opts["x"])
    assert np.allclose(panel.second_bars.opts["height"], second.probabilities)
    assert np.allclose(panel.bars.opts["height"], live.probabilities)
    assert panel.second_bars.opts["pen"] is not None


def test_a_disagreement_is_flagged_and_an_agreement_is_not(comparing, qtbot):
    window = comparing
    flag = window.probabilities.disagreement
    assert flag.isVisible()
    assert "3" in flag.text() and "7" in flag.text() and "biased copy" in flag.text()
    window.compare_with(SecondNetwork(fresh_copy(window.session.model), "same weights"))
    settle(qtbot)
    assert window.session.second_prediction.digit == window.session.prediction.digit == 3
    assert not flag.isVisible()


def test_the_evidence_shows_both_maps(comparing, qtbot):
    window = comparing
    evidence = window.evidence
    evidence.raise_()
    settle(qtbot)
    assert evidence.second_picture.isVisible()
    assert evidence.evidence.target == 3 and evidence.second_evidence.target == 7  # each its own reading
    assert np.abs(evidence.second_evidence_item.values).max() > 0
    # The second map is the second network's own evidence, from its reading of the same input.
    expected = evidence.second_explainer.explain(window.session.second_prediction, None, None)
    assert np.allclose(evidence.second_evidence.input_map, expected.input_map)
    assert not np.allclose(evidence.second_evidence.input_map, evidence.evidence.input_map)
    evidence.choose(target=5)
    assert evidence.evidence.target == 5 == evidence.second_evidence.target
    assert "biased copy" in evidence.second_caption.text()


def test_the_second_map_is_made_only_while_the_evidence_is_on_screen(comparing, qtbot):
    window = comparing
    window.network_input.raise_()  # the evidence dock behind its tab
    settle(qtbot)
    assert not window.evidence.on_screen()
    shown = window.evidence.second_evidence
    draw(window, [[(0.2, 0.2), (0.8, 0.8)]], qtbot)
    assert window.evidence.second_evidence is shown  # nothing computed for a hidden view
    window.evidence.raise_()
    settle(qtbot)
    assert window.evidence.second_evidence is not shown


def test_the_comparison_survives_drawing_undo_and_edits(comparing, qtbot):
    window = comparing
    second = window.session.second
    window.undo_act.trigger()
    settle(qtbot)
    window.redo_act.trigger()
    settle(qtbot)
    assert window.session.second is second and window.session.second_prediction.digit == 7
    before = window.session.second_prediction
    with torch.no_grad():  # a what-if edit of the live network
        window.session.model.fc.bias[9] += 300
    window.session.parameters_edited()
    settle(qtbot)
    assert window.session.prediction.digit == 9  # the live network reads anew
    assert window.session.second is second
    assert window.session.second_prediction is not before
    assert window.session.second_prediction.digit == 7  # the second is not edited


def test_a_bad_compare_file_changes_nothing(comparing, qtbot, tmp_path, monkeypatch):
    window = comparing
    warnings = []
    monkeypatch.setattr(window, "warn", lambda title, text, details="": warnings.append(text))
    second, live = window.session.second, state_of(window)
    prediction = window.session.prediction
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert not window.compare_with_file(bad)
    assert warnings and "broken.pt" in warnings[0] and "Nothing was changed" in warnings[0]
    assert window.session.second is second and same_state(live, state_of(window))
    assert window.session.prediction is prediction  # not even read again
    assert window.probabilities.disagreement.isVisible()


def test_the_menu_compares_with_shipped_weights_and_stops(window, qtbot):
    assert not window.stop_comparing_act.isEnabled()
    action = next(a for a in window.compare_menu.actions() if a.text().startswith("DeepCNN"))
    action.trigger()
    settle(qtbot)
    assert window.session.second.arch == "DeepCNN"
    assert window.stop_comparing_act.isEnabled() and window.evaluate_both_act.isEnabled()


def test_stopping_removes_every_second_network_hook(comparing, qtbot):
    window = comparing
    window.evidence.raise_()
    settle(qtbot)
    model = window.session.second.model
    assert hook_count(model) > 0  # the evidence asked it to capture the map its split needs
    window.stop_comparing_act.trigger()
    settle(qtbot)
    assert window.session.second is None and window.session.second_prediction is None
    assert hook_count(model) == 0
    assert not window.probabilities.second_bars.isVisible()
    assert not window.probabilities.comparison_row.isVisible()
    assert not window.probabilities.disagreement.isVisible()
    assert not window.evidence.second_picture.isVisible()
    assert window.evidence.second_explainer is None
    assert not window.stop_comparing_act.isEnabled()
    draw(window, [[(0.5, 0.1), (0.5, 0.9)]], qtbot)
    assert window.session.second_prediction is None and hook_count(model) == 0


def test_evaluating_with_two_networks(window, qtbot):
    biased = biased_copy(window.session.model, by=60.0)
    window.compare_with(SecondNetwork(biased, "biased copy"))
    panel = window.evaluation
    window.evaluate_both_act.trigger()
    assert window.session.jobs.busy and panel.progress.isVisible()
    qtbot.waitUntil(lambda: not window.session.jobs.busy and panel.comparison is not None,
                    timeout=TIMEOUT_MS)
    assert not panel.progress.isVisible()
    pairs = panel.comparison.pairs
    test_set = teaching.mnist("test")
    # Checked against the models themselves, not the evaluation's bookkeeping.
    images = torch.from_numpy(test_set.images.copy())
    assert np.array_equal(pairs.second, predict(biased, images).numpy())
    assert np.array_equal(pairs.first, predict(window.session.model, images).numpy())
    assert f"{100 * pairs.second_accuracy:.2f} %" in panel.second_summary.text()
    assert f"{100 * pairs.first_accuracy:.2f} %" in panel.second_summary.text()
    assert pairs.b > pairs.c and pairs.test.more_than_chance
    shown = QTextDocument()
    shown.setHtml(panel.mcnemar_line.text())  # the words on screen, as the label renders them
    assert "likely more than chance (p < 0.001): the live network reads better" in shown.toPlainText()

    listed = panel.disagreements
    assert listed.count() == min(len(pairs.disagreements), MAX_DISAGREEMENTS) > 0
    item = listed.item(1)
    index = item.data(Qt.ItemDataRole.UserRole)
    assert pairs.first[index] != pairs.second[index]
    before = window.session.prediction
    QTest.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton,
                     pos=listed.visualItemRect(item).center())
    placed = window.canvas.strokes[-1]
    assert isinstance(placed, PlacedImage) and np.array_equal(placed.ink, test_set.images[index])
    qtbot.waitUntil(lambda: window.session.prediction is not before, timeout=5000)
    # Both read it on the pad, as they did in the evaluation.
    assert window.session.second_prediction is not None
    message = window.statusBar().currentMessage()
    assert f"A {test_set.labels[index]}: the live network reads {pairs.first[index]}" in message

    window.stop_comparing()
    assert "Evaluate again" in panel.status.text()
