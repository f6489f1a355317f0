"""Model: the architecture, restoring the loaded weights, the device, and teaching."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from ...classifier import cuda_unavailable_reason
from ...models import MODEL_SPECS
from ..translation import core_message
from . import fill


class ModelMenu(QObject):
    def create(self, window) -> QMenu:
        window.arch_group = QActionGroup(window)
        for spec in MODEL_SPECS.values():
            action = QAction(spec.display_name, window.arch_group, checkable=True, data=spec.name,
                             statusTip=QCoreApplication.translate("MainWindow", "Use {arch}, with its shipped weights if there are "
                                          "any").format(arch=spec.display_name))
            action.triggered.connect(lambda _=False, a=spec.name: window.set_architecture(a))
        window.restore_act = QAction(QCoreApplication.translate("MainWindow", "Restore &Loaded Weights"), window, enabled=False,
                                     statusTip=QCoreApplication.translate("MainWindow", "Undo every what-if edit: the weights "
                                                  "exactly as they were loaded"),
                                     triggered=window.restore_loaded_weights)
        window.device_group = QActionGroup(window)
        window.cpu_act = QAction("&CPU", window.device_group, checkable=True, data="cpu",
                                 triggered=lambda: window.set_device("cpu"))
        window.cuda_act = QAction("C&UDA", window.device_group, checkable=True, data="cuda",
                                  triggered=lambda: window.set_device("cuda"))
        reason = cuda_unavailable_reason()
        if reason is not None:
            window.cuda_act.setEnabled(False)
            window.cuda_act.setText(QCoreApplication.translate("MainWindow", "CUDA (unavailable)"))
            why = QCoreApplication.translate("MainWindow", "CUDA cannot be used: {reason}").format(reason=core_message(reason))
            window.cuda_act.setToolTip(why)
            window.cuda_act.setStatusTip(why)
        window.train_act = QAction(QCoreApplication.translate("MainWindow", "&Train…"), window, shortcut="Ctrl+T",
                                   statusTip=QCoreApplication.translate("MainWindow", "Train a network on MNIST and watch it learn"),
                                   triggered=window.training.present)
        window.correct_act = QAction(QCoreApplication.translate("MainWindow", "C&orrect It…"), window, shortcut="Ctrl+K",
                                     statusTip=QCoreApplication.translate("MainWindow", "Read wrong? Tell the network what you drew "
                                                  "and it learns from it"),
                                     triggered=window.correction.present)
        window.undo_correction_act = window.correction.undo_action
        window.evaluate_act = QAction(QCoreApplication.translate("MainWindow", "E&valuate…"), window, shortcut="Ctrl+E",
                                      statusTip=QCoreApplication.translate("MainWindow", "Measure the current weights on the MNIST "
                                                   "test set: accuracy, confusions, examples"),
                                      triggered=window.evaluation.present)

        window.compare_menu = self.compare_menu(window)
        window.stop_comparing_act = QAction(
            QCoreApplication.translate("MainWindow", "&Stop Comparing"), window, enabled=False,
            statusTip=QCoreApplication.translate("MainWindow", "Back to one network reading the "
                                                 "drawing"),
            triggered=window.stop_comparing)

        window.evaluate_both_act = QAction(
            QCoreApplication.translate("MainWindow", "Evaluate &Both Networks…"), window,
            enabled=False,
            statusTip=QCoreApplication.translate("MainWindow", "Both networks read the same test "
                                                 "digits: both accuracies, the digits they read "
                                                 "differently, and whether the difference is "
                                                 "more than chance"),
            triggered=window.evaluation.present)

        menu = window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Model"))
        device_menu = QMenu(QCoreApplication.translate("MainWindow", "&Device"), menu)
        device_menu.setToolTipsVisible(True)  # says why CUDA is unavailable
        device_menu.addActions(window.device_group.actions())
        # Named, as the README says: Model ▸ Architecture, not loose radio items.
        window.arch_menu = QMenu(QCoreApplication.translate("MainWindow", "&Architecture"), menu)
        window.arch_menu.addActions(window.arch_group.actions())
        return fill(menu, [window.arch_menu, None, window.restore_act, None,
                           device_menu, None, window.train_act, window.correct_act,
                           window.undo_correction_act, window.evaluate_act, None,
                           window.compare_menu, window.evaluate_both_act,
                           window.stop_comparing_act])

    @staticmethod
    def compare_menu(window) -> QMenu:
        """Model ▸ Compare With: a second network that reads every drawing too. Each
        source makes a ``SecondNetwork`` and hands it to ``window.compare_with``; a new
        source is one more action here."""
        menu = QMenu(QCoreApplication.translate("MainWindow", "Compare &With"), window)
        menu.setToolTipsVisible(True)
        for spec in MODEL_SPECS.values():
            action = menu.addAction(QCoreApplication.translate(
                "MainWindow", "{arch} (shipped weights)").format(arch=spec.display_name))
            action.setStatusTip(QCoreApplication.translate(
                "MainWindow", "A second network, {arch} with its shipped weights, reads every "
                "drawing too").format(arch=spec.display_name))
            action.triggered.connect(lambda _=False, a=spec.name: window.compare_with_shipped(a))
        window.compare_loaded_act = menu.addAction(
            QCoreApplication.translate("MainWindow", "The Weights As &Loaded"))
        window.compare_loaded_act.setStatusTip(QCoreApplication.translate(
            "MainWindow", "Compare the live weights with themselves as loaded: what your "
            "edits, corrections or training changed"))
        window.compare_loaded_act.triggered.connect(window.compare_with_loaded)
        menu.addSeparator()
        window.compare_file_act = menu.addAction(
            QCoreApplication.translate("MainWindow", "Weights &File…"))
        window.compare_file_act.setStatusTip(QCoreApplication.translate(
            "MainWindow", "A second network from a weights file reads every drawing too"))
        window.compare_file_act.triggered.connect(window.compare_with_file_dialog)
        window.compare_network_act = menu.addAction(
            QCoreApplication.translate("MainWindow", "&Network of Your Own…"))
        window.compare_network_act.setStatusTip(QCoreApplication.translate(
            "MainWindow", "A network from a Python file (and its weights) or an ONNX file reads "
            "every drawing too"))
        window.compare_network_act.triggered.connect(lambda: window.networks.compare_dialog())
        return menu


def create(window) -> QMenu:
    return ModelMenu(window).create(window)
