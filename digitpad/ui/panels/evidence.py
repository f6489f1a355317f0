"""The evidence dock: which parts of the drawing pushed a digit's score up (red) or down
(blue), on the user's own strokes, for the predicted digit or any digit picked.

SimpleCNN's logits are ``scale * (W h + b)``, so a logit splits exactly into one term per
position of the pooled map plus a bias term; the dock shows that split and its sum. Models
without such a split get Grad-CAM or gradient saliency (``digitpad.explain``), labelled as
such. Optionally the same map lies on the pad under the ink. While a second network
reads beside the live one, its map for the same class and method (or its best method)
is beside the live one's, made only while the dock is on screen.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
import torch.nn as nn
from PySide6 import QtCore, QtWidgets

from ...classifier import Classifier, GradientRequest, Prediction
from ...explain import EXACT, GRAD_CAM, SALIENCY, Evidence, Explainer
from ...export import NEGATIVE, POSITIVE
from ...models import NUM_CLASSES, display_name
from ...preprocess import INPUT_SIZE
from ..mosaic import ColouredImage, picture_box
from ..widgets import Caption, choice_box
from . import Panel
from .probabilities import SECOND

if TYPE_CHECKING:
    from ..session import AppSession

PREDICTED = NUM_CLASSES  # the id of the class button that follows the prediction
MAX_ALPHA = 0.85  # the strongest evidence still lets the strokes show through
INK_COLOUR = (29, 35, 48)  # the pad's ink
TOP_CHANNELS = 3
BUTTON_PADDING = 6  # px beside a class button's text, at the least
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
    """``values`` through ``lut`` with levels (-peak, peak): (H, W, 4) uint8.

    Each colour is looked up as one 32-bit word: picking rows of four bytes costs some
    seven times as much for the pad's 280 x 280 overlay, made every frame."""
    index = values / peak
    index += 1.0
    index *= LUT_SIZE / 2
    np.clip(index, 0, LUT_SIZE - 1, out=index)
    words = np.ascontiguousarray(lut, np.uint8).view(np.uint32).reshape(-1)
    return words.take(index.astype(np.uint8)).view(np.uint8).reshape(*values.shape, 4)


def show_map(item: ColouredImage, evidence: Evidence) -> None:
    """``evidence``'s input map on ``item``, over the part of the drawing it covers,
    coloured on a scale symmetric about zero."""
    peak = peak_of(evidence.input_map)
    _show_over(item, evidence.input_map, (-peak, peak), evidence.input_rect)


BLANK_MAP = np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32)


def show_blank(item: ColouredImage, shape: tuple[int, int]) -> None:
    """No evidence: a blank map of the same 28 x 28 over the whole drawing (``shape``)."""
    height, width = shape
    _show_over(item, BLANK_MAP, (-1.0, 1.0), (0, 0, width, height))


def _show_over(item: ColouredImage, values: np.ndarray, levels, rect) -> None:
    """``values`` on ``item``, stretched over ``rect`` (x, y, width, height) of the drawing."""
    item.show_values(values, levels=levels)
    rect = QtCore.QRectF(*rect)
    if item.mapRectToParent(item.boundingRect()) != rect:
        item.setRect(rect)


