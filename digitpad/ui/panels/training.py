"""The training dock: train a network on MNIST inside the app and watch it learn.

It runs ``digitpad.train.train``, the generator behind ``digitpad train``, in a worker
thread. The loss and accuracy curves grow with every report; about twice a second the
worker copies the network's weights, and the window reads the drawing with that copy, so
the feature maps and kernels in the other docks change as the network learns. Cancel
puts the previous weights back at once; at the end the trained weights are live, in no
file until they are saved.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pyqtgraph as pg
import torch.nn as nn
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ...augment import Augmentation
from ...classifier import cuda_unavailable_reason
from ...collection import CollectionError, mix_pen_sets, pen_digits
from ...data import Digits, LoadCancelled
from ...models import MODEL_SPECS, cpu_state_dict, create_model, fresh_copy
from ...session import Snapshot
from ...train import DoneEvent, EpochEvent, StepEvent, TrainConfig, train
from ..style import AXIS, AXIS_TEXT, EXPLAINING
from ..teaching import bring_forward, describe_augmentation, missing_mnist_message, mnist
from ..translation import core_message
from ..widgets import text_label
from ..workers import Work
from . import Panel

if TYPE_CHECKING:
    from ..session import AppSession

SNAPSHOT_SECONDS = 0.5  # how often the worker copies the weights being trained
# The docks redraw for new weights in the GUI thread (DeepCNN's feature maps recalibrate:
# 0.1-0.25 s); previews are spaced so they take at most this share of its time.
PREVIEW_SHARE = 0.1
DEFAULT_EPOCHS = 3
MNIST_TRAIN_IMAGES = 60_000
MIN_IMAGES = 1000
PROGRESS_STEPS = 1000
MY_DIGITS_WEIGHT = 0.1  # share of each batch from My Digits, as `digitpad train --digits`
LOSS_COLOUR = "#2b6cb0"
TEST_COLOUR = "#dd6b20"


@dataclass(frozen=True)
class TrainingUpdate:
    """One event of the trainer, now and then with a CPU copy of the network's weights."""

    event: StepEvent | EpochEvent | DoneEvent
    weights: dict | None = None


def training_work(config: TrainConfig, images: int, start: nn.Module | None,
                  pens: dict | None = None) -> Work:
    """The first ``images`` MNIST training digits through ``train``, tested on the test
    set; ``start``: a model to continue from (None: fresh weights); ``pens``: ``train``'s
    pen arguments (My Digits mixed in)."""
    def work(cancelled):
        try:
            digits, test_set = mnist("train", cancelled), mnist("test", cancelled)
        except LoadCancelled:
            return  # closed or cancelled while reading: nothing to train
        subset = Digits(digits.images[:images], digits.labels[:images])
        last_copy = -math.inf
        for event in train(config, subset, test_set, model=start, cancelled=cancelled, **(pens or {})):
            weights = None
            # Copied here, in the worker, while the trainer waits for the next request.
            if isinstance(event, StepEvent) and time.monotonic() - last_copy >= SNAPSHOT_SECONDS:
                weights, last_copy = cpu_state_dict(event.model), time.monotonic()
            yield TrainingUpdate(event, weights)
    return work


