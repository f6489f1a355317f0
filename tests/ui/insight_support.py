"""What the tests of the evidence, certainty, timeline and what-if views share."""

from PySide6.QtWidgets import QApplication

from digitpad.ui.canvas import draw_strokes

# A "W" drawn across the pad: confidently read as some digit, yet like no training digit.
SCRIBBLE = [[(0.15, 0.2), (0.3, 0.8), (0.5, 0.35), (0.7, 0.8), (0.85, 0.2)]]


def draw_each(window, strokes, qtbot) -> list:
    """Draw ``strokes`` one at a time with the mouse; the prediction after each."""
    predictions = []
    for stroke in strokes:
        before = window.session.prediction
        draw_strokes(window.canvas, [stroke])
        qtbot.waitUntil(lambda before=before: window.session.prediction is not before)
        QApplication.processEvents()
        predictions.append(window.session.prediction)
    return predictions


def fitted(window, qtbot) -> None:
    """Wait for the digit check of the live weights (fitted in a worker thread)."""
    qtbot.waitUntil(lambda: window.uncertainty.check is not None, timeout=90_000)
