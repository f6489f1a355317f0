"""The uncertainty dock: how sure the network is (confidence and entropy, every frame) and
whether the drawing looks like a digit at all, with the nearest training digit.

"Looks like a digit" is ``digitpad.uncertainty.DigitCheck``: statistics of MNIST training
digits in the network's own feature space, fitted to the current weights in a worker
thread (seconds) whenever the weights change, or read from the user's cache folder
(``digitpad.checkcache``: milliseconds) when these very weights were fitted before. Until
it is fitted the dock says so rather than guess. The check itself costs a millisecond or
two (the search of 10,000 training digits' features), so while drawing it runs at most
every CHECK_INTERVAL_MS, and never inside a frame: it runs in the event-loop turn after a
reading's repaint, in the gap before the next pointer move. Confidence and entropy follow
every frame.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...anatomy import anatomy
from ...checkcache import cache_folder, cached_fit, cached_reference, mnist_source
from ...classifier import Classifier, Prediction
from ...data import DataError
from ...models import arch_name, fresh_copy
from ...uncertainty import (
    DigitCheck,
    FitCancelled,
    ReferenceDigits,
    Uncertainty,
    assess,
    model_fingerprint,
    softmax_uncertainty,
)
from ..teaching import mnist
from ..widgets import BLANK_INPUT, INPUT_LEVELS, Caption, Meter, image_view, next_turn
from ..workers import Worker, sent_by_running
from . import Panel
from .probabilities import MUTED, SURE, UNSURE

if TYPE_CHECKING:
    from ..session import AppSession

FIT_DELAY_MS = 500  # after an edit of the weights: a burst of edits makes one fit
CHECK_INTERVAL_MS = 250  # the verdict needs no more; each check costs 1-3 ms
CHECK_DUE_MS = 20  # a frame at 50 Hz: how long a waiting reading waits for a newer one
REFERENCE_READY = "reference digits ready"  # the fit's last news: thumbnails can be shown
CONFIDENCE_COLOUR = "#9cc3e6"
ENTROPY_COLOUR = "#f3c68c"
MAX_CACHED_CHECKS = 4
THUMBNAIL_SIDE = 58

# Made once per session (seconds, or read from the cache), shared by every window.
_reference: list[ReferenceDigits] = []
# Fitted checks by (architecture, weights fingerprint): switching back to weights seen
# before, or restoring the loaded ones after edits, needs no new fit.
_checks: OrderedDict[tuple, DigitCheck] = OrderedDict()


def weights_key(model) -> tuple:
    return (arch_name(model), model_fingerprint(model))


def reference_digits() -> ReferenceDigits:
    """The MNIST training digits the check compares with (DataError when there are none):
    from the cache, else made from MNIST (seconds: call it in a worker)."""
    if not _reference:
        _reference.append(cached_reference(lambda: ReferenceDigits.from_mnist(mnist("train")),
                                           cache_folder(), mnist_source()))
    return _reference[0]


def loaded_reference() -> ReferenceDigits | None:
    """The reference digits if this session has them already (never waits)."""
    return _reference[0] if _reference else None


def fitting_work(model, store: bool = True):
    """Work for a Worker that fits the check to ``model``, a copy nothing else touches
    (the live model is classified and edited in the GUI thread meanwhile), or reads it
    from the cache (and keeps a new fit there when ``store``). It yields the check, then
    REFERENCE_READY once the reference digits (for the thumbnail) are loaded too."""
    def work(cancelled):
        try:
            check, _ = cached_fit(model, reference_digits, cache_folder(), mnist_source(),
                                  store=store, cancelled=cancelled)
        except FitCancelled:
            return
        yield check
        if loaded_reference() is None:
            try:
                reference_digits()
            except DataError:
                return  # a check from the cache, and no MNIST any more: no thumbnails
        yield REFERENCE_READY
    return work


class UncertaintyPanel(Panel):
    """Confidence and entropy meters, the digit check's verdict and the nearest training
    digit. ``check`` is the fitted DigitCheck for the live weights, or None."""

    # Its meters repaint only when what they show changes (often not for a small move),
    # in the same window repaint as the docks that change every time.
    draws_predictions = False

    def __init__(self, session: AppSession | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(self.tr("Certainty"), "uncertainty", session, parent)
        self.check: DigitCheck | None = None
        self.key: tuple | None = None  # of the live weights
        self.unavailable: str | None = None  # why there is no digit check
        self.latest: Uncertainty | None = None  # the last full assessment shown
        self.judged: Prediction | None = None  # the prediction ``latest`` is about
        self.worker: Worker | None = None
        self._ended: Worker | None = None
        self._fit_key: tuple | None = None  # of the weights the running worker fits
        self._check_pending = False  # a prediction came while the check was resting
        self._build_widgets()

        self._fit_timer = QtCore.QTimer(self, singleShot=True, interval=FIT_DELAY_MS)
        self._fit_timer.timeout.connect(self._start_fit)
        self._new_weights_timer = next_turn(self, lambda: self._weights_changed(at_once=True))
        self._edited_timer = next_turn(self, lambda: self._weights_changed(at_once=False))
        self._check_timer = QtCore.QTimer(self, singleShot=True, interval=CHECK_INTERVAL_MS)
        self._check_timer.timeout.connect(self._check_rested)
        # A zero timer started while a reading is shown fires after that reading's repaint
        # (Qt delivers the window's UpdateRequest before timers): the frame never waits.
        self._after_frame = next_turn(self, lambda: self._run_check())
        # When the rest ends with a reading unjudged: the next reading's frame, if one
        # comes within a frame's time, goes first; else the waiting reading is judged.
        self._check_due = QtCore.QTimer(self, singleShot=True, interval=CHECK_DUE_MS)
        self._check_due.timeout.connect(self._judge_waiting)
        self.show_prediction(None)

    def _build_widgets(self) -> None:
        layout = self.body_layout()
        layout.setContentsMargins(8, 4, 8, 4)
        row = QtWidgets.QHBoxLayout()
        column = QtWidgets.QVBoxLayout()
        meters = QtWidgets.QHBoxLayout()
        self.confidence_meter = Meter("confidence_meter", self.tr(
            "The top probability: how much of its vote the network gives its reading"),
            CONFIDENCE_COLOUR)
        self.entropy_meter = Meter("entropy_meter", self.tr(
            "How spread the vote is over the ten digits: 0 all on one, 1 even over all ten"),
            ENTROPY_COLOUR)
        meters.addWidget(self.confidence_meter)
        meters.addWidget(self.entropy_meter)
        column.addLayout(meters)
        self.verdict = Caption(height=2 * self.fontMetrics().lineSpacing() + 4)
        self.verdict.setObjectName("digit_check")
        column.addWidget(self.verdict)
        row.addLayout(column, 1)

        self.thumbnail = pg.GraphicsLayoutWidget()
        self.thumbnail.setObjectName("nearest_digit")
        self.thumbnail.setBackground(self.palette().window().color())
        self.thumbnail.setFixedSize(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
        self.thumbnail.ci.setContentsMargins(0, 0, 0, 0)
        self.nearest_item = image_view(self.thumbnail.ci)
        self.thumbnail.setToolTip(self.tr("The training digit most like the drawing, as the "
                                          "network's features see it"))
        row.addWidget(self.thumbnail)
        layout.addLayout(row)

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.unavailable = None  # another model may have what the last one lacked
        self.verdict.setToolTip("")
        feature = anatomy(classifier.model).last_map
        if feature is not None:
            classifier.watch([feature])  # the map the check compares, in every prediction
        # The check is looked up (or its fit started) in the next event-loop turn, not in
        # the turn of a network switch, which every panel's update makes long already.
        self.key, self.check, self.latest = None, None, None
        self._new_weights_timer.start()

    def weights_edited(self, edited: frozenset[str]) -> None:
        # No verdict from the old weights' check meanwhile; the lookup (a fingerprint of
        # every parameter) comes in the turn after the edit, once for a burst of edits.
        self.check, self.latest = None, None
        if not self._new_weights_timer.isActive():  # else the new weights' lookup covers it
            self._edited_timer.start()

    def show_prediction(self, prediction: Prediction | None) -> None:
        self.prediction = prediction
        if prediction is None or not prediction.has_digit:
            self.latest = None
            self._set_meters(None)
            self._set_verdict(self.tr("Draw a digit to see how sure the network is."), MUTED)
            self.nearest_item.setImage(BLANK_INPUT, levels=INPUT_LEVELS)
            return
        self._set_meters(softmax_uncertainty(prediction.logits))
        if self.check is None:
            self._set_verdict(self._not_ready(), MUTED)
        elif self._check_timer.isActive():
            self._check_pending = True  # judged when the rest is over
        else:
            self._judge_after_frame()

    # ------------------------------------------------------------------ readings

    def assess(self, prediction: Prediction) -> Uncertainty:
        """The readings for ``prediction``: with the digit check's when it is fitted."""
        check = self.check
        if check is not None and check.feature not in prediction.feature_maps:
            check = None  # a prediction from before the map was captured
        return assess(prediction, check)

    def _judge_after_frame(self) -> None:
        self._check_pending = False
        self._check_due.stop()
        self._after_frame.start()
        self._check_timer.start()  # the rest starts now

    def _check_rested(self) -> None:
        if self._check_pending:
            self._check_due.start()

    def _judge_waiting(self) -> None:
        if self._check_pending:
            self._judge_after_frame()

    def _run_check(self) -> None:
        prediction = self.prediction
        if self.check is None or prediction is None or not prediction.has_digit:
            return
        self.latest = reading = self.assess(prediction)
        self.judged = prediction
        if reading.looks_like_digit is None:  # the map it needs is not captured
            return
        if self.session is not None:
            self.session.report_digit_check(prediction, reading.looks_like_digit)
        if reading.looks_like_digit:
            text = self.tr("Looks like a digit: the nearest training digit (right) is a "
                           "{label} (distance {distance:.2f}, limit {threshold:.2f})")
            colour = SURE
        else:
            text = self.tr("<b>This does not look like a digit</b>: far from every training "
                           "digit (distance {distance:.2f}, limit {threshold:.2f})")
            colour = UNSURE
        self._set_verdict(text.format(label=reading.nearest_label, distance=reading.distance,
                                      threshold=reading.threshold), colour)
        self._show_nearest()

    def _show_nearest(self) -> None:
        """The thumbnail of the nearest training digit, once the reference digits are
        here (a check read from the cache can come before them)."""
        reference = loaded_reference()
        reading = self.latest
        if reference is None or reading is None or reading.nearest_index is None:
            self.nearest_item.setImage(BLANK_INPUT, levels=INPUT_LEVELS)
        else:
            self.nearest_item.setImage(reference.bank_inputs[reading.nearest_index], levels=INPUT_LEVELS)

    def _set_meters(self, reading: Uncertainty | None) -> None:
        if reading is None:
            self.confidence_meter.set(0.0, self.tr("confidence —"))
            self.entropy_meter.set(0.0, self.tr("entropy —"))
            return
        self.confidence_meter.set(reading.confidence, self.tr("confidence {percent:.0f} %").format(
            percent=100 * reading.confidence))
        self.entropy_meter.set(reading.entropy, self.tr("entropy {entropy:.2f}").format(
            entropy=reading.entropy))

    def _set_verdict(self, text: str, colour: str) -> None:
        self.verdict.setText(f"<span style='color:{colour}'>{text}</span>")

    def _not_ready(self) -> str:
        if self.unavailable is not None:
            return self.tr("No digit check, only the meters (hover here for why).")
        return self.tr("checking… (fitting the digit check to these weights)")

    # ------------------------------------------------------------------ fitting

    def _weights_changed(self, at_once: bool) -> None:
        """New weights are fitted (or read from the cache) at once; edits once a burst
        of them is over."""
        self.key = weights_key(self.classifier.model)
        self.check = _checks.get(self.key)
        self.latest = None
        if self.check is None and self.unavailable is None:
            if at_once:
                self._fit_timer.stop()
                self._start_fit()
            else:
                self._fit_timer.start()  # restarted by every edit of a burst
        if self.prediction is not None:
            self.show_prediction(self.prediction)

    def fitting(self) -> bool:
        """Whether a fit for the weights now live is waiting or running. A worker that
        has delivered their check, or fits weights that are gone, may still be winding
        down (its end arrives as a queued event): that is not fitting."""
        return (self._fit_timer.isActive() or self._new_weights_timer.isActive()
                or self._edited_timer.isActive() or (self.worker is not None and self.check is None))

    def _start_fit(self) -> None:
        if self.worker is not None:  # one at a time: the next starts when this one ends
            if self._fit_key != self.key:
                self.worker.cancel()  # it fits weights that are gone
            return
        if self.check is not None or self.classifier is None or self.key is None:
            return  # no key yet: new weights, looked up in the next turn
        self._fit_key = self.key
        model = fresh_copy(self.classifier.model)  # made here, in the thread that edits
        # Only weights as loaded from a file are worth a file in the cache, not every edit.
        store = self.session is None or self.session.state is None or not self.session.state.modified
        self.worker = Worker(fitting_work(model, store))
        self.worker.event.connect(self._fit_done, QtCore.Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self._fit_failed, QtCore.Qt.ConnectionType.QueuedConnection)
        self.worker.finished.connect(self._fit_finished, QtCore.Qt.ConnectionType.QueuedConnection)
        self.worker.start()

    def _fit_done(self, check: DigitCheck | str) -> None:
        if not sent_by_running(self.sender(), self.worker):
            return
        if check == REFERENCE_READY:
            self._show_nearest()
            return
        assert isinstance(check, DigitCheck)
        _checks[self._fit_key] = check
        while len(_checks) > MAX_CACHED_CHECKS:
            _checks.popitem(last=False)
        if self._fit_key == self.key:
            self.check = check
            if self.prediction is not None:
                self.show_prediction(self.prediction)

    def _fit_failed(self, message: str) -> None:
        if sent_by_running(self.sender(), self.worker):
            self.unavailable = message
            self.verdict.setToolTip(message)
            self.show_prediction(self.prediction)

    def _fit_finished(self) -> None:
        worker = self.sender()
        if worker is None or worker is not self.worker:
            return  # a worker already stopped (and maybe freed) by shut_down
        worker.wait()
        self._ended = worker  # freed with the next fit, not inside its own signal (see Worker)
        self.worker = None
        if self.check is None and self.unavailable is None:
            self._start_fit()  # the weights changed while it ran

    def shut_down(self) -> None:
        """Stop fitting (the window is closing): cancel and wait for the thread."""
        self._fit_timer.stop()
        self._new_weights_timer.stop()
        self._edited_timer.stop()
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
            self.worker = None
