"""The certainty dock: its meters read as digitpad.uncertainty.assess says, "checking…"
until the digit check is fitted to the live weights, and a scribble does not look like a
digit while a handwritten sample does."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from digitpad.samples import sample
from digitpad.ui.panels.uncertainty import CHECK_INTERVAL_MS, reference_digits
from digitpad.uncertainty import assess

from .insight_support import SCRIBBLE, draw_each, fitted
from .window_support import shown_digit


def checked(window, qtbot):
    """Wait for the (throttled) digit check of the latest prediction."""
    panel = window.uncertainty
    qtbot.waitUntil(lambda: panel.latest is not None and panel.judged is window.session.prediction,
                    timeout=5 * CHECK_INTERVAL_MS + 2000)
    return panel.latest


def test_the_meters_are_assess_and_a_scribble_is_no_digit(window, qtbot):
    panel = window.uncertainty
    fitted(window, qtbot)
    draw_each(window, sample(5).strokes, qtbot)
    reading = checked(window, qtbot)
    expected = assess(window.session.prediction, panel.check)
    assert reading == expected and expected.looks_like_digit
    assert panel.confidence_meter.fraction == pytest.approx(expected.confidence)
    assert panel.confidence_meter.text() == f"confidence {100 * expected.confidence:.0f} %"
    assert panel.entropy_meter.fraction == pytest.approx(expected.entropy)
    assert panel.entropy_meter.text() == f"entropy {expected.entropy:.2f}"
    assert "Looks like a digit" in panel.verdict.text()
    assert f"is a {expected.nearest_label}" in panel.verdict.text()
    np.testing.assert_array_equal(panel.nearest_item.image,
                                  reference_digits().bank_inputs[expected.nearest_index])

    window.canvas.clear()
    draw_each(window, SCRIBBLE, qtbot)
    reading = checked(window, qtbot)
    assert reading == assess(window.session.prediction, panel.check)
    assert reading.looks_like_digit is False and reading.distance > reading.threshold
    assert "This does not look like a digit" in panel.verdict.text()
    # One verdict: the prediction dock shows no confident digit for it either.
    assert shown_digit(window) == "?"
    assert "Does not look like a digit" in window.probabilities.confidence_label.text()
    assert "sure" not in window.probabilities.confidence_label.text()

    window.canvas.clear()
    draw_each(window, sample(5).strokes, qtbot)
    assert checked(window, qtbot).looks_like_digit
    assert shown_digit(window) == str(window.session.prediction.digit)


def test_the_check_runs_after_the_readings_repaint_not_inside_it(window, qtbot):
    """The search of the training digits (1-3 ms) never holds a frame back: a reading is
    painted first, then judged in a later turn, before the next pointer move."""
    from PySide6.QtCore import QEvent, QObject

    panel = window.uncertainty
    fitted(window, qtbot)
    window.show()
    qtbot.waitExposed(window)
    events = []

    class PaintLog(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and watched is window.canvas:
                events.append(("painted", window.session.prediction))
            return False

    log = PaintLog()
    QApplication.instance().installEventFilter(log)
    run_check = panel._run_check
    panel._run_check = lambda: (events.append(("checked", panel.prediction)), run_check())
    try:
        qtbot.wait(CHECK_INTERVAL_MS + 50)  # the check rested: the next reading is judged
        draw_each(window, sample(3).strokes[:1], qtbot)
        checked(window, qtbot)
    finally:
        QApplication.instance().removeEventFilter(log)
    checks = [index for index, (what, _) in enumerate(events) if what == "checked"]
    assert checks and panel.judged is window.session.prediction
    for index in checks:  # each judged reading was on screen before it was judged
        assert ("painted", events[index][1]) in events[:index]
    assert "Looks like a digit" in panel.verdict.text()


def test_checking_until_the_check_fits_the_edited_weights(window, qtbot):
    panel = window.uncertainty
    fitted(window, qtbot)
    draw_each(window, sample(9).strokes, qtbot)
    fitted_before = panel.check
    panel.latest = None
    window.parameters.select("scale")
    window.parameters.scalar_spin.setValue(0.5)
    # The edited weights have no check yet: no verdict, only the meters (which follow).
    assert panel.check is None and "checking…" in panel.verdict.text()
    assert panel.confidence_meter.fraction == pytest.approx(window.session.prediction.confidence)
    QApplication.processEvents()
    assert panel.latest is None
    fitted(window, qtbot)
    # Its worker may still be winding down (its end is a queued event): not fitting.
    assert panel.check is not fitted_before and not panel.fitting()
    reading = checked(window, qtbot)
    assert reading == assess(window.session.prediction, panel.check)
    assert reading.confidence == pytest.approx(window.session.prediction.confidence)

    window.restore_act.trigger()  # the loaded weights' check is remembered
    qtbot.waitUntil(lambda: panel.check is fitted_before)  # looked up in the next turn
    assert not panel.fitting()


def test_a_second_start_judges_the_first_stroke_from_the_cache(qtbot, settings, trained_weights,
                                                               monkeypatch, tmp_path):
    from collections import OrderedDict

    from digitpad.ui.main_window import MainWindow
    from digitpad.ui.panels import uncertainty as module
    from digitpad.uncertainty import DigitCheck

    monkeypatch.setenv("DIGITPAD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(module, "_checks", OrderedDict())  # as if the app started afresh
    first = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(first)
    fitted(first, qtbot)
    check = first.uncertainty.check
    first.close()
    assert list((tmp_path / "cache").glob("check-*.npz"))

    def no_fit(*args, **kwargs):
        raise AssertionError("fitted although the cache holds the check")

    monkeypatch.setattr(DigitCheck, "fit", no_fit)
    monkeypatch.setattr(module, "_checks", OrderedDict())
    second = MainWindow(settings=settings, weights=trained_weights)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    draw_each(second, sample(4).strokes, qtbot)
    reading = checked(second, qtbot)
    assert second.uncertainty.unavailable is None
    assert second.uncertainty.check is not check  # read from the file, not this session's
    assert reading == assess(second.session.prediction, check)  # the very same statistics
    assert reading.looks_like_digit and "Looks like a digit" in second.uncertainty.verdict.text()
