"""Small widgets and pyqtgraph views the docks share: texts, captions, meters, charts
of the ten probabilities and square image views."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QAbstractTextDocumentLayout, QAction, QColor, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsLineItem,
    QLabel,
    QListView,
    QListWidget,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from ..models import NUM_CLASSES
from ..preprocess import INPUT_SIZE, normalise
from .style import AXIS, AXIS_TEXT, EXPLAINING

BLANK_INPUT = normalise(np.zeros((INPUT_SIZE, INPUT_SIZE), np.float32))  # an empty pad, normalised
# The model input is normalised; these levels show ink 0..1 as black..white.
INPUT_LEVELS = tuple(float(v) for v in normalise(np.array([0.0, 1.0])))


class Caption(QWidget):
    """Rich text that may change on every pointer move. Unlike a QLabel, a new text never
    asks the dock and the window for a new layout (which costs two more repaints)."""

    def __init__(self, height: int, parent=None):
        super().__init__(parent)
        self.base_height = height  # the lines it was made for
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # the dock needs no repaint
        self._html = ""
        self._document = QTextDocument(self)

    def text(self) -> str:
        return self._html

    def set_base_height(self, height: int) -> None:
        """Made for ``height`` px from now on (taller still if its text needs it)."""
        self.base_height = height
        self._fit(grow_only=False)

    def setText(self, html: str) -> None:
        if html != self._html:
            self._html = html
            self._document.setHtml(html)
            self._fit(grow_only=True)
            self.update()

    def _needed_height(self) -> int:
        self._document.setDefaultFont(self.font())
        self._document.setTextWidth(self.width())
        return math.ceil(self._document.size().height())

    def _fit(self, grow_only: bool) -> None:
        """Tall enough for the text at this width (a narrow dock, a language whose
        script is taller). Between changes of width it only grows, and seldom: a new text
        rarely asks for a new layout."""
        height = max(self.base_height, self._needed_height())
        if height > self.height() or (not grow_only and height != self.height()):
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit(grow_only=False)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().window())
        # Setting the font or the width lays the text out again: only when they changed.
        if self._document.defaultFont() != self.font():
            self._document.setDefaultFont(self.font())
        if self._document.textWidth() != self.width():
            self._document.setTextWidth(self.width())
        painter.translate(0, max(0.0, (self.height() - self._document.size().height()) / 2))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette = self.palette()
        self._document.documentLayout().draw(painter, context)
        painter.end()

class Meter(QWidget):
    """A bar filled to ``fraction`` (0..1) with a text on it. Cheaper than a
    QProgressBar, whose setValue repaints at once: this repaints with the rest of the
    window, and only when what it shows changed."""

    def __init__(self, object_name: str, tip: str, colour: str, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setToolTip(tip)
        self.setMinimumWidth(60)
        self.setFixedHeight(self.fontMetrics().height() + 8)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.colour = QColor(colour)
        self.fraction, self._text = 0.0, ""

    def text(self) -> str:
        return self._text

    def set(self, fraction: float, text: str) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        if (fraction, text) != (self.fraction, self._text):
            self.fraction, self._text = fraction, text
            self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        frame = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(self.palette().mid().color())
        painter.setBrush(self.palette().base())
        painter.drawRoundedRect(frame, 3, 3)
        filled = QRectF(frame.x(), frame.y(), frame.width() * self.fraction, frame.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(self.palette().text().color())
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._text)
        painter.end()

class WrappedLabel(QLabel):
    """A word-wrapped label that asks for the height of its lines at its width, also
    where the layout around it does not ask (a splitter's pane, a tab)."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(text, parent)
        self.setWordWrap(True)

    def _fit(self) -> None:
        height = self.heightForWidth(self.width())
        if height > 0 and height != self.minimumHeight():
            self.setMinimumHeight(height)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()


# A menu's access key written after the text, as Chinese (and Japanese) menus do:
# "清除(&C)". Qt's icon text drops only the "&", leaving "清除(C)" on a tool button.
ACCESS_KEY_SUFFIX = re.compile(r"\s*[(（]&[^()（）]+[)）]")


def menu_text_shown_plain(text: str) -> str:
    """``text`` as Qt derives an action's icon text from it: no "…", no "&" ("&&": "&")."""
    text = text.replace("...", "").replace("…", "")
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def tool_button_text(action: QAction) -> str:
    """What a tool button should say for ``action``: its icon text when set on purpose,
    else its menu text without the access key, in either form ("&Clear", "清除(&C)")."""
    if action.iconText() != menu_text_shown_plain(action.text()):
        return action.iconText()
    return menu_text_shown_plain(ACCESS_KEY_SUFFIX.sub("", action.text())).strip()


class ToolBar(QToolBar):
    """A tool bar whose buttons never show a menu's access key: every action on it gets
    the icon text ``tool_button_text`` gives (the menus keep "清除(&C)")."""

    def actionEvent(self, event) -> None:
        super().actionEvent(event)
        if event.type() in (QEvent.Type.ActionAdded, QEvent.Type.ActionChanged):
            action = event.action()
            text = tool_button_text(action)
            if text != action.iconText():  # changing it sends ActionChanged once more
                action.setIconText(text)

def action_button(action: QAction) -> QToolButton:
    """A tool button for ``action`` in a panel, its text without the menu's access key."""
    action.setIconText(tool_button_text(action))
    button = QToolButton()
    button.setDefaultAction(action)
    return button


def text_label(text: str = "", object_name: str | None = None, *,
               explaining: bool = False) -> QLabel:
    """Word-wrapped rich text: a panel's results, or (``explaining``) what it is for."""
    label = QLabel(text)
    if object_name:
        label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if explaining:
        label.setStyleSheet(f"color: {EXPLAINING};")
    return label


def thumbnail_grid(grid: QListWidget, object_name: str, side: int) -> QListWidget:
    """``grid`` set up as a wrapping grid of ``side``-px digit thumbnails."""
    grid.setObjectName(object_name)
    grid.setViewMode(QListView.ViewMode.IconMode)
    grid.setIconSize(QSize(side, side))
    grid.setMovement(QListView.Movement.Static)
    grid.setResizeMode(QListView.ResizeMode.Adjust)
    grid.setUniformItemSizes(True)
    grid.setSpacing(2)
    grid.setMinimumHeight(side + 16)
    return grid


def choice_box(choices: list[tuple[str, object]], tip: str, min_length: int,
               changed: Callable[[int], None]) -> QComboBox:
    """A combo box of (text, data) choices that may shrink to ``min_length`` characters."""
    box = QComboBox()
    for text, data in choices:
        box.addItem(text, data)
    box.setToolTip(tip)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(min_length)
    box.currentIndexChanged.connect(changed)
    return box


def probability_chart(object_name: str, top: float) -> pg.PlotWidget:
    """A fixed chart of the ten digits from 0 to ``top`` (1 is 100 %), for bars of
    probabilities: no mouse zoom or menu."""
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(object_name)
    plot.setMouseEnabled(False, False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    left_edge, right_edge = -0.6, NUM_CLASSES - 0.4
    plot.setXRange(left_edge, right_edge, padding=0)
    plot.setYRange(0, top, padding=0)
    bottom, left = plot.getAxis("bottom"), plot.getAxis("left")
    bottom.setTicks([[(digit, str(digit)) for digit in range(NUM_CLASSES)]])
    left.setTicks([[(0.5, "50 %"), (1, "100 %")]])  # 0 is the bottom axis
    left.setWidth(48)  # room for "100 %" from the first paint, not after an update
    for axis in (bottom, left):
        axis.setPen(AXIS)
        axis.setTextPen(AXIS_TEXT)
    # The grid as plain lines, not the left axis's grid (showGrid): that makes the axis as
    # big as the chart, so every reading's bars repainted it whole, labels and all (the
    # axes' paint per reading, DeepCNN, CPU time: 0.44 ms with that grid, 0.26 ms now).
    grid = QColor(AXIS)
    grid.setAlphaF(0.15)
    pen = QPen(grid, 1)
    pen.setCosmetic(True)  # one screen pixel, whatever the chart's scale
    for value in (0.5, 1.0):
        line = QGraphicsLineItem(left_edge, value, right_edge, value)
        line.setPen(pen)
        plot.addItem(line)
    return plot


def image_view(parent_layout: pg.GraphicsLayout, title: str | None = None) -> pg.ImageItem:
    """A square, fixed view of one image in a pyqtgraph layout (no mouse zoom or menu),
    pixels shown as crisp squares."""
    if title:
        parent_layout.addLabel(title, size="9pt", color=EXPLAINING)
        parent_layout.nextRow()
    view = parent_layout.addViewBox(lockAspect=True, invertY=True, enableMouse=False,
                                    enableMenu=False)
    item = pg.ImageItem()
    view.addItem(item)
    return item


def next_turn(parent: QObject, slot: Callable[[], object]) -> QTimer:
    """A timer whose start() runs ``slot`` in a later event-loop turn: work that need not
    share the turn of what asked for it (a network switch, an edit). Started again before
    it fires, it still runs ``slot`` once (a burst of edits)."""
    timer = QTimer(parent, singleShot=True, interval=0)
    timer.timeout.connect(slot)
    return timer
