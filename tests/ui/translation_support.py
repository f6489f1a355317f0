"""What the translation tests read off a window: every text it shows, and the English words
left in them."""

from __future__ import annotations

import html
import re

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QTableWidget,
    QToolBar,
    QTreeWidget,
    QWidget,
)

from digitpad.models import ARCHITECTURES
from digitpad.ui.translation import LANGUAGE_NAMES

# Words that are names, not English prose, and stay as they are in every language: the
# program, the libraries and hardware it names, the data set, network parts and methods
# known by these names in Chinese texts too, units and symbols of the formulas shown.
TECHNICAL_WORDS = {
    "digitpad", "Qt", "MNIST", "UNIPEN", "CPU", "CUDA", "AdamW", "ReLU", "Grad-CAM", "logit",
    "px", "deg",
    "PNG", "IDX", "JSON", "labels.csv", "Ctrl", "Alt", "Enter",  # file formats, keys
    "Python", "ONNX", "safetensors",  # languages and formats of a network of one's own
    *ARCHITECTURES,
    *LANGUAGE_NAMES.values(),  # each language is offered under its own name
}
# A word: letters, digits and the punctuation inside identifiers, file names and shapes.
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z_]")
LETTERS = re.compile(r"[A-Za-z]{2}")
TAG = re.compile(r"<[^>]*>")
CODE = re.compile(r"<code>.*?</code>", re.S)  # a command or a variable, typed as it is


def english_words(text: str, allowed: set[str]) -> list[str]:
    """The words of ``text`` (code, HTML tags and mnemonics removed) with two or more
    Latin letters in a row that are not ``allowed``."""
    plain = html.unescape(TAG.sub(" ", CODE.sub(" ", text))).replace("&", " ")
    return [word for word in WORD.findall(plain)
            if LETTERS.search(word) and word not in allowed and word.rstrip(".") not in allowed]


def model_words(window) -> set[str]:
    """The live model's own names (modules, parameters, their types) and the weights
    file's: identifiers the interface shows as they are."""
    model = window.session.classifier.model
    words = {type(model).__name__, "Parameter"}
    for name, module in model.named_modules():
        words.update(name.split("."))
        words.update((name, type(module).__name__))
    for name, parameter in model.named_parameters():
        words.update(name.split("."))
        words.update((name, str(parameter.dtype).removeprefix("torch."), parameter.device.type))
    for name, _buffer in model.named_buffers():  # shown beside the parameters
        words.update(name.split("."))
        words.add(name)
    words.update(("True", "False"))  # requires_grad
    if window.session.state.source.path is not None:
        words.add(window.session.state.source.path.name)
    return words


def menu_texts(menu: QMenu, where: str):
    menu.aboutToShow.emit()  # menus filled when opened (Open Recent)
    yield where, menu.title()
    for action in menu.actions():
        if action.isSeparator():
            continue
        here = f"{where} ▸ {action.text()}"
        yield here, action.text()
        yield f"{here} (tool tip)", action.toolTip()
        yield f"{here} (status tip)", action.statusTip()
        if action.menu() is not None:
            yield from menu_texts(action.menu(), here)


def header_texts(view: QTableWidget | QTreeWidget, where: str):
    if isinstance(view, QTableWidget):
        sections = [(Qt.Orientation.Horizontal, view.columnCount()),
                    (Qt.Orientation.Vertical, view.rowCount())]
    else:
        sections = [(Qt.Orientation.Horizontal, view.columnCount())]
    for orientation, count in sections:
        for section in range(count):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = view.model().headerData(section, orientation, role)
                if isinstance(value, str):
                    yield f"{where} header {section}", value


