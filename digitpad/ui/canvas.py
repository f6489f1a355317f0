"""The drawing pad: pen strokes in a fixed logical square, painted as they come, and the
grayscale image the classifier reads.

Strokes live in a 280 x 280 logical square, so a window of any shape shows the same
drawing, scaled. Each stroke is a chain of small curve pieces through the midpoints of
successive pointer positions (smooth at any pointer speed); a new pointer position paints
one piece onto two layers, the classifier's image and the screen's, and repaints only the
piece's rectangle. Changes are announced through ``image_changed`` at most once per turn
of the event loop, however many pointer moves arrived in it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QCoreApplication, QElapsedTimer, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPointingDevice,
    QTransform,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

from ..strokes import PenStroke

LOGICAL_SIZE = 280
GUIDE_MARGIN = 0.14  # the guide box, as a fraction of the pad, on each side
MIN_BRUSH, MAX_BRUSH, DEFAULT_BRUSH = 6, 48, 22  # logical pixels
BRUSH_STEP = 2
# Stylus pressure p in 0..1 scales the brush by PRESSURE_FLOOR + PRESSURE_GAIN * p, so a
# moderate press (about 0.8) draws the nominal width.
PRESSURE_FLOOR, PRESSURE_GAIN = 0.3, 0.9
MIN_POINT_DISTANCE = 0.5  # logical pixels; closer pointer positions add nothing
# Undo repaints from the latest layer checkpoint at or below the strokes left, not from
# a blank pad: a checkpoint every CHECKPOINT_EVERY strokes, the latest KEPT_CHECKPOINTS
# kept (a few MB), so undo costs at most CHECKPOINT_EVERY strokes however many are drawn.
CHECKPOINT_EVERY = 16
KEPT_CHECKPOINTS = 8
# Undo steps kept: the oldest go beyond this, so drawing and clearing for hours holds a
# few MB of history (each step keeps its stroke and the stroke timeline's entry).
HISTORY_LIMIT = 500
PAD_MARGIN = 14  # widget pixels around the pad
FRAME_MS = 16  # on average at most one reading per frame of a 60 Hz screen
# Readings the pad may take back to back before it paces them a frame apart: with one in
# hand, a pointer that moves once a frame never waits on the phase of the last reading.
READING_BURST = 2

BACKGROUND = QColor("#e9ecf1")
PAPER = QColor("#ffffff")
PAPER_EDGE = QColor("#c9ced6")
INK = QColor("#1d2330")
GUIDE = QColor(120, 140, 170, 90)


@dataclass
class Stroke:
    """One pen-down to pen-up: points in logical pixels, with pressure factors."""

    width: float
    erase: bool
    points: list[QPointF] | _Points = field(default_factory=list)  # _Points once finished
    factors: list[float] | tuple[float, ...] = field(default_factory=list)
    finished: bool = False
    _pen: PenStroke | None = field(default=None, repr=False, compare=False)

    def piece(self, index: int) -> tuple[QPainterPath, float]:
        """The curve piece that point ``index`` (1 or more) completes: from the midpoint
        before the previous point, around it, to the midpoint after it."""
        points = self.points
        end = (points[index - 1] + points[index]) / 2
        path = QPainterPath(points[0] if index == 1 else (points[index - 2] + points[index - 1]) / 2)
        if index == 1:
            path.lineTo(end)
        else:
            path.quadTo(points[index - 1], end)
        return path, self.width * self.factors[index]

    def tail(self) -> tuple[QPainterPath, float]:
        """From the last midpoint to the pen itself; a lone point makes a dot."""
        points = self.points
        last = points[-1]
        if len(points) == 1:
            path = QPainterPath(last)
            # A zero-length line has no direction to cap; a tiny one gets round caps: a dot.
            path.lineTo(last + QPointF(0.01, 0.0))
        else:
            path = QPainterPath((points[-2] + last) / 2)
            path.lineTo(last)
        return path, self.width * self.factors[-1]

    def pieces(self):
        for index in range(1, len(self.points)):
            yield self.piece(index)
        yield self.tail()

    def runs(self) -> list[tuple[QPainterPath, float]]:
        """The same curve as ``pieces``, joined into one path while the width stays the
        same: a whole mouse stroke is one path, stroked once rather than once a point."""
        if isinstance(self.points, _Points):
            xy = self.points.xy.tolist()
        else:
            xy = [(p.x(), p.y()) for p in self.points]
        if len(xy) == 1:
            return [self.tail()]
        widths = [self.width * factor for factor in self.factors]
        runs: list[tuple[QPainterPath, float]] = []
        path, width = None, None
        previous_mid = None
        for index in range(1, len(xy)):
            (x0, y0), (x1, y1) = xy[index - 1], xy[index]
            mid = ((x0 + x1) / 2, (y0 + y1) / 2)
            if widths[index] != width:
                if path is not None:
                    runs.append((path, width))
                path, width = QPainterPath(QPointF(*(xy[0] if index == 1 else previous_mid))), widths[index]
            if index == 1:
                path.lineTo(*mid)
            else:
                path.quadTo(x0, y0, *mid)
            previous_mid = mid
        if widths[-1] != width:  # the tail has the last point's width, as the last piece
            runs.append((path, width))
            path, width = QPainterPath(QPointF(*previous_mid)), widths[-1]
        path.lineTo(*xy[-1])
        runs.append((path, width))
        return runs

    def paint_on(self, layer: _Layer) -> None:
        layer.paint(self.runs(), self.erase)

    def finish(self) -> None:
        """Pen up: the points go into one array (a QPointF is a Python object of its own;
        thousands of strokes of them cost memory and every garbage collection's time)."""
        self.finished = True
        self._pen = None
        self.pen_stroke()  # kept from now on
        self.points = _Points(np.array([(p.x(), p.y()) for p in self.points], np.float64).reshape(-1, 2))
        self.factors = tuple(self.factors)

    def pen_stroke(self) -> PenStroke:
        """The stroke as the rasteriser reads it; made once the stroke is finished."""
        if self._pen is None or len(self._pen.points) != len(self.points):
            pen = PenStroke.of([(p.x(), p.y()) for p in self.points], self.factors, self.width, self.erase)
            if self.finished:
                self._pen = pen
            return pen
        return self._pen


class _Points:
    """A finished stroke's points: QPointFs made when asked for, from one array."""

    __slots__ = ("xy",)

    def __init__(self, xy: np.ndarray):
        self.xy = xy

    def __len__(self) -> int:
        return len(self.xy)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [QPointF(float(x), float(y)) for x, y in self.xy[index]]
        x, y = self.xy[index]
        return QPointF(float(x), float(y))

    def __iter__(self):
        return (QPointF(float(x), float(y)) for x, y in self.xy)


@dataclass
class PlacedImage:
    """A picture put on the pad (a test digit to inspect), filling the pad the way a
    digit drawn in the guide box does; on the undo stack and under later strokes like
    any stroke."""

    ink: np.ndarray  # (H, W) uint8, ink high
    erase = False

    def paint_on(self, layer: _Layer) -> None:
        layer.paint_image(self.ink)


class _Layer:
    """An image that strokes are painted on through a transform from logical pixels.

    Ink is painted over; the eraser either paints the background colour over (the
    classifier's opaque layer) or cuts through (the screen's transparent layer).
    """

    def __init__(self, image: QImage, transform: QTransform, ink: QColor, background: QColor | None):
        self.image, self.transform, self.ink, self.background = image, transform, ink, background
        # (strokes painted, the last of them, the image then). A stroke object only ever
        # lies on the same strokes below it (strokes come and go at the end; a clear's
        # undo brings back the very list), so the last one names the whole drawing.
        self.checkpoints: list[tuple[int, object, QImage]] = []

    def checkpoint(self, count: int, last) -> None:
        """Keep a copy of the layer as painted with ``count`` strokes, ``last`` the last,
        every CHECKPOINT_EVERY strokes, so an undo repaints a few strokes, not all."""
        if count and count % CHECKPOINT_EVERY == 0:
            self.keep(count, last)

    def keep(self, count: int, last) -> None:
        """Keep a copy of the layer as it is, painted with ``count`` strokes. The least
        recently kept or used go beyond KEPT_CHECKPOINTS, so those of the drawing being
        undone stay, not those of one cleared long ago that merely had more strokes."""
        self.checkpoints = [c for c in self.checkpoints if c[1] is not last]
        self.checkpoints.append((count, last, self.image.copy()))
        del self.checkpoints[:-KEPT_CHECKPOINTS]

    def restore_checkpoint(self, strokes) -> int:
        """The latest checkpoint of a drawing that ``strokes`` begin with put back
        (cleared if none); returns how many strokes it holds. Those of another drawing
        stay (an undone clear brings it back) until newer ones push them out."""
        fitting = [c for c in self.checkpoints if c[0] <= len(strokes) and strokes[c[0] - 1] is c[1]]
        if not fitting:
            self.clear()
            return 0
        best = max(fitting, key=lambda checkpoint: checkpoint[0])
        self.checkpoints.remove(best)
        self.checkpoints.append(best)  # just used: the last to go
        self.image = best[2].copy()
        return best[0]

    def paint(self, pieces, erase: bool) -> None:
        painter = QPainter(self.image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setTransform(self.transform)
        colour = self.ink
        if erase and self.background is not None:
            colour = self.background
        elif erase:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOut)
        for path, width in pieces:
            painter.strokePath(path, _pen(colour, width))
        painter.end()

    def paint_image(self, ink: np.ndarray) -> None:
        """Ink ``ink`` (uint8, ink high) over the layer, scaled to fill the logical square
        (centred if it is not square) with crisp pixels: the network's own pixels, big."""
        height, width = ink.shape
        if self.background is not None:  # the classifier's grey layer: the brighter wins
            source = QImage(np.ascontiguousarray(ink).data, width, height, width,
                            QImage.Format.Format_Grayscale8)
            mode = QPainter.CompositionMode.CompositionMode_Lighten
        else:  # the screen's layer: ink colour, as opaque as the ink is dark
            argb = np.empty((height, width, 4), np.uint8)  # B, G, R, A in memory
            argb[..., :3] = (self.ink.blue(), self.ink.green(), self.ink.red())
            argb[..., 3] = ink
            source = QImage(argb.data, width, height, 4 * width, QImage.Format.Format_ARGB32)
            mode = QPainter.CompositionMode.CompositionMode_SourceOver
        scale = LOGICAL_SIZE / max(height, width)
        target = QRectF((LOGICAL_SIZE - width * scale) / 2, (LOGICAL_SIZE - height * scale) / 2,
                        width * scale, height * scale)
        painter = QPainter(self.image)
        painter.setTransform(self.transform)
        painter.setCompositionMode(mode)
        painter.drawImage(target, source)
        painter.end()

    def clear(self) -> None:
        self.image.fill(self.background if self.background is not None else Qt.GlobalColor.transparent)


_pens: dict[tuple[int, float], QPen] = {}


def _pen(colour: QColor, width: float) -> QPen:
    key = (colour.rgba(), width)
    pen = _pens.get(key)
    if pen is None:
        if len(_pens) > 256:  # pressure makes many widths; keep a few
            _pens.clear()
        pen = _pens[key] = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin)
    return pen


