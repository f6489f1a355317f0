"""The stroke timeline: one entry per stroke holding the reading after it, undo and redo
move its cursor, a clear starts a new drawing, new weights read every entry again."""

import numpy as np
from PySide6.QtWidgets import QApplication

from digitpad.models import softmax
from digitpad.samples import sample
from digitpad.ui.canvas import draw_strokes

from .insight_support import draw_each


def chart(panel) -> np.ndarray:
    """(strokes, 10) as the chart's lines hold them."""
    columns = []
    for line in panel.lines:
        x, y = line.getData()
        columns.append(np.array([] if y is None else y))
    return np.stack(columns, axis=1)


def test_one_entry_per_stroke_and_undo_redo_move_along(window, qtbot):
    panel = window.timeline
    panel.raise_()
    qtbot.waitUntil(panel.on_screen)
    strokes = sample(4).strokes + sample(1).strokes
    predictions = draw_each(window, strokes, qtbot)
    assert len(panel.timeline.entries) == len(strokes) == 3 and panel.current_stroke() == 3
    expected = np.stack([p.probabilities for p in predictions])
    np.testing.assert_array_equal(panel.timeline.probabilities(), expected)
    np.testing.assert_array_equal(chart(panel), expected)
    np.testing.assert_array_equal(chart(panel)[:, 4][:2], expected[:2, 4])
    assert panel.cursor.value() == 3 and not panel.undone.isVisible()

    window.undo_act.trigger()
    QApplication.processEvents()
    assert panel.timeline.cursor == 2 and panel.current_stroke() == 2
    assert panel.cursor.value() == 2 and panel.undone.isVisible()
    assert panel.undone.getRegion() == (2.5, 3.5)
    np.testing.assert_array_equal(chart(panel), expected)  # the undone stroke stays, shaded
    np.testing.assert_array_equal(window.session.prediction.probabilities, expected[1])
    window.redo_act.trigger()
    QApplication.processEvents()
    assert panel.timeline.cursor == 3 and panel.cursor.value() == 3

    window.clear_act.trigger()  # a new drawing: the chart starts again
    QApplication.processEvents()
    assert panel.current_stroke() == 0 and len(chart(panel)) == 0
    assert "Each stroke adds a point" in panel.summary.text()
    window.undo_act.trigger()  # the old drawing is back, with its strokes
    QApplication.processEvents()
    assert panel.current_stroke() == 3
    np.testing.assert_array_equal(chart(panel), expected)
    assert panel.summary.text() == "read after each stroke: " + " → ".join(
        str(p.digit) for p in predictions)

    # A new stroke after an undo drops the undone one.
    window.undo_act.trigger()
    draw_each(window, sample(7).strokes[:1], qtbot)
    assert len(panel.timeline.entries) == 3 and not panel.timeline.redoable
    np.testing.assert_array_equal(panel.timeline.probabilities()[2], window.session.prediction.probabilities)


def test_strokes_drawn_in_one_go_still_get_one_reading_each(window, qtbot):
    panel = window.timeline
    strokes = sample(4).strokes
    before = window.session.prediction
    draw_strokes(window.canvas, strokes)  # no event loop turn between the strokes
    qtbot.waitUntil(lambda: window.session.prediction is not before)
    entries = panel.timeline.entries
    assert len(entries) == len(strokes)
    assert all(entry.probabilities is not None for entry in entries)
    np.testing.assert_array_equal(entries[-1].probabilities, window.session.prediction.probabilities)
    assert not np.array_equal(entries[0].probabilities, entries[1].probabilities)


def test_new_weights_read_every_entry_again(window, qtbot):
    panel = window.timeline
    draw_each(window, sample(3).strokes, qtbot)
    window.parameters.select("scale")
    window.parameters.scalar_spin.setValue(0.3)
    inputs = np.stack([entry.model_input for entry in panel.timeline.entries])
    logits = window.session.classifier.logits_batch(inputs)
    expected = np.stack([softmax(row) for row in logits])
    np.testing.assert_allclose(panel.timeline.probabilities(), expected, rtol=1e-6)
    np.testing.assert_allclose(panel.timeline.probabilities()[-1], window.session.prediction.probabilities,
                               rtol=1e-5, atol=1e-7)


def test_every_digit_line_that_rises_is_labelled_at_its_peak(window, qtbot):
    from digitpad.ui.panels.timeline import LABELLED_ABOVE

    panel = window.timeline
    panel.raise_()
    qtbot.waitUntil(panel.on_screen)
    # A 1, then a 4 drawn over it: the reading moves from one digit to another.
    draw_each(window, sample(1).strokes + sample(4).strokes, qtbot)
    rows = chart(panel)
    risen = [digit for digit in range(10) if np.nanmax(rows[:, digit]) >= LABELLED_ABOVE]
    final_top = int(np.nanargmax(rows[-1]))
    assert len(risen) > 1 and final_top in risen  # more than the final top digit
    for digit, label in enumerate(panel.labels):
        assert label.isVisible() == (digit in risen), digit
        if digit in risen:
            peak = int(np.nanargmax(rows[:, digit]))
            assert (label.pos().x(), label.pos().y()) == (peak + 1, rows[peak, digit])
