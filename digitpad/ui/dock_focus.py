"""A view mode of the main window: one dock alone beside the central widget, as wide as
the window allows, and back to every dock as it was."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QMainWindow

from .dock_layout import drop_retired_tab_bars


class DockFocus(QObject):
    """``set_active(True)`` hides every other dock and widens ``dock`` until the central
    widget is ``central_width`` wide (the pad stays usable: the point is to draw and
    watch); ``set_active(False)`` restores the layout from before. Closing ``dock``
    while focused also ends the mode (and leaves it closed)."""

    active_changed = Signal(bool)

    def __init__(self, window: QMainWindow, dock: QDockWidget, central_width: int):
        super().__init__(window)
        self.window, self.dock, self.central_width = window, dock, central_width
        self.layout_before: QByteArray | None = None
        self._changing = False
        dock.visibilityChanged.connect(self._dock_visibility_changed)

    @property
    def active(self) -> bool:
        return self.layout_before is not None

    def set_active(self, active: bool) -> None:
        if active == self.active or self._changing:
            return
        self._changing = True
        try:
            window = self.window
            if active:
                self.layout_before = window.saveState()
                if self.dock.isFloating():
                    self.dock.setFloating(False)
                for dock in window.findChildren(QDockWidget):
                    if dock is not self.dock and dock.parent() is window:
                        dock.hide()
                self.dock.show()
                self.dock.raise_()
                room = window.width() - self.central_width - 24
                window.resizeDocks([self.dock], [max(room, self.dock.minimumWidth())],
                                   Qt.Orientation.Horizontal)
            else:
                state, self.layout_before = self.layout_before, None
                window.restoreState(state)
                drop_retired_tab_bars(window)
        finally:
            self._changing = False
        self.active_changed.emit(active)

    def _dock_visibility_changed(self, visible: bool) -> None:
        # Closed by its own button while focused: the other docks come back, it stays closed.
        if self.active and not visible and not self._changing and not self.dock.isVisible():
            self.set_active(False)
            self.dock.hide()