_history_keys = itertools.count(1)


class _PadCommand(QUndoCommand):
    """A step of the pad's history. ``key`` names the drawing it leaves (see
    ``DrawingCanvas.history_key``): new for each command, the same on every redo."""

    def __init__(self, canvas: DrawingCanvas, text: str):
        super().__init__(text)
        self.canvas = canvas
        self.key, self.key_before = next(_history_keys), canvas.history_key

    def redo(self):
        self.canvas.history_key = self.key

    def undo(self):
        self.canvas.history_key = self.key_before


class _AddStroke(_PadCommand):
    def __init__(self, canvas: DrawingCanvas, stroke: Stroke | PlacedImage, painted: bool = True,
                 text: str | None = None):
        if text is None:  # the undo and redo actions name the command
            text = (QCoreApplication.translate("DrawingCanvas", "Erase") if stroke.erase
                    else QCoreApplication.translate("DrawingCanvas", "Stroke"))
        super().__init__(canvas, text)
        # ``painted``: a stroke drawn by hand is on the layers before it is pushed.
        self.stroke, self.painted = stroke, painted

    def redo(self):
        super().redo()
        strokes = self.canvas.strokes
        strokes.append(self.stroke)
        if not self.painted:
            for layer in self.canvas._layers():
                self.stroke.paint_on(layer)
            self.canvas.update()
        self.painted = False
        for layer in self.canvas._layers():
            layer.checkpoint(len(strokes), self.stroke)
        self.canvas._changed()

    def undo(self):
        super().undo()
        self.canvas.strokes.pop()
        self.canvas._rebuild()


