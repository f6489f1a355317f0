"""File: open, recent, save and export, revert, quit."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from . import fill


class FileMenu(QObject):
    def create(self, window) -> QMenu:
        window.open_act = QAction(QCoreApplication.translate("MainWindow", "&Open Weights…"), window,
                                  shortcut=QKeySequence.StandardKey.Open,
                                  statusTip=QCoreApplication.translate("MainWindow", "Open a weights file"),
                                  triggered=window.open_weights_dialog)
        window.save_as_act = QAction(QCoreApplication.translate("MainWindow", "Save Weights &As…"), window,
                                     shortcut=QKeySequence.StandardKey.SaveAs,
                                     statusTip=QCoreApplication.translate("MainWindow", "Save the model's current weights to a file"),
                                     triggered=window.save_weights_dialog)
        window.revert_act = QAction(QCoreApplication.translate("MainWindow", "Re&vert to Shipped Weights"), window,
                                    statusTip=QCoreApplication.translate("MainWindow", "Load the weights that came with digitpad"),
                                    triggered=window.revert_to_shipped)
        window.export_act = QAction(QCoreApplication.translate("MainWindow", "&Export Reading…"), window, shortcut="Ctrl+Shift+E",
                                    statusTip=QCoreApplication.translate("MainWindow", "Save the drawing, the 28 × 28 input, the "
                                                 "feature maps, the evidence and the "
                                                 "probabilities in a folder"),
                                    triggered=window.export_reading_dialog)
        window.open_network_act = QAction(QCoreApplication.translate("MainWindow", "Open &Network…"), window, shortcut="Ctrl+Shift+O",
                                          statusTip=QCoreApplication.translate("MainWindow", "Open a network of your own: a Python file (its code runs) or an ONNX file"),
                                          triggered=window.networks.open_dialog)
        window.export_onnx_act = QAction(QCoreApplication.translate("MainWindow", "&ONNX…"), window,
                                         statusTip=QCoreApplication.translate("MainWindow", "Write the live network, edits included, as an ONNX file"),
                                         triggered=window.networks.export_onnx_dialog)
        window.export_safetensors_act = QAction(QCoreApplication.translate("MainWindow", "&safetensors…"), window,
                                                statusTip=QCoreApplication.translate("MainWindow", "Write the live weights as a .safetensors file"),
                                                triggered=window.networks.export_safetensors_dialog)
        window.quit_act = QAction(QCoreApplication.translate("MainWindow", "&Quit"), window, shortcut=QKeySequence.StandardKey.Quit,
                                  triggered=window.close)
        menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&File"))
        window.recent_menu = QMenu(QCoreApplication.translate("MainWindow", "Open &Recent"), menu)
        window.recent_menu.aboutToShow.connect(window.fill_recent_menu)
        window.export_network_menu = QMenu(QCoreApplication.translate("MainWindow", "Export Ne&twork"), menu)
        window.export_network_menu.addActions([window.export_onnx_act, window.export_safetensors_act])
        return fill(menu, [window.open_act, window.recent_menu, window.save_as_act, None,
                           window.open_network_act, window.export_network_menu, None,
                           window.export_act, None, window.revert_act, None, window.quit_act])


def create(window) -> QMenu:
    return FileMenu(window).create(window)
