"""View: a toggle per dock, the toolbars, the preprocessing steps, the network view's full
window mode and the language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from ..translation import LANGUAGE_NAMES, SYSTEM_LANGUAGE, chosen_language
from . import fill


class ViewMenu(QObject):
    def create(self, window) -> QMenu:
        window.steps_act = QAction(QCoreApplication.translate("MainWindow", "&Preprocessing Steps"), window, checkable=True,
                                   statusTip=QCoreApplication.translate("MainWindow", "Show how the drawing becomes the 28 × 28 input"),
                                   toggled=window.network_input.set_steps_visible)
        # Asked for, the steps come to the front of their tab group.
        window.steps_act.triggered.connect(lambda shown: shown and window.network_input.raise_())
        menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&View"))
        fill(menu, [panel.toggleViewAction() for panel in window.panels])
        # Docks added later go here; the toolbars' toggles go before the steps.
        window.view_panels_end = menu.addSeparator()
        return fill(menu, [window.steps_act, window.network_view.full_window_action, None,
                           self.language_menu(window, menu)])

    def language_menu(self, window, parent: QMenu) -> QMenu:
        """System, then each language under its own name; checked: the one chosen."""
        window.language_menu = QMenu(QCoreApplication.translate("MainWindow", "&Language"), parent)
        window.language_group = QActionGroup(window)
        chosen = chosen_language(window.settings)
        for language, name in [(SYSTEM_LANGUAGE, QCoreApplication.translate("MainWindow", "System")), *LANGUAGE_NAMES.items()]:
            action = QAction(name, window.language_group, checkable=True, data=language,
                             checked=language == chosen)
            action.triggered.connect(lambda _=False, chosen=language: window.set_language(chosen))
        window.language_menu.addActions(window.language_group.actions())
        return window.language_menu


def create(window) -> QMenu:
    return ViewMenu(window).create(window)
