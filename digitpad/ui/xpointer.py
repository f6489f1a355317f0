"""Drawing on the pad with real X pointer events, through xdotool: what the X11 tests and
``benchmarks/window_replay.py`` use to draw as a person's mouse does (a real X server
queues and merges motion events; offscreen Qt delivers every synthesized one)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF

from .canvas import LOGICAL_SIZE


def screen_paths(canvas, strokes) -> list[list[QPoint]]:
    """Each stroke's points (x, y in 0..1 of the pad) in screen pixels."""
    return [[canvas.mapToGlobal(canvas.to_widget(QPointF(x * LOGICAL_SIZE, y * LOGICAL_SIZE)).toPoint())
             for x, y in stroke] for stroke in strokes]


def xdotool_drawing(paths: list[list[QPoint]], seconds: float) -> list[str]:
    """One xdotool command drawing the paths, the whole drawing in about ``seconds``."""
    count = sum(len(path) for path in paths)
    pause = f"{seconds / count:.4f}"
    command = ["xdotool"]
    for path in paths:
        command += ["mousemove", str(path[0].x()), str(path[0].y()), "mousedown", "1"]
        for point in path[1:]:
            command += ["sleep", pause, "mousemove", str(point.x()), str(point.y())]
        command += ["mouseup", "1"]
    return command
