"""Dock panels of the main window, one module each.

Where a new panel goes: a module here with a ``Panel`` subclass, and one ``add_panel``
line in ``MainWindow.create_panels``. The contract is the ``Panel`` class below:

- The constructor takes ``(session, parent)``: the app's ``AppSession`` (None for a panel
  made on its own, as tests do) and the parent widget. It sets its ``objectName`` (saved
  dock layouts and tests find it by that name).
- ``set_classifier(classifier)`` is called when the model, its architecture, its device
  or its weights changed: rebuild whatever depends on the model's structure. Read
  ``classifier.model`` freely; never run it on a drawing (the window's one forward pass
  per drawing serves every panel). Reading stored inputs again in one batch after the
  weights changed (``classifier.logits_batch``) is fine: the stroke timeline does.
- ``show_prediction(prediction)`` is called with every classification's
  ``digitpad.classifier.Prediction`` (also one without a digit, for an empty canvas):
  update the pyqtgraph items in place. It is called only while the panel is on screen
  (``on_screen()``: visible, not behind another dock's tab); a panel shown again gets
  the latest prediction. ``needs_every_prediction = True`` asks for every prediction
  even while hidden (the stroke timeline records each stroke's reading).
- ``set_second(second)`` is called when a second network (``digitpad.compare.SecondNetwork``,
  None: none) starts or stops reading beside the live one. A panel that shows it reads
  ``session.second_reading(prediction)`` in ``show_prediction``: the second network's
  reading of the same input, made in the same step. Drop anything kept of the old one.
- ``wanted_gradients()``: the ``GradientRequest``s the panel will read from the next
  prediction (Grad-CAM, saliency). The window asks every panel that will get the
  prediction and the one forward pass takes them all, so no panel runs the model again;
  a panel behind a tab is not asked and costs nothing.
- ``weights_edited(edited)`` follows an edit of the parameters in place (``edited``: the
  names of the parameters that now differ from the weights as loaded).
- ``shut_down()`` is called when the window closes: end any thread the panel started.

A panel never holds the window or the canvas. It reads the session and asks for changes
through it (``session.install``, ``session.jobs``), and asks the window with signals:
``parameters_edited`` after writing into the parameters (the session tells everyone,
the drawing is read again), ``status_message`` for the status bar, and its own request
signals (the evidence dock's ``overlay_changed``, the evaluation's
``place_digit_requested``), which the window wires to the canvas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QVBoxLayout, QWidget

from ...classifier import Classifier, GradientRequest, Prediction
from ..style import configure_plots

if TYPE_CHECKING:
    from ..session import AppSession


class Panel(QDockWidget):
    """A dock panel: movable, floatable and closable, restorable from the View menu."""

    parameters_edited = Signal()  # it wrote into the live model's parameters
    status_message = Signal(str)  # a line for the window's status bar

    # Every prediction, even while hidden (the panel then skips its drawing itself).
    needs_every_prediction = False
    # False: nothing it shows changes per pointer move (benchmarks leave it out).
    draws_predictions = True

    def __init__(self, title: str, object_name: str, session: AppSession | None = None,
                 parent: QWidget | None = None):
        configure_plots()
        super().__init__(title, parent)
        self.session = session
        self.classifier: Classifier | None = None  # the live one, for panels that keep it
        self.prediction: Prediction | None = None  # the latest shown, for panels that keep it
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

    def set_classifier(self, classifier: Classifier) -> None:
        raise NotImplementedError

    def show_prediction(self, prediction: Prediction | None) -> None:
        raise NotImplementedError

    def wanted_gradients(self) -> tuple[GradientRequest, ...]:
        """The gradients it will read from the next prediction (most panels: none)."""
        return ()

    def weights_edited(self, edited: frozenset[str]) -> None:
        """Parameters were changed in place; most panels just draw the next prediction."""

    def set_second(self, second) -> None:
        """A second network now reads beside the live one (None: none); most panels show
        the live network only."""

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
