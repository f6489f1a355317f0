"""File: open, recent, save and export, revert, quit."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from . import fill


class FileMenu(QObject):
    def create(self, window) -> QMenu:
        tr = self.tr
        window.open_act = QAction(tr("&Open Weights…"), window,
                                  shortcut=QKeySequence.StandardKey.Open,
                                  statusTip=tr("Open a weights file"),
                                  triggered=window.open_weights_dialog)
        window.save_as_act = QAction(tr("Save Weights &As…"), window,
                                     shortcut=QKeySequence.StandardKey.SaveAs,
                                     statusTip=tr("Save the model's current weights to a file"),
                                     triggered=window.save_weights_dialog)
        window.revert_act = QAction(tr("&Revert to Shipped Weights"), window,
                                    statusTip=tr("Load the weights that came with digitpad"),
                                    triggered=window.revert_to_shipped)
        window.export_act = QAction(tr("&Export Reading…"), window, shortcut="Ctrl+Shift+E",
                                    statusTip=tr("Save the drawing, the 28 × 28 input, the "
                                                 "feature maps, the evidence and the "
                                                 "probabilities in a folder"),
                                    triggered=window.export_reading_dialog)
        window.quit_act = QAction(tr("&Quit"), window, shortcut=QKeySequence.StandardKey.Quit,
                                  triggered=window.close)
        menu = window.menuBar().addMenu(tr("&File"))
        window.recent_menu = QMenu(tr("Open &Recent"), menu)
        window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
        return fill(menu, [window.open_act, window.recent_menu, window.save_as_act, None,
                           window.export_act, None, window.revert_act, None, window.quit_act])


def create(window) -> QMenu:
    return FileMenu(window).create(window)
