"""Help: about digitpad and about Qt."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu

from . import fill


class HelpMenu(QObject):
    def create(self, window) -> QMenu:
        window.about_act = QAction(QCoreApplication.translate("MainWindow", "&About digitpad"), window, triggered=window.about)
        window.about_qt_act = QAction(QCoreApplication.translate("MainWindow", "About &Qt"), window, triggered=QApplication.aboutQt)
        return fill(window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Help")),
                    [window.about_act, window.about_qt_act])


def create(window) -> QMenu:
    return HelpMenu(window).create(window)
