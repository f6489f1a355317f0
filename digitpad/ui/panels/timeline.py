"""The stroke timeline: the ten probabilities after each stroke of the drawing, so the
user sees how the reading changed as the digit formed. Undo and redo move along it.

The window feeds it the canvas's undo stack (``follow``), one entry per command: a new
command (a stroke, a clear) adds the reading of the drawing it made, which the panel asks
for with ``reading_requested``; undo and redo move the cursor. The bookkeeping is the
Qt-free ``digitpad.timeline.StrokeTimeline``. The chart shows the strokes since the last
clear (its latest CHART_STROKES at most); strokes undone but redoable are shaded. After
a change of weights the entries are read again with the new ones, those on show at once.
The undo stack's oldest commands go past its limit (``drop_oldest``), and so do their
entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...classifier import Classifier, Prediction
from ...timeline import StrokeTimeline
from . import Panel

if TYPE_CHECKING:
    from ..session import AppSession

# A colour per digit (Tableau 10), the same in every drawing.
DIGIT_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#7f7f7f")
LABELLED_ABOVE = 0.08  # a digit's line gets its label when it reaches this probability
# The chart shows this many strokes at most, the latest (around the cursor after undos):
# a drawing of thousands of strokes draws no faster than a digit's.
CHART_STROKES = 40
UNDONE = QtGui.QColor(120, 130, 150, 45)


class TimelinePanel(Panel):
    """``timeline`` holds every entry of the undo stack (redoable ones too); the chart
    shows those of the current drawing."""

    needs_every_prediction = True  # a stroke's reading is recorded even while hidden
    draws_predictions = False  # the chart changes per stroke, not per pointer move

    reading_requested = QtCore.Signal()  # a new stroke's drawing is to be read now

    def __init__(self, session: AppSession | None = None, parent: QtWidgets.QWidget | None = None):
        super().__init__(self.tr("Stroke timeline"), "timeline", session, parent)
        self.classifier: Classifier | None = None
        self.timeline = StrokeTimeline()
        # The window says which drawing the pad shows: (its key, whether it is blank).
        self.pad_drawing: Callable[[], tuple[object, bool]] = lambda: (None, True)
        self._build_widgets()
        # Drawing is skipped while hidden (behind a tab too): catch up when shown.
        self.visibilityChanged.connect(lambda visible: visible and self.redraw())
        self.redraw()

    def _build_widgets(self) -> None:
        self.plot = pg.PlotWidget(background="w")
        self.plot.setObjectName("timeline_chart")
        self.plot.setMinimumHeight(110)
        self.plot.setMouseEnabled(False, False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.setYRange(0, 1.05, padding=0)
        left, bottom = self.plot.getAxis("left"), self.plot.getAxis("bottom")
        left.setTicks([[(0, "0"), (0.5, "50 %"), (1, "100 %")]])
        left.setWidth(44)
        self.plot.setLabel("bottom", self.tr("stroke"))
        bottom.setStyle(tickTextOffset=2)
        self.plot.showGrid(y=True, alpha=0.15)
        self.undone = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(UNDONE),
                                          pen=pg.mkPen(None))
        self.plot.addItem(self.undone)
        dashed = pg.mkPen("#2d3748", width=1, style=QtCore.Qt.PenStyle.DashLine)
        self.cursor = pg.InfiniteLine(angle=90, movable=False, pen=dashed)
        self.plot.addItem(self.cursor)
        self.lines, self.labels = [], []
        for digit, colour in enumerate(DIGIT_COLOURS):
            line = self.plot.plot([], [], pen=pg.mkPen(colour, width=2), symbol="o",
                                  symbolSize=5, symbolBrush=colour, symbolPen=None,
                                  name=str(digit))
            label = pg.TextItem(str(digit), color=colour, anchor=(-0.2, 0.5))
            label.setFont(QtGui.QFont(self.font().family(), 8, QtGui.QFont.Weight.Bold))
            self.plot.addItem(label)
            self.lines.append(line)
            self.labels.append(label)

        self.summary = QtWidgets.QLabel()
        self.summary.setObjectName("timeline_summary")
        self.summary.setWordWrap(True)  # a long summary takes lines rather than widen the dock
        body = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(body)
        column.setContentsMargins(6, 4, 6, 4)
        column.addWidget(self.plot, 1)
        column.addWidget(self.summary)
        self.setWidget(body)

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self._read_again()

    def weights_edited(self, edited: frozenset[str]) -> None:
        self._read_again()

    def show_prediction(self, prediction: Prediction) -> None:
        if self.timeline.read(prediction):
            self.redraw()

    # ------------------------------------------------------------------ the undo stack

    def follow(self, index: int) -> None:
        """The pad's undo stack moved to ``index`` (connect its ``indexChanged``). A new
        command's entry asks for its reading at once (``reading_requested``)."""
        if self.timeline.follow(index, *self.pad_drawing()):
            self.reading_requested.emit()
        self.redraw()

    def drop_oldest(self, count: int) -> None:
        """The undo stack is about to let its ``count`` oldest commands go."""
        self.timeline.drop_oldest(count)

    def _read_again(self) -> None:
        if self.classifier is not None:
            self.timeline.reclassify(self.classifier.logits_batch)
            if self.timeline.keys:
                self.redraw()

    # ------------------------------------------------------------------ the chart

    def current_stroke(self) -> int:
        """The stroke the pad shows now, counted in the chart (0: none yet)."""
        return self.timeline.current_stroke()

    def redraw(self) -> None:
        if not self.on_screen():
            return
        timeline = self.timeline
        start, end = timeline.drawing_span()
        # The latest CHART_STROKES strokes, or those up to a little past the cursor.
        end = min(end, max(timeline.cursor + CHART_STROKES // 4, start + CHART_STROKES))
        first = max(start, end - CHART_STROKES)
        rows = timeline.rows(first, end)
        number = timeline.first_stroke(start) + first - start  # the first row's stroke
        strokes = np.arange(number, number + len(rows))
        current = timeline.cursor - first  # rows on the pad now
        for digit, (line, label) in enumerate(zip(self.lines, self.labels)):
            values = rows[:, digit]
            line.setData(strokes, values, connect="finite")
            # Every line that rises anywhere gets its digit, at its highest point: a 4 that
            # led after the first stroke and then fell is as much part of the story.
            shown = np.where(np.isfinite(values[:current]), values[:current], -np.inf)
            peak = int(np.argmax(shown)) if current else None
            show = peak is not None and shown[peak] >= LABELLED_ABOVE
            label.setVisible(bool(show))
            if show:
                label.setPos(number + peak, float(shown[peak]))
        self.plot.setXRange(number - 0.5, number + max(len(rows), 4) - 0.3, padding=0)
        self.plot.getAxis("bottom").setTicks([[(int(s), str(s)) for s in strokes]])
        at = number - 1 + current  # the stroke the pad shows, as the chart counts
        self.cursor.setVisible(current > 0)
        self.cursor.setValue(at)
        self.undone.setVisible(current < len(rows))
        self.undone.setRegion((at + 0.5, number - 1 + len(rows) + 0.5))
        self._summarise(rows, current, earlier=first > start or number > 1)

    def _summarise(self, rows: np.ndarray, current: int, earlier: bool = False) -> None:
        """``earlier``: strokes before the rows, left out."""
        readings = [str(int(np.nanargmax(row))) if np.isfinite(row).any() else "·"
                    for row in rows[:current]]
        if not readings:
            text = self.tr("Each stroke adds a point: the reading as the digit forms.")
        else:
            text = self.tr("read after each stroke: {readings}").format(
                readings=" → ".join((["…"] if earlier else []) + readings))
        self.summary.setText(text)

