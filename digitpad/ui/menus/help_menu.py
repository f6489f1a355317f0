"""Help: about digitpad and about Qt."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu

from . import fill


class HelpMenu(QObject):
    def create(self, window) -> QMenu:
        window.about_act = QAction(self.tr("&About digitpad"), window, triggered=window.about)
        window.about_qt_act = QAction(self.tr("About &Qt"), window, triggered=QApplication.aboutQt)
        return fill(window.menuBar().addMenu(self.tr("&Help")),
                    [window.about_act, window.about_qt_act])


def create(window) -> QMenu:
    return HelpMenu(window).create(window)