class _Clear(_PadCommand):
    def __init__(self, canvas: DrawingCanvas):
        super().__init__(canvas, QCoreApplication.translate("DrawingCanvas", "Clear"))
        self.cleared = list(canvas.strokes)

    def redo(self):
        super().redo()
        if self.cleared:  # the drawing as a checkpoint: undoing the clear costs no repaint
            for layer in self.canvas._layers():
                layer.keep(len(self.cleared), self.cleared[-1])
        self.canvas.strokes = []
        self.canvas._rebuild()

    def undo(self):
        super().undo()
        self.canvas.strokes = list(self.cleared)
        self.canvas._rebuild()


class ReadingPace:
    """When the pad may read the drawing again while the pen moves: a token bucket that
    earns one reading per FRAME_MS and holds at most READING_BURST.

    Spacing readings at least a frame apart from the last one instead would lock them to
    its phase: a pointer that moves once a frame, a little late after a reading that was
    itself late (a stroke's first move, say, comes right after the press was read), waits
    most of a frame, move after move. The bucket gives a fast pointer the same one reading
    a frame on average, and a steady one no wait at all."""

    def __init__(self, frame_ms: float = FRAME_MS, burst: int = READING_BURST):
        self.frame_ms, self.burst = frame_ms, burst
        self._credit, self._at = float(burst), None

    def _earned(self, now_ms: float) -> float:
        if self._at is None:
            return self._credit
        return min(self.burst, self._credit + (now_ms - self._at) / self.frame_ms)

    def wait_ms(self, now_ms: float) -> int:
        """How long from ``now_ms`` until a reading may be taken."""
        missing = 1.0 - self._earned(now_ms)
        return math.ceil(missing * self.frame_ms) if missing > 0 else 0

    def spend(self, now_ms: float) -> None:
        """A reading is taken at ``now_ms`` (one that did not wait, after an undo or at a
        stroke's end, also counts; the credit never goes below none)."""
        self._credit, self._at = max(0.0, self._earned(now_ms) - 1.0), now_ms


