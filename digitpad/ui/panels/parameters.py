"""The parameters dock: every entry of ``named_parameters()`` in numbers and as a picture,
what-if edits of the live model (a scalar, one element clicked in a picture, a whole
output channel zeroed from a tile's context menu), edited parameters marked, and the
tree of modules the parameters live in.

Pictures are chosen by a tensor's shape, not its name, so any architecture gets them:
4-D conv weights as grids of kernels, 2-D weights as per-output templates shaped like the
layer's input (when a captured output has that many values) or as one image, 1-D tensors
as bars, scalars as an editable value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
import torch.nn as nn
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QT_TRANSLATE_NOOP

from ...classifier import Classifier, Prediction
from ...edits import set_element, zero_channel
from ...networks import onnx_constants
from ...params import ParameterSummary, format_shape, summarize_parameters, summarize_tensor
from ..mosaic import Mosaic, MosaicImage, Spot, diverging_lut, outline, picture_box, show_in
from ..widgets import WrappedLabel, next_turn
from . import Panel, pop_up, zero_channel_action
from .parameter_views import TileView, input_shape_of, tile_view, view_options

if TYPE_CHECKING:
    from ..session import AppSession

# The numbers first, the range (what an edit can stay within) before the spread, so that
# a dock of the default width shows it whole; dtype, device and requires_grad rarely
# differ between rows.
COLUMNS = ("name", "shape", "numel", "min", "max", "mean", "std", "dtype", "device", "requires_grad")
# The headers over them, translated when shown (the columns are ParameterSummary's fields).
COLUMN_TITLES = {
    "name": QT_TRANSLATE_NOOP("ParametersPanel", "name"),
    "shape": QT_TRANSLATE_NOOP("ParametersPanel", "shape"),
    "numel": QT_TRANSLATE_NOOP("ParametersPanel", "numel"),
    "mean": QT_TRANSLATE_NOOP("ParametersPanel", "mean"),
    "std": QT_TRANSLATE_NOOP("ParametersPanel", "std"),
    "min": QT_TRANSLATE_NOOP("ParametersPanel", "min"),
    "max": QT_TRANSLATE_NOOP("ParametersPanel", "max"),
    "dtype": QT_TRANSLATE_NOOP("ParametersPanel", "dtype"),
    "device": QT_TRANSLATE_NOOP("ParametersPanel", "device"),
    "requires_grad": QT_TRANSLATE_NOOP("ParametersPanel", "requires_grad"),
}
NUMERIC_COLUMNS = {"numel", "mean", "std", "min", "max"}
# A module's output shape and a parameter's or buffer's own shape share one column (the
# kind alone under "type"); what a module is and makes come first, so that a dock of the
# default width shows them whole (the counts, last, may need the tree scrolled sideways).
TREE_COLUMNS = (QT_TRANSLATE_NOOP("ParametersPanel", "module"),
                QT_TRANSLATE_NOOP("ParametersPanel", "type"),
                QT_TRANSLATE_NOOP("ParametersPanel", "shape"),
                QT_TRANSLATE_NOOP("ParametersPanel", "parameters"))
TREE_NAME, TREE_TYPE, TREE_SHAPE, TREE_COUNT = range(len(TREE_COLUMNS))
TREE_INDENT = 12  # px a level: names three levels deep ("num_batches_tracked") stay whole
SLIDER_STEPS = 1000
MODULE_ROLE = QtCore.Qt.ItemDataRole.UserRole + 1  # a module item's full name
TABLE_ROWS_SHOWN = 6
EDITED_COLOUR = "#b7791f"
CELL_RANGE = 100.0


class ParametersPanel(Panel):
    """Table of named_parameters() with totals, a picture of the selected tensor, an
    editor for scalar parameters and the module tree with output shapes."""

    # Nothing here changes from one drawing to the next (output shapes change with the
    # model), so a pointer move repaints nothing in this dock.
    draws_predictions = False

    def __init__(self, session: AppSession | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(self.tr("Parameters"), "parameters", session, parent)
        self.classifier: Classifier | None = None
        self.model: nn.Module | None = None
        self.parameters: dict[str, nn.Parameter] = {}
        self.loaded_scalars: dict[str, float] = {}
        self.output_shapes: dict[str, tuple[int, ...]] = {}
        self.tree_items: dict[str, QtWidgets.QTreeWidgetItem] = {}
        self.current: str | None = None
        self.view: TileView | None = None  # what the picture shows, when tiles
        self.picture_image: MosaicImage | None = None
        self.bars: pg.BarGraphItem | None = None  # or bars, of these values:
        self.bar_values: np.ndarray | None = None
        self.edited: frozenset[str] = frozenset()  # differ from the loaded weights
        self.cell: tuple[int, ...] | None = None  # the element being edited, of `current`
        self.cell_spot: Spot | None = None  # where it is in the picture
        self.cell_marker = outline()
        self._slider_span = 1.0  # the scalar slider reaches this far either side of zero
        # Table, tree and picture of a new model are built in the event-loop turn after
        # the switch itself (together they took over 100 ms in one turn).
        self.stale = False
        self._rebuild_timer = next_turn(self, self.build_now)
        # Edits' numbers, likewise in the turn after (once for a burst of edits).
        self._values_timer = next_turn(self, self.show_values_now)
        self._build_widgets()
        if session is not None:  # a module's output picked here or elsewhere: marked in the tree
            session.shown_outputs_changed.connect(
                lambda: self.model is not None and not self.stale and self._build_tree())

    # ------------------------------------------------------------------ widgets

    def _build_widgets(self) -> None:
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(COLUMN_TITLES[key]) for key in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.itemSelectionChanged.connect(self._row_selected)

        self.caption = WrappedLabel()  # in a splitter's pane, which ignores its lines
        self.view_choice = QtWidgets.QComboBox()
        self.view_choice.currentIndexChanged.connect(self._draw_picture)
        self.picture = pg.GraphicsLayoutWidget()
        self.picture.setBackground(self.palette().window().color())
        self.picture.scene().sigMouseMoved.connect(self._hover_bars)
        self.readout = QtWidgets.QLabel(" ")
        self.readout.setWordWrap(True)  # a long reading takes lines rather than widen the dock
        self.stack = QtWidgets.QStackedWidget()
        self.stack.addWidget(self.picture)
        self.stack.addWidget(self._build_scalar_editor())

        detail = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(detail)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.caption)
        column.addWidget(self.view_choice)
        column.addWidget(self.stack, 1)
        column.addWidget(self._build_cell_editor())
        column.addWidget(self.readout)

        self.tree = QtWidgets.QTreeWidget()
        self.tree.setHeaderLabels([self.tr(title) for title in TREE_COLUMNS])
        self.tree.headerItem().setToolTip(TREE_SHAPE, self.tr(
            "A module's output shape (from the latest reading); a parameter's or buffer's own shape"))
        self.tree.setIndentation(TREE_INDENT)
        self.tree.setRootIsDecorated(False)  # the model's own row is always open: no arrow
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(False)  # the counts beside their header
        self.tree.itemClicked.connect(self._tree_clicked)
        self.tree.setContextMenuPolicy(QtCore.Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)

        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(detail, self.tr("Picture"))
        self.tabs.addTab(self.tree, self.tr("Modules"))
        self.splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.setWidget(self.splitter)

    def _build_cell_editor(self) -> QtWidgets.QWidget:
        """One element of the pictured tensor, clicked: its value to change, its channel
        to zero. Hidden until an element is clicked."""
        self.cell_name = QtWidgets.QLabel()
        self.cell_spin = QtWidgets.QDoubleSpinBox()
        self.cell_spin.setObjectName("cell_value")
        self.cell_spin.setDecimals(4)
        self.cell_spin.setRange(-CELL_RANGE, CELL_RANGE)
        self.cell_spin.setSingleStep(0.05)
        self.cell_spin.setKeyboardTracking(False)
        self.cell_spin.setToolTip(self.tr("The element's value: the drawing is read again "
                                          "with it at once"))
        self.cell_spin.valueChanged.connect(self._set_cell)
        self.zero_button = QtWidgets.QPushButton()
        self.zero_button.clicked.connect(
            lambda: self.zero_channel(*self._channel_of(self.current, self.cell_spot)))
        self.cell_editor = QtWidgets.QWidget()
        row = QtWidgets.QHBoxLayout(self.cell_editor)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.cell_name, 1)
        row.addWidget(self.cell_spin)
        row.addWidget(self.zero_button)
        self.cell_editor.hide()
        return self.cell_editor

    def _build_scalar_editor(self) -> QtWidgets.QWidget:
        self.scalar_value = QtWidgets.QLabel()
        font = self.scalar_value.font()
        font.setPointSizeF(font.pointSizeF() * 2)
        self.scalar_value.setFont(font)
        self.scalar_spin = QtWidgets.QDoubleSpinBox()
        self.scalar_spin.setDecimals(4)
        self.scalar_spin.setRange(-1000.0, 1000.0)
        self.scalar_spin.setSingleStep(0.05)
        self.scalar_spin.setKeyboardTracking(False)
        self.scalar_spin.valueChanged.connect(self._set_scalar)
        self.scalar_slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.scalar_slider.setRange(0, SLIDER_STEPS)
        self.scalar_slider.valueChanged.connect(self._slider_moved)
        self.scalar_reset = QtWidgets.QPushButton(self.tr("Reset"))
        self.scalar_reset.clicked.connect(self.reset_scalar)
        note = QtWidgets.QLabel(self.tr("A trainable scalar. Change it and the drawing is "
                                        "classified again at once with the edited model; Reset "
                                        "puts back the value the weights were loaded with."))
        note.setWordWrap(True)

        editor = QtWidgets.QWidget()
        form = QtWidgets.QFormLayout(editor)
        form.addRow(self.scalar_value)
        form.addRow(self.tr("Value:"), self.scalar_spin)
        form.addRow("", self.scalar_slider)
        form.addRow("", self.scalar_reset)
        form.addRow(note)
        # Scrolled when the dock is short, so the dock never forces the window taller.
        scroller = QtWidgets.QScrollArea()
        scroller.setWidget(editor)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
        return scroller

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier: Classifier) -> None:
        """Weights loaded, device or architecture changed: rebuild table, tree, picture."""
        if classifier.model is not self.model:  # new weights: their scalars are "loaded"
            self.loaded_scalars = {name: float(p.detach().cpu().reshape(()))
                                   for name, p in classifier.model.named_parameters()
                                   if p.numel() == 1}
            self.output_shapes = {}
            self.edited = frozenset()
        self.classifier = classifier
        self.model = classifier.model
        self.parameters = dict(self.model.named_parameters())
        self.stale = True
        if self.tree_items:
            self._rebuild_timer.start()
        else:
            self.build_now()  # the first model: nothing shown to keep meanwhile

    def build_now(self) -> None:
        """Build what a set_classifier left for later, if anything (at once when
        something needs the table, such as a selection)."""
        if not self.stale or self.model is None:
            return
        self.stale = False
        self._values_timer.stop()  # the build shows the values as they are
        self._fill_table()
        self._build_tree()
        keep = self.current if self.current in self.parameters else None
        self.current = None
        # Else the first weight with a picture (SimpleCNN lists its scalar `scale` first).
        pictured = (name for name, p in self.parameters.items() if p.ndim >= 2)
        self.select(keep or next(pictured, next(iter(self.parameters), None)))

    def weights_edited(self, edited: frozenset[str]) -> None:
        """Parameters changed (here, in another dock, or restored): new numbers, marks,
        picture values."""
        self.edited = edited
        if not self.stale:  # else the build to come shows them
            self._values_timer.start()  # a burst of edits (a slider's drag) refreshed once

    def refresh_due(self) -> bool:
        """Whether a build or a refresh of the numbers is waiting for the next turn."""
        return self.stale or self._values_timer.isActive()

    def show_values_now(self) -> None:
        """The numbers, marks and picture of the weights as they are now."""
        self._values_timer.stop()
        if self.stale or self.model is None:
            return
        for row, entry in enumerate(summarize_parameters(self.model)):
            self._set_row(row, entry)
        self._show_values()

    def show_prediction(self, prediction: Prediction) -> None:
        """Only output shapes come from a classification; nothing else here changes."""
        shapes = prediction.output_shapes
        if not shapes or shapes == self.output_shapes:
            return
        self.output_shapes = dict(shapes)
        if self.stale:
            return  # the tree to come is built with them
        for name, item in self.tree_items.items():
            item.setText(TREE_SHAPE, format_shape(shapes[name]) if name in shapes else "—")
        self._fit_tree_columns()  # shapes are wider than the "—" they replace
        if self.current is not None and self.parameters[self.current].ndim == 2:
            self._show_parameter()  # its template shape may be known now

    # ------------------------------------------------------------------ table

    def _fill_table(self) -> None:
        summary = summarize_parameters(self.model)
        self.table.blockSignals(True)
        self.table.clearContents()
        self.table.setRowCount(len(summary) + 1)
        for row, entry in enumerate(summary):
            self._set_row(row, entry)
        total = {"name": self.tr("total"), "numel": f"{summary.total:,}",
                 "requires_grad": self.tr("{count:,} trainable").format(count=summary.trainable)}
        bold = self.table.font()
        bold.setBold(True)
        for col, key in enumerate(COLUMNS):
            text = total.get(key, "")
            item = QtWidgets.QTableWidgetItem(text)
            item.setFlags(QtCore.Qt.ItemFlag.ItemIsEnabled)  # shown, not selectable
            item.setFont(bold)
            self._align(item, key)
            self.table.setItem(len(summary), col, item)
        self.table.blockSignals(False)
        self.table.resizeColumnsToContents()
        # Room for a few rows (SimpleCNN's all); the picture gets the rest of the dock.
        rows = min(self.table.rowCount(), TABLE_ROWS_SHOWN)
        table_height = (self.table.horizontalHeader().sizeHint().height()
                        + 2 * self.table.frameWidth()
                        + self.table.horizontalScrollBar().sizeHint().height()
                        + rows * self.table.verticalHeader().defaultSectionSize())
        total = max(self.splitter.height(), 3 * table_height)
        self.splitter.setSizes([table_height, total - table_height])

    def _set_row(self, row: int, entry: ParameterSummary) -> None:
        for col, key in enumerate(COLUMNS):
            value = getattr(entry, key)
            if key == "shape":
                text = format_shape(value)
            elif key == "numel":
                text = f"{value:,}"
            elif key in NUMERIC_COLUMNS:
                text = f"{value:.4g}"
            else:
                text = str(value)
            item = QtWidgets.QTableWidgetItem(text)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, value)
            self._align(item, key)
            if entry.name in self.edited:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
                item.setForeground(QtGui.QColor(EDITED_COLOUR))
                item.setToolTip(self.tr("Edited: differs from the weights as loaded"))
            self.table.setItem(row, col, item)

    @staticmethod
    def _align(item: QtWidgets.QTableWidgetItem, key: str) -> None:
        if key in NUMERIC_COLUMNS or key == "requires_grad":
            item.setTextAlignment(QtCore.Qt.AlignmentFlag.AlignRight
                                  | QtCore.Qt.AlignmentFlag.AlignVCenter)

    def row_of(self, name: str) -> int:
        return list(self.parameters).index(name)

    def select(self, name: str | None) -> None:
        """Show parameter ``name`` (its table row selected); None shows nothing."""
        self.build_now()
        if name is None:
            self.table.clearSelection()
            return
        self.table.selectRow(self.row_of(name))

    def _row_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.parameters):
            self.current = list(self.parameters)[rows[0].row()]
            self._show_parameter()

    # ------------------------------------------------------------------ picture

    def _values(self) -> np.ndarray:
        return self.parameters[self.current].detach().float().cpu().numpy()

    def _input_shape(self) -> tuple[int, ...] | None:
        values = self.parameters[self.current]
        if values.ndim != 2:
            return None
        layer = self.current.rpartition(".")[0]
        return input_shape_of(layer, values.shape[1], self.output_shapes)

    def _show_parameter(self) -> None:
        """The selected parameter changed (or what its picture depends on)."""
        values = self._values()
        options = view_options(values, self._input_shape())
        self.view_choice.blockSignals(True)
        self.view_choice.clear()
        for text, data in options:
            self.view_choice.addItem(text, data)
        self.view_choice.blockSignals(False)
        self.view_choice.setVisible(bool(options))
        self._draw_picture()

    def _draw_picture(self) -> None:
        values = self._values()
        name = self.current
        self.readout.setText(" ")
        self.cell = None
        self.cell_editor.hide()
        self.cell_marker.hide()
        if self.cell_marker.scene() is not None:
            self.cell_marker.scene().removeItem(self.cell_marker)
        self.picture.clear()
        self.view, self.picture_image, self.bars = None, None, None
        if values.size == 1:
            self.caption.setText(self.tr("<b>{name}</b> · a scalar").format(name=name))
            self._show_scalar()
            return
        self.stack.setCurrentWidget(self.picture)
        if values.ndim == 1:
            self.caption.setText(self.tr("<b>{name}</b> {shape} · one bar per element (red "
                                         "above zero, blue below)").format(
                name=name, shape=format_shape(values.shape)))
            self._draw_bars(values)
            return
        self.view = tile_view(name, values, self.view_choice.currentData(), self._input_shape())
        self.readout.setText(self._edit_hint())
        self.caption.setText(f"<b>{name}</b> {format_shape(values.shape)} · {self.view.caption}")
        box = picture_box(self.view.square_pixels)
        self.picture.ci.addItem(box)
        image = MosaicImage(Mosaic(len(self.view.tiles), self.view.tiles.shape[1:],
                                   self.view.columns), self.view.levels, diverging_lut())
        image.show_tiles(self.view.tiles)
        image.hovered.connect(lambda spot: self._hover_tile(image, spot))
        image.clicked.connect(self.select_cell)
        image.context_requested.connect(
            lambda spot, position: pop_up(self, self.tile_actions(spot), position))
        show_in(box, image)
        box.addItem(self.cell_marker, ignoreBounds=True)
        for index, label in enumerate(self.view.labels):
            y, x = image.mosaic.tile_origin(index)
            text = pg.TextItem(label, color="#202020", fill=pg.mkBrush(255, 255, 255, 170))
            text.setPos(x, y)
            box.addItem(text)
        self.picture_image = image

    def _draw_bars(self, values: np.ndarray) -> None:
        plot = self.picture.addPlot()
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(False, False)
        plot.showGrid(y=True, alpha=0.3)
        plot.setLabel("bottom", self.tr("index"))
        lut = diverging_lut()
        brushes = [pg.mkBrush(*(lut[-40] if v >= 0 else lut[40])) for v in values]
        self.bars = pg.BarGraphItem(x=np.arange(len(values)), height=values, width=0.8,
                                    brushes=brushes, pen=pg.mkPen(None))
        self.bar_values = values
        plot.addItem(self.bars)
        plot.addLine(y=0, pen=pg.mkPen("#808080"))

    def _edit_hint(self) -> str:
        return self.tr("Click an element to change it; right-click a tile to zero its channel.")

    def _hover_tile(self, image: MosaicImage, spot: Spot | None) -> None:
        if spot is None or self.view is None:
            self.readout.setText(self._edit_hint())
            return
        self.readout.setText(self._reading(self.view.describe(spot), image.value_at(spot)))

    def _hover_bars(self, scene_pos) -> None:
        if self.bars is None:
            return
        view = self.bars.getViewBox()
        index = round(view.mapSceneToView(scene_pos).x())
        if view.sceneBoundingRect().contains(scene_pos) and 0 <= index < len(self.bar_values):
            self.readout.setText(self._reading(f"{self.current}[{index}]", self.bar_values[index]))
        else:
            self.readout.setText(" ")

    def _reading(self, element: str, value: float) -> str:
        return self.tr("{element} · value {value:.4g}").format(element=element, value=value)

    # ------------------------------------------------------------------ scalars

    def _show_scalar(self) -> None:
        value = float(self._values().reshape(()))
        loaded = self.loaded_scalars.get(self.current, value)
        self._slider_span = max(3.0 * abs(loaded), 1.0)
        self.scalar_reset.setText(self.tr("Reset to the loaded value ({value:.4g})").format(
            value=loaded))
        self._show_scalar_value(value)
        self.stack.setCurrentIndex(1)

    def _show_scalar_value(self, value: float) -> None:
        self.scalar_value.setText(f"{self.current} = {value:.4g}")
        for widget, shown in ((self.scalar_spin, value),
                              (self.scalar_slider, self._slider_position(value))):
            widget.blockSignals(True)
            widget.setValue(shown)
            widget.blockSignals(False)

    def _slider_position(self, value: float) -> int:
        fraction = (value + self._slider_span) / (2 * self._slider_span)
        return round(min(max(fraction, 0.0), 1.0) * SLIDER_STEPS)

    def _slider_moved(self, position: int) -> None:
        self.scalar_spin.setValue((2 * position / SLIDER_STEPS - 1) * self._slider_span)

    def _set_scalar(self, value: float) -> None:
        """Write ``value`` into the live parameter, then have everything re-read."""
        set_element(self.model, self.current, (), value)
        self._after_edit([self.current])

    # ------------------------------------------------------------------ what-if edits

    def select_cell(self, spot: Spot) -> None:
        """Edit the element shown at ``spot`` of the picture (nothing for a pixel that
        shows a sum of elements)."""
        index = self.view.element(spot) if self.view is not None else None
        if index is None:
            self.readout.setText(self.tr("This picture sums several elements: pick a "
                                         "single channel above to edit one."))
            return
        self.cell, self.cell_spot = index, spot
        y, x = self.picture_image.mosaic.tile_origin(spot.index)
        self.cell_marker.setRect(QtCore.QRectF(x + spot.x, y + spot.y, 1, 1))
        self.cell_marker.show()
        self.cell_name.setText(f"{self.current}[{', '.join(map(str, index))}]")
        layer, channel = self._channel_of(self.current, spot)
        self.zero_button.setVisible(layer is not None)
        self.zero_button.setText(self.tr("Zero channel {channel}").format(channel=channel))
        self.zero_button.setToolTip(self.tr("Set output channel {channel} of {layer} to zero: "
                                            "its weights and bias").format(channel=channel,
                                                                          layer=layer))
        self._show_cell_value()
        self.cell_editor.show()

    def _show_cell_value(self) -> None:
        value = float(self.parameters[self.current].detach()[self.cell])
        self.cell_spin.blockSignals(True)
        self.cell_spin.setValue(value)
        self.cell_spin.blockSignals(False)

    def _set_cell(self, value: float) -> None:
        set_element(self.model, self.current, self.cell, value)
        self._after_edit([self.current])

    def _channel_of(self, name: str, spot: Spot) -> tuple[str | None, int]:
        """The layer whose output channel the tile at ``spot`` of parameter ``name``
        belongs to, if it is a weight of a layer with channels to zero, and the channel."""
        layer, _, leaf = name.rpartition(".")
        module = self.model.get_submodule(layer)
        zeroable = leaf == "weight" and isinstance(module, (nn.Conv2d, nn.Linear))
        return (layer if zeroable else None), self.view.channel(spot)

    def tile_actions(self, spot: Spot) -> list[QtGui.QAction]:
        """What the context menu of a tile offers."""
        layer, channel = self._channel_of(self.current, spot)
        return [] if layer is None else [zero_channel_action(self, layer, channel, self.zero_channel)]

    def zero_channel(self, layer: str, channel: int) -> None:
        """Silence output channel ``channel`` of ``layer``: its feature map goes to zero."""
        self._after_edit(zero_channel(self.model, layer, channel))

    def _after_edit(self, names) -> None:
        self.classifier.invalidate()
        for name in names:
            parameter = self.parameters[name]
            self._set_row(self.row_of(name), summarize_tensor(name, parameter, parameter.requires_grad))
        self._show_values()
        self.parameters_edited.emit()

    def _show_values(self) -> None:
        """The selected parameter's values changed: into the picture in place (its colour
        levels kept, so the other elements keep their colours), the editors."""
        if self.current is None:
            return
        values = self._values()
        if self.picture_image is not None:
            view = tile_view(self.current, values, self.view_choice.currentData(),
                             self._input_shape())
            self.picture_image.show_tiles(view.tiles)
        elif self.bars is not None:
            self.bars.setOpts(height=values)
            self.bar_values = values
        elif values.size == 1:
            self._show_scalar_value(float(values.reshape(())))
        if self.cell is not None:
            self._show_cell_value()

    def reset_scalar(self) -> None:
        self._set_scalar(self.loaded_scalars[self.current])  # exact: the spin box rounds

    # ------------------------------------------------------------------ module tree

    def _build_tree(self) -> None:
        self.tree.clear()
        self.tree_items = {}
        grey = self.palette().color(QtGui.QPalette.ColorGroup.Disabled,
                                    QtGui.QPalette.ColorRole.WindowText)
        shown = self.classifier.shown_outputs if self.classifier is not None else ()
        constants = set(onnx_constants(self.model))
        for name, module in self.model.named_modules():
            parent = self.tree_items[name.rpartition(".")[0]] if name else self.tree
            count = sum(p.numel() for p in module.parameters())
            shape = self.output_shapes.get(name)
            item = self._tree_item(parent, name.rpartition(".")[2] or type(module).__name__,
                                   type(module).__name__, format_shape(shape) if shape else "—", count)
            item.setToolTip(0, name or self.tr("the model itself"))
            item.setData(0, MODULE_ROLE, name)
            if name in shown:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setToolTip(0, self.tr("{name}: its output is shown in Feature maps").format(name=name))
            self.tree_items[name] = item
            for leaf_name, parameter in module.named_parameters(recurse=False):
                full = f"{name}.{leaf_name}" if name else leaf_name
                leaf = self._tree_item(item, leaf_name, self.tr("Parameter"),
                                       format_shape(parameter.shape), parameter.numel(), grey)
                leaf.setData(0, QtCore.Qt.ItemDataRole.UserRole, full)
                leaf.setToolTip(0, self.tr("{name}: click to show it").format(name=full))
            for leaf_name, buffer in module.named_buffers(recurse=False):
                full = f"{name}.{leaf_name}" if name else leaf_name
                constant = full in constants
                kind = self.tr("Constant") if constant else self.tr("Buffer")
                leaf = self._tree_item(item, leaf_name, kind, format_shape(buffer.shape),
                                       buffer.numel(), grey)
                leaf.setToolTip(0, self.tr(
                    "{name}: a constant of the ONNX file, never trained (before the export it "
                    "may have been a parameter)").format(name=full) if constant else self.tr(
                    "{name}: a buffer, saved with the weights but not trained").format(name=full))
        self.tree.expandAll()
        self._fit_tree_columns()

    @staticmethod
    def _tree_item(parent, name: str, kind: str, shape: str, count: int,
                   colour: QtGui.QColor | None = None) -> QtWidgets.QTreeWidgetItem:
        texts = {TREE_NAME: name, TREE_TYPE: kind, TREE_SHAPE: shape, TREE_COUNT: f"{count:,}"}
        item = QtWidgets.QTreeWidgetItem(parent, [texts[col] for col in range(len(TREE_COLUMNS))])
        item.setTextAlignment(TREE_COUNT, QtCore.Qt.AlignmentFlag.AlignRight)
        if colour is not None:  # a parameter's or buffer's row: quieter than its module's
            for col in range(len(TREE_COLUMNS)):
                item.setForeground(col, colour)
        return item

    def _fit_tree_columns(self) -> None:
        """Every column as wide as its widest text (never elided); the tree scrolls
        sideways only when the dock is narrower than all of them."""
        for col in range(len(TREE_COLUMNS)):
            self.tree.resizeColumnToContents(col)

    def module_actions(self, name: str) -> list[QtGui.QAction]:
        """A module's context menu in the Modules tree: show its output in Feature maps
        (a forward hook added now), or stop (the hook removed)."""
        if not name or self.classifier is None:
            return []  # the model's own output is the Prediction dock's
        action = QtGui.QAction(self.tr("Show This Module's Output"), self, checkable=True)
        action.setChecked(name in self.classifier.shown_outputs)
        action.setStatusTip(self.tr("Show what {name} outputs in the Feature maps dock").format(name=name))
        action.toggled.connect(lambda shown: self.session.show_output(name, shown))
        return [action]

    def _tree_menu(self, position: QtCore.QPoint) -> None:
        item = self.tree.itemAt(position)
        if item is not None and item.data(0, MODULE_ROLE) is not None:
            pop_up(self, self.module_actions(item.data(0, MODULE_ROLE)),
                   self.tree.viewport().mapToGlobal(position))

    def _tree_clicked(self, item: QtWidgets.QTreeWidgetItem) -> None:
        name = item.data(0, QtCore.Qt.ItemDataRole.UserRole)
        if name:
            self.select(name)
