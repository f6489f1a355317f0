import numpy as np
import pytest

from digitpad.classifier import Classifier, Prediction
from digitpad.models import softmax
from digitpad.preprocess import preprocess
from digitpad.synthetic import render_strokes
from digitpad.timeline import StrokeTimeline

STROKES = [
    [(60, 50), (170, 50)],  # the bar of a 7
    [(170, 50), (100, 200)],  # its stem
    [(90, 125), (150, 125)],  # a crossbar
]


def reading(index: int) -> Prediction:
    """A made-up prediction whose top class is ``index``."""
    logits = np.zeros(10, np.float32)
    logits[index] = 5.0
    steps = preprocess(render_strokes([STROKES[0]]))
    return Prediction(steps=steps, probabilities=softmax(logits), logits=logits)


def test_commit_undo_redo_move_the_cursor():
    timeline = StrokeTimeline()
    assert not timeline.can_undo and not timeline.can_redo and timeline.current is None
    for digit in (1, 7, 7):
        timeline.commit(reading(digit))
    assert [e.digit for e in timeline.entries] == [1, 7, 7] and len(timeline) == 3
    assert timeline.undo().digit == 7
    assert timeline.undo().digit == 1
    assert [e.digit for e in timeline.redoable] == [7, 7]
    assert timeline.redo().digit == 7 and timeline.cursor == 2
    timeline.commit(reading(4))  # a new stroke drops what could be redone
    assert [e.digit for e in timeline.entries] == [1, 7, 4] and not timeline.can_redo
    for _ in range(3):
        timeline.undo()
    assert timeline.current is None and timeline.probabilities().shape == (0, 10)
    with pytest.raises(IndexError):
        timeline.undo()
    timeline.clear()
    with pytest.raises(IndexError):
        timeline.redo()


def test_probabilities_chart_has_a_row_per_stroke_and_gaps_for_no_digit():
    timeline = StrokeTimeline()
    timeline.commit(reading(3))
    timeline.commit(Prediction(steps=preprocess(np.zeros((40, 40)))))  # the canvas was cleared
    timeline.commit(reading(8))
    chart = timeline.probabilities()
    assert chart.shape == (3, 10)
    assert np.isnan(chart[1]).all() and timeline.entries[1].digit is None
    np.testing.assert_allclose(chart[[0, 2]].sum(axis=1), 1.0, rtol=1e-6)
    assert chart[0].argmax() == 3 and chart[2].argmax() == 8
    timeline.undo()
    assert timeline.probabilities().shape == (2, 10)


def test_reclassify_redraws_the_chart_with_new_weights(simple_model):
    classifier = Classifier(simple_model)
    timeline = StrokeTimeline()
    drawings = [render_strokes(STROKES[: n + 1]) for n in range(3)]
    for drawing in drawings:
        timeline.commit(classifier.classify(drawing))
    timeline.undo()  # the last stroke stays redoable and is recomputed too
    timeline.reclassify(lambda inputs: -classifier.logits_batch(inputs))  # "new weights"
    timeline.redo()
    for entry, drawing in zip(timeline.entries, drawings):
        expected = softmax(-classifier.classify(drawing).logits)
        np.testing.assert_allclose(entry.probabilities, expected, rtol=1e-5, atol=1e-7)
