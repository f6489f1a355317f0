"""The evidence dock: which parts of the drawing pushed a digit's score up (red) or down
(blue), on the user's own strokes, for the predicted digit or any digit picked.

SimpleCNN's logits are ``scale * (W h + b)``, so a logit splits exactly into one term per
position of the pooled map plus a bias term; the dock shows that split and its sum. Models
without such a split get Grad-CAM or gradient saliency (``digitpad.explain``), labelled as
such. Optionally the same map lies on the pad under the ink.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...classifier import Classifier, GradientRequest, Prediction
from ...explain import EXACT, GRAD_CAM, SALIENCY, Evidence, Explainer
from ...export import NEGATIVE, POSITIVE
from ...models import NUM_CLASSES
from ..mosaic import picture_box
from ..widgets import Caption, choice_box
from . import Panel

if TYPE_CHECKING:
    from ..session import AppSession

PREDICTED = NUM_CLASSES  # the id of the class button that follows the prediction
MAX_ALPHA = 0.85  # the strongest evidence still lets the strokes show through
INK_COLOUR = (29, 35, 48)  # the pad's ink
TOP_CHANNELS = 3
MIN_BUTTON_WIDTH = 14
RED, BLUE = ("#{:02x}{:02x}{:02x}".format(*(int(v) for v in c)) for c in (POSITIVE, NEGATIVE))
LUT_SIZE = 256


def evidence_lut() -> np.ndarray:
    """(256, 4) RGBA: blue against the class, transparent at zero, red for it."""
    t = np.linspace(-1.0, 1.0, LUT_SIZE)
    lut = np.empty((LUT_SIZE, 4), np.uint8)
    lut[:, :3] = np.where(t[:, None] >= 0, POSITIVE, NEGATIVE)
    lut[:, 3] = np.round(np.abs(t) * MAX_ALPHA * 255)
    return lut


def ink_lut() -> np.ndarray:
    """(256, 3) RGB: white paper to the pad's ink."""
    t = np.linspace(0.0, 1.0, LUT_SIZE)[:, None]
    return np.round(255 * (1 - t) + np.array(INK_COLOUR) * t).astype(np.uint8)


def peak_of(values: np.ndarray) -> float:
    """The colour scale's end: the largest magnitude (1 for an all-zero map)."""
    peak = float(np.abs(values).max())
    return peak if peak > 0 else 1.0


def coloured(values: np.ndarray, peak: float, lut: np.ndarray) -> np.ndarray:
    """``values`` through ``lut`` with levels (-peak, peak): (H, W, 4) uint8."""
    index = np.clip((values / peak + 1.0) * (LUT_SIZE / 2), 0, LUT_SIZE - 1).astype(np.intp)
    return lut[index]


