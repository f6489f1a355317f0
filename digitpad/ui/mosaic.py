"""Many small 2-D arrays shown as one picture: tiles in a grid with 1-px gaps, drawn by a
single pyqtgraph ImageItem that is updated in place, and the colour maps the panels share.

One ImageItem per layer (rather than one per channel) keeps a repaint to a handful of
drawImage calls, which is what lets the feature maps follow every stroke. Values reach
pyqtgraph as uint8 colour indices (``ColouredImage``), which it hands to Qt as an
indexed image instead of rescaling floats and looking up colours at every change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

# Gaps between tiles are NaN, which ImageItem leaves transparent: a backdrop of this
# colour behind the picture shows through them as grid lines, and blank tiles of the
# other colour show where there are no values yet.
GAP_COLOR = "#6b6b6b"
BLANK_TILE_COLOR = "#d9d9d9"


def diverging_lut() -> np.ndarray:
    """Blue below zero, white at zero, red above (CET-D1A): for signed values."""
    return pg.colormap.get("CET-D1A").getLookupTable(nPts=256)


def sequential_lut() -> np.ndarray:
    """Black through red and yellow to white (CET-L3): for values that are never negative."""
    return pg.colormap.get("CET-L3").getLookupTable(nPts=256)


def grey_lut() -> np.ndarray:
    return pg.colormap.get("CET-L1").getLookupTable(nPts=256)


# A colour table for ColouredImage: COLOURS colours for the values, then one transparent
# entry for NaN (the mosaics' gaps).
COLOURS = 255
NAN_INDEX = COLOURS


def indexed_lut(lut: np.ndarray) -> np.ndarray:
    """(256, 4) RGBA: ``lut`` (N, 3 or 4) resampled to COLOURS colours, then transparent."""
    lut = np.asarray(lut, np.uint8)
    if lut.shape[1] == 3:
        lut = np.concatenate([lut, np.full((len(lut), 1), 255, np.uint8)], axis=1)
    picked = lut[np.round(np.linspace(0, len(lut) - 1, COLOURS)).astype(np.intp)]
    return np.concatenate([picked, np.zeros((1, 4), np.uint8)])


def colour_indices(values: np.ndarray, levels: tuple[float, float],
                   out: np.ndarray | None = None) -> np.ndarray:
    """``values`` as uint8 indices into an ``indexed_lut``: ``levels`` map to its first
    and last colour (clipped beyond them), NaN to the transparent entry."""
    low, high = float(levels[0]), float(levels[1])
    step = (COLOURS - 1) / (high - low) if high > low else 0.0
    scaled = np.multiply(values, step, dtype=np.float32)
    scaled += 0.5 - low * step  # + 0.5: the cast below rounds to the nearest colour
    np.clip(scaled, 0.0, COLOURS - 0.5, out=scaled)
    if out is None or out.shape != scaled.shape:
        out = np.empty(scaled.shape, np.uint8)
    with np.errstate(invalid="ignore"):  # NaN casts to some index, replaced next
        np.copyto(out, scaled, casting="unsafe")
    np.putmask(out, np.isnan(scaled), NAN_INDEX)
    return out


class ColouredImage(pg.ImageItem):
    """An ImageItem of float values through a colour table at fixed levels. pyqtgraph
    gets uint8 colour indices (``colour_indices``), which it draws through Qt's indexed
    format; float values would be rescaled and looked up in NumPy at every change, most
    of a live picture's repaint. ``values``, ``shown_levels`` and ``colours`` are what
    it shows and how."""

    def __init__(self, lut: np.ndarray, *, smooth: bool = False):
        super().__init__(axisOrder="row-major")
        self.smooth = smooth  # scaled up with bilinear filtering, not as square pixels
        self.values: np.ndarray | None = None
        self.shown_levels = (0.0, 1.0)
        self._indices: np.ndarray | None = None
        self.set_colours(lut)

    def set_colours(self, lut: np.ndarray) -> None:
        self.colours = np.asarray(lut, np.uint8)
        table = indexed_lut(self.colours)
        self.setLookupTable(table)
        self._colour_table = [QtGui.qRgba(*(int(c) for c in rgba)) for rgba in table]

    def show_values(self, values: np.ndarray, levels: tuple[float, float]) -> None:
        self.values = values
        self.shown_levels = (float(levels[0]), float(levels[1]))
        if self._indices is not None and self._indices.shape == values.shape:
            # The colours are worked out when the picture is painted, so a picture off
            # screen costs nothing; pyqtgraph's setImage would only say the same.
            self._renderRequired = True
            self.update()
            return
        self._indices = colour_indices(values, self.shown_levels)
        self.setImage(self._indices, levels=None)

    def paint(self, painter, *args) -> None:
        if self.smooth:
            painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform)
        super().paint(painter, *args)

    def render(self) -> None:
        # pyqtgraph's own render makes the same indexed QImage, but converts the colour
        # table from NumPy to Qt's colours each time: most of the cost at these sizes.
        indices = self._indices
        if indices is None or indices.size == 0:
            self._unrenderable = True
            return
        colour_indices(self.values, self.shown_levels, out=indices)
        height, width = indices.shape
        self.qimage = QtGui.QImage(indices.data, width, height, indices.strides[0],
                                   QtGui.QImage.Format.Format_Indexed8)
        self.qimage.setColorTable(self._colour_table)
        self._renderRequired = False
        self._unrenderable = False


def lut_for(levels: tuple[float, float]) -> np.ndarray:
    """The diverging map when the levels straddle zero, else the sequential one."""
    return diverging_lut() if levels[0] < 0.0 < levels[1] else sequential_lut()


def symmetric_levels(values: np.ndarray) -> tuple[float, float]:
    """(-m, m) with m the largest magnitude, so zero is the middle colour."""
    finite = np.abs(values[np.isfinite(values)])
    m = float(finite.max()) if finite.size else 0.0
    return (-m, m) if m > 0.0 else (-1.0, 1.0)


def grid_columns(count: int) -> int:
    """Columns for ``count`` tiles: near-square, preferring a grid with no empty cell
    (10 -> 5x2, 32 -> 8x4, 16 -> 4x4)."""
    if count <= 0:
        return 1
    side = math.ceil(math.sqrt(count))
    for columns in range(side, 2 * side):
        if count % columns == 0:
            return columns
    return side


@dataclass(frozen=True)
class Spot:
    """A pixel of a mosaic: which tile (``index = row * columns + column``) and where in it."""

    index: int
    row: int
    column: int
    y: int
    x: int


class Mosaic:
    """``count`` tiles of ``tile_shape`` laid out in a grid with 1-px NaN gaps.

    ``image`` is the float32 picture (row-major); ``fill`` writes new tiles into it in
    place, so ``image[tile_origin(i)...]`` always holds exactly the values given.
    """

    def __init__(self, count: int, tile_shape: tuple[int, int], columns: int | None = None):
        self.count = count
        self.tile_h, self.tile_w = (int(n) for n in tile_shape)
        self.columns = columns or grid_columns(count)
        self.rows = max(1, math.ceil(count / self.columns))
        # One gap after every tile, the last row and column of gaps cropped off by `image`.
        self._buffer = np.full(
            (self.rows * (self.tile_h + 1), self.columns * (self.tile_w + 1)), np.nan, np.float32
        )
        self._cells = self._buffer.reshape(self.rows, self.tile_h + 1, self.columns, self.tile_w + 1)
        self._staging = np.full((self.rows * self.columns, self.tile_h, self.tile_w), np.nan, np.float32)
        self.image = self._buffer[:-1, :-1]

    @property
    def shape(self) -> tuple[int, int]:
        return self.image.shape

    def fill(self, tiles: np.ndarray) -> np.ndarray:
        """Put ``tiles`` (count, h, w) into the picture; returns ``image``."""
        self._staging[: self.count] = tiles
        self._cells[:, : self.tile_h, :, : self.tile_w] = self._staging.reshape(
            self.rows, self.columns, self.tile_h, self.tile_w
        ).transpose(0, 2, 1, 3)
        return self.image

    def clear(self) -> np.ndarray:
        self._buffer.fill(np.nan)
        return self.image

    def tile_origin(self, index: int) -> tuple[int, int]:
        """(y, x) of the top-left pixel of tile ``index``."""
        row, column = divmod(index, self.columns)
        return row * (self.tile_h + 1), column * (self.tile_w + 1)

    def tile(self, index: int) -> np.ndarray:
        y, x = self.tile_origin(index)
        return self.image[y : y + self.tile_h, x : x + self.tile_w]

    def locate(self, y: int, x: int) -> Spot | None:
        """The tile pixel at picture pixel (y, x); None on a gap, an empty cell or outside."""
        if not (0 <= y < self.image.shape[0] and 0 <= x < self.image.shape[1]):
            return None
        row, ty = divmod(y, self.tile_h + 1)
        column, tx = divmod(x, self.tile_w + 1)
        index = row * self.columns + column
        if ty == self.tile_h or tx == self.tile_w or index >= self.count:
            return None
        return Spot(index, row, column, ty, tx)


class MosaicImage(ColouredImage):
    """The ImageItem of one Mosaic, with fixed levels and colours, that reports the tile
    pixel under the pointer (``hovered``, None on leaving), a left click (``clicked``) and
    a right click (``context_requested``, with the screen position for a menu)."""

    hovered = QtCore.Signal(object)  # Spot | None
    clicked = QtCore.Signal(object)  # Spot
    context_requested = QtCore.Signal(object, object)  # Spot, QPoint on the screen

    def __init__(self, mosaic: Mosaic, levels: tuple[float, float], lut: np.ndarray | None = None,
                 gap_color: str = GAP_COLOR):
        super().__init__(lut if lut is not None else lut_for(levels))
        self.mosaic = mosaic
        self.levels_fixed = (float(levels[0]), float(levels[1]))
        self.show_values(mosaic.image, self.levels_fixed)
        self.setAcceptHoverEvents(True)
        height, width = mosaic.shape
        blank_tiles = QtGui.QPainterPath()
        for index in range(mosaic.count):
            y, x = mosaic.tile_origin(index)
            blank_tiles.addRect(x, y, mosaic.tile_w, mosaic.tile_h)
        whole = QtGui.QPainterPath()
        whole.addRect(0, 0, width, height)
        for path, color in ((whole, gap_color), (blank_tiles, BLANK_TILE_COLOR)):
            backdrop = QtWidgets.QGraphicsPathItem(path, self)
            backdrop.setFlag(QtWidgets.QGraphicsItem.GraphicsItemFlag.ItemStacksBehindParent)
            backdrop.setBrush(pg.mkBrush(color))
            backdrop.setPen(pg.mkPen(None))

    def show_tiles(self, tiles: np.ndarray) -> None:
        self.show_values(self.mosaic.fill(tiles), self.levels_fixed)

    def show_empty(self) -> None:
        self.show_values(self.mosaic.clear(), self.levels_fixed)

    def spot_at(self, pos: QtCore.QPointF) -> Spot | None:
        return self.mosaic.locate(math.floor(pos.y()), math.floor(pos.x()))

    def hoverEvent(self, ev):
        if ev.isExit():
            self.hovered.emit(None)
            return
        ev.acceptClicks(QtCore.Qt.MouseButton.LeftButton)
        ev.acceptClicks(QtCore.Qt.MouseButton.RightButton)
        self.hovered.emit(self.spot_at(ev.pos()))

    def mouseClickEvent(self, ev):
        spot = self.spot_at(ev.pos())
        if spot is None:
            return
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            ev.accept()
            self.clicked.emit(spot)
        elif ev.button() == QtCore.Qt.MouseButton.RightButton:
            ev.accept()
            self.context_requested.emit(spot, ev.screenPos().toPoint())

    def value_at(self, spot: Spot) -> float:
        return float(self.mosaic.tile(spot.index)[spot.y, spot.x])


def picture_box(square_pixels: bool = True) -> pg.ViewBox:
    """A ViewBox for pictures: row 0 at the top, no pan/zoom/menu (the views are read,
    not explored); pixels square unless a matrix too wide for that should fill the box."""
    return pg.ViewBox(lockAspect=square_pixels, invertY=True, enableMouse=False,
                      enableMenu=False)


def show_in(box: pg.ViewBox, image: MosaicImage) -> None:
    """Add ``image`` to ``box`` framed whole; pictures never move, so auto-range stays off."""
    box.addItem(image)
    height, width = image.mosaic.shape
    box.setRange(QtCore.QRectF(0, 0, width, height), padding=0.02)
    box.disableAutoRange()


def outline(color: str = "#ffd400") -> QtWidgets.QGraphicsRectItem:
    """A rectangle marking the selected tile; its 2-px pen ignores the view's zoom."""
    rect = QtWidgets.QGraphicsRectItem()
    pen = pg.mkPen(color, width=2)
    pen.setCosmetic(True)
    rect.setPen(pen)
    rect.setZValue(10)
    return rect
