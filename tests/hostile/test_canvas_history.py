"""A pad with thousands of strokes (issue 17, case 14): undo repaints from a cached layer,
so its cost does not grow with the strokes drawn, and the picture stays exact."""

import gc

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from digitpad.ui import canvas as canvas_module
from digitpad.ui.canvas import CHECKPOINT_EVERY, DrawingCanvas


@pytest.fixture(scope="module", autouse=True)
def no_automatic_garbage_collection():
    gc.disable()
    yield
    gc.enable()


@pytest.fixture
def pad(qtbot):
    canvas = DrawingCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(400, 400)
    canvas.show()
    qtbot.waitExposed(canvas)
    return canvas


def draw(canvas, count, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        x, y = rng.uniform(60, 340, 2)
        canvas.begin_stroke(QPointF(x, y), erase=bool(rng.random() < 0.2))
        for dx, dy in rng.uniform(-30, 30, (4, 2)):
            canvas.extend_stroke(QPointF(x + dx, y + dy))
        canvas.end_stroke()


def from_scratch(canvas):
    """The layers painted again from a blank pad, as before caching."""
    for layer in canvas._layers():
        layer.checkpoints.clear()
    canvas._rebuild()
    return canvas.image().copy()


def count_paints(monkeypatch):
    painted = []
    real = canvas_module.Stroke.paint_on
    monkeypatch.setattr(canvas_module.Stroke, "paint_on",
                        lambda self, layer: (painted.append(self), real(self, layer))[1])
    return painted


def test_undo_repaints_a_bounded_number_of_strokes(pad, monkeypatch):
    draw(pad, 600)
    painted = count_paints(monkeypatch)
    for _ in range(50):
        painted.clear()
        pad.undo_stack.undo()
        assert len(painted) <= 2 * CHECKPOINT_EVERY  # two layers, fewer than 16 strokes each
    for _ in range(20):
        pad.undo_stack.redo()


@pytest.mark.parametrize("strokes,undos", [(100, 1), (100, 37), (250, 130), (40, 40)])
def test_undo_from_a_checkpoint_gives_the_exact_picture(pad, strokes, undos):
    draw(pad, strokes)
    for _ in range(undos):
        pad.undo_stack.undo()
    cached = pad.image().copy()
    assert len(pad.strokes) == strokes - undos
    np.testing.assert_array_equal(cached, from_scratch(pad))


def test_undo_after_clear_and_new_strokes_is_exact(pad):
    draw(pad, 70)
    pad.clear()
    pad.undo_stack.undo()  # the 70 back
    for _ in range(5):
        pad.undo_stack.undo()
    draw(pad, 20, seed=1)  # a different drawing on the same first 65 strokes
    for _ in range(9):
        pad.undo_stack.undo()
    cached = pad.image().copy()
    np.testing.assert_array_equal(cached, from_scratch(pad))


def test_resizing_keeps_the_picture(pad, qtbot):
    draw(pad, 40)
    before = pad.image().copy()
    pad.resize(520, 520)
    qtbot.wait(10)
    pad.undo_stack.undo()
    pad.undo_stack.redo()
    np.testing.assert_array_equal(pad.image(), before)


def test_undo_after_a_clear_of_a_bigger_drawing_stays_bounded(pad, monkeypatch):
    # The checkpoints used to be kept by stroke count, so those of a bigger drawing
    # cleared earlier pushed out the current drawing's: every undo repainted everything.
    draw(pad, 300)
    pad.clear()
    draw(pad, 200, seed=1)
    painted = count_paints(monkeypatch)
    for _ in range(60):
        painted.clear()
        pad.undo_stack.undo()
        assert len(painted) <= 2 * CHECKPOINT_EVERY
    np.testing.assert_array_equal(pad.image().copy(), from_scratch(pad))


def test_undoing_a_clear_repaints_nothing(pad, monkeypatch):
    draw(pad, 150)
    before = pad.image().copy()
    pad.clear()
    draw(pad, 10, seed=2)
    for _ in range(10):
        pad.undo_stack.undo()
    painted = count_paints(monkeypatch)
    pad.undo_stack.undo()  # the clear
    assert len(pad.strokes) == 150 and painted == []
    np.testing.assert_array_equal(pad.image(), before)


def test_a_finished_stroke_is_painted_whole_with_one_path_per_width():
    from digitpad.ui.canvas import Stroke

    stroke = Stroke(width=10.0, erase=False)
    for index in range(50):
        stroke.points.append(QPointF(float(index), float(index % 7)))
        stroke.factors.append(1.0 if index < 30 else 0.5)
    stroke.finish()
    runs = stroke.runs()
    assert [width for _, width in runs] == [10.0, 5.0]
    # The joined runs trace the same curve as the pieces painted while drawing.
    pieces = list(stroke.pieces())
    assert runs[0][0].pointAtPercent(0.0) == pieces[0][0].pointAtPercent(0.0)
    assert runs[-1][0].pointAtPercent(1.0) == pieces[-1][0].pointAtPercent(1.0)
