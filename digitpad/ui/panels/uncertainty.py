"""The uncertainty dock: how sure the network is (confidence and entropy, every frame) and
whether the drawing looks like a digit at all, with the nearest training digit.

"Looks like a digit" is ``digitpad.uncertainty.DigitCheck``: statistics of MNIST training
digits in the network's own feature space, fitted to the current weights in a worker
thread (seconds) whenever the weights change. Until it is fitted the dock says so rather
than guess. The check itself costs a few milliseconds, so while drawing it runs at most
every CHECK_INTERVAL_MS; confidence and entropy follow every frame.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...anatomy import anatomy
from ...classifier import Classifier, Prediction
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
from ..widgets import BLANK_INPUT, INPUT_LEVELS, Caption, Meter, image_view
from ..workers import Worker
from . import Panel
from .probabilities import MUTED, SURE, UNSURE

if TYPE_CHECKING:
    from ..session import AppSession

FIT_DELAY_MS = 500  # after a change of weights: a burst of edits makes one fit
CHECK_INTERVAL_MS = 250  # the verdict needs no more; each check costs 2-3 ms
CONFIDENCE_COLOUR = "#9cc3e6"
ENTROPY_COLOUR = "#f3c68c"
MAX_CACHED_CHECKS = 4
THUMBNAIL_SIDE = 58

# Made once per session (a second or two), shared by every window.
_reference: list[ReferenceDigits] = []
# Fitted checks by (architecture, weights fingerprint): switching back to weights seen
# before, or restoring the loaded ones after edits, needs no new fit.
_checks: OrderedDict[tuple, DigitCheck] = OrderedDict()


def weights_key(model) -> tuple:
    return (arch_name(model), model_fingerprint(model))


def reference_digits() -> ReferenceDigits:
    """The MNIST training digits the check compares with (DataError when there are none)."""
    if not _reference:
        _reference.append(ReferenceDigits.from_mnist(mnist("train")))
    return _reference[0]


def fitting_work(model):
    """Work for a Worker that fits the check to ``model``, a copy nothing else touches
    (the live model is classified and edited in the GUI thread meanwhile)."""
    def work(cancelled):
        try:
            yield DigitCheck.fit(model, reference_digits(), cancelled=cancelled)
        except FitCancelled:
            return
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
        self.worker: Worker | None = None
        self._fit_key: tuple | None = None  # of the weights the running worker fits
        self._build_widgets()

        self._fit_timer = QtCore.QTimer(self, singleShot=True, interval=FIT_DELAY_MS)
        self._fit_timer.timeout.connect(self._start_fit)
        self._check_timer = QtCore.QTimer(self, singleShot=True, interval=CHECK_INTERVAL_MS)
        self._check_timer.timeout.connect(self._run_check)
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
        self._weights_changed()

    def weights_edited(self, edited: frozenset[str]) -> None:
        self._weights_changed()

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
        elif not self._check_timer.isActive():
            self._check_timer.start()

    # ------------------------------------------------------------------ readings

    def assess(self, prediction: Prediction) -> Uncertainty:
        """The readings for ``prediction``: with the digit check's when it is fitted."""
        check = self.check
        if check is not None and check.feature not in prediction.feature_maps:
            check = None  # a prediction from before the map was captured
        return assess(prediction, check)

    def _run_check(self) -> None:
        prediction = self.prediction
        if self.check is None or prediction is None or not prediction.has_digit:
            return
        self.latest = reading = self.assess(prediction)
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
        self.nearest_item.setImage(reference_digits().bank_inputs[reading.nearest_index],
                                   levels=INPUT_LEVELS)

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

    def _weights_changed(self) -> None:
        self.key = weights_key(self.classifier.model)
        self.check = _checks.get(self.key)
        self.latest = None
        if self.check is None and self.unavailable is None:
            self._fit_timer.start()  # restarted by every edit of a burst
        if self.prediction is not None:
            self.show_prediction(self.prediction)

    def fitting(self) -> bool:
        """Whether a fit is waiting or running."""
        return self._fit_timer.isActive() or self.worker is not None

    def _start_fit(self) -> None:
        if self.worker is not None:  # one at a time: the next starts when this one ends
            if self._fit_key != self.key:
                self.worker.cancel()  # it fits weights that are gone
            return
        if self.check is not None or self.classifier is None:
            return
        self._fit_key = self.key
        model = fresh_copy(self.classifier.model)  # made here, in the thread that edits
        self.worker = Worker(fitting_work(model), self)
        self.worker.event.connect(self._fit_done, QtCore.Qt.ConnectionType.QueuedConnection)
        self.worker.failed.connect(self._fit_failed, QtCore.Qt.ConnectionType.QueuedConnection)
        self.worker.finished.connect(self._fit_finished, QtCore.Qt.ConnectionType.QueuedConnection)
        self.worker.start()

    def _fit_done(self, check: DigitCheck) -> None:
        if self.sender() is not self.worker or self.worker.is_cancelled():
            return
        _checks[self._fit_key] = check
        while len(_checks) > MAX_CACHED_CHECKS:
            _checks.popitem(last=False)
        if self._fit_key == self.key:
            self.check = check
            if self.prediction is not None:
                self.show_prediction(self.prediction)

    def _fit_failed(self, message: str) -> None:
        if self.sender() is self.worker and not self.worker.is_cancelled():
            self.unavailable = message
            self.verdict.setToolTip(message)
            self.show_prediction(self.prediction)

    def _fit_finished(self) -> None:
        worker = self.sender()
        if worker is not self.worker:
            return
        worker.wait()
        worker.deleteLater()
        self.worker = None
        if self.check is None and self.unavailable is None:
            self._start_fit()  # the weights changed while it ran

    def shut_down(self) -> None:
        """Stop fitting (the window is closing): cancel and wait for the thread."""
        self._fit_timer.stop()
        if self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
            self.worker = None
