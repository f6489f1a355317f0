"""The reading: the predicted digit, large, with its confidence, over a bar chart of all
ten probabilities. While a second network reads beside the live one, its reading is
under the live one's, its bars beside or over the live bars, and a disagreement is
flagged in a banner."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractScrollArea, QComboBox, QHBoxLayout, QLabel, QWidget

from ...models import NUM_CLASSES
from ..style import WARNING_BANNER
from ..translation import core_message
from ..widgets import Caption, probability_chart
from . import Panel

if TYPE_CHECKING:
    from ..session import AppSession

SURE = "#2b6cb0"
UNSURE = "#c05621"
IDLE = "#b8c2d1"
MUTED = "#8a94a6"
SECOND = "#6b46c1"  # the second network's colour, in every view that shows it
SECOND_IDLE = "#d3c8ec"
CLASSES = np.arange(NUM_CLASSES)
BAR_WIDTH = 0.72
SIDE_BY_SIDE, OVERLAID = "side", "over"

NBSP = "\u00a0"


@dataclass(frozen=True)
class Size:
    """The reading's proportions: roomy, or compact for a short dock (a window 600 high)."""
    digit_box: tuple[int, int]  # the big digit's label, fixed: a new digit never relayouts
    digit_pixels: int
    caption_height: int
    caption_scale: float  # of the panel's font
    chart_height: int  # the least
    margins: tuple[int, int, int, int]


ROOMY = Size((104, 96), 72, 96, 1.25, 130, (12, 8, 12, 8))
COMPACT = Size((60, 52), 44, 52, 1.0, 80, (8, 2, 8, 2))


