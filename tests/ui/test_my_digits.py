"""My Digits in the app: keeping drawings (Keep As buttons, Collect mode), the dock's grid,
filters, relabel and delete with their own undo, placing a drawing on the pad, evaluating
on the collection, and a collection file the app cannot use."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar, QWidget

from digitpad.collection import Collection
from digitpad.samples import sample, varied_strokes
from digitpad.ui.canvas import PlacedImage
from digitpad.ui.main_window import MainWindow
from digitpad.ui.panels.evaluation import MY_SET

from .window_support import draw, same_state, state_of

TIMEOUT_MS = 60_000


def click_keep(window, digit: int) -> None:
    """Click the Keep As toolbar's button for ``digit``."""
    bar = window.findChild(QToolBar, "keep_toolbar")
    button = bar.widgetForAction(window.keep_acts[digit])
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def keep(window, qtbot, digit: int, label: int | None = None) -> None:
    window.canvas.clear()
    draw(window, sample(digit).strokes, qtbot)
    click_keep(window, digit if label is None else label)


def show_dock(window, qtbot):
    dock = window.my_digits
    dock.show()
    dock.raise_()
    qtbot.waitUntil(dock.on_screen)
    return dock


def click_item(dock, row: int) -> None:
    grid = dock.grid
    rect = grid.visualItemRect(grid.item(row))
    QTest.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def labels_in_grid(dock) -> list[int]:
    return sorted(int(dock.grid.item(row).text()) for row in range(dock.grid.count()))


def test_a_kept_drawing_is_in_the_dock_after_a_restart(window, qtbot, settings, trained_weights,
                                                        private_digits):
    keep(window, qtbot, 7)
    assert "Kept as a 7" in window.statusBar().currentMessage()
    kept = Collection(private_digits, readonly=True).drawings()
    assert [d.label for d in kept] == [7]
    drawing = kept[0]
    assert drawing.strokes is not None and drawing.network == window.session.live().arch
    assert drawing.reading == 7 and drawing.weights_hash
    assert np.allclose(drawing.model_input, window.session.prediction.model_input)
    window.close()

    again = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    dock = show_dock(again, qtbot)
    assert labels_in_grid(dock) == [7]
    assert "7: 1" in dock.counts.text()


def test_ctrl_alt_digit_keeps_the_drawing(window, qtbot, private_digits):
    draw(window, sample(3).strokes, qtbot)
    QTest.keyClick(window.canvas, Qt.Key.Key_3,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert window.session.collection.counts()[3] == 1


def test_collect_mode_asks_keeps_under_the_name_and_clears(window, qtbot):
    window.start_collecting("Ada")
    bar = window.collect_bar
    assert bar.isVisible()
    asked = []
    for _ in range(3):
        digit = bar.asked
        assert f">{digit}<" in bar.prompt.text()
        asked.append(digit)
        draw(window, sample(digit).strokes, qtbot)
        QTest.mouseClick(bar.findChild(QWidget, "collect_next"), Qt.MouseButton.LeftButton)
        assert window.canvas.is_empty()
    assert len(set(asked)) == 3  # a round asks each digit once
    QTest.mouseClick(bar.findChild(QWidget, "collect_stop"), Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    kept = window.session.collection.drawings(collection="Ada")
    assert sorted(d.label for d in kept) == sorted(asked)


def test_next_on_an_empty_pad_keeps_nothing(window, qtbot):
    window.start_collecting("Ada")
    asked = window.collect_bar.asked
    QTest.mouseClick(window.collect_bar.findChild(QWidget, "collect_next"), Qt.MouseButton.LeftButton)
    assert len(window.session.collection) == 0 and window.collect_bar.asked == asked
    assert "Not kept" in window.statusBar().currentMessage()


def test_misread_filter_shows_what_the_network_gets_wrong(window, qtbot):
    keep(window, qtbot, 7)
    keep(window, qtbot, 4, label=9)  # a 4 kept as a 9: the network reads it wrong
    dock = show_dock(window, qtbot)
    assert labels_in_grid(dock) == [7, 9]
    dock.misread_filter.click()
    assert labels_in_grid(dock) == [9]
    dock.label_filter.setCurrentIndex(dock.label_filter.findData(7))
    assert labels_in_grid(dock) == []


def test_relabel_and_delete_undo_in_the_dock_not_on_the_pad(window, qtbot):
    keep(window, qtbot, 7)
    strokes_on_pad = len(window.canvas.strokes)
    dock = show_dock(window, qtbot)
    collection = window.session.collection
    dock.grid.setFocus()
    dock.grid.setCurrentRow(0)
    QTest.keyClick(dock.grid, Qt.Key.Key_1)  # relabel as 1
    assert collection.counts()[1] == 1 and labels_in_grid(dock) == [1]
    QTest.keyClick(dock.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert collection.counts()[7] == 1 and labels_in_grid(dock) == [7]
    assert len(window.canvas.strokes) == strokes_on_pad  # the pad's drawing is untouched

    dock.grid.setCurrentRow(0)
    QTest.keyClick(dock.grid, Qt.Key.Key_Delete)
    assert len(collection) == 0 and dock.grid.count() == 0
    assert len(window.canvas.strokes) == strokes_on_pad  # Delete did not clear the pad
    QTest.mouseClick(dock.findChild(QWidget, "my_digits_undo"), Qt.MouseButton.LeftButton)
    assert len(collection) == 1 and labels_in_grid(dock) == [7]
    dock.redo_action.trigger()
    assert len(collection) == 0


def test_clicking_a_drawing_puts_it_on_the_pad_undoably(window, qtbot):
    keep(window, qtbot, 2)
    window.canvas.clear()
    dock = show_dock(window, qtbot)
    click_item(dock, 0)
    QApplication.processEvents()
    assert any(isinstance(s, PlacedImage) for s in window.canvas.strokes)
    qtbot.waitUntil(lambda: window.session.prediction.digit == 2)
    window.undo_act.trigger()
    assert window.canvas.is_empty()


def test_evaluate_on_my_digits(window, qtbot):
    for digit in (0, 1, 2, 3, 7):
        keep(window, qtbot, digit)
    panel = window.evaluation
    panel.show()
    panel.set_choice.setCurrentIndex(panel.set_choice.findData(MY_SET))
    QTest.mouseClick(panel.evaluate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.session.jobs.busy and panel.result is not None, timeout=TIMEOUT_MS)
    assert panel.result.count == 5
    assert f"{100 * panel.result.accuracy:.2f} %" in panel.summary.text()
    assert "5 of your drawings" in panel.status.text()
    matrix = [[int(panel.matrix.item(r, c).text() or 0) for c in range(10)] for r in range(10)]
    assert np.array_equal(np.array(matrix), panel.result.confusion)


NOT_SQLITE = b"this is not an sqlite database at all" * 50
DAMAGED_SQLITE = b"SQLite format 3\0" + b"\xff" * 4000


@pytest.mark.parametrize("content", [NOT_SQLITE, DAMAGED_SQLITE])
def test_a_corrupt_collection_leaves_the_app_working_and_the_file_alone(
        qtbot, settings, trained_weights, private_digits, content):
    private_digits.write_bytes(content)
    win = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.session.collection is None
    assert "My Digits is off" in win.statusBar().currentMessage()
    dock = show_dock(win, qtbot)
    assert "cannot be used" in dock.status.text()
    draw(win, sample(7).strokes, qtbot)
    assert win.session.prediction.digit == 7
    click_keep(win, 7)
    assert "Not kept" in win.statusBar().currentMessage()
    win.close()
    assert private_digits.read_bytes() == content
    assert not private_digits.with_name(private_digits.name + "-wal").exists()


def test_export_and_import_round_trip(window, qtbot, tmp_path):
    keep(window, qtbot, 7)
    keep(window, qtbot, 1)
    dock = show_dock(window, qtbot)
    for format, target in (("json", tmp_path / "mine.json"), ("png", tmp_path / "png"), ("idx", tmp_path / "idx")):
        assert dock.export_to(target, format)
        qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)
        assert "Exported 2 drawings" in dock.status.text()
    assert (tmp_path / "png" / "labels.csv").read_text().startswith("file,label")
    assert dock.import_from(tmp_path / "mine.json", "json")
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)
    assert "0 drawings added, 2 already there" in dock.status.text()
    (tmp_path / "bad.json").write_text('[\n{"label": 3, "pixels": [[0]]}\n]\n')
    assert dock.import_from(tmp_path / "bad.json", "json")
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)
    assert "Nothing was changed" in dock.status.text() and "line 2" in dock.status.text()
    assert len(window.session.collection) == 2



