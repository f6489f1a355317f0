"""The reading: the predicted digit, large, with its confidence, over a bar chart of all
ten probabilities."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...models import NUM_CLASSES
from . import Panel

SURE = "#2b6cb0"
UNSURE = "#c05621"
IDLE = "#b8c2d1"
MUTED = "#8a94a6"
CLASSES = np.arange(NUM_CLASSES)


class ProbabilitiesPanel(Panel):
    def __init__(self, parent=None):
        super().__init__("Prediction", "probabilities", parent)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 8)

        header = QHBoxLayout()
        self.digit_label = QLabel()
        self.digit_label.setObjectName("prediction")
        self.digit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.digit_label.setMinimumWidth(96)
        font = QFont(self.font())
        font.setPixelSize(72)
        font.setBold(True)
        self.digit_label.setFont(font)
        header.addWidget(self.digit_label)
        self.confidence_label = QLabel()
        self.confidence_label.setObjectName("confidence")
        self.confidence_label.setWordWrap(True)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.confidence_label.setFont(font)
        header.addWidget(self.confidence_label, 1)
        layout.addLayout(header)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("probability_chart")
        self.plot.setMinimumHeight(160)
        self.plot.setMouseEnabled(False, False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setXRange(-0.6, NUM_CLASSES - 0.4, padding=0)
        self.plot.setYRange(0, 1.12, padding=0)
        bottom, left = self.plot.getAxis("bottom"), self.plot.getAxis("left")
        bottom.setTicks([[(int(c), str(c)) for c in CLASSES]])
        left.setTicks([[(0, "0"), (0.5, "50 %"), (1, "100 %")]])
        for axis in (bottom, left):
            axis.setPen(MUTED)
            axis.setTextPen("#2d3748")
        self.plot.showGrid(y=True, alpha=0.15)
        self.bars = pg.BarGraphItem(x=CLASSES, height=np.zeros(NUM_CLASSES), width=0.72,
                                    brushes=[IDLE] * NUM_CLASSES, pen=None)
        self.plot.addItem(self.bars)
        self.top_value = pg.TextItem(anchor=(0.5, 1.0), color="#2d3748")
        self.plot.addItem(self.top_value)
        layout.addWidget(self.plot, 1)

        self.setWidget(body)
        self.show_prediction(None)

    def set_classifier(self, classifier) -> None:
        pass  # ten classes whatever the model: nothing to rebuild

    def show_prediction(self, prediction) -> None:
        if prediction is None or not prediction.has_digit:
            self._show_no_digit(prediction)
            return
        digit, probabilities = prediction.digit, prediction.probabilities
        colour = UNSURE if prediction.unsure else SURE
        brushes = [IDLE] * NUM_CLASSES
        brushes[digit] = colour
        self.bars.setOpts(height=probabilities, brushes=brushes)
        self.top_value.setText(f"{100 * prediction.confidence:.0f} %")
        self.top_value.setPos(digit, float(probabilities[digit]) + 0.02)
        self.top_value.setVisible(True)
        self.digit_label.setText(str(digit))
        self.digit_label.setStyleSheet(f"color: {colour};")
        if prediction.unsure:
            runner_up = int(np.argsort(probabilities)[-2])
            self.confidence_label.setText(
                f"<b style='color:{UNSURE}'>Unsure</b><br>{digit} at "
                f"{100 * prediction.confidence:.0f} %, {runner_up} at "
                f"{100 * probabilities[runner_up]:.0f} %")
        else:
            self.confidence_label.setText(f"<b>{100 * prediction.confidence:.1f} %</b> sure")

    def _show_no_digit(self, prediction) -> None:
        """An invitation, never a guess."""
        self.bars.setOpts(height=np.zeros(NUM_CLASSES), brushes=[IDLE] * NUM_CLASSES)
        self.top_value.setVisible(False)
        self.digit_label.setText("\u270e")  # a pencil: nothing to read yet
        self.digit_label.setStyleSheet(f"color: {MUTED};")
        if prediction is not None and prediction.steps.bbox is not None:  # ink, but no digit
            text = f"Nothing to read yet ({prediction.steps.reason}): keep drawing."
        else:
            text = "Draw a digit on the pad and watch the network read it."
        self.confidence_label.setText(f"<span style='color:{MUTED}'>{text}</span>")
