"""The reading: the predicted digit, large, with its confidence, over a bar chart of all
ten probabilities."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from ...models import NUM_CLASSES
from ..translation import core_message
from ..widgets import Caption, probability_chart
from . import Panel

if TYPE_CHECKING:
    from ..session import AppSession

SURE = "#2b6cb0"
UNSURE = "#c05621"
IDLE = "#b8c2d1"
MUTED = "#8a94a6"
CLASSES = np.arange(NUM_CLASSES)


class ProbabilitiesPanel(Panel):
    def __init__(self, session: AppSession | None = None, parent: QWidget | None = None):
        super().__init__(self.tr("Prediction"), "probabilities", session, parent)
        layout = self.body_layout()

        header = QHBoxLayout()
        self.digit_label = QLabel()
        self.digit_label.setObjectName("prediction")
        self.digit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.digit_label.setFixedSize(104, 96)  # a new text never relayouts the dock
        font = QFont(self.font())
        font.setPixelSize(72)
        font.setBold(True)
        self.digit_label.setFont(font)
        header.addWidget(self.digit_label)
        self.confidence_label = Caption(height=96)
        self.confidence_label.setObjectName("confidence")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.confidence_label.setFont(font)
        header.addWidget(self.confidence_label, 1)
        layout.addLayout(header)

        self.plot = probability_chart("probability_chart", top=1.12)  # room for the value
        self.plot.setMinimumHeight(130)
        self.plot.setAntialiasing(False)  # upright bars: crisp without it, and cheaper
        self.bars = pg.BarGraphItem(x=CLASSES, height=np.zeros(NUM_CLASSES), width=0.72,
                                    brushes=[IDLE] * NUM_CLASSES, pen=None)
        self.plot.addItem(self.bars)
        self.top_value = pg.TextItem(anchor=(0.5, 1.0), color="#2d3748")
        self.plot.addItem(self.top_value)
        layout.addWidget(self.plot, 1)

        self._colour = None
        self._value_anchor = (0.5, 1.0)
        self.show_prediction(None)
        if session is not None:
            session.digit_check_done.connect(self._digit_checked)

    def set_classifier(self, classifier) -> None:
        pass  # ten classes whatever the model: nothing to rebuild

    def show_prediction(self, prediction) -> None:
        self.prediction = prediction
        if prediction is None or not prediction.has_digit:
            self._show_no_digit(prediction)
            return
        digit, probabilities = prediction.digit, prediction.probabilities
        colour = UNSURE if prediction.unsure else SURE
        brushes = [IDLE] * NUM_CLASSES
        brushes[digit] = colour
        self.bars.setOpts(height=probabilities, brushes=brushes)
        self.top_value.setText(f"{100 * prediction.confidence:.0f} %")
        self._place_top_value(digit, float(probabilities[digit]))
        self._set_digit(str(digit), colour)
        if prediction.unsure:
            runner_up = int(np.argsort(probabilities)[-2])
            self.confidence_label.setText(self.tr(
                "<b style='color:{colour}'>Unsure</b><br>{digit} at {confidence:.0f} %, "
                "{runner_up} at {runner_up_confidence:.0f} %").format(
                colour=UNSURE, digit=digit, confidence=100 * prediction.confidence,
                runner_up=runner_up, runner_up_confidence=100 * probabilities[runner_up]))
        else:
            self.confidence_label.setText(self.tr("<b>{confidence:.0f} %</b> sure").format(
                confidence=100 * prediction.confidence))

    def _digit_checked(self, prediction, looks_like_digit: bool) -> None:
        """The Certainty dock found the drawing far from every training digit: no big,
        confident digit here then, the same verdict in both places."""
        if looks_like_digit or prediction is not self.prediction or not prediction.has_digit:
            return
        self.bars.setOpts(height=prediction.probabilities, brushes=[IDLE] * NUM_CLASSES)
        self.top_value.setText("")
        self._set_digit("?", UNSURE)
        self.confidence_label.setText(self.tr(
            "<b style='color:{colour}'>Does not look like a digit</b><br>"
            "closest class: {digit}").format(colour=UNSURE, digit=prediction.digit))

    def _place_top_value(self, digit: int, height: float) -> None:
        """Above a short bar; beside the top of a tall one, where a small chart has no
        room above (the other bars are low then)."""
        if height <= 0.75:
            anchor, x = (0.5, 1.0), digit
        elif digit < NUM_CLASSES - 1:
            anchor, x = (0.0, 0.0), digit + 0.36
        else:
            anchor, x = (1.0, 0.0), digit - 0.36
        if anchor != self._value_anchor:
            self._value_anchor = anchor
            self.top_value.setAnchor(anchor)
        self.top_value.setPos(x, height + 0.02 if height <= 0.75 else height)

    def _set_digit(self, text: str, colour: str) -> None:
        self.digit_label.setText(text)
        if colour != self._colour:  # a style sheet change re-polishes the label: only on change
            self._colour = colour
            self.digit_label.setStyleSheet(f"color: {colour};")

    def _show_no_digit(self, prediction) -> None:
        """An invitation, never a guess."""
        self.bars.setOpts(height=np.zeros(NUM_CLASSES), brushes=[IDLE] * NUM_CLASSES)
        self.top_value.setText("")
        self._set_digit("\u270e", MUTED)  # a pencil: nothing to read yet
        if prediction is not None and prediction.steps.bbox is not None:  # ink, but no digit
            text = self.tr("Nothing to read yet ({reason}): keep drawing.").format(
                reason=core_message(prediction.steps.reason))
        else:
            text = self.tr("Draw a digit on the pad and watch the network read it.")
        self.confidence_label.setText(f"<span style='color:{MUTED}'>{text}</span>")
