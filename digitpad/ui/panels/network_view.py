"""The network view: the whole network, layer by layer, big enough to read, zoomable.

From the top: the 28x28 input; for each convolution its kernels and its output maps
(and the ReLU and pooling after it, when they are modules); the outputs of the hidden
linear layers; the logits and the probabilities. Channel k of a convolution's kernels,
output, ReLU and pooling sit in the same place of each grid. Everything comes from the
one forward pass the window runs per drawing (the captured maps in the ``Prediction``);
this dock only asks the classifier to ``watch`` the hidden linear layers too.

Hovering reads a value (layer, channel, row, column) and shows it on the colour bar of
its layer. Clicking a kernel element edits it (a what-if edit, as in the parameters
dock); right-clicking a convolution's map or kernel zeroes the channel. Ctrl+wheel (or
the buttons, or a pinch) zooms; the wheel scrolls. Hidden, the dock does nothing at all:
it catches up, model and drawing, when it is shown again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
import torch
import torch.nn as nn
from PySide6 import QtCore, QtGui, QtWidgets

from ...calibration import calibrated
from ...classifier import Classifier, Prediction
from ...edits import set_element, zero_channel
from ...params import format_shape
from ...preprocess import MNIST_MEAN, MNIST_STD
from ..mosaic import (
    GAP_COLOR,
    Mosaic,
    MosaicImage,
    Spot,
    diverging_lut,
    grey_lut,
    lut_for,
    outline,
    sequential_lut,
    symmetric_levels,
)
from ..widgets import next_turn
from . import Panel, pop_up, zero_channel_action
from .network_layout import Arrangement, Block, arrange

if TYPE_CHECKING:
    from ..session import AppSession

INPUT, KERNELS, MAPS, VECTOR, LOGITS, PROBABILITIES = (
    "input", "kernels", "maps", "vector", "logits", "probabilities")
INPUT_LEVELS = (-MNIST_MEAN / MNIST_STD, (1.0 - MNIST_MEAN) / MNIST_STD)
# Smallest and largest on-screen sizes (px): a map tile, a kernel element, a vector cell.
MIN_MAP_TILE = 46.0
MAX_MAP_TILE = 170.0
MIN_KERNEL_ELEMENT = 12.5
MAX_KERNEL_ELEMENT = 30.0
MIN_INPUT_PIXEL, MAX_INPUT_PIXEL = 3.0, 6.0
MIN_CELL, MAX_CELL = 20.0, 44.0
VECTOR_COLUMNS = 16  # a longer vector wraps into rows of this many cells
SPACING = 10.0  # px between blocks
MARGIN = 3.0  # px around the whole
ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.2, 16.0
CELL_RANGE = 100.0
# Kernel tiles stand far apart (a gap is one element wide): a light gap, not a dark grid.
KERNEL_GAP_COLOR = "#c4c4c4"


@dataclass
class Reading:
    """The value under the pointer and where it is."""

    block: str  # the block's key
    layer: str  # module or parameter name ("input", "logits", "probabilities" for those)
    channel: int | None
    row: int
    column: int
    value: float


@dataclass
class _Block:
    """One row of the view: a layer's output, a convolution's kernels, the input..."""

    key: str
    kind: str
    layer: str  # module name (the parameter's module for kernels)
    title: str
    count: int
    tile: tuple[int, int]
    levels: tuple[float, float]
    lut: np.ndarray
    need: Block
    image: MosaicImage | None = None
    title_item: QtWidgets.QGraphicsSimpleTextItem | None = None
    labels: list[QtWidgets.QGraphicsSimpleTextItem] = field(default_factory=list)
    values: np.ndarray | None = None  # the tiles last shown, (count, h, w)
    size: int = 0  # values of a vector
    input_channel: int = 0  # kernels: the input channel shown, of a conv with several
    in_channels: int = 1


def probability_lut() -> np.ndarray:
    """White (0) to deep blue (1), the probability chart's colour."""
    return pg.colormap.get("CET-L12").getLookupTable(nPts=256)


def _vector_shape(size: int) -> tuple[int, int]:
    columns = min(size, VECTOR_COLUMNS)
    return math.ceil(size / columns), columns


