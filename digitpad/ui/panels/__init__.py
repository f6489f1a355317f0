"""Dock panels of the main window, one module each.

The interface every panel keeps (the main window relies on nothing else):

- It is a ``QDockWidget`` subclass in its own module here, and sets its ``objectName``
  (saved dock layouts and tests find it by that name).
- ``set_classifier(classifier)`` is called when the model, its architecture, its device
  or its weights changed: rebuild whatever depends on the model's structure. Read
  ``classifier.model`` freely; never run it.
- ``show_prediction(prediction)`` is called with every classification's
  ``digitpad.classifier.Prediction`` (also one without a digit, for an empty canvas):
  update the pyqtgraph items in place. It is called only while the panel is visible; a
  panel shown again gets the latest prediction.
- A panel that edits the model's parameters in place emits a Qt signal
  ``parameters_edited`` afterwards; the main window then classifies the current drawing
  again and every panel sees the new prediction.

The main window keeps them in ``self.panels``; adding a panel is one ``add_panel`` line.
``Panel`` below is a convenient base that does the common set-up.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QVBoxLayout, QWidget

# Images are (rows, columns) numpy arrays everywhere in digitpad.
pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)


class Panel(QDockWidget):
    """A dock panel: movable, floatable and closable, restorable from the View menu."""

    def __init__(self, title: str, object_name: str, parent=None):
        super().__init__(title, parent)
        self.setObjectName(object_name)
        self.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)

    def body_layout(self) -> QVBoxLayout:
        """A vertical layout for the panel's contents, already in the dock."""
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 12, 8)
        self.setWidget(body)
        return layout

    def set_classifier(self, classifier) -> None:
        raise NotImplementedError

    def show_prediction(self, prediction) -> None:
        raise NotImplementedError


def image_view(parent_layout: pg.GraphicsLayout, title: str | None = None) -> pg.ImageItem:
    """A square, fixed view of one image in a pyqtgraph layout (no mouse zoom or menu),
    pixels shown as crisp squares."""
    if title:
        parent_layout.addLabel(title, size="9pt", color="#4a5568")
        parent_layout.nextRow()
    view = parent_layout.addViewBox(lockAspect=True, invertY=True, enableMouse=False,
                                    enableMenu=False)
    item = pg.ImageItem()
    view.addItem(item)
    return item