class TrainingPanel(Panel):
    """Settings, Train and Cancel, a progress bar, live curves and the result."""

    save_weights_requested = Signal()  # the result's Save Weights As… button

    def __init__(self, session: AppSession, parent: QWidget | None = None):
        super().__init__(self.tr("Training"), "training", session, parent)
        self.previous: Snapshot | None = None  # the weights to put back on a cancel
        self.config_used = TrainConfig()
        self.held_out_note = ""  # My Digits' held-out accuracy after the last epoch
        self.started = 0.0
        self.next_preview = 0.0
        # The curves' points so far (see _clear_curves) and the last step's running sums.
        self._epoch: int | None = None
        self._last = (0, 0.0, 0.0)
        self._steps_x: list[float] = []
        self._loss: list[float] = []
        self._train_accuracy: list[float] = []
        self._test_x: list[int] = []
        self._test_accuracy: list[float] = []
        layout = self.body_layout()

        layout.addWidget(text_label(self.tr(
            "Train a network on the MNIST digits and watch it learn: the other docks show its "
            "feature maps and kernels as they change."), explaining=True))
        layout.addLayout(self._build_settings())

        buttons = QHBoxLayout()
        self.train_button = QPushButton(self.tr("Train"))
        self.train_button.setObjectName("train_button")
        self.train_button.setDefault(True)
        self.train_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel_training")
        self.cancel_button.setToolTip(self.tr("Stop now and keep the weights from before"))
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setTextVisible(False)
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        layout.addLayout(buttons)

        self.status = text_label(object_name="training_status")
        layout.addWidget(self.status)

        layout.addWidget(self._build_plots(), 1)
        layout.addWidget(text_label(self.tr(
            "<span style='color:{train}'>━</span> training batches, as they go · "
            "<span style='color:{test}'>●</span> test digits, after each epoch").format(
            train=LOSS_COLOUR, test=TEST_COLOUR), explaining=True))

        result = QHBoxLayout()
        self.result = text_label(object_name="training_result")
        self.save_button = QPushButton(self.tr("Save Weights As…"))
        self.save_button.clicked.connect(self.save_weights_requested)
        result.addWidget(self.result, 1)
        result.addWidget(self.save_button)
        layout.addLayout(result)
        self.save_button.hide()

        session.jobs.busy_changed.connect(self._update_controls)
        self._update_controls()
        self._show_status(missing_mnist_message() or self.tr("Ready."))

    # ------------------------------------------------------------------ building

    def _build_settings(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        defaults = TrainConfig()

        self.arch_choice = QComboBox()
        for spec in MODEL_SPECS.values():
            self.arch_choice.addItem(spec.display_name, spec.name)
        self.arch_choice.currentIndexChanged.connect(self._update_start_choice)
        self.start_choice = QComboBox()
        self.start_choice.addItem(self.tr("random weights"), False)
        self.start_choice.addItem(self.tr("current weights"), True)
        self.start_choice.setToolTip(self.tr("Continue from the current weights (same network only)"))
        self.epochs = QSpinBox(minimum=1, maximum=100, value=DEFAULT_EPOCHS)
        self.epochs.setToolTip(self.tr("Passes over the training images"))
        self.batch_size = QSpinBox(minimum=8, maximum=4096, value=defaults.batch_size,
                                   singleStep=32)
        self.batch_size.setToolTip(self.tr("Images per optimiser step"))
        self.learning_rate = QDoubleSpinBox(decimals=4, minimum=0.0001, maximum=1.0,
                                            value=defaults.lr)
        self.learning_rate.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.learning_rate.setToolTip(self.tr("Peak learning rate of the one-cycle schedule "
                                              "(AdamW)"))
        self.augmentation = QDoubleSpinBox(decimals=2, minimum=0.0, maximum=2.0, value=1.0,
                                           singleStep=0.25, suffix="×")
        self.augmentation.setSpecialValueText(self.tr("off"))
        self.augmentation.setToolTip(
            self.tr("Random distortions of each training digit, so the network reads "
                    "handwriting unlike MNIST's. At 1×: {ranges}").format(
                ranges=describe_augmentation(Augmentation())))
        self.images = QSpinBox(minimum=MIN_IMAGES, maximum=MNIST_TRAIN_IMAGES,
                               value=MNIST_TRAIN_IMAGES, singleStep=MIN_IMAGES)
        self.images.setGroupSeparatorShown(True)
        self.images.setToolTip(self.tr("How many of MNIST's 60,000 training digits to use"))
        self.device_choice = QComboBox()
        self.device_choice.addItem("CPU", "cpu")
        self.device_choice.addItem("CUDA", "cuda")
        reason = cuda_unavailable_reason()
        if reason is not None:
            self.device_choice.model().item(1).setEnabled(False)
            self.device_choice.setItemData(1, self.tr("CUDA cannot be used: {reason}").format(
                reason=core_message(reason)), Qt.ItemDataRole.ToolTipRole)

        fields = [
            (self.tr("Network"), self.arch_choice), (self.tr("Start from"), self.start_choice),
            (self.tr("Epochs"), self.epochs), (self.tr("Batch size"), self.batch_size),
            (self.tr("Learning rate"), self.learning_rate), (self.tr("Augment"), self.augmentation),
            (self.tr("Images"), self.images), (self.tr("Device"), self.device_choice),
        ]
        self.mix_my_digits = QCheckBox(self.tr("Mix in My Digits"))
        self.mix_my_digits.setObjectName("mix_my_digits")
        self.mix_my_digits.setToolTip(self.tr(
            "About {share:.0%} of each batch from the training part of your own drawings; their "
            "held-out part is read after every epoch").format(share=MY_DIGITS_WEIGHT))
        grid.addWidget(self.mix_my_digits, (len(fields) + 1) // 2, 0, 1, 4)
        self.settings_widgets = [widget for _, widget in fields] + [self.mix_my_digits]
        for index, (label, widget) in enumerate(fields):
            row, column = divmod(index, 2)
            caption = QLabel(label)
            caption.setBuddy(widget)
            grid.addWidget(caption, row, 2 * column)
            grid.addWidget(widget, row, 2 * column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        return grid

    def _build_plots(self) -> pg.GraphicsLayoutWidget:
        view = pg.GraphicsLayoutWidget()
        view.setObjectName("training_curves")
        view.setBackground("w")
        view.setMinimumHeight(170)
        self.loss_plot = view.addPlot()
        self.accuracy_plot = view.addPlot()
        for plot, title in ((self.loss_plot, self.tr("loss")),
                            (self.accuracy_plot, self.tr("accuracy, %"))):
            plot.setTitle(title, size="9pt", color=EXPLAINING)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(False, False)
            plot.hideButtons()
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setLabel("bottom", self.tr("epoch"), **{"font-size": "8pt", "color": EXPLAINING})
            for axis in ("left", "bottom"):
                plot.getAxis(axis).setPen(AXIS)
                plot.getAxis(axis).setTextPen(AXIS_TEXT)
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen(LOSS_COLOUR, width=2))
        self.train_curve = self.accuracy_plot.plot(pen=pg.mkPen(LOSS_COLOUR, width=2))
        self.test_curve = self.accuracy_plot.plot(pen=pg.mkPen(TEST_COLOUR, width=2), symbol="o",
                                                  symbolSize=7, symbolBrush=TEST_COLOUR,
                                                  symbolPen=None)
        self._clear_curves()
        return view

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier) -> None:
        self._list_networks(classifier.arch)
        self._update_start_choice()

    def _list_networks(self, live: str) -> None:
        """Networks opened since are trainable too; one just opened is picked, ready to train."""
        listed = {self.arch_choice.itemData(i) for i in range(self.arch_choice.count())}
        for spec in MODEL_SPECS.values():
            if spec.name not in listed:
                self.arch_choice.addItem(spec.display_name, spec.name)
                if spec.name == live:
                    self.arch_choice.setCurrentIndex(self.arch_choice.count() - 1)

    def show_prediction(self, prediction) -> None:
        pass  # the window's docks show what the network reads

    def present(self) -> None:
        """Show the dock in front (the Train… action)."""
        bring_forward(self)
        self.train_button.setFocus()

    # ------------------------------------------------------------------ settings

    def config(self) -> TrainConfig:
        strength = self.augmentation.value()
        return TrainConfig(arch=self.arch_choice.currentData(), epochs=self.epochs.value(),
                           batch_size=self.batch_size.value(), lr=self.learning_rate.value(),
                           device=self.device_choice.currentData(),
                           augmentation=Augmentation().scaled(strength) if strength > 0 else None)

    def _update_start_choice(self) -> None:
        """Continuing needs the same network as the live one."""
        same = self.session.classifier is not None and self.arch_choice.currentData() == self.session.classifier.arch
        self.start_choice.model().item(1).setEnabled(same)
        if not same:
            self.start_choice.setCurrentIndex(0)

    def _update_controls(self) -> None:
        busy, training = self.session.jobs.busy, self.previous is not None
        for widget in self.settings_widgets:
            widget.setEnabled(not busy)
        self.train_button.setEnabled(not busy)
        self.cancel_button.setEnabled(training)

    # ------------------------------------------------------------------ running

    def start(self) -> bool:
        """Train with the settings shown; False if it cannot start (the dock says why)."""
        missing = missing_mnist_message()
        if missing:
            self._show_status(missing)
            return False
        config = self.config()
        start = fresh_copy(self.session.classifier.model) if self.start_choice.currentData() else None
        previous = self.session.snapshot()
        pens = None
        if self.mix_my_digits.isChecked():
            pens = self._my_digits_pens()
            if pens is None:
                return False
            config = replace(config, pen_share=pens.pop("share"))
        work = training_work(config, self.images.value(), start, pens)
        if not self.session.jobs.start(work, self._progress, self._finished, self._failed):
            self._show_status(self.tr("Busy with another job; try again when it is done."))
            return False
        self.previous, self.config_used, self.started = previous, config, time.monotonic()
        self.next_preview = self.started
        self._clear_curves()
        self.loss_plot.setXRange(0, config.epochs, padding=0.02)
        self.accuracy_plot.setXRange(0, config.epochs, padding=0.02)
        self.progress.setValue(0)
        self.result.clear()
        self.held_out_note = ""
        self.save_button.hide()
        self._show_status(self.tr("Reading the MNIST digits…"))
        self._update_controls()
        return True

    def _my_digits_pens(self) -> dict | None:
        """``train``'s pen arguments with My Digits mixed in (as ``digitpad train
        --digits``), or None (and the dock says why)."""
        collection = self.session.collection
        if collection is None:
            self._show_status(self.tr("My Digits is off: {reason}").format(
                reason=self.session.collection_error))
            return None
        try:
            train_part, _ = pen_digits(collection.drawings(part="train"))
            held_out, _ = pen_digits(collection.drawings(part="held-out"))
        except CollectionError as exc:
            self._show_status(self.tr("Cannot read My Digits: {reason}").format(reason=exc))
            return None
        if len(train_part) == 0:
            self._show_status(self.tr("My Digits has no drawings with strokes to train on yet."))
            return None
        mixed, share = mix_pen_sets(None, 0.0, train_part, MY_DIGITS_WEIGHT)
        return {"pen_set": mixed, "pen_validation": held_out if len(held_out) else None,
                "pen_record": {"my_digits": {"drawings": len(train_part), "weight": MY_DIGITS_WEIGHT}},
                "share": share}

    def cancel(self) -> None:
        """Stop training and put the previous weights back, at once."""
        if self.previous is None:
            return
        self.session.jobs.cancel()
        self.progress.setValue(0)  # nothing of it is kept: no part-filled bar either
        self._restore_previous()
        self._show_status(self.tr("Cancelled: the weights from before training are back."))

    def _restore_previous(self) -> None:
        previous, self.previous = self.previous, None
        if previous is not None:
            self.session.restore(previous)
        self._update_controls()

    def _progress(self, update: TrainingUpdate) -> None:
        event = update.event
        if isinstance(event, StepEvent):
            self._add_step(event)
        elif isinstance(event, EpochEvent):
            self._add_epoch(event)
        elif isinstance(event, DoneEvent):
            self._done(event)
        if update.weights is not None and self.previous is not None:
            self._preview(update.weights)

    def _preview(self, weights: dict) -> None:
        """Let the window read the drawing with a copy of the weights being trained."""
        start = time.monotonic()
        if start < self.next_preview:
            return
        model = create_model(self.config_used.arch)
        model.load_state_dict(weights)
        self.session.install(model, None, {}, origin=self.tr("training…"))
        end = time.monotonic()
        self.next_preview = end + (end - start) * (1 / PREVIEW_SHARE - 1)

    def _add_step(self, event: StepEvent) -> None:
        # The events carry means over the epoch so far; the curves show each interval's own.
        if event.epoch != self._epoch:
            self._epoch, self._last = event.epoch, (0, 0.0, 0.0)
        step, loss_sum, correct_sum = self._last
        loss_total, correct_total = event.loss * event.step, event.accuracy * event.step
        span = event.step - step
        self._last = (event.step, loss_total, correct_total)
        x = event.epoch - 1 + event.step / event.steps
        self._steps_x.append(x)
        self._loss.append((loss_total - loss_sum) / span)
        self._train_accuracy.append(100 * (correct_total - correct_sum) / span)
        self.loss_curve.setData(self._steps_x, self._loss)
        self.train_curve.setData(self._steps_x, self._train_accuracy)

        done = x / event.epochs
        self.progress.setValue(round(PROGRESS_STEPS * done))
        elapsed = time.monotonic() - self.started
        left = self.tr(", about {time} left").format(time=self._duration(elapsed * (1 - done) / done))
        self._show_status(self.tr(
            "Epoch {epoch} of {epochs} · step {step} of {steps} · {speed:,.0f} images/s{left}").format(
            epoch=event.epoch, epochs=event.epochs, step=event.step, steps=event.steps,
            speed=event.images_per_second, left=left if done > 0.02 else ""))

    def _add_epoch(self, event: EpochEvent) -> None:
        if event.pen_accuracy is not None and self.mix_my_digits.isChecked():
            self.held_out_note = self.tr("{accuracy:.1f} % of your held-out drawings read right.").format(
                accuracy=100 * event.pen_accuracy)
            self.result.setText(self.held_out_note)
        if event.test_accuracy is not None:
            self._test_x.append(event.epoch)
            self._test_accuracy.append(100 * event.test_accuracy)
            self.test_curve.setData(self._test_x, self._test_accuracy)

    def _done(self, event: DoneEvent) -> None:
        self.previous = None
        self.session.install(event.model, None, event.metadata,
                                origin=self.tr("trained here, unsaved"))
        self.progress.setValue(PROGRESS_STEPS)
        self._show_status(self.tr("Done: {accuracy:.2f} % of the test digits read right after "
                                  "{time} of training.").format(
            accuracy=100 * event.test_accuracy, time=self._duration(event.seconds)))
        self.result.setText(" ".join(filter(None, (
            self.tr("These weights are live now, and in no file yet."), self.held_out_note))))
        self.save_button.show()

    def _finished(self, completed: bool) -> None:
        if self.previous is not None:  # ended without a result: a failure
            self._restore_previous()
        self._update_controls()

    def _failed(self, message: str) -> None:
        self._restore_previous()
        self._show_status(self.tr("Training stopped: {message}. The weights from before "
                                  "training are back.").format(message=message))

    # ------------------------------------------------------------------ shown state

    def _clear_curves(self) -> None:
        self._epoch, self._last = None, (0, 0.0, 0.0)
        self._steps_x, self._loss, self._train_accuracy = [], [], []
        self._test_x, self._test_accuracy = [], []
        for curve in (self.loss_curve, self.train_curve, self.test_curve):
            curve.setData([], [])

    def _show_status(self, text: str) -> None:
        self.status.setText(text)

    def _duration(self, seconds: float) -> str:
        if seconds < 60:
            return self.tr("{seconds} s").format(seconds=max(1, round(seconds)))
        return self.tr("{minutes} min").format(minutes=round(seconds / 60))
