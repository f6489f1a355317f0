"""What the window tests share: drawing with the mouse and waiting for the reading, the
digit shown, and the live weights as a comparable state."""

import torch
from PySide6.QtWidgets import QApplication, QLabel

from digitpad.ui.canvas import draw_strokes


def shown_digit(window) -> str:
    return window.findChild(QLabel, "prediction").text()


def draw(window, strokes, qtbot):
    before = window.session.prediction
    draw_strokes(window.canvas, strokes)
    qtbot.waitUntil(lambda: window.session.prediction is not before)
    QApplication.processEvents()


def state_of(window):
    return {k: v.clone() for k, v in window.session.classifier.model.state_dict().items()}


def same_state(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def bring_forward(panel, qtbot) -> None:
    """A dock behind a tab to the front, as its tab's click does, and wait until it has
    caught up with the live network (a hidden panel builds nothing)."""
    panel.raise_()
    qtbot.waitUntil(lambda: getattr(panel, "waiting", None) is None)


def show_maps_and_parameters(window) -> None:
    """The feature maps above the parameters, both on screen (by default both are tabs
    behind the network view, and a dock behind a tab draws no prediction)."""
    from PySide6.QtCore import Qt

    window.removeDockWidget(window.parameters)  # out of the tab group, under it
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.parameters,
                         Qt.Orientation.Vertical)
    window.parameters.show()
    window.feature_maps.raise_()
    QApplication.processEvents()
