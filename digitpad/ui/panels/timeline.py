"""The stroke timeline: the ten probabilities after each stroke of the drawing, so the
user sees how the reading changed as the digit formed. Undo and redo move along it.

The timeline follows the canvas's undo stack, one entry per command: a new command (a
stroke, a clear) adds the reading of the drawing it made; undo and redo move the cursor.
An entry remembers the strokes on the pad after its command (the Stroke objects
themselves), which tells a redo, back to a known drawing, from a new command.
A cleared pad starts a new drawing, so the chart shows the strokes since the last clear
(undo the clear and the old drawing's strokes are back). Strokes undone but redoable are
shaded. After a change of weights every entry is read again with the new ones.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from ...classifier import Classifier, Prediction
from ...models import NUM_CLASSES
from ...preprocess import Preprocessed
from ...timeline import StrokeTimeline
from . import Panel

# A colour per digit (Tableau 10), the same in every drawing.
DIGIT_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                 "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#7f7f7f")
LABELLED_ABOVE = 0.08  # a digit's line gets its label when it reaches this probability
UNDONE = QtGui.QColor(120, 130, 150, 45)
NOT_READ_YET = Prediction(steps=Preprocessed(image=np.zeros((1, 1), np.float32),
                                             reason="not read yet"))


class TimelinePanel(Panel):
    """``timeline`` holds every entry of the undo stack (redoable ones too); the chart
    shows those of the current drawing."""

    needs_every_prediction = True  # a stroke's reading is recorded even while hidden
    draws_predictions = False  # the chart changes per stroke, not per pointer move

    def __init__(self, canvas, parent: QtWidgets.QWidget | None = None):
        super().__init__("", "timeline", parent)
        self.setWindowTitle(self.tr("Stroke timeline"))
        self.canvas = canvas
        self.classifier: Classifier | None = None
        self.timeline = StrokeTimeline()
        self.drawings: list[tuple] = []  # the canvas's strokes after each entry's command
        self._awaiting = False  # the newest entry waits for its reading
        self._build_widgets()
        canvas.undo_stack.indexChanged.connect(self._index_changed)
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
        self.summary.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                   QtWidgets.QSizePolicy.Policy.Preferred)
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
        if self._awaiting:
            self._awaiting = False
            self.timeline.undo()  # the placeholder made when the command was pushed
            self.timeline.commit(prediction)
            self.redraw()

    # ------------------------------------------------------------------ the undo stack

    def _index_changed(self, index: int) -> None:
        drawing = tuple(self.canvas.strokes)
        if index > 0 and not (index <= len(self.drawings)
                              and _same(self.drawings[index - 1], drawing)):
            # A new command at index - 1; any redoable ones are gone.
            while self.timeline.cursor > index - 1:
                self.timeline.undo()
            del self.drawings[index - 1 :]
            self.drawings.append(drawing)
            # Hold its place until the drawing it made is read, which happens at once.
            self.timeline.commit(NOT_READ_YET)
            self._awaiting = True
            self.canvas.flush()
        else:
            self._awaiting = False
            while self.timeline.cursor > index:
                self.timeline.undo()
            while self.timeline.cursor < index:
                self.timeline.redo()
        self.redraw()

    def _read_again(self) -> None:
        if self.classifier is not None and self.drawings:
            self.timeline.reclassify(self.classifier.logits_batch)
            self.redraw()

    # ------------------------------------------------------------------ the chart

    def drawing_span(self) -> tuple[int, int]:
        """Entries [start, end) of the drawing on the pad now: from the last clear before
        the cursor to the next one after it."""
        cursor = self.timeline.cursor
        start = max((i + 1 for i in range(cursor) if not self.drawings[i]), default=0)
        end = next((i for i in range(cursor, len(self.drawings)) if not self.drawings[i]),
                   len(self.drawings))
        return start, end

    def shown_probabilities(self) -> np.ndarray:
        """(strokes, 10) of the chart: the drawing's entries, redoable ones included."""
        start, end = self.drawing_span()
        entries = self.timeline.entries + self.timeline.redoable
        rows = np.full((end - start, NUM_CLASSES), np.nan, np.float32)
        for row, entry in zip(rows, entries[start:end]):
            if entry.probabilities is not None:
                row[:] = entry.probabilities
        return rows

    def current_stroke(self) -> int:
        """The stroke the pad shows now, counted in the chart (0: none yet)."""
        return self.timeline.cursor - self.drawing_span()[0]

    def redraw(self) -> None:
        if not self.on_screen():
            return
        rows = self.shown_probabilities()
        strokes = np.arange(1, len(rows) + 1)
        current = self.current_stroke()
        for digit, (line, label) in enumerate(zip(self.lines, self.labels)):
            values = rows[:, digit]
            line.setData(strokes, values, connect="finite")
            last = current - 1 if current else None
            show = last is not None and np.isfinite(values[last]) and values[last] >= LABELLED_ABOVE
            label.setVisible(bool(show))
            if show:
                label.setPos(current, float(values[last]))
        self.plot.setXRange(0.5, max(len(rows), 4) + 0.7, padding=0)
        self.plot.getAxis("bottom").setTicks([[(int(s), str(s)) for s in strokes]])
        self.cursor.setVisible(current > 0)
        self.cursor.setValue(current)
        self.undone.setVisible(current < len(rows))
        self.undone.setRegion((current + 0.5, len(rows) + 0.5))
        self._summarise(rows, current)

    def _summarise(self, rows: np.ndarray, current: int) -> None:
        readings = [str(int(np.nanargmax(row))) if np.isfinite(row).any() else "·"
                    for row in rows[:current]]
        if not readings:
            text = self.tr("Each stroke adds a point: the reading as the digit forms.")
        else:
            text = self.tr("read after each stroke: {readings}").format(
                readings=" → ".join(readings))
        self.summary.setText(text)


def _same(drawing: tuple, other: tuple) -> bool:
    """The same strokes, object for object (not merely equal points)."""
    return len(drawing) == len(other) and all(a is b for a, b in zip(drawing, other))