def fill_collection(window, count: int = 30) -> None:
    """``count`` drawings of every digit in turn, as different hands would draw them."""
    rng = np.random.default_rng(15)
    for index in range(count):
        digit = index % 10
        strokes = varied_strokes(sample(digit), rng)
        window.session.collection.add(strokes, digit, collection="class")
    window.session.collection_changed.emit()
    assert len(window.session.collection.drawings(part="held-out")) > 0


def test_training_can_mix_in_my_digits(window, qtbot):
    fill_collection(window)
    panel = window.training
    panel.present()
    panel.images.setValue(1000)
    panel.epochs.setValue(1)
    panel.mix_my_digits.click()
    QTest.mouseClick(panel.train_button, Qt.MouseButton.LeftButton)
    assert window.session.jobs.busy
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)
    assert "held-out drawings read right" in panel.result.text()
    pen_data = window.session.live().source.metadata["pen_data"]
    assert pen_data["my_digits"]["drawings"] == len(window.session.collection.drawings(part="train"))


def test_correct_it_fine_tunes_on_the_whole_collection(window, qtbot):
    fill_collection(window)
    before = state_of(window)
    panel = window.correction
    panel.present()
    QTest.mouseClick(panel.fine_tune_button, Qt.MouseButton.LeftButton)
    assert window.session.jobs.busy
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)
    assert "→" in panel.result.text() and "held-out" in panel.result.text()
    assert not same_state(before, state_of(window))
    panel.undo_action.trigger()
    assert same_state(before, state_of(window))


def test_correct_it_keeps_the_drawing_with_the_label_chosen(window, qtbot):
    draw(window, sample(7).strokes, qtbot)
    panel = window.correction
    panel.present()
    QTest.mouseClick(panel.digit_buttons[1], Qt.MouseButton.LeftButton)
    kept = window.session.collection.drawings()
    assert [(d.label, d.reading) for d in kept] == [(1, 7)]
    qtbot.waitUntil(lambda: not window.session.jobs.busy, timeout=TIMEOUT_MS)


def newer_schema(path) -> bytes:
    import sqlite3

    Collection(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    return path.read_bytes()


def test_a_read_only_or_newer_collection_is_named_and_left_alone(qtbot, settings, trained_weights,
                                                                  private_digits):
    content = newer_schema(private_digits)
    win = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(win)
    assert win.session.collection is None and "newer digitpad" in win.session.collection_error
    win.close()
    assert private_digits.read_bytes() == content

    private_digits.unlink()
    Collection(private_digits).close()
    private_digits.chmod(0o444)
    content = private_digits.read_bytes()
    again = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(again)
    assert again.session.collection is None and "read-only" in again.session.collection_error
    again.close()
    assert private_digits.read_bytes() == content