class EvidencePanel(Panel):
    """The evidence map over the drawing, the class it explains, how it was made and, for
    the exact split, the numbers that add up to the logit."""

    overlay_changed = QtCore.Signal(object)  # the map for the pad (RGBA), or None: none

    def __init__(self, session: AppSession | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(self.tr("Evidence"), "evidence", session, parent)
        self.explainer: Explainer | None = None
        self.evidence: Evidence | None = None  # what is shown now
        # (prediction, target, method, evidence): the latest explanation, made once
        self._explained: tuple[Prediction, int | None, str | None, Evidence] | None = None
        self.lut = evidence_lut()
        self._framed = None
        self._build_widgets()
        self.show_prediction(None)

    def _build_widgets(self) -> None:
        layout = self.body_layout()
        layout.setContentsMargins(4, 4, 4, 4)
        classes = QtWidgets.QHBoxLayout()
        classes.setSpacing(1)
        self.class_buttons = QtWidgets.QButtonGroup(self)
        for target in (PREDICTED, *range(NUM_CLASSES)):
            button = QtWidgets.QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setMinimumWidth(MIN_BUTTON_WIDTH)  # the row may get narrow with the dock
            button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                                 QtWidgets.QSizePolicy.Policy.Fixed)
            if target == PREDICTED:
                button.setText(self.tr("Top"))
                button.setToolTip(self.tr("Explain the digit the network reads"))
            else:
                button.setText(str(target))
                button.setToolTip(self.tr("Explain the score of {digit}").format(digit=target))
            self.class_buttons.addButton(button, target)
            classes.addWidget(button)
        classes.addStretch(1)
        self.class_buttons.button(PREDICTED).setChecked(True)
        self.class_buttons.idToggled.connect(
            lambda _, checked: checked and self._choice_changed())
        layout.addLayout(classes)

        options = QtWidgets.QHBoxLayout()
        self.method_choice = choice_box(
            [(self.tr("Best available"), None), (self.tr("Exact split"), EXACT),
             (self.tr("Grad-CAM"), GRAD_CAM), (self.tr("Saliency"), SALIENCY)],
            self.tr("How the evidence is computed"), 3, self._choice_changed)
        options.addWidget(self.method_choice, 1)
        self.on_pad = QtWidgets.QCheckBox(self.tr("On the pad"))
        self.on_pad.setToolTip(self.tr("Also colour the pad itself, under your strokes"))
        self.on_pad.toggled.connect(self._choice_changed)
        options.addWidget(self.on_pad)
        layout.addLayout(options)

        self.picture = pg.GraphicsLayoutWidget()
        self.picture.setObjectName("evidence_picture")
        self.picture.setBackground(self.palette().window().color())
        self.picture.setMinimumSize(60, 60)
        box = picture_box()
        self.picture.ci.addItem(box)
        self.drawing_item = pg.ImageItem(axisOrder="row-major")
        self.drawing_item.setLookupTable(ink_lut())
        self.evidence_item = pg.ImageItem(axisOrder="row-major")
        self.evidence_item.setLookupTable(self.lut)
        box.addItem(self.drawing_item)
        box.addItem(self.evidence_item)
        self.box = box
        layout.addWidget(self.picture, 1)

        self.caption = Caption(height=3 * self.fontMetrics().lineSpacing() + 6)
        self.caption.setObjectName("evidence_caption")
        layout.addWidget(self.caption)

    # ------------------------------------------------------------------ panel interface

    @property
    def needs_every_prediction(self) -> bool:
        # The pad shows the map while the dock is behind a tab too; closed, it shows none.
        return self.on_pad.isChecked() and not self.isHidden()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        if self.isHidden():  # closed, not merely the window minimised
            self.overlay_changed.emit(None)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.on_pad.isChecked() and self.prediction is not None:
            self.show_prediction(self.prediction)  # back on the pad

    def set_classifier(self, classifier: Classifier) -> None:
        if classifier is not self.classifier:
            self.classifier = classifier
            self.explainer = Explainer(classifier)
        self._explained = None  # another model or other weights explain differently
        self.explainer.anatomy()  # the classifier now captures the maps the split needs
        exact = self.explainer.exact_available
        self.method_choice.model().item(self.method_choice.findData(EXACT)).setEnabled(exact)
        if not exact and self.method() == EXACT:
            self.method_choice.setCurrentIndex(0)

    def wanted_gradients(self) -> tuple[GradientRequest, ...]:
        """Grad-CAM's or saliency's gradient, for the class and method chosen."""
        if self.explainer is None:
            return ()
        return self.explainer.gradient_requests(self.target(), self.method())

    def weights_edited(self, edited: frozenset[str]) -> None:
        self._explained = None

    def show_prediction(self, prediction: Prediction | None) -> None:
        self.prediction = prediction
        if prediction is None or not prediction.has_digit or self.explainer is None:
            self.evidence = None
            self._show_nothing(prediction)
            return
        self.evidence = self.explain(prediction)
        values = self.evidence.on_source()
        peak = peak_of(values)
        if self.on_screen():
            self.drawing_item.setImage(prediction.steps.image, levels=(0.0, 1.0))
            self.evidence_item.setImage(values, levels=(-peak, peak))
            self._frame(self.evidence.input_rect)
            self.caption.setText(self.describe(self.evidence))
        if self.on_pad.isChecked():
            self.overlay_changed.emit(coloured(values, peak, self.lut))

    # ------------------------------------------------------------------ choices

    def target(self) -> int | None:
        """The class explained: None for the predicted one."""
        chosen = self.class_buttons.checkedId()
        return None if chosen == PREDICTED else chosen

    def method(self) -> str | None:
        return self.method_choice.currentData()

    def choose(self, target: int | None = None, method: str | None = None) -> None:
        """Pick the class (None: the predicted one) and the method (None: the best)."""
        self.class_buttons.button(PREDICTED if target is None else target).setChecked(True)
        self.method_choice.setCurrentIndex(self.method_choice.findData(method))

    def explain(self, prediction: Prediction) -> Evidence:
        """The evidence the dock shows for ``prediction``, with its choices: made once
        per prediction and choice, however often it is asked for (shown again, exported)."""
        target, method = self.target(), self.method()
        explained = self._explained
        if (explained is not None and explained[0] is prediction
                and explained[1:3] == (target, method)):
            return explained[3]
        evidence = self.explainer.explain(prediction, target, method)
        self._explained = (prediction, target, method, evidence)
        return evidence

    def _choice_changed(self, *_) -> None:
        if not self.on_pad.isChecked():
            self.overlay_changed.emit(None)
        if self.prediction is not None:
            self.show_prediction(self.prediction)

    # ------------------------------------------------------------------ drawing

    def _frame(self, rect: tuple[float, float, float, float]) -> None:
        """Show ``rect`` (x, y, width, height): the part of the drawing the network reads."""
        rect = QtCore.QRectF(*rect)
        if rect != self._framed:
            self._framed = rect
            self.box.setRange(rect, padding=0.0)

    def _show_nothing(self, prediction: Prediction | None) -> None:
        if prediction is not None:
            self.drawing_item.setImage(prediction.steps.image, levels=(0.0, 1.0))
            self.evidence_item.setImage(np.zeros_like(prediction.steps.image), levels=(-1.0, 1.0))
            height, width = prediction.steps.image.shape
            self._frame((0, 0, width, height))
        self.caption.setText(self.tr("Draw a digit: red marks the strokes that raise a "
                                     "digit's score, blue those that lower it."))
        if self.on_pad.isChecked():
            self.overlay_changed.emit(None)

    def describe(self, evidence: Evidence) -> str:
        """The caption: the method, and the numbers behind the map."""
        digit = evidence.target
        colours = self.tr("<span style='color:{red}'>red</span> raises {digit}, "
                          "<span style='color:{blue}'>blue</span> lowers it").format(
            red=RED, blue=BLUE, digit=digit)
        if evidence.method == EXACT:
            height, width = evidence.grid.shape
            top = np.argsort(-np.abs(evidence.channel_totals))[:TOP_CHANNELS]
            return self.tr(
                "<b>exact</b>: logit = scale·(W·h + b) over {height}×{width} cells of "
                "<i>{layer}</i><br>logit({digit}) = <b>{cells:+.2f}</b> cells "
                "<b>{bias:+.2f}</b> bias = <b>{logit:.2f}</b><br>{colours} · channels "
                "{channels}"
            ).format(height=height, width=width, layer=evidence.layer, colours=colours,
                     digit=digit, cells=float(evidence.grid.sum()), bias=evidence.bias_term,
                     logit=evidence.logit,
                     channels=", ".join(f"{c} {evidence.channel_totals[c]:+.1f}" for c in top))
        if evidence.method == GRAD_CAM:
            how = self.tr("<b>Grad-CAM</b> on <i>{layer}</i>: channels weighted by mean "
                          "gradient, an approximation").format(layer=evidence.layer)
        else:
            how = self.tr("<b>saliency</b>: gradient × ink on the 28×28 input, an "
                          "approximation")
        return self.tr("{how}<br>logit({digit}) = <b>{logit:.2f}</b><br>{colours}").format(
            how=how, colours=colours, digit=digit, logit=evidence.logit)