def item_texts(view: QTableWidget | QTreeWidget, where: str):
    """The texts and tool tips of every cell of a table or tree, and of its headers."""
    yield from header_texts(view, where)
    if isinstance(view, QTableWidget):
        cells = [(view.item(r, c), None) for r in range(view.rowCount())
                 for c in range(view.columnCount())]
    else:
        cells, pending = [], [view.topLevelItem(i) for i in range(view.topLevelItemCount())]
        while pending:
            item = pending.pop()
            cells.extend((item, column) for column in range(view.columnCount()))
            pending.extend(item.child(i) for i in range(item.childCount()))
    for item, column in cells:
        if item is None:
            continue
        text = item.text() if column is None else item.text(column)
        tip = item.toolTip() if column is None else item.toolTip(column)
        yield f"{where} item {text!r}", text
        yield f"{where} item {text!r} (tool tip)", tip


def graphics_texts(view: pg.GraphicsView, where: str):
    """Titles, labels and axis labels drawn by pyqtgraph."""
    for item in view.scene().items():
        if isinstance(item, pg.LabelItem):
            yield f"{where} label", item.text
        elif isinstance(item, pg.TextItem):
            yield f"{where} text", item.toPlainText()
        elif isinstance(item, pg.AxisItem) and item.label.isVisible():
            yield f"{where} axis", item.labelText


def widget_texts(widget: QWidget, where: str):
    yield f"{where} (tool tip)", widget.toolTip()
    yield f"{where} (status tip)", widget.statusTip()
    yield f"{where} (what's this)", widget.whatsThis()
    if isinstance(widget, (QDockWidget, QToolBar)) or widget.isWindow():
        yield f"{where} (title)", widget.windowTitle()
    if isinstance(widget, (QLabel, QAbstractButton)):
        yield where, widget.text()
    elif callable(getattr(widget, "text", None)):  # the docks' own text widgets
        yield where, widget.text()
    if isinstance(widget, QGroupBox):
        yield where, widget.title()
    if isinstance(widget, QLineEdit):
        yield f"{where} (placeholder)", widget.placeholderText()
    if isinstance(widget, QAbstractSpinBox):
        yield f"{where} (special value)", widget.specialValueText()
        yield f"{where} (suffix)", getattr(widget, "suffix", lambda: "")()
    if isinstance(widget, QComboBox):
        for index in range(widget.count()):
            yield f"{where} item {index}", widget.itemText(index)
            tip = widget.itemData(index, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str):
                yield f"{where} item {index} (tool tip)", tip
    if isinstance(widget, QTabBar):
        for index in range(widget.count()):
            yield f"{where} tab {index}", widget.tabText(index)
            yield f"{where} tab {index} (tool tip)", widget.tabToolTip(index)
    if isinstance(widget, (QTableWidget, QTreeWidget)):
        yield from item_texts(widget, where)
    if isinstance(widget, pg.GraphicsView):
        yield from graphics_texts(widget, where)


def shown_texts(window):
    """(where, text) for every text of ``window``: its title, its menus (submenus, tool
    and status tips included), its docks and toolbars, and every widget in it, shown or
    not (a dock behind a tab or closed still has its words)."""
    yield "window title", window.windowTitle()
    yield "status bar message", window.statusBar().currentMessage()
    for action in window.menuBar().actions():
        yield from menu_texts(action.menu(), action.text())
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QMenu):
            continue  # the menus above, and pyqtgraph's context menus, which are off
        name = widget.objectName() or type(widget).__name__
        owner = widget.parent()
        while owner is not None and not isinstance(owner, QDockWidget):
            owner = owner.parent()
        where = f"{owner.objectName()}/{name}" if owner is not None else name
        yield from widget_texts(widget, where)


def english_left(window, extra_allowed=()) -> list[tuple[str, str, list[str]]]:
    """(where, text, English words) for each text of ``window`` with English words."""
    allowed = TECHNICAL_WORDS | model_words(window) | set(extra_allowed)
    found = []
    for where, text in shown_texts(window):
        words = english_words(text or "", allowed)
        if words:
            found.append((where, text, words))
    return found
