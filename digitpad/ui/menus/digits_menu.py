"""Digits: keep the drawing as a digit in My Digits, Collect mode, the My Digits dock."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from . import fill


class DigitsMenu(QObject):
    def create(self, window) -> QMenu:
        window.keep_acts = []
        for digit in range(10):
            action = QAction(QCoreApplication.translate("MainWindow", "Keep As {digit}").format(digit=digit),
                             window, triggered=lambda _=False, d=digit: window.keep_drawing(d))
            action.setObjectName(f"keep_as_{digit}")
            action.setIconText(str(digit))  # the toolbar's button
            action.setShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                                            | Qt.Key(Qt.Key.Key_0 + digit)))
            action.setStatusTip(QCoreApplication.translate(
                "MainWindow", "Keep the drawing in My Digits as a {digit}").format(digit=digit))
            window.keep_acts.append(action)
        window.collect_act = QAction(QCoreApplication.translate("MainWindow", "&Collect…"), window,
                                     statusTip=QCoreApplication.translate(
                                         "MainWindow", "Ask for digits in a random order and keep each "
                                         "one under a person's name"),
                                     triggered=window.collect_dialog)
        keep = QMenu(QCoreApplication.translate("MainWindow", "&Keep Drawing As"), window)
        keep.addActions(window.keep_acts)
        return fill(window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Digits")), [
            keep, window.collect_act, None, window.my_digits.toggleViewAction()])


def create(window) -> QMenu:
    return DigitsMenu(window).create(window)
