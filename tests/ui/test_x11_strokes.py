"""Drawing with real X11 pointer events (Xvfb + xdotool): fast strokes keep every point.

Offscreen Qt delivers every synthesized event; a real X server queues motion events while
the app is busy reading, and Qt would merge them. These tests run under Xvfb with
``QT_QPA_PLATFORM=xcb`` (``make test`` runs them that way) and skip elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication

from digitpad.samples import sample
from digitpad.ui.canvas import INK
from digitpad.ui.xpointer import screen_paths, xdotool_drawing
from digitpad.weights import shipped_weights_path

pytestmark = pytest.mark.skipif(
    os.environ.get("QT_QPA_PLATFORM") != "xcb" or not os.environ.get("DISPLAY")
    or shutil.which("xdotool") is None,
    reason="needs an X server (run under xvfb-run with QT_QPA_PLATFORM=xcb) and xdotool")

DIGIT = 8


@pytest.fixture
def busy_window(qtbot, settings):
    """The window with DeepCNN and the teaching docks open: each reading takes long."""
    from digitpad.ui.main_window import MainWindow

    win = MainWindow(settings=settings, weights=shipped_weights_path("DeepCNN"))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.move(0, 0)
    win.show()
    qtbot.waitExposed(win)
    for panel in (win.training, win.correction, win.evaluation):
        panel.show()
    qtbot.wait(300)
    return win


def draw_with_x(window, qtbot, strokes, seconds: float):
    window.canvas.clear()
    qtbot.wait(100)
    paths = screen_paths(window.canvas, strokes)
    process = subprocess.Popen(xdotool_drawing(paths, seconds))
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
    assert process.returncode == 0
    qtbot.waitUntil(lambda: window.canvas._active is None and len(window.canvas.strokes) == len(strokes),
                    timeout=10_000)
    qtbot.wait(200)  # the last reading
    return paths


def uncovered_share(window, paths) -> float:
    """The share of the sent pointer positions with no ink painted on the screen."""
    canvas = window.canvas
    picture = canvas.grab().toImage()
    ratio = picture.devicePixelRatio()
    missed = total = 0
    for path in paths:
        for point in path:
            local = canvas.mapFromGlobal(point)
            colour = picture.pixelColor(round(local.x() * ratio), round(local.y() * ratio))
            total += 1
            missed += colour.lightness() > (INK.lightness() + 255) // 2
    return missed / total


@pytest.mark.parametrize("seconds", [0.3, 0.7])
def test_a_fast_stroke_keeps_every_point_and_reads_as_a_slow_one(busy_window, qtbot, seconds):
    assert QGuiApplication.platformName() == "xcb"
    strokes = sample(DIGIT).strokes
    slow_paths = draw_with_x(busy_window, qtbot, strokes, 4.0)
    slow = busy_window.session.prediction
    slow_points = [len(s.points) for s in busy_window.canvas.strokes]
    assert uncovered_share(busy_window, slow_paths) == 0

    fast_paths = draw_with_x(busy_window, qtbot, strokes, seconds)
    fast = busy_window.session.prediction
    fast_points = [len(s.points) for s in busy_window.canvas.strokes]
    assert uncovered_share(busy_window, fast_paths) == 0
    # Every position sent arrived (the pad drops only repeats closer than half a pixel).
    assert fast_points == slow_points
    assert fast.digit == slow.digit
    assert np.abs(fast.model_input - slow.model_input).max() < 1e-5