class ColourBar(QtWidgets.QWidget):
    """The colour scale of one block: its colours from low to high, the values at the
    ends (and at zero), and a mark at the value under the pointer."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("colour_bar")
        self.name = ""
        self.levels = (0.0, 1.0)
        self.lut: np.ndarray = sequential_lut()
        self.marker: float | None = None
        self._strip = QtGui.QImage()
        metrics = self.fontMetrics()
        self.setMinimumHeight(2 * metrics.height() + 10)
        self.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding,
                           QtWidgets.QSizePolicy.Policy.Fixed)

    def set_scale(self, name: str, levels: tuple[float, float], lut: np.ndarray) -> None:
        if (name, levels) == (self.name, self.levels) and lut is self.lut:
            return
        self.name, self.levels, self.lut = name, (float(levels[0]), float(levels[1])), lut
        strip = np.ascontiguousarray(lut[:, :3].astype(np.uint8)[None])
        self._strip = QtGui.QImage(strip.data, strip.shape[1], 1, 3 * strip.shape[1],
                                   QtGui.QImage.Format.Format_RGB888).copy()
        self.setToolTip(self.tr("Colours of {name}: {low:.4g} … {high:.4g}").format(
            name=name, low=self.levels[0], high=self.levels[1]))
        self.update()

    def set_marker(self, value: float | None) -> None:
        if value != self.marker:
            self.marker = value
            self.update()

    def position_of(self, value: float, bar: QtCore.QRectF) -> float:
        low, high = self.levels
        fraction = 0.0 if high == low else (value - low) / (high - low)
        return bar.left() + min(max(fraction, 0.0), 1.0) * bar.width()

    def bar_rect(self) -> QtCore.QRectF:
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance(self.name) + 12
        return QtCore.QRectF(left, 4, max(10, self.width() - left - 8), metrics.height() - 2)

    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        metrics = self.fontMetrics()
        text = self.palette().windowText().color()
        painter.setPen(text)
        bold = QtGui.QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(QtCore.QPointF(4, 4 + metrics.ascent()), self.name)
        painter.setFont(self.font())
        bar = self.bar_rect()
        painter.drawImage(bar, self._strip)
        painter.drawRect(bar)
        low, high = self.levels
        ticks = [low, high] + ([0.0] if low < 0.0 < high else [])
        y = bar.bottom() + 2 + metrics.ascent()
        for value in ticks:
            x = self.position_of(value, bar)
            label = f"{value:.3g}"
            width = metrics.horizontalAdvance(label)
            left = min(max(x - width / 2, bar.left()), bar.right() - width)
            painter.drawLine(QtCore.QPointF(x, bar.bottom()), QtCore.QPointF(x, bar.bottom() + 2))
            painter.drawText(QtCore.QPointF(left, y), label)
        if self.marker is not None and math.isfinite(self.marker):
            x = self.position_of(self.marker, bar)
            painter.setPen(QtGui.QPen(QtGui.QColor("#ffd400"), 3))
            painter.drawLine(QtCore.QPointF(x, bar.top() - 2), QtCore.QPointF(x, bar.bottom() + 2))
            painter.setPen(QtGui.QPen(text, 1))
            painter.drawLine(QtCore.QPointF(x, bar.top() - 2), QtCore.QPointF(x, bar.bottom() + 2))
        painter.end()


class NetworkCanvas(QtWidgets.QGraphicsView):
    """A scrolling, zooming view of a pyqtgraph scene (whose items get hover and click
    events): the wheel scrolls, Ctrl+wheel and pinches zoom about the pointer."""

    resized = QtCore.Signal()
    zoom_changed = QtCore.Signal(float)
    # What pyqtgraph items listen to on a view of their own (as on pg.GraphicsView).
    sigDeviceRangeChanged = QtCore.Signal(object)
    sigDeviceTransformChanged = QtCore.Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setScene(pg.GraphicsScene(parent=self))
        self.setObjectName("network_canvas")
        self.zoom = 1.0
        self.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        # Left, not centred: the layout centres the blocks itself, and QGraphicsView (Qt 6.11)
        # centres a scene in the width the viewport would have without its vertical scroll
        # bar, which pushes the right-hand tiles of a scrolling view out of sight.
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignTop)
        self.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(QtCore.Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setTransformationAnchor(QtWidgets.QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QtWidgets.QGraphicsView.ViewportAnchor.NoAnchor)
        self.setViewportUpdateMode(QtWidgets.QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setMouseTracking(True)
        self.setBackgroundBrush(self.palette().window())
        self.viewport().grabGesture(QtCore.Qt.GestureType.PinchGesture)

    def viewRect(self) -> QtCore.QRectF:  # what pyqtgraph items ask their view for
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def set_zoom(self, zoom: float, anchor: QtCore.QPointF | None = None) -> None:
        """Zoom to ``zoom`` keeping the scene point under ``anchor`` (a viewport point;
        the viewport's centre by default) where it is."""
        zoom = min(max(zoom, MIN_ZOOM), MAX_ZOOM)
        if anchor is None:
            anchor = QtCore.QPointF(self.viewport().rect().center())
        before = self.mapToScene(anchor.toPoint())
        self.zoom = zoom
        self.setTransform(QtGui.QTransform.fromScale(zoom, zoom))
        after = self.mapToScene(anchor.toPoint())
        shift = (before - after) * zoom
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + round(shift.x()))
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + round(shift.y()))
        self.sigDeviceTransformChanged.emit(self)
        self.zoom_changed.emit(zoom)

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:
        if event.modifiers() & QtCore.Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.set_zoom(self.zoom * ZOOM_STEP ** steps, event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QtCore.QEvent) -> bool:
        if event.type() == QtCore.QEvent.Type.NativeGesture and (
                event.gestureType() == QtCore.Qt.NativeGestureType.ZoomNativeGesture):
            self.set_zoom(self.zoom * (1.0 + event.value()), event.position())
            return True
        if event.type() == QtCore.QEvent.Type.Gesture:
            pinch = event.gesture(QtCore.Qt.GestureType.PinchGesture)
            if pinch is not None:
                self.set_zoom(self.zoom * pinch.scaleFactor(),
                              QtCore.QPointF(self.viewport().mapFromGlobal(
                                  pinch.centerPoint().toPoint())))
                return True
        return super().viewportEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.sigDeviceRangeChanged.emit(self)
        self.resized.emit()


