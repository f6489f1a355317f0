"""Edit: the pad's undo and redo, clear, eraser and brush size."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from . import fill


class EditMenu(QObject):
    def create(self, window) -> QMenu:
        canvas = window.canvas
        window.undo_act = canvas.undo_stack.createUndoAction(window, QCoreApplication.translate("MainWindow", "&Undo"))
        window.undo_act.setShortcuts(QKeySequence.StandardKey.Undo)
        window.redo_act = canvas.undo_stack.createRedoAction(window, QCoreApplication.translate("MainWindow", "&Redo"))
        window.redo_act.setShortcuts(QKeySequence.StandardKey.Redo)
        window.clear_act = QAction(QCoreApplication.translate("MainWindow", "&Clear"), window, statusTip=QCoreApplication.translate("MainWindow", "Wipe the pad (undoable)"),
                                   triggered=canvas.clear)
        window.clear_act.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete),
                                       QKeySequence(Qt.Key.Key_Escape)])
        window.eraser_act = QAction(QCoreApplication.translate("MainWindow", "&Eraser"), window, checkable=True, shortcut="E",
                                    statusTip=QCoreApplication.translate("MainWindow", "Erase with the left button (the right "
                                                 "button always erases)"),
                                    toggled=canvas.set_eraser)
        canvas.eraser_changed.connect(window.eraser_act.setChecked)
        window.smaller_act = QAction(QCoreApplication.translate("MainWindow", "&Smaller Brush"), window, shortcut="[",
                                     triggered=canvas.shrink_brush)
        window.larger_act = QAction(QCoreApplication.translate("MainWindow", "&Larger Brush"), window, shortcut="]",
                                    triggered=canvas.grow_brush)
        return fill(window.menuBar().addMenu(QCoreApplication.translate("MainWindow", "&Edit")), [
            window.undo_act, window.redo_act, None,
            window.clear_act, window.eraser_act, window.smaller_act, window.larger_act])


def create(window) -> QMenu:
    return EditMenu(window).create(window)
