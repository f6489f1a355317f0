"""The correction dock: "that was a 7". The user names the digit they drew; the network
fine-tunes a few steps on the drawing mixed with a replay of MNIST digits
(``digitpad.finetune.correct``, in a worker thread, on a copy of the live model), the
copy goes live, and the dock shows the probabilities before and after. Undo puts the
weights from before back, exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ...collection import CollectionError, evaluate_drawings, mix_pen_sets, pen_digits
from ...data import Digits
from ...finetune import GUARD_SIZE, Correction, correct
from ...models import NUM_CLASSES, arch_name, fresh_copy
from ...preprocess import denormalise
from ...session import Snapshot
from ...train import DoneEvent, TrainConfig, train
from ..teaching import bring_forward, missing_mnist_message, mnist
from ..widgets import action_button, image_view, probability_chart, text_label
from ..workers import single
from . import Panel

if TYPE_CHECKING:
    from ..session import AppSession

BEFORE = "#b8c2d1"
AFTER = "#2b6cb0"
CLASSES = np.arange(NUM_CLASSES)
BAR_WIDTH = 0.38
BLANK = np.zeros((28, 28), np.float32)
# Fine-tuning on the whole of My Digits: one short pass over some MNIST digits with half of
# each batch from the collection's training part, at a gentle learning rate.
FINE_TUNE_MNIST = 3000
FINE_TUNE_SHARE = 0.5
FINE_TUNE_LR = 0.002


def correction_work(model, model_input: np.ndarray, label: int):
    """Fine-tune ``model`` (a copy of the live one) so the drawing reads as ``label``."""
    return single(lambda: correct(model, model_input, label, mnist("train")))


def collection_fine_tune_work(model, train_part, held_out, device: str):
    """Fine-tune ``model`` (a copy) on My Digits' training part (pen data) mixed with MNIST;
    yields (the new model, held-out accuracy before, after), the accuracies None when
    nothing is held out."""
    def work(cancelled):
        held = list(held_out)
        before = evaluate_drawings(model, held, device).accuracy if held else None
        digits = mnist("train", cancelled)
        subset = Digits(digits.images[:FINE_TUNE_MNIST], digits.labels[:FINE_TUNE_MNIST])
        mixed, share = mix_pen_sets(None, 0.0, train_part, FINE_TUNE_SHARE)
        config = TrainConfig(arch=arch_name(model), epochs=1, lr=FINE_TUNE_LR, device=device,
                             pen_share=share)
        for event in train(config, subset, None, model=model, cancelled=cancelled, pen_set=mixed):
            if isinstance(event, DoneEvent):
                after = evaluate_drawings(event.model, held, device).accuracy if held else None
                yield event.model, before, after
    return work


class CorrectionPanel(Panel):
    """The current reading, ten "that was a …" buttons, before/after bars and Undo."""

    keep_requested = Signal(int)  # the label chosen: the window keeps the drawing in My Digits

    def __init__(self, session: AppSession, parent: QWidget | None = None):
        super().__init__(self.tr("Correct It"), "correction", session, parent)
        self.prediction = None
        self.undo_states: list[Snapshot] = []  # before each correction, the last on top
        self.corrected_model = None  # the live model a correction installed
        layout = self.body_layout()

        layout.addWidget(text_label(self.tr(
            "Read wrong? Say what you drew. The network then trains a few steps on your "
            "drawing, mixed with MNIST digits so it does not forget the rest."), explaining=True))

        reading = QHBoxLayout()
        view = pg.GraphicsLayoutWidget()
        view.setObjectName("corrected_input")
        view.setBackground("w")
        view.setFixedSize(64, 64)
        view.ci.setContentsMargins(0, 0, 0, 0)
        self.input_item = image_view(view.ci)
        reading.addWidget(view)
        self.reading = text_label(object_name="correction_reading")
        reading.addWidget(self.reading, 1)
        layout.addLayout(reading)

        digits = QGridLayout()
        digits.setSpacing(4)
        digits.addWidget(QLabel(self.tr("That was a")), 0, 0, 2, 1)
        self.digit_buttons = []
        for digit in range(NUM_CLASSES):
            button = QToolButton()
            button.setObjectName(f"that_was_{digit}")
            button.setText(str(digit))
            button.setMinimumSize(30, 28)
            button.setToolTip(self.tr("Teach the network that this drawing is a {digit}").format(
                digit=digit))
            button.clicked.connect(lambda _=False, d=digit: self.teach(d))
            digits.addWidget(button, 0, 1 + digit)
            self.digit_buttons.append(button)
        layout.addLayout(digits)

        self.status = text_label(object_name="correction_status")
        layout.addWidget(self.status)

        self.plot = probability_chart("before_after_chart", top=1.05)
        self.plot.setMinimumHeight(120)
        zeros = np.zeros(NUM_CLASSES)
        self.before_bars = pg.BarGraphItem(x=CLASSES - BAR_WIDTH / 2, height=zeros, width=BAR_WIDTH,
                                           brush=BEFORE, pen=None)
        self.after_bars = pg.BarGraphItem(x=CLASSES + BAR_WIDTH / 2, height=zeros, width=BAR_WIDTH,
                                          brush=AFTER, pen=None)
        self.plot.addItem(self.before_bars)
        self.plot.addItem(self.after_bars)
        layout.addWidget(self.plot, 1)
        layout.addWidget(text_label(self.tr(
            "<span style='color:{before}'>■</span> before · "
            "<span style='color:{after}'>■</span> after the correction").format(
            before=BEFORE, after=AFTER), explaining=True))
        self.result = text_label(object_name="correction_result")
        layout.addWidget(self.result)

        self.fine_tune_button = QPushButton(self.tr("Fine-tune on All My Digits"))
        self.fine_tune_button.setObjectName("fine_tune_my_digits")
        self.fine_tune_button.setToolTip(self.tr(
            "Train a short while on the training part of your kept drawings mixed with MNIST, and "
            "compare the accuracy on their held-out part before and after"))
        self.fine_tune_button.clicked.connect(self.fine_tune_on_collection)
        layout.addWidget(self.fine_tune_button)

        self.undo_action = QAction(self.tr("&Undo Correction"), self, enabled=False,
                                   statusTip=self.tr("Put back the weights from before the last "
                                                     "correction"), triggered=self.undo)
        self.undo_button = action_button(self.undo_action)  # the menu's "&U" left out
        self.undo_button.setObjectName("undo_correction")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        layout.addLayout(buttons)

        session.jobs.busy_changed.connect(self._update_controls)
        self.show_prediction(None)
        self.status.setText(missing_mnist_message() or "")

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier) -> None:
        if classifier.model is not self.corrected_model and self.undo_states:
            # Other weights came in (opened, trained, another network): nothing to undo.
            self.undo_states.clear()
            self.corrected_model = None
            self._update_controls()

    def show_prediction(self, prediction) -> None:
        self.prediction = prediction
        if prediction is None or not prediction.has_digit:
            self.input_item.setImage(BLANK, levels=(0.0, 1.0))
            self.reading.setText(self.tr("Draw a digit; if the network reads it wrong, say "
                                         "which digit it is."))
        else:
            self.input_item.setImage(denormalise(prediction.model_input), levels=(0.0, 1.0))
            self.reading.setText(self.tr("It reads your drawing as <b>{digit}</b> "
                                         "({confidence:.0f} %).").format(
                digit=prediction.digit, confidence=100 * prediction.confidence))
        self._update_controls()

    def present(self) -> None:
        """Show the dock in front (the Correct It… action)."""
        bring_forward(self)

    # ------------------------------------------------------------------ correcting

    def teach(self, label: int) -> bool:
        """Fine-tune the live weights so the current drawing reads as ``label``."""
        missing = missing_mnist_message()
        if missing:
            self.status.setText(missing)
            return False
        prediction = self.session.prediction  # the latest, even if this dock was hidden
        if prediction is None or not prediction.has_digit:
            self.status.setText(self.tr("Draw a digit first."))
            return False
        previous = self.session.snapshot()
        work = correction_work(fresh_copy(previous.model), prediction.model_input.copy(), label)
        started = self.session.jobs.start(work, lambda correction: self._corrected(correction, previous),
                                       self._finished, self._failed)
        if not started:
            self.status.setText(self.tr("Busy with another job; try again when it is done."))
            return False
        self.keep_requested.emit(label)
        self.status.setText(self.tr("Teaching it that this is a {label}…").format(label=label))
        self.result.clear()
        return True

    def _corrected(self, correction: Correction, previous: Snapshot) -> None:
        before, after = correction.before, correction.after
        self.before_bars.setOpts(height=before)
        self.after_bars.setOpts(height=after)
        self.status.setText(self.tr(
            "Before: read as <b>{old}</b> ({old_p:.0f} %). After: <b>{new}</b> ({new_p:.0f} %), "
            "with {label} at {label_p:.0f} %.").format(
            old=int(before.argmax()), old_p=100 * before.max(), new=int(after.argmax()),
            new_p=100 * after.max(), label=correction.label, label_p=100 * after[correction.label]))
        if not correction.learnt:  # a correction that does not take is not worth its cost
            self.result.setText(self.tr(
                "It could not learn this drawing as a {label} in {steps} steps, so the weights "
                "are left as they were.").format(label=correction.label, steps=correction.steps))
            return
        self.undo_states.append(previous)
        self.corrected_model = correction.model
        self.session.install(correction.model, previous.path, previous.metadata,
                                origin=previous.origin, modified=True)
        guard_before, guard_after = correction.guard_accuracy
        self.result.setText(self.tr(
            "{steps} steps. On {count:,} other MNIST digits: {guard_before:.1f} % → "
            "{guard_after:.1f} % read right. The weights are changed but not saved.").format(
            steps=correction.steps, count=GUARD_SIZE, guard_before=100 * guard_before,
            guard_after=100 * guard_after))

    def fine_tune_on_collection(self) -> bool:
        """Fine-tune the live weights on My Digits (undoable like a correction)."""
        missing = missing_mnist_message()
        collection = self.session.collection
        if missing or collection is None:
            self.status.setText(missing or self.tr("My Digits is off: {reason}").format(
                reason=self.session.collection_error))
            return False
        try:
            train_part, _ = pen_digits(collection.drawings(part="train"))
            held_out = collection.drawings(part="held-out")
        except CollectionError as exc:
            self.status.setText(self.tr("Cannot read My Digits: {reason}").format(reason=exc))
            return False
        if len(train_part) == 0:
            self.status.setText(self.tr("My Digits has no drawings with strokes to train on yet."))
            return False
        previous = self.session.snapshot()
        classifier = self.session.classifier
        work = collection_fine_tune_work(fresh_copy(previous.model), train_part, held_out,
                                         str(classifier.device))
        if not self.session.jobs.start(work, lambda result: self._fine_tuned(*result, previous),
                                       self._finished, self._failed):
            self.status.setText(self.tr("Busy with another job; try again when it is done."))
            return False
        self.status.setText(self.tr("Fine-tuning on {count:,} of your drawings…").format(
            count=len(train_part)))
        self.result.clear()
        return True

    def _fine_tuned(self, model, before: float | None, after: float | None, previous: Snapshot) -> None:
        self.undo_states.append(previous)
        self.corrected_model = model
        self.session.install(model, previous.path, previous.metadata, origin=previous.origin,
                             modified=True)
        self.status.setText(self.tr("Fine-tuned on My Digits. The weights are changed but not saved."))
        if before is None:
            self.result.setText(self.tr("None of your drawings is held out yet: keep more to see "
                                        "whether it learnt your handwriting."))
        else:
            self.result.setText(self.tr("On your held-out drawings: {before:.1f} % → {after:.1f} % "
                                        "read right.").format(before=100 * before, after=100 * after))

    def undo(self) -> None:
        """Put back the weights from before the last correction, exactly."""
        if not self.undo_states or self.session.jobs.busy:
            return
        previous = self.undo_states.pop()
        # An earlier correction's model comes back: its own undo stays possible.
        self.corrected_model = previous.model if self.undo_states else None
        self.session.restore(previous)
        self.status.setText(self.tr("Undone: the weights from before the correction are back."))
        self.result.clear()
        self._update_controls()

    def _finished(self, completed: bool) -> None:
        self._update_controls()

    def _failed(self, message: str) -> None:
        self.status.setText(self.tr("The correction failed: {message}. The weights are as "
                                    "they were.").format(message=message))

    def _update_controls(self) -> None:
        busy = self.session.jobs.busy
        can_teach = not busy and self.prediction is not None and self.prediction.has_digit
        for button in self.digit_buttons:
            button.setEnabled(can_teach)
        self.undo_action.setEnabled(not busy and bool(self.undo_states))
        self.fine_tune_button.setEnabled(not busy and self.session.collection is not None)