class NetworkViewPanel(Panel):
    """Every layer of the live network, big, live, zoomable (see the module docstring)."""

    parameters_edited = QtCore.Signal()  # a kernel element or a channel was changed
    full_window_requested = QtCore.Signal(bool)  # the network view alone beside the pad, or not

    def __init__(self, session: AppSession | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(self.tr("Network view"), "network_view", session, parent)
        self.classifier: Classifier | None = None
        self.built_for: nn.Module | None = None  # the model whose blocks are shown
        self.stale = False  # a model arrived while hidden: build when shown
        self._rebuild_timer = next_turn(self, self._rebuild_if_stale)
        self.blocks: list[_Block] = []
        self.arrangement: Arrangement | None = None
        self.prediction: Prediction | None = None
        self.reading: Reading | None = None
        self.pinned: _Block | None = None  # the colour bar's block when nothing is hovered
        self.cell: tuple[_Block, tuple[int, ...], Spot] | None = None  # kernel element edited
        self.cell_marker = outline()
        self.channel_marker = outline("#00c8ff")
        self.hover_marker = outline("#00e070")  # the value under the pointer
        self.frames_drawn = 0  # predictions drawn (hidden ones are not)
        self._hovered: tuple[_Block, Spot] | None = None
        self.channel_block: _Block | None = None  # whose clicked map picks kernels' input channel
        self._arranging = False
        self._build_widgets()
        self.visibilityChanged.connect(self._visibility_changed)

    # ------------------------------------------------------------------ widgets

    def _build_widgets(self) -> None:
        self.canvas = NetworkCanvas()
        self.canvas.resized.connect(self._arrange)
        self.canvas.zoom_changed.connect(self._show_zoom)

        self.zoom_out_action = self._action(self.tr("Zoom Out"), "−", QtGui.QKeySequence.StandardKey.ZoomOut,
                                            lambda: self.canvas.set_zoom(self.canvas.zoom / ZOOM_STEP))
        self.zoom_in_action = self._action(self.tr("Zoom In"), "+", QtGui.QKeySequence.StandardKey.ZoomIn,
                                           lambda: self.canvas.set_zoom(self.canvas.zoom * ZOOM_STEP))
        self.fit_action = self._action(self.tr("Fit Width"), self.tr("Fit"),
                                       QtGui.QKeySequence(QtCore.Qt.Modifier.CTRL | QtCore.Qt.Key.Key_0),
                                       self.fit)
        self.full_window_action = QtGui.QAction(self.tr("Network View, Full Window"), self)
        self.full_window_action.setIconText(self.tr("Full Window"))
        self.full_window_action.setCheckable(True)
        self.full_window_action.setShortcut(QtGui.QKeySequence.StandardKey.FullScreen)
        self.full_window_action.setStatusTip(self.tr(
            "The network view alone beside the pad (again: every dock as it was)"))
        self.full_window_action.toggled.connect(self.full_window_requested)
        self.zoom_label = QtWidgets.QLabel("100 %")
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("1600 %") + 6)
        self.zoom_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)

        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for action in (self.zoom_out_action,):
            bar.addWidget(self._button(action))
        bar.addWidget(self.zoom_label)
        bar.addWidget(self._button(self.zoom_in_action))
        bar.addWidget(self._button(self.fit_action))
        self.jump_choice = QtWidgets.QComboBox()
        self.jump_choice.setObjectName("network_jump")
        self.jump_choice.setToolTip(self.tr("Scroll to a layer"))
        self.jump_choice.setSizeAdjustPolicy(
            QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.jump_choice.setMinimumContentsLength(8)
        self.jump_choice.activated.connect(
            lambda index: self.scroll_to(self.jump_choice.itemData(index)))
        bar.addWidget(self.jump_choice, 1)
        bar.addStretch(0)
        bar.addWidget(self._button(self.full_window_action))

        self.colour_bar = ColourBar()
        self.readout = QtWidgets.QLabel()
        self.readout.setObjectName("network_readout")
        self.readout.setWordWrap(True)  # a long hint wraps in a narrow dock, never cut
        self.readout.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored,
                                   QtWidgets.QSizePolicy.Policy.Preferred)
        self.readout.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)

        self.cell_name = QtWidgets.QLabel()
        self.cell_spin = QtWidgets.QDoubleSpinBox()
        self.cell_spin.setObjectName("network_cell_value")
        self.cell_spin.setDecimals(4)
        self.cell_spin.setRange(-CELL_RANGE, CELL_RANGE)
        self.cell_spin.setSingleStep(0.05)
        self.cell_spin.setKeyboardTracking(False)
        self.cell_spin.setToolTip(self.tr("The kernel element's value: the drawing is read "
                                          "again with it at once"))
        self.cell_spin.valueChanged.connect(self._set_cell)
        self.zero_button = QtWidgets.QPushButton()
        self.zero_button.clicked.connect(self._zero_cell_channel)
        done = QtWidgets.QToolButton()
        done.setText(self.tr("Done"))
        done.clicked.connect(self.clear_cell)
        self.cell_editor = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.cell_editor)
        row.setContentsMargins(4, 0, 4, 0)
        row.addWidget(self.cell_name, 1)
        row.addWidget(self.cell_spin)
        row.addWidget(self.zero_button)
        row.addWidget(done)
        self.cell_editor.hide()

        body = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 2)
        column.setSpacing(2)
        column.addLayout(bar)
        column.addWidget(self.canvas, 1)
        column.addWidget(self.colour_bar)
        column.addWidget(self.cell_editor)
        column.addWidget(self.readout)
        self.setWidget(body)
        self._show_hint()

    def _action(self, name: str, short: str, keys, slot) -> QtGui.QAction:
        action = QtGui.QAction(short, self)
        action.setToolTip(f"{name} ({QtGui.QKeySequence(keys).toString(QtGui.QKeySequence.SequenceFormat.NativeText)})")
        action.setShortcut(keys)
        action.setShortcutContext(QtCore.Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    @staticmethod
    def _button(action: QtGui.QAction) -> QtWidgets.QToolButton:
        button = QtWidgets.QToolButton()
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        return button

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier: Classifier) -> None:
        """A new model, weights or device: rebuild now if on screen, else when shown."""
        self.classifier = classifier
        self.prediction = None
        if classifier.model is self.built_for:  # a device move: the same blocks
            self.stale = False
            self._show_kernels()
            return
        self.stale = True
        # The hidden linear layers' outputs from the next pass on, even while hidden (a
        # few hundred numbers), so the view has them as soon as it is shown.
        modules = classifier.model.named_modules()
        linears = [name for name, m in modules if isinstance(m, nn.Linear)]
        classifier.watch(linears[:-1])  # the last one's output is (a multiple of) the logits
        if self.isVisible() and self.on_screen():
            # In the next event-loop turn: a network switch then does not build this view
            # in the same turn as every other panel's update (together over 100 ms).
            self._rebuild_timer.start()

    def _rebuild_if_stale(self) -> None:
        if self.stale and self.classifier is not None and self.isVisible() and self.on_screen():
            self._rebuild()

    def show_prediction(self, prediction: Prediction | None) -> None:
        self.prediction = prediction
        if self.on_screen() and not self.stale:
            self._draw()

    def weights_edited(self, edited: frozenset[str]) -> None:
        if not self.stale:
            self._show_kernels()
            self._show_cell_value()

    def _visibility_changed(self, visible: bool) -> None:
        if visible and self.classifier is not None and self.on_screen():
            if self.stale:
                self._rebuild()
            else:
                self._draw()  # frames skipped while hidden

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._visibility_changed(True)

    # ------------------------------------------------------------------ structure

    def _rebuild(self) -> None:
        """Blocks for the live model: found through named_modules(), levels fixed from a
        calibration batch so a colour means the same value in every frame."""
        classifier = self.classifier
        model = classifier.model
        modules = dict(model.named_modules())
        calibration = calibrated(classifier)
        ranges, logit_levels = calibration.ranges, calibration.logit_levels
        self.clear_cell()
        self._clear_scene()
        self._hovered, self.reading, self.channel_block = None, None, None
        blocks = [self._block(INPUT, INPUT, "input", self.tr("input [28×28] · what the network "
                                                             "reads"), 1, (28, 28), INPUT_LEVELS,
                              grey_lut(), MIN_INPUT_PIXEL, MAX_INPUT_PIXEL)]
        for name, module in modules.items():
            if isinstance(module, nn.Conv2d):
                blocks.append(self._kernel_block(name, module))
            r = ranges.get(name)
            if r is None or not name:
                continue
            kind = type(module).__name__
            if len(r.shape) == 3:
                channels, height, width = r.shape
                side = max(height, width)
                blocks.append(self._block(
                    f"maps:{name}", MAPS, name, self.tr(
                        "{name} · {type} {shape} · colours {low:.3g} … {high:.3g}").format(
                        name=name, type=kind, shape=format_shape((1, *r.shape)), low=r.low,
                        high=r.high), channels, (height, width), (r.low, r.high),
                    lut_for((r.low, r.high)), MIN_MAP_TILE / side, MAX_MAP_TILE / side, "grid"))
            elif len(r.shape) == 1:
                size = int(r.shape[0])
                block = self._block(
                    f"vector:{name}", VECTOR, name, self.tr(
                        "{name} · {type} · {size} values · colours {low:.3g} … {high:.3g}").format(
                        name=name, type=kind, size=size, low=r.low, high=r.high), 1,
                    _vector_shape(size), (r.low, r.high), lut_for((r.low, r.high)),
                    MIN_CELL, MAX_CELL)
                block.size = size
                blocks.append(block)
        for key, title, levels, lut in (
                (LOGITS, self.tr("logits · the network's output, one per digit"), logit_levels,
                 lut_for(logit_levels)),
                (PROBABILITIES, self.tr("probabilities · softmax of the logits"), (0.0, 1.0),
                 probability_lut())):
            block = self._block(key, key, key, title, 1, (1, 10), levels, lut, MIN_CELL, MAX_CELL,
                                below=self._title_height())
            block.size = 10
            blocks.append(block)
        self.blocks = blocks
        self.jump_choice.clear()
        for block in blocks:
            label = {INPUT: self.tr("input"), KERNELS: self.tr("{name} kernels").format(
                name=block.layer), LOGITS: self.tr("logits"),
                PROBABILITIES: self.tr("probabilities")}.get(block.kind, block.layer)
            self.jump_choice.addItem(label, block.key)
        self.built_for = model
        self.stale = False
        self.pinned = next((b for b in blocks if b.kind == MAPS), blocks[0])
        self._show_colour_bar(self.pinned)
        self.arrangement = None
        self._arrange()
        self._show_kernels()
        self._draw()

    def _block(self, key, kind, layer, title, count, tile, levels, lut, min_px, max_px,
               group=None, below=0.0) -> _Block:
        return _Block(key, kind, layer, title, count, tuple(int(n) for n in tile),
                      (float(levels[0]), float(levels[1])), lut,
                      Block(count, tuple(int(n) for n in tile), min_px, max_px, group, below))

    def _kernel_block(self, name: str, conv: nn.Conv2d) -> _Block:
        out_channels, in_channels, kh, kw = conv.weight.shape
        levels = symmetric_levels(conv.weight.detach().float().cpu().numpy())
        block = self._block(f"kernels:{name}", KERNELS, name, "", out_channels, (kh, kw), levels,
                            diverging_lut(), MIN_KERNEL_ELEMENT, MAX_KERNEL_ELEMENT, "grid")
        block.in_channels = in_channels
        block.title = self._kernel_title(block)
        return block

    def _kernel_title(self, block: _Block) -> str:
        shape = format_shape(self._weight(block).shape)
        if block.in_channels == 1:
            return self.tr("{name}.weight {shape} · kernels: click an element to edit it").format(
                name=block.layer, shape=shape)
        return self.tr("{name}.weight {shape} · kernels on input channel {channel} (click a map "
                       "above to pick another)").format(name=block.layer, shape=shape,
                                                        channel=block.input_channel)

    def _weight(self, block: _Block) -> torch.Tensor:
        return self.classifier.model.get_submodule(block.layer).weight

    def _clear_scene(self) -> None:
        for marker in (self.cell_marker, self.channel_marker, self.hover_marker):
            if marker.scene() is not None:
                marker.scene().removeItem(marker)
            marker.setParentItem(None)
        self.canvas.scene().clear()
        for block in self.blocks:
            block.image, block.title_item, block.labels = None, None, []

    # ------------------------------------------------------------------ layout

    def _layout_width(self, scrollbar: bool) -> float:
        width = self.canvas.width() - 2 * self.canvas.frameWidth() - 2 * MARGIN
        if scrollbar:
            width -= self.canvas.style().pixelMetric(QtWidgets.QStyle.PixelMetric.PM_ScrollBarExtent)
        return max(width, 40.0)

    def _title_height(self) -> float:
        return self.fontMetrics().height() + 3

    def _arrange(self) -> None:
        """Place every block for the view's size (positions only; images are made again
        only when a grid's column count changes)."""
        if not self.blocks or self._arranging:
            return
        self._arranging = True
        try:
            needs = [block.need for block in self.blocks]
            height = self.canvas.height() - 2 * self.canvas.frameWidth() - 2 * MARGIN
            arrangement = arrange(needs, self._layout_width(False), height, self._title_height(),
                                  SPACING)
            if arrangement.height > height:  # it scrolls: leave room for the scroll bar
                arrangement = arrange(needs, self._layout_width(True), height,
                                      self._title_height(), SPACING)
            self.arrangement = arrangement
            for block, place in zip(self.blocks, arrangement.placements):
                self._place(block, place)
            self.canvas.setSceneRect(QtCore.QRectF(-MARGIN, -MARGIN, arrangement.width + 2 * MARGIN,
                                                   arrangement.height + 2 * MARGIN))
        finally:
            self._arranging = False

    def _place(self, block: _Block, place) -> None:
        if block.image is None or block.image.mosaic.columns != place.columns:
            self._make_image(block, place.columns)
        height, width = block.image.mosaic.shape
        block.image.setRect(QtCore.QRectF(place.x, place.y, width * place.scale, height * place.scale))
        metrics = self.fontMetrics()
        text = metrics.elidedText(block.title, QtCore.Qt.TextElideMode.ElideRight,
                                  round(self.arrangement.width))
        block.title_item.setText(text)
        block.title_item.setToolTip(block.title if text != block.title else "")
        block.title_item.setPos(0, place.y - self._title_height())
        for digit, label in enumerate(block.labels):
            rect = label.boundingRect()
            centre_x = place.x + (digit + 0.5) * place.scale
            label.setPos(centre_x - rect.width() / 2, place.y + place.height + 1)

    def _make_image(self, block: _Block, columns: int) -> None:
        scene = self.canvas.scene()
        for marker in (self.cell_marker, self.channel_marker, self.hover_marker):
            if block.image is not None and marker.parentItem() is block.image:
                marker.setParentItem(None)
                scene.removeItem(marker)
        if block.image is not None:
            scene.removeItem(block.image)
        image = MosaicImage(Mosaic(block.count, block.tile, columns), block.levels, block.lut,
                            KERNEL_GAP_COLOR if block.kind == KERNELS else GAP_COLOR)
        image.hovered.connect(lambda spot, block=block: self._hover(block, spot))
        image.clicked.connect(lambda spot, block=block: self._clicked(block, spot))
        image.context_requested.connect(lambda spot, position, block=block: pop_up(
            self, self.tile_actions(block, spot), position))
        scene.addItem(image)
        block.image = image
        if block.title_item is None:
            block.title_item = QtWidgets.QGraphicsSimpleTextItem()
            block.title_item.setBrush(self.palette().windowText())
            scene.addItem(block.title_item)
            if block.kind in (LOGITS, PROBABILITIES):
                for digit in range(10):
                    label = QtWidgets.QGraphicsSimpleTextItem(str(digit))
                    label.setBrush(self.palette().windowText())
                    scene.addItem(label)
                    block.labels.append(label)
        if block.values is not None:
            image.show_tiles(block.values)
        self._mark_cell()
        self._mark_channel()

    def scroll_to(self, key: str) -> None:
        """Scroll until block ``key`` (its title) is at the top of the view."""
        block = self.block(key)
        top = self.canvas.mapFromScene(block.title_item.scenePos())
        bar = self.canvas.verticalScrollBar()
        bar.setValue(bar.value() + top.y() - round(MARGIN))
        self.jump_choice.setCurrentIndex(self.jump_choice.findData(key))

    def fit(self) -> None:
        """Back to the whole width of the view, from the top."""
        self.canvas.set_zoom(1.0)
        self.canvas.horizontalScrollBar().setValue(0)

    def _show_zoom(self, zoom: float) -> None:
        self.zoom_label.setText(f"{100 * zoom:.0f} %")

    # ------------------------------------------------------------------ per frame

    def _draw(self) -> None:
        """Every classification: new values into the existing images, nothing rebuilt."""
        if not self.blocks:
            return
        prediction = self.prediction
        has_digit = prediction is not None and prediction.has_digit
        maps = prediction.feature_maps if has_digit else {}
        for block in self.blocks:
            if block.kind == KERNELS:
                continue
            values = self._values_of(block, prediction, maps) if has_digit else None
            if values is None:
                block.values = None
                block.image.show_empty()
            else:
                block.values = values
                block.image.show_tiles(values)
        self.frames_drawn += has_digit
        self._refresh_reading()
        if self.reading is None:
            self._show_hint()

    def _values_of(self, block: _Block, prediction: Prediction, maps) -> np.ndarray | None:
        if block.kind == INPUT:
            return prediction.model_input[None]
        if block.kind == MAPS:
            return maps.get(block.layer)
        if block.kind == VECTOR:
            vector = maps.get(block.layer)
        elif block.kind == LOGITS:
            vector = prediction.logits
        else:
            vector = prediction.probabilities
        if vector is None:
            return None
        rows, columns = block.tile
        padded = np.full(rows * columns, np.nan, np.float32)
        padded[: vector.size] = vector.reshape(-1)
        return padded.reshape(1, rows, columns)

    def _show_kernels(self) -> None:
        """The kernels' values into their images (levels kept, so an edit shows as a
        changed colour against unchanged neighbours)."""
        for block in self.blocks:
            if block.kind == KERNELS and block.image is not None:
                weight = self._weight(block).detach().float().cpu().numpy()
                block.values = weight[:, block.input_channel]
                block.image.show_tiles(block.values)
        self._refresh_reading()

    # ------------------------------------------------------------------ reading values

    def _hover(self, block: _Block, spot: Spot | None) -> None:
        if spot is None:
            # Leaving this block (pyqtgraph tells the block left after the one entered).
            if self._hovered is not None and self._hovered[0] is block:
                self._hovered = None
                self.reading = None
                self.hover_marker.hide()
                self.colour_bar.set_marker(None)
                self._show_colour_bar(self.pinned)
                self._show_hint()
            return
        self._hovered = (block, spot)
        self._show_colour_bar(block)
        y, x = block.image.mosaic.tile_origin(spot.index)
        self.hover_marker.setRect(QtCore.QRectF(x + spot.x, y + spot.y, 1, 1))
        if self.hover_marker.parentItem() is not block.image:
            self.hover_marker.setParentItem(block.image)
        self.hover_marker.show()
        self._refresh_reading()

    def _refresh_reading(self) -> None:
        """The value under the pointer, read again (the drawing or the weights changed)."""
        if self._hovered is None:
            return
        block, spot = self._hovered
        if block.values is None or block not in self.blocks:
            self.reading = None
            self.colour_bar.set_marker(None)
            self._show_hint()
            return
        self.reading = self._reading(block, spot)
        self.colour_bar.set_marker(self.reading.value)
        self.readout.setText(self._describe(block, self.reading))

    def _reading(self, block: _Block, spot: Spot) -> Reading:
        value = float(block.values[spot.index, spot.y, spot.x])
        if block.kind in (VECTOR, LOGITS, PROBABILITIES):
            return Reading(block.key, block.layer, spot.y * block.tile[1] + spot.x, 0, 0, value)
        if block.kind == INPUT:
            return Reading(block.key, "input", None, spot.y, spot.x, value)
        return Reading(block.key, block.layer, spot.index, spot.y, spot.x, value)

    def _describe(self, block: _Block, r: Reading) -> str:
        if block.kind == INPUT:
            return self.tr("input · row {row}, col {col} · value {value:.4g} (ink {ink:.2f})").format(
                row=r.row, col=r.column, value=r.value, ink=r.value * MNIST_STD + MNIST_MEAN)
        if block.kind == KERNELS:
            return self.tr("{name}.weight[{out}, {inp}, {row}, {col}] · value {value:.4g} · click "
                           "to edit").format(name=r.layer, out=r.channel, inp=block.input_channel,
                                             row=r.row, col=r.column, value=r.value)
        if block.kind == MAPS:
            kind = type(self.classifier.model.get_submodule(r.layer)).__name__
            return self.tr("{name} · {type} · channel {channel} · row {row}, col {col} · value "
                           "{value:.4g}").format(name=r.layer, type=kind, channel=r.channel,
                                                 row=r.row, col=r.column, value=r.value)
        if block.kind == VECTOR:
            return self.tr("{name} · unit {unit} · value {value:.4g}").format(
                name=r.layer, unit=r.channel, value=r.value)
        if block.kind == LOGITS:
            return self.tr("logit of digit {digit} · {value:.4g}").format(digit=r.channel,
                                                                         value=r.value)
        return self.tr("probability of digit {digit} · {value:.1%}").format(digit=r.channel,
                                                                           value=r.value)

    def _show_colour_bar(self, block: _Block | None) -> None:
        if block is not None:
            name = {INPUT: self.tr("input"), KERNELS: f"{block.layer}.weight"}.get(
                block.kind, block.layer)
            self.colour_bar.set_scale(name, block.levels, block.lut)

    def _show_hint(self) -> None:
        if self.classifier is None:
            text = self.tr("No model.")
        elif self.prediction is None or not self.prediction.has_digit:
            text = self.tr("Draw a digit: every layer follows each stroke.")
        else:
            text = self.tr("Hover: a value · click a kernel element: edit it · Ctrl+wheel: zoom")
        if self.readout.text() != text:
            self.readout.setText(text)

    # ------------------------------------------------------------------ clicks and edits

    def _clicked(self, block: _Block, spot: Spot) -> None:
        if block.kind == KERNELS:
            self.select_cell(block, spot)
            return
        self.pinned = block
        self._show_colour_bar(block)
        if block.kind == MAPS:
            self._pick_input_channel(block, spot.index)

    def _pick_input_channel(self, clicked: _Block, channel: int) -> None:
        """Kernels of the next convolution with one input per channel of ``clicked``
        show the ones acting on ``channel``."""
        start = self.blocks.index(clicked)
        target = next((b for b in self.blocks[start + 1:] if b.kind == KERNELS), None)
        if target is None or target.in_channels != clicked.count or target.in_channels == 1:
            return
        target.input_channel = channel
        target.title = self._kernel_title(target)
        self.channel_block = clicked
        if self.cell is not None and self.cell[0] is target:
            self.clear_cell()
        self._arrange()
        self._show_kernels()
        self._mark_channel()

    def _mark_channel(self) -> None:
        block = self.channel_block
        if block is None or block.image is None or block not in self.blocks:
            return
        target = next((b for b in self.blocks[self.blocks.index(block) + 1:] if b.kind == KERNELS), None)
        y, x = block.image.mosaic.tile_origin(target.input_channel)
        self.channel_marker.setRect(QtCore.QRectF(x, y, block.tile[1], block.tile[0]))
        if self.channel_marker.parentItem() is not block.image:
            self.channel_marker.setParentItem(block.image)

    def select_cell(self, block: _Block, spot: Spot) -> None:
        """Edit the kernel element at ``spot``: its value in the spin box below."""
        index = (spot.index, block.input_channel, spot.y, spot.x)
        self.cell = (block, index, spot)
        self._mark_cell()
        self.cell_name.setText(f"{block.layer}.weight[{', '.join(map(str, index))}]")
        self.zero_button.setText(self.tr("Zero channel {channel}").format(channel=spot.index))
        self.zero_button.setToolTip(self.tr("Set output channel {channel} of {layer} to zero: its "
                                            "weights and bias").format(channel=spot.index,
                                                                      layer=block.layer))
        self._show_cell_value()
        self.cell_editor.show()

    def clear_cell(self) -> None:
        self.cell = None
        self.cell_editor.hide()
        if self.cell_marker.scene() is not None:
            self.cell_marker.hide()

    def _mark_cell(self) -> None:
        if self.cell is None:
            return
        block, _, spot = self.cell
        if block.image is None:
            return
        y, x = block.image.mosaic.tile_origin(spot.index)
        self.cell_marker.setRect(QtCore.QRectF(x + spot.x, y + spot.y, 1, 1))
        if self.cell_marker.parentItem() is not block.image:
            self.cell_marker.setParentItem(block.image)
        self.cell_marker.show()

    def _show_cell_value(self) -> None:
        if self.cell is None:
            return
        block, index, _ = self.cell
        self.cell_spin.blockSignals(True)
        self.cell_spin.setValue(float(self._weight(block).detach()[index]))
        self.cell_spin.blockSignals(False)

    def _set_cell(self, value: float) -> None:
        block, index, _ = self.cell
        set_element(self.classifier.model, f"{block.layer}.weight", index, value)
        self._edited()

    def _zero_cell_channel(self) -> None:
        block, index, _ = self.cell
        self.zero_channel(block.layer, index[0])

    def tile_actions(self, block: _Block, spot: Spot) -> list[QtGui.QAction]:
        """What a tile's context menu offers: a convolution's output channel to zero."""
        if block.kind == KERNELS or (block.kind == MAPS and isinstance(
                self.classifier.model.get_submodule(block.layer), nn.Conv2d)):
            return [zero_channel_action(self, block.layer, spot.index, self.zero_channel)]
        return []

    def zero_channel(self, layer: str, channel: int) -> None:
        zero_channel(self.classifier.model, layer, channel)
        self._edited()

    def _edited(self) -> None:
        self.classifier.invalidate()
        self._show_kernels()
        self.parameters_edited.emit()

    # ------------------------------------------------------------------ for tests and tools

    def block(self, key: str) -> _Block:
        return next(block for block in self.blocks if block.key == key)

    def tile_rect(self, key: str, index: int = 0) -> QtCore.QRect:
        """Where tile ``index`` of block ``key`` is on the canvas's viewport, in pixels."""
        block = self.block(key)
        y, x = block.image.mosaic.tile_origin(index)
        scene = block.image.mapRectToScene(QtCore.QRectF(x, y, block.tile[1], block.tile[0]))
        return self.canvas.mapFromScene(scene).boundingRect()
