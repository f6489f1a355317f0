"""The evaluation dock: the numbers of `digitpad eval` for the live weights, computed in a
worker; a confusion cell lists its test digits; a digit clicked goes onto the pad."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from digitpad import cli
from digitpad.evaluate import predict
from digitpad.ui import teaching
from digitpad.ui.canvas import PlacedImage
from digitpad.ui.panels.evaluation import ACCURACY_COLUMN, MAX_EXAMPLES

TIMEOUT_MS = 120_000


@pytest.fixture
def evaluated(window, qtbot):
    panel = window.evaluation
    panel.present()  # brings the dock forward and evaluates the live weights
    assert window.session.jobs.busy
    qtbot.waitUntil(lambda: not window.session.jobs.busy and panel.result is not None, timeout=TIMEOUT_MS)
    return panel


def shown_matrix(panel) -> list[list[int]]:
    table = panel.matrix
    return [[int(table.item(row, column).text() or 0) for column in range(10)] for row in range(10)]


def click_cell(panel, row, column):
    table = panel.matrix
    rect = table.visualRect(table.model().index(row, column))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_matrix_shown_is_what_digitpad_eval_prints(evaluated, trained_weights, capsys):
    assert cli.main(["eval", "--weights", str(trained_weights), "--device", "cpu", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert shown_matrix(evaluated) == printed["confusion"]
    assert f"{100 * printed['accuracy']:.2f} %" in evaluated.summary.text()
    assert f"{100 * printed['perturbed_accuracy']:.1f} %" in evaluated.summary.text()
    shown_per_class = [float(evaluated.matrix.item(row, ACCURACY_COLUMN).text()) for row in range(10)]
    assert shown_per_class == pytest.approx([100 * a for a in printed["per_class"]], abs=0.05)
    assert "10,000" in evaluated.status.text()


def test_a_cell_lists_its_digits_and_a_digit_goes_on_the_pad(window, evaluated, qtbot):
    confusion = np.array(shown_matrix(evaluated))
    off_diagonal = confusion - np.diag(np.diag(confusion))
    true, read = map(int, np.argwhere(off_diagonal > 0)[-1])  # some confusion, not the first shown
    click_cell(evaluated, true, read)

    examples = evaluated.examples
    assert examples.count() == min(confusion[true, read], MAX_EXAMPLES) > 0
    indices = [examples.item(i).data(Qt.ItemDataRole.UserRole) for i in range(examples.count())]
    test_set = teaching.mnist("test")
    assert all(test_set.labels[i] == true for i in indices)
    # Checked against the model itself, not the evaluation's bookkeeping.
    readings = predict(window.session.classifier.model, torch.from_numpy(test_set.images[indices]))
    assert (readings.numpy() == read).all()
    assert f"{true} read as {read}" in evaluated.examples_caption.text()

    item = examples.item(0)
    before = window.session.prediction
    QTest.mouseClick(examples.viewport(), Qt.MouseButton.LeftButton,
                     pos=examples.visualItemRect(item).center())
    placed = window.canvas.strokes[-1]
    assert isinstance(placed, PlacedImage) and np.array_equal(placed.ink, test_set.images[indices[0]])
    qtbot.waitUntil(lambda: window.session.prediction is not before, timeout=5000)
    assert window.session.prediction.has_digit  # every dock now shows how it reads that digit
    assert f"#{indices[0]}" in window.statusBar().currentMessage()

    window.undo_act.trigger()  # the pad was empty before
    assert window.canvas.is_empty()
    assert f"#{indices[0]}" not in window.statusBar().currentMessage()  # no stale news


def test_the_accuracy_column_lists_the_digits_read_wrong(evaluated):
    confusion = np.array(shown_matrix(evaluated))
    row = int(np.argmin(np.diag(confusion) / confusion.sum(axis=1)))
    click_cell(evaluated, row, ACCURACY_COLUMN)
    wrong = confusion[row].sum() - confusion[row, row]
    assert evaluated.examples.count() == min(wrong, MAX_EXAMPLES)
    assert f"{row} read wrong" in evaluated.examples_caption.text()


def test_changed_weights_make_the_result_stale(window, evaluated):
    window.set_architecture("DeepCNN")
    assert "changed" in evaluated.status.text()


def test_a_what_if_edit_makes_the_result_stale_and_drops_the_accuracy(window, evaluated):
    assert "changed" not in evaluated.status.text()
    window.parameters.select("scale")
    window.parameters.scalar_spin.setValue(0.5)
    assert "changed" in evaluated.status.text()
    assert "accuracy" not in window.model_status.text()
    window.restore_loaded_weights()
    assert "accuracy" in window.model_status.text()


def test_without_mnist_it_says_what_to_do(window, monkeypatch):
    monkeypatch.setattr(teaching, "local_mnist_dir", lambda: None)
    window.evaluate_act.trigger()
    assert not window.session.jobs.busy and window.evaluation.isVisible()
    assert "digitpad eval" in window.evaluation.status.text()


@pytest.mark.cuda
def test_evaluating_on_cuda_gives_the_same_matrix(window, qtbot, trained_weights, capsys):
    window.set_device("cuda")
    assert window.session.classifier.device.type == "cuda"
    window.evaluation.present()
    qtbot.waitUntil(lambda: not window.session.jobs.busy and window.evaluation.result is not None,
                    timeout=TIMEOUT_MS)
    assert cli.main(["eval", "--weights", str(trained_weights), "--device", "cpu", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    shown = np.array(shown_matrix(window.evaluation))
    # Float rounding on another device may flip a borderline digit or two, no more.
    assert np.abs(shown - np.array(printed["confusion"])).sum() <= 4


def test_the_drawn_digits_are_a_second_set_beside_mnist(window, qtbot, monkeypatch, mnist_dir):
    from digitpad.data import load_mnist
    from digitpad.drawn import DrawnSet, evaluate_drawn
    from digitpad.pendata import mnist_strokes, tracing_mnist
    from digitpad.ui.panels import evaluation

    test = load_mnist(mnist_dir, "test")
    small = [DrawnSet("mnist-strokes", mnist_strokes(test.images[:200], test.labels[:200]))]

    def making(folder, test_set, cache_folder=None):  # the same digits, traced again in the worker
        return [DrawnSet("mnist-strokes", (yield from tracing_mnist(test.images[:200], test.labels[:200])))]

    monkeypatch.setattr(evaluation, "making_drawn_sets", making)
    monkeypatch.setattr(evaluation, "unipen_dir", lambda: mnist_dir)  # found
    panel = window.evaluation
    stages = []
    show_stage = panel._show_stage
    monkeypatch.setattr(panel, "_show_stage", lambda stage: (stages.append(stage.text), show_stage(stage)))
    panel.set_choice.setCurrentIndex(panel.set_choice.findData(evaluation.DRAWN_SET))
    bring = panel.present
    bring()
    qtbot.waitUntil(lambda: not window.session.jobs.busy and panel.result is not None, timeout=TIMEOUT_MS)
    expected = evaluate_drawn(window.session.classifier.model, small)
    assert shown_matrix(panel) == expected.confusion.tolist()
    assert f"{100 * expected.accuracy:.2f} %" in panel.summary.text()
    assert "200 drawn digits" in panel.status.text()
    assert "size 25%-41%" in panel.summary.toolTip()
    assert any(text.startswith("Tracing") for text in stages)  # the slow first time shows progress
    # A digit of the drawn set goes on the pad as the network saw it.
    confusion = np.array(shown_matrix(panel))
    true = int(np.argmax(np.diag(confusion)))
    click_cell(panel, true, true)
    item = panel.examples.item(0)
    QTest.mouseClick(panel.examples.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.examples.visualItemRect(item).center())
    assert isinstance(window.canvas.strokes[-1], PlacedImage)
    qtbot.waitUntil(lambda: window.session.prediction.has_digit, timeout=5000)
    assert window.session.prediction.digit == true


def test_the_matrix_has_axis_titles(window):
    panel = window.evaluation
    axes = panel.matrix_axes.text()
    assert "true" in axes and "read as" in axes
    layout = panel.matrix.parentWidget().layout()
    assert layout.indexOf(panel.matrix_axes) == layout.indexOf(panel.matrix) - 1  # right above it
