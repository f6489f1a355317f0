"""The feature-map dock: what every convolution (and optionally each ReLU and pooling)
made of the drawing in the last forward pass, as the core's forward hooks captured it.
A convolution's map can be silenced from its context menu (a what-if edit)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyqtgraph as pg
import torch.nn as nn
from PySide6 import QtCore, QtWidgets

from ...calibration import calibrated
from ...capture import FEATURE_MAP_TYPES
from ...classifier import Classifier, FeatureRange, Prediction
from ...edits import zero_channel
from ...params import format_shape
from ...preprocess import MNIST_MEAN, MNIST_STD
from ..mosaic import Mosaic, MosaicImage, Spot, grey_lut, grid_columns, outline, picture_box, show_in
from ..widgets import choice_box
from . import Panel, pop_up, zero_channel_action

if TYPE_CHECKING:
    from ..session import AppSession

CONVOLUTIONS = "conv"
ALL_STAGES = "all"
# Blank ink and full ink, normalised as the model sees them.
INPUT_LEVELS = (-MNIST_MEAN / MNIST_STD, (1.0 - MNIST_MEAN) / MNIST_STD)
MAX_LAYER_COLUMNS = 3
MIN_LAYER_WIDTH = 200  # px: below this a layer's title and tiles get cramped
WIDE = 1.2  # a dock this many times wider than tall shows the enlargement beside the layers
def as_channels(shape: tuple[int, ...]) -> tuple[int, int, int]:
    """How an output of any shape (one input's, batch left out) is shown: (C, H, W) maps
    as they are, a vector (a linear layer's) as one row, (C, L) as C rows."""
    if len(shape) == 3:
        return (shape[0], shape[1], shape[2])
    if len(shape) == 2:
        return (shape[0], 1, shape[1])
    size = 1
    for n in shape:
        size *= n
    return (1, 1, size)


@dataclass
class _LayerView:
    name: str
    range: FeatureRange
    image: MosaicImage
    box: pg.ViewBox


class FeatureMapsPanel(Panel):
    """One mosaic per captured layer (one ImageItem each, made when the model changes and
    updated in place per frame), colour levels fixed per layer from a calibration batch,
    and the 28x28 input beside an enlarged copy of the map last clicked."""

    parameters_edited = QtCore.Signal()  # a channel was zeroed

    def __init__(self, session: AppSession | None = None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(self.tr("Feature maps"), "feature_maps", session, parent)
        self.visibilityChanged.connect(self._visibility_changed)
        self.classifier: Classifier | None = None
        self.ranges: dict[str, FeatureRange] = {}
        self.calibrated_model: nn.Module | None = None
        self.waiting: Classifier | None = None  # arrived while hidden: built when shown
        self.module_types: dict[str, type[nn.Module]] = {}
        self.layers: list[_LayerView] = []
        self.selected: tuple[str, int] | None = None  # (layer, channel) shown enlarged
        self.prediction: Prediction | None = None
        self._drawn: object = self  # the prediction the maps show (self: none drawn yet)
        self._build_widgets()
        if session is not None:
            session.shown_outputs_changed.connect(self._shown_outputs_changed)

    # ------------------------------------------------------------------ widgets

    def _build_widgets(self) -> None:
        self.stage_choice = choice_box(
            [(self.tr("Convolutions"), CONVOLUTIONS),
             (self.tr("Convolutions, ReLU and pooling"), ALL_STAGES)],
            self.tr("Which captured layers to show"), 6, self._rebuild)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.readout = QtWidgets.QLabel(self._hint())
        self.readout.setWordWrap(True)  # a long reading takes lines rather than widen the dock
        self.readout.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setBackground(self.palette().window().color())
        self.plots.setMinimumSize(130, 180)
        self.plots.installEventFilter(self)
        self.arrangement = (0, False)  # (layer columns, enlargement beside them)

        top = QtWidgets.QHBoxLayout()
        top.addWidget(QtWidgets.QLabel(self.tr("Show:")))
        top.addWidget(self.stage_choice, 1)
        body = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(body)
        column.setContentsMargins(4, 4, 4, 4)
        column.addLayout(top)
        column.addWidget(self.status)
        column.addWidget(self.plots, 1)
        column.addWidget(self.readout)
        self.setWidget(body)
        self._set_status()

    def _label(self, layout: pg.GraphicsLayout, text: str, row: int, col: int) -> pg.LabelItem:
        return layout.addLabel(text, row=row, col=col, size="9pt",
                               color=self.palette().windowText().color())

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier: Classifier) -> None:
        """A new model, architecture, device or weights: re-calibrate levels, rebuild; for
        a dock behind a tab or closed, when it is next shown (a switch of network then
        costs nothing here)."""
        if not self.on_screen():
            self.waiting = classifier
            return
        self.waiting = None
        if classifier.model is not self.calibrated_model:  # a device move keeps the levels
            modules = dict(classifier.model.named_modules())
            # The modules shown on demand are captured, so measured, only while shown.
            ranges = calibrated(classifier).ranges
            self.ranges = {
                name: r for name, r in ranges.items()
                # Channel maps of the stages shown here (other docks may capture more),
                # and any module the user asked to see, as channels of rows.
                if (len(r.shape) == 3 and isinstance(modules[name], FEATURE_MAP_TYPES))
                or name in classifier.shown_outputs
            }
            self.calibrated_model = classifier.model
        self.classifier = classifier
        self.module_types = {name: type(m) for name, m in classifier.model.named_modules()}
        has_stages = any(not issubclass(self.module_types[n], nn.Conv2d) for n in self.ranges)
        self.stage_choice.model().item(1).setEnabled(has_stages)
        if not has_stages:
            self.stage_choice.setCurrentIndex(0)
        self.prediction = None
        self._rebuild()

    def show_prediction(self, prediction: Prediction) -> None:
        """Every classification: new values into the existing images, nothing rebuilt."""
        self.prediction = prediction
        if self.isVisible() and self.waiting is None and prediction is not self._drawn:
            self._draw()

    def _visibility_changed(self, visible: bool) -> None:
        if visible and self.waiting is not None and self.on_screen():
            self.set_classifier(self.waiting)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._visibility_changed(True)
        if self.waiting is None and self.prediction is not self._drawn:
            self._draw()  # frames skipped while hidden

    # ------------------------------------------------------------------ structure

    def shown_layers(self) -> list[str]:
        all_stages = self.stage_choice.currentData() == ALL_STAGES
        picked = self.classifier.shown_outputs if self.classifier is not None else ()
        return [name for name in self.ranges
                if all_stages or issubclass(self.module_types[name], nn.Conv2d) or name in picked]

    def _shown_outputs_changed(self) -> None:
        """A module's output was picked (or dropped) in the Modules tree: calibrate its
        colours and lay the layers out again."""
        classifier = self.session.classifier
        self.calibrated_model = None
        self.set_classifier(classifier)

    def _fitting_arrangement(self) -> tuple[int, bool]:
        """Layer columns for the dock's width, and whether the enlargement goes beside
        the layers (a wide dock) or below them (a tall one)."""
        width, height = self.plots.width(), self.plots.height()
        beside = width > WIDE * height
        room = width * 2 // 3 if beside else width
        fit = max(1, room // MIN_LAYER_WIDTH)
        return min(MAX_LAYER_COLUMNS, grid_columns(len(self.shown_layers())), fit), beside

    def eventFilter(self, watched, event) -> bool:
        # Lay the layers out again when the dock's shape calls for another arrangement.
        if (watched is self.plots and event.type() == QtCore.QEvent.Type.Resize
                and self.classifier is not None and self.waiting is None
                and self._fitting_arrangement() != self.arrangement):
            self._rebuild()
        return False

    def _rebuild(self) -> None:
        self._let_go_of_items()
        self.plots.clear()
        self.layers = []
        names = self.shown_layers()
        self.arrangement = columns, beside = self._fitting_arrangement()
        for i, name in enumerate(names):
            row, col = divmod(i, columns)
            self.layers.append(self._add_layer(name, 2 * row, col))
        if self.selected is None or self.selected[0] not in names:
            self.selected = (names[0], 0) if names else None
        rows = 2 * -(-len(names) // columns)
        if beside:
            self._add_enlargement(self.plots.ci.addLayout(row=0, col=columns, rowspan=rows), True)
            for col in range(columns):  # the layers get the larger share of the width
                self.plots.ci.layout.setColumnStretchFactor(col, 2)
        else:
            self._add_enlargement(self.plots.ci.addLayout(row=rows, col=0, colspan=columns), False)
            self.plots.ci.layout.setRowStretchFactor(rows, 1)
        self._set_status()
        self._draw()

    def _let_go_of_items(self) -> None:
        """Disconnect the images about to go. Their connections hold lambdas that hold
        the images again, through C++ where the garbage collector cannot see: connected,
        every rebuild (each change of network) left all its items alive."""
        for layer in self.layers:
            for signal in (layer.image.hovered, layer.image.clicked, layer.image.context_requested):
                signal.disconnect()
        for image in (getattr(self, "input_image", None), getattr(self, "zoom_image", None)):
            if image is not None:
                image.hovered.disconnect()

    def _add_layer(self, name: str, row: int, col: int) -> _LayerView:
        r = self.ranges[name]
        channels, height, width = as_channels(r.shape)
        self._label(self.plots.ci, self.tr(
            "<b>{name}</b> · {type}<br><span style='font-size:8pt'>{shape} · colours {low:.2g} "
            "… {high:.2g}</span>").format(name=name, type=self.module_types[name].__name__,
                                         shape=format_shape((1, *r.shape)), low=r.low,
                                         high=r.high), row, col)
        box = picture_box()
        self.plots.ci.addItem(box, row=row + 1, col=col)
        self.plots.ci.layout.setRowStretchFactor(row + 1, 2)
        image = MosaicImage(Mosaic(channels, (height, width)), (r.low, r.high))
        show_in(box, image)
        layer = _LayerView(name, r, image, box)
        image.hovered.connect(lambda spot, layer=layer: self._hover_layer(layer, spot))
        image.clicked.connect(lambda spot, layer=layer: self.select(layer.name, spot.index))
        image.context_requested.connect(lambda spot, position, layer=layer: pop_up(
            self, self.map_actions(layer.name, spot.index), position))
        return layer

    def map_actions(self, name: str, channel: int) -> list:
        """What the context menu of a map offers: a convolution's channel can be zeroed."""
        if not issubclass(self.module_types[name], nn.Conv2d):
            return []
        return [zero_channel_action(self, name, channel, self.zero_channel)]

    def zero_channel(self, name: str, channel: int) -> None:
        zero_channel(self.classifier.model, name, channel)
        self.classifier.invalidate()
        self.parameters_edited.emit()

    def _add_enlargement(self, pair: pg.GraphicsLayout, stacked: bool) -> None:
        """The 28x28 input and next to it (or under it) the selected map, the same size."""
        self._label(pair, self.tr("input [28×28]"), 0, 0)
        self.input_box, self.zoom_box = picture_box(), picture_box()
        pair.addItem(self.input_box, row=1, col=0)
        row, col = (2, 0) if stacked else (0, 1)
        self.zoom_title = self._label(pair, "", row, col)
        pair.addItem(self.zoom_box, row=row + 1, col=col)
        self.input_image = MosaicImage(Mosaic(1, (28, 28)), INPUT_LEVELS, grey_lut())
        self.input_image.hovered.connect(self._hover_input)
        show_in(self.input_box, self.input_image)
        self.zoom_image = None
        self.marker = outline()
        if self.selected is not None:
            self._show_selection()

    def select(self, name: str, channel: int) -> None:
        """Enlarge ``channel`` of layer ``name`` beside the input."""
        self.selected = (name, channel)
        self._show_selection()
        self._draw()

    def _show_selection(self) -> None:
        name, channel = self.selected
        layer = self.layer(name)
        if self.zoom_image is not None:
            self.zoom_image.hovered.disconnect()
            self.zoom_box.removeItem(self.zoom_image)
        _, height, width = as_channels(layer.range.shape)
        self.zoom_image = MosaicImage(Mosaic(1, (height, width)), (layer.range.low, layer.range.high))
        self.zoom_image.hovered.connect(
            lambda spot: self._hover(layer.name, channel, spot, self.zoom_image))
        show_in(self.zoom_box, self.zoom_image)
        self.zoom_title.setText(self.tr("{name} · channel {channel} [{height}×{width}]").format(
            name=name, channel=channel, height=height, width=width))
        if self.marker.scene() is not None:
            self.marker.scene().removeItem(self.marker)
        y, x = layer.image.mosaic.tile_origin(channel)
        self.marker.setRect(QtCore.QRectF(x, y, width, height))
        layer.box.addItem(self.marker, ignoreBounds=True)

    def layer(self, name: str) -> _LayerView:
        return next(layer for layer in self.layers if layer.name == name)

    # ------------------------------------------------------------------ per frame

    def _draw(self) -> None:
        prediction = self._drawn = self.prediction
        if prediction is None or not prediction.has_digit:
            for layer in self.layers:
                layer.image.show_empty()
            if self.classifier is not None:  # the enlargement exists once built
                self.input_image.show_empty()
                if self.zoom_image is not None:
                    self.zoom_image.show_empty()
            self._set_status()
            return
        maps = {layer.name: prediction.feature_maps[layer.name].reshape(as_channels(layer.range.shape))
                for layer in self.layers if layer.name in prediction.feature_maps}
        if len(maps) < len(self.layers):  # read before a picked module's hook was added
            return
        for layer in self.layers:
            layer.image.show_tiles(maps[layer.name])
        self.input_image.show_tiles(prediction.model_input[None])
        if self.zoom_image is not None:
            name, channel = self.selected
            self.zoom_image.show_tiles(maps[name][channel : channel + 1])
        self._set_status()

    def _set_status(self) -> None:
        if self.classifier is None:
            text = self.tr("No model.")
        elif self.prediction is None or not self.prediction.has_digit:
            text = self.tr("No digit yet: draw one and every map follows each stroke.")
        else:
            text = self.tr("Outputs of the last forward pass, captured by forward hooks.")
        if (self.stage_choice.currentData() == ALL_STAGES and self.classifier is not None
                and not any(issubclass(t, nn.ReLU) for t in self.module_types.values())):
            text += self.tr(" This model calls ReLU as a function (no module to hook), so its "
                            "effect shows in the next module's output: pooling of the ReLU'd "
                            "maps.")
        if self.status.text() != text:
            self.status.setText(text)

    # ------------------------------------------------------------------ hover

    def _hover_layer(self, layer: _LayerView, spot: Spot | None) -> None:
        self._hover(layer.name, spot.index if spot else 0, spot, layer.image)

    def _hint(self) -> str:
        return self.tr("Hover a map to read its values; click one to enlarge it.")

    def _hover(self, name: str, channel: int, spot: Spot | None, image: MosaicImage) -> None:
        if spot is None or not self._has_values():
            self.readout.setText(self._hint())
            return
        self.readout.setText(self.tr("{name} · channel {channel} · y {y}, x {x} · value "
                                     "{value:.4g}").format(name=name, channel=channel, y=spot.y,
                                                           x=spot.x, value=image.value_at(spot)))

    def _hover_input(self, spot: Spot | None) -> None:
        if spot is None or not self._has_values():
            self.readout.setText(self._hint())
            return
        value = self.input_image.value_at(spot)
        self.readout.setText(self.tr("input · y {y}, x {x} · value {value:.4g} (ink "
                                     "{ink:.2f})").format(y=spot.y, x=spot.x, value=value,
                                                          ink=value * MNIST_STD + MNIST_MEAN))

    def _has_values(self) -> bool:
        return self.prediction is not None and self.prediction.has_digit