class ProbabilitiesPanel(Panel):
    def __init__(self, session: AppSession | None = None, parent: QWidget | None = None):
        super().__init__(self.tr("Prediction"), "probabilities", session, parent)
        layout = self.body_layout()

        header = QHBoxLayout()
        self.digit_label = QLabel()
        self.digit_label.setObjectName("prediction")
        self.digit_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        header.addWidget(self.digit_label)
        self.confidence_label = Caption(height=ROOMY.caption_height)
        self.confidence_label.setObjectName("confidence")
        header.addWidget(self.confidence_label, 1)
        layout.addLayout(header)

        self.plot = probability_chart("probability_chart", top=1.12)  # room for the value
        self.plot.setAntialiasing(False)  # upright bars: crisp without it, and cheaper
        self.bars = pg.BarGraphItem(x=CLASSES, height=np.zeros(NUM_CLASSES), width=BAR_WIDTH,
                                    brushes=[IDLE] * NUM_CLASSES, pen=None)
        self.plot.addItem(self.bars)
        # The second network's bars: made once, shown only while comparing.
        self.second_bars = pg.BarGraphItem(x=CLASSES, height=np.zeros(NUM_CLASSES),
                                           width=BAR_WIDTH, brushes=[SECOND_IDLE] * NUM_CLASSES,
                                           pen=None)
        self.second_bars.setZValue(1)
        self.second_bars.hide()
        self.plot.addItem(self.second_bars)
        self.top_value = pg.TextItem(anchor=(0.5, 1.0), color="#2d3748")
        self.plot.addItem(self.top_value)
        layout.addWidget(self.plot, 1)
        self._build_comparison(layout)
        self.size_used: Size | None = None
        self._use(ROOMY)

        self.second = None  # the SecondNetwork read beside the live one
        self._colour = None
        self._value_anchor = (0.5, 1.0)
        self.show_prediction(None)
        if session is not None:
            session.digit_check_done.connect(self._digit_checked)

    def _use(self, size: Size) -> None:
        if size == self.size_used:
            return
        self.size_used = size
        self.digit_label.setFixedSize(*size.digit_box)
        font = QFont(self.font())
        font.setPixelSize(size.digit_pixels)
        font.setBold(True)
        self.digit_label.setFont(font)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * size.caption_scale)
        self.confidence_label.setFont(font)
        self.confidence_label.set_base_height(size.caption_height)
        self.plot.setMinimumHeight(size.chart_height)
        self.widget_body().layout().setContentsMargins(*size.margins)

    def widget_body(self) -> QWidget:
        """The panel's contents, inside the dock's scroller or not."""
        widget = self.widget()
        return widget.widget() if isinstance(widget, QAbstractScrollArea) else widget

    def room(self) -> int:
        """The height the dock gives its contents without scrolling."""
        widget = self.widget()
        return widget.maximumViewportSize().height() if isinstance(widget, QAbstractScrollArea) \
            else widget.height()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_height()

    def roomy_height(self) -> int:
        """The least height of the contents in the roomy layout, whichever is in use."""
        body, used = self.widget_body(), self.size_used
        header = max(self.digit_label.height(), self.confidence_label.height())
        rest = body.minimumSizeHint().height() - header - used.chart_height \
            - used.margins[1] - used.margins[3]
        return rest + max(ROOMY.digit_box[1], ROOMY.caption_height) + ROOMY.chart_height \
            + ROOMY.margins[1] + ROOMY.margins[3]

    # The dock layout gives a dock the height it wishes for when another has it to spare.
    wished_contents_height = roomy_height

    def fit_height(self) -> None:
        """Roomy when the dock is tall enough for it, else compact: the reading and the
        whole chart in view either way, without scrolling, down to a window 600 high."""
        self._use(ROOMY if self.room() >= self.roomy_height() else COMPACT)

    def _build_comparison(self, layout) -> None:
        """Under the chart, hidden until a second network reads: its reading, the legend
        and the chart's layout; over the chart, the disagreement banner."""
        self.disagreement = QLabel()
        self.disagreement.setObjectName("disagreement")
        self.disagreement.setWordWrap(True)
        self.disagreement.setTextFormat(Qt.TextFormat.RichText)
        self.disagreement.setStyleSheet(WARNING_BANNER)
        self.disagreement.hide()
        layout.insertWidget(1, self.disagreement)
        self.comparison_row = QWidget()
        row = QHBoxLayout(self.comparison_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.second_reading = Caption(height=self.fontMetrics().lineSpacing() + 8)
        self.second_reading.setObjectName("second_reading")
        row.addWidget(self.second_reading, 1)
        self.chart_layout = QComboBox()
        self.chart_layout.setObjectName("comparison_chart_layout")
        self.chart_layout.addItem(self.tr("Side by side"), SIDE_BY_SIDE)
        self.chart_layout.addItem(self.tr("Overlaid"), OVERLAID)
        self.chart_layout.setToolTip(self.tr("The second network's bars beside the live "
                                             "network's, or over them as outlines"))
        self.chart_layout.currentIndexChanged.connect(self._layout_changed)
        row.addWidget(self.chart_layout)
        self.comparison_row.hide()
        layout.addWidget(self.comparison_row)

    def set_second(self, second) -> None:
        self.second = second
        comparing = second is not None
        self.second_bars.setVisible(comparing)
        self.comparison_row.setVisible(comparing)
        if not comparing:
            self.disagreement.hide()
        self._arrange_bars()

    def _layout_changed(self, *_) -> None:
        self._arrange_bars()
        if self.prediction is not None:
            self.show_prediction(self.prediction)

    def _arrange_bars(self) -> None:
        """One network: wide bars. Two side by side: two narrow bars per digit, the live
        network's on the left. Overlaid: the second's as outlines over the live bars."""
        overlaid = self.chart_layout.currentData() == OVERLAID
        if self.second is None or overlaid:
            self.bars.setOpts(x=CLASSES, width=BAR_WIDTH)
        else:
            self.bars.setOpts(x=CLASSES - BAR_WIDTH / 4, width=BAR_WIDTH / 2)
        if overlaid:
            self.second_bars.setOpts(x=CLASSES, width=BAR_WIDTH * 0.8, brushes=None, brush=None,
                                     pen=pg.mkPen(SECOND, width=2))
        else:
            self.second_bars.setOpts(x=CLASSES + BAR_WIDTH / 4, width=BAR_WIDTH / 2, pen=None)

    def overlaid(self) -> bool:
        return self.chart_layout.currentData() == OVERLAID

    def set_classifier(self, classifier) -> None:
        pass  # ten classes whatever the model: nothing to rebuild

    def show_prediction(self, prediction) -> None:
        self.prediction = prediction
        self._show_second(prediction)
        if prediction is None or not prediction.has_digit:
            self._show_no_digit(prediction)
            return
        digit, probabilities = prediction.digit, prediction.probabilities
        colour = UNSURE if prediction.unsure else SURE
        brushes = [IDLE] * NUM_CLASSES
        brushes[digit] = colour
        self.bars.setOpts(height=probabilities, brushes=brushes)
        if self.second is None:
            self.top_value.setText(f"{100 * prediction.confidence:.0f}{NBSP}%")
            self._place_top_value(digit, float(probabilities[digit]))
        else:  # two bars per digit: the readings under the chart say the numbers
            self.top_value.setText("")
        self._set_digit(str(digit), colour)
        if prediction.unsure:
            runner_up = int(np.argsort(probabilities)[-2])
            text = self.tr(
                "<b style='color:{colour}'>Unsure</b><br>{digit} at {confidence:.0f} %, "
                "{runner_up} at {runner_up_confidence:.0f} %").format(
                colour=UNSURE, digit=digit, confidence=100 * prediction.confidence,
                runner_up=runner_up, runner_up_confidence=100 * probabilities[runner_up])
        else:
            text = self.tr("<b>{confidence:.0f} %</b> sure").format(
                confidence=100 * prediction.confidence)
        # A percentage never breaks from its number ("置信度 100" over a lone "%").
        self.confidence_label.setText(text.replace(" %", NBSP + "%"))

    def second_prediction(self, prediction):
        """The second network's reading of ``prediction``'s input, if one is shown."""
        if self.second is None or self.session is None:
            return None
        return self.session.second_reading(prediction)

    def _show_second(self, prediction) -> None:
        """The second network's bars, its reading in words, and the banner when the two
        read different digits."""
        if self.second is None:
            return
        second = self.second_prediction(prediction)
        name = html.escape(self.second.name)  # a file's name, in rich text
        if second is None or not second.has_digit:
            self.second_bars.setOpts(height=np.zeros(NUM_CLASSES))
            self.second_reading.setText(self.tr(
                "<span style='color:{live}'>■</span> live · "
                "<span style='color:{colour}'>■</span> <b>{name}</b> reads the drawing too").format(
                live=SURE, colour=SECOND, name=name))
            self.disagreement.hide()
            return
        if self.overlaid():
            self.second_bars.setOpts(height=second.probabilities)
        else:
            brushes = [SECOND_IDLE] * NUM_CLASSES
            brushes[second.digit] = SECOND
            self.second_bars.setOpts(height=second.probabilities, brushes=brushes)
        self.second_reading.setText(self.tr(
            "<span style='color:{live}'>■</span> live · "
            "<span style='color:{colour}'>■</span> <b>{name}</b> reads "
            "<b style='color:{colour}'>{digit}</b> ({confidence:.0f} %)").format(
            live=SURE, colour=SECOND, name=name, digit=second.digit,
            confidence=100 * second.confidence))
        first = prediction.digit if prediction is not None else None
        if first is not None and first != second.digit:
            self.disagreement.setText(self.tr(
                "⚠  The networks disagree: the live network reads {first}, {name} reads "
                "{second}").format(first=first, name=name, second=second.digit))
            self.disagreement.show()
        else:
            self.disagreement.hide()

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