class DrawingCanvas(QWidget):
    """A square pad to draw digits on with a mouse, a stylus or a finger.

    Left button (or a stylus tip) draws, the right button (or a stylus's eraser end)
    erases, as does the left button while ``eraser`` is on. ``undo_stack`` holds one
    command per stroke and per clear, the latest ``history_limit`` (HISTORY_LIMIT).
    """

    image_changed = Signal(object)  # (280, 280) uint8, ink high; coalesced per event-loop turn
    # (count): the oldest undo steps about to go (HISTORY_LIMIT), sent before the new
    # step's indexChanged, so whoever follows the stack can drop theirs first.
    history_trimmed = Signal(int)
    brush_size_changed = Signal(int)
    eraser_changed = Signal(bool)

    def __init__(self, parent=None, history_limit: int | None = None):
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setMouseTracking(True)  # for the brush outline under the pointer
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)
        self.setCursor(Qt.CursorShape.CrossCursor)
        # Every pointer position reaches the pad: X11 and others otherwise merge the motion
        # events that queue up while a reading runs, and a fast stroke loses its shape. (Set
        # on the running application: its constructor resets these.)
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_CompressHighFrequencyEvents, False)
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_CompressTabletEvents, False)

        self.strokes: list[Stroke | PlacedImage] = []
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(HISTORY_LIMIT if history_limit is None else history_limit)
        # Names the drawing on the pad: each undo step leaves its own, a redo the same
        # again (0: the blank pad the app starts with).
        self.history_key = 0
        # The rasteriser's view of ``strokes`` (None for a placed picture), kept in step
        # with it at its end, so a reading does not visit every stroke.
        self._pens: list[PenStroke | None] = []
        self._pens_of: list[Stroke | PlacedImage] = []
        self._placed_pens = 0
        self._brush_size = DEFAULT_BRUSH
        self._eraser = False
        self._active: Stroke | None = None
        self._before_stroke: list[tuple[_Layer, QImage]] = []  # the layers at pen-down
        self._hover: QPointF | None = None
        self._macro_depth = 0

        # The classifier's layer: white ink on black, one byte a pixel.
        image = QImage(LOGICAL_SIZE, LOGICAL_SIZE, QImage.Format.Format_Grayscale8)
        image.fill(0)
        self._model_layer = _Layer(image, QTransform(), QColor(255, 255, 255), QColor(0, 0, 0))
        self._screen_layer: _Layer | None = None  # made to the widget's size on resize
        self._paper: QImage | None = None  # the pad and its guide, drawn once per size
        self._overlay: QImage | None = None  # a picture between the pad and the ink
        self._overlay_pixels: np.ndarray | None = None  # what it was made from

        # Readings follow the drawing at most once a frame, after the pointer events that
        # queued up are painted: a slow reading never holds back the ink.
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._emit_timer.timeout.connect(self._emit_image)
        self._pace = ReadingPace()
        self._clock = QElapsedTimer()
        self._clock.start()

    # ------------------------------------------------------------------ properties

    @property
    def brush_size(self) -> int:
        return self._brush_size

    def set_brush_size(self, size: int) -> None:
        size = int(min(MAX_BRUSH, max(MIN_BRUSH, size)))
        if size != self._brush_size:
            self._brush_size = size
            self._update_hover(self._hover)
            self.brush_size_changed.emit(size)

    def grow_brush(self) -> None:
        self.set_brush_size(self._brush_size + BRUSH_STEP)

    def shrink_brush(self) -> None:
        self.set_brush_size(self._brush_size - BRUSH_STEP)

    @property
    def eraser(self) -> bool:
        return self._eraser

    def set_eraser(self, on: bool) -> None:
        if on != self._eraser:
            self._eraser = on
            self._update_hover(self._hover)
            self.eraser_changed.emit(on)

    def is_empty(self) -> bool:
        return not self.strokes and self._active is None

    def clear(self) -> None:
        self._finish_stroke()
        if self.strokes:
            self._push(_Clear(self))

    def _push(self, command: QUndoCommand) -> None:
        self._trim_history()
        self.undo_stack.push(command)

    def _trim_history(self) -> None:
        """Say how many of the oldest steps the next one pushes out (QUndoStack drops
        them itself, past its undo limit); nothing inside a macro, which is one step."""
        stack = self.undo_stack
        if self._macro_depth == 0:
            dropped = stack.index() + 1 - stack.undoLimit()
            if stack.undoLimit() and dropped > 0:
                self.history_trimmed.emit(dropped)

    def history_bytes(self) -> int:
        """About how much memory the undo history holds: the strokes its steps keep
        (those on the pad too) and the steps themselves."""
        stack = self.undo_stack
        strokes: dict[int, Stroke | PlacedImage] = {}
        total = 0
        for index in range(stack.count()):
            command = stack.command(index)
            commands = [command] + [command.child(i) for i in range(command.childCount())]
            for step in commands:
                total += _COMMAND_BYTES
                if isinstance(step, _AddStroke):
                    strokes[id(step.stroke)] = step.stroke
                elif isinstance(step, _Clear):
                    total += 8 * len(step.cleared)
                    strokes.update((id(stroke), stroke) for stroke in step.cleared)
        return total + sum(_stroke_bytes(stroke) for stroke in strokes.values())

    def place_image(self, ink: np.ndarray) -> None:
        """Replace the drawing with an image (2-D, uint8 ink high, e.g. a 28 x 28 MNIST
        digit), scaled to fill the pad; one undo brings the drawing back."""
        ink = np.asarray(ink)
        if ink.ndim != 2 or ink.dtype != np.uint8 or min(ink.shape) < 1:
            raise ValueError(f"expected a 2-D uint8 image, got {ink.dtype} {ink.shape}")
        self._finish_stroke()
        self._trim_history()
        self.undo_stack.beginMacro(self.tr("Place Digit"))
        self._macro_depth += 1
        self.clear()
        self.undo_stack.push(_AddStroke(self, PlacedImage(ink.copy()), painted=False,
                                        text=self.tr("Place Digit")))
        self._macro_depth -= 1
        self.undo_stack.endMacro()

    # ------------------------------------------------------------------ geometry

    def pad_rect(self) -> QRectF:
        """Where the pad is drawn, in widget pixels: the largest centred square, on whole
        pixels so the screen layer lands on them unblurred."""
        side = max(1, min(self.width(), self.height()) - 2 * PAD_MARGIN)
        return QRectF((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def logical_to_widget(self) -> QTransform:
        pad = self.pad_rect()
        scale = pad.width() / LOGICAL_SIZE
        return QTransform(scale, 0, 0, scale, pad.x(), pad.y())

    def to_logical(self, point: QPointF) -> QPointF:
        return self.logical_to_widget().inverted()[0].map(point)

    def to_widget(self, point: QPointF) -> QPointF:
        return self.logical_to_widget().map(point)

    def sizeHint(self) -> QSize:
        return QSize(560, 560)

    # ------------------------------------------------------------------ the image

    def image(self) -> np.ndarray:
        """The drawing as the classifier reads it: (280, 280) uint8, ink high, with the
        stroke in progress right up to the pen."""
        source = self._model_layer.image
        if self._active is not None:
            source = source.copy()
            _Layer(source, QTransform(), self._model_layer.ink,
                   self._model_layer.background).paint([self._active.tail()], self._active.erase)
        return _grey_array(source)

    def pen_strokes(self) -> list[PenStroke] | None:
        """The drawing as strokes in logical pixels, the one in progress last, for the
        rasteriser; None when a placed picture is part of it (that is read as pixels)."""
        pens, sources, strokes = self._pens, self._pens_of, self.strokes
        # Where the list made last time and the strokes part (see _Layer.checkpoints for
        # why the last stroke in common names all below it).
        shared = min(len(sources), len(strokes))
        while shared and sources[shared - 1] is not strokes[shared - 1]:
            shared -= 1
        if shared < len(sources):
            self._placed_pens -= sum(pen is None for pen in pens[shared:])
            del pens[shared:], sources[shared:]
        for stroke in strokes[shared:]:
            pen = stroke.pen_stroke() if isinstance(stroke, Stroke) else None
            self._placed_pens += pen is None
            pens.append(pen)
            sources.append(stroke)
        if self._placed_pens:
            return None
        drawing: list[PenStroke] = list(pens)  # type: ignore[arg-type]  # no None: none placed
        if self._active is not None:
            drawing.append(self._active.pen_stroke())
        return drawing

    # ------------------------------------------------------------------ strokes

    def begin_stroke(self, point: QPointF, erase: bool = False, pressure: float | None = None):
        """Put the pen down at ``point`` (widget pixels)."""
        self._finish_stroke()
        if self.is_empty():  # the invitation goes at once, not piece by piece under the ink
            self.update(self.pad_rect().toAlignedRect())
        # The layers as they are now: at pen-up the stroke is painted again whole, as an
        # undo repaints it, so cached and repainted pictures stay exactly alike.
        self._before_stroke = [(layer, layer.image.copy()) for layer in self._layers()]
        self._active = Stroke(width=float(self._brush_size), erase=erase or self._eraser)
        self._active.points.append(self.to_logical(point))
        self._active.factors.append(_pressure_factor(pressure))
        self._update_logical(self._active.tail())
        self._changed()

    def extend_stroke(self, point: QPointF, pressure: float | None = None) -> None:
        stroke = self._active
        if stroke is None:
            return
        logical = self.to_logical(point)
        step = logical - stroke.points[-1]
        if abs(step.x()) + abs(step.y()) < MIN_POINT_DISTANCE:
            return
        old_tail = stroke.tail()
        stroke.points.append(logical)
        stroke.factors.append(_pressure_factor(pressure))
        piece = stroke.piece(len(stroke.points) - 1)
        self._paint_on_layers([piece], stroke.erase)
        self._update_logical(old_tail, piece, stroke.tail())
        self._changed()

    def end_stroke(self) -> None:
        stroke = self._active
        if stroke is None:
            return
        self._active = None
        stroke.finish()
        before, self._before_stroke = self._before_stroke, []
        for layer in self._layers():
            # A layer made since pen-down (a resize) has none of the stroke yet.
            layer.image = next((image for owner, image in before if owner is layer), layer.image)
            stroke.paint_on(layer)
        self.update(self.pad_rect().toAlignedRect())
        self._push(_AddStroke(self, stroke))

    def _finish_stroke(self) -> None:
        if self._active is not None:
            self.end_stroke()

    def _layers(self) -> list[_Layer]:
        return [layer for layer in (self._model_layer, self._screen_layer) if layer is not None]

    def _paint_on_layers(self, pieces, erase: bool) -> None:
        for layer in self._layers():
            layer.paint(pieces, erase)

    def _rebuild(self) -> None:
        """Paint every stroke again from scratch (after undo or clear)."""
        self._rebuild_layer(self._model_layer)
        self._rebuild_layer(self._screen_layer)
        self.update()
        self._changed()

    def _rebuild_layer(self, layer: _Layer | None) -> None:
        if layer is not None:
            start = layer.restore_checkpoint(self.strokes)
            for count in range(start + 1, len(self.strokes) + 1):
                self.strokes[count - 1].paint_on(layer)
                if count % CHECKPOINT_EVERY == 0 and count > len(self.strokes) - CHECKPOINT_EVERY * KEPT_CHECKPOINTS:
                    layer.checkpoint(count, self.strokes[count - 1])

    def _changed(self) -> None:
        """Announce the change soon: within this event-loop turn after an undo, a clear or
        a finished stroke; while the pen moves, at most once a frame."""
        if self._active is None:
            self._emit_timer.start(0)
        elif not self._emit_timer.isActive():
            self._emit_timer.start(self._pace.wait_ms(self._clock.elapsed()))

    def _emit_image(self) -> None:
        self._pace.spend(self._clock.elapsed())
        self.image_changed.emit(self.image())

    def flush(self) -> None:
        """Announce a pending change now instead of at the end of this event-loop turn
        (the stroke timeline reads each stroke the moment it is on the undo stack)."""
        if self._emit_timer.isActive():
            self._emit_timer.stop()
            self._emit_image()

    def set_overlay(self, rgba: np.ndarray | None) -> None:
        """Show ``rgba`` ((H, W, 4) uint8, not premultiplied, covering the whole logical
        square) on the pad under the ink, such as the evidence map; None removes it."""
        if rgba is None:
            if self._overlay is None:
                return
            self._overlay = self._overlay_pixels = None
        else:
            pixels = np.ascontiguousarray(rgba, np.uint8)
            height, width = pixels.shape[:2]
            # Converted once here rather than at every paint.
            self._overlay = QImage(pixels.data, width, height, 4 * width,
                                   QImage.Format.Format_RGBA8888).convertToFormat(
                QImage.Format.Format_ARGB32_Premultiplied)
            self._overlay_pixels = pixels
        self.update(self.pad_rect().toAlignedRect())

    def overlay(self) -> np.ndarray | None:
        return self._overlay_pixels

    # ------------------------------------------------------------------ painting

    def resizeEvent(self, event) -> None:
        ratio = self.devicePixelRatioF()
        side = max(1, round(self.pad_rect().width() * ratio))
        scale = side / ratio / LOGICAL_SIZE
        self._screen_layer = _Layer(self._new_image(side, ratio), QTransform.fromScale(scale, scale),
                                    INK, None)
        self._rebuild_layer(self._screen_layer)  # the drawing itself is unchanged
        self._paper = self._paint_paper(self._new_image(side, ratio), side / ratio)
        super().resizeEvent(event)

    @staticmethod
    def _new_image(side: int, ratio: float) -> QImage:
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        image.fill(Qt.GlobalColor.transparent)
        return image

    @staticmethod
    def _paint_paper(image: QImage, side: float) -> QImage:
        """The blank pad with its guide: a dashed box where a digit belongs."""
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(PAPER_EDGE, 1))
        painter.setBrush(PAPER)
        painter.drawRoundedRect(QRectF(0.5, 0.5, side - 1, side - 1), 6, 6)
        inset = side * GUIDE_MARGIN
        pen = QPen(GUIDE, 1.2, Qt.PenStyle.DashLine)
        pen.setDashPattern([6, 6])
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(inset, inset, side - 2 * inset, side - 2 * inset), 10, 10)
        painter.end()
        return image

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), BACKGROUND)
        pad = self.pad_rect()
        # Only the part that changed: a pen move repaints a few dozen pixels, not the pad.
        dirty = QRectF(event.rect()).intersected(pad)
        source = dirty.translated(-pad.topLeft())
        if self._paper is not None and not dirty.isEmpty():
            painter.drawImage(dirty, self._paper, _device_rect(source, self._paper))
            if self._overlay is not None:
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                scale = self._overlay.width() / pad.width()
                painter.drawImage(dirty, self._overlay, QRectF(
                    source.x() * scale, source.y() * scale, source.width() * scale,
                    source.height() * scale))
            painter.drawImage(dirty, self._screen_layer.image,
                              _device_rect(source, self._screen_layer.image))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.is_empty():
            self._paint_invitation(painter, pad)
        painter.setClipRect(pad)
        painter.setTransform(self.logical_to_widget())
        if self._active is not None and not self._active.erase:
            path, width = self._active.tail()
            painter.strokePath(path, _pen(INK, width))
        if self._hover is not None and self._active is None:
            self._paint_brush_outline(painter, self._hover)
        painter.end()

    def _paint_invitation(self, painter: QPainter, pad: QRectF) -> None:
        inset = pad.width() * GUIDE_MARGIN
        painter.setPen(GUIDE.darker(160))
        font = painter.font()
        font.setPointSizeF(max(10.0, pad.width() / 34))
        painter.setFont(font)
        painter.drawText(pad.adjusted(inset, inset, -inset, -inset), Qt.AlignmentFlag.AlignCenter,
                         self.tr("Draw a digit here"))

    def _paint_brush_outline(self, painter: QPainter, point: QPointF) -> None:
        pen = QPen(QColor(60, 70, 90, 150), 0)  # cosmetic: one pixel at any scale
        if self._eraser:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        radius = self._brush_size / 2
        painter.drawEllipse(point, radius, radius)

    def _update_logical(self, *pieces) -> None:
        """Repaint the widget rectangles covering these logical pieces."""
        transform = self.logical_to_widget()
        for path, width in pieces:
            margin = width / 2 + 1
            box = path.controlPointRect().adjusted(-margin, -margin, margin, margin)
            self.update(transform.mapRect(box).toAlignedRect().adjusted(-1, -1, 1, 1))

    def _update_hover(self, point: QPointF | None) -> None:
        radius = MAX_BRUSH / 2 + 2  # covers the old outline whatever its size was
        for old_or_new in (self._hover, point):
            if old_or_new is not None:
                box = QRectF(old_or_new.x() - radius, old_or_new.y() - radius, 2 * radius, 2 * radius)
                self.update(self.logical_to_widget().mapRect(box).toAlignedRect())
        self._hover = point

    # ------------------------------------------------------------------ pointer input

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self._update_hover(None)
            self.begin_stroke(event.position(), erase=event.button() == Qt.MouseButton.RightButton)
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._active is not None:
            self.extend_stroke(event.position())
        else:
            self._update_hover(self.to_logical(event.position()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            if self._active is not None:
                self.extend_stroke(event.position())
            self.end_stroke()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def leaveEvent(self, event) -> None:
        self._update_hover(None)
        super().leaveEvent(event)

    def tabletEvent(self, event) -> None:
        kind = event.type()
        if kind == event.Type.TabletPress:
            erase = event.pointerType() == QPointingDevice.PointerType.Eraser
            self.begin_stroke(event.position(), erase=erase, pressure=event.pressure())
        elif kind == event.Type.TabletMove:
            self.extend_stroke(event.position(), pressure=event.pressure())
        elif kind == event.Type.TabletRelease:
            self.end_stroke()
        event.accept()  # no synthesized mouse events: the stylus drew already


_COMMAND_BYTES = 400  # a QUndoCommand, its Python side and the timeline's entry header


def _stroke_bytes(stroke: Stroke | PlacedImage) -> int:
    if isinstance(stroke, PlacedImage):
        return stroke.ink.nbytes + 200
    # Per point: two doubles, a float factor and the PenStroke's two float32s and factor;
    # then the stroke, its arrays and its PenStroke.
    return len(stroke.points) * (16 + 8 + 8 + 12) + 900


def _pressure_factor(pressure: float | None) -> float:
    if pressure is None:  # a mouse: the nominal width
        return 1.0
    return PRESSURE_FLOOR + PRESSURE_GAIN * min(1.0, max(0.0, pressure))


def _device_rect(rect: QRectF, image: QImage) -> QRectF:
    """``rect`` in device pixels of ``image`` (which may be high-DPI)."""
    ratio = image.devicePixelRatio()
    return QRectF(rect.x() * ratio, rect.y() * ratio, rect.width() * ratio, rect.height() * ratio)


def _grey_array(image: QImage) -> np.ndarray:
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].copy()


# ------------------------------------------------------------------ drawing by program


def send_mouse(widget: QWidget, kind, point: QPointF, button, buttons) -> None:
    """Deliver one real mouse event, as the window system would."""
    event = QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def draw_strokes(canvas: DrawingCanvas, strokes, button=Qt.MouseButton.LeftButton) -> None:
    """Draw strokes of unit-box points (see ``digitpad.samples``) by sending the canvas the
    mouse press, moves and release a hand would make."""
    for stroke in strokes:
        points = [canvas.to_widget(QPointF(x * LOGICAL_SIZE, y * LOGICAL_SIZE)) for x, y in stroke]
        send_mouse(canvas, QMouseEvent.Type.MouseButtonPress, points[0], button, button)
        for point in points[1:]:
            send_mouse(canvas, QMouseEvent.Type.MouseMove, point, Qt.MouseButton.NoButton, button)
        send_mouse(canvas, QMouseEvent.Type.MouseButtonRelease, points[-1], button,
                   Qt.MouseButton.NoButton)
