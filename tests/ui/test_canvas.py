"""The drawing pad on its own, driven by real mouse and tablet events."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from digitpad.samples import sample
from digitpad.ui.canvas import FRAME_MS, LOGICAL_SIZE, DrawingCanvas, ReadingPace, draw_strokes

from .conftest import ink

ACROSS = [np.array([[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]])]  # a line through the middle


@pytest.fixture
def canvas(qtbot):
    pad = DrawingCanvas()
    qtbot.addWidget(pad)
    pad.resize(420, 420)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def test_a_stroke_inks_the_image_and_announces_it_once_per_turn(canvas, qtbot):
    announced = []
    canvas.image_changed.connect(announced.append)
    four = sample(4)
    draw_strokes(canvas, four.strokes)  # hundreds of moves, all before the event loop runs
    assert announced == []
    qtbot.waitUntil(lambda: len(announced) == 1)
    QApplication.processEvents()
    assert len(announced) == 1  # coalesced: one image for the whole burst
    image = announced[0]
    assert image.shape == (LOGICAL_SIZE, LOGICAL_SIZE) and image.dtype == np.uint8
    assert np.array_equal(image, canvas.image())
    assert len(canvas.strokes) == len(four.strokes)
    # The ink is where the sample went: the 4's stem crosses the pad's lower half.
    assert ink(image[160:240, 150:190]) > 500
    assert ink(image[:30]) == 0 and ink(image[:, :40]) == 0


def pen_readings(pace: ReadingPace, move_times_ms) -> list[float]:
    """When the pad reads the drawing for pointer moves at these times, as the canvas asks
    ``pace``: a move finds a reading pending, or schedules one after ``wait_ms``."""
    readings, due = [], None
    for now in move_times_ms:
        if due is not None and due <= now:
            pace.spend(due)
            readings.append(due)
            due = None
        if due is None:
            due = now + pace.wait_ms(now)
    return readings


def test_a_pointer_moving_once_a_frame_is_read_at_once():
    # The stroke before ended and this one's press was read just now; then the pointer moves
    # every 16.7 ms. Readings spaced a frame after the last one waited ~15 ms at first.
    pace = ReadingPace()
    pace.spend(0.0)  # the last stroke's end
    moves = [0.3 + 16.7 * k for k in range(60)]  # the press, then the moves
    readings = pen_readings(pace, [*moves, moves[-1] + 100])
    assert readings == moves


def test_a_fast_pointer_is_read_once_a_frame_on_average():
    pace = ReadingPace()
    readings = pen_readings(pace, [float(ms) for ms in range(2001)])  # a move each millisecond
    assert abs(len(readings) - 2000 / FRAME_MS) <= 3
    gaps = np.diff(readings)
    assert gaps.min() >= 0 and np.median(gaps) >= FRAME_MS - 1


def test_the_image_follows_the_pen_mid_stroke(canvas, qtbot):
    widget = canvas.to_widget
    from digitpad.ui.canvas import send_mouse

    left = Qt.MouseButton.LeftButton
    send_mouse(canvas, QTabletEvent.Type.MouseButtonPress, widget(QPointF(40, 140)), left, left)
    for x in range(44, 240, 4):
        send_mouse(canvas, QTabletEvent.Type.MouseMove, widget(QPointF(x, 140)),
                   Qt.MouseButton.NoButton, left)
    image = canvas.image()  # pen still down
    assert image[140, 238] > 200  # inked right up to the pen, not a segment behind it
    assert canvas.is_empty() is False and canvas.strokes == []


def test_undo_and_redo_go_stroke_by_stroke(canvas):
    draw_strokes(canvas, sample(4).strokes)  # two strokes
    both = canvas.image()
    draw_strokes(canvas, sample(4).strokes[:1])
    canvas.undo_stack.undo()
    assert np.array_equal(canvas.image(), both)
    canvas.undo_stack.undo()
    first_only = canvas.image()
    assert 0 < ink(first_only) < ink(both)
    canvas.undo_stack.undo()
    assert ink(canvas.image()) == 0 and canvas.is_empty()
    canvas.undo_stack.redo()
    assert np.array_equal(canvas.image(), first_only)
    canvas.undo_stack.redo()
    assert np.array_equal(canvas.image(), both)


class PaintCounter(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):
        self.count += event.type() == QEvent.Type.Paint
        return False


def test_undo_and_redo_repaint_the_pad(canvas, qtbot):
    draw_strokes(canvas, sample(1).strokes)
    QApplication.processEvents()
    paints = PaintCounter(canvas)
    on_the_stem = canvas.to_widget(QPointF(142, 84)).toPoint()  # above the invitation text
    for step, ink_shown in ((canvas.undo_stack.undo, False), (canvas.undo_stack.redo, True)):
        before = paints.count
        step()
        QApplication.processEvents()
        assert paints.count > before  # the widget was asked to repaint
        lightness = canvas.grab().toImage().pixelColor(on_the_stem).lightness()
        assert (lightness < 80) if ink_shown else (lightness > 200)


def test_clear_is_undoable(canvas):
    draw_strokes(canvas, sample(8).strokes)
    drawn = canvas.image()
    canvas.clear()
    assert ink(canvas.image()) == 0 and canvas.strokes == []
    canvas.undo_stack.undo()
    assert np.array_equal(canvas.image(), drawn)
    canvas.clear()
    canvas.clear()  # clearing an empty pad adds nothing to undo
    assert canvas.undo_stack.count() == 2


def test_the_right_button_erases(canvas):
    draw_strokes(canvas, sample(0).strokes)
    before = canvas.image()
    draw_strokes(canvas, ACROSS, button=Qt.MouseButton.RightButton)
    after = canvas.image()
    assert canvas.strokes[-1].erase
    assert ink(after) < ink(before) - 200
    assert after[140, 70:210].max() == 0  # wiped through the middle
    assert np.array_equal(after[:100], before[:100])  # and nowhere else


def test_the_eraser_toggle_makes_the_left_button_erase(canvas):
    draw_strokes(canvas, sample(0).strokes)
    before = canvas.image()
    canvas.set_eraser(True)
    draw_strokes(canvas, ACROSS)
    assert canvas.strokes[-1].erase and ink(canvas.image()) < ink(before) - 200
    canvas.set_eraser(False)
    draw_strokes(canvas, ACROSS)
    assert not canvas.strokes[-1].erase and canvas.image()[140, 70:210].min() > 200


def test_the_eraser_shows_on_screen(canvas, qtbot):
    draw_strokes(canvas, sample(1).strokes)
    centre = canvas.to_widget(QPointF(140, 140)).toPoint()
    assert canvas.grab().toImage().pixelColor(centre).lightness() < 80
    draw_strokes(canvas, ACROSS, button=Qt.MouseButton.RightButton)
    assert canvas.grab().toImage().pixelColor(centre).lightness() > 200


def test_resizing_never_distorts_the_drawing(canvas, qtbot):
    draw_strokes(canvas, sample(7).strokes)
    image = canvas.image()

    def ink_box_on_screen():
        shot = canvas.grab().toImage()
        pad = canvas.pad_rect()
        dark = np.array([[shot.pixelColor(int(pad.x() + fx * pad.width()),
                                          int(pad.y() + fy * pad.height())).lightness() < 100
                          for fx in np.linspace(0.005, 0.995, 100)]
                         for fy in np.linspace(0.005, 0.995, 100)])
        rows, cols = np.flatnonzero(dark.any(1)), np.flatnonzero(dark.any(0))
        return rows[0], rows[-1], cols[0], cols[-1]

    square = ink_box_on_screen()
    canvas.resize(900, 380)  # wide and short
    qtbot.waitUntil(lambda: canvas.width() == 900)
    assert np.array_equal(canvas.image(), image)  # the classifier sees the same drawing
    assert np.abs(np.subtract(ink_box_on_screen(), square)).max() <= 1  # same shape on screen


def test_brush_size_is_clamped_and_draws_wider(canvas):
    canvas.set_brush_size(1000)
    assert canvas.brush_size == 48
    canvas.set_brush_size(-5)
    assert canvas.brush_size == 6
    draw_strokes(canvas, ACROSS)
    thin = ink(canvas.image())
    canvas.clear()
    canvas.grow_brush()
    canvas.grow_brush()
    assert canvas.brush_size == 10
    draw_strokes(canvas, ACROSS)
    assert ink(canvas.image()) > 1.4 * thin


def test_a_click_leaves_a_dot(canvas):
    draw_strokes(canvas, [np.array([[0.5, 0.5]])])
    image = canvas.image()
    assert image[140, 140] == 255 and 200 < ink(image) < 600


def _stylus():
    return QPointingDevice("test stylus", 1, QInputDevice.DeviceType.Stylus,
                           QPointingDevice.PointerType.Pen,
                           QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                           1, 2)


def _tablet_stroke(canvas, device, pressure, y):
    events = [(QTabletEvent.Type.TabletPress, 40)] + [
        (QTabletEvent.Type.TabletMove, x) for x in range(44, 240, 4)] + [
        (QTabletEvent.Type.TabletRelease, 240)]
    for kind, x in events:
        point = canvas.to_widget(QPointF(x, y))
        event = QTabletEvent(kind, device, point, canvas.mapToGlobal(point), pressure, 0, 0, 0, 0,
                             0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                             Qt.MouseButton.LeftButton)
        QApplication.sendEvent(canvas, event)


def test_stylus_pressure_sets_the_width(canvas):
    device = _stylus()
    _tablet_stroke(canvas, device, 0.15, y=80)
    _tablet_stroke(canvas, device, 1.0, y=200)
    image = canvas.image()
    light, firm = ink(image[:140]), ink(image[140:])
    assert len(canvas.strokes) == 2
    assert firm > 2 * light > 0


def test_the_guide_and_invitation_show_on_an_empty_pad(canvas):
    shot = canvas.grab().toImage()
    pad = canvas.pad_rect()
    guide_corner = canvas.to_widget(QPointF(LOGICAL_SIZE * 0.5, LOGICAL_SIZE * 0.14)).toPoint()
    paper = shot.pixelColor(int(pad.x() + 5), int(pad.y() + 5))
    assert paper == QColor("#ffffff")
    # the dashed guide's top edge is faintly darker than the paper somewhere along it
    edge = [shot.pixelColor(guide_corner.x() + dx, guide_corner.y()).lightness() for dx in range(12)]
    assert 150 < min(edge) < 255


def test_a_placed_image_replaces_the_drawing_until_undone(canvas, qtbot, mnist_dir):
    from digitpad.data import load_mnist
    from digitpad.preprocess import preprocess

    digit = load_mnist(mnist_dir, "test").images[0]  # a 7
    draw_strokes(canvas, ACROSS)
    drawn = canvas.image()
    canvas.place_image(digit)
    image = canvas.image()
    assert image.shape == (LOGICAL_SIZE, LOGICAL_SIZE)
    # Each MNIST pixel becomes a 10 x 10 block, so the network reads nearly that digit.
    assert np.array_equal(image[::10, ::10], digit)
    steps = preprocess(image)
    assert np.abs(steps.centred - digit / 255).mean() < 0.03
    shown = canvas.grab().toImage()
    centre = canvas.to_widget(QPointF(14.5 * 10, 14.5 * 10)).toPoint()
    assert (QColor(shown.pixel(centre)).lightness() < 128) == (digit[14, 14] > 128)

    draw_strokes(canvas, ACROSS)  # drawing on top of it, like on any drawing
    assert ink(canvas.image()) > ink(image)
    canvas.undo_stack.undo()
    assert np.array_equal(canvas.image(), image)
    canvas.undo_stack.undo()  # one step brings the earlier drawing back
    assert np.array_equal(canvas.image(), drawn)
    canvas.undo_stack.redo()
    assert np.array_equal(canvas.image(), image)


def test_placing_something_that_is_no_image_is_refused(canvas):
    for bad in (np.zeros((28, 28, 28), np.uint8), np.zeros((28, 28), np.float32), np.zeros((0, 5), np.uint8)):
        with pytest.raises(ValueError, match="2-D uint8"):
            canvas.place_image(bad)
    assert canvas.is_empty() and canvas.undo_stack.count() == 0