class EvidencePanel(Panel):
    """The evidence map over the drawing, the class it explains, how it was made and, for
    the exact split, the numbers that add up to the logit."""

    overlay_changed = QtCore.Signal(object)  # the map for the pad (RGBA), or None: none

    def __init__(self, session: AppSession | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(self.tr("Evidence"), "evidence", session, parent)
        self.explainer: Explainer | None = None
        self.evidence: Evidence | None = None  # what is shown now
        self.second = None  # the SecondNetwork read beside the live one
        self.second_explainer: Explainer | None = None
        self.second_evidence: Evidence | None = None
        # (prediction, target, method, evidence): the latest explanation, made once
        self._explained: tuple[Prediction, int | None, str | None, str | None, Evidence] | None = None
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
            button.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred,
                                 QtWidgets.QSizePolicy.Policy.Fixed)
            if target == PREDICTED:
                button.setText(self.tr("Top"))
                button.setToolTip(self.tr("Explain the digit the network reads"))
            else:
                button.setText(str(target))
                button.setToolTip(self.tr("Explain the score of {digit}").format(digit=target))
            # The row may get narrow with the dock: down to the text and its frame.
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text())
                                   + BUTTON_PADDING)
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
            self.tr("How the evidence is computed"), 0, self._choice_changed)
        # As narrow as its longest choice, no narrower: a choice is never cut.
        self.method_choice.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        options.addWidget(self.method_choice, 1)
        # Which map Grad-CAM weighs: by default the rectified map after the last convolution.
        self.layer_choice = QtWidgets.QComboBox()
        self.layer_choice.setObjectName("grad_cam_layer")
        self.layer_choice.setToolTip(self.tr("The layer Grad-CAM weighs"))
        # As wide as its longest choice: a layer's name is never cut.
        self.layer_choice.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_choice.currentIndexChanged.connect(self._choice_changed)
        options.addWidget(self.layer_choice, 1)
        self.on_pad = QtWidgets.QCheckBox(self.tr("On the pad"))
        self.on_pad.setToolTip(self.tr("Also colour the pad itself, under your strokes"))
        self.on_pad.toggled.connect(self._choice_changed)
        options.addWidget(self.on_pad)
        layout.addLayout(options)

        # The live network's map, and beside it (while comparing) the second network's.
        pictures = QtWidgets.QHBoxLayout()
        self.picture, self.drawing_item, self.evidence_item, self.box = self._map_view(
            "evidence_picture")
        self.second_picture, self.second_drawing_item, self.second_evidence_item, \
            self.second_box = self._map_view("second_evidence_picture")
        self.titles = []
        for picture, name in ((self.picture, "evidence_title"),
                              (self.second_picture, "second_evidence_title")):
            column = QtWidgets.QVBoxLayout()
            title = QtWidgets.QLabel()
            title.setObjectName(name)
            title.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
            title.hide()
            self.titles.append(title)
            column.addWidget(title)
            column.addWidget(picture, 1)
            pictures.addLayout(column, 1)
        self.second_picture.hide()
        self.second_framed = None
        layout.addLayout(pictures, 1)

        self.caption = Caption(height=3 * self.fontMetrics().lineSpacing() + 6)
        self.caption.setObjectName("evidence_caption")
        layout.addWidget(self.caption)
        self.second_caption = Caption(height=2 * self.fontMetrics().lineSpacing() + 6)
        self.second_caption.setObjectName("second_evidence_caption")
        self.second_caption.hide()
        layout.addWidget(self.second_caption)

    def _map_view(self, name: str):
        """A picture of the drawing with an evidence map over it."""
        picture = pg.GraphicsLayoutWidget()
        picture.setObjectName(name)
        picture.setBackground(self.palette().window().color())
        picture.setMinimumSize(60, 60)
        box = picture_box()
        picture.ci.addItem(box)
        drawing_item = ColouredImage(ink_lut())
        # The 28 x 28 map itself, stretched smoothly over the part of the drawing the
        # network reads: what Evidence.on_source computes, drawn by Qt.
        evidence_item = ColouredImage(self.lut, smooth=True)
        box.addItem(drawing_item)
        box.addItem(evidence_item)
        return picture, drawing_item, evidence_item, box

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
        self._show_live_title()
        self._explained = None  # another model or other weights explain differently
        found = self.explainer.anatomy()  # the classifier now captures the maps the split needs
        self._fill_layers(classifier, found.grad_cam_layer)
        exact = self.explainer.exact_available
        self.method_choice.model().item(self.method_choice.findData(EXACT)).setEnabled(exact)
        if not exact and self.method() == EXACT:
            self.method_choice.setCurrentIndex(0)

    def set_second(self, second) -> None:
        """Show the second network's map beside the live one's (None: the live one only).
        Its explainer is made when the dock first shows it."""
        self.second = second
        self.second_explainer = None
        self.second_evidence = None
        comparing = second is not None
        for widget in (self.second_picture, self.second_caption, *self.titles):
            widget.setVisible(comparing)
        if comparing:
            self.titles[1].setText(self.tr("<b style='color:{colour}'>{name}</b>").format(
                colour=SECOND, name=html.escape(second.name)))
        self._show_live_title()

    def _show_live_title(self) -> None:
        if self.second is not None and self.classifier is not None:
            self.titles[0].setText(self.tr("<b>{arch}</b> (live)").format(
                arch=display_name(self.classifier.model)))

    def _fill_layers(self, classifier: Classifier, automatic: str | None) -> None:
        """Grad-CAM's choices: automatic, then every convolution of this model."""
        convolutions = [name for name, module in classifier.model.named_modules()
                        if isinstance(module, nn.Conv2d)]
        kept = self.layer_choice.currentData()
        self.layer_choice.blockSignals(True)
        self.layer_choice.clear()
        self.layer_choice.addItem(self.tr("Automatic ({layer})").format(layer=automatic or "—"), None)
        for name in convolutions:
            self.layer_choice.addItem(name, name)
        self.layer_choice.setCurrentIndex(max(0, self.layer_choice.findData(kept)))
        self.layer_choice.blockSignals(False)
        self.layer_choice.setEnabled(bool(convolutions))
        # Never narrower than its longest choice (the dock scrolls instead): no name is cut.
        self.layer_choice.setMinimumWidth(self._layer_choice_width())

    def _layer_choice_width(self) -> int:
        """The least width whose text field holds every choice whole (with some fonts,
        such as a CJK one, the combo box's own size hint falls a few pixels short)."""
        box = self.layer_choice
        need = max((box.fontMetrics().horizontalAdvance(box.itemText(index))
                    for index in range(box.count())), default=0)
        option = QtWidgets.QStyleOptionComboBox()
        option.initFrom(box)
        width = box.sizeHint().width()
        option.rect = QtCore.QRect(0, 0, width, box.sizeHint().height())
        field = box.style().subControlRect(QtWidgets.QStyle.ComplexControl.CC_ComboBox, option,
                                           QtWidgets.QStyle.SubControl.SC_ComboBoxEditField, box)
        return width + max(0, need - field.width())

    def layer(self) -> str | None:
        """The layer picked for Grad-CAM (None: automatic)."""
        return self.layer_choice.currentData()

    def wanted_gradients(self) -> tuple[GradientRequest, ...]:
        """Grad-CAM's or saliency's gradient, for the class and method chosen."""
        if self.explainer is None:
            return ()
        return self.explainer.gradient_requests(self.target(), self.method(), self.layer())

    def weights_edited(self, edited: frozenset[str]) -> None:
        self._explained = None

    def show_prediction(self, prediction: Prediction | None) -> None:
        self.prediction = prediction
        if prediction is None or not prediction.has_digit or self.explainer is None:
            self.evidence = None
            self.second_evidence = None
            self._show_nothing(prediction)
            return
        self.evidence = self.explain(prediction)
        if self.on_screen():
            self.drawing_item.show_values(prediction.steps.image, levels=(0.0, 1.0))
            show_map(self.evidence_item, self.evidence)
            self._frame(self.evidence.input_rect)
            self.caption.setText(self.describe(self.evidence))
            self._show_second(prediction)
        if self.on_pad.isChecked():
            values = self.evidence.on_source()
            self.overlay_changed.emit(coloured(values, peak_of(values), self.lut))

    # ------------------------------------------------------------------ the second network

    def explain_second(self, prediction: Prediction) -> Evidence | None:
        """The second network's evidence for the class and method chosen (its best
        method when it has no exact split), from its reading of ``prediction``'s input."""
        second = self.second
        reading = None if second is None or self.session is None else self.session.second_reading(prediction)
        if reading is None or not reading.has_digit:
            return None
        if self.second_explainer is None or self.second_explainer.classifier is not second.classifier:
            self.second_explainer = Explainer(second.classifier)
        method = self.method()
        if method == EXACT and not self.second_explainer.exact_available:
            method = None
        return self.second_explainer.explain(reading, self.target(), method)

    def method_name(self, method: str) -> str:
        return {EXACT: self.tr("exact"), GRAD_CAM: self.tr("Grad-CAM"),
                SALIENCY: self.tr("saliency")}[method]

    def _show_second(self, prediction: Prediction) -> None:
        """Only on screen: the second network's map costs nothing while the dock is hidden."""
        if self.second is None:
            return
        self.second_evidence = evidence = self.explain_second(prediction)
        self.second_drawing_item.show_values(prediction.steps.image, levels=(0.0, 1.0))
        if evidence is None:
            show_blank(self.second_evidence_item, prediction.steps.image.shape)
            self.second_caption.setText(self.tr("{name} finds no digit here").format(
                name=html.escape(self.second.name)))
            return
        show_map(self.second_evidence_item, evidence)
        rect = QtCore.QRectF(*evidence.input_rect)
        if rect != self.second_framed:
            self.second_framed = rect
            self.second_box.setRange(rect, padding=0.0)
        self.second_caption.setText(self.tr(
            "<span style='color:{colour}'>{name}</span>: <b>{method}</b>, logit({digit}) = "
            "<b>{logit:.2f}</b> · each map on its own scale").format(
            colour=SECOND, name=html.escape(self.second.name), method=self.method_name(evidence.method),
            digit=evidence.target, logit=evidence.logit))

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
        target, method, layer = self.target(), self.method(), self.layer()
        explained = self._explained
        if (explained is not None and explained[0] is prediction
                and explained[1:4] == (target, method, layer)):
            return explained[4]
        evidence = self.explainer.explain(prediction, target, method, layer)
        self._explained = (prediction, target, method, layer, evidence)
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
            for drawing, evidence in ((self.drawing_item, self.evidence_item),
                                      (self.second_drawing_item, self.second_evidence_item)):
                drawing.show_values(prediction.steps.image, levels=(0.0, 1.0))
                show_blank(evidence, prediction.steps.image.shape)
            height, width = prediction.steps.image.shape
            self._frame((0, 0, width, height))
        self.caption.setText(self.tr("Draw a digit: red marks the strokes that raise a "
                                     "digit's score, blue those that lower it."))
        self.second_caption.setText("")
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
