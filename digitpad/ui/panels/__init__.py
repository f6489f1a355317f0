"""Dock panels of the main window, one module each.

The interface every panel keeps (the main window relies on nothing else):

- It is a ``QDockWidget`` subclass in its own module here, and sets its ``objectName``
  (saved dock layouts and tests find it by that name).
- ``set_classifier(classifier)`` is called when the model, its architecture, its device
  or its weights changed: rebuild whatever depends on the model's structure. Read
  ``classifier.model`` freely; never run it on a drawing (the window's one forward pass
  per drawing serves every panel). Reading stored inputs again in one batch after the
  weights changed (``classifier.logits_batch``) is fine: the stroke timeline does.
- ``show_prediction(prediction)`` is called with every classification's
  ``digitpad.classifier.Prediction`` (also one without a digit, for an empty canvas):
  update the pyqtgraph items in place. It is called only while the panel is on screen
  (``on_screen()``: visible, not behind another dock's tab); a panel shown again gets
  the latest prediction.
- A panel that edits the model's parameters in place emits a Qt signal
  ``parameters_edited`` afterwards; the main window then calls every panel's
  ``weights_edited(edited)`` (``edited``: the names of the parameters that now differ
  from the weights as loaded), classifies the current drawing again and every panel sees
  the new prediction.
- ``shut_down()`` is called when the window closes: end any thread the panel started.
- ``needs_every_prediction = True`` asks for every prediction even while hidden (the
  stroke timeline records each stroke's reading); such a panel skips its drawing itself.

The main window keeps them in ``self.panels``; adding a panel is one ``add_panel`` line.
``Panel`` below is a convenient base that does the common set-up.
"""

from __future__ import annotations

from typing import Callable

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMenu, QVBoxLayout, QWidget

from ...models import NUM_CLASSES

# Images are (rows, columns) numpy arrays everywhere in digitpad.
pg.setConfigOptions(imageAxisOrder="row-major", antialias=True)

EXPLAINING = "#4a5568"  # the colour of a panel's explanations
AXIS = "#8a94a6"
AXIS_TEXT = "#2d3748"


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

    def on_screen(self) -> bool:
        """Shown and not behind another dock's tab (such a dock still says isVisible())."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def set_classifier(self, classifier) -> None:
        raise NotImplementedError

    def show_prediction(self, prediction) -> None:
        raise NotImplementedError

    needs_every_prediction = False

    def weights_edited(self, edited: frozenset[str]) -> None:
        """Parameters were changed in place; most panels just draw the next prediction."""

    def shut_down(self) -> None:
        """The window is closing: stop any background work (and wait for it)."""


def zero_channel_action(parent: QWidget, layer: str, channel: int,
                        zero: Callable[[str, int], None]) -> QAction:
    """The context-menu action that zeroes output channel ``channel`` of ``layer``."""
    action = QAction(QCoreApplication.translate(
        "Panel", "Zero channel {channel} of {layer} (weights and bias)").format(
        channel=channel, layer=layer), parent)
    action.triggered.connect(lambda: zero(layer, channel))
    return action


def pop_up(parent: QWidget, actions: list[QAction], position: QPoint) -> None:
    """A context menu of ``actions`` at ``position`` on the screen (none if empty)."""
    if actions:
        menu = QMenu(parent)
        menu.addActions(actions)
        menu.exec(position)


def text_label(text: str = "", object_name: str | None = None, *,
               explaining: bool = False) -> QLabel:
    """Word-wrapped rich text: a panel's results, or (``explaining``) what it is for."""
    label = QLabel(text)
    if object_name:
        label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    if explaining:
        label.setStyleSheet(f"color: {EXPLAINING};")
    return label


def probability_chart(object_name: str, top: float) -> pg.PlotWidget:
    """A fixed chart of the ten digits from 0 to ``top`` (1 is 100 %), for bars of
    probabilities: no mouse zoom or menu."""
    plot = pg.PlotWidget(background="w")
    plot.setObjectName(object_name)
    plot.setMouseEnabled(False, False)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setXRange(-0.6, NUM_CLASSES - 0.4, padding=0)
    plot.setYRange(0, top, padding=0)
    bottom, left = plot.getAxis("bottom"), plot.getAxis("left")
    bottom.setTicks([[(digit, str(digit)) for digit in range(NUM_CLASSES)]])
    left.setTicks([[(0, "0"), (0.5, "50 %"), (1, "100 %")]])
    left.setWidth(48)  # room for "100 %" from the first paint, not after an update
    for axis in (bottom, left):
        axis.setPen(AXIS)
        axis.setTextPen(AXIS_TEXT)
    plot.showGrid(y=True, alpha=0.15)
    return plot


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
