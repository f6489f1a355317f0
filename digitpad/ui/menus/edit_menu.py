"""Edit: the pad's undo and redo, clear, eraser and brush size."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from . import fill


class EditMenu(QObject):
    def create(self, window) -> QMenu:
        canvas = window.canvas
        stack = canvas.undo_stack
        # Own actions rather than QUndoStack's, whose "prefix + space + command" puts a
        # stray space into Chinese ("撤销 笔画"): a whole template per language instead.
        window.undo_act = undo_redo_action(
            window, QCoreApplication.translate("MainWindow", "&Undo"),
            QCoreApplication.translate("MainWindow", "&Undo {what}"),
            stack.undo, stack.canUndoChanged, stack.undoTextChanged, stack.canUndo(), stack.undoText())
        window.undo_act.setShortcuts(QKeySequence.StandardKey.Undo)
        window.redo_act = undo_redo_action(
            window, QCoreApplication.translate("MainWindow", "&Redo"),
            QCoreApplication.translate("MainWindow", "&Redo {what}"),
            stack.redo, stack.canRedoChanged, stack.redoTextChanged, stack.canRedo(), stack.redoText())
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


class UndoStackAction(QAction):
    """An Undo or Redo action that follows the stack: its text ("&Undo Stroke", or
    "&Undo" alone), or with ``fixed`` its tooltip only, so a toolbar button keeps its
    width. Its own slots: the connections go with the action."""

    def __init__(self, parent, plain: str, template: str, trigger, can_changed, text_changed,
                 can: bool, text: str, *, fixed: bool = False):
        super().__init__(plain, parent)
        self.plain, self.template, self.fixed = plain, template, fixed
        self.setEnabled(can)
        self.triggered.connect(trigger)
        can_changed.connect(self.setEnabled)
        text_changed.connect(self.follow)
        self.follow(text)

    def follow(self, what: str) -> None:
        text = self.template.format(what=what) if what else self.plain
        if self.fixed:
            self.setToolTip(text)
        else:
            self.setText(text)


def undo_redo_action(window, plain: str, template: str, trigger, can_changed, text_changed,
                     can: bool, text: str) -> QAction:
    return UndoStackAction(window, plain, template, trigger, can_changed, text_changed, can, text)


def create(window) -> QMenu:
    return EditMenu(window).create(window)
