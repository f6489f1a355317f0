"""The My Digits dock: the user's own labelled drawings (``digitpad.collection``).

A grid of thumbnails, filtered by digit, by collection and by "misread by the live
network"; the count of each digit; click a drawing to put it on the pad (the window does,
undoably); relabel and delete, both undoable on the dock's own undo stack, so Ctrl+Z in
the grid never takes back a stroke on the pad; export and import in a worker thread.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QWidget,
)

from ...collection import (
    Collection,
    CollectionError,
    Drawing,
    default_database_path,
    export_drawings,
    import_drawings,
    read_drawings,
)
from ...models import NUM_CLASSES
from ..widgets import text_label, thumbnail_grid
from ..workers import single
from . import Panel
from .evaluation import THUMBNAIL, thumbnail

if TYPE_CHECKING:
    from ..session import AppSession

DIGITS_DB_ENV = "DIGITPAD_DIGITS_DB"  # another collection file (tests, a classroom's)
MAX_SHOWN = 2000  # thumbnails in the grid at once
ALL = None


def collection_path() -> Path:
    """The My Digits file: ``$DIGITPAD_DIGITS_DB``, else the one the CLI uses too."""
    return Path(os.environ.get(DIGITS_DB_ENV) or default_database_path())


class DrawingGrid(QListWidget):
    """The thumbnails. Undo, redo, Delete and the digit keys act on the drawings here,
    taken before the window's shortcuts (the pad's undo, Clear) can see them."""

    undo_key = Signal()
    redo_key = Signal()
    delete_key = Signal()
    digit_key = Signal(int)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._handles(event):
            event.accept()
            return True
        return super().event(event)

    def _handles(self, event: QKeyEvent) -> bool:
        return (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
                or event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_key.emit()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.redo_key.emit()
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_key.emit()
        elif plain and Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9:
            self.digit_key.emit(event.key() - Qt.Key.Key_0)
        else:
            super().keyPressEvent(event)


class _CollectionEdit(QUndoCommand):
    """An edit already made once (so a refused one is never pushed); undo and redo redo it
    on the file, and a failure then is said in the dock, not raised."""

    def __init__(self, panel: MyDigitsPanel, text: str):
        super().__init__(text)
        self.panel = panel
        self.first = True

    def redo(self) -> None:
        if self.first:
            self.first = False
            return
        self.panel.run_edit(self.apply)

    def undo(self) -> None:
        self.panel.run_edit(self.revert)

    def apply(self, collection: Collection) -> None:
        raise NotImplementedError

    def revert(self, collection: Collection) -> None:
        raise NotImplementedError


class _Relabel(_CollectionEdit):
    def __init__(self, panel, identity: str, old: int, new: int, text: str):
        super().__init__(panel, text)
        self.identity, self.old, self.new = identity, old, new

    def apply(self, collection: Collection) -> None:
        collection.relabel(self.identity, self.new)

    def revert(self, collection: Collection) -> None:
        collection.relabel(self.identity, self.old)


class _Delete(_CollectionEdit):
    def __init__(self, panel, drawing: Drawing, text: str):
        super().__init__(panel, text)
        self.drawing = drawing

    def apply(self, collection: Collection) -> None:
        collection.delete(self.drawing.identity)

    def revert(self, collection: Collection) -> None:
        collection.insert(self.drawing)


class MyDigitsPanel(Panel):
    """Counts, filters, the grid, and the actions on the drawings."""

    place_digit_requested = Signal(object)  # a 28 x 28 uint8 picture for the pad
    collect_requested = Signal()  # the Collect… button: the window asks for a name
    draws_predictions = False

    def __init__(self, session: AppSession, parent: QWidget | None = None):
        super().__init__(self.tr("My Digits"), "my_digits", session, parent)
        self.shown: list[Drawing] = []
        # What the live network reads in each drawing (by identity), for the misread
        # filter: each drawing is read once per network, not at every refresh.
        self.readings: dict[str, int] = {}
        self.undo_stack = QUndoStack(self)
        layout = self.body_layout()

        self.counts = text_label(object_name="my_digits_counts")
        layout.addWidget(self.counts)

        filters = QHBoxLayout()
        self.label_filter = QComboBox()
        self.label_filter.setObjectName("label_filter")
        self.label_filter.addItem(self.tr("All digits"), ALL)
        for digit in range(NUM_CLASSES):
            self.label_filter.addItem(self.tr("Only {digit}s").format(digit=digit), digit)
        self.collection_filter = QComboBox()
        self.collection_filter.setObjectName("collection_filter")
        self.collection_filter.setToolTip(self.tr("Show one collection (one per person in Collect mode)"))
        self.misread_filter = QCheckBox(self.tr("Misread"))
        self.misread_filter.setObjectName("misread_filter")
        self.misread_filter.setToolTip(self.tr("Only the drawings the live network reads wrong"))
        for box in (self.label_filter, self.collection_filter):
            box.currentIndexChanged.connect(self.refresh)
            filters.addWidget(box)
        self.misread_filter.toggled.connect(self.refresh)
        filters.addWidget(self.misread_filter)
        filters.addStretch(1)
        layout.addLayout(filters)

        self.grid = thumbnail_grid(DrawingGrid(), "my_digits_grid", THUMBNAIL)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.itemClicked.connect(self.place)
        self.grid.itemActivated.connect(self.place)
        self.grid.undo_key.connect(self.undo_stack.undo)
        self.grid.redo_key.connect(self.undo_stack.redo)
        self.grid.delete_key.connect(self.delete_selected)
        self.grid.digit_key.connect(self.relabel_selected)
        layout.addWidget(self.grid, 1)

        buttons = QHBoxLayout()
        self.relabel_button = QToolButton()
        self.relabel_button.setObjectName("relabel_button")
        self.relabel_button.setText(self.tr("Relabel"))
        self.relabel_button.setToolTip(self.tr("Give the selected drawing another digit (or press "
                                               "a digit key in the grid)"))
        self.relabel_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        relabel_menu = QMenu(self.relabel_button)
        for digit in range(NUM_CLASSES):
            relabel_menu.addAction(str(digit), lambda d=digit: self.relabel_selected(d))
        self.relabel_button.setMenu(relabel_menu)
        self.delete_button = QToolButton()
        self.delete_button.setObjectName("delete_button")
        self.delete_button.setText(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Delete the selected drawing (undoable)"))
        self.delete_button.clicked.connect(self.delete_selected)
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        undo_button, redo_button = QToolButton(), QToolButton()
        undo_button.setObjectName("my_digits_undo")
        undo_button.setDefaultAction(self.undo_action)
        redo_button.setDefaultAction(self.redo_action)
        self.collect_button = QToolButton()
        self.collect_button.setObjectName("collect_button")
        self.collect_button.setText(self.tr("Collect…"))
        self.collect_button.setToolTip(self.tr("Ask for digits in a random order and keep each one "
                                               "under a person's name"))
        self.collect_button.clicked.connect(self.collect_requested)
        self.files_button = QToolButton()
        self.files_button.setText(self.tr("Export / Import"))
        self.files_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        files = QMenu(self.files_button)
        files.addAction(self.tr("Export as PNG Folder + labels.csv…"), lambda: self.export_dialog("png"))
        files.addAction(self.tr("Export as MNIST IDX Files…"), lambda: self.export_dialog("idx"))
        files.addAction(self.tr("Export as JSON Strokes…"), lambda: self.export_dialog("json"))
        files.addSeparator()
        files.addAction(self.tr("Import PNG Folder with labels.csv…"), lambda: self.import_dialog("png"))
        files.addAction(self.tr("Import MNIST IDX Files…"), lambda: self.import_dialog("idx"))
        files.addAction(self.tr("Import JSON Strokes…"), lambda: self.import_dialog("json"))
        self.files_button.setMenu(files)
        for button in (self.relabel_button, self.delete_button, undo_button, redo_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.collect_button)
        buttons.addWidget(self.files_button)
        layout.addLayout(buttons)

        self.status = text_label(object_name="my_digits_status", explaining=True)
        layout.addWidget(self.status)
        session.collection_changed.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------------ panel interface

    def set_classifier(self, classifier) -> None:
        self.classifier = classifier
        self.readings.clear()
        if self.misread_filter.isChecked():
            self.refresh()  # another network misreads other drawings

    def weights_edited(self, edited: frozenset[str]) -> None:
        self.set_classifier(self.session.classifier)

    def show_prediction(self, prediction) -> None:
        pass  # about the kept drawings, not the one on the pad

    # ------------------------------------------------------------------ showing

    @property
    def collection(self) -> Collection | None:
        return self.session.collection

    def refresh(self) -> None:
        """Counts, collection names and the grid, from the file, through the filters."""
        collection = self.collection
        enabled = collection is not None
        for widget in (self.label_filter, self.collection_filter, self.misread_filter, self.grid,
                       self.relabel_button, self.delete_button, self.collect_button, self.files_button):
            widget.setEnabled(enabled)
        if collection is None:
            self.shown = []
            self.grid.clear()
            self.counts.setText(self.tr("My Digits is not available."))
            self.status.setText(self.tr("The collection cannot be used: {reason}. digitpad works "
                                        "without it and leaves the file as it is.").format(
                reason=self.session.collection_error or "?"))
            return
        try:
            self._fill_collections(collection.collections())
            counts = collection.counts()
            self.shown = collection.drawings(label=self.label_filter.currentData(),
                                             collection=self.collection_filter.currentData())
        except CollectionError as exc:
            self.status.setText(self.tr("Cannot read the collection: {reason}").format(reason=exc))
            return
        if self.misread_filter.isChecked() and self.session.classifier is not None:
            self.shown = self._misread(self.shown)
        self.counts.setText(self.tr("<b>{total:,}</b> drawings · ").format(total=sum(counts))
                            + " · ".join(f"{digit}: {count}" for digit, count in enumerate(counts)))
        self.grid.clear()
        for drawing in self.shown[-MAX_SHOWN:][::-1]:  # the newest first
            item = QListWidgetItem(thumbnail(drawing.pixels), str(drawing.label))
            item.setData(Qt.ItemDataRole.UserRole, drawing.identity)
            item.setToolTip(self._describe(drawing))
            self.grid.addItem(item)
        if not self.shown:
            self.status.setText(self.tr("No drawings here yet. Keep one with the Keep As buttons "
                                        "(Ctrl+Alt+digit), Correct It or Collect…."))
        else:
            self.status.setText(self.tr("{count:,} shown · click one to put it on the pad").format(
                count=len(self.shown)))

    def _misread(self, drawings: list[Drawing]) -> list[Drawing]:
        """The drawings the live network reads wrong (as ``Collection.drawings(misread_by=)``
        does), reading only those it has not read yet."""
        classifier = self.session.classifier
        unread = [d for d in drawings if d.identity not in self.readings]
        if unread:
            readings = read_drawings(classifier.model, unread, str(classifier.device))
            self.readings.update((d.identity, int(r)) for d, r in zip(unread, readings))
        return [d for d in drawings if self.readings[d.identity] != d.label]

    def _fill_collections(self, names: dict[str, int]) -> None:
        box = self.collection_filter
        chosen = box.currentData()
        box.blockSignals(True)
        box.clear()
        box.addItem(self.tr("All collections"), ALL)
        for name, count in names.items():
            box.addItem(f"{name} ({count})", name)
        index = box.findData(chosen)
        box.setCurrentIndex(max(0, index))
        box.blockSignals(False)

    def _describe(self, drawing: Drawing) -> str:
        read = "" if drawing.reading is None else self.tr(", read as {reading} by {network}").format(
            reading=drawing.reading, network=drawing.network or "?")
        part = self.tr("held out") if drawing.held_out else self.tr("for training")
        return self.tr("A {label} in {collection}, {created}{read} · {part}").format(
            label=drawing.label, collection=drawing.collection, created=drawing.created[:16],
            read=read, part=part)

    def drawing_of(self, item: QListWidgetItem | None) -> Drawing | None:
        if item is None:
            return None
        identity = item.data(Qt.ItemDataRole.UserRole)
        return next((d for d in self.shown if d.identity == identity), None)

    def place(self, item: QListWidgetItem) -> None:
        drawing = self.drawing_of(item)
        if drawing is not None:
            self.place_digit_requested.emit(drawing.pixels)
            self.status_message.emit(self.tr("Your {label} is on the pad; Undo brings your drawing "
                                             "back.").format(label=drawing.label))

    # ------------------------------------------------------------------ editing

    def run_edit(self, edit) -> bool:
        """Run one change on the file; a refusal is said in the dock. Shown again after."""
        if self.collection is None:
            return False
        try:
            edit(self.collection)
        except CollectionError as exc:
            self.status.setText(self.tr("Not changed: {reason}").format(reason=exc))
            return False
        finally:
            self.session.collection_changed.emit()
        return True

    def relabel_selected(self, label: int) -> bool:
        drawing = self.drawing_of(self.grid.currentItem())
        if drawing is None or self.collection is None or drawing.label == label:
            return False
        if not self.run_edit(lambda collection: collection.relabel(drawing.identity, label)):
            return False
        self.undo_stack.push(_Relabel(self, drawing.identity, drawing.label, label,
                                      self.tr("Relabel {old} as {new}").format(old=drawing.label, new=label)))
        self.status_message.emit(self.tr("Relabelled a {old} as {new}").format(old=drawing.label, new=label))
        return True

    def delete_selected(self) -> bool:
        drawing = self.drawing_of(self.grid.currentItem())
        if drawing is None or self.collection is None:
            return False
        if not self.run_edit(lambda collection: collection.delete(drawing.identity)):
            return False
        self.undo_stack.push(_Delete(self, drawing, self.tr("Delete a {label}").format(label=drawing.label)))
        self.status_message.emit(self.tr("Deleted a {label} (Undo in My Digits brings it back)").format(
            label=drawing.label))
        return True

    # ------------------------------------------------------------------ files

    def export_dialog(self, format: str) -> None:
        if format == "json":
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export My Digits"),
                                                  str(Path.home() / "my-digits.json"),
                                                  self.tr("JSON (*.json)"))
        else:
            path = self._folder(self.tr("Export My Digits To Folder"))
        if path:
            self.export_to(path, format)

    def import_dialog(self, format: str) -> None:
        if format == "json":
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import Drawings"), str(Path.home()),
                                                  self.tr("JSON (*.json)"))
        else:
            path = self._folder(self.tr("Import Drawings From Folder"))
        if path:
            self.import_from(path, format)

    def _folder(self, title: str) -> str:
        return QFileDialog.getExistingDirectory(self, title, str(Path.home()))

    def export_to(self, path, format: str) -> bool:
        """Write the drawings shown (the filters apply) to ``path``, in a worker thread."""
        drawings = list(self.shown)
        if not drawings:
            self.status.setText(self.tr("Nothing to export: no drawings are shown."))
            return False
        work = single(export_drawings, drawings, path, format)
        return self._start(work, self.tr("Exported {count:,} drawings to {path}").format(
            count=len(drawings), path=path), self.tr("Exporting {count:,} drawings…").format(count=len(drawings)))

    def import_from(self, path, format: str | None = None) -> bool:
        """Merge an export into the collection, in a worker thread on its own connection;
        a malformed file adds nothing and the message names the line."""
        if self.collection is None:
            return False
        database = self.collection.path

        def merge():
            with Collection(database) as target:
                return import_drawings(target, path, format)
        return self._start(single(merge), None, self.tr("Importing {path}…").format(path=path))

    def _start(self, work, done_text: str | None, busy_text: str) -> bool:
        def finished(result) -> None:
            if done_text is not None:
                self.status.setText(done_text)
            else:
                self.session.collection_changed.emit()  # shown again, then the result said
                self.status.setText(self.tr("{added:,} drawings added, {there:,} already there").format(
                    added=result.added, there=result.already_there))

        def failed(message: str) -> None:
            self.status.setText(self.tr("Nothing was changed: {reason}").format(reason=message))

        if not self.session.jobs.start(work, finished, lambda completed: None, failed):
            self.status.setText(self.tr("Busy with another job; try again when it is done."))
            return False
        self.status.setText(busy_text)
        return True

