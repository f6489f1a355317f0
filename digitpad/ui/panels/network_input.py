"""What the network sees: the 28 x 28 input it reads, and on demand the preprocessing
steps that made it from the drawing (crop, scale to a 20 px box, centre)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QLabel, QWidget

from ...preprocess import INPUT_SIZE, normalise
from ..widgets import image_view
from . import Panel

if TYPE_CHECKING:
    from ..session import AppSession

BLANK = np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)
BLANK_INPUT = normalise(BLANK)  # what an empty pad would be, normalised
# The model input is normalised; these levels show ink 0..1 as black..white.
INPUT_LEVELS = tuple(float(v) for v in normalise(np.array([0.0, 1.0])))
STEP_TITLES = (QT_TRANSLATE_NOOP("NetworkInputPanel", "1 · crop"),
               QT_TRANSLATE_NOOP("NetworkInputPanel", "2 · 20 px box"),
               QT_TRANSLATE_NOOP("NetworkInputPanel", "3 · centre"))


class NetworkInputPanel(Panel):
    def __init__(self, session: AppSession | None = None, parent: QWidget | None = None):
        super().__init__(self.tr("What the network sees"), "network_input", session, parent)
        layout = self.body_layout()

        self.input_view = pg.GraphicsLayoutWidget()
        self.input_view.setObjectName("model_input")
        self.input_view.setBackground("w")
        self.input_view.setMinimumSize(120, 120)
        self.input_item = image_view(self.input_view.ci,
                                     self.tr("28 × 28 input, as the network reads it"))
        layout.addWidget(self.input_view, 1)

        self.steps_view = pg.GraphicsLayoutWidget()
        self.steps_view.setObjectName("preprocessing_steps")
        self.steps_view.setBackground("w")
        self.steps_view.setFixedHeight(120)
        self.step_items = []
        for title in STEP_TITLES:
            column = self.steps_view.ci.addLayout()
            self.step_items.append(image_view(column, self.tr(title)))
        layout.addWidget(self.steps_view)
        self.steps_view.hide()

        caption = QLabel(self.tr("Your drawing cropped to its ink, scaled so its longer side "
                                 "is 20 px and centred by mass in 28 × 28 pixels: the way MNIST "
                                 "was made."))
        caption.setWordWrap(True)
        caption.setStyleSheet("color: #4a5568;")
        layout.addWidget(caption)

        self._latest = None
        self.show_prediction(None)

    def set_classifier(self, classifier) -> None:
        pass  # every model reads the same 28 x 28 input

    def steps_visible(self) -> bool:
        return not self.steps_view.isHidden()

    def set_steps_visible(self, visible: bool) -> None:
        self.steps_view.setVisible(visible)
        if visible:
            self._show_steps(self._latest)

    def show_prediction(self, prediction) -> None:
        self._latest = prediction
        steps = prediction.steps if prediction is not None and prediction.has_digit else None
        self.input_item.setImage(BLANK_INPUT if steps is None else steps.model_input,
                                 levels=INPUT_LEVELS)
        if self.steps_visible():
            self._show_steps(prediction)

    def _show_steps(self, prediction) -> None:
        steps = prediction.steps if prediction is not None and prediction.has_digit else None
        images = (BLANK,) * 3 if steps is None else (steps.cropped, steps.boxed, steps.centred)
        for item, image in zip(self.step_items, images):
            item.setImage(image, levels=(0.0, 1.0))
